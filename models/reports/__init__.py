"""The coordinator's reports: Flask-free queries over the coalition and its referrals.

- ``capacity``: demand against free places per area (wijk of Utrecht, other
  gemeente) and domain, from the engine's coalition summary.
- ``funnel``: how referrals moved through their lifecycle in a period.
- ``network``: the coalition graph: partners by kind, ties, centrality, isolation.
"""

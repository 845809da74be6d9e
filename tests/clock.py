"""Today as the coordinator's reports count days: in Europe/Amsterdam (``models.clock``).

A referral sent now falls on Amsterdam's date, which is a day ahead of the machine's
own ``date.today()`` on a UTC machine from 23:00 (22:00 in summer) to midnight: a test
that asks a report for ``date.today()`` then misses what it just did.
"""

from models.clock import local_today as reports_today

__all__ = ["reports_today"]

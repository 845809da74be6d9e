"""Today as the coordinator's reports count days: in Europe/Amsterdam.

A referral sent now falls on Amsterdam's date, which is a day ahead of the machine's
own ``date.today()`` on a UTC machine from 23:00 (22:00 in summer) to midnight: a test
that asks a report for ``date.today()`` then misses what it just did.
"""

from datetime import date, datetime

from models.reports.funnel import LOCAL_TIME


def reports_today() -> date:
    return datetime.now(LOCAL_TIME).date()

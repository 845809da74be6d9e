"""Today as the coalition lives it: the date in Europe/Amsterdam, whatever the server's zone.

A server on UTC still has yesterday's date from midnight to 01:00 Dutch time (02:00 in
summer): a PIP dated today would be refused as lying ahead, and a report up to today
would leave out what was just done.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()

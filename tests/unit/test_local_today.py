"""Today is Amsterdam's, whatever the server's zone (``models.clock``).

The machine's zone is set to one whose date differs from Amsterdam's at this moment:
a rule or default that asked ``date.today()`` then gives the wrong day, as a UTC server
does from midnight to 01:00 Dutch time (02:00 in summer).
"""

import pathlib
import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.clock import local_today
from models.field_rules import past_date_errors, person_field_errors
from web.portal.coordinator.forms import PeriodForm

ROOT = pathlib.Path(__file__).resolve().parents[2]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def machine_on_another_day(monkeypatch):
    """The process's zone set to UTC-12 or UTC+14, whichever is on another date than
    Amsterdam now (one of them always is)."""
    amsterdam = datetime.now(AMSTERDAM).date()
    for zone in ("Etc/GMT+12", "Etc/GMT-14"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        if date.today() != amsterdam:
            break
    yield amsterdam
    monkeypatch.undo()
    time.tzset()


def test_the_machine_is_on_another_day_than_amsterdam(machine_on_another_day):
    assert date.today() != machine_on_another_day
    assert local_today() == machine_on_another_day


def test_a_date_of_today_in_amsterdam_is_not_in_the_future(machine_on_another_day):
    today = machine_on_another_day
    assert past_date_errors("dagtekening", today.isoformat()) == []
    assert person_field_errors({"arrived_on": today, "birth_year": today.year}) == []
    refused = past_date_errors("dagtekening", (today + timedelta(days=1)).isoformat())
    assert [e["field"] for e in refused] == ["dagtekening"]


def test_the_report_period_ends_today_in_amsterdam(machine_on_another_day):
    period = PeriodForm.defaults()
    assert period["tot"] == machine_on_another_day.isoformat()


def test_no_code_asks_the_machine_for_its_date():
    """Every "today" of the web and the models goes through ``models.clock``."""
    asked = [f"{path.relative_to(ROOT)}:{n}"
             for folder in ("web", "models")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"\bdate\.today\(\)", line)]
    assert asked == []

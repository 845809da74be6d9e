import datetime as dt
import json
import math
from pathlib import Path

import pytest

from matching import Inburgeraar, Offer, Partner, Scenario

EXAMPLE = Path(__file__).resolve().parents[3] / "matching" / "contract" / "example-scenario.json"
KM_PER_DEGREE_LAT = 6371.0088 * math.pi / 180


@pytest.fixture
def example_doc():
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def tiny(person=None, offer=None, history=(), partners=None):
    """One partner, one offer, one person at known places; fields overridden."""
    return Scenario(
        reference_date=dt.date(2026, 11, 24),
        partners=partners or [Partner(id="p1", kind="taalschool")],
        offers=[Offer(**{"id": "o1", "partner_id": "p1", "domain": "taal", "capacity": 1,
                         "lat": 52.0, "lon": 5.0, **(offer or {})})],
        inburgeraars=[Inburgeraar(**{"id": "i1", "needs": {"taal": 1}, "lat": 52.0,
                                     "lon": 5.0, **(person or {})})],
        history=list(history),
    )

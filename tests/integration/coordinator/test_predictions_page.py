"""'Hoe goed voorspelt Wegwijs?': the chances given against what happened, and its page."""

from datetime import timedelta

import pytest
from test_coordinator_pages import PASSWORD, log_in, read_csv

import factories
from models.base import now_utc
from models.referral import Referral
from models.reports.predictions import prediction_report


def _ended(session, offer, chance, status, days_ago=30, reason_code=None):
    session.add(Referral(inburgeraar=factories.inburgeraar(session), offer=offer, status=status,
                         chance_given=chance, reason_code=reason_code,
                         status_changed_at=now_utc() - timedelta(days=days_ago)))


@pytest.fixture
def history(session):
    """Two partners' referrals: "Trouw" as predicted, "Omgeslagen" completing far less."""
    trouw = factories.offer(session, partner=factories.partner(session, name="Trouw"),
                            domain="taal")
    omgeslagen = factories.offer(session, partner=factories.partner(session, name="Omgeslagen"),
                                 domain="werk")
    for k in range(10):  # given 30 %, 3 of 10 completed; a drop-out is one whatever its reason
        _ended(session, trouw, 0.3, "completed" if k < 3 else "dropped",
               reason_code="vol" if k == 3 else None)
    for k in range(10):  # given 80 %, 1 of 10 completed
        _ended(session, omgeslagen, 0.8, "completed" if k < 1 else "declined",
               reason_code=None if k < 1 else "niveau")
    # Not counted: ended over a year ago, declined as full ("vol"), still open, or made
    # before chances.
    _ended(session, trouw, 0.9, "dropped", days_ago=400)
    _ended(session, trouw, 0.9, "declined", reason_code="vol")
    _ended(session, trouw, 0.9, "started")
    _ended(session, trouw, None, "completed")
    session.commit()
    return {"trouw": trouw, "omgeslagen": omgeslagen}


def test_the_report_compares_the_chances_given_with_what_happened(session, history):
    report = prediction_report(session)
    assert (report.count, report.without_chance) == (20, 1)
    brier = (3 * 0.7**2 + 7 * 0.3**2 + 1 * 0.2**2 + 9 * 0.8**2) / 20
    assert report.brier == pytest.approx(brier)
    # Bands 20-40 % (30 % given, 30 % completed) and 80-100 % (80 % given, 10 % completed).
    assert [(b.label, b.count, b.completed) for b in report.bands] == [
        ("20–40 %", 10, 3), ("80–100 %", 10, 1)]
    assert report.calibration_error == pytest.approx((10 * 0 + 10 * 0.7) / 20)
    assert {d.key: d.completed for d in report.domains} == {"taal": 3, "werk": 1}
    assert [w.partner for w in report.warnings] == ["Omgeslagen"]
    assert report.warnings[0].text.startswith(
        "Bij Omgeslagen rondden 1 van de 10 verwijzingen af (10 %), minder dan de 80 %")


def test_the_coordinator_sees_the_page_and_its_exports(client, session, history):
    log_in(client, factories.user(session, role="coordinator", password=PASSWORD))
    page = client.get("/coordinator/voorspellingen")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1 class=\"utrecht-heading-1\">Hoe goed voorspelt Wegwijs?</h1>" in text
    assert "Uitkomsten wijken af van de voorspelling" in text and "Bij Omgeslagen" in text
    assert "Bij Trouw" not in text
    rows = read_csv(client.get("/coordinator/voorspellingen/partners.csv"))
    assert rows[0] == ["Partner", "Verwijzingen", "Gegeven kans (gemiddeld)", "Afgerond",
                       "Brierscore"]
    assert rows[1][:4] == ["Omgeslagen", "10", "80 %", "10 %"]
    assert client.get("/coordinator/voorspellingen/niets.csv").status_code == 404


def test_without_ended_referrals_the_page_says_so(client, session):
    log_in(client, factories.user(session, role="coordinator", password=PASSWORD))
    text = client.get("/coordinator/voorspellingen").get_data(as_text=True)
    assert "nog geen verwijzingen geëindigd" in text


def test_only_the_coordinator_sees_it(client, session):
    log_in(client, factories.user(session, role="klantmanager", password=PASSWORD))
    assert client.get("/coordinator/voorspellingen").status_code == 403

"""The coordinator's access-log page (filters) and locked accounts page (unlock)."""

from datetime import timedelta

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401

import factories
from models.audit import Access, record_access
from models.base import now_utc


@pytest.fixture
def world(session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    seen = factories.inburgeraar(session, pseudonym="IB-GEZIEN01")
    unseen = factories.inburgeraar(session, pseudonym="IB-ANDER001")
    record_access(session, Access(km, "api", "GET /api/v1/inburgeraars/1", "192.0.2.5"), "read",
                  [seen.id])
    record_access(session, Access(km, "portal", "GET /klantmanager/inburgeraars", "192.0.2.6"),
                  "list", [seen.id, unseen.id])
    session.commit()
    return {"coordinator": coordinator, "km": km, "seen": seen, "unseen": unseen}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_coordinator_filters_the_access_log(form_client, world):
    log_in(form_client, world["coordinator"])
    everything = text(form_client.get("/coordinator/toegang"))
    assert "IB-GEZIEN01" in everything and "IB-ANDER001" in everything
    assert "192.0.2.5" in everything and world["km"].email in everything
    today = now_utc().date()
    filtered = form_client.get(
        f"/coordinator/toegang?inburgeraar_id={world['unseen'].id}&channel=portal"
        f"&since={today - timedelta(days=1)}&until={today + timedelta(days=1)}"
    )
    assert filtered.status_code == 200
    assert "IB-ANDER001" in text(filtered) and "192.0.2.5" not in text(filtered)
    assert "IB-ANDER001" not in text(form_client.get(
        f"/coordinator/toegang?inburgeraar_id={world['unseen'].id}&action=read"))
    assert "0 regels" in text(form_client.get(
        f"/coordinator/toegang?since={today + timedelta(days=2)}"))
    bad = form_client.get("/coordinator/toegang?inburgeraar_id=abc")
    assert bad.status_code == 422


def test_only_the_coordinator_sees_the_log(form_client, world):
    log_in(form_client, world["km"])
    assert form_client.get("/coordinator/toegang").status_code == 403
    assert form_client.get("/coordinator/accounts").status_code == 403


def test_the_coordinator_unlocks_an_account(form_client, session, world):
    locked = factories.user(session, role="partner", password=PASSWORD)
    locked.locked_until = now_utc() + timedelta(minutes=20)
    session.commit()
    log_in(form_client, world["coordinator"])
    assert locked.email in text(form_client.get("/coordinator/accounts"))
    response = form_client.post(f"/coordinator/accounts/{locked.id}/deblokkeren")
    assert response.status_code == 302
    session.expire_all()
    assert locked.locked_until is None
    assert "geen geblokkeerde accounts" in text(form_client.get("/coordinator/accounts"))

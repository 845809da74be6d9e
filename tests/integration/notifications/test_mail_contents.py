"""What a mail says: the offer with the partner that holds it, the withdrawal told to the
partner, and links to where `make run` serves."""

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

import factories
from models.outbox import OutboxMail
from models.referral_service import change_status, refer
from models.unit_of_work import UnitOfWork

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def world(session):
    maatjes = factories.partner(session, name="Maatjes Utrecht (fictief)", kind="maatjesproject")
    partner_user = factories.user(session, role="partner", partner=maatjes)
    colleague = factories.user(session, role="partner", partner=maatjes)
    # Another partner offers a Gezinsmaatje too: the mail must say whose.
    factories.offer(session, title="Gezinsmaatje", domain="sociaal_netwerk", kind="maatje",
                    partner=factories.partner(session, name="Buurtmaatjes Zeist (fictief)",
                                              kind="maatjesproject"))
    offer = factories.offer(session, partner=maatjes, title="Gezinsmaatje",
                            domain="sociaal_netwerk", kind="maatje")
    person = factories.inburgeraar(session, needs={"sociaal_netwerk": 2})
    return {"km": factories.user(session, role="klantmanager"), "partner": partner_user,
            "colleague": colleague, "offer": offer, "person": person}


def mails(session, kind):
    return session.scalars(
        select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)).all()


def referred(session, world):
    with UnitOfWork(session):
        return refer(session, actor_id=world["km"].id, offer_id=world["offer"].id,
                     inburgeraar_id=world["person"].id)


def test_mails_name_the_offer_and_the_partner_that_holds_it(session, world):
    referral = referred(session, world)
    words = '"Gezinsmaatje" van Maatjes Utrecht (fictief)'
    for mail in mails(session, "referral_received"):
        assert words in mail.body
    with UnitOfWork(session):
        change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                      to_status="accepted")
    [outcome] = mails(session, "referral_outcome")
    assert f"Uw verwijzing van {world['person'].pseudonym} naar {words} is geaccepteerd." \
        in outcome.body


def test_the_partner_hears_when_the_klantmanager_withdraws(session, world):
    referral = referred(session, world)
    with UnitOfWork(session):
        change_status(session, actor_id=world["km"].id, referral_id=referral.id,
                      to_status="withdrawn", reason="Verhuisd")
    written = mails(session, "referral_withdrawn")
    assert sorted(m.recipient_id for m in written) == sorted(
        [world["partner"].id, world["colleague"].id])
    for mail in written:
        assert mail.subject == f"Verwijzing ingetrokken: {world['person'].pseudonym}"
        assert "ingetrokken" in mail.body and "Maatjes Utrecht (fictief)" in mail.body
        assert "Verhuisd" not in mail.body  # the why stays in the portal
        assert mail.path == f"/partner/verwijzingen/{referral.id}"
        assert mail.event_key == f"referral-{referral.id}-withdrawn"


def _public_url(*arguments: str, env: dict | None = None) -> str:
    """WEGWIJS_PUBLIC_URL as `make run` exports it to the worker (a recipe prints it)."""
    environment = {k: v for k, v in os.environ.items() if k != "WEGWIJS_PUBLIC_URL"}
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "show", *arguments],
        input="show:\n\t@echo $$WEGWIJS_PUBLIC_URL\n", text=True, capture_output=True,
        cwd=PROJECT, env={**environment, **(env or {})}, check=True,
    )
    return result.stdout.strip()


def test_make_run_links_to_where_it_serves():
    assert _public_url() == "http://127.0.0.1:8000"
    assert _public_url("PORT=8100") == "http://127.0.0.1:8100"
    assert _public_url("HOST=0.0.0.0", "PORT=8100") == "http://127.0.0.1:8100"
    assert _public_url("PORT=8100", env={"WEGWIJS_PUBLIC_URL": "https://wegwijs.example"}) \
        == "https://wegwijs.example"

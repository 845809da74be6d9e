"""Test data with sensible defaults; pass only what a test is about.

Each factory commits, as the application would have before a use case runs:
a use case that fails rolls back to there. (The ``session`` fixture still
rolls everything back after the test.)
"""

from itertools import count

from sqlalchemy import select

from models import Gemeente, Inburgeraar, IntakeNeed, Need, Offer, OutboxMail, Partner, User
from models.passwords import hash_password

_serial = count(1)
_hashes: dict[str, str] = {}


def gemeente(session, name="Utrecht") -> Gemeente:
    return session.scalars(select(Gemeente).where(Gemeente.name == name)).one()


def partner(session, **fields) -> Partner:
    fields.setdefault("name", f"Testpartner {next(_serial)} (fictief)")
    fields.setdefault("kind", "taalschool")
    fields.setdefault("gemeente", gemeente(session))
    fields.setdefault("postcode", "3512")
    fields.setdefault("lat", 52.0907)
    fields.setdefault("lon", 5.1214)
    return _save(session, Partner(**fields))


def offer(session, save=True, **fields) -> Offer:
    if "partner" not in fields and "partner_id" not in fields:
        fields["partner_id"] = partner(session).id
    fields.setdefault("title", "Testcursus")
    fields.setdefault("domain", "taal")
    fields.setdefault("kind", "taalcursus")
    fields.setdefault("capacity", 3)
    fields.setdefault("postcode", "3512")
    obj = Offer(**fields)
    return _save(session, obj) if save else obj


def inburgeraar(session, needs=None, save=True, intake_needs=None, **fields) -> Inburgeraar:
    """A person; their needs at intake are ``needs`` unless given, as the intake records them."""
    fields.setdefault("pseudonym", f"IB-T{next(_serial):05d}")
    fields.setdefault("gemeente", gemeente(session))
    fields.setdefault("postcode", "3561")
    fields.setdefault("level", "A1")
    fields.setdefault("leerroute", "b1")
    obj = Inburgeraar(**fields)
    needs = needs or {"taal": 2}
    obj.needs = [Need(domain=d, weight=w) for d, w in needs.items()]
    at_intake = needs if intake_needs is None else intake_needs
    obj.intake_needs = [IntakeNeed(domain=d, weight=w) for d, w in at_intake.items()]
    return _save(session, obj) if save else obj


def user(session, role="coordinator", password="wachtwoord-van-test", **fields) -> User:
    """An account like the demo's, without a second factor, unless ``demo=False`` and a test
    sets one up (``totp_secret``)."""
    fields.setdefault("email", f"gebruiker{next(_serial)}@wegwijs.example")
    fields.setdefault("demo", True)
    if role == "klantmanager":
        fields.setdefault("gemeente", gemeente(session))
    if role == "partner" and "partner" not in fields:
        fields["partner_id"] = partner(session).id
    if password not in _hashes:  # argon2 is slow on purpose; hash each password once
        _hashes[password] = hash_password(password)
    return _save(session, User(role=role, password_hash=_hashes[password], **fields))


def outbox_mail(session, **fields) -> OutboxMail:
    """A pending mail, as a use case would have written it."""
    if "recipient_id" not in fields:
        recipient = user(session, role="partner")
        fields.update(recipient_id=recipient.id, recipient=recipient.email)
    fields.setdefault("kind", "referral_received")
    fields.setdefault("event_key", f"test-{next(_serial)}")
    fields.setdefault("subject", "Onderwerp")
    fields.setdefault("body", "Tekst")
    fields.setdefault("path", "/")
    return _save(session, OutboxMail(**fields))


def _save(session, obj):
    session.add(obj)
    session.commit()
    return obj

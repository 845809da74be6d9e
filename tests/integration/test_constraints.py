"""Rules the database itself keeps, on SQLite and PostgreSQL alike."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

import factories
from models import Need, Pip, Referral, User


def _refused(session, obj):
    """The database refuses to store ``obj``, an unsaved row that breaks a rule."""
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(obj)
        session.flush()


def test_negative_capacity_is_refused(session):
    _refused(session, factories.offer(session, save=False, capacity=-1))


def test_zero_capacity_is_allowed(session):
    assert factories.offer(session, capacity=0).id


def test_unknown_domain_is_refused(session):
    _refused(session, factories.offer(session, save=False, domain="wonen"))


def test_unknown_level_is_refused(session):
    _refused(session, factories.offer(session, save=False, min_level="B3"))


def test_min_level_above_max_level_is_refused(session):
    _refused(session, factories.offer(session, save=False, min_level="B1", max_level="A2"))


def test_referral_to_missing_offer_is_refused(session):
    person = factories.inburgeraar(session)
    _refused(
        session,
        (Referral(inburgeraar_id=person.id, offer_id=999_999, status="sent")),
    )


def test_unknown_referral_status_is_refused(session):
    person, offer = factories.inburgeraar(session), factories.offer(session)
    _refused(
        session,
        (Referral(inburgeraar_id=person.id, offer_id=offer.id, status="lost")),
    )


@pytest.mark.parametrize("weight", [0, -1])
def test_need_weight_must_be_positive(session, weight):
    person = factories.inburgeraar(session)
    _refused(session, (Need(inburgeraar_id=person.id, domain="werk", weight=weight)))


def test_one_need_per_domain(session):
    person = factories.inburgeraar(session, needs={"taal": 1})
    _refused(session, (Need(inburgeraar_id=person.id, domain="taal", weight=2)))


def test_klantmanager_needs_a_gemeente(session):
    _refused(
        session,
        (User(email="km@wegwijs.example", role="klantmanager", password_hash="x")),
    )


def test_postcode_must_exist(session):
    _refused(session, factories.inburgeraar(session, save=False, postcode="9999"))


@pytest.mark.parametrize("fields", [
    {"leerroute": "O", "niveau": "A2"},
    {"leerroute": "Z", "niveau": "B1"},
    {"leerroute": "O", "niveau": "B1", "intensiteit_b1_uren": 100},
    {"leerroute": "B", "niveau": "B1", "intensiteit_b1_uren": 0},
    {"leerroute": "B", "niveau": None},
    {"leerroute": "X", "niveau": "B1"},
    {"leerroute": "B", "niveau": "B1", "alfabetisering": "J"},
])
def test_a_pip_breaking_duos_rules_is_refused(session, fields):
    person = factories.inburgeraar(session)
    _refused(session, Pip(inburgeraar_id=person.id, dagtekening=date(2026, 1, 5), **fields))


def test_a_pip_keeping_duos_rules_is_stored(session):
    person = factories.inburgeraar(session)
    session.add(Pip(inburgeraar_id=person.id, dagtekening=date(2026, 1, 5), leerroute="Z"))
    session.add(Pip(inburgeraar_id=factories.inburgeraar(session).id, dagtekening=date(2026, 1, 5),
                    leerroute="B", niveau="A2", intensiteit_b1_uren=9999, alfabetisering="AA"))
    session.flush()


def test_a_second_referral_holding_a_place_is_refused(session):
    """At most one sent/accepted/started referral per person and offer (a partial unique index)."""
    person, offer = factories.inburgeraar(session), factories.offer(session)
    session.add(Referral(inburgeraar_id=person.id, offer_id=offer.id, status="declined"))
    session.add(Referral(inburgeraar_id=person.id, offer_id=offer.id, status="sent"))
    session.flush()  # a declined one and a holding one may coexist
    for status in ("sent", "accepted", "started"):
        _refused(session, Referral(inburgeraar_id=person.id, offer_id=offer.id, status=status))

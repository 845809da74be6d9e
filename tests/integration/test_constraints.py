"""Rules the database itself keeps, on SQLite and PostgreSQL alike."""

import pytest
from sqlalchemy.exc import IntegrityError

import factories
from models import Need, Referral, User


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


def test_a_second_referral_holding_a_place_is_refused(session):
    """At most one sent/accepted/started referral per person and offer (a partial unique index)."""
    person, offer = factories.inburgeraar(session), factories.offer(session)
    session.add(Referral(inburgeraar_id=person.id, offer_id=offer.id, status="declined"))
    session.add(Referral(inburgeraar_id=person.id, offer_id=offer.id, status="sent"))
    session.flush()  # a declined one and a holding one may coexist
    for status in ("sent", "accepted", "started"):
        _refused(session, Referral(inburgeraar_id=person.id, offer_id=offer.id, status=status))

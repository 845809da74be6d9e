"""A referral keeps the person as referred and the chance Wegwijs gave; the history reads them."""

from datetime import timedelta

import pytest

import factories
from matching.history import outcomes_of
from models.clock import local_today
from models.matches import ranked
from models.matching_bridge import build_scenario
from models.referral_service import refer
from models.subject import purge
from models.unit_of_work import UnitOfWork


@pytest.fixture
def world(session):
    partner_user = factories.user(session, role="partner")
    return {
        "km": factories.user(session, role="klantmanager"),
        "offer": factories.offer(session, partner=partner_user.partner, capacity=2,
                                 min_level="A0", max_level="B1"),
        "person": factories.inburgeraar(session, level="A1", languages=["ar"],
                                        availability=["ochtend"]),
    }


def _refer(session, world):
    with UnitOfWork(session):
        return refer(session, actor_id=world["km"].id, inburgeraar_id=world["person"].id,
                     offer_id=world["offer"].id)


def test_a_referral_keeps_the_person_as_referred_and_the_chance_it_was_given(session, world):
    person, offer = world["person"], world["offer"]
    [shown] = [m for m in ranked(session, person.id, domain="taal", top=10)
               if m.offer_id == str(offer.id)]
    referral = _refer(session, world)
    # What was not known is kept as not known (None), not left out.
    assert referral.as_referred == {
        "postcode": "3561", "lat": None, "lon": None, "languages": ["ar"], "level": "A1",
        "leerroute": "b1", "education": None, "availability": ["ochtend"],
        "childcare_needed": False, "max_travel_km": None, "sectors": [], "mentor_id": None,
        "latin_literate": True, "duaal": False}
    # The chance the klantmanager saw in the ranking is the chance kept.
    assert referral.chance_given == pytest.approx(shown.score, abs=1e-12)


def test_the_history_gives_the_person_as_referred_after_their_level_rose(session, world):
    referral = _refer(session, world)
    with UnitOfWork(session):
        world["person"].level = "A2"
    scenario = build_scenario(session)
    [entry] = [h for h in scenario.history if h.offer_id == str(referral.offer_id)]
    [now] = [i for i in scenario.inburgeraars if i.id == str(world["person"].id)]
    assert (entry.as_referred["level"], now.level) == ("A1", "A2")


def test_what_was_recorded_after_the_referral_is_not_learned_as_known_then(session, world):
    # Referred before a level test and before a maatje was found: both recorded afterwards.
    person = world["person"]
    with UnitOfWork(session):
        person.level = None
    world["offer"] = factories.offer(session)  # a course open to every level
    referral = _refer(session, world)
    maatje = factories.partner(session, kind="maatjesproject")
    with UnitOfWork(session):
        person.level, person.mentor_id = "B1", maatje.id
    training = outcomes_of(build_scenario(session))
    assert len(training) == 0  # still under way: nothing to learn yet
    with UnitOfWork(session):
        referral.status = "dropped"
    training = outcomes_of(build_scenario(session))
    [row] = training.p
    assert training.tables.people.level[row] == -1  # not known then, not today's B1
    assert training.tables.anchors[row] == []  # no maatje then


def test_a_mentor_who_can_no_longer_be_one_is_none_as_referred(session, world):
    maatje = factories.partner(session, kind="maatjesproject")
    with UnitOfWork(session):
        world["person"].mentor_id = maatje.id
    referral = _refer(session, world)
    assert referral.as_referred["mentor_id"] == str(maatje.id)
    with UnitOfWork(session):
        maatje.active = False
    [entry] = [h for h in build_scenario(session).history if h.offer_id == str(referral.offer_id)]
    assert entry.as_referred["mentor_id"] is None


def test_the_purge_forgets_the_person_as_referred_but_keeps_the_chance(session, world):
    referral = _refer(session, world)
    chance = referral.chance_given
    with UnitOfWork(session):
        world["person"].traject_ended_on = local_today() - timedelta(days=800)
    with UnitOfWork(session):
        purge(session, retention_days=365)
    session.refresh(referral)
    assert referral.as_referred is None and referral.chance_given == chance

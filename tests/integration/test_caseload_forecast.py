"""The allocation's forecast: the recent arrivals with their needs as at intake, not as now."""

from datetime import timedelta

import pytest

import factories
from models.base import now_utc
from models.caseload import arrival_pool, caseload_allocation
from models.inburgeraars import update_inburgeraar

PERSON = {"level": "A1", "availability": ["ochtend"], "postcode": "3512"}


@pytest.fixture
def world(session):
    """One morning course with one place; a klantmanager of Utrecht."""
    km = factories.user(session, role="klantmanager")
    school = factories.partner(session, name="Taalschool Prognose (fictief)")
    course = factories.offer(session, partner_id=school.id, title="Ochtendcursus A1",
                             capacity=1, min_level="A1", max_level="A2", schedule=["ochtend"])
    return {"km": km, "gemeente": km.gemeente, "course": course}


def _drop_taal(session, world, person):
    """The klantmanager records that taal is no longer needed (met, or wrongly recorded)."""
    update_inburgeraar(session, actor_id=world["km"].id, inburgeraar_id=person.id, changes={},
                       needs={"werk": 1})
    session.commit()


def test_a_recent_arrival_whose_taal_need_went_still_forecasts_taal(session, world):
    recent = factories.inburgeraar(session, needs={"taal": 3, "werk": 1},
                                   gemeente=world["gemeente"], duaal=True, **PERSON)
    _drop_taal(session, world, recent)
    assert recent.needs_by_domain == {"werk": 1}

    [forecast], expected = arrival_pool(session, world["gemeente"].id, 4)
    assert forecast.id == str(recent.id) and expected == 1
    assert dict(forecast.needs) == {"taal": 3, "werk": 1}
    # Everything else is the person as now.
    assert (forecast.level, forecast.postcode, forecast.duaal) == ("A1", "3512", True)
    assert tuple(forecast.availability) == ("ochtend",)


def test_a_forecast_arrival_keeps_only_a_mentor_that_can_still_be_one(session, world):
    maatje, gone = (factories.partner(session, kind="maatjesproject") for _ in range(2))
    gone.active = False
    for mentor in (maatje, gone):
        factories.inburgeraar(session, needs={"taal": 1}, gemeente=world["gemeente"],
                              mentor_id=mentor.id, **PERSON)
    session.commit()
    people, _ = arrival_pool(session, world["gemeente"].id, 4)
    assert [p.mentor_id for p in people] == [str(maatje.id), None]
    # The deactivated one would make the allocation's scenario refuse it.
    assert caseload_allocation(session, world["gemeente"].id, forecast_weeks=4).assignments


def test_the_forecast_leaves_out_the_old_and_those_without_needs_at_intake(session, world):
    factories.inburgeraar(session, needs={"taal": 2}, gemeente=world["gemeente"],
                          created_at=now_utc() - timedelta(weeks=10), **PERSON)
    factories.inburgeraar(session, needs={"taal": 2}, intake_needs={},
                          gemeente=world["gemeente"], **PERSON)
    elsewhere = factories.gemeente(session, "Zeist")
    factories.inburgeraar(session, needs={"taal": 2}, gemeente=elsewhere, postcode="3701")
    assert arrival_pool(session, world["gemeente"].id, 4) == ([], 0)
    assert arrival_pool(session, world["gemeente"].id, 12)[0] != []
    assert arrival_pool(session, world["gemeente"].id, 0) == ([], 0)


def test_the_proposal_keeps_the_place_for_the_needs_at_intake(session, world):
    # Someone taken in long ago needs taal a little; a recent arrival needed it badly at
    # intake, and their taal need has since gone. The one place is still kept for arrivals
    # like them: today's needs would have given it to the earlier person.
    earlier = factories.inburgeraar(session, needs={"taal": 1}, gemeente=world["gemeente"],
                                    created_at=now_utc() - timedelta(weeks=10), **PERSON)
    recent = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                   **PERSON)
    _drop_taal(session, world, recent)
    gemeente_id, course = world["gemeente"].id, str(world["course"].id)

    now_only = caseload_allocation(session, gemeente_id, forecast_weeks=0)
    assert [(a.inburgeraar_id, a.offer_id) for a in now_only.assignments] == [
        (str(earlier.id), course)
    ]
    kept = caseload_allocation(session, gemeente_id, forecast_weeks=4)
    assert kept.kept == {course: 1}
    assert kept.assignments == []
    assert [(u.inburgeraar_id, u.domain) for u in kept.unassigned
            if u.domain == "taal"] == [(str(earlier.id), "taal")]


def test_a_longer_history_is_a_pool_for_the_weeks_ahead(session, world):
    # Eight arrivals over the last eight weeks, one a week: four are expected in four weeks.
    people = [factories.inburgeraar(session, needs={"taal": 1 + k % 3},
                                    gemeente=world["gemeente"],
                                    created_at=now_utc() - timedelta(weeks=k, days=1), **PERSON)
              for k in range(8)]
    ids = [str(p.id) for p in people]
    gemeente_id = world["gemeente"].id

    def pool(weeks, history_weeks=None):
        people, expected = arrival_pool(session, gemeente_id, weeks,
                                        history_weeks=history_weeks)
        return sorted(f.id for f in people), expected

    # Only the last four weeks: those four, all four expected again.
    assert pool(4) == (sorted(ids[:4]), 4)
    # Eight weeks of history for four weeks ahead: all eight stand for four arrivals.
    assert pool(4, history_weeks=8) == (sorted(ids), 4)
    assert pool(8, history_weeks=8) == (sorted(ids), 8)
    # A history never shorter than the weeks ahead.
    assert pool(8, history_weeks=4) == (sorted(ids), 8)

"""The allocation proposal honours referrals under way and courses completed, and its rows
are referred in one step, each answered on its own (models/caseload.py, models/proposal.py)."""

import pytest
from sqlalchemy import func, select

import factories
from models.caseload import caseload_allocation
from models.errors import Forbidden
from models.proposal import ProposalReferral, ProposalRow, refer_rows
from models.referral import Referral
from models.referral_service import change_status, refer
from models.reports.proposal import proposal_counts
from models.unit_of_work import UnitOfWork

PERSON = {"level": "A1", "availability": ["ochtend"], "postcode": "3512"}


@pytest.fixture
def world(session):
    km = factories.user(session, role="klantmanager")
    school = factories.partner(session, name="Taalschool Voorstel (fictief)")
    teacher = factories.user(session, role="partner", partner=school)
    course = factories.offer(session, partner_id=school.id, title="Alfabetiseringscursus",
                             capacity=3, schedule=["ochtend"])
    other = factories.offer(session, partner_id=school.id, title="Taalcafé", kind="activiteit",
                            capacity=3, schedule=["ochtend"])
    return {"km": km, "teacher": teacher, "gemeente": km.gemeente, "course": course,
            "other": other}


def _proposed(session, world):
    result = caseload_allocation(session, world["gemeente"].id)
    return {(int(a.inburgeraar_id), a.domain): int(a.offer_id) for a in result.assignments}


def _referral(session, world, person, offer, *steps):
    with UnitOfWork(session):
        referral = refer(session, actor_id=world["km"].id, inburgeraar_id=person.id,
                         offer_id=offer.id)
        for step in steps:
            change_status(session, actor_id=world["teacher"].id, referral_id=referral.id,
                          to_status=step)
    return referral


def test_a_domain_with_a_referral_under_way_is_served_and_nothing_more_is_proposed(
        session, world):
    person = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                   **PERSON)
    assert (person.id, "taal") in _proposed(session, world)
    _referral(session, world, person, world["course"], "accepted")
    assert (person.id, "taal") not in _proposed(session, world)
    result = caseload_allocation(session, world["gemeente"].id)
    assert str(person.id) not in {u.inburgeraar_id for u in result.unassigned}


def test_a_course_completed_is_not_proposed_again(session, world):
    person = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                   **PERSON)
    _referral(session, world, person, world["course"], "accepted", "started", "completed")
    # The next round of the same course, by the same partner, counts as the same course.
    next_round = factories.offer(session, partner_id=world["course"].partner_id,
                                 title="Alfabetiseringscursus", capacity=5, schedule=["ochtend"])
    assert _proposed(session, world)[(person.id, "taal")] == world["other"].id
    world["other"].capacity = 0
    session.commit()
    assert (person.id, "taal") not in _proposed(session, world)
    assert next_round.id not in _proposed(session, world).values()


def test_rows_are_referred_in_one_step_each_answered_on_its_own(session, world):
    ready = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                  **PERSON)
    elsewhere = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                      **PERSON)
    evening = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                    **{**PERSON, "availability": ["avond"]})
    latecomer = factories.inburgeraar(session, needs={"taal": 3}, gemeente=world["gemeente"],
                                      **PERSON)
    world["course"].capacity = 1
    session.commit()
    course, cafe = world["course"].id, world["other"].id
    rows = [
        ProposalRow(ready.id, "taal", course, course),
        ProposalRow(elsewhere.id, "taal", course, cafe, "voorkeur", "Wil eerst oefenen"),
        ProposalRow(evening.id, "taal", cafe, cafe),
        ProposalRow(latecomer.id, "taal", course, course),  # its place went to the first row
    ]
    with UnitOfWork(session):
        outcomes = refer_rows(session, actor_id=world["km"].id, rows=rows)

    assert [o.referral_id is not None for o in outcomes] == [True, True, False, False]
    assert "komt niet in aanmerking" in outcomes[2].problem
    assert outcomes[3].problem == "Dit aanbod heeft geen vrije plaats meer."
    assert session.scalar(select(func.count()).select_from(Referral)) == 2
    recorded = session.get(ProposalReferral, outcomes[1].referral_id)
    assert (recorded.proposed_offer_id, recorded.reason_code, recorded.reason) == (
        course, "voorkeur", "Wil eerst oefenen")

    counts = proposal_counts(session, gemeente_id=world["gemeente"].id)
    assert (counts.referred, counts.as_proposed, counts.elsewhere) == (2, 1, 1)
    assert counts.by_reason == [("Voorkeur van de inburgeraar", 1)]


@pytest.mark.parametrize("row_change, problem", [
    ({"reason_code": "onzin"}, "Kies een reden uit de lijst."),
    ({"reason_code": "anders"}, "Licht de reden 'anders' toe."),
    ({"reason": "Bel 06-12345678"}, "Deze tekst bevat een telefoonnummer."),
    ({"offer_id": "same", "reason_code": "voorkeur"},
     "Een reden hoort alleen bij een ander aanbod dan voorgesteld."),
    ({"offer_id": "werk"}, "Kies een aanbod in hetzelfde domein als voorgesteld."),
])
def test_a_bad_reason_or_offer_fails_its_row_and_writes_nothing(session, world, row_change,
                                                                  problem):
    person = factories.inburgeraar(session, needs={"taal": 3, "werk": 1},
                                   gemeente=world["gemeente"], **PERSON)
    job = factories.offer(session, domain="werk", kind="baan", title="Magazijn", capacity=2,
                          partner=factories.partner(session, kind="werkgever"))
    offers = {"same": world["course"].id, "werk": job.id}
    fields = {"inburgeraar_id": person.id, "domain": "taal",
              "proposed_offer_id": world["course"].id, "offer_id": world["other"].id}
    fields.update({k: offers.get(v, v) if k == "offer_id" else v for k, v in row_change.items()})
    with UnitOfWork(session):
        [outcome] = refer_rows(session, actor_id=world["km"].id, rows=[ProposalRow(**fields)])
    assert outcome.referral_id is None and outcome.problem.startswith(problem)
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_only_a_klantmanager_refers_rows(session, world):
    with pytest.raises(Forbidden):
        refer_rows(session, actor_id=world["teacher"].id, rows=[])

"""Inzage and purge: the export holds one person and no one else; the purge keeps the figures."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import factories
from models import access
from models.account import User
from models.audit import Access, AccessLog, record_access
from models.clock import local_today
from models.errors import NotFound
from models.people import Inburgeraar, IntakeNeed, Need
from models.pip import Pip
from models.proposal import ProposalReferral
from models.referral import Referral, ReferralEvent
from models.referral_service import change_status, refer
from models.reports.funnel import referral_funnel
from models.subject import PURGED_PREFIX, export_subject, purge

TODAY = date(2026, 6, 1)


@pytest.fixture
def people(session):
    """Two people of Utrecht with referrals: one whose traject ended long ago, one still going."""
    utrecht = factories.gemeente(session, "Utrecht")
    school = factories.partner(session, name="Taalschool Inzage (fictief)")
    course = factories.offer(session, partner=school, capacity=10)
    km = User(email="km.inzage@wegwijs.example", password_hash="geen", role="klantmanager",
              gemeente=utrecht)
    partner_user = User(email="school.inzage@wegwijs.example", password_hash="geen",
                        role="partner", partner_id=school.id)
    session.add_all([km, partner_user])
    session.flush()
    old = factories.inburgeraar(session, gemeente=utrecht, goals="Wil verpleegkundige worden",
                                birth_year=1990, gender="v", languages=["ar", "en"],
                                traject_ended_on=TODAY - timedelta(days=1000),
                                needs={"taal": 3, "werk": 1},
                                intake_needs={"taal": 3, "werk": 2, "rondkomen": 1})
    current = factories.inburgeraar(session, gemeente=utrecht, goals="Geheim van een ander",
                                    traject_ended_on=TODAY - timedelta(days=100))
    referrals = {}
    for person in (old, current):
        referral = refer(session, actor_id=km.id, inburgeraar_id=person.id, offer_id=course.id,
                         note=f"Toelichting over {person.pseudonym}")
        change_status(session, actor_id=partner_user.id, referral_id=referral.id,
                      to_status="declined", reason_code="anders",
                      reason=f"Reden over {person.pseudonym}")
        referrals[person.id] = referral.id
    for person in (old, current):
        record_access(session, Access(km, "portal", "GET /x", "10.0.0.1"), "read", [person.id])
    session.commit()
    return {"old": old, "current": current, "referrals": referrals, "km": km}


def test_export_holds_the_persons_referrals_events_and_log_and_nothing_of_others(
    session, people
):
    old, current = people["old"], people["current"]
    document = export_subject(session, old.id)
    text = json.dumps(document)  # JSON as it is
    assert document["inburgeraar"]["pseudonym"] == old.pseudonym
    assert document["inburgeraar"]["goals"] == "Wil verpleegkundige worden"
    assert document["needs"] == {"taal": 3, "werk": 1}
    assert document["intake_needs"] == {"taal": 3, "werk": 2, "rondkomen": 1}
    assert [r["id"] for r in document["referrals"]] == [people["referrals"][old.id]]
    events = document["referrals"][0]["events"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "sent"), ("sent", "declined")
    ]
    assert events[1]["reason"] == f"Reden over {old.pseudonym}"
    assert [(a["action"], a["channel"], a["role"]) for a in document["access_log"]] == [
        ("read", "portal", "klantmanager")
    ]
    for foreign in (current.pseudonym, "Geheim van een ander", people["km"].email, "10.0.0.1"):
        assert foreign not in text


def test_export_of_an_unknown_person_is_not_found(session):
    with pytest.raises(NotFound):
        export_subject(session, 2_000_000)


def test_export_subject_command_prints_json_and_logs_it(runner, session, people):
    old = people["old"]
    result = runner.invoke(args=["export-subject", str(old.id)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["inburgeraar"]["id"] == old.id
    row = session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert (row.inburgeraar_id, row.action, row.channel, row.user_id) == (
        old.id, "export", "cli", None
    )
    missing = runner.invoke(args=["export-subject", "2000000"])
    assert missing.exit_code == 1 and "bestaat niet" in missing.output


def _snapshot(session) -> dict:
    session.expire_all()
    people = session.scalars(select(Inburgeraar).order_by(Inburgeraar.id)).all()
    return {
        "people": [{c.key: getattr(p, c.key) for c in Inburgeraar.__table__.columns}
                   for p in people],
        "needs": session.scalars(select(Need.id).order_by(Need.id)).all(),
        "intake_needs": session.scalars(select(IntakeNeed.id).order_by(IntakeNeed.id)).all(),
        "notes": session.scalars(select(Referral.note).order_by(Referral.id)).all(),
        "reasons": session.scalars(select(ReferralEvent.reason).order_by(ReferralEvent.id)).all(),
        "log": session.scalar(select(func.count()).select_from(AccessLog)),
    }


def test_purge_dry_run_changes_nothing_and_says_what_it_would_do(session, people):
    before = _snapshot(session)
    result = purge(session, retention_days=730, today=TODAY, dry_run=True)
    assert result.inburgeraar_ids == [people["old"].id]
    # Two needs now, three at intake; "sent" keeps the note.
    assert (result.needs, result.intake_needs, result.notes, result.reasons) == (2, 3, 1, 2)
    assert _snapshot(session) == before


def test_purge_anonymises_the_person_and_keeps_the_funnel_totals(session, people):
    old = people["old"]
    funnel_before = referral_funnel(session, date(2000, 1, 1), local_today() + timedelta(days=1))
    counts_before = [session.scalar(select(func.count()).select_from(t))
                     for t in (Referral, ReferralEvent)]
    current_before = _snapshot(session)["people"][-1]

    result = purge(session, retention_days=730, today=TODAY)

    assert result.inburgeraar_ids == [old.id]
    assert referral_funnel(session, date(2000, 1, 1),
                           local_today() + timedelta(days=1)) == funnel_before
    assert [session.scalar(select(func.count()).select_from(t))
            for t in (Referral, ReferralEvent)] == counts_before
    session.expire_all()
    assert old.pseudonym.startswith(PURGED_PREFIX) and len(old.pseudonym) == 16
    assert (old.goals, old.birth_year, old.gender, old.postcode, old.languages, old.needs) == (
        None, None, None, None, [], []
    )
    assert old.intake_needs == [] and export_subject(session, old.id)["intake_needs"] == {}
    assert old.gemeente.name == "Utrecht" and old.purged_at is not None
    referral = session.get(Referral, people["referrals"][old.id])
    assert referral.note is None and {e.reason for e in referral.events} == {None}
    assert referral.status == "declined"
    # The accountability record stays, with the purge itself added.
    actions = session.scalars(
        select(AccessLog.action).where(AccessLog.inburgeraar_id == old.id).order_by(AccessLog.id)
    ).all()
    assert actions == ["read", "purge"]
    # The other person is untouched, and a second run finds nothing more.
    assert _snapshot(session)["people"][-1] == current_before
    assert purge(session, retention_days=730, today=TODAY).inburgeraar_ids == []


def test_purged_people_leave_the_klantmanagers_lists(session, people):
    purge(session, retention_days=730, today=TODAY)
    visible = session.scalars(access.inburgeraars_visible_to(people["km"])).all()
    assert people["old"] not in visible and people["current"] in visible


def test_purge_command_dry_run_and_real_run(runner, app, session, people, monkeypatch):
    days = (local_today() - people["old"].traject_ended_on).days - 1
    monkeypatch.setitem(app.config, "WEGWIJS_RETENTION_DAYS", days)
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Zou anonimiseren: 1 inburgeraar" in dry.output and "niets gewijzigd" in dry.output
    assert "2 hulpvraag/-vragen, 3 hulpvraag/-vragen van de intake" in dry.output
    session.expire_all()
    assert not people["old"].pseudonym.startswith(PURGED_PREFIX)
    real = runner.invoke(args=["purge"])
    assert real.exit_code == 0 and "Geanonimiseerd: 1 inburgeraar" in real.output
    session.expire_all()
    assert people["old"].pseudonym.startswith(PURGED_PREFIX)
    assert not people["current"].pseudonym.startswith(PURGED_PREFIX)


def test_the_pip_is_in_the_export_and_gone_after_the_purge(session, people):
    old, current = people["old"], people["current"]
    for person in (old, current):
        session.add(Pip(inburgeraar_id=person.id, dagtekening=date(2024, 3, 1), leerroute="B",
                        niveau="B1", intensiteit_b1_uren=800, alfabetisering="NVT"))
    session.flush()
    assert export_subject(session, old.id)["pip"] == {
        "dagtekening": "2024-03-01", "leerroute": "B", "niveau": "B1",
        "intensiteit_b1_uren": 800, "alfabetisering": "NVT",
    }
    purge(session, retention_days=730, today=TODAY)
    session.expire_all()
    assert old.pip is None and current.pip is not None


def test_the_needs_at_intake_go_with_the_purge_and_only_the_purged_persons(session, people):
    old, current = people["old"], people["current"]
    assert current.intake_needs_by_domain == {"taal": 2}
    purge(session, retention_days=730, today=TODAY)
    session.expire_all()
    owners = session.scalars(select(IntakeNeed.inburgeraar_id)).all()
    assert old.id not in owners and current.id in owners
    assert current.intake_needs_by_domain == {"taal": 2}


def test_a_reason_for_referring_elsewhere_than_proposed_is_exported_and_purged(session, people):
    old, current = people["old"], people["current"]
    for person in (old, current):
        session.add(ProposalReferral(referral_id=people["referrals"][person.id],
                                     proposed_offer_id=session.get(
                                         Referral, people["referrals"][person.id]).offer_id,
                                     reason_code="anders", reason=f"Over {person.pseudonym}"))
    session.flush()
    [exported] = export_subject(session, old.id)["referrals"]
    assert exported["proposal"]["reason"] == f"Over {old.pseudonym}"
    purge(session, retention_days=730, today=TODAY)
    session.expire_all()
    reasons = {row.referral_id: (row.reason_code, row.reason)
               for row in session.scalars(select(ProposalReferral))}
    assert reasons[people["referrals"][old.id]] == ("anders", None)  # the count stays
    assert reasons[people["referrals"][current.id]] == ("anders", f"Over {current.pseudonym}")

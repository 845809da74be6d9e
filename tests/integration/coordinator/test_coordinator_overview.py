"""The coordinator's overview: waiting by age, overdue partners, answers, reasons, waitlists,
unserved needs; computed from referrals the test makes."""

from datetime import timedelta

from test_coordinator_pages import log_in

import factories
from models.base import now_utc
from models.clock import local_today
from models.referral_service import change_status, refer
from models.reports.cohort import referral_cohort
from models.reports.overview import coalition_overview
from models.unit_of_work import UnitOfWork


def test_the_overview_counts_what_happened(session):
    partner_user = factories.user(session, role="partner")
    km = factories.user(session, role="klantmanager")
    offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=10)
    people = [factories.inburgeraar(session) for _ in range(4)]
    unserved = factories.inburgeraar(session, needs={"werk": 1})
    with UnitOfWork(session):
        old = refer(session, actor_id=km.id, offer_id=offer.id, inburgeraar_id=people[0].id,
                    at=now_utc() - timedelta(days=9))
        declined = refer(session, actor_id=km.id, offer_id=offer.id, inburgeraar_id=people[1].id,
                         at=now_utc() - timedelta(days=4))
        change_status(session, actor_id=partner_user.id, referral_id=declined.id,
                      to_status="declined", reason_code="rooster",
                      at=now_utc() - timedelta(days=2))
        done = refer(session, actor_id=km.id, offer_id=offer.id, inburgeraar_id=people[2].id,
                     at=now_utc() - timedelta(days=6))
        for step, days in (("accepted", 5), ("started", 4), ("completed", 1)):
            change_status(session, actor_id=partner_user.id, referral_id=done.id,
                          to_status=step, at=now_utc() - timedelta(days=days))
        refer(session, actor_id=km.id, offer_id=offer.id, inburgeraar_id=people[3].id)
    overview = coalition_overview(session)
    waiting = {bucket.label: bucket.count for bucket in overview.waiting_by_age}
    assert waiting["0–3 dagen"] == 1 and waiting["8–10 dagen"] == 1 and old.status == "sent"
    [row] = [p for p in overview.partners if p.partner_id == partner_user.partner_id]
    assert row.unanswered_over_7 == 1
    assert sorted(round(d) for d in row.answers) == [1, 2]
    assert round(row.median_days, 3) == 1.5
    assert row.acceptance_rate == 0.5 and row.completion_rate == 1
    assert overview.reasons_by_domain["taal"]["rooster"] == 1
    partner_key = (partner_user.partner.name, partner_user.partner_id)
    assert overview.reasons_by_partner[partner_key]["rooster"] == 1
    assert overview.unserved_by_domain.get("werk", 0) >= 1
    assert unserved.id


def test_the_overview_page_shows_the_chart_and_the_figures(client, session):
    coordinator = factories.user(session, role="coordinator")
    log_in(client, coordinator)
    page = client.get("/").get_data(as_text=True)
    assert "Verwijzingen die wachten op antwoord" in page and "<svg" in page
    assert "Vraag zonder verwijzing, per domein" in page


def test_the_cohort_follows_the_referrals_sent_in_the_period_to_today(session):
    partner_user = factories.user(session, role="partner")
    km = factories.user(session, role="klantmanager")
    offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=10)
    long_ago = now_utc() - timedelta(days=40)
    with UnitOfWork(session):
        before = refer(session, actor_id=km.id, offer_id=offer.id,
                       inburgeraar_id=factories.inburgeraar(session).id, at=long_ago)
        change_status(session, actor_id=partner_user.id, referral_id=before.id,
                      to_status="accepted")  # accepted today, sent long before
        for steps in ([], ["accepted"], ["accepted", "started"]):
            referral = refer(session, actor_id=km.id, offer_id=offer.id,
                             inburgeraar_id=factories.inburgeraar(session).id)
            for step in steps:
                change_status(session, actor_id=partner_user.id, referral_id=referral.id,
                              to_status=step)
    today = local_today()
    assert [(s.status, s.reached) for s in referral_cohort(session, today, today)] == [
        ("sent", 3), ("accepted", 2), ("started", 1), ("completed", 0)]

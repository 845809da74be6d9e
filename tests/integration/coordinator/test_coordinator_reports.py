"""The coordinator's report queries on hand-made data (no web layer)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import factories
from models.base import now_utc
from models.clock import LOCAL_TIME, local_today
from models.referral import ReferralEvent
from models.referral_service import change_status, expire_referrals, refer
from models.reports.capacity import Cell, capacity_report
from models.reports.funnel import exits_from, period_bounds, referral_funnel
from models.reports.network import network_report

NOORDOOST = "Utrecht – Noordoost"  # the default PC4 of the factory, 3561
BINNENSTAD = "Utrecht – Binnenstad"  # PC4 3511, 3512


@pytest.fixture
def world(session):
    """A klantmanager of Utrecht, a partner with a taal offer in the Binnenstad, a person."""
    partner_user = factories.user(session, role="partner")
    return {
        "km": factories.user(session, role="klantmanager"),
        "partner": partner_user,
        "offer": factories.offer(session, partner=partner_user.partner, capacity=3),
        "person": factories.inburgeraar(session, needs={"taal": 2, "werk": 1}),
    }


def send(session, world, person=None):
    person = person or world["person"]
    return refer(
        session, actor_id=world["km"].id, inburgeraar_id=person.id, offer_id=world["offer"].id
    )


def move(session, world, referral, *steps):
    for step in steps:
        actor = world["km"] if step == "withdrawn" else world["partner"]
        change_status(
            session, actor_id=actor.id, referral_id=referral.id, to_status=step, reason="reden",
            reason_code="anders" if step in ("declined", "dropped") else None,
        )


def row(report, area):
    return next(r for r in report.rows if r.area == area)


def stages(funnel):
    return {s.status: s.reached for s in funnel.stages}


def exits(funnel):
    return {(s.status, e.status): e.count for s in funnel.stages for e in s.exits}



# Capacity against demand


def test_capacity_counts_demand_where_people_live_and_places_where_offers_are(session, world):
    report = capacity_report(session)
    assert row(report, NOORDOOST).cells["taal"] == Cell(demand=1, free=0)
    assert row(report, NOORDOOST).cells["werk"] == Cell(demand=1, free=0)
    assert row(report, BINNENSTAD).cells["taal"] == Cell(demand=0, free=3)
    assert row(report, NOORDOOST).cells["opvoeding"] == Cell()


def test_capacity_lists_every_wijk_and_gemeente_once(session, world):
    areas = [r.area for r in capacity_report(session).rows]
    assert len(areas) == len(set(areas)) == 10 + 15
    assert areas[0] == "Utrecht – Binnenstad" and "Zeist" in areas
    assert all(r.lat is not None for r in capacity_report(session).rows)


def test_a_sent_referral_takes_a_free_place_and_a_closed_referral_gives_it_back(session, world):
    referral = send(session, world)
    assert row(capacity_report(session), BINNENSTAD).cells["taal"].free == 2
    move(session, world, referral, "accepted", "started")
    assert row(capacity_report(session), BINNENSTAD).cells["taal"].free == 2
    move(session, world, referral, "completed")
    assert row(capacity_report(session), BINNENSTAD).cells["taal"].free == 3


def test_a_closed_offer_has_no_free_places(session, world):
    world["offer"].closed_at = now_utc()
    session.commit()
    assert row(capacity_report(session), BINNENSTAD).cells["taal"].free == 0


def test_capacity_totals_and_shortage(session, world):
    factories.inburgeraar(session, postcode="3512", needs={"taal": 1})
    factories.offer(session, domain="werk", kind="baan", capacity=5, postcode="3701")
    report = capacity_report(session)
    assert report.domain_totals()["taal"] == Cell(demand=2, free=3)
    assert report.domain_totals()["werk"] == Cell(demand=1, free=5)
    assert report.total == Cell(demand=3, free=8)
    assert row(report, "Zeist").total == Cell(demand=0, free=5)
    assert row(report, NOORDOOST).total.shortage == 2
    assert Cell(demand=1, free=4).shortage == 0


def test_a_person_in_utrecht_without_postcode_gets_the_gemeente_row(session, world):
    assert "Utrecht" not in [r.area for r in capacity_report(session).rows]
    factories.inburgeraar(session, postcode=None, needs={"rondkomen": 1})
    assert row(capacity_report(session), "Utrecht").cells["rondkomen"].demand == 1


# The funnel


def test_the_funnel_moves_as_a_referral_goes_through_its_stages(session, world):
    today = local_today()
    referral = send(session, world)
    assert stages(referral_funnel(session, today, today)) == {
        "sent": 1,
        "accepted": 0,
        "started": 0,
        "completed": 0,
    }
    move(session, world, referral, "accepted")
    assert stages(referral_funnel(session, today, today))["accepted"] == 1
    move(session, world, referral, "started")
    assert stages(referral_funnel(session, today, today))["started"] == 1
    move(session, world, referral, "completed")
    funnel = referral_funnel(session, today, today)
    assert stages(funnel) == {"sent": 1, "accepted": 1, "started": 1, "completed": 1}
    assert sum(exits(funnel).values()) == 0


def test_the_funnel_files_each_exit_under_the_stage_it_left(session, world):
    people = [factories.inburgeraar(session) for _ in range(4)]
    world["offer"].capacity = 10
    session.commit()
    today = local_today()
    declined, withdrawn_early, withdrawn_late, dropped = (send(session, world, p) for p in people)
    move(session, world, declined, "declined")
    move(session, world, withdrawn_early, "withdrawn")
    move(session, world, withdrawn_late, "accepted", "withdrawn")
    move(session, world, dropped, "accepted", "started", "dropped")
    funnel = referral_funnel(session, today, today)
    assert stages(funnel) == {"sent": 4, "accepted": 2, "started": 1, "completed": 0}
    assert exits(funnel) == {
        ("sent", "declined"): 1,
        ("sent", "withdrawn"): 1,
        ("sent", "expired"): 0,
        ("accepted", "withdrawn"): 1,
        ("started", "dropped"): 1,
    }
    assert funnel.exit_totals() == {"declined": 1, "withdrawn": 2, "expired": 0, "dropped": 1}
    assert [s.left for s in funnel.stages] == [2, 1, 1, 0]


def test_expiry_counts_on_the_day_it_happens(session, world):
    send(session, world)
    later = now_utc() + timedelta(days=15)
    expire_referrals(session, now=later)
    day = later.astimezone(LOCAL_TIME).date()
    assert exits(referral_funnel(session, day, day))[("sent", "expired")] == 1
    assert stages(referral_funnel(session, day, day))["sent"] == 0


def test_the_period_is_whole_dutch_calendar_days(session, world):
    referral = send(session, world)
    event = session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ).one()
    # 22:30 UTC on 31 March 2025 is 00:30 on 1 April in Dutch summer time.
    event.at = datetime(2025, 3, 31, 22, 30, tzinfo=UTC)
    session.commit()
    assert stages(referral_funnel(session, date(2025, 4, 1), date(2025, 4, 1)))["sent"] == 1
    assert stages(referral_funnel(session, date(2025, 3, 1), date(2025, 3, 31)))["sent"] == 0
    assert stages(referral_funnel(session, date(2025, 3, 1), date(2025, 4, 30)))["sent"] == 1


def test_period_bounds_and_refusal_of_a_reversed_period():
    first, after = period_bounds(date(2025, 1, 1), date(2025, 1, 31))
    assert first == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    assert after == datetime(2025, 1, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        referral_funnel(None, date(2025, 2, 1), date(2025, 1, 1))


def test_exits_follow_the_lifecycle_table():
    assert exits_from("sent") == ["declined", "withdrawn", "expired"]
    assert exits_from("accepted") == ["withdrawn"]
    assert exits_from("started") == ["dropped"]
    assert exits_from("completed") == []


# The network


def test_network_counts_kinds_ties_centrality_and_isolation(session):
    from models.coalition import Tie

    hub = factories.partner(session, kind="welzijn", name="Buurtteam (fictief)")
    school = factories.partner(session, kind="taalschool", name="Taalschool (fictief)")
    employer = factories.partner(session, kind="werkgever", name="Werkgever (fictief)")
    alone = factories.partner(session, kind="overig", name="Alleen (fictief)")
    for a, b in ((hub, school), (hub, employer)):
        session.add(Tie(partner_a_id=min(a.id, b.id), partner_b_id=max(a.id, b.id)))
    session.commit()

    report = network_report(session)
    assert report.partners_by_kind == {"overig": 1, "taalschool": 1, "welzijn": 1, "werkgever": 1}
    assert report.partners_total == 4
    assert report.ties_by_kinds == {"taalschool–welzijn": 1, "welzijn–werkgever": 1}
    assert report.ties_total == 2 and len(report.ties) == 2
    top = report.centrality[0]
    assert (top.partner_id, top.degree, top.betweenness) == (hub.id, 2, 0.3333)
    assert top.gemeente == "Utrecht"
    assert [p.partner_id for p in report.isolated] == [alone.id]
    assert report.component_sizes == [3, 1]

"""`week_pairs` and `offers_beside`: taal and werk offers that fit in one week, against a
brute force."""

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import (
    HistoryEntry,
    Inburgeraar,
    Matcher,
    MatchingError,
    Offer,
    Partner,
    Scenario,
    UnknownObjectError,
    generate_scenario,
    load_scenario,
    offers_beside,
    week_pairs,
)
from matching.vocab import DAYPARTS


def _offer(id, domain, *parts, lat=52.0):
    return Offer(id=id, partner_id="p1", domain=domain, capacity=1, lat=lat, lon=5.0,
                 schedule=parts)


def _scenario(offers, **person):
    fields = {"id": "i1", "needs": {"taal": 2, "werk": 1}, "lat": 52.0, "lon": 5.0,
              "duaal": True, "max_travel_km": 50, **person}
    return Scenario(reference_date=dt.date(2026, 11, 24),
                    partners=[Partner(id="p1", kind="overig")], offers=offers,
                    inburgeraars=[Inburgeraar(**fields)])


def _ids(pairs):
    return [(x.taal.offer_id, x.werk.offer_id) for x in pairs]


def test_a_colliding_pair_is_left_out_and_a_fitting_one_named_with_its_day_parts():
    offers = [_offer("t1", "taal", "ochtend", "middag"), _offer("w1", "werk", "middag"),
              _offer("w2", "werk", "avond", "weekend")]
    pairs = week_pairs(Matcher(_scenario(offers)), "i1")
    assert _ids(pairs) == [("t1", "w2")]
    pair = pairs[0]
    assert (pair.taal_dayparts, pair.werk_dayparts) == (("ochtend", "middag"),
                                                        ("avond", "weekend"))
    assert pair.value == pytest.approx(2 * pair.taal.score + 1 * pair.werk.score)
    assert pair.taal.reasons and pair.werk.domain == "werk"


def test_an_offer_without_a_schedule_pairs_with_anything():
    offers = [_offer("t1", "taal", *DAYPARTS), _offer("t2", "taal"),
              _offer("w1", "werk", *DAYPARTS), _offer("w2", "werk")]
    pairs = week_pairs(Matcher(_scenario(offers)), "i1", top=10)
    assert sorted(_ids(pairs)) == [("t1", "w2"), ("t2", "w1"), ("t2", "w2")]
    assert {p.taal_dayparts for p in pairs if p.taal.offer_id == "t2"} == {()}


def test_nothing_fits_together_gives_no_pairs():
    offers = [_offer("t1", "taal", "ochtend"), _offer("w1", "werk", "ochtend", "avond")]
    assert week_pairs(Matcher(_scenario(offers)), "i1") == []


def test_only_a_duaal_person_with_both_needs_gets_pairs():
    offers = [_offer("t1", "taal", "ochtend"), _offer("w1", "werk", "middag")]
    assert _ids(week_pairs(Matcher(_scenario(offers)), "i1")) == [("t1", "w1")]
    assert week_pairs(Matcher(_scenario(offers, duaal=False)), "i1") == []
    assert week_pairs(Matcher(_scenario(offers, needs={"taal": 3})), "i1") == []
    assert week_pairs(Matcher(_scenario(offers, needs={"werk": 3, "opvoeding": 1})), "i1") == []
    with pytest.raises(UnknownObjectError):
        week_pairs(Matcher(_scenario(offers)), "nobody")


def test_pairs_reach_beyond_the_best_singles():
    # Six morning courses nearby beat the afternoon one as singles, but the only job is in the
    # morning: the one pair that fits uses a course outside the top 5 of the taal ranking.
    offers = [*(_offer(f"t{k}", "taal", "ochtend") for k in range(6)),
              _offer("t9", "taal", "middag", lat=52.2), _offer("w1", "werk", "ochtend")]
    matcher = Matcher(_scenario(offers))
    assert "t9" not in [m.offer_id for m in matcher.rank("i1", "taal", top=5)]
    assert _ids(week_pairs(matcher, "i1")) == [("t9", "w1")]


def test_the_need_weights_decide_between_pairs():
    # t1 (near) with the far w2, or the far t2 with w1 (near): the heavier need keeps its best.
    offers = [_offer("t1", "taal", "ochtend"), _offer("t2", "taal", "middag", lat=52.12),
              _offer("w1", "werk", "ochtend"), _offer("w2", "werk", "middag", lat=52.12)]
    taal_first = week_pairs(Matcher(_scenario(offers, needs={"taal": 3, "werk": 1})), "i1")
    werk_first = week_pairs(Matcher(_scenario(offers, needs={"taal": 1, "werk": 3})), "i1")
    assert _ids(taal_first) == [("t1", "w2"), ("t2", "w1")]
    assert _ids(werk_first) == [("t2", "w1"), ("t1", "w2")]


def brute_force(matcher, scenario, person_id, top):
    """Every eligible taal offer with every eligible werk offer, O(n²), in the stated order."""
    person = next(i for i in scenario.inburgeraars if i.id == person_id)
    if not (person.duaal and person.needs.get("taal", 0) > 0 and person.needs.get("werk", 0) > 0):
        return []
    schedule = {o.id: set(o.schedule) for o in scenario.offers}
    taal = matcher.rank(person_id, "taal", top=len(scenario.offers))
    werk = matcher.rank(person_id, "werk", top=len(scenario.offers))
    pairs = [(person.needs["taal"] * a.score + person.needs["werk"] * b.score,
              a.score, b.score, a.offer_id, b.offer_id)
             for a in taal for b in werk if not schedule[a.offer_id] & schedule[b.offer_id]]
    pairs.sort(key=lambda x: (-x[0], -x[1], -x[2], x[3], x[4]))
    return [(a, b, value) for value, _, _, a, b in pairs[:top]]


@st.composite
def duaal_people(draw):
    doc = generate_scenario(draw(st.integers(1, 4)), draw(st.integers(2, 40)),
                            seed=draw(st.integers(0, 10_000)))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    # Plain offers: alike in everything but id and schedule, so chances tie and ids decide.
    plain = draw(st.booleans())
    doc["history"] = []
    for offer in doc["offers"]:
        offer.update(domain=str(rng.choice(["taal", "werk"])), capacity=int(rng.integers(0, 3)),
                     postcode="3512", women_only=False)
        for field in ("min_level", "max_level", "leerroutes", "min_age", "max_age", "lat", "lon",
                      *(("languages", "sectors", "childcare", "alfa") if plain else ())):
            offer.pop(field, None)
        # Few distinct schedules, so that groups hold more than `top` offers; none at times.
        offer["schedule"] = [d for d in DAYPARTS[:3] if rng.random() < 0.4]
    for person in doc["inburgeraars"]:
        person.update(needs={"taal": float(rng.integers(1, 4)), "werk": float(rng.integers(1, 4))},
                      duaal=bool(rng.random() < 0.8), postcode="3511",
                      availability=[d for d in DAYPARTS if rng.random() < 0.5])
        for field in ("lat", "lon"):
            person.pop(field, None)
    return load_scenario(doc)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(duaal_people(), st.integers(1, 6))
def test_week_pairs_equal_the_brute_force_and_never_share_a_day_part(scenario, top):
    matcher = Matcher(scenario)
    schedule = {o.id: set(o.schedule) for o in scenario.offers}
    for person in scenario.inburgeraars:
        pairs = week_pairs(matcher, person.id, top=top)
        expected = brute_force(matcher, scenario, person.id, top)
        assert [(x.taal.offer_id, x.werk.offer_id) for x in pairs] == [e[:2] for e in expected]
        assert [x.value for x in pairs] == pytest.approx([e[2] for e in expected])
        for x in pairs:
            assert not schedule[x.taal.offer_id] & schedule[x.werk.offer_id]
            assert (set(x.taal_dayparts), set(x.werk_dayparts)) == (
                schedule[x.taal.offer_id], schedule[x.werk.offer_id])


# offers_beside: the other half beside an offer the person already holds.


def _beside(pairs):
    return [x.match.offer_id for x in pairs]


def test_beside_a_held_course_only_work_that_shares_no_day_part_with_it():
    offers = [_offer("t1", "taal", "ochtend", "middag"), _offer("w1", "werk", "middag"),
              _offer("w2", "werk", "avond", "weekend"), _offer("w3", "werk")]
    found = offers_beside(Matcher(_scenario(offers)), "i1", "t1")
    assert sorted(_beside(found)) == ["w2", "w3"]
    by_id = {x.match.offer_id: x for x in found}
    assert by_id["w2"].dayparts == ("avond", "weekend") and by_id["w3"].dayparts == ()
    assert all(x.match.domain == "werk" and x.match.reasons for x in found)
    assert [x.value for x in found] == pytest.approx([1 * x.match.score for x in found])


def test_beside_held_work_come_courses_and_a_held_offer_without_schedule_fits_all():
    offers = [_offer("t1", "taal", "ochtend"), _offer("t2", "taal", "avond"),
              _offer("w1", "werk", "ochtend"), _offer("w2", "werk")]
    matcher = Matcher(_scenario(offers))
    assert _beside(offers_beside(matcher, "i1", "w1")) == ["t2"]
    assert sorted(_beside(offers_beside(matcher, "i1", "w2"))) == ["t1", "t2"]


def test_the_held_offer_need_not_be_eligible_any_more():
    # The person's referral to t1 is under way and took its last place: t1 is out of the
    # ranking, yet its schedule still decides what fits beside it.
    offers = [Offer(id="t1", partner_id="p1", domain="taal", capacity=0, lat=52.0, lon=5.0,
                    schedule=("ochtend",)),
              _offer("w1", "werk", "ochtend"), _offer("w2", "werk", "middag")]
    matcher = Matcher(dataclasses.replace(_scenario(offers), history=[
        HistoryEntry(inburgeraar_id="i1", offer_id="t1", outcome="ongoing")]))
    assert matcher.rank("i1", "taal") == []
    assert _beside(offers_beside(matcher, "i1", "t1")) == ["w2"]


def test_beside_is_empty_without_a_duaal_traject_or_a_need_on_the_other_side():
    offers = [_offer("t1", "taal", "ochtend"), _offer("w1", "werk", "middag")]
    assert _beside(offers_beside(Matcher(_scenario(offers)), "i1", "t1")) == ["w1"]
    assert offers_beside(Matcher(_scenario(offers, duaal=False)), "i1", "t1") == []
    assert offers_beside(Matcher(_scenario(offers, needs={"taal": 3})), "i1", "t1") == []
    assert offers_beside(Matcher(_scenario(offers)), "i1", "t1", top=0) == []


def test_beside_an_offer_of_another_domain_is_an_error_as_is_an_unknown_id():
    offers = [_offer("t1", "taal", "ochtend"), _offer("w1", "werk", "middag"),
              _offer("o1", "opvoeding", "avond")]
    matcher = Matcher(_scenario(offers, needs={"taal": 2, "werk": 1, "opvoeding": 1}))
    with pytest.raises(MatchingError, match="opvoeding, not taal or werk"):
        offers_beside(matcher, "i1", "o1")
    with pytest.raises(UnknownObjectError):
        offers_beside(matcher, "i1", "nothing")
    with pytest.raises(UnknownObjectError):
        offers_beside(matcher, "nobody", "t1")


def brute_force_beside(matcher, scenario, person_id, held_id, top):
    """Every eligible offer of the other domain, the held offer's day parts left out."""
    person = next(i for i in scenario.inburgeraars if i.id == person_id)
    offers = {o.id: o for o in scenario.offers}
    other = {"taal": "werk", "werk": "taal"}[offers[held_id].domain]
    if not (person.duaal and person.needs.get(other, 0) > 0):
        return []
    held = set(offers[held_id].schedule)
    found = [(person.needs[other] * m.score, m.score, m.offer_id)
             for m in matcher.rank(person_id, other, top=len(offers))
             if not held & set(offers[m.offer_id].schedule)]
    found.sort(key=lambda x: (-x[1], x[2]))
    return [(offer_id, value) for value, _, offer_id in found[:top]]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(duaal_people(), st.integers(1, 6), st.integers(0, 10_000))
def test_offers_beside_equal_the_brute_force_and_never_share_a_day_part(scenario, top, seed):
    matcher = Matcher(scenario)
    schedule = {o.id: set(o.schedule) for o in scenario.offers}
    rng = np.random.default_rng(seed)
    for person in scenario.inburgeraars:
        # Any offer of the scenario may be held, eligible for the person or not.
        held = scenario.offers[int(rng.integers(len(scenario.offers)))].id
        found = offers_beside(matcher, person.id, held, top=top)
        expected = brute_force_beside(matcher, scenario, person.id, held, top)
        assert [x.match.offer_id for x in found] == [e[0] for e in expected]
        assert [x.value for x in found] == pytest.approx([e[1] for e in expected])
        for x in found:
            assert not schedule[x.match.offer_id] & schedule[held]
            assert set(x.dayparts) == schedule[x.match.offer_id]

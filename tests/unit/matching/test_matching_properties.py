"""Property tests on random small scenarios against straightforward references."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from matching import Matcher, allocate, generate_scenario, load_scenario
from matching.geo import pc4_table

LEVELS = ["A0", "A1", "A2", "B1", "B2", "C1"]


def _location(obj):
    if obj.lat is not None:
        return obj.lat, obj.lon
    pc4 = pc4_table()[obj.postcode]
    return pc4.lat, pc4.lon


def _km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def reference_eligible(scenario, person, offer):
    """The contract's nine rules, one pair at a time, written out plainly."""
    partner = next(p for p in scenario.partners if p.id == offer.partner_id)
    where = _location(offer) if offer.postcode or offer.lat is not None else _location(partner)
    age = (scenario.reference_date.year - person.birth_year
           if person.birth_year is not None else None)
    blocked = any(h.inburgeraar_id == person.id and h.offer_id == offer.id
                  and (h.outcome in ("dropped", "ongoing")
                       or (h.outcome == "declined" and h.reason_code != "vol"))
                  for h in scenario.history)
    level = LEVELS.index(person.level) if person.level else None
    return all([
        offer.capacity >= 1,
        person.needs.get(offer.domain, 0) > 0,
        offer.min_level is None or (level is not None and level >= LEVELS.index(offer.min_level)),
        offer.max_level is None or (level is not None and level <= LEVELS.index(offer.max_level)),
        not offer.leerroutes or person.leerroute in offer.leerroutes,
        not offer.women_only or person.gender == "v",
        not offer.schedule or not person.availability
        or bool(set(offer.schedule) & set(person.availability)),
        _km(_location(person), where) <= (person.max_travel_km or 15),
        offer.min_age is None or (age is not None and age >= offer.min_age),
        offer.max_age is None or (age is not None and age <= offer.max_age),
        not blocked,
    ])


@st.composite
def scenarios(draw, max_people=10, max_offers=14):
    doc = generate_scenario(draw(st.integers(1, max_people)), draw(st.integers(1, max_offers)),
                            seed=draw(st.integers(0, 10_000)))
    scarce = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    for offer in doc["offers"]:
        if scarce:
            offer["capacity"] = int(rng.integers(0, 3))
        # Pull places together so that more pairs are within reach.
        if rng.random() < 0.5:
            offer["postcode"] = "3512"
    for person in doc["inburgeraars"]:
        if rng.random() < 0.5:
            person["postcode"] = "3511"
    return load_scenario(doc)


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(scenarios())
def test_every_ranked_offer_satisfies_every_rule(scenario):
    matcher = Matcher(scenario)
    offers = {o.id: o for o in scenario.offers}
    for person in scenario.inburgeraars:
        matches = matcher.rank(person.id, top=1000)
        ranked = {m.offer_id for m in matches}
        expected = {o.id for o in scenario.offers if reference_eligible(scenario, person, o)}
        assert ranked == expected
        scores = [m.score for m in matches]
        assert all(0 <= s <= 1 for s in scores)
        assert all(a.score > b.score or (a.score == b.score and a.offer_id < b.offer_id)
                   for a, b in zip(matches, matches[1:], strict=False))
        for m in matches:
            # Contributions in fractions of the chance, each within [-1, 1].
            assert all(-1 <= v <= 1 for v in m.components.values())
            assert m.domain == offers[m.offer_id].domain


def exact(allocation):
    """The allocation's total of need weight x unrounded score."""
    return sum(a.weight for a in allocation.assignments)


def printed(allocation):
    """The contract's objective: need weight x the score as printed (4 decimals)."""
    return sum(a.weight / a.score * round(a.score, 4) for a in allocation.assignments)


def milp_optimum(matcher, scenario):
    """The allocation problem as a 0/1 program over all eligible pairs."""
    t = matcher.tables
    pairs = [(p, o) for p, person in enumerate(scenario.inburgeraars)
             for o, offer in enumerate(scenario.offers)
             if reference_eligible(scenario, person, offer)]
    if not pairs:
        return 0.0
    p = np.array([a for a, _ in pairs])
    o = np.array([b for _, b in pairs])
    from matching.eligibility import distances
    scores = matcher.score_pairs(p, o, distances(t, p, o))
    weight = t.people.needs[p, t.offers.domain[o]] * scores
    node = p * 7 + t.offers.domain[o]
    rows = [(node == k).astype(float) for k in np.unique(node)]
    rows += [(o == k).astype(float) for k in np.unique(o)]
    upper = [1.0] * len(np.unique(node)) + [float(t.offers.capacity[k]) for k in np.unique(o)]
    result = milp(-weight, integrality=np.ones(len(pairs)), bounds=Bounds(0, 1),
                  constraints=LinearConstraint(np.array(rows), -np.inf, upper))
    return -result.fun


@FAST
@given(scenarios(), st.sampled_from([1, 2, 8]))
def test_allocation_is_optimal_and_feasible(scenario, initial_arcs):
    matcher = Matcher(scenario)
    result = allocate(matcher, initial_arcs=initial_arcs)
    assert exact(result) == pytest.approx(milp_optimum(matcher, scenario), rel=1e-6, abs=1e-9)
    assert result.objective == pytest.approx(printed(result), rel=1e-9, abs=1e-12)
    taken = {}
    for a in result.assignments:
        taken[a.offer_id] = taken.get(a.offer_id, 0) + 1
    capacity = {o.id: o.capacity for o in scenario.offers}
    assert all(n <= capacity[k] for k, n in taken.items())
    nodes = [(a.inburgeraar_id, a.domain) for a in result.assignments]
    assert len(nodes) == len(set(nodes))
    needs = {(i.id, d) for i in scenario.inburgeraars for d, w in i.needs.items() if w > 0}
    assert set(nodes) | {(u.inburgeraar_id, u.domain) for u in result.unassigned} == needs
    assert not set(nodes) & {(u.inburgeraar_id, u.domain) for u in result.unassigned}


def test_column_generation_from_one_arc_matches_milp_on_a_scarce_instance():
    doc = generate_scenario(300, 120, seed=0)
    rng = np.random.default_rng(0)
    for offer in doc["offers"]:
        offer["capacity"] = int(rng.integers(0, 3))
    scenario = load_scenario(doc)
    matcher = Matcher(scenario)
    expected = milp_optimum(matcher, scenario)
    for initial_arcs in (1, 8):
        assert exact(allocate(matcher, initial_arcs=initial_arcs)) == pytest.approx(
            expected, rel=1e-9)


@FAST
@given(scenarios())
def test_allocation_is_the_sum_of_its_domains(scenario):
    matcher = Matcher(scenario)
    whole = allocate(matcher)
    parts = [allocate(matcher, domain=d) for d in sorted({o.domain for o in scenario.offers})]
    assert whole.objective == pytest.approx(sum(p.objective for p in parts), rel=1e-9, abs=1e-12)
    assert exact(whole) == pytest.approx(milp_optimum(matcher, scenario), rel=1e-6, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=30), st.integers(1, 4),
       st.integers(0, 10_000))
def test_best_per_group_picks_the_smallest_keys(sizes, k, seed):
    from matching.grouping import best_per_group

    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(len(sizes)), sizes)
    key = np.concatenate([rng.permutation(50)[:n] for n in sizes]).astype(np.int64)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    order = np.lexsort((key, group))
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = np.arange(len(key)) - np.repeat(starts, sizes)
    assert (best_per_group(starts, key, k) == (rank < k)).all()

"""`duaal`: taal and werk places that fit in one week, and still the optimum."""

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from test_matching_properties import exact, reference_eligible

from matching import (
    Inburgeraar,
    Matcher,
    Offer,
    Partner,
    Scenario,
    allocate,
    generate_scenario,
    load_scenario,
)
from matching import duaal as duaal_module
from matching.vocab import DAYPARTS


def _shares_a_day_part(scenario, result):
    offers = {o.id: o for o in scenario.offers}
    people = {i.id: i for i in scenario.inburgeraars}
    placed = {}
    for a in result.assignments:
        placed.setdefault(a.inburgeraar_id, {})[a.domain] = offers[a.offer_id]
    return [pid for pid, got in placed.items()
            if people[pid].duaal and {"taal", "werk"} <= set(got)
            and set(got["taal"].schedule) & set(got["werk"].schedule)]


def _simple(duaal=True):
    offers = [Offer(id="t1", partner_id="p1", domain="taal", capacity=1, lat=52.0, lon=5.0,
                    schedule=("ochtend",), childcare=True),
              Offer(id="w1", partner_id="p1", domain="werk", capacity=1, lat=52.0, lon=5.0,
                    schedule=("ochtend",)),
              Offer(id="w2", partner_id="p1", domain="werk", capacity=1, lat=52.3, lon=5.0,
                    schedule=("middag",))]
    person = Inburgeraar(id="i1", needs={"taal": 1, "werk": 1}, lat=52.0, lon=5.0, duaal=duaal,
                         max_travel_km=50)
    return Scenario(reference_date=dt.date(2026, 11, 24),
                    partners=[Partner(id="p1", kind="overig")], offers=offers,
                    inburgeraars=[person])


def test_a_duaal_person_gets_a_werk_place_on_another_day_part():
    plain = allocate(_simple(duaal=False))
    assert sorted(a.offer_id for a in plain.assignments) == ["t1", "w1"]  # the nearer job
    result = allocate(_simple())
    assert sorted(a.offer_id for a in result.assignments) == ["t1", "w2"]
    assert not _shares_a_day_part(_simple(), result)


def test_without_collisions_the_integer_program_is_not_built(monkeypatch):
    def refuse(*args):
        raise AssertionError("CP-SAT called although the flow's places fit")

    monkeypatch.setattr(duaal_module, "_solve", refuse)
    scenario = _simple()
    late = Offer(id="w2", partner_id="p1", domain="werk", capacity=1, lat=52.0, lon=5.0,
                 schedule=("avond",))
    scenario = Scenario(reference_date=scenario.reference_date, partners=scenario.partners,
                        offers=[*scenario.offers[:2][:1], late], inburgeraars=scenario.inburgeraars)
    assert sorted(a.offer_id for a in allocate(scenario).assignments) == ["t1", "w2"]


def milp_duaal_optimum(matcher, scenario):
    """The coupled problem as a 0/1 program over all eligible pairs, rule written out."""
    pairs = [(p, o) for p, person in enumerate(scenario.inburgeraars)
             for o, offer in enumerate(scenario.offers)
             if reference_eligible(scenario, person, offer)]
    if not pairs:
        return 0.0
    t = matcher.tables
    p = np.array([a for a, _ in pairs])
    o = np.array([b for _, b in pairs])
    weight = t.people.needs[p, t.offers.domain[o]] * matcher.score_pairs(
        p, o, np.array([0.0] * len(p)) + _km(t, p, o))
    rows, upper = [], []
    for key in np.unique(p * 7 + t.offers.domain[o]):
        rows.append((p * 7 + t.offers.domain[o] == key).astype(float))
        upper.append(1.0)
    for k in np.unique(o):
        rows.append((o == k).astype(float))
        upper.append(float(scenario.offers[k].capacity))
    for person in np.unique(p):
        if not scenario.inburgeraars[person].duaal:
            continue
        for part in DAYPARTS:
            uses = np.array([a == person and scenario.offers[b].domain in ("taal", "werk")
                             and part in scenario.offers[b].schedule for a, b in pairs])
            if uses.sum() > 1:
                rows.append(uses.astype(float))
                upper.append(1.0)
    result = milp(-weight, integrality=np.ones(len(p)), bounds=Bounds(0, 1),
                  constraints=LinearConstraint(np.array(rows), -np.inf, upper))
    return -result.fun


def _km(t, p, o):
    from matching.eligibility import distances
    return distances(t, p, o)


@st.composite
def duaal_scenarios(draw):
    doc = generate_scenario(draw(st.integers(1, 8)), draw(st.integers(2, 12)),
                            seed=draw(st.integers(0, 10_000)))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    doc["history"] = []
    for offer in doc["offers"]:
        offer.update(domain=str(rng.choice(["taal", "werk"])), capacity=int(rng.integers(0, 3)),
                     postcode="3512")
        for field in ("min_level", "max_level", "leerroutes", "min_age", "max_age", "lat",
                      "lon"):
            offer.pop(field, None)
        offer["women_only"] = False
        # No schedule at all sometimes: such an offer fits any week.
        parts = [d for d in DAYPARTS if rng.random() < 0.4]
        offer["schedule"] = parts
    for person in doc["inburgeraars"]:
        person.update(needs={"taal": float(rng.integers(1, 4)), "werk": float(rng.integers(1, 4))},
                      duaal=bool(rng.random() < 0.7), postcode="3511", availability=[])
        for field in ("lat", "lon"):
            person.pop(field, None)
    return load_scenario(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(duaal_scenarios(), st.sampled_from([1, 8]))
def test_duaal_allocation_is_feasible_and_optimal(scenario, initial_arcs):
    matcher = Matcher(scenario)
    result = allocate(matcher, initial_arcs=initial_arcs)
    assert _shares_a_day_part(scenario, result) == []
    taken = {}
    for a in result.assignments:
        taken[a.offer_id] = taken.get(a.offer_id, 0) + 1
    assert all(n <= next(o.capacity for o in scenario.offers if o.id == k)
               for k, n in taken.items())
    assert exact(result) == pytest.approx(milp_duaal_optimum(matcher, scenario), rel=1e-6,
                                          abs=1e-9)


def _crowded(people, offers, seed, places=(0, 3)):
    """A generated coalition where half the people are duaal and places are few (each offer
    ``places[0]`` up to ``places[1]`` exclusive)."""
    doc = generate_scenario(people, offers, seed=seed)
    rng = np.random.default_rng(seed)
    doc["history"] = []
    for offer in doc["offers"]:
        offer["capacity"] = int(rng.integers(*places))
    for person in doc["inburgeraars"]:
        person["duaal"] = bool(rng.random() < 0.5)
        person["needs"] = {**person["needs"], "taal": 2.0, "werk": 1.0}
    return load_scenario(doc)


def test_collisions_on_a_generated_coalition_are_resolved_optimally():
    scenario = _crowded(80, 40, seed=11)
    matcher = Matcher(scenario)
    result = allocate(matcher)
    assert _shares_a_day_part(scenario, result) == []
    assert exact(result) == pytest.approx(milp_duaal_optimum(matcher, scenario), rel=1e-6)


@pytest.mark.parametrize("seed", [24, 35])
def test_arcs_the_bound_rules_out_leave_the_optimum_to_cp_sat(seed, monkeypatch):
    # Instances where the Lagrangian rounds end above the best solution: the arcs they
    # ruled out are gone from CP-SAT's program, which must still find the MILP optimum.
    programs = []
    solve = duaal_module._solve

    def spy(t, problems, keep, hint):
        programs.append((sum(len(k) for k in keep), sum(len(q.p) for q in problems)))
        return solve(t, problems, keep, hint)

    monkeypatch.setattr(duaal_module, "_solve", spy)
    scenario = _crowded(200, 60, seed=seed)
    matcher = Matcher(scenario)
    result = allocate(matcher)
    assert len(programs) == 1 and programs[0][0] < programs[0][1] / 4
    assert _shares_a_day_part(scenario, result) == []
    assert exact(result) == pytest.approx(milp_duaal_optimum(matcher, scenario), rel=1e-6)


@pytest.mark.parametrize("method", ["joint", "potentials", "stochastic"])
def test_with_a_forecast_the_batch_keeps_the_rule_around_the_places_kept(method):
    whole = _crowded(120, 40, seed=12, places=(1, 5))
    scenario = dataclasses.replace(whole, inburgeraars=whole.inburgeraars[:80],
                                   forecast=whole.inburgeraars[80:])
    without_rule = allocate(Matcher(dataclasses.replace(
        scenario, inburgeraars=[dataclasses.replace(i, duaal=False)
                                for i in scenario.inburgeraars])), forecast_method=method)
    result = allocate(Matcher(scenario), forecast_method=method)
    assert _shares_a_day_part(scenario, result) == []
    assert _shares_a_day_part(scenario, without_rule) != []  # the rule had work to do
    capacity = {o.id: o.capacity for o in scenario.offers}
    for a in result.assignments:
        capacity[a.offer_id] -= 1
    assert all(n >= 0 for n in capacity.values())
    # Keeping places for the forecast never takes more than it had free.
    assert all(capacity[k] >= n for k, n in result.kept.items())
    assert result.objective <= without_rule.objective + 1e-9

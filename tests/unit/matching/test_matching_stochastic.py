"""`forecast_method="stochastic"`: the batch's places chosen over futures drawn from a pool."""

import dataclasses
import datetime as dt

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from matching import (
    Inburgeraar,
    Matcher,
    MatchingError,
    Offer,
    Partner,
    Scenario,
    allocate,
    generate_scenario,
    load_scenario,
    stochastic,
)
from matching.allocation import _CUT, _domain_arcs
from matching.forecast import forecast_from


def _alfa_class(pool, batch_need=1):
    """One women-only alfa place with childcare; a batch person who gains a little from it
    (and can go elsewhere), and a pool of expected people."""
    offers = [Offer(id="alfa", partner_id="p1", domain="taal", capacity=1, lat=52.09, lon=5.12,
                    women_only=True, childcare=True),
              Offer(id="gewoon", partner_id="p1", domain="taal", capacity=1, lat=52.09,
                    lon=5.12)]
    here = Inburgeraar(id="nu", needs={"taal": batch_need}, gender="v", lat=52.09, lon=5.12)
    return Scenario(reference_date=dt.date(2026, 11, 27), partners=[Partner(id="p1",
                    kind="taalschool")], offers=offers, inburgeraars=[here],
                    forecast=tuple(pool))


def _mother(k, need=3):
    return Inburgeraar(id=f"moeder{k}", needs={"taal": need}, gender="v", lat=52.09,
                       lon=5.12, childcare_needed=True)


def _man(k):
    return Inburgeraar(id=f"man{k}", needs={"taal": 1}, gender="m", lat=52.09, lon=5.12)


def test_a_place_the_expected_arrivals_need_far_more_is_kept_and_said():
    scenario = _alfa_class([_mother(0)])
    result = allocate(scenario, forecast_method="stochastic", arrivals=1)
    assert result.kept == {"alfa": 1}
    assert [a.offer_id for a in result.assignments] == ["gewoon"]
    # Places nobody expected would use are not kept, only left.
    roomy = dataclasses.replace(scenario, offers=[
        scenario.offers[0], dataclasses.replace(scenario.offers[1], capacity=5)])
    assert allocate(roomy, forecast_method="stochastic", arrivals=1).kept == {"alfa": 1}
    # Without the other place, the batch person goes without, and is told why.
    alone = dataclasses.replace(scenario, offers=scenario.offers[:1])
    result = allocate(alone, forecast_method="stochastic", arrivals=1)
    assert result.assignments == [] and result.kept == {"alfa": 1}
    [left] = result.unassigned
    assert left.reason.startswith("plek bewaard: alfa blijft vrij voor verwachte inburgeraars")


def test_a_place_is_kept_only_as_far_as_such_people_are_likely_to_come():
    # One mother among twenty in the pool, one arrival expected: she comes with a chance
    # of one in twenty, so the place goes to the woman here now. The joint solve, which
    # takes the forecast as the arrivals, keeps it for the one mother.
    pool = [_mother(0), *(_man(k) for k in range(19))]
    alone = dataclasses.replace(_alfa_class(pool), offers=_alfa_class(pool).offers[:1])
    result = allocate(alone, forecast_method="stochastic", arrivals=1)
    assert [a.offer_id for a in result.assignments] == ["alfa"] and result.kept == {}
    assert allocate(alone).kept == {"alfa": 1}


def test_a_tie_goes_to_the_person_here_now():
    # The person here gains exactly what the expected mother would: the place is given.
    here = dataclasses.replace(_mother(9), id="nu")
    scenario = dataclasses.replace(_alfa_class([_mother(0)]), inburgeraars=[here])
    alone = dataclasses.replace(scenario, offers=scenario.offers[:1])
    result = allocate(alone, forecast_method="stochastic", arrivals=1)
    assert [a.offer_id for a in result.assignments] == ["alfa"] and result.kept == {}


def test_nobody_expected_gives_the_static_optimum():
    scenario = _alfa_class([_mother(0)])
    static = allocate(dataclasses.replace(scenario, forecast=()))
    for result in (allocate(scenario, forecast_method="stochastic", arrivals=0),
                   allocate(dataclasses.replace(scenario, forecast=()),
                            forecast_method="stochastic")):
        assert result.to_dict() == static.to_dict() and result.kept == {}


def test_arrivals_only_with_the_stochastic_method():
    scenario = _alfa_class([_mother(0)])
    with pytest.raises(MatchingError, match="arrivals"):
        allocate(scenario, arrivals=1)
    with pytest.raises(MatchingError, match="arrivals"):
        allocate(scenario, forecast_method="stochastic", arrivals=-1)


def test_too_large_a_program_falls_back_to_the_joint_solve(monkeypatch):
    # Two alfa places, two mothers in the pool, one arrival expected: the joint solve on
    # the pool cut to one person keeps one place, not two.
    pool = [_mother(0), _mother(1)]
    scenario = _alfa_class(pool)
    alfa = dataclasses.replace(scenario.offers[0], capacity=2)
    scenario = dataclasses.replace(scenario, offers=[alfa])
    monkeypatch.setattr(stochastic, "_BUDGET", 1)
    result = allocate(scenario, forecast_method="stochastic", arrivals=1)
    cut = forecast_from(pool, 1, np.random.default_rng(_CUT))
    joint = allocate(dataclasses.replace(scenario, forecast=cut))
    assert result.to_dict() == joint.to_dict() and result.kept == joint.kept == {"alfa": 1}
    assert allocate(scenario).kept == {"alfa": 2}


def _saa_optimum(values, batch, counts, capacity):
    """max batch value + mean over futures of theirs, each future on the places the batch
    leaves: the two-stage program as an integer program, all arcs, no shortcuts."""
    p, o, value = values
    k, pool = counts.shape
    mine = np.flatnonzero(p < batch)
    futures = [np.flatnonzero((p >= batch) & (counts[s, np.maximum(p - batch, 0)] > 0))
               for s in range(k)]
    var = np.concatenate([mine, *futures])
    scenario = np.repeat(np.arange(-1, k), [len(mine), *(len(f) for f in futures)])
    rows, upper = [], []
    for s in range(-1, k):
        for person in np.unique(p[var[scenario == s]]):
            rows.append(((scenario == s) & (p[var] == person)).astype(float))
            upper.append(1.0 if s < 0 else float(counts[s, person - batch]))
    for s in range(k):
        for offer in np.unique(o):
            rows.append((((scenario == s) | (scenario < 0)) & (o[var] == offer)).astype(float))
            upper.append(float(capacity[offer]))
    gain = np.where(scenario < 0, value[var], value[var] / k)
    result = milp(-gain, integrality=np.ones(len(var)), bounds=Bounds(0, np.inf),
                  constraints=LinearConstraint(np.array(rows), -np.inf, upper))
    return -result.fun


def _future_value(values, batch, counts, left):
    """Mean over the futures of their optimum on the places ``left`` (a flow: the LP is
    integral)."""
    p, o, value = values
    total = 0.0
    for row in counts:
        mine = np.flatnonzero((p >= batch) & (row[np.maximum(p - batch, 0)] > 0))
        people, offers = np.unique(p[mine]), np.unique(o)
        a = np.vstack([*((p[mine] == q).astype(float) for q in people),
                       *((o[mine] == f).astype(float) for f in offers)])
        limit = np.r_[[row[q - batch] for q in people], [left[f] for f in offers]]
        if len(mine):
            total -= linprog(-value[mine], A_ub=a, b_ub=limit, bounds=(0, None),
                             method="highs").fun
    return total / len(counts)


@pytest.mark.parametrize("seed", range(8))
def test_the_batch_takes_the_sample_average_optimum(seed):
    doc = generate_scenario(18, 8, seed=seed)
    rng = np.random.default_rng(seed)
    doc["history"] = []
    for offer in doc["offers"]:
        offer.update(domain="taal", capacity=int(rng.integers(0, 3)))
    for person in doc["inburgeraars"]:
        person["needs"] = {"taal": float(rng.integers(1, 4))}
    whole = load_scenario(doc)
    batch, pool, arrivals = whole.inburgeraars[:6], whole.inburgeraars[6:], 5
    scenario = dataclasses.replace(whole, inburgeraars=batch, forecast=pool)
    result = allocate(scenario, forecast_method="stochastic", arrivals=arrivals)

    everyone = Matcher(dataclasses.replace(scenario, inburgeraars=(*batch, *pool), forecast=()))
    p, o, _, value = _domain_arcs(everyone, 0)
    counts = np.random.default_rng(stochastic._SEED).multinomial(
        arrivals, np.full(len(pool), 1 / len(pool)), size=stochastic.SCENARIOS)
    capacity = np.array([offer.capacity for offer in scenario.offers])
    left = capacity.copy()
    for a in result.assignments:
        left[everyone.tables.offer_index[a.offer_id]] -= 1
    mine = sum(a.weight for a in result.assignments)
    reached = mine + _future_value((p, o, value), len(batch), counts, left)
    assert reached == pytest.approx(_saa_optimum((p, o, value), len(batch), counts, capacity),
                                    rel=1e-6)

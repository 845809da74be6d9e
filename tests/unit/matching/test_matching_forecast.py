"""`forecast` in allocate: a scarce place is kept for whom it helps far more."""

import dataclasses
import datetime as dt

import numpy as np
import pytest

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
from matching.allocation import FORECAST_METHODS, KEPT
from matching.errors import MatchingError


def _person(pid, **fields):
    return Inburgeraar(**{"id": pid, "needs": {"taal": 1}, "lat": 52.0, "lon": 5.0,
                          "gender": "v", **fields})


def _scenario(offers, people, forecast=()):
    return Scenario(reference_date=dt.date(2026, 11, 24),
                    partners=[Partner(id="p1", kind="taalschool")],
                    offers=[Offer(**{"partner_id": "p1", "domain": "taal", "lat": 52.0,
                                     "lon": 5.0, **o}) for o in offers],
                    inburgeraars=people, forecast=forecast)


# A women-only alfa class with childcare, one place; and an ordinary class from A1.
ALFA = {"id": "alfa", "capacity": 1, "women_only": True, "alfa": True, "childcare": True}
ORDINARY = {"id": "gewoon", "capacity": 1, "min_level": "A1"}
# This week's person could go elsewhere; next week's mother of three can go nowhere else.
NOW = _person("nu", level="A1", needs={"taal": 1})
LATER = _person("later", level="A0", latin_literate=False, childcare_needed=True,
                needs={"taal": 3})


def test_without_forecast_the_only_fitting_place_goes_to_this_batch():
    result = allocate(_scenario([ALFA], [NOW]))
    assert [(a.inburgeraar_id, a.offer_id) for a in result.assignments] == [("nu", "alfa")]
    assert result.kept == {}


def test_the_place_is_kept_for_a_forecast_person_who_needs_it_far_more():
    result = allocate(_scenario([ALFA], [NOW], forecast=[LATER]))
    assert result.assignments == []
    assert result.objective == 0
    [left] = result.unassigned
    assert (left.inburgeraar_id, left.domain) == ("nu", "taal")
    assert left.reason.startswith(KEPT) and "alfa" in left.reason
    assert "verwachte inburgeraars" in left.reason
    assert result.kept == {"alfa": 1}


def test_with_another_place_the_batch_person_goes_there_instead():
    with_forecast = allocate(_scenario([ALFA, ORDINARY], [NOW], forecast=[LATER]))
    assert [a.offer_id for a in with_forecast.assignments] == ["gewoon"]
    assert with_forecast.kept == {"alfa": 1}


def test_a_forecast_person_who_gains_no_more_keeps_nothing():
    equal = dataclasses.replace(NOW, id="ook")
    result = allocate(_scenario([ALFA], [NOW], forecast=[equal]))
    assert [a.offer_id for a in result.assignments] == ["alfa"]
    assert result.kept == {}


def test_a_second_place_is_kept_when_the_forecast_needs_it_more_than_this_batch():
    # Two places, two people here who gain little, one expected who needs it badly: the
    # contract's maximum gives this batch one place and keeps the other.
    two = {**ALFA, "capacity": 2}
    result = allocate(_scenario([two], [NOW, _person("n2", level="A1")], forecast=[LATER]))
    assert len(result.assignments) == 1 and result.kept == {"alfa": 1}
    [left] = result.unassigned
    assert left.reason.startswith(KEPT)


@pytest.mark.parametrize("method", FORECAST_METHODS)
def test_a_tie_within_this_batch_keeps_no_place(method):
    # Two alike people here now, one place: one of them gets it, whether the forecast has
    # nobody for this domain or only someone who gains less.
    alike = [_person("a", level="A1"), _person("b", level="A1")]
    static = allocate(_scenario([ORDINARY], alike))
    for forecast in ([_person("f", needs={"werk": 1}, level="A1")],
                     [_person("f", level="A1", lat=52.05)]):
        result = allocate(_scenario([ORDINARY], alike, forecast=forecast),
                          forecast_method=method)
        assert len(result.assignments) == 1 and result.kept == {}
        assert result.objective == static.objective
        assert not any(u.reason.startswith(KEPT) for u in result.unassigned)


def _generated(seed, people=120, offers=60):
    doc = generate_scenario(people, offers, seed=seed)
    rng = np.random.default_rng(seed)
    for offer in doc["offers"]:
        offer["capacity"] = int(rng.integers(0, 3))
    return load_scenario(doc)


def test_empty_forecast_equals_the_static_optimum():
    scenario = _generated(3)
    static = allocate(Matcher(scenario))
    # No forecast at all, or forecast people who fit nowhere: the same result.
    nowhere = [_person(f"f{k}", lat=60.0, lon=20.0) for k in range(5)]
    for forecast in ((), nowhere):
        result = allocate(Matcher(dataclasses.replace(scenario, forecast=forecast)))
        assert result.assignments == static.assignments
        assert result.unassigned == static.unassigned
        assert result.objective == static.objective
        assert result.kept == {}


def _with_and_after(scenario, now, later, allocation):
    """This batch's total plus the forecast's optimum on the places left (the contract)."""
    taken = {}
    for a in allocation.assignments:
        taken[a.offer_id] = taken.get(a.offer_id, 0) + 1
    left = [dataclasses.replace(o, capacity=o.capacity - taken.get(o.id, 0))
            for o in scenario.offers]
    after = allocate(Matcher(dataclasses.replace(scenario, offers=left, inburgeraars=later)))
    return allocation.objective + after.objective


def test_forecast_trades_this_batch_for_more_later():
    scenario = dataclasses.replace(_generated(5, people=200), history=())
    people = scenario.inburgeraars
    now, later = people[:100], people[100:]
    static = allocate(Matcher(dataclasses.replace(scenario, inburgeraars=now)))
    joint = allocate(Matcher(scenario))
    kept = allocate(Matcher(dataclasses.replace(scenario, inburgeraars=now, forecast=later)))
    # The batch never gains by keeping places; its part of the joint optimum is what it
    # gets, and batch and forecast together reach exactly the contract's maximum.
    assert kept.objective <= static.objective + 1e-9
    ids = {i.id for i in now}
    assert {(a.inburgeraar_id, a.offer_id) for a in kept.assignments} == {
        (a.inburgeraar_id, a.offer_id) for a in joint.assignments if a.inburgeraar_id in ids}
    assert sum(kept.kept.values()) == sum(1 for a in joint.assignments
                                          if a.inburgeraar_id not in ids)
    total = _with_and_after(scenario, now, later, kept)
    assert abs(total - joint.objective) < 1e-6
    assert total > _with_and_after(scenario, now, later, static)
    reasons = [u for u in kept.unassigned if u.reason.startswith(KEPT)]
    assert reasons and sum(kept.kept.values()) > 0
    assert all(u.reason.split(": ")[1].split(" ")[0] in kept.kept for u in reasons)


def test_potentials_come_close_to_the_contracts_maximum():
    scenario = dataclasses.replace(_generated(5, people=200), history=())
    now, later = scenario.inburgeraars[:100], scenario.inburgeraars[100:]
    static = allocate(Matcher(dataclasses.replace(scenario, inburgeraars=now)))
    priced = allocate(Matcher(dataclasses.replace(scenario, inburgeraars=now, forecast=later)),
                      forecast_method="potentials")
    joint = allocate(Matcher(scenario)).objective
    total = _with_and_after(scenario, now, later, priced)
    assert total > _with_and_after(scenario, now, later, static)
    assert total >= 0.97 * joint
    free = {o.id: o.capacity for o in scenario.offers}
    for a in priced.assignments:
        free[a.offer_id] -= 1
    assert all(0 < places <= free[offer_id] for offer_id, places in priced.kept.items())


def test_an_unknown_forecast_method_is_an_error():
    with pytest.raises(MatchingError, match="forecast_method"):
        allocate(_scenario([ORDINARY], [NOW]), forecast_method="raden")

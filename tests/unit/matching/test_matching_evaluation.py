"""The evaluation's simulator and policies: optimality, limits, and no leak into training."""

import dataclasses
import doctest
import importlib

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from matching import Matcher, vocab
from matching.evaluation import DIAGNOSTICS, POLICIES, HiddenTruth, Simulator, oracle
from matching.evaluation.metrics import confidence_interval
from matching.evaluation.policies import build_market, optimal_arcs
from matching.evaluation.simulator import WORLDS, logging_policy

SMALL = {"cohorts": 2, "people": 40, "offers": 50, "history": 200}


@pytest.fixture(autouse=True)
def one_blas_thread():
    # Tiny logistic regressions: BLAS threads only contend on a busy machine.
    with threadpool_limits(1):
        yield


def markets(sim):
    for k in range(sim.n_cohorts):
        cohort = sim.cohort(k)
        market = build_market(cohort, sim.seed)
        truth = sim.true_probability(cohort, market.matcher.tables, market.person,
                                     market.offer, market.km)
        yield market, truth


def all_policies(market, truth):
    chosen = {"oracle": oracle(market, truth)}
    chosen.update((name, policy(market)) for name, policy in {**POLICIES, **DIAGNOSTICS}.items())
    return chosen


def model_of(scenario):
    model = Matcher(scenario).model
    assert model.learned, "the history is too small to learn from"
    learned = ([model.pair_coef_.ravel(), model.base_, model.offer_term_, model.track_term_.ravel()]
               if model.kind_ == "model" else [])
    return np.concatenate([*learned, model.calibration_])


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_oracle_is_never_beaten(seed):
    for market, truth in markets(Simulator(seed, **SMALL)):
        chosen = all_policies(market, truth)
        need = market.need[market.node]
        best = (need * truth)[chosen["oracle"]].sum()
        for name, arcs in chosen.items():
            assert (need * truth)[arcs].sum() <= best + 1e-6, name
        # With the need weights left out, the same solver maximises the plain count.
        plain = truth[optimal_arcs(market, truth)].sum()
        assert all(truth[arcs].sum() <= plain + 1e-6 for arcs in chosen.values())
        assert best > (need * truth)[chosen["random"]].sum()


def test_every_policy_respects_needs_capacity_and_eligibility():
    for market, truth in markets(Simulator(5, **SMALL)):
        t = market.matcher.tables
        for name, arcs in all_policies(market, truth).items():
            assert len(np.unique(market.node[arcs])) == len(arcs), name
            used = np.bincount(market.offer[arcs], minlength=len(market.capacity))
            assert (used <= market.capacity).all(), name
            assert (t.offers.domain[market.offer[arcs]]
                    == market.nodes[market.node[arcs]] % len(vocab.DOMAINS)).all()
            for p, o in zip(market.person[arcs][:20].tolist(), market.offer[arcs][:20].tolist(),
                            strict=True):
                failures = market.matcher.explain_ineligible(t.people.ids[p], t.offers.ids[o],
                                                             ignore_capacity=False)
                assert failures == [], (name, failures)


def test_wegwijs_is_the_engines_allocation():
    sim = Simulator(6, **SMALL)
    market, truth = next(markets(sim))
    from matching import allocate

    engine = allocate(Matcher(sim.cohort(0).scenario))
    chosen = POLICIES["wegwijs"](market)
    t = market.matcher.tables
    assert sorted((t.people.ids[p], t.offers.ids[o]) for p, o in
                  zip(market.person[chosen].tolist(), market.offer[chosen].tolist(), strict=True)
                  ) == sorted((a.inburgeraar_id, a.offer_id) for a in engine.assignments)


def test_the_training_data_is_the_history_only():
    sim = Simulator(7, **SMALL)
    history_people = {h.inburgeraar_id for h in sim.history_scenario.history}
    for k in range(sim.n_cohorts):
        cohort = sim.cohort(k)
        people = cohort.scenario.inburgeraars
        new = {people[r].id for r in cohort.people.tolist()}
        assert new and not new & history_people
        assert cohort.scenario.history == sim.history_scenario.history
        assert all(not people[r].needs for r in range(cohort.people[0]))
        np.testing.assert_array_equal(model_of(cohort.scenario), model_of(sim.history_scenario))


def test_changing_the_cohorts_hidden_truth_changes_nothing_the_engine_sees():
    seen = Simulator(8, **SMALL)
    other = HiddenTruth(per_km=0.2, language_at_a0=-2.0, sector_match=-1.0, pair_sd=2.0)
    changed = Simulator(8, **SMALL, evaluation_truth=other)
    assert changed.history_scenario == seen.history_scenario
    np.testing.assert_array_equal(model_of(changed.cohort(0).scenario),
                                  model_of(seen.cohort(0).scenario))
    for (market_a, truth_a), (market_b, truth_b) in zip(markets(seen), markets(changed),
                                                        strict=True):
        assert np.abs(truth_a - truth_b).max() > 0.3
        for name, policy in POLICIES.items():
            np.testing.assert_array_equal(policy(market_a), policy(market_b), err_msg=name)
        assert not np.array_equal(oracle(market_a, truth_a), oracle(market_b, truth_b))


def test_the_history_truth_does_reach_the_model():
    # The converse of the leak test: the model learns from the history's world.
    usual = Simulator(9, **SMALL)
    reversed_distance = Simulator(9, **SMALL, truth=HiddenTruth(per_km=0.3))
    assert not np.array_equal(model_of(usual.history_scenario),
                              model_of(reversed_distance.history_scenario))


def test_gender_is_not_read_by_the_model():
    sim = Simulator(10, **SMALL)
    flipped = [dataclasses.replace(i, gender={"v": "m", "m": "v"}.get(i.gender, i.gender))
               for i in sim.history_scenario.inburgeraars]
    scenario = dataclasses.replace(sim.history_scenario, inburgeraars=tuple(flipped))
    np.testing.assert_array_equal(model_of(scenario), model_of(sim.history_scenario))


def test_thelogging_policy_refers_each_need_once_and_prefers_near_offers():
    node = np.repeat(np.arange(2000), 10)
    km = np.tile(np.arange(1.0, 11.0), 2000)
    habit = logging_policy(node, km, explore=0.3, rng=np.random.default_rng(0))
    anything = logging_policy(node, km, explore=1.0, rng=np.random.default_rng(0))
    assert np.array_equal(np.sort(node[habit]), np.arange(2000))
    assert km[habit].mean() < 4 < 5 < km[anything].mean() < 6


def test_same_seed_same_world_and_other_seed_another():
    a, b, c = Simulator(12, **SMALL), Simulator(12, **SMALL), Simulator(13, **SMALL)
    assert a.history_scenario == b.history_scenario != c.history_scenario
    np.testing.assert_array_equal(a.history_success, b.history_success)


def test_confidence_interval():
    mean, half = confidence_interval([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(4.302653 / np.sqrt(3), rel=1e-6)
    assert np.isnan(confidence_interval([5.0])[1])


@pytest.mark.parametrize("name", ["simulator", "policies", "metrics", "run", "report", "plots"])
def test_docstring_examples(name):
    module = importlib.import_module(f"matching.evaluation.{name}")
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_the_drifting_world_dates_its_history_and_remembers_levels_as_referred():
    sim = Simulator(14, **SMALL, truth=WORLDS["drifting"])
    history = sim.history_scenario.history
    days = {h.referred_on for h in history}
    assert None not in days and len(days) > 100
    people = {i.id: i for i in sim.history_scenario.inburgeraars}
    risen = [h for h in history if h.as_referred]
    assert risen
    order = list(vocab.LEVELS)
    for h in risen:
        # Each one completed a taal course and is one level higher now.
        assert order.index(people[h.inburgeraar_id].level) == order.index(
            h.as_referred["level"]) + 1
    # The partners' quality then was not what it is now; without drift it was.
    t = Matcher(sim.history_scenario).tables
    p = np.zeros(3, dtype=np.int64)
    o = np.arange(3)
    old = np.full(3, float(sim.span_days))
    assert not np.allclose(sim._quality_at(old, t, p, o), sim._quality_at(old * 0, t, p, o))
    stable = Simulator(14, **SMALL, truth=WORLDS["partners"])
    assert np.allclose(stable._quality_at(old, t, p, o), stable._quality_at(old * 0, t, p, o))


def test_the_attainable_yardstick_learns_the_hidden_quality_from_the_history():
    from matching.evaluation.attainable import has_hidden_quality, learned_quality

    sim = Simulator(4, cohorts=1, people=10, offers=60, history=1500, truth=WORLDS["partners"])
    learned = learned_quality(sim)
    assert learned.shape == sim.history_quality.shape
    # Offers of partners with many referrals: the estimate follows the hidden quality.
    assert np.corrcoef(learned.ravel(), sim.history_quality.ravel())[0, 1] > 0.7
    assert not has_hidden_quality(WORLDS["standard"])
    assert has_hidden_quality(WORLDS["drifting"])


def test_the_attainable_yardstick_weighs_recent_outcomes_more_in_a_drifting_world():
    from matching.evaluation.attainable import learned_quality

    sim = Simulator(2, cohorts=1, people=10, offers=60, history=1500, truth=WORLDS["drifting"])
    now = sim.history_quality.ravel()
    alike, recent = learned_quality(sim).ravel(), learned_quality(sim, ("h", 182.0)).ravel()
    moving = learned_quality(sim, ("d", 0.3)).ravel()
    # The quality now is what the cohorts meet: recent outcomes tell it better (0.70 against
    # 0.20 here, where the partners moved far), as does a record that moves (0.87).
    assert np.corrcoef(recent, now)[0, 1] > np.corrcoef(alike, now)[0, 1] + 0.3
    assert np.corrcoef(moving, now)[0, 1] > np.corrcoef(alike, now)[0, 1] + 0.3

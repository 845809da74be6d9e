"""Evidence over time and without leaks: persons as referred, old outcomes, earlier partners."""

import dataclasses
import datetime as dt

import numpy as np
import pytest

from conftest import KM_PER_DEGREE_LAT
from matching import HistoryEntry, Inburgeraar, Matcher, Offer, Partner, Scenario
from matching.eligibility import distances
from matching.errors import ScenarioError
from matching.explanation import OLD_RECORD_REASON
from matching.history import outcomes_of
from matching.learning import SuccessModel, _decay, _one_standard_error, _time_folds, drift_design
from matching.pairs import PairFacts
from matching.scenario import load_scenario

REFERENCE = dt.date(2026, 11, 24)


def at(km):
    return {"lat": 52.0 + km / KM_PER_DEGREE_LAT, "lon": 5.0}


def _scenario(partners, offers, people, history):
    return Scenario(reference_date=REFERENCE, partners=partners, offers=offers,
                    inburgeraars=people, history=history)


def _earlier_partner(outcome):
    """A person with one referral of the given outcome at partner X, and X's other offer."""
    partners = [Partner(id="x", kind="taalschool")]
    offers = [Offer(id="past", partner_id="x", domain="taal", capacity=0, **at(1)),
              Offer(id="other", partner_id="x", domain="taal", capacity=1, **at(1))]
    people = [Inburgeraar(id="i1", needs={"taal": 1}, **at(0))]
    history = [HistoryEntry(inburgeraar_id="i1", offer_id="past", outcome=outcome)]
    return Matcher(_scenario(partners, offers, people, history)).rank("i1")


@pytest.mark.parametrize("outcome", ["dropped", "ongoing", "declined"])
def test_a_referral_that_did_not_complete_earns_no_closeness(outcome):
    [match] = _earlier_partner(outcome)
    assert "graph" not in match.components
    assert not any("eerder begeleid" in r for r in match.reasons)


def test_a_completed_referral_brings_the_partner_close():
    [match] = _earlier_partner("completed")
    assert match.components["graph"] > 0
    assert any(r.endswith(": partner heeft deze persoon eerder begeleid") for r in match.reasons)


def _risen_levels(as_referred):
    """300 people referred at A1 to a course from A1; those who completed are A2 now."""
    partners = [Partner(id="p1", kind="taalschool")]
    offers = [Offer(id="past", partner_id="p1", domain="taal", capacity=0, min_level="A1",
                    **at(2)),
              Offer(id="open", partner_id="p1", domain="taal", capacity=2, min_level="A1",
                    **at(2))]
    people, history = [], []
    for k in range(300):
        completed = k % 2 == 0
        people.append(Inburgeraar(id=f"h{k}", needs={}, level="A2" if completed else "A1",
                                  **at(k % 7)))
        history.append(HistoryEntry(
            inburgeraar_id=f"h{k}", offer_id="past", referred_on="2026-01-05",
            outcome="completed" if completed else "dropped",
            as_referred={"level": "A1"} if as_referred else None))
    people += [Inburgeraar(id=f"new-{level}", needs={"taal": 1}, level=level, **at(0))
               for level in ("A1", "A2")]
    matcher = Matcher(_scenario(partners, offers, people, history))
    return {level: matcher.rank(f"new-{level}")[0].score for level in ("A1", "A2")}


def test_a_level_risen_after_the_course_does_not_raise_the_chance_at_that_level():
    # The truth: everyone was A1 when referred, and half completed. A2 says nothing.
    scores = _risen_levels(as_referred=True)
    assert scores["A2"] <= scores["A1"] + 0.01
    # Learning from the persons as now, the leak is plain: A2 "completes".
    leaked = _risen_levels(as_referred=False)
    assert leaked["A2"] > leaked["A1"] + 0.2


def test_as_referred_replaces_the_place_whole():
    partners = [Partner(id="p1", kind="taalschool")]
    offers = [Offer(id="o1", partner_id="p1", domain="taal", capacity=1, postcode="3512")]
    people = [Inburgeraar(id="i1", lat=52.3, lon=4.9, level="B1")]
    history = [HistoryEntry(inburgeraar_id="i1", offer_id="o1", outcome="completed",
                            as_referred={"postcode": "3561", "level": "A1"})]
    found = outcomes_of(_scenario(partners, offers, people, history))
    [person] = found.tables.scenario.inburgeraars
    assert (person.postcode, person.lat, person.lon, person.level) == ("3561", None, None, "A1")


def test_bad_as_referred_is_named(example_doc):
    example_doc["history"][0]["as_referred"] = {"level": "B3"}
    with pytest.raises(ScenarioError, match=r"^history\[0\]\.as_referred\.level: 'B3' is not"):
        load_scenario(example_doc)
    example_doc["history"][0]["as_referred"] = {"mentor_id": "p9"}
    with pytest.raises(ScenarioError, match=r"as_referred\.mentor_id: 'p9' is not a partner"):
        load_scenario(example_doc)


def _drifting(recent_rates, old_rates, seed=3, n=240, span=730, changed=450):
    """Per partner, ``n`` outcomes dated evenly over the last ``span`` days, at the completion
    rate ``old_rates`` until ``changed`` days ago and ``recent_rates`` since (None: no
    outcomes then). One open offer per partner."""
    rng = np.random.default_rng(seed)
    partners, offers, people, history = [], [], [], []
    for name in recent_rates:
        partners.append(Partner(id=name, kind="taalschool"))
        offers += [Offer(id=f"past-{name}", partner_id=name, domain="taal", capacity=0, **at(2)),
                   Offer(id=f"open-{name}", partner_id=name, domain="taal", capacity=1, **at(2))]
        for k in range(n):
            days = int(rng.integers(0, span))
            rate = (old_rates if days > changed else recent_rates)[name]
            if rate is None:
                continue
            pid = f"{name}-{k}"
            people.append(Inburgeraar(id=pid, needs={}, level="B1", **at(0)))
            history.append(HistoryEntry(
                inburgeraar_id=pid, offer_id=f"past-{name}",
                referred_on=(REFERENCE - dt.timedelta(days=days)).isoformat(),
                outcome="completed" if rng.random() < rate else "dropped"))
    people.append(Inburgeraar(id="new", needs={"taal": 1}, level="B1", **at(0)))
    return _scenario(partners, offers, people, history)


def test_a_partner_whose_courses_worked_then_and_fail_now_is_scored_on_now():
    scenario = _drifting({"slechter": 0.2, "vast": 0.5, "beter": 0.8},
                         {"slechter": 0.8, "vast": 0.5, "beter": 0.2})
    matcher = Matcher(scenario)
    assert matcher.model.half_life_ or matcher.model.drift_, matcher.model.cv_log_loss_
    scores = {m.offer_id: m.score for m in matcher.rank("new")}
    assert scores["open-beter"] > scores["open-vast"] > scores["open-slechter"]
    assert scores["open-slechter"] < 0.4 and scores["open-beter"] > 0.6


def test_a_stable_history_weighs_all_outcomes_alike():
    scenario = _drifting({"a": 0.3, "b": 0.5, "c": 0.7}, {"a": 0.3, "b": 0.5, "c": 0.7})
    model = Matcher(scenario).model
    assert model.half_life_ is None and model.drift_ is None, model.cv_log_loss_


def _scores(scenario, **options):
    model = SuccessModel(**options).fit_outcomes(outcomes_of(scenario))
    return model, {m.offer_id: m.score
                   for m in Matcher(scenario, success_model=model).rank("new")}


def test_a_moving_record_ranks_a_partner_that_turned_bad_a_year_ago_below_a_steady_one():
    # Over three years "slechter" completed 80 % until a year ago and 25 % since: on all its
    # outcomes alike it looks no worse than the steady 50 % of "vast".
    scenario = _drifting({"slechter": 0.25, "vast": 0.5}, {"slechter": 0.8, "vast": 0.5},
                         n=300, span=1095, changed=365)
    still, alike = _scores(scenario, half_lives=(), drifts=())
    assert still.drift_ is None and alike["open-slechter"] >= alike["open-vast"]
    # Each record a random walk back in time from its level now (no half-life to fall back on).
    moving, now = _scores(scenario, half_lives=())
    assert moving.drift_ is not None, moving.cv_log_loss_
    assert now["open-slechter"] < now["open-vast"]
    assert now["open-slechter"] < 0.4 < alike["open-slechter"]


def test_a_moving_record_is_the_same_when_the_newest_outcome_is_a_year_old():
    # Outcomes are known only once a route ends: the same history seen a year later (every
    # outcome a year older) must give the same records, as the folds judged them.
    recent, old = {"slechter": 0.25, "vast": 0.5}, {"slechter": 0.8, "vast": 0.5}
    scenario = _drifting(recent, old, n=300, span=1095, changed=365)
    later = dataclasses.replace(scenario, reference_date=REFERENCE + dt.timedelta(days=365))
    then, scores = _scores(scenario, half_lives=())
    now, scores_later = _scores(later, half_lives=())
    assert then.drift_ is not None and now.drift_ == then.drift_, now.cv_log_loss_
    assert scores_later == pytest.approx(scores, abs=1e-9)


def _own_chances(model, found):
    """The model's chances of the pairs it learned from (as it learned them)."""
    t = found.tables
    return model.predict(PairFacts(t, found.p, found.o, distances(t, found.p, found.o),
                                   mentor_only=True))


def _newest_ran_lower():
    # Two partners, 80 and 40 % until a year ago, 60 and 20 % since: the newest outcomes,
    # the ones held out to judge and calibrate the candidates, complete less often.
    return _drifting({"goed": 0.6, "zwak": 0.2}, {"goed": 0.8, "zwak": 0.4}, n=300, span=730,
                     changed=365)


def test_weighing_every_outcome_alike_the_scores_level_is_the_whole_historys():
    # Told to weigh every outcome alike, the chance of a partner's offer is its whole
    # record. The calibration's offset used to be fitted on the held-out newest outcomes
    # and moved every score by their gap to fits that had not seen them (here 0.13 down).
    scenario = _newest_ran_lower()
    found = outcomes_of(scenario)
    model, scores = _scores(scenario, half_lives=(), drifts=())
    assert model.kind_ == "model", model.cv_log_loss_
    assert _own_chances(model, found).mean() == pytest.approx(found.y.mean(), abs=1e-9)
    # Each partner has half the outcomes: their offers' chances average the whole rate, 0.55
    # (0.41 with the newest outcomes' offset).
    assert scores["open-goed"] > scores["open-zwak"]
    assert (scores["open-goed"] + scores["open-zwak"]) / 2 == pytest.approx(found.y.mean(),
                                                                             abs=0.02)


def test_a_model_weighing_recent_outcomes_more_keeps_its_weighted_level():
    # The level is the one the refitted model learned, weighted by age as it was fitted (the
    # held-out offset moved it 0.12 below, counting the newest outcomes' lower rate twice).
    scenario = _newest_ran_lower()
    found = outcomes_of(scenario)
    model = SuccessModel(drifts=()).fit_outcomes(found)
    assert model.kind_ == "model" and model.half_life_, model.cv_log_loss_
    weight = _decay(found.age_days, model.half_life_)
    assert np.average(_own_chances(model, found), weights=weight) == pytest.approx(
        np.average(found.y, weights=weight), abs=1e-9)


def test_the_candidates_are_judged_on_later_outcomes_than_they_learned_from():
    age = np.random.default_rng(5).uniform(0, 1000, 999)
    for folds, one_split in ((4, 4_000), (4, 500)):
        cuts = _time_folds(age, folds, one_split)
        assert cuts
        for train, test, start in cuts:
            assert age[train].min() >= start >= age[test].max()
        judged = np.concatenate([test for _, test, _ in cuts])
        # The newest outcomes are judged (the later half, or the newest quarter), each once.
        assert len(judged) == len(set(judged.tolist())) >= len(age) // 4
        assert age[judged].max() <= np.median(age)


def test_a_partners_record_moves_in_steps_of_a_quarter_back_from_now():
    # Two partners; outcomes now, a quarter and a day ago, and three quarters ago.
    steps = drift_design(np.array([0, 0, 1, 1]), np.array([0.0, 92.0, 3 * 91 + 5, 10.0]), 2)
    dense = steps.toarray()
    # Three steps per partner; an outcome b quarters old lies beyond its partner's first b.
    assert dense.shape == (4, 6)
    assert dense.tolist() == [[0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0],
                              [0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0]]


def test_a_record_mostly_older_than_a_year_says_so():
    scenario = _drifting({"oud": None, "a": 0.3, "b": 0.7}, {"oud": 0.5, "a": None, "b": None})
    matches = {m.offer_id: m for m in Matcher(scenario).rank("new")}
    assert OLD_RECORD_REASON in matches["open-oud"].reasons
    assert OLD_RECORD_REASON not in matches["open-a"].reasons


def test_candidates_of_the_same_predictions_tie_and_the_simplest_is_kept():
    # One partner, one offer, the same person each time: every candidate can only learn the
    # rate, and weighing all outcomes alike their held-out losses differ in the last bits.
    # Those bits decided (a model calibrated on four fold-constant log-odds: 0.82).
    scenario = _drifting({"p0": 0.7}, {"p0": 0.8}, seed=11, n=80, span=1500, changed=500)
    found = outcomes_of(scenario)
    model = SuccessModel().fit_outcomes(found)
    alike = [v for k, v in model.cv_log_loss_.items() if k.split()[-1][0] not in "hd"]
    assert max(alike) - min(alike) < 1e-9
    assert model.kind_ == "recalibrated prior", model.cv_log_loss_
    [match] = Matcher(scenario, success_model=model).rank("new")
    assert match.score == pytest.approx(found.y.mean(), abs=1e-9)


@pytest.mark.parametrize("apart", [1e-13, -1e-13])
def test_a_gap_in_the_last_bits_is_a_tie(apart):
    # The same held-out log-odds, one candidate's a rounding apart: whichever way the bits
    # fall, the simplest is kept (the gap's standard error is as small as the gap).
    y = np.r_[np.ones(80), np.zeros(20)]
    held_out = {"recalibrated prior": np.zeros(100), "model 3/10": np.full(100, apart)}
    chosen = _one_standard_error(held_out, y, np.ones(100, dtype=bool),
                                 {"model 3/10": (3.0, 10.0, None)})
    assert chosen == "recalibrated prior"

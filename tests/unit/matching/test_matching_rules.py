"""Each of the nine hard rules: a pair just inside and a pair just outside."""

import numpy as np
import pytest

from conftest import KM_PER_DEGREE_LAT, tiny
from matching import HistoryEntry, Matcher, allocate, generate_scenario, load_scenario
from matching.eligibility import RULES, eligible
from matching.tables import build_tables

CASES = {
    # rule: (inside: person, offer, history), (outside: person, offer, history)
    "capacity": (({}, {"capacity": 1}, ()), ({}, {"capacity": 0}, ())),
    "need": (({"needs": {"taal": 0.1}}, {}, ()), ({"needs": {"taal": 0, "werk": 2}}, {}, ())),
    "level": (({"level": "A2"}, {"min_level": "A2", "max_level": "B1"}, ()),
              ({"level": "A1"}, {"min_level": "A2", "max_level": "B1"}, ())),
    "leerroute": (({"leerroute": "z"}, {"leerroutes": ["b1", "z"]}, ()),
                  ({"leerroute": "onderwijs"}, {"leerroutes": ["b1", "z"]}, ())),
    "women_only": (({"gender": "v"}, {"women_only": True}, ()),
                   ({"gender": "x"}, {"women_only": True}, ())),
    "schedule": (({"availability": ["avond"]}, {"schedule": ["middag", "avond"]}, ()),
                 ({"availability": ["ochtend"]}, {"schedule": ["middag", "avond"]}, ())),
    "distance": (({"max_travel_km": 10}, {"lat": 52.0 + 9.99 / KM_PER_DEGREE_LAT}, ()),
                 ({"max_travel_km": 10}, {"lat": 52.0 + 10.01 / KM_PER_DEGREE_LAT}, ())),
    "age": (({"birth_year": 2008}, {"min_age": 18}, ()),
            ({"birth_year": 2009}, {"min_age": 18}, ())),
    "history": (({}, {}, [HistoryEntry(inburgeraar_id="i1", offer_id="o1", outcome="completed")]),
                ({}, {}, [HistoryEntry(inburgeraar_id="i1", offer_id="o1", outcome="dropped")])),
}


def _verdict(rule, case):
    person, offer, history = case
    t = build_tables(tiny(person, offer, history))
    p, o = np.array([0]), np.array([0])
    return bool(RULES[rule](t, p, o)[0]), bool(eligible(t, p, o)[0])


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_just_inside_passes(rule):
    assert _verdict(rule, CASES[rule][0]) == (True, True)


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_just_outside_fails_that_rule_only(rule):
    person, offer, history = CASES[rule][1]
    matcher = Matcher(tiny(person, offer, history))
    assert _verdict(rule, CASES[rule][1]) == (False, False)
    failed = [f.rule for f in matcher.explain_ineligible("i1", "o1", ignore_capacity=False)]
    assert failed == [rule]


def test_default_distance_limit_is_15_km():
    inside = tiny(offer={"lat": 52.0 + 14.99 / KM_PER_DEGREE_LAT})
    outside = tiny(offer={"lat": 52.0 + 15.01 / KM_PER_DEGREE_LAT})
    assert Matcher(inside).rank("i1") and not Matcher(outside).rank("i1")


def test_level_above_max_fails():
    t = build_tables(tiny({"level": "B2"}, {"min_level": "A2", "max_level": "B1"}))
    assert not RULES["level"](t, np.array([0]), np.array([0]))[0]


def test_unknown_level_fails_a_bound_but_not_an_open_offer():
    assert not Matcher(tiny({}, {"min_level": "A0"})).rank("i1")
    assert Matcher(tiny({}, {})).rank("i1")


def test_age_upper_bound_inclusive():
    assert Matcher(tiny({"birth_year": 1996}, {"max_age": 30})).rank("i1")
    assert not Matcher(tiny({"birth_year": 1995}, {"max_age": 30})).rank("i1")


def test_declined_history_blocks():
    declined = [HistoryEntry(inburgeraar_id="i1", offer_id="o1", outcome="declined")]
    assert [f.rule for f in Matcher(tiny(history=declined)).explain_ineligible("i1", "o1")] == [
        "history"]


def test_capacity_ignored_on_request():
    matcher = Matcher(tiny(offer={"capacity": 0}))
    assert matcher.explain_ineligible("i1", "o1") == []
    assert [f.rule for f in matcher.explain_ineligible("i1", "o1", ignore_capacity=False)] == [
        "capacity"]


def test_explanations_are_dutch_and_name_the_numbers():
    matcher = Matcher(tiny({"level": "A1", "max_travel_km": 5},
                           {"min_level": "B1", "lat": 52.0 + 7.3 / KM_PER_DEGREE_LAT}))
    messages = {f.rule: f.message for f in matcher.explain_ineligible("i1", "o1")}
    assert messages["level"] == "Taalniveau A1 ligt onder het minimum B1 van dit aanbod"
    assert messages["distance"].startswith("Op 7,3 km van huis")
    assert "5 km" in messages["distance"]


def test_vectorised_rules_agree_over_a_matrix():
    t = build_tables(tiny({"level": "A2"}, {"min_level": "A2"}))
    assert eligible(t, np.array([[0]]), np.array([[0]])).shape == (1, 1)


@pytest.mark.parametrize("outcome, code, kept", [
    ("ongoing", None, False), ("declined", "vol", True), ("declined", "rooster", False),
    ("dropped", None, False), ("completed", None, True)])
def test_rule_9_in_rank_and_allocate(outcome, code, kept):
    history = [HistoryEntry(inburgeraar_id="i1", offer_id="o1", outcome=outcome,
                            reason_code=code)]
    scenario = tiny(history=history)
    matcher = Matcher(scenario)
    assert ([m.offer_id for m in matcher.rank("i1")] == ["o1"]) is kept
    assert ([a.offer_id for a in allocate(matcher).assignments] == ["o1"]) is kept


def test_objective_adds_up_to_the_printed_scores():
    scenario = load_scenario(generate_scenario(200, 150, seed=3))
    doc = allocate(scenario).to_dict()
    weight = {i.id: i.needs for i in scenario.inburgeraars}
    printed = sum(weight[a["inburgeraar_id"]][a["domain"]] * a["score"]
                  for a in doc["assignments"])
    assert doc["assignments"] and doc["objective"] == pytest.approx(printed, rel=1e-6)

"""The Dutch reasons a klantmanager reads: each rule's exact words, at its boundaries.

``explain`` says why one person cannot go to one offer; ``shortage_reasons`` why a
person has no offer at all in a domain. Both are read by people, so their wording
is behaviour: every case below asserts the whole sentence.
"""

from dataclasses import replace

import numpy as np
import pytest

from conftest import KM_PER_DEGREE_LAT, tiny
from matching import HistoryEntry, eligibility, vocab
from matching.eligibility import distances, eligible, explain, shortage_reasons
from matching.tables import build_tables


def _north(km):
    return 52.0 + km / KM_PER_DEGREE_LAT


def _reasons(person=None, offer=None, history=(), **kwargs):
    t = build_tables(tiny(person, offer, history))
    return [(f.rule, f.message) for f in explain(t, 0, 0, **kwargs)]


DECLINED = [HistoryEntry(inburgeraar_id="i1", offer_id="o1", outcome="declined")]

CASES = {
    "no free place": (
        {}, {"capacity": 0}, (),
        [("capacity", "Dit aanbod heeft geen vrije plek")]),
    "no need in the domain": (
        {"needs": {"taal": 0, "werk": 2}}, {}, (),
        [("need", "Geen hulpvraag in het domein taal")]),
    "a domain of two words": (
        {}, {"domain": "sociaal_netwerk"}, (),
        [("need", "Geen hulpvraag in het domein sociaal netwerk")]),
    "level unknown": (
        {}, {"min_level": "A1"}, (),
        [("level", "Taalniveau onbekend, terwijl dit aanbod een niveau vraagt")]),
    "level unknown, only a maximum": (
        {}, {"max_level": "B1"}, (),
        [("level", "Taalniveau onbekend, terwijl dit aanbod een niveau vraagt")]),
    "level unknown, the lowest minimum": (
        {}, {"min_level": "A0"}, (),
        [("level", "Taalniveau onbekend, terwijl dit aanbod een niveau vraagt")]),
    "level one below the minimum": (
        {"level": "A1"}, {"min_level": "A2", "max_level": "B1"}, (),
        [("level", "Taalniveau A1 ligt onder het minimum A2 van dit aanbod")]),
    "the lowest level below the minimum": (
        {"level": "A0"}, {"min_level": "A1"}, (),
        [("level", "Taalniveau A0 ligt onder het minimum A1 van dit aanbod")]),
    "level one above the maximum": (
        {"level": "B2"}, {"min_level": "A2", "max_level": "B1"}, (),
        [("level", "Taalniveau B2 ligt boven het maximum B1 van dit aanbod")]),
    "level above a maximum without minimum": (
        {"level": "C1"}, {"max_level": "B2"}, (),
        [("level", "Taalniveau C1 ligt boven het maximum B2 van dit aanbod")]),
    "level above a maximum without minimum, below the top": (
        {"level": "B2"}, {"max_level": "B1"}, (),
        [("level", "Taalniveau B2 ligt boven het maximum B1 van dit aanbod")]),
    "level above a maximum, minimum the lowest": (
        {"level": "B1"}, {"min_level": "A0", "max_level": "A2"}, (),
        [("level", "Taalniveau B1 ligt boven het maximum A2 van dit aanbod")]),
    "another leerroute": (
        {"leerroute": "onderwijs"}, {"leerroutes": ["b1", "z"]}, (),
        [("leerroute", "Dit aanbod is voor B1-route, Z-route; de leerroute is onderwijsroute")]),
    "one leerroute, another": (
        {"leerroute": "z"}, {"leerroutes": ["onderwijs"]}, (),
        [("leerroute", "Dit aanbod is voor onderwijsroute; de leerroute is Z-route")]),
    "leerroute unknown": (
        {}, {"leerroutes": ["b1"]}, (),
        [("leerroute", "Dit aanbod is voor B1-route; de leerroute is onbekend")]),
    "women only, gender x": (
        {"gender": "x"}, {"women_only": True}, (),
        [("women_only", "Dit aanbod is alleen voor vrouwen")]),
    "women only, a man": (
        {"gender": "m"}, {"women_only": True}, (),
        [("women_only", "Dit aanbod is alleen voor vrouwen")]),
    "no shared day part": (
        {"availability": ["ochtend"]}, {"schedule": ["middag", "avond"]}, (),
        [("schedule", "Dagdelen van het aanbod (middag, avond) passen niet bij de "
                      "beschikbaarheid (ochtend)")]),
    "weekend against weekdays": (
        {"availability": ["ochtend", "middag"]}, {"schedule": ["weekend"]}, (),
        [("schedule", "Dagdelen van het aanbod (weekend) passen niet bij de "
                      "beschikbaarheid (ochtend, middag)")]),
    "just past the own travel limit": (
        {"max_travel_km": 10}, {"lat": _north(10.04)}, (),
        [("distance", "Op 10 km van huis, verder dan de maximale reisafstand van 10 km")]),
    "past the default 15 km": (
        {}, {"lat": _north(20.5)}, (),
        [("distance", "Op 20,5 km van huis, verder dan de maximale reisafstand van 15 km")]),
    "past a limit with a decimal": (
        {"max_travel_km": 7.5}, {"lat": _north(7.3), "lon": 5.05}, (),
        [("distance", "Op 8,1 km van huis, verder dan de maximale reisafstand van 7,5 km")]),
    "one year too young": (
        {"birth_year": 2009}, {"min_age": 18}, (),
        [("age", "Leeftijd 17 valt buiten de leeftijdsgrens (minimaal 18 jaar)")]),
    "one year too old": (
        {"birth_year": 1995}, {"max_age": 30}, (),
        [("age", "Leeftijd 31 valt buiten de leeftijdsgrens (maximaal 30 jaar)")]),
    "outside both age bounds": (
        {"birth_year": 1990}, {"min_age": 18, "max_age": 30}, (),
        [("age", "Leeftijd 36 valt buiten de leeftijdsgrens (18–30 jaar)")]),
    "outside an age range from 0": (
        {"birth_year": 1990}, {"min_age": 0, "max_age": 30}, (),
        [("age", "Leeftijd 36 valt buiten de leeftijdsgrens (0–30 jaar)")]),
    "outside an age range up to 120": (
        {"birth_year": 2020}, {"min_age": 18, "max_age": 120}, (),
        [("age", "Leeftijd 6 valt buiten de leeftijdsgrens (18–120 jaar)")]),
    "age unknown": (
        {}, {"min_age": 18}, (),
        [("age", "Leeftijd onbekend, terwijl dit aanbod een leeftijdsgrens heeft "
                 "(minimaal 18 jaar)")]),
    "age unknown, only a maximum": (
        {}, {"max_age": 65}, (),
        [("age", "Leeftijd onbekend, terwijl dit aanbod een leeftijdsgrens heeft "
                 "(maximaal 65 jaar)")]),
    "age unknown, a minimum of 0": (
        {}, {"min_age": 0}, (),
        [("age", "Leeftijd onbekend, terwijl dit aanbod een leeftijdsgrens heeft "
                 "(minimaal 0 jaar)")]),
    "declined before": (
        {}, {}, DECLINED,
        [("history", "Er loopt al een verwijzing naar dit aanbod, of een eerdere is afgewezen "
                     "of afgebroken")]),
    "everything at once, in the contract's order": (
        {"needs": {"werk": 1}, "level": "A1", "leerroute": "z", "gender": "m",
         "availability": ["avond"], "max_travel_km": 5, "birth_year": 2010},
        {"capacity": 0, "min_level": "B1", "leerroutes": ["b1"], "women_only": True,
         "schedule": ["ochtend"], "lat": _north(6), "min_age": 18}, DECLINED,
        [("capacity", "Dit aanbod heeft geen vrije plek"),
         ("need", "Geen hulpvraag in het domein taal"),
         ("level", "Taalniveau A1 ligt onder het minimum B1 van dit aanbod"),
         ("leerroute", "Dit aanbod is voor B1-route; de leerroute is Z-route"),
         ("women_only", "Dit aanbod is alleen voor vrouwen"),
         ("schedule", "Dagdelen van het aanbod (ochtend) passen niet bij de "
                      "beschikbaarheid (avond)"),
         ("distance", "Op 6 km van huis, verder dan de maximale reisafstand van 5 km"),
         ("age", "Leeftijd 16 valt buiten de leeftijdsgrens (minimaal 18 jaar)"),
         ("history", "Er loopt al een verwijzing naar dit aanbod, of een eerdere is "
                     "afgewezen of afgebroken")]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_explains_itself_in_dutch(case):
    person, offer, history, expected = CASES[case]
    assert _reasons(person, offer, history, ignore_capacity=False) == expected


@pytest.mark.parametrize("person, offer", [
    ({"max_travel_km": 10}, {"lat": _north(9.96)}),
    ({"level": "A2"}, {"min_level": "A2", "max_level": "A2"}),
    ({"level": "C1"}, {"min_level": "C1"}),
    ({"level": "A0"}, {"max_level": "A0"}),
    ({"birth_year": 2008}, {"min_age": 18, "max_age": 18}),
    ({"leerroute": "b1"}, {"leerroutes": ["b1", "onderwijs", "z"]}),
    ({"gender": "v"}, {"women_only": True}),
    ({"availability": ["weekend"]}, {"schedule": ["ochtend", "weekend"]}),
    ({}, {"lon": None, "lat": None}),
])
def test_just_inside_every_bound_nothing_is_explained(person, offer):
    assert _reasons(person, offer, ignore_capacity=False) == []


def test_exactly_the_travel_limit_away_is_within_it():
    offer = {"lat": _north(10), "lon": 5.01}
    km = float(distances(build_tables(tiny(offer=offer)), 0, 0))
    assert _reasons({"max_travel_km": km}, offer) == []
    assert [rule for rule, _ in _reasons({"max_travel_km": km * 0.999}, offer)] == ["distance"]


def test_capacity_is_left_out_unless_asked():
    assert _reasons({}, {"capacity": 0}) == []
    assert _reasons({"gender": "m"}, {"capacity": 0, "women_only": True}) == [
        ("women_only", "Dit aanbod is alleen voor vrouwen")]


def _shortage(person, offers, history=(), domain="taal"):
    scenario = tiny(person, offers[0], history)
    scenario.offers.extend(replace(tiny(offer=changes).offers[0], id=f"o{k + 2}")
                           for k, changes in enumerate(offers[1:]))
    t = build_tables(scenario)
    return shortage_reasons(t, np.array([0]), vocab.DOMAINS.index(domain))


@pytest.mark.parametrize("person, offer, history, reason", [
    ({}, {"capacity": 0}, (), "het passende aanbod heeft geen vrije plekken"),
    ({"level": "A1"}, {"min_level": "B1"}, (), "geen aanbod op niveau A1"),
    ({}, {"min_level": "B1"}, (), "geen aanbod op niveau onbekend"),
    ({"leerroute": "z"}, {"leerroutes": ["b1"]}, (), "geen aanbod voor de Z-route"),
    ({}, {"leerroutes": ["b1"]}, (), "geen aanbod voor de leerroute"),
    ({"gender": "m"}, {"women_only": True}, (), "het passende aanbod is alleen voor vrouwen"),
    ({"availability": ["avond"]}, {"schedule": ["ochtend"]}, (),
     "geen aanbod op de beschikbare dagdelen"),
    ({"max_travel_km": 7.5}, {"lat": _north(9)}, (), "geen passend aanbod binnen 7,5 km"),
    ({}, {"lat": _north(16)}, (), "geen passend aanbod binnen 15 km"),
    ({"birth_year": 2010}, {"min_age": 18}, (), "geen aanbod voor deze leeftijd"),
    ({}, {}, DECLINED, "het passende aanbod loopt al of is eerder afgewezen of afgebroken"),
])
def test_each_rule_names_the_shortage(person, offer, history, reason):
    assert _shortage(person, [offer], history) == [reason]


def test_no_offer_in_the_domain_at_all():
    t = build_tables(tiny())
    assert shortage_reasons(t, np.array([0, 0]), 1) == ["geen aanbod in dit domein"] * 2


def test_the_rule_that_alone_keeps_most_offers_out_binds():
    far = {"lat": _north(20)}
    # o1 fails the level only, o2 and o3 the distance only: the distance binds.
    assert _shortage({"level": "A1"}, [{"min_level": "B1"}, far, far]) == [
        "geen passend aanbod binnen 15 km"]
    # Level alone keeps one offer out, distance none alone but two with age: the level.
    assert _shortage({"level": "A1", "birth_year": 2010},
                     [{"min_level": "B1"}, {**far, "min_age": 18}, {**far, "min_age": 18}]) == [
        "geen aanbod op niveau A1"]


def test_without_a_rule_failing_alone_the_most_failed_binds():
    # Every offer fails two rules; the age fails on all three, the others on one.
    person = {"level": "A1", "birth_year": 2010, "gender": "m"}
    assert _shortage(person, [{"min_level": "B1", "min_age": 18},
                              {"women_only": True, "min_age": 18},
                              {"lat": _north(20), "min_age": 18}]) == [
        "geen aanbod voor deze leeftijd"]


def test_a_tie_goes_to_the_first_rule_in_the_contracts_order():
    person = {"level": "A1", "gender": "m"}
    assert _shortage(person, [{"women_only": True}, {"min_level": "B1"}]) == [
        "geen aanbod op niveau A1"]


def test_shortage_reasons_per_person_in_order():
    scenario = tiny({"level": "A1"}, {"min_level": "B1", "max_level": "B1"})
    scenario.inburgeraars.append(replace(scenario.inburgeraars[0], id="i2", level="B2"))
    t = build_tables(scenario)
    assert shortage_reasons(t, np.array([1, 0]), 0) == [
        "geen aanbod op niveau B2", "geen aanbod op niveau A1"]


def test_distances_are_the_same_for_a_matrix_and_for_pairs():
    scenario = tiny({}, {"lat": _north(3)})
    scenario.offers.append(replace(scenario.offers[0], id="o2", lat=_north(12)))
    scenario.inburgeraars.append(replace(scenario.inburgeraars[0], id="i2", lat=_north(1)))
    t = build_tables(scenario)
    matrix = distances(t, np.array([[0], [1]]), np.array([[0, 1]]))
    pairs = distances(t, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))
    assert matrix.shape == (2, 2)
    assert matrix.ravel() == pytest.approx(pairs)
    assert matrix.ravel() == pytest.approx([3, 12, 2, 11], abs=0.01)
    assert eligible(t, np.array([[0], [1]]), np.array([[0, 1]])).tolist() == [
        [True, True], [True, True]]


def test_shortage_reasons_in_chunks_keep_every_person_in_order(monkeypatch):
    scenario = tiny({"level": "A1"}, {"min_level": "B1"})
    scenario.offers.append(replace(tiny(offer={"min_age": 18}).offers[0], id="o2"))
    scenario.inburgeraars.extend([
        replace(scenario.inburgeraars[0], id="i2", level="B1", birth_year=2010),
        replace(scenario.inburgeraars[0], id="i3", level=None)])
    t = build_tables(scenario)
    expected = ["geen aanbod op niveau A1", "geen aanbod voor deze leeftijd",
                "geen aanbod op niveau onbekend"]
    assert shortage_reasons(t, np.array([0, 1, 2]), 0) == expected
    monkeypatch.setattr(eligibility, "PAIRS_PER_CHUNK", 2)  # one person per chunk
    assert shortage_reasons(t, np.array([0, 1, 2]), 0) == expected


def test_shortage_reasons_weigh_only_the_domains_offers():
    scenario = tiny({"max_travel_km": 5}, {"lat": _north(8)})
    scenario.offers.extend([
        replace(scenario.offers[0], id="o2", lat=_north(9)),
        replace(tiny(offer={"domain": "werk", "women_only": True}).offers[0], id="o3")])
    t = build_tables(scenario)
    assert shortage_reasons(t, np.array([0]), 0) == ["geen passend aanbod binnen 5 km"]


def test_eligible_leaves_out_what_the_caller_checked():
    t = build_tables(tiny({"max_travel_km": 5}, {"capacity": 0, "lat": _north(8)}))
    p, o = np.array([0]), np.array([0])
    assert eligible(t, p, o).tolist() == [False]
    assert eligible(t, p, o, ignore_capacity=True).tolist() == [False]
    assert eligible(t, p, o, ignore_capacity=True, skip=("distance",)).tolist() == [True]
    assert eligible(t, p, o, skip=("distance", "capacity")).tolist() == [True]
    assert eligible(t, p, o, skip=("distance",)).tolist() == [False]

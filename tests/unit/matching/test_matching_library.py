"""The in-process API, the generator, the graph summary and the docstring examples."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import matching
from conftest import tiny
from matching import (
    Inburgeraar,
    Matcher,
    Partner,
    ScenarioError,
    UnknownObjectError,
    generate_scenario,
    graph_summary,
    load_scenario,
    read_scenario,
)
from matching.scoring import COMPONENTS, REGISTRY

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", [m.name for m in pkgutil.iter_modules(matching.__path__)
                                  if m.name != "__main__"])
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(f"matching.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_public_names_are_exported():
    for name in matching.__all__:
        assert hasattr(matching, name)


def test_components_are_a_registry_by_name():
    assert tuple(REGISTRY) == COMPONENTS and len(set(COMPONENTS)) == len(COMPONENTS)
    assert all(REGISTRY[name].name == name and REGISTRY[name].label for name in COMPONENTS)


def test_generate_same_seed_same_document_and_valid():
    first, second = generate_scenario(200, 150, seed=5), generate_scenario(200, 150, seed=5)
    assert first == second and first != generate_scenario(200, 150, seed=6)
    scenario = load_scenario(first)
    assert {o.domain for o in scenario.offers} == set(matching.vocab.DOMAINS)
    assert {p.kind for p in scenario.partners} == set(matching.vocab.PARTNER_KINDS)
    assert scenario.history and any(p.ties for p in scenario.partners)
    assert {o.capacity == 0 for o in scenario.offers} == {True, False}


def test_scenario_from_python_objects_is_checked():
    scenario = tiny(person={"mentor_id": "p1"})
    with pytest.raises(ScenarioError, match=r"inburgeraars\[0\]\.mentor_id: 'p1' is not a "
                                            "maatjesproject or mentor"):
        Matcher(scenario)
    with pytest.raises(ScenarioError, match=r"offers\[0\]\.min_level: 'B3' is not a level"):
        Matcher(tiny(offer={"min_level": "B3"}))


def test_unknown_ids_raise_the_engines_error():
    matcher = Matcher(tiny())
    with pytest.raises(UnknownObjectError):
        matcher.rank("nobody")
    with pytest.raises(UnknownObjectError):
        matcher.explain_ineligible("i1", "nothing")


def test_graph_closeness_rewards_the_mentors_partner():
    partners = [Partner(id="p1", kind="taalschool", ties=["p2"]),
                Partner(id="p2", kind="mentor"), Partner(id="p3", kind="taalschool")]
    scenario = tiny(person={"mentor_id": "p2"}, partners=partners)
    near = Matcher(scenario).rank("i1")[0]
    # Prior term 0.5 * 0.8 on the log-odds: a few percentage points.
    assert 0.05 < near.components["graph"] < 0.15
    assert any(r.endswith(": partner werkt samen met de eigen mentor") for r in near.reasons)
    alone = tiny(person={"mentor_id": "p2"}, partners=partners[1:] + [
        Partner(id="p1", kind="taalschool")])
    assert Matcher(alone).rank("i1")[0].components["graph"] == 0.0


def test_alfa_course_preferred_by_who_learns_to_read():
    person = Inburgeraar(id="i1", needs={"taal": 1}, lat=52.0, lon=5.0, latin_literate=False)
    alfa = tiny(offer={"alfa": True})
    plain = tiny()
    scenario = type(alfa)(reference_date=alfa.reference_date, partners=alfa.partners,
                          offers=[alfa.offers[0], type(plain.offers[0])(
                              id="o2", partner_id="p1", domain="taal", capacity=1, lat=52.0,
                              lon=5.0)], inburgeraars=[person])
    ranked = Matcher(scenario).rank("i1")
    assert [m.offer_id for m in ranked] == ["o1", "o2"]
    assert ranked[0].components["alfa"] > 0.1 and ranked[1].components["alfa"] < -0.1
    assert any(r.endswith(": alfabetiseringscursus, voor wie nog leert lezen en schrijven")
               for r in ranked[0].reasons)


def test_graph_summary_counts_isolated_partners_and_u16_areas():
    summary = graph_summary(load_scenario(generate_scenario(100, 120, seed=2)))
    assert summary["nodes"]["total"] == sum(summary["nodes"]["by_kind"].values())
    assert sum(summary["components"]["sizes"]) == summary["nodes"]["total"]
    areas = {a["gemeente"] for a in summary["areas"]}
    assert areas <= set(matching.geo.u16_municipalities())
    assert all(a["wijk"] for a in summary["areas"] if a["gemeente"] == "Utrecht")


def test_read_scenario_from_package_data():
    assert len(read_scenario(matching.EXAMPLE_SCENARIO).offers) == 5

"""Wegwijs matching engine: who fits where, how well, why, and who gets the places.

Pure Python on numpy, scipy, networkx, scikit-learn and OR-Tools; it knows
nothing of the web app or the database. Read a scenario (the JSON format of
``contract/scenario.schema.json``) or build one from Python objects, then rank,
explain, allocate or summarise the coalition graph.

Examples
--------
>>> import matching
>>> scenario = matching.read_scenario(matching.EXAMPLE_SCENARIO)
>>> matcher = matching.Matcher(scenario)
>>> [m.offer_id for m in matcher.rank("i1", domain="taal")]
['o1']
"""

from importlib import resources

from matching.allocation import Allocation, Assignment, Unassigned, allocate
from matching.coalition import area_of, coalition_graph, graph_summary
from matching.dutch import LANGUAGE_NAMES, LEERROUTE_NAMES, language_name
from matching.eligibility import RULES, RuleFailure, distances, eligible
from matching.errors import MatchingError, ScenarioError, UnknownObjectError
from matching.generate import generate_scenario
from matching.ranking import Match, Matcher
from matching.scenario import (
    HistoryEntry,
    Inburgeraar,
    Offer,
    Partner,
    Scenario,
    load_scenario,
    read_scenario,
)
from matching.scoring import COMPONENTS, PRIOR_INTERCEPT, REGISTRY
from matching.tables import ScenarioTables, build_tables
from matching.validation import check_scenario, validate_document
from matching.week_pairs import OfferBeside, WeekPair, offers_beside, week_pairs

__all__ = [
    "COMPONENTS",
    "EXAMPLE_SCENARIO",
    "LANGUAGE_NAMES",
    "LEERROUTE_NAMES",
    "PRIOR_INTERCEPT",
    "REGISTRY",
    "RULES",
    "Allocation",
    "Assignment",
    "HistoryEntry",
    "Inburgeraar",
    "Match",
    "Matcher",
    "MatchingError",
    "Offer",
    "OfferBeside",
    "Partner",
    "RuleFailure",
    "Scenario",
    "ScenarioError",
    "ScenarioTables",
    "Unassigned",
    "UnknownObjectError",
    "WeekPair",
    "allocate",
    "area_of",
    "build_tables",
    "check_scenario",
    "coalition_graph",
    "distances",
    "eligible",
    "generate_scenario",
    "graph_summary",
    "language_name",
    "load_scenario",
    "offers_beside",
    "read_scenario",
    "validate_document",
    "week_pairs",
]

# The contract's example scenario, shipped with the package.
EXAMPLE_SCENARIO = resources.files("matching") / "contract" / "example-scenario.json"

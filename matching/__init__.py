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

from importlib import import_module, resources

# Names the package offers, by module: imported on first use (PEP 562), so that
# ``python -m matching rank`` does not load the allocation's solvers (scipy.optimize,
# OR-Tools) nor networkx.
_EXPORTS = {
    "matching.allocation": ("Allocation", "Assignment", "Unassigned", "allocate"),
    "matching.coalition": ("area_of", "coalition_graph", "graph_summary"),
    "matching.dutch": ("LANGUAGE_NAMES", "LEERROUTE_NAMES", "language_name"),
    "matching.eligibility": ("RULES", "RuleFailure", "distances", "eligible"),
    "matching.errors": ("MatchingError", "ScenarioError", "UnknownObjectError"),
    "matching.generate": ("generate_scenario",),
    "matching.ranking": ("Match", "Matcher"),
    "matching.scenario": ("HistoryEntry", "Inburgeraar", "Offer", "Partner", "Scenario",
                          "load_scenario", "read_scenario"),
    "matching.scoring": ("COMPONENTS", "PRIOR_INTERCEPT", "REGISTRY"),
    "matching.tables": ("ScenarioTables", "build_tables"),
    "matching.validation": ("check_scenario", "validate_document"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

# At once: the function week_pairs must hide the module of that name, which importing
# the module later would put back in its place.
from matching.week_pairs import OfferBeside, WeekPair, offers_beside, week_pairs  # noqa: E402


def __getattr__(name):
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    value = getattr(import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_MODULE_OF])


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

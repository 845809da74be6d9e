"""Fuzzing the scenario parser and the matching CLI: bad input is a ScenarioError or exit 2, never
anything else (no KeyError, TypeError, crash or traceback)."""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import load_scenario
from matching.cli import main
from matching.errors import ScenarioError
from matching.generate import generate_scenario

VALID = generate_scenario(4, 6, seed=3)
FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
           | st.sampled_from(["2026-11-24", "taal", "A1", "b1", "ochtend", "3512", "", "x"]))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=20,
)


def _loads_or_refuses(doc) -> None:
    try:
        load_scenario(doc)
    except ScenarioError as error:
        assert str(error)  # names object and field


@FUZZ
@given(json_values)
def test_arbitrary_documents(doc):
    _loads_or_refuses(doc)


@st.composite
def mutated_scenarios(draw):
    """A valid scenario with one field of one object replaced, removed or added."""
    doc = copy.deepcopy(VALID)
    section = draw(st.sampled_from(["partners", "offers", "inburgeraars", None]))
    target = doc if section is None else draw(st.sampled_from(doc[section]))
    key = draw(st.sampled_from(sorted(target)) | st.text(max_size=8))
    how = draw(st.sampled_from(["replace", "remove"]))
    if how == "remove":
        target.pop(key, None)
    else:
        target[key] = draw(json_values)
    return doc


@FUZZ
@given(mutated_scenarios())
def test_valid_scenarios_with_one_bad_field(doc):
    _loads_or_refuses(doc)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=st.binary(max_size=200) | mutated_scenarios().map(
    lambda d: json.dumps(d).encode()), command=st.sampled_from(["rank", "graph", "allocate"]))
def test_the_cli_exits_0_or_2(tmp_path, capsys, content, command):
    path = tmp_path / "scenario.json"
    path.write_bytes(content)
    assert main([command, str(path)]) in (0, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err

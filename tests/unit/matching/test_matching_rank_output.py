"""The rank command's output path: the streamed document, the reasons made per distinct
value, and what the command imports."""

import io
import json
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from matching import Matcher, generate_scenario, load_scenario
from matching.cli import write_rankings
from matching.dutch import format_km
from matching.scoring import REGISTRY


@pytest.fixture(scope="module")
def matcher():
    return Matcher(load_scenario(generate_scenario(200, 100, seed=1)))


def _one_document(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_streamed_rank_document_is_the_one_json_dumps_writes(matcher, chunk):
    doc = matcher.rankings()
    expected = _one_document(doc)
    # Non-ASCII text and negative points are there, so escaping could differ.
    assert "−" in expected and "ï" in expected
    binary = io.BytesIO()
    text = io.TextIOWrapper(binary, encoding="utf-8")
    write_rankings(doc["rankings"], text, chunk=chunk)
    assert binary.getvalue().decode("utf-8") == expected
    plain = io.StringIO()  # a stream without a binary buffer beneath
    write_rankings(doc["rankings"], plain, chunk=chunk)
    assert plain.getvalue() == expected


def test_streamed_empty_rankings():
    plain = io.StringIO()
    write_rankings([], plain)
    assert plain.getvalue() == _one_document({"rankings": []})


def test_reasons_ranked_alone_equal_those_ranked_with_everyone(matcher):
    everyone = matcher.rank_many()
    assert sum(len(m) for m in everyone.values()) > 300
    for person in matcher.tables.people.ids[:25]:
        alone = matcher.rank(person)
        assert [(m.offer_id, m.components, m.reasons) for m in alone] == [
            (m.offer_id, m.components, m.reasons) for m in everyone[person]]


def test_distance_reason_rounds_as_round_does_also_at_halves():
    km = np.array([2.25, 0.15, 0.25, 0.35, 2.35, 1.05, 14.95, 0.049999, 12.0, 3.4499999999999997,
                   0.0, math.nan, 7.04])
    codes, texts = REGISTRY["distance"].reason(SimpleNamespace(km=km), np.arange(len(km)))
    expected = [None if v != v else f"op {format_km(round(v, 1))} km van huis"
                for v in km.tolist()]
    assert [texts[c] for c in codes] == expected
    # The halves round as round() does, not as rint(10 km) would: 0.35 is 0.34999...
    assert texts[codes[3]] == "op 0,3 km van huis"


def test_rank_loads_neither_the_solvers_nor_networkx():
    code = ("import sys; from matching.cli import main; "
            "main(['rank', 'matching/contract/example-scenario.json']); "
            "print(sorted(m for m in ('ortools', 'networkx', 'matching.allocation') "
            "if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[3], check=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert json.loads(done.stdout)["rankings"][0]["inburgeraar_id"] == "i1"

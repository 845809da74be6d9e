"""The evaluation end to end: a small run, its report, figures and command line."""

import hashlib
import json

import pytest
from threadpoolctl import threadpool_limits

from matching.cli import main
from matching.evaluation import DIAGNOSTICS, evaluate, summary, write_report
from matching.evaluation.plots import FIGURES, MAIN
from matching.evaluation.simulator import WORLDS

SMALL = {"cohorts": 3, "people": 40, "offers": 50, "history": 200}


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The same seed run twice, and another seed once."""
    out = {}
    with threadpool_limits(1):
        for name, seed in (("first", 21), ("again", 21), ("other", 22)):
            folder = tmp_path_factory.mktemp(name)
            results = {world: evaluate(seed, world=world, **SMALL) for world in WORLDS}
            write_report(results, folder)
            out[name] = (results, folder)
    return out


def test_the_same_seed_gives_the_same_report_and_figures(reports):
    (first, a), (again, b), (_, c) = reports["first"], reports["again"], reports["other"]
    assert summary(first) == summary(again)
    assert digests(a) == digests(b)
    assert (a / "report.md").read_text() != (c / "report.md").read_text()


def test_the_report_shows_every_world_policy_target_and_figure(reports):
    by_world, folder = reports["first"]
    names = [f"{world}_{figure}" for world in WORLDS for figure in FIGURES.values()]
    assert sorted(p.name for p in folder.iterdir()) == sorted(["report.md", *names])
    text = (folder / "report.md").read_text(encoding="utf-8")
    for name in names:
        assert f"]({name})" in text
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for heading in ('## World "standard"', '## World "partners"', '## World "drifting"',
                    "### Headline", "### Time weighting and the persons as referred",
                    "time weighting adds ≥ 3 % over weighing all outcomes alike",
                    "### The targets", "### By gender", "### By leerroute",
                    "### By wijk (gemeente Utrecht) or gemeente", "expected calibration error",
                    "Brier score"):
        assert heading in text
    assert "Wegwijs ≥ 97 % of the oracle without luck" in text and "| vrouw |" in text
    assert "What the history allows at best" in text
    for world, results in by_world.items():
        # The yardstick where the world has hidden quality to learn: alike, per half-life,
        # per drift.
        yardsticks = ({"attainable", "attainable_h730", "attainable_h365", "attainable_h182",
                       "attainable_h91", "attainable_d0.1", "attainable_d0.3", "attainable_d1"}
                      if world != "standard" else set())
        assert set(results["summary"]) == set(MAIN) | set(DIAGNOSTICS) | yardsticks
        assert 0.5 < results["learning"]["auc"] <= 1
        assert 0 <= results["learning"]["calibration_assigned"]["ece"] < 0.5


def test_metrics_hold_together(reports):
    results = reports["first"][0]["standard"]
    for name, rows in results["per_cohort"].items():
        assert len(rows) == SMALL["cohorts"]
        for row in rows:
            assert 0 <= row["expected"] <= row["weighted"]
            assert 0 <= row["served"] <= 1 and 0 <= row["utilisation"] <= 1
            assert row["mean_km"] <= row["p90_km"] or row["served"] == 0, name
    fairness = results["fairness"]["gender"]
    needs = sum(group["oracle"][0] for group in fairness.values())
    assert needs == sum(group["wegwijs"][0] for group in fairness.values())
    best = results["summary"]["oracle"]["weighted"][0]
    assert all(s["weighted"][0] <= best + 1e-6 for s in results["summary"].values())


def test_the_command_line_runs_a_small_evaluation(tmp_path, capsys):
    with threadpool_limits(1):
        status = main(["evaluate", "--seed", "21", "--cohorts", "2", "--people", "30",
                       "--offers", "40", "--history", "150", "--world", "partners",
                       "--out", str(tmp_path / "r")])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    doc = json.loads(captured.out)["partners"]
    assert doc["setup"]["seed"] == 21 and doc["setup"]["world"] == "partners"
    assert set(doc["policies"]) >= set(MAIN)
    assert {"mean", "ci95"} == set(doc["ratios"]["wegwijs/oracle:weighted"])
    assert (tmp_path / "r" / "report.md").exists()
    assert "report written to" in captured.err


def test_the_command_line_refuses_a_bad_count(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "--seed", "1", "--cohorts", "0"])
    assert exit_info.value.code == 2
    assert "--cohorts" in capsys.readouterr().err


def test_the_command_line_names_every_world():
    from matching.cli import WORLD_NAMES

    assert tuple(WORLDS) == WORLD_NAMES

"""The dynamic evaluation: weekly arrivals; online with a forecast, myopic, hindsight."""

import json

from matching.cli import main
from matching.evaluation.dynamic import evaluate_dynamic
from matching.forecast import forecast_from


def test_forecast_resamples_the_recent_arrivals_evenly():
    import numpy as np

    recent = ["a", "b", "c"]
    drawn = forecast_from(recent, 7, np.random.default_rng(0))
    assert len(drawn) == 7 and all(drawn.count(x) in (2, 3) for x in recent)
    assert forecast_from([], 5, np.random.default_rng(0)) == ()


def test_online_with_forecast_beats_myopic_and_no_policy_gives_more_places_than_exist():
    r = evaluate_dynamic(seed=4, weeks=4, people=40, offers=120, history=300, lookback=2)
    assert r["value"]["online"] > r["value"]["myopic"]
    assert r["value"]["stochastic"] > r["value"]["myopic"]
    assert all(n <= r["setup"]["places"] for n in r["served"].values())
    assert r["ratio"]["online/hindsight"] == r["value"]["online"] / r["value"]["hindsight"]


def test_cli_prints_the_dynamic_figures(capsys):
    status = main(["evaluate", "--dynamic", "--seed", "4", "--weeks", "2", "--people", "20",
                   "--offers", "60", "--history", "150", "--lookback", "1", "--world",
                   "standard"])
    out, err = capsys.readouterr()
    assert status == 0
    assert set(json.loads(out)["standard"]["value"]) == {
        "online", "potentials", "stochastic", "informed", "myopic", "hindsight"}
    assert "of hindsight" in err

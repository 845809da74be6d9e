"""scripts/evaluation_gap.py: where the engine loses to the yardstick, on small worlds."""

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from matching import vocab
from matching.eligibility import distances
from matching.evaluation.simulator import WORLDS, Simulator
from matching.history import outcomes_of

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "evaluation_gap.py"


@pytest.fixture(scope="module")
def gap_script():
    spec = importlib.util.spec_from_file_location("evaluation_gap", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_the_components_hold_every_coefficient_of_the_rule_but_the_base(gap_script, world):
    # With every coefficient of the script's table at 0 the rule is its per-domain base
    # alone: a coefficient the table missed would be compared with no component.
    truth = WORLDS[world]
    found = outcomes_of(Simulator(1, cohorts=1, people=10, offers=40, history=80,
                                  truth=truth).history_scenario)
    t, p, o = found.tables, found.p, found.o
    km = distances(t, p, o)
    names = [name for group in gap_script.TRUTH_PARTS.values() for name in group]
    assert len(names) == len(set(names))
    base_only = dataclasses.replace(truth, **dict.fromkeys(names, 0.0))
    np.testing.assert_allclose(base_only.logit(t, p, o, km),
                               np.asarray(truth.base)[t.offers.domain[o]], atol=1e-12)
    # And the parts add up to the rest of the rule.
    parts = sum(gap_script._truth_part(truth, group, t, p, o, km)
                for group in gap_script.TRUTH_PARTS.values())
    np.testing.assert_allclose(parts, truth.logit(t, p, o, km) - base_only.logit(t, p, o, km),
                               atol=1e-9)


def test_the_breakdown_adds_up_to_each_allocation(gap_script):
    with threadpool_limits(1):
        model, shares, lost, parts = gap_script.gap("partners", 1, cohorts=1, people=60,
                                                    offers=80, history=600)
    assert model.kind_ == "model"
    assert set(shares) == {"wegwijs", "yardstick", "features+true quality",
                           "true rule+records", "oracle total"}
    # Shares of the oracle without luck (a lucky allocation may pass it by a little).
    assert all(0.5 < v < 1.2 for k, v in shares.items() if k != "oracle total")
    # Every arc the engine and the yardstick chose falls in one beginner group, one domain
    # and one band of the offer's history: each breakdown adds up to the allocation's value.
    for name in ("wegwijs", "yardstick"):
        total = shares["oracle total"] * shares[name]
        groups = [label for policy, label in lost if policy == name]
        for prefix in ("beginner", "offer history"):
            assert sum(lost[name, g] for g in groups if g.startswith(prefix)) == (
                pytest.approx(total))
        assert sum(lost[name, g] for g in vocab.DOMAINS) == pytest.approx(total)
    assert set(parts) == set(gap_script.TRUTH_PARTS)

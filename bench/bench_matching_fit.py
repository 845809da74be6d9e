"""Benchmark learning: fit the success model on about 50,000 past referrals.

The history comes from the evaluation's simulator (2,000 offers, 25,000 earlier
people, one referral per need, dated over three years: the fit validates on time
and tries the half-lives and the drifting records); prints the fit's time, the
candidate chosen and its held-out log loss. Run by hand:
``.venv/bin/python bench/bench_matching_fit.py``.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.evaluation.simulator import Simulator  # noqa: E402
from matching.history import outcomes_of  # noqa: E402
from matching.learning import SuccessModel  # noqa: E402


def main():
    scenario = Simulator(3, cohorts=1, people=10, offers=2000, history=25000).history_scenario
    outcomes = outcomes_of(scenario)
    y = outcomes.y
    start, start_cpu = time.perf_counter(), time.process_time()
    model = SuccessModel().fit_outcomes(outcomes)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    chosen = getattr(model, "chosen_", model.kind_)
    print(f"fit on {len(y)} labelled referrals ({len(scenario.history)} in the history): "
          f"{seconds:.2f} s wall, {cpu:.2f} s CPU (target <= 10 s); chose {chosen}, held-out "
          f"log loss {model.cv_log_loss_[chosen]:.4f} (prior recalibrated "
          f"{model.cv_log_loss_['recalibrated prior']:.4f})")


if __name__ == "__main__":
    main()

"""Does the matcher help? Wegwijs against an oracle and simple rules, in a simulator.

A :class:`Simulator` builds a coalition over the real U16 geography with a
hidden true probability of success for every (person, offer) pair, logs a
history by a klantmanager-like policy, and hands out fresh cohorts. The
engine learns from the history only; every policy then allocates each
cohort, and the metrics compare them with the oracle that knows the truth.

Examples
--------
>>> from matching.evaluation import evaluate, summary
>>> results = evaluate(seed=3, cohorts=2, people=30, offers=40, history=150)
>>> sorted(summary({"standard": results})["standard"]["policies"])[:3]
['first_come_first_served', 'greedy_nearest', 'oracle']
"""

from matching.evaluation.policies import DIAGNOSTICS, LABELS, POLICIES, oracle
from matching.evaluation.report import summary, write_report
from matching.evaluation.run import evaluate
from matching.evaluation.simulator import WORLDS, Cohort, HiddenTruth, Simulator

__all__ = ["DIAGNOSTICS", "LABELS", "POLICIES", "WORLDS", "Cohort", "HiddenTruth", "Simulator",
           "evaluate", "oracle", "summary", "write_report"]

"""What the history teaches from: each labelled referral with the person as referred, and its age.

A person's level rises after a course and their address changes: learning
from the person as they are now would let an outcome leak into its own
features (a course completed, a level risen, "a higher level completes").
Where a history entry gives ``as_referred``, the referral is learned from a
copy of the person with those fields; the others from the person as now. A
field given as None (from Python; the JSON schema has no null there) was not
known then: a level tested or a mentor found after the referral is not
learned as if it had been known.
The age of each outcome (days from ``referred_on`` to the reference date)
lets the learner weigh old evidence less.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.tables import build_tables

__all__ = ["LOCATION_FIELDS", "Outcomes", "label_of", "outcomes_of", "person_as_referred"]

# Given together: a place as referred replaces the place as now, all of it.
LOCATION_FIELDS = ("postcode", "lat", "lon")


def label_of(entry):
    """1 for a success, 0 for a failure, None when the entry says nothing about the pair."""
    if entry.outcome == "completed":
        return 1
    if entry.outcome == "dropped":
        return 0
    if entry.outcome == "declined":
        return None if entry.reason_code == "vol" else 0
    return None


@dataclass(frozen=True, eq=False)
class Outcomes:
    """Labelled referrals: person rows of ``tables`` (as referred), offer rows, labels, ages.

    ``age_days`` is NaN where an entry has no ``referred_on``. The offers and
    partners of ``tables`` are the scenario's, in the same order.
    """

    tables: object
    p: np.ndarray
    o: np.ndarray
    y: np.ndarray
    age_days: np.ndarray

    def __len__(self):
        return len(self.y)


def person_as_referred(person, fields, tag):
    """``person`` with the fields it had when referred, under the id ``tag``."""
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    if any(k in values for k in LOCATION_FIELDS):
        values = {**dict.fromkeys(LOCATION_FIELDS), **values}
    return dataclasses.replace(person, id=tag, **values)


def _age_days(entry, reference_date):
    if entry.referred_on is None:
        return np.nan
    return float((reference_date - dt.date.fromisoformat(entry.referred_on)).days)


def outcomes_of(scenario, tables=None, as_referred=True):
    """The labelled referrals of ``scenario``'s history.

    Parameters
    ----------
    scenario : Scenario
    tables : ScenarioTables, optional
        The scenario's tables, reused where no entry gives ``as_referred``.
    as_referred : bool, default True
        Learn from the person as referred where the entry says; False learns
        from the person as now (for the evaluation's comparison).

    Returns
    -------
    Outcomes
    """
    labelled = [(h, label) for h in scenario.history if (label := label_of(h)) is not None]
    ages = np.array([_age_days(h, scenario.reference_date) for h, _ in labelled], dtype=float)
    y = np.array([label for _, label in labelled], dtype=np.int64)
    offers = {o.id: k for k, o in enumerate(scenario.offers)}
    o = np.array([offers[h.offer_id] for h, _ in labelled], dtype=np.int64)
    if not (as_referred and any(h.as_referred for h, _ in labelled)):
        t = tables if tables is not None else build_tables(scenario)
        p = np.array([t.person_index[h.inburgeraar_id] for h, _ in labelled], dtype=np.int64)
        return Outcomes(t, p, o, y, ages)
    # Only the people the history names, one copy per entry that says how they were.
    people = {i.id: i for i in scenario.inburgeraars}
    rows, index, p = [], {}, []
    for k, (h, _) in enumerate(labelled):
        if h.as_referred:
            index[f"{h.inburgeraar_id}#{k}"] = len(rows)
            rows.append(person_as_referred(people[h.inburgeraar_id], h.as_referred,
                                           f"{h.inburgeraar_id}#{k}"))
            p.append(len(rows) - 1)
        else:
            if h.inburgeraar_id not in index:
                index[h.inburgeraar_id] = len(rows)
                rows.append(people[h.inburgeraar_id])
            p.append(index[h.inburgeraar_id])
    # No history in the training tables: a referral never anchors its own features.
    training = dataclasses.replace(scenario, inburgeraars=tuple(rows), history=(), forecast=())
    return Outcomes(build_tables(training), np.array(p, dtype=np.int64), o, y, ages)

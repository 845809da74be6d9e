"""The learned success component."""

import datetime as dt

import numpy as np
import pytest

from conftest import KM_PER_DEGREE_LAT
from matching import HistoryEntry, Inburgeraar, Matcher, Offer, Partner, Scenario
from matching.learning import TOO_LITTLE_HISTORY, SuccessModel


def scenario_with_history(outcome_for_km, n_people=60):
    """Past referrals to closed offers 1..12 km away; two open offers at 2 and 9 km."""
    def at(km):
        return {"lat": 52.0 + km / KM_PER_DEGREE_LAT, "lon": 5.0}

    offers = [Offer(id=f"h{k}", partner_id="p1", domain="taal", capacity=0, **at(k))
              for k in range(1, 13)]
    offers += [Offer(id="near", partner_id="p1", domain="taal", capacity=1, **at(2)),
               Offer(id="far", partner_id="p1", domain="taal", capacity=1, **at(9))]
    people = [Inburgeraar(id=f"x{k}", needs={}, lat=52.0, lon=5.0) for k in range(n_people)]
    people.append(Inburgeraar(id="i1", needs={"taal": 1}, lat=52.0, lon=5.0))
    history = [HistoryEntry(inburgeraar_id=f"x{k}", offer_id=f"h{k % 12 + 1}",
                            outcome=outcome_for_km(k % 12 + 1)) for k in range(n_people)]
    return Scenario(reference_date=dt.date(2026, 11, 24),
                    partners=[Partner(id="p1", kind="taalschool")], offers=offers,
                    inburgeraars=people, history=history)


def test_success_that_depends_on_distance_favours_the_nearer_offer():
    scenario = scenario_with_history(lambda km: "completed" if km <= 5 else "dropped")
    matches = {m.offer_id: m for m in Matcher(scenario).rank("i1")}
    near, far = matches["near"].components["learned"], matches["far"].components["learned"]
    assert near > 0.7 and far < 0.3
    assert [m.offer_id for m in Matcher(scenario).rank("i1")] == ["near", "far"]
    assert any(r.startswith("Kans op slagen") for r in matches["near"].reasons)


def test_the_reverse_history_reverses_the_learned_component():
    scenario = scenario_with_history(lambda km: "dropped" if km <= 5 else "completed")
    matches = {m.offer_id: m for m in Matcher(scenario).rank("i1")}
    assert matches["near"].components["learned"] < matches["far"].components["learned"]


@pytest.mark.parametrize("outcome", [lambda km: "completed", lambda km: "declined",
                                     lambda km: "ongoing"], ids=["success", "failure", "open"])
def test_single_class_or_unlabelled_history_is_neutral(outcome):
    matches = Matcher(scenario_with_history(outcome)).rank("i1")
    assert {m.offer_id for m in matches} == {"near", "far"}
    for match in matches:
        assert match.components["learned"] == 0.5
        assert TOO_LITTLE_HISTORY in match.reasons


def test_empty_history_is_neutral():
    scenario = scenario_with_history(lambda km: "completed", n_people=0)
    matches = Matcher(scenario).rank("i1")
    assert {m.offer_id for m in matches} == {"near", "far"}
    assert all(m.components["learned"] == 0.5 for m in matches)


def test_too_few_rows_is_neutral_and_enough_rows_learn():
    x = np.linspace(0, 1, 40)[:, None]
    y = (x[:, 0] < 0.5).astype(int)
    assert SuccessModel().fit(x[:10], y[:10]).estimator_ is None
    model = SuccessModel(random_state=0).fit(x, y)
    p = model.predict_success(np.array([[0.1], [0.9]]))
    assert p[0] > 0.5 > p[1]
    again = SuccessModel(random_state=0).fit(x, y).predict_success(np.array([[0.1], [0.9]]))
    assert np.array_equal(p, again)


def test_success_model_follows_scikit_learn_conventions():
    model = SuccessModel(min_rows=5, random_state=3)
    assert vars(model) == {"min_rows": 5, "min_minority": 5, "C": 1.0, "random_state": 3}
    assert model.fit(np.zeros((2, 1)), np.array([0, 1])) is model
    assert model.n_labelled_ == 2

"""The score as a chance of success: the prior, what history teaches it, and why."""

import datetime as dt
import math

import numpy as np
import pytest

from conftest import KM_PER_DEGREE_LAT
from matching import HistoryEntry, Inburgeraar, Matcher, Offer, Partner, Scenario
from matching.evaluation.simulator import Simulator
from matching.explanation import LITTLE_DATA_REASON, PRIOR_ONLY_REASON
from matching.learning import label_of


def at(km):
    return {"lat": 52.0 + km / KM_PER_DEGREE_LAT, "lon": 5.0}


def _scenario(partners, offers, people, history):
    return Scenario(reference_date=dt.date(2026, 11, 24), partners=partners, offers=offers,
                    inburgeraars=people, history=history)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_no_history_gives_exactly_the_documented_prior():
    # At home (+0.40), free on every day part (+0.30), childcare given (+0.30), an A1-A2
    # course for an A2 person (gap 0.5: 0.4 - 0.2 = +0.20); intercept -0.20.
    scenario = _scenario(
        [Partner(id="p1", kind="taalschool")],
        [Offer(id="o1", partner_id="p1", domain="taal", capacity=1, schedule=["ochtend"],
               childcare=True, min_level="A1", max_level="A2", **at(0))],
        [Inburgeraar(id="i1", needs={"taal": 1}, availability=["ochtend", "middag"],
                     childcare_needed=True, level="A2", **at(0))], [])
    [match] = Matcher(scenario).rank("i1")
    assert match.score == pytest.approx(_sigmoid(-0.2 + 0.4 + 0.3 + 0.3 + 0.2))
    assert set(match.components) == {"distance", "schedule", "childcare", "level"}
    assert PRIOR_ONLY_REASON in match.reasons


def test_same_distance_same_score_whatever_the_persons_limit():
    people = [Inburgeraar(id=f"i{limit}", needs={"taal": 1}, max_travel_km=limit, **at(0))
              for limit in (4, 30)]
    scenario = _scenario([Partner(id="p1", kind="taalschool")],
                         [Offer(id="o1", partner_id="p1", domain="taal", capacity=1, **at(3))],
                         people, [])
    matcher = Matcher(scenario)
    assert matcher.rank("i4")[0].score == matcher.rank("i30")[0].score


@pytest.mark.parametrize("declared, person", [
    ({"min_level": "A2"}, {"level": "A2"}),
    ({"sectors": ["zorg"]}, {"sectors": ["zorg"]}),
    ({"schedule": ["ochtend"]}, {"availability": ["ochtend"]}),
    ({"languages": ["ar"]}, {"languages": ["ar"]}),
    ({"childcare": True}, {"childcare_needed": True}),
], ids=["level", "sector", "schedule", "language", "childcare"])
def test_in_the_prior_an_open_field_does_not_beat_a_declared_fit(declared, person):
    offers = [Offer(id="open", partner_id="p1", domain="werk", capacity=1, **at(1)),
              Offer(id="declared", partner_id="p1", domain="werk", capacity=1, **declared,
                    **at(1))]
    scenario = _scenario([Partner(id="p1", kind="werkgever")], offers,
                         [Inburgeraar(id="i1", needs={"werk": 1}, **person, **at(0))], [])
    scores = {m.offer_id: m.score for m in Matcher(scenario).rank("i1")}
    assert scores["declared"] > scores["open"]


def _partner_history(records):
    """Identical closed taal offers per partner, with (successes, referrals) each.

    Each partner also has one identical open offer ``open-<partner>`` at the same place.
    """
    partners, offers, people, history = [], [], [], []
    for name, (wins, n) in records.items():
        partners.append(Partner(id=name, kind="taalschool"))
        offers.append(Offer(id=f"past-{name}", partner_id=name, domain="taal", capacity=0,
                            **at(2)))
        offers.append(Offer(id=f"open-{name}", partner_id=name, domain="taal", capacity=1,
                            **at(2)))
        for k in range(n):
            people.append(Inburgeraar(id=f"{name}-{k}", needs={}, level="B1", **at(0)))
            history.append(HistoryEntry(inburgeraar_id=f"{name}-{k}", offer_id=f"past-{name}",
                                        outcome="completed" if k < wins else "dropped"))
    people.append(Inburgeraar(id="new", needs={"taal": 1}, level="B1", **at(0)))
    return _scenario(partners, offers, people, history)


def test_a_partner_effect_is_learned_and_explained():
    scenario = _partner_history({"goed": (70, 100), "zwak": (30, 100), "nieuw": (0, 0)})
    matches = Matcher(scenario).rank("new")
    # A partner without history sits between: pooled towards the average.
    assert [m.offer_id for m in matches] == ["open-goed", "open-nieuw", "open-zwak"]
    best = matches[0]
    assert best.score > matches[-1].score + 0.2
    assert best.record == (0.7, 100) and not best.little_data
    assert any(r.endswith(": bij deze aanbieder ronden vergelijkbare inburgeraars 70 % af, "
                          "100 verwijzingen") for r in best.reasons)
    new = next(m for m in matches if m.offer_id == "open-nieuw")
    assert new.little_data and any(r.endswith(": geen eerdere verwijzingen naar deze aanbieder")
                                   for r in new.reasons)


def test_a_partner_with_two_lucky_referrals_is_not_ranked_first():
    scenario = _partner_history({"goed": (70, 100), "zwak": (30, 100), "geluk": (2, 2)})
    matches = Matcher(scenario).rank("new")
    assert matches[0].offer_id == "open-goed"
    lucky = next(m for m in matches if m.offer_id == "open-geluk")
    assert lucky.little_data and LITTLE_DATA_REASON in lucky.reasons


def test_language_support_learned_to_matter_most_at_the_lowest_level():
    partners = [Partner(id="p1", kind="taalschool")]
    offers = [Offer(id=f"past-{tag}", partner_id="p1", domain="taal", capacity=0,
                    languages=langs, **at(2))
              for tag, langs in (("ar", ["ar", "nl"]), ("nl", ["nl"]))]
    offers += [Offer(id=f"open-{o.id[5:]}", partner_id="p1", domain="taal", capacity=1,
                     languages=o.languages, **at(2)) for o in list(offers)]
    people, history = [], []
    rates = {("A0", "ar"): 0.8, ("A0", "nl"): 0.2, ("B1", "ar"): 0.5, ("B1", "nl"): 0.5}
    for (level, tag), rate in rates.items():
        for k in range(100):
            pid = f"{level}-{tag}-{k}"
            people.append(Inburgeraar(id=pid, needs={}, level=level, languages=["ar"], **at(0)))
            history.append(HistoryEntry(inburgeraar_id=pid, offer_id=f"past-{tag}",
                                        outcome="completed" if k < 100 * rate else "dropped"))
    for level in ("A0", "B1"):
        people.append(Inburgeraar(id=f"new-{level}", needs={"taal": 1}, level=level,
                                  languages=["ar"], **at(0)))
    matcher = Matcher(_scenario(partners, offers, people, history))

    def gain(person):
        scores = {m.offer_id: m.score for m in matcher.rank(person)}
        return scores["open-ar"] - scores["open-nl"]

    assert gain("new-A0") > 0.3
    assert abs(gain("new-B1")) < 0.15


def test_scores_are_calibrated_against_the_truth_per_band():
    sim = Simulator(seed=4, cohorts=1, people=400, offers=150, history=1500)
    cohort = sim.cohort(0)
    matcher = Matcher(cohort.scenario)
    p, o, km = (np.concatenate(c) for c in zip(*matcher.eligible_pairs(cohort.people),
                                              strict=True))
    predicted = matcher.score_pairs(p, o, km)
    truth = sim.true_probability(cohort, matcher.tables, p, o, km)
    bands = np.quantile(predicted, [0.2, 0.4, 0.6, 0.8])
    band = np.searchsorted(bands, predicted)
    for k in range(5):
        inside = band == k
        assert abs(predicted[inside].mean() - truth[inside].mean()) < 0.06, k


def test_explanations_are_largest_first_in_percentage_points():
    [match] = Matcher(_partner_history({"goed": (70, 100), "zwak": (30, 100)})).rank(
        "new", top=1)
    points = [abs(v) for v in match.components.values()]
    assert points == sorted(points, reverse=True)
    first_name = next(iter(match.components))
    expected = round(100 * match.components[first_name])
    assert match.reasons[0].startswith(f"{'+' if expected > 0 else '−'}{abs(expected)} %-punt: ")
    # Components that do not apply are left out (no sectors, no childcare asked for).
    assert "sector" not in match.components and "childcare" not in match.components


@pytest.mark.parametrize("outcome, code, label", [
    ("completed", None, 1), ("dropped", "persoonlijk", 0), ("declined", "niveau", 0),
    ("declined", "vol", None), ("declined", None, 0), ("ongoing", None, None)])
def test_what_each_outcome_teaches(outcome, code, label):
    entry = HistoryEntry(inburgeraar_id="i", offer_id="o", outcome=outcome, reason_code=code)
    assert label_of(entry) == label


def test_full_declines_teach_nothing():
    # Declines for "vol" at the weak partner do not make it look weaker.
    base = _partner_history({"goed": (70, 100), "zwak": (30, 100)})
    extra_people = [Inburgeraar(id=f"vol-{k}", needs={}, level="B1", **at(0)) for k in range(50)]
    extra = [HistoryEntry(inburgeraar_id=f"vol-{k}", offer_id="past-zwak", outcome="declined",
                          reason_code="vol") for k in range(50)]
    with_full = _scenario(base.partners, base.offers, [*base.inburgeraars, *extra_people],
                          [*base.history, *extra])
    before = {m.offer_id: m.score for m in Matcher(base).rank("new")}
    after = {m.offer_id: m.score for m in Matcher(with_full).rank("new")}
    assert after["open-zwak"] == pytest.approx(before["open-zwak"], abs=0.02)


@pytest.mark.parametrize("successes", [[7, 5, 3, 2, 8, 8, 6, 7], [4, 7, 6, 5, 6, 8, 9, 5]])
def test_a_history_of_noise_keeps_the_prior(successes):
    # Eight partners of 12 referrals each, all truly at 50 %: what varies is luck. A free
    # model happens to score a little better on the held-out outcomes (so a plain minimum
    # would take it), but not by more than the noise.
    scenario = _partner_history({f"p{k}": (wins, 12) for k, wins in enumerate(successes)})
    model = Matcher(scenario).model
    assert min(model.cv_log_loss_.values()) < model.cv_log_loss_["recalibrated prior"]
    assert model.kind_ == "recalibrated prior", model.cv_log_loss_


def test_the_feature_penalty_is_the_strongest_within_one_standard_error():
    # In this simulated history the weaker feature penalty has the lower held-out log loss,
    # by less than its standard error: the search keeps the stronger one (and tries the
    # effects' penalties and the uses of time at it), as the final choice would.
    sim = Simulator(seed=2, cohorts=1, people=20, offers=150, history=1000)
    model = Matcher(sim.history_scenario).model
    losses = model.cv_log_loss_
    assert losses["model 30/10"] < losses["model 300/10"], losses
    assert model.chosen_.startswith("model 300/"), losses
    assert not any(name.startswith("model 30/") and name != "model 30/10" for name in losses)


def test_a_recalibrated_prior_scores_at_the_true_level():
    # 800 outcomes whose true log-odds are the prior's shifted down by 2: the recalibrated
    # prior is the right model, and a new pair's score must be the true chance, not the
    # prior's own (the slope and offset fitted once, on the prior's log-odds).
    rng = np.random.default_rng(7)
    shift = -2.0
    partners = [Partner(id="p1", kind="taalschool")]
    offers = [Offer(id="past", partner_id="p1", domain="taal", capacity=0, **at(0)),
              Offer(id="open", partner_id="p1", domain="taal", capacity=1, **at(0))]
    people, history, truth = [], [], []
    for k in range(800):
        km = float(rng.uniform(0, 14))
        prior = -0.2 + 0.4 - 0.3 * math.log1p(km)
        truth.append(_sigmoid(prior + shift))
        people.append(Inburgeraar(id=f"h{k}", needs={}, **at(km)))
        history.append(HistoryEntry(inburgeraar_id=f"h{k}", offer_id="past",
                                    outcome="completed" if rng.random() < truth[-1]
                                    else "dropped"))
    people.append(Inburgeraar(id="new", needs={"taal": 1}, **at(3)))
    matcher = Matcher(_scenario(partners, offers, people, history))
    assert matcher.model.kind_ == "recalibrated prior", matcher.model.cv_log_loss_
    [match] = matcher.rank("new")
    true_chance = _sigmoid(-0.2 + 0.4 - 0.3 * math.log1p(3) + shift)
    assert match.score == pytest.approx(true_chance, abs=0.03)


def _distance_matters_in_taal_only(n=1200, seed=5):
    """People 0 to 12 km from one taal course and one werk place: the course completes far
    less often the farther the person lives, the werk place as often near as far."""
    rng = np.random.default_rng(seed)
    partners = [Partner(id="school", kind="taalschool"), Partner(id="bedrijf", kind="werkgever")]
    offers = [Offer(id=domain, partner_id=partner, domain=domain, capacity=1, **at(0))
              for domain, partner in (("taal", "school"), ("werk", "bedrijf"))]
    people, history = [], []
    for k in range(n):
        km, domain = float(rng.uniform(0, 12)), ("taal", "werk")[k % 2]
        chance = _sigmoid(1.5 - 0.35 * km) if domain == "taal" else 0.5
        people.append(Inburgeraar(id=f"h{k}", needs={}, max_travel_km=20, **at(km)))
        history.append(HistoryEntry(inburgeraar_id=f"h{k}", offer_id=domain,
                                    outcome="completed" if rng.random() < chance else "dropped"))
    people += [Inburgeraar(id=f"new-{km}", needs={"taal": 1, "werk": 1}, max_travel_km=20,
                           **at(km)) for km in (0, 12)]
    return _scenario(partners, offers, people, history)


def test_a_feature_is_learned_per_domain_where_it_matters_differently():
    matcher = Matcher(_distance_matters_in_taal_only())
    assert matcher.model.kind_ == "model", matcher.model.cv_log_loss_
    near, far = ({m.offer_id: m.score for m in matcher.rank(f"new-{km}")} for km in (0, 12))
    # The truth: 0.82 against 0.06 in taal, 0.5 at any distance in werk. One distance
    # coefficient for both domains would give both a like drop.
    assert near["taal"] - far["taal"] > 0.5
    assert abs(near["werk"] - far["werk"]) < 0.15


def test_an_offer_with_little_evidence_keeps_its_partners_record():
    # Partner "goed": offer A completes 80 % of 200 referrals, offer B had 2 referrals, both
    # dropped. Partner "matig": offer C completes 40 %. All outcomes together: 60 %.
    rng = np.random.default_rng(11)
    partners = [Partner(id="goed", kind="taalschool"), Partner(id="matig", kind="taalschool")]
    offers = [Offer(id=o, partner_id=p, domain="taal", capacity=1, **at(1))
              for o, p in (("A", "goed"), ("B", "goed"), ("C", "matig"))]
    people, history = [], []
    plan = [("A", 0.8)] * 200 + [("C", 0.4)] * 200
    for k, (offer, rate) in enumerate(plan):
        people.append(Inburgeraar(id=f"h{k}", needs={}, **at(0)))
        history.append(HistoryEntry(inburgeraar_id=f"h{k}", offer_id=offer,
                                    outcome="completed" if rng.random() < rate else "dropped"))
    for k in range(2):
        people.append(Inburgeraar(id=f"b{k}", needs={}, **at(0)))
        history.append(HistoryEntry(inburgeraar_id=f"b{k}", offer_id="B", outcome="dropped"))
    people.append(Inburgeraar(id="new", needs={"taal": 1}, **at(0)))
    matcher = Matcher(_scenario(partners, offers, people, history))
    scores = {m.offer_id: m.score for m in matcher.rank("new")}
    # Shrunk to its partner's 80 %, not to everyone's 60 % nor to its own two drop-outs.
    assert scores["B"] > 0.75
    assert scores["C"] < scores["B"] <= scores["A"]


def test_the_sparse_effect_columns_add_up_bit_for_bit_as_the_dense_sums():
    # The fit's products with the effect columns are the per-effect sums they stand for.
    from matching.learning import _indicators

    rng = np.random.default_rng(7)
    n, sizes = 500, (30, 60, 80, 40)
    starts = np.cumsum((0, *sizes[:-1]))
    effects = np.column_stack([start + rng.integers(0, size, n)
                               for start, size in zip(starts, sizes, strict=True)])
    theta = rng.normal(size=sum(sizes))
    residual = rng.normal(size=n)
    matrix = _indicators(effects, sum(sizes))
    assert np.array_equal(matrix @ theta, theta[effects].sum(axis=1))
    dense_gradient = np.bincount(effects.reshape(-1), np.repeat(residual, effects.shape[1]),
                                 minlength=sum(sizes))
    assert np.array_equal(matrix.T.tocsr() @ residual, dense_gradient)
    # And the gradient is the loss's: the matrix's transpose product, numerically.
    step = 1e-6
    k = int(effects[0, 2])
    bumped = theta.copy()
    bumped[k] += step
    numeric = (residual @ (matrix @ bumped) - residual @ (matrix @ theta)) / step
    assert numeric == pytest.approx(dense_gradient[k], rel=1e-6)


def test_an_effect_no_outcome_has_is_left_out_of_the_fit_at_its_optimum_zero():
    from types import SimpleNamespace

    from scipy.optimize import minimize

    from matching.learning import _indicators, _minimise

    rng = np.random.default_rng(11)
    n, n_effects = 400, 50
    effects = np.column_stack([rng.integers(0, 20, n), 20 + rng.integers(0, 10, n)])  # 30.. unused
    x_dense = np.column_stack([np.ones(n), rng.normal(size=n)])
    y = (rng.random(n) < 0.4).astype(float)
    d = SimpleNamespace(effects=effects, n_effects=n_effects, y=y)
    penalty = np.r_[0.0, 1.0, np.full(n_effects, 2.0)]
    start = rng.normal(size=2 + n_effects)  # a warm start from another fit: unused ones too
    theta = _minimise(np.zeros(n), x_dense, None, d, np.arange(n), None, penalty, start)
    assert np.all(theta[2 + 30:] == 0.0)

    matrix = _indicators(effects, n_effects)

    def full_loss(t):  # every effect in the problem, fitted tightly
        eta = x_dense @ t[:2] + matrix @ t[2:]
        return (np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * np.sum(penalty * t ** 2)) / n

    reference = minimize(full_loss, start, method="L-BFGS-B", options={"gtol": 1e-10}).x
    assert np.abs(reference[2 + 30:]).max() < 1e-4
    assert theta[:2 + 30] == pytest.approx(reference[:2 + 30], abs=1e-3)


def test_a_distance_effect_seen_near_carries_to_the_far_pairs():
    # The history's people all live within 8 km of the course, whose chance falls by a
    # constant 0.45 on the log-odds a km. The fall from 8 to 16 km (the truth: twice the fall
    # from 4 to 8) must not stop where the history does: the pieces of distance alone, each
    # shrunk towards no slope, learned 0.58 times the fall from 4 to 8 km; with their shared
    # slope 1.03 times.
    rng = np.random.default_rng(1)
    partners = [Partner(id="school", kind="taalschool")]
    offers = [Offer(id="taal", partner_id="school", domain="taal", capacity=1, **at(0))]
    people, history = [], []
    for k in range(1500):
        km = float(rng.uniform(0, 8))
        people.append(Inburgeraar(id=f"h{k}", needs={}, max_travel_km=25, **at(km)))
        history.append(HistoryEntry(
            inburgeraar_id=f"h{k}", offer_id="taal",
            outcome="completed" if rng.random() < _sigmoid(2.0 - 0.45 * km) else "dropped"))
    people += [Inburgeraar(id=f"new-{km}", needs={"taal": 1}, max_travel_km=25, **at(km))
               for km in (4, 8, 16)]
    matcher = Matcher(_scenario(partners, offers, people, history))
    assert matcher.model.kind_ == "model", matcher.model.cv_log_loss_
    score = {km: matcher.rank(f"new-{km}")[0].score for km in (4, 8, 16)}
    logit = {km: math.log(s / (1 - s)) for km, s in score.items()}
    assert logit[8] - logit[16] > 0.8 * (logit[4] - logit[8])

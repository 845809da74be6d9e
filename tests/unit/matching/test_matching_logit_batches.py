"""A batch of pairs of one domain is scored with one coefficient per feature (the fast path
ranking and allocation take); the scores are those of a batch that mixes domains."""

import numpy as np

from matching import Matcher, generate_scenario, load_scenario
from matching.pairs import PairFacts


def test_one_domain_at_a_time_scores_as_all_domains_together():
    matcher = Matcher(load_scenario(generate_scenario(1_500, 300, seed=2)))
    model = matcher.model
    assert model.kind_ == "model"
    assert any(np.ptp(coef) > 0 for coef in model.pair_coef_)  # coefficients differ by domain
    p, o, km = (np.concatenate(c) for c in zip(*matcher.eligible_pairs(), strict=True))
    domain = matcher.tables.offers.domain[o]
    assert len(np.unique(domain)) > 2
    together = model.logit(PairFacts(matcher.tables, p, o, km))
    apart = np.empty_like(together)
    for d in np.unique(domain):
        at = np.flatnonzero(domain == d)
        apart[at] = model.logit(PairFacts(matcher.tables, p[at], o[at], km[at]))
    assert np.array_equal(together, apart)
    assert len(model.logit(PairFacts(matcher.tables, p[:0], o[:0], km[:0]))) == 0

"""Ranking: the eligible offers for a person, best first, with reasons.

:class:`Matcher` encodes a scenario once (arrays, coalition graph, learned
model) and then ranks one person in milliseconds or everybody in batches.
Ties in score are broken by offer id, so the order is always the same.
"""

from dataclasses import dataclass, field

import numpy as np

from matching import vocab
from matching.eligibility import distances, eligible, explain, rule_history
from matching.errors import UnknownObjectError
from matching.learning import (
    FEATURE_COMPONENTS,
    SuccessModel,
    history_rows,
    offer_features,
    pair_features,
)
from matching.scoring import COMPONENTS, NEUTRAL, WEIGHTS, base_components, reasons
from matching.tables import build_tables
from matching.validation import check_scenario

__all__ = ["Match", "Matcher"]

_WEIGHTS = np.array([WEIGHTS[c] for c in COMPONENTS])
# Pairs evaluated at once in batch work; bounds the memory of the masks.
_BATCH_PAIRS = 2_000_000


@dataclass(frozen=True, slots=True)
class Match:
    """One eligible offer for a person, with its score and why."""

    offer_id: str
    partner_id: str
    domain: str
    score: float
    components: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)

    def to_dict(self):
        """The contract's JSON shape, numbers rounded to 4 decimals."""
        return {"offer_id": self.offer_id, "partner_id": self.partner_id, "domain": self.domain,
                "score": round(self.score, 4),
                "components": {k: round(v, 4) for k, v in self.components.items()},
                "reasons": list(self.reasons)}


class Matcher:
    """Ranks and explains matches over one scenario.

    Parameters
    ----------
    scenario : Scenario
    random_state : int or None, default 0
        Seeds the learned model, so that repeated runs give the same scores.
    check : bool, default True
        Run :func:`~matching.validation.check_scenario` first (references,
        duplicates, postcodes); a scenario from :func:`read_scenario` is
        already checked.
    success_model : SuccessModel, optional
        A model already fitted on this scenario's history, reused instead of
        fitting again (a caller that knows the history has not changed).

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> m = Matcher(read_scenario("matching/contract/example-scenario.json"))
    >>> [x.offer_id for x in m.rank("i1")]
    ['o1', 'o4']
    >>> [(f.rule, f.message) for f in m.explain_ineligible("i1", "o3")]
    [('level', 'Taalniveau A1 ligt onder het minimum A2 van dit aanbod')]
    """

    def __init__(self, scenario, *, random_state=0, check=True, success_model=None):
        if check:
            check_scenario(scenario)
        self.scenario = scenario
        self.tables = build_tables(scenario)
        if success_model is None:
            p, o, y = history_rows(scenario)
            features = pair_features(self.tables, o, self._base(p, o))
            success_model = SuccessModel(random_state=random_state).fit(features, y)
        self.model = success_model
        # The offer's part of each decision value, computed once for all its pairs.
        n = len(FEATURE_COMPONENTS)
        self._offer_decision = None if self.model.estimator_ is None else (
            offer_features(self.tables) @ self.model.coef_[n:] + self.model.intercept_)

    def _base(self, p, o):
        return base_components(self.tables, p, o, distances(self.tables, p, o))

    def _person(self, inburgeraar_id):
        try:
            return self.tables.person_index[inburgeraar_id]
        except KeyError:
            raise UnknownObjectError("inburgeraar", inburgeraar_id) from None

    def _offer(self, offer_id):
        try:
            return self.tables.offer_index[offer_id]
        except KeyError:
            raise UnknownObjectError("offer", offer_id) from None

    def eligible_pairs(self, people=None, domain=None):
        """All eligible (person, offer) pairs with distances, in batches.

        Works domain by domain, on people with a need there and open offers
        of it. People alike in everything the rules read but place and
        history (a profile) share one evaluation of those rules over the
        domain's offers; per batch only distance and history are per pair.

        Parameters
        ----------
        people : array_like of int, optional
            Person rows; all when omitted.
        domain : str, optional
            Only offers of this domain.

        Yields
        ------
        tuple of numpy.ndarray
            ``(p, o, km)`` aligned arrays; within a domain person by person
            in the order of ``people`` (ascending when omitted), each
            person's offers in row order.
        """
        t = self.tables
        rows = np.arange(len(t.people.ids)) if people is None else np.asarray(people)
        codes = range(len(vocab.DOMAINS)) if domain is None else [vocab.DOMAINS.index(domain)]
        for d in codes:
            cols = np.flatnonzero((t.offers.domain == d) & (t.offers.capacity >= 1))
            needy = rows[t.people.needs[rows, d] > 0]
            if len(cols) == 0 or len(needy) == 0:
                continue
            allowed = self._profile_rules(needy, cols)
            step = max(1, _BATCH_PAIRS // len(cols))
            for start in range(0, len(needy), step):
                batch = slice(start, start + step)
                p = needy[batch]
                km = distances(t, p[:, None], cols[None, :])
                ok = allowed[0][allowed[1][batch]]
                ok &= ~(km > t.people.max_travel[p][:, None])
                i, j = np.nonzero(ok)
                p, o, km = p[i], cols[j], km[i, j]
                if len(t.blocked_keys):
                    keep = rule_history(t, p, o)
                    p, o, km = p[keep], o[keep], km[keep]
                yield p, o, km

    def _profile_rules(self, people, cols):
        """Rules 3-6 and 8 per profile over ``cols``, and each person's profile.

        Returns ``(mask, profile)``: ``mask[k]`` says which of ``cols`` people
        of profile ``k`` pass; ages count only by where they fall among the
        offers' age bounds, so all ages between two bounds share a profile.
        """
        t = self.tables
        offers, persons = t.offers, t.people
        bounds = np.unique(np.r_[offers.min_age[cols], offers.max_age[cols] + 1])
        age = persons.age[people]
        traits = np.column_stack([persons.level[people], persons.leerroute[people],
                                  persons.female[people], persons.availability[people],
                                  age >= 0, np.searchsorted(bounds, age, side="right")])
        _, first, profile = np.unique(traits, axis=0, return_index=True, return_inverse=True)
        mask = eligible(t, people[first][:, None], cols[None, :],
                        skip=("capacity", "need", "distance", "history"))
        return mask, profile.reshape(-1)

    def score_pairs(self, p, o, km):
        """Component values (a list of 9 arrays) and scores of aligned pairs."""
        values = base_components(self.tables, p, o, km)
        if self._offer_decision is None:
            values.append(np.full(len(p), NEUTRAL))
        else:
            decision = self._offer_decision[o].copy()
            for k, coef in enumerate(self.model.coef_[:len(FEATURE_COMPONENTS)]):
                decision += coef * values[k]
            values.append(self.model.probability(decision))
        scores = np.zeros(len(p))
        for weight, value in zip(_WEIGHTS, values, strict=True):
            scores += weight * value
        return values, scores

    def _match(self, p, o, km, values, score):
        offer = self.scenario.offers[o]
        named = dict(zip(COMPONENTS, values, strict=True))
        learned_reason = self.model.reason(named["learned"])
        return Match(offer.id, offer.partner_id, offer.domain, score, named,
                     reasons(self.tables, p, o, km, named, learned_reason))

    def _top(self, p, o, scores, top):
        """Indices of the best ``top`` pairs per person, best first per person."""
        order = np.lexsort((self.tables.offers.id_rank[o], -scores, p))
        grouped = p[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(p) else (
            grouped[:0])
        rank_in_group = np.arange(len(p)) - np.repeat(starts, np.diff(np.r_[starts, len(p)]))
        return order[rank_in_group < top]

    def _best(self, p, o, km, values, scores, top):
        """Matches of the best ``top`` pairs per person, by person row."""
        keep = self._top(p, o, scores, top)
        out = {}
        # Plain Python values: this loop runs once per match shown.
        for row in zip(p[keep].tolist(), o[keep].tolist(), km[keep].tolist(),
                       values[keep].tolist(), scores[keep].tolist(), strict=True):
            out.setdefault(row[0], []).append(self._match(*row))
        return out

    def rank(self, inburgeraar_id, domain=None, top=10):
        """The eligible offers for one person, best first.

        Parameters
        ----------
        inburgeraar_id : str
        domain : str, optional
            Only offers of this domain.
        top : int, default 10
            At most this many matches.

        Returns
        -------
        list of Match

        Raises
        ------
        UnknownObjectError
            When no inburgeraar has this id.
        """
        return self.rank_many([inburgeraar_id], domain=domain, top=top)[inburgeraar_id]

    def rank_many(self, inburgeraar_ids=None, domain=None, top=10):
        """Rank several people (all when omitted) in vectorised batches.

        Returns
        -------
        dict of str to list of Match
            In the order of ``inburgeraar_ids`` (or of the scenario).
        """
        ids = self.tables.people.ids if inburgeraar_ids is None else list(inburgeraar_ids)
        rows = np.array([self._person(i) for i in ids], dtype=np.int64)
        parts = []
        for p, o, km in self.eligible_pairs(np.unique(rows), domain):
            values, scores = self.score_pairs(p, o, km)
            # Each batch keeps its best `top` per person; the best of those is exact.
            best = self._top(p, o, scores, top)
            parts.append((p[best], o[best], km[best], np.column_stack([v[best] for v in values]),
                          scores[best]))
        found = self._best(*(np.concatenate(c) for c in zip(*parts, strict=True)), top) if (
            parts) else {}
        return {i: found.get(int(r), []) for i, r in zip(ids, rows, strict=True)}

    def explain_ineligible(self, inburgeraar_id, offer_id, ignore_capacity=True):
        """The hard rules a person fails for an offer, with Dutch messages.

        Parameters
        ----------
        inburgeraar_id, offer_id : str
        ignore_capacity : bool, default True
            Leave out rule 1, for a caller that counts places itself.

        Returns
        -------
        list of RuleFailure
            Empty when the person is eligible.
        """
        return explain(self.tables, self._person(inburgeraar_id), self._offer(offer_id),
                       ignore_capacity=ignore_capacity)

    def rankings(self, inburgeraar_id=None, domain=None, top=10):
        """The ``rank`` command's JSON document as a dict."""
        ids = None if inburgeraar_id is None else [inburgeraar_id]
        ranked = self.rank_many(ids, domain=domain, top=top)
        return {"rankings": [{"inburgeraar_id": i, "matches": [m.to_dict() for m in matches]}
                             for i, matches in ranked.items()]}

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
from matching.explanation import explain_pairs, gc_paused
from matching.grouping import best_per_group
from matching.history import outcomes_of
from matching.learning import SuccessModel
from matching.pairs import PairFacts
from matching.tables import build_tables
from matching.validation import check_scenario

__all__ = ["Match", "Matcher"]

# Pairs evaluated at once in batch work; bounds the memory of the masks.
_BATCH_PAIRS = 2_000_000


@dataclass(frozen=True, slots=True)
class Match:
    """One eligible offer for a person: the chance of success and why.

    ``components`` maps each component that applies to its contribution to
    the chance (a fraction: 0.06 is +6 percentage points); ``reasons`` say
    the same in Dutch, largest first. ``record`` is the partner's track
    record for people like this one (completion rate, labelled referrals);
    ``little_data`` says it rests on fewer than a handful of referrals.
    """

    offer_id: str
    partner_id: str
    domain: str
    score: float
    components: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)
    record: tuple = (0.0, 0)
    little_data: bool = True

    def to_dict(self):
        """The contract's JSON shape, numbers rounded to 4 decimals."""
        return {"offer_id": self.offer_id, "partner_id": self.partner_id, "domain": self.domain,
                "score": round(self.score, 4),
                # Contributions come rounded to 4 decimals from the explanation.
                "components": dict(self.components),
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
    fit_later : bool, default False
        Fit the model when it is first needed instead of now: a caller can
        start on what does not need it (the allocation finds eligible pairs
        on another process meanwhile; see :meth:`model_from`).

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> m = Matcher(read_scenario("matching/contract/example-scenario.json"))
    >>> [x.offer_id for x in m.rank("i1")]
    ['o1', 'o4']
    >>> [(f.rule, f.message) for f in m.explain_ineligible("i1", "o3")]
    [('level', 'Taalniveau A1 ligt onder het minimum A2 van dit aanbod')]
    """

    def __init__(self, scenario, *, random_state=0, check=True, success_model=None,
                 fit_later=False):
        if check:
            check_scenario(scenario)
        self.scenario = scenario
        self.tables = build_tables(scenario)
        self._model, self._get_model, self._random_state = None, None, random_state
        if success_model is not None:
            # Fitted on the same history, maybe over other offers: bound to these by id.
            self._model = success_model.bound_to(self.tables)
        elif not fit_later:
            self._model = self._fit()

    def _fit(self):
        outcomes = outcomes_of(self.scenario, self.tables)
        success_model = SuccessModel(random_state=self._random_state).fit_outcomes(outcomes)
        if outcomes.tables is not self.tables:
            # Fitted over the persons as referred: bound to these tables by id.
            success_model = success_model.bound_to(self.tables)
        return success_model

    @property
    def model(self):
        """The success model fitted on the scenario's history (fitted now if not yet)."""
        if self._model is None:
            self._model = self._get_model() if self._get_model else self._fit()
        return self._model

    @model.setter
    def model(self, success_model):
        self._model = success_model

    @property
    def fitted(self):
        """Whether the model is there already (see ``fit_later``)."""
        return self._model is not None

    def model_from(self, get):
        """Take the model, when first needed, from ``get()`` instead of fitting it here: a
        forked process gets the model its parent fits meanwhile, fitted on the same tables."""
        if self._model is None:
            self._get_model = get

    def with_people(self, scenario):
        """A matcher over ``scenario``, which has this one's partners and offers in the
        same order but other people, sharing this one's learned model (no refit)."""
        other = Matcher.__new__(Matcher)
        other.scenario = scenario
        other.tables = build_tables(scenario)
        other.model = self.model
        return other

    def with_model(self, success_model):
        """This matcher with another fitted success model (bound to these tables by id)."""
        other = Matcher.__new__(Matcher)
        other.scenario, other.tables = self.scenario, self.tables
        other.model = success_model.bound_to(self.tables)
        return other

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
                # Flat positions: cheaper than nonzero's two index arrays and a 2-D gather.
                at = np.flatnonzero(ok)
                i = at // len(cols)
                p, o, km = p[i], cols[at - i * len(cols)], km.reshape(-1)[at]
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
        """The estimated chance of success of aligned pairs."""
        return self.model.predict(PairFacts(self.tables, p, o, km))

    def _top_contiguous(self, p, o, scores, top):
        """Like :meth:`_top` for pairs grouped by person (as a batch is): k segmented minima.

        Far cheaper than sorting millions of pairs; ties in score (to 2**-32) go to the
        lower offer id, as in :meth:`_top`.
        """
        if len(p) == 0:
            return np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
        key = (np.rint((1 - scores) * 2**32).astype(np.int64) * len(self.tables.offers.ids)
               + self.tables.offers.id_rank[o])
        keep = np.flatnonzero(best_per_group(starts, key, top))
        return keep[self._top(p[keep], o[keep], scores[keep], top)]

    def _top(self, p, o, scores, top):
        """Indices of the best ``top`` pairs per person, best first per person."""
        order = np.lexsort((self.tables.offers.id_rank[o], -scores, p))
        grouped = p[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(p) else (
            grouped[:0])
        rank_in_group = np.arange(len(p)) - np.repeat(starts, np.diff(np.r_[starts, len(p)]))
        return order[rank_in_group < top]

    def _best(self, p, o, km, scores, top, shape):
        """The best ``top`` pairs per person, by person row, each made by ``shape``.

        ``shape(offer, score, explanation)`` builds one match: a :class:`Match`,
        or straight away the contract's dict for the command line.
        """
        keep = self._top(p, o, scores, top)
        p, o, km, scores = p[keep], o[keep], km[keep], scores[keep]
        offers, out = self.scenario.offers, {}
        with gc_paused():
            found = explain_pairs(self.tables, self.model, p, o, km)
            # Plain Python values: this loop runs once per match shown.
            for person, offer, score, why in zip(p.tolist(), o.tolist(), scores.tolist(), found,
                                                 strict=True):
                out.setdefault(person, []).append(shape(offers[offer], score, why))
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

    def rank_many(self, inburgeraar_ids=None, domain=None, top=10, shape=None):
        """Rank several people (all when omitted) in vectorised batches.

        Returns
        -------
        dict of str to list of Match
            In the order of ``inburgeraar_ids`` (or of the scenario); ``shape``
            (offer, score, explanation) can build something else per match.
        """
        ids = self.tables.people.ids if inburgeraar_ids is None else list(inburgeraar_ids)
        rows = np.array([self._person(i) for i in ids], dtype=np.int64)
        parts = []
        for p, o, km in self.eligible_pairs(np.unique(rows), domain):
            scores = self.score_pairs(p, o, km)
            # Each batch keeps its best `top` per person; the best of those is exact.
            best = self._top_contiguous(p, o, scores, top)
            parts.append((p[best], o[best], km[best], scores[best]))
        found = self._best(*(np.concatenate(c) for c in zip(*parts, strict=True)), top,
                           shape or _as_match) if parts else {}
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
        ranked = self.rank_many(ids, domain=domain, top=top, shape=_as_dict)
        return {"rankings": [{"inburgeraar_id": i, "matches": matches}
                             for i, matches in ranked.items()]}


def _as_match(offer, score, why):
    return Match(offer.id, offer.partner_id, offer.domain, score, why.components, why.reasons,
                 why.record, why.little_data)


def _as_dict(offer, score, why):
    # The same as _as_match(...).to_dict(), without the object in between.
    return {"offer_id": offer.id, "partner_id": offer.partner_id, "domain": offer.domain,
            "score": round(score, 4), "components": why.components, "reasons": why.reasons}

"""Allocation: the optimal division of scarce places.

Maximise the sum of need weight x score (the chance of success) over
assignments, with at most one offer per (inburgeraar, domain of need) and no
offer over its capacity. That is a maximum-weight b-matching per domain,
solved exactly as a min-cost flow (:mod:`matching.flow`). Weights are scaled
to integers with 2**30 as the largest, so rounding moves the objective by far
less than 1e-6.

Places over time (the scenario's ``forecast``). The contract asks for the
maximum of this batch's total plus the expected total of the forecast people
on the places left. Each forecast person stands for one expected arrival, so
that is one b-matching over batch and forecast together, of which the batch's
part is kept; the forecast's part says which places are kept, and every need
of this batch left without a place a forecast person holds says so. A
forecast arc weighs one integer unit less, so a place is kept only for a
strictly larger gain; with an empty forecast nothing changes. Two
alternatives: ``forecast_method="potentials"`` prices places over resampled
futures (:mod:`matching.potentials`, Annie MOORE's method) and allocates the
batch on need x score less the price; ``"stochastic"`` takes the forecast as
a pool of likely arrivals and ``arrivals`` as their number, and a two-stage
stochastic program over futures drawn from it decides how many places the
batch may take (:mod:`matching.stochastic`; the portal's method, as it
builds its forecast from the recent arrivals). The dynamic evaluation
compares all three (docs/evaluation/dynamic.md). The forecast's people share
the batch's learned model (``Matcher.with_people``).

Duale trajecten couple taal and werk (:mod:`matching.duaal`).
"""

from dataclasses import dataclass, field, replace

import numpy as np

from matching import vocab
from matching.duaal import COUPLED, keep_duaal, needs_duaal
from matching.eligibility import shortage_reasons
from matching.errors import MatchingError
from matching.flow import integer_weights, optimal
from matching.forecast import forecast_from
from matching.parallel import cores, run_shared
from matching.potentials import Potentials, place_prices
from matching.ranking import Matcher

__all__ = ["FORECAST_METHODS", "FULL", "KEPT", "Allocation", "Assignment", "Unassigned",
           "allocate"]

FULL = "alle passende plekken zijn vol"
# An unassigned need's reason starts so when a place it could have had was kept.
KEPT = "plek bewaard"
_FORECAST_ID = "\x00forecast:"
_CUT = 20261127
_TOP = 2**30
# Pairs the rules look at (needy people x open offers) from which a problem is worth
# solving on several processes: below, forking costs more than it saves.
_PARALLEL_FROM = 2_000_000


@dataclass(frozen=True, slots=True)
class Assignment:
    """One person placed in one offer for one domain of need."""

    inburgeraar_id: str
    offer_id: str
    domain: str
    score: float
    weight: float


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A (person, domain of need) left without an offer, and why."""

    inburgeraar_id: str
    domain: str
    reason: str


@dataclass(frozen=True, slots=True)
class Allocation:
    """The result of :func:`allocate`."""

    assignments: list
    unassigned: list
    objective: float
    # Offer id -> places left free for forecast people (not in the contract's JSON).
    kept: dict = field(default_factory=dict)

    def to_dict(self):
        """The contract's JSON shape, scores rounded to 4 decimals.

        The objective is the total over those printed scores, to 12 significant
        digits: rounding it to a number of decimals would move a small total (need
        weights are any number > 0) by more than the contract's 1e-6 (relative).
        """
        return {
            "assignments": [{"inburgeraar_id": a.inburgeraar_id, "offer_id": a.offer_id,
                             "domain": a.domain, "score": round(a.score, 4)}
                            for a in self.assignments],
            "unassigned": [{"inburgeraar_id": u.inburgeraar_id, "domain": u.domain,
                            "reason": u.reason} for u in self.unassigned],
            "objective": float(f"{self.objective:.12g}"),
        }


def _domain_arcs(matcher, d):
    """Eligible arcs of domain ``d`` as (person, offer, score, need x score), person-major.

    Rows as int32: millions of arcs, and every index array derived from them
    keeps that width (the peak memory of a large allocation).
    """
    return _scored(matcher, d, _domain_pairs(matcher, d))


def _domain_pairs(matcher, d):
    """What :func:`_domain_arcs` finds without the model: the eligible pairs of domain ``d``
    in batches, each (person, offer, km)."""
    return [(p.astype(np.int32), o.astype(np.int32), km)
            for p, o, km in matcher.eligible_pairs(domain=vocab.DOMAINS[d])]


def _scored(matcher, d, found):
    """:func:`_domain_arcs` from :func:`_domain_pairs` (which it empties)."""
    t = matcher.tables
    parts = []
    while found:
        p, o, km = found.pop(0)
        scores = matcher.score_pairs(p, o, km)
        parts.append((p, o, scores, t.people.needs[p, d] * scores))
    arcs = tuple(np.concatenate(c) for c in zip(*parts, strict=True)) if parts else ()
    return arcs if arcs and len(arcs[0]) else None


FORECAST_METHODS = ("joint", "potentials", "stochastic")


def allocate(source, domain=None, initial_arcs=8, forecast_method="joint", arrivals=None,
             workers=None):
    """The optimal allocation of offers to inburgeraars.

    The problem falls apart by domain (each offer has one domain, and a
    (person, domain) node only reaches offers of it), so each domain is
    solved on its own; together they give the joint optimum (taal and werk
    together when duaal people need both). With a ``forecast`` in the
    scenario, its people join the problem (or price the places, with
    potentials; see the module's docstring); only this batch is assigned.

    Parameters
    ----------
    source : Scenario or Matcher
        A scenario, or a matcher already built over one.
    domain : str, optional
        Only this domain.
    initial_arcs : int, default 8
        Arcs per (person, domain) in the first round of column generation; any
        value gives the same optimum.
    forecast_method : {"joint", "potentials", "stochastic"}, default "joint"
        With a forecast: solve batch and forecast together, exactly as the
        contract states the problem; price places by potentials over
        resampled futures; or choose the batch's places by a two-stage
        stochastic program over futures drawn from the forecast as a pool
        (:mod:`matching.stochastic`, what the portal uses).
    arrivals : int, optional
        With ``"stochastic"`` only: the number of people expected, drawn from
        the forecast as a pool (default: as many as the forecast holds).
    workers : int, optional
        Without a forecast: processes to solve the domains on (1: here only).
        By default a large problem uses the cores there are, a small one (or
        where forking is unsafe, :func:`matching.parallel.cores`) one. The
        result is the same.

    Returns
    -------
    Allocation

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> result = allocate(read_scenario("matching/contract/example-scenario.json"))
    >>> [(a.inburgeraar_id, a.offer_id) for a in result.assignments]
    [('i1', 'o1'), ('i1', 'o4')]
    >>> [(u.inburgeraar_id, u.domain, u.reason) for u in result.unassigned][:1]
    [('i1', 'werk', 'geen aanbod op niveau A1')]
    """
    if forecast_method not in FORECAST_METHODS:
        raise MatchingError(f"forecast_method: one of {', '.join(FORECAST_METHODS)}")
    if arrivals is not None and (forecast_method != "stochastic" or arrivals < 0):
        raise MatchingError("arrivals: a number >= 0, with forecast_method stochastic only")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise MatchingError("workers: a whole number >= 1")
    matcher = source if isinstance(source, Matcher) else Matcher(source, fit_later=True)
    if arrivals == 0:  # nobody expected: the static optimum
        matcher = matcher.with_people(replace(matcher.scenario, forecast=()))
    base = matcher
    batch = len(matcher.tables.people.ids)
    if matcher.scenario.forecast:
        matcher = matcher.with_people(_with_forecast(matcher.scenario))
    t = matcher.tables
    n_domains = len(vocab.DOMAINS)
    needs = t.people.needs.copy()
    if domain is not None:
        needs[:, np.arange(n_domains) != vocab.DOMAINS.index(domain)] = 0
    node_keys = np.flatnonzero(needs[:batch].reshape(-1) > 0)
    capacity = np.maximum(t.offers.capacity, 0)
    if len(t.people.ids) == batch and forecast_method != "potentials":  # nobody expected
        chosen = _Chosen(len(node_keys))
        problems, chosen.shortage = _static(matcher, needs, capacity, initial_arcs, workers)
        for problem in problems:
            _record(t, chosen, node_keys, problem)
        return _result(t, node_keys, chosen)
    arcs = {}
    for d in np.unique(node_keys % n_domains).tolist():
        if (found := _domain_arcs(matcher, d)) is not None:
            arcs[d] = found
    scale = {d: _TOP / a[3].max() for d, a in arcs.items()}
    kept = None
    pool = len(t.people.ids) - batch
    if forecast_method == "stochastic" and pool:
        # Imported here: its linear programs' solver (scipy.optimize) is a tenth of a
        # second of CPU to import, which an allocation without a forecast need not pay.
        from matching.stochastic import batch_places

        kept = batch_places(t, arcs, capacity, batch, pool if arrivals is None else arrivals)
        if kept is None and arrivals not in (None, pool):
            # Too large a program: the joint solve, the pool cut to the number expected.
            cut = forecast_from(base.scenario.forecast, arrivals, np.random.default_rng(_CUT))
            return allocate(base.with_people(replace(base.scenario, forecast=cut)), domain,
                            initial_arcs)
    if forecast_method == "stochastic" and kept is None:
        forecast_method = "joint"  # nobody expected, or the program too large for the pool
    # The joint solve makes the forecast people nodes too; only the batch is recorded.
    joint = forecast_method == "joint"
    nodes = len(t.people.ids) if joint else batch
    coupled = needs_duaal(t, needs[:nodes]) and all(d in arcs for d in COUPLED)
    if coupled:
        # Taal and werk are one problem for duaal people: one weight scale for both.
        top = max(arcs[d][3].max() for d in COUPLED)
        scale.update({d: _TOP / top for d in COUPLED})
    prices = (place_prices(t, arcs, capacity, batch, scale, initial_arcs)
              if forecast_method == "potentials" else Potentials.none(len(t.offers.ids)))
    allowed = capacity if kept is None else kept[0]
    # Only the duaal repair around a forecast reads the arcs again; otherwise each domain's
    # are let go once its problem holds what it needs (a third of the peak memory).
    keep_arcs = coupled and nodes > batch
    problems = {}
    for d in list(arcs):
        problems[d] = _Problem(t, d, arcs[d] if keep_arcs else arcs.pop(d), needs, allowed,
                               nodes, scale[d], prices, batch)
    for problem in problems.values():
        problem.solve(initial_arcs)
    if coupled and nodes > batch:
        _keep_duaal_around_forecast(t, problems, arcs, needs, capacity, scale, prices, batch,
                                    initial_arcs)
    elif coupled:
        keep_duaal(t, *(problems[d] for d in COUPLED), initial_arcs=initial_arcs)
    chosen = _Chosen(len(node_keys))
    for problem in problems.values():
        _record(t, chosen, node_keys, problem)
        if kept is not None:
            _note_stochastic(t, chosen, node_keys, problem, *kept)
    return _result(t, node_keys, chosen)


def _static(matcher, needs, capacity, initial_arcs, workers):
    """The solved domains of a problem without forecast people or prices, and per domain
    why its needy people without eligible offers get none (:func:`_shortage`).

    Each domain stands alone (taal and werk together when duaal people couple
    them), so the domains are solved one by one, each letting go of its arcs
    once solved, and a large problem's on several processes, each taking the
    next domain, the largest first (the same problems, so the same result).
    """
    t = matcher.tables
    domains = np.flatnonzero((needs > 0).any(axis=0)).tolist()
    coupled = needs_duaal(t, needs) and all(d in domains for d in COUPLED)
    items = [*([COUPLED] if coupled else []),
             *((d,) for d in domains if not (coupled and d in COUPLED))]
    # Work grows with the pairs the rules look at: needy people x open offers.
    open_offers = np.bincount(t.offers.domain[t.offers.capacity >= 1],
                              minlength=len(vocab.DOMAINS))
    work = [sum(int(np.count_nonzero(needs[:, d] > 0)) * int(open_offers[d]) for d in item)
            for item in items]
    if workers is None:
        workers = cores() if sum(work) >= _PARALLEL_FROM else 1
    items = [items[k] for k in sorted(range(len(items)), key=lambda k: -work[k])]

    def prepare(item):  # what needs no model: a worker does it while the model is fitted
        found = [_domain_pairs(matcher, d) for d in item]
        return item, found, {d: _shortage(t, needs, d, pairs)
                             for d, pairs in zip(item, found, strict=True)}

    def solve(prepared):
        item, found, shortage = prepared
        return _solve_domains(matcher, item, found, needs, capacity, initial_arcs,
                              coupled), shortage

    # A model not fitted yet is fitted here while the workers find pairs: of their first
    # domains, then of the next ones, for whichever process takes them.
    late = None if matcher.fitted else (lambda: matcher.model, matcher.model_from)
    done = run_shared(solve, items, workers, late=late, prepare=prepare)
    return ([problem for solved, _ in done for problem in solved],
            {d: reasons for _, shortage in done for d, reasons in shortage.items()})


def _shortage(t, needs, d, found):
    """Why the people needing domain ``d`` get no offer of it where its eligible pairs
    ``found`` (:func:`_domain_pairs`) have none for them: person row -> reason."""
    paired = np.zeros(len(needs), dtype=bool)
    for p, _, _ in found:
        paired[p] = True
    rows = np.flatnonzero((needs[:, d] > 0) & ~paired)
    return dict(zip(rows.tolist(), shortage_reasons(t, rows, d), strict=True))


def _solve_domains(matcher, domains, found, needs, capacity, initial_arcs, coupled):
    """Solve ``domains`` (both of taal and werk or neither when ``coupled``), their pairs
    ``found`` by :func:`_domain_pairs`; the solved problems as :class:`_Solved`."""
    t = matcher.tables
    batch = len(t.people.ids)
    prices = Potentials.none(len(t.offers.ids))
    solved, pair = [], {}
    for d, pairs in zip(domains, found, strict=True):
        if (arcs := _scored(matcher, d, pairs)) is None:
            continue
        if coupled and d in COUPLED:
            pair[d] = arcs  # solved together below
            continue
        problem = _Problem(t, d, arcs, needs, capacity, batch, _TOP / arcs[3].max(), prices,
                           batch)
        del arcs  # held by the problem as it needs them
        problem.solve(initial_arcs)
        solved.append(_Solved(problem))
    if pair:
        # Taal and werk are one problem for duaal people: one weight scale for both.
        scale = _TOP / max(a[3].max() for a in pair.values())
        problems = {d: _Problem(t, d, pair.pop(d), needs, capacity, batch, scale, prices, batch)
                    for d in list(pair)}
        for problem in problems.values():
            problem.solve(initial_arcs)
        if len(problems) == len(COUPLED):
            keep_duaal(t, *(problems[d] for d in COUPLED), initial_arcs=initial_arcs)
        solved.extend(_Solved(problem) for problem in problems.values())
    return solved


class _Solved:
    """A solved domain as :func:`_record` reads it, with only the chosen arcs: small, so a
    worker process sends it back quickly and the arcs are let go."""

    def __init__(self, problem):
        chosen = problem.arc >= 0
        done = problem.arc[chosen]
        self.d, self.here, self.needy, self.has_arcs = (
            problem.d, problem.here, problem.needy, problem.has_arcs)
        self.prices = problem.prices
        self.node, self.o, self.score, self.value = (
            x[done] for x in (problem.node, problem.o, problem.score, problem.value))
        self.arc = np.full(len(problem.arc), -1, dtype=np.int64)
        self.arc[chosen] = np.arange(len(done))


class _Problem:
    """One domain's b-matching over the arcs of the first ``nodes`` person rows, on need x
    score less the places' prices (none in the joint solve).

    Arcs by person and offer row (``p``, ``o``) and by node and local offer
    (``node``, ``offer``); ``turned`` are the arcs a price took away. The first
    ``here`` nodes are this batch's; in the joint solve the forecast's follow.
    """

    def __init__(self, t, d, arcs, needs, capacity, nodes, scale, prices, batch):
        p, o, score, value = arcs
        del arcs  # the caller may have let go of them: no copy lives longer than needed
        mine = p < nodes
        if not mine.all():
            p, o, score, value = p[mine], o[mine], score[mine], value[mine]
        # Exact integers: the price of a place is prices.units / prices.per weight units. One
        # unit more: a place is kept only for a strictly larger expected gain, so a batch
        # person who gains exactly its price (a tie that set it) still gets it. In the joint
        # solve a forecast person's arc weighs one unit less, for the same reason.
        weight = integer_weights(value, scale)
        if prices.per > 1 or prices.units.any():  # else every step below changes nothing
            weight = weight * prices.per - prices.units[o] + (prices.per > 1)
        if nodes > batch:
            weight -= p >= batch
        priced = weight > 0
        self.d, self.scale, self.prices = d, scale, prices
        self.needy = np.flatnonzero(needs[:nodes, d] > 0)
        self.here = int(np.searchsorted(self.needy, batch))
        self.cols = np.flatnonzero(t.offers.domain == d)
        self.capacity = capacity[self.cols]
        nodes, offers = _positions(self.needy, nodes), _positions(self.cols, len(capacity))
        node = nodes[p]
        self.has_arcs = np.bincount(node, minlength=len(self.needy)) > 0
        if priced.all():  # no price took an arc away (always so without prices): no copies
            self.turned = (nodes[:0], o[:0], value[:0])
            self.p, self.o, self.score, self.value, self.weight = p, o, score, value, weight
        else:
            self.turned = (node[~priced], o[~priced], value[~priced])
            self.p, self.o, self.score, self.value, self.weight, node = (
                x[priced] for x in (p, o, score, value, weight, node))
        self.node, self.offer = node, offers[self.o]
        # Best first: higher weight, then lower offer id; unique per node.
        top = int(self.weight.max()) + 1 if len(self.weight) else 1
        self.key = (top - self.weight) * len(t.offers.ids) + t.offers.id_rank[self.o]

    def solve(self, initial_arcs, use=None, start=None):
        """Each node's optimal arc (``self.arc``) and the duals, over the arcs in ``use``.

        A solve over some of the arcs (a duaal repair) starts from the arcs the
        full solve ended with, a full solve from ``start`` (a mask of arcs) when
        given: the optimum is the same, in fewer rounds.
        """
        arrays = self.node, self.offer, self.weight, self.key
        if use is None:  # the arrays themselves: a copy of millions of arcs is the peak memory
            self.arc, self.y, self.z, self.considered = optimal(
                len(self.needy), self.capacity, *arrays, initial_arcs, start=start)
            return self.arc
        idx = np.flatnonzero(use)
        arc, _, _, _ = optimal(len(self.needy), self.capacity, *(a[idx] for a in arrays),
                               initial_arcs, start=self.considered[idx])
        return np.where(arc >= 0, idx[np.maximum(arc, 0)], -1) if len(idx) else arc


def _keep_duaal_around_forecast(t, problems, arcs, needs, capacity, scale, prices, batch,
                                initial_arcs):
    """The joint solve with duaal people: the batch's taal and werk exactly around the
    forecast's places.

    The forecast people keep the places the joint solve (without the day-part
    rule) gave them; on the places left, this batch's taal and werk are solved
    again and made to keep the rule exactly (``keep_duaal``). Coupling the
    whole joint problem instead would put every expected person into the
    integer program, for a rule that binds only on assignments given now.
    """
    for d in COUPLED:
        joint = problems[d]
        held = joint.arc[joint.here:]
        taken = np.bincount(joint.o[held[held >= 0]], minlength=len(capacity))
        problems[d] = _Problem(t, d, arcs[d], needs, capacity - taken, batch, scale[d], prices,
                               batch)
        # The batch's arcs are the joint problem's first ones, in order.
        problems[d].solve(initial_arcs, start=joint.considered[joint.p < batch])
        problems[d].joint = joint
    keep_duaal(t, *(problems[d] for d in COUPLED), initial_arcs=initial_arcs)
    for d in COUPLED:
        # Back into the joint problem: its batch part from the batch problem, its arcs.
        mine, joint = problems[d], problems[d].joint
        of_batch = np.flatnonzero(joint.p < batch)
        joint.arc[:joint.here] = np.where(mine.arc >= 0, of_batch[np.maximum(mine.arc, 0)], -1)
        problems[d] = joint


def _record(t, chosen, node_keys, problem):
    """Copy a solved domain's batch assignments into ``chosen``; note the kept places."""
    n_domains = len(vocab.DOMAINS)
    here, arc, node = problem.here, problem.arc[:problem.here], problem.node
    at = np.searchsorted(node_keys, problem.needy[:here] * n_domains + problem.d)
    chosen.has_arcs[at[problem.has_arcs[:here]]] = True
    done = arc[arc >= 0]
    chosen.offer[at[node[done]]] = problem.o[done]
    chosen.score[at[node[done]]] = problem.score[done]
    chosen.value[at[node[done]]] = problem.value[done]
    if problem.prices.per > 1:
        _note_priced(t, chosen, at, problem)
    elif here < len(problem.needy):
        _note_held(t, chosen, at, problem)


def _note_stochastic(t, chosen, node_keys, problem, allowed, kept, worth):
    """The stochastic program: count the places it kept from this batch (of offers the batch
    could reach), and tell each need left without an offer that reaches one why."""
    n_domains = len(vocab.DOMAINS)
    at = np.searchsorted(node_keys, problem.needy * n_domains + problem.d)
    reached = np.zeros(len(kept), dtype=np.int64)
    reached[problem.o] = kept[problem.o]
    rows = np.flatnonzero(_unplaced(problem)[problem.node] & (reached[problem.o] > 0))
    _tell_kept(t, chosen, at, (problem.node, problem.o, problem.value), rows, reached, worth,
               "verwachte prioriteit")


def _with_forecast(scenario):
    """The scenario with its forecast people appended to the batch, under ids of their own."""
    expected = tuple(replace(f, id=f"{_FORECAST_ID}{k}") for k, f in enumerate(scenario.forecast))
    return replace(scenario, inburgeraars=(*scenario.inburgeraars, *expected), forecast=())


def _note_held(t, chosen, at, problem):
    """The joint solve: count the places forecast people hold, and tell each batch node
    left out why.

    A batch node without an offer whose arcs reach a held place is told about
    its most valuable such place, with the least value a forecast person
    holding it there adds: by optimality (no swap gains) that is at least its own.
    """
    here, arc, node, o, value = problem.here, problem.arc, problem.node, problem.o, problem.value
    held = arc[here:][arc[here:] >= 0]
    if len(held) == 0:
        return
    kept = np.bincount(o[held], minlength=len(t.offers.ids))
    least = np.full(len(t.offers.ids), np.inf)
    np.minimum.at(least, o[held], value[held])
    rows = np.flatnonzero((node < here) & (arc[node] < 0) & (kept[o] > 0))
    _tell_kept(t, chosen, at, (node, o, value), rows, kept, least, "prioriteit")


def _note_priced(t, chosen, at, problem):
    """Potentials: count the places kept, and tell each need they turned away why.

    A place is kept when it stayed free while its price took away some
    node's arc to it (up to one place per such node). Each node left without
    an offer is told about its most valuable kept place and its price.
    """
    node, o, value = problem.turned
    done = problem.arc[problem.arc >= 0]
    used = np.bincount(problem.o[done], minlength=len(t.offers.ids))
    free = np.maximum(t.offers.capacity, 0) - used
    mine = np.flatnonzero(free[o] > 0)
    kept = np.minimum(free, np.bincount(o[mine], minlength=len(t.offers.ids)))
    price = problem.prices.units / problem.prices.per / problem.scale
    left = mine[_unplaced(problem)[node[mine]]]  # all nodes are this batch's here
    _tell_kept(t, chosen, at, (node, o, value), left, kept, price, "verwachte prioriteit")


def _tell_kept(t, chosen, at, arcs, rows, kept, worth, label):
    """Record ``kept`` places per offer, and give each node among the arcs ``rows`` (left
    without an offer) the reason of its most valuable kept place: what the place is worth
    to the people expected (``worth`` per offer) against what it was worth to the node."""
    node, o, value = arcs
    rows = rows[np.lexsort((-value[rows], node[rows]))]
    first = rows[np.r_[True, node[rows][1:] != node[rows][:-1]]] if len(rows) else rows
    for a in first.tolist():
        chosen.kept_reason[int(at[node[a]])] = (
            f"{KEPT}: {t.offers.ids[o[a]]} blijft vrij voor verwachte inburgeraars die er meer "
            f"aan hebben ({label} × kans van slagen {_comma(worth[o[a]])} tegen "
            f"{_comma(value[a])})")
    for k in np.flatnonzero(kept).tolist():
        chosen.kept[t.offers.ids[k]] = int(kept[k])


def _unplaced(problem):
    """Per node of ``problem``: whether it went without an offer."""
    out = np.ones(len(problem.needy), dtype=bool)
    out[problem.node[problem.arc[problem.arc >= 0]]] = False
    return out


def _comma(x):
    return f"{x:.2f}".replace(".", ",")


def _positions(rows, n):
    """Lookup from a row to its index in the sorted ``rows`` (a gather, not a search)."""
    out = np.full(n, -1, dtype=np.int32)
    out[rows] = np.arange(len(rows))
    return out


class _Chosen:
    """Per (person, domain) node: whether it has arcs, and its chosen arc's offer and values."""

    def __init__(self, n):
        self.has_arcs = np.zeros(n, dtype=bool)
        self.offer = np.full(n, -1, dtype=np.int64)
        self.score = np.zeros(n)
        self.value = np.zeros(n)
        self.kept_reason = {}
        self.kept = {}
        # Per domain, the reasons of the people without eligible offers, where known already.
        self.shortage = {}


def _result(t, node_keys, chosen):
    n_domains = len(vocab.DOMAINS)
    people, domains = node_keys // n_domains, node_keys % n_domains
    has_arcs = chosen.has_arcs
    reason = {}
    for d in np.unique(domains[~has_arcs]).tolist():
        rows = np.flatnonzero(~has_arcs & (domains == d))
        known = chosen.shortage.get(d)
        reason.update(zip(rows.tolist(), [known[p] for p in people[rows].tolist()] if known
                          is not None else shortage_reasons(t, people[rows], d), strict=True))
    person_ids, offer_ids, names = t.people.ids, t.offers.ids, vocab.DOMAINS
    done = np.flatnonzero(chosen.offer >= 0)
    scores = chosen.score[done].tolist()
    assignments = [Assignment(person_ids[p], offer_ids[o], names[d], score, value)
                   for p, o, d, score, value in zip(
                       people[done].tolist(), chosen.offer[done].tolist(),
                       domains[done].tolist(), scores, chosen.value[done].tolist(), strict=True)]
    left = np.flatnonzero(chosen.offer < 0)
    unassigned = [Unassigned(person_ids[p], names[d],
                             reason.get(k) or chosen.kept_reason.get(k, FULL))
                  for k, p, d in zip(left.tolist(), people[left].tolist(), domains[left].tolist(),
                                     strict=True)]
    # The contract's objective is over the scores as printed (4 decimals), added in order.
    objective = 0.0
    for need, score in zip(t.people.needs[people[done], domains[done]].tolist(), scores,
                           strict=True):
        objective += need * round(score, 4)
    return Allocation(assignments, unassigned, objective, dict(sorted(chosen.kept.items())))

"""Places over time: weekly arrivals, scarce places, and six ways to allocate them.

Over a horizon of weeks, a cohort of the :class:`Simulator` arrives each week;
the coalition's places are scarce (per domain a share ``scarcity`` of the
horizon's needs) and do not come free again within the horizon. Each policy
is valued by the simulator's hidden truth (need x true chance of success):

- ``online``: every week ``allocate`` this week's people with a forecast of the
  weeks still to come (the engine's default: batch and forecast solved
  jointly), built as the project builds it: the arrivals of the last
  ``window`` weeks (all so far when None; their needs at intake),
  resampled to the expected number of people still to arrive;
- ``potentials``: as ``online``, but places priced by potentials over
  resampled futures (``forecast_method="potentials"``);
- ``stochastic``: the places the batch may take chosen by a two-stage
  stochastic program over futures drawn from the arrivals so far
  (``forecast_method="stochastic"``: the arrivals as a pool and the number
  expected; what the portal uses);
- ``informed``: as ``online``, but the forecast resampled from fresh people of
  the simulator (``_POOL_WEEKS`` weeks of arrivals outside the horizon): the
  arrivals' true distribution, known. What it still loses to hindsight is the
  chance in who actually arrives, which no forecast can know;
- ``myopic``: every week ``allocate`` without a forecast;
- ``hindsight``: one ``allocate`` of every week's people together (knowing the
  future exactly; the bound the online policies are measured against).

The engine learns from the simulator's history once; no policy sees the truth.
Weeks before the horizon (``lookback`` of them) only supply the first forecasts.
"""

import dataclasses

import numpy as np

from matching import vocab
from matching.allocation import allocate
from matching.eligibility import distances
from matching.evaluation.simulator import WORLDS, Cohort, Simulator
from matching.forecast import forecast_from
from matching.ranking import Matcher

__all__ = ["evaluate_dynamic"]

_SCARCITY_STREAM = 11
_POOL_WEEKS = 10
POLICIES = ("online", "potentials", "stochastic", "informed", "myopic", "hindsight")


def _scarce(offers, people, scarcity, rng):
    """Offers with, per domain, places for a share ``scarcity`` of the people's needs there."""
    out = list(offers)
    for d in vocab.DOMAINS:
        rows = [k for k, o in enumerate(offers) if o.domain == d]
        demand = sum(1 for i in people if i.needs.get(d, 0) > 0)
        if not rows:
            continue
        # Unequal sizes: a few large offers, many of one or two places.
        share = rng.dirichlet(np.full(len(rows), 0.7))
        places = rng.multinomial(round(scarcity * demand), share)
        for k, n in zip(rows, places.tolist(), strict=True):
            out[k] = dataclasses.replace(offers[k], capacity=int(n))
    return tuple(out)


def evaluate_dynamic(seed, weeks=12, people=80, offers=300, history=2000, lookback=4,
                     scarcity=0.4, world="standard", window=None, progress=None):
    """The six policies of the module's docstring over ``weeks`` weeks of arrivals.

    Returns
    -------
    dict
        ``setup``, ``value`` (policy -> need x true chance summed over the
        horizon), ``expected`` (policy -> true expected successes), ``served``
        (policy -> places given), ``ratio`` (``online/hindsight``,
        ``potentials/hindsight``, ``informed/hindsight``, ``myopic/hindsight``,
        ``online/myopic``, on ``value``).

    Examples
    --------
    >>> r = evaluate_dynamic(seed=2, weeks=3, people=20, offers=40, history=150, lookback=1)
    >>> sorted(r["value"])
    ['hindsight', 'informed', 'myopic', 'online', 'potentials', 'stochastic']
    """
    say = progress or (lambda message: None)
    sim = Simulator(seed, cohorts=lookback + weeks + _POOL_WEEKS, people=people, offers=offers,
                    history=history, truth=WORLDS[world])
    rng = np.random.default_rng([seed, _SCARCITY_STREAM])
    arrivals = [sim.cohort(k) for k in range(lookback + weeks)]
    week_people = [tuple(c.scenario.inburgeraars[r] for r in c.people.tolist()) for c in arrivals]
    pool = [c.scenario.inburgeraars[r] for k in range(lookback + weeks, sim.n_cohorts)
            for c in [sim.cohort(k)] for r in c.people.tolist()]
    horizon = [p for w in week_people[lookback:] for p in w]
    base = sim.history_scenario
    offers_now = _scarce(base.offers, horizon, scarcity, rng)
    matcher = Matcher(dataclasses.replace(base, offers=offers_now))
    say(f"fitted on {len(base.history)} logged referrals; "
        f"{sum(o.capacity for o in offers_now)} places for {len(horizon)} people")
    chosen = {"hindsight": _pairs(allocate(_over(matcher, offers_now, horizon)))}
    say("hindsight allocated")
    for name in ("online", "potentials", "stochastic", "informed", "myopic"):
        chosen[name] = _weekly(matcher, offers_now, week_people, lookback, weeks, people,
                               window=0 if name == "myopic" else window,
                               rng=np.random.default_rng(seed),
                               method=name if name in ("potentials", "stochastic") else "joint",
                               pool=pool if name == "informed" else None)
        say(f"{name} allocated")
    value, expected, served = _truth(sim, matcher, offers_now, horizon, arrivals[lookback:],
                                     chosen)
    return {
        "setup": {"seed": seed, "world": world, "weeks": weeks, "people_per_week": people,
                  "offers": offers, "places": sum(o.capacity for o in offers_now),
                  "needs": sum(len([d for d, w in i.needs.items() if w > 0]) for i in horizon),
                  "lookback": lookback, "window": window, "scarcity": scarcity},
        "value": value,
        "expected": expected,
        "served": served,
        "ratio": {"online/hindsight": value["online"] / value["hindsight"],
                  "potentials/hindsight": value["potentials"] / value["hindsight"],
                  "stochastic/hindsight": value["stochastic"] / value["hindsight"],
                  "informed/hindsight": value["informed"] / value["hindsight"],
                  "myopic/hindsight": value["myopic"] / value["hindsight"],
                  "online/myopic": value["online"] / value["myopic"]},
    }


def _over(matcher, offers, people, forecast=()):
    """A matcher over these people and offers, sharing the fitted model."""
    scenario = dataclasses.replace(matcher.scenario, offers=offers, inburgeraars=tuple(people),
                                   history=(), forecast=tuple(forecast))
    return matcher.with_people(scenario)


def _pairs(allocation):
    return [(a.inburgeraar_id, a.offer_id) for a in allocation.assignments]


def _weekly(matcher, offers, week_people, lookback, weeks, size, window, rng, method="joint",
            pool=None):
    """Week by week: allocate the arrivals, take their places off the offers.

    The forecast comes from the last ``window`` weeks (all so far when None;
    no forecast when 0), or from ``pool`` when given, allocated with
    ``forecast_method=method``: resampled to the number still expected, or,
    for ``"stochastic"``, given whole as the pool with that number.
    """
    free = {o.id: o.capacity for o in offers}
    out = []
    for k in range(lookback, lookback + weeks):
        expected, arrivals = (), None
        if window != 0:
            recent = pool or [p for w in week_people[max(0, k - (window or k)):k] for p in w]
            n = (lookback + weeks - k - 1) * size
            if method == "stochastic":
                expected, arrivals = tuple(recent), n
            else:
                expected = forecast_from(recent, n, rng)
        now = tuple(dataclasses.replace(o, capacity=free[o.id]) for o in offers)
        pairs = _pairs(allocate(_over(matcher, now, week_people[k], expected),
                                forecast_method=method, arrivals=arrivals))
        for _, offer_id in pairs:
            free[offer_id] -= 1
        out += pairs
    return out


def _truth(sim, matcher, offers, horizon, cohorts, chosen):
    """Per policy: need x true chance, true expected successes, and places given."""
    valued = _over(matcher, offers, horizon)
    t = valued.tables
    value, expected, served = {}, {}, {}
    for name, pairs in chosen.items():
        p = np.array([t.person_index[i] for i, _ in pairs], dtype=np.int64)
        o = np.array([t.offer_index[j] for _, j in pairs], dtype=np.int64)
        chance = np.zeros(len(p))
        for week, cohort in enumerate(cohorts):
            rows = np.arange(week * len(cohort.people), (week + 1) * len(cohort.people))
            mine = np.isin(p, rows)
            # The simulator's noise is per cohort, indexed from the cohort's first row.
            shifted = Cohort(cohort.index, valued.scenario, rows)
            chance[mine] = sim.true_probability(shifted, t, p[mine], o[mine],
                                                distances(t, p[mine], o[mine]))
        need = t.people.needs[p, t.offers.domain[o]]
        value[name] = float((need * chance).sum())
        expected[name] = float(chance.sum())
        served[name] = len(pairs)
    return value, expected, served

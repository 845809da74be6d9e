"""A forecast of arrivals from the recent ones: the engine's ``forecast``, built.

The people taken in over some past weeks stand for the people expected
before today's places come free again. A longer past gives a steadier
picture of who arrives (measured: all arrivals so far beat the last 4 weeks
by 1.5 points of the hindsight optimum, docs/evaluation/dynamic.md), so the
recent arrivals are resampled to the number expected rather than taken as
they are.
"""

__all__ = ["forecast_from"]


def forecast_from(recent, expected, rng):
    """``expected`` people resampled from the ``recent`` arrivals.

    Stratified: each recent arrival stands for the same number of expected
    people, and only the remainder is drawn at random, so that the forecast's
    mix follows the recent weeks with as little sampling noise as possible.
    """
    if not recent or expected <= 0:
        return ()
    whole, rest = divmod(expected, len(recent))
    picks = [*range(len(recent))] * whole + rng.choice(len(recent), rest, replace=False).tolist()
    return tuple(recent[k] for k in picks)

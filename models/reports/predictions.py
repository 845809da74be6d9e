"""How well Wegwijs predicts: the chance it gave each referral against what happened.

For the referrals that ended in the last 12 months (completed, dropped, or
declined; a decline because the offer was full says nothing about the pair
and is left out, as the matcher leaves it out) and that carry the chance
Wegwijs gave when they were made (``Referral.chance_given``). Per band of
that chance, per domain and per partner: how many, the mean chance given,
how many completed. Over all of them the Brier score (the mean squared gap
between the chance and the outcome, 0 is perfect, 0.25 what "50 %" for
everything scores) and the calibration error (per band the gap between the
mean chance and the share completed, weighed by the band's size).

A partner whose outcomes lie further from the chances given than chance
alone explains (more than ``WARN_Z`` standard deviations of the binomial
count, with at least ``WARN_MIN`` referrals) gets a warning: its record may
have changed since the model learned it.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.base import now_utc
from models.coalition import Offer, Partner
from models.referral import Referral

ENDED = ("completed", "dropped", "declined")
PERIOD = timedelta(days=365)
# Bands of the chance given: [0, 20 %), [20 %, 40 %), ..., [80 %, 100 %].
BAND_EDGES = (0.2, 0.4, 0.6, 0.8)
WARN_Z, WARN_MIN = 2.0, 5


@dataclass(frozen=True)
class Group:
    """Referrals of one band, domain or partner: count, mean chance given, completed."""

    key: str
    label: str
    count: int
    chance: float  # mean chance given
    completed: int
    brier: float
    # Completions counted from the chances' expectation, in binomial standard deviations.
    z: float

    @property
    def rate(self) -> float:
        return self.completed / self.count


@dataclass(frozen=True)
class Warning:
    partner: str
    count: int
    completed: int
    chance: float

    @property
    def text(self) -> str:
        rate = self.completed / self.count
        more = "meer" if rate > self.chance else "minder"
        return (f"Bij {self.partner} rondden {self.completed} van de {self.count} verwijzingen "
                f"af ({round(100 * rate)} %), {more} dan de {round(100 * self.chance)} % die "
                "Wegwijs gemiddeld gaf. Wat Wegwijs over deze partner leerde, klopt mogelijk "
                "niet meer.")


@dataclass(frozen=True)
class PredictionReport:
    since: datetime
    count: int
    without_chance: int  # ended in the period, but made before chances were kept
    brier: float | None
    calibration_error: float | None
    bands: list[Group]
    domains: list[Group]
    partners: list[Group]
    warnings: list[Warning]


def band_of(chance: float) -> int:
    return sum(chance >= edge for edge in BAND_EDGES)


def band_label(band: int) -> str:
    low = 0 if band == 0 else BAND_EDGES[band - 1]
    high = 1 if band == len(BAND_EDGES) else BAND_EDGES[band]
    return f"{round(100 * low)}–{round(100 * high)} %"


def _group(key, label, rows) -> Group:
    chances = [c for c, _ in rows]
    outcomes = [y for _, y in rows]
    expected = sum(chances)
    spread = math.sqrt(sum(c * (1 - c) for c in chances))
    completed = sum(outcomes)
    return Group(
        key=key,
        label=label,
        count=len(rows),
        chance=expected / len(rows),
        completed=completed,
        brier=sum((c - y) ** 2 for c, y in rows) / len(rows),
        z=(completed - expected) / spread if spread > 0 else 0.0,
    )


def _grouped(rows, key_of, by_key=False) -> list[Group]:
    """Groups of ``rows`` by ``key_of(row)`` (a key and its label), by label or key."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(key_of(row), []).append((row.chance_given, row.completed))
    order = sorted(groups, key=lambda k: k[0] if by_key else k[1])
    return [_group(str(key), label, groups[key, label]) for key, label in order]


def prediction_report(session: Session, now: datetime | None = None) -> PredictionReport:
    """The chances given against the outcomes of the referrals ended in the last 12 months."""
    since = (now or now_utc()) - PERIOD
    ended = session.execute(
        select(Referral.chance_given, Referral.status, Offer.domain, Partner.id, Partner.name)
        .join(Offer, Offer.id == Referral.offer_id)
        .join(Partner, Partner.id == Offer.partner_id)
        .where(
            Referral.status.in_(ENDED),
            Referral.status_changed_at >= since,
            # A decline because the offer was full says nothing about the match (nor does
            # the engine learn from one); a drop-out is a failure whatever its reason.
            or_(Referral.status != "declined", Referral.reason_code.is_(None),
                Referral.reason_code != "vol"),
        )
    ).all()
    rows = [_Row(r.chance_given, int(r.status == "completed"), r.domain, r.id, r.name)
            for r in ended if r.chance_given is not None]
    if not rows:
        return PredictionReport(since, 0, len(ended), None, None, [], [], [], [])
    bands = _grouped(rows, lambda r: (band_of(r.chance_given),
                                      band_label(band_of(r.chance_given))), by_key=True)
    partners = _grouped(rows, lambda r: (r.partner_id, r.partner))
    return PredictionReport(
        since=since,
        count=len(rows),
        without_chance=len(ended) - len(rows),
        brier=sum((r.chance_given - r.completed) ** 2 for r in rows) / len(rows),
        calibration_error=sum(b.count * abs(b.chance - b.rate) for b in bands) / len(rows),
        bands=bands,
        domains=_grouped(rows, lambda r: (r.domain, r.domain)),
        partners=partners,
        warnings=[Warning(p.label, p.count, p.completed, p.chance) for p in partners
                  if p.count >= WARN_MIN and abs(p.z) > WARN_Z],
    )


@dataclass(frozen=True)
class _Row:
    chance_given: float
    completed: int
    domain: str
    partner_id: int
    partner: str

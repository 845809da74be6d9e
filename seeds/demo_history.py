"""Earlier referrals for the demo: a past the funnel and the learned model can use.

Every referral goes through the referral service (eligibility, capacity,
events), backdated over the last months. Outcomes are drawn so that nearer
offers in a language the person speaks succeed more often, as in life; each
partner without a demo login gets an account that cannot log in, so that
every event has its actor.
"""

import math
import random
import secrets
from datetime import UTC, datetime, time, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching import build_tables, distances, eligible
from models import Partner, User
from models.errors import Conflict
from models.matching_bridge import build_scenario
from models.passwords import hash_password
from models.referral_service import change_status, refer
from models.unit_of_work import UnitOfWork

HISTORY_GEMEENTEN = ("Utrecht", "Zeist")
REFERRALS = 120
DAYS_BACK = 180


def load_demo_history(session: Session, seed: int, today) -> int:
    """Create about REFERRALS referrals with their lifecycles, in one transaction; how many."""
    with UnitOfWork(session):
        return _make_history(session, seed, today)


def _make_history(session: Session, seed: int, today) -> int:
    rng = random.Random(seed)
    klantmanagers = {
        user.gemeente.name: user
        for user in session.scalars(select(User).where(User.role == "klantmanager"))
    }
    partner_users = _partner_accounts(session)
    scenario = build_scenario(session, reference_date=today)
    tables = build_tables(scenario)
    candidates = [
        row
        for row, person in enumerate(scenario.inburgeraars)
        if person.gemeente in HISTORY_GEMEENTEN and person.gemeente in klantmanagers
    ]
    rng.shuffle(candidates)
    offers = np.arange(len(scenario.offers))
    made = 0
    for person_row in candidates:
        if made >= REFERRALS:
            break
        ok = eligible(tables, person_row, offers)
        choices = np.flatnonzero(ok)
        if len(choices) == 0:
            continue
        offer_row = int(rng.choice(list(choices)))
        person, offer = scenario.inburgeraars[person_row], scenario.offers[offer_row]
        km = float(distances(tables, person_row, offer_row))
        speaks = bool(set(person.languages) & set(offer.languages))
        steps = _lifecycle(rng, km, speaks)
        # Unanswered referrals are recent: older ones would have expired.
        days_back = rng.randint(20, DAYS_BACK) if steps else rng.randint(1, 10)
        sent_at = _moment(rng, today, days_back)
        try:
            referral = refer(
                session,
                actor_id=klantmanagers[person.gemeente].id,
                inburgeraar_id=int(person.id),
                offer_id=int(offer.id),
                note=rng.choice([None, "Gemotiveerd, graag snel starten", "Heeft jonge kinderen"]),
                at=sent_at,
            )
        except Conflict:
            continue  # the places this scenario counted have been taken meanwhile
        actor_of = {"withdrawn": klantmanagers[person.gemeente].id}
        at, gap = sent_at, max(1, (days_back - 1) // 3)
        for status, reason_code, reason in steps:
            at = at + timedelta(days=rng.randint(1, gap))
            change_status(
                session,
                actor_id=actor_of.get(status, partner_users[int(offer.partner_id)]),
                referral_id=referral.id,
                to_status=status,
                reason=reason,
                reason_code=reason_code,
                at=at,
            )
        made += 1
    return made


def _lifecycle(
    rng: random.Random, km: float, speaks: bool
) -> list[tuple[str, str | None, str | None]]:
    """The steps after ``sent`` as (status, reason code, reason), drawn with a success
    chance that falls with distance."""
    roll = rng.random()
    if roll < 0.08:
        return []  # still waiting for an answer
    if roll < 0.14:
        return [("withdrawn", None, "Inburgeraar verhuisd")]
    if roll < 0.24:
        return [("declined", "vol", "Groep zit vol tot de zomer")]
    if roll < 0.34:
        return [("accepted", None, None)]
    if roll < 0.44:
        return [("accepted", None, None), ("started", None, None)]
    success = 1 / (1 + math.exp(-(1.2 - 0.25 * km + (0.8 if speaks else 0.0))))
    if rng.random() < success:
        return [("accepted", None, None), ("started", None, None), ("completed", None, None)]
    dropped = ("dropped", "afstand", "Reistijd te lang")
    return [("accepted", None, None), ("started", None, None), dropped]


def _partner_accounts(session: Session) -> dict[int, int]:
    """User id per partner id; partners without a login get one that cannot log in."""
    accounts = {
        user.partner_id: user.id
        for user in session.scalars(select(User).where(User.role == "partner"))
    }
    unusable = hash_password(secrets.token_urlsafe(32))
    for partner in session.scalars(select(Partner).order_by(Partner.id)):
        if partner.id not in accounts:
            user = User(
                email=f"partner{partner.id}@wegwijs.example",
                role="partner",
                partner=partner,
                password_hash=unusable,
                demo=True,
            )
            session.add(user)
            session.flush()
            accounts[partner.id] = user.id
    return accounts


def _moment(rng: random.Random, today, days_back: int) -> datetime:
    day = today - timedelta(days=days_back)
    return datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=UTC)

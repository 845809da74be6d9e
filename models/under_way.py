"""One referral under way per domain of need, unless the klantmanager says "additional".

A person holds at most one referral under way (``sent``, ``accepted``,
``started``) per domain: a second taal referral beside an accepted taal
course is refused, unless the klantmanager marks it ``additional`` (a second
course beside the first, a taalcafé beside a course). A domain with a
referral under way is served: the matches say so (``served_by``) and the
allocation proposal proposes nothing more in it (``models.caseload``).
``refer()`` and the waitlist's promotion apply the rule through
``models.referral_rules``.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.coalition import Offer
from models.errors import DomainUnderWay
from models.referral import Referral
from models.vocabulary import HOLDING_STATUSES


def served_domains(session: Session, person_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per person: domain → the id of their oldest referral under way in it."""
    ids = list(person_ids)
    served: dict[int, dict[str, int]] = {person_id: {} for person_id in ids}
    if not ids:
        return served
    rows = session.execute(
        select(Referral.inburgeraar_id, Offer.domain, Referral.id)
        .join(Offer, Offer.id == Referral.offer_id)
        .where(Referral.inburgeraar_id.in_(ids), Referral.status.in_(HOLDING_STATUSES))
        .order_by(Referral.id)
    )
    for person_id, domain, referral_id in rows:
        served[person_id].setdefault(domain, referral_id)
    return served


def served_by(session: Session, person_id: int, domain: str) -> int | None:
    """The person's referral under way in ``domain``, or None."""
    return served_domains(session, [person_id])[person_id].get(domain)


def domain_under_way(domain: str, referral_id: int) -> DomainUnderWay:
    """The refusal of a second referral in ``domain`` (409), naming the one under way.
    (The rule itself is applied by ``models.referral_rules``.)"""
    return DomainUnderWay(
        f"Deze inburgeraar heeft al een lopende verwijzing in het domein "
        f"{domain.replace('_', ' ')} (verwijzing {referral_id}). Verwijs alleen door als "
        "extra verwijzing naast de lopende (additional), of trek die eerst in.",
        referral_id,
    )

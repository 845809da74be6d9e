"""One referral under way per domain of need, unless the klantmanager says "additional".

A person holds at most one referral under way (``sent``, ``accepted``,
``started``) per domain: a second taal referral beside an accepted taal
course is refused, unless the klantmanager marks it ``additional`` (a second
course beside the first, a taalcafé beside a course). A domain with a
referral under way is served: the matches say so (``served_by``) and the
allocation proposal proposes nothing more in it (``models.caseload``).
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.coalition import Offer
from models.errors import DomainUnderWay
from models.people import Inburgeraar
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


def check_domain_free(session: Session, person_id: int, domain: str, *,
                      additional: bool = False) -> None:
    """Raise DomainUnderWay, naming the referral, when the person is served in ``domain``.

    The person's row is locked first, so two referrals of one person in one
    domain at once are checked one after the other (on SQLite a writing
    transaction holds the database's lock already).
    """
    if additional:
        return
    session.execute(select(Inburgeraar.id).where(Inburgeraar.id == person_id).with_for_update())
    referral_id = served_by(session, person_id, domain)
    if referral_id is not None:
        raise DomainUnderWay(
            f"Deze inburgeraar heeft al een lopende verwijzing in het domein "
            f"{domain.replace('_', ' ')} (verwijzing {referral_id}). Verwijs alleen door als "
            "extra verwijzing naast de lopende (additional), of trek die eerst in.",
            referral_id,
        )

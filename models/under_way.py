"""One referral under way per domain of need, unless the klantmanager says "additional".

A person holds at most one referral under way (``sent``, ``accepted``,
``started``) per domain: a second taal referral beside an accepted taal
course is refused, unless the klantmanager marks it ``additional`` (a second
course beside the first, a taalcafé beside a course). A domain with a
referral under way is served: the matches say so (``served_by``) and the
allocation proposal proposes nothing more in it (``models.caseload``).
``refer()`` and the waitlist's promotion apply the rule through
``models.referral_rules``; an offer's change of domain (the API, the portal,
the HSDS import) through ``domain_move_errors``.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

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


def domain_under_way(domain: str, referral_id: int) -> DomainUnderWay:
    """The refusal of a second referral in ``domain`` (409), naming the one under way.
    (The rule itself is applied by ``models.referral_rules``.)"""
    return DomainUnderWay(
        f"Deze inburgeraar heeft al een lopende verwijzing in het domein "
        f"{domain.replace('_', ' ')} (verwijzing {referral_id}). Verwijs alleen door als "
        "extra verwijzing naast de lopende (additional), of trek die eerst in.",
        referral_id,
    )


def domain_move_errors(session: Session, offer: Offer, domain: str | None) -> list[dict]:
    """Moving an offer to ``domain`` must not give anyone a second referral under way there:
    refused (the field's 422) while a person referred to it holds another in that domain.

    The offer's row is locked (the caller's), and the people referred to it are locked here,
    as ``refer()`` and the promotion lock a person before checking their domains: a referral
    to another offer in ``domain`` committed before is counted, one after sees the move.
    """
    if domain is None or domain == offer.domain:
        return []
    referred = (select(Referral.inburgeraar_id)
                .where(Referral.offer_id == offer.id, Referral.status.in_(HOLDING_STATUSES)))
    session.execute(select(Inburgeraar.id).where(Inburgeraar.id.in_(referred))
                    .order_by(Inburgeraar.id).with_for_update())
    other, elsewhere = aliased(Referral), aliased(Offer)
    clash = session.scalars(
        select(other.id).join(elsewhere, elsewhere.id == other.offer_id)
        .where(other.inburgeraar_id.in_(referred), other.offer_id != offer.id,
               other.status.in_(HOLDING_STATUSES), elsewhere.domain == domain)
        .order_by(other.id)).all()
    if not clash:
        return []
    return [{"field": "domain", "message":
             f"Wie naar dit aanbod is verwezen, heeft al een lopende verwijzing in het domein "
             f"{domain.replace('_', ' ')} (verwijzing {', '.join(map(str, clash))}); het "
             "domein kan pas wijzigen als die is afgerond."}]

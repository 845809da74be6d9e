"""Who may see what: the scoping rules of every role, in one place.

A klantmanager sees the inburgeraars and referrals of their own gemeente; a
partner sees their own offers and the referrals sent to them; the
coordinator sees everything. Whatever lies outside a user's reach is
reported as ``NotFound``, exactly as if it did not exist; a role that may
not use a kind of object at all gets ``Forbidden``.
"""

from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from models.account import Caller, User
from models.coalition import Offer
from models.errors import Forbidden, NotFound
from models.field_rules import REFERRED_PERSON_FIELDS
from models.people import Inburgeraar
from models.referral import Referral
from models.vocabulary import HOLDING_STATUSES

# The rules read an account's id, role and scope only: a portal's User or an API Caller.
Viewer = User | Caller
INBURGERAAR_ROLES = ("klantmanager", "coordinator")
# Which offers a list shows: open ones unless asked otherwise (API.md).
OFFER_LIST_STATUSES = ("open", "closed", "all")


def get_actor(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Forbidden("Dit account bestaat niet of is geblokkeerd.")
    return user


def inburgeraars_visible_to(user: Viewer) -> Select:
    if user.role not in INBURGERAAR_ROLES:
        raise Forbidden("Deze rol heeft geen toegang tot inburgeraars.")
    # Purged people (models/subject.py) are no one's case any more.
    query = select(Inburgeraar).where(Inburgeraar.purged_at.is_(None))
    if user.role == "klantmanager":
        query = query.where(Inburgeraar.gemeente_id == user.gemeente_id)
    return query


def may_see_inburgeraar(user: Viewer, person: Inburgeraar) -> bool:
    """Whether ``inburgeraars_visible_to(user)`` holds this person (for a loaded person)."""
    if user.role not in INBURGERAAR_ROLES or person.purged_at is not None:
        return False
    return user.role == "coordinator" or user.gemeente_id == person.gemeente_id


def visible_inburgeraar_id(session: Session, user: Viewer, inburgeraar_id: int) -> int:
    """The id when the user may see this inburgeraar, else NotFound; loads no personal data."""
    query = _visible_id_query(user.role)
    found = session.connection().execute(
        query, {"gemeente_id": user.gemeente_id, "inburgeraar_id": inburgeraar_id}
    ).scalar()
    if found is None:
        raise NotFound("Deze inburgeraar bestaat niet.")
    return found


@cache
def _visible_id_query(role: str) -> Select:
    """``inburgeraars_visible_to``'s rule for a role, built once with the scope and the id as
    parameters: the matches of a person check it on every request."""
    scope = Caller(id=0, role=role, gemeente_id=bindparam("gemeente_id"), partner_id=None)
    return (inburgeraars_visible_to(scope).with_only_columns(Inburgeraar.id)
            .where(Inburgeraar.id == bindparam("inburgeraar_id")))


def get_inburgeraar(session: Session, user: Viewer, inburgeraar_id: int) -> Inburgeraar:
    query = inburgeraars_visible_to(user).where(Inburgeraar.id == inburgeraar_id)
    person = session.scalars(query).first()
    if person is None:
        raise NotFound("Deze inburgeraar bestaat niet.")
    return person


def what_a_partner_sees(referral: Referral) -> dict:
    """Of the person referred, a partner sees what the referral needs and no more.

    While the referral holds a place, the person as they are now (the partner
    works with them); once it has ended (declined, withdrawn, expired,
    completed, dropped) it needs nothing more, so as they were when referred
    (``as_referred``; a field it did not keep is not shown): a level or days
    recorded since are the gemeente's, not the partner's.
    """
    person = referral.inburgeraar
    if referral.status in HOLDING_STATUSES:
        return {name: getattr(person, name) for name in REFERRED_PERSON_FIELDS}
    then = referral.as_referred or {}
    return {
        "pseudonym": person.pseudonym,
        "level": then.get("level"),
        "leerroute": then.get("leerroute"),
        "availability": list(then.get("availability") or []),
    }


def referrals_visible_to(user: Viewer) -> Select:
    query = select(Referral)
    if user.role == "klantmanager":
        query = query.join(Referral.inburgeraar).where(Inburgeraar.gemeente_id == user.gemeente_id)
    elif user.role == "partner":
        query = query.join(Referral.offer).where(Offer.partner_id == user.partner_id)
    return query


def get_referral(session: Session, user: Viewer, referral_id: int, *,
                 lock: bool = False) -> Referral:
    query = referrals_visible_to(user).where(Referral.id == referral_id)
    if lock:
        query = query.with_for_update(of=Referral)
    referral = session.scalars(query).first()
    if referral is None:
        raise NotFound("Deze verwijzing bestaat niet.")
    return referral


def offers_visible_to(user: Viewer, status: str = "all") -> Select:
    """Open offers for everyone; a partner also sees its own closed ones, the coordinator all.

    ``status`` narrows that to the ``open`` or ``closed`` ones (``OFFER_LIST_STATUSES``).
    """
    if status not in OFFER_LIST_STATUSES:
        raise ValueError(f"unknown offer status {status!r}")
    query = select(Offer)
    if status == "open":
        return query.where(Offer.closed_at.is_(None))
    if status == "closed":
        query = query.where(Offer.closed_at.is_not(None))
    if user.role == "coordinator":
        return query
    if user.role == "partner":
        return query.where((Offer.closed_at.is_(None)) | (Offer.partner_id == user.partner_id))
    return query.where(Offer.closed_at.is_(None))


def get_offer(session: Session, user: Viewer, offer_id: int) -> Offer:
    offer = session.scalars(offers_visible_to(user).where(Offer.id == offer_id)).first()
    if offer is None:
        raise NotFound("Dit aanbod bestaat niet.")
    return offer


def get_offer_to_manage(
    session: Session, user: Viewer, offer_id: int, *, lock: bool = False
) -> Offer:
    """An offer the user may change: their own (partner) or any (coordinator)."""
    if user.role not in ("partner", "coordinator"):
        raise Forbidden("Alleen de partner zelf of de coördinator beheert aanbod.")
    query = select(Offer).where(Offer.id == offer_id)
    if user.role == "partner":
        query = query.where(Offer.partner_id == user.partner_id)
    if lock:
        query = query.with_for_update()
    offer = session.scalars(query).first()
    if offer is None:
        raise NotFound("Dit aanbod bestaat niet.")
    return offer

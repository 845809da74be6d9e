"""Use cases for partners: the coordinator adds, changes and deactivates them; a partner
changes its own description, languages and postcode.

Ties are undirected (stored once, lower id first; a tie shows on both
sides), and a change replaces the partner's whole list. A partner is never
removed: deactivating keeps everything that happened, closes its open
offers through the one writer of an offer's places (``models.places``, which also
skips their waitlists), and shuts its accounts out (models/sign_in.py,
models/tokens.py). A partner with referrals under way is not deactivated.
The coalition version follows by itself (models/coalition_version.py), so
the matcher, the graph and the HSDS directory see the change at once.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from models import access, places
from models.account import User
from models.account_events import Origin, record_event
from models.coalition import Offer, Partner, Tie
from models.errors import Conflict, Forbidden, InvalidInput, NotFound
from models.geography import Gemeente, Postcode, can_look_up
from models.portal_sessions import end_all_sessions
from models.referral import Referral
from models.tokens import revoke_all
from models.vocabulary import HOLDING_STATUSES, PARTNER_KINDS

PARTNER_FIELDS = ("name", "kind", "gemeente", "postcode", "languages", "description", "ties",
                  "active")
# What a partner may change of itself; the rest is the coordinator's.
OWN_FIELDS = frozenset({"description", "languages", "postcode"})
PARTNER_STATUSES = ("active", "inactive", "all")


class PartnerBusy(Conflict):
    """Referrals under way hold the partner: it cannot be deactivated yet."""


def ties_of(session: Session, partner_ids: list[int]) -> dict[int, list[int]]:
    """Each partner's tied partners (both directions), sorted."""
    ties: dict[int, list[int]] = {pid: [] for pid in partner_ids}
    if not partner_ids:
        return ties
    rows = session.execute(select(Tie.partner_a_id, Tie.partner_b_id).where(
        or_(Tie.partner_a_id.in_(partner_ids), Tie.partner_b_id.in_(partner_ids)))).all()
    for a, b in rows:
        if a in ties:
            ties[a].append(b)
        if b in ties:
            ties[b].append(a)
    return {pid: sorted(others) for pid, others in ties.items()}


def partners_query(*, viewer_role: str, status: str = "active", kind: str | None = None,
                   gemeente: str | None = None):
    """Active partners for everyone; inactive ones only for the coordinator."""
    if status != "active" and viewer_role != "coordinator":
        raise Forbidden("Alleen de coördinator ziet gedeactiveerde partners.")
    query = select(Partner).order_by(Partner.name, Partner.id)
    if status == "active":
        query = query.where(Partner.active.is_(True))
    elif status == "inactive":
        query = query.where(Partner.active.is_(False))
    if kind:
        query = query.where(Partner.kind == kind)
    if gemeente:
        query = query.join(Gemeente, Gemeente.id == Partner.gemeente_id).where(
            Gemeente.name == gemeente)
    return query


def get_partner(session: Session, *, actor_id: int, partner_id: int) -> Partner:
    """Any active partner; an inactive one only for the coordinator (else not found)."""
    actor = access.get_actor(session, actor_id)
    partner = session.get(Partner, partner_id)
    if partner is None or (not partner.active and actor.role != "coordinator"):
        raise NotFound("Deze partner bestaat niet.")
    return partner


def create_partner(session: Session, *, actor_id: int, fields: Mapping[str, Any],
                   origin: Origin) -> Partner:
    """Add a partner of any kind with its place, languages and ties."""
    actor = _coordinator(session, actor_id)
    values = {k: v for k, v in fields.items() if k in PARTNER_FIELDS and k != "active"}
    errors = _errors(session, values, partner_id=None, creating=True)
    if errors:
        raise InvalidInput("De partner heeft ongeldige velden.", errors)
    partner = Partner(name=values["name"].strip(), kind=values["kind"],
                      gemeente_id=_gemeente_id(session, values["gemeente"]),
                      languages=values.get("languages") or [],
                      description=values.get("description"))
    _set_postcode(session, partner, values.get("postcode"))
    session.add(partner)
    session.flush()
    _set_ties(session, partner.id, values.get("ties") or [])
    record_event(session, "partner_created", origin, actor_id=actor.id, partner_id=partner.id,
                 detail=partner.name)
    return partner


def update_partner(session: Session, *, actor_id: int, partner_id: int,
                   changes: Mapping[str, Any], origin: Origin) -> Partner:
    """Change fields, replace the ties, or (de)activate.

    Raises Forbidden (403) when a partner changes more than its own
    description, languages and postcode, PartnerBusy (409) naming how many
    referrals are under way, InvalidInput (422) naming each bad field.
    """
    actor = access.get_actor(session, actor_id)
    changes = {k: v for k, v in changes.items() if k in PARTNER_FIELDS}
    if actor.role == "partner":
        if actor.partner_id != partner_id or set(changes) - OWN_FIELDS:
            raise Forbidden("Een partner wijzigt alleen de beschrijving, talen en postcode "
                            "van de eigen organisatie.")
    elif actor.role != "coordinator":
        raise Forbidden("Alleen de coördinator beheert partners.")
    partner = session.scalars(select(Partner).where(Partner.id == partner_id)
                              .with_for_update()).first()
    if partner is None:
        raise NotFound("Deze partner bestaat niet.")
    errors = _errors(session, changes, partner_id=partner_id, creating=False)
    if errors:
        raise InvalidInput("De partner heeft ongeldige velden.", errors)
    if changes.get("active") is False and partner.active:
        _deactivate(session, actor, partner)
        record_event(session, "partner_deactivated", origin, actor_id=actor.id,
                     partner_id=partner.id, detail=partner.name)
    elif changes.get("active") is True and not partner.active:
        partner.active = True
        record_event(session, "partner_changed", origin, actor_id=actor.id,
                     partner_id=partner.id, detail="weer actief")
    changed = _apply(session, partner, changes)
    if changed:
        record_event(session, "partner_changed", origin, actor_id=actor.id,
                     partner_id=partner.id, detail=", ".join(sorted(changed)))
    session.flush()
    return partner


def _deactivate(session: Session, actor, partner: Partner) -> None:
    """Close its open offers, then count the referrals under way; any, and all is undone.

    In that order: closing locks each offer's row (models/places.py), so no referral
    can be made on them meanwhile and the count is final.
    """
    places.close_partner_offers(session, partner_id=partner.id)
    under_way = session.scalar(
        select(func.count()).select_from(Referral).join(Offer, Offer.id == Referral.offer_id)
        .where(Offer.partner_id == partner.id, Referral.status.in_(HOLDING_STATUSES))
    )
    if under_way:
        raise PartnerBusy(
            f"Deze partner heeft nog {under_way} lopende verwijzing(en); rond die eerst af "
            "voordat u de partner deactiveert."
        )
    partner.active = False
    # Its people's sessions, tokens and API keys end for good, as a deactivated account's
    # do: reactivating the partner later does not bring them back; its people sign in anew.
    for user_id in session.scalars(select(User.id).where(User.partner_id == partner.id)):
        revoke_all(session, user_id)
        end_all_sessions(session, user_id)


def _apply(session: Session, partner: Partner, changes: Mapping[str, Any]) -> set[str]:
    changed = set()
    for name in ("name", "kind", "description", "languages"):
        value = changes.get(name)
        if value is not None and value != getattr(partner, name):
            setattr(partner, name, value.strip() if name == "name" else value)
            changed.add(name)
    if "description" in changes and changes["description"] is None and partner.description:
        partner.description = None
        changed.add("description")
    if changes.get("gemeente"):
        gemeente_id = _gemeente_id(session, changes["gemeente"])
        if gemeente_id != partner.gemeente_id:
            partner.gemeente_id = gemeente_id
            changed.add("gemeente")
    if "postcode" in changes and changes["postcode"] != partner.postcode:
        _set_postcode(session, partner, changes["postcode"])
        changed.add("postcode")
    ties = changes.get("ties")
    if ties is not None and sorted(set(ties)) != ties_of(session, [partner.id])[partner.id]:
        _set_ties(session, partner.id, ties)
        changed.add("ties")
    return changed


def _set_postcode(session: Session, partner: Partner, pc4: str | None) -> None:
    """The partner's place is its PC4's centroid (never a street address)."""
    postcode = session.get(Postcode, pc4) if pc4 else None
    partner.postcode = postcode.pc4 if postcode else None
    partner.lat, partner.lon = (postcode.lat, postcode.lon) if postcode else (None, None)


def _set_ties(session: Session, partner_id: int, others: list[int]) -> None:
    session.execute(delete(Tie).where(or_(Tie.partner_a_id == partner_id,
                                          Tie.partner_b_id == partner_id)))
    for other in sorted(set(others)):
        session.add(Tie(partner_a_id=min(partner_id, other), partner_b_id=max(partner_id, other)))
    session.flush()


def _errors(session: Session, values: Mapping[str, Any], *, partner_id: int | None,
            creating: bool) -> list[dict]:
    errors = []
    if creating:
        for required in ("name", "kind", "gemeente"):
            if not values.get(required):
                errors.append(_error(required, "Dit veld is verplicht."))
    if values.get("name") is not None and not str(values["name"]).strip():
        errors.append(_error("name", "Geef een naam op."))
    if values.get("kind") and values["kind"] not in PARTNER_KINDS:
        errors.append(_error("kind", "Kies een soort partner uit de lijst."))
    for language in values.get("languages") or []:
        if not isinstance(language, str) or not language.isalpha() or not 2 <= len(language) <= 3:
            errors.append(_error("languages", "Geef talen als taalcode, bijvoorbeeld nl of ar."))
            break
    return errors + reference_errors(session, values, partner_id=partner_id)


def reference_errors(session: Session, values: Mapping[str, Any], *,
                     partner_id: int | None = None) -> list[dict]:
    """The partner's fields that must name what the database holds: a gemeente and a
    postcode of the U16, ties to active partners (not to itself). ``values`` may come from a
    body that failed validation: a value of the wrong type is not named here."""
    errors = []
    gemeente, postcode = values.get("gemeente"), values.get("postcode")
    if can_look_up(gemeente) and _gemeente_id(session, gemeente) is None:
        errors.append(_error("gemeente", "Deze gemeente ligt niet in de regio Utrecht (U16)."))
    if can_look_up(postcode) and session.get(Postcode, postcode) is None:
        errors.append(_error("postcode", "Deze postcode ligt niet in de regio Utrecht (U16)."))
    ties = values.get("ties") if isinstance(values.get("ties"), list) else []
    if ties and all(isinstance(t, int) and not isinstance(t, bool) for t in ties):
        # Ids beyond the database's integers name no partner (and PostgreSQL refuses them).
        known = set(session.scalars(select(Partner.id).where(
            Partner.id.in_([t for t in ties if 1 <= t <= 2**31 - 1]),
            Partner.active.is_(True))))
        if partner_id in ties:
            errors.append(_error("ties", "Een partner heeft geen band met zichzelf."))
        elif set(ties) - known:
            errors.append(_error("ties", "Kies alleen bestaande, actieve partners."))
    return errors


def _gemeente_id(session: Session, name: str | None) -> int | None:
    if not name:
        return None
    return session.scalar(select(Gemeente.id).where(Gemeente.name == name.strip()))


def _coordinator(session: Session, actor_id: int):
    actor = access.get_actor(session, actor_id)
    if actor.role != "coordinator":
        raise Forbidden("Alleen de coördinator beheert partners.")
    return actor


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}

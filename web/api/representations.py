"""Rows as API bodies; what each role may see of them is decided here."""

from models import access
from models.access import Viewer
from models.coalition import Offer
from models.field_rules import REFERRED_PERSON_FIELDS
from models.people import Inburgeraar
from models.person_fields import recorded_values
from models.referral import Referral
from web.api import schemas


def offer(row: Offer, free: int) -> schemas.Offer:
    # Rows satisfy the schema already (the database's CHECKs); skip re-validating them.
    return schemas.Offer.model_construct(
        id=row.id,
        partner_id=row.partner_id,
        title=row.title,
        domain=row.domain,
        kind=row.kind,
        capacity=row.capacity,
        free=free,
        postcode=row.postcode,
        lat=row.lat,
        lon=row.lon,
        min_level=row.min_level,
        max_level=row.max_level,
        leerroutes=row.leerroutes,
        schedule=row.schedule,
        languages=row.languages,
        women_only=row.women_only,
        childcare=row.childcare,
        min_age=row.min_age,
        max_age=row.max_age,
        sectors=row.sectors,
        hours_per_week=row.hours_per_week,
        start=row.start,
        description=row.description,
        alfa=row.alfa,
        closed=row.closed_at is not None,
        hsds_service_id=row.uuid,
        # HSDS publishes no peer mentor as an organization (web/hsds/directory.py).
        hsds_organization_id=None if row.partner.kind == "mentor" else row.partner.uuid,
    )


def inburgeraar(row: Inburgeraar) -> schemas.Inburgeraar:
    return schemas.Inburgeraar(
        id=row.id,
        pseudonym=row.pseudonym,
        gemeente_id=row.gemeente_id,
        gemeente=row.gemeente.name,
        **recorded_values(row),
        needs=row.needs_by_domain,
        pip=None if row.pip is None else schemas.Pip(**row.pip.as_dict()),
    )


def referral(row: Referral, viewer: Viewer) -> schemas.Referral:
    """A partner sees the person as ``models.access.what_a_partner_sees`` says, and the note;
    the klantmanager and the coordinator, who read the person anyway, the same fields now."""
    if viewer.role == "partner":
        person = access.what_a_partner_sees(row)
    else:
        person = {name: getattr(row.inburgeraar, name) for name in REFERRED_PERSON_FIELDS}
    return schemas.Referral(
        id=row.id,
        offer_id=row.offer_id,
        inburgeraar_id=None if viewer.role == "partner" else row.inburgeraar_id,
        inburgeraar=schemas.ReferredPerson(**person),
        status=row.status,
        reason_code=row.reason_code,
        note=row.note,
        created_at=row.created_at,
        status_changed_at=row.status_changed_at,
        events=[
            schemas.ReferralEvent(
                at=e.at, from_status=e.from_status, to_status=e.to_status,
                reason_code=e.reason_code, reason=e.reason,
            )
            for e in row.events
        ],
    )

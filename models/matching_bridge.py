"""Build the engine's scenario from the database.

The matcher (``matching/``) knows nothing of the database; this module turns
rows into its plain objects. Ids become strings of the integer ids. An
offer's ``capacity`` in the scenario is its number of *free* places, as the
contract defines it.
"""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

import matching as engine
from matching.duaal import collide, schedule_mask
from matching.explanation import format_points  # noqa: F401 - for the portal
from matching.scoring import COMPONENTS, REGISTRY  # noqa: F401 - COMPONENTS for the portal
from matching.vocab import MENTOR_KINDS
from models.capacity import HOLDING_STATUSES, free_places
from models.clock import local_today
from models.coalition import Offer, Partner, Tie
from models.errors import NotEligible
from models.people import Inburgeraar
from models.person_fields import recorded_values
from models.pip import scenario_latin_literate, scenario_leerroute
from models.referral import Referral

# What the portal shows of a match's components: the engine's names, Dutch labels and points.
COMPONENT_LABELS = {name: component.label for name, component in REGISTRY.items()}

# A referral's state as an outcome the matcher learns from. Withdrawn and
# expired referrals say nothing about the fit and are left out. The reason code
# goes along: the engine holds no ``vol`` decline against the pair.
OUTCOME_OF_STATUS = {
    "completed": "completed",
    "dropped": "dropped",
    "declined": "declined",
    "sent": "ongoing",
    "accepted": "ongoing",
    "started": "ongoing",
}


def engine_partner(partner: Partner, ties: list[str]) -> engine.Partner:
    return engine.Partner(
        id=str(partner.id),
        kind=partner.kind,
        name=partner.name,
        gemeente=partner.gemeente.name,
        postcode=partner.postcode,
        lat=partner.lat,
        lon=partner.lon,
        languages=tuple(partner.languages),
        ties=tuple(ties),
    )


def engine_offer(offer: Offer, free: int) -> engine.Offer:
    return engine.Offer(
        id=str(offer.id),
        partner_id=str(offer.partner_id),
        domain=offer.domain,
        capacity=max(free, 0) if offer.closed_at is None else 0,
        title=offer.title,
        kind=offer.kind,
        postcode=offer.postcode,
        lat=offer.lat,
        lon=offer.lon,
        min_level=offer.min_level,
        max_level=offer.max_level,
        leerroutes=tuple(offer.leerroutes),
        schedule=tuple(offer.schedule),
        languages=tuple(offer.languages),
        women_only=offer.women_only,
        childcare=offer.childcare,
        min_age=offer.min_age,
        max_age=offer.max_age,
        sectors=tuple(offer.sectors),
        hours_per_week=offer.hours_per_week,
        start=offer.start.isoformat() if offer.start else None,
        description=offer.description,
        alfa=offer.alfa,
    )


def mentor_ids(partners: list[Partner]) -> set[int]:
    """Of ``partners``, those a person's maatje or mentor can be in a scenario: the active
    maatjesprojecten and mentors. A person's mentor that was deactivated since, or whose
    kind changed, anchors them nowhere (the engine refuses a scenario that names one)."""
    return {p.id for p in partners if p.active and p.kind in MENTOR_KINDS}


def active_mentor_ids(session: Session) -> set[int]:
    """:func:`mentor_ids` of the whole coalition."""
    return set(session.scalars(
        select(Partner.id).where(Partner.active.is_(True), Partner.kind.in_(MENTOR_KINDS))))


def engine_inburgeraar(
    person: Inburgeraar, needs: dict[str, float] | None = None, *, mentors: set[int] | None
) -> engine.Inburgeraar:
    """The person as the engine sees them, with their current needs unless ``needs`` is given.

    Every recorded field (``models.person_fields``) goes along, in the scenario's
    plain form; the PIP decides the leerroute and literacy when there is one.
    ``mentors``: the partners a mentor may be (:func:`mentor_ids`); another is left
    out. None: the mentor as recorded.
    """
    fields = {name: _scenario_value(value) for name, value in recorded_values(person).items()}
    mentor = person.mentor_id if mentors is None or person.mentor_id in mentors else None
    fields.update(
        mentor_id=str(mentor) if mentor else None,
        leerroute=scenario_leerroute(person.pip, person.leerroute),
        latin_literate=scenario_latin_literate(person.pip, person.latin_literate),
    )
    return engine.Inburgeraar(
        id=str(person.id),
        needs=person.needs_by_domain if needs is None else needs,
        gemeente=person.gemeente.name,
        **fields,
    )


def _scenario_value(value):
    """A column's value as the scenario holds it: lists as tuples, dates as ISO text."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def build_scenario(
    session: Session,
    *,
    inburgeraar_ids: list[int] | None = None,
    offer_ids: list[int] | None = None,
    reference_date: date | None = None,
) -> engine.Scenario:
    """The scenario of the given people (all when None) against the open offers.

    People and closed offers that occur in the history come along, so the
    learned component and the history rule see every earlier referral.
    """
    history_rows = session.execute(
        select(
            Referral.inburgeraar_id,
            Referral.offer_id,
            Referral.status,
            Referral.created_at,
            Referral.reason_code,
            Referral.as_referred,
        )
        .where(Referral.status.in_(OUTCOME_OF_STATUS))
        .order_by(Referral.id)
    ).all()
    people_query = select(Inburgeraar).options(
        selectinload(Inburgeraar.needs),
        selectinload(Inburgeraar.gemeente),
        selectinload(Inburgeraar.pip),
    )
    if inburgeraar_ids is not None:
        wanted = set(inburgeraar_ids) | {row.inburgeraar_id for row in history_rows}
        people_query = people_query.where(Inburgeraar.id.in_(wanted))
    people = session.scalars(people_query.order_by(Inburgeraar.id)).all()

    offer_filter = Offer.closed_at.is_(None)
    if offer_ids is not None:
        offer_filter = Offer.id.in_(offer_ids)
    history_offer_ids = {row.offer_id for row in history_rows}
    offers = session.scalars(
        select(Offer).where(or_(offer_filter, Offer.id.in_(history_offer_ids))).order_by(Offer.id)
    ).all()
    free = free_places(session, [o.id for o in offers])

    # A deactivated partner stays only as the holder of offers the history needs, without ties.
    partners = session.scalars(
        select(Partner).options(selectinload(Partner.gemeente))
        .where(or_(Partner.active.is_(True), Partner.id.in_({o.partner_id for o in offers})))
        .order_by(Partner.id)
    ).all()
    ties: dict[int, list[str]] = {p.id: [] for p in partners}
    for tie in session.scalars(select(Tie)):
        if tie.partner_a_id in ties and tie.partner_b_id in ties and all(
            p.active for p in partners if p.id in (tie.partner_a_id, tie.partner_b_id)
        ):
            ties[tie.partner_a_id].append(str(tie.partner_b_id))
            ties[tie.partner_b_id].append(str(tie.partner_a_id))

    mentors = mentor_ids(partners)
    return engine.Scenario(
        reference_date=reference_date or local_today(),
        partners=[engine_partner(p, ties[p.id]) for p in partners],
        offers=[engine_offer(o, free[o.id]) for o in offers],
        inburgeraars=[engine_inburgeraar(p, mentors=mentors) for p in people],
        history=[
            engine.HistoryEntry(
                inburgeraar_id=str(row.inburgeraar_id),
                offer_id=str(row.offer_id),
                outcome=OUTCOME_OF_STATUS[row.status],
                referred_on=row.created_at.date().isoformat(),
                reason_code=row.reason_code,
                as_referred=_as_referred(row.as_referred, mentors),
            )
            for row in history_rows
        ],
    )


def _as_referred(fields: dict | None, mentors: set[int]) -> dict | None:
    """A referral's snapshot of the person for the scenario. A mentor that can no longer be
    one (:func:`mentor_ids`) is given as none: the person's mentor now is not who they
    had then."""
    if not fields:
        return None
    mentor = fields.get("mentor_id")
    if mentor is not None and int(mentor) not in mentors:
        fields = {**fields, "mentor_id": None}
    return fields


def pair_scenario(
    session: Session, inburgeraar_id: int, offer_id: int, reference_date: date | None = None
) -> engine.Scenario:
    """The scenario of one person and one offer: what that pair's eligibility reads, no more.

    The partners are the offer's and the person's mentor (for the engine's
    references), without ties; the history is this pair's referrals.
    """
    person = session.scalars(
        select(Inburgeraar)
        .where(Inburgeraar.id == inburgeraar_id)
        .options(selectinload(Inburgeraar.needs), selectinload(Inburgeraar.gemeente))
    ).one()
    offer = session.get(Offer, offer_id)
    partner_ids = {offer.partner_id, person.mentor_id} - {None}
    partners = session.scalars(
        select(Partner).where(Partner.id.in_(partner_ids)).options(selectinload(Partner.gemeente))
    ).all()
    history = session.execute(
        select(Referral.status, Referral.created_at, Referral.reason_code)
        .where(
            Referral.inburgeraar_id == inburgeraar_id,
            Referral.offer_id == offer_id,
            Referral.status.in_(OUTCOME_OF_STATUS),
        )
        .order_by(Referral.id)
    ).all()
    return engine.Scenario(
        reference_date=reference_date or local_today(),
        partners=[engine_partner(p, []) for p in partners],
        offers=[engine_offer(offer, free_places(session, [offer.id])[offer.id])],
        inburgeraars=[engine_inburgeraar(person, mentors=mentor_ids(partners))],
        history=[
            engine.HistoryEntry(
                inburgeraar_id=str(inburgeraar_id),
                offer_id=str(offer_id),
                outcome=OUTCOME_OF_STATUS[row.status],
                referred_on=row.created_at.date().isoformat(),
                reason_code=row.reason_code,
            )
            for row in history
        ],
    )


def eligibility_failures(
    session: Session, inburgeraar_id: int, offer_id: int, reference_date: date | None = None
) -> list[tuple[str, str]]:
    """The engine's hard rules this pair fails (free places aside), as (rule, Dutch message),
    and the duaal week rule against the places the person holds."""
    scenario = pair_scenario(session, inburgeraar_id, offer_id, reference_date)
    matcher = engine.Matcher(scenario, check=False)
    failures = matcher.explain_ineligible(str(inburgeraar_id), str(offer_id), ignore_capacity=True)
    return [(f.rule, f.message) for f in failures] + duaal_failures(
        session, inburgeraar_id, offer_id)


_OTHER_HALF = {"taal": "werk", "werk": "taal"}
DUAAL_RULE = "duaal"


def duaal_failures(session: Session, inburgeraar_id: int, offer_id: int) -> list[tuple[str, str]]:
    """A duaal person's taal and werk places must fit in one week (``matching.duaal.collide``):
    the offer fails when it shares a day part with a place of the other half the person holds."""
    person, offer = session.get(Inburgeraar, inburgeraar_id), session.get(Offer, offer_id)
    if person is None or offer is None or not person.duaal or offer.domain not in _OTHER_HALF:
        return []
    held = session.scalars(
        select(Offer).join(Referral, Referral.offer_id == Offer.id)
        .where(Referral.inburgeraar_id == person.id, Referral.status.in_(HOLDING_STATUSES),
               Offer.domain == _OTHER_HALF[offer.domain], Offer.id != offer.id)
        .order_by(Offer.id)
    ).all()
    mask = schedule_mask(offer.schedule)
    return [(DUAAL_RULE, f"Dit aanbod valt op dezelfde dagdelen als “{other.title}” "
                      f"({other.domain}), waar deze inburgeraar met een duaal traject al "
                      "heen gaat.")
            for other in held if collide(mask, schedule_mask(other.schedule))]


def check_eligible(session: Session, inburgeraar_id: int, offer_id: int) -> None:
    """Raise NotEligible, naming every hard rule the pair fails (free places aside)."""
    failures = eligibility_failures(session, inburgeraar_id, offer_id)
    if failures:
        raise not_eligible(failures)


def not_eligible(failures: list[tuple[str, str]], also: list[dict] = ()) -> NotEligible:
    """The 422 naming every (rule, message) failed, and ``also`` the request's other bad
    fields; made only to be raised (a domain error made counts as refused in a watching unit
    of work)."""
    refused = NotEligible(
        "Deze inburgeraar komt niet in aanmerking voor dit aanbod: "
        + "; ".join(message for _, message in failures),
        failures,
    )
    refused.also = list(also)
    return refused

"""What the HSDS directory publishes, read from the database once per request.

Published: every partner except mentors, as an organization; every open
offer (``closed_at`` unset) as a service. Mentors are individual people, so a
mentor is never an organization: a mentor's offers are published as services
of the maatjesproject the mentor is tied to (the first by name when there are
several), at that project's place, under a neutral name and description, and
offers of a mentor without such a tie are not published at all. Nothing about
inburgeraars or referrals is published except the number of free places.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from models import Gemeente, Offer, Partner, Postcode, Referral, Tie
from models.capacity import free_places
from models.hsds_vocabulary import stable_id


@dataclass(frozen=True)
class Place:
    """Where something is published: a PC4 centroid, or else a gemeente's."""

    postcode: Postcode | None
    gemeente: Gemeente

    @property
    def key(self) -> str:
        return f"pc4:{self.postcode.pc4}" if self.postcode else f"gemeente:{self.gemeente.cbs_code}"

    @property
    def coordinates(self) -> tuple[float, float]:
        where = self.postcode or self.gemeente
        return where.lat, where.lon


@dataclass(frozen=True)
class Service:
    """An offer as published: under which organization, where, with how many free places."""

    offer: Offer
    organization: Partner
    place: Place
    by_mentor: bool
    free_places: int
    capacity_updated: datetime


class Directory:
    def __init__(self, session: Session):
        with_gemeente = selectinload(Postcode.gemeente)
        postcodes = {p.pc4: p for p in session.scalars(select(Postcode).options(with_gemeente))}
        # A deactivated partner leaves the directory (its offers are closed too).
        partners = session.scalars(
            select(Partner).where(Partner.active.is_(True)).options(selectinload(Partner.gemeente))
        ).all()
        self._postcodes = postcodes
        self.organizations = sorted(
            (p for p in partners if p.kind != "mentor"), key=lambda p: (p.name, str(p.uuid))
        )
        project_of = _projects_of_mentors(session, partners)
        offers = session.scalars(
            select(Offer).where(Offer.closed_at.is_(None)).options(selectinload(Offer.partner))
        ).all()
        free = free_places(session, [offer.id for offer in offers])
        changes = _last_referral_changes(session)
        services = []
        for offer in offers:
            by_mentor = offer.partner.kind == "mentor"
            organization = project_of.get(offer.partner_id) if by_mentor else offer.partner
            if organization is None or not offer.partner.active:
                continue
            services.append(Service(
                offer=offer,
                organization=organization,
                place=self.place_of_organization(organization) if by_mentor
                else self._place_of_offer(offer),
                by_mentor=by_mentor,
                free_places=free[offer.id],
                capacity_updated=max(
                    filter(None, (_aware(offer.updated_at), _aware(changes.get(offer.id))))
                ),
            ))
        self.services = sorted(services, key=lambda s: (s.offer.title, str(s.offer.uuid)))
        self._services_by_id = {str(s.offer.uuid): s for s in self.services}
        self._services_by_place_id = {
            stable_id("service_at_location", s.offer.uuid): s for s in self.services
        }
        self._organizations_by_id = {str(p.uuid): p for p in self.organizations}

    def service(self, service_id: str) -> Service | None:
        return self._services_by_id.get(service_id)

    def service_at_location(self, service_at_location_id: str) -> Service | None:
        return self._services_by_place_id.get(service_at_location_id)

    def organization(self, organization_id: str) -> Partner | None:
        return self._organizations_by_id.get(organization_id)

    def postcode(self, pc4: str) -> Postcode | None:
        return self._postcodes.get(pc4)

    def services_of(self, organization: Partner) -> list[Service]:
        return [s for s in self.services if s.organization.id == organization.id]

    def place_of_organization(self, partner: Partner) -> Place:
        return Place(self._postcodes.get(partner.postcode or ""), partner.gemeente)

    def places_of_organization(self, partner: Partner) -> list[Place]:
        """Its own place first, then the other places of its services."""
        own = self.place_of_organization(partner)
        others = {s.place.key: s.place for s in self.services_of(partner)}
        others.pop(own.key, None)
        return [own] + [others[key] for key in sorted(others)]

    def _place_of_offer(self, offer: Offer) -> Place:
        postcode = self._postcodes.get(offer.postcode or "")
        if postcode is None:
            return self.place_of_organization(offer.partner)
        return Place(postcode, postcode.gemeente)


def _projects_of_mentors(session: Session, partners) -> dict[int, Partner]:
    """Each mentor's maatjesproject: the first by name of those it is tied to."""
    by_id = {p.id: p for p in partners}
    mentors = {p.id for p in partners if p.kind == "mentor"}
    projects: dict[int, list[Partner]] = {}
    ties = session.execute(select(Tie.partner_a_id, Tie.partner_b_id).where(
        or_(Tie.partner_a_id.in_(mentors), Tie.partner_b_id.in_(mentors))))
    for a, b in ties:
        for mentor, other in ((a, b), (b, a)):
            if mentor in mentors and other in by_id and by_id[other].kind == "maatjesproject":
                projects.setdefault(mentor, []).append(by_id[other])
    return {
        mentor: min(candidates, key=lambda p: (p.name, str(p.uuid)))
        for mentor, candidates in projects.items()
    }


def _last_referral_changes(session: Session) -> dict[int, datetime]:
    """When any referral of each offer last changed state: its free places may have."""
    rows = session.execute(
        select(Referral.offer_id, func.max(Referral.status_changed_at)).group_by(Referral.offer_id)
    )
    return dict(rows.all())


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)

"""The demo server's data a test sets up for itself, through the use cases the portal calls.

The demo server is shared by every browser test of a run, in whatever order they run: a
test that needs a person or a referral makes its own rather than take the first of a list,
which other tests change.
"""

from sqlalchemy import select

from conftest import make_test_app
from models import Offer, User
from models.capacity import free_places
from models.inburgeraars import create_inburgeraar
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from web.extensions import db

KLANTMANAGER = "klantmanager.utrecht@wegwijs.example"
TAALSCHOOL = "taalschool@wegwijs.example"


def _fitting_person(session, partner_email: str, other_needs: dict[str, float]):
    """A new person of the klantmanager's gemeente made to fit one of the partner's open offers
    with a free place, so the hard rules all pass: (person, offer, klantmanager)."""
    partner_id = session.scalars(select(User.partner_id).where(User.email == partner_email)).one()
    offers = session.scalars(
        select(Offer).where(Offer.partner_id == partner_id, Offer.closed_at.is_(None))
        .order_by(Offer.id)
    ).all()
    free = free_places(session, [o.id for o in offers])
    offer = next(o for o in offers if free[o.id] > 0)
    klantmanager = session.scalars(select(User).where(User.email == KLANTMANAGER)).one()
    person = create_inburgeraar(
        session, actor_id=klantmanager.id, gemeente_id=None, pseudonym=None,
        fields={
            "postcode": offer.postcode, "gender": "v", "birth_year": 1990,
            "level": offer.min_level or "A2",
            "leerroute": offer.leerroutes[0] if offer.leerroutes else "b1",
            "availability": list(offer.schedule), "latin_literate": not offer.alfa,
        },
        needs={**other_needs, offer.domain: 3},
    )
    return person, offer, klantmanager


def in_database(server, work):
    """``work(session)`` in one unit of work on the demo server's database; its answer."""
    app = make_test_app(server.database_url)
    with app.app_context():
        try:
            with UnitOfWork(db.session):
                return work(db.session)
        finally:
            db.session.remove()
            db.engine.dispose()


def new_person(server, partner_email: str, other_needs: dict[str, float] | None = None
               ) -> tuple[int, str]:
    """A new person, not referred, who fits an open offer of the partner (with a free place)
    and has ``other_needs`` besides: (id, pseudonym). A test's own subject: on the shared demo
    server other tests refer people, and the first of a list may have no match left."""

    def work(session):
        person, _, _ = _fitting_person(session, partner_email, other_needs or {})
        return person.id, person.pseudonym

    return in_database(server, work)


def referral_to(server, partner_email: str, note: str) -> tuple[int, str]:
    """A new ``sent`` referral to one of the partner's open offers: (referral id, pseudonym)."""

    def work(session):
        person, offer, klantmanager = _fitting_person(session, partner_email, {})
        referral = refer(session, actor_id=klantmanager.id, inburgeraar_id=person.id,
                         offer_id=offer.id, note=note)
        return referral.id, person.pseudonym

    return in_database(server, work)

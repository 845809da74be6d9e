"""The partner's waitlists: per own offer, the queue in order, by pseudonym only."""

from flask import Blueprint, render_template
from sqlalchemy import select

from models import access
from models.coalition import Offer
from models.waitlist import queue
from web.audit import log_access
from web.extensions import db
from web.portal.security import actor_id


def add_waitlist_page(bp: Blueprint) -> None:
    """``/wachtlijsten`` on a partner's blueprint (the partner's and the werkgever's)."""

    @bp.get("/wachtlijsten")
    def waitlists():
        user = access.get_actor(db.session, actor_id())
        offers = db.session.scalars(
            select(Offer).where(Offer.partner_id == user.partner_id, Offer.closed_at.is_(None))
            .order_by(Offer.title, Offer.id)
        ).all()
        queues = [(offer, queue(db.session, offer.id)) for offer in offers]
        log_access("list", [e.inburgeraar_id for _, entries in queues for e in entries])
        return render_template("partner/waitlists.html", queues=queues)

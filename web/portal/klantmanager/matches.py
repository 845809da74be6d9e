"""One inburgeraar: profile, the ranked matches per domain of need, and "verwijs door".

For a duaal person also the week of taal and werk side by side, each offer
referred through the same form and route: with nothing held yet the best pairs
that fit in one week; with a place held in one of the two the offers of the
other that fit beside it; with places held in both, the week is complete
(``models.matches.duaal_week``).
"""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import InputRequired, Optional, Regexp

from models import access
from models.errors import DomainError
from models.field_rules import LONG_TEXT
from models.matches import duaal_week, full_offers_to_wait_for, matches_by_domain
from models.referral import Referral
from models.referral_service import refer
from models.under_way import served_domains
from web.audit import log_access
from web.extensions import db
from web.portal.forms import PortalForm, within
from web.portal.klantmanager import bp
from web.portal.security import actor_id

# Per domain the best three: the page fits on two screens, the full breakdown on demand.
TOP = 3


class ReferForm(PortalForm):
    offer_id = HiddenField(validators=[
        InputRequired("Kies een aanbod uit de lijst."),
        Regexp(r"^\d{1,9}$", message="Kies een aanbod uit de lijst."),
    ])
    note = TextAreaField(
        "Toelichting voor de partner", validators=[Optional(), within(LONG_TEXT)],
        description="Wat de partner moet weten om te beginnen; geen naam of BSN.",
    )
    # Only offered where the domain is served already: a second course, a taalcafé beside it.
    additional = BooleanField("Extra verwijzing naast de lopende")


@bp.get("/inburgeraars/<int:inburgeraar_id>")
def inburgeraar(inburgeraar_id: int):
    return render_person(inburgeraar_id)


@bp.post("/inburgeraars/<int:inburgeraar_id>/verwijzen")
def refer_person(inburgeraar_id: int):
    form = ReferForm()
    if form.validate():
        try:
            referral = refer(
                db.session, actor_id=actor_id(), inburgeraar_id=inburgeraar_id,
                offer_id=int(form.offer_id.data), note=form.note.data or None,
                additional=form.additional.data,
            )
        except DomainError as error:
            # Shown beside the matches; a person out of reach still gets the 404 page below.
            form.show_error(error)
        else:
            log_access("refer", [inburgeraar_id])
            flash(f"{referral.inburgeraar.pseudonym} is doorverwezen naar "
                  f"“{referral.offer.title}”. De partner krijgt de verwijzing te zien.", "ok")
            return redirect(url_for("klantmanager.referral", referral_id=referral.id))
    return render_person(inburgeraar_id, failed=form, status=422)


def render_person(inburgeraar_id: int, failed: ReferForm | None = None, status: int = 200):
    user = access.get_actor(db.session, actor_id())
    person = access.get_inburgeraar(db.session, user, inburgeraar_id)
    by_domain = matches_by_domain(db.session, person, TOP)
    referrals = db.session.scalars(
        select(Referral).where(Referral.inburgeraar_id == person.id)
        .options(selectinload(Referral.offer)).order_by(Referral.id.desc())
    ).all()
    week = duaal_week(db.session, person, referrals, TOP) if person.duaal else None
    by_id = {r.id: r for r in referrals}
    served = {domain: by_id[referral_id] for domain, referral_id
              in served_domains(db.session, [person.id])[person.id].items()}
    log_access("read", [person.id])
    log_access("match", [person.id])
    return render_template(
        "klantmanager/inburgeraar.html", person=person, by_domain=by_domain,
        week=week, referrals=referrals, failed=failed, served=served,
        full_offers=full_offers_to_wait_for(db.session, person),
    ), status


@bp.get("/kans-van-slagen")
def chance_explained():
    """A short page, in Dutch, on how the chance of success is estimated."""
    return render_template("klantmanager/chance.html")

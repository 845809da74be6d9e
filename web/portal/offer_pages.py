"""The pages a partner user works in: their offers (or plekken) and the referrals to them.

Taalscholen, maatjesprojecten and the like get the ``partner`` blueprint,
werkgevers the ``werkgever`` blueprint with plekken; both are built here
from one set of views, so the two never drift apart.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models import access
from models.capacity import free_places, held_places
from models.coalition import Offer
from models.errors import DomainError
from models.offers import close_offer, create_offer, offer_errors, reopen_offer, update_offer
from models.referral import Referral
from models.referral_service import STATUS_LABELS, allowed_targets
from web.audit import log_access
from web.extensions import db
from web.portal.navigation import is_werkgever_user
from web.portal.offer_forms import CapacityForm, OfferForm, PlekForm, StatusForm
from web.portal.referral_pages import referrals_page, submit_status_change
from web.portal.security import actor_id, role_required


@dataclass(frozen=True)
class Wording:
    """What the offers are called on these pages."""

    offers_title: str  # "Mijn aanbod"
    offer: str  # "aanbod"
    new_offer: str  # "Nieuw aanbod"
    places: str  # "plaatsen"
    place: str  # "plaats"


def offer_blueprint(name: str, url_prefix: str, *, werkgever: bool, wording: Wording) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix=url_prefix)
    form_class = PlekForm if werkgever else OfferForm

    @bp.before_request
    @role_required("partner")
    def only_this_kind_of_partner():
        # A werkgever's user works in /werkgever, every other partner's in /partner.
        if is_werkgever_user() != werkgever:
            abort(403)

    def render_offers(failed: CapacityForm | None = None, status: int = 200):
        user = access.get_actor(db.session, actor_id())
        offers = db.session.scalars(
            select(Offer).where(Offer.partner_id == user.partner_id)
            .order_by(Offer.closed_at.is_not(None), Offer.title, Offer.id)
        ).all()
        held = held_places(db.session, [o.id for o in offers])
        free = free_places(db.session, [o.id for o in offers])
        forms = {}
        for offer in offers:
            if failed is not None and failed.offer_id.data == str(offer.id):
                # The summary above the list names the offer, as the field's own label does.
                failed.capacity.label.text = f"{wording.places.capitalize()} voor “{offer.title}”"
                forms[offer.id] = failed
            else:
                forms[offer.id] = CapacityForm(
                    formdata=None, prefix=f"aanbod-{offer.id}", offer_id=offer.id,
                    capacity=offer.capacity,
                )
        return render_template(
            "partner/offers.html", offers=offers, held=held, free=free, forms=forms,
            failed=failed, wording=wording, bp=name, werkgever=werkgever,
        ), status

    @bp.get("/aanbod")
    def offers():
        return render_offers()

    def valid(form) -> bool:
        """The form's own checks and, when they fail, the use case's too: every error at once."""
        if form.validate_on_submit():
            return True
        if form.is_submitted():
            kind = access.get_actor(db.session, actor_id()).partner.kind
            form.show_rule_errors(offer_errors(db.session, form.offer_fields(), kind))
        return False

    @bp.route("/aanbod/nieuw", methods=["GET", "POST"])
    def new_offer():
        form = form_class()
        if valid(form):
            try:
                offer = create_offer(
                    db.session, actor_id=actor_id(), partner_id=None, fields=form.offer_fields()
                )
            except DomainError as error:
                form.show_error(error)
            else:
                flash(f"“{offer.title}” is geplaatst.", "ok")
                return redirect(url_for(f"{name}.offers"))
        status = 422 if form.is_submitted() else 200
        return render_template(
            "partner/offer_form.html", form=form, wording=wording, werkgever=werkgever
        ), status

    @bp.route("/aanbod/<int:offer_id>/wijzigen", methods=["GET", "POST"])
    def edit_offer(offer_id: int):
        user = access.get_actor(db.session, actor_id())
        offer = access.get_offer_to_manage(db.session, user, offer_id)
        form = form_class() if request.method == "POST" else form_class(formdata=None, obj=offer)
        form.keep_recorded_choices(offer)
        if valid(form):
            try:
                update_offer(db.session, actor_id=actor_id(), offer_id=offer.id,
                             changes=form.offer_fields())
            except DomainError as error:
                form.show_error(error)
            else:
                flash(f"“{offer.title}” is bijgewerkt.", "ok")
                return redirect(url_for(f"{name}.offers") + f"#aanbod-{offer.id}")
        status = 422 if form.is_submitted() else 200
        return render_template(
            "partner/offer_form.html", form=form, wording=wording, werkgever=werkgever,
            offer=offer,
        ), status

    @bp.post("/aanbod/<int:offer_id>/plaatsen")
    def change_capacity(offer_id: int):
        form = CapacityForm(prefix=f"aanbod-{offer_id}")
        form.offer_id.data = str(offer_id)
        if form.validate():
            try:
                offer = update_offer(
                    db.session, actor_id=actor_id(), offer_id=offer_id,
                    changes={"capacity": form.capacity.data},
                )
            except DomainError as error:
                form.show_error(error)
            else:
                places = wording.place if offer.capacity == 1 else wording.places
                flash(f"“{offer.title}” heeft nu {offer.capacity} {places}.", "ok")
                return redirect(url_for(f"{name}.offers") + f"#aanbod-{offer_id}")
        return render_offers(failed=form, status=422)

    @bp.post("/aanbod/<int:offer_id>/sluiten")
    def close(offer_id: int):
        close_offer(db.session, actor_id=actor_id(), offer_id=offer_id)
        flash("Gesloten: er komen geen nieuwe verwijzingen meer bij.", "ok")
        return redirect(url_for(f"{name}.offers"))

    @bp.post("/aanbod/<int:offer_id>/heropenen")
    def reopen(offer_id: int):
        reopen_offer(db.session, actor_id=actor_id(), offer_id=offer_id)
        flash("Heropend: het aanbod neemt weer verwijzingen aan.", "ok")
        return redirect(url_for(f"{name}.offers") + f"#aanbod-{offer_id}")

    @bp.get("/verwijzingen")
    def referrals():
        return referrals_page("partner/referrals.html", with_partner=False, bp=name)

    def render_referral(referral_id: int, form: StatusForm | None = None, status: int = 200):
        user = access.get_actor(db.session, actor_id())
        referral = access.get_referral(db.session, user, referral_id)
        log_access("read", [referral.inburgeraar_id])
        shown = access.what_a_partner_sees(referral)
        offer = referral.offer
        free = free_places(db.session, [offer.id])[offer.id]
        return render_template(
            "partner/referral.html", referral=referral, person=shown,
            targets=allowed_targets(referral.status, "partner"),
            form=form or StatusForm(formdata=None), bp=name, wording=wording,
            free_places=free, vol_prompt=_vol_prompt(referral, free),
        ), status

    @bp.get("/verwijzingen/<int:referral_id>")
    def referral(referral_id: int):
        return render_referral(referral_id)

    @bp.post("/verwijzingen/<int:referral_id>/status")
    def move_referral(referral_id: int):
        form, moved = submit_status_change(referral_id)
        if moved is None:
            return render_referral(referral_id, form=form, status=422)
        flash(f"De verwijzing van {moved.inburgeraar.pseudonym} is nu "
              f"{STATUS_LABELS[moved.status]}.", "ok")
        return redirect(url_for(f"{name}.referral", referral_id=referral_id))

    return bp


def _vol_prompt(referral: Referral, free: int) -> dict | None:
    """A decline for ``vol`` while the offer still shows free places: offer to set its
    places to what referrals hold, so no new referral comes for a place that is not there."""
    if referral.status != "declined" or referral.reason_code != "vol" or free <= 0:
        return None
    held = held_places(db.session, [referral.offer_id])[referral.offer_id]
    form = CapacityForm(formdata=None, prefix=f"aanbod-{referral.offer_id}",
                        offer_id=referral.offer_id, capacity=held)
    return {"free": free, "held": held, "capacity": referral.offer.capacity, "form": form}


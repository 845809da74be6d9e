"""What the klantmanager's and the partner's referral pages share: the list and the status change.

Each role shows a referral its own way (the partner sees only what the referral
needs of the person), but listing the referrals one may see and moving one on
go the same way for both, so they are written once here.
"""

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from models import access
from models.coalition import Offer, Partner
from models.errors import DomainError
from models.people import Inburgeraar
from models.referral import Referral
from models.referral_service import STATUS_LABELS, change_status
from models.vocabulary import REMINDER_AFTER
from models.werkbak import near_expiry
from web.audit import log_access
from web.extensions import db
from web.portal import choices, labels
from web.portal.coordinator.csv_export import csv_response
from web.portal.coordinator.tables import Table
from web.portal.forms import PortalForm
from web.portal.listing import INVALID_FILTER, all_rows, paged, wants_csv
from web.portal.offer_forms import StatusForm
from web.portal.security import actor_id

NEAR_EXPIRY = "bijna-verlopen"


class ReferralFilterForm(PortalForm):
    q = StringField("Zoek op pseudoniem", validators=[Optional(), Length(max=16)])
    status = SelectField(
        "Status",
        choices=choices.optional(
            [SelectChoice(code, label) for code, label in STATUS_LABELS.items()], "alle"),
        default="",
    )
    domain = SelectField(
        "Domein", choices=choices.optional(choices.DOMAIN_CHOICES, "alle domeinen"), default="",
    )
    offer = SelectField("Aanbod", choices=choices.optional([], "al het aanbod"), default="")
    termijn = SelectField(
        "Termijn",
        choices=choices.optional(
            [SelectChoice(NEAR_EXPIRY,
                          f"wacht {REMINDER_AFTER.days} dagen of langer op antwoord")], "alle"),
        default="",
    )


def _pseudonym():
    return (select(Inburgeraar.pseudonym).where(Inburgeraar.id == Referral.inburgeraar_id)
            .correlate(Referral).scalar_subquery())


def _offer_column(column):
    return select(column).where(Offer.id == Referral.offer_id).correlate(Referral).scalar_subquery()


def _partner_name():
    return (select(Partner.name).join(Offer, Offer.partner_id == Partner.id)
            .where(Offer.id == Referral.offer_id).correlate(Referral).scalar_subquery())


SORTS = {
    "inburgeraar": (_pseudonym(),),
    "aanbod": (_offer_column(Offer.title),),
    "partner": (_partner_name(),),
    "status": (Referral.status,),
    "verwezen": (Referral.created_at,),
    "gewijzigd": (Referral.status_changed_at,),
}
ORDER = {"sorts": SORTS, "default": "gewijzigd", "default_descending": True,
         "tiebreak": Referral.id}


def _filtered_referrals() -> tuple[ReferralFilterForm, object | None]:
    """The filter form and the referrals it leaves; no query when the form refuses a filter."""
    user = access.get_actor(db.session, actor_id())
    form = ReferralFilterForm(request.args, meta={"csrf": False})
    offers = db.session.execute(
        select(Offer.id, Offer.title).where(Offer.id.in_(
            access.referrals_visible_to(user).with_only_columns(Referral.offer_id)))
        .order_by(Offer.title, Offer.id)
    ).all()
    form.offer.choices = choices.optional(
        [SelectChoice(str(o.id), o.title) for o in offers], "al het aanbod")
    if not form.validate():
        return form, None
    query = access.referrals_visible_to(user).options(
        selectinload(Referral.inburgeraar), selectinload(Referral.offer).selectinload(Offer.partner)
    )
    if form.q.data:
        query = query.where(_pseudonym().ilike(f"%{form.q.data.strip()}%"))
    if form.status.data:
        query = query.where(Referral.status == form.status.data)
    if form.domain.data:
        query = query.where(_offer_column(Offer.domain) == form.domain.data)
    if form.offer.data:
        query = query.where(Referral.offer_id == int(form.offer.data))
    if form.termijn.data == NEAR_EXPIRY:
        query = query.where(near_expiry())
    return form, query


def referrals_page(template: str, with_partner: bool, **context) -> ResponseReturnValue:
    """The referrals the user may see, filtered, sorted and paged as the request asks, or
    every one the filters leave as CSV (``?formaat=csv``); the access log names who is listed.

    ``template`` renders ``macros/referrals.html``'s ``referral_list``. A filter the form
    refuses lists and exports none (422, the field named): never every referral as if filtered.
    """
    form, query = _filtered_referrals()
    if query is None:
        return render_template(template, listing=None, filters=form, **context), INVALID_FILTER
    if wants_csv():
        return _referrals_csv(query, with_partner)
    listing = paged(db.session, query, **ORDER)
    log_access("list", [r.inburgeraar_id for r in listing.rows])
    return render_template(template, listing=listing, filters=form, **context)


def _referrals_csv(query, with_partner: bool) -> Response:
    """Every referral the filters leave, as a spreadsheet keeps them."""
    rows = all_rows(db.session, query, **ORDER)
    log_access("list", [r.inburgeraar_id for r in rows])
    headers = ["Inburgeraar", "Aanbod", *(["Partner"] if with_partner else []), "Domein",
               "Status", "Verwezen op", "Laatst gewijzigd"]
    return csv_response(Table("verwijzingen", "Verwijzingen", headers, [
        [r.inburgeraar.pseudonym, r.offer.title, *([r.offer.partner.name] if with_partner else []),
         labels.DOMAIN_LABELS[r.offer.domain], STATUS_LABELS[r.status],
         r.created_at.date().isoformat(), r.status_changed_at.date().isoformat()]
        for r in rows
    ]))


def submit_status_change(referral_id: int) -> tuple[StatusForm, Referral | None]:
    """Move the referral as the posted form asks.

    Returns the form and the moved referral, or the form with its Dutch errors
    and ``None`` when nothing changed.
    """
    form = StatusForm()
    if not form.validate():
        return form, None
    try:
        moved = change_status(
            db.session, actor_id=actor_id(), referral_id=referral_id,
            to_status=form.to_status.data, reason=form.reason.data,
            reason_code=form.reason_code.data or None,
        )
    except DomainError as error:
        form.show_error(error)
        return form, None
    log_access("status", [moved.inburgeraar_id])
    return form, moved

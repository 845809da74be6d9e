"""The coordinator runs the coalition from the portal: partners, accounts, API keys, sign-ins.

Each page calls the same use cases as the API (models/partners.py,
models/accounts.py, models/tokens.py); a partner edits its own description,
languages and postcode at ``/organisatie``.
"""

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from models.account import User
from models.account_events import ACTIONS, AccountEvent, events_query, recent_events
from models.accounts import (
    get_account,
    invite_account,
    is_unused,
    list_accounts,
    resend_invitation,
    second_factors,
    update_account,
)
from models.coalition import Partner
from models.errors import DomainError
from models.geography import Gemeente
from models.lockout import locked_accounts
from models.partners import create_partner, partners_query, ties_of, update_partner
from models.tokens import api_keys, revoke_api_key
from models.vocabulary import PARTNER_KINDS, ROLES
from web.audit import current_origin
from web.extensions import db
from web.portal.forms import CheckboxesField, PortalForm
from web.portal.labels import PARTNER_KIND_LABELS
from web.portal.listing import paged
from web.portal.navigation import add_nav_item
from web.portal.security import actor_id, role_required

bp = Blueprint("coalition_admin", __name__)
ROLE_LABELS = {"coordinator": "Coördinator", "klantmanager": "Klantmanager", "partner": "Partner"}


def _gemeenten() -> list[SelectChoice]:
    return [SelectChoice(name, name) for name in
            db.session.scalars(select(Gemeente.name).order_by(Gemeente.name))]


def _partners(exclude: int | None = None) -> list[SelectChoice]:
    rows = db.session.scalars(partners_query(viewer_role="coordinator")).all()
    return [SelectChoice(str(p.id), f"{p.name} ({PARTNER_KIND_LABELS.get(p.kind, p.kind)})")
            for p in rows if p.id != exclude]


def _languages(text: str | None) -> list[str]:
    return [part.strip().lower() for part in (text or "").replace(";", ",").split(",")
            if part.strip()]


class ProfileForm(PortalForm):
    """What a partner changes of itself."""

    postcode = StringField("Postcode (4 cijfers)", validators=[Optional(), Length(max=4)])
    languages = StringField("Talen", validators=[Optional(), Length(max=200)],
                            description="Taalcodes, gescheiden door komma's: nl, ar, ti")
    description = TextAreaField("Beschrijving", validators=[Optional(), Length(max=4000)])


class PartnerForm(ProfileForm):
    name = StringField("Naam", validators=[InputRequired("Geef een naam op."), Length(max=200)])
    kind = SelectField("Soort partner", choices=[
        SelectChoice(k, PARTNER_KIND_LABELS.get(k, k)) for k in PARTNER_KINDS])
    gemeente = SelectField("Gemeente", choices=[])
    ties = CheckboxesField("Werkt samen met", choices=[])


def _partner_fields(form: ProfileForm, own_only: bool = False) -> dict:
    fields = {"postcode": form.postcode.data or None,
              "languages": _languages(form.languages.data),
              "description": form.description.data or None}
    if not own_only:
        fields |= {"name": form.name.data, "kind": form.kind.data,
                   "gemeente": form.gemeente.data,
                   "ties": [int(t) for t in form.ties.data or []]}
    return fields


# --- partners ------------------------------------------------------------------------------

@bp.get("/coordinator/partners")
@role_required("coordinator")
def partners():
    rows = db.session.scalars(partners_query(viewer_role="coordinator", status="all")).all()
    ties = ties_of(db.session, [p.id for p in rows])
    return render_template("coalition/partners.html", partners=rows, ties=ties,
                           kind_labels=PARTNER_KIND_LABELS)


@bp.route("/coordinator/partners/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def new_partner():
    form = PartnerForm()
    form.gemeente.choices = _gemeenten()
    form.ties.choices = _partners()
    if form.validate_on_submit():
        try:
            partner = create_partner(db.session, actor_id=actor_id(),
                                     fields=_partner_fields(form), origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            flash(f"{partner.name} is toegevoegd aan de coalitie.", "ok")
            return redirect(url_for("coalition_admin.partners"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("coalition/partner_form.html", form=form, partner=None), status


@bp.route("/coordinator/partners/<int:partner_id>", methods=["GET", "POST"])
@role_required("coordinator")
def edit_partner(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=None if request.method == "POST" else partner)
    form.gemeente.choices = _gemeenten()
    form.ties.choices = _partners(exclude=partner.id)
    if request.method == "GET":
        form.gemeente.data = partner.gemeente.name
        form.languages.data = ", ".join(partner.languages or [])
        form.ties.data = [str(t) for t in ties_of(db.session, [partner.id])[partner.id]]
    elif form.validate_on_submit():
        try:
            update_partner(db.session, actor_id=actor_id(), partner_id=partner.id,
                           changes=_partner_fields(form), origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            flash(f"{partner.name} is gewijzigd.", "ok")
            return redirect(url_for("coalition_admin.partners"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("coalition/partner_form.html", form=form, partner=partner,
                           events=recent_events(db.session, partner_id=partner.id, limit=50),
                           action_labels=ACTIONS), status


@bp.post("/coordinator/partners/<int:partner_id>/actief")
@role_required("coordinator")
def partner_active(partner_id: int):
    active = request.form.get("active") == "1"
    try:
        partner = update_partner(db.session, actor_id=actor_id(), partner_id=partner_id,
                                 changes={"active": active}, origin=current_origin())
    except DomainError as error:
        flash(error.message, "error")
        # A refused change writes nothing (the unit of work rolls back on 409).
        return render_template("coalition/refused.html", message=error.message,
                               back=url_for("coalition_admin.edit_partner",
                                            partner_id=partner_id)), 409
    flash(f"{partner.name} is {'weer actief' if active else 'gedeactiveerd'}.", "ok")
    return redirect(url_for("coalition_admin.partners"))


@bp.route("/organisatie", methods=["GET", "POST"])
@role_required("partner")
def own_partner():
    partner = current_user.user.partner
    form = ProfileForm(obj=None if request.method == "POST" else partner)
    if request.method == "GET":
        form.languages.data = ", ".join(partner.languages or [])
    elif form.validate_on_submit():
        try:
            update_partner(db.session, actor_id=actor_id(), partner_id=partner.id,
                           changes=_partner_fields(form, own_only=True), origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            flash("De gegevens van uw organisatie zijn opgeslagen.", "ok")
            return redirect(url_for("coalition_admin.own_partner"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("coalition/own_partner.html", form=form, partner=partner), status


# --- accounts ------------------------------------------------------------------------------

class InviteForm(PortalForm):
    email = EmailField("E-mailadres", validators=[InputRequired("Vul een e-mailadres in."),
                                                  Length(max=254)])
    role = SelectField("Rol", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    partner_id = SelectField("Partner (bij rol partner)", choices=[])
    gemeente = SelectField("Gemeente (bij rol klantmanager)", choices=[])


def _organisation_choices(form: InviteForm) -> None:
    form.partner_id.choices = [SelectChoice("", "— geen —"), *_partners()]
    form.gemeente.choices = [SelectChoice("", "— geen —"), *_gemeenten()]


def _organisation(form: InviteForm) -> dict:
    return {"role": form.role.data,
            "partner_id": int(form.partner_id.data) if form.partner_id.data else None,
            "gemeente": form.gemeente.data or None}


@bp.get("/coordinator/accounts")
@role_required("coordinator")
def accounts():
    users = list_accounts(db.session, actor_id=actor_id())
    invite = InviteForm()
    _organisation_choices(invite)
    return render_template(
        "coalition/accounts.html", users=users, invite=invite, role_labels=ROLE_LABELS,
        factors={u.id: second_factors(db.session, u) for u in users},
        unused={u.id for u in users if u.is_active and is_unused(u)},
        locked=locked_accounts(db.session),
    )


@bp.post("/coordinator/accounts")
@role_required("coordinator")
def invite():
    form = InviteForm()
    _organisation_choices(form)
    if form.validate_on_submit():
        try:
            invitation = invite_account(db.session, actor_id=actor_id(), email=form.email.data,
                                        origin=current_origin(), **_organisation(form))
        except DomainError as error:
            form.show_error(error)
        else:
            flash(f"{invitation.user.email} is uitgenodigd; de uitnodiging gaat per mail.", "ok")
            return redirect(url_for("coalition_admin.accounts"))
    users = list_accounts(db.session, actor_id=actor_id())
    return render_template(
        "coalition/accounts.html", users=users, invite=form, role_labels=ROLE_LABELS,
        factors={u.id: second_factors(db.session, u) for u in users},
        unused={u.id for u in users if u.is_active and is_unused(u)},
        locked=locked_accounts(db.session),
    ), 422


@bp.route("/coordinator/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required("coordinator")
def account(user_id: int):
    user = get_account(db.session, actor_id=actor_id(), user_id=user_id)
    form = InviteForm()
    _organisation_choices(form)
    if request.method == "GET":
        form.role.data = user.role
        form.partner_id.data = str(user.partner_id or "")
        form.gemeente.data = user.gemeente.name if user.gemeente else ""
    elif form.validate_on_submit():
        try:
            update_account(db.session, actor_id=actor_id(), user_id=user.id,
                           changes=_organisation(form), origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            flash(f"{user.email} is gewijzigd.", "ok")
            return redirect(url_for("coalition_admin.account", user_id=user.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "coalition/account.html", user=user, form=form, role_labels=ROLE_LABELS,
        second_factor=second_factors(db.session, user), action_labels=ACTIONS,
        events=recent_events(db.session, user_id=user.id, limit=50),
    ), status


@bp.post("/coordinator/accounts/<int:user_id>/actief")
@role_required("coordinator")
def account_active(user_id: int):
    active = request.form.get("active") == "1"
    try:
        user = update_account(db.session, actor_id=actor_id(), user_id=user_id,
                              changes={"active": active}, origin=current_origin())
    except DomainError as error:
        return render_template("coalition/refused.html", message=error.message,
                               back=url_for("coalition_admin.account", user_id=user_id)), 409
    flash(f"{user.email} is {'weer actief' if active else 'gedeactiveerd'}.", "ok")
    return redirect(url_for("coalition_admin.account", user_id=user_id))


@bp.post("/coordinator/accounts/<int:user_id>/uitnodiging")
@role_required("coordinator")
def account_invitation(user_id: int):
    try:
        invitation = resend_invitation(db.session, actor_id=actor_id(), user_id=user_id,
                                       origin=current_origin())
    except DomainError as error:
        return render_template("coalition/refused.html", message=error.message,
                               back=url_for("coalition_admin.account", user_id=user_id)), 409
    flash(f"Een nieuwe uitnodiging gaat naar {invitation.user.email}; de vorige link werkt "
          "niet meer.", "ok")
    return redirect(url_for("coalition_admin.account", user_id=user_id))


@bp.get("/coordinator/api-sleutels")
@role_required("coordinator")
def keys():
    rows = api_keys(db.session, actor_id=actor_id())
    owners = dict(db.session.execute(select(User.id, User.email).where(
        User.id.in_({k.user_id for k in rows}))).all())
    return render_template("coalition/api_keys.html", keys=rows, owners=owners)


@bp.post("/coordinator/api-sleutels/<int:key_id>/intrekken")
@role_required("coordinator")
def revoke_key(key_id: int):
    revoke_api_key(db.session, actor_id=actor_id(), key_id=key_id, origin=current_origin())
    flash("De API-sleutel is ingetrokken.", "ok")
    return redirect(url_for("coalition_admin.keys"))


# Events are appended, never changed: the moment's order is the id's.
EVENT_SORTS = {"moment": (AccountEvent.id,), "wat": (AccountEvent.action,),
               "kanaal": (AccountEvent.channel,)}


@bp.get("/coordinator/aanmeldingen")
@role_required("coordinator")
def events():
    action = request.args.get("handeling") or None
    if action not in ACTIONS:
        action = None
    listing = paged(db.session, events_query(action=action), sorts=EVENT_SORTS,
                    default="moment", default_descending=True, tiebreak=AccountEvent.id)
    rows = listing.rows
    ids = {r.actor_id for r in rows} | {r.user_id for r in rows}
    emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())
    names = dict(db.session.execute(select(Partner.id, Partner.name).where(
        Partner.id.in_({r.partner_id for r in rows}))).all())
    return render_template("coalition/events.html", rows=rows, listing=listing, emails=emails,
                           names=names, action_labels=ACTIONS, action=action)


def init_coalition_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav_item(app, "Partners", "coalition_admin.partners", ("coordinator",))
    add_nav_item(app, "Mijn account", "account.overview",
                 ("coordinator", "klantmanager", "partner"))

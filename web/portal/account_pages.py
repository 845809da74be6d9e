"""``/account``: one's own password, second factors and API keys.

Every change of a factor asks the password and a current code again and
mails the person (models/factor_changes.py); a new password asks the
current one and a code, and ends the account's other sessions and tokens
(this browser's session is renewed with it).
"""

import json
from datetime import datetime, time, timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import DateField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from models.accounts import change_password
from models.base import now_utc
from models.clock import LOCAL_TIME, local_today
from models.errors import DomainError
from models.factor_changes import (
    confirm_identity,
    passkey_added,
    remove_passkey,
    replace_recovery_codes,
    replace_totp,
)
from models.passkeys import passkeys_of, register, registration_options
from models.second_factor import take_code, unused_recovery_codes
from models.tokens import API_KEY_MAX_LIFETIME, api_keys, create_api_key, revoke_api_key
from web.audit import current_origin
from web.extensions import db
from web.portal.enrolment import totp_for, totp_view
from web.portal.forms import PortalForm
from web.portal.security import actor_id, relying_party, start_session

bp = Blueprint("account", __name__, url_prefix="/account")


def _password(label="Wachtwoord"):
    return PasswordField(label, validators=[InputRequired("Vul uw wachtwoord in."),
                                            Length(max=1024)],
                         render_kw={"autocomplete": "current-password"})


def _code():
    return StringField("Code uit de app of herstelcode",
                       validators=[InputRequired("Vul een code in."), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code"})


class PasswordChangeForm(PortalForm):
    current_password = _password("Huidig wachtwoord")
    new_password = PasswordField("Nieuw wachtwoord", validators=[
        InputRequired("Kies een nieuw wachtwoord."), Length(max=1024)],
        render_kw={"autocomplete": "new-password"})
    code = _code()


class ConfirmForm(PortalForm):
    password = _password()
    code = _code()


class PasskeyRemoveForm(ConfirmForm):
    passkey = SelectField("Passkey", coerce=int, choices=[])


class NewTotpForm(PortalForm):
    code = StringField("Code uit de app", validators=[InputRequired("Vul de code in."),
                                                      Length(max=16)])


class ApiKeyForm(PortalForm):
    name = StringField("Naam van de sleutel", validators=[
        InputRequired("Geef de sleutel een naam."), Length(max=100)],
        description="Bijvoorbeeld: cursusadministratie")
    expires_on = DateField("Geldig tot en met", validators=[InputRequired("Kies een datum.")])


@bp.before_request
@login_required
def signed_in():
    """Every page here is the signed-in person's own."""


def _user():
    return current_user.user


def _page(status=200, **forms):
    user = _user()
    forms.setdefault("password_form", PasswordChangeForm(prefix="pw"))
    forms.setdefault("codes_form", ConfirmForm(prefix="codes"))
    forms.setdefault("totp_form", ConfirmForm(prefix="totp"))
    forms.setdefault("passkey_form", ConfirmForm(prefix="pk"))
    remove = forms.setdefault("remove_form", PasskeyRemoveForm(prefix="rm"))
    passkeys = passkeys_of(db.session, user.id)
    remove.passkey.choices = [(p.id, p.name) for p in passkeys]
    key_form = forms.setdefault("key_form", ApiKeyForm(prefix="key"))
    if key_form.expires_on.data is None:
        key_form.expires_on.data = local_today() + timedelta(days=180)
    return render_template(
        "account/account.html", user=user, passkeys=passkeys,
        codes_left=unused_recovery_codes(db.session, user.id),
        keys=[k for k in api_keys(db.session, actor_id=actor_id()) if k.user_id == user.id],
        max_key_day=local_today() + API_KEY_MAX_LIFETIME, **forms,
    ), status


@bp.get("")
def overview():
    return _page()


@bp.post("/wachtwoord")
def password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate():
        user = _user()
        try:
            factor_ok = take_code(db.session, user, form.code.data) if user.totp_secret else None
            change_password(db.session, user_id=user.id,
                            current_password=form.current_password.data,
                            new_password=form.new_password.data, factor_ok=factor_ok,
                            origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            start_session(user)  # this session goes on; every other one has ended
            flash("Uw wachtwoord is gewijzigd. Andere sessies en tokens zijn beëindigd.", "ok")
            return redirect(url_for("account.overview"))
    return _page(422, password_form=form)


@bp.post("/herstelcodes")
def recovery_codes():
    form = ConfirmForm(prefix="codes")
    if form.validate():
        try:
            confirm_identity(db.session, _user(), form.password.data, form.code.data)
            codes = replace_recovery_codes(db.session, _user(), current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            return render_template("account/recovery_codes.html", codes=codes, first=False)
    return _page(422, codes_form=form)


@bp.post("/app")
def new_totp_start():
    form = ConfirmForm(prefix="totp")
    if form.validate():
        try:
            confirm_identity(db.session, _user(), form.password.data, form.code.data)
        except DomainError as error:
            form.show_error(error)
        else:
            session["totp_confirmed"] = _user().id
            session.pop("totp_setup", None)
            return redirect(url_for("account.new_totp"))
    return _page(422, totp_form=form)


@bp.route("/app/nieuw", methods=["GET", "POST"])
def new_totp():
    if session.get("totp_confirmed") != _user().id:
        return redirect(url_for("account.overview"))
    secret = totp_for(f"replace:{_user().id}")
    form = NewTotpForm()
    if form.validate_on_submit():
        try:
            codes = replace_totp(db.session, _user(), secret, form.code.data, current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            session.pop("totp_confirmed", None)
            session.pop("totp_setup", None)
            return render_template("account/recovery_codes.html", codes=codes, first=False)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("account/new_totp.html", form=form,
                           totp=totp_view(secret, _user().email)), status


@bp.post("/passkeys/opties")
def passkey_options():
    body = request.get_json(silent=True) or {}
    try:
        confirm_identity(db.session, _user(), body.get("password", ""), body.get("code"))
    except DomainError as error:
        return jsonify({"error": "; ".join(e["message"] for e in getattr(error, "errors", []))
                        or error.message}), 422
    options, challenge = registration_options(db.session, _user(), relying_party())
    session["passkey_registration"] = challenge
    # The code was taken: this request commits it, so it cannot be replayed.
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/passkeys")
def passkey_register():
    body = request.get_json(silent=True) or {}
    challenge = session.pop("passkey_registration", None)
    if not challenge:
        return jsonify({"error": "Bevestig eerst met uw wachtwoord en code."}), 422
    try:
        passkey = register(db.session, _user(), relying_party(), challenge,
                           json.dumps(body.get("credential")), body.get("name") or "Passkey")
        passkey_added(db.session, _user(), passkey, current_origin())
    except DomainError as error:
        return jsonify({"error": error.message}), 422
    flash(f"De passkey {passkey.name} is toegevoegd.", "ok")
    return jsonify({"next": url_for("account.overview")})


@bp.post("/passkeys/verwijderen")
def passkey_remove():
    form = PasskeyRemoveForm(prefix="rm")
    form.passkey.choices = [(p.id, p.name) for p in passkeys_of(db.session, _user().id)]
    if form.validate():
        try:
            confirm_identity(db.session, _user(), form.password.data, form.code.data)
            remove_passkey(db.session, _user(), form.passkey.data, current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            flash("De passkey is verwijderd.", "ok")
            return redirect(url_for("account.overview"))
    return _page(422, remove_form=form)


@bp.post("/api-sleutels")
def api_key_create():
    form = ApiKeyForm(prefix="key")
    if form.validate():
        # To the end of the chosen day, but never beyond a year from now.
        expires = datetime.combine(form.expires_on.data + timedelta(days=1), time(), LOCAL_TIME)
        if form.expires_on.data <= local_today() + API_KEY_MAX_LIFETIME:
            expires = min(expires, now_utc() + API_KEY_MAX_LIFETIME)
        try:
            key, row = create_api_key(db.session, actor_id=actor_id(), name=form.name.data,
                                      expires_at=expires, origin=current_origin())
        except DomainError as error:
            form.ERROR_FIELDS = {"expires_at": "expires_on"}
            form.show_error(error)
        else:
            return render_template("account/api_key.html", key=key, row=row)
    return _page(422, key_form=form)


@bp.post("/api-sleutels/<int:key_id>/intrekken")
def api_key_revoke(key_id: int):
    revoke_api_key(db.session, actor_id=actor_id(), key_id=key_id, origin=current_origin())
    flash("De API-sleutel is ingetrokken.", "ok")
    return redirect(url_for("account.overview"))

"""Signing in to the portal (password, then the second factor), out, and a forgotten password.

The same rules as the API's tokens (``models.sign_in``): one throttle, one
lockout, one record. After a right password the session holds only "this
account's password checked out, at this time" for five minutes; the
account is signed in once its TOTP code, a recovery code or a passkey
checks out too.
"""

import time
from urllib.parse import urlsplit

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
from flask_login import current_user
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from models.account import User
from models.account_links import InvalidLink, valid_link
from models.accounts import request_reset, reset_password
from models.errors import DomainError
from models.passkeys import authentication_options, passkey_check, passkeys_of
from models.sign_in import code_check, record_sign_out, sign_in
from web.audit import current_origin
from web.extensions import db
from web.portal.forms import PortalForm
from web.portal.security import close_session, end_session, relying_party, start_session

bp = Blueprint("auth", __name__)

PENDING = "pending_signin"
PENDING_SECONDS = 300


class LoginForm(PortalForm):
    email = EmailField(
        "E-mailadres",
        validators=[InputRequired("Vul uw e-mailadres in."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Wachtwoord",
        validators=[InputRequired("Vul uw wachtwoord in."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(PortalForm):
    code = StringField(
        "Code", validators=[InputRequired("Vul de code in."), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class ForgottenForm(PortalForm):
    email = EmailField("E-mailadres", validators=[InputRequired("Vul uw e-mailadres in."),
                                                  Length(max=254)])


class NewPasswordForm(PortalForm):
    new_password = PasswordField(
        "Nieuw wachtwoord", validators=[InputRequired("Kies een wachtwoord."), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            result = sign_in(db.session, form.email.data, current_origin(),
                             password=form.password.data)
        except DomainError as error:  # wrong credentials, throttled, or locked
            form.show_error(error)
        else:
            if result.complete:
                return _signed_in(result.user_id)
            session[PENDING] = {"user_id": result.user_id, "email": form.email.data,
                                "at": time.time(), "next": request.args.get("next")}
            return redirect(url_for("auth.second_step"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/inloggen/tweede-stap", methods=["GET", "POST"])
def second_step():
    pending = _pending()
    if pending is None:
        flash("Log opnieuw in.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            result = sign_in(db.session, pending["email"], current_origin(), password=None,
                             factor=code_check(form.code.data))
        except DomainError as error:
            form.show_error(error)
        else:
            return _signed_in(result.user_id, pending.get("next"))
    has_passkey = bool(passkeys_of(db.session, pending["user_id"]))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/second_step.html", form=form, has_passkey=has_passkey), status


@bp.post("/inloggen/passkey/opties")
def passkey_options():
    pending = _pending()
    if pending is None:
        return jsonify({"error": "Log opnieuw in."}), 401
    options, challenge = authentication_options(db.session, pending["user_id"], relying_party())
    session["passkey_challenge"] = challenge
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/inloggen/passkey")
def passkey_sign_in():
    pending = _pending()
    if pending is None:
        return jsonify({"error": "Log opnieuw in."}), 401
    check = passkey_check(relying_party(), session.pop("passkey_challenge", None),
                          request.get_data(as_text=True))
    try:
        result = sign_in(db.session, pending["email"], current_origin(), password=None,
                         factor=check)
    except DomainError as error:
        return jsonify({"error": error.message}), 422
    _signed_in(result.user_id)
    return jsonify({"next": _safe_next(pending.get("next")) or url_for("home.index")})


@bp.post("/uitloggen")
def logout():
    if current_user.is_authenticated:
        record_sign_out(db.session, current_user.id, current_origin(), expired=False)
    close_session()
    end_session()
    flash("U bent uitgelogd.", "ok")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgotten():
    form = ForgottenForm()
    if form.validate_on_submit():
        request_reset(db.session, email=form.email.data, origin=current_origin())
        # The same answer for every address: it tells nobody which exist.
        flash("Als dit e-mailadres bij een account hoort, ontvangt u binnen enkele minuten een "
              "mail met een link om uw wachtwoord te herstellen. De link werkt een uur.", "ok")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/forgotten.html", form=form), status


@bp.route("/wachtwoord-herstellen/<secret>", methods=["GET", "POST"])
def reset(secret: str):
    # A link that no longer works says so at once, as the invitation's does: not a form
    # that is refused only after a new password was typed.
    try:
        valid_link(db.session, secret, "reset")
    except InvalidLink as error:
        return render_template("account/link_invalid.html", message=error.message), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(db.session, secret=secret, new_password=form.new_password.data,
                           origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            end_session()
            flash("Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord en uw tweede "
                  "factor.", "ok")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/reset.html", form=form), status


def _pending() -> dict | None:
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return pending


def _signed_in(user_id: int, next_url: str | None = None):
    session.pop(PENDING, None)
    start_session(db.session.get(User, user_id))
    flash("U bent ingelogd.", "ok")
    target = next_url if next_url is not None else request.args.get("next")
    return redirect(_safe_next(target) or url_for("home.index"))


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone elsewhere after logging in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target

"""Log in and out of the portal, through the same throttle and lockout as the API's tokens."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from models.errors import DomainError
from models.tokens import check_credentials
from web.extensions import db
from web.portal.forms import PortalForm
from web.portal.security import PortalUser

bp = Blueprint("auth", __name__)


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


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            # The API's throttle and lockout (models/tokens.py): one rule for both doors.
            user = check_credentials(db.session, form.email.data, form.password.data)
        except DomainError as error:  # wrong credentials, throttled, or locked
            form.show_error(error)
        else:
            login_user(PortalUser(user))
            flash("U bent ingelogd.", "ok")
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/uitloggen")
def logout():
    logout_user()
    flash("U bent uitgelogd.", "ok")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone elsewhere after logging in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target

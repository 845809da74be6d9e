"""The invitation page: the invited person chooses a password and sets up TOTP in one go.

The TOTP secret is made when the page is first shown and kept in the signed
session until the first code checks out, so a typing mistake keeps the same
QR code. Nothing is saved until password and code are both right; then the
ten recovery codes are shown, once.
"""

from flask import Blueprint, render_template, session
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from models.account import User
from models.account_links import InvalidLink, valid_link
from models.accounts import enrol
from models.errors import DomainError
from models.second_factor import new_totp_secret, provisioning_uri, qr_svg
from web.audit import current_origin
from web.extensions import db
from web.portal.forms import PortalForm
from web.portal.security import start_session

bp = Blueprint("enrolment", __name__)

PASSWORD_HELP = ("Minstens 12 tekens; geen veelgebruikt wachtwoord en niet uw e-mailadres. "
                 "Een zin van een paar woorden werkt goed.")


class EnrolForm(PortalForm):
    password = PasswordField(
        "Kies een wachtwoord", validators=[InputRequired("Kies een wachtwoord."), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    code = StringField(
        "Code uit de app", validators=[InputRequired("Vul de code uit de app in."), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


def totp_for(key: str) -> str:
    """The TOTP secret being set up under ``key`` in this browser's session."""
    pending = session.get("totp_setup") or {}
    if pending.get("key") != key:
        pending = {"key": key, "secret": new_totp_secret()}
        session["totp_setup"] = pending
    return pending["secret"]


def totp_view(secret: str, email: str) -> dict:
    uri = provisioning_uri(secret, email)
    return {"qr": qr_svg(uri), "secret": secret, "uri": uri}


@bp.route("/uitnodiging/<secret>", methods=["GET", "POST"])
def invitation(secret: str):
    try:
        link = valid_link(db.session, secret, "invitation")
    except InvalidLink as error:
        return render_template("account/link_invalid.html", message=error.message), 410
    person = db.session.get(User, link.user_id)
    totp_secret = totp_for(f"invitation:{link.id}")
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            person, codes = enrol(db.session, secret=secret, password=form.password.data,
                                  totp_secret=totp_secret, code=form.code.data,
                                  origin=current_origin())
        except DomainError as error:
            form.show_error(error)
        else:
            session.pop("totp_setup", None)
            start_session(person)
            return render_template("account/recovery_codes.html", codes=codes, first=True)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("account/enrol.html", form=form, person=person,
                           password_help=PASSWORD_HELP,
                           totp=totp_view(totp_secret, person.email)), status

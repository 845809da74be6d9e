"""``/instellingen/mail``: each user switches each kind of mail on or off."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from models.errors import InvalidInput
from models.mail_settings import KINDS_BY_ROLE, mail_settings, set_mail_settings
from web.extensions import db
from web.portal.security import actor_id

bp = Blueprint("settings", __name__, url_prefix="/instellingen")


@bp.get("/mail")
@login_required
def mail():
    return _render(mail_settings(db.session, actor_id=actor_id()))


@bp.post("/mail")
@login_required
def save_mail():
    try:
        set_mail_settings(db.session, actor_id=actor_id(),
                          enabled=set(request.form.getlist("kinds")))
    except InvalidInput as error:
        return _render(mail_settings(db.session, actor_id=actor_id()), error.message), 422
    flash("Uw mailinstellingen zijn opgeslagen.", "success")
    return redirect(url_for("settings.mail"))


def _render(settings: dict[str, bool], error: str | None = None):
    labels = {kind: label for kinds in KINDS_BY_ROLE.values() for kind, label in kinds.items()}
    return render_template("settings/mail.html", settings=settings, labels=labels, error=error)

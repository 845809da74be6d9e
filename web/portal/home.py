"""The start page: each role lands on its own overview."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from models.account_events import signin_spike
from models.reports.overview import coalition_overview, stuck_mail
from models.vocabulary import EXPIRY_AFTER
from web.extensions import db
from web.portal.navigation import nav_items

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role in ("klantmanager", "partner"):
        return redirect(url_for("werkbak.index"))
    # The coordinator's pages are their own blueprint; this page links to whichever exist.
    pages = [item for item in nav_items() if item["url"] != "/"]
    return render_template("coordinator_home.html", pages=pages,
                           overview=coalition_overview(db.session),
                           stuck_mail=stuck_mail(db.session),
                           signin_spike=signin_spike(db.session),
                           expiry_days=EXPIRY_AFTER.days)

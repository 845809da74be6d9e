"""The toegankelijkheidsverklaring: what the law asks of a gemeente's web application
(WCAG 2.1 AA through EN 301 549, Besluit digitale toegankelijkheid overheid), what
Wegwijs does to meet it, what is known not to, and whom to tell. Open to everyone."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("accessibility", __name__)


@bp.get("/toegankelijkheid")
def statement():
    return render_template("accessibility.html",
                           contact=current_app.config.get("WEGWIJS_MAIL_FROM"))

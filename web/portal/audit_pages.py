"""The coordinator's pages for accountability: the access log (filtered), and unlocking an
account (listed on the accounts page, web/portal/coalition_admin.py)."""

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from models.account import User
from models.audit import AccessLog, LogFilter, access_log_query
from models.clock import LOCAL_TIME
from models.lockout import unlock_account
from models.people import Inburgeraar
from web.audit import current_origin
from web.extensions import db
from web.portal.choices import optional
from web.portal.coordinator.forms import DutchDateField
from web.portal.forms import PortalForm
from web.portal.listing import INVALID_FILTER, paged
from web.portal.navigation import add_nav_item
from web.portal.security import actor_id, role_required

bp = Blueprint("audit", __name__, url_prefix="/coordinator")

PAGE_SIZE = 200
LOG_SORTS = {
    "moment": (),
    "account": (AccessLog.user_id,),
    "inburgeraar": (AccessLog.inburgeraar_id,),
    "handeling": (AccessLog.action,),
    "kanaal": (AccessLog.channel,),
}
ACTION_LABELS = {
    "list": "lijst", "read": "inzien", "match": "matches", "create": "inschrijven",
    "update": "wijzigen", "refer": "doorverwijzen", "status": "status verwijzing",
    "export": "inzage-export", "purge": "anonimiseren",
}
CHANNEL_LABELS = {"api": "API", "portal": "portaal", "cli": "beheercommando"}


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class LogFilterForm(PortalForm):
    user_id = IntegerField("Account (id)", validators=[Optional(), NumberRange(1, 2**31 - 1)])
    inburgeraar_id = IntegerField(
        "Inburgeraar (id)", validators=[Optional(), NumberRange(1, 2**31 - 1)]
    )
    action = SelectField(
        "Handeling", choices=optional(_choices(ACTION_LABELS), "alle"), default=""
    )
    channel = SelectField("Kanaal", choices=optional(_choices(CHANNEL_LABELS), "alle"), default="")
    since = DutchDateField("Vanaf", validators=[Optional()])
    until = DutchDateField("Tot en met", validators=[Optional()])


@bp.before_request
@role_required("coordinator")
def only_the_coordinator():
    """Every page here is the coordinator's."""


@bp.get("/toegang")
def access_log():
    form = LogFilterForm(request.args, meta={"csrf": False})
    if not form.validate():
        # A filter refused lists no lines: never the whole log as if filtered.
        return render_template("audit/access_log.html", form=form, rows=[], listing=None,
                               action_labels=ACTION_LABELS, channel_labels=CHANNEL_LABELS,
                               ), INVALID_FILTER
    criteria = LogFilter(
        user_id=form.user_id.data, inburgeraar_id=form.inburgeraar_id.data,
        action=form.action.data or None, channel=form.channel.data or None,
        since=_start_of(form.since.data), until=_start_of(form.until.data, days=1),
    )
    # Sorting by the moment is sorting by id: rows are appended, never changed.
    listing = paged(db.session, access_log_query(criteria).order_by(None), sorts=LOG_SORTS,
                    default="moment", default_descending=True, tiebreak=AccessLog.id,
                    size=PAGE_SIZE)
    rows = listing.rows
    return render_template(
        "audit/access_log.html", form=form, rows=rows, listing=listing,
        emails=_emails({r.user_id for r in rows}), pseudonyms=_pseudonyms(rows),
        action_labels=ACTION_LABELS, channel_labels=CHANNEL_LABELS,
    )


@bp.post("/accounts/<int:user_id>/deblokkeren")
def unlock(user_id: int):
    user = unlock_account(db.session, actor_id=actor_id(), user_id=user_id,
                          origin=current_origin())
    flash(f"{user.email} is gedeblokkeerd.", "ok")
    return redirect(url_for("coalition_admin.accounts"))


def _start_of(day, days: int = 0) -> datetime | None:
    if day is None:
        return None
    # Stored in UTC; SQLite compares the text, so the bound must be in UTC too.
    return datetime.combine(day + timedelta(days=days), time(), LOCAL_TIME).astimezone(UTC)


def _emails(user_ids: set) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def _pseudonyms(rows: list[AccessLog]) -> dict[int, str]:
    ids = {r.inburgeraar_id for r in rows if r.inburgeraar_id is not None}
    return dict(db.session.execute(
        select(Inburgeraar.id, Inburgeraar.pseudonym).where(Inburgeraar.id.in_(ids))
    ).all())


def init_audit_pages(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav_item(app, "Toegangslog", "audit.access_log", ("coordinator",))
    add_nav_item(app, "Accounts", "coalition_admin.accounts", ("coordinator",))

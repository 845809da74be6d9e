"""The access log: who saw or changed whose data, through which channel, when, from where.

Under the AVG and the BIO a gemeente must be able to show who saw whose
data. Every read or change of an inburgeraar's data through the API, the
portal or a flask command adds one row per person concerned.

Append-only: the application offers no way to change or remove a row, and
the database refuses it too (triggers on UPDATE and DELETE, and on TRUNCATE
in PostgreSQL; see the migration ``access log, purge and lockout``). The
purge of personal data keeps these rows, as the accountability record: they
name a person only by ``inburgeraar.id``, and after the purge that id points
at an anonymised row ("verwijderd-…") that says nothing about anyone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Select, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.account import Caller, User
from models.base import Base, now_utc
from models.vocabulary import in_set

ACTIONS = (
    "list",  # a list that shows the person
    "read",  # one person's data, or a referral with it
    "match",  # the ranked offers for the person
    "create",
    "update",
    "refer",
    "status",  # a referral of the person moved on
    "export",  # inzage: everything held about the person
    "purge",
)
CHANNELS = ("api", "portal", "cli")
# The actions that only show data: an answer that refused a change still shows what it shows.
READ_ACTIONS = ("list", "read", "match", "export")

class AccessLog(Base):
    """One access to one person's data (or to none, for an empty list)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    # None when nobody logged in acted: a flask command run by an operator.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The role at the time, kept because a role can change later.
    role: Mapped[str | None] = mapped_column(String(16))
    inburgeraar_id: Mapped[int | None] = mapped_column(ForeignKey("inburgeraar.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))
    # The route, e.g. "GET /api/v1/inburgeraars/7", or the command.
    route: Mapped[str] = mapped_column(String(200))
    # IPv6 at most 45 characters; None for a command.
    remote_addr: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (
        CheckConstraint(in_set("action", ACTIONS), name="action"),
        CheckConstraint(in_set("channel", CHANNELS), name="channel"),
    )


_INSERT = insert(AccessLog.__table__)


@dataclass(frozen=True)
class Access:
    """Who accessed, how and from where; the same for every row of one request."""

    user: User | Caller | None
    channel: str
    route: str
    remote_addr: str | None = None


def record_access(
    session: Session, access: Access, action: str, inburgeraar_ids: Iterable[int]
) -> int:
    """Add a row per person to the session's transaction; returns how many.

    It does not commit: the rows are written with the caller's transaction,
    so a request that fails logs nothing it did not show. The web layer
    writes them in the request's unit of work (``web.unit_of_work``).
    """
    if action not in ACTIONS or access.channel not in CHANNELS:
        raise ValueError(f"unknown action or channel: {action!r}, {access.channel!r}")
    at = now_utc()
    common = {
        "at": at,
        "user_id": access.user.id if access.user else None,
        "role": access.user.role if access.user else None,
        "action": action,
        "channel": access.channel,
        "route": access.route[:200],
        "remote_addr": access.remote_addr,
    }
    # An empty list is still looked at: one row without a person says so.
    ids = sorted(set(inburgeraar_ids)) or [None]
    # One Core INSERT of all rows on the session's connection: cheaper than the
    # ORM's bulk path (it runs on every request that shows someone's data), and
    # atomic by itself where a read runs without a transaction (models/database.py).
    # One row, the common case, takes the prepared statement SQLAlchemy compiled once;
    # several rows a multi-row VALUES, compiled for its length.
    connection = session.connection()
    if len(ids) == 1:
        connection.execute(_INSERT, {**common, "inburgeraar_id": ids[0]})
    else:
        connection.execute(_INSERT.values([{**common, "inburgeraar_id": i} for i in ids]))
    return len(ids)


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    inburgeraar_id: int | None = None
    action: str | None = None
    channel: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def access_log_query(criteria: LogFilter) -> Select:
    """The rows matching ``criteria``, newest first."""
    query = select(AccessLog)
    for column, value in (
        (AccessLog.user_id, criteria.user_id),
        (AccessLog.inburgeraar_id, criteria.inburgeraar_id),
        (AccessLog.action, criteria.action),
        (AccessLog.channel, criteria.channel),
    ):
        if value is not None:
            query = query.where(column == value)
    if criteria.since is not None:
        query = query.where(AccessLog.at >= criteria.since)
    if criteria.until is not None:
        query = query.where(AccessLog.at < criteria.until)
    return query.order_by(AccessLog.id.desc())

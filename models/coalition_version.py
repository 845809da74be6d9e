"""The coalition version: a counter that tells whether what the matcher reads has changed.

One row, two counters: ``data`` goes up with every committed change of what
the matcher reads (partners, ties, offers, inburgeraars, needs, referrals,
geography), ``history`` with every change of a referral (what the success
model learns from). Workers compare it with the version their cached Matcher
was built at (``models.matcher_cache``): one primary-key read instead of
guessing from counts and latest times, so an edit with an older timestamp
(an HSDS import) is seen too.

No use case has to remember it: the session notes every flushed change of a
watched model, and every ORM bulk UPDATE or DELETE of one, and the unit of
work bumps the counters (``bump``) as its last step before the commit, after
the promotions and mails its events bring (models/unit_of_work.py). Bumping
last keeps the row lock on PostgreSQL as short as the commit.
"""

from sqlalchemy import CheckConstraint, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.coalition import Offer, Partner, Tie
from models.geography import Gemeente, Postcode, Wijk
from models.people import Inburgeraar, Need
from models.pip import Pip
from models.referral import Referral, ReferralEvent

# The PIP too: the scenario takes the leerroute and latin_literate from it.
WATCHED = (Partner, Tie, Offer, Inburgeraar, Need, Pip, Referral, Gemeente, Wijk, Postcode)
HISTORY = (Referral, ReferralEvent)
_CHANGED = "wegwijs_coalition_changed"  # session.info key: {"data"} or {"data", "history"}


class CoalitionVersion(Base):
    __tablename__ = "coalition_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[int] = mapped_column(default=0)
    history: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


# Built once, run on the connection: every cached read checks the version first.
_VERSION = select(CoalitionVersion.data, CoalitionVersion.history).where(CoalitionVersion.id == 1)


def current_version(session: Session) -> tuple[int, int]:
    """``(data, history)`` as committed (or as this transaction changed them)."""
    data, history = session.connection().execute(_VERSION).one()
    return data, history


def note_change(session: Session, *, history: bool = False) -> None:
    """Count a change the events below cannot see (SQL written by hand)."""
    changed = session.info.setdefault(_CHANGED, set())
    changed.add("data")
    if history:
        changed.add("history")


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session, _flush_context, _instances):
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED + HISTORY) and (
            obj not in session.dirty or session.is_modified(obj)
        ):
            note_change(session, history=isinstance(obj, HISTORY))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and issubclass(
        mapper.class_, WATCHED + HISTORY
    ):
        note_change(state.session, history=issubclass(mapper.class_, HISTORY))


def bump(session: Session) -> None:
    """Count this transaction's changes of what the matcher reads; the unit of work's last
    step before the commit. Nothing noted, nothing written (a transaction of reads, or of
    rows the matcher does not read, takes no lock on the version's row)."""
    session.flush()  # so that the flush events have seen every change
    changed = session.info.pop(_CHANGED, None)
    if not changed:
        return
    values = {"data": CoalitionVersion.data + 1}
    if "history" in changed:
        values["history"] = CoalitionVersion.history + 1
    # Core, not ORM: the bump must not count as a change itself.
    session.connection().execute(
        update(CoalitionVersion.__table__).where(CoalitionVersion.id == 1).values(values)
    )


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_CHANGED, None)

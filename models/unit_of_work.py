"""The unit of work: one place opens a transaction and commits or rolls it back.

Use cases under ``models/`` never commit: they change the session, flush,
raise a domain error when a rule refuses, and record what happened to an
offer's places as events (models/places.py). Whoever calls them wraps the
whole piece of work, the change, its referral events and its access-log rows
together, in one ``UnitOfWork``; a request does so through
``web.unit_of_work``, a command or a seed with ``with UnitOfWork(session):``.
Before committing, the unit of work takes its steps in order
(``before_commit``): the events (promotion from the queue, the outbox mails),
then the coalition version of what the matcher reads. (After cosmicpython's
``service_layer/unit_of_work.py``.)

Commit or roll back is decided by what happened: an exception, or a domain
error raised while watched (``start_watching``: a request) even if it was
caught, rolls back, unless the work it refused was rolled back to a
SAVEPOINT taken before it (a batch whose rows succeed or fail one by one,
``session.begin_nested()``).
"""

from types import TracebackType

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import coalition_version, places
from models.errors import DomainError, _raised


class UnitOfWork:
    """Commits when the block ends normally, rolls back when it raises.

    >>> with UnitOfWork(session):
    ...     close_offer(session, actor_id=1, offer_id=2)
    """

    def __init__(self, session: Session):
        self.session = session

    def __enter__(self) -> Session:
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    def commit(self) -> None:
        try:
            before_commit(self.session)
            self.session.commit()
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        places.forget_events(self.session)
        self.session.rollback()


def before_commit(session: Session) -> None:
    """The steps every commit takes, in this order: what follows the places' events
    (promotion from the queue, then the outbox mails of every move, promotions' too), then
    the coalition version, last, so it counts the promotions and holds its row's lock
    (PostgreSQL) only as long as the commit."""
    places.handle_events(session)
    coalition_version.bump(session)


# A backstop, not the way: a commit made around the unit of work (a test's, a script's) takes
# the same steps, so it cannot lose a promotion, a mail or a version bump, nor pass them on to
# the next transaction. After the unit of work's own steps it finds nothing left to do.
@event.listens_for(Session, "before_commit")
def _steps_of_a_bare_commit(session):
    if not session.in_nested_transaction():
        before_commit(session)


def start_watching() -> object:
    """From here on, note every domain error raised (caught or not); returns the token
    ``stop_watching`` takes. A request watches from its start to its teardown."""
    return _raised.set([])


def domain_errors_seen() -> list[DomainError]:
    """The domain errors noted and not settled by a SAVEPOINT rolled back."""
    return list(_raised.get() or [])


# A domain error caught after rolling back to a SAVEPOINT taken before it (one row of a
# batch refused, the others kept) is settled: what it refused was undone.
_ERROR_MARKS = "wegwijs_domain_error_marks"


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session, transaction):
    raised = _raised.get()
    if transaction.nested and raised is not None:
        session.info.setdefault(_ERROR_MARKS, {})[transaction] = len(raised)


@event.listens_for(Session, "after_soft_rollback")
def _settle_errors(session, previous):
    mark = session.info.get(_ERROR_MARKS, {}).pop(previous, None)
    raised = _raised.get()
    if mark is not None and raised is not None:
        del raised[mark:]


@event.listens_for(Session, "after_transaction_end")
def _unmark_savepoints(session, transaction):
    if not transaction.nested and transaction.parent is None:  # the whole transaction ended
        session.info.pop(_ERROR_MARKS, None)


def stop_watching(token) -> None:
    _raised.reset(token)

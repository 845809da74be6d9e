"""The unit of work: one place opens a transaction and commits or rolls it back.

Use cases under ``models/`` never commit: they change the session, flush,
and raise a domain error when a rule refuses. Whoever calls them wraps the
whole piece of work, the change, its referral events and its access-log rows
together, in one ``UnitOfWork``; a request does so through
``web.unit_of_work``, a command or a seed with ``with UnitOfWork(session):``.
(After cosmicpython's ``service_layer/unit_of_work.py``.)
"""

from types import TracebackType

from sqlalchemy.orm import Session


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
            self.session.commit()
        except BaseException:
            self.session.rollback()
            raise

    def rollback(self) -> None:
        self.session.rollback()

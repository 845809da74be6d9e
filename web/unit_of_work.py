"""Every request is one unit of work (``models.unit_of_work``).

A request that may change data (any method but GET, HEAD, OPTIONS) runs in
one transaction: the change, its referral events and its access-log rows
commit together when nothing went wrong. What went wrong is decided by what
happened, not by the answer's status: an error answer, or a domain error
raised during the request even if the view caught it and answered with a
form or a redirect, rolls the change back. (The access-log rows of an answer
that is not an error still commit: that answer left.) A 4xx page that shows
the person again beside its errors (a refused referral, an intake with a
mistake) left too: its reads are logged, its refused change is not. If the
commit itself fails, the answer becomes a 500 and nothing was written, so
"niet doorgevoerd" is true.

A request that only reads does not take SQLite's write lock: its
transaction begins DEFERRED (``models.database.reads_only``), so reads are
answered while a write is under way. Its access-log rows (and small
bookkeeping such as an API key's last use), the only things it writes, are
written once the view has its answer and before the
answer leaves: if they cannot be written, the answer is a 500 and no data
leaves unlogged. On SQLite they go in a short transaction of their own (the
read's must not turn into a write); on PostgreSQL a read runs without a
transaction (``models.database.begin_reading``) and the rows are one INSERT.
"""

from flask import Flask, g, request
from flask.wrappers import Response

from models.audit import READ_ACTIONS, record_access
from models.database import begin_reading, reads_only
from models.unit_of_work import UnitOfWork, domain_errors_seen, start_watching, stop_watching
from web.extensions import db

READING_METHODS = ("GET", "HEAD", "OPTIONS")


def init_unit_of_work(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)


def _begin() -> None:
    g.watching = start_watching()
    if request.method in READING_METHODS:
        g.reading = reads_only.set(True)
        begin_reading(db.session)


def _finish(response: Response) -> Response:
    pending = g.pop("pending_access", [])
    writes = g.pop("pending_writes", [])  # small bookkeeping, e.g. an API key's "last used"
    if response.status_code >= 400:
        UnitOfWork(db.session).rollback()
        # A 5xx shows no one; a 4xx page that shows someone is still a read of their data.
        pending = [p for p in pending if p[1] in READ_ACTIONS and response.status_code < 500]
        writes = []
        if not pending:
            return response
    elif domain_errors_seen():  # refused, though the view answered calmly: undo the change
        UnitOfWork(db.session).rollback()
    elif "reading" in g and db.session.get_bind().dialect.name == "sqlite":
        db.session.commit()  # ends the read transaction, which wrote nothing
    _stop_reading()
    if request.method in READING_METHODS and not (pending or writes):
        return response  # a read that showed no one's data: nothing to write or commit
    with UnitOfWork(db.session):
        for access, action, ids in pending:
            record_access(db.session, access, action, ids)
        for write in writes:
            write(db.session)
    return response


def _end(_error: BaseException | None = None) -> None:
    _stop_reading()
    if "watching" in g:
        stop_watching(g.pop("watching"))


def _stop_reading() -> None:
    if "reading" in g:
        reads_only.reset(g.pop("reading"))


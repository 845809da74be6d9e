"""Every request is one unit of work (``models.unit_of_work``).

A request that may change data (any method but GET, HEAD, OPTIONS) runs in
one transaction: the change, its referral events and its access-log rows
commit together when the answer is a success, and roll back together when
it is an error. If the commit itself fails, the answer becomes a 500 and
nothing was written, so "niet doorgevoerd" is true.

A request that only reads does not take SQLite's write lock: its
transaction begins DEFERRED (``models.database.reads_only``), so reads are
answered while a write is under way. Its access-log rows, which are the only
thing it writes, are written once the view has its answer and before the
answer leaves: if they cannot be written, the answer is a 500 and no data
leaves unlogged. On SQLite they go in a short transaction of their own (the
read's must not turn into a write); on PostgreSQL a read runs without a
transaction (``models.database.begin_reading``) and the rows are one INSERT.
"""

from flask import Flask, g, request
from flask.wrappers import Response

from models.audit import record_access
from models.database import begin_reading, reads_only
from models.unit_of_work import UnitOfWork
from web.extensions import db

READING_METHODS = ("GET", "HEAD", "OPTIONS")


def init_unit_of_work(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_stop_reading)


def _begin() -> None:
    if request.method in READING_METHODS:
        g.reading = reads_only.set(True)
        begin_reading(db.session)


def _finish(response: Response) -> Response:
    pending = g.pop("pending_access", [])
    if response.status_code >= 400:
        db.session.rollback()
        return response
    if "reading" in g and db.session.get_bind().dialect.name == "sqlite":
        db.session.commit()  # ends the read transaction, which wrote nothing
        _stop_reading()
    with UnitOfWork(db.session):
        for access, action, ids in pending:
            record_access(db.session, access, action, ids)
    return response


def _stop_reading(_error: BaseException | None = None) -> None:
    if "reading" in g:
        reads_only.reset(g.pop("reading"))

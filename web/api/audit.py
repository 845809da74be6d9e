"""The coordinator's audit routes: inzage of one inburgeraar, and the access log."""

from flask import Blueprint

from models.audit import AccessLog, LogFilter, access_log_query
from models.subject import export_subject
from web.api import audit_schemas as schemas
from web.api.auth import roles
from web.api.schemas import Problem
from web.api.spec import api, responses
from web.audit import log_access
from web.extensions import db

bp = Blueprint("api_audit", __name__)

PERSON_ID = "<int(max=2147483647):inburgeraar_id>"
ERRORS = {"HTTP_403": Problem, "HTTP_404": Problem}


@bp.get(f"/inburgeraars/{PERSON_ID}/export")
@roles("coordinator")
@api.validate(resp=responses(HTTP_200=schemas.SubjectExport, **ERRORS), tags=["inburgeraars"])
def export_inburgeraar(inburgeraar_id: int):
    """Inzage: everything held about one inburgeraar, its access log included."""
    document = schemas.SubjectExport.model_validate(export_subject(db.session, inburgeraar_id))
    log_access("export", [inburgeraar_id])
    return document


@bp.get("/access-log")
@roles("coordinator")
@api.validate(
    query=schemas.AccessLogQuery,
    resp=responses(HTTP_200=schemas.AccessLogPage, HTTP_403=Problem),
    tags=["access log"],
)
def list_access_log(query: schemas.AccessLogQuery):
    """Who saw or changed whose data, newest first; filter by user, person, action, channel, time.

    Each row is one person's data touched by one request (an empty list: no person).
    """
    criteria = LogFilter(
        user_id=query.user_id, inburgeraar_id=query.inburgeraar_id, action=query.action,
        channel=query.channel, since=query.since, until=query.until,
    )
    rows = db.session.scalars(
        access_log_query(criteria).limit(query.limit).offset(query.offset)
    ).all()
    return schemas.AccessLogPage(entries=[_entry(row) for row in rows])


def _entry(row: AccessLog) -> schemas.AccessLogEntry:
    return schemas.AccessLogEntry.model_validate(row, from_attributes=True)

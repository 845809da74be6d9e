"""``/api/v1/coalition``: the coalition graph's summary, for the coordinator."""

from flask import Blueprint

from models.matches import coalition_summary
from web.api import schemas
from web.api.auth import roles
from web.api.spec import api, responses
from web.extensions import db

bp = Blueprint("api_coalition", __name__)


@bp.get("/coalition")
@roles("coordinator")
@api.validate(
    resp=responses(
        takes_input=False, HTTP_200=schemas.CoalitionSummary, HTTP_403=schemas.Problem
    ),
    tags=["coalition"],
)
def get_coalition():
    """The coalition graph's summary, as ``python -m matching graph`` prints it.

    Node and edge counts by kind, partners by centrality, components, and per
    area and domain the demand against the free places.
    """
    return schemas.CoalitionSummary(**coalition_summary(db.session))

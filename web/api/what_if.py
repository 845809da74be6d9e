"""``POST /api/v1/coalition/what-if``: before and after a change of places; stores nothing."""

from flask import Blueprint
from pydantic import BaseModel, Field

from models.matcher_cache import current_matcher
from models.what_if import change_errors, what_if
from web.api import schemas
from web.api.auth import roles
from web.api.spec import api, responses
from web.extensions import db

bp = Blueprint("api_what_if", __name__)


class CapacityChange(schemas.Body):
    offer_id: schemas.Id = Field(description="Een open aanbod")
    capacity: schemas.Capacity = Field(description="Het aantal plaatsen in totaal")


class WhatIfRequest(schemas.Body):
    changes: list[CapacityChange] = Field(max_length=1000)

    @classmethod
    def reference_errors(cls, session, values: dict) -> list[dict]:
        # The offers named; a negative capacity is the schema's to name.
        given = values.get("changes")
        if not isinstance(given, list) or len(given) > 1000:
            return []
        changes = [(c.get("offer_id"), None) if isinstance(c, dict) else (None, None)
                   for c in given]
        return change_errors(session, changes)


class ServedCount(BaseModel):
    served: int
    unserved: int


class WhatIfSide(BaseModel):
    """The allocation of every open need to the open offers, summed up."""

    served: int
    unserved: int
    expected_successes: float = Field(description="De som van de kansen van slagen")
    by_domain: dict[str, ServedCount]
    by_area: dict[str, ServedCount] = Field(description="Per wijk van Utrecht of gemeente")


class WhatIf(BaseModel):
    before: WhatIfSide
    after: WhatIfSide


@bp.post("/coalition/what-if")
@roles("coordinator")
@api.validate(
    json=WhatIfRequest,
    resp=responses(HTTP_200=WhatIf, HTTP_403=schemas.Problem),
    tags=["coalition"],
)
def post_what_if(json: WhatIfRequest):
    """What if these offers had this many places (in total)? Nothing is stored.

    422 naming the field for an unknown or closed offer or a negative capacity.
    """
    changes = [(c.offer_id, c.capacity) for c in json.changes]
    result = what_if(db.session, changes, matcher=current_matcher(db.session))
    return WhatIf(**result)

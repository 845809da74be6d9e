"""The coordinator's dashboards: capacity against demand, the referral funnel, the network, the map.

Every page and export is for the coordinator only: the guard below runs
before each view of the blueprint (login first, then 403 for other roles).
"""

from flask import Blueprint

from web.portal.security import role_required

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


@bp.before_request
@role_required("coordinator")
def coordinator_only():
    """Nothing to do once the decorator lets the request through."""


from web.portal.coordinator import referrals, views, what_if  # noqa: E402, F401  (registers the routes on bp)

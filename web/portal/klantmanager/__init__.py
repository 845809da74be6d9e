"""The klantmanager's pages: the gemeente's inburgeraars, intake, matches, referrals, allocation."""

from flask import Blueprint

from web.portal.security import role_required

bp = Blueprint("klantmanager", __name__, url_prefix="/klantmanager")


@bp.before_request
@role_required("klantmanager")
def only_klantmanagers():
    """Every page here is the klantmanager's; the role check runs before any view."""


from web.portal.klantmanager import (  # noqa: E402, F401
    allocation,
    matches,
    people,
    referrals,
    waitlist,
)

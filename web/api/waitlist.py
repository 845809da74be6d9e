"""The waitlist routes (`/offers/{id}/waitlist`, `/waitlist/{entry_id}`): via models.waitlist."""

from flask import Blueprint

from models import waitlist
from models.access import Viewer
from models.errors import NotEligible
from web.api import waitlist_schemas as schemas
from web.api.auth import ALL_ROLES, current_user, roles
from web.api.schemas import Problem
from web.api.spec import api, responses
from web.audit import log_access
from web.extensions import db

bp = Blueprint("api_waitlist", __name__)

OFFER_ID = "<int(max=2147483647):offer_id>"
ENTRY_ID = "<int(max=2147483647):entry_id>"


def represent(entry: waitlist.WaitlistEntry, position: int | None,
              viewer: Viewer) -> schemas.WaitlistEntry:
    # A partner sees the pseudonym only: not who the person is, nor their other referrals.
    partner = viewer.role == "partner"
    return schemas.WaitlistEntry(
        id=entry.id, offer_id=entry.offer_id,
        inburgeraar_id=None if partner else entry.inburgeraar_id,
        pseudonym=entry.inburgeraar.pseudonym, position=position, status=entry.status,
        referral_id=entry.referral_id, created_at=entry.created_at,
        passed_over_rule=None if partner else entry.passed_over_rule,
        passed_over_at=None if partner else entry.passed_over_at,
    )


@bp.post(f"/offers/{OFFER_ID}/waitlist")
@roles("klantmanager")
@api.validate(
    json=schemas.WaitlistJoin,
    resp=responses(HTTP_201=schemas.WaitlistEntry, HTTP_403=Problem, HTTP_404=Problem,
                   HTTP_409=Problem),
    tags=["waitlist"],
)
def join(offer_id: int, json: schemas.WaitlistJoin):
    """Put an inburgeraar of the klantmanager's gemeente on a full offer's waitlist.

    409 when the offer still has a free place (refer directly), or the person
    already holds a referral to it or already waits; 422 naming the rule when
    the person is not eligible.
    """
    user = current_user()
    try:
        entry = waitlist.join_waitlist(db.session, actor_id=user.id, offer_id=offer_id,
                                       inburgeraar_id=json.inburgeraar_id, note=json.note)
    except NotEligible as error:
        error.field = "inburgeraar_id"  # the offer is the URL's; the body names the person
        raise
    position = waitlist.positions(db.session, [entry.offer_id])[entry.id]
    log_access("refer", [entry.inburgeraar_id])  # a referral that waits for a place
    return represent(entry, position, user), 201


@bp.get(f"/offers/{OFFER_ID}/waitlist")
@roles(*ALL_ROLES)
@api.validate(resp=responses(HTTP_200=schemas.WaitlistEntryList, HTTP_404=Problem),
              tags=["waitlist"])
def list_entries(offer_id: int):
    """The offer's queue in order: the partner its own offers', pseudonyms only; the
    coordinator every one; a klantmanager its gemeente's entries."""
    user = current_user()
    rows = waitlist.visible_queue(db.session, actor_id=user.id, offer_id=offer_id)
    log_access("list", [e.inburgeraar_id for e, _ in rows])
    return schemas.WaitlistEntryList(entries=[represent(e, n, user) for e, n in rows])


@bp.delete(f"/waitlist/{ENTRY_ID}")
@roles("klantmanager")
@api.validate(resp=responses(HTTP_204=None, HTTP_403=Problem, HTTP_404=Problem,
                             HTTP_409=Problem), tags=["waitlist"])
def leave(entry_id: int):
    """Take someone of the klantmanager's gemeente off the waitlist."""
    entry = waitlist.leave_waitlist(db.session, actor_id=current_user().id, entry_id=entry_id)
    log_access("update", [entry.inburgeraar_id])
    return "", 204

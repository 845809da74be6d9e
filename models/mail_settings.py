"""Which kinds of mail a user gets: all, until they switch one off (``MailOptOut``)."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import access
from models.errors import InvalidInput
from models.outbox import MailOptOut
from models.vocabulary import REMINDER_AFTER

# The kinds each role can receive (models.notifications), with what the settings page says.
KINDS_BY_ROLE = {
    "partner": {
        "referral_received": "Een nieuwe verwijzing voor ons aanbod",
        "referral_reminder": "Herinnering: een verwijzing wacht "
                             f"{REMINDER_AFTER.days} dagen op antwoord",
        "referral_withdrawn": "De klantmanager heeft een verwijzing ingetrokken",
    },
    "klantmanager": {
        "referral_outcome": "Mijn verwijzing is geaccepteerd, afgewezen of verlopen",
        "waitlist_referred": "Iemand van mijn wachtlijst is doorverwezen",
    },
    "coordinator": {},
}


def mail_settings(session: Session, *, actor_id: int) -> dict[str, bool]:
    """Each kind of mail the user can receive, and whether it is on."""
    actor = access.get_actor(session, actor_id)
    off = set(session.scalars(select(MailOptOut.kind).where(MailOptOut.user_id == actor.id)))
    return {kind: kind not in off for kind in KINDS_BY_ROLE[actor.role]}


def set_mail_settings(session: Session, *, actor_id: int, enabled: set[str]) -> dict[str, bool]:
    """Switch on exactly ``enabled`` of the user's kinds; the others off."""
    actor = access.get_actor(session, actor_id)
    kinds = KINDS_BY_ROLE[actor.role]
    unknown = enabled - set(kinds)
    if unknown:
        message = "Onbekend soort mail: " + ", ".join(sorted(unknown))
        raise InvalidInput(message, [{"field": "kinds", "message": message}])
    session.execute(delete(MailOptOut).where(MailOptOut.user_id == actor.id))
    session.add_all(MailOptOut(user_id=actor.id, kind=k) for k in kinds if k not in enabled)
    session.flush()
    return {kind: kind in enabled for kind in kinds}

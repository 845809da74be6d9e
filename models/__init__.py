"""The domain model: the one place the schema is declared, and the business rules.

Flask-free: use cases take ids and a session, and raise domain errors; the
caller's unit of work (models/unit_of_work.py) commits or rolls back.
"""

# unit_of_work: the steps every commit takes listen on every Session, however it is entered.
from models import unit_of_work  # noqa: F401
from models.account import User
from models.account_events import AccountEvent
from models.account_security import AccountLink, Passkey, RecoveryCode
from models.audit import AccessLog
from models.auth import ApiToken, LoginFailure
from models.base import Base
from models.coalition import Offer, Partner, Tie
from models.coalition_version import CoalitionVersion
from models.geography import Gemeente, Postcode, Wijk
from models.mail_health import WorkerHeartbeat
from models.outbox import MailOptOut, OutboxMail
from models.people import Inburgeraar, IntakeNeed, Need
from models.pip import Pip
from models.portal_sessions import PortalSession
from models.proposal import ProposalReferral
from models.referral import Referral, ReferralEvent
from models.waitlist_entry import WaitlistEntry

__all__ = [
    "AccessLog",
    "AccountEvent",
    "AccountLink",
    "ApiToken",
    "Base",
    "CoalitionVersion",
    "Gemeente",
    "Inburgeraar",
    "IntakeNeed",
    "MailOptOut",
    "LoginFailure",
    "Need",
    "Offer",
    "OutboxMail",
    "Partner",
    "Passkey",
    "Pip",
    "PortalSession",
    "Postcode",
    "ProposalReferral",
    "RecoveryCode",
    "Referral",
    "ReferralEvent",
    "Tie",
    "User",
    "WaitlistEntry",
    "Wijk",
    "WorkerHeartbeat",
]

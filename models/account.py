"""User accounts: a coordinator, a klantmanager of one gemeente, or a partner's user."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false

from models.base import Base, now_utc
from models.coalition import Partner
from models.geography import Gemeente
from models.vocabulary import ROLES, in_set


class User(Base):
    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Empty until the invited person chooses their own password (models/invitations.py).
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    gemeente_id: Mapped[int | None] = mapped_column(ForeignKey("gemeente.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A fictional account of the demo seed: the only kind without a second factor.
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # TOTP (models/second_factor.py): the secret once set up, and the last 30-second
    # step whose code was accepted, so that no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Lockout (models/lockout.py): failed logins in a row, and until when logging in is refused.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    gemeente: Mapped[Gemeente | None] = relationship()
    partner: Mapped[Partner | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_set("role", ROLES), name="role"),
        # A klantmanager belongs to a gemeente, a partner user to a partner,
        # the coordinator to neither.
        CheckConstraint(
            "(role = 'klantmanager' AND gemeente_id IS NOT NULL AND partner_id IS NULL)"
            " OR (role = 'partner' AND partner_id IS NOT NULL AND gemeente_id IS NULL)"
            " OR (role = 'coordinator' AND partner_id IS NULL AND gemeente_id IS NULL)",
            name="role_scope",
        ),
        CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email_format"),
    )


@dataclass(frozen=True)
class Caller:
    """Whom an API request speaks for: the account and its scope, as its token check read them.

    Plain values rather than the ORM row (``models.tokens.token_owner``): the
    check runs on every API request, and the scope rules (``models.access``)
    and the access log need no more. Where those take a ``User``, a Caller does.
    """

    id: int
    role: str
    gemeente_id: int | None
    partner_id: int | None

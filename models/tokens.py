"""Bearer tokens: a login token (8 hours) or a named API key for a partner's system.

Both are 256 random bits of which only the SHA-256 is stored (a fast hash is
enough for a secret with that much entropy, unlike a password). Signing in
for a token is ``models.sign_in``; these use cases never commit: the
request's unit of work does.

An API key (``name`` set) is made by a person in the portal after their
second factor, acts as them with their role and scope, expires within a
year, and stops when revoked or when the person or their partner is
deactivated. The coordinator sees and revokes any.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from models import access
from models.account import Caller, User
from models.account_events import Origin, record_event
from models.auth import ApiToken
from models.base import now_utc
from models.coalition import Partner
from models.errors import InvalidInput, NotFound
from models.sign_in import InvalidCredentials, TooManyAttempts  # noqa: F401 (re-exported)

TOKEN_LIFETIME = timedelta(hours=8)
API_KEY_MAX_LIFETIME = timedelta(days=365)
# "Last used" of an API key is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=5)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user_id: int, *, now: datetime | None = None
                ) -> tuple[str, datetime]:
    """A new login token for a user who just signed in, and when it expires."""
    now = now or now_utc()
    token = secrets.token_urlsafe(32)
    expires_at = now + TOKEN_LIFETIME
    session.add(ApiToken(user_id=user_id, token_hash=token_digest(token), expires_at=expires_at))
    session.flush()
    return token, expires_at


@dataclass(frozen=True)
class TokenUse:
    """The token or key a request came with: its id, its name (an API key's) and last use."""

    id: int
    name: str | None
    last_used_at: datetime | None


# Built once: the check runs on every API request. A token counts when it is known,
# unexpired and unrevoked, and its person and partner are active.
_VALID_TOKEN = (
    select(User.id, User.role, User.gemeente_id, User.partner_id,
           ApiToken.id.label("token_id"), ApiToken.name, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .outerjoin(Partner, Partner.id == User.partner_id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now"),
        User.is_active.is_(True),
        or_(User.partner_id.is_(None), Partner.active.is_(True)),
    )
)


def token_owner(session: Session, token: str, *, now: datetime | None = None
                ) -> tuple[Caller, TokenUse] | None:
    """Whom a valid token or key speaks for, and the token's use; else None.

    Read from the database on every call (no cache), so a revoked token or a
    deactivated account is refused from the next request on.
    """
    row = session.connection().execute(
        _VALID_TOKEN, {"digest": token_digest(token), "now": now or now_utc()}
    ).first()
    if row is None:
        return None
    return (Caller(row.id, row.role, row.gemeente_id, row.partner_id),
            TokenUse(row.token_id, row.name, row.last_used_at))


def key_use_is_stale(key: TokenUse, now: datetime | None = None) -> bool:
    """Whether an API key's "last used" should be written for this use."""
    if key.name is None:
        return False
    last = key.last_used_at
    if last is None:
        return True
    last = last if last.tzinfo else last.replace(tzinfo=(now or now_utc()).tzinfo)
    return (now or now_utc()) - last >= LAST_USED_PRECISION


def note_key_used(session: Session, key_id: int, *, now: datetime | None = None) -> None:
    session.execute(
        update(ApiToken).where(ApiToken.id == key_id).values(last_used_at=now or now_utc())
        .execution_options(synchronize_session=False)
    )


def revoke_token(session: Session, token: str, *, now: datetime | None = None) -> None:
    """Make the token invalid from now on."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or now_utc())
        .execution_options(synchronize_session=False)
    )


def revoke_all(session: Session, user_id: int, *, keep: int | None = None,
               now: datetime | None = None) -> None:
    """End every token and key of the account (but ``keep``), as deactivation and a new
    password do."""
    query = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    if keep is not None:
        query = query.where(ApiToken.id != keep)
    session.execute(query.values(revoked_at=now or now_utc())
                    .execution_options(synchronize_session=False))


def create_api_key(session: Session, *, actor_id: int, name: str, expires_at: datetime,
                   origin: Origin, now: datetime | None = None) -> tuple[str, ApiToken]:
    """A named key acting as the actor, shown once; expires within a year."""
    now = now or now_utc()
    access.get_actor(session, actor_id)
    errors = []
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors.append({"field": "name",
                       "message": "Geef de sleutel een naam (hoogstens 100 tekens)."})
    if expires_at <= now or expires_at > now + API_KEY_MAX_LIFETIME:
        errors.append({"field": "expires_at",
                       "message": "Kies een vervaldatum in de toekomst, binnen een jaar."})
    if errors:
        raise InvalidInput("De API-sleutel heeft ongeldige velden.", errors)
    key = "wwk_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=actor_id, token_hash=token_digest(key), expires_at=expires_at,
                   name=name)
    session.add(row)
    session.flush()
    record_event(session, "api_key_created", origin, actor_id=actor_id, user_id=actor_id,
                 detail=name)
    return key, row


def api_keys(session: Session, *, actor_id: int) -> list[ApiToken]:
    """The actor's own keys; every key for the coordinator."""
    actor = access.get_actor(session, actor_id)
    query = select(ApiToken).where(ApiToken.name.is_not(None))
    if actor.role != "coordinator":
        query = query.where(ApiToken.user_id == actor.id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


def revoke_api_key(session: Session, *, actor_id: int, key_id: int, origin: Origin,
                   now: datetime | None = None) -> ApiToken:
    actor = access.get_actor(session, actor_id)
    key = session.get(ApiToken, key_id)
    # Another person's key is out of reach, exactly as if it did not exist.
    if key is None or key.name is None or (actor.role != "coordinator"
                                           and key.user_id != actor.id):
        raise NotFound("Deze API-sleutel bestaat niet.")
    if key.revoked_at is None:
        key.revoked_at = now or now_utc()
        record_event(session, "api_key_revoked", origin, actor_id=actor_id, user_id=key.user_id,
                     detail=key.name)
    session.flush()
    return key

"""Changing a second factor: asks the password and a factor again, and mails the person.

So a session left open on a shared computer is not enough to take an
account over, and the owner hears of a change they did not make.
"""

import secrets
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.account import User
from models.account_events import Origin, record_event
from models.account_security import Passkey
from models.base import now_utc
from models.errors import Conflict, InvalidInput, NotFound
from models.outbox import Recipient, enqueue
from models.passwords import verify_password
from models.second_factor import new_recovery_codes, set_up_totp, take_code


def confirm_identity(session: Session, user: User, password: str, code: str | None,
                     now: datetime | None = None) -> None:
    """The password and a current factor (TOTP or recovery code); InvalidInput naming either."""
    errors = []
    if not verify_password(user.password_hash, password or ""):
        errors.append({"field": "password", "message": "Het wachtwoord klopt niet."})
    if user.totp_secret and not take_code(session, user, code, now):
        errors.append({"field": "code", "message": "Deze code klopt niet."})
    if errors:
        raise InvalidInput("Bevestig met uw wachtwoord en uw code.", errors)


def replace_totp(session: Session, user: User, secret: str, code: str, origin: Origin,
                 now: datetime | None = None) -> list[str]:
    """A new TOTP secret (after ``confirm_identity``); returns ten new recovery codes."""
    codes = set_up_totp(session, user, secret, code, now)
    _changed(session, user, origin, "Er is een nieuwe authenticator-app ingesteld.")
    return codes


def replace_recovery_codes(session: Session, user: User, origin: Origin) -> list[str]:
    codes = new_recovery_codes(session, user.id)
    _changed(session, user, origin,
             "Er zijn nieuwe herstelcodes gemaakt; de oude werken niet meer.")
    return codes


def passkey_added(session: Session, user: User, passkey: Passkey, origin: Origin) -> None:
    _changed(session, user, origin, f"Er is een passkey toegevoegd: {passkey.name}.")


def remove_passkey(session: Session, user: User, passkey_id: int, origin: Origin) -> None:
    passkey = session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise NotFound("Deze passkey bestaat niet.")
    if not user.totp_secret and _passkey_count(session, user.id) <= 1:
        raise Conflict("Dit is uw enige tweede factor; stel eerst een andere in.")
    session.execute(delete(Passkey).where(Passkey.id == passkey.id))
    _changed(session, user, origin, f"De passkey {passkey.name} is verwijderd.")


def _passkey_count(session: Session, user_id: int) -> int:
    return session.query(Passkey).filter(Passkey.user_id == user_id).count()


def _changed(session: Session, user: User, origin: Origin, what: str) -> None:
    record_event(session, "factor_changed", origin, actor_id=user.id, user_id=user.id, detail=what)
    enqueue(
        session, kind="account", event_key=f"factor-{user.id}-{secrets.token_hex(6)}",
        recipients=[Recipient(user.id, user.email)],
        subject="Uw tweede factor in Wegwijs is gewijzigd",
        body=(f"{what}\n\nWas u dit niet? Neem dan meteen contact op met de coördinator "
              f"van de coalitie. (Tijdstip: {(now_utc()).strftime('%d-%m-%Y %H:%M')} UTC.)"),
        path="/account",
    )

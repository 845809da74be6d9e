"""The second factor: TOTP (RFC 6238) and recovery codes; passkeys are models/passkeys.py.

TOTP as every authenticator app does it: SHA-1, 6 digits, 30-second steps,
one step of clock drift either way (pyotp). ``pyotp.TOTP.verify`` alone would
accept a code again within its window, so the account keeps the last step
whose code was accepted and a code is taken only for a later step, with a
guarded UPDATE: two requests with the same code cannot both win.

Ten recovery codes are shown once when the factor is set up; only their
SHA-256 is kept, and each works once (the same guarded UPDATE).
"""

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from models.account import User
from models.account_security import Passkey, RecoveryCode
from models.base import now_utc
from models.errors import InvalidInput

ISSUER = "Wegwijs"
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The 30-second step, within one step of now, whose code this is; else None."""
    code = _digits(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    moment = now or now_utc()
    current = totp.timecode(moment)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def take_totp_code(session: Session, user: User, code: str, now: datetime | None = None) -> bool:
    """True once for a valid code: its step is recorded, and no code of it or before works again."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    taken = session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def take_recovery_code(session: Session, user_id: int, code: str, now: datetime | None = None
                       ) -> bool:
    taken = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _digest(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now or now_utc())
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def take_code(session: Session, user: User, code: str | None, now: datetime | None = None) -> bool:
    """A TOTP code or a recovery code of the user, each accepted once."""
    if not code or not code.strip():
        return False
    if len(_digits(code)) == 6 and len(code.strip()) <= 7:
        return take_totp_code(session, user, code, now)
    return take_recovery_code(session, user.id, code, now)


def has_second_factor(session: Session, user: User) -> bool:
    if user.totp_secret:
        return True
    return bool(session.scalar(select(exists().where(Passkey.user_id == user.id))))


def set_up_totp(session: Session, user: User, secret: str, code: str,
                now: datetime | None = None) -> list[str]:
    """Set the TOTP factor once its first code checks out; returns ten new recovery codes.

    Raises InvalidInput naming ``code`` when the code does not fit the secret.
    """
    step = matching_step(secret, code, now)
    if step is None:
        message = ("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en "
                   "probeer opnieuw.")
        raise InvalidInput(message, [{"field": "code", "message": message}])
    user.totp_secret = secret
    user.totp_last_step = step
    session.flush()
    return new_recovery_codes(session, user.id)


def new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Ten fresh codes, shown once; the earlier codes stop working."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(c)) for c in codes)
    session.flush()
    return codes


def unused_recovery_codes(session: Session, user_id: int) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all())


def _recovery_code() -> str:
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _digest(code: str) -> str:
    normal = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normal.encode()).hexdigest()


def _digits(code: str) -> str:
    return "".join(code.split())

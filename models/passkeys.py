"""Passkeys (WebAuthn, py_webauthn) as a second method beside TOTP; user verification required.

The relying party is the portal's own host (``rp_id``) and origin; the
challenge of each ceremony is made here, kept by the caller (the portal's
signed session) and handed back to verify. Only the credential's public key
and its signature counter are stored.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from models.account import User
from models.account_security import Passkey
from models.base import now_utc
from models.errors import InvalidInput

RP_NAME = "Wegwijs"


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str  # the host, without port
    origin: str  # scheme://host[:port]


def registration_options(session: Session, user: User, rp: RelyingParty) -> tuple[str, str]:
    """The browser's ``navigator.credentials.create`` options (JSON) and the challenge to keep."""
    challenge = secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=rp.rp_id, rp_name=RP_NAME, user_name=user.email, user_id=str(user.id).encode(),
        challenge=challenge,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(session, user.id),
    )
    return options_to_json(options), bytes_to_base64url(challenge)


def register(session: Session, user: User, rp: RelyingParty, challenge: str, credential: str,
             name: str) -> Passkey:
    """Store the new passkey once its attestation checks out; raises InvalidInput otherwise."""
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.rp_id, expected_origin=rp.origin, require_user_verification=True,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, json.JSONDecodeError) as error:
        message = "De passkey kon niet worden toegevoegd; probeer het opnieuw."
        raise InvalidInput(message, [{"field": "passkey", "message": message}]) from error
    passkey = Passkey(
        user_id=user.id, name=(name or "Passkey").strip()[:100] or "Passkey",
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key, sign_count=verified.sign_count,
    )
    session.add(passkey)
    session.flush()
    return passkey


def authentication_options(session: Session, user_id: int, rp: RelyingParty) -> tuple[str, str]:
    challenge = secrets.token_bytes(32)
    options = generate_authentication_options(
        rp_id=rp.rp_id, challenge=challenge, allow_credentials=_descriptors(session, user_id),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options), bytes_to_base64url(challenge)


def passkey_check(rp: RelyingParty, challenge: str | None, credential: str):
    """A factor check for ``models.sign_in``: the assertion of one of the user's passkeys."""

    def check(session: Session, user: User, now: datetime) -> bool:
        if not challenge:
            return False
        try:
            credential_id = json.loads(credential)["id"]
        except (ValueError, KeyError, TypeError):
            return False
        passkey = session.scalars(select(Passkey).where(
            Passkey.user_id == user.id, Passkey.credential_id == credential_id)).first()
        if passkey is None:
            return False
        try:
            verified = verify_authentication_response(
                credential=credential, expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp.rp_id, expected_origin=rp.origin,
                credential_public_key=passkey.public_key,
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=True,
            )
        except (InvalidAuthenticationResponse, ValueError, KeyError):
            return False
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = now or now_utc()
        session.flush()
        return True

    return check


def passkeys_of(session: Session, user_id: int) -> list[Passkey]:
    return list(session.scalars(select(Passkey).where(Passkey.user_id == user_id)
                                .order_by(Passkey.created_at)))


def _descriptors(session: Session, user_id: int) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in passkeys_of(session, user_id)]

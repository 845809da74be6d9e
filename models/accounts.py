"""Use cases for accounts: invite, enrol, change, deactivate; passwords, changed and reset.

Nobody but the person ever chooses, sees or sends their password: the
coordinator (or ``flask create-account``) invites by e-mail, and the mailed
link (models/account_links.py) leads to a page where the person chooses it
and sets up their second factor in one go. Every change is recorded in
``account_event`` with who, when and from where. Nothing an account did is
ever removed with it: deactivation only shuts it out, at once (its tokens
are revoked; its portal sessions check ``is_active`` on every request).
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import access
from models.account import User
from models.account_events import CLI, Origin, record_event
from models.account_links import end_links, new_link, use_link, valid_link
from models.account_security import AccountLink, Passkey
from models.base import now_utc
from models.coalition import Partner
from models.errors import Conflict, Forbidden, InvalidInput, NotFound
from models.geography import Gemeente
from models.lockout import record_success
from models.outbox import Recipient, enqueue
from models.passwords import hash_password, password_problems, verify_password
from models.portal_sessions import end_all_sessions
from models.second_factor import set_up_totp
from models.tokens import revoke_all
from models.vocabulary import ROLES

UNUSED_AFTER = timedelta(days=90)
# Reset mails to one account within an hour; more requests get the same answer, no mail.
RESETS_PER_HOUR = 3
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_NAMES = {"coordinator": "coördinator", "klantmanager": "klantmanager", "partner": "partner"}


class EmailInUse(Conflict):
    """Another account has this email."""


@dataclass(frozen=True)
class Invitation:
    user: User
    path: str  # the link's path with its secret; WEGWIJS_PUBLIC_URL goes in front


def _coordinator(session: Session, actor_id: int | None) -> User | None:
    """The acting coordinator, or None for an operator at the command line."""
    if actor_id is None:
        return None
    actor = access.get_actor(session, actor_id)
    if actor.role != "coordinator":
        raise Forbidden("Alleen de coördinator beheert accounts.")
    return actor


def _organisation(session: Session, role: str | None, partner_id: int | None,
                  gemeente: str | None) -> tuple[list[dict], int | None, int | None]:
    """The errors of a role with its organisation, and the partner and gemeente ids."""
    errors = []
    if role not in ROLES:
        return [_error("role", "Kies coordinator, klantmanager of partner.")], None, None
    partner_row = gemeente_row = None
    if role == "partner":
        if partner_id is None:
            errors.append(_error("partner_id", "Een partneraccount hoort bij een partner."))
        else:
            partner_row = session.get(Partner, partner_id)
            if partner_row is None or not partner_row.active:
                errors.append(_error("partner_id",
                                     "Deze partner bestaat niet of is gedeactiveerd."))
    elif partner_id is not None:
        errors.append(_error("partner_id", "Alleen een partneraccount hoort bij een partner."))
    if role == "klantmanager":
        if not gemeente:
            errors.append(_error("gemeente", "Een klantmanager hoort bij een gemeente."))
        else:
            gemeente_row = session.scalars(
                select(Gemeente).where(Gemeente.name == gemeente.strip())).first()
            if gemeente_row is None:
                errors.append(_error("gemeente",
                                     "Deze gemeente ligt niet in de regio Utrecht (U16)."))
    elif gemeente:
        errors.append(_error("gemeente", "Alleen een klantmanager hoort bij een gemeente."))
    return (errors, partner_row.id if partner_row else None,
            gemeente_row.id if gemeente_row else None)


def invite_account(
    session: Session, *, actor_id: int | None, email: str, role: str,
    partner_id: int | None = None, gemeente: str | None = None, origin: Origin,
) -> Invitation:
    """A new account without a password, and its invitation in the outbox (72 hours, once).

    Raises ``EmailInUse`` (409) and InvalidInput (422) naming ``email``, ``role``,
    ``partner_id`` or ``gemeente``.
    """
    actor = _coordinator(session, actor_id)
    email = (email or "").strip().lower()
    errors = []
    if not _EMAIL.match(email) or len(email) > 254:
        errors.append(_error("email", "Vul een geldig e-mailadres in."))
    more, partner_id, gemeente_id = _organisation(session, role, partner_id, gemeente)
    errors += more
    if errors:
        raise InvalidInput("Het account heeft ongeldige velden.", errors)
    if session.scalar(select(exists().where(User.email == email))):
        raise EmailInUse("Er is al een account met dit e-mailadres.")
    user = User(email=email, role=role, partner_id=partner_id, gemeente_id=gemeente_id,
                password_hash="")
    # Two invitations of one email at once both pass the check above; the unique index
    # decides, and the loser gets the same 409 (its own SAVEPOINT, so nothing else is lost).
    savepoint = session.begin_nested()
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise EmailInUse("Er is al een account met dit e-mailadres.") from None
    savepoint.commit()
    path = _mail_invitation(session, user)
    record_event(session, "invited", origin, actor_id=actor.id if actor else None,
                 user_id=user.id, partner_id=partner_id, email=email,
                 detail=ROLE_NAMES[role])
    return Invitation(user, path)


def invite_from_command_line(session: Session, *, email: str, role: str,
                             partner_id: int | None = None, gemeente: str | None = None
                             ) -> tuple[Invitation, bool]:
    """``flask create-account``: an invitation, and whether it renews an earlier one.

    A fresh install has no coordinator yet to resend an invitation: if the
    first one's link ran out (72 hours) or its mail was lost, running the
    command again gives the account, invited but never set up, a new link (the
    earlier one ends). Any other email in use is a 409 as ever.
    """
    existing = session.scalars(
        select(User).where(User.email == (email or "").strip().lower())).first()
    if existing is not None and not existing.password_hash and existing.is_active \
            and existing.role == role:
        return resend_invitation(session, actor_id=None, user_id=existing.id, origin=CLI), True
    return invite_account(session, actor_id=None, email=email, role=role,
                          partner_id=partner_id, gemeente=gemeente, origin=CLI), False


def resend_invitation(session: Session, *, actor_id: int | None, user_id: int,
                      origin: Origin) -> Invitation:
    """A new link; the earlier one stops working. Only before the person set up the account."""
    actor = _coordinator(session, actor_id)
    user = _account(session, user_id)
    if user.password_hash:
        raise Conflict("Dit account is al ingericht; de persoon kan zijn wachtwoord herstellen.")
    if not user.is_active:
        raise Conflict("Dit account is gedeactiveerd; activeer het eerst.")
    path = _mail_invitation(session, user)
    record_event(session, "invitation_resent", origin, actor_id=actor.id if actor else None,
                 user_id=user.id)
    return Invitation(user, path)


def _mail_invitation(session: Session, user: User) -> str:
    link_id, path = new_link(session, user.id, "invitation")
    organisation = _organisation_name(user)
    enqueue(
        session, kind="account", event_key=f"invitation-{link_id}",
        recipients=[Recipient(user.id, user.email)],
        subject="Uitnodiging voor Wegwijs",
        body=(
            f"U bent uitgenodigd voor Wegwijs, het verwijsportaal van de Utrechtse "
            f"inburgeringscoalitie, als {ROLE_NAMES[user.role]}{organisation}.\n\n"
            "Open de link hieronder om uw eigen wachtwoord te kiezen en uw tweede factor "
            "in te stellen. De link werkt 72 uur en één keer."
        ),
        path=path,
    )
    return path


def _organisation_name(user: User) -> str:
    if user.partner is not None:
        return f" van {user.partner.name}"
    if user.gemeente is not None:
        return f" van gemeente {user.gemeente.name}"
    return ""


def enrol(session: Session, *, secret: str, password: str, totp_secret: str, code: str,
          origin: Origin, now: datetime | None = None) -> tuple[User, list[str]]:
    """The invited person chooses their password and sets up TOTP; returns the recovery codes.

    Everything is checked before the link is used, so a mistake can be put
    right on the same page. Raises InvalidLink, or InvalidInput naming
    ``password`` or ``code``.
    """
    now = now or now_utc()
    link = valid_link(session, secret, "invitation", now)
    user = _account(session, link.user_id)
    errors = [_error("password", p) for p in password_problems(password, user.email)]
    try:
        codes = set_up_totp(session, user, totp_secret, code, now)
    except InvalidInput as wrong_code:
        errors += wrong_code.errors
    if errors:  # every field's problem at once; the request's rollback undoes the set-up
        raise InvalidInput("Het account is nog niet ingericht.", errors)
    use_link(session, secret, "invitation", now)
    user.password_hash = hash_password(password)
    session.flush()
    record_event(session, "enrolled", origin, actor_id=user.id, user_id=user.id)
    return user, codes


def update_account(session: Session, *, actor_id: int, user_id: int, changes: dict,
                   origin: Origin) -> User:
    """Change role and organisation, or (de)activate; deactivation ends every token at once."""
    actor = _coordinator(session, actor_id)
    user = _account(session, user_id)
    if "active" in changes and changes["active"] is False and user.id == actor.id:
        raise Conflict("U kunt uw eigen account niet deactiveren.")
    if {"role", "partner_id", "gemeente"} & set(changes):
        role = changes.get("role", user.role)
        partner_id = changes.get("partner_id", user.partner_id if role == "partner" else None)
        gemeente = changes.get("gemeente", user.gemeente.name if user.gemeente and
                               role == "klantmanager" else None)
        errors, partner_id, gemeente_id = _organisation(session, role, partner_id, gemeente)
        if errors:
            raise InvalidInput("Het account heeft ongeldige velden.", errors)
        if user.id == actor.id and role != actor.role:
            # As with deactivating oneself: the coalition could be left without a coordinator.
            raise Conflict("U kunt uw eigen rol niet wijzigen; vraag dat een andere coördinator.")
        if (role, partner_id, gemeente_id) != (user.role, user.partner_id, user.gemeente_id):
            before = _describe(user)
            user.role, user.partner_id, user.gemeente_id = role, partner_id, gemeente_id
            session.flush()
            session.refresh(user)
            record_event(session, "account_changed", origin, actor_id=actor.id, user_id=user.id,
                         detail=f"{before} → {_describe(user)}")
    active = changes.get("active")
    if active is not None and active != user.is_active:
        user.is_active = bool(changes["active"])
        if not user.is_active:
            revoke_all(session, user.id)
            end_all_sessions(session, user.id)  # and they stay ended if it is reactivated
            end_links(session, user.id, "invitation")
            end_links(session, user.id, "reset")
        record_event(session, "account_reactivated" if user.is_active else "account_deactivated",
                     origin, actor_id=actor.id, user_id=user.id)
    session.flush()
    return user


def _describe(user: User) -> str:
    return f"{ROLE_NAMES[user.role]}{_organisation_name(user)}"


def list_accounts(session: Session, *, actor_id: int, unused: bool = False,
                  now: datetime | None = None) -> list[User]:
    """Every account, by email; with ``unused``, those not signed in for 90 days."""
    _coordinator(session, actor_id)
    query = select(User).order_by(User.email)
    if unused:
        query = query.where(User.is_active.is_(True)).where(
            (User.last_login_at.is_(None) & (User.created_at < (now or now_utc()) - UNUSED_AFTER))
            | (User.last_login_at < (now or now_utc()) - UNUSED_AFTER)
        )
    return list(session.scalars(query))


def get_account(session: Session, *, actor_id: int, user_id: int) -> User:
    _coordinator(session, actor_id)
    return _account(session, user_id)


def is_unused(user: User, now: datetime | None = None) -> bool:
    last = user.last_login_at or user.created_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=(now or now_utc()).tzinfo)
    return (now or now_utc()) - last > UNUSED_AFTER


def second_factors(session: Session, user: User) -> bool:
    return bool(user.totp_secret) or bool(
        session.scalar(select(exists().where(Passkey.user_id == user.id))))


def change_password(
    session: Session, *, user_id: int, current_password: str, new_password: str,
    factor_ok: bool | None = None, factor_field: str = "code", keep_token: int | None = None,
    origin: Origin = CLI, now: datetime | None = None,
) -> User:
    """The user changes their own password; every token but ``keep_token`` is revoked.

    ``factor_ok`` is whether the second factor given with it checked out (None:
    the account has none, a demo account). Raises InvalidInput naming
    ``current_password``, the factor's field (``code``, the API's ``otp``) or
    ``new_password``. Portal sessions of the account end with it (they carry
    a stamp of the password, web/portal/security.py).
    """
    now = now or now_utc()
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound("Dit account bestaat niet.")
    errors = []
    if not verify_password(user.password_hash, current_password):
        errors.append(_error("current_password", "Het huidige wachtwoord klopt niet."))
    if factor_ok is False:
        errors.append(_error(factor_field, "Deze code klopt niet."))
    errors += [_error("new_password", p) for p in password_problems(new_password, user.email)]
    if errors:
        raise InvalidInput("Het wachtwoord is niet gewijzigd.", errors)
    user.password_hash = hash_password(new_password)
    revoke_all(session, user.id, keep=keep_token, now=now)
    end_all_sessions(session, user.id, now=now)  # the portal opens its own one anew
    record_event(session, "password_changed", origin, actor_id=user.id, user_id=user.id)
    _mail_password_changed(session, user, now, "Uw wachtwoord voor Wegwijs is gewijzigd.")
    session.flush()
    return user


def request_reset(session: Session, *, email: str, origin: Origin) -> None:
    """Mail a reset link (1 hour, once) when the email has a usable account; the same answer
    either way, so nobody learns which emails exist."""
    email = (email or "").strip().lower()
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None or not user.is_active or not user.password_hash:
        return
    if _recent_resets(session, user.id) >= RESETS_PER_HOUR:
        return  # nobody floods a mailbox, or keeps ending the link its person is about to use
    link_id, path = new_link(session, user.id, "reset")
    enqueue(
        session, kind="account", event_key=f"reset-{link_id}",
        recipients=[Recipient(user.id, user.email)],
        subject="Wachtwoord herstellen in Wegwijs",
        body=(
            "Iemand vroeg om uw wachtwoord voor Wegwijs te herstellen. Was u dat niet, dan "
            "kunt u deze mail negeren. De link werkt een uur en één keer; uw tweede factor "
            "blijft zoals hij is."
        ),
        path=path,
    )
    record_event(session, "password_reset_requested", origin, user_id=user.id, email=email)


def _recent_resets(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AccountLink).where(
        AccountLink.user_id == user_id, AccountLink.purpose == "reset",
        AccountLink.created_at > now_utc() - timedelta(hours=1)))


def reset_password(session: Session, *, secret: str, new_password: str, origin: Origin,
                   now: datetime | None = None) -> User:
    """A new password by a reset link; the second factor stays, every token ends."""
    now = now or now_utc()
    link = valid_link(session, secret, "reset", now)
    user = _account(session, link.user_id)
    problems = password_problems(new_password, user.email)
    if problems:
        raise InvalidInput("Het wachtwoord voldoet niet aan de regels.",
                           [_error("new_password", p) for p in problems])
    use_link(session, secret, "reset", now)
    user.password_hash = hash_password(new_password)
    record_success(user)  # a lock guards the old password; the person has a new one
    revoke_all(session, user.id, now=now)
    end_all_sessions(session, user.id, now=now)
    record_event(session, "password_reset", origin, user_id=user.id)
    _mail_password_changed(session, user, now, "Uw wachtwoord voor Wegwijs is opnieuw "
                           "ingesteld met een herstellink; uw tweede factor is gebleven.")
    session.flush()
    return user


def _mail_password_changed(session: Session, user: User, now: datetime, what: str) -> None:
    """The person hears of every new password (ASVS 2.2.3), so one they did not set is
    noticed: a change from a session left open, a reset from a mailbox taken over."""
    enqueue(
        session, kind="account", event_key=f"password-{user.id}-{secrets.token_hex(6)}",
        recipients=[Recipient(user.id, user.email)],
        subject="Uw wachtwoord in Wegwijs is gewijzigd",
        body=(f"{what} Andere sessies en tokens zijn beëindigd.\n\nWas u dit niet? Neem dan "
              "meteen contact op met de coördinator van de coalitie. (Tijdstip: "
              f"{now.strftime('%d-%m-%Y %H:%M')} UTC.)"),
        path="/account",
    )


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Dit account bestaat niet.")
    return user


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}

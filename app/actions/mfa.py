"""Reviewers' second factor (TOTP): enrol, turn off, and a supervisor's reset. One function per action.

Enrolment has two steps so that nobody is locked out by a QR code they never scanned:
`start_enrolment` checks the password and returns a new secret inside a sealed, 15-minute token
(nothing is stored yet); `confirm_enrolment` takes that token and a code from the app, stores the
secret (encrypted) with hashed recovery codes, and ends every back-office session of the user: from
then on each of their sessions begins with the code (piccolo-admin's login asks for it).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from piccolo.apps.user.tables import BaseUser
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
from piccolo_api.mfa.recovery_codes import generate_recovery_code
from piccolo_api.session_auth.tables import SessionsBase

from app import db
from app.actions.admin_accounts import is_supervisor
from app.actions.auth import audit
from app.domain.actor import Actor
from app.i18n import gettext as _
from app.services import mfa
from app.services.sessions import now
from app.settings import settings
from tables.tables import AuthEvent

PENDING_SECONDS = 15 * 60
PASSWORD_TRIES = 5  # wrong passwords on these pages within 15 minutes before they refuse


class MfaError(Exception):
    def __init__(self, message: str, field: str = ""):
        self.message, self.field = message, field
        super().__init__(message)


@dataclass(frozen=True)
class Pending:
    token: str  # sealed (user id, secret), handed back by the confirm form
    secret: str  # shown as text for typing into the app by hand
    uri: str  # otpauth:// URI, shown as a QR code


def _fernet() -> Fernet:
    return Fernet(settings.mfa_encryption_key.encode())


def _require_reviewer(actor: Actor) -> int:
    if actor.kind != "reviewer" or not actor.account_id:
        raise MfaError(_("You are not allowed to do this."))
    return actor.account_id


async def _check_password(actor: Actor, password: str) -> None:
    since = now() - timedelta(minutes=15)
    failures = await AuthEvent.count().where(
        (AuthEvent.event == "mfa_password")
        & (AuthEvent.login_id == actor.login_id)
        & (AuthEvent.result != "ok")
        & (AuthEvent.created_at > since)
    )
    if failures >= PASSWORD_TRIES:
        raise MfaError(_("Too many wrong passwords. Try again in 15 minutes."), "password")
    if not password or not await BaseUser.login(username=actor.login_id, password=password):
        await audit("mfa_password", login_id=actor.login_id, result="fail", actor_login_id=actor.login_id)
        raise MfaError(_("The password is incorrect."), "password")


async def start_enrolment(actor: Actor, password: str) -> Pending:
    """Step 1: the password again, then a fresh secret (not stored until a code confirms it)."""
    user_id = _require_reviewer(actor)
    if await mfa.is_enrolled(user_id):
        raise MfaError(_("Two-step verification is already on for this account."))
    await _check_password(actor, password)
    secret = mfa.new_secret()
    token = _fernet().encrypt(json.dumps({"u": user_id, "s": secret}).encode()).decode()
    return Pending(token=token, secret=secret, uri=mfa.setup_uri(secret, actor.login_id))


def open_pending(actor: Actor, token: str) -> Pending:
    """The pending secret of a token from `start_enrolment`, if it is this user's and still fresh."""
    user_id = _require_reviewer(actor)
    try:
        data = json.loads(_fernet().decrypt(token.encode(), ttl=PENDING_SECONDS))
    except (InvalidToken, ValueError) as exc:
        raise MfaError(_("The set-up expired. Start again.")) from exc
    if data.get("u") != user_id or not isinstance(data.get("s"), str):
        raise MfaError(_("The set-up expired. Start again."))
    return Pending(token=token, secret=data["s"], uri=mfa.setup_uri(data["s"], actor.login_id))


def _hash_codes(codes: list[str]) -> list[str]:
    salt = BaseUser.get_salt()  # one salt for all, as piccolo_api checks them
    return [BaseUser.hash_password(password=c, salt=salt) for c in codes]


async def confirm_enrolment(actor: Actor, token: str, code: str) -> list[str]:
    """Step 2: a code from the app proves the secret arrived; store it, end the user's sessions.

    Returns the recovery codes (shown once; only their hashes are kept).
    """
    user_id = _require_reviewer(actor)
    pending = open_pending(actor, token)
    if not mfa.code_is_valid(pending.secret, code):
        raise MfaError(_("The code is not correct. Enter the 6 digits the app shows now."), "code")
    codes = [generate_recovery_code() for _i in range(mfa.RECOVERY_CODES)]
    hashed = await asyncio.to_thread(_hash_codes, codes)
    async with db.write_tx():
        if await mfa.is_enrolled(user_id):
            raise MfaError(_("Two-step verification is already on for this account."))
        await AuthenticatorSecret.insert(
            AuthenticatorSecret(
                user_id=user_id,
                secret=mfa.encryption().encrypt(pending.secret),
                recovery_codes=hashed,
                recovery_codes_used_at=[],
                created_at=now(),
                # The code just used cannot be replayed at the login.
                last_used_code=code.strip().replace(" ", ""),
                last_used_at=now(),
            )
        )
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await audit("mfa_enrolled", login_id=actor.login_id, actor_login_id=actor.login_id)
    return codes


async def disable(actor: Actor, password: str) -> None:
    """Turn the second factor off, only when no supervisor requires it."""
    user_id = _require_reviewer(actor)
    if await mfa.is_required(user_id):
        raise MfaError(_("Your supervisor requires two-step verification for this account."))
    await _check_password(actor, password)
    async with db.write_tx():
        await AuthenticatorSecret.revoke(user_id=user_id)
        await audit("mfa_disabled", login_id=actor.login_id, actor_login_id=actor.login_id)


async def reset_for_reviewer(actor: Actor, username: str) -> None:
    """A supervisor removes a reviewer's authenticator (a lost phone) and ends their sessions.

    When MFA stays required, the reviewer can do nothing but enrol again at the next sign-in.
    """
    if not await is_supervisor(actor):
        raise MfaError(_("Only supervisors may do this."))
    rows = await BaseUser.select(BaseUser.id).where(BaseUser.username == username.strip())
    if not rows:
        raise MfaError(_("No back-office user with this username."), "username")
    user_id = rows[0]["id"]
    if not await mfa.is_enrolled(user_id):
        raise MfaError(_("This user has no two-step verification to reset."), "username")
    async with db.write_tx():
        await AuthenticatorSecret.revoke(user_id=user_id)
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await audit("mfa_reset", login_id=username.strip(), actor_login_id=actor.login_id)

"""Sign-in, sign-out, captcha and session actions."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from app import db
from app.i18n import get_locale
from app.services import captcha as captcha_service
from app.services import cpu, hashing, sessions
from app.services.sessions import now
from app.settings import settings
from tables.tables import Account, AuthEvent, CaptchaChallenge

CAPTCHA_TTL = timedelta(minutes=5)


async def create_captcha() -> str:
    """A new single-use challenge; returns its public token (the image is drawn on request)."""
    token = secrets.token_urlsafe(24)
    t = now()
    async with db.write_tx():
        await CaptchaChallenge.insert(
            CaptchaChallenge(
                token=token,
                answer=captcha_service.new_answer(),
                rendered=False,
                created_at=t,
                expires_at=t + CAPTCHA_TTL,
                used=False,
            )
        )
        # Keep the table small: challenges expired for a day go.
        await CaptchaChallenge.delete().where(CaptchaChallenge.expires_at < t - timedelta(days=1))
    return token


async def captcha_image(token: str) -> bytes | None:
    """The challenge's image, served once (a second drawing of the same answer would help a solver)."""
    async with db.write_tx():
        rows = await CaptchaChallenge.select().where(CaptchaChallenge.token == token)
        if not rows or rows[0]["rendered"] or rows[0]["used"] or rows[0]["expires_at"] <= now():
            return None
        await CaptchaChallenge.update({CaptchaChallenge.rendered: True}).where(
            CaptchaChallenge.id == rows[0]["id"]
        )
    return await cpu.run(captcha_service.render_png, rows[0]["answer"])  # ~10 ms of drawing: off the loop


async def check_captcha(token: str, typed: str) -> bool:
    """Single use: any attempt spends the challenge. Case-insensitive."""
    if not token:
        return False
    async with db.write_tx():
        rows = await CaptchaChallenge.select().where(CaptchaChallenge.token == token)
        if not rows:
            return False
        row = rows[0]
        if row["used"] or row["expires_at"] <= now():
            return False
        await CaptchaChallenge.update({CaptchaChallenge.used: True}).where(CaptchaChallenge.id == row["id"])
    typed = (typed or "").strip().upper()
    if not typed:
        return False
    if settings.captcha_fixed_answer and not settings.is_production:
        if hmac.compare_digest(typed, settings.captcha_fixed_answer.strip().upper()):
            return True
    return hmac.compare_digest(typed, row["answer"].upper())


@dataclass
class LoginResult:
    ok: bool
    reason: str = ""  # captcha | invalid | locked | disabled | rate_limited
    locked_until: datetime | None = None
    session_token: str = ""
    account_id: int | None = None


async def audit(
    event: str,
    *,
    login_id: str = "",
    account_id: int | None = None,
    ip: str = "",
    result: str = "ok",
    detail: str = "",
    actor_login_id: str = "",
) -> None:
    await AuthEvent.insert(
        AuthEvent(
            created_at=now(),
            event=event,
            login_id=login_id[:40].replace("\n", " ").replace("\r", " "),
            account=account_id,
            actor_login_id=actor_login_id[:40],
            ip=ip[:64],
            result=result,
            detail=detail[:500],
        )
    )


async def _ip_failures(ip: str) -> int:
    since = now() - timedelta(minutes=settings.login_lock_minutes)
    return await AuthEvent.count().where(
        (AuthEvent.ip == ip)
        & (AuthEvent.event == "login")
        & (AuthEvent.result != "ok")
        & (AuthEvent.created_at > since)
    )


async def log_in(
    login_id: str, password: str, captcha_token: str, captcha_answer: str, ip: str
) -> LoginResult:
    login_id = (login_id or "").strip()
    if ip and await _ip_failures(ip) >= settings.login_ip_max_failures:
        await audit("login", login_id=login_id, ip=ip, result="rate_limited")
        return LoginResult(False, "rate_limited")
    if not await check_captcha(captcha_token, captcha_answer):
        await audit("login", login_id=login_id, ip=ip, result="captcha")
        return LoginResult(False, "captcha")

    rows = await Account.select(
        Account.id,
        Account.password_hash,
        Account.enabled,
        Account.locked_until,
        Account.failed_logins,
        Account.first_failed_at,
    ).where((Account.login_id == login_id) & (Account.deleted == False))  # noqa: E712
    t = now()
    if not rows:
        await hashing.verify_password(None, password or "")
        await audit("login", login_id=login_id, ip=ip, result="invalid", detail="unknown account")
        return LoginResult(False, "invalid")
    acc = rows[0]
    if acc["locked_until"] and acc["locked_until"] > t:
        await audit("login", login_id=login_id, account_id=acc["id"], ip=ip, result="locked")
        return LoginResult(False, "locked", locked_until=acc["locked_until"])

    if not await hashing.verify_password(acc["password_hash"], password or ""):
        window = timedelta(minutes=settings.login_lock_minutes)
        first = acc["first_failed_at"]
        count = acc["failed_logins"] + 1 if first and t - first < window else 1
        first = first if count > 1 else t
        locked_until = t + window if count >= settings.login_max_failures else None
        async with db.write_tx():
            await Account.update(
                {
                    Account.failed_logins: 0 if locked_until else count,
                    Account.first_failed_at: None if locked_until else first,
                    Account.locked_until: locked_until,
                }
            ).where(Account.id == acc["id"])
        await audit(
            "login",
            login_id=login_id,
            account_id=acc["id"],
            ip=ip,
            result="locked" if locked_until else "invalid",
            detail=f"failure {count}",
        )
        if locked_until:
            return LoginResult(False, "locked", locked_until=locked_until)
        return LoginResult(False, "invalid")

    if not acc["enabled"]:
        await audit("login", login_id=login_id, account_id=acc["id"], ip=ip, result="disabled")
        return LoginResult(False, "disabled")

    async with db.write_tx():
        await Account.update(
            {
                Account.failed_logins: 0,
                Account.first_failed_at: None,
                Account.locked_until: None,
                Account.last_login_at: t,
                # The language the user works in is the one the school's e-mails are written in (issue 15).
                Account.language: get_locale(),
            }
        ).where(Account.id == acc["id"])
        token = await sessions.create_session(account_id=acc["id"], kind="school", ip=ip)
        await audit("login", login_id=login_id, account_id=acc["id"], ip=ip, result="ok")
    return LoginResult(True, session_token=token, account_id=acc["id"])


async def log_out(token: str, *, login_id: str = "", account_id: int | None = None, ip: str = "") -> None:
    async with db.write_tx():
        await sessions.delete_by_token(token)
        await audit("logout", login_id=login_id, account_id=account_id, ip=ip)


async def extend_session(session_id: int) -> None:
    await sessions.touch(session_id)


async def remember_language(
    *, account_id: int | None = None, student_id: int | None = None, locale: str
) -> None:
    """Store the language a signed-in user switched to, so the e-mails they get follow it (issue 15)."""
    from tables.tables import Student

    async with db.write_tx():
        if account_id is not None:
            await Account.update({Account.language: locale}).where(Account.id == account_id)
        if student_id is not None:
            await Student.update({Student.language: locale}).where(Student.id == student_id)

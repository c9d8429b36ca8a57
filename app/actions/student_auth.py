"""學生自行申請: sign-in by a roster match, then proof of an email address with a one-time code.

Passport number and birth date are no secret, so a roster match alone never opens a session: the
first time the student gives an email address and types the code sent to it; later sign-ins send a
fresh code to that address. Codes: 6 digits, single use, 10 minutes, 5 tries; 5 wrong codes lock the
student out for 15 minutes. One message for any mismatch, so nobody learns which field was wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from app import db
from app.actions.auth import audit, check_captcha
from app.domain.validators import clean_id, is_email
from app.i18n import get_locale
from app.i18n import gettext as _
from app.queries.roster import find_roster_match
from app.services import mail, sessions
from app.services.sessions import now
from app.settings import settings
from tables.tables import AuthEvent, EmailCode, Student

CODE_TTL = timedelta(minutes=10)
CODE_TRIES = 5
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)


def _hash(token: str, code: str) -> str:
    """The stored form of a pending code: HMAC-SHA256 keyed with the server secret (issue 12). A plain hash
    of a 6-digit code is reversed offline in a second; without the key, a leaked row tells nothing."""
    message = f"email-code\x00{token}\x00{code}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def mask_email(email: str) -> str:
    name, _sep, domain = email.partition("@")
    return (name[:1] + "***@" + domain) if domain else "***"


@dataclass
class StartResult:
    ok: bool
    reason: str = ""  # rate_limited | captcha | no_match | locked
    pending: str = ""
    needs_email: bool = False
    masked_email: str = ""


async def _ip_failures(ip: str) -> int:
    since = now() - timedelta(minutes=settings.login_lock_minutes)
    return await AuthEvent.count().where(
        (AuthEvent.ip == ip)
        & (AuthEvent.event.is_in(["student_login", "student_code"]))
        & (AuthEvent.result != "ok")
        & (AuthEvent.result != "code_sent")
        & (AuthEvent.created_at > since)
    )


async def _send_code(student_id: int, email: str, token: str, ip: str) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    t = now()
    await EmailCode.update(
        {
            EmailCode.email: email,
            EmailCode.code_hash: _hash(token, code),
            EmailCode.expires_at: t + CODE_TTL,
            EmailCode.attempts: 0,
        }
    ).where(EmailCode.token == token)
    body = _(
        "Your verification code for the online resident-certificate application is %(code)s.\n\n"
        "It is valid for 10 minutes and can be used once. If you did not try to sign in, ignore this message.",
        code=code,
    )
    await mail.send(
        mail.Mail(to=email, subject=mail.subject_line(_("Your sign-in code: %(code)s", code=code)), body=body)
    )
    await audit("student_code", login_id=f"student:{student_id}", ip=ip, result="code_sent")


async def start_login(
    *,
    year: str,
    passport_no: str,
    name_en: str,
    birth_date: date | None,
    ui_no: str,
    captcha_token: str,
    captcha_answer: str,
    ip: str,
) -> StartResult:
    label = f"{year}:{clean_id(passport_no)[-4:]}"  # never the whole passport number in the log
    if ip and await _ip_failures(ip) >= settings.login_ip_max_failures:
        await audit("student_login", login_id=label, ip=ip, result="rate_limited")
        return StartResult(False, "rate_limited")
    if not await check_captcha(captcha_token, captcha_answer):
        await audit("student_login", login_id=label, ip=ip, result="captcha")
        return StartResult(False, "captcha")
    row = None
    if birth_date is not None and year.isdigit():
        row = await find_roster_match(int(year), passport_no, name_en, birth_date)
    if row is not None and ui_no and row.get("national_id") and clean_id(ui_no) != row["national_id"]:
        row = None
    if row is None:
        await audit("student_login", login_id=label, ip=ip, result="no_match")
        return StartResult(False, "no_match")
    t = now()
    passport = row["passport_no"]
    async with db.write_tx():
        found = await Student.select().where(
            (Student.school == row["school"])
            & (Student.year == row["year"])
            & (Student.passport_no == passport)
        )
        if found:
            student = found[0]
            await Student.update(
                {
                    Student.roster_entry: row["id"],
                    Student.name_en: row["name_en"],
                    Student.birth_date: row["birth_date"],
                }
            ).where(Student.id == student["id"])
        else:
            new = Student(
                school=row["school"],
                roster_entry=row["id"],
                year=row["year"],
                passport_no=passport,
                name_en=row["name_en"],
                birth_date=row["birth_date"],
                language=get_locale(),
                created_at=t,
            )
            await new.save()
            student = (await Student.select().where(Student.id == new.id))[0]
        if student["locked_until"] and student["locked_until"] > t:
            await audit("student_login", login_id=label, ip=ip, result="locked")
            return StartResult(False, "locked")
        token = secrets.token_urlsafe(32)
        await EmailCode.insert(
            EmailCode(
                token=token,
                student=student["id"],
                email="",
                code_hash="",
                created_at=t,
                expires_at=t + CODE_TTL,
                attempts=0,
                used=False,
                ip=ip[:64],
            )
        )
        await EmailCode.delete().where(EmailCode.expires_at < t - timedelta(days=1))
        verified = bool(student["email_verified_at"] and student["email"])
        if verified:
            await _send_code(student["id"], student["email"], token, ip)
        await audit("student_login", login_id=label, ip=ip, result="matched")
    return StartResult(
        True,
        pending=token,
        needs_email=not verified,
        masked_email=mask_email(student["email"]) if verified else "",
    )


async def _pending(token: str) -> dict | None:
    rows = await EmailCode.select().where(EmailCode.token == token)
    if not rows or rows[0]["used"] or rows[0]["expires_at"] <= now():
        return None
    return rows[0]


async def give_email(token: str, email: str, ip: str) -> tuple[str | None, str]:
    """The first sign-in: the student's email; a code goes to it. (error, masked email)."""
    email = (email or "").strip()
    if not email:
        return _("Required"), ""
    if not is_email(email):
        return _("Write an email address such as name@example.edu.tw."), ""
    async with db.write_tx():
        pending = await _pending(token)
        if pending is None:
            return _("This sign-in has expired. Please start again."), ""
        student = (await Student.select().where(Student.id == pending["student"]))[0]
        if student["email_verified_at"] and student["email"]:
            return _("This sign-in has expired. Please start again."), ""
        await _send_code(pending["student"], email, token, ip)
    return None, mask_email(email)


@dataclass
class CodeResult:
    ok: bool
    reason: str = ""  # wrong | expired | locked
    session_token: str = ""


async def confirm_code(token: str, code: str, ip: str) -> CodeResult:
    code = (code or "").strip().replace(" ", "")
    t = now()
    async with db.write_tx():
        pending = await _pending(token)
        if pending is None or not pending["code_hash"] or pending["attempts"] >= CODE_TRIES:
            await audit("student_code", login_id="student", ip=ip, result="expired")
            return CodeResult(False, "expired")
        student = (await Student.select().where(Student.id == pending["student"]))[0]
        if student["locked_until"] and student["locked_until"] > t:
            return CodeResult(False, "locked")
        if not hmac.compare_digest(_hash(token, code), pending["code_hash"]):
            failures = student["failed_codes"] + 1
            await EmailCode.update({EmailCode.attempts: EmailCode.attempts + 1}).where(
                EmailCode.id == pending["id"]
            )
            locked = failures >= LOCK_AFTER
            await Student.update(
                {
                    Student.failed_codes: 0 if locked else failures,
                    Student.locked_until: t + LOCK_FOR if locked else None,
                }
            ).where(Student.id == student["id"])
            await audit(
                "student_code",
                login_id=f"student:{student['id']}",
                ip=ip,
                result="locked" if locked else "wrong",
            )
            return CodeResult(False, "locked" if locked else "wrong")
        await EmailCode.update({EmailCode.used: True}).where(EmailCode.id == pending["id"])
        await Student.update(
            {
                Student.email: pending["email"],
                Student.email_verified_at: student["email_verified_at"] or t,
                Student.failed_codes: 0,
                Student.locked_until: None,
                Student.last_login_at: t,
                Student.language: get_locale(),
            }
        ).where(Student.id == student["id"])
        session_token = await sessions.create_session(
            account_id=None, kind="student", ip=ip, student_id=student["id"]
        )
        await audit("student_code", login_id=f"student:{student['id']}", ip=ip, result="ok")
    return CodeResult(True, session_token=session_token)

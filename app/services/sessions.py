"""Server-side sessions stored in the database (they survive a restart and serve several workers).

The cookie carries a random 256-bit token; the table keeps only its SHA-256. Idle timeout 30
minutes, renewed by real requests only (the header's countdown sends nothing), absolute cap 12 h.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.settings import settings
from tables.tables import UserSession

# A session's last_seen_at is written at most this often, so most requests only read.
TOUCH_EVERY = timedelta(seconds=10)


def now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle() -> timedelta:
    return timedelta(minutes=settings.session_idle_minutes)


@dataclass
class SessionInfo:
    id: int
    kind: str
    account_id: int | None
    login_id: str
    name: str
    school_id: int | None
    school_name: str
    is_main: bool
    created_at: datetime
    last_seen_at: datetime
    absolute_expires_at: datetime
    student_id: int | None = None

    @property
    def expires_at(self) -> datetime:
        return min(self.last_seen_at + idle(), self.absolute_expires_at)


async def create_session(
    *, account_id: int | None, kind: str, ip: str, data: dict | None = None, student_id: int | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    t = now()
    await UserSession.insert(
        UserSession(
            token_hash=token_hash(token),
            kind=kind,
            account=account_id,
            student=student_id,
            created_at=t,
            last_seen_at=t,
            absolute_expires_at=t + timedelta(hours=settings.session_max_hours),
            ip=ip[:64],
            data=data or {},
        )
    )
    return token


async def load_session(token: str) -> tuple[SessionInfo | None, str]:
    """(session, why it ended): the live session for a cookie token and "", or None and why a session it was
    has ended: "expired" (idle or too old), "disabled" (its account was disabled or deleted meanwhile);
    None and "" for an unknown token."""
    rows = await UserSession.select(
        UserSession.id,
        UserSession.kind,
        UserSession.created_at,
        UserSession.last_seen_at,
        UserSession.absolute_expires_at,
        UserSession.account.id.as_alias("account_id"),
        UserSession.account.login_id.as_alias("login_id"),
        UserSession.account.name.as_alias("name"),
        UserSession.account.is_main.as_alias("is_main"),
        UserSession.account.enabled.as_alias("enabled"),
        UserSession.account.deleted.as_alias("deleted"),
        UserSession.account.school.id.as_alias("school_id"),
        UserSession.account.school.name.as_alias("school_name"),
        UserSession.student.id.as_alias("student_id"),
        UserSession.student.name_en.as_alias("student_name"),
        UserSession.student.school.id.as_alias("student_school_id"),
        UserSession.student.school.name.as_alias("student_school_name"),
    ).where(UserSession.token_hash == token_hash(token))
    if not rows:
        return None, ""
    r = rows[0]
    student = r["kind"] == "student"
    info = SessionInfo(
        id=r["id"],
        kind=r["kind"],
        account_id=r["account_id"],
        login_id=r["login_id"] or "",
        name=(r["student_name"] if student else r["name"]) or "",
        school_id=r["student_school_id"] if student else r["school_id"],
        school_name=(r["student_school_name"] if student else r["school_name"]) or "",
        is_main=bool(r["is_main"]),
        created_at=r["created_at"],
        last_seen_at=r["last_seen_at"],
        absolute_expires_at=r["absolute_expires_at"],
        student_id=r["student_id"],
    )
    if info.kind == "school" and (not r["enabled"] or r["deleted"]):
        return None, "disabled"
    if student and info.student_id is None:
        return None, "expired"
    if info.expires_at <= now():
        return None, "expired"
    return info, ""


def needs_touch(info: SessionInfo) -> bool:
    return now() - info.last_seen_at >= TOUCH_EVERY


async def touch(session_id: int) -> None:
    await UserSession.update({UserSession.last_seen_at: now()}).where(UserSession.id == session_id)


async def delete_by_token(token: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == token_hash(token))


async def delete_for_account(account_id: int) -> None:
    await UserSession.delete().where(UserSession.account == account_id)


def _expired(t: datetime):
    return (UserSession.last_seen_at < t - idle()) | (UserSession.absolute_expires_at < t)


async def count_expired(t: datetime | None = None) -> int:
    return await UserSession.count().where(_expired(t or now()))


async def purge_expired(t: datetime | None = None) -> None:
    await UserSession.delete().where(_expired(t or now()))

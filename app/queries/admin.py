"""Reads of the back office's guard: who a back-office session belongs to, and the stations' names."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from app.domain import workflow
from app.queries.stations import all_stations
from tables.tables import ReviewerProfile


@dataclass(frozen=True)
class BackOfficeUser:
    id: int
    username: str
    supervisor: bool


async def user_of_session(token: str | None) -> BackOfficeUser | None:
    if not token:
        return None
    user_id = await SessionsBase.get_user_id(token)
    if not user_id:
        return None
    rows = await BaseUser.select(BaseUser.username, BaseUser.superuser).where(BaseUser.id == user_id)
    if not rows:
        return None
    role = await ReviewerProfile.select(ReviewerProfile.role).where(ReviewerProfile.user == user_id)
    supervisor = bool(rows[0]["superuser"]) or bool(role and role[0]["role"] == workflow.Role.SUPERVISOR)
    return BackOfficeUser(user_id, rows[0]["username"], supervisor)


async def user_by_name(username: str) -> BackOfficeUser | None:
    rows = await BaseUser.select(BaseUser.id).where(BaseUser.username == username)
    return BackOfficeUser(rows[0]["id"], username, False) if rows else None


def station_names() -> dict[str, str]:
    """Every station's name in the reader's language (the guard refreshes the snapshot first)."""
    return {s.code: s.name for s in all_stations()}

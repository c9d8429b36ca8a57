"""piccolo-admin's login with its PBKDF2 hash off the event loop.

piccolo's `BaseUser.login` computes PBKDF2-SHA256 (600,000 rounds, about 0.1 s of a core) on the event loop,
so every back-office sign-in (and piccolo_api's login endpoint, and our MFA password check, which call it)
stalled every request of that server meanwhile. `install()` replaces that one class method by a coroutine
with the same contract that hashes in the low-priority CPU pool (`app.services.cpu`): the user's id when the
name and password match, else None; an unknown user still costs a hash (timing tells nothing); a hash made
with another round count is upgraded on success; `last_login` is written. `app/admin.py` is unchanged.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime
from typing import Any

from piccolo.apps.user.tables import BaseUser

from app.services import cpu

log = logging.getLogger(__name__)


async def login(cls: type[BaseUser], username: str, password: str) -> int | None:
    if len(username) > (cls.username.length or 10_000) or len(password) > cls._max_password_length:
        log.warning("admin login: over-long user name or password refused")
        return None
    row: dict[str, Any] | None = (
        await cls.select(cls._meta.primary_key, cls.password).where(cls.username == username).first()
    )
    if row is None:
        await cpu.run(cls.hash_password, password)  # the same cost as a real check
        return None
    stored = row["password"]
    try:
        _algorithm, rounds, salt, _digest = cls.split_stored_password(stored)
        rounds_n = int(rounds)
    except ValueError:
        return None
    computed = await cpu.run(cls.hash_password, password, salt, rounds_n)
    if not hmac.compare_digest(computed.encode(), stored.encode()):
        return None
    user_id = row[cls._meta.primary_key._meta.name]
    values: dict[Any, Any] = {cls.last_login: datetime.now()}
    if rounds_n != cls._pbkdf2_iteration_count:
        values[cls.password] = await cpu.run(cls.hash_password, password)
    await cls.update(values).where(cls._meta.primary_key == user_id)
    return user_id


_original = BaseUser.__dict__["login"]


def install() -> None:
    """Make BaseUser.login (and so every subclass's) the pooled version; idempotent."""
    BaseUser.login = classmethod(login)  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    BaseUser.login = _original  # type: ignore[method-assign]

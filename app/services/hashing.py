"""argon2id password hashes, computed off the event loop in the low-priority CPU pool (`app.services.cpu`),
never more at once than there are cores.

One verify costs about a core for 0.1 s; unbounded, or at the pages' priority, a burst of logins would stall
every page.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.services import cpu
from app.settings import settings

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_gate: asyncio.Semaphore | None = None
# A real hash to verify against when the account does not exist, so timing does not tell.
_DUMMY = _hasher.hash("not-a-real-password-for-timing")


def _semaphore() -> asyncio.Semaphore:
    global _gate
    if _gate is None:
        _gate = asyncio.Semaphore(max(1, settings.password_hash_concurrency))
    return _gate


async def hash_password(password: str) -> str:
    async with _semaphore():
        return await cpu.run(_hasher.hash, password)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(hashed: str | None, password: str) -> bool:
    async with _semaphore():
        if not hashed:
            await cpu.run(_verify, _DUMMY, password)
            return False
        return await cpu.run(_verify, hashed, password)


def hash_password_sync(password: str) -> str:
    """For the demo loader and tests."""
    return _hasher.hash(password)

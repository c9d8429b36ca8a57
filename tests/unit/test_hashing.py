"""argon2id hashes run off the event loop, never more at once than there are cores."""

from __future__ import annotations

import asyncio
import threading
import time

from app.services import hashing
from app.settings import settings


def test_hash_is_argon2id_and_verifies():
    h = hashing.hash_password_sync("correct horse battery staple")
    assert h.startswith("$argon2id$")


async def test_no_more_hashes_at_once_than_cores(monkeypatch):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow_verify(hashed, password):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return False

    monkeypatch.setattr(hashing, "_verify", slow_verify)
    monkeypatch.setattr(hashing, "_gate", None)
    loop_ticks = {"n": 0}

    async def ticker():
        for _ in range(20):
            loop_ticks["n"] += 1
            await asyncio.sleep(0.01)

    await asyncio.gather(ticker(), *(hashing.verify_password("x", "y") for _ in range(10)))
    assert 1 <= state["max"] <= settings.password_hash_concurrency
    assert loop_ticks["n"] == 20  # the event loop kept running meanwhile

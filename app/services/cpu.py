"""CPU-heavy work off the event loop: a small pool of threads at a lower scheduling priority.

Password hashes (argon2id for schools and students, piccolo-admin's PBKDF2 for reviewers) and captcha images
are computed here. The libraries release the GIL while they compute (argon2-cffi, hashlib's PBKDF2 through
OpenSSL, most of Pillow), so the event loop keeps serving pages meanwhile; the threads run at nice
`settings.cpu_pool_nice` (CPU_POOL_NICE, default 10; Linux keeps a nice value per thread), so when the cores are busy the kernel gives the
request threads the larger share and a burst of logins slows logins, not every signed-in page. The pool has
`password_hash_concurrency` threads (default: the cores); more work waits its turn without using CPU.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from app.settings import settings

log = logging.getLogger(__name__)
T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), settings.cpu_pool_nice)
    except (AttributeError, OSError):  # not Linux, or not permitted: still off the loop
        log.debug("cpu pool: could not lower the thread's priority")


def pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=max(1, settings.password_hash_concurrency),
                thread_name_prefix="arc-cpu",
                initializer=_lower_priority,
            )
        return _pool


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in the low-priority pool; the loop waits without blocking."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool(), functools.partial(fn, *args, **kwargs))


def thread_nice() -> int:
    """The nice value of a pool thread (for tests): runs a call in the pool and reads it there."""
    return pool().submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result()


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None

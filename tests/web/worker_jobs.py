"""Jobs only the tests give a real worker process (`TEST_JOB_MODULES=tests.web.worker_jobs`, APP_ENV=test)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from app.services.jobs import job


@job("test_block_until_released", max_attempts=3)
async def block_until_released(folder: str) -> int:
    """Writes `started-<pid>` each time it starts, then waits until the file `release` exists in `folder`."""
    where = Path(folder)
    (where / f"started-{os.getpid()}").write_text("")
    while not (where / "release").exists():  # noqa: ASYNC110 - set by another process
        await asyncio.sleep(0.2)
    (where / f"finished-{os.getpid()}").write_text("")
    return os.getpid()

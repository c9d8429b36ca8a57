"""Worker processes leave with their server, also when it is killed (no orphans after a restart)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVER = """
import asyncio, os
from app.actions import roster

async def main():
    print(await roster._in_process(os.getpid), flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in state  # exited, not yet reaped by whoever adopted it


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _gone(pid)


def test_the_reader_process_exits_when_its_server_is_killed():
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PICCOLO_CONF="piccolo_conf"),
    )
    try:
        child = int(server.stdout.readline())
        assert child != server.pid and not _gone(child)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        assert _wait_gone(child)
    finally:
        server.kill()


async def test_the_servers_shutdown_stops_the_reader_process():
    from app.actions import roster
    from app.main import create_app

    child = await roster._in_process(os.getpid)
    assert roster.shutdown_reader in create_app().on_shutdown
    roster.shutdown_reader()
    assert await asyncio.to_thread(_wait_gone, child) and roster._POOL is None

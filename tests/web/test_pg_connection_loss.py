"""Issue 12, item 3: the server survives losing its PostgreSQL connections, and still stops on SIGTERM.

A real server (uvicorn, the app's own connection pool) on the test database, under load; every backend
of the app is terminated with pg_terminate_backend, several times. The requests caught by it get the
bilingual 503 page (never a plain-text 500), the next ones are served again, and SIGTERM ends the
process within 10 seconds. PostgreSQL only: SQLite has no connections to lose.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from app import db as app_db

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL only (make test runs it with TEST_DATABASE_URL)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _terminate_app_backends() -> int:
    import asyncpg

    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
    finally:
        await conn.close()
    return sum(1 for r in rows if r["done"])


def test_lost_connections_recover_and_sigterm_stops_the_server(db, tmp_path):
    """Synchronous on purpose: the server is another process, driven by blocking clients."""
    assert app_db.is_postgres()
    port = _free_port()
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed in finally
    env = dict(
        os.environ,
        DB_POOL="1",
        DB_POOL_SIZE="4",
        PDF_WORKERS="1",
        VAR_DIR=str(tmp_path / "var"),
        PICCOLO_CONF="piccolo_conf",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.3)

        answers: list[tuple[int, str, str]] = []
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(base_url=base, timeout=20) as c:
                while not stop.is_set():
                    try:
                        r = c.get("/login")
                    except httpx.TransportError as exc:  # the server must answer, not drop the request
                        answers.append((0, "", repr(exc)))
                        continue
                    answers.append((r.status_code, r.headers.get("content-type", ""), r.text))

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        killed = 0
        try:
            for _ in range(6):
                time.sleep(0.4)
                killed += asyncio.run(_terminate_app_backends())
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        assert killed >= 3  # the app's pooled connections were there and were cut

        statuses = {a[0] for a in answers}
        assert statuses <= {200, 503}, sorted(
            {(a[0], a[1], a[2][:200]) for a in answers if a[0] not in (200,)}
        )
        for status, content_type, text in answers:
            if status == 503:
                assert content_type.startswith("text/html"), (content_type, text[:200])
                assert "Please try again in a moment" in text or "請稍後再試" in text, text[:500]
        # Served again: the broken connections were discarded, new ones opened.
        with httpx.Client(base_url=base, timeout=10) as c:
            assert [c.get("/login").status_code for _ in range(10)] == [200] * 10

        # One more cut while nothing runs, then SIGTERM: the process ends within 10 s.
        asyncio.run(_terminate_app_backends())
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(
                "the server did not stop within 10 s of SIGTERM:\n"
                + (tmp_path / "server.log").read_text()[-3000:]
            )
        assert time.monotonic() - started < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        log.close()

"""Real worker processes on PostgreSQL (issue 16, "done when"): a worker killed mid-job has its job run again once a
worker is back, and mail sent while the SMTP server is down arrives once it is up.

Each test starts `python -m app.cli worker` as the deployment does (JOB_QUEUE=procrastinate) and talks to it only
through the database and what the job leaves behind. The mechanism is the production one: heartbeats, and every
worker putting back the jobs of a worker silent for JOB_STALLED_AFTER seconds (shortened here to 4 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import db as appdb
from app.services import jobs, mail

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="worker processes run procrastinate's queue, which lives in PostgreSQL; this run is on SQLite",
)

ROOT = Path(__file__).resolve().parents[2]
STALLED_AFTER = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def queue(db, monkeypatch):
    """This process defers jobs into the same PostgreSQL queue the worker processes read."""
    import tests.web.worker_jobs  # noqa: F401  (the test job, registered here as in the worker)

    monkeypatch.setattr(jobs, "settings", dataclasses.replace(jobs.settings, job_queue="procrastinate"))
    monkeypatch.setattr(jobs, "_papp", None)
    await jobs.ensure_schema()
    for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs"):
        await appdb.raw(f"DELETE FROM {table}")  # noqa: S608 - constant names
    await appdb.raw("DELETE FROM procrastinate_workers")
    papp = jobs._procrastinate()
    async with papp.open_async():
        yield papp
    monkeypatch.setattr(jobs, "_papp", None)


@contextlib.contextmanager
def workers(tmp: Path, **extra_env: str):
    """Start worker processes on demand (`start()`); every one is stopped at the end, its log printed on failure."""
    started: list[tuple[subprocess.Popen, Path]] = []
    env = {
        **os.environ,
        "JOB_QUEUE": "procrastinate",
        "JOB_STALLED_AFTER": str(STALLED_AFTER),
        "JOB_HEARTBEAT": "1",
        "TEST_JOB_MODULES": "tests.web.worker_jobs",
        "PICCOLO_CONF": "piccolo_conf",
        **extra_env,
    }

    def start() -> subprocess.Popen:
        n = len(started) + 1
        log = tmp / f"worker{n}.log"
        p = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
            cwd=ROOT,
            env={**env, "VAR_DIR": str(tmp / f"var-worker{n}")},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((p, log))
        return p

    try:
        yield start
    except BaseException:
        for _p, log in started:
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr)
        raise
    finally:
        for p, _log in started:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        for p, _log in started:
            try:
                p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)


async def _until(check, what: str, seconds: float = 120, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}) before {what}")
        await asyncio.sleep(0.3)
    raise AssertionError(f"not within {seconds} s: {what}")


async def _job(task_name: str) -> dict:
    rows = await appdb.raw(
        "SELECT id, status::text AS status, attempts FROM procrastinate_jobs WHERE task_name = {}", task_name
    )
    assert len(rows) == 1, rows
    return rows[0]


async def test_a_worker_killed_mid_job_has_its_job_run_by_the_next_worker(queue, tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    with workers(tmp_path) as start:
        first = start()
        await jobs.enqueue("test_block_until_released", folder=str(folder))

        async def started_in(pid: int) -> bool:
            return (folder / f"started-{pid}").exists()

        await _until(lambda: started_in(first.pid), "the first worker took the job", proc=first)
        assert (await _job("test_block_until_released"))["status"] == "doing"

        os.killpg(first.pid, signal.SIGKILL)  # mid-job: no chance to give the job back
        first.wait(timeout=30)
        (folder / "release").write_text("")  # from now on the job can finish, once something runs it
        await asyncio.sleep(1)
        # Dead workers do nothing: the job stays taken by the killed one.
        assert (await _job("test_block_until_released"))["status"] == "doing"
        assert not list(folder.glob("finished-*"))

        second = start()

        async def succeeded() -> bool:
            return (await _job("test_block_until_released"))["status"] == "succeeded"

        await _until(succeeded, "the job ran again on the new worker", proc=second)
    assert (folder / f"started-{second.pid}").exists() and (folder / f"finished-{second.pid}").exists()
    assert not (folder / f"finished-{first.pid}").exists()
    retried = await appdb.raw(
        "SELECT count(*) AS n FROM procrastinate_events e JOIN procrastinate_jobs j ON j.id = e.job_id "
        "WHERE j.task_name = 'test_block_until_released' AND e.type = 'started'"
    )
    assert retried[0]["n"] == 2  # once on the killed worker, once on the new one


async def test_mail_sent_while_smtp_is_down_arrives_once_it_is_up(queue, tmp_path):
    from aiosmtpd.controller import Controller

    port = _free_port()
    received: list[bytes] = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    with workers(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port)) as start:
        worker = start()
        body = "貴校申請案已退件補正。\nYour group was returned for supplement."
        await mail.send(mail.Mail(to="clerk@school.example", subject="【居留證線上申辦】補正通知", body=body))

        async def failed_once() -> bool:
            job = await _job("send_mail")
            return job["attempts"] >= 1 and job["status"] == "todo"  # failed, waiting for its retry

        await _until(failed_once, "the first attempt failed (nothing listened)", proc=worker)
        assert received == []
        sink = Controller(Sink(), hostname="127.0.0.1", port=port)
        sink.start()
        try:
            await _until(lambda: asyncio.sleep(0, bool(received)), "the mail arrived", proc=worker)
        finally:
            sink.stop()
    assert len(received) == 1
    from email import message_from_bytes, policy

    msg = message_from_bytes(received[0], policy=policy.default)
    assert msg["To"] == "clerk@school.example"
    assert msg["Subject"] == "【居留證線上申辦】補正通知"
    assert msg.get_content().replace("\r\n", "\n").strip() == body
    job = await _job("send_mail")
    assert job["status"] == "succeeded" and job["attempts"] >= 1

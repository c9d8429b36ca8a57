"""The persistent job queue on PostgreSQL (procrastinate; issue 16): jobs are rows that outlive any process,
a worker runs them with retries, a failed job is listed for the supervisor and can be retried, and a job whose
worker died mid-way is found stalled and run again."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime, timedelta

import pytest

from app import db as appdb
from app.services import jobs, mail

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="procrastinate keeps its jobs in PostgreSQL; this run is on SQLite (the inline runner's tests cover it)",
)

ATTEMPTS: dict[str, int] = {}


@jobs.job("test_flaky", max_attempts=3)
async def _flaky(key: str, fail_times: int) -> str:
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= fail_times:
        raise RuntimeError("the SMTP server is down")
    return "done"


@pytest.fixture
async def queue(db, monkeypatch):
    monkeypatch.setattr(jobs, "settings", dataclasses.replace(jobs.settings, job_queue="procrastinate"))
    monkeypatch.setattr(jobs, "BACKOFF_BASE", 0.0)  # retries due at once
    monkeypatch.setattr(jobs, "_papp", None)
    await jobs.ensure_schema()
    await appdb.raw("DELETE FROM procrastinate_events")
    await appdb.raw("DELETE FROM procrastinate_periodic_defers")
    await appdb.raw("DELETE FROM procrastinate_jobs")
    papp = jobs._procrastinate()
    ATTEMPTS.clear()
    async with papp.open_async():
        yield papp


async def _work(papp) -> None:
    """A worker that runs what is due and returns (as `python -m app.cli worker` does, without waiting)."""
    await papp.run_worker_async(wait=False, concurrency=1, install_signal_handlers=False, queues=["default"])


async def _statuses() -> dict[int, str]:
    """The jobs these tests made (the worker also defers the scheduled jobs when they are due)."""
    rows = await appdb.raw(
        "SELECT id, status::text AS status FROM procrastinate_jobs "
        "WHERE task_name IN ('send_mail', 'test_flaky') ORDER BY id"
    )
    return {r["id"]: r["status"] for r in rows}


async def test_mail_is_a_persistent_job_run_by_the_worker(queue):
    await mail.send(mail.Mail(to="queued@school.example", subject="Queued", body="x"))
    assert list((await _statuses()).values()) == ["todo"]  # kept in the database until a worker runs it
    before = set(mail.settings.outbox_dir.glob("*.eml")) if mail.settings.outbox_dir.exists() else set()
    await _work(queue)
    assert list((await _statuses()).values()) == ["succeeded"]
    new = set(mail.settings.outbox_dir.glob("*.eml")) - before
    assert len(new) == 1 and b"queued@school.example" in new.pop().read_bytes()


async def test_retries_then_failed_listed_and_retried_by_a_supervisor(queue):
    await jobs.enqueue("test_flaky", key="a", fail_times=1)
    await jobs.enqueue("test_flaky", key="b", fail_times=5)
    await _work(queue)
    assert ATTEMPTS == {"a": 2, "b": 3}  # a succeeded on its retry; b used its three attempts
    failed = await jobs.failed_jobs()
    assert [f["task_name"] for f in failed] == ["test_flaky"]
    assert sorted((await _statuses()).values()) == ["failed", "succeeded"]
    ATTEMPTS["b"] = 10  # the cause is fixed
    assert await jobs.retry_failed(failed[0]["id"])
    assert not await jobs.retry_failed(failed[0]["id"])  # not failed any more
    await _work(queue)
    assert sorted((await _statuses()).values()) == ["succeeded", "succeeded"]
    assert await jobs.failed_jobs() == []


async def test_a_job_whose_worker_died_is_run_again(queue):
    await jobs.enqueue("test_flaky", key="c", fail_times=0)
    # A worker took the job and was killed: its heartbeat stopped two minutes ago.
    worker_id = await queue.job_manager.register_worker()
    job = await queue.job_manager.fetch_job(queues=None, worker_id=worker_id)
    assert job is not None
    await appdb.raw(
        "UPDATE procrastinate_workers SET last_heartbeat = {} WHERE id = {}",
        datetime.now(UTC) - timedelta(minutes=2),
        worker_id,
    )
    assert list((await _statuses()).values()) == ["doing"]
    assert await jobs.retry_stalled() == 1
    await _work(queue)
    assert ATTEMPTS == {"c": 1} and list((await _statuses()).values()) == ["succeeded"]


async def test_readyz_checks_the_queue(client, queue, monkeypatch):
    from app.web import ops

    monkeypatch.setattr(ops, "settings", dataclasses.replace(ops.settings, job_queue="procrastinate"))
    r = await client.get("/readyz")
    assert r.status_code == 200 and r.json()["queue"] == "ok"

"""Background jobs: one registry of job functions, two ways to run them (issue 16).

- `JOB_QUEUE=procrastinate` (production on PostgreSQL): procrastinate keeps every job as a row of
  `procrastinate_jobs`, so a job survives a restart of any server or worker; `python -m app.cli worker` runs
  them (several workers may run on several machines), retrying a failing job with exponential backoff; a job
  whose worker died mid-way (killed, machine lost) is put back in the queue by the other workers, or by the
  next one to start, once the dead worker's heartbeat is `JOB_STALLED_AFTER` seconds old (`run_worker`);
  scheduled jobs are deferred by the workers once per period (procrastinate's periodic tasks, one per period
  whichever worker gets there first).
- `JOB_QUEUE=inline` (the embedded default, `make run`): the server runs the same job functions in its own
  process: a job starts in the background at once and is retried with the same backoff while the process
  lives; scheduled jobs run from a loop in the server. In tests (APP_ENV=test) the first attempt is awaited,
  so a test reads the outbox right after the request.

Every job is idempotent: sending the same mail twice is avoided by the retry being of a failed attempt only,
rendering stores a document once (the first stays), settling and purging look at the state they find.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.services import metrics
from app.settings import settings

log = logging.getLogger("arc.jobs")

BACKOFF_BASE = 5.0  # seconds: 5, 10, 20, 40 … between attempts
BACKOFF_MAX = 3600.0


@dataclass(frozen=True)
class Spec:
    name: str
    fn: Callable[..., Awaitable[Any]]
    max_attempts: int
    cron: str | None  # scheduled jobs: a cron line (minute hour day month weekday)
    every: timedelta | None  # the same period, for the inline loop


REGISTRY: dict[str, Spec] = {}


def job(
    name: str, *, max_attempts: int = 8, cron: str | None = None, every: timedelta | None = None
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """Register a job function (keyword arguments only, JSON values)."""

    def register(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        REGISTRY[name] = Spec(name, fn, max_attempts, cron, every)
        return fn

    return register


def backoff(attempt: int) -> float:
    """Seconds before attempt `attempt + 1` (attempt counts from 1)."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (attempt - 1))


def _load() -> None:
    import app.tasks  # noqa: F401  (registers the jobs)

    if settings.app_env == "test":
        # Tests give a real worker (`python -m app.cli worker`) jobs of their own to run, e.g. one that blocks
        # until the test has killed the worker (tests/web/test_worker_kill.py). Never read outside APP_ENV=test.
        import importlib
        import os

        for module in filter(None, os.environ.get("TEST_JOB_MODULES", "").split(",")):
            importlib.import_module(module.strip())


async def run_job(name: str, kwargs: dict[str, Any]) -> Any:
    """One attempt of a job, counted in the metrics; exceptions propagate (the runner retries)."""
    _load()
    spec = REGISTRY[name]
    try:
        result = await spec.fn(**kwargs)
    except Exception:
        metrics.JOBS.labels(task=name, outcome="failed").inc()
        raise
    metrics.JOBS.labels(task=name, outcome="done").inc()
    return result


# -- inline: in the server process ---------------------------------------------------------------

_background: set[asyncio.Task] = set()


async def _inline(name: str, kwargs: dict[str, Any], first_done: asyncio.Event | None = None) -> None:
    spec = REGISTRY[name]
    for attempt in range(1, spec.max_attempts + 1):
        try:
            await run_job(name, kwargs)
            return
        except Exception:
            if attempt == spec.max_attempts:
                log.exception("job %s failed for good after %d attempts", name, attempt)
                return
            delay = backoff(attempt)
            log.warning("job %s failed (attempt %d), retried in %.0f s", name, attempt, delay, exc_info=True)
        finally:
            if first_done is not None:
                first_done.set()
                first_done = None
        await asyncio.sleep(delay)


def _spawn(coro: Awaitable[Any]) -> asyncio.Task:
    task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


async def enqueue(name: str, **kwargs: Any) -> None:
    """Run `name(**kwargs)` in the background: a persistent job, or in this process (see the module)."""
    _load()
    if name not in REGISTRY:
        raise KeyError(f"no job {name!r}")
    if settings.job_queue == "procrastinate":
        await _procrastinate().configure_task(name).defer_async(**kwargs)
        return
    first = asyncio.Event()
    _spawn(_inline(name, kwargs, first))
    if settings.app_env == "test":
        await first.wait()


async def drain(within: float = 30) -> None:
    """Wait for the in-process jobs (tests, shutdown)."""
    pending = [t for t in _background if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=within)


_scheduler: asyncio.Task | None = None


async def _schedule_loop() -> None:
    _load()
    due = {s.name: datetime.now(UTC) + timedelta(seconds=30) for s in REGISTRY.values() if s.every}
    while True:
        await asyncio.sleep(15)
        now = datetime.now(UTC)
        for name, at in due.items():
            if at <= now:
                every = REGISTRY[name].every
                assert every is not None
                due[name] = now + every
                _spawn(_inline(name, {}))


async def start() -> None:
    """Server startup: open the queue (procrastinate) or start the in-process scheduler (inline)."""
    global _scheduler
    if settings.job_queue == "procrastinate":
        await _procrastinate().open_async()
    elif settings.app_env != "test" and _scheduler is None:
        _scheduler = _spawn(_schedule_loop())


async def stop(within: float = 20) -> None:
    """Server shutdown: the queue closed; in-process jobs get `within` seconds to finish."""
    global _scheduler
    if _scheduler is not None:
        _scheduler.cancel()
        _scheduler = None
    if settings.job_queue == "procrastinate":
        if _papp is not None:
            await _papp.close_async()
        return
    await drain(within)


# -- procrastinate: persistent, in PostgreSQL ----------------------------------------------------------

_papp: Any = None
APP_SERVER_QUEUE_CONNECTIONS = 2  # an app server only defers jobs (deploy/README.md: connection sizing)


def _procrastinate(max_connections: int = APP_SERVER_QUEUE_CONNECTIONS) -> Any:
    """The procrastinate App with every registered job as a task (built once per process)."""
    global _papp
    if _papp is not None:
        return _papp
    import procrastinate

    _load()
    connector = procrastinate.PsycopgConnector(conninfo=_conninfo(), min_size=1, max_size=max_connections)
    papp = procrastinate.App(connector=connector)
    for spec in REGISTRY.values():
        papp.task(
            name=spec.name,
            queue="default",
            retry=_retry_strategy(spec.max_attempts),
            pass_context=False,
        )(_task_body(spec.name, periodic=bool(spec.cron)))
        if spec.cron:
            papp.periodic(cron=spec.cron, periodic_id=spec.name)(papp.tasks[spec.name])
    _papp = papp
    return papp


def _retry_strategy(max_attempts: int) -> Any:
    """procrastinate's retry with the same backoff as the inline runner (5 s, 10 s, 20 s … at most an hour)."""
    import procrastinate
    from procrastinate.retry import RetryDecision

    class Backoff(procrastinate.BaseRetryStrategy):
        def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
            attempt = job.attempts + 1  # attempts made so far, this one included
            if attempt >= max_attempts:
                return None
            return RetryDecision(retry_in={"seconds": int(round(backoff(attempt)))})

    return Backoff()


def _task_body(name: str, *, periodic: bool) -> Callable[..., Awaitable[Any]]:
    if periodic:

        async def scheduled(timestamp: int) -> Any:
            return await run_job(name, {})

        scheduled.__name__ = name
        return scheduled

    async def body(**kwargs: Any) -> Any:
        return await run_job(name, kwargs)

    body.__name__ = name
    return body


def _conninfo() -> str:
    url = settings.database_url
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("postgres://") else url


async def ensure_schema() -> bool:
    """Create procrastinate's tables once (migrate); True if they were created now."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True) as conn:
        cur = await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        row = await cur.fetchone()
        if row and row[0]:
            return False
    papp = _procrastinate()
    async with papp.open_async():
        await papp.schema_manager.apply_schema_async()
    return True


async def retry_stalled() -> int:
    """Jobs whose worker stopped sending heartbeats (killed mid-job) go back to the queue."""
    papp = _procrastinate()
    n = 0
    for stalled in await papp.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.job_stalled_after
    ):
        await papp.job_manager.retry_job(stalled)
        log.warning("job %s #%s was stalled (its worker died); retried", stalled.task_name, stalled.id)
        n += 1
    return n


async def _watch_stalled() -> None:
    """In every worker: at start and then every half `JOB_STALLED_AFTER`, the jobs of dead workers (no heartbeat
    for `JOB_STALLED_AFTER` seconds) go back to the queue, so a killed worker's job runs again as soon as any
    worker is up (another one, or its own replacement). Several workers doing this at once is harmless: a job
    is retried only while it is still `doing` under a dead worker."""
    while True:
        try:
            await retry_stalled()
        except Exception:
            log.warning("looking for stalled jobs failed; tried again later", exc_info=True)
        await asyncio.sleep(max(1.0, settings.job_stalled_after / 2))


async def run_worker(concurrency: int = 4, shutdown_timeout: float = 30) -> None:
    """`python -m app.cli worker`: run jobs until SIGTERM/SIGINT; a job in progress gets `shutdown_timeout`
    seconds to finish, then it is cancelled (and retried by another worker as a stalled job)."""
    from app import db

    await db.start()
    # Jobs, LISTEN, heartbeats; the stall watcher borrows one for a moment every half JOB_STALLED_AFTER.
    papp = _procrastinate(max_connections=concurrency + 2)
    try:
        async with papp.open_async():
            watcher = asyncio.create_task(_watch_stalled(), name="stalled-jobs")
            try:
                await papp.run_worker_async(
                    concurrency=concurrency,
                    install_signal_handlers=True,
                    shutdown_graceful_timeout=shutdown_timeout,
                    update_heartbeat_interval=settings.job_heartbeat,
                    stalled_worker_timeout=settings.job_stalled_after,
                )
            finally:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
    finally:
        await db.stop()


async def failed_jobs(limit: int = 100) -> list[dict[str, Any]]:
    """Failed jobs for the supervisor's page (newest first); arguments are not shown (they may hold mail)."""
    if settings.job_queue != "procrastinate":
        return []
    from app import db

    rows = await db.raw(
        "SELECT j.id, j.task_name, j.attempts, "
        "(SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) AS failed_at "
        "FROM procrastinate_jobs j WHERE j.status = 'failed' ORDER BY j.id DESC LIMIT {}",
        limit,
    )
    return rows


async def retry_failed(job_id: int) -> bool:
    """A supervisor's retry of a failed job: back to the queue now, with the same arguments (jobs are
    idempotent). False if there is no such failed job."""
    if settings.job_queue != "procrastinate":
        return False
    from app import db

    rows = await db.raw("SELECT id FROM procrastinate_jobs WHERE id = {} AND status = 'failed'", job_id)
    if not rows:
        return False
    await _procrastinate().job_manager.retry_job_by_id_async(job_id, retry_at=datetime.now(UTC))
    return True


async def queue_depth() -> dict[str, int]:
    """Jobs by status (todo, doing, failed) for the metrics and /readyz."""
    if settings.job_queue != "procrastinate":
        return {"todo": sum(1 for t in _background if not t.done())}
    from app import db

    rows = await db.raw(
        "SELECT status::text AS status, count(*) AS n FROM procrastinate_jobs "
        "WHERE status IN ('todo', 'doing', 'failed') GROUP BY status"
    )
    return {r["status"]: int(r["n"]) for r in rows}


def jitter(seconds: float) -> float:
    return seconds * (0.8 + 0.4 * random.random())  # noqa: S311

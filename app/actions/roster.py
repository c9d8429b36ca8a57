"""名冊 writes: import a list (匯入錄取/註冊資料), edit a row, delete a row.

An import is one transaction: the valid rows are written (a passport number the school already
has for that year and semester updates its row), the invalid ones are kept on the RosterImport
row for the report and the download, and a file that cannot be read to the end writes nothing.

The file is read and checked away from the event loop, one batch at a time, and each batch is
written with one upsert statement (`db.insert_rows`) while the next is read; memory stays flat
with the file's size. Where it is read (`ROSTER_READER`):
- "process" (the default): in a worker process of its own. Parsing a workbook is pure-Python work
  that holds the GIL, and in a thread it slowed every other request several times over while an
  import ran (docs/benchmarks.md); in a process it does not.
- "thread": in a worker thread (`asyncio.to_thread`), the same code without a second process.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app import db
from app.actions.auth import audit
from app.domain import roster as rules
from app.domain.actor import Actor
from app.errors import Conflict, NotFound  # noqa: F401  (re-exported: actions.<module>.NotFound)
from app.i18n import LOCALES, get_locale, use_locale
from app.i18n import lazy_gettext as _l
from app.queries import roster as roster_queries
from app.services import excel, jobs, storage, workers
from app.services.sessions import now
from app.settings import settings
from tables.tables import Account, RosterEntry, RosterImport, RosterTally

log = logging.getLogger("arc.roster")

BATCH_ROWS = 250
READER = os.environ.get("ROSTER_READER", "process")  # "process" | "thread"
MAX_STORED_REJECTED = excel.MAX_DATA_ROWS
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"  # RosterImport.status

# Columns an import or an edit sets; the rest (school, term, passport, created_*) identify the row.
DATA_COLUMNS = (
    "name_zh",
    "name_en",
    "name_en_norm",
    "birth_date",
    "category",
    "nationality",
    "gender",
    "national_id",
    "qualification",
    "program",
    "grade",
    "status",
    "resident_id",
    "travel_permit_no",
)


class Stale(Conflict):
    """The row changed since the form was opened."""


@dataclass
class ImportOutcome:
    errors: dict[str, str] = field(default_factory=dict)  # form errors: year, semester, file
    import_id: int | None = None
    queued: bool = False  # parsed by a job: `start_queued(outcome)` once the import's row is committed
    today: date | None = None


def _messages(message: Any) -> dict[str, str]:
    """A lazy message rendered in every language, so the report reads in whichever the clerk uses."""
    out = {}
    for locale in LOCALES:
        with use_locale(locale):
            out[locale] = str(message)
    return out


@dataclass
class _Report:
    """The rejected rows, compact: each distinct message is kept once, in every language."""

    messages: list[dict[str, str]] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    index: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, number: int, raw: dict[str, str], errors: list[rules.CellError]) -> None:
        cells = []
        for e in errors:
            texts = _messages(e.message)
            key = tuple(texts[locale] for locale in LOCALES)
            if key not in self.index:
                self.index[key] = len(self.messages)
                self.messages.append(texts)
            cells.append([e.column, self.index[key]])
        self.rows.append([number, [raw.get(k, "") for k in rules.COLUMN_KEYS], cells])

    def as_json(self) -> dict[str, Any]:
        return {"messages": self.messages, "rows": self.rows}


# Columns an import writes, in the order of the upsert's placeholders.
INSERT_COLUMNS = (
    "school",
    "year",
    "semester",
    *DATA_COLUMNS,
    "passport_no",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "version",
)
_COLS = ", ".join(f'"{c}"' for c in INSERT_COLUMNS)
_SETS = ", ".join(f'"{c}" = excluded."{c}"' for c in (*DATA_COLUMNS, "updated_by", "updated_at"))
# The identifiers are the constants above; every value is bound.
UPSERT_HEAD = f"INSERT INTO roster_entry ({_COLS})"  # noqa: S608
UPSERT_TAIL = (
    f'ON CONFLICT ("school", "year", "semester", "passport_no") DO UPDATE SET {_SETS}, '
    '"version" = roster_entry."version" + 1'
)
ADVISORY_LOCK_CLASS = 7301  # pg_advisory_xact_lock(class, key): the roster's namespace


@dataclass
class _Reader:
    """The file's rows, checked and made into upsert parameters, one batch at a time (off the event loop)."""

    rows: Iterator[tuple[int, dict[str, str]]]
    today: date
    fixed: tuple[Any, ...]  # school, year, semester
    stamp: tuple[Any, ...]  # created_by, updated_by, created_at, updated_at, version
    batch_rows: int = BATCH_ROWS
    seen: dict[str, int] = field(default_factory=dict)  # passport no. -> first row number
    report: _Report = field(default_factory=_Report)
    rejected_total: int = 0

    def next_batch(self) -> tuple[list[tuple[Any, ...]], bool]:
        valid: list[tuple[Any, ...]] = []
        rejected = 0
        for number, raw in self.rows:
            check = rules.check_row(raw, self.today)
            errors = check.errors
            values = check.values
            if values is not None:
                passport = values["passport_no"]
                first = self.seen.get(passport)
                if first is not None:
                    errors = [rules.duplicate_error(raw.get("passport_no", ""), first)]
                else:
                    self.seen[passport] = number
                    valid.append((*self.fixed, *(values[c] for c in DATA_COLUMNS), passport, *self.stamp))
            if errors:
                self.rejected_total += 1
                rejected += 1
                if self.rejected_total <= MAX_STORED_REJECTED:
                    self.report.add(number, raw, errors)
            if len(valid) + rejected >= self.batch_rows:
                return valid, False
        return valid, True


async def refresh_tally(terms: set[tuple[int, int, int]]) -> None:
    """The counts of each (school, year, semester) written to, per category and status, made again from its rows
    at the end of the write's action (`db.at_end_of_action`): one grouped count of the term, once per action."""
    for school_id, y, s in sorted(terms):
        await RosterTally.delete().where(
            (RosterTally.school == school_id) & (RosterTally.year == y) & (RosterTally.semester == s)
        )
        await db.raw(
            "INSERT INTO roster_tally (school, year, semester, category, status, rows) "
            "SELECT school, year, semester, category, status, COUNT(*) FROM roster_entry "
            "WHERE school = {} AND year = {} AND semester = {} GROUP BY school, year, semester, category, status",
            school_id,
            y,
            s,
        )


async def _write_batch(rows: list[tuple[Any, ...]]) -> None:
    """Upsert one batch: one statement, the rows bound by the driver."""
    await db.insert_rows(UPSERT_HEAD, UPSERT_TAIL, rows)


async def _lock_term(school_id: int, year: int, semester: int) -> None:
    """Imports into one school's term queue up (PostgreSQL; SQLite's IMMEDIATE transaction already does)."""
    if db.is_postgres():
        await db.raw(
            "SELECT pg_advisory_xact_lock({}, {})",
            ADVISORY_LOCK_CLASS,
            school_id * 10_000 + year * 10 + semester,
        )


def _open(
    data: bytes,
    filename: str,
    today: date,
    fixed: tuple[Any, ...],
    stamp: tuple[Any, ...],
    batch_rows: int = BATCH_ROWS,
) -> _Reader:
    return _Reader(excel.read_roster(data, filename), today, fixed, stamp, batch_rows)


class _ThreadReader:
    """The reader in a worker thread of this process."""

    def __init__(self, reader: _Reader):
        self.reader = reader

    @classmethod
    async def open(cls, *args: Any) -> _ThreadReader:
        return cls(await asyncio.to_thread(_open, *args))

    async def next_batch(self) -> tuple[list[tuple[Any, ...]], bool]:
        return await asyncio.to_thread(self.reader.next_batch)

    async def finish(self) -> tuple[dict[str, Any], int]:
        return self.reader.report.as_json(), self.reader.rejected_total

    async def drop(self) -> None:
        return None


# -- the reader in a worker process ---------------------------------------------------------------
# One spawned process serves every import of this server process; its readers are kept by key.

_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_CHILD_READERS: dict[str, _Reader] = {}  # in the worker process


def _pool() -> ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=workers.reader_priority,
            )
        return _POOL


def shutdown_reader() -> None:
    """The server's shutdown: the worker process leaves with it."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=False, cancel_futures=True)
            _POOL = None


async def _in_process(fn: Any, *args: Any) -> Any:
    global _POOL
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool(), fn, *args)
    except BrokenProcessPool:
        with _POOL_LOCK:
            _POOL = None  # the next import starts a new worker
        raise


def _child_open(key: str, *args: Any) -> dict[str, str] | None:
    try:
        _CHILD_READERS[key] = _open(*args)
    except excel.RosterFileError as exc:
        return _messages(exc.message)
    return None


def _child_next(key: str) -> tuple[list[tuple[Any, ...]], bool, dict[str, str] | None]:
    try:
        valid, done = _CHILD_READERS[key].next_batch()
    except excel.RosterFileError as exc:
        _CHILD_READERS.pop(key, None)
        return [], True, _messages(exc.message)
    return valid, done, None


def _child_finish(key: str) -> tuple[dict[str, Any], int]:
    reader = _CHILD_READERS.pop(key)
    return reader.report.as_json(), reader.rejected_total


def _child_drop(key: str) -> None:
    _CHILD_READERS.pop(key, None)


def _file_error(messages: dict[str, str]) -> excel.RosterFileError:
    exc = excel.RosterFileError(messages.get(get_locale()) or messages.get("zh_Hant_TW", ""))
    exc.messages = messages  # type: ignore[attr-defined]  (every language, for a queued import's page)
    return exc


class _ProcessReader:
    """The reader in the worker process: the same `_Reader`, driven by key."""

    def __init__(self, key: str):
        self.key = key

    @classmethod
    async def open(cls, *args: Any) -> _ProcessReader:
        key = uuid.uuid4().hex
        problem = await _in_process(_child_open, key, *args)
        if problem is not None:
            raise _file_error(problem)
        return cls(key)

    async def next_batch(self) -> tuple[list[tuple[Any, ...]], bool]:
        valid, done, problem = await _in_process(_child_next, self.key)
        if problem is not None:
            raise _file_error(problem)
        return valid, done

    async def finish(self) -> tuple[dict[str, Any], int]:
        return await _in_process(_child_finish, self.key)

    async def drop(self) -> None:
        try:
            await _in_process(_child_drop, self.key)
        except BrokenProcessPool:
            pass


async def import_roster(
    actor: Actor,
    *,
    year: str | int | None,
    semester: str | int | None,
    filename: str,
    data: bytes | None,
    today: date | None = None,
) -> ImportOutcome:
    """匯入資料. Main accounts and sub-accounts alike; the rows belong to the school.

    On the embedded default (JOB_QUEUE=inline) the file is parsed here and now, and the outcome is final. With the
    job queue (PostgreSQL) the file goes to the storage interface, the import is a `queued` row, and a worker
    parses it (`run_queued_import`, the `parse_roster` job); the page polls the row, on whichever node."""
    if not actor.is_school or not actor.school_id:
        raise NotFound
    today = today or date.today()
    errors = {k: str(m) for k, m in rules.check_year_semester(year, semester, today).items()}
    filename = os.path.basename((filename or "").replace("\\", "/")).strip()[:200]
    if not data or not filename:
        errors["file"] = str(_l("Choose the file to import."))
    elif len(data) > excel.MAX_UPLOAD_BYTES:
        errors["file"] = str(
            _l("The file is larger than %(mb)d MB.", mb=excel.MAX_UPLOAD_BYTES // (1024 * 1024))
        )
    if errors:
        return ImportOutcome(errors=errors)
    assert data is not None
    y, s = int(str(year)), int(str(semester))
    if settings.job_queue == "procrastinate":
        return await _queue_import(actor, y, s, filename, data, today)
    try:
        record_id = await _apply_file(
            actor.school_id, actor.account_id, actor.login_id, y, s, filename, data, today, None
        )
    except excel.RosterFileError as exc:
        return ImportOutcome(errors={"file": f"{filename}: {exc.message}"})
    return ImportOutcome(import_id=record_id)


async def _queue_import(
    actor: Actor, y: int, s: int, filename: str, data: bytes, today: date
) -> ImportOutcome:
    key = f"roster-imports/{uuid.uuid4().hex}"
    await storage.backend().save(key, data)
    try:
        async with db.write_tx():
            record = RosterImport(
                school=actor.school_id,
                account=actor.account_id,
                filename=filename,
                year=y,
                semester=s,
                status=QUEUED,
                file_key=key,
                created_at=now(),
            )
            await record.save()
    except BaseException:
        await storage.backend().delete(key)
        raise
    return ImportOutcome(import_id=record.id, queued=True, today=today)


async def start_queued(outcome: ImportOutcome) -> None:
    """Queue the parse of a queued import. Call it once the import's row is committed (a request: after its
    commit), or a worker could look for the row before it exists. If the queue cannot take it, the import is
    marked failed with the reason, so its page does not wait for ever."""
    if not outcome.queued or outcome.import_id is None:
        return
    today = outcome.today or date.today()
    try:
        await jobs.enqueue("parse_roster", import_id=outcome.import_id, today=today.isoformat())
    except Exception:
        log.exception("roster import %s could not be queued", outcome.import_id)
        await RosterImport.update(
            {
                RosterImport.status: FAILED,
                RosterImport.problem: _messages(
                    _l("The import could not be started. Please import the file again.")
                ),
                RosterImport.finished_at: now(),
            }
        ).where(RosterImport.id == outcome.import_id)


async def run_queued_import(import_id: int, today: date | None = None) -> str:
    """The `parse_roster` job: parse a queued import's file and write its rows (one transaction, as inline).
    Idempotent: an import already done or failed is left alone; one whose worker died mid-way (still `running`,
    its transaction rolled back) is parsed again. Returns the import's status."""
    rows = await RosterImport.select().where(RosterImport.id == import_id)
    if not rows:
        return "gone"
    imp = rows[0]
    if imp["status"] in (DONE, FAILED):
        return imp["status"]
    await RosterImport.update({RosterImport.status: RUNNING}).where(RosterImport.id == import_id)
    store = storage.backend()
    data = await store.read(imp["file_key"]) if imp["file_key"] else None
    login = (
        await Account.select(Account.login_id).where(Account.id == imp["account"]) if imp["account"] else []
    )
    try:
        if data is None:
            raise excel.RosterFileError(_l("The file could not be read. Please import it again."))
        await _apply_file(
            imp["school"],
            imp["account"],
            login[0]["login_id"] if login else "",
            imp["year"],
            imp["semester"],
            imp["filename"],
            data,
            today or date.today(),
            import_id,
        )
        status = DONE
    except excel.RosterFileError as exc:
        await RosterImport.update(
            {
                RosterImport.status: FAILED,
                RosterImport.problem: getattr(exc, "messages", None) or _messages(exc.message),
                RosterImport.finished_at: now(),
            }
        ).where(RosterImport.id == import_id)
        status = FAILED
    if imp["file_key"]:
        await store.delete(imp["file_key"])
    return status


PROGRESS_EVERY_SECONDS = 1.0


class _Progress:
    """Rows read so far, written to the import's row now and then from outside the import's transaction (its
    own connection), so a page polling on any node sees it move. PostgreSQL only: on SQLite the import holds the
    write lock, and the inline import answers when it is done anyway."""

    def __init__(self, import_id: int | None):
        self.import_id = import_id if import_id is not None and db.is_postgres() else None
        self.rows = 0
        self.last = time.monotonic()
        self.pending: asyncio.Task | None = None

    def add(self, n: int) -> None:
        self.rows += n
        if self.import_id is None or time.monotonic() - self.last < PROGRESS_EVERY_SECONDS:
            return
        if self.pending is not None and not self.pending.done():
            return
        self.last = time.monotonic()
        # One that lands after the import's commit finds it done and changes nothing.
        update = RosterImport.update({RosterImport.rows_read: self.rows}).where(
            (RosterImport.id == self.import_id) & (RosterImport.status == RUNNING)
        )
        # A fresh context: not the import's transaction (Piccolo keeps it in a context variable).
        self.pending = asyncio.get_running_loop().create_task(
            _run_query(update), context=contextvars.Context()
        )

    async def close(self) -> None:
        if self.pending is not None:
            await asyncio.gather(self.pending, return_exceptions=True)


async def _run_query(query: Any) -> None:
    await query


async def _apply_file(
    school_id: int,
    account_id: int | None,
    login_id: str,
    y: int,
    s: int,
    filename: str,
    data: bytes,
    today: date,
    import_id: int | None,
) -> int:
    """Read, check and write one file's rows in one transaction; the import's row records the outcome (a new
    row inline, the queued row for a job). Raises RosterFileError (nothing written) if the file cannot be read
    to the end."""
    term = (RosterEntry.school == school_id) & (RosterEntry.year == y) & (RosterEntry.semester == s)
    t = now()
    reader_class = _ProcessReader if READER == "process" else _ThreadReader
    progress = _Progress(import_id)
    reader = await reader_class.open(
        data,
        filename,
        today,
        (school_id, y, s),
        (account_id, account_id, t, t, 1),
        BATCH_ROWS,
    )
    try:
        async with db.write_tx():
            await _lock_term(school_id, y, s)
            db.at_end_of_action(refresh_tally, (school_id, y, s))
            if import_id is not None:
                # Attempts at one import queue on the term's lock: the row is read after it, not locked (the
                # progress updates write it from another connection meanwhile).
                rows = await RosterImport.select(RosterImport.status).where(RosterImport.id == import_id)
                if not rows or rows[0]["status"] in (DONE, FAILED):  # another attempt finished it meanwhile
                    await reader.drop()
                    return import_id
            before = await RosterEntry.count().where(term)
            written = 0
            # The next batch is read while this one is written: the parse and the database overlap.
            pending: asyncio.Future | None = asyncio.ensure_future(reader.next_batch())
            try:
                while pending is not None:
                    valid, done = await pending
                    pending = None if done else asyncio.ensure_future(reader.next_batch())
                    await _write_batch(valid)
                    written += len(valid)
                    progress.add(len(valid))
            finally:
                if pending is not None:  # a write failed: let the read in flight finish, then drop it
                    await asyncio.gather(pending, return_exceptions=True)
            report, rejected_total = await reader.finish()
            # Passports are unique within the file, so what the term gained is what was new.
            created = await RosterEntry.count().where(term) - before
            updated = written - created
            outcome = {
                "created_count": created,
                "updated_count": updated,
                "rejected_count": rejected_total,
                "rejected": report,
            }
            if import_id is None:
                record = RosterImport(
                    school=school_id,
                    account=account_id,
                    filename=filename,
                    year=y,
                    semester=s,
                    status=DONE,
                    rows_read=written + rejected_total,
                    finished_at=now(),
                    created_at=now(),
                    **outcome,
                )
                await record.save()
                import_id = record.id
            else:
                await RosterImport.update(
                    {
                        RosterImport.status: DONE,
                        RosterImport.rows_read: written + rejected_total,
                        RosterImport.finished_at: now(),
                        RosterImport.created_count: created,
                        RosterImport.updated_count: updated,
                        RosterImport.rejected_count: rejected_total,
                        RosterImport.rejected: report,
                    }
                ).where(RosterImport.id == import_id)
            await audit(
                "roster_import",
                login_id=login_id,
                account_id=account_id,
                actor_login_id=login_id,
                detail=f"import {import_id}: {y}-{s}, new {created}, updated {updated}, rejected {rejected_total}",
            )
    except BaseException:
        await reader.drop()
        raise
    finally:
        await progress.close()
    return import_id


def _form_raw(data: dict[str, str]) -> dict[str, str]:
    return {k: (data.get(k) or "").strip() for k in rules.COLUMN_KEYS}


async def update_roster_entry(
    actor: Actor, entry_id: int, version: int, data: dict[str, str], today: date | None = None
) -> dict[str, str]:
    """Edit one row of the school's roster. Returns {field: message}; empty when saved."""
    entry = await roster_queries.get_roster_entry(actor, entry_id)
    if entry is None:
        raise NotFound
    check = rules.check_row(_form_raw(data), today or date.today())
    errors: dict[str, str] = {}
    for e in check.errors:
        errors.setdefault(e.column, str(e.message))
    if errors or check.values is None:
        return errors
    values = check.values
    async with db.write_tx():
        db.at_end_of_action(refresh_tally, (actor.school_id, entry["year"], entry["semester"]))
        if values["passport_no"] != entry["passport_no"]:
            clash = await RosterEntry.exists().where(
                (RosterEntry.school == actor.school_id)
                & (RosterEntry.year == entry["year"])
                & (RosterEntry.semester == entry["semester"])
                & (RosterEntry.passport_no == values["passport_no"])
                & (RosterEntry.id != entry_id)
            )
            if clash:
                return {
                    "passport_no": str(
                        _l("Another student of this academic year and semester has this passport number.")
                    )
                }
        changes: dict[Any, Any] = {getattr(RosterEntry, c): values[c] for c in DATA_COLUMNS}
        changes[RosterEntry.passport_no] = values["passport_no"]
        changes[RosterEntry.updated_by] = actor.account_id
        changes[RosterEntry.updated_at] = now()
        try:
            await db.update_versioned(RosterEntry, entry_id, version, changes)
        except db.StaleRowError as exc:
            raise Stale from exc
        await audit(
            "roster_update",
            login_id=actor.login_id,
            account_id=actor.account_id,
            actor_login_id=actor.login_id,
            detail=f"roster entry {entry_id}",
        )
    return {}


async def delete_roster_entry(actor: Actor, entry_id: int) -> None:
    entry = await roster_queries.get_roster_entry(actor, entry_id)
    if entry is None:
        raise NotFound
    async with db.write_tx():
        db.at_end_of_action(refresh_tally, (actor.school_id, entry["year"], entry["semester"]))
        await RosterEntry.delete().where(
            (RosterEntry.id == entry_id) & (RosterEntry.school == actor.school_id)
        )
        await audit(
            "roster_delete",
            login_id=actor.login_id,
            account_id=actor.account_id,
            actor_login_id=actor.login_id,
            detail=f"roster entry {entry_id}",
        )

"""The one place that knows the two database engines apart.

- `request_transaction(write)`: a request runs on one connection. Piccolo on SQLite opens a new
  connection for every query outside a transaction, so every request is wrapped in one
  (deferred for reads, IMMEDIATE for writes, so concurrent writers queue on the busy timeout
  instead of failing with "database is locked").
- `write_tx()`: an action's transaction. Inside a request transaction it is a savepoint, so a
  refused action leaves nothing half-written while the request goes on.
- `lock_for_update(query)`: `SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE
  transaction already serialises writers.
- `update_versioned(...)`: optimistic locking with a version column, for rows two people edit.
- PostgreSQL connections that are lost (the server restarted, a backend was terminated) are discarded,
  never handed back to the pool half-open: `app.pg_engine`. Shutdown closes the pool
  within `POOL_CLOSE_TIMEOUT` seconds, then terminates what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from app.pg_engine import is_connection_error  # noqa: F401 - re-exported for the middleware
from app.settings import settings
from app.sqlite_pool import PooledSQLiteEngine
from piccolo_conf import DB

log = logging.getLogger("arc.db")

POOL_CLOSE_TIMEOUT = 5.0  # seconds; then the remaining connections are terminated


class StaleRowError(Exception):
    """The row changed since it was read (its version moved on)."""


def engine():
    return DB


def is_sqlite() -> bool:
    return isinstance(DB, SQLiteEngine)


def is_postgres() -> bool:
    return isinstance(DB, PostgresEngine)


def in_transaction() -> bool:
    return DB.current_transaction.get() is not None


async def start() -> None:
    """Startup: WAL for SQLite (readers never wait for the writer), a pool of connections for both."""
    if is_sqlite():
        conn = await DB.get_connection()
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
        finally:
            await conn.close()
        if isinstance(DB, PooledSQLiteEngine):
            DB.open_pool()  # connections are kept between transactions (app/sqlite_pool.py)
    elif os.environ.get("DB_POOL", "1") != "0":
        # DB_POOL=0 (tests): the test client runs the app's lifespan on another event loop, and a
        # pool must not cross loops; without it each transaction opens its own connection.
        await DB.start_connection_pool(min_size=settings.db_pool_min, max_size=settings.db_pool_max)


async def stop() -> None:
    if isinstance(DB, PooledSQLiteEngine):
        await DB.close_pool()
    elif is_postgres() and os.environ.get("DB_POOL", "1") != "0" and DB.pool is not None:
        # Bounded: a connection still held by a stuck request must not keep the process alive.
        pool = DB.pool
        try:
            await asyncio.wait_for(pool.close(), timeout=POOL_CLOSE_TIMEOUT)
        except (TimeoutError, Exception) as exc:
            log.warning("closing the database pool took too long or failed (%r); terminating it", exc)
            pool.terminate()
        DB.pool = None


def _new_transaction(write: bool):
    if is_sqlite():
        kind = TransactionType.immediate if write else TransactionType.deferred
        return DB.transaction(transaction_type=kind)
    return DB.transaction()


@contextlib.asynccontextmanager
async def request_transaction(write: bool) -> AsyncIterator[None]:
    async with _new_transaction(write):
        yield


# Work an action's writes owe before they are kept: {flush: items}, one dict per open write_tx.
_PENDING: contextvars.ContextVar[dict[Callable[[set[Any]], Awaitable[None]], set[Any]] | None] = (
    contextvars.ContextVar("arc_pending_writes", default=None)
)


def at_end_of_action(flush: Callable[[set[Any]], Awaitable[None]], item: Any) -> None:
    """Have `flush` called once with every item given to it, when the enclosing `write_tx` is about to keep its
    writes (still inside it: all or nothing). For what depends on several writes of one action, such as the
    dashboard list of a group whose cases change one by one."""
    pending = _PENDING.get()
    if pending is None:
        raise RuntimeError("at_end_of_action is called inside an action's transaction (write_tx)")
    pending.setdefault(flush, set()).add(item)


async def _flush_pending(pending: dict[Callable[[set[Any]], Awaitable[None]], set[Any]]) -> None:
    while pending:  # a flush may owe more work of its own
        flush, items = next(iter(pending.items()))
        del pending[flush]
        await flush(items)


@contextlib.asynccontextmanager
async def write_tx() -> AsyncIterator[None]:
    """One action, all or nothing."""
    pending: dict[Callable[[set[Any]], Awaitable[None]], set[Any]] = {}
    token = _PENDING.set(pending)
    try:
        current = DB.current_transaction.get()
        if current is None:
            async with _new_transaction(True):
                yield
                await _flush_pending(pending)
            return
        savepoint = await current.savepoint()
        try:
            yield
            await _flush_pending(pending)
        except BaseException:
            await savepoint.rollback_to()
            raise
        else:
            await savepoint.release()
    finally:
        _PENDING.reset(token)


def lock_for_update(query):
    """Row lock on PostgreSQL inside a transaction; unchanged on SQLite (IMMEDIATE serialises writers)."""
    if is_postgres():
        return query.lock_rows()
    return query


async def update_versioned(table: type[Table], row_id: int, version: int, values: dict[Any, Any]) -> int:
    """UPDATE ... WHERE id = ? AND version = ?; returns the new version or raises StaleRowError."""
    values = dict(values)
    values[table.version] = version + 1  # type: ignore[attr-defined]
    rows = await (
        table.update(values)
        .where((table._meta.primary_key == row_id) & (table.version == version))  # type: ignore[attr-defined]
        .returning(table._meta.primary_key)
    )
    if not rows:
        raise StaleRowError(f"{table._meta.tablename} {row_id} changed meanwhile")
    return version + 1


async def executemany(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One statement run for many rows on the current transaction's connection; placeholders written as {}.

    For bulk writes (a roster import): the statement is prepared once and the driver binds the rows
    (sqlite3 in aiosqlite's thread, asyncpg's executemany), so the event loop does almost nothing.
    """
    if not rows:
        return
    tx = DB.current_transaction.get()
    if tx is None:
        raise RuntimeError("executemany runs inside a transaction (write_tx)")
    if is_sqlite():
        await tx.connection.executemany(sql.replace("{}", "?"), rows)
        return
    parts = sql.split("{}")
    numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
    await tx.connection.executemany(numbered, rows)


# How many values one SQLite statement may bind (SQLITE_MAX_VARIABLE_NUMBER; 999 before 3.32).
_SQLITE_MAX_VARIABLES = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


# asyncpg encodes all the rows of one executemany in the event loop before it yields: 250 rows held the loop
# ~0.8 ms at a time, and a static file's p99 during an import was 2.2-2.9 ms; ten rows a call, 1.3-1.9 ms, at the
# same import speed (docs/benchmarks.md).
_PG_ROWS_PER_CALL = 10


@functools.lru_cache(maxsize=16)
def _values_sql(head: str, tail: str, width: int, count: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return f"{head} VALUES {', '.join([row] * count)} {tail}"


async def insert_rows(head: str, tail: str, rows: list[tuple[Any, ...]]) -> None:
    """`head VALUES (row), (row), ... tail` for rows of one width, in the current transaction.

    For bulk writes (a roster import). On SQLite, one statement per batch: its values are bound at once and
    SQLite runs the whole batch in one step without Python's GIL. Run row by row (`executemany`), the
    connection's thread took the GIL back after every row, and each time the event loop wanted it, it
    waited out Python's switch interval: static files answered several times slower during an import. On
    PostgreSQL, asyncpg's `executemany` of the one-row statement, ten rows a call (one multi-row statement
    was slower there: its values are all encoded in the event loop at once).
    """
    if not rows:
        return
    tx = DB.current_transaction.get()
    if tx is None:
        raise RuntimeError("insert_rows runs inside a transaction (write_tx)")
    width = len(rows[0])
    if not is_sqlite():
        sql = f"{head} VALUES ({', '.join(['{}'] * width)}) {tail}"
        for start in range(0, len(rows), _PG_ROWS_PER_CALL):
            await executemany(sql, rows[start : start + _PG_ROWS_PER_CALL])
        return
    per = max(1, _SQLITE_MAX_VARIABLES // width)
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        await tx.connection.execute_fetchall(
            _values_sql(head, tail, width, len(chunk)), [v for row in chunk for v in row]
        )


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A raw query with positional placeholders written as {} (Piccolo's QueryString style)."""
    return await DB.run_querystring(_qs(sql, args))


def _qs(sql: str, args: tuple[Any, ...]):
    from piccolo.querystring import QueryString

    return QueryString(sql, *args)


async def sequence_next(name: str, start_after: int = 0) -> int:
    """nextval of a PostgreSQL sequence, created on first use (starting after `start_after`). Runs in a savepoint
    so a missing sequence, or two requests creating it at once, never aborts the caller's transaction.
    `name` is ours (letters, digits, _), never user input."""
    import asyncpg

    if not name.replace("_", "").isalnum():
        raise ValueError("bad sequence name")
    try:
        async with write_tx():
            return (await raw(f"SELECT nextval('{name}') AS v"))[0]["v"]
    except asyncpg.exceptions.UndefinedTableError:
        pass
    try:
        async with write_tx():
            await raw(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {int(start_after) + 1} MINVALUE 1")
    except (asyncpg.exceptions.UniqueViolationError, asyncpg.exceptions.DuplicateTableError):
        pass  # another request created it meanwhile
    return (await raw(f"SELECT nextval('{name}') AS v"))[0]["v"]


async def sequence_values(prefix: str) -> dict[str, int]:
    """The last value given by each PostgreSQL sequence whose name starts with `prefix` (0: none given yet)."""
    rows = await raw(
        "SELECT sequencename AS name, COALESCE(last_value, 0) AS v FROM pg_sequences WHERE sequencename LIKE {}",
        prefix + "%",
    )
    return {r["name"]: r["v"] for r in rows}

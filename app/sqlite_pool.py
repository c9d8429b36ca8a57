"""Piccolo's SQLite engine with its connections kept for the next transaction (the server only).

Piccolo opens a new aiosqlite connection for every transaction: a new thread each time, and the event
loop waits for that thread to start, which on a busy CPU is milliseconds in which no other request,
not even a static file, is served (docs/benchmarks.md, roster import). A new connection also starts
with an empty page cache. While the pool is open (`open_pool()` at the server's startup, `close_pool()`
at its shutdown), a transaction's connection goes back to a short idle list when the transaction ends.

A kept connection is in autocommit mode between transactions (Piccolo's `isolation_level=None`), so it
holds no snapshot and sees every commit; one that is still inside a transaction when it comes back (a
failed commit) is rolled back first, or closed if that fails too. Queries inside a transaction run in
one call on the connection's thread (execute and fetch together), and `PRAGMA foreign_keys` is set
once per connection instead of before every query. Outside the server (CLI commands, migrations, test
set-up) the pool is closed and the engine behaves as Piccolo's. A kept connection's thread is a daemon, so
a process that opened the pool and never closed it (a crash, a script) still exits.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

log = logging.getLogger("arc.db")

_RETURNING = sqlite3.sqlite_version_info >= (3, 35)  # else Piccolo reads an insert's key separately


class _Kept:
    """A pooled connection as Piccolo sees it: everything is the connection's, but `close()` returns it."""

    __slots__ = ("_conn", "_engine", "_returned")

    def __init__(self, conn: aiosqlite.Connection, engine: PooledSQLiteEngine) -> None:
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_returned", False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._conn, name, value)  # Piccolo sets row_factory on the connection

    async def close(self) -> None:
        if not self._returned:
            object.__setattr__(self, "_returned", True)
            await self._engine._give_back(self._conn)


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, *args: Any, max_idle: int = 8, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._pool_open = False
        self._max_idle = max_idle

    @property
    def pool_open(self) -> bool:
        return self._pool_open

    def open_pool(self) -> None:
        self._pool_open = True

    async def close_pool(self) -> None:
        self._pool_open = False
        while self._idle:
            await self._close(self._idle.pop())

    async def get_connection(self) -> Any:
        if not self._pool_open:
            return await super().get_connection()
        conn = self._idle.pop() if self._idle else await self._new_connection()
        return _Kept(conn, self)

    async def _new_connection(self) -> aiosqlite.Connection:
        """As Piccolo's, but its thread is a daemon: a kept connection never holds the process at exit."""
        conn = aiosqlite.connect(**self.connection_kwargs)
        thread = getattr(conn, "_thread", None)
        if isinstance(thread, threading.Thread):
            thread.daemon = True
        await conn
        conn.row_factory = dict_factory
        await conn.execute("PRAGMA foreign_keys = 1")
        return conn

    async def _give_back(self, conn: aiosqlite.Connection) -> None:
        if conn.in_transaction:
            try:
                await conn.rollback()
            except (sqlite3.Error, ValueError):
                log.warning("a pooled SQLite connection could not roll back; closed")
                await self._close(conn)
                return
        if self._pool_open and len(self._idle) < self._max_idle:
            self._idle.append(conn)
        else:
            await self._close(conn)

    @staticmethod
    async def _close(conn: aiosqlite.Connection) -> None:
        try:
            await conn.close()
        except (sqlite3.Error, ValueError):
            log.warning("closing a pooled SQLite connection failed", exc_info=True)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if not isinstance(connection, _Kept) or (query_type == "insert" and not _RETURNING):
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        return await connection.execute_fetchall(query, args or [])

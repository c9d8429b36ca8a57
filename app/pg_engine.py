"""PostgreSQL engine whose transactions survive lost connections (issue 12).

Piccolo's `PostgresTransaction.__aexit__` rolls back and then releases the connection; when the rollback
raises (the server terminated the backend), the connection is never given back, and closing the pool on
shutdown then waits for it forever. Here a connection whose BEGIN, COMMIT or ROLLBACK fails is terminated
and always returned, so the pool opens a fresh one in its place.
"""

from __future__ import annotations

import contextlib
import logging

from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

log = logging.getLogger("arc.db")

RELEASE_TIMEOUT = 5.0


def is_connection_error(exc: BaseException) -> bool:
    """The database connection itself failed (lost, refused, terminated by the server): not the query."""
    import asyncpg

    return isinstance(
        exc,
        (
            asyncpg.PostgresConnectionError,  # incl. ConnectionDoesNotExistError
            asyncpg.exceptions.OperatorInterventionError,  # AdminShutdown (pg_terminate_backend), CannotConnectNow
            asyncpg.InterfaceError,  # "connection is closed", "released back to the pool"
            asyncpg.InternalClientError,  # a protocol cut mid-operation ("another operation is in progress")
            ConnectionError,
            OSError,
        ),
    )


class ResilientPostgresTransaction(PostgresTransaction):
    """Piccolo's transaction, but a connection whose BEGIN, COMMIT or ROLLBACK fails is discarded and always
    returned to the pool (Piccolo's own never releases it when the rollback raises, and closing the pool
    then waits forever). A stale pooled connection found at BEGIN is replaced once, as no work was done."""

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        for attempt in (1, 2):
            self.connection = await self.get_connection()
            self.transaction = self.connection.transaction()
            try:
                await self.begin()
            except Exception as exc:
                await self._give_back(broken=True)
                if attempt == 2 or not is_connection_error(exc):
                    raise
                log.warning("database connection lost before BEGIN; retrying on a new one: %r", exc)
                continue
            break
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        broken = False
        try:
            if exception is not None:
                if not self._rolled_back:
                    try:
                        await self.rollback()
                    except Exception as exc:  # the original exception is what the caller must see
                        broken = True
                        log.warning("rollback failed, connection discarded: %r", exc)
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except BaseException:
                    broken = True
                    raise
        finally:
            try:
                await self._give_back(broken=broken)
            finally:
                self.engine.current_transaction.reset(self.context)
        return exception is None

    async def _give_back(self, *, broken: bool) -> None:
        conn = self.connection
        try:
            if broken or conn.is_closed():
                conn.terminate()  # never reused: the pool opens a fresh connection in its place
        except Exception:  # noqa: S110 - asyncpg already detached a connection it saw close
            pass
        try:
            if self.engine.pool:
                await self.engine.pool.release(conn, timeout=RELEASE_TIMEOUT)
            elif not conn.is_closed():
                await conn.close(timeout=RELEASE_TIMEOUT)
        except Exception as exc:
            log.warning("connection could not be released cleanly, terminated: %r", exc)
            with contextlib.suppress(Exception):
                conn.terminate()


class ResilientPostgresEngine(PostgresEngine):
    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return ResilientPostgresTransaction(engine=self, allow_nested=allow_nested)

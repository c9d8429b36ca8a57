"""How many PostgreSQL connections a deployment needs (deploy/README.md, "Connections").

    python -m app.cli db-connections --app-servers 4 --workers 2

Prints the sum for the current settings (DB_POOL_SIZE, WORKER_CONCURRENCY) and, when the database answers,
compares it with the server's max_connections; exits 1 when it does not fit.
"""

from __future__ import annotations

from app.services.jobs import APP_SERVER_QUEUE_CONNECTIONS

ADMIN_RESERVE = 5  # migrate, psql, pg_dump, monitoring


def needed(app_servers: int, workers: int, pool_size: int, worker_concurrency: int) -> int:
    return (
        app_servers * (pool_size + APP_SERVER_QUEUE_CONNECTIONS)
        + workers * (pool_size + worker_concurrency + 2)
        + ADMIN_RESERVE
    )


async def available() -> int | None:
    from app import db

    if not db.is_postgres():
        return None
    rows = await db.raw(
        "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int AS n"
    )
    return int(rows[0]["n"])

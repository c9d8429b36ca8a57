"""file_chunk: one row per (content, chunk number), by raw SQL (Piccolo's composite unique fails on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T17:06:14:000001"
VERSION = "1.38.0"
DESCRIPTION = "file_chunk: unique (sha256, seq)"


class RawTable(Table):
    pass


UP = ("CREATE UNIQUE INDEX IF NOT EXISTS file_chunk_sha256_seq ON file_chunk (sha256, seq)",)
DOWN = ("DROP INDEX IF EXISTS file_chunk_sha256_seq",)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tables", description=DESCRIPTION)

    async def run():
        for sql in UP:
            await RawTable.raw(sql)

    async def run_backwards():
        for sql in DOWN:
            await RawTable.raw(sql)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

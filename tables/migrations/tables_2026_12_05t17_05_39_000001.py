"""Reviewer stations: one row per (reviewer, station), by a raw unique index (Piccolo's Unique fails on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T17:05:39:000001"
VERSION = "1.38.0"
DESCRIPTION = "ReviewerStation: unique (reviewer, station_code); Case: index (ui_no)"


class RawTable(Table):
    pass


UP = (
    "CREATE UNIQUE INDEX IF NOT EXISTS reviewer_station_unique ON reviewer_station (reviewer, station_code)",
    # The case page's warnings look other cases up by UI no. (passport_no has its own index).
    'CREATE INDEX IF NOT EXISTS case_ui_no ON "case" (ui_no)',
)
DOWN = ("DROP INDEX IF EXISTS reviewer_station_unique", "DROP INDEX IF EXISTS case_ui_no")


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

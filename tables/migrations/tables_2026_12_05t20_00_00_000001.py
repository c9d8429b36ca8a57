"""Reminders by raw SQL (Piccolo's composite constraints fail on SQLite): one reminder per case, kind, threshold
and due day, so a reminder job that runs twice, or two at once, sends it once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T20:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "Reminder: unique (case, kind, threshold, due_on)"


class RawTable(Table):
    pass


UP = (
    "CREATE UNIQUE INDEX IF NOT EXISTS reminder_once "
    'ON reminder ("case", kind, threshold, due_on)',
)
DOWN = ("DROP INDEX IF EXISTS reminder_once",)


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

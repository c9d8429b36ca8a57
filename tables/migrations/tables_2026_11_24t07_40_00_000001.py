"""Case index by raw SQL: (application, status), so the dashboard reads each group's case statuses from
the index alone (one row per group, the set of its statuses; see app/queries/dashboard.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T07:40:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "Case: index (application, status)"


class RawTable(Table):
    pass


UP = ('CREATE INDEX IF NOT EXISTS case_application_status ON "case" (application, status)',)
DOWN = ("DROP INDEX IF EXISTS case_application_status",)


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

"""Case index (application, status, last_action) in place of (application, status): a station's desk counts
(app/actions/cases.py `refresh_station_tally`, at the end of every transition) and the dashboard's statuses of
the groups it shows are then read from the index alone. And review_event ("case", created_at, id): a case's
latest event (`refresh_case_times`) is the last entry of its range, whatever the planner thinks of the table."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-06T00:50:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "Case: index (application, status, last_action) replaces (application, status); review_event (case, created_at, id)"


class RawTable(Table):
    pass


UP = (
    'CREATE INDEX IF NOT EXISTS case_application_status_action ON "case" (application, status, last_action)',
    "DROP INDEX IF EXISTS case_application_status",
    'CREATE INDEX IF NOT EXISTS review_event_case_latest ON review_event ("case", created_at, id)',
)
DOWN = (
    'CREATE INDEX IF NOT EXISTS case_application_status ON "case" (application, status)',
    "DROP INDEX IF EXISTS case_application_status_action",
    "DROP INDEX IF EXISTS review_event_case_latest",
)


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

"""Case.status_at and Case.last_action filled from each case's events (as app/actions/cases.py keeps them from now
on), and the indexes the review desk reads by: (status, status_at, id) for a queue in order, (status,
last_action) for the queues' counts, (nationality, status) for the search's nationality menu."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T23:53:36:000001"
VERSION = "1.38.0"
DESCRIPTION = "Case: status_at and last_action filled, review desk indexes"


class RawTable(Table):
    pass


UP = (
    'UPDATE "case" SET "status_at" = COALESCE('
    '(SELECT MAX(e."created_at") FROM "review_event" e WHERE e."case" = "case"."id"), "case"."submitted_at", '
    '(SELECT a."submitted_at" FROM "application" a WHERE a."id" = "case"."application")), '
    '"last_action" = COALESCE((SELECT e."action" FROM "review_event" e WHERE e."case" = "case"."id" '
    "ORDER BY e.\"created_at\" DESC, e.\"id\" DESC LIMIT 1), '')",
    'CREATE INDEX IF NOT EXISTS case_status_at ON "case" (status, status_at, id)',
    'CREATE INDEX IF NOT EXISTS case_status_last_action ON "case" (status, last_action)',
    'CREATE INDEX IF NOT EXISTS case_nationality_status ON "case" (nationality, status)',
)
DOWN = (
    "DROP INDEX IF EXISTS case_status_at",
    "DROP INDEX IF EXISTS case_status_last_action",
    "DROP INDEX IF EXISTS case_nationality_status",
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

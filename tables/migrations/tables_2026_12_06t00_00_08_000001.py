"""CaseTally by raw SQL: unique (station_code, status, answered), filled from the cases already submitted (as
app/actions/cases.py keeps it from now on); application (station_code) to make a station's tally again, and
case (status_at, id) for 找案件 in order over every status."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-06T00:00:08:000001"
VERSION = "1.38.0"
DESCRIPTION = "CaseTally: unique, filled; indexes application (station_code), case (status_at, id)"


class RawTable(Table):
    pass


UP = (
    "CREATE UNIQUE INDEX IF NOT EXISTS case_tally_key ON case_tally (station_code, status, answered)",
    "CREATE INDEX IF NOT EXISTS application_station_code ON application (station_code)",
    'CREATE INDEX IF NOT EXISTS case_status_at_id ON "case" (status_at, id)',
    "INSERT INTO case_tally (station_code, status, answered, cases) "
    "SELECT a.station_code, c.status, c.last_action IN ('resubmit', 'resubmit_group'), COUNT(*) "
    'FROM "case" c JOIN application a ON a.id = c.application '
    "WHERE c.status <> 'draft' GROUP BY a.station_code, c.status, 3",
)
DOWN = (
    "DELETE FROM case_tally",
    "DROP INDEX IF EXISTS case_tally_key",
    "DROP INDEX IF EXISTS application_station_code",
    "DROP INDEX IF EXISTS case_status_at_id",
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

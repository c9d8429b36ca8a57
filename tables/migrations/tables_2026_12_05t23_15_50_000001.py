"""RosterTally by raw SQL: unique (school, year, semester, category, status), and filled from the rows already
in the rosters (app/actions/roster.py keeps it from now on)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T23:15:50:000001"
VERSION = "1.38.0"
DESCRIPTION = "RosterTally: unique (school, year, semester, category, status), filled"


class RawTable(Table):
    pass


UP = (
    "CREATE UNIQUE INDEX IF NOT EXISTS roster_tally_term "
    "ON roster_tally (school, year, semester, category, status)",
    "INSERT INTO roster_tally (school, year, semester, category, status, rows) "
    "SELECT school, year, semester, category, status, COUNT(*) FROM roster_entry "
    "GROUP BY school, year, semester, category, status",
)
DOWN = ("DELETE FROM roster_tally", "DROP INDEX IF EXISTS roster_tally_term")


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

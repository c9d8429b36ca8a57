"""Roster indexes by raw SQL (Piccolo's composite constraints fail on SQLite).

- one row per student and term in a school: UNIQUE (school, year, semester, passport_no);
- the student self-service match looks rows up by (year, passport_no).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T05:03:49:000001"
VERSION = "1.38.0"
DESCRIPTION = "Roster: unique (school, year, semester, passport_no); index (year, passport_no)"


class RawTable(Table):
    pass


UP = (
    "CREATE UNIQUE INDEX IF NOT EXISTS roster_entry_school_term_passport "
    "ON roster_entry (school, year, semester, passport_no)",
    "CREATE INDEX IF NOT EXISTS roster_entry_year_passport ON roster_entry (year, passport_no)",
)
DOWN = (
    "DROP INDEX IF EXISTS roster_entry_year_passport",
    "DROP INDEX IF EXISTS roster_entry_school_term_passport",
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

"""Indexes for the lists paged by the database (issue 16): each list's scope in its page order, so a page
costs the same at 100,000 cases as at 1,000.

- 案件進度查詢 / 退補件 / 線上繳費 / 下載專區: a school's submitted groups by submission time (main accounts), and
  a sub-account's own (created_by);
- 暫存申請資料: a school's drafts by last change (partial: only unsubmitted groups);
- 名冊 list: a school's roster in the list's order (year and semester newest first, English name, id).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T17:20:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for lists paged in SQL"


class RawTable(Table):
    pass


UP = (
    "CREATE INDEX IF NOT EXISTS application_school_submitted ON application (school, submitted_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS application_creator_submitted "
    "ON application (created_by, submitted_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS application_school_drafts ON application (school, updated_at DESC) "
    "WHERE group_no IS NULL",
    "CREATE INDEX IF NOT EXISTS roster_entry_school_listed "
    "ON roster_entry (school, year DESC, semester DESC, name_en, id)",
)
DOWN = (
    "DROP INDEX IF EXISTS application_school_submitted",
    "DROP INDEX IF EXISTS application_creator_submitted",
    "DROP INDEX IF EXISTS application_school_drafts",
    "DROP INDEX IF EXISTS roster_entry_school_listed",
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

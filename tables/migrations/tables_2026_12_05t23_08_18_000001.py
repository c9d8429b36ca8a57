"""Application.dashboard_list filled for the groups already submitted (the workflow's own rule over each group's
case statuses, as app/actions/cases.py keeps it from now on), and the index the dashboard reads it by:
(school, dashboard_list, submitted_at) — each list's newest rows and its count read only the groups in it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T23:08:18:000001"
VERSION = "1.38.0"
DESCRIPTION = "Application: dashboard_list filled, index (school, dashboard_list, submitted_at)"


class RawTable(Table):
    pass


UP_INDEX = (
    "CREATE INDEX IF NOT EXISTS application_dashboard_list "
    "ON application (school, dashboard_list, submitted_at)"
)
DOWN = ("DROP INDEX IF EXISTS application_dashboard_list",)
BATCH = 500


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tables", description=DESCRIPTION)

    async def run():
        from app.domain import workflow

        rows = await RawTable.raw(
            'SELECT a.id, a.status AS group_status, c.status FROM application a LEFT JOIN "case" c '
            "ON c.application = a.id WHERE a.group_no IS NOT NULL ORDER BY a.id"
        )
        statuses: dict[int, tuple[str, list[str]]] = {}
        for r in rows:
            group = statuses.setdefault(r["id"], (r["group_status"], []))
            if r["status"] is not None:
                group[1].append(r["status"])
        by_list: dict[str, list[int]] = {}
        for app_id, (group_status, cases) in statuses.items():
            key = workflow.dashboard_list(cases, group_status)
            if key is not None:
                by_list.setdefault(key, []).append(app_id)
        for key, ids in by_list.items():
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                await RawTable.raw(
                    "UPDATE application SET dashboard_list = {} WHERE id IN ("  # noqa: S608 - ints only
                    + ", ".join(str(int(i)) for i in chunk)
                    + ")",
                    key,
                )
        await RawTable.raw(UP_INDEX)

    async def run_backwards():
        for sql in DOWN:
            await RawTable.raw(sql)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

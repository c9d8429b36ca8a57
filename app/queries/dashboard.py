"""優先處理事項: the five lists of the signed-in school or sub-account, per tab of the seed (issue 14).

The workflow places each submitted group in one list or none at every transition (`Application.dashboard_list`,
kept by `app.actions.cases.refresh_dashboard_lists`), so the page reads only the groups in its lists: one
statement counts each list (index application_dashboard_list: school, list, submitted_at), one reads each
non-empty list's PER_LIST newest groups with their cases' statuses folded into one integer (bit i:
workflow.Status member i) for the stage shown, and only the groups shown have the reviewer's latest comment read.
Measured (docs/benchmarks.md): reading every group in scope and placing it in Python grew 5.3 x from 1,000 to
100,000 cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from app import db
from app.domain import workflow
from app.domain.actor import Actor
from app.domain.permits import DashboardTab
from app.queries.progress import tab_clause
from app.queries.scope import application_scope
from tables.tables import ReviewEvent

PER_LIST = 5

STATUSES = tuple(workflow.Status)
_STATUS_BITS = " ".join(f"WHEN '{s.value}' THEN {1 << i}" for i, s in enumerate(STATUSES))
# No input is formatted in: the statuses and the lists are the workflow's constants; the scope and the tab are
# bound.
_COUNTS_SQL = (
    'SELECT "application"."dashboard_list" AS "list", COUNT(*) AS "n" FROM "application" '
    'WHERE {} AND {} AND "application"."dashboard_list" IS NOT NULL GROUP BY "application"."dashboard_list"'
)


def _rows_sql(key: str, n: int, postgres: bool) -> str:
    """The newest PER_LIST groups of one list, as a sub-select of a UNION ALL (both engines)."""
    fold = "bit_or(CASE" if postgres else "SUM(DISTINCT CASE"
    return (
        f'SELECT * FROM (SELECT "application"."id", "application"."name", "application"."group_no", '  # noqa: S608
        '"application"."member_count", "application"."status", "application"."submitted_at", '
        f"'{key}' AS \"list\", "
        f'(SELECT {fold} "case"."status" {_STATUS_BITS} ELSE 0 END) FROM "case" '
        'WHERE "case"."application" = "application"."id") AS "statuses" '
        f'FROM "application" WHERE {{}} AND {{}} AND "application"."dashboard_list" = \'{key}\' '
        'ORDER BY "application"."submitted_at" DESC, "application"."id" DESC '
        f"LIMIT {PER_LIST}) AS l{n}"
    )


@dataclass
class DashboardRow:
    id: int
    name: str
    group_no: str
    member_count: int
    stage: str
    submitted_at: datetime | None
    comment: str


@lru_cache(maxsize=1024)
def _stage(mask: int, group_status: str) -> workflow.Status:
    """A group's stage from the set of its cases' statuses: the domain's rule, once per combination."""
    return workflow.group_stage([s.value for i, s in enumerate(STATUSES) if mask >> i & 1], group_status)


async def list_dashboard(
    actor: Actor, tab: DashboardTab
) -> tuple[dict[str, list[DashboardRow]], dict[str, int]]:
    """The rows of each list (the newest first, PER_LIST of them) and each list's full count."""
    lists: dict[str, list[DashboardRow]] = {k: [] for k in workflow.DASHBOARD_LISTS}
    counts = dict.fromkeys(workflow.DASHBOARD_LISTS, 0)
    scope, in_tab = application_scope(actor).querystring, tab_clause(tab).querystring
    for r in await db.raw(_COUNTS_SQL, scope, in_tab):
        if r["list"] in counts:
            counts[r["list"]] = r["n"]
    shown = [k for k in workflow.DASHBOARD_LISTS if counts[k]]
    if not shown:
        return lists, counts
    postgres = db.is_postgres()
    sql = " UNION ALL ".join(_rows_sql(k, n, postgres) for n, k in enumerate(shown))
    commented: dict[int, DashboardRow] = {}
    rows = await db.raw(sql, *[part for _k in shown for part in (scope, in_tab)])
    rows.sort(
        key=lambda a: (a["submitted_at"].timestamp() if a["submitted_at"] else 0.0, a["id"]), reverse=True
    )
    for a in rows:
        row = DashboardRow(
            id=a["id"],
            name=a["name"],
            group_no=a["group_no"] or "",
            member_count=a["member_count"],
            stage=workflow.label(_stage(a["statuses"] or 0, a["status"])),
            submitted_at=a["submitted_at"],
            comment="",
        )
        lists[a["list"]].append(row)
        if a["list"] != "new":
            commented[row.id] = row
    if commented:
        # The reviewer's latest comment, read only for the groups shown (already in scope).
        for e in (
            await ReviewEvent.select(ReviewEvent.application, ReviewEvent.comment)
            .where(ReviewEvent.application.is_in(list(commented)) & (ReviewEvent.comment != ""))
            .order_by(ReviewEvent.created_at)
            .order_by(ReviewEvent.id)
        ):
            commented[e["application"]].comment = e["comment"]  # the latest wins
    return lists, counts

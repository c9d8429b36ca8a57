"""Reads after submission: 案件進度查詢 (search, group view, applicant view, timelines), 退補件列表,
and the groups and cases offered for withdrawal (案件撤銷).

Every function starts from `application_scope(actor)` (a sub-account its own groups, a main account
its school's, a student their own): out of scope is None, answered as 404. Only submitted groups
(with a 團號) are found here; drafts live under 線上申辦.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain import permits, workflow
from app.domain import progress as rules
from app.domain.actor import Actor
from app.domain.business import KINDS
from app.domain.calendar import supplement_deadline, taipei_date
from app.i18n import TAIPEI
from app.queries.attachments import COLUMNS as ATTACHMENT_COLUMNS
from app.queries.review_calendar import work_calendar
from app.queries.scope import application_scope, cases_exist
from tables.tables import Application, Attachment, Case, PaymentGroup, ReviewEvent, SupplementChange

S = workflow.Status
PER_PAGE = 20
RETURNS = ("return_for_supplement", "return_group_for_supplement")
RESUBMITS = ("resubmit", "resubmit_group")

GROUP_COLUMNS = (
    Application.id,
    Application.group_no,
    Application.business_line,
    Application.kind,
    Application.name,
    Application.member_count,
    Application.pickup_method,
    Application.station_code,
    Application.school,
    Application.school.name.as_alias("school_name"),
    Application.created_by,
    Application.student,
    Application.submitter_name,
    Application.submitter_national_id,
    Application.submitter_phone,
    Application.submitter_email,
    Application.submitter_addr,
    Application.status,
    Application.submitted_at,
    Application.updated_at,
    Application.version,
)


def _json(value: Any, empty: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value or json.dumps(empty))
    return value if value is not None else empty


def item_label(line: str, kind: str) -> str:
    """申辦項目 as the seed prints it: 外(僑)生就學, with the kind when it is not a first application."""
    from app.i18n import gettext as _

    if line != "foreign":  # 陸生, 港澳生: the offering's own title (never the line's code)
        from app.domain import offerings
        from app.domain.business import get_line

        offering = offerings.get(line, kind)
        if offering is not None:
            return str(offering.title)
        found = get_line(line)
        base = str(found.title) if found else _("Other application")
    else:
        base = _("Foreign and overseas Chinese students")
    if kind and kind != "first" and kind in KINDS:
        return f"{base} {KINDS[kind]}"
    return base


# 案件進度查詢 --------------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str = ""  # 申辦項目 (empty: all)
    status: str = ""  # 申請狀態: "" (全部) or a key of rules.STATUS_FILTERS
    group_no: str = ""
    receipt_no: str = ""
    name_zh: str = ""
    name_en: str = ""
    birth_date: date | None = None
    date_from: date | None = None
    date_to: date | None = None
    line: str = ""  # business line
    tab: str = ""  # one of the dashboard's tabs (permits.DASHBOARD_TABS): its lists' MORE lands here
    dash_list: str = ""  # one of the dashboard's lists (workflow.DASHBOARD_LISTS): its MORE lands here

    @property
    def by_case(self) -> bool:
        return bool(self.receipt_no or self.name_zh or self.name_en or self.birth_date)


@dataclass
class GroupRow:
    id: int
    group_no: str
    submitter: str
    item: str
    receipts: str
    stage: str
    stage_label: str
    persons: int
    submitted_at: datetime | None


@dataclass
class SearchResult:
    rows: list[GroupRow]
    total: int
    page: int
    pages: int


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=TAIPEI)


async def _statuses(app_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    if not app_ids:
        return out
    for c in (
        await Case.select(Case.id, Case.application, Case.status, Case.receipt_no)
        .where(Case.application.is_in(app_ids))
        .order_by(Case.id)
    ):
        out.setdefault(c["application"], []).append(c)
    return out


def search_clause(actor: Actor, f: Filters) -> Any:
    """The where-clause of 案件進度查詢: scope, the group's own filters, and the cases' as EXISTS."""
    clause = application_scope(actor) & Application.group_no.is_not_null()
    if f.kind:
        clause = clause & (Application.kind == f.kind)
    if f.group_no:
        clause = clause & (Application.group_no == f.group_no)
    if f.date_from:
        clause = clause & (Application.submitted_at >= _day_start(f.date_from))
    if f.date_to:
        clause = clause & (Application.submitted_at < _day_start(f.date_to + timedelta(days=1)))
    if f.by_case:
        parts = []
        if f.receipt_no:
            parts.append(Case.receipt_no == f.receipt_no)
        if f.name_zh:
            parts.append(Case.name_zh.ilike(f"%{_like(f.name_zh)}%"))
        if f.name_en:
            parts.append(Case.name_en.ilike(f"%{_like(f.name_en.upper())}%"))
        if f.birth_date:
            parts.append(Case.birth_date == f.birth_date)
        condition = parts[0]
        for part in parts[1:]:
            condition = condition & part
        clause = clause & cases_exist(condition)
    if f.status in rules.STATUS_FILTERS:
        clause = clause & cases_exist(Case.status.is_in(sorted(rules.STATUS_FILTERS[f.status][1])))
    if f.line:
        clause = clause & (Application.business_line == f.line)
    if f.dash_list in workflow.DASHBOARD_LISTS:
        clause = clause & dashboard_list_clause(f.dash_list)
    if f.tab:
        clause = clause & tab_clause(permits.dashboard_tab(f.tab))
    return clause


def tab_clause(tab: permits.DashboardTab) -> Any:
    """A dashboard tab as a where-clause on Application: its business line, with or without the extensions."""
    clause = Application.kind == "extension" if tab.extensions else Application.kind != "extension"
    if tab.line is not None:
        clause = clause & (Application.business_line == tab.line)
    return clause


def dashboard_list_clause(key: str) -> Any:
    """`workflow.dashboard_list` as a where-clause on Application, so the dashboard's MORE pages in SQL: the
    list the workflow placed the group in (`Application.dashboard_list`, kept by every transition)."""
    return Application.dashboard_list == key


async def search_groups(actor: Actor, f: Filters, page: int = 1) -> SearchResult:
    """The groups in scope that match every filter given, the newest first, PER_PAGE a page.

    Filtered, counted and paged by the database (index application_school_submitted: the scope's groups in
    page order); only the page's groups have their cases read."""
    clause = search_clause(actor, f)
    total = await Application.count().where(clause)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    apps = (
        await Application.select(
            Application.id,
            Application.group_no,
            Application.business_line,
            Application.kind,
            Application.submitter_name,
            Application.member_count,
            Application.status,
            Application.submitted_at,
        )
        .where(clause)
        .order_by(Application.submitted_at, ascending=False)
        .order_by(Application.id, ascending=False)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    cases = await _statuses([a["id"] for a in apps])
    rows = []
    for a in apps:
        own = cases.get(a["id"], [])
        stage = workflow.group_stage([c["status"] for c in own], a["status"])
        rows.append(
            GroupRow(
                id=a["id"],
                group_no=a["group_no"] or "",
                submitter=a["submitter_name"],
                item=item_label(a["business_line"], a["kind"]),
                receipts=rules.receipt_range([c["receipt_no"] or "" for c in own]),
                stage=str(stage),
                stage_label=workflow.label(stage),
                persons=len(own) or a["member_count"],
                submitted_at=a["submitted_at"],
            )
        )
    return SearchResult(rows, total, page, pages)


def _like(text: str) -> str:
    """A user's text inside a LIKE pattern: its own % and _ match themselves only loosely, so drop them."""
    return text.replace("%", "").replace("_", "").replace("\\", "")


# One group and its cases, with the timeline ----------------------------------------------------


@dataclass
class TimelineRow:
    at: datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    to_label: str
    by: str
    comment: str
    reply: str
    whole_group: bool
    receipt_no: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Supplement:
    """An open return: the reviewer's comment, the deadline and how many working days are left."""

    comment: str
    returned_at: datetime
    deadline: date
    days_left: int
    overdue: bool
    stage: str  # the supplement status (初審資料補正 / 複審資料補正)


@dataclass
class GroupView:
    app: dict[str, Any]
    cases: list[dict[str, Any]]
    files: list[dict[str, Any]]
    stage: str
    timeline: list[TimelineRow]  # the group's own events (whole-group return, resubmit, withdrawal)
    supplement: Supplement | None  # the group's own open return
    case_supplements: dict[int, Supplement]
    latest_comment: dict[int, str]
    item: str
    payment_pending: bool


def _by(e: dict[str, Any]) -> str:
    from app.i18n import gettext as _

    if e["actor_kind"] == "reviewer":
        return _("National Immigration Agency")
    if e["actor_kind"] == "system":
        return _("System")
    return e["actor_label"]


async def _events(application_id: int, case_id: int | None, *, group_only: bool = False) -> list[TimelineRow]:
    clause = ReviewEvent.application == application_id
    if group_only:
        clause = clause & ReviewEvent.case.is_null()
    elif case_id is not None:
        clause = clause & (ReviewEvent.case == case_id)
    events = (
        await ReviewEvent.select(
            ReviewEvent.id,
            ReviewEvent.created_at,
            ReviewEvent.action,
            ReviewEvent.from_status,
            ReviewEvent.to_status,
            ReviewEvent.actor_kind,
            ReviewEvent.actor_label,
            ReviewEvent.comment,
            ReviewEvent.reply,
            ReviewEvent.case,
            ReviewEvent.case.receipt_no,
        )
        .where(clause)
        .order_by(ReviewEvent.created_at)
        .order_by(ReviewEvent.id)
    )
    changes: dict[int, dict[str, Any]] = {}
    if events:
        for s in await SupplementChange.select(SupplementChange.event, SupplementChange.changes).where(
            SupplementChange.event.is_in([e["id"] for e in events])
        ):
            changes[s["event"]] = _json(s["changes"], {})
    return [
        TimelineRow(
            at=e["created_at"],
            action=e["action"],
            action_label=workflow.action_label(e["action"]),
            from_status=e["from_status"],
            to_status=e["to_status"],
            to_label=workflow.label(e["to_status"]),
            by=_by(e),
            comment=e["comment"],
            reply=e["reply"],
            whole_group=e["case"] is None,
            receipt_no=e["case.receipt_no"] or "",
            changes=changes.get(e["id"], {}),
        )
        for e in events
    ]


async def open_supplement(application_id: int, case_id: int | None, status: str) -> Supplement | None:
    """The return a case (or, case_id None, the group) is answering, while it is in a supplement status."""
    if status not in workflow.SUPPLEMENT:
        return None
    clause = (ReviewEvent.application == application_id) & ReviewEvent.action.is_in(list(RETURNS))
    clause = clause & (ReviewEvent.case.is_null() if case_id is None else ReviewEvent.case == case_id)
    e = (
        await ReviewEvent.select(ReviewEvent.id, ReviewEvent.created_at, ReviewEvent.comment)
        .where(clause)
        .order_by(ReviewEvent.created_at, ascending=False)
        .order_by(ReviewEvent.id, ascending=False)
        .first()
    )
    if e is None:
        return None
    cal = await work_calendar()
    return _supplement(e, status, cal, taipei_date(datetime.now(TAIPEI)))


def _supplement(e: dict[str, Any], status: str, cal: Any, today: date) -> Supplement:
    """The open return `e` (its time and comment) with its deadline and the working days left."""
    deadline = supplement_deadline(e["created_at"], cal)
    cd = rules.countdown(deadline, today, cal.working_days_between)
    return Supplement(
        comment=e["comment"],
        returned_at=e["created_at"],
        deadline=deadline,
        days_left=cd.days_left,
        overdue=cd.overdue,
        stage=status,
    )


async def get_group(actor: Actor, application_id: int) -> GroupView | None:
    app = (
        await Application.select(*GROUP_COLUMNS)
        .where(
            application_scope(actor) & (Application.id == application_id) & Application.group_no.is_not_null()
        )
        .first()
    )
    if app is None:
        return None
    app["submitter_addr"] = _json(app["submitter_addr"], {})
    cases = await Case.select().where(Case.application == application_id).order_by(Case.id)
    for c in cases:
        c["data"] = _json(c.get("data"), {})
        c["address"] = _json(c.get("address"), {})
    files = (
        await Attachment.select(*ATTACHMENT_COLUMNS)
        .where(Attachment.application == application_id)
        .order_by(Attachment.id)
    )
    stage = workflow.group_stage([c["status"] for c in cases], app["status"])
    case_supplements: dict[int, Supplement] = {}
    for c in cases:
        s = await open_supplement(application_id, c["id"], c["status"])
        if s is not None:
            case_supplements[c["id"]] = s
    latest: dict[int, str] = {}
    for e in (
        await ReviewEvent.select(ReviewEvent.case, ReviewEvent.comment)
        .where(
            (ReviewEvent.application == application_id)
            & (ReviewEvent.comment != "")
            & ReviewEvent.case.is_not_null()
            & (ReviewEvent.actor_kind == "reviewer")
        )
        .order_by(ReviewEvent.created_at)
        .order_by(ReviewEvent.id)
    ):
        latest[e["case"]] = e["comment"]
    return GroupView(
        app=app,
        cases=cases,
        files=files,
        stage=str(stage),
        timeline=await _events(application_id, None, group_only=True),
        supplement=await open_supplement(application_id, None, app["status"]),
        case_supplements=case_supplements,
        latest_comment=latest,
        item=item_label(app["business_line"], app["kind"]),
        payment_pending=await payment_pending(application_id),
    )


async def payment_pending(application_id: int) -> bool:
    """An online payment of this group has been started and not settled: nothing may be withdrawn meanwhile."""
    rows = await PaymentGroup.select(PaymentGroup.payment.status, PaymentGroup.payment.expires_at).where(
        (PaymentGroup.application == application_id) & (PaymentGroup.payment.status == "pending")
    )
    now = datetime.now(TAIPEI)
    return any(r["payment.expires_at"] is None or r["payment.expires_at"] > now for r in rows)


@dataclass
class CaseView:
    group: GroupView
    case: dict[str, Any]
    files: list[dict[str, Any]]
    timeline: list[TimelineRow]
    supplement: Supplement | None
    next_step: str


async def get_case(actor: Actor, application_id: int, case_id: int) -> CaseView | None:
    group = await get_group(actor, application_id)
    if group is None:
        return None
    case = next((c for c in group.cases if c["id"] == case_id), None)
    if case is None:
        return None
    return CaseView(
        group=group,
        case=case,
        files=[f for f in group.files if f["case"] == case_id],
        timeline=await _events(application_id, case_id),
        supplement=group.case_supplements.get(case_id),
        next_step=rules.next_step(case["status"]),
    )


# 退補件列表 ----------------------------------------------------------------------------------------


@dataclass
class ReturnedRow:
    id: int
    group_no: str
    name: str
    submitter: str
    item: str
    persons: int
    submitted_at: datetime | None
    returned: int  # cases (and the group itself) waiting for a supplement
    group_returned: bool
    deadline: date | None
    overdue: bool


def _returned_clause(actor: Actor) -> Any:
    """The group itself or one of its cases returned for supplement: the workflow's 待補件 list, which it keeps
    per group (`Application.dashboard_list`; index application_dashboard_list reads only those groups)."""
    return application_scope(actor) & (Application.dashboard_list == "supplement")


@dataclass
class ReturnedPage:
    rows: list[ReturnedRow]
    total: int
    page: int
    pages: int


async def returned_page(actor: Actor, page: int = 1) -> ReturnedPage:
    """退補件列表, PER_PAGE groups a page (counted and paged by the database)."""
    total = await Application.count().where(_returned_clause(actor))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    return ReturnedPage(await list_returned(actor, PER_PAGE, (page - 1) * PER_PAGE), total, page, pages)


async def list_returned(actor: Actor, limit: int | None = None, offset: int = 0) -> list[ReturnedRow]:
    """The groups in scope with the group itself or one of its cases returned for supplement, the newest
    first (chosen and paged by the database: only those groups' cases and returns are read)."""
    query = (
        Application.select(
            Application.id,
            Application.group_no,
            Application.name,
            Application.submitter_name,
            Application.business_line,
            Application.kind,
            Application.member_count,
            Application.status,
            Application.submitted_at,
        )
        .where(_returned_clause(actor))
        .order_by(Application.submitted_at, ascending=False)
        .order_by(Application.id, ascending=False)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    apps = await query
    cases = await _statuses([a["id"] for a in apps])
    # The latest return of each returned group and case, read at once (not a query per case).
    latest: dict[tuple[int, int | None], dict[str, Any]] = {}
    if apps:
        for e in (
            await ReviewEvent.select(
                ReviewEvent.application, ReviewEvent.case, ReviewEvent.created_at, ReviewEvent.comment
            )
            .where(
                ReviewEvent.application.is_in([a["id"] for a in apps])
                & ReviewEvent.action.is_in(list(RETURNS))
            )
            .order_by(ReviewEvent.created_at)
            .order_by(ReviewEvent.id)
        ):
            latest[(e["application"], e["case"])] = e  # the latest wins
    cal = await work_calendar()
    today = taipei_date(datetime.now(TAIPEI))
    out = []
    for a in apps:
        own = cases.get(a["id"], [])
        returned = [c for c in own if c["status"] in workflow.SUPPLEMENT]
        group_returned = a["status"] in workflow.SUPPLEMENT
        if not returned and not group_returned:
            continue
        deadlines = []
        if group_returned and (a["id"], None) in latest:
            deadlines.append(_supplement(latest[(a["id"], None)], a["status"], cal, today))
        for c in returned:
            if (a["id"], c["id"]) in latest:
                deadlines.append(_supplement(latest[(a["id"], c["id"])], c["status"], cal, today))
        first = min(deadlines, key=lambda s: s.deadline) if deadlines else None
        out.append(
            ReturnedRow(
                id=a["id"],
                group_no=a["group_no"] or "",
                name=a["name"],
                submitter=a["submitter_name"],
                item=item_label(a["business_line"], a["kind"]),
                persons=len(own) or a["member_count"],
                submitted_at=a["submitted_at"],
                returned=len(returned),
                group_returned=group_returned,
                deadline=first.deadline if first else None,
                overdue=bool(first and first.overdue),
            )
        )
    return out


async def get_open_round(application_id: int, case_id: int | None) -> dict[str, Any] | None:
    """The supplement round begun and not sent yet (its snapshot, files added and removed)."""
    clause = (SupplementChange.application == application_id) & SupplementChange.sent_at.is_null()
    clause = clause & (
        SupplementChange.case.is_null() if case_id is None else SupplementChange.case == case_id
    )
    row = await SupplementChange.select().where(clause).order_by(SupplementChange.id, ascending=False).first()
    if row is not None:
        for key, empty in (("before", {}), ("files_added", []), ("files_removed", []), ("changes", {})):
            row[key] = _json(row[key], empty)
    return row


# For the review desk (unscoped: the desk's own guard admits reviewers only) ---------------------


async def list_changes_for_case(case_id: int) -> list[dict[str, Any]]:
    """The supplements sent back for a case and its group: time, reply and what changed, newest first."""
    case = await Case.select(Case.application).where(Case.id == case_id).first()
    if case is None:
        return []
    rows = (
        await SupplementChange.select(
            SupplementChange.case,
            SupplementChange.sent_at,
            SupplementChange.reply,
            SupplementChange.changes,
            SupplementChange.actor_label,
        )
        .where(
            (SupplementChange.application == case["application"])
            & SupplementChange.sent_at.is_not_null()
            & ((SupplementChange.case == case_id) | SupplementChange.case.is_null())
        )
        .order_by(SupplementChange.sent_at, ascending=False)
    )
    for r in rows:
        r["changes"] = _json(r["changes"], {})
        r["whole_group"] = r["case"] is None
    return rows


# 案件撤銷 ------------------------------------------------------------------------------------------


async def find_group(actor: Actor, *, group_no: str = "", receipt_no: str = "") -> GroupView | None:
    """The group in scope with this 團號, or the group of the case with this 收件號."""
    app_id = None
    if group_no:
        row = (
            await Application.select(Application.id)
            .where(application_scope(actor) & (Application.group_no == group_no))
            .first()
        )
        app_id = row["id"] if row else None
    elif receipt_no:
        row = await Case.select(Case.application).where(Case.receipt_no == receipt_no).first()
        app_id = row["application"] if row else None
    if app_id is None:
        return None
    return await get_group(actor, app_id)


async def get_group_of_case(actor: Actor, case_id: int) -> tuple[GroupView, dict[str, Any]] | None:
    """The group (through the actor's scope) and the case of a case id, or None."""
    row = await Case.select(Case.application).where(Case.id == case_id).first()
    view = await get_group(actor, row["application"]) if row else None
    case = next((c for c in view.cases if c["id"] == case_id), None) if view else None
    if view is None or case is None:
        return None
    return view, case


def withdrawable(status: str) -> bool:
    return status in workflow.WITHDRAWABLE

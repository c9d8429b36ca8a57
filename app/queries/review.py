"""Reads of the review desk: the queues per stage and one case with its group, documents and history.

Reviewers see every school's cases (the agency decides them all); nothing here is reachable by a
school actor (the desk's guard admits reviewers only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from app import db
from app.domain import case_view, case_warnings, offerings, permits, workflow
from app.domain.calendar import (
    REVIEW_DAYS,
    SUPPLEMENT_DAYS,
    WorkCalendar,
    age_in_working_days,
    overdue_before,
    supplement_deadline,
    taipei_date,
)
from app.domain.review_search import PAGE_SIZE, QUEUE_KEYS, Criteria, Pager, like_pattern, pager
from app.domain.workflow import Role, Status
from app.queries.review_calendar import work_calendar
from tables.tables import (
    Application,
    CannedReason,
    Case,
    CaseClaim,
    CaseTally,
    DeskSetting,
    ReviewerProfile,
    ReviewerStation,
    ReviewEvent,
    School,
)

RESUBMITS = ("resubmit", "resubmit_group")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Queue:
    key: str
    statuses: tuple[Status, ...]
    answered: bool | None  # True: only cases back from a supplement; False: only the others; None: all


QUEUES = (
    Queue("first", (Status.FIRST_REVIEW,), False),  # 待初審
    Queue("second", (Status.SECOND_REVIEW,), False),  # 待複審
    Queue("answered", (Status.FIRST_REVIEW, Status.SECOND_REVIEW), True),  # 資料補正 answered
    Queue("supplement", (Status.SUPPLEMENT_FIRST, Status.SUPPLEMENT_SECOND), None),  # waiting on the school
    Queue("card", (Status.CARD_PRODUCTION,), None),  # 待製證
    Queue("collect", (Status.CARD_READY,), None),  # 待領證
)
QUEUE_BY_KEY = {q.key: q for q in QUEUES}
# Statuses in which a case waits on the agency: overdue after REVIEW_DAYS working days (a supplement, which
# waits on the school, is overdue after its deadline).
OVERDUE_STATUSES = tuple(
    sorted((Status.FIRST_REVIEW, Status.SECOND_REVIEW, Status.CARD_PRODUCTION, Status.CARD_READY))
)
assert tuple(QUEUE_BY_KEY) == QUEUE_KEYS, "the desk's queues and the search's keys agree"
# Each role's own queue comes first on its desk.
HOME_QUEUE = {Role.FIRST_REVIEWER: "first", Role.SECOND_REVIEWER: "second", Role.SUPERVISOR: "first"}


@dataclass
class QueueRow:
    case_id: int
    version: int
    application_id: int
    receipt_no: str
    group_no: str
    group_name: str
    school_name: str
    name: str
    passport_no: str
    identity: str
    status: str
    since: datetime | None
    age: int
    overdue: bool
    submitted_at: datetime | None = None
    total_age: int = 0  # working days since submission (beside the age in the current status)
    station_code: str = ""
    deadline: date | None = None  # while returned for supplement: the school's last day
    holder_id: int | None = None  # who holds (認領) the case
    holder: str = ""


@dataclass
class CasePage:
    rows: list[QueueRow]
    pager: Pager
    criteria: Criteria


def _dt(value: Any) -> datetime | None:
    """A timestamp from a raw query: SQLite hands computed columns back as text."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# The time a case reached its status (its latest event, else its submission) and the action that brought it
# there: kept on the case by every transition (`cases.refresh_case_times`), so a queue is read in order from the
# index case_status_at and counted from case_status_last_action. Constant SQL: no input is formatted in.
_SINCE = 'c."status_at"'
_LAST_ACTION = 'c."last_action"'
_BASE = (
    'SELECT c."id" AS "id", c."version" AS "version", c."application" AS "application", '  # noqa: S608
    'c."receipt_no" AS "receipt_no", c."name_zh" AS "name_zh", c."name_en" AS "name_en", '
    'c."passport_no" AS "passport_no", c."identity" AS "identity", c."status" AS "status", '
    'COALESCE(c."submitted_at", a."submitted_at") AS "submitted_at", '
    'a."group_no" AS "group_no", a."name" AS "group_name", a."station_code" AS "station_code", '
    's."name" AS "school_name", '
    f'{_SINCE} AS "since", {_LAST_ACTION} AS "last_action", cc."user" AS "holder_id", '
    '(SELECT rp."display_name" FROM "reviewer_profile" rp WHERE rp."user" = cc."user") AS "holder" '
    'FROM "case" c JOIN "application" a ON a."id" = c."application" JOIN "school" s ON s."id" = a."school" '
    'LEFT JOIN "case_claim" cc ON cc."case" = c."id" '
)
_ORDER = {
    "age": 't."since" ASC, t."id" ASC',
    "age_desc": 't."since" DESC, t."id" DESC',
    "submitted": 't."submitted_at" ASC, t."id" ASC',
    "submitted_desc": 't."submitted_at" DESC, t."id" DESC',
}


def _queue_condition(queue: Queue) -> tuple[str, list[Any]]:
    marks = ", ".join("{}" for _ in queue.statuses)
    sql = f't."status" IN ({marks})'
    args: list[Any] = [s.value for s in queue.statuses]
    if queue.answered is not None:
        resub = ", ".join("{}" for _ in RESUBMITS)
        if queue.answered:
            sql += f' AND t."last_action" IN ({resub})'
        else:
            sql += f' AND t."last_action" NOT IN ({resub})'
        args += list(RESUBMITS)
    return sql, args


def _where(criteria: Criteria, at: datetime, cal: WorkCalendar) -> tuple[str, list[Any], str, list[Any]]:
    """(inner WHERE, its args, outer WHERE, its args): the inner one filters the joined rows, the outer one
    what depends on the computed columns (the queue's answered mark, overdue)."""
    inner = ['c."status" <> {}']
    args: list[Any] = [Status.DRAFT.value]
    if criteria.q:
        q = criteria.q
        inner.append(
            "(c.\"receipt_no\" LIKE {} ESCAPE '\\' OR a.\"group_no\" LIKE {} ESCAPE '\\' "
            "OR UPPER(c.\"passport_no\") LIKE {} ESCAPE '\\' OR UPPER(c.\"ui_no\") LIKE {} ESCAPE '\\' "
            "OR LOWER(c.\"name_en\") LIKE {} ESCAPE '\\' OR c.\"name_zh\" LIKE {} ESCAPE '\\')"
        )
        prefix = like_pattern(q, anywhere=False)
        args += [
            prefix,
            prefix,
            like_pattern(q.upper(), anywhere=False),
            like_pattern(q.upper(), anywhere=False),
            like_pattern(q.lower(), anywhere=True),
            like_pattern(q, anywhere=True),
        ]
    if criteria.line:
        inner.append('a."business_line" = {}')
        args.append(criteria.line)
    if criteria.kind:
        inner.append('a."kind" = {}')
        args.append(criteria.kind)
    if criteria.school is not None:
        inner.append('a."school" = {}')
        args.append(criteria.school)
    codes = criteria.station_codes
    if codes:
        inner.append('a."station_code" IN (' + ", ".join("{}" for _ in codes) + ")")
        args += list(codes)
    if criteria.identity:
        inner.append('c."identity" = {}')
        args.append(criteria.identity)
    if criteria.nationality:
        inner.append('c."nationality" = {}')
        args.append(criteria.nationality)
    if criteria.held == "me" and criteria.me is not None:
        inner.append('cc."user" = {}')
        args.append(criteria.me)
    elif criteria.held == "free":
        inner.append('cc."user" IS NULL')
    elif criteria.held == "available" and criteria.me is not None:
        inner.append('(cc."user" IS NULL OR cc."user" = {})')
        args.append(criteria.me)
    if criteria.application is not None:
        inner.append('c."application" = {}')
        args.append(criteria.application)
    outer: list[str] = []
    outer_args: list[Any] = []
    if criteria.queue:
        sql, qargs = _queue_condition(QUEUE_BY_KEY[criteria.queue])
        outer.append(sql)
        outer_args += qargs
    if criteria.overdue:
        waiting = ", ".join("{}" for _ in OVERDUE_STATUSES)
        supplement = ", ".join("{}" for _ in workflow.SUPPLEMENT)
        outer.append(
            f'((t."status" IN ({waiting}) AND t."since" < {{}}) OR (t."status" IN ({supplement}) AND t."since" < {{}}))'
        )
        outer_args += [s.value for s in OVERDUE_STATUSES] + [overdue_before(at, cal)]
        outer_args += [s.value for s in sorted(workflow.SUPPLEMENT)] + [
            overdue_before(at, cal, SUPPLEMENT_DAYS)
        ]
    return " AND ".join(inner), args, " AND ".join(outer) or "1 = 1", outer_args


async def find_cases(criteria: Criteria, at: datetime, cal: WorkCalendar | None = None) -> CasePage:
    """One page of the cases matching `criteria`, with the full count (never a silent cap)."""
    cal = cal or await work_calendar()
    inner, args, outer, outer_args = _where(criteria, at, cal)
    derived = f"({_BASE}WHERE {inner}) t"
    total = await _tallied_total(criteria)
    if total is None:
        count = f"SELECT COUNT(*) AS n FROM {derived} WHERE {outer}"  # noqa: S608
        total = (await db.raw(count, *args, *outer_args))[0]["n"]
    pg = pager(int(total), criteria.page)
    sql = (
        f"SELECT * FROM {derived} WHERE {outer} ORDER BY {_ORDER[criteria.sort]} "  # noqa: S608
        "LIMIT {} OFFSET {}"
    )
    raw = await db.raw(sql, *args, *outer_args, PAGE_SIZE, (pg.page - 1) * PAGE_SIZE)
    rows = [_row(r, at, cal) for r in raw]
    return CasePage(rows=rows, pager=pg, criteria=replace(criteria, page=pg.page))


async def count_cases(criteria: Criteria, at: datetime, cal: WorkCalendar | None = None) -> int:
    """How many cases match `criteria` (the supervisor's figures)."""
    cal = cal or await work_calendar()
    inner, args, outer, outer_args = _where(criteria, at, cal)
    sql = f"SELECT COUNT(*) AS n FROM ({_BASE}WHERE {inner}) t WHERE {outer}"  # noqa: S608
    return int((await db.raw(sql, *args, *outer_args))[0]["n"])


def _row(c: dict[str, Any], at: datetime, cal: WorkCalendar) -> QueueRow:
    since = _dt(c["since"])
    submitted = _dt(c["submitted_at"])
    age = age_in_working_days(since, at, cal) if since else 0
    deadline = None
    overdue = bool(since) and c["status"] in OVERDUE_STATUSES and age > REVIEW_DAYS
    if since and c["status"] in workflow.SUPPLEMENT:
        deadline = supplement_deadline(since, cal)
        overdue = taipei_date(at) > deadline
    return QueueRow(
        case_id=c["id"],
        version=c["version"],
        application_id=c["application"],
        receipt_no=c["receipt_no"] or "",
        group_no=c["group_no"] or "",
        group_name=c["group_name"],
        school_name=c["school_name"],
        name=c["name_en"] or c["name_zh"],
        passport_no=c["passport_no"],
        identity=c["identity"],
        status=c["status"],
        since=since,
        age=age,
        overdue=overdue,
        submitted_at=submitted,
        total_age=age_in_working_days(submitted, at, cal) if submitted else 0,
        station_code=c["station_code"] or "",
        deadline=deadline,
        holder_id=c["holder_id"],
        holder=c["holder"] or ("#" + str(c["holder_id"]) if c["holder_id"] else ""),
    )


async def _tally(stations: tuple[str, ...]) -> list[dict[str, Any]]:
    """(status, answered, cases) of the stations given (every station when none), from `CaseTally`, which every
    transition keeps: the desk's counts read a few rows a station, not every case."""
    query = CaseTally.select(CaseTally.status, CaseTally.answered, CaseTally.cases)
    if stations:
        query = query.where(CaseTally.station_code.is_in(list(stations)))
    return await query


async def queue_counts(stations: tuple[str, ...] = ()) -> dict[str, int]:
    """How many cases each queue holds (for the reviewer's stations when given)."""
    out = {q.key: 0 for q in QUEUES}
    for r in await _tally(stations):
        for q in QUEUES:
            if r["status"] in q.statuses and (q.answered is None or q.answered == bool(r["answered"])):
                out[q.key] += int(r["cases"])
    return out


async def _tallied_total(criteria: Criteria) -> int | None:
    """The count of a search that is only a queue (or everything) at some stations, from the tally; None when
    the search filters on more, and must count its matches."""
    c = criteria
    if c.q or c.line or c.kind or c.school is not None or c.identity or c.nationality or c.overdue:
        return None
    if c.held or c.application is not None:
        return None
    queue = QUEUE_BY_KEY[c.queue] if c.queue else None
    total = 0
    for r in await _tally(c.station_codes):
        if queue is None or (
            r["status"] in queue.statuses
            and (queue.answered is None or queue.answered == bool(r["answered"]))
        ):
            total += int(r["cases"])
    return total


async def list_queue(key: str, at: datetime, cal: WorkCalendar | None = None) -> list[QueueRow]:
    """The first page of one queue, oldest first (see `find_cases` for the rest)."""
    return (await find_cases(Criteria(queue=key, station="all"), at, cal)).rows


async def first_reviewers(case_ids: list[int]) -> dict[int, int]:
    """Who passed each case's (latest) first review: case id -> back-office user id."""
    out: dict[int, int] = {}
    if not case_ids:
        return out
    for e in (
        await ReviewEvent.select(ReviewEvent.case, ReviewEvent.actor_id)
        .where(ReviewEvent.case.is_in(case_ids) & (ReviewEvent.action == "pass_first_review"))
        .order_by(ReviewEvent.created_at)
        .order_by(ReviewEvent.id)
    ):
        if e["actor_id"] is not None:
            out[e["case"]] = e["actor_id"]
    return out


@dataclass
class HistoryRow:
    at: datetime
    receipt_no: str
    action: str
    from_status: str
    to_status: str
    actor_label: str
    comment: str
    reply: str


@dataclass
class CaseDetail:
    case: dict[str, Any]
    application: dict[str, Any]
    school: dict[str, Any]
    members: list[dict[str, Any]]
    history: list[HistoryRow]
    attachments: list[Any]
    group_attachments: list[Any]
    since: datetime | None
    age: int
    overdue: bool
    deadline: Any  # the supplement deadline while the case is returned
    group_stage: str
    offering_title: Any = None  # 申辦項目 of the case's offering (issue 14)
    permit_title: Any = None  # 核發證別
    own_fields: list[Any] = field(default_factory=list)  # the line's own fields, in words
    labels: dict[str, str] = field(default_factory=dict)  # the offering's labels of common columns
    identity_label: str = ""  # the offering's name of the case's identity
    documents: list[Any] = field(default_factory=list)  # the offering's documents and their files


def _offering_view(
    application: dict[str, Any], case: dict[str, Any], attachments: list[Any]
) -> dict[str, Any]:
    """The case's offering as the page shows it: title, permit type, own fields, documents."""
    found = offerings.get(application.get("business_line") or "foreign", application.get("kind") or "first")
    out: dict[str, Any] = {
        "permit_title": permits.permit_of(
            application.get("business_line") or "", application.get("kind") or ""
        ).title
    }
    if found is None:
        return out
    files = [{"case": a.get("case"), "kind": a["kind"]} for a in attachments if isinstance(a, dict)]
    columns = {c._meta.name for c in Case._meta.columns}
    try:
        out["own_fields"] = case_view.own_fields(found, case, columns)
        out["documents"] = case_view.document_rows(found, application, case, files)
    except (LookupError, TypeError, ValueError):  # a case stored before its offering changed
        # The page still shows the common columns; the reason is logged, not swallowed.
        logger.warning("case %s: its offering's own fields could not be shown", case.get("id"), exc_info=True)
    out["offering_title"] = found.title
    out["labels"] = {s.name: str(s.label) for s in found.form.fields if s.name in columns}
    out["identity_label"] = str(found.identities.get(case.get("identity") or "", ""))
    return out


async def _attachments(application_id: int, case_id: int | None) -> list[Any]:
    """The documents, from the attachments feature when it is there."""
    try:
        from app.queries.attachments import list_attachments  # type: ignore[import-not-found]
    except ImportError:
        return []
    try:
        return list(await list_attachments(application_id, case_id=case_id))
    except TypeError:
        return []


def _on_desk():
    """The review desk sees submitted cases only: a case out of 待送件 of a group that was submitted.
    A school's or a student's draft, and its files, are not found (404)."""
    return (Case.status != Status.DRAFT) & Case.application.submitted_at.is_not_null()


async def get_case_detail(case_id: int, at: datetime) -> CaseDetail | None:
    rows = await Case.select().where((Case.id == case_id) & _on_desk()).output(load_json=True)
    if not rows:
        return None
    case = rows[0]
    app_rows = await Application.select().where(Application.id == case["application"]).output(load_json=True)
    application = app_rows[0]
    school = (await School.select().where(School.id == application["school"]))[0]
    members = (
        await Case.select(
            Case.id,
            Case.version,
            Case.receipt_no,
            Case.name_en,
            Case.name_zh,
            Case.passport_no,
            Case.status,
            Case.identity,
        )
        .where(Case.application == application["id"])
        .order_by(Case.id)
    )
    events = (
        await ReviewEvent.select(
            ReviewEvent.created_at,
            ReviewEvent.case.receipt_no,
            ReviewEvent.case,
            ReviewEvent.action,
            ReviewEvent.from_status,
            ReviewEvent.to_status,
            ReviewEvent.actor_label,
            ReviewEvent.comment,
            ReviewEvent.reply,
        )
        .where(
            (ReviewEvent.application == application["id"])
            & ((ReviewEvent.case == case_id) | ReviewEvent.case.is_null())
        )
        .order_by(ReviewEvent.created_at, ascending=False)
        .order_by(ReviewEvent.id, ascending=False)
    )
    history = [
        HistoryRow(
            e["created_at"],
            e["case.receipt_no"] or "",
            e["action"],
            e["from_status"],
            e["to_status"],
            e["actor_label"],
            e["comment"],
            e["reply"],
        )
        for e in events
    ]
    cal = await work_calendar()
    own = [e for e in events if e["case"] == case_id]
    since = own[0]["created_at"] if own else (case["submitted_at"] or application["submitted_at"])
    age = age_in_working_days(since, at, cal) if since else 0
    deadline = None
    if case["status"] in workflow.SUPPLEMENT and own:
        deadline = supplement_deadline(own[0]["created_at"], cal)
    attachments = await _attachments(application["id"], case_id)
    return CaseDetail(
        case=case,
        application=application,
        school=school,
        members=members,
        history=history,
        attachments=attachments,
        group_attachments=await _attachments(application["id"], None),
        since=since,
        age=age,
        overdue=age > REVIEW_DAYS,
        deadline=deadline,
        group_stage=str(workflow.group_stage([m["status"] for m in members], application["status"])),
        **_offering_view(application, case, attachments),
    )


@dataclass
class FilterOptions:
    schools: list[tuple[int, str]]
    nationalities: list[str]


async def filter_options() -> FilterOptions:
    """What the desk's search offers to pick: the schools and the nationalities of submitted cases."""
    schools = await School.select(School.id, School.name).order_by(School.name)
    # The distinct nationalities by a walk over the index case_nationality_status, one step a nationality (not a
    # read of every case): each step is the next nationality above the last with a submitted case.
    nationalities = await db.raw(
        'WITH RECURSIVE walk(n) AS (SELECT MIN(c."nationality") FROM "case" c '
        'WHERE c."nationality" > {} AND c."status" <> {} '
        'UNION ALL SELECT (SELECT MIN(c."nationality") FROM "case" c WHERE c."nationality" > walk.n '
        'AND c."status" <> {}) FROM walk WHERE walk.n IS NOT NULL) '
        "SELECT n FROM walk WHERE n IS NOT NULL",
        "",
        Status.DRAFT.value,
        Status.DRAFT.value,
    )
    return FilterOptions(
        schools=[(s["id"], s["name"]) for s in schools],
        nationalities=[r["n"] for r in nationalities],
    )


@dataclass(frozen=True)
class Claim:
    user_id: int
    holder: str
    claimed_at: datetime | None
    assigned_by: str


async def get_claim(case_id: int) -> Claim | None:
    """Who holds (認領) a case, if anyone."""
    rows = await CaseClaim.select(
        CaseClaim.user, CaseClaim.user.username, CaseClaim.claimed_at, CaseClaim.assigned_by
    ).where(CaseClaim.case == case_id)
    if not rows:
        return None
    r = rows[0]
    names = await ReviewerProfile.select(ReviewerProfile.display_name).where(
        ReviewerProfile.user == r["user"]
    )
    holder = (names[0]["display_name"] if names else "") or r["user.username"]
    return Claim(r["user"], holder, _dt(r["claimed_at"]), r["assigned_by"])


async def list_desk_reviewers() -> list[tuple[int, str]]:
    """Active reviewers a supervisor can give a case to: (user id, display name)."""
    rows = await ReviewerProfile.select(
        ReviewerProfile.user,
        ReviewerProfile.display_name,
        ReviewerProfile.user.username,
        ReviewerProfile.role,
    ).where(
        (ReviewerProfile.user.active == True)  # noqa: E712
        & (ReviewerProfile.user.admin == True)  # noqa: E712
        & ReviewerProfile.role.is_in([r.value for r in workflow.DESK])
    )
    return sorted(((r["user"], r["display_name"] or r["user.username"]) for r in rows), key=lambda x: x[1])


async def reviewer_stations(user_id: int) -> tuple[str, ...]:
    """The service stations a reviewer works for (their desk's default); () means all."""
    rows = await ReviewerStation.select(ReviewerStation.station_code).where(
        ReviewerStation.reviewer.user == user_id
    )
    return tuple(sorted({r["station_code"] for r in rows}))


async def next_case(
    queue: str, application_id: int, at: datetime, *, me: int, stations: tuple[str, ...] = ()
) -> int | None:
    """After a decision: the next case of the same group still in the queue, else the oldest case of the
    queue (another group), skipping cases other reviewers hold."""
    base = Criteria(queue=queue, held="available", me=me, stations=stations)
    for criteria in (replace(base, application=application_id, station="all"), base):
        page = await find_cases(criteria, at)
        if page.rows:
            return page.rows[0].case_id
    return None


@dataclass(frozen=True)
class Reason:
    id: int
    kind: str
    text: str  # in the reader's language


async def list_canned_reasons() -> dict[str, list[Reason]]:
    """The supervisor's canned reasons, per kind (return, refuse), in the current language."""
    from app.i18n import get_locale

    english = get_locale() == "en"
    out: dict[str, list[Reason]] = {"return": [], "refuse": []}
    rows = (
        await CannedReason.select()
        .where(CannedReason.active == True)  # noqa: E712
        .order_by(CannedReason.sort)
        .order_by(CannedReason.id)
    )
    for r in rows:
        if r["kind"] in out:
            out[r["kind"]].append(
                Reason(r["id"], r["kind"], (r["text_en"] if english else "") or r["text_zh"])
            )
    return out


GRACE_KEY = "lapse_grace_days"


async def get_grace_days() -> int | None:
    rows = await DeskSetting.select(DeskSetting.value).where(DeskSetting.key == GRACE_KEY)
    if not rows or not rows[0]["value"].isdigit():
        return None
    return int(rows[0]["value"])


@dataclass(frozen=True)
class OtherCase:
    case_id: int
    receipt_no: str
    school_name: str
    status: str
    matched: str  # "passport" | "ui_no"


@dataclass
class CaseWarnings:
    open_elsewhere: list[OtherCase]
    refused_before: list[OtherCase]
    passport_expiry: date | None  # set when the passport expires within six months

    def __bool__(self) -> bool:
        return bool(self.open_elsewhere or self.refused_before or self.passport_expiry)


async def get_case_warnings(case: dict[str, Any], today: date) -> CaseWarnings:
    """Other cases of the same passport or UI no. (any school): open ones, and earlier refusals."""
    passport = case_warnings.normalise_document_no(case.get("passport_no"))
    ui_no = case_warnings.normalise_document_no(case.get("ui_no"))
    conditions = []
    args: list[Any] = []
    if passport:
        conditions.append('c."passport_no" = {}')  # stored cleaned (upper case, no spaces): the index serves
        args.append(passport)
    if ui_no:
        conditions.append('c."ui_no" = {}')
        args.append(ui_no)
    others: list[dict[str, Any]] = []
    if conditions:
        sql = (
            'SELECT c."id" AS "id", c."receipt_no" AS "receipt_no", c."status" AS "status", '  # noqa: S608
            'c."passport_no" AS "passport_no", c."ui_no" AS "ui_no", s."name" AS "school_name" '
            'FROM "case" c JOIN "application" a ON a."id" = c."application" JOIN "school" s ON s."id" = a."school" '
            f'WHERE c."id" <> {{}} AND ({" OR ".join(conditions)}) ORDER BY c."id"'
        )
        others = await db.raw(sql, case["id"], *args)

    def other(r: dict[str, Any]) -> OtherCase:
        matched = (
            "passport"
            if passport and case_warnings.normalise_document_no(r["passport_no"]) == passport
            else "ui_no"
        )
        return OtherCase(r["id"], r["receipt_no"] or "", r["school_name"], r["status"], matched)

    expiry = case.get("passport_expiry")
    return CaseWarnings(
        open_elsewhere=[other(r) for r in others if r["status"] in case_warnings.IN_PROGRESS],
        refused_before=[other(r) for r in others if r["status"] in workflow.REFUSED],
        passport_expiry=expiry if case_warnings.passport_expires_soon(expiry, today) else None,
    )


async def get_desk_attachment(attachment_id: int) -> dict[str, Any] | None:
    """A file of a submitted group (its own, or of one of its submitted cases) for the review desk."""
    from tables.tables import Attachment

    rows = await Attachment.select(
        Attachment.stored_name, Attachment.original_name, Attachment.content_type, Attachment.case
    ).where(
        (Attachment.id == attachment_id)
        & Attachment.application.submitted_at.is_not_null()
        & (Attachment.application.status != Status.DRAFT)
    )
    if not rows:
        return None
    row = rows[0]
    if row["case"] is not None:
        case = await Case.select(Case.id).where((Case.id == row["case"]) & _on_desk())
        if not case:
            return None
    return row

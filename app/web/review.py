"""審核作業台: the reviewers' desk (queues, one case, one-click decisions), under /review.

Reviewers sign in at /admin (piccolo-admin); the desk reads that session's `id` cookie through
`SessionsBase.get_user_id` and admits only an active admin user with a ReviewerProfile role. A
school account has no such session: it is sent to the back office's login, never shown a case.
Handlers stay thin: one query or one action each.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect
from piccolo_api.session_auth.tables import SessionsBase

from app.actions import review as actions
from app.actions import review_cases as claim_actions
from app.actions.review_cases import CLAIMABLE
from app.domain import review_stats as stats_rules
from app.domain import workflow
from app.domain.business import BUSINESS_LINES, KINDS, get_line
from app.domain.calendar import REVIEW_DAYS, SUPPLEMENT_DAYS, TAIPEI
from app.domain.documents import DOC_LABELS
from app.domain.review_search import parse_criteria
from app.domain.workflow import IllegalTransition, Role
from app.i18n import get_locale
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.queries import numbering as numbering_queries
from app.queries import review as queries
from app.queries import review_stats
from app.queries.progress import list_changes_for_case
from app.queries.stations import get_station
from app.services import mfa
from app.web.common import file_response, form_data, redirect, render

ADMIN_COOKIE = "id"  # piccolo-admin's session cookie
ADMIN_LOGIN = "/admin/"
MFA_PAGE = "/review/mfa"
SESSION_STRETCH = timedelta(minutes=10)  # as the admin's increase_expiry

QUEUE_TITLES = {
    "first": _l("Awaiting first review"),  # 待初審
    "second": _l("Awaiting second review"),  # 待複審
    "answered": _l("Supplement answered"),  # 資料補正 (已回覆)
    "supplement": _l("Waiting for the school's supplement"),  # 待補正 (the school's turn)
    "card": _l("Awaiting card production"),  # 待製證
    "collect": _l("Card ready for collection"),  # 待領證
}
# What a button says on the desk (the seed's words), and which actions are drawn as "danger".
BUTTONS = {
    "pass_first_review": _l("Pass first review"),
    "return_for_supplement": _l("Return for supplement"),
    "not_accept": _l("Not accept"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "card_made": _l("Card made"),
    "card_collected": _l("Card collected"),
}
DANGER = frozenset({"not_accept", "reject"})
SEARCH_PARAMS = (
    "q",
    "queue",
    "line",
    "kind",
    "school",
    "station",
    "identity",
    "nationality",
    "overdue",
    "held",
    "sort",
    "page",
)
SORT_LABELS = {
    "age": _l("Longest in this status first"),
    "age_desc": _l("Newest in this status first"),
    "submitted": _l("Earliest submitted first"),
    "submitted_desc": _l("Latest submitted first"),
}


class NotReviewer(Exception):
    """No back-office session: go and sign in there."""


class MustEnrol(Exception):
    """A supervisor requires a second factor this reviewer has not set up: only /review/mfa is open."""


async def _reviewer(connection: ASGIConnection) -> tuple[Any, Role]:
    token = connection.cookies.get(ADMIN_COOKIE)
    if not token:
        raise NotReviewer
    user_id = await SessionsBase.get_user_id(token, increase_expiry=SESSION_STRETCH)
    if not user_id:
        raise NotReviewer
    actor = await actions.reviewer_actor(user_id)
    if actor is None:
        raise PermissionDeniedException()
    if await mfa.must_enrol(user_id):
        raise MustEnrol
    role = await actions.reviewer_role(actor)
    return actor, role


async def reviewer_gate(request: Request) -> Response | None:
    """before_request of the desk: no back-office session -> its login; not a reviewer -> 403."""
    try:
        actor, role = await _reviewer(request)
    except NotReviewer:
        return Redirect(ADMIN_LOGIN, status_code=303)
    except MustEnrol:
        return Redirect(MFA_PAGE, status_code=303)
    except IllegalTransition:
        raise PermissionDeniedException() from None
    request.scope["state"]["reviewer"] = (actor, role)
    return None


def _me(request: Request) -> tuple[Any, Role]:
    return request.scope["state"]["reviewer"]


def _after_commit(request: Request, outcome: actions.Outcome) -> None:
    """The emails go after the request's transaction commits (DatabaseMiddleware runs these)."""
    if outcome.sent or not outcome.mails:
        return
    mails = list(outcome.mails)

    async def job() -> None:
        await actions.deliver(mails)

    request.scope["state"].setdefault("after_commit", []).append(job)


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _now() -> datetime:
    return datetime.now(UTC)


def _bar_value(waiting: int, overdue: int) -> str:
    """A bar's value label: 「12（逾期 3）」, "12 (overdue 3)"."""
    word = _("overdue")
    text = f"{word} {overdue}"
    return f"{waiting} ({text})" if get_locale() == "en" else f"{waiting}（{text}）"


def _desk_context(request: Request, counts: dict[str, int]) -> dict[str, Any]:
    actor, role = _me(request)
    return {
        "reviewer": actor,
        "reviewer_role": role,
        "role_label": ROLE_LABELS.get(role, role),
        "queue_keys": [q.key for q in queries.QUEUES],
        "queue_titles": {k: str(v) for k, v in QUEUE_TITLES.items()},
        "counts": counts,
        "review_days": REVIEW_DAYS,
        "supplement_days": SUPPLEMENT_DAYS,
    }


ROLE_LABELS = {
    Role.FIRST_REVIEWER: _l("First reviewer"),
    Role.SECOND_REVIEWER: _l("Second reviewer"),
    Role.SUPERVISOR: _l("Supervisor"),
}


class ReviewController(Controller):
    path = "/review"
    before_request = reviewer_gate

    @get("/", name="review:home")
    async def home(self, request: Request) -> Response:
        _actor, role = _me(request)
        return Redirect(f"/review/queue/{queries.HOME_QUEUE.get(role, 'first')}", status_code=303)

    @get("/queue/{key:str}", name="review:queue")
    async def queue(self, request: Request, key: str) -> Response:
        if key not in queries.QUEUE_BY_KEY:
            raise NotFoundException()
        return await self._list(request, key)

    @get("/find", name="review:find")
    async def find(self, request: Request) -> Response:
        """找案件: every submitted case, searched and filtered; a queue is a preset of the same search."""
        return await self._list(request, "")

    async def _list(
        self,
        request: Request,
        key: str,
        *,
        errors: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        params = {k: request.query_params.get(k, "") for k in SEARCH_PARAMS}
        params["queue"] = key or params["queue"]
        actor, _role = _me(request)
        stations = await queries.reviewer_stations(actor.account_id)
        criteria = parse_criteria(params, stations=stations, me=actor.account_id)
        found = await queries.find_cases(criteria, _now())
        ctx = _desk_context(request, await queries.queue_counts(stations))
        queue_key = found.criteria.queue
        ctx.update(
            {
                "key": queue_key,
                "on_find": not key,
                "rows": found.rows,
                "pager": found.pager,
                "criteria": found.criteria,
                "options": await queries.filter_options(),
                "lines": [(b.code, str(b.title)) for b in BUSINESS_LINES],
                "kinds": [(k, str(v)) for k, v in KINDS.items()],
                "sorts": [(k, str(v)) for k, v in SORT_LABELS.items()],
                "title": ctx["queue_titles"][queue_key] if key else str(_l("Find cases")),
                "base_path": f"/review/queue/{key}" if key else "/review/find",
                "grace_days": await queries.get_grace_days() if key == "supplement" else None,
                "errors": errors or {},
                "form": form or {},
            }
        )
        if _role == Role.SUPERVISOR:  # number counters near their capacity (issue 16)
            ctx["number_alerts"] = await numbering_queries.near_capacity()
        template = "review/_queue.html" if request.htmx and not request.htmx.boosted else "review/queue.html"
        return render(request, template, ctx, status_code=400 if errors else 200)

    @get("/case/{case_id:int}", name="review:case")
    async def case(self, request: Request, case_id: int, queue: str = "") -> Response:
        return await self._case_page(request, case_id, queue=queue)

    async def _case_page(
        self,
        request: Request,
        case_id: int,
        *,
        queue: str = "",
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        problem: str = "",
        confirm: dict[str, Any] | None = None,
    ) -> Response:
        detail = await queries.get_case_detail(case_id, _now())
        if detail is None:
            raise NotFoundException()
        actor, role = _me(request)
        allowed = [a for a in workflow.allowed_actions(detail.case["status"], role) if a in BUTTONS]
        first_reviewer = (await queries.first_reviewers([case_id])).get(case_id)
        four_eyes = workflow.four_eyes_refusal(detail.case["status"], first_reviewer, actor.account_id)
        if four_eyes:
            allowed = []
        group_stage = workflow.group_review_stage([m["status"] for m in detail.members])
        can_return_group = False
        if group_stage is not None:
            try:
                workflow.apply(group_stage, "return_group_for_supplement", role)
                can_return_group = True
            except IllegalTransition:
                pass
        ctx = _desk_context(
            request, await queries.queue_counts(await queries.reviewer_stations(actor.account_id))
        )
        claim = await queries.get_claim(case_id)
        held_by_other = claim is not None and claim.user_id != actor.account_id
        if held_by_other:
            allowed = []
        if held_by_other or four_eyes:
            can_return_group = False
        group_actions = [a for a in allowed if a in actions.GROUP_ACTIONS]
        same_stage = [m for m in detail.members if m["status"] == detail.case["status"]]
        supervisor = role == Role.SUPERVISOR
        ctx.update(
            {
                "d": detail,
                "can_close_lapsed": supervisor
                and detail.case["status"] in workflow.SUPPLEMENT
                and detail.deadline is not None
                and _now().astimezone(TAIPEI).date() > detail.deadline,
                "can_reopen": supervisor and detail.case["status"] in workflow.REFUSED,
                "group_actions": group_actions if len(same_stage) > 1 else [],
                "same_stage": {m["id"] for m in same_stage},
                "reasons": await queries.list_canned_reasons(),
                "reason_kind": actions.REASON_KIND,
                "claim": claim,
                "held_by_other": held_by_other,
                "claimable": detail.case["status"] in CLAIMABLE,
                "desk_reviewers": await queries.list_desk_reviewers() if role == Role.SUPERVISOR else [],
                "queue": queue if queue in queries.QUEUE_BY_KEY else "",
                "allowed": allowed,
                "buttons": {k: str(v) for k, v in BUTTONS.items()},
                "danger": DANGER,
                "comment_required": workflow.COMMENT_REQUIRED,
                "can_return_group": can_return_group,
                "errors": errors or {},
                "form": form or {},
                "problem": problem,
                "four_eyes": four_eyes,
                "warnings": await queries.get_case_warnings(detail.case, _now().astimezone(TAIPEI).date()),
                "confirm": confirm,
                "doc_labels": {k: str(v) for k, v in DOC_LABELS.items()},
                "action_label": workflow.action_label,
                # What each supplement sent back changed, with the reply (issue 6, app.queries.progress).
                "supplements": await list_changes_for_case(case_id),
            }
        )
        return render(request, "review/case.html", ctx, status_code=status_code)

    @post("/case/{case_id:int}/decide", name="review:decide")
    async def decide(self, request: Request, case_id: int) -> Response:
        actor, _role = _me(request)
        form = await form_data(request)
        queue = form.get("queue", "")
        try:
            version = int(form.get("version", ""))
        except ValueError:
            version = -1
        action = form.get("action", "")
        if action in workflow.CONFIRM_FIRST and form.get("confirmed") != "1":
            return await self._confirm(
                request, case_id, queue, form, f"/review/case/{case_id}/decide", action
            )
        try:
            outcome = await actions.decide(
                actor,
                case_id,
                version,
                action,
                form.get("comment", ""),
                receipt_no=form.get("receipt_no", ""),
                passport_no=form.get("passport_no", ""),
                reason_id=_int(form.get("reason", "")),
            )
        except actions.Conflict as exc:
            return await self._case_page(
                request,
                case_id,
                queue=queue,
                status_code=409,
                problem=exc.message,
                form={"comment": form.get("comment", "")},
            )
        except actions.ReviewError as exc:
            return await self._case_page(
                request,
                case_id,
                queue=queue,
                status_code=400,
                errors={exc.field or "comment": exc.message},
                form=form,
            )
        except IllegalTransition as exc:
            return await self._case_page(
                request,
                case_id,
                queue=queue,
                status_code=409,
                problem=exc.reason,
                form={"comment": form.get("comment", "")},
            )
        _after_commit(request, outcome)
        return await self._next(request, queue, case_id, outcome.application_id)

    @post("/group/{application_id:int}/decide", name="review:decide-group")
    async def decide_group(self, request: Request, application_id: int) -> Response:
        """One decision for the ticked cases of a group (value "case id:version" each), one comment."""
        raw = await request.form()
        form = await form_data(request)
        queue = form.get("queue", "")
        case_id = _int(form.get("case_id", "")) or 0
        versions: dict[int, int] = {}
        picked = [str(v) for v in raw.getall("cases", [])]
        for value in picked:
            cid, _sep, ver = value.partition(":")
            if cid.isdigit() and ver.isdigit():
                versions[int(cid)] = int(ver)
        action = form.get("action", "")
        if action in workflow.CONFIRM_FIRST and form.get("confirmed") != "1" and versions:
            return await self._confirm(
                request,
                case_id,
                queue,
                form,
                f"/review/group/{application_id}/decide",
                action,
                comment_field="group_decision_comment",
                reason_field="group_reason",
                extra=[("cases", v) for v in picked],
            )
        try:
            outcome = await actions.decide_cases(
                _me(request)[0],
                application_id,
                versions,
                form.get("action", ""),
                form.get("group_decision_comment", ""),
                reason_id=_int(form.get("group_reason", "")),
            )
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.Conflict as exc:
            return await self._case_page(
                request, case_id, queue=queue, status_code=409, problem=exc.message, form=form
            )
        except actions.ReviewError as exc:
            field = {"comment": "group_decision_comment", "reason": "group_reason"}.get(exc.field, exc.field)
            if not field:
                return await self._case_page(
                    request, case_id, queue=queue, status_code=409, problem=exc.message, form=form
                )
            return await self._case_page(
                request, case_id, queue=queue, status_code=400, errors={field: exc.message}, form=form
            )
        except IllegalTransition as exc:
            return await self._case_page(
                request, case_id, queue=queue, status_code=409, problem=exc.reason, form=form
            )
        _after_commit(request, outcome)
        return await self._next(request, queue, case_id, application_id)

    @post("/group/{application_id:int}/return", name="review:return-group")
    async def return_group(self, request: Request, application_id: int) -> Response:
        actor, _role = _me(request)
        form = await form_data(request)
        queue = form.get("queue", "")
        try:
            case_id = int(form.get("case_id", ""))
            version = int(form.get("group_version", ""))
        except ValueError as exc:
            raise NotFoundException() from exc
        try:
            outcome = await actions.return_group_for_supplement(
                actor, application_id, version, form.get("group_comment", "")
            )
        except actions.NotFound:
            raise  # answered 404 by app.web.errors.app_error_handler
        except actions.ReviewError as exc:
            status = 409 if isinstance(exc, actions.Conflict) else 400
            errors = {} if status == 409 else {"group_comment": exc.message}
            return await self._case_page(
                request,
                case_id,
                queue=queue,
                status_code=status,
                errors=errors,
                problem=exc.message if status == 409 else "",
                form=form,
            )
        except IllegalTransition as exc:
            return await self._case_page(request, case_id, queue=queue, status_code=409, problem=exc.reason)
        _after_commit(request, outcome)
        return await self._next(request, queue, case_id, application_id)

    async def _confirm(
        self,
        request: Request,
        case_id: int,
        queue: str,
        form: dict[str, str],
        url: str,
        action: str,
        *,
        comment_field: str = "comment",
        reason_field: str = "reason",
        extra: list[tuple[str, str]] | None = None,
    ) -> Response:
        """不受理 / 不核准 / lapsed closure: the input is checked, then the reviewer confirms on a second step."""
        try:
            await actions.prepare_comment(
                action, form.get(comment_field, ""), _int(form.get(reason_field, ""))
            )
        except actions.ReviewError as exc:
            field = {"comment": comment_field, "reason": reason_field}.get(exc.field, exc.field)
            return await self._case_page(
                request, case_id, queue=queue, status_code=400, errors={field: exc.message}, form=form
            )
        keep = [(k, v) for k, v in form.items() if k not in ("cases", "confirmed")] + (extra or [])
        confirm = {
            "url": url,
            "fields": keep,
            "label": workflow.action_label(action),
            "count": len(extra) if extra else 1,
            "comment": form.get(comment_field, ""),
        }
        return await self._case_page(request, case_id, queue=queue, form=form, confirm=confirm)

    async def _next(self, request: Request, queue: str, case_id: int, application_id: int) -> Response:
        """After a decision: the next case of the same group in the queue, then the next group's oldest case,
        else the queue (with a message)."""
        if queue in queries.QUEUE_BY_KEY:
            actor, _role = _me(request)
            stations = await queries.reviewer_stations(actor.account_id)
            nxt = await queries.next_case(
                queue, application_id, _now(), me=actor.account_id, stations=stations
            )
            if nxt is not None:
                return redirect(f"/review/case/{nxt}?queue={queue}", flash="review_saved")
            return redirect(f"/review/queue/{queue}", flash="review_saved")
        return redirect(f"/review/case/{case_id}", flash="review_saved")

    @post("/case/{case_id:int}/close-lapsed", name="review:close-lapsed")
    async def close_lapsed(self, request: Request, case_id: int) -> Response:
        """A supervisor closes a supplement past its deadline as 不受理 (asked to confirm first)."""
        form = await form_data(request)
        queue = form.get("queue", "")
        if form.get("confirmed") != "1":
            confirm = {
                "url": f"/review/case/{case_id}/close-lapsed",
                "fields": [(k, v) for k, v in form.items() if k != "confirmed"],
                "label": workflow.action_label("close_lapsed"),
                "count": 1,
                "comment": form.get("lapse_comment", ""),
            }
            return await self._case_page(request, case_id, queue=queue, form=form, confirm=confirm)
        try:
            outcome = await claim_actions.close_lapsed_supplement(
                _me(request)[0], case_id, _int(form.get("version", "")) or -1, form.get("lapse_comment", "")
            )
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.ReviewError as exc:
            return await self._case_page(request, case_id, queue=queue, status_code=409, problem=exc.message)
        except IllegalTransition as exc:
            return await self._case_page(request, case_id, queue=queue, status_code=409, problem=exc.reason)
        _after_commit(request, outcome)
        return redirect(f"/review/case/{case_id}", flash="review_saved")

    @post("/case/{case_id:int}/reopen", name="review:reopen")
    async def reopen(self, request: Request, case_id: int) -> Response:
        """A supervisor reopens a refused or closed case with a recorded reason."""
        form = await form_data(request)
        try:
            await claim_actions.reopen_case(
                _me(request)[0], case_id, _int(form.get("version", "")) or -1, form.get("reopen_comment", "")
            )
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.Conflict as exc:
            return await self._case_page(request, case_id, status_code=409, problem=exc.message)
        except actions.ReviewError as exc:
            return await self._case_page(
                request, case_id, status_code=400, errors={"reopen_comment": exc.message}, form=form
            )
        except IllegalTransition as exc:
            return await self._case_page(request, case_id, status_code=409, problem=exc.reason)
        return redirect(f"/review/case/{case_id}", flash="review_saved")

    @get("/supervisor", name="review:supervisor")
    async def supervisor(self, request: Request) -> Response:
        """The supervisor's view: queues and reviewers, waiting, overdue, decided, median days; a chart."""
        _actor, role = _me(request)
        if role != Role.SUPERVISOR:
            raise PermissionDeniedException()
        station = request.query_params.get("station", "")
        station = station if get_station(station) else ""
        line = request.query_params.get("line", "")
        line = line if get_line(line) else ""
        stats = await review_stats.supervisor_stats(_now(), station=station, line=line)
        ctx = _desk_context(request, await queries.queue_counts())
        titles = ctx["queue_titles"]
        ctx.update(
            {
                "stats": stats,
                "station": station,
                "line": line,
                "lines": [(b.code, str(b.title)) for b in BUSINESS_LINES],
                "chart": stats_rules.bars(
                    [
                        (titles[r.key], r.waiting, r.overdue, _bar_value(r.waiting, r.overdue))
                        for r in stats.queues
                    ]
                ),
            }
        )
        return render(request, "review/supervisor.html", ctx)

    @post("/settings/grace", name="review:grace")
    async def grace(self, request: Request) -> Response:
        """A supervisor sets the grace period before lapsed supplements close by themselves."""
        form = await form_data(request)
        try:
            await claim_actions.set_grace_days(_me(request)[0], form.get("grace", ""))
        except actions.ReviewError as exc:
            return await self._list(request, "supplement", errors={"grace": exc.message}, form=form)
        except IllegalTransition as exc:
            raise PermissionDeniedException() from exc
        return redirect("/review/queue/supplement", flash="saved")

    @post("/case/{case_id:int}/claim", name="review:claim")
    async def claim(self, request: Request, case_id: int) -> Response:
        """認領 / 釋出 / 改派 (a supervisor): who works on the case."""
        actor, _role = _me(request)
        form = await form_data(request)
        queue = form.get("queue", "")
        what = form.get("do", "")
        try:
            if what == "claim":
                await claim_actions.claim_case(actor, case_id)
            elif what == "release":
                await claim_actions.release_case(actor, case_id)
            elif what == "reassign":
                to_user = form.get("to_user", "")
                await claim_actions.reassign_case(actor, case_id, int(to_user) if to_user.isdigit() else 0)
            else:
                raise NotFoundException()
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.ReviewError as exc:
            if exc.field:
                return await self._case_page(
                    request, case_id, queue=queue, status_code=400, errors={exc.field: exc.message}
                )
            return await self._case_page(request, case_id, queue=queue, status_code=409, problem=exc.message)
        except IllegalTransition as exc:
            return await self._case_page(request, case_id, queue=queue, status_code=409, problem=exc.reason)
        suffix = f"?queue={queue}" if queue in queries.QUEUE_BY_KEY else ""
        return redirect(f"/review/case/{case_id}{suffix}", flash=f"case_{what}")

    @get("/attachment/{attachment_id:int}", name="review:attachment")
    async def attachment(self, attachment_id: int) -> Response:
        return await file_response(await queries.get_desk_attachment(attachment_id), inline=True)

    @post("/logout", name="review:logout")
    async def logout(self, request: Request) -> Response:
        token = request.cookies.get(ADMIN_COOKIE)
        if token:
            await SessionsBase.remove_session(token)
        response = Redirect(ADMIN_LOGIN, status_code=303)
        response.delete_cookie(ADMIN_COOKIE, path="/")
        return response

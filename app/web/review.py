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
from app.domain import workflow
from app.domain.calendar import REVIEW_DAYS, SUPPLEMENT_DAYS
from app.domain.documents import DOC_LABELS
from app.domain.workflow import IllegalTransition, Role
from app.i18n import lazy_gettext as _l
from app.queries import review as queries
from app.queries.progress import list_changes_for_case
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


def _now() -> datetime:
    return datetime.now(UTC)


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
        rows = await queries.list_queue(key, _now())
        ctx = _desk_context(request, await queries.queue_counts())
        ctx.update({"key": key, "rows": rows, "title": ctx["queue_titles"][key]})
        template = "review/_queue.html" if request.htmx and not request.htmx.boosted else "review/queue.html"
        return render(request, template, ctx)

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
    ) -> Response:
        detail = await queries.get_case_detail(case_id, _now())
        if detail is None:
            raise NotFoundException()
        actor, role = _me(request)
        allowed = [a for a in workflow.allowed_actions(detail.case["status"], role) if a in BUTTONS]
        group_stage = workflow.group_review_stage([m["status"] for m in detail.members])
        can_return_group = False
        if group_stage is not None:
            try:
                workflow.apply(group_stage, "return_group_for_supplement", role)
                can_return_group = True
            except IllegalTransition:
                pass
        ctx = _desk_context(request, await queries.queue_counts())
        ctx.update(
            {
                "d": detail,
                "queue": queue if queue in queries.QUEUE_BY_KEY else "",
                "allowed": allowed,
                "buttons": {k: str(v) for k, v in BUTTONS.items()},
                "danger": DANGER,
                "comment_required": workflow.COMMENT_REQUIRED,
                "can_return_group": can_return_group,
                "errors": errors or {},
                "form": form or {},
                "problem": problem,
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
        try:
            outcome = await actions.decide(
                actor,
                case_id,
                version,
                action,
                form.get("comment", ""),
                receipt_no=form.get("receipt_no", ""),
                passport_no=form.get("passport_no", ""),
            )
        except actions.NotFound as exc:
            raise NotFoundException() from exc
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
        return await self._next(request, queue, case_id)

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
        except actions.NotFound as exc:
            raise NotFoundException() from exc
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
        return await self._next(request, queue, case_id)

    async def _next(self, request: Request, queue: str, case_id: int) -> Response:
        """After a decision: the next oldest case of the same queue, else the queue (with a message)."""
        if queue in queries.QUEUE_BY_KEY:
            rows = await queries.list_queue(queue, _now())
            nxt = next((r for r in rows if r.case_id != case_id), None)
            if nxt is not None:
                return redirect(f"/review/case/{nxt.case_id}?queue={queue}", flash="review_saved")
            return redirect(f"/review/queue/{queue}", flash="review_saved")
        return redirect(f"/review/case/{case_id}", flash="review_saved")

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

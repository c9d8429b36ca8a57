"""進度查詢: 案件進度查詢 (search, group, applicant with its timeline), 退補件列表 and 補正, 案件撤銷.

School accounts (a sub-account its own groups, a main account the school's) and students (their
own) use the same pages; everything out of scope answers 404. Handlers stay thin: one query or one
action each; confirmations are pages (GET) with the POST button, so they work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.response import Redirect

from app.actions import withdraw as withdraw_actions
from app.domain import applicant as applicant_rules
from app.domain import progress as rules
from app.domain import supplement as change_rules
from app.domain import workflow
from app.domain.business import KINDS
from app.domain.documents import DOC_LABELS, case_documents, group_documents
from app.domain.profiles import parse_date
from app.i18n import gettext as _
from app.queries import apply as apply_q
from app.queries import progress as q
from app.services import uploads
from app.web.common import actor_of, redirect, render
from app.web.templating import environment

# The changes of a supplement, as any page shows them (the review desk's too).
environment.globals.setdefault("supplement_change_label", change_rules.label_of)
environment.globals.setdefault("supplement_change_value", change_rules.display_value)


def applicant_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """A school account or a signed-in student (each sees only its own scope)."""
    actor = actor_of(connection)
    if actor is None or actor.kind not in ("school", "student"):
        raise NotAuthorizedException()


def _actor(request: Request):
    actor = actor_of(request)
    assert actor is not None
    return actor


def kind_options() -> list[tuple[str, str]]:
    return [(k, q.item_label("foreign", k) + ("" if k != "first" else f" {KINDS['first']}")) for k in KINDS]


def status_options() -> list[tuple[str, str]]:
    return [(k, str(label)) for k, (label, _statuses) in rules.STATUS_FILTERS.items()]


def _filters(params: dict[str, str]) -> tuple[q.Filters, dict[str, str]]:
    """The query's filters from the URL, and the problems of what could not be read."""
    errors: dict[str, str] = {}
    dates: dict[str, Any] = {}
    for key in ("birth_date", "date_from", "date_to"):
        text = params.get(key, "")
        dates[key] = parse_date(text) if text else None
        if text and dates[key] is None:
            errors[key] = _("Write a real date as YYYY/MM/DD.")
    if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
        errors["date_to"] = _("The end date cannot be before the start date.")
    kind = params.get("kind", "")
    status = params.get("status", "")
    f = q.Filters(
        kind=kind if kind in KINDS else "",
        status=status if status in rules.STATUS_FILTERS else "",
        group_no=params.get("group_no", "").strip(),
        receipt_no=params.get("receipt_no", "").strip(),
        name_zh=params.get("name_zh", "").strip()[:50],
        name_en=" ".join(params.get("name_en", "").split())[:100],
        birth_date=dates["birth_date"], date_from=dates["date_from"], date_to=dates["date_to"],
    )
    return f, errors


SEARCH_KEYS = ("kind", "status", "group_no", "receipt_no", "name_zh", "name_en", "birth_date", "date_from", "date_to")


def _query_string(form: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in form.items() if k in SEARCH_KEYS and v} | {"search": "1"})


def doc_labels() -> dict[str, str]:
    from app.domain import kinds

    return {k: str(v) for k, v in DOC_LABELS.items()} | kinds.doc_labels()


def case_display() -> dict[str, Any]:
    return {
        "identity": {k: str(v) for k, v in applicant_rules.IDENTITIES.items()},
        "enrollment": {k: str(v) for k, v in applicant_rules.ENROLLMENT.items()},
        "gender": {k: str(v) for k, v in applicant_rules.GENDERS.items()},
        "marital": {k: str(v) for k, v in applicant_rules.MARITAL.items()},
        "education": {k: str(v) for k, v in applicant_rules.EDUCATION.items()},
        "program": {k: str(v) for k, v in applicant_rules.PROGRAMS.items()},
    }


class ProgressController(Controller):
    path = "/progress"
    guards = [applicant_required]

    @get("/", name="progress:search")
    async def search(self, request: Request, page: int = 1) -> Response:
        params = {k: request.query_params.get(k, "") for k in SEARCH_KEYS}
        searched = request.query_params.get("search") == "1" or any(params.values())
        f, errors = _filters(params)
        result = None
        if searched and not errors:
            result = await q.search_groups(_actor(request), f, page)
        ctx = {
            "form": params, "errors": errors, "result": result, "qs": _query_string(params),
            "kind_options": kind_options(), "status_options": status_options(),
        }
        if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
            return render(request, "progress/_results.html", ctx, status_code=400 if errors else 200)
        return render(request, "progress/search.html", ctx, status_code=400 if errors else 200)

    @get("/groups/{application_id:int}", name="progress:group")
    async def group(self, request: Request, application_id: int) -> Response:
        view = await q.get_group(_actor(request), application_id)
        if view is None:
            raise NotFoundException()
        return render(request, "progress/group.html", {
            "g": view, "app": view.app,
            "group_files": apply_q.by_kind(view.files, None),
            "group_documents": group_documents(line=view.app["business_line"], kind=view.app["kind"]),
            "t": case_display(), "doc_labels": doc_labels(),
            "next_step": rules.next_step(view.stage),
        })

    @get("/groups/{application_id:int}/cases/{case_id:int}", name="progress:case")
    async def case(self, request: Request, application_id: int, case_id: int) -> Response:
        view = await q.get_case(_actor(request), application_id, case_id)
        if view is None:
            raise NotFoundException()
        app, case = view.group.app, view.case
        documents = case_documents(line=app["business_line"], kind=app["kind"], identity=case["identity"],
                                   enrollment=case["enrollment_status"], scholarship=case["scholarship"])
        from app.domain import kinds

        return render(request, "progress/case.html", {
            "v": view, "app": app, "case": case, "files": apply_q.by_kind(view.files, case_id),
            "documents": kinds.documents_for_view(app["kind"], documents, view.files, case),
            "kind_fields": kinds.view_fields(app["kind"], case),
            "t": case_display(), "doc_labels": doc_labels(),
            "qualification": str(applicant_rules.QUALIFICATION),
            "address": case["address"] if isinstance(case["address"], dict) else {},
            "can_withdraw": case["status"] in workflow.WITHDRAWABLE and not view.group.payment_pending,
        })

    @get("/files/{attachment_id:int}", name="progress:file")
    async def file(self, request: Request, attachment_id: int, inline: bool = False) -> Response:
        row = await apply_q.get_attachment(_actor(request), attachment_id)
        if row is None:
            raise NotFoundException()
        try:
            body = uploads.read(row["stored_name"])
        except (OSError, ValueError) as exc:
            raise NotFoundException() from exc
        return Response(content=body, media_type=row["content_type"],
                        headers=uploads.download_headers(row["original_name"], inline=inline))


@get("/student/progress", name="student:progress", guards=[applicant_required])
async def student_progress() -> Response:
    """The students' menu entry (案件進度查詢) opens the same pages, scoped to the student."""
    return Redirect("/progress/?search=1", status_code=303)


def after_commit(request: Request, mails: list) -> None:
    """The notices go out after the request's transaction has committed."""
    if not mails:
        return
    from app.services import mail

    queued = list(mails)

    async def job() -> None:
        for m in queued:
            await mail.send(m)

    request.scope.setdefault("state", {}).setdefault("after_commit", []).append(job)


class WithdrawController(Controller):
    """案件撤銷: 整團撤銷 (by 團號) and 案件撤銷 (by 團號 or 收件號), each confirmed on its own page."""

    path = "/withdraw"
    guards = [applicant_required]

    @get("/group", name="withdraw:group")
    async def group_search(self, request: Request, group_no: str = "") -> Response:
        group_no = group_no.strip()
        view = await q.find_group(_actor(request), group_no=group_no) if group_no else None
        errors = {"group_no": _("No group with this group no. was found among your applications.")} if (
            group_no and view is None) else {}
        return render(request, "withdraw/group.html", {
            "form": {"group_no": group_no}, "errors": errors, "g": view, "withdrawable": q.withdrawable,
            "group_problem": withdraw_actions.group_problem(view) if view else "",
        }, status_code=404 if errors else 200)

    async def _group(self, request: Request, application_id: int) -> q.GroupView:
        view = await q.get_group(_actor(request), application_id)
        if view is None:
            raise NotFoundException()
        return view

    @get("/group/{application_id:int}", name="withdraw:group-confirm")
    async def group_confirm(self, request: Request, application_id: int) -> Response:
        view = await self._group(request, application_id)
        return render(request, "withdraw/group_confirm.html", {
            "g": view, "withdrawable": q.withdrawable, "group_problem": withdraw_actions.group_problem(view)})

    @post("/group/{application_id:int}", name="withdraw:group-submit")
    async def group_submit(self, request: Request, application_id: int) -> Response:
        try:
            outcome = await withdraw_actions.withdraw_group(_actor(request), application_id)
        except withdraw_actions.NotFound as exc:
            raise NotFoundException() from exc
        except withdraw_actions.Refused as exc:
            view = await self._group(request, application_id)
            return render(request, "withdraw/group_confirm.html", {
                "g": view, "withdrawable": q.withdrawable, "problem": exc.message,
                "group_problem": withdraw_actions.group_problem(view)}, status_code=409)
        after_commit(request, outcome.mails)
        return redirect(f"/withdraw/group?group_no={outcome.group_no}", flash="withdrawn")

    @get("/cases", name="withdraw:cases")
    async def cases_search(self, request: Request, group_no: str = "", receipt_no: str = "") -> Response:
        group_no, receipt_no = group_no.strip(), receipt_no.strip()
        view = None
        errors: dict[str, str] = {}
        if group_no or receipt_no:
            view = await q.find_group(_actor(request), group_no=group_no, receipt_no=receipt_no if not group_no else "")
            if view is None:
                errors["group_no" if group_no else "receipt_no"] = _(
                    "Nothing was found among your applications with this number.")
        return render(request, "withdraw/cases.html", {
            "form": {"group_no": group_no, "receipt_no": receipt_no}, "errors": errors, "g": view,
            "withdrawable": q.withdrawable, "highlight": receipt_no,
        }, status_code=404 if errors else 200)

    async def _case(self, request: Request, case_id: int) -> tuple[q.GroupView, dict[str, Any]]:
        from tables.tables import Case

        row = await Case.select(Case.application).where(Case.id == case_id).first()
        view = await q.get_group(_actor(request), row["application"]) if row else None
        case = next((c for c in view.cases if c["id"] == case_id), None) if view else None
        if view is None or case is None:
            raise NotFoundException()
        return view, case

    @get("/cases/{case_id:int}", name="withdraw:case-confirm")
    async def case_confirm(self, request: Request, case_id: int) -> Response:
        view, case = await self._case(request, case_id)
        return render(request, "withdraw/case_confirm.html", {"g": view, "case": case, "withdrawable": q.withdrawable})

    @post("/cases/{case_id:int}", name="withdraw:case-submit")
    async def case_submit(self, request: Request, case_id: int) -> Response:
        try:
            outcome = await withdraw_actions.withdraw_case(_actor(request), case_id)
        except withdraw_actions.NotFound as exc:
            raise NotFoundException() from exc
        except withdraw_actions.Refused as exc:
            view, case = await self._case(request, case_id)
            return render(request, "withdraw/case_confirm.html", {
                "g": view, "case": case, "withdrawable": q.withdrawable, "problem": exc.message}, status_code=409)
        after_commit(request, outcome.mails)
        return redirect(f"/withdraw/cases?group_no={outcome.group_no}", flash="withdrawn")

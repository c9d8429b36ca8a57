"""進度查詢: 案件進度查詢 (search, group, applicant with its timeline), 退補件列表 and 補正, 案件撤銷.

School accounts (a sub-account its own groups, a main account the school's) and students (their
own) use the same pages; everything out of scope answers 404. Handlers stay thin: one query or one
action each; confirmations are pages (GET) with the POST button, so they work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.domain import applicant as applicant_rules
from app.domain import kinds, offerings, workflow
from app.domain import progress as rules
from app.domain import supplement as change_rules
from app.domain.business import BUSINESS_LINES, KINDS
from app.domain.permits import DASHBOARD_TABS, dashboard_tab
from app.domain.profiles import parse_date
from app.i18n import gettext as _
from app.queries import apply as apply_q
from app.queries import progress as q
from app.templating import environment
from app.web.common import (
    file_response,
    form_errors_swapped,
    render,
    school_or_student_required,
)
from app.web.common import signed_in_actor as _actor

# The changes of a supplement, as any page shows them (the review desk's too).
environment.globals.setdefault("supplement_change_label", change_rules.label_of)
environment.globals.setdefault("supplement_change_value", change_rules.display_value)


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
    dash_list = params.get("list", "")
    line = params.get("line", "")
    tab = params.get("tab", "")
    f = q.Filters(
        dash_list=dash_list if dash_list in workflow.DASHBOARD_LISTS else "",
        line=line if line in {b.code for b in BUSINESS_LINES} else "",
        tab=tab if tab in {t.code for t in DASHBOARD_TABS} else "",
        kind=kind if kind in KINDS else "",
        status=status if status in rules.STATUS_FILTERS else "",
        group_no=params.get("group_no", "").strip(),
        receipt_no=params.get("receipt_no", "").strip(),
        name_zh=params.get("name_zh", "").strip()[:50],
        name_en=" ".join(params.get("name_en", "").split())[:100],
        birth_date=dates["birth_date"],
        date_from=dates["date_from"],
        date_to=dates["date_to"],
    )
    return f, errors


SEARCH_KEYS = (
    "kind",
    "status",
    "group_no",
    "receipt_no",
    "name_zh",
    "name_en",
    "birth_date",
    "date_from",
    "date_to",
    "list",
    "line",
    "tab",
)


def _query_string(form: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in form.items() if k in SEARCH_KEYS and v} | {"search": "1"})


def doc_labels() -> dict[str, str]:
    return offerings.doc_labels()


def case_display() -> dict[str, Any]:
    return {
        "identity": {k: str(v) for k, v in applicant_rules.IDENTITIES.items()},
        "enrollment": {k: str(v) for k, v in applicant_rules.ENROLLMENT.items()},
        "gender": {k: str(v) for k, v in applicant_rules.GENDERS.items()},
        "marital": {k: str(v) for k, v in applicant_rules.MARITAL.items()},
        "education": {k: str(v) for k, v in applicant_rules.EDUCATION.items()},
        "program": {k: str(v) for k, v in applicant_rules.PROGRAMS.items()},
    }


def _list_title(f: q.Filters) -> str:
    """The dashboard list a MORE opened, with its tab (待繳費案件 - 延期申請)."""
    if not f.dash_list:
        return ""
    title = str(workflow.DASHBOARD_TITLES[f.dash_list])
    return f"{title} - {dashboard_tab(f.tab).title}" if f.tab else title


class ProgressController(Controller):
    path = "/progress"
    guards = [school_or_student_required]

    @get("/", name="progress:search")
    async def search(self, request: Request, page: int = 1) -> Response:
        params = {k: request.query_params.get(k, "") for k in SEARCH_KEYS}
        f, errors = _filters(params)
        # No condition lists every group in scope, the newest first (the dashboard's MORE lands here).
        result = None if errors else await q.search_groups(_actor(request), f, page)
        ctx = {
            "form": params,
            "errors": errors,
            "result": result,
            "qs": _query_string(params),
            "list_title": _list_title(f),
            "kind_options": kind_options(),
            "status_options": status_options(),
        }
        if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
            return form_errors_swapped(
                render(request, "progress/_search.html", ctx, status_code=400 if errors else 200)
            )
        return render(request, "progress/search.html", ctx, status_code=400 if errors else 200)

    @get("/groups/{application_id:int}", name="progress:group")
    async def group(self, request: Request, application_id: int) -> Response:
        view = await q.get_group(_actor(request), application_id)
        if view is None:
            raise NotFoundException()
        return render(
            request,
            "progress/group.html",
            {
                "g": view,
                "app": view.app,
                "group_files": apply_q.by_kind(view.files, None),
                "group_documents": offerings.needed_group_documents(
                    offerings.of(view.app), self_filed=view.app["student"] is not None
                ),
                "t": case_display(),
                "doc_labels": doc_labels(),
                "next_step": rules.next_step(view.stage),
            },
        )

    @get("/groups/{application_id:int}/cases/{case_id:int}", name="progress:case")
    async def case(self, request: Request, application_id: int, case_id: int) -> Response:
        view = await q.get_case(_actor(request), application_id, case_id)
        if view is None:
            raise NotFoundException()
        app, case = view.group.app, view.case

        return render(
            request,
            "progress/case.html",
            {
                "v": view,
                "app": app,
                "case": case,
                "files": apply_q.by_kind(view.files, case_id),
                "documents": offerings.documents_of_case(offerings.of(app), app, case, view.files),
                "kind_fields": kinds.view_fields(app["kind"], case),
                "t": case_display(),
                "doc_labels": doc_labels(),
                "qualification": str(applicant_rules.QUALIFICATION),
                "address": case["address"] if isinstance(case["address"], dict) else {},
                "can_withdraw": case["status"] in workflow.WITHDRAWABLE and not view.group.payment_pending,
            },
        )

    @get("/files/{attachment_id:int}", name="progress:file")
    async def file(self, request: Request, attachment_id: int, inline: bool = False) -> Response:
        return await file_response(
            await apply_q.get_attachment(_actor(request), attachment_id), inline=inline
        )


@get("/student/progress", name="student:progress", guards=[school_or_student_required])
async def student_progress() -> Response:
    """The students' menu entry (案件進度查詢) opens the same pages, scoped to the student."""
    return Redirect("/progress/?search=1", status_code=303)

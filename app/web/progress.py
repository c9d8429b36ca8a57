"""進度查詢: 案件進度查詢 (search, group, applicant with its timeline), 退補件列表 and 補正, 案件撤銷.

School accounts (a sub-account its own groups, a main account the school's) and students (their
own) use the same pages; everything out of scope answers 404. Handlers stay thin: one query or one
action each; confirmations are pages (GET) with the POST button, so they work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.actions import withdraw as withdraw_actions
from app.domain import applicant as applicant_rules
from app.domain import progress as rules
from app.domain import supplement as change_rules
from app.domain import workflow
from app.domain.business import KINDS, offered_lines
from app.domain.documents import DOC_LABELS, case_documents, group_documents
from app.domain.profiles import parse_date
from app.i18n import gettext as _
from app.queries import apply as apply_q
from app.queries import progress as q
from app.services import uploads
from app.web.common import (
    file_response,
    form_data,
    form_errors_swapped,
    redirect,
    render,
    school_or_student_required,
)
from app.web.common import signed_in_actor as _actor
from app.web.templating import environment

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
    f = q.Filters(
        dash_list=dash_list if dash_list in workflow.DASHBOARD_LISTS else "",
        line=line if line in {b.code for b in offered_lines()} else "",
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
)


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
            "list_title": str(workflow.DASHBOARD_TITLES[f.dash_list]) if f.dash_list else "",
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
                "group_documents": group_documents(line=view.app["business_line"], kind=view.app["kind"]),
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
        documents = case_documents(
            line=app["business_line"],
            kind=app["kind"],
            identity=case["identity"],
            enrollment=case["enrollment_status"],
            scholarship=case["scholarship"],
        )
        from app.domain import kinds

        return render(
            request,
            "progress/case.html",
            {
                "v": view,
                "app": app,
                "case": case,
                "files": apply_q.by_kind(view.files, case_id),
                "documents": kinds.documents_for_view(app["kind"], documents, view.files, case),
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
        return file_response(await apply_q.get_attachment(_actor(request), attachment_id), inline=inline)


@get("/student/progress", name="student:progress", guards=[school_or_student_required])
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
    guards = [school_or_student_required]

    @get("/group", name="withdraw:group")
    async def group_search(self, request: Request, group_no: str = "") -> Response:
        group_no = group_no.strip()
        view = await q.find_group(_actor(request), group_no=group_no) if group_no else None
        errors = (
            {"group_no": _("No group with this group no. was found among your applications.")}
            if (group_no and view is None)
            else {}
        )
        return render(
            request,
            "withdraw/group.html",
            {
                "form": {"group_no": group_no},
                "errors": errors,
                "g": view,
                "withdrawable": q.withdrawable,
                "group_problem": withdraw_actions.group_problem(view) if view else "",
            },
            status_code=404 if errors else 200,
        )

    async def _group(self, request: Request, application_id: int) -> q.GroupView:
        view = await q.get_group(_actor(request), application_id)
        if view is None:
            raise NotFoundException()
        return view

    @get("/group/{application_id:int}", name="withdraw:group-confirm")
    async def group_confirm(self, request: Request, application_id: int) -> Response:
        view = await self._group(request, application_id)
        return render(
            request,
            "withdraw/group_confirm.html",
            {
                "g": view,
                "withdrawable": q.withdrawable,
                "group_problem": withdraw_actions.group_problem(view),
            },
        )

    @post("/group/{application_id:int}", name="withdraw:group-submit")
    async def group_submit(self, request: Request, application_id: int) -> Response:
        try:
            outcome = await withdraw_actions.withdraw_group(_actor(request), application_id)
        except withdraw_actions.NotFound as exc:
            raise NotFoundException() from exc
        except withdraw_actions.Refused as exc:
            view = await self._group(request, application_id)
            return render(
                request,
                "withdraw/group_confirm.html",
                {
                    "g": view,
                    "withdrawable": q.withdrawable,
                    "problem": exc.message,
                    "group_problem": withdraw_actions.group_problem(view),
                },
                status_code=409,
            )
        after_commit(request, outcome.mails)
        return redirect(f"/withdraw/group?group_no={outcome.group_no}", flash="withdrawn")

    @get("/cases", name="withdraw:cases")
    async def cases_search(self, request: Request, group_no: str = "", receipt_no: str = "") -> Response:
        group_no, receipt_no = group_no.strip(), receipt_no.strip()
        view = None
        errors: dict[str, str] = {}
        if group_no or receipt_no:
            view = await q.find_group(
                _actor(request), group_no=group_no, receipt_no=receipt_no if not group_no else ""
            )
            if view is None:
                errors["group_no" if group_no else "receipt_no"] = _(
                    "Nothing was found among your applications with this number."
                )
        return render(
            request,
            "withdraw/cases.html",
            {
                "form": {"group_no": group_no, "receipt_no": receipt_no},
                "errors": errors,
                "g": view,
                "withdrawable": q.withdrawable,
                "highlight": receipt_no,
            },
            status_code=404 if errors else 200,
        )

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
        return render(
            request, "withdraw/case_confirm.html", {"g": view, "case": case, "withdrawable": q.withdrawable}
        )

    @post("/cases/{case_id:int}", name="withdraw:case-submit")
    async def case_submit(self, request: Request, case_id: int) -> Response:
        try:
            outcome = await withdraw_actions.withdraw_case(_actor(request), case_id)
        except withdraw_actions.NotFound as exc:
            raise NotFoundException() from exc
        except withdraw_actions.Refused as exc:
            view, case = await self._case(request, case_id)
            return render(
                request,
                "withdraw/case_confirm.html",
                {"g": view, "case": case, "withdrawable": q.withdrawable, "problem": exc.message},
                status_code=409,
            )
        after_commit(request, outcome.mails)
        return redirect(f"/withdraw/cases?group_no={outcome.group_no}", flash="withdrawn")


# 退補件列表 and 補正 -------------------------------------------------------------------------------


async def read_uploads(request: Request, kinds: list[str]) -> list[Any]:
    """The files chosen in a form: fields `file_<kind>` (several each)."""
    from litestar.datastructures import UploadFile

    from app.actions.apply import Upload

    form = await request.form()
    out = []
    for kind in kinds:
        for value in form.getall(f"file_{kind}", []):
            if isinstance(value, UploadFile) and value.filename:
                data, size = await uploads.read_capped(value)
                out.append(Upload(kind=kind, filename=value.filename, data=data, size=size))
    return out


async def removals(request: Request) -> tuple[str, list[int]]:
    """(op, ids of files to remove): a `remove-<id>` button, or the ticked `remove` boxes."""
    form = await request.form()
    op = form.get("op", "save")
    op = op if isinstance(op, str) else "save"
    ids = [int(x) for x in form.getall("remove", []) if isinstance(x, str) and x.isdigit()]
    if op.startswith("remove-") and op[7:].isdigit():
        ids.append(int(op[7:]))
        op = "remove"
    return op, ids


def _summary(errors: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    seen: set[str] = set()
    for key, msg in errors.items():
        if key.startswith(("addr_", "new_addr_")):
            if msg in seen:
                continue
            seen.add(msg)
        out[key] = msg
    return out


class SupplementController(Controller):
    """退補件列表 and 補正(件): the returned groups, the group's own 補正 (送件人 → 申請資料) and each case's."""

    path = "/supplement"
    guards = [school_or_student_required]

    @get("/", name="supplement:list")
    async def returned(self, request: Request, page: int = 1) -> Response:
        result = await q.returned_page(_actor(request), page)
        return render(request, "supplement/list.html", {"rows": result.rows, "result": result})

    async def _view(self, request: Request, application_id: int) -> q.GroupView:
        view = await q.get_group(_actor(request), application_id)
        if view is None:
            raise NotFoundException()
        return view

    @get("/groups/{application_id:int}", name="supplement:group")
    async def detail(self, request: Request, application_id: int) -> Response:
        view = await self._view(request, application_id)
        return render(
            request, "supplement/detail.html", {"g": view, "app": view.app, "sup": workflow.SUPPLEMENT}
        )

    # The group's own data: 送件人 → 申請資料 ---------------------------------------------------

    def _steps(self, app: dict[str, Any], current: str) -> dict[str, Any]:
        base = f"/supplement/groups/{app['id']}"
        return {
            "current": current,
            "items": [
                ("submitter", _("Submitter"), f"{base}/submitter"),
                ("details", _("Application data"), f"{base}/details"),
            ],
        }

    async def _open_group(self, request: Request, application_id: int) -> q.GroupView | Response:
        view = await self._view(request, application_id)
        if view.app["status"] not in workflow.SUPPLEMENT or view.supplement is None:
            return redirect(f"/supplement/groups/{application_id}")
        return view

    @get("/groups/{application_id:int}/submitter", name="supplement:group-submitter")
    async def group_submitter(self, request: Request, application_id: int) -> Response:
        view = await self._open_group(request, application_id)
        if isinstance(view, Response):
            return view
        from app.actions.supplement import _submitter_form

        return render(
            request,
            "supplement/group_submitter.html",
            {
                "g": view,
                "app": view.app,
                "form": _submitter_form(view.app),
                "steps": self._steps(view.app, "submitter"),
            },
        )

    @post("/groups/{application_id:int}/submitter", name="supplement:group-submitter-save")
    async def group_submitter_save(self, request: Request, application_id: int) -> Response:
        from app.actions import supplement as actions

        form = await form_data(request)
        try:
            errors = await actions.save_group_submitter(_actor(request), application_id, form)
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.NotReturned:
            return redirect(f"/supplement/groups/{application_id}")
        if errors:
            view = await self._view(request, application_id)
            return render(
                request,
                "supplement/group_submitter.html",
                {
                    "g": view,
                    "app": view.app,
                    "form": form,
                    "errors": errors,
                    "summary": _summary(errors),
                    "steps": self._steps(view.app, "submitter"),
                },
                status_code=400,
            )
        return redirect(f"/supplement/groups/{application_id}/details")

    async def _details_page(
        self,
        request: Request,
        view: q.GroupView,
        form: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response:
        from app.domain.documents import UPLOAD_RULES_TEXT
        from app.domain.stations import stations

        app = view.app
        return render(
            request,
            "supplement/group_details.html",
            {
                "g": view,
                "app": app,
                "form": form,
                "errors": errors,
                "summary": _summary(errors),
                "steps": self._steps(app, "details"),
                "documents": group_documents(
                    line=app["business_line"], kind=app["kind"], self_filed=app["student"] is not None
                ),
                "files": apply_q.by_kind(view.files, None),
                "stations": stations(),
                "upload_rules": str(UPLOAD_RULES_TEXT),
                "accept": uploads.ACCEPT,
            },
            status_code=status_code,
        )

    @get("/groups/{application_id:int}/details", name="supplement:group-details")
    async def group_details(self, request: Request, application_id: int) -> Response:
        view = await self._open_group(request, application_id)
        if isinstance(view, Response):
            return view
        round_ = await q.get_open_round(application_id, None)
        form = {
            "name": view.app["name"],
            "station_code": view.app["station_code"],
            "reply": round_["reply"] if round_ else "",
        }
        return await self._details_page(request, view, form, {})

    @post("/groups/{application_id:int}/details", name="supplement:group-details-save")
    async def group_details_save(self, request: Request, application_id: int) -> Response:
        from app.actions import supplement as actions

        view = await self._view(request, application_id)
        form = await form_data(request)
        op, remove = await removals(request)
        documents = group_documents(
            line=view.app["business_line"], kind=view.app["kind"], self_filed=view.app["student"] is not None
        )
        files = await read_uploads(request, [d.doc for d in documents])
        try:
            result = await actions.save_group_details(
                _actor(request), application_id, form, files=files, remove=remove, send=op == "send"
            )
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.NotReturned:
            return redirect(f"/supplement/groups/{application_id}")
        if result.sent:
            after_commit(request, result.mails)
            return redirect(f"/supplement/groups/{application_id}", flash="supplement_sent")
        if op == "back" and not result.errors:
            return redirect(f"/supplement/groups/{application_id}/submitter")
        view = await self._view(request, application_id)
        errors = (
            result.errors
            if op in ("send", "save")
            else {k: m for k, m in result.errors.items() if k.startswith("doc_")}
        )
        return await self._details_page(request, view, form, errors, status_code=400 if errors else 200)

    # One case ------------------------------------------------------------------------------------

    async def _case_page(
        self,
        request: Request,
        view: q.GroupView,
        case: dict[str, Any],
        form: dict[str, str],
        changes: list[str],
        errors: dict[str, str],
        *,
        status_code: int = 200,
        saved: bool = False,
    ) -> Response:
        from app.actions import supplement as actions
        from app.domain import kinds
        from app.domain.documents import UPLOAD_RULES_TEXT

        app = view.app
        documents = actions.case_documents(app, case, form, changes)
        supplement = view.case_supplements.get(case["id"])
        labels = (
            {k: str(val) for k, val in applicant_rules.FIELD_LABELS.items()}
            | {k: str(val) for k, val in kinds.FIELD_LABELS.items()}
            | {f"doc_{d.doc}": d.label for d in documents}
            | {"reply": _("Reply to the reviewer")}
        )
        return render(
            request,
            "supplement/case.html",
            {
                "g": view,
                "app": app,
                "case": case,
                "form": form,
                "changes": changes,
                "errors": errors,
                "summary": _summary(errors),
                "saved": saved,
                "supplement": supplement,
                "documents": documents,
                "files": apply_q.by_kind(view.files, case["id"]),
                "form_kind": actions.case_form_kind(app),
                "kind": kinds.get_kind(app["kind"]),
                "change_items": [(k, str(t)) for k, (t, _fields) in kinds.CHANGE_ITEMS.items()],
                "upload_rules": str(UPLOAD_RULES_TEXT),
                "accept": uploads.ACCEPT,
                "labels": labels,
                "identity_label": str(applicant_rules.IDENTITIES.get(case["identity"], "")),
                "qualification": str(applicant_rules.QUALIFICATION),
                "enrollment": applicant_rules.choices(applicant_rules.ENROLLMENT),
                "genders": applicant_rules.choices(applicant_rules.GENDERS),
                "marital": applicant_rules.choices(applicant_rules.MARITAL),
                "education": applicant_rules.choices(applicant_rules.EDUCATION),
                "programs": applicant_rules.choices(applicant_rules.PROGRAMS),
                "grades": applicant_rules.choices(applicant_rules.GRADES),
                "countries": applicant_rules.country_choices(),
                "nationalities": applicant_rules.country_choices(nationality=True),
            },
            status_code=status_code,
        )

    async def _case(self, request: Request, application_id: int, case_id: int) -> tuple[q.GroupView, dict]:
        view = await self._view(request, application_id)
        case = next((c for c in view.cases if c["id"] == case_id), None)
        if case is None:
            raise NotFoundException()
        return view, case

    @get("/groups/{application_id:int}/cases/{case_id:int}", name="supplement:case")
    async def case(self, request: Request, application_id: int, case_id: int) -> Response:
        from app.actions import supplement as actions
        from app.domain import kinds

        view, case = await self._case(request, application_id, case_id)
        if case["status"] not in workflow.SUPPLEMENT:
            return redirect(f"/progress/groups/{application_id}/cases/{case_id}")
        if actions.case_form_kind(view.app) == "applicant":
            form, changes = applicant_rules.form_from_record(case), []
        else:
            form, changes = kinds.form_from_case(case)
        round_ = await q.get_open_round(application_id, case_id)
        form["reply"] = round_["reply"] if round_ else ""
        return await self._case_page(request, view, case, form, changes, {})

    @post("/groups/{application_id:int}/cases/{case_id:int}", name="supplement:case-save")
    async def case_save(self, request: Request, application_id: int, case_id: int) -> Response:
        from app.actions import supplement as actions

        view, case = await self._case(request, application_id, case_id)
        form = await form_data(request)
        raw = await request.form()
        changes = [x for x in raw.getall("changes", []) if isinstance(x, str)]
        op, remove = await removals(request)
        shown = actions.normalise_case_form(view.app, form) | {"reply": form.get("reply", "")}
        kinds_ = ["photo"] + [d.doc for d in actions.case_documents(view.app, case, shown, changes)]
        files = await read_uploads(request, kinds_)
        try:
            result = await actions.save_case(
                _actor(request),
                application_id,
                case_id,
                form,
                changes=changes,
                files=files,
                remove=remove,
                send=op == "send",
            )
        except actions.NotFound as exc:
            raise NotFoundException() from exc
        except actions.NotReturned:
            return redirect(f"/progress/groups/{application_id}/cases/{case_id}")
        if result.sent:
            after_commit(request, result.mails)
            return redirect(f"/supplement/groups/{application_id}", flash="supplement_sent")
        view, case = await self._case(request, application_id, case_id)
        if op == "remove":
            return await self._case_page(request, view, case, shown, changes, {})
        return await self._case_page(
            request,
            view,
            case,
            shown,
            changes,
            result.errors,
            status_code=400 if result.errors else 200,
            saved=op == "save",
        )

"""退補件列表 and 補正: the groups and cases returned for supplement, and the forms that answer them.

Schools and students use the same pages; everything out of scope answers 404. Handlers stay thin: one
query or one action each.
"""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.domain import applicant as applicant_rules
from app.domain import offerings, workflow
from app.i18n import gettext as _
from app.queries import apply as apply_q
from app.queries import progress as q
from app.services import uploads
from app.web.common import form_data, redirect, render, school_or_student_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import fields_partial, read_uploads, removals, send_after_commit, summary


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
                    "summary": summary(errors),
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
        from app.queries.stations import stations

        app = view.app
        return render(
            request,
            "supplement/group_details.html",
            {
                "g": view,
                "app": app,
                "form": form,
                "errors": errors,
                "summary": summary(errors),
                "steps": self._steps(app, "details"),
                "documents": offerings.needed_group_documents(
                    offerings.of(app), self_filed=app["student"] is not None
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
        documents = offerings.needed_group_documents(
            offerings.of(view.app), self_filed=view.app["student"] is not None
        )
        files = await read_uploads(request, [d.doc for d in documents])
        try:
            result = await actions.save_group_details(
                _actor(request), application_id, form, files=files, remove=remove, send=op == "send"
            )
        except actions.NotReturned:
            return redirect(f"/supplement/groups/{application_id}")
        if result.sent:
            send_after_commit(request, result.mails)
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
                "summary": summary(errors),
                "saved": saved,
                "supplement": supplement,
                "documents": documents,
                "files": apply_q.by_kind(view.files, case["id"]),
                "fields_partial": fields_partial(offerings.of(app)),
                "applicant_form": offerings.of(app).form.template == "applicant",
                "photo": offerings.of(app).photo,
                "kind": offerings.of(app),
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

        view, case = await self._case(request, application_id, case_id)
        if case["status"] not in workflow.SUPPLEMENT:
            return redirect(f"/progress/groups/{application_id}/cases/{case_id}")
        form, changes = actions.case_form(view.app, case)
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
        shown = actions.normalise_case_form(view.app, case, form) | {"reply": form.get("reply", "")}
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
        except actions.NotReturned:
            return redirect(f"/progress/groups/{application_id}/cases/{case_id}")
        if result.sent:
            send_after_commit(request, result.mails)
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

"""線上申辦 → 外生、外僑生居留證首次申請: drafts, terms, the three-step wizard, submit, read-only view, files.

Handlers stay thin: read the request, call one action or query, render. Out of scope answers 404;
a submitted group is no longer editable (its pages redirect to the read-only view).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import apply as actions
from app.domain import applicant as rules
from app.domain import offerings, workflow
from app.domain.actor import Actor
from app.domain.addresses import ADDRESS_PARTS
from app.domain.documents import UPLOAD_RULES_TEXT
from app.domain.profiles import REQUIRED
from app.domain.stations import stations
from app.i18n import TAIPEI, format_datetime, get_locale
from app.queries import apply as q
from app.queries.fees import fee_per_person
from app.services import uploads
from app.web import wizard
from app.web.common import file_response, form_data, redirect, render, school_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import read_uploads, removal_of, summary

DRAFTS = "/apply/first"


async def _readiness(
    actor: Actor, app: dict[str, Any], cases: list[dict[str, Any]]
) -> tuple[list[str], int, bool]:
    """(the group's own problems, how many applicants are incomplete, whether it can be submitted)."""
    files = await q.list_group_attachments(actor, app["id"]) or []
    group_kinds = {f["kind"] for f in files if f["case"] is None}
    group_problems = actions.group_problems(app, group_kinds)
    incomplete = sum(1 for c in cases if not c["complete"])
    can_submit = not group_problems and not rules.submit_problems(app["member_count"], len(cases), incomplete)
    return group_problems, incomplete, can_submit


async def submit_missing(actor: Actor, app: dict[str, Any], cases: list[dict[str, Any]]) -> list[str]:
    """What keeps a draft group from being submitted (empty: it can be), for the 送出 confirmation page."""
    group_problems, incomplete, can_submit = await _readiness(actor, app, cases)
    if can_submit:
        return []
    return [
        *group_problems,
        *(str(p) for p in rules.submit_problems(app["member_count"], len(cases), incomplete)),
    ]


def _op(form: dict[str, str]) -> str:
    return form.get("op", "save")


async def _application(request: Request, application_id: int, *, draft: bool = True) -> dict[str, Any]:
    app = await q.get_application(_actor(request), application_id)
    if app is None:
        raise NotFoundException()
    return app


def _submitted(app: dict[str, Any]) -> Response | None:
    if not q.is_draft(app):
        return redirect(f"/apply/groups/{app['id']}")
    return None


def _addr_form(parts: Any, prefix: str = "addr") -> dict[str, str]:
    parts = parts if isinstance(parts, dict) else {}
    return {f"{prefix}_{p}": parts.get(p, "") or "" for p in ADDRESS_PARTS}


def _steps(app: dict[str, Any], current: str) -> dict[str, Any]:
    return wizard.steps(app, current)


def documents_of(app: dict[str, Any], case: dict[str, Any], form: dict[str, str]):
    """The applicant form's documents; a student's own application adds the admission certificate."""
    offering = offerings.of(app)
    return offerings.needed_documents(offering, offerings.facts_of(offering, app, case, form))


async def applicant_context(
    actor,
    app: dict[str, Any],
    case: dict[str, Any],
    form: dict[str, str],
    errors: dict[str, str],
    *,
    saved: bool = False,
) -> dict[str, Any]:
    """What the applicant form (外(僑)生申請書) shows; shared by the school's wizard and a student's own form."""
    files = await q.list_group_attachments(actor, app["id"]) or []
    documents = documents_of(app, case, form)
    return {
        "app": app,
        "case": case,
        "form": form,
        "errors": errors,
        "saved": saved,
        "summary": summary(errors),
        "steps": None,
        "documents": documents,
        "files": q.by_kind(files, case["id"]),
        "form_action": f"/apply/drafts/{app['id']}/applicants/{case['id']}",
        "autosave_url": f"/apply/drafts/{app['id']}/applicants/{case['id']}/autosave",
        "file_url": "/apply/files",
        "student_form": False,
        "upload_rules": str(UPLOAD_RULES_TEXT),
        "accept": uploads.ACCEPT,
        "labels": {k: str(v) for k, v in rules.FIELD_LABELS.items()}
        | {f"doc_{d.doc}": d.label for d in documents},
        "identity_label": str(rules.IDENTITIES.get(case["identity"], "")),
        "qualification": str(rules.QUALIFICATION),
        "enrollment": rules.choices(rules.ENROLLMENT),
        "genders": rules.choices(rules.GENDERS),
        "marital": rules.choices(rules.MARITAL),
        "education": rules.choices(rules.EDUCATION),
        "programs": rules.choices(rules.PROGRAMS),
        "grades": rules.choices(rules.GRADES),
        "countries": rules.country_choices(),
        "nationalities": rules.country_choices(nationality=True),
    }


async def uploads_of(request: Request, app: dict[str, Any], case: dict[str, Any], form: dict[str, str]):
    """The files chosen on the applicant form, for the photo and each document it asks for."""
    return await read_uploads(request, ["photo"] + [d.doc for d in documents_of(app, case, form)])


class ApplyController(Controller):
    path = "/apply"
    guards = [school_required]

    # 暫存申請資料查詢 ---------------------------------------------------------------------------

    @get("/first", name="apply:drafts")
    async def drafts(self, request: Request) -> Response:
        rows = await q.list_drafts(_actor(request))
        return render(request, "apply/drafts.html", {"drafts": rows})

    @get("/first/terms", name="apply:terms")
    async def terms(self, request: Request) -> Response:
        return render(request, "apply/terms.html", {})

    @post("/first/terms", name="apply:create")
    async def create(self, request: Request) -> Response:
        form = await form_data(request)
        try:
            app_id = await actions.create_draft(_actor(request), terms_accepted=form.get("agree") == "1")
        except actions.Refused as exc:
            return render(
                request, "apply/terms.html", {"errors": {"agree": exc.problems[0]}}, status_code=400
            )
        return redirect(f"/apply/drafts/{app_id}/submitter")

    @get("/drafts/{application_id:int}", name="apply:edit")
    async def edit(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        step = "applicants" if app["name"] and app["station_code"] else "submitter"
        return redirect(f"/apply/drafts/{application_id}/{step}")

    @get("/drafts/{application_id:int}/delete", name="apply:delete-confirm")
    async def delete_confirm(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        return render(request, "apply/delete_confirm.html", {"app": app})

    @post("/drafts/{application_id:int}/delete", name="apply:delete")
    async def delete(self, request: Request, application_id: int) -> Response:
        try:
            await actions.delete_draft(_actor(request), application_id)
        except actions.NotEditable:
            return redirect(f"/apply/groups/{application_id}")
        return redirect(DRAFTS, flash="draft_deleted")

    # Step 1 送件人 -----------------------------------------------------------------------------

    @get("/drafts/{application_id:int}/submitter", name="apply:submitter")
    async def submitter(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        form = {
            k: app[k] or ""
            for k in ("submitter_name", "submitter_national_id", "submitter_phone", "submitter_email")
        }
        form.update(_addr_form(app["submitter_addr"]))
        return render(
            request, "apply/submitter.html", {"app": app, "form": form, "steps": _steps(app, "submitter")}
        )

    @post("/drafts/{application_id:int}/submitter", name="apply:submitter-save")
    async def submitter_save(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        form = await form_data(request)
        errors = await actions.save_submitter(_actor(request), application_id, form)
        if errors:
            return render(
                request,
                "apply/submitter.html",
                {
                    "app": app,
                    "form": form,
                    "errors": errors,
                    "summary": summary(errors),
                    "steps": _steps(app, "submitter"),
                },
                status_code=400,
            )
        return redirect(f"/apply/drafts/{application_id}/details")

    # Step 2 申請資料 ---------------------------------------------------------------------------

    async def _details_page(
        self,
        request: Request,
        app: dict[str, Any],
        form: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response:
        files = await q.list_group_attachments(_actor(request), app["id"]) or []
        return render(
            request,
            "apply/details.html",
            {
                "app": app,
                "form": form,
                "errors": errors,
                "steps": _steps(app, "details"),
                "documents": offerings.needed_group_documents(offerings.of(app)),
                "files": q.by_kind(files, None),
                "stations": stations(),
                "upload_rules": str(UPLOAD_RULES_TEXT),
                "accept": uploads.ACCEPT,
            },
            status_code=status_code,
        )

    @get("/drafts/{application_id:int}/details", name="apply:details")
    async def details(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        form = {
            "name": app["name"],
            "member_count": str(app["member_count"]),
            "pickup_method": "self",
            "station_code": app["station_code"],
        }
        return await self._details_page(request, app, form, {})

    @post("/drafts/{application_id:int}/details", name="apply:details-save")
    async def details_save(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        actor = _actor(request)
        form = await form_data(request)
        op = _op(form)
        if (att := removal_of(op)) is not None:
            await actions.remove_attachment(actor, application_id, att)
        files = await read_uploads(
            request, [d.doc for d in offerings.needed_group_documents(offerings.of(app))]
        )
        if op == "back":
            # 回上一頁: keep the files chosen, go back without checking the fields.
            if files:
                for f in files:
                    await actions.upload_attachment(actor, application_id, None, f)
            return redirect(f"/apply/drafts/{application_id}/submitter")
        errors = await actions.save_details(actor, application_id, form, files)
        if removal_of(op) is not None:
            # Removing a file is not a save attempt: show only what went wrong with uploads.
            errors = {k: m for k, m in errors.items() if k.startswith("doc_") and files}
            app = await _application(request, application_id)
            return await self._details_page(request, app, form, errors)
        if errors:
            app = await _application(request, application_id)
            return await self._details_page(request, app, form, errors, status_code=400)
        return redirect(f"/apply/drafts/{application_id}/applicants", flash="saved")

    # Step 3 申請人 -----------------------------------------------------------------------------

    @get("/drafts/{application_id:int}/applicants", name="apply:applicants")
    async def applicants(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        if offerings.of(app).applicants_pages != "first":  # 換證, 延期, 資料異動, 陸生, 港澳生: app.web.kinds
            return redirect(f"/apply/kinds/{application_id}/applicants")
        return await self._applicants_page(request, app)

    async def _applicants_page(
        self,
        request: Request,
        app: dict[str, Any],
        *,
        problems: list[str] | None = None,
        identity_error: str | None = None,
        status_code: int = 200,
    ) -> Response:
        actor = _actor(request)
        cases = await q.list_applicants(actor, app["id"]) or []
        group_problems, incomplete, can_submit = await _readiness(actor, app, cases)
        return render(
            request,
            "apply/applicants.html",
            {
                "app": app,
                "cases": cases,
                "steps": _steps(app, "applicants"),
                "check_url": wizard.check_url(app),
                "can_submit": can_submit,
                "group_problems": group_problems,
                "problems": problems or [],
                "incomplete": incomplete,
                "identities": rules.choices(rules.IDENTITIES),
                "identity_error": identity_error,
                "identity_names": {k: str(v) for k, v in rules.IDENTITIES.items()},
                "roster_url": _roster_available() and f"/apply/drafts/{app['id']}/roster",
                "max_members": rules.MAX_MEMBERS,
            },
            status_code=status_code,
        )

    @post("/drafts/{application_id:int}/applicants", name="apply:applicant-add")
    async def applicant_add(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        form = await form_data(request)
        try:
            case_id = await actions.add_applicant(_actor(request), application_id, form.get("identity", ""))
        except actions.Refused as exc:
            return await self._applicants_page(request, app, identity_error=exc.problems[0], status_code=400)
        return redirect(f"/apply/drafts/{application_id}/applicants/{case_id}")

    async def _applicant_page(
        self,
        request: Request,
        app: dict[str, Any],
        case: dict[str, Any],
        form: dict[str, str],
        errors: dict[str, str],
        *,
        saved: bool = False,
        status_code: int = 200,
    ) -> Response:
        ctx = await applicant_context(_actor(request), app, case, form, errors, saved=saved)
        ctx["steps"] = _steps(app, "applicants")
        return render(request, "apply/applicant.html", ctx, status_code=status_code)

    async def _case(self, request: Request, application_id: int, case_id: int) -> tuple[dict, dict]:
        app = await _application(request, application_id)
        case = await q.get_applicant(_actor(request), application_id, case_id)
        if case is None:
            raise NotFoundException()
        return app, case

    @get("/drafts/{application_id:int}/applicants/{case_id:int}", name="apply:applicant")
    async def applicant(self, request: Request, application_id: int, case_id: int) -> Response:
        app, case = await self._case(request, application_id, case_id)
        if (r := _submitted(app)) is not None:
            return r
        form = rules.form_from_record(case)
        errors: dict[str, str] = {}
        data = case["data"] if isinstance(case["data"], dict) else {}
        if data.get("saved") and not case["complete"]:
            # Back to an applicant saved before: say at once what is still missing.
            errors = await actions.problems_of(_actor(request), application_id, case_id)
        return await self._applicant_page(request, app, case, form, errors)

    @post("/drafts/{application_id:int}/applicants/{case_id:int}", name="apply:applicant-save")
    async def applicant_save(self, request: Request, application_id: int, case_id: int) -> Response:
        app, case = await self._case(request, application_id, case_id)
        if (r := _submitted(app)) is not None:
            return r
        actor = _actor(request)
        form = await form_data(request)
        op = _op(form)
        if (att := removal_of(op)) is not None:
            await actions.remove_attachment(actor, application_id, att)
        files = await uploads_of(request, app, case, form)
        errors = await actions.save_applicant(actor, application_id, case_id, form, files)
        refused = {
            k for k, m in errors.items() if (k == "photo" or k.startswith("doc_")) and m != str(REQUIRED)
        }
        if op == "back" and not refused:
            return redirect(f"/apply/drafts/{application_id}/applicants", flash="saved")
        _app, case = await self._case(request, application_id, case_id)
        shown = rules.normalise({k: form.get(k, "") for k in rules.form_keys()})
        if removal_of(op) is not None:
            errors = {}
        return await self._applicant_page(request, app, case, shown, errors, saved=True)

    @post("/drafts/{application_id:int}/applicants/{case_id:int}/autosave", name="apply:applicant-autosave")
    async def applicant_autosave(self, request: Request, application_id: int, case_id: int) -> Response:
        app, _case = await self._case(request, application_id, case_id)
        if not q.is_draft(app):
            raise NotFoundException()
        form = await form_data(request)
        problems = await actions.save_applicant(_actor(request), application_id, case_id, form)
        return render(
            request,
            "apply/_autosaved.html",
            {
                "time": format_datetime(actions.now())[-8:-3],
                "complete": not problems,
                "missing": len(problems),
            },
        )

    @get(
        "/drafts/{application_id:int}/applicants/{case_id:int}/delete", name="apply:applicant-delete-confirm"
    )
    async def applicant_delete_confirm(self, request: Request, application_id: int, case_id: int) -> Response:
        app, case = await self._case(request, application_id, case_id)
        if (r := _submitted(app)) is not None:
            return r
        return render(request, "apply/applicant_delete.html", {"app": app, "case": case})

    @post("/drafts/{application_id:int}/applicants/{case_id:int}/delete", name="apply:applicant-delete")
    async def applicant_delete(self, request: Request, application_id: int, case_id: int) -> Response:
        try:
            await actions.delete_applicant(_actor(request), application_id, case_id)
        except actions.NotEditable:
            return redirect(f"/apply/groups/{application_id}")
        return redirect(f"/apply/drafts/{application_id}/applicants", flash="applicant_deleted")

    # 從名冊加入 --------------------------------------------------------------------------------

    @get("/drafts/{application_id:int}/roster", name="apply:roster")
    async def roster(
        self,
        request: Request,
        application_id: int,
        year: str = "",
        semester: str = "",
        category: str = "",
        status: str = "",
        name: str = "",
    ) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        filters = {"year": year, "semester": semester, "category": category, "status": status, "name": name}
        if (error := _roster_filter_error(filters)) is not None:
            return await self._roster_page(
                request, app, filters, error=error, error_field="year", status_code=400
            )
        return await self._roster_page(request, app, filters)

    async def _roster_page(
        self,
        request: Request,
        app: dict[str, Any],
        filters: dict[str, str],
        *,
        error: str | None = None,
        error_field: str = "",
        status_code: int = 200,
    ) -> Response:
        picker = _roster_picker()
        if picker is None:
            raise NotFoundException()
        actor = _actor(request)
        offering = offerings.of(app)
        if offering.applicants_pages != "first" and not offering.roster_picker:
            raise NotFoundException()
        rows = [
            r for r in await picker(actor, filters) if r["category"] in actions.roster_categories(offering)
        ]
        cases = await q.list_applicants(actor, app["id"]) or []
        taken = {c["data"].get("roster_entry") for c in cases} | {
            c["passport_no"] for c in cases if c["passport_no"]
        }
        return render(
            request,
            "apply/roster.html",
            {
                "app": app,
                "rows": rows,
                "filters": filters,
                "error": error,
                "error_field": error_field,
                "steps": _steps(app, "applicants"),
                "room": max(0, rules.MAX_MEMBERS - len(cases)),
                "filter_options": _roster_filter_options()
                | {"category": list(actions.roster_categories(offering))},
                "roster_label": _roster_label,
                "taken": taken,
            },
            status_code=status_code,
        )

    @post("/drafts/{application_id:int}/roster", name="apply:roster-add")
    async def roster_add(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if (r := _submitted(app)) is not None:
            return r
        form = await request.form()
        ids = [int(x) for x in form.getall("entry", []) if isinstance(x, str) and x.isdigit() and len(x) < 10]
        try:
            created = await actions.add_from_roster(_actor(request), application_id, ids)
        except actions.Refused as exc:
            return await self._roster_page(request, app, {}, error=exc.problems[0], status_code=400)
        return redirect(
            f"/apply/drafts/{application_id}/applicants?added={len(created)}", flash="roster_added"
        )

    # 送出 -------------------------------------------------------------------------------------

    @get("/drafts/{application_id:int}/submit", name="apply:submit-confirm")
    async def submit_confirm(self, request: Request, application_id: int) -> Response:
        return await wizard.redirect_to_check(request, application_id)  # the older address of 確認送件

    @post("/drafts/{application_id:int}/submit", name="apply:submit")
    async def submit(self, request: Request, application_id: int) -> Response:
        return await wizard.submit_group(request, application_id)

    # Read-only view ----------------------------------------------------------------------------

    @get("/groups/{application_id:int}", name="apply:view")
    async def view(self, request: Request, application_id: int) -> Response:
        return await self._view(request, application_id, "apply/view.html")

    @get("/groups/{application_id:int}/submitted", name="apply:submitted")
    async def submitted(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if q.is_draft(app):
            return redirect(f"/apply/drafts/{application_id}/applicants")
        offering = offerings.of(app)
        on = app["submitted_at"].astimezone(TAIPEI).date() if app.get("submitted_at") else actions.today()
        return await self._view(
            request,
            application_id,
            "apply/view.html",
            just_submitted=True,
            fee=await fee_per_person(offering, on),  # in force on the day it was sent (master data)
            offering=offering,
        )

    async def _view(self, request: Request, application_id: int, template: str, **extra: Any) -> Response:
        app = await _application(request, application_id)
        cases = await q.cards_of(app)
        files = await q.view_files_of(app)
        return render(
            request,
            template,
            {
                "app": app,
                "cases": cases,
                "group_files": q.by_kind(files, None),
                "group_documents": offerings.needed_group_documents(offerings.of(app)),
                "submitter_addr": app["submitter_addr"] if isinstance(app["submitter_addr"], dict) else {},
                "identities": {k: str(v) for k, v in offerings.of(app).identities.items()},
                "genders": {k: str(v) for k, v in rules.GENDERS.items()},
                "photos": {f["case"]: f["id"] for f in files if f["kind"] == "photo"},
                "status_labels": {s: workflow.label(s) for s in {c["status"] for c in cases}},
                "is_draft": q.is_draft(app),
                **extra,
            },
        )

    @get("/groups/{application_id:int}/applicants/{case_id:int}", name="apply:case-view")
    async def case_view(self, request: Request, application_id: int, case_id: int) -> Response:
        actor = _actor(request)
        app = await _application(request, application_id)
        case = await q.get_applicant(actor, application_id, case_id)
        if case is None:
            raise NotFoundException()
        files = await q.list_group_attachments(actor, application_id) or []
        documents = offerings.documents_of_case(offerings.of(app), app, case)
        return render(
            request,
            "apply/case_view.html",
            {
                "app": app,
                "case": case,
                "files": q.by_kind(files, case_id),
                "documents": documents,
                "address": case["address"] if isinstance(case["address"], dict) else {},
                "t": {
                    "identity": offerings.of(app).identities,
                    "enrollment": rules.ENROLLMENT,
                    "gender": rules.GENDERS,
                    "marital": rules.MARITAL,
                    "education": rules.EDUCATION,
                    "program": rules.PROGRAMS,
                },
                "qualification": str(rules.QUALIFICATION),
            },
        )

    # Files -------------------------------------------------------------------------------------

    @get("/files/{attachment_id:int}", name="apply:file")
    async def file(self, request: Request, attachment_id: int, inline: bool = False) -> Response:
        return await file_response(await q.get_attachment(_actor(request), attachment_id), inline=inline)

    @post("/drafts/{application_id:int}/files/{attachment_id:int}/delete", name="apply:file-remove")
    async def file_remove(
        self, request: Request, application_id: int, attachment_id: int, back: str = ""
    ) -> Response:
        try:
            await actions.remove_attachment(_actor(request), application_id, attachment_id)
        except actions.NotEditable:
            return redirect(f"/apply/groups/{application_id}")
        if request.htmx:  # type: ignore[attr-defined]
            return Response(content=b"", status_code=200)
        return redirect(f"/apply/drafts/{application_id}/applicants")


# The roster (issue 3): the picker appears when its query exists.


def _roster_picker():
    try:
        from app.queries.roster import list_roster_for_picker
    except ImportError:
        return None
    return list_roster_for_picker


def _roster_available() -> bool:
    return _roster_picker() is not None


def _roster_filter_options() -> dict[str, list[str]]:
    from app.domain import roster as roster_rules

    year = roster_rules.academic_year(actions.today())
    return {
        "year": [str(y) for y in range(year + 1, year - 4, -1)],
        "semester": ["1", "2"],
        "category": list(actions.ROSTER_IDENTITY),
        "status": ["A", "R"],
    }


def _roster_filter_error(filters: dict[str, str]) -> str | None:
    """An out-of-range 學年度 in the query string: the form's message (the select offers none such)."""
    from app.domain import roster as roster_rules

    message = roster_rules.check_filter_year(filters.get("year"), actions.today())
    return str(message) if message else None


def _roster_label(key: str, value: Any) -> str:
    """A roster code as words (FG → 外生 / Foreign student)."""
    from app.domain import roster as roster_rules

    if key == "semester":
        return next((str(t) for n, t in roster_rules.SEMESTERS if str(n) == str(value)), str(value or ""))
    if key == "year" or value in (None, ""):
        return str(value or "")

    return roster_rules.label_of(key, str(value), get_locale())

"""線上申辦 → 外生、外僑生申請: 換證, 延期 and 資料異動, each with its own drafts list and the same three steps.

The first two steps (送件人, 申請資料) are the wizard's own pages (`/apply/drafts/<id>/...`, kind-agnostic);
the wizard's applicants step sends a further kind here. What each kind asks for is data
(`app.domain.kinds`); these handlers only read the request, call one action, and render.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import kinds as actions
from app.actions.cases import today
from app.domain import applicant as rules
from app.domain import kinds as kind_rules
from app.domain import offerings
from app.domain.actor import Actor
from app.domain.documents import UPLOAD_RULES_TEXT
from app.queries import apply as q
from app.queries.fees import fee_per_person
from app.services import uploads
from app.web import wizard
from app.web.common import form_data, redirect, render, school_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import read_uploads, removals, summary


def kind_by_slug(slug: str) -> offerings.Offering:
    """The offering of a URL's slug whose applicants step is this module's (renewal, extension, data-change,
    and any new offering), or 404."""
    found = offerings.by_any_slug(slug)
    if found is None or found.applicants_pages != "kinds":
        raise NotFoundException()
    return found


def _steps(app: dict[str, Any]) -> dict[str, Any]:
    return wizard.steps(app, "applicants")


async def _drafts_page(request: Request, slug: str) -> Response:
    k = kind_by_slug(slug)
    rows = await q.list_drafts(_actor(request), line=k.line, kind=k.code)
    fee = await fee_per_person(k, today())  # in force today (master data)
    return render(request, "kinds/drafts.html", {"kind": k, "drafts": rows, "fee": fee})


def _drafts_handler(slug: str, name: str):
    @get(f"/apply/{slug}", name=name, guards=[school_required])
    async def handler(request: Request) -> Response:
        return await _drafts_page(request, slug)

    return handler


renewal_drafts = _drafts_handler("renewal", "apply:renewal-drafts")
extension_drafts = _drafts_handler("extension", "apply:extension-drafts")
data_change_drafts = _drafts_handler("data-change", "apply:data-change-drafts")
# 暫存申請資料 of each 陸生 and 港澳生 offering (/apply/<slug>, named apply:<slug>-drafts for the menu)
line_drafts = tuple(
    _drafts_handler(o.slug, f"apply:{o.slug}-drafts")
    for o in offerings.OFFERINGS.values()
    if o.line_offering is not None
)


async def applicant_context(
    actor: Actor,
    app: dict[str, Any],
    case: dict[str, Any],
    form: dict[str, str],
    changes: list[str],
    errors: dict[str, str],
    *,
    saved: bool = False,
) -> dict[str, Any]:
    """What `kinds/applicant.html` shows of one applicant (a school's group or a student's own)."""

    files = await q.list_group_attachments(actor, app["id"]) or []
    k = offerings.of(app)
    documents = actions.documents_of(app, case, form, changes)
    labels = (
        {key: str(val) for key, val in rules.FIELD_LABELS.items()}
        | {key: str(val) for key, val in kind_rules.FIELD_LABELS.items()}
        | {s.name: str(s.label) for s in offerings.of(app).form.fields}
        | {f"doc_{d.doc}": d.label for d in documents}
    )
    return {
        "app": app,
        "case": case,
        "kind": k,
        "form": form,
        "changes": changes,
        "errors": errors,
        "summary": summary(errors),
        "saved": saved,
        "documents": documents,
        "student_form": False,
        "form_action": f"/apply/kinds/{app['id']}/applicants/{case['id']}",
        "files": q.by_kind(files, case["id"]),
        "labels": labels,
        "upload_rules": str(UPLOAD_RULES_TEXT),
        "accept": uploads.ACCEPT,
        "permit_no": ((case.get("data") or {}).get("kind") or {}).get("permit_no", ""),
        "change_items": [(key, str(t)) for key, (t, _fields) in kind_rules.CHANGE_ITEMS.items()],
        "identity_label": str(offerings.of(app).identities.get(case["identity"], "")),
        "qualification": str(rules.QUALIFICATION),
        "registered": str(rules.ENROLLMENT["R"]),
        "genders": rules.choices(rules.GENDERS),
        "marital": rules.choices(rules.MARITAL),
        "education": rules.choices(rules.EDUCATION),
        "programs": rules.choices(rules.PROGRAMS),
        "grades": rules.choices(rules.GRADES),
        "countries": rules.country_choices(),
        "nationalities": rules.country_choices(nationality=True),
        "ui_fixed": k.lookup,
    }


class KindsController(Controller):
    path = "/apply"
    guards = [school_required]

    @get("/{slug:str}/terms", name="kinds:terms")
    async def terms(self, request: Request, slug: str) -> Response:
        return render(request, "kinds/terms.html", {"kind": kind_by_slug(slug)})

    @post("/{slug:str}/terms", name="kinds:create")
    async def create(self, request: Request, slug: str) -> Response:
        k = kind_by_slug(slug)
        form = await form_data(request)
        try:
            app_id = await actions.create_draft(
                _actor(request), k.code, terms_accepted=form.get("agree") == "1", line=k.line
            )
        except actions.Refused as exc:
            return render(
                request,
                "kinds/terms.html",
                {"kind": k, "errors": {"agree": exc.problems[0]}},
                status_code=400,
            )
        return redirect(f"/apply/drafts/{app_id}/submitter")

    async def _app(self, request: Request, application_id: int) -> dict[str, Any] | Response:
        app = await q.get_application(_actor(request), application_id)
        if app is None or not actions.is_further(app):
            raise NotFoundException()
        if not q.is_draft(app):
            return redirect(f"/progress/groups/{application_id}")
        return app

    # 申請人列表 ---------------------------------------------------------------------------------

    @get("/kinds/{application_id:int}/applicants", name="kinds:applicants")
    async def applicants(self, request: Request, application_id: int) -> Response:
        app = await self._app(request, application_id)
        if isinstance(app, Response):
            return app
        return await self._applicants_page(request, app)

    async def _applicants_page(
        self,
        request: Request,
        app: dict[str, Any],
        *,
        problems: list[str] | None = None,
        lookup_error: str = "",
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        from app.actions import apply as apply_actions

        actor = _actor(request)
        cases = await q.list_applicants(actor, app["id"]) or []
        files = await q.list_group_attachments(actor, app["id"]) or []
        group_problems = apply_actions.group_problems(app, {f["kind"] for f in files if f["case"] is None})
        incomplete = sum(1 for c in cases if not c["complete"])
        count_problems = rules.submit_problems(app["member_count"], len(cases), incomplete)
        return render(
            request,
            "kinds/applicants.html",
            {
                "app": app,
                "kind": offerings.of(app),
                "cases": cases,
                "steps": _steps(app),
                "check_url": wizard.check_url(app),
                "problems": problems or [],
                "todo": group_problems + count_problems,
                "lookup_error": lookup_error,
                "form": form or {},
                "identities": rules.choices(offerings.of(app).identities),
                "identity_names": {k: str(val) for k, val in offerings.of(app).identities.items()},
                "errors": {offerings.of(app).lookup_field: lookup_error} if lookup_error else {},
            },
            status_code=status_code,
        )

    @post("/kinds/{application_id:int}/applicants", name="kinds:applicant-add")
    async def applicant_add(self, request: Request, application_id: int) -> Response:
        """新增申請人: a renewal asks *統一(居留)證號 and 查詢; the other kinds the identity."""
        app = await self._app(request, application_id)
        if isinstance(app, Response):
            return app
        form = await form_data(request)
        try:
            if offerings.of(app).lookup:
                case_id = await actions.add_looked_up_applicant(_actor(request), application_id, form)
            else:
                case_id = await actions.add_applicant(
                    _actor(request), application_id, form.get("identity", "")
                )
        except actions.Refused as exc:
            return await self._applicants_page(
                request, app, lookup_error=exc.problems[0], form=form, status_code=400
            )
        return redirect(f"/apply/kinds/{application_id}/applicants/{case_id}")

    # One applicant ------------------------------------------------------------------------------

    async def _case(
        self, request: Request, application_id: int, case_id: int
    ) -> tuple[dict, dict] | Response:
        app = await self._app(request, application_id)
        if isinstance(app, Response):
            return app
        case = await q.get_applicant(_actor(request), application_id, case_id)
        if case is None:
            raise NotFoundException()
        return app, case

    async def _case_page(
        self,
        request: Request,
        app: dict[str, Any],
        case: dict[str, Any],
        form: dict[str, str],
        changes: list[str],
        errors: dict[str, str],
        *,
        saved: bool = False,
        status_code: int = 200,
    ) -> Response:
        ctx = await applicant_context(_actor(request), app, case, form, changes, errors, saved=saved)
        ctx["steps"] = _steps(app)
        return render(request, "kinds/applicant.html", ctx, status_code=status_code)

    @get("/kinds/{application_id:int}/applicants/{case_id:int}", name="kinds:applicant")
    async def applicant(self, request: Request, application_id: int, case_id: int) -> Response:
        found = await self._case(request, application_id, case_id)
        if isinstance(found, Response):
            return found
        app, case = found
        form, changes = actions.form_of(app, case)
        errors = await actions.problems_when_reopened(app, case, form, changes)
        return await self._case_page(request, app, case, form, changes, errors)

    @post("/kinds/{application_id:int}/applicants/{case_id:int}", name="kinds:applicant-save")
    async def applicant_save(self, request: Request, application_id: int, case_id: int) -> Response:
        found = await self._case(request, application_id, case_id)
        if isinstance(found, Response):
            return found
        app, case = found
        form = await form_data(request)
        raw = await request.form()
        changes = [x for x in raw.getall("changes", []) if isinstance(x, str)]
        op, remove = await removals(request)
        shown_form, _c = actions.form_of(app, case)
        documents = actions.documents_of(app, case, form | {"ui_no": case["ui_no"]}, changes)
        files = await read_uploads(request, ["photo"] + [d.doc for d in documents])
        try:
            errors = await actions.save_applicant(
                _actor(request), application_id, case_id, form, changes=changes, files=files, remove=remove
            )
        except actions.NotEditable:
            return redirect(f"/progress/groups/{application_id}")
        if op == "back":
            return redirect(f"/apply/kinds/{application_id}/applicants", flash="saved")
        found = await self._case(request, application_id, case_id)
        if isinstance(found, Response):
            return found
        app, case = found
        form, changes = actions.form_of(app, case)
        return await self._case_page(
            request, app, case, form, changes, {} if op == "remove" else errors, saved=op == "save"
        )

    @get("/kinds/{application_id:int}/applicants/{case_id:int}/delete", name="kinds:applicant-delete-confirm")
    async def applicant_delete_confirm(self, request: Request, application_id: int, case_id: int) -> Response:
        found = await self._case(request, application_id, case_id)
        if isinstance(found, Response):
            return found
        app, case = found
        return render(request, "kinds/applicant_delete.html", {"app": app, "case": case})

    @post("/kinds/{application_id:int}/applicants/{case_id:int}/delete", name="kinds:applicant-delete")
    async def applicant_delete(self, request: Request, application_id: int, case_id: int) -> Response:
        try:
            await actions.delete_applicant(_actor(request), application_id, case_id)
        except actions.NotEditable:
            return redirect(f"/progress/groups/{application_id}")
        return redirect(f"/apply/kinds/{application_id}/applicants", flash="applicant_deleted")

    # 送出 -----------------------------------------------------------------------------------------

    @get("/kinds/{application_id:int}/submit", name="kinds:submit-confirm")
    async def submit_confirm(self, request: Request, application_id: int) -> Response:
        return await wizard.redirect_to_check(request, application_id)  # the older address of 確認送件

    @post("/kinds/{application_id:int}/submit", name="kinds:submit")
    async def submit(self, request: Request, application_id: int) -> Response:
        return await wizard.submit_group(request, application_id)

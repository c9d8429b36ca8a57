"""線上申辦 for a student: 換證, 延期申請 and 資料異動 for themself, each a group of one.

As the student's first application (`app.web.student_apply`): 同意條款, then one form with 領證方式 and
*領證地點, and 送出申請; no submitter step, no power of attorney. A renewal first asks *統一(居留)證號 + 查詢,
which finds only the student's own valid e-certificate. The kinds' rules, actions and templates are the
schools' (`app.actions.kinds`, `partials/kinds/`); these handlers only read the request, call one action,
and render.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import kinds as actions
from app.actions import student_apply
from app.domain import offerings
from app.domain.stations import stations
from app.i18n import gettext as _
from app.queries import apply as q
from app.web import wizard
from app.web.common import form_data, redirect, render, student_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import read_uploads, removals
from app.web.kinds import applicant_context, kind_by_slug

BASE = "/student/kinds"


def _terms(
    request: Request, k: offerings.Offering, errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "kinds/terms.html",
        {
            "kind": k,
            "errors": errors,
            "form_action": f"{BASE}/{k.slug}",
            "cancel_url": "/student",
        },
        status_code=status_code,
    )


def _entry(slug: str, name: str):
    """The menu's page of one kind: the student's draft of that kind, else the terms."""

    @get(f"/student/{slug}", name=name, guards=[student_required])
    async def handler(request: Request) -> Response:
        k = kind_by_slug(slug)
        app_id = await student_apply.own_draft_id(_actor(request), k.code, k.line)
        if app_id is not None:
            return redirect(f"{BASE}/{slug}/{app_id}")
        return _terms(request, k, {})

    return handler


renewal = _entry("renewal", "student:renewal")
extension = _entry("extension", "student:extension")
data_change = _entry("data-change", "student:data-change")
# the 港澳生 offerings a student may file for themself (/student/<slug>, named student:<slug> for the menu)
line_entries = tuple(
    _entry(o.slug, f"student:{o.slug}")
    for o in offerings.OFFERINGS.values()
    if o.line_offering is not None and o.student_may_file
)


class StudentKindsController(Controller):
    path = BASE
    guards = [student_required]

    @post("/{slug:str}", name="student:kind-create")
    async def create(self, request: Request, slug: str) -> Response:
        k = kind_by_slug(slug)
        form = await form_data(request)
        try:
            app_id = await actions.create_draft(
                _actor(request), k.code, terms_accepted=form.get("agree") == "1", line=k.line
            )
        except actions.Refused as exc:
            return _terms(request, k, {"agree": exc.problems[0]}, status_code=400)
        return redirect(f"{BASE}/{slug}/{app_id}")

    async def _load(
        self, request: Request, slug: str, application_id: int
    ) -> tuple[dict[str, Any], dict[str, Any] | None] | Response:
        actor = _actor(request)
        k = kind_by_slug(slug)
        app = await q.get_application(actor, application_id)
        if app is None or app["kind"] != k.code or not app["student"]:
            raise NotFoundException()
        if not q.is_draft(app):
            return redirect(f"/progress/groups/{application_id}")
        cases = await q.list_applicants(actor, application_id) or []
        return app, (cases[0] if cases else None)

    async def _lookup_page(
        self,
        request: Request,
        app: dict[str, Any],
        *,
        error: str = "",
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        k = offerings.of(app)
        return render(
            request,
            "kinds/student_lookup.html",
            {
                "app": app,
                "kind": k,
                "form": form or {},
                "errors": {"ui_no": error} if error else {},
                "lookup_action": f"{BASE}/{k.slug}/{app['id']}/lookup",
            },
            status_code=status_code,
        )

    async def _form_page(
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
        k = offerings.of(app)
        ctx = await applicant_context(_actor(request), app, case, form, changes, errors, saved=saved)
        ctx.update(
            {
                "form_action": f"{BASE}/{k.slug}/{app['id']}",
                "steps": None,
                "student_form": True,
                "stations": stations(),
                "station_code": form.get("station_code", app["station_code"] or ""),
            }
        )
        ctx["labels"]["station_code"] = _("Where the card is collected")
        if errors.get("station_code"):
            ctx["summary"] = {"station_code": errors["station_code"], **ctx["summary"]}
        return render(request, "kinds/applicant.html", ctx, status_code=status_code)

    @get("/{slug:str}/{application_id:int}", name="student:kind-form")
    async def form_page(self, request: Request, slug: str, application_id: int) -> Response:
        found = await self._load(request, slug, application_id)
        if isinstance(found, Response):
            return found
        app, case = found
        if case is None:
            return await self._lookup_page(request, app)
        form, changes = actions.form_of(app, case)
        errors = await actions.problems_when_reopened(app, case, form, changes)
        return await self._form_page(request, app, case, form, changes, errors)

    @post("/{slug:str}/{application_id:int}/lookup", name="student:kind-lookup")
    async def lookup(self, request: Request, slug: str, application_id: int) -> Response:
        """*統一(居留)證號 + 查詢: the student's own valid e-certificate fills the form."""
        found = await self._load(request, slug, application_id)
        if isinstance(found, Response):
            return found
        app, case = found
        if case is not None or not offerings.of(app).lookup:
            return redirect(f"{BASE}/{slug}/{application_id}")
        form = await form_data(request)
        try:
            await actions.add_renewal_applicant(_actor(request), application_id, form.get("ui_no", ""))
        except actions.Refused as exc:
            return await self._lookup_page(request, app, error=exc.problems[0], form=form, status_code=400)
        return redirect(f"{BASE}/{slug}/{application_id}")

    @post("/{slug:str}/{application_id:int}", name="student:kind-save")
    async def save(self, request: Request, slug: str, application_id: int) -> Response:
        """資料儲存 (op=save) or 送出申請 (op=submit): the form, 領證地點 and the files in one post."""
        actor = _actor(request)
        found = await self._load(request, slug, application_id)
        if isinstance(found, Response):
            return found
        app, case = found
        if case is None:
            return redirect(f"{BASE}/{slug}/{application_id}")
        form = await form_data(request)
        raw = await request.form()
        changes = [x for x in raw.getall("changes", []) if isinstance(x, str)]
        op, remove = await removals(request)
        documents = actions.documents_of(app, case, form | {"ui_no": case["ui_no"]}, changes)
        files = await read_uploads(request, ["photo"] + [d.doc for d in documents])
        try:
            station_errors = await student_apply.save_station(
                actor, application_id, form.get("station_code", "")
            )
            errors = await actions.save_applicant(
                actor, application_id, case["id"], form, changes=changes, files=files, remove=remove
            )
        except actions.NotEditable:
            return redirect(f"/progress/groups/{application_id}")
        errors = {**station_errors, **errors}
        if op == "submit" and not errors:
            return redirect(wizard.check_url(app))  # 確認送件, then 送出
        found = await self._load(request, slug, application_id)
        if isinstance(found, Response):
            return found
        app, case = found
        assert case is not None
        shown, changes = actions.form_of(app, case)
        shown["station_code"] = form.get("station_code", "")
        if op == "remove":
            errors = {}
        return await self._form_page(
            request,
            app,
            case,
            shown,
            changes,
            errors,
            saved=op in ("save", "submit"),
            status_code=400 if op == "submit" else 200,
        )


__all__ = ["StudentKindsController", "data_change", "extension", "renewal"]

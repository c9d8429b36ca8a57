"""線上申辦 for a student: 同意條款, then one form (外生、外僑生來臺申請 - 個人申請) and 送出申請."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import apply as apply_actions
from app.actions import student_apply
from app.domain import applicant as rules
from app.i18n import format_datetime
from app.i18n import gettext as _
from app.queries import apply as q
from app.queries.stations import stations
from app.web import wizard
from app.web.apply import applicant_context, uploads_of
from app.web.common import file_response, form_data, redirect, render, student_required
from app.web.common import signed_in_actor as _actor

BASE = "/student/apply"


class StudentApplyController(Controller):
    path = BASE
    guards = [student_required]

    @get("/", name="student:apply")
    async def start(self, request: Request) -> Response:
        own = await student_apply.own_draft(_actor(request))
        if own:
            return redirect(f"{BASE}/{own[0]}")
        return render(request, "student/terms.html", {"errors": {}})

    @post("/", name="student:apply-create")
    async def create(self, request: Request) -> Response:
        form = await form_data(request)
        try:
            app_id, _case_id = await student_apply.start_application(
                _actor(request), terms_accepted=form.get("agree") == "1"
            )
        except apply_actions.Refused as exc:
            return render(
                request, "student/terms.html", {"errors": {"agree": exc.problems[0]}}, status_code=400
            )
        return redirect(f"{BASE}/{app_id}")

    async def _load(self, request: Request, application_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        actor = _actor(request)
        app = await q.get_application(actor, application_id)
        if app is None:
            raise NotFoundException()
        cases = await q.list_applicants(actor, application_id) or []
        if not cases:
            raise NotFoundException()
        return app, cases[0]

    async def _page(
        self, request: Request, app, case, form, errors, *, saved=False, status_code=200
    ) -> Response:
        ctx = await applicant_context(_actor(request), app, case, form, errors, saved=saved)
        ctx.update(
            {
                "form_action": f"{BASE}/{app['id']}",
                "autosave_url": f"{BASE}/{app['id']}/autosave",
                "file_url": f"{BASE}/files",
                "student_form": True,
                "stations": stations(),
                "station_code": form.get("station_code", app["station_code"] or ""),
            }
        )
        if errors.get("station_code"):
            ctx["summary"] = {"station_code": errors["station_code"], **ctx["summary"]}
        ctx["labels"]["station_code"] = _("Where the card is collected")
        return render(request, "apply/applicant.html", ctx, status_code=status_code)

    @get("/{application_id:int}", name="student:apply-form")
    async def form_page(self, request: Request, application_id: int) -> Response:
        app, case = await self._load(request, application_id)
        if not q.is_draft(app):
            return redirect("/student")
        form = rules.form_from_record(case)
        errors: dict[str, str] = {}
        data = case["data"] if isinstance(case["data"], dict) else {}
        if data.get("saved") and not case["complete"]:
            errors = await apply_actions.problems_of(_actor(request), application_id, case["id"])
        return await self._page(request, app, case, form, errors)

    @post("/{application_id:int}", name="student:apply-save")
    async def save(self, request: Request, application_id: int) -> Response:
        actor = _actor(request)
        app, case = await self._load(request, application_id)
        if not q.is_draft(app):
            return redirect("/student")
        form = await form_data(request)
        op = form.get("op", "save")
        if op.startswith("remove-") and op[7:].isdigit():
            await apply_actions.remove_attachment(actor, application_id, int(op[7:]))
        station_errors = await student_apply.save_station(actor, application_id, form.get("station_code", ""))
        files = await uploads_of(request, app, case, form)
        errors = await apply_actions.save_applicant(actor, application_id, case["id"], form, files)
        errors = {**station_errors, **errors}
        if op == "submit" and not errors:
            return redirect(wizard.check_url(app))  # 確認送件, then 送出
        app, case = await self._load(request, application_id)
        shown = rules.normalise({k: form.get(k, "") for k in rules.form_keys()})
        shown["station_code"] = form.get("station_code", "")
        return await self._page(
            request, app, case, shown, errors, saved=True, status_code=400 if op == "submit" else 200
        )

    @post("/{application_id:int}/autosave", name="student:apply-autosave")
    async def autosave(self, request: Request, application_id: int) -> Response:
        actor = _actor(request)
        app, case = await self._load(request, application_id)
        if not q.is_draft(app):
            raise NotFoundException()
        form = await form_data(request)
        if "station_code" in form:
            await student_apply.save_station(actor, application_id, form["station_code"])
        problems = await apply_actions.save_applicant(actor, application_id, case["id"], form)
        return render(
            request,
            "apply/_autosaved.html",
            {
                "time": format_datetime(apply_actions.now())[-8:-3],
                "complete": not problems,
                "missing": len(problems),
            },
        )

    @get("/files/{attachment_id:int}", name="student:file")
    async def file(self, request: Request, attachment_id: int, inline: bool = False) -> Response:
        return await file_response(await q.get_attachment(_actor(request), attachment_id), inline=inline)

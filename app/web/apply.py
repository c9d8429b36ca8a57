"""線上申辦: a group's read-only view, its result page and its files; the older wizard addresses.

The wizard itself is `app.web.wizard` (`/apply/{line}/{slug}/…`). The older addresses of the first
application (`/apply/first`, `/apply/first/terms`, `/apply/drafts/{id}/…`) answer a GET with a 301 to the
same page in the wizard, and a POST with the wizard's own handler (bookmarks, e-mail links, old forms).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions.cases import today
from app.domain import applicant as rules
from app.domain import offerings, workflow
from app.i18n import TAIPEI
from app.queries import apply as q
from app.queries.fees import fee_per_person
from app.web import wizard
from app.web.common import file_response, redirect, render, school_required
from app.web.common import signed_in_actor as _actor
from app.web.wizard import moved, moved_below


async def _application(request: Request, application_id: int) -> dict[str, Any]:
    app = await q.get_application(_actor(request), application_id)
    if app is None:
        raise NotFoundException()
    return app


class ApplyController(Controller):
    path = "/apply"
    guards = [school_required]

    # The older addresses of the first application (its drafts' steps: `DraftStepsController`) -------------

    @get("/first", name="apply:drafts")
    async def drafts(self) -> Response:
        return wizard.moved_to(wizard.offering_of("foreign", "first"))

    @get("/first/terms", name="apply:terms")
    async def terms(self) -> Response:
        return wizard.moved_to(wizard.offering_of("foreign", "first"), "/terms")

    @post("/first/terms", name="apply:create")
    async def create(self, request: Request) -> Response:
        return await wizard.create(request, wizard.offering_of("foreign", "first"), student=False)

    # Read-only view ----------------------------------------------------------------------------

    @get("/groups/{application_id:int}", name="apply:view")
    async def view(self, request: Request, application_id: int) -> Response:
        return await self._view(request, application_id, "apply/view.html")

    @get("/groups/{application_id:int}/submitted", name="apply:submitted")
    async def submitted(self, request: Request, application_id: int) -> Response:
        app = await _application(request, application_id)
        if q.is_draft(app):
            return redirect(wizard.url_of(app, "/applicants"))
        offering = offerings.of(app)
        on = app["submitted_at"].astimezone(TAIPEI).date() if app.get("submitted_at") else today()
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
                "wizard_base": wizard.base_of(offerings.of(app)),
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


class DraftStepsController(wizard.OlderDraftAddresses):
    """`/apply/drafts/{id}/…`: a first application's older steps."""

    path = "/apply/drafts"

    @get("/{application_id:int}", name="apply:edit")
    async def edit(self, request: Request, application_id: int) -> Response:
        return await moved(request, application_id)

    @get(
        [
            "/{application_id:int}/submitter",
            "/{application_id:int}/details",
            "/{application_id:int}/applicants",
            "/{application_id:int}/roster",
            "/{application_id:int}/submit",
            "/{application_id:int}/delete",
            "/{application_id:int}/applicants/{case_id:int}",
            "/{application_id:int}/applicants/{case_id:int}/delete",
        ],
        name="apply:step",
    )
    async def step(self, request: Request, application_id: int) -> Response:
        """Every older page of a draft: the same page in the wizard (`submit` is now 確認送件)."""
        return await moved_below(request, application_id, self.path)

    @post("/{application_id:int}/delete", name="apply:delete")
    async def delete(self, request: Request, application_id: int) -> Response:
        return await wizard.delete_draft(request, await wizard.load(request, application_id))

    @post("/{application_id:int}/submitter", name="apply:submitter-save")
    async def submitter_save(self, request: Request, application_id: int) -> Response:
        return await wizard.open_step(request, application_id, wizard.submitter_save)

    @post("/{application_id:int}/details", name="apply:details-save")
    async def details_save(self, request: Request, application_id: int) -> Response:
        return await wizard.open_step(request, application_id, wizard.details_save)

    @post("/{application_id:int}/applicants/{case_id:int}/autosave", name="apply:applicant-autosave")
    async def applicant_autosave(self, request: Request, application_id: int, case_id: int) -> Response:
        app = await wizard.load(request, application_id)
        if not q.is_draft(app):
            raise NotFoundException()
        return await wizard.applicant_autosave(request, app, await wizard.case_of(request, app, case_id))

    @post("/{application_id:int}/roster", name="apply:roster-add")
    async def roster_add(self, request: Request, application_id: int) -> Response:
        return await wizard.open_step(request, application_id, wizard.roster_add)

    @post("/{application_id:int}/files/{attachment_id:int}/delete", name="apply:file-remove")
    async def file_remove(self, request: Request, application_id: int, attachment_id: int) -> Response:
        return await wizard.remove_file(request, await wizard.load(request, application_id), attachment_id)

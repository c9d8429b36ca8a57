"""The older addresses of a student's own first application (`/student/apply`, `/student/apply/{id}…`).

The student's wizard is `app.web.wizard` (`/student/apply/{line}/{slug}/…`, the school's steps for a group
of one). A GET answers with a 301 to the same page there, a POST with the wizard's own handler. A student's
files stay at `/student/apply/files/{id}`.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post

from app.domain import offerings
from app.queries import apply as q
from app.web import wizard
from app.web.common import file_response, student_required
from app.web.common import signed_in_actor as _actor
from app.web.wizard import moved_below

BASE = "/student/apply"


async def offering_of_draft(request: Request, application_id: int) -> offerings.Offering:
    return offerings.of(await wizard.load(request, application_id))


class StudentApplyController(Controller):
    path = BASE
    guards = [student_required]

    @get("/", name="student:apply")
    async def start(self) -> Response:
        return wizard.moved_to(wizard.offering_of("foreign", "first"), student=True)

    @post("/", name="student:apply-create")
    async def create(self, request: Request) -> Response:
        return await wizard.create(request, wizard.offering_of("foreign", "first"), student=True)

    @get(["/{application_id:int}", "/{application_id:int}/check"], name="student:apply-form")
    async def form_page(self, request: Request, application_id: int) -> Response:
        return await moved_below(request, application_id, BASE)

    @post("/{application_id:int}", name="student:apply-save")
    async def save(self, request: Request, application_id: int) -> Response:
        offering = await offering_of_draft(request, application_id)
        return await wizard.student_save(request, offering, application_id)

    @post("/{application_id:int}/autosave", name="student:apply-autosave")
    async def autosave(self, request: Request, application_id: int) -> Response:
        offering = await offering_of_draft(request, application_id)
        return await wizard.student_autosave(request, offering, application_id)

    @post("/{application_id:int}/submit", name="student:apply-submit")
    async def submit(self, request: Request, application_id: int) -> Response:
        return await wizard.submit_group(request, await wizard.load(request, application_id))

    @get("/files/{attachment_id:int}", name="student:file")
    async def file(self, request: Request, attachment_id: int, inline: bool = False) -> Response:
        return await file_response(await q.get_attachment(_actor(request), attachment_id), inline=inline)

"""The older addresses of a student's 換證, 延期 and 資料異動 (`/student/<slug>`, `/student/kinds/…`).

The student's wizard is `app.web.wizard` (`/student/apply/{line}/{slug}/…`). A GET answers with a 301 to
the same page there, a POST with the wizard's own handler.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post

from app.web import wizard
from app.web.common import student_required
from app.web.kinds import kind_by_slug
from app.web.wizard import moved

BASE = "/student/kinds"


@get(
    ["/student/renewal", "/student/extension", "/student/data-change"],
    name="student:kind-entry",
    guards=[student_required],
)
async def entry(request: Request) -> Response:
    """The menu's older page of one kind: the student's wizard of that offering."""
    return wizard.moved_to(kind_by_slug(request.url.path.rsplit("/", 1)[1]), student=True)


class StudentKindsController(Controller):
    path = BASE
    guards = [student_required]

    @post("/{slug:str}", name="student:kind-create")
    async def create(self, request: Request, slug: str) -> Response:
        return await wizard.create(request, kind_by_slug(slug), student=True)

    @get("/{slug:str}/{application_id:int}", name="student:kind-form")
    async def form_page(self, request: Request, slug: str, application_id: int) -> Response:
        await wizard.load(request, application_id, kind_by_slug(slug))  # the slug must be the draft's
        return await moved(request, application_id)

    @post("/{slug:str}/{application_id:int}", name="student:kind-save")
    async def save(self, request: Request, slug: str, application_id: int) -> Response:
        return await wizard.student_save(request, kind_by_slug(slug), application_id)

    @post("/{slug:str}/{application_id:int}/lookup", name="student:kind-lookup")
    async def lookup(self, request: Request, slug: str, application_id: int) -> Response:
        o = kind_by_slug(slug)
        return await wizard.student_lookup(request, o.line, o.slug, application_id)

"""The older addresses of 換證, 延期 and 資料異動 (and any offering reached by its slug alone).

The wizard is `app.web.wizard` (`/apply/{line}/{slug}/…`). `/apply/<slug>` (drafts), `/apply/<slug>/terms`
and `/apply/kinds/{id}/…` answer a GET with a 301 to the same page in the wizard, and a POST with the
wizard's own handler.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.domain import offerings
from app.web import wizard
from app.web.common import school_required
from app.web.wizard import moved_below


def kind_by_slug(slug: str) -> offerings.Offering:
    """The offering of an older URL's slug (slugs are unique across lines), or 404."""
    found = offerings.by_any_slug(slug)
    if found is None:
        raise NotFoundException()
    return found


class KindsController(Controller):
    path = "/apply"
    guards = [school_required]

    @get(["/renewal", "/extension", "/data-change"], name="kinds:drafts")
    async def drafts(self, request: Request) -> Response:
        return wizard.moved_to(kind_by_slug(request.url.path.rsplit("/", 1)[1]))

    @get("/{slug:str}/terms", name="kinds:terms")
    async def terms(self, slug: str) -> Response:
        return wizard.moved_to(kind_by_slug(slug), "/terms")

    @post("/{slug:str}/terms", name="kinds:create")
    async def create(self, request: Request, slug: str) -> Response:
        return await wizard.create(request, kind_by_slug(slug), student=False)


class KindStepsController(wizard.OlderDraftAddresses):
    """`/apply/kinds/{id}/…`: a 換證, 延期 or 資料異動 draft's older steps."""

    path = "/apply/kinds"

    @get(
        [
            "/{application_id:int}/applicants",
            "/{application_id:int}/applicants/{case_id:int}",
            "/{application_id:int}/applicants/{case_id:int}/delete",
            "/{application_id:int}/submit",
        ],
        name="kinds:step",
    )
    async def step(self, request: Request, application_id: int) -> Response:
        return await moved_below(request, application_id, self.path)

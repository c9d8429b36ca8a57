"""The generated forms of the wizard (issue 14): 下載系統產生之表單 beside each upload the system fills.

`…/{id}/forms/{code}` is the group's (保證書, 團體名冊 as PDF or Excel), `…/{id}/applicants/{case}/forms/{code}`
one applicant's (陸生 申請書, 港澳生 確認書 and 申報書), and a student's own at `/student/apply/…/{id}/forms/{code}`;
all GET, scoped as the wizard's pages (out of scope: 404),
and only for a document the offering marks generated (else 404). The routes are the wizard's
(`app.web.wizard`); the handlers are here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import NotFoundException

from app.domain import offerings
from app.i18n import TAIPEI
from app.queries import apply as q
from app.queries import wizard_forms as forms_q
from app.services import generated_forms as gf
from app.services.generated_forms import CASE, GROUP
from app.web.common import signed_in_actor as _actor


def links(app: dict[str, Any], base: str, scope: str) -> dict[str, list[dict[str, str]]]:
    """document code -> its download links ({url, format}) for a page; `base` is the group's or applicant's URL."""
    return {
        doc: [{"url": f"{base}/forms/{f.code}", "format": f.extension.upper()} for f in forms]
        for doc, forms in gf.forms_by_document(offerings.of(app), scope).items()
    }


def _file(data: bytes, name: str, media_type: str) -> Response:
    return Response(
        content=data,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


async def download(request: Request, app: dict[str, Any], code: str, case: dict[str, Any] | None) -> Response:
    """One generated form of the group (`case` None) or of one applicant; 404 when not offered."""
    offering = offerings.of(app)
    form = gf.offered(offering, code, GROUP if case is None else CASE)
    if form is None:
        raise NotFoundException()
    actor = _actor(request)
    cases = [case] if case is not None else (await q.list_applicants(actor, app["id"]) or [])
    school = await forms_q.get_school_of_group(actor, app["id"])
    data = await gf.build(form, offering, school, app, cases, datetime.now(TAIPEI).date())
    return _file(data, gf.filename(form, app, case), form.media_type)

"""The login page's 附件下載 (five documents made from our own templates) and 環境檢查 (is this browser,
and the certificate component on this computer, ready for the system). Public: no sign-in needed."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException

from app.i18n import TAIPEI
from app.queries import fees as fee_queries
from app.services import login_documents
from app.services.excel import content_disposition
from app.settings import LOCAL_SIGNER_URL
from app.web.common import render


class LoginHelpController(Controller):
    path = "/"

    @get("/attachments/{slug:str}", name="login:attachment")
    async def attachment(self, slug: str) -> Response:
        doc = login_documents.get_document(slug)
        if doc is None:
            raise NotFoundException()
        fees = await fee_queries.list_fees_in_force(datetime.now(TAIPEI).date())
        data = await login_documents.render(doc, fees)
        return Response(
            content=data,
            media_type=doc.media_type,
            headers={
                "Content-Disposition": content_disposition(doc.filename),
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @get("/environment-check", name="login:environment-check")
    async def environment_check(self, request: Request) -> Response:
        return render(
            request,
            "auth/environment_check.html",
            {"signer_url": LOCAL_SIGNER_URL, "user_agent": request.headers.get("user-agent", "")[:300]},
        )

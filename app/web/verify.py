"""Public verification of an issued document (reached by the QR code on the receipt and the certificate)."""

from __future__ import annotations

from litestar import Request, Response, get

from app.queries import payment as payment_queries
from app.web.common import render


async def _answer(request: Request, number: str, code: str) -> Response:
    result = None
    if number or code:
        result = await payment_queries.verify_document(number[:40], code[:40])
    response = render(
        request, "verify/verify.html", {"form": {"number": number[:40], "code": code[:40]}, "result": result}
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@get("/verify", name="verify:form")
async def verify_form(request: Request) -> Response:
    q = request.query_params
    return await _answer(request, q.get("number", "").strip(), q.get("code", "").strip())


@get("/verify/{number:str}", name="verify:document")
async def verify_document(request: Request, number: str) -> Response:
    return await _answer(request, number.strip(), request.query_params.get("code", "").strip())

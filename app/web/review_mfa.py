"""兩步驟驗證: a reviewer sets up (or turns off) the TOTP second factor, under /review/mfa.

Served by Litestar (its CSRF, languages and layout) for a signed-in back-office reviewer; the admin's
own "MFA Setup" link (/admin/api/mfa-setup/) is sent here. This page stays open to a reviewer whom a
supervisor requires to enrol: everything else in the back office and at the desk is closed to them
until they have enrolled and signed in again with the code. Writes are in app/actions/mfa.py.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
from piccolo_api.session_auth.tables import SessionsBase

from app.actions import mfa as actions
from app.actions import review as review_actions
from app.domain.actor import Actor
from app.services import mfa
from app.web.common import form_data, render

ADMIN_COOKIE = "id"
ADMIN_LOGIN = "/admin/"
PAGE = "/review/mfa"


class NoSession(Exception):
    pass


async def _reviewer(request: Request) -> Actor:
    token = request.cookies.get(ADMIN_COOKIE)
    user_id = await SessionsBase.get_user_id(token) if token else None
    if not user_id:
        raise NoSession
    actor = await review_actions.reviewer_actor(user_id)
    if actor is None:
        raise PermissionDeniedException()
    return actor


async def mfa_gate(request: Request) -> Response | None:
    try:
        request.scope["state"]["reviewer_mfa"] = await _reviewer(request)
    except NoSession:
        return Redirect(ADMIN_LOGIN, status_code=303)
    return None


def _key_groups(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class MfaController(Controller):
    path = PAGE
    before_request = mfa_gate

    @staticmethod
    def _me(request: Request) -> Actor:
        return request.scope["state"]["reviewer_mfa"]

    async def _page(self, request: Request, *, status_code: int = 200, **extra: Any) -> Response:
        actor = self._me(request)
        user_id = actor.account_id or 0
        required = await mfa.is_required(user_id)
        row = (
            await AuthenticatorSecret.objects()
            .where((AuthenticatorSecret.user_id == user_id) & AuthenticatorSecret.revoked_at.is_null())
            .order_by(AuthenticatorSecret.created_at, ascending=False)
            .first()
        )
        ctx: dict[str, Any] = {
            "reviewer": actor,
            "required": required,
            "must_enrol": required and row is None,
            "step": "enrolled" if row is not None else "start",
            "enrolled_at": row.created_at if row else None,
            "codes_left": len(row.recovery_codes or []) if row else 0,
            "errors": {},
            "problem": "",
        }
        ctx.update(extra)
        return render(request, "review/mfa.html", ctx, status_code=status_code)

    @get("/", name="review:mfa")
    async def show(self, request: Request) -> Response:
        return await self._page(request)

    @post("/start", name="review:mfa-start")
    async def start(self, request: Request) -> Response:
        form = await form_data(request)
        try:
            pending = await actions.start_enrolment(self._me(request), form.get("password", ""))
        except actions.MfaError as exc:
            if exc.field:
                return await self._page(request, status_code=400, errors={exc.field: exc.message})
            return await self._page(request, status_code=409, problem=exc.message)
        return await self._scan(request, pending)

    async def _scan(
        self,
        request: Request,
        pending: actions.Pending,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Response:
        return await self._page(
            request,
            status_code=status_code,
            step="scan",
            pending=pending.token,
            qr=mfa.qr_png_base64(pending.uri),
            key_groups=_key_groups(pending.secret),
            errors=errors or {},
        )

    @post("/confirm", name="review:mfa-confirm")
    async def confirm(self, request: Request) -> Response:
        actor = self._me(request)
        form = await form_data(request)
        try:
            codes = await actions.confirm_enrolment(actor, form.get("pending", ""), form.get("code", ""))
        except actions.MfaError as exc:
            if exc.field == "code":
                return await self._scan(
                    request,
                    actions.open_pending(actor, form.get("pending", "")),
                    status_code=400,
                    errors={"code": exc.message},
                )
            return await self._page(request, status_code=409, problem=exc.message)
        response = await self._page(request, step="done", recovery_codes=codes)
        response.delete_cookie(ADMIN_COOKIE, path="/")  # the session is gone: sign in again with the code
        return response

    @post("/disable", name="review:mfa-disable")
    async def disable(self, request: Request) -> Response:
        form = await form_data(request)
        try:
            await actions.disable(self._me(request), form.get("password", ""))
        except actions.MfaError as exc:
            if exc.field:
                return await self._page(request, status_code=400, errors={exc.field: exc.message})
            return await self._page(request, status_code=409, problem=exc.message)
        return Redirect(PAGE, status_code=303)

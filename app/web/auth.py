"""登入 / 登出: account login with an image captcha, logout, session extension, language switch."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.actions import auth as auth_actions
from app.i18n import LANG_COOKIE, format_datetime, normalise
from app.i18n import gettext as _
from app.web.common import actor_of, form_data, redirect, render, safe_next, session_of, signed_in_required
from app.web.middleware import SESSION_COOKIE, client_ip
from app.services.sessions import now
from app.settings import settings

REASONS = {
    "expired": "expired",
    "logged_out": "logged_out",
    "password_changed": "password_changed",
}


def _session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
        max_age=settings.session_max_hours * 3600,
    )


class AuthController(Controller):
    path = "/"

    @get("/login", name="auth:login")
    async def login_page(self, request: Request, reason: str | None = None) -> Response:
        if actor_of(request) is not None:
            return Redirect(path="/", status_code=303)
        token = await auth_actions.create_captcha()
        notice = None
        if reason == "expired":
            notice = _("You were logged out after 30 minutes without activity. Work you saved is kept; please log in again.")
        elif reason == "password_changed":
            notice = _("Your password has been changed. Please log in again.")
        elif reason == "logged_out":
            notice = _("You have logged out.")
        return render(request, "auth/login.html", {"captcha_token": token, "form": {}, "notice": notice})

    @post("/login", name="auth:login-submit")
    async def login_submit(self, request: Request) -> Response:
        form = await form_data(request)
        errors: dict[str, str] = {}
        for field in ("login_id", "password", "captcha"):
            if not form.get(field):
                errors[field] = _("Required")
        status = 200
        if not errors:
            result = await auth_actions.log_in(
                form["login_id"], form["password"], form.get("captcha_token", ""), form["captcha"],
                client_ip(request.scope),
            )
            if result.ok:
                response = Redirect(path="/", status_code=303)
                _session_cookie(response, result.session_token)
                return response
            if result.reason == "captcha":
                errors["captcha"] = _("The verification code is incorrect. Please type the new code.")
            elif result.reason == "locked":
                errors["login_id"] = _(
                    "This account is locked after too many failed logins. Try again after %(time)s.",
                    time=format_datetime(result.locked_until),
                )
            elif result.reason == "disabled":
                errors["login_id"] = _("This account has been disabled. Please ask your school's main account.")
            elif result.reason == "rate_limited":
                errors["login_id"] = _("Too many failed logins from your address. Please wait 15 minutes and try again.")
                status = 429
            else:
                errors["password"] = _("The account or the password is incorrect.")
        token = await auth_actions.create_captcha()
        form.pop("password", None)
        form.pop("captcha", None)
        return render(
            request,
            "auth/login.html",
            {"captcha_token": token, "form": form, "errors": errors, "notice": None},
            status_code=status if status != 200 else 400 if errors else 200,
        )

    @get("/captcha/new", name="auth:captcha-new")
    async def captcha_new(self, request: Request) -> Response:
        token = await auth_actions.create_captcha()
        return render(request, "auth/_captcha.html", {"captcha_token": token})

    @get("/captcha/{token:str}/image.png", name="auth:captcha-image")
    async def captcha_image(self, token: str) -> Response:
        png = await auth_actions.captcha_image(token)
        if png is None:
            raise NotFoundException()
        return Response(content=png, media_type="image/png", headers={"Cache-Control": "no-store"})

    @post("/logout", name="auth:logout")
    async def logout(self, request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        actor = actor_of(request)
        form = await form_data(request)
        reason = "expired" if form.get("reason") == "expired" else "logged_out"
        if token:
            await auth_actions.log_out(
                token,
                login_id=actor.login_id if actor else "",
                account_id=actor.account_id if actor else None,
                ip=client_ip(request.scope),
            )
        response = redirect(f"/login?reason={reason}", htmx=bool(request.headers.get("hx-request")))
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response

    @post("/session/extend", name="auth:extend", guards=[signed_in_required])
    async def extend(self, request: Request) -> Response:
        info = session_of(request)
        if info is not None:
            await auth_actions.extend_session(info.id)
            info.last_seen_at = now()
        if request.headers.get("hx-request"):
            return render(request, "layout/_countdown.html")
        return Redirect(path=safe_next(request.headers.get("referer-path"), "/"), status_code=303)

    @get("/lang/{code:str}", name="auth:lang")
    async def switch_language(self, code: str, next: str | None = None) -> Response:  # noqa: A002
        locale = normalise(code)
        if locale is None:
            raise NotFoundException()
        response = Redirect(path=safe_next(next), status_code=303)
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/", httponly=False)
        return response

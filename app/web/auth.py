"""登入 / 登出: account login with an image captcha, logout, session extension, language switch."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.actions import auth as auth_actions
from app.actions import cert_login
from app.domain.validators import is_business_no
from app.i18n import LANG_COOKIE, format_datetime, normalise
from app.i18n import gettext as _
from app.services import login_documents
from app.services.sessions import now
from app.settings import LOCAL_SIGNER_URL, settings
from app.web.common import actor_of, form_data, redirect, render, safe_next, session_of, signed_in_required
from app.web.middleware import SESSION_COOKIE, client_ip

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


def cert_refusal_message(reason: str) -> str:
    messages = {
        "captcha": _("The verification code is incorrect. Please type the new code."),
        "challenge": _("The sign-in challenge has expired or was already used. Please try again."),
        "signature": _("The signature could not be verified. Please try again."),
        "bad_format": _("The signature could not be verified. Please try again."),
        "untrusted": _("The certificate was not issued by a trusted certification authority."),
        "expired": _("The certificate has expired or is not valid yet."),
        "not_yet_valid": _("The certificate has expired or is not valid yet."),
        "key_usage": _(
            "This certificate cannot be used to sign in (its key usage does not allow signatures)."
        ),
        "revoked": _("This certificate has been revoked."),
        "crl": _("The revocation status of the certificate cannot be checked now. Please try again later."),
        "no_id": _("The certificate does not carry a unified business number."),
        "mismatch": _("The certificate belongs to another unified business number than the one you typed."),
        "no_account": _(
            "No school main account is registered for this unified business number. Please contact the agency."
        ),
        "disabled": _("This account has been disabled. Please ask your school's main account."),
    }
    return messages.get(reason, _("The signature could not be verified. Please try again."))


class AuthController(Controller):
    path = "/"

    @get("/login", name="auth:login")
    async def login_page(
        self, request: Request, reason: str | None = None, tab: str | None = None
    ) -> Response:
        if actor_of(request) is not None:
            return Redirect(path="/", status_code=303)
        token = await auth_actions.create_captcha()
        notice = None
        if reason == "expired":
            notice = _(
                "You were logged out after 30 minutes without activity. Work you saved is kept; please log in again."
            )
        elif reason == "disabled":
            notice = _(
                "You were logged out because your account has been disabled. Please ask your school's main "
                "account, or the National Immigration Agency if it is the main account."
            )
        elif reason == "password_changed":
            notice = _("Your password has been changed. Please log in again.")
        elif reason == "logged_out":
            notice = _("You have logged out.")
        return render(
            request,
            "auth/login.html",
            {
                "captcha_token": token,
                "form": {},
                "notice": notice,
                "tab": "cert" if tab == "cert" else "account",
                "signer_url": LOCAL_SIGNER_URL,
                "attachments": login_documents.DOCUMENTS,
            },
        )

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
                form["login_id"],
                form["password"],
                form.get("captcha_token", ""),
                form["captcha"],
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
                errors["login_id"] = _(
                    "This account has been disabled. Please ask your school's main account."
                )
            elif result.reason == "rate_limited":
                errors["login_id"] = _(
                    "Too many failed logins from your address. Please wait 15 minutes and try again."
                )
                status = 429
            else:
                errors["password"] = _("The account or the password is incorrect.")
        token = await auth_actions.create_captcha()
        form.pop("password", None)
        form.pop("captcha", None)
        return render(
            request,
            "auth/login.html",
            {
                "captcha_token": token,
                "form": form,
                "errors": errors,
                "notice": None,
                "tab": "account",
                "signer_url": LOCAL_SIGNER_URL,
                "attachments": login_documents.DOCUMENTS,
            },
            status_code=status if status != 200 else 400 if errors else 200,
        )

    @post("/login/certificate/challenge", name="auth:cert-challenge", status_code=200)
    async def cert_challenge(self, request: Request) -> Response:
        form = await form_data(request)
        token = await cert_login.create_challenge(form.get("business_no", ""), client_ip(request.scope))
        return Response({"challenge": token}, media_type="application/json")

    @post("/login/certificate", name="auth:cert-login")
    async def cert_login_submit(self, request: Request) -> Response:
        raw = await request.form()
        form = await form_data(request)
        errors: dict[str, str] = {}
        business_no = form.get("business_no", "")
        if not business_no:
            errors["business_no"] = _("Required")
        elif not is_business_no(business_no):
            errors["business_no"] = _(
                "This unified business number is not valid (8 digits and a check digit)."
            )
        if not form.get("captcha"):
            errors["cert_captcha"] = _("Required")
        if not errors and not form.get("signature"):
            errors["pin"] = _(
                "The card could not sign: check that the card reader and the signing component work, then try again."
            )
        if not errors:
            result = await cert_login.log_in_with_certificate(
                business_no=business_no,
                captcha_token=form.get("captcha_token", ""),
                captcha_answer=form.get("captcha", ""),
                challenge=form.get("challenge", ""),
                certificate_b64=form.get("certificate", ""),
                chain_b64=[c for c in raw.getall("chain") if isinstance(c, str)] if "chain" in raw else [],
                signature_b64=form.get("signature", ""),
                ip=client_ip(request.scope),
            )
            if result.ok:
                response = Redirect(path="/", status_code=303)
                _session_cookie(response, result.session_token)
                return response
            field = "cert_captcha" if result.reason == "captcha" else "business_no"
            errors[field] = cert_refusal_message(result.reason)
        token = await auth_actions.create_captcha()
        return render(
            request,
            "auth/login.html",
            {
                "captcha_token": token,
                "form": {"business_no": business_no},
                "errors": errors,
                "notice": None,
                "tab": "cert",
                "signer_url": LOCAL_SIGNER_URL,
                "attachments": login_documents.DOCUMENTS,
            },
            status_code=400,
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
        base = "/foreign-student/individual/login" if actor and actor.kind == "student" else "/login"
        response = redirect(f"{base}?reason={reason}", htmx=bool(request.headers.get("hx-request")))
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
    async def switch_language(self, request: Request, code: str, next: str | None = None) -> Response:  # noqa: A002
        locale = normalise(code)
        if locale is None:
            raise NotFoundException()
        actor = actor_of(request)
        if actor is not None and (actor.account_id or actor.student_id):
            # Stored with the account after the page's (read) transaction commits: e-mails follow it.
            account_id = actor.account_id if actor.kind == "school" else None
            student_id = actor.student_id if actor.kind == "student" else None

            async def remember() -> None:
                await auth_actions.remember_language(
                    account_id=account_id, student_id=student_id, locale=locale
                )

            request.scope["state"].setdefault("after_commit", []).append(remember)
        response = Redirect(path=safe_next(next), status_code=303)
        response.set_cookie(
            LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/", httponly=False
        )
        return response

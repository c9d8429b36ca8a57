"""學生自行線上申辦: the students' own login (roster match + email code) and their home page."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect

from app.actions import auth as auth_actions
from app.actions import student_auth
from app.domain.profiles import parse_date
from app.domain.roster import year_choices
from app.i18n import gettext as _
from app.queries.student import list_student_home
from app.web.auth import _session_cookie
from app.web.common import actor_of, form_data, render, student_required
from app.web.middleware import client_ip

LOGIN = "/foreign-student/individual/login"


def _no_match_message() -> str:
    return _(
        "We could not find you in the admission/registration list of your school. Your school has not registered "
        "you for this academic year yet, or a detail differs from what the school imported. Please ask your "
        "school's international student office to import or correct your data, then try again."
    )


class StudentLoginController(Controller):
    path = "/foreign-student/individual"

    async def _page(
        self, request: Request, form: dict, errors: dict, status: int = 200, notice: str | None = None
    ):
        token = await auth_actions.create_captcha()
        return render(
            request,
            "student/login.html",
            {
                "form": form,
                "errors": errors,
                "captcha_token": token,
                "years": year_choices(date.today()),
                "notice": notice,
            },
            status_code=status,
        )

    @get("/login", name="student:login")
    async def login_page(self, request: Request, reason: str | None = None) -> Response:
        actor = actor_of(request)
        if actor is not None and actor.kind == "student":
            return Redirect(path="/student", status_code=303)
        notice = None
        if reason == "expired":
            notice = _(
                "You were logged out after 30 minutes without activity. Work you saved is kept; please log in again."
            )
        elif reason == "logged_out":
            notice = _("You have logged out.")
        return await self._page(request, {}, {}, notice=notice)

    @post("/login", name="student:login-submit")
    async def login_submit(self, request: Request) -> Response:
        form = await form_data(request)
        errors: dict[str, str] = {}
        for key in ("year", "passport_no", "name_en", "birth_date", "captcha"):
            if not form.get(key):
                errors[key] = _("Required")
        born = parse_date(form.get("birth_date"))
        if form.get("birth_date") and born is None:
            errors["birth_date"] = _("Write a real date as YYYY/MM/DD.")
        if errors:
            form.pop("captcha", None)
            return await self._page(request, form, errors, 400)
        result = await student_auth.start_login(
            year=form["year"],
            passport_no=form["passport_no"],
            name_en=form["name_en"],
            birth_date=born,
            ui_no=form.get("ui_no", ""),
            captcha_token=form.get("captcha_token", ""),
            captcha_answer=form["captcha"],
            ip=client_ip(request.scope),
        )
        if not result.ok:
            form.pop("captcha", None)
            if result.reason == "captcha":
                errors["captcha"] = _("The verification code is incorrect. Please type the new code.")
                return await self._page(request, form, errors, 400)
            if result.reason == "rate_limited":
                errors["passport_no"] = _(
                    "Too many failed logins from your address. Please wait 15 minutes and try again."
                )
                return await self._page(request, form, errors, 429)
            if result.reason == "locked":
                errors["passport_no"] = _("Too many wrong codes. Please wait 15 minutes and try again.")
                return await self._page(request, form, errors, 400)
            errors["passport_no"] = _no_match_message()
            return await self._page(request, form, errors, 400)
        if result.needs_email:
            return render(request, "student/email.html", {"pending": result.pending, "form": {}})
        return render(
            request,
            "student/code.html",
            {"pending": result.pending, "masked": result.masked_email, "form": {}},
        )

    @post("/email", name="student:email")
    async def email_submit(self, request: Request) -> Response:
        form = await form_data(request)
        error, masked = await student_auth.give_email(
            form.get("pending", ""), form.get("email", ""), client_ip(request.scope)
        )
        if error:
            return render(
                request,
                "student/email.html",
                {"pending": form.get("pending", ""), "form": form, "errors": {"email": error}},
                status_code=400,
            )
        return render(
            request, "student/code.html", {"pending": form.get("pending", ""), "masked": masked, "form": {}}
        )

    @post("/code", name="student:code")
    async def code_submit(self, request: Request) -> Response:
        form = await form_data(request)
        pending = form.get("pending", "")
        if not form.get("code"):
            return render(
                request,
                "student/code.html",
                {"pending": pending, "masked": "", "form": {}, "errors": {"code": _("Required")}},
                status_code=400,
            )
        result = await student_auth.confirm_code(pending, form["code"], client_ip(request.scope))
        if result.ok:
            response = Redirect(path="/student", status_code=303)
            _session_cookie(response, result.session_token)
            return response
        if result.reason == "wrong":
            msg = _("The code is not right. Check the latest email and type its 6 digits.")
        elif result.reason == "locked":
            msg = _("Too many wrong codes. Please wait 15 minutes and try again.")
        else:
            msg = _("The code has expired or was already used. Please sign in again for a new code.")
        return render(
            request,
            "student/code.html",
            {"pending": pending, "masked": "", "form": {}, "errors": {"code": msg}},
            status_code=400,
        )


class StudentHomeController(Controller):
    path = "/student"
    guards = [student_required]

    @get("/", name="student:home")
    async def home(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        lists = await list_student_home(actor)
        return render(request, "student/home.html", {"lists": lists})

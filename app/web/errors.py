"""Error pages in both languages; never a stack trace."""

from __future__ import annotations

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Template

from app import db
from app.i18n import lazy_gettext as _l
from app.i18n import reset_locale, set_locale
from app.web.middleware import locale_for_scope

log = logging.getLogger("arc.errors")

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("This action is not available here"),
    413: _l("The upload is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is busy"),
}
DETAILS = {
    400: _l("Please go back and try again."),
    403: _l(
        "Your account does not have access to this page. If you think it should, ask your school's main account."
    ),
    404: _l("The page or record does not exist, or is not visible to your account."),
    405: _l("Please go back and use the buttons on the page."),
    413: _l("Each file must be smaller than the limit shown next to the upload field."),
    429: _l("Please wait a few minutes and try again."),
    500: _l("The error has been logged. Please try again; what you saved before is kept."),
    503: _l("Please try again in a moment."),
}


def _login_redirect(request: Request) -> Response:
    ended = request.scope.get("state", {}).get("session_ended")
    path = request.url.path
    student = path.startswith(("/student", "/foreign-student"))
    base = "/foreign-student/individual/login" if student else "/login"
    target = f"{base}?reason={ended}" if ended in ("expired", "disabled") else base
    if request.headers.get("hx-request"):
        return Response(content=b"", status_code=401, headers={"HX-Redirect": target})
    return Response(content=b"", status_code=303, headers={"Location": target})


def _page(request: Request, status: int) -> Response:
    token = set_locale(locale_for_scope(request.scope))
    try:
        if status not in TITLES:
            status = 500 if status >= 500 else 400
        ctx = {
            "request": request,
            "actor": request.scope.get("user"),
            "session": None,
            "remaining_seconds": 0,
            "warning_seconds": 0,
            "menu": [],
            "flash": None,
            "errors": {},
            "current_path": request.url.path,
            "status": status,
            "title": str(TITLES[status]),
            "detail": str(DETAILS[status]),
        }
        tpl = Template(template_name="errors/error.html", context=ctx, status_code=status)
        return _render(request, tpl)
    finally:
        reset_locale(token)


def _render(request: Request, tpl: Template) -> Response:
    engine = request.app.template_engine
    template = engine.get_template(tpl.template_name)  # type: ignore[union-attr]
    body = template.render(**tpl.context, csrf_input="")
    return Response(content=body, status_code=tpl.status_code, media_type=MediaType.HTML)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, NotAuthorizedException) or exc.status_code == 401:
        return _login_redirect(request)
    if exc.status_code >= 500:
        log.error("HTTP %s on %s: %s", exc.status_code, request.url.path, exc.detail)
    return _page(request, exc.status_code)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    if db.is_connection_error(exc):
        return unavailable(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, 500)


def unavailable(request: Request, exc: BaseException) -> Response:
    """The database connection was lost (it is discarded, and the next request gets a new one): the bilingual
    503 page, asking to try again, rather than a 500."""
    log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
    response = _page(request, 503)
    response.headers["Retry-After"] = "5"
    return response

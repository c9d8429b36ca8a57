"""Shared pieces of the web layer: rendering with the layout's context, guards, form reading."""

from __future__ import annotations

import math
from typing import Any

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.response import Redirect, Template

from app.domain.actor import Actor
from app.services.sessions import SessionInfo, now
from app.settings import settings
from app.web.flash import FLASH_COOKIE, pop_flash, set_flash
from app.web.menu import build_menu


def actor_of(request: ASGIConnection) -> Actor | None:
    user = request.scope.get("user")
    return user if isinstance(user, Actor) else None


def signed_in_actor(request: ASGIConnection) -> Actor:
    """The actor of a handler behind a guard that let only signed-in actors through."""
    actor = actor_of(request)
    assert actor is not None
    return actor


def session_of(request: ASGIConnection) -> SessionInfo | None:
    auth = request.scope.get("auth")
    return auth if isinstance(auth, SessionInfo) else None


# Guards are coroutines: Litestar runs a plain function guard in a worker thread, a hop on every request.
async def school_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    actor = actor_of(connection)
    if actor is None or actor.kind != "school":
        raise NotAuthorizedException()


async def main_account_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    await school_required(connection, handler)
    actor = actor_of(connection)
    if actor is None or not actor.is_main:
        raise PermissionDeniedException()


async def school_or_student_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Pages a school and a student filing for themself share (payment, downloads, progress)."""
    actor = actor_of(connection)
    if actor is None or actor.kind not in ("school", "student"):
        raise NotAuthorizedException()


async def student_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """A student signed in to file for themself."""
    actor = actor_of(connection)
    if actor is None or actor.kind != "student":
        raise NotAuthorizedException()


async def signed_in_required(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if actor_of(connection) is None:
        raise NotAuthorizedException()


def base_context(request: Request) -> dict[str, Any]:
    actor = actor_of(request)
    info = session_of(request)
    remaining = 0
    if info is not None:
        remaining = max(0, math.floor((info.expires_at - now()).total_seconds()))
    flash, _clear = pop_flash(request)
    return {
        "request": request,
        "actor": actor,
        "session": info,
        "remaining_seconds": remaining,
        "warning_seconds": settings.session_warning_seconds,
        "menu": build_menu(request, actor),
        "flash": flash,
        "errors": {},
        "current_path": request.url.path,
    }


FORM_ERRORS_HEADER = "X-Form-Errors"


def form_errors_swapped(response: Response) -> Response:
    """An htmx answer that is a form with its field errors: marked so that static/js/app.js swaps it even as
    a 400 (htmx swaps no 4xx by itself, and the user would see nothing)."""
    if response.status_code == 400:
        response.headers[FORM_ERRORS_HEADER] = "1"
    return response


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Template:
    ctx = base_context(request)
    if context:
        ctx.update(context)
    response = Template(template_name=template, context=ctx, status_code=status_code)
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(path: str, *, flash: str | None = None, htmx: bool = False) -> Response:
    response: Response
    if htmx:
        response = Response(content=b"", status_code=200, headers={"HX-Redirect": path})
    else:
        response = Redirect(path=path, status_code=303)
    if flash:
        set_flash(response, flash)
    return response


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (the CSRF field removed)."""
    form = await request.form()
    out: dict[str, str] = {}
    for key, value in form.multi_items():
        if key == "_csrf_token" or not isinstance(value, str):
            continue
        out[key] = (
            value.strip()
            if key not in ("password", "new_password", "confirm_password", "current_password")
            else value
        )
    return out


def safe_next(path: str | None, default: str = "/") -> str:
    """Only a relative path on this site (no //host, no scheme)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or "\n" in path:
        return default
    return path


async def file_response(row: dict[str, Any] | None, *, inline: bool = False) -> Response:
    """An uploaded file, found by a scoped query (None: not there or not the actor's), as a download
    read from the store (app/services/storage.py)."""
    from app.services import uploads

    if row is None:
        raise NotFoundException()
    try:
        body = await uploads.read(row["stored_name"])
    except (OSError, ValueError) as exc:
        raise NotFoundException() from exc
    return Response(
        content=body,
        media_type=row["content_type"],
        headers=uploads.download_headers(row["original_name"], inline=inline),
    )

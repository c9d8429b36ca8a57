"""ASGI middleware: locale, one database transaction per request, the session, security headers.

Order (outermost first): LocaleMiddleware -> DatabaseMiddleware -> SessionMiddleware -> CSRF -> handler.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app import db
from app.domain.actor import Actor
from app.i18n import LANG_COOKIE, from_accept_language, normalise, reset_locale, set_locale
from app.queries import stations as station_queries
from app.services import sessions
from app.settings import LOCAL_SIGNER_URL, settings

SESSION_COOKIE = "__Host-arc_session" if settings.cookie_secure else "arc_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
UNMANAGED_PREFIXES = (
    "/static/",
    "/admin",
    "/favicon.ico",
    "/healthz",
    "/readyz",
    "/metrics",
)  # no transaction, no session


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(scope: Scope) -> dict[str, str]:
    raw = _headers(scope).get("cookie", "")
    out: dict[str, str] = {}
    for part in raw.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.setdefault(k.strip(), v.strip())
    return out


def locale_for_scope(scope: Scope) -> str:
    cookies = _cookies(scope)
    return normalise(cookies.get(LANG_COOKIE)) or from_accept_language(_headers(scope).get("accept-language"))


def client_ip(scope: Scope) -> str:
    """The client's address: the peer, or behind a trusted proxy the address it forwarded
    (`ClientAddressMiddleware` has put it in scope["client"])."""
    client = scope.get("client")
    return (client[0] if client else "")[:64]


@functools.cache
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in settings.trusted_proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_networks())


def forwarded_client(peer: str, forwarded_for: str) -> str:
    """The client address behind trusted proxies: X-Forwarded-For read from the right (each proxy appends
    the address it saw), skipping the trusted proxies; the first other address is the client. What the
    client wrote itself stands to the left of it and is never taken, so the header cannot be forged to dodge
    a limiter; from an untrusted peer the header is ignored altogether."""
    if not _is_trusted(peer):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # garbage where a proxy's entry should be: keep the peer
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else peer


class ClientAddressMiddleware:
    """Outermost: behind a trusted reverse proxy, scope["client"] becomes the address the proxy forwarded,
    so every limiter, audit row and the admin mount see the real client (not one bucket for everyone)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and settings.trusted_proxies:
            client = scope.get("client")
            peer = client[0] if client else ""
            forwarded = ",".join(
                v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-forwarded-for"
            )
            real = forwarded_client(peer, forwarded) if forwarded else peer
            if real != peer:
                scope["client"] = (real, 0)
        await self.app(scope, receive, send)


class LocaleMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale = locale_for_scope(scope)
        scope.setdefault("state", {})["locale"] = locale
        token = set_locale(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            reset_locale(token)


class _Rollback(Exception):
    pass


class DatabaseMiddleware:
    """One transaction, so one connection, per request; committed before the client sees the answer.

    The response is held until the commit, so a redirect after a POST never reaches a page that
    cannot see the write yet. A 5xx answer rolls everything back. Work queued in
    scope["state"]["after_commit"] runs after the commit (session touches on read requests).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNMANAGED_PREFIXES):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["after_commit"] = []
        held: list[Message] = []
        status = {"code": 200}

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            held.append(message)

        write = scope["method"] not in SAFE_METHODS
        try:
            async with db.request_transaction(write=write):
                # Reference data the pages read synchronously (pick lists, names): at most TTL seconds old.
                await station_queries.refresh()
                await self.app(scope, receive, hold)
                if status["code"] >= 500:
                    raise _Rollback
        except _Rollback:
            pass
        except Exception as exc:
            # The connection failed at BEGIN or COMMIT (outside the handler's own error handling): nothing
            # was committed; the client gets the bilingual 503 page instead of whatever was held.
            if not db.is_connection_error(exc):
                raise
            await _unavailable(scope, receive, send, exc)
            return
        for job in state["after_commit"]:
            await job()
        for message in held:
            await send(message)


async def _unavailable(scope: Scope, receive: Receive, send: Send, exc: BaseException) -> None:
    from litestar import Request

    from app.web.errors import unavailable

    request: Request = Request(scope, receive)
    response = unavailable(request, exc)
    await response.to_asgi_response(app=scope.get("app"), request=request)(scope, receive, send)


class SessionMiddleware:
    """Puts the signed-in Actor (or None) in scope["user"] and the session in scope["auth"]."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["user"] = None
        scope["auth"] = None
        state = scope.setdefault("state", {})
        token = _cookies(scope).get(SESSION_COOKIE)
        if token and not scope["path"].startswith(UNMANAGED_PREFIXES):
            info, ended = await sessions.load_session(token)
            if info is not None:
                scope["user"] = actor_from_session(info)
                scope["auth"] = info
                if sessions.needs_touch(info):
                    info.last_seen_at = sessions.now()
                    await _soon(scope, sessions.touch, info.id)
            elif ended:
                state["session_ended"] = ended  # "expired" or "disabled": the login page says which
                await _soon(scope, sessions.delete_by_token, token)
        await self.app(scope, receive, send)


async def _soon(scope: Scope, fn: Any, *args: Any) -> None:
    """A small write: in the request's transaction for writes, after the commit for reads."""
    if scope["method"] not in SAFE_METHODS or "after_commit" not in scope.get("state", {}):
        await fn(*args)
    else:

        async def job() -> None:
            await fn(*args)

        scope["state"]["after_commit"].append(job)


def actor_from_session(info: sessions.SessionInfo) -> Actor:
    return Actor(
        kind=info.kind,
        account_id=info.account_id,
        login_id=info.login_id,
        name=info.name,
        school_id=info.school_id,
        school_name=info.school_name,
        is_main=info.is_main,
        student_id=info.student_id,
    )


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# connect-src also allows the local signing component (HiPKI) on the user's own machine.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    f"font-src 'self'; connect-src 'self' {_origin(LOCAL_SIGNER_URL)}; "
    # form-action also allows the payment gateway: 開始繳費 posts and is redirected there.
    f"form-action 'self' {_origin(settings.payment_gateway_url)}; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
)


# piccolo-admin (the back office) is a Vue application from its own files: no inline script and no eval.
# Its components (Font Awesome's icon sizes, component styles) add <style> elements while running, so styles
# need 'unsafe-inline' (hashes of today's bundle would break on any piccolo-admin update, and the icons
# then fill the screen); styles cannot run code, and everything else is as strict as the pages' policy.
# tests/browser/test_admin_csp_browser.py walks the back office and fails on any violation.
ADMIN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'; base-uri 'none'"
)


def _is_admin(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


async def security_headers(message: Message, scope: Scope) -> None:
    """before_send hook: on every response, errors and unknown routes included."""
    if message["type"] != "http.response.start":
        return
    path = scope.get("path", "")
    # A mount (/admin) sees its scope["path"] with the prefix stripped; raw_path keeps the request's.
    raw_path = scope.get("raw_path")
    full_path = raw_path.decode("latin-1") if isinstance(raw_path, bytes | bytearray) else path
    headers = message.setdefault("headers", [])
    present = {k.lower() for k, _v in headers}
    extra = {
        b"x-content-type-options": b"nosniff",
        b"referrer-policy": b"same-origin",
        b"x-frame-options": b"DENY",
        b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
        b"cross-origin-opener-policy": b"same-origin",
    }
    extra[b"content-security-policy"] = (ADMIN_CSP if _is_admin(full_path) else CSP).encode()
    if settings.cookie_secure:
        extra[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
    if not path.startswith(("/static/", "/favicon.ico")):
        # Pages carry personal data: never stored by the browser or a proxy.
        extra[b"cache-control"] = b"no-store"
        extra[b"pragma"] = b"no-cache"
    auth = scope.get("auth")
    if isinstance(auth, sessions.SessionInfo):
        # The countdown follows what the server says, also after htmx requests.
        left = max(0, int((auth.expires_at - sessions.now()).total_seconds()))
        extra[b"x-session-remaining"] = str(left).encode()
    for k, v in extra.items():
        if k not in present or k in (b"cache-control",):
            headers[:] = [(hk, hv) for hk, hv in headers if hk.lower() != k]
            headers.append((k, v))

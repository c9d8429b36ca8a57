"""piccolo-admin's sign-in limit, shared by every app server (issue 16).

piccolo-admin limits its login endpoint (password and MFA code) with a provider whose `increment()` is
synchronous and, in its own `InMemoryLimitProvider`, per process: behind a load balancer each server would
count alone. Here the limit is kept in the database instead, as the school login's per-address limit is:
every answer of `/admin/public/login/` is written to `auth_event` (event `admin_login`, the client's address
as `ClientAddressMiddleware` found it), and an address with `LOGIN_IP_MAX_FAILURES` failures within
`LOGIN_LOCK_MINUTES` is answered 429 before piccolo sees the request. piccolo's own provider is given a
`NoLocalLimit`, which never blocks, so no state is left in a process.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from piccolo_api.rate_limiting.middleware import RateLimitProvider

from app.actions.auth import audit
from app.services.sessions import now
from app.settings import settings
from tables.tables import AuthEvent

log = logging.getLogger("arc.admin")

LOGIN_PATHS = frozenset({"/admin/public/login/", "/public/login/"})
EVENT = "admin_login"


class NoLocalLimit(RateLimitProvider):
    """piccolo-admin's provider: counting happens in the database (`AdminLoginLimit`), never in memory."""

    def increment(self, identifier: str) -> None:
        return None


async def failures(ip: str) -> int:
    since = now() - timedelta(minutes=settings.login_lock_minutes)
    return await AuthEvent.count().where(
        (AuthEvent.ip == ip)
        & (AuthEvent.event == EVENT)
        & (AuthEvent.result != "ok")
        & (AuthEvent.created_at > since)
    )


async def _answer(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AdminLoginLimit:
    """ASGI wrapper of the admin app: the per-address limit on its login endpoint, in the database."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = (client[0] if client else "")[:64]
        if await failures(ip) >= settings.login_ip_max_failures:
            await audit(EVENT, ip=ip, result="rate_limited")
            await _answer(send, 429, b"Too many requests")
            return
        status = 0

        async def watch(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            result = "ok" if 200 <= status < 400 else "invalid"
            try:
                await audit(EVENT, ip=ip, result=result, detail=f"status {status}")
            except Exception:  # the audit row must not turn an answer already sent into an error
                log.exception("admin login audit failed")

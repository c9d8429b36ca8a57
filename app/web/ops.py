"""Operations (issue 16): /healthz, /readyz, /metrics, and the request id + metrics middleware.

- `/healthz`: the process answers (no database touched) — for the proxy's and systemd's liveness checks.
- `/readyz`: the database answers, Redis answers (when `REDIS_URL` is set), the job queue's tables answer
  (JOB_QUEUE=procrastinate); 503 naming what failed otherwise. No personal data, no versions, no hosts.
- `/metrics`: Prometheus text (app/services/metrics.py); with `METRICS_TOKEN` set it needs
  `Authorization: Bearer <token>`; the proxy in deploy/ does not forward it from outside.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from typing import Any

from litestar import Request, Response, get
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import new_request_id, request_id
from app.services import jobs, metrics
from app.settings import settings

OPS_PATHS = ("/healthz", "/readyz", "/metrics")


@get("/healthz", name="ops:healthz", sync_to_thread=False)
def healthz() -> Response:
    return Response(content={"status": "ok"}, status_code=200)


async def _database() -> None:
    from app import db

    await db.raw("SELECT 1 AS one")


async def _redis() -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def _queue() -> None:
    from app import db

    await db.raw("SELECT 1 AS one FROM procrastinate_jobs LIMIT 1")


async def _check(fn: Any) -> str:
    try:
        await asyncio.wait_for(fn(), 3)
        return "ok"
    except Exception:  # what failed is named; the details go to the log only
        import logging

        logging.getLogger("arc.ops").warning("readiness check %s failed", fn.__name__, exc_info=True)
        return "failed"


@get("/readyz", name="ops:readyz")
async def readyz() -> Response:
    checks = {"database": await _check(_database)}
    if settings.redis_url:
        checks["redis"] = await _check(_redis)
    if settings.job_queue == "procrastinate":
        checks["queue"] = await _check(_queue)
    ok = all(v == "ok" for v in checks.values())
    return Response(
        content={"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503
    )


@get("/metrics", name="ops:metrics")
async def metrics_page(request: Request) -> Response:
    if settings.metrics_token:
        offered = request.headers.get("authorization", "")
        if not hmac.compare_digest(offered.encode(), f"Bearer {settings.metrics_token}".encode()):
            return Response(content="", status_code=401)
    try:
        depth = await jobs.queue_depth()
    except Exception:  # the queue's depth is one gauge; the rest of the metrics still answer
        depth = {}
    for status in ("todo", "doing", "failed"):
        metrics.QUEUE_DEPTH.labels(status=status).set(depth.get(status, 0))
    body, content_type = metrics.render()
    return Response(content=body, media_type=content_type, status_code=200)


class RequestIdMiddleware:
    """The request id (X-Request-ID in and out, in every log record) and the request metrics (by route
    template and status, latency histogram, requests in flight)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = ""
        for k, v in scope.get("headers", []):
            if k.lower() == b"x-request-id":
                offered = v.decode("latin-1")
        rid = new_request_id(offered)
        token = request_id.set(rid)
        status = {"code": 500}
        started = time.perf_counter()
        metrics.IN_FLIGHT.inc()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            metrics.IN_FLIGHT.dec()
            route = scope.get("path_template") or "unmatched"
            if route.startswith("/admin"):
                route = "/admin"
            method = scope.get("method", "")
            metrics.REQUESTS.labels(method=method, route=route, status=str(status["code"])).inc()
            metrics.LATENCY.labels(method=method, route=route).observe(time.perf_counter() - started)
            request_id.reset(token)

"""Operations (issue 16): health and readiness without personal data, Prometheus metrics, the request id."""

from __future__ import annotations

import dataclasses
import json
import logging

from app.logs import JsonFormatter, request_id
from app.web import ops


async def test_healthz_and_readyz(client):
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = await client.get("/readyz")
    assert r.status_code == 200 and r.json()["database"] == "ok"
    assert "no-store" in r.headers["cache-control"]


async def test_readyz_names_what_failed(client, monkeypatch):
    async def down() -> None:
        raise OSError("connection refused to 10.0.0.9:5432")

    monkeypatch.setattr(ops, "_database", down)
    r = await client.get("/readyz")
    assert r.status_code == 503 and r.json() == {"status": "unavailable", "database": "failed"}
    assert "10.0.0.9" not in r.text  # no hosts or details in the answer


async def test_readyz_checks_redis_when_configured(client, monkeypatch):
    monkeypatch.setattr(ops, "settings", dataclasses.replace(ops.settings, redis_url="redis://127.0.0.1:1/0"))
    r = await client.get("/readyz")
    assert r.status_code == 503 and r.json()["redis"] == "failed"


async def test_request_id_is_answered_and_kept_from_the_proxy(client):
    r = await client.get("/login")
    rid = r.headers["x-request-id"]
    assert len(rid) == 32
    assert (await client.get("/login")).headers["x-request-id"] != rid
    r = await client.get("/login", headers={"X-Request-ID": "proxy-1234abcd"})
    assert r.headers["x-request-id"] == "proxy-1234abcd"
    r = await client.get("/login", headers={"X-Request-ID": "<script>"})
    assert r.headers["x-request-id"] != "<script>"


async def test_metrics_count_requests_by_route_template_and_failed_logins(client):
    await client.get("/verify/E123456789012")
    await client.login("nobody", password="wrong")
    text = (await client.get("/metrics")).text
    assert 'arc_http_requests_total{method="GET",route="/verify/{number}",status="' in text
    assert "E123456789012" not in text  # the route's template, never the ids in a path
    assert 'arc_logins_total{kind="login",result="invalid"}' in text
    assert "arc_http_request_duration_seconds_bucket" in text
    assert 'arc_job_queue_depth{status="failed"}' in text


async def test_metrics_token(client, monkeypatch):
    monkeypatch.setattr(ops, "settings", dataclasses.replace(ops.settings, metrics_token="s3cret-token"))
    assert (await client.get("/metrics")).status_code == 401
    r = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert r.status_code == 200


def test_json_log_lines_carry_the_request_id():
    token = request_id.set("abc123def456")
    try:
        record = logging.getLogger("arc.test").makeRecord(
            "arc.test", logging.INFO, __file__, 1, "hello %s", ("x",), None
        )
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello x" and line["request_id"] == "abc123def456" and line["level"] == "INFO"

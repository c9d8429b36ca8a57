"""Prometheus metrics of this process (prometheus-client), served at /metrics.

Each app server and each worker is its own process with its own registry; Prometheus scrapes every app
server (deploy/ runs one uvicorn process per port, so no multiprocess registry is needed). Labels never carry
personal data: routes are the route's path template, never the path with its ids.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUESTS = Counter("arc_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "arc_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
IN_FLIGHT = Gauge("arc_http_requests_in_flight", "Requests being answered now")
LOGINS = Counter("arc_logins_total", "Sign-in attempts by kind and result", ["kind", "result"])
LOCKOUTS = Counter("arc_lockouts_total", "Accounts locked after repeated failures", ["kind"])
JOBS = Counter("arc_jobs_total", "Jobs run, by task and outcome", ["task", "outcome"])
QUEUE_DEPTH = Gauge("arc_job_queue_depth", "Jobs waiting or running, by status", ["status"])


def render() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST

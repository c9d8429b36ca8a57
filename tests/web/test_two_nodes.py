"""The deployment, tested (issue 16 item 5): two app servers on different ports, one worker, the sandbox payment
gateway and nginx in front with round robin (deploy/nginx.conf.template), on one PostgreSQL database and Redis.

Each node has its own VAR_DIR (nothing on a local disk is shared), files live in the database
(STORAGE=database), jobs in the queue (JOB_QUEUE=procrastinate). An HTTP client drives the journey through the
proxy: sign in (captcha drawn by one node, answered on the other), the dashboard, pay a group at the gateway (its
notification reaches whichever node nginx picks), one app server killed mid-journey, then the result page,
the downloads list and the receipt PDF through the other; the worker has pre-rendered the documents.
Runs when PostgreSQL, Redis and nginx are there (make test installs nginx-light); prints why it is skipped
otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app import db as appdb
from app.domain.workflow import Status
from app.sandbox_gateway import CARD_SUCCESS
from tables.tables import Case, Payment, Permit, Receipt
from tests.payment_support import make_group
from tests.support import make_school_with_accounts

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))


def _why_not() -> str:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "the two-node deployment test needs PostgreSQL (DATABASE_URL=postgresql://…); this run is on SQLite"
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        return "nginx is not installed (make system-deps installs nginx-light)"
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return "Redis at 127.0.0.1:6379 does not answer PING"
    except OSError:
        return "Redis does not answer at 127.0.0.1:6379"
    return ""


REASON = _why_not()
if REASON:
    print(f"\ntest_two_nodes skipped: {REASON}", file=sys.stderr)
pytestmark = pytest.mark.skipif(bool(REASON), reason=REASON or "-")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


@contextlib.contextmanager
def deployment(tmp: Path):
    from render_nginx import standalone

    proxy, gw, web = _port(), _port(), [_port(), _port()]
    env = {
        **os.environ,
        "SECRET_KEY": "two-node-test-secret-key-shared-by-every-node-0123456789",
        "STORAGE": "database",
        "JOB_QUEUE": "procrastinate",
        "TRUSTED_PROXIES": "127.0.0.1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "PDF_PRERENDER": "1",
        "PDF_WORKERS": "1",
        "DB_POOL": "1",
        "DB_POOL_SIZE": "4",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{proxy}",
        "PAYMENT_GATEWAY_URL": f"http://127.0.0.1:{gw}",
        "LOG_FORMAT": "json",
    }
    procs: dict[str, subprocess.Popen] = {}
    logs = tmp / "logs"
    logs.mkdir()

    def start(name: str, args: list[str], var: str) -> subprocess.Popen:
        out = (logs / f"{name}.log").open("wb")
        p = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env={**env, "VAR_DIR": str(tmp / var)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs[name] = p
        return p

    try:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"],
            cwd=ROOT,
            env={**env, "VAR_DIR": str(tmp / "var-migrate")},
            check=True,
            capture_output=True,
            timeout=180,
        )
        for i, port in enumerate(web, start=1):
            start(f"web{i}", ["serve", "--port", str(port)], f"var-web{i}")
        start("gateway", ["gateway", "--port", str(gw)], "var-gateway")
        start("worker", ["worker", "--concurrency", "2"], "var-worker")
        prefix = tmp / "nginx"
        prefix.mkdir()
        conf = prefix / "nginx.conf"
        conf.write_text(standalone(str(proxy), [f"127.0.0.1:{p}" for p in web], prefix))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        procs["nginx"] = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(prefix)],
            stdout=(logs / "nginx.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for i, port in enumerate(web, start=1):
            _wait_http(f"http://127.0.0.1:{port}/healthz", procs[f"web{i}"])
        _wait_http(f"http://127.0.0.1:{gw}/", procs["gateway"])
        _wait_http(f"http://127.0.0.1:{proxy}/healthz", procs["nginx"])
        yield {
            "proxy": f"http://127.0.0.1:{proxy}",
            "gateway": f"http://127.0.0.1:{gw}",
            "procs": procs,
            "logs": logs,
        }
    finally:
        for p in procs.values():
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)


def _journey(d: dict, gid: int) -> dict:
    """The user's side, through the proxy only (a thread: plain blocking HTTP like a browser)."""
    served: list[str] = []
    seen: dict[str, str] = {}
    with httpx.Client(base_url=d["proxy"], timeout=60) as c:

        def go(method: str, url: str, **kw) -> httpx.Response:
            r = c.request(method, url, **kw)
            served.append(r.headers.get("x-served-by", ""))
            assert "x-request-id" in r.headers
            return r

        page = go("GET", "/login")
        token = re.search(r'name="captcha_token" value="([^"]+)"', page.text).group(1)
        assert go("GET", f"/captcha/{token}/image.png").status_code == 200
        seen["captcha_node"] = served[-1]  # the node that drew the image
        r = go(
            "POST",
            "/login",
            data={
                "login_id": "03734301",
                "password": "Correct-horse-battery-9",
                "captcha": "TEST1",
                "captcha_token": token,
                "_csrf_token": c.cookies.get("arc_csrf"),
            },
        )
        assert r.status_code in (302, 303), r.text[:500]
        seen["login_node"] = served[-1]
        home = go("GET", "/")
        assert home.status_code == 200 and 'data-signed-in="1"' in home.text
        r = go(
            "POST",
            "/payment/start",
            data={"group": str(gid), "method": "card", "_csrf_token": c.cookies.get("arc_csrf")},
        )
        assert r.status_code == 303, r.text[:500]
        location = r.headers["location"]
        assert location.startswith(d["gateway"])
        order_no = dict(httpx.URL(location).params)["order_no"]
        with httpx.Client(base_url=d["gateway"], timeout=60) as gw:
            assert gw.get(httpx.URL(location).raw_path.decode()).status_code == 200
            back = gw.post(
                f"/pay/{order_no}", data={"card_number": CARD_SUCCESS, "expiry": "12/30", "cvc": "123"}
            )
            assert back.status_code == 303
        seen["order_no"] = order_no
        # One app server dies mid-journey; the proxy sends everything to the other from now on.
        victim = d["procs"]["web1"]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        result = go("GET", f"/payment/result/{order_no}")
        assert result.status_code == 200 and "交易成功" in result.text
        listing = go("GET", "/downloads/receipts?group_no=&receipt_no=&paid_from=&paid_to=")
        assert listing.status_code == 200
        seen["listing"] = listing.text
        seen["served"] = served
        seen["cookies"] = dict(c.cookies)
    return seen


def _download(d: dict, cookies: dict, url: str) -> httpx.Response:
    with httpx.Client(base_url=d["proxy"], timeout=60, cookies=cookies) as c:
        return c.get(url)


async def test_two_app_servers_a_worker_and_nginx(db, tmp_path):
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=2)
    with deployment(tmp_path) as d:
        try:
            seen = await asyncio.to_thread(_journey, d, gid)
            # Both nodes answered; after the kill, nginx found the dead one refusing and went on to the other
            # ("dead, alive" in X-Served-By), and nothing failed.
            nodes = {a for entry in seen["served"] for a in entry.split(", ")}
            assert len(nodes) == 2, seen["served"]
            assert seen["captcha_node"] != seen["login_node"]  # drawn on one, answered on the other
            payment = (await Payment.select().where(Payment.order_no == seen["order_no"]))[0]
            assert payment["status"] == "paid"  # the gateway's notification was applied by one of the nodes
            statuses = {c["status"] for c in await Case.select(Case.status).where(Case.application == gid)}
            assert statuses <= {Status.ISSUED, Status.CARD_PRODUCTION}
            receipt_no = (await Receipt.select(Receipt.receipt_no).where(Receipt.application == gid))[0][
                "receipt_no"
            ]
            assert receipt_no in seen["listing"]
            # The worker pre-rendered the documents into the database store (no node's disk holds them).
            permits = [r["permit_no"] for r in await Permit.select(Permit.permit_no)]
            expected = {f"documents/receipts/{receipt_no}.pdf"} | {
                f"documents/permits/{p}.pdf" for p in permits
            }
            deadline = time.monotonic() + 120
            keys: set[str] = set()
            while time.monotonic() < deadline and not expected <= keys:
                await asyncio.sleep(1)
                rows = await appdb.raw("SELECT key FROM stored_file WHERE key LIKE 'documents/%'")
                keys = {r["key"] for r in rows}
            assert permits and expected <= keys, keys
            r = await asyncio.to_thread(
                _download, d, seen["cookies"], f"/downloads/receipts/{receipt_no}/pdf"
            )
            assert r.status_code == 200 and r.content.startswith(b"%PDF")
            done = await appdb.raw(
                "SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = 'prerender_documents' "
                "AND status = 'succeeded'"
            )
            assert done[0]["n"] >= 1
        except BaseException:
            for log in sorted(d["logs"].glob("*.log")):
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
            raise

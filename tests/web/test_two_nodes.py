"""The deployment, tested (issue 16 item 5): two app servers on different ports, one worker, the sandbox payment
gateway and nginx in front with round robin (deploy/nginx.conf.template), on one PostgreSQL database and Redis.

`test_a_browser_through_the_proxy_while_a_node_dies` drives Chromium (Playwright, /usr/bin/chromium) through
the proxy: login (captcha drawn by one node, answered by the other), roster import (parsed by the worker, its
progress polled on either node), a group with a photo and documents from the imported student, submit, first and
second review at the desk by two reviewers, one app server killed, payment at the gateway (its notification
reaches the surviving node), and the receipt PDF downloaded and read.

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


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_REASON = (
    "" if Path(CHROMIUM).exists() else f"Chromium is not installed at {CHROMIUM} (make system-deps)"
)
if not REASON and BROWSER_REASON:
    print(f"\ntest_two_nodes browser journey skipped: {BROWSER_REASON}", file=sys.stderr)
ROSTER_ROW = [
    "",
    "NODES TEST",
    "20020401",
    "FG_外生",
    "JP_日本",
    "0_男",
    "",
    "TK2468024",
    "外國與外僑學生進入臺灣地區就學",
    "學士",
    "2年級",
    "A_已錄取未註冊",
]


def _browser_journey(d: dict, tmp: Path, db_url: str) -> dict:
    """The user's side in Chromium, through the proxy only (a thread: Playwright's sync API)."""
    import io

    import openpyxl
    import psycopg
    from playwright.sync_api import expect, sync_playwright

    from app.services import excel
    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.browser.test_apply_browser import fill_applicant, image_file
    from tests.review_factories import REVIEWER_PASSWORD
    from tests.support import PASSWORD

    proxy = d["proxy"]
    seen: dict = {"responses": []}

    def record(response) -> None:
        if response.url.startswith(proxy):
            path = response.url[len(proxy) :]
            seen["responses"].append((response.request.method, path, response.headers.get("x-served-by", "")))

    def node_of(method: str, prefix: str) -> str:
        return next(n for m, p, n in reversed(seen["responses"]) if m == method and p.startswith(prefix))

    def sql(query: str, *args) -> list[tuple]:
        with psycopg.connect(db_url) as con:
            return con.execute(query, args).fetchall()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        school = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
        school.set_default_timeout(60_000)
        page = school.new_page()
        page.on("response", record)

        # Login: the captcha image is drawn by one node, the answer goes to the other.
        page.goto(proxy + "/login")
        page.wait_for_load_state("networkidle")
        drew = node_of("GET", "/captcha/")
        # Round robin (one nginx worker): after a request that lands on the drawing node, the next goes elsewhere.
        for _ in range(4):
            if page.request.get(proxy + "/healthz").headers.get("x-served-by") == drew:
                break
        page.fill("#f-login_id", "03734301")
        page.fill("#f-password", PASSWORD)
        page.fill("#f-captcha", "TEST1")
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(proxy + "/")
        seen["captcha_node"], seen["login_node"] = drew, node_of("POST", "/login")

        # Roster import: the worker parses the file; the page polls the import's row on either node.
        page.goto(proxy + "/roster/import")
        template = tmp / "template.xlsx"
        template.write_bytes(excel.template_xlsx())
        wb = openpyxl.load_workbook(io.BytesIO(template.read_bytes()))
        wb[excel.SHEET_TITLE].append(ROSTER_ROW)
        roster = tmp / "Student_List.xlsx"
        wb.save(roster)
        page.select_option("#f-semester", "1")
        page.set_input_files("#f-file", str(roster))
        page.click("#roster-import button[type=submit]")
        result = page.locator(".roster-result")
        expect(result).to_be_visible(timeout=120_000)
        expect(result.locator("h2")).to_have_text("Student_List.xlsx: 成功, 匯入資料: 1筆")
        seen["import_polls"] = [n for m, path, n in seen["responses"] if path.startswith("/roster/imports/")]

        # A group of one from the imported student, with photo and documents, submitted.
        page.goto(proxy + "/apply/foreign/first")
        page.click("text=我要申請")
        page.check("#f-agree")
        page.click("form[action='/apply/foreign/first/terms'] button[type=submit]")
        page.click("text=下一步")
        page.fill("#f-name", "雙節點測試團")
        page.fill("#f-member_count", "1")
        page.select_option("#f-station_code", "S01")
        page.set_input_files("input[name='file_power_of_attorney']", image_file(tmp, "委託書.jpg"))
        page.click("text=下一步並儲存資料")
        expect(page.locator(".flash")).to_contain_text("儲存成功")
        app_url = page.url
        page.click("text=從名冊加入")
        page.fill("#f-name", "NODES")
        page.click("form.filters button[type=submit]")
        page.locator("tr", has_text="NODES TEST").locator("input[name=entry]").check()
        page.click("text=加入勾選的學生")
        page.locator("tbody tr", has_text="NODES TEST").locator("text=編輯").click()
        fill_applicant(page, tmp, name_en=None)
        page.goto(app_url)
        expect(page.locator("tbody tr", has_text="已完成")).to_have_count(1)
        page.click("text=送出")
        page.click("form[data-submit-once] button[type=submit]")
        flash = page.locator(".flash--big")
        expect(flash).to_contain_text("送件成功，團號：")
        group_no = re.search(r"\d{9}", flash.inner_text()).group(0)
        seen["group_no"] = group_no
        (case_id,) = sql(
            'SELECT c.id FROM "case" c JOIN application a ON a.id = c.application WHERE a.group_no = %s',
            group_no,
        )[0]

        # Review at the desk: first review by one reviewer, approval by another (four eyes).
        for username, queue, action in (
            ("reviewer1", "first", "pass_first_review"),
            ("reviewer2", "second", "approve"),
        ):
            desk = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
            desk.set_default_timeout(60_000)
            rpage = desk.new_page()
            rpage.on("response", record)
            rpage.goto(proxy + "/admin/")
            rpage.fill("input[name=username]", username)
            rpage.fill("input[name=password]", REVIEWER_PASSWORD)
            rpage.keyboard.press("Enter")
            deadline = time.monotonic() + 60
            while not any(c["name"] == "id" for c in desk.cookies()):
                assert time.monotonic() < deadline, f"{username}: no back-office session"
                rpage.wait_for_timeout(200)
            rpage.goto(f"{proxy}/review/case/{case_id}?queue={queue}")
            rpage.click(f"form[action$='/decide']:has(#f-comment) button[value={action}]")
            expect(rpage.locator(".flash")).to_contain_text("審核決定已儲存")
            desk.close()

        # One app server dies mid-journey; nginx sends everything to the other from now on.
        victim = d["procs"]["web1"]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        seen["killed_at"] = len(seen["responses"])

        # Payment at the gateway; its notification comes back through the proxy.
        page.goto(proxy + "/payment")
        row = page.locator("tr", has_text=group_no)
        row.locator("input[name=group]").check()
        page.get_by_role("button", name="付款").click()
        page.get_by_role("button", name="確認繳費").click()
        page.get_by_label("國際信用卡網路繳費").check()
        page.get_by_role("button", name="開始繳費").click()
        expect(page.locator("h1")).to_have_text("付款 Payment")
        page.fill("#card", "4242 4242 4242 4242")
        page.get_by_role("button", name=re.compile("確認付款 Pay")).click()
        page.wait_for_url(f"{proxy}/payment/result/*")
        expect(page.locator(".pay-ok")).to_contain_text("交易成功")

        # The receipt PDF, found and downloaded through the surviving node.
        page.goto(proxy + "/downloads/receipts")
        page.fill("#f-group_no", group_no)
        page.get_by_role("button", name="查詢").click()
        with page.expect_download() as rec:
            page.locator("tr", has_text=group_no).get_by_role("link", name="下載").click()
        receipt = tmp / "receipt.pdf"
        rec.value.save_as(receipt)
        seen["receipt_text"] = subprocess.run(
            ["pdftotext", "-layout", str(receipt), "-"], capture_output=True, text=True, check=True
        ).stdout
        browser.close()
    return seen


@pytest.mark.skipif(bool(BROWSER_REASON), reason=BROWSER_REASON or "-")
async def test_a_browser_through_the_proxy_while_a_node_dies(db, tmp_path):
    from tables.tables import Account
    from tests.review_factories import make_reviewers

    ids = await make_school_with_accounts()
    # The submitter step is prefilled from the account: give it the address the form requires.
    await Account.update(
        {
            Account.addr_county: "臺北市",
            Account.addr_district: "大安區",
            Account.addr_street: "羅斯福路四段",
            Account.addr_number: "1號",
        }
    ).where(Account.id == ids["main"])
    await make_reviewers()
    with deployment(tmp_path) as d:
        try:
            seen = await asyncio.to_thread(_browser_journey, d, tmp_path, os.environ["DATABASE_URL"])
            nodes = {n for _, _, entry in seen["responses"] for n in entry.split(", ") if n}
            assert len(nodes) == 2, seen["responses"]
            assert seen["captcha_node"] != seen["login_node"]  # drawn on one node, answered on the other
            assert seen["import_polls"], "the import's page was polled"
            # After the kill every answer came from the survivor (nginx tried the dead one first at times).
            after = [n.split(", ")[-1] for _, _, n in seen["responses"][seen["killed_at"] :] if n]
            assert after and len(set(after)) == 1, after
            text = seen["receipt_text"]
            assert "自行收納款項電子收據" in text and f"團號：{seen['group_no']}" in text
            (payment,) = await Payment.select(Payment.status).where(Payment.school.is_not_null())
            assert payment["status"] == "paid"
        except BaseException:
            for log in sorted(d["logs"].glob("*.log")):
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
            raise

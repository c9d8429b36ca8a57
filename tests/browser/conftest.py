"""Browser tests: a real uvicorn serving a fresh SQLite database with the demo data, and Debian's chromium
driven by Playwright (no browser download). Screenshots land in test-artifacts/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class LiveServer(str):
    """The base URL; `.var_dir` is the server's VAR_DIR (its outbox of mails, uploads)."""

    var_dir: Path

    @property
    def db_path(self) -> Path:
        """The server's SQLite database."""
        return self.var_dir.parent / "browser.sqlite"

    def group_no(self, name: str) -> str:
        """The 團號 the demo's group of this name got when it was submitted (numbers come from the counters)."""
        import sqlite3

        with sqlite3.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT group_no FROM application WHERE name = ? AND group_no IS NOT NULL", (name,)
            ).fetchone()
        assert row, f"no submitted demo group named {name}"
        return row[0]

    def valid_certificates(self, login_id: str = "03734301") -> list[str]:
        """UI nos. of the demo's e-certificates that are still valid, of this account's school, and not yet
        being renewed (the numbers come from the counters, as the demo files its groups through the actions)."""
        import sqlite3
        from datetime import date

        with sqlite3.connect(self.db_path) as conn:
            rows = conn.execute(
                """SELECT c.ui_no FROM permit p JOIN "case" c ON c.id = p."case"
                   JOIN application a ON a.id = p.application
                   WHERE a.school = (SELECT school FROM account WHERE login_id = ?) AND p.expires_on >= ?
                     AND c.ui_no != '' AND c.ui_no NOT IN (
                         SELECT c2.ui_no FROM "case" c2 JOIN application a2 ON a2.id = c2.application
                         WHERE a2.kind = 'renewal')
                   ORDER BY p.id""",
                (login_id, date.today().isoformat()),
            ).fetchall()
        assert rows, "the demo has no valid e-certificate to renew"
        return [r[0] for r in rows]

    def roster_student(self, **row: str) -> None:
        """A roster row of the demo school for one test alone (imported by the school's main account, as the
        demo's rows are): a student no other test signs in as, so its first sign-in asks for the e-mail."""
        import json

        subprocess.run(
            [sys.executable, "-m", "tests.browser.seed_students", json.dumps([row])],
            cwd=ROOT,
            env=server_env(self.var_dir.parent),
            check=True,
            capture_output=True,
        )


def latest_code(var_dir: Path, to: str) -> str:
    """The sign-in code of the newest mail to this address in the server's outbox."""
    import email

    for path in sorted((var_dir / "outbox").glob("*.eml"), reverse=True):
        msg = email.message_from_bytes(path.read_bytes())
        if msg["To"] == to:
            return re.search(r"\b(\d{6})\b", msg.get_payload(decode=True).decode()).group(1)
    raise AssertionError(f"no code mailed to {to}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


def server_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        APP_ENV="test",
        CAPTCHA_FIXED_ANSWER="TEST1",
        VAR_DIR=str(tmp / "var"),
        DATABASE_URL=f"sqlite:///{tmp / 'browser.sqlite'}",
        COOKIE_SECURE="false",
        PICCOLO_CONF="piccolo_conf",
    )
    env.update(extra)
    return env


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def demo_server(
    prefix: str, *seeds: tuple[str, ...], gateway: bool = False, signer: bool = False
) -> Iterator[LiveServer]:
    """The app on a fresh database with the demo data, then each seed (`python -m <module> <args>`); beside it
    the sandbox payment gateway and the stand-in for the local signing component (HiPKI, holding the demo
    school's certificate) when asked for. Each on its own port; the logs stay in the temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    app_port, gw_port, signer_port = _free_port(), _free_port(), _free_port()
    base = f"http://127.0.0.1:{app_port}"
    extra = {"PUBLIC_BASE_URL": base}
    if gateway:
        extra["PAYMENT_GATEWAY_URL"] = f"http://127.0.0.1:{gw_port}"
    if signer:
        extra["LOCAL_SIGNER_URL"] = f"http://127.0.0.1:{signer_port}"
    env = server_env(tmp, **extra)
    py = sys.executable
    setup = [("app.cli", "migrate"), ("app.cli", "demo"), *([("app.cli", "pki")] if signer else []), *seeds]
    for args in setup:
        subprocess.run([py, "-m", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    # (log name, command, the URL that answers once it is up)
    services = [("server", ["serve", "--host", "127.0.0.1", "--port", str(app_port)], base + "/login")]
    if gateway:
        services.append(
            ("gateway", ["gateway", "--port", str(gw_port)], extra["PAYMENT_GATEWAY_URL"] + "/health")
        )
    if signer:
        services.append(
            (
                "signer",
                ["signer", "--port", str(signer_port), "--origin", base],
                extra["LOCAL_SIGNER_URL"] + "/status",
            )
        )
    logs = [open(tmp / f"{name}.log", "wb") for name, _args, _url in services]  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [py, "-m", "app.cli", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for (_name, args, _url), log in zip(services, logs, strict=True)
    ]
    try:
        for (_name, _args, url), proc in zip(services, procs, strict=True):
            _wait(url, proc)
        live = LiveServer(base)
        live.var_dir = tmp / "var"
        yield live
    finally:
        for proc in procs:
            _stop(proc)
        for log in logs:
            log.close()


@pytest.fixture(scope="session")
def live_server():
    """Base URL of the app with demo data (fresh database for the test session), the signer beside it."""
    with demo_server("arc-browser-", signer=True) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, login_id: str = "03734301", password: str = "Demo-2026-pass") -> None:
    page.goto(base + "/login")
    page.fill("#f-login_id", login_id)
    page.fill("#f-password", password)
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/login'] button[type=submit]")


def check_and_submit(page, url: str, check: str, fee: str, shots: str, done: str = "") -> str:
    """確認送件 at `url` (its heading `check` and the fee), then 送出: the result's flash names the fee (and
    `done`); returns its text. Screenshots `shots` with "check" and "result" in place of `{}`."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator("main")).to_contain_text(check)
    expect(page.locator("main")).to_contain_text(fee)
    shot(page, shots.format("check"))
    page.click("form[data-submit-once] button[type=submit]")
    flash = page.locator(".flash--big")
    if done:
        expect(flash).to_contain_text(done)
    expect(flash).to_contain_text(fee)
    shot(page, shots.format("result"))
    return flash.inner_text()

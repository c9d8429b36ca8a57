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

    def group_no(self, name: str) -> str:
        """The 團號 the demo's group of this name got when it was submitted (numbers come from the counters)."""
        import sqlite3

        with sqlite3.connect(self.var_dir.parent / "browser.sqlite") as conn:
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

        with sqlite3.connect(self.var_dir.parent / "browser.sqlite") as conn:
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


@pytest.fixture(scope="session")
def live_server():
    """Base URL of the app with demo data (fresh database for the test session)."""
    tmp = Path(tempfile.mkdtemp(prefix="arc-browser-"))
    port = _free_port()
    signer_port = _free_port()
    env = server_env(
        tmp, LOCAL_SIGNER_URL=f"http://127.0.0.1:{signer_port}", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}"
    )
    py = sys.executable
    subprocess.run([py, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([py, "-m", "app.cli", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([py, "-m", "app.cli", "pki"], cwd=ROOT, env=env, check=True, capture_output=True)
    # The stand-in for the local signing component (HiPKI), holding the demo school's certificate.
    signer = subprocess.Popen(
        [py, "-m", "app.cli", "signer", "--port", str(signer_port), "--origin", f"http://127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = open(tmp / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [py, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = LiveServer(f"http://127.0.0.1:{port}")
    base.var_dir = tmp / "var"
    try:
        _wait(base + "/login", proc)
        _wait(f"http://127.0.0.1:{signer_port}/status", signer)
        yield base
    finally:
        signer.terminate()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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

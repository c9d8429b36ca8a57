"""The job queue's jobs (issue 16, issue 13): mail retried until the SMTP server is back, the scheduled jobs
(settling stale payments, purging what expired) as jobs and as CLI commands, each idempotent."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.workflow import Status
from app.sandbox_gateway import CARD_TIMEOUT
from app.services import jobs, mail, sessions
from tables.tables import Account, CaptchaChallenge, Case, Payment, UserSession
from tests.payment_support import make_group, pay_through, sandbox
from tests.support import make_school_with_accounts

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(jobs, "BACKOFF_BASE", 0.2)
    yield


async def _cli(command: str) -> subprocess.CompletedProcess[str]:
    """`python -m app.cli <command>` on the test database (off the event loop)."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", command],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_mail_sent_while_smtp_is_down_arrives_when_it_is_up(db, monkeypatch, fast_retries):
    from aiosmtpd.controller import Controller

    port = _free_port()
    monkeypatch.setattr(
        mail, "settings", dataclasses.replace(mail.settings, smtp_host="127.0.0.1", smtp_port=port)
    )
    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    # Nothing listens on the port: the first attempts fail, and the caller is not held up by it.
    await mail.send(mail.Mail(to="clerk@school.example", subject="審核結果 Decision", body="本文 body"))
    assert received == []
    await asyncio.sleep(0.5)  # a retry or two fail as well
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await jobs.drain(within=30)
    finally:
        controller.stop()
    assert len(received) == 1 and b"clerk@school.example" in received[0]


async def test_mail_to_the_outbox_is_written_by_the_job(db):
    await mail.send(mail.Mail(to="a@b.example", subject="Hello", body="x"))
    files = sorted(mail.settings.outbox_dir.glob("*.eml"))
    assert files and b"a@b.example" in files[-1].read_bytes()


async def test_purge_expired_job_and_command(db):
    ids = await make_school_with_accounts()
    t = datetime.now(UTC)
    live = await sessions.create_session(account_id=ids["main"], kind="school", ip="")
    await sessions.create_session(account_id=ids["main"], kind="school", ip="")
    await UserSession.update({UserSession.last_seen_at: t - timedelta(hours=2)}).where(
        UserSession.token_hash != sessions.token_hash(live)
    )
    await CaptchaChallenge.insert(
        CaptchaChallenge(
            token="old", answer="AAAAA", created_at=t - timedelta(days=3), expires_at=t - timedelta(days=2)
        ),
        CaptchaChallenge(token="new", answer="AAAAA", created_at=t, expires_at=t + timedelta(minutes=5)),
    )
    result = await jobs.run_job("purge_expired", {})
    assert result == {"sessions": 1, "captchas": 1, "email_codes": 0}
    assert await UserSession.count() == 1
    assert [r["token"] for r in await CaptchaChallenge.select(CaptchaChallenge.token)] == ["new"]
    # Idempotent, and the same job from the command line.
    r = await _cli("purge-expired")
    assert r.returncode == 0, r.stderr
    assert "purge_expired: {'sessions': 0, 'captchas': 0, 'email_codes': 0}" in r.stdout
    assert await Account.count() == 3  # the accounts are untouched


async def test_settle_stale_payments_job_settles_a_lost_notification(client):
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=1)
    await client.login("03734301")
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [gid], CARD_TIMEOUT)
        assert gw.gateway.notifications == []  # the notification was lost
        # Not yet stale: left alone.
        assert await jobs.run_job("settle_stale_payments", {}) == 0
        await Payment.update({Payment.created_at: datetime.now(UTC) - timedelta(minutes=5)}).where(
            Payment.order_no == order_no
        )
        assert await jobs.run_job("settle_stale_payments", {}) == 1
        assert await jobs.run_job("settle_stale_payments", {}) == 0  # idempotent
    statuses = {c["status"] for c in await Case.select(Case.status).where(Case.application == gid)}
    assert statuses <= {Status.ISSUED, Status.CARD_PRODUCTION}
    assert (await Payment.select(Payment.status).where(Payment.order_no == order_no))[0]["status"] == "paid"


async def test_settle_payments_command_runs(db):
    r = await _cli("settle-payments")
    assert r.returncode == 0, r.stderr
    assert "settle_stale_payments: 0" in r.stdout


def test_backoff_grows_and_is_bounded():
    assert [jobs.backoff(n) for n in (1, 2, 3)] == [5.0, 10.0, 20.0]
    assert jobs.backoff(30) == jobs.BACKOFF_MAX


async def test_close_lapsed_supplements_is_a_scheduled_job(db):
    spec = jobs.REGISTRY["close_lapsed_supplements"]
    assert spec.cron and spec.every == timedelta(days=1)
    assert await jobs.run_job("close_lapsed_supplements", {}) == 0  # no grace period set: nothing closes

"""The supervisor's page of failed background jobs on the review desk (issue 16)."""

from __future__ import annotations

import dataclasses
import os

import pytest

from app.services import jobs
from tests.review_factories import admin_session, make_reviewers
from tests.web.test_queue_postgres import _work, queue  # noqa: F401  (the queue fixture)


async def test_only_a_supervisor_sees_the_page(client):
    users = await make_reviewers()
    await admin_session(client, users["reviewer1"])
    assert (await client.get("/review/jobs/")).status_code == 404
    r = await client.get("/review/queue/first")
    assert "/review/jobs/" not in r.text
    await admin_session(client, users["supervisor"])
    r = await client.get("/review/jobs/")
    assert r.status_code == 200 and "失敗的背景作業" in r.text
    assert "本系統目前於網站伺服器內執行背景作業" in r.text  # the embedded default has no queue to list
    assert "/review/jobs/" in (await client.get("/review/queue/first")).text
    client.cookies.set("lang", "en")
    assert "Failed background jobs" in (await client.get("/review/jobs/")).text


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="failed jobs are kept by the PostgreSQL queue; this run is on SQLite",
)
async def test_a_supervisor_retries_a_failed_mail(client, queue, monkeypatch):  # noqa: F811
    from app.queries import jobs as job_queries
    from app.services import mail

    monkeypatch.setattr(
        job_queries.jobs, "settings", dataclasses.replace(jobs.settings, job_queue="procrastinate")
    )
    monkeypatch.setattr(
        mail, "settings", dataclasses.replace(mail.settings, smtp_host="127.0.0.1", smtp_port=1)
    )  # nothing listens there
    monkeypatch.setitem(
        jobs.REGISTRY, "send_mail", dataclasses.replace(jobs.REGISTRY["send_mail"], max_attempts=1)
    )
    monkeypatch.setattr(jobs, "_papp", None)
    papp = jobs._procrastinate()
    async with papp.open_async():
        await mail.send(mail.Mail(to="clerk@school.example", subject="S", body="B"))
        await _work(papp)
        users = await make_reviewers()
        await admin_session(client, users["supervisor"])
        r = await client.get("/review/jobs/")
        assert "寄送電子郵件" in r.text and "clerk@school.example" not in r.text  # arguments are not shown
        job_id = (await jobs.failed_jobs())[0]["id"]
        monkeypatch.setattr(mail, "settings", dataclasses.replace(mail.settings, smtp_host=""))  # the outbox
        r = await client.post_form(f"/review/jobs/{job_id}/retry", {})
        assert "已重新排入此作業" in r.text
        await _work(papp)
        assert await jobs.failed_jobs() == []
        r = await client.post_form(f"/review/jobs/{job_id}/retry", {})
        assert "此作業已非失敗狀態" in r.text

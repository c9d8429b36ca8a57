"""Reminder jobs (issue 16): schools are reminded of supplement deadlines and of e-certificates expiring within
30 days, one mail per school listing its cases, in the school's stored language, with links to each case's
page; each reminder once (recorded), however often the job runs. The mails are read from the outbox as sent."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.actions import reminders, review
from app.domain import reminders as rules
from app.domain.calendar import supplement_deadline
from app.queries.review_calendar import work_calendar
from app.services import jobs
from app.settings import settings
from tables.tables import Account, Application, Case, Reminder
from tests.progress_support import make_permit
from tests.review_factories import actor, make_group, make_reviewers
from tests.support import make_school_with_accounts

ROOT = Path(__file__).resolve().parents[2]


def _outbox() -> set[Path]:
    return set(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else set()


def _read(paths: set[Path]) -> list[email.message.EmailMessage]:
    msgs = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(paths)]
    return [
        m
        for m in msgs
        if "remind" in str(m["Subject"]).lower()
        or "提醒" in str(m["Subject"])
        or "expiring" in str(m["Subject"])
        or "到期" in str(m["Subject"])
    ]


async def _returned_group(ids: dict[str, int], users: dict[str, int], n: int = 2) -> dict:
    g = await make_group(ids["school"], ids["main"], ["first_review"] * n)
    for case_id in g["cases"]:
        await review.return_for_supplement(actor(users["reviewer1"]), case_id, 1, "護照影本不清楚")
    return g


async def test_supplement_deadline_reminders_the_day_before_and_on_the_day_once_each(db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await _returned_group(ids, users)
    other = await make_school_with_accounts("12345675", "另一大學")
    await Account.update({Account.language: "en"}).where(Account.id == other["main"])
    g2 = await _returned_group(other, users, n=1)
    cal = await work_calendar()
    deadline = supplement_deadline(datetime.now(UTC), cal)
    day_before = rules.previous_working_day(deadline, cal)

    before = _outbox()
    assert await reminders.remind_supplement_deadlines(day_before) == 2  # one mail per school
    mails = _read(_outbox() - before)
    assert len(mails) == 2
    zh = next(m for m in mails if m["To"] == "03734301@example.edu.tw")
    en = next(m for m in mails if m["To"] == "12345675@example.edu.tw")
    assert str(zh["Subject"]) == "【居留證線上申辦】補正期限提醒：2 件"
    zh_body = zh.get_content()
    for case_id in g["cases"]:
        receipt_no = (await Case.select(Case.receipt_no).where(Case.id == case_id))[0]["receipt_no"]
        assert f"案件 {receipt_no}：STUDENT" in zh_body
        assert f"{settings.public_base_url}/supplement/groups/{g['application']}/cases/{case_id}" in zh_body
    assert f"{deadline:%Y/%m/%d}" in zh_body and "次一工作日" in zh_body
    assert f"/supplement/groups/{g2['application']}/" not in zh_body  # only the school's own cases
    assert str(en["Subject"]) == "[Resident certificate online] Supplement deadline reminder: 1 case"
    en_body = en.get_content()
    assert f"/supplement/groups/{g2['application']}/cases/{g2['cases'][0]}" in en_body
    assert f"/groups/{g['application']}/" not in en_body
    assert "Deadline:" in en_body and "(next working day)" in en_body

    # Run again the same day (a second worker, a retry, the command line): nothing more.
    before = _outbox()
    assert await reminders.remind_supplement_deadlines(day_before) == 0
    assert _read(_outbox() - before) == []

    # On the deadline: once more, "today".
    before = _outbox()
    assert await reminders.remind_supplement_deadlines(deadline) == 2
    today_mails = _read(_outbox() - before)
    assert len(today_mails) == 2
    zh_today = next(m for m in today_mails if m["To"] == "03734301@example.edu.tw").get_content()
    assert f"今日（{deadline:%Y/%m/%d}）" in zh_today
    assert await reminders.remind_supplement_deadlines(deadline) == 0
    # After the deadline nothing is sent.
    assert await reminders.remind_supplement_deadlines(deadline + timedelta(days=1)) == 0
    assert await Reminder.count() == 6  # 3 cases x 2 thresholds


async def test_an_answered_supplement_is_not_reminded(db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await _returned_group(ids, users, n=2)
    await Case.update({Case.status: "first_review"}).where(Case.id == g["cases"][0])  # answered
    cal = await work_calendar()
    deadline = supplement_deadline(datetime.now(UTC), cal)
    before = _outbox()
    assert await reminders.remind_supplement_deadlines(deadline) == 1
    (m,) = _read(_outbox() - before)
    body = m.get_content()
    assert f"/cases/{g['cases'][1]}" in body and f"/cases/{g['cases'][0]}" not in body


async def test_expiring_e_certificates_one_mail_per_school_once(db):
    today = date.today()
    ids = await make_school_with_accounts()
    soon = await make_permit(ids["school"], ids["main"], "A800000014", expires=today + timedelta(days=20))
    also = await make_permit(ids["school"], ids["main"], "A800000023", expires=today + timedelta(days=30))
    later = await make_permit(ids["school"], ids["main"], "A800000032", expires=today + timedelta(days=45))
    renewed = await make_permit(ids["school"], ids["main"], "A800000041", expires=today + timedelta(days=10))
    # The student of `renewed` has filed the renewal (換證) under the certificate's 統一證號.
    r = await make_group(ids["school"], ids["main"], ["first_review"], name="換證")
    await Application.update({Application.kind: "renewal"}).where(Application.id == r["application"])
    await Case.update({Case.ui_no: "A800000041"}).where(Case.id == r["cases"][0])
    other = await make_school_with_accounts("12345675", "另一大學")
    await Account.update({Account.language: "en"}).where(Account.id == other["main"])
    theirs = await make_permit(
        other["school"], other["main"], "A800000050", expires=today + timedelta(days=1)
    )

    before = _outbox()
    assert await reminders.remind_expiring_permits(today) == 2
    mails = _read(_outbox() - before)
    zh = next(m for m in mails if m["To"] == "03734301@example.edu.tw")
    en = next(m for m in mails if m["To"] == "12345675@example.edu.tw")
    assert str(zh["Subject"]) == "【居留證線上申辦】電子居留證即將到期：2 件"
    body = zh.get_content()
    for p in (soon, also):
        assert p["permit_no"] in body
        assert f"{settings.public_base_url}/progress/groups/{p['application']}/cases/{p['case']}" in body
    assert later["permit_no"] not in body and renewed["permit_no"] not in body
    assert theirs["permit_no"] not in body
    assert f"{today + timedelta(days=20):%Y/%m/%d}" in body
    assert "30 天" in body
    en_body = en.get_content()
    assert str(en["Subject"]) == "[Resident certificate online] E-certificate expiring: 1 case"
    assert theirs["permit_no"] in en_body and soon["permit_no"] not in en_body
    assert "valid until" in en_body

    # Once per certificate: the next days bring nothing for these, the one entering the window comes alone.
    before = _outbox()
    assert await reminders.remind_expiring_permits(today) == 0
    assert await reminders.remind_expiring_permits(today + timedelta(days=15)) == 1
    (m,) = _read(_outbox() - before)
    assert later["permit_no"] in m.get_content() and soon["permit_no"] not in m.get_content()


async def test_reminders_are_scheduled_jobs_with_a_command_each(db):
    for name in ("remind_supplement_deadlines", "remind_expiring_permits"):
        spec = jobs.REGISTRY[name]
        assert spec.cron and spec.every
    ids = await make_school_with_accounts()
    p = await make_permit(ids["school"], ids["main"], "A800000014", expires=date.today() + timedelta(days=5))
    before = _outbox()

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", command],
            cwd=ROOT,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=120,
        )

    r = await asyncio.to_thread(run, "remind-expiring")
    assert r.returncode == 0, r.stderr
    assert "remind_expiring_permits: 1" in r.stdout
    (m,) = _read(_outbox() - before)
    assert p["permit_no"] in m.get_content()
    r = await asyncio.to_thread(run, "remind-expiring")
    assert "remind_expiring_permits: 0" in r.stdout  # recorded: not again
    r = await asyncio.to_thread(run, "remind-supplements")
    assert r.returncode == 0 and "remind_supplement_deadlines: 0" in r.stdout

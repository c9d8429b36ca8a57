"""The background jobs (issue 16), registered with `app.services.jobs`: the same functions run in a worker
(`python -m app.cli worker`, JOB_QUEUE=procrastinate) or in the server process (the embedded default).

Each is idempotent: run twice, it does its work once (or harmlessly again: a mail is only retried after an
attempt that failed to hand it over).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from app.services.jobs import job

log = logging.getLogger("arc.jobs")


@job("send_mail", max_attempts=12)
async def send_mail(to: str, subject: str, body: str) -> None:
    """Hand one message to SMTP (or the outbox folder). An unreachable server raises: the job is retried with
    backoff (5 s … 1 h apart, about 5 hours in all), so mail sent while SMTP is down arrives once it is up."""
    import asyncio

    from app.services import mail

    await asyncio.to_thread(mail.send_now, mail.Mail(to=to, subject=subject, body=body))


@job("prerender_documents", max_attempts=5)
async def prerender_documents(order_no: str) -> int:
    """After a payment: render and store its receipts and certificates, so the first download finds them.
    Already stored documents are not rendered again."""
    from app.queries import payment as payment_queries
    from app.services import issued

    receipts, permits = await payment_queries.documents_of_payment(order_no)
    for content in receipts:
        await issued.receipt_pdf(content)
    by_group: dict[str, list[dict[str, Any]]] = {}
    for content in permits:
        by_group.setdefault(content.get("group_no", ""), []).append(content)
    for group in by_group.values():
        await issued.render_group_permits(group)  # one document pass per group
    return len(receipts) + len(permits)


@job("parse_roster", max_attempts=3)
async def parse_roster(import_id: int, today: str) -> str:
    """A queued roster import (JOB_QUEUE=procrastinate): the file from the storage interface is parsed and its
    rows written in one transaction, progress and outcome on the import's row. Idempotent: a finished import
    is left alone, one whose worker died is parsed again (its transaction never committed)."""
    from datetime import date

    from app.actions import roster

    return await roster.run_queued_import(import_id, date.fromisoformat(today))


@job("settle_stale_payments", max_attempts=3, cron="*/5 * * * *", every=timedelta(minutes=5))
async def settle_stale_payments() -> int:
    """Pending online payments older than two minutes are settled by asking the gateway."""
    from app.actions import payment

    n = await payment.settle_stale_payments()
    if n:
        log.info("settled %d pending payments by query", n)
    return n


@job("purge_expired", max_attempts=3, cron="17 * * * *", every=timedelta(hours=1))
async def purge_expired() -> dict[str, Any]:
    """Expired sessions, captchas and e-mail codes go."""
    from app.actions import maintenance

    return await maintenance.purge_expired()


@job("retry_stalled_jobs", max_attempts=1)
async def retry_stalled_jobs() -> int:
    """Jobs whose worker died mid-way (no heartbeat for JOB_STALLED_AFTER seconds) run again (procrastinate
    only). Every worker already does this on its own every half of that period (`jobs.run_worker`); this job
    is the same check on demand."""
    from app.services import jobs

    return await jobs.retry_stalled()


@job("close_lapsed_supplements", max_attempts=3, cron="30 1 * * *", every=timedelta(days=1))
async def close_lapsed_supplements() -> int:
    """Supplements past their deadline plus the supervisors' grace period are closed as 不受理 (the reviewers'
    rule; nothing while no grace period is set), with their e-mails. Idempotent: a closed case is not found
    again. Daily at 01:30."""
    from app.actions.review_cases import close_lapsed_supplements as close

    outcomes = await close()
    return sum(len(o.case_ids) for o in outcomes)


@job("remind_supplement_deadlines", max_attempts=3, cron="0 0 * * *", every=timedelta(hours=6))
async def remind_supplement_deadlines() -> int:
    """Schools are reminded of supplements due on the next working day and today: one mail per school listing
    its cases (app.actions.reminders). Daily at 00:00 UTC, 08:00 in Taipei (the inline runner: every 6 hours,
    harmless since each reminder is recorded and sent once)."""
    from app.actions import reminders

    return await reminders.remind_supplement_deadlines()


@job("remind_expiring_permits", max_attempts=3, cron="5 0 * * *", every=timedelta(hours=6))
async def remind_expiring_permits() -> int:
    """Schools are reminded of e-certificates expiring within 30 days, once per certificate: one mail per
    school listing its cases. Daily at 00:05 UTC, 08:05 in Taipei."""
    from app.actions import reminders

    return await reminders.remind_expiring_permits()

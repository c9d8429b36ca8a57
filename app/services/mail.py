"""Outgoing mail: SMTP when SMTP_HOST is set, otherwise .eml files under var/outbox/ (dev and test).

Messages are built in the recipient's language by the caller (use `app.i18n.use_locale`).
Sending happens after the transaction that decided it has committed, as a job of the queue
(`send()` enqueues `send_mail`; `send_now()` is the job's one attempt).
"""

from __future__ import annotations

import itertools
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from app.settings import settings

log = logging.getLogger("arc.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def subject_line(text: str) -> str:
    """Every mail's subject, with the one prefix that names the system (【居留證線上申辦】), in the current
    locale (build it inside the recipient's `use_locale`)."""
    from app.i18n import gettext as _

    return _("[Resident certificate online] %(subject)s", subject=text)


def build(mail: Mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="arc.local")
    msg.set_content(mail.body)
    return msg


def _send_smtp(msg: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(msg)


_written = itertools.count()


def _write_eml(msg: EmailMessage) -> None:
    settings.outbox_dir.mkdir(parents=True, exist_ok=True)
    # Names sort in the order the messages were written: microseconds, then this process's count.
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{next(_written):06d}-{uuid.uuid4().hex[:8]}.eml"
    (settings.outbox_dir / name).write_bytes(bytes(msg))


def send_now(mail: Mail) -> None:
    msg = build(mail)
    if settings.smtp_host:
        _send_smtp(msg)
    else:
        _write_eml(msg)


async def send(mail: Mail) -> None:
    """Send one message through the job queue (`send_mail` in app/tasks.py): retried with backoff while the
    SMTP server is down; a failure is logged, never raised to the user, and never holds a page."""
    from app.services import jobs

    await jobs.enqueue("send_mail", to=mail.to, subject=mail.subject, body=mail.body)

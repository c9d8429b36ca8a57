"""The dev/test outbox: messages are files whose names sort in the order they were written."""

from __future__ import annotations

import uuid

from app.services import mail
from app.settings import settings


def _subject(path) -> str:
    return next(line for line in path.read_text().splitlines() if line.startswith("Subject: "))[9:]


def test_outbox_names_sort_in_writing_order():
    assert not settings.smtp_host  # tests write the outbox
    tag = uuid.uuid4().hex[:8]
    subjects = [f"{tag} message {i:02d}" for i in range(50)]  # many within one second, as a test's mails are
    for s in subjects:
        mail.send_now(mail.Mail(to="one@example.org", subject=s, body="body"))
    names = sorted(settings.outbox_dir.glob("*.eml"))
    assert [s for s in map(_subject, names) if s.startswith(tag)] == subjects

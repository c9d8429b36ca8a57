"""The dev/test outbox: messages are files whose names sort in the order they were written."""

from __future__ import annotations

import dataclasses
import uuid

from app.services import mail


def _subject(path) -> str:
    return next(line for line in path.read_text().splitlines() if line.startswith("Subject: "))[9:]


def test_outbox_names_sort_in_writing_order(tmp_path, monkeypatch):
    # An outbox of its own (no SMTP server), so what other tests of this process sent cannot interfere.
    monkeypatch.setattr(mail, "settings", dataclasses.replace(mail.settings, var_dir=tmp_path, smtp_host=""))
    tag = uuid.uuid4().hex[:8]
    subjects = [f"{tag} message {i:02d}" for i in range(50)]  # many within one second, as a test's mails are
    for s in subjects:
        mail.send_now(mail.Mail(to="one@example.org", subject=s, body="body"))
    names = sorted(mail.settings.outbox_dir.glob("*.eml"))
    assert [_subject(p) for p in names] == subjects

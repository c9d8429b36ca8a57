"""Attachments of an application.

`list_attachments()` is unscoped: for the reviewers' back office, whose own guard decides who may
call it. School and student pages use the scoped queries in `app.queries.apply`.
"""

from __future__ import annotations

from typing import Any

from tables.tables import Attachment

COLUMNS = (
    Attachment.id,
    Attachment.application,
    Attachment.case,
    Attachment.kind,
    Attachment.original_name,
    Attachment.stored_name,
    Attachment.content_type,
    Attachment.size,
    Attachment.uploaded_by,
    Attachment.uploaded_at,
)


async def list_attachments(application_id: int, case_id: int | None = None) -> list[dict[str, Any]]:
    """The group's own attachments (case_id None) or one case's, oldest first."""
    clause = Attachment.application == application_id
    clause = clause & (Attachment.case.is_null() if case_id is None else Attachment.case == case_id)
    return await Attachment.select(*COLUMNS).where(clause).order_by(Attachment.id)

"""The supervisor's view of the job queue (issue 16): failed jobs, without their arguments (they may hold mail)."""

from __future__ import annotations

from typing import Any

from app.domain.workflow import Role
from app.services import jobs


async def list_failed_jobs(role: Role) -> list[dict[str, Any]] | None:
    """Failed jobs, newest first; None for anyone but a supervisor."""
    if role != Role.SUPERVISOR:
        return None
    return await jobs.failed_jobs()


def queue_kind() -> str:
    return "procrastinate" if jobs.settings.job_queue == "procrastinate" else "inline"

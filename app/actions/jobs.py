"""A supervisor retries a failed job (issue 16)."""

from __future__ import annotations

import logging
from typing import Any

from app.domain.workflow import Role
from app.services import jobs

log = logging.getLogger("arc.jobs")


class Refused(Exception):
    pass


async def retry_failed_job(actor: Any, role: Role, job_id: int) -> bool:
    """Queue a failed job again (jobs are idempotent). False if it is not a failed job (any more)."""
    if role != Role.SUPERVISOR:
        raise Refused
    ok = await jobs.retry_failed(job_id)
    log.info("failed job %s retried by %s: %s", job_id, getattr(actor, "login_id", "?"), ok)
    return ok

"""Housekeeping writes run as scheduled jobs (issue 13, issue 16): purge what has expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import db
from app.services import sessions
from tables.tables import CaptchaChallenge, EmailCode

KEEP_EXPIRED = timedelta(days=1)  # expired challenges and codes stay a day (the audit log keeps the attempts)


async def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Delete sessions past their idle or absolute limit, and captchas and e-mail codes expired for a day.
    Idempotent: a second run finds nothing. Returns how many rows of each went."""
    t = now or datetime.now(UTC)
    async with db.write_tx():
        before = await sessions.count_expired(t)
        await sessions.purge_expired(t)
        captchas = await CaptchaChallenge.count().where(CaptchaChallenge.expires_at < t - KEEP_EXPIRED)
        await CaptchaChallenge.delete().where(CaptchaChallenge.expires_at < t - KEEP_EXPIRED)
        codes = await EmailCode.count().where(EmailCode.expires_at < t - KEEP_EXPIRED)
        await EmailCode.delete().where(EmailCode.expires_at < t - KEEP_EXPIRED)
    return {"sessions": before, "captchas": captchas, "email_codes": codes}

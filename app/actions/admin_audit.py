"""The back office's audit log (稽核紀錄): one row per sign-in, account change, master-data change or form.

Written by `app.admin_guard` after piccolo-admin answered; nothing secret is stored (passwords, tokens and
codes are masked)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from app import db
from tables.tables import AdminAudit

SECRET_KEYS = ("password", "secret", "token", "code", "csrf")
DETAIL_MAX = 4000


def mask(data: Any) -> Any:
    """The submitted fields with every secret-looking value replaced."""
    if isinstance(data, dict):
        return {
            k: ("***" if any(s in str(k).lower() for s in SECRET_KEYS) else mask(v)) for k, v in data.items()
        }
    if isinstance(data, list):
        return [mask(v) for v in data]
    return data


async def record(
    event: str,
    *,
    username: str = "",
    user_id: int | None = None,
    target: str = "",
    row_id: str = "",
    detail: Any = None,
    status: int = 0,
    ip: str = "",
) -> None:
    text = "" if detail is None else json.dumps(mask(detail), ensure_ascii=False, default=str)[:DETAIL_MAX]
    async with db.write_tx():
        await AdminAudit.insert(
            AdminAudit(
                created_at=datetime.now(UTC),
                event=event[:20],
                username=(username or "")[:100],
                user_id=user_id,
                target=target[:100],
                row_id=str(row_id)[:40],
                detail=text,
                status=status,
                ip=(ip or "")[:64],
            )
        )

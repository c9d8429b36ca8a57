"""Reads for 帳號維護, scoped to the actor's school (main account) or the actor itself."""

from __future__ import annotations

from typing import Any

from app.domain.actor import Actor
from tables.tables import Account, School


async def get_own_account(actor: Actor) -> dict[str, Any] | None:
    rows = await Account.select().where((Account.id == actor.account_id) & (Account.deleted == False))  # noqa: E712
    return rows[0] if rows else None


async def get_school(actor: Actor) -> dict[str, Any] | None:
    rows = await School.select().where(School.id == actor.school_id)
    return rows[0] if rows else None


async def list_school_accounts(actor: Actor) -> list[dict[str, Any]]:
    """The main account first, then its sub-accounts (序號, 帳號, 姓名, 單位名稱, 最後登入時間, 帳號狀態)."""
    if not actor.is_main:
        return []
    return (
        await Account.select(
            Account.id,
            Account.login_id,
            Account.name,
            Account.unit,
            Account.last_login_at,
            Account.enabled,
            Account.is_main,
        )
        .where(
            (Account.school == actor.school_id) & (Account.deleted == False)  # noqa: E712
        )
        .order_by(Account.is_main, ascending=False)
        .order_by(Account.login_id)
    )


async def get_sub_account(actor: Actor, account_id: int) -> dict[str, Any] | None:
    """One of the main account's sub-accounts, or None (another school's, the main itself, deleted)."""
    if not actor.is_main:
        return None
    rows = await Account.select().where(
        (Account.id == account_id)
        & (Account.school == actor.school_id)
        & (Account.is_main == False)  # noqa: E712
        & (Account.deleted == False)  # noqa: E712
    )
    return rows[0] if rows else None


async def all_login_ids_of_school(school_id: int) -> list[str]:
    rows = await Account.select(Account.login_id).where(Account.school == school_id)
    return [r["login_id"] for r in rows]

"""帳號維護 writes: passwords, profiles, sub-accounts. Each is one transaction and checks scope."""

from __future__ import annotations

from typing import Any

from app import db
from app.actions.auth import audit
from app.domain import passwords
from app.domain.actor import Actor
from app.domain.addresses import ADDRESS_PARTS
from app.domain.profiles import (
    check_account_profile,
    check_school_profile,
    in_form_order,
    next_sub_account_id,
    parse_date,
)
from app.domain.validators import clean_id
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.queries import accounts as account_queries
from app.services import hashing, sessions
from app.services.sessions import now
from tables.tables import Account, PasswordHistory, School


class NotFound(Exception):
    """Not the actor's to see or change (answered as 404)."""


MISMATCH = _l("The two new passwords do not match.")


async def _password_problems(
    account: dict[str, Any], school_name: str, new: str, confirm: str | None, *, check_history: bool = True
) -> list[str]:
    problems = [
        str(p)
        for p in passwords.password_problems(
            new, login_id=account["login_id"], school_name=school_name, confirm=confirm
        )
    ]
    if not check_history or [p for p in problems if p != str(MISMATCH)]:
        return problems
    history = (
        await PasswordHistory.select(PasswordHistory.password_hash)
        .where(PasswordHistory.account == account["id"])
        .order_by(PasswordHistory.created_at, ascending=False)
        .limit(passwords.HISTORY - 1)
    )
    hashes = [account["password_hash"]] + [h["password_hash"] for h in history]
    for old in hashes[: passwords.HISTORY]:
        if await hashing.verify_password(old, new):
            problems.insert(
                0, _("The new password must differ from your last %(n)d passwords.", n=passwords.HISTORY)
            )
            break
    return problems


async def _new_password_errors(
    account: dict[str, Any], school_name: str, new: str, confirm: str, *, check_history: bool = True
) -> dict[str, str]:
    """The new password and its confirmation: every problem at once, each beside its field (required, the
    rules, the confirmation). The history is checked only when the current password was right: it holds
    the current password, so it would tell a session thief whether a guess is the current password."""
    errors: dict[str, str] = {}
    if not new:
        errors["new_password"] = _("Required")
    if not confirm:
        errors["confirm_password"] = _("Required")
    if not new:
        return errors
    problems = await _password_problems(
        account, school_name, new, confirm or None, check_history=check_history
    )
    rest = [p for p in problems if p != str(MISMATCH)]
    if rest:
        errors["new_password"] = " ".join(rest)
    if len(rest) < len(problems) and "confirm_password" not in errors:
        errors["confirm_password"] = str(MISMATCH)
    return errors


async def _set_password(account_id: int, new_hash: str, old_hash: str) -> None:
    t = now()
    await PasswordHistory.insert(PasswordHistory(account=account_id, password_hash=old_hash, created_at=t))
    await Account.update(
        {
            Account.password_hash: new_hash,
            Account.password_changed_at: t,
            Account.failed_logins: 0,
            Account.locked_until: None,
            Account.version: Account.version + 1,
        }
    ).where(Account.id == account_id)
    # Keep only what the history rule needs.
    keep = (
        await PasswordHistory.select(PasswordHistory.id)
        .where(PasswordHistory.account == account_id)
        .order_by(PasswordHistory.created_at, ascending=False)
        .limit(passwords.HISTORY)
    )
    keep_ids = [k["id"] for k in keep]
    if keep_ids:
        await PasswordHistory.delete().where(
            (PasswordHistory.account == account_id) & PasswordHistory.id.not_in(keep_ids)
        )
    # Every session of the account ends: it signs in again with the new password.
    await sessions.delete_for_account(account_id)


async def change_own_password(
    actor: Actor, current: str, new: str, confirm: str, ip: str = ""
) -> dict[str, str]:
    """密碼修改. Returns {field: message}; empty means changed (and every session of the account ended)."""
    account = await account_queries.get_own_account(actor)
    if account is None:
        raise NotFound
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = _("Required")
    elif not await hashing.verify_password(account["password_hash"], current):
        errors["current_password"] = _("The current password is incorrect.")
    errors.update(
        await _new_password_errors(account, actor.school_name, new, confirm, check_history=not errors)
    )
    if errors:
        return errors
    new_hash = await hashing.hash_password(new)
    async with db.write_tx():
        await _set_password(account["id"], new_hash, account["password_hash"])
        await audit(
            "password_change",
            login_id=actor.login_id,
            account_id=actor.account_id,
            ip=ip,
            actor_login_id=actor.login_id,
        )
    return {}


def _address_values(data: dict[str, str], prefix: str, column_prefix: str, table) -> dict:
    return {
        getattr(table, f"{column_prefix}_{part}"): data.get(f"{prefix}_{part}", "") for part in ADDRESS_PARTS
    }


async def update_profile(actor: Actor, data: dict[str, str]) -> dict[str, str]:
    """基本資料維護: the main account edits the school and itself; a sub-account only itself."""
    account = await account_queries.get_own_account(actor)
    if account is None:
        raise NotFound
    errors = check_account_profile(data, sub_account=not actor.is_main)
    if actor.is_main:
        errors = in_form_order(errors | check_school_profile(data))
    if errors:
        return errors
    values: dict = {
        Account.name: data["name"],
        Account.national_id: clean_id(data.get("national_id")),
        Account.phone: data.get("phone", ""),
        Account.phone_ext: data.get("phone_ext", ""),
        Account.mobile: data.get("mobile", ""),
        Account.email: data["email"],
    }
    if not actor.is_main:
        values[Account.birthday] = parse_date(data.get("birthday"))
        values[Account.unit] = data.get("unit", "")
        values.update(_address_values(data, "addr", "addr", Account))
    async with db.write_tx():
        await Account.update(values).where(Account.id == account["id"])
        if actor.is_main:
            school_values: dict = {
                School.head: data.get("school_head", ""),
                School.unit: data.get("school_unit", ""),
                School.phone: data.get("school_phone", ""),
                School.fax: data.get("school_fax", ""),
                School.email: data.get("school_email", ""),
            }
            school_values.update(_address_values(data, "school_addr", "addr", School))
            await School.update(school_values).where(School.id == actor.school_id)
        await audit(
            "profile_update",
            login_id=actor.login_id,
            account_id=actor.account_id,
            actor_login_id=actor.login_id,
        )
    return {}


async def create_sub_account(actor: Actor, data: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """建立帳號: the next free `<main id>-NN`. Returns (errors, new login id)."""
    if not actor.is_main:
        raise NotFound
    errors = check_account_profile(data, sub_account=True)
    password, confirm = data.get("password", ""), data.get("confirm_password", "")
    if not password:
        errors["password"] = _("Required")
    if not confirm:
        errors["confirm_password"] = _("Required")
    async with db.write_tx():
        login_id = next_sub_account_id(
            actor.login_id, await account_queries.all_login_ids_of_school(actor.school_id)
        )
        if password and confirm:
            problems = [
                str(p)
                for p in passwords.password_problems(
                    password, login_id=login_id, school_name=actor.school_name, confirm=confirm
                )
            ]
            if problems == [_("The two new passwords do not match.")]:
                errors["confirm_password"] = problems[0]
            elif problems:
                errors["password"] = " ".join(problems)
        if errors:
            return in_form_order(errors), None
        password_hash = await hashing.hash_password(password)
        t = now()
        row = Account(
            login_id=login_id,
            school=actor.school_id,
            is_main=False,
            name=data["name"],
            national_id=clean_id(data.get("national_id")),
            birthday=parse_date(data.get("birthday")),
            unit=data.get("unit", ""),
            phone=data.get("phone", ""),
            phone_ext=data.get("phone_ext", ""),
            mobile=data.get("mobile", ""),
            email=data["email"],
            enabled=True,
            deleted=False,
            password_hash=password_hash,
            password_changed_at=t,
            created_at=t,
            **{f"addr_{p}": data.get(f"addr_{p}", "") for p in ADDRESS_PARTS},
        )
        await row.save()
        await audit("account_created", login_id=login_id, account_id=row.id, actor_login_id=actor.login_id)
    return {}, login_id


async def change_sub_account_password(
    actor: Actor, account_id: int, new: str, confirm: str
) -> dict[str, str]:
    account = await account_queries.get_sub_account(actor, account_id)
    if account is None:
        raise NotFound
    errors: dict[str, str] = {}
    errors.update(await _new_password_errors(account, actor.school_name, new, confirm))
    if errors:
        return errors
    new_hash = await hashing.hash_password(new)
    async with db.write_tx():
        await _set_password(account_id, new_hash, account["password_hash"])
        await audit(
            "password_reset",
            login_id=account["login_id"],
            account_id=account_id,
            actor_login_id=actor.login_id,
        )
    return {}


async def set_sub_account_enabled(actor: Actor, account_id: int, enabled: bool) -> None:
    """啟用 / 停用. Disabling ends every session of that account at once."""
    account = await account_queries.get_sub_account(actor, account_id)
    if account is None:
        raise NotFound
    async with db.write_tx():
        await Account.update({Account.enabled: enabled, Account.version: Account.version + 1}).where(
            Account.id == account_id
        )
        if not enabled:
            await sessions.delete_for_account(account_id)
        await audit(
            "account_enabled" if enabled else "account_disabled",
            login_id=account["login_id"],
            account_id=account_id,
            actor_login_id=actor.login_id,
        )


async def delete_sub_account(actor: Actor, account_id: int) -> None:
    """刪除帳號: the account can no longer sign in and leaves the list; its cases stay with the school."""
    account = await account_queries.get_sub_account(actor, account_id)
    if account is None:
        raise NotFound
    async with db.write_tx():
        await Account.update(
            {Account.deleted: True, Account.enabled: False, Account.version: Account.version + 1}
        ).where(Account.id == account_id)
        await sessions.delete_for_account(account_id)
        await audit(
            "account_deleted",
            login_id=account["login_id"],
            account_id=account_id,
            actor_login_id=actor.login_id,
        )

"""Helpers for tests: schema, factories, a test client that speaks CSRF and logs in."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime
from typing import Any

from litestar.testing import AsyncTestClient

from app import db as appdb
from app.main import CSRF_COOKIE, create_app
from app.services.hashing import hash_password_sync
from tables.tables import Account, School

PASSWORD = "Correct-horse-battery-9"
_HASH: str | None = None
_migrated = False


async def migrate_once() -> None:
    global _migrated
    if _migrated:
        return
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    assert result.success, result.message
    _migrated = True


def _tables_in_delete_order():
    from piccolo.apps.user.tables import BaseUser
    from piccolo.table import sort_table_classes
    from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
    from piccolo_api.session_auth.tables import SessionsBase

    from tables.piccolo_app import APP_CONFIG

    tables = sort_table_classes(list(APP_CONFIG.table_classes))
    return list(reversed(tables)) + [AuthenticatorSecret, SessionsBase, BaseUser]


async def truncate_all() -> None:
    # Stored documents go with the rows they were rendered from: numbers restart in an empty database, and
    # a PDF left by an earlier test (another date, another person) would be served under the same number.
    # (The database store's tables are emptied below with the others.)
    import shutil

    from app.settings import settings

    shutil.rmtree(settings.var_dir / "documents", ignore_errors=True)
    if appdb.is_postgres():
        names = ", ".join(f'"{t._meta.tablename}"' for t in _tables_in_delete_order())
        await appdb.engine().run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        # The number counters' sequences (app.actions.apply.next_sequence) start again too.
        for name in await appdb.sequence_values("arc_seq_"):
            await appdb.engine().run_ddl(f"DROP SEQUENCE IF EXISTS {name}")
    else:
        for t in _tables_in_delete_order():
            await t.delete(force=True)
    # The service stations are reference data the migration loads: every test starts with the agency's list.
    from app.actions.stations import load_reference_stations
    from app.queries import stations as station_queries

    await load_reference_stations()
    await station_queries.refresh(force=True)


def password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_password_sync(PASSWORD)
    return _HASH


async def make_school(name: str = "測試大學", business_no: str = "03734301", **kw: Any) -> int:
    s = School(name=name, business_no=business_no, created_at=datetime.now(UTC), **kw)
    await s.save()
    return s.id


async def make_account(
    login_id: str,
    school_id: int,
    *,
    main: bool = False,
    enabled: bool = True,
    name: str = "測試人",
    **kw: Any,
) -> int:
    a = Account(
        login_id=login_id,
        school=school_id,
        is_main=main,
        name=name,
        enabled=enabled,
        password_hash=kw.pop("password_hash", password_hash()),
        email=f"{login_id}@example.edu.tw",
        phone="0223456789",
        birthday=date(1980, 1, 1),
        national_id="A123456789",
        created_at=datetime.now(UTC),
        **kw,
    )
    await a.save()
    return a.id


async def make_school_with_accounts(prefix: str = "03734301", name: str = "測試大學") -> dict[str, int]:
    sid = await make_school(name=name, business_no=prefix)
    return {
        "school": sid,
        "main": await make_account(prefix, sid, main=True),
        "sub1": await make_account(f"{prefix}-01", sid, name="子帳號一"),
        "sub2": await make_account(f"{prefix}-02", sid, name="子帳號二"),
    }


class Client(AsyncTestClient):
    """A test client that sends the CSRF token like the pages do."""

    def csrf(self) -> str:
        return self.cookies.get(CSRF_COOKIE) or ""

    async def ensure_csrf(self) -> str:
        if not self.csrf():
            await self.get("/login")
        return self.csrf()

    async def post_form(self, url: str, data: dict[str, Any] | None = None, **kw: Any):
        token = await self.ensure_csrf()
        payload = dict(data or {})
        payload["_csrf_token"] = token
        return await self.post(url, data=payload, **kw)

    async def login(self, login_id: str, password: str = PASSWORD, captcha: str = "TEST1"):
        page = await self.get("/login")
        token = captcha_token(page.text)
        return await self.post_form(
            "/login", {"login_id": login_id, "password": password, "captcha": captcha, "captcha_token": token}
        )


def captcha_token(html: str) -> str:
    m = re.search(r'name="captcha_token" value="([^"]+)"', html)
    assert m, "no captcha on the page"
    return m.group(1)


@contextlib.asynccontextmanager
async def make_client():
    async with Client(app=create_app(), base_url="http://testserver.local") as c:
        yield c

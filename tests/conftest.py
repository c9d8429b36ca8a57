"""Test setup: a real database per xdist worker (SQLite file, or PostgreSQL when DATABASE_URL says so).

The environment is fixed before the app is imported: APP_ENV=test, a fixed captcha answer, a
private VAR_DIR. The schema is built by running the real migrations once per worker.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_TMP = Path(tempfile.mkdtemp(prefix=f"arc-test-{WORKER}-"))
os.environ["APP_ENV"] = "test"
os.environ["CAPTCHA_FIXED_ANSWER"] = "TEST1"
os.environ["VAR_DIR"] = str(_TMP / "var")
os.environ["PICCOLO_CONF"] = "piccolo_conf"
os.environ.setdefault("COOKIE_SECURE", "false")
os.environ["DB_POOL"] = "0"  # the test client runs the lifespan on another loop: no shared pool

# The server's own database URL, kept apart from the per-worker one set below: xdist's workers inherit the
# environment of the controller, which loads this file too, so DATABASE_URL may already name a test database.
_PG_URL = os.environ.get("ARC_TEST_SERVER_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
if _PG_URL.startswith(("postgres://", "postgresql://")):
    import asyncpg

    os.environ["ARC_TEST_SERVER_DATABASE_URL"] = _PG_URL
    _base, _sep, _dbname = _PG_URL.rpartition("/")
    _test_db = f"{os.environ.get('TEST_DB_PREFIX', 'arc_test')}_{WORKER}"

    async def _recreate() -> None:
        conn = await asyncpg.connect(_PG_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{_test_db}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{_test_db}"')
        finally:
            await conn.close()

    asyncio.run(_recreate())
    os.environ["DATABASE_URL"] = f"{_base}/{_test_db}"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.sqlite'}"

import pytest  # noqa: E402

from tests.support import migrate_once, truncate_all  # noqa: E402


@pytest.fixture(scope="session")
async def schema():
    await migrate_once()
    yield


@pytest.fixture
async def db(schema):
    """An empty database (every table emptied) for one test."""
    await truncate_all()
    yield


@pytest.fixture
async def client(db):
    from tests.support import make_client

    async with make_client() as c:
        yield c


def pytest_collection_modifyitems(config, items):
    # Tests that use the database fixtures are marked `db`, so the PostgreSQL run selects them.
    for item in items:
        if {"db", "client", "schema"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)

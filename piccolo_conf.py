"""Piccolo configuration: SQLite under var/ by default, PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

import os
from pathlib import Path

from piccolo.conf.apps import AppRegistry

from app.sqlite_pool import PooledSQLiteEngine

ROOT = Path(__file__).resolve().parent


def _engine():
    url = os.environ.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://")):
        from app.pg_engine import ResilientPostgresEngine  # discards lost connections (issue 12)

        return ResilientPostgresEngine(config={"dsn": url}, extensions=())
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
    elif url:
        raise RuntimeError("DATABASE_URL must start with postgresql:// or sqlite:///")
    else:
        path = Path(os.environ.get("VAR_DIR", str(ROOT / "var"))) / "arc.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    # timeout = the busy timeout: concurrent writers wait up to 30 s instead of failing.
    return PooledSQLiteEngine(path=str(path), timeout=30)


DB = _engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "tables.piccolo_app",
        "piccolo.apps.user.piccolo_app",
        "piccolo_admin.piccolo_app",
        "piccolo_api.mfa.authenticator.piccolo_app",  # reviewers' TOTP secrets (authenticator_secret)
    ]
)

"""Connection sizing (issue 16 item 8): the documented formula, and the command that checks it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.tools.connections import needed

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_example():
    # deploy/README.md: 4 app servers, 2 workers, DB_POOL_SIZE=10, WORKER_CONCURRENCY=4 -> 85
    assert needed(4, 2, 10, 4) == 85
    assert "4×10 + 2×(10+4+2) + 4×2 + 5 = 85" in (ROOT / "deploy" / "README.md").read_text()


def test_the_command_refuses_what_does_not_fit_on_postgresql():
    url = os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "DB_POOL_SIZE": "10", "WORKER_CONCURRENCY": "4"}
    r = subprocess.run(
        [sys.executable, "-m", "app.cli", "db-connections", "--app-servers", "2", "--workers", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and "= 45 connections" in r.stdout, r.stdout + r.stderr
    if url.startswith("postgres"):
        r = subprocess.run(
            [sys.executable, "-m", "app.cli", "db-connections", "--app-servers", "40", "--workers", "4"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode != 0 and "does not fit" in r.stderr

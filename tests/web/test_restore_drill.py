"""The restore drill (issue 16): with files in the database, a backup is one `pg_dump`. Dump the database,
restore it into a new one, and every document the restored database refers to reads back with its SHA-256
(`python -m app.cli storage-check` against the restored database), the same bytes as before the dump."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import db as appdb
from app.services import storage, uploads
from tables.tables import Attachment
from tests.progress_support import add_file, make_group
from tests.support import make_school_with_accounts

ROOT = Path(__file__).resolve().parents[2]


def _tools_missing() -> str:
    missing = [t for t in ("pg_dump", "pg_restore", "createdb", "dropdb") if not shutil.which(t)]
    return f"the PostgreSQL client tools are missing: {', '.join(missing)}" if missing else ""


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the restore drill runs on PostgreSQL (DATABASE_URL=postgresql://…); this run is on SQLite",
)
async def test_dump_restore_and_every_document_reads_back(db, tmp_path):
    if _tools_missing():
        pytest.fail(_tools_missing())
    assert appdb.is_postgres()
    storage.use(storage.DatabaseStorage())
    try:
        ids = await make_school_with_accounts()
        g = await make_group(ids["school"], ids["main"], ["first_review", "first_review"], files=False)
        for case_id in g["cases"]:
            for kind in ("photo", "passport", "visa"):
                await add_file(g["application"], case_id, kind)
        big = os.urandom(700 * 1024)
        await storage.backend().save("documents/permits/E000000000001.pdf", big)
        before = {}
        for row in await Attachment.select(Attachment.stored_name):
            before[row["stored_name"]] = hashlib.sha256(await uploads.read(row["stored_name"])).hexdigest()
        assert len(before) == 6
    finally:
        storage.use(None)

    r, restored_hashes = await asyncio.to_thread(_dump_restore_and_check, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "7 files, 0 problems" in r.stdout
    assert restored_hashes == before  # the restored bytes are the dumped bytes


def _dump_restore_and_check(tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    url = os.environ["DATABASE_URL"]
    base, _sep, name = url.rpartition("/")
    restored = f"{name}_restored"
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), url], check=True, timeout=120)
    subprocess.run(
        ["dropdb", "--if-exists", "--force", f"--maintenance-db={url}", restored], check=True, timeout=60
    )
    subprocess.run(["createdb", f"--maintenance-db={url}", restored], check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", f"{base}/{restored}", str(dump)], check=True, timeout=120
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"{base}/{restored}",
            "STORAGE": "database",
            "VAR_DIR": str(tmp_path / "empty-var"),  # nothing from the local disk can help
        }
        r = subprocess.run(
            [sys.executable, "-m", "app.cli", "storage-check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        check = r
        script = (
            "import asyncio, hashlib, json\n"
            "from app.services import storage\n"
            "async def main():\n"
            "    s = storage.backend(); out = {}\n"
            "    for k in await s.keys('uploads/'): out[k.rsplit('/', 1)[-1]] = hashlib.sha256(await s.read(k)).hexdigest()\n"
            "    print(json.dumps(out))\n"
            "asyncio.run(main())\n"
        )
        r = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert r.returncode == 0, r.stderr
        return check, json.loads(r.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", f"--maintenance-db={url}", restored], timeout=60)

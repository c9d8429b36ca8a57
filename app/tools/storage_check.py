"""Every file the database refers to reads back from the configured store (the restore drill's check).

    python -m app.cli storage-check

Each attachment's upload is read from the store; on the database store its bytes are also hashed and compared
with the SHA-256 the store recorded, and every issued document that was stored is read the same way. Prints
one line per problem and a summary; exits 1 when anything is missing or damaged.
"""

from __future__ import annotations

import hashlib

from app import db
from app.services import storage, uploads
from tables.tables import Attachment


async def check() -> tuple[int, list[str]]:
    store = storage.backend()
    problems: list[str] = []
    checked = 0
    keys: list[tuple[str, str]] = []
    for row in await Attachment.select(Attachment.id, Attachment.stored_name):
        try:
            keys.append((f"attachment {row['id']}", uploads.key_of(row["stored_name"])))
        except ValueError:
            problems.append(f"attachment {row['id']}: not a stored name")
    keys += [(key, key) for key in await store.keys("documents/")]
    recorded: dict[str, str] = {}
    if store.name == "database":
        recorded = {r["key"]: r["sha256"] for r in await db.raw("SELECT key, sha256 FROM stored_file")}
    for label, key in keys:
        data = await store.read(key)
        checked += 1
        if data is None:
            problems.append(f"{label}: {key} is missing")
        elif key in recorded and hashlib.sha256(data).hexdigest() != recorded[key]:
            problems.append(f"{label}: {key} does not match its SHA-256")
    return checked, problems


async def main() -> int:
    checked, problems = await check()
    for p in problems:
        print(p)
    print(f"storage-check ({storage.backend().name}): {checked} files, {len(problems)} problems")
    return 1 if problems else 0

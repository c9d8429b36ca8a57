"""One storage interface for every file the system keeps (issue 16): uploads and issued documents.

Keys are made by the server only (`uploads/ab/<32 hex>.jpg`, `documents/receipts/<no>.pdf`, ...): lower-case
letters, digits, `_ - .` and `/`, no `..`. Two backends, chosen by `STORAGE`:

- `LocalStorage` (default, the embedded set-up): files under `VAR_DIR`, the key is the relative path, so what
  was stored before this interface existed is found where it is.
- `DatabaseStorage` (`STORAGE=database`, PostgreSQL): content-addressed. `stored_file` maps a key to the SHA-256
  of its bytes; the bytes are kept once per content in `file_chunk` rows of at most 256 KB, so the same photo
  stored under two keys costs its bytes once, a download streams chunk by chunk, and a backup of the database
  (`pg_dump`) is a backup of every document. Writes join the current transaction: an upload of a refused
  action is rolled back with it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from app.settings import settings

CHUNK = 256 * 1024
_KEY = re.compile(r"^[a-z0-9_][a-z0-9_.\-]*(/[a-z0-9_][a-z0-9_.\-]*)*$", re.IGNORECASE)


def check_key(key: str) -> str:
    if not _KEY.match(key or "") or ".." in key or len(key) > 200:
        raise ValueError("not a storage key")
    return key


class Storage(Protocol):
    name: str

    async def save(self, key: str, data: bytes) -> None: ...

    async def save_first(self, key: str, data: bytes) -> bytes: ...

    async def read(self, key: str) -> bytes | None: ...

    def stream(self, key: str) -> AsyncIterator[bytes]: ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None: ...

    async def keys(self, prefix: str = "") -> list[str]: ...


class LocalStorage:
    """Files under one folder (VAR_DIR): 0600 files in 0700 folders, written atomically."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _write_new(self, key: str, data: bytes) -> bool:
        """Write unless the key exists (then the first writer's bytes stay); True if written."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{id(data)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.link(tmp, path)  # atomic, and refuses to replace a file that is there
            return True
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)

    def _read(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    async def save(self, key: str, data: bytes) -> None:
        if not await asyncio.to_thread(self._write_new, key, data):
            raise FileExistsError(key)

    async def save_first(self, key: str, data: bytes) -> bytes:
        def run() -> bytes:
            self._write_new(key, data)
            return self.path(key).read_bytes()

        return await asyncio.to_thread(run)

    async def read(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._read, key)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        path = self.path(key)
        f = await asyncio.to_thread(path.open, "rb")
        try:
            while chunk := await asyncio.to_thread(f.read, CHUNK):
                yield chunk
        finally:
            f.close()

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path(key).is_file)

    async def delete(self, key: str) -> None:
        try:
            await asyncio.to_thread(self.path(key).unlink, True)
        except ValueError:
            pass

    async def keys(self, prefix: str = "") -> list[str]:
        def run() -> list[str]:
            base = self.root / prefix if prefix else self.root
            if not base.exists():
                return []
            return sorted(
                str(p.relative_to(self.root))
                for p in base.rglob("*")
                if p.is_file() and not p.name.startswith(".")
            )

        return await asyncio.to_thread(run)


class DatabaseStorage:
    """Content-addressed files in PostgreSQL (stored_file + file_chunk)."""

    name = "database"

    async def _put(self, key: str, data: bytes) -> bool:
        from app import db

        digest = hashlib.sha256(data).hexdigest()
        async with db.write_tx():
            present = await db.raw("SELECT count(*) AS n FROM file_chunk WHERE sha256 = {}", digest)
            if not present[0]["n"]:
                for seq, start in enumerate(range(0, max(len(data), 1), CHUNK)):
                    await db.raw(
                        "INSERT INTO file_chunk (sha256, seq, data) VALUES ({}, {}, {}) "
                        "ON CONFLICT (sha256, seq) DO NOTHING",
                        digest,
                        seq,
                        data[start : start + CHUNK],
                    )
            rows = await db.raw(
                "INSERT INTO stored_file (key, sha256, size, created_at) VALUES ({}, {}, {}, {}) "
                "ON CONFLICT (key) DO NOTHING RETURNING id",
                check_key(key),
                digest,
                len(data),
                datetime.now(UTC),
            )
        return bool(rows)

    async def save(self, key: str, data: bytes) -> None:
        if not await self._put(key, data):
            raise FileExistsError(key)

    async def save_first(self, key: str, data: bytes) -> bytes:
        await self._put(key, data)
        stored = await self.read(key)
        assert stored is not None
        return stored

    async def _digest(self, key: str) -> str | None:
        from app import db

        rows = await db.raw("SELECT sha256 FROM stored_file WHERE key = {}", check_key(key))
        return rows[0]["sha256"] if rows else None

    async def exists(self, key: str) -> bool:
        return await self._digest(key) is not None

    async def read(self, key: str) -> bytes | None:
        try:
            digest = await self._digest(key)
        except ValueError:
            return None
        if digest is None:
            return None
        return b"".join([chunk async for chunk in self._chunks(digest)])

    async def _chunks(self, digest: str) -> AsyncIterator[bytes]:
        from app import db

        seq = 0
        while True:
            rows = await db.raw("SELECT data FROM file_chunk WHERE sha256 = {} AND seq = {}", digest, seq)
            if not rows:
                return
            yield bytes(rows[0]["data"])
            seq += 1

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        digest = await self._digest(key)
        if digest is None:
            raise FileNotFoundError(key)
        async for chunk in self._chunks(digest):
            yield chunk

    async def delete(self, key: str) -> None:
        from app import db

        try:
            check_key(key)
        except ValueError:
            return
        async with db.write_tx():
            rows = await db.raw("DELETE FROM stored_file WHERE key = {} RETURNING sha256", key)
            for row in rows:
                await db.raw(
                    "DELETE FROM file_chunk WHERE sha256 = {} "
                    "AND NOT EXISTS (SELECT 1 FROM stored_file WHERE sha256 = {})",
                    row["sha256"],
                    row["sha256"],
                )

    async def keys(self, prefix: str = "") -> list[str]:
        from app import db

        rows = await db.raw("SELECT key FROM stored_file WHERE key LIKE {} ORDER BY key", prefix + "%")
        return [r["key"] for r in rows]


_local: LocalStorage | None = None
_database = DatabaseStorage()
_override: Storage | None = None


def backend() -> Storage:
    """The configured store (tests may switch it with `use()`)."""
    global _local
    if _override is not None:
        return _override
    if settings.storage == "database":
        return _database
    if _local is None or _local.root != settings.var_dir:
        _local = LocalStorage(settings.var_dir)
    return _local


def use(store: Storage | None) -> None:
    """Switch the backend for this process (tests, the copy command); None goes back to the setting."""
    global _override
    _override = store


async def copy_all(source: Storage, target: Storage, prefix: str = "") -> int:
    """Copy every file of one store into another (moving a deployment from local files to the database)."""
    n = 0
    for key in await source.keys(prefix):
        data = await source.read(key)
        if data is not None:
            await target.save_first(key, data)
            n += 1
    return n

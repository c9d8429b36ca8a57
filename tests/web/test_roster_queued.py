"""Roster parsing as a job on PostgreSQL (issue 16): the upload is stored (the storage interface) and queued, a
worker parses it, and the import's page, answered by any node from the import's row, shows the progress and then
the result; a file that cannot be read leaves nothing but its reason. The embedded default parses in the request
(tests/web/test_roster_import.py)."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import json
import os
import re
from datetime import date

import pytest

from app import db as appdb
from app.actions import roster as roster_actions
from app.services import jobs, storage
from tables.tables import RosterEntry, RosterImport
from tests.web.test_roster_import import BAD, SEED_ROW, SMITH, signed_in, upload, xlsx

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the job queue (procrastinate) lives in PostgreSQL; this run is on SQLite",
)


@pytest.fixture
async def queue(db, monkeypatch):
    monkeypatch.setattr(jobs, "settings", dataclasses.replace(jobs.settings, job_queue="procrastinate"))
    monkeypatch.setattr(
        roster_actions, "settings", dataclasses.replace(roster_actions.settings, job_queue="procrastinate")
    )
    monkeypatch.setattr(jobs, "_papp", None)
    storage.use(storage.DatabaseStorage())
    await jobs.ensure_schema()
    for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs"):
        await appdb.raw(f"DELETE FROM {table}")  # noqa: S608 - constant names
    papp = jobs._procrastinate()
    try:
        async with papp.open_async():
            yield papp
    finally:
        storage.use(None)
        monkeypatch.setattr(jobs, "_papp", None)


async def _work(papp) -> None:
    """A worker runs what is due and returns (as `python -m app.cli worker` does, without waiting)."""
    await papp.run_worker_async(wait=False, concurrency=1, install_signal_handlers=False, queues=["default"])


async def _parse_jobs() -> list[dict]:
    rows = await appdb.raw("SELECT args FROM procrastinate_jobs WHERE task_name = 'parse_roster'")
    return [json.loads(r["args"]) if isinstance(r["args"], str) else r["args"] for r in rows]


async def _stored_uploads() -> list[str]:
    return await storage.backend().keys("roster-imports/")


async def test_a_queued_import_shows_its_progress_then_its_result(client, queue):
    await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW, SMITH, BAD))
    assert r.status_code == 200 and re.search(r"/roster/imports/\d+$", str(r.url))
    import_id = int(str(r.url).rsplit("/", 1)[1])
    # Nothing parsed yet: the page says the file waits, and polls itself.
    assert "匯入中：Student_List.xlsx" in r.text and "檔案等候讀取中。" in r.text
    assert f'hx-get="/roster/imports/{import_id}"' in r.text
    assert await RosterEntry.count() == 0
    assert len(await _stored_uploads()) == 1  # the file waits in the shared store, not on this node's disk
    # Queued once the request had committed the import (a worker must find its row).
    assert await _parse_jobs() == [{"import_id": import_id, "today": date.today().isoformat()}]
    poll = {"HX-Request": "true", "HX-Target": "roster-progress"}
    r = await client.get(f"/roster/imports/{import_id}", headers=poll)
    assert r.status_code == 200 and 'id="roster-progress"' in r.text and "<html" not in r.text

    await _work(queue)
    row = (await RosterImport.select().where(RosterImport.id == import_id))[0]
    assert row["status"] == "done" and row["rows_read"] == 3, {
        k: row[k] for k in ("rows_read", "created_count", "updated_count", "rejected_count")
    }
    assert await RosterEntry.count() == 2
    assert await _stored_uploads() == []  # read, then deleted
    # The poll now brings the whole panel with the result, in place of the progress.
    r = await client.get(f"/roster/imports/{import_id}", headers=poll)
    assert r.headers.get("hx-retarget") == "#roster-import" and r.headers.get("hx-reswap") == "outerHTML"
    assert "Student_List.xlsx: 成功, 匯入資料: 2筆" in r.text and 'id="roster-progress"' not in r.text
    r = await client.get(f"/roster/imports/{import_id}")
    assert "Student_List.xlsx: 成功, 匯入資料: 2筆" in r.text and 'data-count="rejected">1<' in r.text
    rejected = await client.get(f"/roster/imports/{import_id}/rejected.xlsx")
    assert rejected.status_code == 200 and rejected.content[:2] == b"PK"
    # The job again (a retry, a second worker): nothing changes.
    assert await roster_actions.run_queued_import(import_id) == "done"
    assert await RosterEntry.count() == 2


async def test_a_queued_file_that_cannot_be_read_writes_nothing_and_says_why(client, queue):
    await signed_in(client)
    r = await upload(client, b"not a workbook at all", "Student_List.xlsx")
    import_id = int(str(r.url).rsplit("/", 1)[1])
    await _work(queue)
    row = (await RosterImport.select().where(RosterImport.id == import_id))[0]
    assert row["status"] == "failed" and await RosterEntry.count() == 0
    r = await client.get(f"/roster/imports/{import_id}")
    assert r.status_code == 200
    summary = r.text.split('class="error-summary', 1)
    assert len(summary) == 2 and "Student_List.xlsx: " in summary[1]
    assert "成功" not in r.text
    r = await client.get("/roster/import")
    assert "Student_List.xlsx" not in r.text  # not listed under 最近匯入紀錄 as an import
    assert await _stored_uploads() == []


async def test_an_import_whose_worker_died_is_parsed_again(client, queue):
    ids = await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW, SMITH))
    import_id = int(str(r.url).rsplit("/", 1)[1])
    # A worker took it and died mid-file: the row says running, its transaction never committed.
    await RosterImport.update({RosterImport.status: "running"}).where(RosterImport.id == import_id)
    assert await roster_actions.run_queued_import(import_id) == "done"
    assert await RosterEntry.count().where(RosterEntry.school == ids["school"]) == 2


async def test_progress_is_visible_to_other_connections_while_the_file_is_read(client, queue, monkeypatch):
    await signed_in(client)
    monkeypatch.setattr(roster_actions, "BATCH_ROWS", 1)
    monkeypatch.setattr(roster_actions, "PROGRESS_EVERY_SECONDS", 0.0)
    rows = [[*SMITH[:7], f"US{n:07d}", *SMITH[8:]] for n in range(6)]
    r = await upload(client, xlsx(*rows))
    import_id = int(str(r.url).rsplit("/", 1)[1])
    seen: list[tuple[int, int]] = []
    write = roster_actions._write_batch

    async def read_progress() -> tuple[int, int]:
        row = (await RosterImport.select(RosterImport.rows_read).where(RosterImport.id == import_id))[0]
        return row["rows_read"], await RosterEntry.count()

    async def write_and_look(batch):
        await write(batch)
        await asyncio.sleep(0.05)  # the progress update runs on its own connection
        # What another node polling the page sees (outside the import's transaction):
        seen.append(
            await asyncio.get_running_loop().create_task(read_progress(), context=contextvars.Context())
        )

    monkeypatch.setattr(roster_actions, "_write_batch", write_and_look)
    assert await roster_actions.run_queued_import(import_id) == "done"
    progress = [p for p, _ in seen]
    assert max(progress) > 0 and progress == sorted(
        progress
    )  # it moved while the import's transaction was open
    assert {n for _, n in seen} == {0}  # while no row of the file is visible before the import commits
    assert await RosterEntry.count() == 6


async def test_an_import_the_queue_refuses_is_marked_failed_not_left_waiting(client, queue, monkeypatch):
    await signed_in(client)

    async def down(name, **kwargs):
        raise ConnectionError("the queue's database is unreachable")

    monkeypatch.setattr(jobs, "enqueue", down)
    r = await upload(client, xlsx(SEED_ROW))
    import_id = int(str(r.url).rsplit("/", 1)[1])
    row = (await RosterImport.select().where(RosterImport.id == import_id))[0]
    assert row["status"] == "failed"
    assert "無法開始匯入，請重新匯入檔案。" in r.text and 'id="roster-progress"' not in r.text

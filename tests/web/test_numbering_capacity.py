"""Number capacity (issue 16 item 7): 收件號 per receiving office, 團號 across the line's code family, no
counter row that every submit waits on (PostgreSQL), and the supervisors told at 80%."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from app import db as appdb
from app.actions import apply as actions
from app.domain import numbering
from app.domain.actor import Actor
from app.queries import numbering as numbering_queries
from tables.tables import Application, DocumentCounter
from tests.review_factories import admin_session, make_reviewers
from tests.support import make_school_with_accounts
from tests.web.test_apply_concurrency import ready_group

YEAR = numbering.roc_year(date.today())


def _actor(ids) -> Actor:
    return Actor(
        kind="school", account_id=ids["main"], login_id="03734301", school_id=ids["school"], is_main=True
    )


async def test_receipts_carry_the_receiving_office_of_the_station(db):
    ids = await make_school_with_accounts()
    a1 = await ready_group(ids["school"], ids["main"], 1)
    a2 = await ready_group(ids["school"], ids["main"], 2)
    await Application.update({Application.station_code: "S07"}).where(Application.id == a2)
    r1 = await actions.submit_application(_actor(ids), a1)
    r2 = await actions.submit_application(_actor(ids), a2)
    assert [n[3:7] for n in r1.receipt_nos] == ["6901", "6901"]  # S01
    assert [n[3:] for n in r2.receipt_nos] == ["690700001", "690700002"]  # S07 counts from 1 on its own
    assert r1.group_no[2:5] == r2.group_no[2:5] == "102"


async def test_group_numbers_pass_9999_into_the_next_code_of_the_family(db):
    ids = await make_school_with_accounts()
    await DocumentCounter.insert(DocumentCounter(key=f"group:{YEAR}:102", value=9_998))
    a1 = await ready_group(ids["school"], ids["main"], 1)
    a2 = await ready_group(ids["school"], ids["main"], 2)
    r1 = await actions.submit_application(_actor(ids), a1)
    r2 = await actions.submit_application(_actor(ids), a2)
    assert r1.group_no == f"{YEAR % 100:02d}1029999"
    assert r2.group_no == f"{YEAR % 100:02d}1120001"


async def test_concurrent_submits_get_distinct_numbers_from_the_sequences(db):
    ids = await make_school_with_accounts()
    apps = [await ready_group(ids["school"], ids["main"], n, members=1) for n in range(8)]
    results = await asyncio.gather(*(actions.submit_application(_actor(ids), a) for a in apps))
    assert len({r.group_no for r in results}) == 8
    assert len({n for r in results for n in r.receipt_nos}) == 8
    if appdb.is_postgres():  # the numbers came from sequences, not from a locked counter row
        values = await appdb.sequence_values("arc_seq_")
        assert values[f"arc_seq_group_{YEAR}_102"] == 8 and values[f"arc_seq_receipt_{YEAR}_6901"] == 8
        assert await DocumentCounter.count() == 0


async def test_supervisor_is_warned_at_80_percent(client, caplog):
    ids = await make_school_with_accounts()
    await DocumentCounter.insert(DocumentCounter(key=f"receipt:{YEAR}:6901", value=79_998))
    app_id = await ready_group(ids["school"], ids["main"], 1)
    with caplog.at_level(logging.WARNING, logger="arc.numbering"):
        result = await actions.submit_application(_actor(ids), app_id)
    assert result.receipt_nos[-1].endswith("690180000")
    assert any(f"receipt:{YEAR}:6901 at 80000 of 99999" in r.getMessage() for r in caplog.records)
    near = await numbering_queries.near_capacity()
    assert [(c.kind, c.code, c.used, c.percent) for c in near] == [("receipt", "6901", 80_000, 80)]

    reviewers = await make_reviewers()
    await admin_session(client, reviewers["supervisor"])
    page = await client.get("/review/queue/first")
    assert page.status_code == 200 and 'id="number-alerts"' in page.text
    assert "6901" in page.text and "80,000" in page.text and "99,999" in page.text
    client.cookies.clear()
    await admin_session(client, reviewers["reviewer1"])
    page = await client.get("/review/queue/first")
    assert page.status_code == 200 and 'id="number-alerts"' not in page.text  # supervisors only

"""Fees as master data: a supervisor changes a fee in the back office, the change is kept, the query reads it."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import pytest

from app.actions import fees as fee_actions
from app.queries import fees as fee_queries
from app.services.sessions import now
from tables.tables import AuthEvent, FeeRate
from tests.review_factories import actor, admin_headers, make_reviewers

CHANGE_FEE = "/admin/api/forms/" + quote("變更規費-change-a-fee") + "/"


async def test_default_fee_until_a_supervisor_changes_it_and_every_change_is_kept(client):
    ids = await make_reviewers()
    today = now().date()
    assert (await fee_queries.get_fee("hkmo", "first", today)).per_person == 2600

    h = await admin_headers(client, "supervisor")
    body = {
        "offering": "hkmo/first",
        "per_person": 2800,
        "effective_from": (today + timedelta(days=10)).isoformat(),
        "reason": "新年度規費",
    }
    r = await client.post(CHANGE_FEE, json=body, headers=h)
    assert r.status_code == 200, r.text
    assert "NT$2800" in r.json()["custom_form_success"]
    assert (await fee_queries.get_fee("hkmo", "first", today)).per_person == 2600
    assert (await fee_queries.get_fee("hkmo", "first", today + timedelta(days=10))).per_person == 2800

    await fee_actions.change_fee(actor(ids["supervisor"], "supervisor"), "hkmo", "first", 2700, today, "更正")
    assert (await fee_queries.get_fee("hkmo", "first", today)).per_person == 2700
    changes = await fee_queries.list_fee_changes("hkmo", "first")
    assert [c["per_person"] for c in changes] == [2700, 2800]
    assert changes[1]["reason"] == "新年度規費" and "supervisor" in changes[1]["changed_by_label"]
    assert await AuthEvent.count().where(AuthEvent.event == "fee_change") == 2
    # Other offerings keep their own fee.
    assert (await fee_queries.get_fee("mainland_single", "first", today)).per_person == 600


async def test_only_supervisors_change_fees_and_bad_input_is_refused(client):
    ids = await make_reviewers()
    today = now().date()
    with pytest.raises(fee_actions.FeeChangeRefused):
        await fee_actions.change_fee(actor(ids["reviewer1"], "reviewer1"), "hkmo", "first", 1, today, "x")
    boss = actor(ids["supervisor"], "supervisor")
    with pytest.raises(fee_actions.FeeChangeRefused) as exc:
        await fee_actions.change_fee(boss, "hkmo", "first", 2600, date(2000, 1, 1), "")
    assert set(exc.value.errors) == {"effective_from", "reason"}
    with pytest.raises(fee_actions.FeeChangeRefused) as exc:
        await fee_actions.change_fee(boss, "hkmo", "renewal", 100, today, "x")
    assert set(exc.value.errors) == {"kind"}
    assert await FeeRate.count() == 0

    h = await admin_headers(client, "reviewer1")
    body = {"offering": "hkmo/first", "per_person": 1, "effective_from": today.isoformat(), "reason": "x"}
    r = await client.post(CHANGE_FEE, json=body, headers=h)
    assert r.status_code == 422 and "僅限主管變更規費。" in r.json()["custom_form_error"]
    # The table itself is read-only, even for a supervisor.
    h = await admin_headers(client, "supervisor")
    r = await client.post("/admin/api/tables/fee_rate/", json={"line": "hkmo"}, headers=h)
    assert r.status_code in (403, 405)
    assert await FeeRate.count() == 0

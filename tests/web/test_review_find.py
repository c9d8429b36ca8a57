"""Finding cases on the review desk: search, filters, sorting and paging in SQL with counts (issue 15, item 1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.actions.cases import after_transitions
from tables.tables import Application, Case, ReviewEvent
from tests.review_factories import admin_session, case_row, make_group, make_reviewers
from tests.support import make_school_with_accounts


async def _world():
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    return ids, users


def _receipts(html: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"overdue\")?>\s*<td>\d+</td>\s*<td>(\d+)</td>", html)


async def test_330_waiting_cases_are_all_reachable_page_by_page(client, db):
    ids, users = await _world()
    expected = []
    for i in range(11):
        g = await make_group(ids["school"], ids["main"], ["first_review"] * 30, days_ago=30 - i)
        expected += [(await case_row(c))["receipt_no"] for c in g["cases"]]
    await admin_session(client, users["reviewer1"])
    first = await client.get("/review/queue/first")
    assert first.status_code == 200
    assert "（330）" in first.text
    assert "顯示第 1–50 筆，共 330 筆" in first.text
    seen: list[str] = []
    page = 1
    while True:
        r = await client.get(f"/review/queue/first?page={page}")
        rows = _receipts(r.text)
        seen += rows
        if 'rel="next"' not in r.text:
            break
        page += 1
    assert page == 7
    assert len(seen) == 330 and sorted(seen) == sorted(expected)
    # The navigation counts them all too.
    assert re.search(r"待初審 <span class=\"count\">330</span>", first.text)
    # A page past the end shows the last page, not an empty list.
    last = await client.get("/review/queue/first?page=99")
    assert "第 7 頁，共 7 頁" in last.text and len(_receipts(last.text)) == 30


async def test_search_by_number_and_name_in_any_status(client, db):
    ids, users = await _world()
    g = await make_group(ids["school"], ids["main"], ["first_review", "awaiting_payment"])
    other = await make_group(ids["school"], ids["main"], ["second_review"])
    target = g["cases"][1]
    await Case.update(
        {
            Case.passport_no: "X12345678",
            Case.ui_no: "A800000014",
            Case.name_zh: "陳大文",
            Case.name_en: "CHAN Tai Man",
        }
    ).where(Case.id == target)
    row = await case_row(target)
    group_no = (await Application.select(Application.group_no).where(Application.id == g["application"]))[0][
        "group_no"
    ]
    await admin_session(client, users["reviewer1"])
    for q in ("x12345678", row["receipt_no"], "A800000014", "tai man", "大文"):
        r = await client.get("/review/find", params={"q": q})
        assert r.status_code == 200
        assert _receipts(r.text) == [row["receipt_no"]], q
        assert f'href="/review/case/{target}"' in r.text
    by_group = _receipts((await client.get("/review/find", params={"q": group_no})).text)
    assert sorted(by_group) == sorted([(await case_row(c))["receipt_no"] for c in g["cases"]])
    # LIKE's wildcards are taken literally.
    assert _receipts((await client.get("/review/find", params={"q": "%"})).text) == []
    assert _receipts((await client.get("/review/find", params={"q": "_"})).text) == []
    # Drafts are never listed.
    await Case.update({Case.status: "draft"}).where(Case.id == other["cases"][0])
    assert (await case_row(other["cases"][0]))["receipt_no"] not in (await client.get("/review/find")).text


async def test_filters_school_station_identity_nationality_kind_overdue(client, db):
    ids, users = await _world()
    from tests.support import make_school

    other_school = await make_school("第二大學", "04595257")
    a = await make_group(ids["school"], ids["main"], ["first_review"], station="S01", days_ago=20)
    b = await make_group(other_school, None, ["first_review"], station="S02", days_ago=0)
    await Case.update({Case.identity: "overseas", Case.nationality: "MY"}).where(Case.id == b["cases"][0])
    await Application.update({Application.kind: "renewal"}).where(Application.id == b["application"])
    no_a = (await case_row(a["cases"][0]))["receipt_no"]
    no_b = (await case_row(b["cases"][0]))["receipt_no"]
    await admin_session(client, users["reviewer1"])

    async def found(**params):
        return _receipts((await client.get("/review/queue/first", params=params)).text)

    assert sorted(await found()) == sorted([no_a, no_b])
    assert await found(school=str(other_school)) == [no_b]
    assert await found(station="S01") == [no_a]
    assert await found(identity="overseas") == [no_b]
    assert await found(nationality="MY") == [no_b]
    assert await found(kind="renewal") == [no_b]
    assert await found(line="foreign") == [no_a, no_b]
    assert await found(overdue="1") == [no_a]
    # Sorting: by age (oldest first, the default) and by submission, newest first.
    assert await found(sort="submitted_desc") == [no_b, no_a]
    # Junk in the URL is ignored, never an error.
    r = await client.get(
        "/review/queue/first", params={"school": "x'", "page": "-3", "sort": "drop", "nationality": "<b>"}
    )
    assert r.status_code == 200 and sorted(_receipts(r.text)) == sorted([no_a, no_b])
    # The filters stay chosen, and the pager keeps them.
    r = await client.get("/review/queue/first", params={"station": "S02", "identity": "overseas"})
    assert '<option value="S02" selected>' in r.text and '<option value="overseas" selected>' in r.text


async def test_answered_and_supplement_queues(client, db):
    ids, users = await _world()
    g = await make_group(ids["school"], ids["main"], ["first_review", "supplement_first"], days_ago=10)
    now = datetime.now(UTC)
    await ReviewEvent.insert(
        ReviewEvent(
            application=g["application"],
            case=g["cases"][0],
            from_status="supplement_first",
            action="resubmit",
            to_status="first_review",
            actor_kind="school",
            created_at=now,
        ),
        ReviewEvent(
            application=g["application"],
            case=g["cases"][1],
            from_status="first_review",
            action="return_for_supplement",
            to_status="supplement_first",
            actor_kind="reviewer",
            created_at=now - timedelta(days=10),
        ),
    )
    await after_transitions({(g["application"], c) for c in g["cases"]})  # as every transition keeps them
    await admin_session(client, users["reviewer1"])
    answered = (await case_row(g["cases"][0]))["receipt_no"]
    waiting = (await case_row(g["cases"][1]))["receipt_no"]
    r = await client.get("/review/queue/supplement")
    assert _receipts(r.text) == [waiting]
    assert "補正期限" in r.text and "逾期" in r.text
    assert _receipts((await client.get("/review/queue/answered")).text) == [answered]
    assert _receipts((await client.get("/review/queue/first")).text) == []

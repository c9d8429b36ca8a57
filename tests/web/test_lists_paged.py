"""Lists filtered, sorted and paged by the database (issue 16 item 6): paging at its edges, ties, filters
combined, the lists that only hold some groups, and the indexes the plans use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import db as appdb
from app.queries import payment as payment_q
from app.queries import progress as q
from tests.progress_support import make_group, return_case, school_actor
from tests.support import make_school_with_accounts

T0 = datetime(2026, 2, 1, 2, 0, tzinfo=UTC)


async def _groups(ids, n: int, *, same_time: bool = False, statuses=("first_review",)):
    out = []
    for i in range(n):
        at = T0 if same_time else T0 + timedelta(hours=i)
        g = await make_group(
            ids["school"], ids["main"], list(statuses), name=f"團{i:02d}", files=False, submitted=at
        )
        out.append(g["application"])
    return out


async def test_pages_cover_every_group_once_even_with_equal_times(db):
    ids = await make_school_with_accounts()
    made = await _groups(ids, 45, same_time=True)  # one submission time: the id decides the order
    actor = school_actor(ids)
    seen = []
    for page in (1, 2, 3):
        r = await q.search_groups(actor, q.Filters(), page)
        assert (r.total, r.pages, r.page) == (45, 3, page)
        seen += [row.id for row in r.rows]
    assert seen == sorted(made, reverse=True)  # newest id first, none twice, none missing
    assert [len((await q.search_groups(actor, q.Filters(), p)).rows) for p in (1, 2, 3)] == [20, 20, 5]


async def test_page_out_of_range_is_clamped_and_an_empty_search_has_one_page(db):
    ids = await make_school_with_accounts()
    made = await _groups(ids, 20)
    actor = school_actor(ids)
    r = await q.search_groups(actor, q.Filters(), 99)
    assert (r.page, r.pages, len(r.rows)) == (1, 1, 20)  # exactly one full page: no second page
    r = await q.search_groups(actor, q.Filters(), 0)
    assert r.page == 1 and r.rows[0].id == made[-1]  # the newest first
    r = await q.search_groups(actor, q.Filters(group_no="999999999"), 3)
    assert (r.total, r.page, r.pages, r.rows) == (0, 1, 1, [])


async def test_status_and_case_filters_count_groups_not_cases(db):
    ids = await make_school_with_accounts()
    mixed = await make_group(
        ids["school"], ids["main"], ["first_review", "paid", "paid"], files=False, submitted=T0
    )
    await _groups(ids, 25, statuses=("awaiting_payment",))
    actor = school_actor(ids)
    r = await q.search_groups(actor, q.Filters(status="paid"))
    assert r.total == 1 and [row.id for row in r.rows] == [mixed["application"]]
    assert r.rows[0].persons == 3  # the whole group's cases, not only those matching
    r = await q.search_groups(actor, q.Filters(status="awaiting_payment"), 2)
    assert (r.total, r.pages, len(r.rows)) == (25, 2, 5)
    # A case filter and the status filter each need one case of the group (not the same one).
    r = await q.search_groups(actor, q.Filters(status="reviewing", name_en="NGUYEN"))
    assert r.total == 1
    r = await q.search_groups(actor, q.Filters(status="group_withdrawn", name_en="NGUYEN"))
    assert r.total == 0
    r = await q.search_groups(actor, q.Filters(status="no-such-filter"))
    assert r.total == 26  # an unknown status filters nothing, as before


async def test_sub_account_pages_only_its_own_groups(db):
    ids = await make_school_with_accounts()
    await _groups(ids, 22)
    own = [
        (await make_group(ids["school"], ids["sub1"], ["first_review"], files=False, submitted=T0))[
            "application"
        ]
        for _ in range(3)
    ]
    r = await q.search_groups(school_actor(ids, "sub1"), q.Filters(), 1)
    assert r.total == 3 and sorted(row.id for row in r.rows) == sorted(own)
    assert (await q.search_groups(school_actor(ids), q.Filters(), 2)).total == 25


async def test_returned_and_payable_lists_hold_only_their_groups(db):
    ids = await make_school_with_accounts()
    await _groups(ids, 5)
    back = await make_group(ids["school"], ids["main"], ["first_review", "first_review"], files=False)
    await return_case(back["application"], back["cases"][0])
    pay = await make_group(ids["school"], ids["main"], ["awaiting_payment", "paid"], files=False)
    actor = school_actor(ids)
    assert [r.id for r in await q.list_returned(actor)] == [back["application"]]
    payable = await payment_q.list_payable(actor)
    assert [g.id for g in payable] == [pay["application"]] and payable[0].persons == 1


async def test_search_walks_the_scope_index_in_page_order(db):
    """The plan reads the school's groups from application_school_submitted, already in page order (no sort of
    every group in scope)."""
    ids = await make_school_with_accounts()
    await _groups(ids, 3)
    clause = q.search_clause(school_actor(ids), q.Filters())
    query = (
        q.Application.select(q.Application.id)
        .where(clause)
        .order_by(q.Application.submitted_at, ascending=False)
        .order_by(q.Application.id, ascending=False)
        .limit(20)
    )
    sql = str(query)
    if appdb.is_postgres():
        async with appdb.write_tx():  # a few rows: without this the planner would rightly read the table
            await appdb.raw("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(r) for r in await appdb.raw(f"EXPLAIN {sql}"))  # our own query
        assert "application_school_submitted" in plan and "Sort" not in plan, plan
    else:
        plan = " ".join(str(r) for r in await appdb.raw(f"EXPLAIN QUERY PLAN {sql}"))
        assert "application_school_submitted" in plan and "TEMP B-TREE" not in plan, plan


async def test_returned_list_pages_in_the_database(client):
    ids = await make_school_with_accounts()
    await _groups(ids, 4)  # not returned: never listed
    returned = []
    for i in range(23):
        g = await make_group(
            ids["school"], ids["main"], ["first_review"], files=False, submitted=T0 + timedelta(days=i)
        )
        await return_case(g["application"], g["cases"][0])
        returned.append(g)
    result = await q.returned_page(school_actor(ids), 2)
    assert (result.total, result.pages, result.page) == (23, 2, 2)
    assert [r.id for r in result.rows] == [g["application"] for g in reversed(returned[:3])]
    assert all(r.deadline is not None and r.returned == 1 for r in result.rows)
    await client.login("03734301")
    page = await client.get("/supplement/")
    assert page.text.count('href="/supplement/groups/') == 20 and "/supplement/?page=2" in page.text
    page = await client.get("/supplement/?page=2")
    assert page.text.count('href="/supplement/groups/') == 3 and "<td>21</td>" in page.text
    assert "第 2 頁" in page.text or "2 / 2" in page.text or "page=1" in page.text


async def test_permit_downloads_page_in_the_database(client, monkeypatch):
    from datetime import date

    from tests.progress_support import make_permit
    from tests.support import make_account, make_school

    ids = await make_school_with_accounts()
    made = [
        await make_permit(ids["school"], ids["main"], f"A80000000{i}", issued=date(2026, 9, 1 + i))
        for i in range(3)
    ]
    other = await make_school(name="他校", business_no="03734317")
    await make_permit(other, await make_account("03734317", other, main=True), "A900000001")
    monkeypatch.setattr(payment_q, "PERMITS_PER_PAGE", 2)
    result = await payment_q.permits_page(school_actor(ids), 1)
    assert (result.total, result.pages) == (3, 2)
    assert [r["permit_no"] for r in result.rows] == [
        made[2]["permit_no"],
        made[1]["permit_no"],
    ]  # newest first
    await client.login("03734301")
    page = await client.get("/downloads/permits?page=2")
    assert (
        page.status_code == 200
        and made[0]["permit_no"] in page.text
        and made[2]["permit_no"] not in page.text
    )
    assert "<td>3</td>" in page.text and "/downloads/permits?page=1" in page.text


async def test_payable_list_pages_in_the_database(client, monkeypatch):
    ids = await make_school_with_accounts()
    made = [
        await make_group(
            ids["school"], ids["main"], ["awaiting_payment"], files=False, submitted=T0 + timedelta(days=i)
        )
        for i in range(3)
    ]
    await _groups(ids, 2)  # in review: not payable
    monkeypatch.setattr(payment_q, "PAYABLE_PER_PAGE", 2)
    result = await payment_q.payable_page(school_actor(ids), 2)
    assert (result.total, result.pages, [g.id for g in result.groups]) == (3, 2, [made[2]["application"]])
    await client.login("03734301")
    page = await client.get("/payment")
    assert made[0]["group_no"] in page.text and made[2]["group_no"] not in page.text  # the oldest first
    assert "/payment?page=2" in page.text

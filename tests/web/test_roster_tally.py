"""名冊's counts come from the tally every roster write keeps (issue 16): after imports, an edit and a delete,
every count the list shows is the number of rows its filters select, and the year menu lists the years held."""

from __future__ import annotations

import itertools

from app.domain.actor import Actor
from app.queries import roster as q
from tables.tables import RosterEntry
from tests.web.test_roster_import import SEED_ROW, SMITH, YEAR, signed_in, upload, xlsx


def _actor(ids: dict[str, int]) -> Actor:
    return Actor(
        kind="school", account_id=ids["main"], login_id="03734301", school_id=ids["school"], is_main=True
    )


async def _every_count_is_the_rows_it_selects(actor: Actor) -> None:
    for year, semester, category, status in itertools.product(
        (None, int(YEAR)), (None, 1, 2), ("", "FG"), ("", "A", "R")
    ):
        f = q.RosterFilters(year=year, semester=semester, category=category, status=status)
        expected = await RosterEntry.count().where(q._where(actor, f))
        assert (await q.list_roster(actor, f))["total"] == expected, f


async def test_counts_follow_imports_edits_and_deletes(client):
    ids = await signed_in(client)
    actor = _actor(ids)
    await upload(client, xlsx(SEED_ROW, SMITH))
    await upload(client, xlsx(SEED_ROW), semester="2")
    assert (await q.list_roster(actor, q.RosterFilters(year=int(YEAR))))["total"] == 3
    assert await q.list_roster_years(actor) == [int(YEAR)]
    await _every_count_is_the_rows_it_selects(actor)

    # An edit on the page that changes the status moves the row between the counts.
    row = (await RosterEntry.select().where(RosterEntry.passport_no == "US1234567"))[0]
    assert row["status"] == "A"
    before = (await q.list_roster(actor, q.RosterFilters(status="R")))["total"]
    form = {
        "version": str(row["version"]),
        "name_zh": "",
        "name_en": "John Smith",
        "birth_date": "20010315",
        "category": "FG",
        "nationality": "US",
        "gender": "M",
        "national_id": "",
        "passport_no": "US1234567",
        "qualification": "FOREIGN",
        "program": "B",
        "grade": "2",
        "status": "R",
    }
    r = await client.post_form(f"/roster/{row['id']}/edit", form)
    assert r.status_code == 200 and "儲存成功" in r.text
    assert (await q.list_roster(actor, q.RosterFilters(status="R")))["total"] == before + 1
    await _every_count_is_the_rows_it_selects(actor)

    # A delete takes the row out of every count; the list shows the new total.
    r = await client.post_form(f"/roster/{row['id']}/delete")
    assert r.status_code == 200 and "已從名冊刪除該學生" in r.text
    await _every_count_is_the_rows_it_selects(actor)
    assert (await q.list_roster(actor, q.RosterFilters(year=int(YEAR))))["total"] == 2
    r = await client.get(f"/roster/?year={YEAR}")
    assert "STUDENT ONE" in r.text and "John Smith" not in r.text
    assert '<span class="count">（2）</span>' in r.text or '<span class="count">(2)</span>' in r.text

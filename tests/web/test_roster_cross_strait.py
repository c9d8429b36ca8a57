"""Issue 14 on the roster: the import reads and checks the mainland, Hong Kong and Macau identifiers, the
export writes them, and a group draws its applicants from the categories of its offering."""

from __future__ import annotations

import io

import openpyxl

from app.domain import lines
from app.domain.actor import Actor
from app.queries import roster as roster_queries
from tables.tables import RosterEntry
from tests.support import make_school_with_accounts
from tests.web.test_roster_import import SEED_ROW, YEAR, signed_in, upload, xlsx

CN = [
    "李明華", "Li Minghua", "20040307", "CN_陸生", "CN_中國", "0_男", "", "EA1234567",
    "一般_大陸地區人民進入臺灣地區就學", "學士", "1年級", "A_已錄取未註冊", "350203200403070019", "L12345678",
]  # fmt: skip
HK = [
    "陳嘉欣", "Chan Ka Yan", "20060520", "HK_香港僑生", "HK", "1_女", "", "K12345678",
    "外國與外僑學生進入臺灣地區就學", "學士", "1年級", "A_已錄取未註冊", "A123456(3)", "",
]  # fmt: skip
MO = [
    "李嘉欣", "Lei Ka Ian", "20051102", "MO_澳門生", "MO", "1_女", "", "MA1234567",
    "外國與外僑學生進入臺灣地區就學", "學士", "1年級", "R_已註冊", "1/234567/8", "",
]  # fmt: skip


async def test_import_stores_the_identifiers_of_each_category(client):
    await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW, CN, HK, MO))
    assert "Student_List.xlsx: 成功, 匯入資料: 4筆" in r.text
    rows = {x["passport_no"]: x for x in await RosterEntry.select()}
    assert rows["EA1234567"]["resident_id"] == "350203200403070019"
    assert rows["EA1234567"]["travel_permit_no"] == "L12345678"
    assert rows["K12345678"]["resident_id"] == "A1234563" and rows["K12345678"]["travel_permit_no"] == ""
    assert rows["MA1234567"]["resident_id"] == "12345678"
    assert rows["MM214587"]["resident_id"] == "" and rows["MM214587"]["travel_permit_no"] == ""
    # The export writes them in columns M and N, and the file imports again.
    export = await client.get("/roster/export.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    header = [c.value for c in ws[1]]
    assert header[12:14] == ["大陸或港澳居民身分證號", "往來台灣通行證號碼"]
    by_passport = {row[7]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert by_passport["EA1234567"][12:14] == ("350203200403070019", "L12345678")


async def test_a_wrong_check_digit_is_reported_beside_the_cell_and_nothing_of_that_row_is_kept(client):
    await signed_in(client)
    bad_hk = list(HK)
    bad_hk[12] = "A123456(4)"
    no_id = list(CN)
    no_id[12] = ""
    r = await upload(client, xlsx(bad_hk, no_id, MO))
    assert "匯入資料: 1筆" in r.text
    assert "香港身份證號碼不正確" in r.text and "A123456(4)" in r.text
    assert "陸生、港澳生必填。" in r.text
    assert [x["passport_no"] for x in await RosterEntry.select()] == ["MA1234567"]


async def test_rows_of_the_categories_an_offering_draws_from_and_only_the_schools_own(client):
    ids = await signed_in(client)
    await upload(client, xlsx(SEED_ROW, CN, HK, MO))
    other = await make_school_with_accounts("04126305", "他校")
    client.cookies.clear()
    await client.login("04126305")
    await upload(client, xlsx(CN))
    me = Actor(
        kind="school", account_id=ids["main"], login_id="03734301", school_id=ids["school"], is_main=True
    )

    mainland = await roster_queries.list_roster_of_categories(
        me, lines.offering("mainland_single", "first").categories
    )
    assert [r["passport_no"] for r in mainland] == ["EA1234567"]
    assert mainland[0]["resident_id"] == "350203200403070019"
    hkmo = await roster_queries.list_roster_of_categories(me, lines.offering("hkmo", "first").categories)
    assert sorted(r["passport_no"] for r in hkmo) == ["K12345678", "MA1234567"]
    # Filters narrow further; a category outside the offering's gives nothing; unknown codes are ignored.
    only_mo = await roster_queries.list_roster_of_categories(me, ("HK", "MO"), {"category": "MO"})
    assert [r["passport_no"] for r in only_mo] == ["MA1234567"]
    assert await roster_queries.list_roster_of_categories(me, ("CN",), {"category": "HK"}) == []
    assert await roster_queries.list_roster_of_categories(me, ("XX",)) == []
    assert (
        len(await roster_queries.list_roster_of_categories(me, ("CN", "HK", "MO", "FG"), {"year": YEAR})) == 4
    )
    # A student or another school's account sees none of them.
    them = Actor(
        kind="school", account_id=other["main"], login_id="04126305", school_id=other["school"], is_main=True
    )
    assert [r["passport_no"] for r in await roster_queries.list_roster_of_categories(them, ("CN",))] == [
        "EA1234567"
    ]
    assert await roster_queries.list_roster_of_categories(Actor(kind="student", student_id=1), ("CN",)) == []


async def test_the_roster_list_shows_the_identity_card_under_the_passport(client):
    await signed_in(client)
    await upload(client, xlsx(SEED_ROW, HK))
    page = await client.get("/roster/")
    assert 'K12345678<br><small class="hint">身分證 A1234563</small>' in page.text
    assert page.text.count("身分證 ") == 1  # the foreign student has none

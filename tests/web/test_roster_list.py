"""The school's 名冊: list with filters and paging, export, edit, delete, and the reads other features use."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from app.domain import roster as rules
from app.domain.actor import Actor
from app.queries import roster as roster_queries
from app.services import excel
from tables.tables import RosterEntry
from tests.progress_support import make_roster_entry
from tests.support import make_school_with_accounts

YEAR = rules.academic_year(date.today())


async def add(
    school: int,
    passport: str,
    name_en: str = "STUDENT ONE",
    *,
    year: int = YEAR,
    semester: int = 1,
    category: str = "FG",
    status: str = "R",
    name_zh: str = "",
    born: date = date(1988, 2, 2),
) -> int:
    return await make_roster_entry(
        school,
        name_en=name_en,
        passport_no=passport,
        year=year,
        semester=semester,
        category=category,
        status=status,
        name_zh=name_zh,
        birth_date=born,
    )


def actor_of(ids: dict[str, int], key: str = "main") -> Actor:
    return Actor(
        kind="school",
        account_id=ids[key],
        login_id="03734301",
        school_id=ids["school"],
        is_main=key == "main",
    )


async def test_list_filters_and_paging(client):
    ids = await make_school_with_accounts()
    for i in range(25):
        await add(ids["school"], f"P{i:07d}", f"PERSON {i:02d}")
    await add(ids["school"], "MM214587", "STUDENT ONE", category="HK", status="A", name_zh="外生一")
    await add(ids["school"], "OLD00001", "OLD TERM", year=YEAR - 1, semester=2)
    await client.login("03734301-02")  # a sub-account sees the school's whole roster
    r = await client.get("/roster")
    assert r.status_code == 200 and "（27）" in r.text and "第 1 頁，共 2 頁" in r.text
    r = await client.get("/roster?page=2")
    assert "第 2 頁，共 2 頁" in r.text
    assert "OLD TERM" in r.text  # the older term comes last
    r = await client.get(f"/roster?year={YEAR}&semester=1&category=HK&status=A")
    assert "（1）" in r.text and "STUDENT ONE" in r.text and "PERSON" not in r.text
    assert "（1）" in (await client.get("/roster?name=外生")).text
    assert "（1）" in (await client.get("/roster?name=student-one")).text
    assert "（1）" in (await client.get("/roster?passport=mm21")).text
    assert "（0）" in (await client.get("/roster?passport=ZZ")).text
    assert "查無符合條件的學生" in (await client.get("/roster?passport=ZZ")).text
    # Junk in the query string is ignored, not an error.
    assert (await client.get("/roster?year=abc&semester=9&category=<x>&page=-3")).status_code == 200
    # htmx asks for just the table.
    part = await client.get(
        "/roster?name=STUDENT", headers={"HX-Request": "true", "HX-Target": "roster-results"}
    )
    assert (
        part.text.lstrip().startswith('<section class="card" id="roster-results"')
        and "<html" not in part.text
    )


async def test_list_in_english(client):
    ids = await make_school_with_accounts()
    await add(ids["school"], "MM214587")
    await client.login("03734301")
    client.cookies.set("lang", "en")
    r = await client.get("/roster")
    assert "Student roster" in r.text and "Lesotho" in r.text and "Foreign student" in r.text


async def test_export_is_the_template_shape_and_imports_again(client):
    ids = await make_school_with_accounts()
    await add(ids["school"], "MM214587", name_zh="外生一")
    await add(ids["school"], "P0000001", "=CMD EXEC")  # (not a valid name; as if written some other way)
    await client.login("03734301")
    r = await client.get("/roster/export.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith(excel.XLSX_MEDIA_TYPE)
    ws = openpyxl.load_workbook(io.BytesIO(r.content))[excel.SHEET_TITLE]
    header = [c.value for c in ws[1]]
    assert header == [c.zh for c in rules.COLUMNS] + ["學年度", "學期"]
    rows = {row[7].value: [c.value for c in row] for row in ws.iter_rows(min_row=2)}
    assert rows["MM214587"][:12] == [
        "外生一",
        "STUDENT ONE",
        "19880202",
        "FG_外生",
        "LS_賴索托",
        "1_女",
        None,
        "MM214587",
        "外國與外僑學生進入臺灣地區就學",
        "學士",
        "1年級",
        "R_已註冊",
    ]
    assert rows["MM214587"][12:] == [None, None, YEAR, 1]  # columns M and N (issue 14) empty for 外生
    assert ws["B3"].data_type == "s" and str(rows["P0000001"][1]).startswith("'=")
    # Filters apply to the export.
    only = await client.get("/roster/export.xlsx?passport=MM")
    assert openpyxl.load_workbook(io.BytesIO(only.content))[excel.SHEET_TITLE].max_row == 2
    # The export imports again as it is (the first row updates itself).
    again = await client.post_form(
        "/roster/import",
        {"year": str(YEAR), "semester": "1"},
        files={"file": ("roster.xlsx", only.content, "application/octet-stream")},
    )
    assert 'data-count="updated">1<' in again.text


async def test_edit_a_row(client):
    ids = await make_school_with_accounts()
    entry = await add(ids["school"], "MM214587")
    other = await add(ids["school"], "X1234567", "SOMEONE ELSE")
    await client.login("03734301-01")
    page = await client.get(f"/roster/{entry}/edit")
    assert page.status_code == 200 and 'value="MM214587"' in page.text and 'value="19880202"' in page.text
    form = {
        "version": "1",
        "name_zh": "外生一",
        "name_en": "Student One",
        "birth_date": "19880203",
        "category": "FO",
        "nationality": "JP",
        "gender": "M",
        "national_id": "",
        "passport_no": "MM214587",
        "qualification": "FOREIGN",
        "program": "M",
        "grade": "2",
        "status": "A",
    }
    r = await client.post_form(f"/roster/{entry}/edit", form)
    assert r.status_code == 200 and "儲存成功" in r.text
    row = (await RosterEntry.select().where(RosterEntry.id == entry))[0]
    assert (
        row["category"],
        row["nationality"],
        row["gender"],
        row["program"],
        row["grade"],
        row["status"],
        row["birth_date"],
        row["version"],
        row["updated_by"],
    ) == ("FO", "JP", "M", "M", "2", "A", date(1988, 2, 3), 2, ids["sub1"])
    # Errors beside the fields; nothing saved.
    bad = dict(form, version="2", birth_date="19880231", passport_no="X1234567", category="ZZ")
    r = await client.post_form(f"/roster/{entry}/edit", bad)
    assert r.status_code == 400 and "不是有效的日期" in r.text and "不在代碼清單中" in r.text
    bad = dict(form, version="2", passport_no="X1234567")
    r = await client.post_form(f"/roster/{entry}/edit", bad)
    assert r.status_code == 400 and "同一學年度、學期已有其他學生使用此護照號碼" in r.text
    # A stale form (someone saved meanwhile) is refused.
    r = await client.post_form(f"/roster/{entry}/edit", dict(form, version="1", name_en="LATE EDIT"))
    assert r.status_code == 409 and "已被他人修改" in r.text
    assert (await RosterEntry.select(RosterEntry.name_en).where(RosterEntry.id == entry))[0][
        "name_en"
    ] == "STUDENT ONE"
    assert other


async def test_delete_with_confirmation(client):
    ids = await make_school_with_accounts()
    entry = await add(ids["school"], "MM214587")
    await client.login("03734301")
    page = await client.get(f"/roster/{entry}/delete")
    assert (
        page.status_code == 200
        and "確定要從名冊刪除 STUDENT ONE" in page.text
        and 'role="alertdialog"' in page.text
    )
    assert await RosterEntry.count() == 1  # asking is not deleting
    r = await client.post_form(f"/roster/{entry}/delete")
    assert r.status_code == 200 and "已從名冊刪除該學生" in r.text
    assert await RosterEntry.count() == 0
    assert (await client.post_form(f"/roster/{entry}/delete")).status_code == 404


async def test_find_roster_match_for_the_students_own_sign_in(db):
    ids = await make_school_with_accounts()
    await add(ids["school"], "MM214587", "STUDENT ONE")
    match = await roster_queries.find_roster_match(YEAR, " mm214587", "student  one", date(1988, 2, 2))
    assert match and match["passport_no"] == "MM214587" and match["school"] == ids["school"]
    assert match["school_name"] == "測試大學"
    assert await roster_queries.find_roster_match(YEAR, "MM214587", "STUDENT TWO", date(1988, 2, 2)) is None
    assert await roster_queries.find_roster_match(YEAR, "MM214587", "STUDENT ONE", date(1988, 2, 3)) is None
    assert (
        await roster_queries.find_roster_match(YEAR - 1, "MM214587", "STUDENT ONE", date(1988, 2, 2)) is None
    )
    assert await roster_queries.find_roster_match(YEAR, "", "", date(1988, 2, 2)) is None


async def test_list_roster_for_picker_is_scoped_and_filtered(db):
    ids = await make_school_with_accounts()
    other = await make_school_with_accounts(prefix="03734302", name="另一大學")
    a = await add(ids["school"], "MM214587", category="FG", status="R")
    b = await add(ids["school"], "P0000001", "ANOTHER ONE", category="HK", status="A")
    await add(other["school"], "Q0000001", "FOREIGN ROW")
    rows = await roster_queries.list_roster_for_picker(actor_of(ids, "sub1"), {})
    assert {r["id"] for r in rows} == {a, b}
    assert {
        "name_en",
        "birth_date",
        "gender",
        "nationality",
        "passport_no",
        "program",
        "grade",
        "status",
        "category",
        "name_zh",
        "year",
        "semester",
    } <= set(rows[0])
    assert [
        r["id"] for r in await roster_queries.list_roster_for_picker(actor_of(ids), {"category": "HK"})
    ] == [b]
    assert [r["id"] for r in await roster_queries.list_roster_for_picker(actor_of(ids), None, ids=[a])] == [a]
    assert await roster_queries.list_roster_for_picker(actor_of(other), None, ids=[a]) == []
    nobody = Actor(kind="reviewer", account_id=None)
    assert await roster_queries.list_roster_for_picker(nobody, {}) == []


async def test_demo_roster_has_every_category_and_status_and_the_seeds_student(db):
    from app.demo import SCHOOLS
    from app.demo.roster import load_demo_roster
    from tests.support import make_account, make_school

    first = await make_school(name=SCHOOLS[0]["name"], business_no=SCHOOLS[0]["business_no"])
    second = await make_school(name=SCHOOLS[1]["name"], business_no=SCHOOLS[1]["business_no"])
    for school, spec in ((first, SCHOOLS[0]), (second, SCHOOLS[1])):  # the main accounts import the rows
        await make_account(spec["login_id"], school, main=True)
    today = date(2026, 11, 24)
    added = await load_demo_roster(today)
    assert added > 0 and await load_demo_roster(today) == 0  # idempotent
    for school in (first, second):
        rows = await RosterEntry.select().where(RosterEntry.school == school)
        assert {r["category"] for r in rows} == {"CN", "HK", "MO", "FG", "FO"}
        assert {r["status"] for r in rows} == {"A", "R"}
        assert {(r["year"], r["semester"]) for r in rows} == {(115, 1)}
        for r in rows:  # every demo row passes the import's own check
            raw = {
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "birth_date": r["birth_date"].strftime("%Y%m%d"),
                "category": r["category"],
                "nationality": r["nationality"],
                "gender": r["gender"],
                "national_id": r["national_id"],
                "passport_no": r["passport_no"],
                "qualification": r["qualification"],
                "program": r["program"],
                "grade": r["grade"],
                "status": r["status"],
                "resident_id": r["resident_id"],
                "travel_permit_no": r["travel_permit_no"],
            }
            assert rules.check_row(raw, today).errors == [], r
    match = await roster_queries.find_roster_match(115, "MM214587", "STUDENT ONE", date(1988, 2, 2))
    assert match and match["school"] == first and match["category"] == "FG" and match["status"] == "R"

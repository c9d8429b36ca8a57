"""匯入錄取/註冊資料 through the test client on a real database: template, import, report, safety, scope."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.actions import roster as roster_actions
from app.domain import roster as rules
from app.services import excel
from tables.tables import AuthEvent, RosterEntry, RosterImport
from tests.roster_support import SEED_ROW
from tests.roster_support import filled_template as xlsx
from tests.support import make_school_with_accounts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roster"
YEAR = str(rules.academic_year(date.today()))
SMITH = [
    "",
    "John Smith",
    "20010315",
    "FG_外生",
    "US_美國",
    "0_男",
    "",
    "US1234567",
    "外國與外僑學生進入臺灣地區就學",
    "學士",
    "2年級",
    "A_已錄取未註冊",
]
BAD = [
    "",
    "bad name 1",
    "19880231",
    "XX",
    "Narnia",
    "0",
    "A123456788",
    "M!",
    "外國與外僑學生進入臺灣地區就學",
    "學士",
    "1",
    "A",
]


async def upload(
    client,
    data: bytes,
    filename: str = "Student_List.xlsx",
    *,
    year: str = YEAR,
    semester: str = "1",
    headers: dict | None = None,
):
    return await client.post_form(
        "/roster/import",
        {"year": year, "semester": semester},
        files={"file": (filename, data, "application/octet-stream")},
        headers=headers or {},
    )


async def signed_in(client, login_id: str = "03734301") -> dict[str, int]:
    ids = await make_school_with_accounts()
    await client.login(login_id)
    return ids


async def nothing_written() -> bool:
    return await RosterEntry.count() == 0 and await RosterImport.count() == 0


# -- the page and the template ------------------------------------------------------------------


async def test_import_page_like_the_seed(client):
    await signed_in(client)
    r = await client.get("/roster/import")
    assert r.status_code == 200
    for text in ("學生錄取/註冊資料 - 匯入資料", "下載範例檔", "學年度", "學期", "匯入資料", 'type="file"'):
        assert text in r.text
    assert 'href="/roster/template.xlsx"' in r.text
    assert "匯入錄取/註冊資料" in r.text  # the menu entry under 帳號維護


async def test_template_download(client):
    await signed_in(client)
    r = await client.get("/roster/template.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(excel.XLSX_MEDIA_TYPE)
    assert (
        "attachment" in r.headers["content-disposition"]
        and "Student_List.xlsx" in r.headers["content-disposition"]
    )
    assert r.headers["cache-control"] == "no-store"
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb[excel.SHEET_TITLE][1]][:3] == ["學生中文姓名", "英文姓名", "生日(YYYYMMDD)"]


async def test_anonymous_is_sent_to_login(client):
    r = await client.get("/roster/import", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")
    r = await client.get("/roster/template.xlsx", follow_redirects=False)
    assert r.status_code in (302, 303)


# -- importing ----------------------------------------------------------------------------------


@pytest.fixture(params=["process", "thread"])
def reader_mode(request, monkeypatch):
    """The file read in the worker process (the default) or in a worker thread: the same outcome."""
    monkeypatch.setattr(roster_actions, "READER", request.param)
    return request.param


async def test_the_reader_process_yields_the_cpu_to_the_server_but_keeps_moving():
    """The worker that parses files runs at a lower priority than the server, so pages keep answering during an
    import, but under the normal scheduler (not SCHED_IDLE, which starves it on a busy machine)."""
    import os

    from app.services import workers

    assert await roster_actions._in_process(os.sched_getscheduler, 0) == os.SCHED_OTHER
    server = os.getpriority(os.PRIO_PROCESS, 0)
    assert await roster_actions._in_process(os.getpriority, os.PRIO_PROCESS, 0) == min(
        19, server + workers.READER_NICENESS
    )


async def test_template_round_trip(client, reader_mode):
    ids = await signed_in(client)
    template = (await client.get("/roster/template.xlsx")).content
    r = await upload(client, xlsx(SEED_ROW, SMITH, template=template))
    assert r.status_code == 200 and re.search(r"/roster/imports/\d+$", str(r.url))
    assert "Student_List.xlsx: 成功, 匯入資料: 2筆" in r.text
    rows = await RosterEntry.select().order_by(RosterEntry.passport_no)
    assert [(x["passport_no"], x["name_en"], x["category"], x["status"], x["school"]) for x in rows] == [
        ("MM214587", "STUDENT ONE", "FG", "R", ids["school"]),
        ("US1234567", "JOHN SMITH", "FG", "A", ids["school"]),
    ]
    assert rows[0]["birth_date"] == date(1988, 2, 2) and rows[0]["nationality"] == "LS"
    assert rows[0]["year"] == int(YEAR) and rows[0]["semester"] == 1 and rows[0]["created_by"] == ids["main"]
    listing = await client.get("/roster")
    assert "STUDENT ONE" in listing.text and "JOHN SMITH" in listing.text and "賴索托" in listing.text
    assert await AuthEvent.exists().where(AuthEvent.event == "roster_import")


async def test_report_lists_every_bad_cell_and_the_rejected_rows_download(client, reader_mode):
    await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW, BAD, SEED_ROW))
    assert "Student_List.xlsx: 成功, 匯入資料: 1筆" in r.text
    assert 'data-count="created">1<' in r.text and 'data-count="rejected">2<' in r.text
    for text in (
        "英文姓名",
        "bad name 1",
        "請依護照填寫",
        "不是有效的日期",
        "不在代碼清單中",
        "檢查碼錯誤",
        "護照號碼須為 5 至 20 個",
        "此護照號碼與本檔案第 2 列重複",
    ):
        assert text in r.text, text
    # The same report in English.
    client.cookies.set("lang", "en")
    en = await client.get(str(r.url))
    assert "Student_List.xlsx: success, rows imported: 1" in en.text
    assert (
        "Not a real date. Write it as YYYYMMDD" in en.text
        and "The same passport number is already on row 2" in en.text
    )
    # The rejected rows as .xlsx, with a message column.
    link = re.search(r'href="(/roster/imports/\d+/rejected\.xlsx)"', en.text).group(1)
    d = await client.get(link)
    assert d.status_code == 200 and "Student_List-rejected.xlsx" in d.headers["content-disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(d.content))[excel.SHEET_TITLE]
    header = [c.value for c in ws[1]]
    assert header[:14] == [c.zh for c in rules.COLUMNS] and header[14:] == ["Row in the file", "Errors"]
    lines = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [line[14] for line in lines] == [3, 4]
    assert lines[0][1] == "bad name 1" and "Date of birth (YYYYMMDD): Not a real date" in lines[0][15]
    assert "Passport no.: The same passport number" in lines[1][15]


async def test_fix_the_rejected_rows_and_import_just_those(client):
    await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW, BAD))
    link = re.search(r'href="(/roster/imports/\d+/rejected\.xlsx)"', r.text).group(1)
    report = openpyxl.load_workbook(io.BytesIO((await client.get(link)).content))
    ws = report[excel.SHEET_TITLE]
    for col, value in zip(
        "BCDEGH", ["BAD NAME", "19880228", "FG_外生", "JP_日本", "", "JP7654321"], strict=True
    ):
        ws[f"{col}2"] = value
    out = io.BytesIO()
    report.save(out)
    again = await upload(client, out.getvalue(), "Student_List-rejected.xlsx")
    assert "Student_List-rejected.xlsx: 成功, 匯入資料: 1筆" in again.text
    assert 'data-count="rejected">0<' in again.text
    assert await RosterEntry.count() == 2


async def test_reimport_updates_instead_of_duplicating(client):
    await signed_in(client)
    await upload(client, xlsx(SEED_ROW, SMITH))
    changed = list(SEED_ROW)
    changed[11] = "A_已錄取未註冊"
    changed[7] = "mm214587"  # same passport, typed in lower case
    r = await upload(client, xlsx(changed))
    assert "匯入資料: 1筆" in r.text
    assert 'data-count="created">0<' in r.text and 'data-count="updated">1<' in r.text
    assert await RosterEntry.count() == 2
    row = (await RosterEntry.select().where(RosterEntry.passport_no == "MM214587"))[0]
    assert row["status"] == "A" and row["version"] == 2
    # Another semester is another roster: a new row.
    await upload(client, xlsx(SEED_ROW), semester="2")
    assert await RosterEntry.count() == 3


async def test_xls_like_the_seeds_student_list(client):
    await signed_in(client)
    r = await upload(client, (FIXTURES / "Student_List.xls").read_bytes(), "Student_List.xls")
    assert "Student_List.xls: 成功, 匯入資料: 2筆" in r.text
    assert 'data-count="rejected">1<' in r.text
    tanaka = (await RosterEntry.select().where(RosterEntry.passport_no == "TK1234567"))[0]
    assert tanaka["birth_date"] == date(2002, 4, 1) and tanaka["name_en"] == "TANAKA TARO"


async def test_csv_utf8(client):
    await signed_in(client)
    text = ",".join(c.zh for c in rules.COLUMNS) + "\r\n" + ",".join(SEED_ROW) + "\r\n"
    r = await upload(client, ("\ufeff" + text).encode(), "students.csv")
    assert "students.csv: 成功, 匯入資料: 1筆" in r.text
    r = await upload(client, text.encode("big5"), "big5.csv")
    assert r.status_code == 400 and "UTF-8" in r.text


async def test_form_errors(client):
    await signed_in(client)
    r = await client.post_form("/roster/import", {"year": "", "semester": ""})
    assert r.status_code == 400
    assert "請選擇學年度。" in r.text and "請選擇學期。" in r.text and "請選擇要匯入的檔案。" in r.text
    r = await upload(client, xlsx(SEED_ROW), year="300")
    assert r.status_code == 400 and "請由清單選擇學年度。" in r.text
    assert await nothing_written()


async def test_htmx_upload_swaps_the_result_in(client):
    await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW), headers={"HX-Request": "true", "HX-Target": "roster-import"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="roster-import">') and "<html" not in r.text
    assert "成功, 匯入資料: 1筆" in r.text and re.match(r"/roster/imports/\d+", r.headers["hx-push-url"])
    # A refused file: still 200 (htmx swaps only 2xx answers), with the error summary in the panel.
    r = await upload(
        client, b"%PDF-1.7", "x.pdf", headers={"HX-Request": "true", "HX-Target": "roster-import"}
    )
    assert r.status_code == 200 and 'class="error-summary"' in r.text and "請上傳 .xlsx" in r.text


# -- malicious and broken files: a clear message, nothing written ---------------------------------


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
        zipfile.ZipFile(io.BytesIO(xlsx(SEED_ROW))) as src,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, src.read(info.filename))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(101):
                fh.write(b" " * (1024 * 1024))
    return buf.getvalue()


def entity_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, zipfile.ZipFile(io.BytesIO(xlsx(SEED_ROW))) as src:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + data
            zf.writestr(info.filename, data)
    return buf.getvalue()


def damaged_midway() -> bytes:
    """Five good rows, then the sheet's XML breaks off."""
    rows = []
    for i in range(5):
        row = list(SEED_ROW)
        row[7] = f"MM00000{i}"
        rows.append(row)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, zipfile.ZipFile(io.BytesIO(xlsx(*rows))) as src:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b"MM000004")] + b"<broken"
            zf.writestr(info.filename, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("maker", "filename", "message"),
    [
        (zip_bomb, "bomb.xlsx", "解壓縮後將超過 100 MB"),
        (entity_bomb, "entities.xlsx", "XML 實體宣告"),
        (
            lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "photo.xlsx",
            "副檔名為 .xlsx，但內容不是 Excel 活頁簿",
        ),
        (lambda: b"MZ\x90\x00" + b"\x00" * 64, "Student_List.xls", "內容不是 Excel 活頁簿"),
        (lambda: b"%PDF-1.7", "list.pdf", "請上傳 .xlsx、.xls 或 UTF-8 編碼的 .csv 檔案"),
        (lambda: b"a,b\n1,2\n", "list.csv", "第一列必須是範例檔的標題列"),
        (damaged_midway, "damaged.xlsx", "此活頁簿已損毀"),
    ],
)
async def test_bad_files_are_refused_and_nothing_is_written(
    client, monkeypatch, reader_mode, maker, filename, message
):
    monkeypatch.setattr(roster_actions, "BATCH_ROWS", 2)  # so a damaged file fails after a batch was written
    await signed_in(client)
    r = await upload(client, maker(), filename)
    assert r.status_code == 400
    assert message in r.text and filename in r.text
    assert await nothing_written()


async def test_formula_strings_are_text_and_refused_as_names(client):
    await signed_in(client)
    row = list(SEED_ROW)
    row[0], row[1] = "=1+1", '=HYPERLINK("http://evil.example","x")'
    r = await upload(client, xlsx(row))
    assert "匯入資料: 0筆" in r.text and "開頭不可為 =、+、- 或 @" in r.text
    assert await RosterEntry.count() == 0
    link = re.search(r'href="(/roster/imports/\d+/rejected\.xlsx)"', r.text).group(1)
    ws = openpyxl.load_workbook(io.BytesIO((await client.get(link)).content))[excel.SHEET_TITLE]
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("'=HYPERLINK")


async def test_too_large_a_file(client):
    await signed_in(client)
    r = await upload(client, b"x" * (excel.MAX_UPLOAD_BYTES + 10), "big.csv")
    assert r.status_code in (400, 413)
    assert await nothing_written()


async def test_a_crash_mid_import_writes_nothing(client, monkeypatch, reader_mode):
    monkeypatch.setattr(roster_actions, "BATCH_ROWS", 2)
    real = roster_actions._write_batch
    calls = {"n": 0}

    async def failing(*args, **kwargs):
        calls["n"] += 1
        result = await real(*args, **kwargs)
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return result

    monkeypatch.setattr(roster_actions, "_write_batch", failing)
    await signed_in(client)
    rows = []
    for i in range(5):
        row = list(SEED_ROW)
        row[7] = f"MM10000{i}"
        rows.append(row)
    r = await upload(client, xlsx(*rows))
    assert r.status_code == 500 and calls["n"] == 2
    assert await nothing_written()


# -- who may import, and whose rows they are -----------------------------------------------------


async def test_sub_account_imports_for_the_school(client):
    ids = await signed_in(client, "03734301-01")
    r = await upload(client, xlsx(SEED_ROW))
    assert "成功, 匯入資料: 1筆" in r.text
    row = (await RosterEntry.select())[0]
    assert row["school"] == ids["school"] and row["created_by"] == ids["sub1"]
    # The main account sees the row and the import.
    await client.post_form("/logout")
    await client.login("03734301")
    assert "STUDENT ONE" in (await client.get("/roster")).text
    assert "Student_List.xlsx" in (await client.get("/roster/import")).text


async def test_another_school_sees_nothing_of_it(client):
    await signed_in(client)
    r = await upload(client, xlsx(SEED_ROW, BAD))
    import_url = str(r.url).replace(str(client.base_url), "")
    entry_id = (await RosterEntry.select(RosterEntry.id))[0]["id"]
    await client.post_form("/logout")
    await make_school_with_accounts(prefix="03734302", name="另一大學")
    await client.login("03734302")
    listing = await client.get("/roster")
    assert "STUDENT ONE" not in listing.text and "（0）" in listing.text
    for url in (
        import_url,
        import_url + "/rejected.xlsx",
        f"/roster/{entry_id}/edit",
        f"/roster/{entry_id}/delete",
    ):
        assert (await client.get(url)).status_code == 404, url
    r = await client.post_form(f"/roster/{entry_id}/delete")
    assert r.status_code == 404 and await RosterEntry.count() == 1
    export = await client.get("/roster/export.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(export.content))[excel.SHEET_TITLE]
    assert ws.max_row == 1
    # The same passport in this school is this school's own row.
    await upload(client, xlsx(SEED_ROW))
    assert await RosterEntry.count() == 2
    assert len(await RosterEntry.select().where(RosterEntry.passport_no == "MM214587")) == 2

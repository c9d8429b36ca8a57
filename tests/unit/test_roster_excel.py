"""Spreadsheets: the template, reading .xlsx / .xls / .csv, malicious files, formula-safe writing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import roster as rules
from app.i18n import use_locale
from app.services import excel
from tests.roster_support import SEED_ROW, filled_template

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roster"


def refused(data: bytes, filename: str) -> str:
    with pytest.raises(excel.RosterFileError) as info:
        list(excel.read_roster(data, filename))
    with use_locale("en"):
        return str(info.value.message)


# -- the template -------------------------------------------------------------------------------


def test_template_has_the_seeds_columns_dropdowns_instructions_and_frozen_header():
    wb = openpyxl.load_workbook(io.BytesIO(excel.template_xlsx()))
    assert wb.sheetnames[0] == excel.SHEET_TITLE and wb.active.title == excel.SHEET_TITLE
    ws = wb[excel.SHEET_TITLE]
    assert [c.value for c in ws[1]] == [
        "學生中文姓名",
        "英文姓名",
        "生日(YYYYMMDD)",
        "來臺就學學生類別",
        "國籍",
        "性別",
        "身分證號",
        "護照號碼",
        "申請資格",
        "學制",
        "就讀年級",
        "狀態",
        "大陸或港澳居民身分證號",  # issue 14
        "往來台灣通行證號碼",
    ]
    assert ws.max_row == 1  # no example row to import by mistake
    assert ws.freeze_panes == "A2"
    for letter in "ABCDEFGHIJKL":
        assert ws.column_dimensions[letter].width >= 10
    for letter in "CGHMN":  # dates, IDs and passports stay text
        assert ws.column_dimensions[letter].number_format == "@"
    lists = wb[excel.LISTS_TITLE]
    assert lists.sheet_state == "hidden"
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.showErrorMessage
        letter = str(dv.sqref).split(":")[0][0]
        sheet, cells = dv.formula1.lstrip("=").split("!")
        assert sheet.strip("'") == excel.LISTS_TITLE
        first, last = cells.replace("$", "").split(":")
        by_column[letter] = [c.value for row in lists[first:last] for c in row]
    assert set(by_column) == set("DEFIJKL")
    assert by_column["D"] == ["CN_陸生", "HK_香港僑生", "MO_澳門生", "FG_外生", "FO_外僑生"]
    assert by_column["F"] == ["0_男", "1_女"]
    assert by_column["L"] == ["A_已錄取未註冊", "R_已註冊"]
    assert by_column["K"][0] == "1年級" and len(by_column["K"]) == 7
    assert "LS_賴索托" in by_column["E"] and len(by_column["E"]) == len(rules.nationalities())
    assert "外國與外僑學生進入臺灣地區就學" in by_column["I"] and "博士" in by_column["J"]
    text = " ".join(str(c.value) for row in wb[excel.INSTRUCTIONS_TITLE].iter_rows() for c in row if c.value)
    assert "YYYYMMDD" in text and "下拉式選單" in text and "Pick category" in text and "STUDENT ONE" in text


def test_template_round_trip_through_the_reader():
    data = filled_template(
        SEED_ROW,
        [
            None,
            "John Smith",
            20010315,
            "FG",
            "US",
            "0",
            None,
            "US1234567",
            "外國與外僑學生進入臺灣地區就學",
            "學士",
            "2年級",
            "A",
        ],
    )
    rows = list(excel.read_roster(data, "Student_List.xlsx"))
    assert [n for n, _r in rows] == [2, 3]
    # The template's columns M and N (issue 14) are read as empty for this foreign student.
    assert rows[0][1] == dict(zip(rules.COLUMN_KEYS, [*SEED_ROW, "", ""], strict=True))
    assert rows[1][1]["birth_date"] == "20010315" and rows[1][1]["name_zh"] == ""


def test_blank_rows_are_skipped_and_extra_columns_ignored():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])
    ws.append([c.zh for c in rules.COLUMNS] + ["學年度", "錯誤說明"])
    ws.append(SEED_ROW + [115, "whatever"])
    ws.append([])
    ws.append([None] * 12)
    out = io.BytesIO()
    wb.save(out)
    rows = list(excel.read_roster(out.getvalue(), "x.xlsx"))
    assert len(rows) == 1 and rows[0][0] == 3


def test_excel_dates_and_numbers_read_as_typed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.zh for c in rules.COLUMNS])
    from datetime import datetime

    ws.append(["", "A B", datetime(2001, 3, 15), "FG", "JP", 1, "", 12345678, "x", "x", 2.0, "R"])
    out = io.BytesIO()
    wb.save(out)
    ((_n, row),) = list(excel.read_roster(out.getvalue(), "x.xlsx"))
    assert row["birth_date"] == "20010315" and row["gender"] == "1" and row["passport_no"] == "12345678"
    assert row["grade"] == "2"


def test_header_row_missing():
    wb = openpyxl.Workbook()
    wb.active.append(SEED_ROW)
    out = io.BytesIO()
    wb.save(out)
    message = refused(out.getvalue(), "x.xlsx")
    assert message.startswith("The first row must be the template's header row") and "英文姓名" in message


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(excel, "MAX_DATA_ROWS", 3)
    data = filled_template(*[SEED_ROW] * 4)
    assert "more than 3 rows" in refused(data, "x.xlsx")


# -- .xls and .csv ------------------------------------------------------------------------------


def test_xls_file_like_the_seeds_student_list():
    data = (FIXTURES / "Student_List.xls").read_bytes()
    rows = list(excel.read_roster(data, "Student_List.xls"))
    assert rows[0] == (2, dict(zip(rules.SEED_COLUMN_KEYS, SEED_ROW, strict=True)))  # the seed's 12 columns
    assert rows[1][1]["birth_date"] == "20020401"  # an Excel date cell
    assert rows[2][1]["name_en"] == ""  # a formula: never evaluated here, its saved value is empty


def test_csv_utf8_with_bom_commas_or_semicolons():
    header = ",".join(c.zh for c in rules.COLUMNS)
    body = ",".join(SEED_ROW)
    rows = list(excel.read_roster(("\ufeff" + header + "\r\n" + body + "\r\n").encode(), "list.csv"))
    assert rows == [(2, dict(zip(rules.COLUMN_KEYS, [*SEED_ROW, "", ""], strict=True)))]
    semi = (header.replace(",", ";") + "\n" + body.replace(",", ";")).encode()
    assert list(excel.read_roster(semi, "list.csv"))[0][1]["passport_no"] == "MM214587"


def test_csv_not_utf8_is_refused_with_advice():
    data = (",".join(c.zh for c in rules.COLUMNS)).encode("big5")
    assert "CSV UTF-8" in refused(data, "list.csv")


# -- malicious or wrong files -------------------------------------------------------------------


def test_renamed_files_are_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert (
        refused(png, "Student_List.xlsx")
        == "This file is not an Excel workbook, although its name ends in .xlsx."
    )
    assert refused(b"hello", "Student_List.xls").startswith("This file is not an Excel workbook")
    assert refused(png, "list.csv") == "This file is not an Excel workbook (.xlsx, .xls) or a UTF-8 CSV file."
    assert refused(b"abc", "list.pdf") == "Upload the list as .xlsx, .xls or a UTF-8 .csv file."
    assert refused(b"", "list.xlsx") == "The file is empty."
    # A zip that is not a workbook (say a .docx renamed).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
    assert refused(buf.getvalue(), "x.xlsx").startswith("This file is not an Excel workbook")
    # A broken OLE2 file.
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.xls").startswith(
        "This file is not"
    )


def test_too_large_upload_is_refused():
    assert refused(b"a" * (excel.MAX_UPLOAD_BYTES + 1), "x.csv") == "The file is larger than 5 MB."


def zip_bomb() -> bytes:
    """A valid-looking workbook whose sheet unpacks to 101 MB of zeros (about 100 KB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        base = io.BytesIO(excel.template_xlsx())
        with zipfile.ZipFile(base) as src:
            for info in src.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    zf.writestr(info.filename, src.read(info.filename))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1024 * 1024)
            for _ in range(101):
                fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_refused_before_openpyxl_opens_it(monkeypatch):
    data = zip_bomb()
    assert len(data) < excel.MAX_UPLOAD_BYTES

    def never(*_a, **_k):
        raise AssertionError("openpyxl must not see a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    assert "zip bomb" in refused(data, "bomb.xlsx")


def entity_bomb(padding: int = 0) -> bytes:
    """The template with a 'billion laughs' DTD in its sheet (after `padding` bytes of comment)."""
    dtd = (
        "<!--"
        + "x" * padding
        + "-->"
        + '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        + '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    ).encode()
    src = zipfile.ZipFile(io.BytesIO(filled_template(SEED_ROW)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                decl_end = data.index(b"?>") + 2 if b"?>" in data[:200] else 0
                data = data[:decl_end] + dtd + data[decl_end:].replace(b"STUDENT ONE", b"&lol3;", 1)
            zf.writestr(info.filename, data)
    return buf.getvalue()


def test_xml_entity_bomb_refused():
    assert refused(entity_bomb(), "bomb.xlsx") == (
        "The workbook contains XML entity declarations, which Excel never writes; it is refused."
    )


def test_xml_entity_bomb_past_the_pre_check_is_stopped_by_defusedxml():
    # The DTD sits after 10 KB of comment, beyond the first bytes the zip check reads: defusedxml refuses it.
    assert refused(entity_bomb(padding=10_000), "bomb.xlsx") == (
        "The workbook contains XML entity declarations, which Excel never writes; it is refused."
    )


def test_formulas_are_read_as_text_never_evaluated():
    data = filled_template(
        ["=1+1", '=HYPERLINK("http://x","y")', "=A1", "FG", "JP", "0", "", "MM214587", "x", "x", "1", "R"]
    )
    ((_n, row),) = list(excel.read_roster(data, "f.xlsx"))
    assert (
        row["name_zh"] == "=1+1"
        and row["name_en"] == '=HYPERLINK("http://x","y")'
        and row["birth_date"] == "=A1"
    )
    check = rules.check_row(row, __import__("datetime").date(2026, 11, 24))
    assert {e.column for e in check.errors} >= {"name_zh", "name_en", "birth_date"}


# -- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\t=1"])
def test_written_cells_are_protected_from_formula_injection(value):
    data = excel.roster_workbook([[value] + [""] * 11], ["Errors"], with_instructions=False)
    ws = openpyxl.load_workbook(io.BytesIO(data))[excel.SHEET_TITLE]
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.value == "'" + value
    # And read back it is what the clerk typed (as text), so a report re-imports unchanged.
    if value[0] in "=+-@":
        assert excel.cell_text(cell.value) == value


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda s: s and not s.startswith("'"))
)
def test_neutraliser_round_trip(text):
    data = excel.roster_workbook([[text] + [""] * 11], with_instructions=False)
    ws = openpyxl.load_workbook(io.BytesIO(data))[excel.SHEET_TITLE]
    assert ws["A2"].data_type == "s"
    assert excel.cell_text(ws["A2"].value) == text


def test_content_disposition_has_an_ascii_fallback():
    value = excel.content_disposition("名冊-115.xlsx")
    assert value.startswith('attachment; filename="115.xlsx"') or 'filename="' in value
    assert "filename*=UTF-8''%E5%90%8D%E5%86%8A-115.xlsx" in value

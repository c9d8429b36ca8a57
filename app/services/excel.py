"""Spreadsheets in and out: the roster template, reading uploaded lists, writing reports and exports.

Reading is defensive, because the file comes from outside:
- at most `MAX_UPLOAD_BYTES`; the kind is told by the file's first bytes, not by its name, so a
  renamed file is refused with a clear message;
- an `.xlsx` is a zip: its entries' declared sizes are added up and the file refused before
  openpyxl opens it when they would unpack past `MAX_UNPACKED_BYTES` (zipfile never inflates an
  entry past its declared size, so the check holds); a part that declares a DTD or entities is
  refused too, and openpyxl parses with defusedxml underneath (`openpyxl.DEFUSEDXML`);
- formulas are never evaluated: openpyxl reads a formula cell as its text (`=...`), xlrd gives
  the value Excel saved, a CSV is text;
- `.xlsx` is read in openpyxl's streaming (read-only) mode, so memory stays flat with file size.

Writing neutralises formula injection: a text cell that starts with = + - @ or a control
character is written with a leading apostrophe, as text. Reading strips that apostrophe again,
so a downloaded report imports as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

import defusedxml
import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.domain import roster as rules
from app.i18n import lazy_gettext as _l

assert openpyxl.DEFUSEDXML, "openpyxl must parse with defusedxml"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_DATA_ROWS = 30_000
MAX_COLUMNS = 40
TEMPLATE_ROWS = 2000  # rows of the template that carry the dropdowns

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

SHEET_TITLE = "名冊"
INSTRUCTIONS_TITLE = "說明 Instructions"
LISTS_TITLE = "代碼 Lists"


class RosterFileError(Exception):
    """The file cannot be read as a roster. `message` is a lazy translation for the clerk."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------------------------------------
# Cells


def safe_text(value: Any) -> Any:
    """A value as it may be written to a spreadsheet: text that could start a formula gets a '."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


def _safe_cell(ws, value: Any, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=safe_text(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if font is not None:
        cell.font = font
    return cell


def cell_text(value: Any) -> str:
    """A cell's value as the text a clerk typed: 19880202 not 19880202.0, dates as YYYYMMDD."""
    if value is None:
        return ""
    if isinstance(value, str):
        s = value.strip()
        if len(s) > 1 and s[0] == "'" and s[1] in "=+-@":
            s = s[1:]
        return s
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Reading


def detect_kind(data: bytes, filename: str) -> str:
    """ "xlsx", "xls" or "csv" from the first bytes; refuses what is none of them."""
    if not data:
        raise RosterFileError(_l("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(_l("The file is larger than %(mb)d MB.", mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE2_MAGIC):
        return "xls"
    if ext in ("xlsx", "xlsm", "xls"):
        raise RosterFileError(
            _l("This file is not an Excel workbook, although its name ends in .%(ext)s.", ext=ext)
        )
    if ext in ("csv", "txt"):
        return "csv"
    raise RosterFileError(_l("Upload the list as .xlsx, .xls or a UTF-8 .csv file."))


def _not_excel() -> RosterFileError:
    return RosterFileError(_l("This file is not an Excel workbook (.xlsx, .xls) or a UTF-8 CSV file."))


def check_xlsx_container(data: bytes) -> None:
    """The zip checks that run before openpyxl sees the file (zip bomb, DTDs, not a workbook)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_excel() from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise RosterFileError(_l("The workbook has too many parts to be a roster; it is refused."))
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise RosterFileError(
            _l(
                "The workbook would unpack to more than %(mb)d MB (a compressed 'zip bomb'); it is refused.",
                mb=MAX_UNPACKED_BYTES // (1024 * 1024),
            )
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_excel()
    for info in infos:
        if info.flag_bits & 0x1:
            raise RosterFileError(
                _l("The workbook is password-protected. Save it without a password and try again.")
            )
        if info.filename.endswith((".xml", ".rels", ".vml")):
            try:
                with zf.open(info) as fh:
                    head = fh.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                raise _not_excel() from exc
            if _DTD.search(head) or _DTD.search(head.replace(b"\x00", b"")):
                raise _entities_refused()


def _from_defusedxml(exc: BaseException | None) -> bool:
    """Whether defusedxml stopped the parse (openpyxl wraps its error in a ValueError)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, defusedxml.DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _entities_refused() -> RosterFileError:
    return RosterFileError(
        _l("The workbook contains XML entity declarations, which Excel never writes; it is refused.")
    )


def _iter_xlsx(data: bytes) -> Iterator[list[str]]:
    """Call `check_xlsx_container` first (open_table does)."""
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise (_entities_refused() if _from_defusedxml(exc) else _not_excel()) from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise _not_excel()
        for row in ws.iter_rows(values_only=True):
            # cell_text inlined for the common cells (empty, plain text): this loop runs for every cell.
            yield [
                "" if v is None else v.strip() if type(v) is str and v[:1] != "'" else cell_text(v)
                for v in row[:MAX_COLUMNS]
            ]
    except RosterFileError:
        raise
    except Exception as exc:
        if _from_defusedxml(exc):
            raise _entities_refused() from exc
        raise RosterFileError(_l("The workbook is damaged and cannot be read to the end.")) from exc
    finally:
        wb.close()


def _iter_xls(data: bytes) -> Iterator[list[str]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd.XLRDError, struct errors, CompDocError ...
        raise _not_excel() from exc
    try:
        if sheet.nrows > MAX_DATA_ROWS + 1:
            raise RosterFileError(
                _l("The file has more than %(n)d rows; split it into smaller files.", n=MAX_DATA_ROWS)
            )
        for r in range(sheet.nrows):
            out: list[str] = []
            for c in range(min(sheet.ncols, MAX_COLUMNS)):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        out.append(cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode)))
                    except (ValueError, OverflowError):
                        out.append(cell_text(cell.value))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    out.append("")
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append(cell_text(bool(cell.value)))
                else:
                    out.append(cell_text(cell.value))
            yield out
    finally:
        book.release_resources()


def _iter_csv(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data[:65536]:
        raise _not_excel()
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            _l("The CSV file is not UTF-8. In Excel choose 'CSV UTF-8 (comma delimited)' when saving.")
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [cell_text(v) for v in row[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise RosterFileError(_l("The CSV file cannot be read: %(detail)s", detail=str(exc))) from exc


def open_table(data: bytes, filename: str) -> Iterator[list[str]]:
    """The rows of the file's first sheet as lists of text, header included.

    The kind checks and the zip checks run here, before the first row is asked for; a problem
    found later (a damaged sheet) raises RosterFileError from the iteration.
    """
    kind = detect_kind(data, filename)
    if kind == "xlsx":
        check_xlsx_container(data)
        return _iter_xlsx(data)
    if kind == "xls":
        return _iter_xls(data)
    return _iter_csv(data)


def read_roster(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as Excel counts it, {column key: text}) for every non-blank row under the header.

    The file-level checks run now; the rows are read as they are asked for.
    """
    return _roster_rows(open_table(data, filename))


def _roster_rows(rows: Iterator[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    header: dict[str, int] | None = None
    header_row = 0
    for number, cells in enumerate(rows, start=1):
        if header is None:
            if not any(cells):
                continue
            header = rules.map_header(cells)
            if header is None:
                missing = ", ".join(rules.COLUMN_BY_KEY[k].zh for k in rules.missing_headers(cells))
                raise RosterFileError(
                    _l(
                        "The first row must be the template's header row; these columns are missing: %(cols)s. "
                        "Download the template and copy the rows into it.",
                        cols=missing,
                    )
                )
            header_row = number
            continue
        if not any(cells):
            continue
        if number - header_row > MAX_DATA_ROWS:
            raise RosterFileError(
                _l("The file has more than %(n)d rows; split it into smaller files.", n=MAX_DATA_ROWS)
            )
        yield number, {key: (cells[i] if i < len(cells) else "") for key, i in header.items()}
    if header is None:
        raise RosterFileError(_l("The file has no rows."))


# ---------------------------------------------------------------------------------------------
# Writing

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F4E79")


def _lists_sheet(wb) -> dict[str, str]:
    """A hidden sheet with every code list in a column; {list name: absolute range formula}."""
    ws = wb.create_sheet(LISTS_TITLE)
    ranges: dict[str, str] = {}
    lists = rules.code_lists()
    names = [c.code_list for c in rules.COLUMNS if c.code_list]
    titles = {c.code_list: c.zh for c in rules.COLUMNS if c.code_list}
    columns = [[_safe_cell(ws, titles[n])] for n in names]
    longest = 0
    for idx, name in enumerate(names):
        options = lists[name].options
        longest = max(longest, len(options))
        letter = get_column_letter(idx + 1)
        ranges[name] = f"'{LISTS_TITLE}'!${letter}$2:${letter}${len(options) + 1}"
        columns[idx].extend(_safe_cell(ws, o.dropdown) for o in options)
    for r in range(longest + 1):
        ws.append([col[r] if r < len(col) else None for col in columns])
    ws.sheet_state = "hidden"
    return ranges


def _instructions_sheet(wb) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_TITLE, 1)
    for letter, width in zip("ABCD", (22, 26, 60, 60), strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    lines: list[list[Any]] = [
        [
            _safe_cell(ws, "學生錄取/註冊資料 範例檔", bold),
            None,
            _safe_cell(ws, "Admitted / registered students: template", bold),
        ],
        [],
        [
            "1",
            None,
            "在「名冊」工作表第 2 列起，每位學生填一列；第 1 列為標題，請勿修改。",
            "Fill one row per student on the 名冊 sheet from row 2; row 1 is the header, do not change it.",
        ],
        [
            "2",
            None,
            "學生中文姓名無可免填；英文姓名、生日、護照號碼必填。",
            "The Chinese name may be left empty; English name, date of birth and passport number are required.",
        ],
        [
            "3",
            None,
            "生日請以西元年 YYYYMMDD 填寫，例如 19880202。",
            "Write the date of birth as YYYYMMDD, for example 19880202.",
        ],
        [
            "4",
            None,
            "來臺就學學生類別、國籍、性別、申請資格、學制、就讀年級及狀態請以下拉式選單點選。",
            "Pick category, nationality, gender, qualification, programme, year of study and status from the dropdowns.",
        ],
        [
            "5",
            None,
            "身分證號有則填寫，系統會檢查檢查碼。",
            "Give the national ID (or resident certificate) number if the student has one; its check digit is verified.",
        ],
        [
            "6",
            None,
            "同一學年度、學期再次匯入相同護照號碼時，會更新該生資料，不會重複建立。",
            "Importing a passport number again for the same academic year and semester updates that student's row.",
        ],
        [
            "7",
            None,
            "可上傳 .xlsx、.xls 或 UTF-8 編碼之 .csv，檔案大小上限 5 MB。",
            "Upload .xlsx, .xls or a UTF-8 .csv file of at most 5 MB.",
        ],
        [],
        [
            _safe_cell(ws, "欄位", bold),
            _safe_cell(ws, "Column", bold),
            _safe_cell(ws, "填寫說明", bold),
            _safe_cell(ws, "Notes", bold),
        ],
    ]
    notes = {
        "name_zh": ("選填", "Optional"),
        "name_en": ("必填，與護照相同", "Required, as in the passport"),
        "birth_date": ("必填，YYYYMMDD", "Required, YYYYMMDD"),
        "national_id": ("選填，檢查檢查碼", "Optional; the check digit is verified"),
        "passport_no": ("必填，5 至 20 個英文字母或數字", "Required, 5 to 20 letters or digits"),
        "resident_id": (
            "陸生、港澳生必填：陸生填大陸居民身分證號(18碼)，香港生填香港身份證號碼，澳門生填澳門居民身份證號碼；"
            "檢查檢查碼。外生、外僑生免填",
            "Required for mainland, Hong Kong and Macau students: the mainland resident ID (18 characters), "
            "the HKID or the Macau ID; check digits verified. Empty for foreign students",
        ),
        "travel_permit_no": (
            "陸生選填：大陸居民往來台灣通行證號碼(如 L12345678)",
            "Mainland students, optional: Mainland Travel Permit for Taiwan no. (e.g. L12345678)",
        ),
    }
    for col in rules.COLUMNS:
        zh_note, en_note = notes.get(col.key, ("必填，下拉式選單點選", "Required, pick from the dropdown"))
        lines.append([col.zh, col.en, zh_note, en_note])
    lines += [
        [],
        [_safe_cell(ws, "範例 Example", bold)],
        [c.zh for c in rules.COLUMNS],
        [
            "外生一",
            "STUDENT ONE",
            "19880202",
            "FG_外生",
            "LS_賴索托",
            "1_女",
            "A123456789",
            "MM214587",
            "外國與外僑學生進入臺灣地區就學",
            "學士",
            "1年級",
            "R_已註冊",
            "",
            "",
        ],
        [
            "陸生一",
            "LI MINGHUA",
            "20040307",
            "CN_陸生",
            "CN_中國",
            "0_男",
            "",
            "EA1234567",
            "一般_大陸地區人民進入臺灣地區就學",
            "學士",
            "1年級",
            "A_已錄取未註冊",
            "350203200403070019",
            "L12345678",
        ],
        [
            "港生一",
            "CHAN KA YAN",
            "20060520",
            "HK_香港僑生",
            "HK_中國香港特別行政區",
            "1_女",
            "",
            "K12345678",
            "外國與外僑學生進入臺灣地區就學",
            "學士",
            "1年級",
            "A_已錄取未註冊",
            "A123456(3)",
            "",
        ],
    ]
    for line in lines:
        ws.append([_safe_cell(ws, v) if isinstance(v, str) else v for v in line])


def _roster_sheet(wb, extra_headers: list[str], ranges: dict[str, str] | None):
    ws = wb.create_sheet(SHEET_TITLE, 0)
    ws.freeze_panes = "A2"
    for i, col in enumerate(rules.COLUMNS, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
        if col.text:
            dim.number_format = "@"
    for j, _h in enumerate(extra_headers, start=len(rules.COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(j)].width = (
            40 if j == len(rules.COLUMNS) + len(extra_headers) else 14
        )
    if ranges:
        for i, col in enumerate(rules.COLUMNS, start=1):
            if not col.code_list:
                continue
            letter = get_column_letter(i)
            dv = DataValidation(
                type="list",
                formula1=f"={ranges[col.code_list]}",
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="請由選單點選 / Pick from the list",
                error=f"{col.zh}: 請由下拉式選單點選。 Pick a value from the dropdown.",
                showInputMessage=True,
                promptTitle=col.zh[:32],
                prompt=col.en[:255],
            )
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.data_validations.append(dv)
    header = []
    for col in rules.COLUMNS:
        cell = _safe_cell(ws, col.zh, _HEAD_FONT)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    for h in extra_headers:
        cell = _safe_cell(ws, h, _HEAD_FONT)
        cell.fill = _HEAD_FILL
        header.append(cell)
    ws.append(header)
    return ws


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_workbook(
    rows: Iterable[list[Any]] = (), extra_headers: list[str] | None = None, *, with_instructions: bool = True
) -> bytes:
    """The template (no rows), or a list in the template's shape: the 12 columns, then extra ones.

    Written in openpyxl's write-only mode, so an export of many rows does not hold them all.
    Every text cell goes through `safe_text`.
    """
    wb = openpyxl.Workbook(write_only=True)
    ranges = _lists_sheet(wb)
    ws = _roster_sheet(wb, list(extra_headers or []), ranges)
    if with_instructions:
        _instructions_sheet(wb)
    for row in rows:
        ws.append([_safe_cell(ws, v) if isinstance(v, str) else v for v in row])
    return _save(wb)


def template_xlsx() -> bytes:
    return roster_workbook()


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name."""
    from urllib.parse import quote

    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "download.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"

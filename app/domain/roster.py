"""名冊 (RosterEntry) rules: the template's columns, its code lists and the check of one row.

Pure: no web, no database, no file formats. `app/services/excel.py` turns a file into rows of
strings; `check_row()` turns one row into clean values or a list of cell errors; the action writes.

Code lists follow the seed's 範例檔: a dropdown shows `code_name` (FG_外生, 0_男, A_已錄取未註冊),
and an import accepts the code, the code_name, or the name alone (in Chinese or English), so a
file typed by hand or exported from a school's own system still reads. Nationalities are the
ISO 3166 countries as CLDR names them (Babel), e.g. `LS_賴索托`; the seed's own numbered codes
(`518_賴索托`) are read by their name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from babel import Locale

from app.domain import validators as v
from app.i18n import lazy_gettext as _l

# ---------------------------------------------------------------------------------------------
# Academic year and semester (學年度 / 學期)

FIRST_ROC_YEAR = 1911


def academic_year(today: date) -> int:
    """The ROC academic year that `today` falls in: it starts on 1 August (2026-08-01 → 115)."""
    return today.year - FIRST_ROC_YEAR - (0 if today.month >= 8 else 1)


def semester_of(today: date) -> int:
    """1 (上學期, August to January) or 2 (下學期, February to July)."""
    return 1 if today.month >= 8 or today.month == 1 else 2


def year_choices(today: date) -> list[int]:
    """What the 學年度 select offers: last year, this year and next year (newest first)."""
    current = academic_year(today)
    return [current + 1, current, current - 1]


SEMESTERS = ((1, _l("First semester")), (2, _l("Second semester")))  # 上學期 / 下學期


def check_year_semester(year: str | int | None, semester: str | int | None, today: date) -> dict[str, Any]:
    """The import form's 學年度 and 學期. Returns {field: message}; empty when both are fine."""
    errors: dict[str, Any] = {}
    y = _int(year)
    if y is None:
        errors["year"] = _l("Choose the academic year.")
    elif not year_in_range(y, today):
        errors["year"] = _l("Choose an academic year from the list.")
    s = _int(semester)
    if s is None:
        errors["semester"] = _l("Choose the semester.")
    elif s not in (1, 2):
        errors["semester"] = _l("Choose a semester from the list.")
    return errors


def year_in_range(year: int, today: date) -> bool:
    """An academic year the forms offer: ROC 90 up to next year."""
    return year in year_choices(today) or 90 <= year <= academic_year(today) + 1


def check_filter_year(raw: Any, today: date) -> Any | None:
    """A list filter's 學年度 from a query string: a number out of range is refused with the form's
    message (it could not be chosen from the list, and would not fit the database's integer);
    empty or non-numeric junk is left to be ignored, as the filters ignore unknown codes."""
    year = _int(raw) if str(raw or "").strip() else None
    if year is None or year_in_range(year, today):
        return None
    return _l("Choose an academic year from the list.")


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Code lists


@dataclass(frozen=True)
class Option:
    """One entry of a dropdown. `value` is what the database keeps; `shown` what the dropdown shows."""

    value: str
    code: str
    zh: str
    en: str
    shown: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def dropdown(self) -> str:
        return self.shown or f"{self.code}_{self.zh}"

    def label(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


CATEGORIES = (
    Option("CN", "CN", "陸生", "Mainland Chinese student"),
    Option("HK", "HK", "香港僑生", "Hong Kong student"),
    Option("MO", "MO", "澳門生", "Macau student"),
    Option("FG", "FG", "外生", "Foreign student"),
    Option("FO", "FO", "外僑生", "Overseas Chinese student (foreign nationality)"),
)

GENDERS = (
    Option("M", "0", "男", "Male", aliases=("M",)),
    Option("F", "1", "女", "Female", aliases=("F",)),
)

QUALIFICATIONS = (
    Option(
        "CN_GENERAL",
        "一般",
        "一般_大陸地區人民進入臺灣地區就學",
        "Mainland Chinese student, general admission",
        shown="一般_大陸地區人民進入臺灣地區就學",
    ),
    Option(
        "CN_ACADEMIC",
        "學術合作",
        "學術合作_大陸地區人民進入臺灣地區就學",
        "Mainland Chinese student, academic cooperation",
        shown="學術合作_大陸地區人民進入臺灣地區就學",
    ),
    Option(
        "FOREIGN",
        "外國與外僑",
        "外國與外僑學生進入臺灣地區就學",
        "Foreign or overseas Chinese student",
        shown="外國與外僑學生進入臺灣地區就學",
    ),
)

# 學制: the seed's dropdown shows 博士 / 碩士 / 學士; its example row also has an associate degree
# (7 公立專科學校二年制副學士班), and language-centre students (華語生) are common among foreign students.
PROGRAMS = (
    Option("D", "D", "博士", "Doctoral", shown="博士", aliases=("博士班", "PhD")),
    Option("M", "M", "碩士", "Master's", shown="碩士", aliases=("碩士班", "碩士在職專班")),
    Option("B", "B", "學士", "Bachelor's", shown="學士", aliases=("學士班", "大學部", "二技", "四技")),
    Option(
        "A",
        "A",
        "副學士",
        "Associate",
        shown="副學士",
        aliases=(
            "副學士班",
            "7 公立專科學校二年制副學士班",
            "7公立專科學校二年制副學士班",
            "公立專科學校二年制副學士班",
            "五專",
            "二專",
        ),
    ),
    Option(
        "L",
        "L",
        "華語文",
        "Mandarin language programme",
        shown="華語文",
        aliases=("華語", "華語文中心", "華語生", "Mandarin"),
    ),
)

GRADES = tuple(
    Option(str(n), str(n), f"{n}年級", f"Year {n}", shown=f"{n}年級", aliases=(f"{zh}年級",))
    for n, zh in zip(range(1, 8), "一二三四五六七", strict=True)
)

STATUSES = (
    Option("A", "A", "已錄取未註冊", "Admitted, not yet registered"),
    Option("R", "R", "已註冊", "Registered"),
)

# CLDR regions that are not countries (exceptional reservations, unions, pseudo-regions).
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}


@cache
def nationalities() -> tuple[Option, ...]:
    """Every country from CLDR, sorted by code: value and code are the ISO 3166 alpha-2 code."""
    zh = Locale.parse("zh_Hant_TW").territories
    en = Locale.parse("en").territories
    codes = sorted(c for c in zh if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)
    return tuple(Option(c, c, zh[c], en.get(c, c)) for c in codes)


def _key(text: str) -> str:
    """Compare code-list entries loosely: width, case, spaces and the 台/臺 variant do not matter."""
    s = unicodedata.normalize("NFKC", text).strip().upper().replace("臺", "台")
    return re.sub(r"\s+", "", s)


_MISS = object()
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class CodeList:
    name: str
    options: tuple[Option, ...]
    lookup: dict[str, Option] = field(default_factory=dict, compare=False, hash=False)
    seen: dict[str, Option | None] = field(default_factory=dict, compare=False, hash=False)  # typed -> found

    @classmethod
    def build(cls, name: str, options: tuple[Option, ...]) -> CodeList:
        lookup: dict[str, Option] = {}
        # Later entries never override earlier ones: codes win over names.
        for o in options:
            for text in (o.code, o.value):
                lookup.setdefault(_key(text), o)
        for o in options:
            for text in (
                o.dropdown,
                f"{o.code}_{o.zh}",
                f"{o.code}{o.zh}",
                f"{o.code}_{o.en}",
                o.zh,
                o.en,
                *o.aliases,
            ):
                lookup.setdefault(_key(text), o)
        return cls(name, options, lookup)

    def find(self, raw: str) -> Option | None:
        """The option a typed value means. A roster repeats the same few values: answers are remembered."""
        hit = self.seen.get(raw, _MISS)
        if hit is not _MISS:
            return hit  # type: ignore[return-value]
        found = self._find(raw)
        if len(self.seen) < _CACHE_LIMIT:
            self.seen[raw] = found
        return found

    def _find(self, raw: str) -> Option | None:
        key = _key(raw)
        if not key:
            return None
        found = self.lookup.get(key)
        if found is not None:
            return found
        # code_name with a code of another numbering (the seed's 518_賴索托): read the name.
        if "_" in key:
            return self.lookup.get(key.split("_", 1)[1])
        return None

    def by_value(self, value: str) -> Option | None:
        for o in self.options:
            if o.value == value:
                return o
        return None


@cache
def code_lists() -> dict[str, CodeList]:
    return {
        "category": CodeList.build("category", CATEGORIES),
        "nationality": CodeList.build("nationality", nationalities()),
        "gender": CodeList.build("gender", GENDERS),
        "qualification": CodeList.build("qualification", QUALIFICATIONS),
        "program": CodeList.build("program", PROGRAMS),
        "grade": CodeList.build("grade", GRADES),
        "status": CodeList.build("status", STATUSES),
    }


def label_of(list_name: str, value: str, locale: str = "zh_Hant_TW") -> str:
    """A stored code as a person reads it (FG → 外生 / Foreign student)."""
    if not value:
        return ""
    option = code_lists()[list_name].by_value(value)
    return option.label(locale) if option else value


def dropdown_of(list_name: str, value: str) -> str:
    """A stored code as the template's dropdown writes it (FG → FG_外生), for exports."""
    if not value:
        return ""
    option = code_lists()[list_name].by_value(value)
    return option.dropdown if option else value


# ---------------------------------------------------------------------------------------------
# The template's columns (A..L, in the seed's order)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool
    width: int
    code_list: str | None = None
    text: bool = False  # kept as text in Excel (no number or date conversion)

    def header(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


COLUMNS = (
    Column("name_zh", "學生中文姓名", "Chinese name", False, 16),
    Column("name_en", "英文姓名", "English name", True, 28),
    Column("birth_date", "生日(YYYYMMDD)", "Date of birth (YYYYMMDD)", True, 16, text=True),
    Column("category", "來臺就學學生類別", "Student category", True, 20, "category"),
    Column("nationality", "國籍", "Nationality", True, 26, "nationality"),
    Column("gender", "性別", "Gender", True, 10, "gender"),
    Column("national_id", "身分證號", "National ID no.", False, 14, text=True),
    Column("passport_no", "護照號碼", "Passport no.", True, 16, text=True),
    Column("qualification", "申請資格", "Qualification", True, 40, "qualification"),
    Column("program", "學制", "Programme", True, 14, "program"),
    Column("grade", "就讀年級", "Year of study", True, 12, "grade"),
    Column("status", "狀態", "Status", True, 20, "status"),
    # Issue 14: the identifiers of mainland, Hong Kong and Macau students, after the seed's twelve columns.
    Column(
        "resident_id",
        "大陸或港澳居民身分證號",
        "Mainland, Hong Kong or Macau ID no.",
        False,
        22,
        text=True,
    ),
    Column(
        "travel_permit_no",
        "往來台灣通行證號碼",
        "Mainland Travel Permit for Taiwan no.",
        False,
        18,
        text=True,
    ),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
SEED_COLUMN_KEYS = COLUMN_KEYS[:12]  # A..L as the seed's 範例檔; a file with only these still imports
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _header_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower().lstrip("*").strip()
    return re.sub(r"[\s_\-]+", "", s)


@cache
def _header_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in COLUMNS:
        for text in (c.zh, c.en, c.zh.split("(")[0], c.en.split("(")[0], c.key):
            out.setdefault(_header_key(text), c.key)
    out.setdefault(_header_key("生日"), "birth_date")
    out.setdefault(_header_key("出生日期"), "birth_date")
    return out


def map_header(cells: list[str]) -> dict[str, int] | None:
    """{column key: index} from a header row in Chinese or English; None when it is not our header.

    Columns the template does not have (an exported file's 學年度, the error report's messages)
    are ignored, so a file exported or downloaded here imports again as it is.
    """
    lookup = _header_lookup()
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = lookup.get(_header_key(cell))
        if key and key not in found:
            found[key] = i
    required = {c.key for c in COLUMNS if c.required}
    if not required <= set(found):
        return None
    return found


def missing_headers(cells: list[str]) -> list[str]:
    lookup = _header_lookup()
    present = {lookup.get(_header_key(c)) for c in cells}
    return [c.key for c in COLUMNS if c.required and c.key not in present]


# ---------------------------------------------------------------------------------------------
# Checking one row

MIN_AGE = 12
MAX_AGE = 80
_NAME_EN = re.compile(r"^[A-Z][A-Z .,'\-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def _fold(text: str) -> str:
    """Accents dropped (NFKD, combining marks out), then NFKC; ASCII text is returned as it is."""
    if text.isascii():
        return text
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", s)


def normalise_name_en(name: str | None) -> str:
    """An English name for matching: accents dropped, upper case, punctuation and spacing ignored.

    `Nguyễn  Văn-An` and `NGUYEN VAN AN` are the same person; so are `O'Neil` and `ONEIL`.
    """
    s = _fold(str(name or "")).upper().replace("Đ", "D").replace("Ø", "O").replace("Ł", "L")
    s = s.replace("'", "").replace("’", "")
    return _NOT_ALNUM.sub(" ", s).strip()


def clean_name_en(name: str) -> str:
    """As stored and shown: accents kept out, upper case, single spaces."""
    return " ".join(_fold(name).upper().replace("’", "'").split())


def parse_birth_date(raw: str) -> date | None:
    """YYYYMMDD as the template asks; YYYY/MM/DD and YYYY-MM-DD are read too."""
    s = raw.strip()
    if len(s) == 8 and s.isdigit():  # the usual case, without a regex
        try:
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s) or re.fullmatch(r"(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})", s)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _has_control(text: str) -> bool:
    return not text.isprintable() and bool(_CONTROL.search(text))


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class CellError:
    column: str  # a key of COLUMNS, or "" for the whole row
    value: str
    message: Any  # a lazy translation: str() it in the reader's language


@dataclass
class RowCheck:
    values: dict[str, Any] | None  # clean values when the row is valid
    errors: list[CellError]


def check_row(raw: dict[str, str], today: date) -> RowCheck:
    """Check one row of strings (keys of COLUMNS). Every cell is checked; all problems are listed."""
    errors: list[CellError] = []
    out: dict[str, Any] = {}
    values = {key: str(raw.get(key) or "").strip() for key in COLUMN_KEYS}
    get = values.__getitem__

    for col in COLUMNS:
        value = values[col.key]
        if _has_control(value):
            errors.append(CellError(col.key, value, _l("Contains control characters.")))
            continue
        if col.required and not value:
            errors.append(CellError(col.key, value, _l("Required.")))
            continue
        if col.code_list and value:
            option = code_lists()[col.code_list].find(value)
            if option is None:
                errors.append(
                    CellError(col.key, value, _l("Not in the list. Choose a value from the dropdown."))
                )
            else:
                out[col.key] = option.value

    name_zh = get("name_zh")
    if name_zh and not _has_control(name_zh):
        if len(name_zh) > 50:
            errors.append(CellError("name_zh", name_zh, _l("At most %(n)d characters.", n=50)))
        elif name_zh[0] in "=+-@":
            errors.append(CellError("name_zh", name_zh, _l("Must not start with =, +, - or @.")))
        else:
            out["name_zh"] = name_zh
    else:
        out.setdefault("name_zh", "")

    name_en = get("name_en")
    if name_en and not _has_control(name_en):
        cleaned = clean_name_en(name_en)
        if len(cleaned) > 100:
            errors.append(CellError("name_en", name_en, _l("At most %(n)d characters.", n=100)))
        elif not _NAME_EN.match(cleaned):
            errors.append(
                CellError(
                    "name_en",
                    name_en,
                    _l(
                        "Use the name as in the passport: Latin letters, spaces, hyphens, apostrophes and periods."
                    ),
                )
            )
        else:
            out["name_en"] = cleaned
            out["name_en_norm"] = normalise_name_en(cleaned)

    birth = get("birth_date")
    if birth and not _has_control(birth):
        born = parse_birth_date(birth)
        if born is None:
            errors.append(
                CellError("birth_date", birth, _l("Not a real date. Write it as YYYYMMDD, e.g. 19880202."))
            )
        elif born >= today:
            errors.append(CellError("birth_date", birth, _l("The date of birth must be in the past.")))
        elif not MIN_AGE <= age_on(born, today) <= MAX_AGE:
            errors.append(
                CellError(
                    "birth_date",
                    birth,
                    _l(
                        "A student aged %(age)d is not plausible (%(min)d to %(max)d). Check the year.",
                        age=age_on(born, today),
                        min=MIN_AGE,
                        max=MAX_AGE,
                    ),
                )
            )
        else:
            out["birth_date"] = born

    nid = v.clean_id(get("national_id"))
    if nid and not _has_control(nid):
        if not (v.is_national_id(nid) or v.is_ui_no(nid)):
            errors.append(
                CellError(
                    "national_id",
                    get("national_id"),
                    _l("Not a valid ID number: the check digit does not match (e.g. A123456789)."),
                )
            )
        else:
            out["national_id"] = nid
    else:
        out.setdefault("national_id", "")

    passport = v.clean_id(get("passport_no")).replace(" ", "")
    if passport and not _has_control(passport):
        if not v.is_passport_no(passport):
            errors.append(
                CellError(
                    "passport_no",
                    get("passport_no"),
                    _l("A passport number has 5 to 20 letters and digits only."),
                )
            )
        else:
            out["passport_no"] = passport

    errors.extend(_check_cross_strait_ids(values, out.get("category"), today, out))

    if errors:
        errors.sort(key=lambda e: COLUMN_KEYS.index(e.column) if e.column in COLUMN_KEYS else -1)
        return RowCheck(None, errors)
    return RowCheck(out, [])


# Which identity card each category's 身分證號 (column M) is, and how it is checked.
RESIDENT_ID_RULES: dict[str, tuple[Any, Any]] = {
    "CN": (
        v.is_prc_resident_id,  # (value, today): the birth date must not be in the future
        _l(
            "Not a valid mainland resident ID number: 18 characters, the last the check digit or X "
            "(e.g. 11010519491231002X)."
        ),
    ),
    "HK": (
        lambda value, _today: v.is_hkid(value),
        _l("Not a valid Hong Kong identity card number: the check digit does not match (e.g. A123456(3))."),
    ),
    "MO": (
        lambda value, _today: v.is_macau_id(value),
        _l(
            "Not a valid Macau identity card number: 1, 5 or 7, six digits and a check digit (e.g. 1234567(8))."
        ),
    ),
}


def _check_cross_strait_ids(
    values: dict[str, str], category: str | None, today: date, out: dict[str, Any]
) -> list[CellError]:
    """Columns M and N by the row's category: the mainland (CN), Hong Kong (HK) or Macau (MO) ID is required
    and checked; the 往來台灣通行證 number is for mainland students only. Other categories leave both empty."""
    errors: list[CellError] = []
    resident_raw, permit_raw = values["resident_id"], values["travel_permit_no"]
    resident, permit = v.compact_id(resident_raw), v.compact_id(permit_raw)
    for key, raw in (("resident_id", resident_raw), ("travel_permit_no", permit_raw)):
        if _has_control(raw):
            return [CellError(key, raw, _l("Contains control characters."))]
    if category in RESIDENT_ID_RULES:
        check, message = RESIDENT_ID_RULES[category]
        if not resident:
            errors.append(
                CellError(
                    "resident_id", resident_raw, _l("Required for mainland, Hong Kong and Macau students.")
                )
            )
        elif not check(resident, today):
            errors.append(CellError("resident_id", resident_raw, message))
        else:
            out["resident_id"] = resident
    elif resident and category:
        errors.append(
            CellError("resident_id", resident_raw, _l("Only for mainland, Hong Kong and Macau students."))
        )
    out.setdefault("resident_id", "")
    if permit and category and category != "CN":
        errors.append(CellError("travel_permit_no", permit_raw, _l("Only for mainland students.")))
    elif permit and not v.is_taiwan_travel_permit(permit):
        errors.append(
            CellError(
                "travel_permit_no",
                permit_raw,
                _l(
                    "Not a valid Mainland Travel Permit for Taiwan number: a letter and eight digits (e.g. L12345678)."
                ),
            )
        )
    else:
        out["travel_permit_no"] = permit
    return errors


def duplicate_error(passport_no: str, first_row: int) -> CellError:
    return CellError(
        "passport_no",
        passport_no,
        _l("The same passport number is already on row %(row)d of this file.", row=first_row),
    )


def column_label(key: str, locale: str) -> str:
    col = COLUMN_BY_KEY.get(key)
    return col.header(locale) if col else ""

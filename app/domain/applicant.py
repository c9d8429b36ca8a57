"""外(僑)生申請書: the applicant form's fields, choice lists and checks; the group rules.

Pure rules: strings in, {field: message} out. The form is `APPLICANT_FIELDS` (field specs); the one
check of a whole case (fields, photo, documents) is `app.domain.offerings.check_case()`, and an
applicant is complete (已完成) exactly when it finds nothing.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache

from babel import Locale

from app.domain import validators as v
from app.domain.addresses import ADDRESS_PARTS
from app.domain.fields import CaseFacts, FieldSpec, Form, FormSpec
from app.domain.profiles import REQUIRED, parse_date
from app.i18n import get_locale, ngettext
from app.i18n import lazy_gettext as _l

MIN_MEMBERS = 1
MAX_MEMBERS = 30  # 團員人數上限為30人
PASSPORT_MIN_MONTHS = 6

IDENTITIES = {
    "overseas": _l("Overseas Chinese student"),  # 僑生
    "foreign": _l("Foreign student"),  # 外生
}
QUALIFICATION = _l(
    "Foreign and overseas Chinese students entering Taiwan to study"
)  # 外國及外僑學生進入臺灣地區就學
ENROLLMENT = {
    "A": _l("Admitted, not yet registered"),  # 已錄取未註冊
    "R": _l("Registered"),  # 已註冊
}
GENDERS = {"M": _l("Male"), "F": _l("Female")}  # 男 女
MARITAL = {
    "single": _l("Single"),  # 未婚
    "married": _l("Married"),  # 已婚
    "divorced": _l("Divorced"),  # 離婚
    "widowed": _l("Widowed"),  # 喪偶
}
EDUCATION = {
    "primary": _l("Primary school"),  # 國小
    "junior_high": _l("Junior high school"),  # 國中
    "senior_high": _l("Senior high school"),  # 高中(職)
    "junior_college": _l("Junior college"),  # 專科
    "bachelor": _l("University"),  # 大學
    "master": _l("Master's"),  # 碩士
    "doctorate": _l("Doctorate"),  # 博士
}
# 申請來臺就學學制
PROGRAMS = {
    "language": _l("Chinese language programme"),  # 華語文研習
    "associate": _l("Associate degree"),  # 副學士(二技、二專、五專)
    "bachelor": _l("Bachelor's"),  # 學士
    "master": _l("Master's"),  # 碩士
    "doctorate": _l("Doctorate"),  # 博士
    "exchange": _l("Exchange or visiting student"),  # 交換生、訪問學生
}
GRADES = {str(n): str(n) for n in range(1, 8)}  # 就讀年級 1..7

# Territories of CLDR that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


@cache
def _country_codes() -> tuple[str, ...]:
    names = Locale.parse("en").territories
    return tuple(sorted(c for c in names if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES))


def country_choices(*, nationality: bool = False) -> list[tuple[str, str]]:
    """(code, name) sorted by the name in the current language (CLDR). Nationality leaves Taiwan out."""
    names = Locale.parse(get_locale()).territories
    codes = [c for c in _country_codes() if not (nationality and c == "TW")]
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda p: p[1])


def is_country(code: str) -> bool:
    return code in _country_codes()


def choices(mapping: dict[str, object]) -> list[tuple[str, str]]:
    return [(k, str(label)) for k, label in mapping.items()]


# The text fields of the form (column names of Case) and the date fields.
TEXT_FIELDS = (
    "name_zh", "name_en", "passport_no", "ui_no", "gender", "marital_status", "education", "education_school",
    "department", "program", "grade", "birthplace", "nationality", "phone", "email",
)  # fmt: skip
DATE_FIELDS = ("birth_date", "passport_expiry", "visa_issue_date")
ADDRESS_PREFIX = "addr"
REQUIRED_FIELDS = (
    "name_en", "birth_date", "passport_no", "passport_expiry", "visa_issue_date", "gender", "marital_status",
    "education", "department", "program", "birthplace", "nationality",
)  # fmt: skip
MAX_LENGTHS = {
    "name_zh": 50, "name_en": 100, "passport_no": 20, "ui_no": 10, "education_school": 100, "department": 100,
    "phone": 30, "email": 254,
}  # fmt: skip

FIELD_LABELS = {
    "photo": _l("Photo"),
    "enrollment_status": _l("Study status"),
    "name_zh": _l("Chinese name"),
    "name_en": _l("English name"),
    "birth_date": _l("Birth date"),
    "passport_no": _l("Passport no."),
    "passport_expiry": _l("Passport expiry date"),
    "ui_no": _l("UI no. (resident certificate no.)"),
    "visa_issue_date": _l("Resident visa issue date"),
    "gender": _l("Gender"),
    "marital_status": _l("Marital status"),
    "education": _l("Highest education"),
    "education_school": _l("School of highest education"),
    "department": _l("Department"),
    "program": _l("Programme applied for"),
    "grade": _l("Year of study"),
    "birthplace": _l("Place of birth"),
    "nationality": _l("Nationality"),
    "addr_county": _l("Address in Taiwan"),
    "addr_district": _l("Address in Taiwan"),
    "addr_village": _l("Address in Taiwan"),
    "addr_neighborhood": _l("Address in Taiwan"),
    "addr_street": _l("Address in Taiwan"),
    "addr_lane": _l("Address in Taiwan"),
    "addr_alley": _l("Address in Taiwan"),
    "addr_number": _l("Address in Taiwan"),
    "phone": _l("Phone in Taiwan"),
    "email": _l("Email"),
}

_NAME_EN = re.compile(r"^[A-Z][A-Z .,'\-]*$")


def add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def normalise(data: dict[str, str]) -> dict[str, str]:
    """Trimmed strings; names and ids upper-cased as on the passport."""
    out = {k: (val or "").strip() for k, val in data.items()}
    for key in ("name_en",):
        if out.get(key):
            out[key] = re.sub(r"\s+", " ", out[key]).upper()
    for key in ("passport_no", "ui_no"):
        if out.get(key):
            out[key] = v.clean_id(out[key]).replace(" ", "")
    if out.get("enrollment_status") != "R":
        out["scholarship"] = ""
    return out


# Validators of the applicant form (value, form, today) -> message or None ---------------------------


def _name_en(value: str, form: Form, today: date) -> object | None:
    if not _NAME_EN.match(value):
        return _l("Write the English name as in the passport: letters, spaces, hyphens.")
    return None


def _birth_date(value: str, form: Form, today: date) -> object | None:
    born = parse_date(value)
    if born is not None and (born >= today or born.year < 1900):
        return _l("The date of birth must be a real date in the past.")
    if born is not None and born > add_months(today, -12 * 10):
        return _l("Check the date of birth: the applicant would be under 10 years old.")
    return None


def _passport_no(value: str, form: Form, today: date) -> object | None:
    return None if v.is_passport_no(value) else _l("A passport number is 5 to 20 letters and digits.")


def _passport_expiry(value: str, form: Form, today: date) -> object | None:
    expiry = parse_date(value)
    if expiry is not None and expiry < today:
        return _l("This passport has expired. Renew it before applying.")
    if expiry is not None and expiry < add_months(today, PASSPORT_MIN_MONTHS):
        return _l(
            "The passport must be valid for at least 6 more months (until %(date)s or later).",
            date=add_months(today, PASSPORT_MIN_MONTHS).strftime("%Y/%m/%d"),
        )
    return None


def _visa_issue_date(value: str, form: Form, today: date) -> object | None:
    issued = parse_date(value)
    born = parse_date(form.get("birth_date", ""))
    if issued is not None and born is not None and issued < born:
        return _l("The issue date cannot be before the date of birth.")
    if issued is not None and issued > today:
        return _l("The issue date cannot be in the future.")
    return None


def _ui_no(value: str, form: Form, today: date) -> object | None:
    if v.is_ui_no(value):
        return None
    return _l("This UI number is not valid (check its letters and its last digit), e.g. A800000014.")


def _country(value: str, form: Form, today: date) -> object | None:
    return None if is_country(value) else _l("Choose a country from the list.")


def _nationality(value: str, form: Form, today: date) -> object | None:
    return None if is_country(value) and value != "TW" else _l("Choose a country from the list.")


def _phone(value: str, form: Form, today: date) -> object | None:
    if v.is_phone(value):
        return None
    return _l("Write a phone number in Taiwan such as 0912345678 or 0223456789.")


def _email(value: str, form: Form, today: date) -> object | None:
    return None if v.is_email(value) else _l("Write an email address such as name@example.com.")


def _needs_chinese_name(form: Form, facts: CaseFacts) -> bool:
    return not form.get("no_chinese_name")


def _spec(name: str, **kw: object) -> FieldSpec:
    return FieldSpec(name, FIELD_LABELS[name], max_length=MAX_LENGTHS.get(name), **kw)  # type: ignore[arg-type]


# 外(僑)生申請書 as field specs, in the form's order (the seed's).
APPLICANT_FIELDS: tuple[FieldSpec, ...] = (
    _spec("enrollment_status", type="choice", required=True, choices=ENROLLMENT, key=True),
    _spec(
        "name_zh",
        required=_needs_chinese_name,
        required_message=_l("Write the Chinese name, or tick “No Chinese name”."),
        key=True,
    ),
    _spec("name_en", required=True, validator=_name_en, key=True),
    _spec("birth_date", type="date", required=True, validator=_birth_date, key=True),
    _spec("passport_no", required=True, validator=_passport_no, key=True),
    _spec("passport_expiry", type="date", required=True, validator=_passport_expiry),
    _spec("ui_no", validator=_ui_no, key=True),
    _spec("visa_issue_date", type="date", required=True, validator=_visa_issue_date),
    _spec("gender", type="choice", required=True, choices=GENDERS),
    _spec("marital_status", type="choice", required=True, choices=MARITAL),
    _spec("education", type="choice", required=True, choices=EDUCATION),
    _spec("education_school"),
    _spec("department", required=True, key=True),
    _spec("program", type="choice", required=True, choices=PROGRAMS),
    _spec("grade", type="choice", choices=GRADES, choice_message=_l("Choose a year from the list.")),
    _spec("birthplace", required=True, validator=_country),
    _spec("nationality", required=True, validator=_nationality, key=True),
    FieldSpec(ADDRESS_PREFIX, _l("Address in Taiwan"), type="address", required=True),
    _spec("phone", validator=_phone),
    # a student filing for themself must give an email (the notices go there)
    _spec("email", validator=_email, required=lambda form, facts: facts.self_filed),
)
APPLICANT_FORM = FormSpec("applicant", APPLICANT_FIELDS)
# 換證: the same form, 就學狀態 fixed to 已註冊.
RENEWAL_FORM = FormSpec("applicant", APPLICANT_FIELDS, fixed={"enrollment_status": "R"})


def check_fields(data: dict[str, str], today: date) -> dict[str, str]:
    """Problems of the typed fields of 外(僑)生申請書 (normalised strings as the form sends them)."""
    return APPLICANT_FORM.check(data, CaseFacts(), today)


def order_errors(errors: dict[str, str]) -> dict[str, str]:
    """The form's order, so the summary reads top to bottom."""
    order = ["photo", "enrollment_status", "doc_"] + list(FIELD_LABELS)

    def rank(key: str) -> int:
        for i, prefix in enumerate(order):
            if key == prefix or (prefix == "doc_" and key.startswith("doc_")):
                return i
        return len(order)

    return dict(sorted(errors.items(), key=lambda kv: rank(kv[0])))


def form_keys() -> tuple[str, ...]:
    return (
        ("enrollment_status", "scholarship", "no_chinese_name")
        + TEXT_FIELDS
        + DATE_FIELDS
        + tuple(f"{ADDRESS_PREFIX}_{p}" for p in ADDRESS_PARTS)
    )


# Group rules -----------------------------------------------------------------------------------


def check_member_count(value: str) -> str | None:
    """團員人數: 1..30. A message, or None."""
    if not value:
        return str(REQUIRED)
    if not value.isdigit():
        return str(_l("Write the number of members as a whole number from 1 to 30."))
    n = int(value)
    if not (MIN_MEMBERS <= n <= MAX_MEMBERS):
        return str(_l("A group has 1 to 30 members."))
    return None


def submit_problems(member_count: int, applicants: int, incomplete: int) -> list[str]:
    """Why a group cannot be submitted yet (empty: it can)."""
    problems: list[object] = []
    if not (MIN_MEMBERS <= applicants <= MAX_MEMBERS):
        problems.append(_l("A group has 1 to 30 applicants; this one has %(n)d.", n=applicants))
    if applicants != member_count:
        problems.append(
            _l(
                "Group members: %(count)d; applicants entered: %(n)d. The two must be the same.",
                count=member_count,
                n=applicants,
            )
        )
    if incomplete:
        problems.append(
            ngettext(
                "%(num)d applicant is not complete yet.",
                "%(num)d applicants are not complete yet.",
                incomplete,
            )
        )
    return [str(p) for p in problems]


# Between the form (strings) and the stored record (typed columns) ------------------------------

# Column widths of Case: a value that does not fit is kept as typed in data["raw"], never cut.
COLUMN_LENGTHS = {
    "name_zh": 100, "name_en": 100, "passport_no": 20, "ui_no": 10, "gender": 1, "marital_status": 10,
    "education": 20, "education_school": 100, "department": 100, "program": 40, "grade": 10, "birthplace": 10,
    "nationality": 10, "phone": 30, "email": 254,
}  # fmt: skip
RAW_LIMIT = 300


def _fmt_date(d: date | None) -> str:
    return d.strftime("%Y/%m/%d") if d else ""


def record_from_form(form: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """(column values, raw texts that no column can hold as typed: impossible dates, too-long text)."""
    values: dict[str, object] = {}
    raw: dict[str, str] = {}
    for key in TEXT_FIELDS:
        text = form.get(key, "")
        if len(text) <= COLUMN_LENGTHS[key]:
            values[key] = text
        else:
            values[key] = ""
            raw[key] = text[:RAW_LIMIT]
    for key in DATE_FIELDS:
        text = form.get(key, "")
        parsed = parse_date(text)
        values[key] = parsed
        if text and parsed is None:
            raw[key] = text[:RAW_LIMIT]
    address = {}
    for part in ADDRESS_PARTS:
        text = form.get(f"{ADDRESS_PREFIX}_{part}", "")
        if len(text) <= 50:
            address[part] = text
        else:
            raw[f"{ADDRESS_PREFIX}_{part}"] = text[:RAW_LIMIT]
    values["address"] = address
    enrollment = form.get("enrollment_status", "")
    values["enrollment_status"] = enrollment if enrollment in ENROLLMENT else ""
    values["scholarship"] = bool(form.get("scholarship")) and enrollment == "R"
    values["no_chinese_name"] = bool(form.get("no_chinese_name"))
    return values, raw


def form_from_record(record: dict[str, object]) -> dict[str, str]:
    """The form's strings from a stored case (what was typed comes back, also when it was not valid)."""
    form: dict[str, str] = {}
    for key in TEXT_FIELDS:
        form[key] = str(record.get(key) or "")
    for key in DATE_FIELDS:
        value = record.get(key)
        form[key] = _fmt_date(value) if isinstance(value, date) else ""
    address = record.get("address") or {}
    if isinstance(address, str):
        address = json.loads(address or "{}")
    for part in ADDRESS_PARTS:
        form[f"{ADDRESS_PREFIX}_{part}"] = str(address.get(part, "")) if isinstance(address, dict) else ""
    form["enrollment_status"] = str(record.get("enrollment_status") or "")
    form["scholarship"] = "1" if record.get("scholarship") else ""
    form["no_chinese_name"] = "1" if record.get("no_chinese_name") else ""
    data = record.get("data") or {}
    if isinstance(data, str):
        data = json.loads(data or "{}")
    for key, text in (data.get("raw") or {}).items() if isinstance(data, dict) else ():
        form[key] = str(text)
    return form

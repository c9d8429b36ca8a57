"""外(僑)生申請書: the applicant form's fields, choice lists and checks; the group rules.

Pure rules: strings in, {field: message} out. `check_applicant()` gives every problem of one
applicant (missing fields, wrong values, missing documents); the applicant is complete (已完成)
exactly when it finds none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel import Locale

from app.domain import validators as v
from app.domain.addresses import ADDRESS_PARTS
from app.domain.documents import case_documents, missing_documents
from app.domain.profiles import REQUIRED, check_address, parse_date
from app.i18n import get_locale
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


@dataclass(frozen=True)
class Facts:
    """What the documents depend on."""

    identity: str
    enrollment: str
    scholarship: bool
    line: str = "foreign"
    kind: str = "first"
    self_filed: bool = False


def check_fields(data: dict[str, str], today: date) -> dict[str, str]:
    """Problems of the typed fields (normalised strings as the form sends them)."""
    errors: dict[str, object] = {}
    get = lambda k: data.get(k, "")  # noqa: E731
    if get("enrollment_status") not in ENROLLMENT:
        errors["enrollment_status"] = REQUIRED
    for key in REQUIRED_FIELDS:
        if not get(key):
            errors[key] = REQUIRED
    if not get("name_zh") and not get("no_chinese_name"):
        errors["name_zh"] = _l("Write the Chinese name, or tick “No Chinese name”.")
    for key, limit in MAX_LENGTHS.items():
        if len(get(key)) > limit:
            errors[key] = _l("Too long (at most %(n)d characters).", n=limit)
    if get("name_en") and "name_en" not in errors and not _NAME_EN.match(get("name_en")):
        errors["name_en"] = _l("Write the English name as in the passport: letters, spaces, hyphens.")
    for key in DATE_FIELDS:
        if get(key) and parse_date(get(key)) is None:
            errors[key] = _l("Write a real date as YYYY/MM/DD.")
    born = parse_date(get("birth_date"))
    if born is not None and (born >= today or born.year < 1900):
        errors["birth_date"] = _l("The date of birth must be a real date in the past.")
    elif born is not None and born > add_months(today, -12 * 10):
        errors["birth_date"] = _l("Check the date of birth: the applicant would be under 10 years old.")
    if get("passport_no") and "passport_no" not in errors and not v.is_passport_no(get("passport_no")):
        errors["passport_no"] = _l("A passport number is 5 to 20 letters and digits.")
    expiry = parse_date(get("passport_expiry"))
    if expiry is not None:
        if expiry < today:
            errors["passport_expiry"] = _l("This passport has expired. Renew it before applying.")
        elif expiry < add_months(today, PASSPORT_MIN_MONTHS):
            errors["passport_expiry"] = _l(
                "The passport must be valid for at least 6 more months (until %(date)s or later).",
                date=add_months(today, PASSPORT_MIN_MONTHS).strftime("%Y/%m/%d"),
            )
    issued = parse_date(get("visa_issue_date"))
    if issued is not None and issued > today:
        errors["visa_issue_date"] = _l("The issue date cannot be in the future.")
    if issued is not None and born is not None and issued < born:
        errors["visa_issue_date"] = _l("The issue date cannot be before the date of birth.")
    if get("ui_no") and "ui_no" not in errors and not v.is_ui_no(get("ui_no")):
        errors["ui_no"] = _l(
            "This UI number is not valid (check its letters and its last digit), e.g. A800000014."
        )
    if get("gender") and get("gender") not in GENDERS:
        errors["gender"] = REQUIRED
    if get("marital_status") and get("marital_status") not in MARITAL:
        errors["marital_status"] = REQUIRED
    if get("education") and get("education") not in EDUCATION:
        errors["education"] = REQUIRED
    if get("program") and get("program") not in PROGRAMS:
        errors["program"] = REQUIRED
    if get("grade") and get("grade") not in GRADES:
        errors["grade"] = _l("Choose a year from the list.")
    if get("birthplace") and not is_country(get("birthplace")):
        errors["birthplace"] = _l("Choose a country from the list.")
    if get("nationality") and (not is_country(get("nationality")) or get("nationality") == "TW"):
        errors["nationality"] = _l("Choose a country from the list.")
    if get("phone") and "phone" not in errors and not v.is_phone(get("phone")):
        errors["phone"] = _l("Write a phone number in Taiwan such as 0912345678 or 0223456789.")
    if get("email") and "email" not in errors and not v.is_email(get("email")):
        errors["email"] = _l("Write an email address such as name@example.com.")
    out = {k: str(m) for k, m in errors.items()}
    for k, m in check_address(data, ADDRESS_PREFIX).items():
        out.setdefault(k, m)
    return out


def check_applicant(
    data: dict[str, str], facts: Facts, present_docs: set[str], today: date
) -> dict[str, str]:
    """Every problem of one applicant: fields, the photo and the required documents (keys `doc_<kind>`)."""
    errors = check_fields(data, today)
    if "photo" not in present_docs:
        errors["photo"] = str(REQUIRED)
    needed = case_documents(
        line=facts.line,
        kind=facts.kind,
        identity=facts.identity,
        enrollment=facts.enrollment,
        scholarship=facts.scholarship,
        self_filed=facts.self_filed,
    )
    for doc in missing_documents(needed, present_docs):
        errors[f"doc_{doc}"] = str(REQUIRED)
    return errors


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
        problems.append(_l("%(n)d applicant(s) are not complete yet.", n=incomplete))
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

"""The forms the system fills for the applicant or the school to print, sign and upload (issue 14).

Each takes plain data (the dataclasses below, no table rows, no request) and gives HTML (`*_html`, for
tests and previews) or a PDF (`*_pdf`, rendered in the WeasyPrint pool of `app.services.pdf`). An empty
person or school gives the blank form, which is what the login page's 附件下載 offers.

| form | template (partials/documents/) | line |
|---|---|---|
| 大陸地區人民入出臺灣地區申請書(陸生就學專用) | mainland_entry_application.html | 陸生 |
| 保證書(陸生就學專用) | guarantee.html | 陸生 |
| 委託書(陸生就學專用) | power_of_attorney.html | 陸生 |
| 團體名冊 / 大陸地區人民申請來臺就讀大學名冊 | group_roster.html | 陸生 |
| 香港或澳門居民身分確認書 | hkmo_identity_confirmation.html | 港澳生 |
| 居留定居申報書 | residence_declaration.html | 港澳生 |
| 港澳僑生居留入出境查驗表 | hkmo_entry_exit_check.html | 港澳生 |

The mainland forms are in Chinese only, as the agency's are; the Hong Kong and Macau forms carry English
beside the Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.money import roc_date
from app.services import pdf

AUTHORITY_ZH = "內政部移民署"
AUTHORITY_EN = "National Immigration Agency, Ministry of the Interior"

GENDERS = {"M": ("男", "Male"), "F": ("女", "Female")}
RELATIONS = {"self": "本人", "spouse": "配偶", "child": "子女"}


@dataclass(frozen=True)
class FormSchool:
    name: str = ""
    business_no: str = ""
    head: str = ""  # 負責人 (校長)
    address: str = ""
    phone: str = ""
    contact: str = ""  # 承辦人
    contact_phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class FormPerson:
    name_zh: str = ""
    name_latin: str = ""  # 漢語拼音 or the English name on the card
    gender: str = ""  # M | F
    birth_date: date | None = None
    birthplace: str = ""
    id_no: str = ""  # 大陸居民身分證 / 香港或澳門身分證號碼
    travel_permit_no: str = ""  # 往來台灣通行證 / 入出境許可證
    address: str = ""  # 原居地址
    taiwan_address: str = ""  # 在臺地址
    phone: str = ""
    email: str = ""
    department: str = ""  # 系所
    program: str = ""  # 學制: 學士 / 碩士 / 博士
    grade: str = ""
    relation: str = "self"  # self | spouse | child (a relative files in the student's group)
    student_name: str = ""  # the student a relative is linked to
    entry_date: date | None = None
    resident_no: str = ""  # 居留證號 / 統一證號
    new_student: bool = True


@dataclass(frozen=True)
class GroupForm:
    """What every form of a group shares: the group no. (may be empty before submit), the school, the day."""

    school: FormSchool = field(default_factory=FormSchool)
    group_no: str = ""
    on: date | None = None


def person_from_roster(row: dict[str, Any], **extra: Any) -> FormPerson:
    """A roster row (as `app.queries.roster` returns it) as a form's person; `extra` adds what the roster
    does not hold (address, phone, department, relation, student_name, entry_date ...)."""
    from app.domain import roster as rules

    values: dict[str, Any] = {
        "name_zh": row.get("name_zh") or "",
        "name_latin": row.get("name_en") or "",
        "gender": row.get("gender") or "",
        "birth_date": row.get("birth_date"),
        "id_no": row.get("resident_id") or "",
        "travel_permit_no": row.get("travel_permit_no") or "",
        "program": rules.label_of("program", row.get("program") or ""),
        "grade": rules.label_of("grade", row.get("grade") or ""),
        "new_student": (row.get("status") or "A") == "A",
    }
    values.update(extra)
    return FormPerson(**values)


def _date(d: date | None) -> str:
    return d.strftime("%Y/%m/%d") if d else ""


def _roc(d: date | None) -> str:
    return roc_date(d) if d else "　　年　　月　　日"


def _person(p: FormPerson) -> dict[str, Any]:
    zh, en = GENDERS.get(p.gender, ("", ""))
    return {
        **{k: getattr(p, k) for k in p.__dataclass_fields__},
        "gender_zh": zh,
        "gender_en": en,
        "birth": _date(p.birth_date),
        "birth_roc": _roc(p.birth_date) if p.birth_date else "",
        "entry": _date(p.entry_date),
        "relation_zh": RELATIONS.get(p.relation, ""),
    }


def _base(g: GroupForm) -> dict[str, Any]:
    return {
        "authority_zh": AUTHORITY_ZH,
        "authority_en": AUTHORITY_EN,
        "school": g.school,
        "group_no": g.group_no,
        "on": _roc(g.on),
        "on_iso": _date(g.on),
    }


# --- 陸生 ------------------------------------------------------------------------------------------------


def mainland_entry_application_html(g: GroupForm, person: FormPerson) -> str:
    """大陸地區人民入出臺灣地區申請書(陸生就學專用): one applicant (a student or a relative)."""
    return pdf.render_template(
        "documents/mainland_entry_application.html", {**_base(g), "p": _person(person)}
    )


def guarantee_html(g: GroupForm, people: list[FormPerson]) -> str:
    """保證書(陸生就學專用): the school guarantees the students (and relatives) of the group."""
    return pdf.render_template(
        "documents/guarantee.html", {**_base(g), "people": [_person(p) for p in people]}
    )


def power_of_attorney_html(g: GroupForm, person: FormPerson) -> str:
    """委託書(陸生就學專用): the applicant entrusts the school to file for them."""
    return pdf.render_template("documents/power_of_attorney.html", {**_base(g), "p": _person(person)})


def group_roster_html(g: GroupForm, people: list[FormPerson], blank_rows: int = 0) -> str:
    """團體名冊: the members of the group, students and their relatives (linked by name)."""
    rows = [_person(p) for p in people]
    return pdf.render_template(
        "documents/group_roster.html",
        {**_base(g), "rows": rows, "blank_rows": max(0, blank_rows - len(rows))},
    )


# --- 港澳生 ----------------------------------------------------------------------------------------------


def hkmo_identity_confirmation_html(g: GroupForm, person: FormPerson) -> str:
    """香港或澳門居民身分確認書: the student confirms their status as a Hong Kong or Macau resident."""
    return pdf.render_template(
        "documents/hkmo_identity_confirmation.html", {**_base(g), "p": _person(person)}
    )


def residence_declaration_html(g: GroupForm, person: FormPerson) -> str:
    """居留定居申報書: the student declares their residence in Taiwan."""
    return pdf.render_template("documents/residence_declaration.html", {**_base(g), "p": _person(person)})


def hkmo_entry_exit_check_html(g: GroupForm, person: FormPerson, rows: int = 12) -> str:
    """港澳僑生居留入出境查驗表: per applicant, for the border officers to stamp each entry and exit."""
    return pdf.render_template(
        "documents/hkmo_entry_exit_check.html", {**_base(g), "p": _person(person), "rows": rows}
    )


# --- PDFs ------------------------------------------------------------------------------------------------


async def mainland_entry_application_pdf(g: GroupForm, person: FormPerson) -> bytes:
    return await pdf.render_pdf(mainland_entry_application_html(g, person))


async def guarantee_pdf(g: GroupForm, people: list[FormPerson]) -> bytes:
    return await pdf.render_pdf(guarantee_html(g, people))


async def power_of_attorney_pdf(g: GroupForm, person: FormPerson) -> bytes:
    return await pdf.render_pdf(power_of_attorney_html(g, person))


async def group_roster_pdf(g: GroupForm, people: list[FormPerson], blank_rows: int = 0) -> bytes:
    return await pdf.render_pdf(group_roster_html(g, people, blank_rows))


async def hkmo_identity_confirmation_pdf(g: GroupForm, person: FormPerson) -> bytes:
    return await pdf.render_pdf(hkmo_identity_confirmation_html(g, person))


async def residence_declaration_pdf(g: GroupForm, person: FormPerson) -> bytes:
    return await pdf.render_pdf(residence_declaration_html(g, person))


async def hkmo_entry_exit_check_pdf(g: GroupForm, person: FormPerson) -> bytes:
    return await pdf.render_pdf(hkmo_entry_exit_check_html(g, person))


# --- 大陸地區人民申請來臺就讀大學名冊 as Excel -------------------------------------------------------------

ROSTER_SHEET = "名冊"
ROSTER_HEADERS = (
    "項次",
    "中文姓名",
    "漢語拼音",
    "性別",
    "出生日期(YYYYMMDD)",
    "大陸居民身分證號碼",
    "往來台灣通行證號碼",
    "系所",
    "學制",
    "年級",
    "身分",
    "陸生姓名(親屬填寫)",
)
ROSTER_TITLE = "大陸地區人民申請來臺就讀大學名冊 - 限保證費用"


def mainland_roster_xlsx(g: GroupForm, people: list[FormPerson], blank_rows: int = 30) -> bytes:
    """The roster a school fills for the guarantee (限保證費用): the 團體名冊's columns, dropdowns for 性別
    and 身分, identifiers kept as text. With no people it is the blank form of the login page."""
    import io

    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from app.services.excel import safe_text

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = ROSTER_SHEET
    ws.append([ROSTER_TITLE])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"學校：{g.school.name}", "", "", f"團號：{g.group_no}", "", "", f"製表日期：{_roc(g.on)}"])
    ws.append(list(ROSTER_HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for i, p in enumerate(people, start=1):
        d = _person(p)
        values = [
            i,
            p.name_zh,
            p.name_latin,
            d["gender_zh"],
            p.birth_date.strftime("%Y%m%d") if p.birth_date else "",
            p.id_no,
            p.travel_permit_no,
            p.department,
            p.program,
            p.grade,
            d["relation_zh"],
            p.student_name if p.relation != "self" else "",
        ]
        ws.append([safe_text(v) for v in values])
    last = 3 + max(len(people), 0) + blank_rows
    for row in range(4 + len(people), last + 1):
        ws.cell(row=row, column=1, value=row - 3)
    for col in ("E", "F", "G"):  # dates and identifiers stay text (no 3.5e+17, no lost leading zeros)
        for row in range(4, last + 1):
            ws[f"{col}{row}"].number_format = "@"
    gender = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    relation = DataValidation(type="list", formula1='"本人,配偶,子女"', allow_blank=True)
    ws.add_data_validation(gender)
    ws.add_data_validation(relation)
    gender.add(f"D4:D{last}")
    relation.add(f"K4:K{last}")
    for col, width in zip("ABCDEFGHIJKL", (6, 12, 20, 6, 14, 22, 16, 18, 8, 8, 8, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def entry_exit_check_inputs(found: dict[str, Any], on: date) -> tuple[GroupForm, FormPerson]:
    """港澳僑生居留入出境查驗表 of one applicant, from `app.queries.line_documents.get_entry_exit_case`."""
    from app.domain import permits

    case, school = found["case"], found["school"]
    person = FormPerson(
        name_zh=case.get("name_zh") or "",
        name_latin=case.get("name_en") or "",
        gender=case.get("gender") or "",
        birth_date=case.get("birth_date"),
        id_no=permits.identity_no(case.get("data")),
        resident_no=case.get("ui_no") or "",
    )
    return GroupForm(
        school=FormSchool(name=school.get("name") or ""), group_no=found["group_no"] or "", on=on
    ), person

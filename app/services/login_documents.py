"""附件下載 of the login page: the five documents, each made from the system's own templates and data.

| slug | document | made from |
|---|---|---|
| mainland-instructions | 大陸地區人民進入臺灣地區就學線上申辦送件須知 (PDF) | the lines' rules (`app.domain.lines`) and the fees in force |
| mainland-guarantee | 保證書(陸生就學專用) (PDF, blank) | `signature_forms.guarantee_html` |
| mainland-power-of-attorney | 委託書(陸生就學專用) (PDF, blank) | `signature_forms.power_of_attorney_html` |
| mainland-roster | 大陸地區人民申請來臺就讀大學名冊 - 限保證費用 (Excel) | `signature_forms.mainland_roster_xlsx` |
| foreign-students-guide | 外生與外僑生說明 (PDF, Chinese and English) | the 外生 document rules and fee |

A PDF is rendered once per distinct HTML (a fee change gives new HTML, so a new PDF) and kept in a small
in-process cache: it can always be made again, so nothing is lost when another process serves the next request.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from app.domain import documents as foreign_documents
from app.domain import fees as foreign_fees
from app.domain import lines
from app.i18n import lazy_gettext as _l
from app.i18n import use_locale
from app.services import pdf, signature_forms
from app.services.signature_forms import FormPerson, GroupForm

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RECEIVING_UNIT_PHONE = "(03)833-0007"
HELP_DESK_PHONE = "02-27967162"


@dataclass(frozen=True)
class LoginDocument:
    slug: str
    title: Any  # the link's text (lazy translation)
    filename: str
    media_type: str


DOCUMENTS = (
    LoginDocument(
        "mainland-instructions",
        _l(
            "Instructions for mainland students filing online"
        ),  # 大陸地區人民進入臺灣地區就學線上申辦送件須知
        "大陸地區人民進入臺灣地區就學線上申辦送件須知.pdf",
        PDF,
    ),
    LoginDocument(
        "mainland-guarantee",
        _l("Letter of guarantee (mainland students)"),  # 保證書(陸生就學專用)
        "保證書(陸生就學專用).pdf",
        PDF,
    ),
    LoginDocument(
        "mainland-power-of-attorney",
        _l("Power of attorney (mainland students)"),  # 委託書(陸生就學專用)
        "委託書(陸生就學專用).pdf",
        PDF,
    ),
    LoginDocument(
        "mainland-roster",
        _l("Roster of mainland students admitted to universities (for the guarantee)"),
        "大陸地區人民申請來臺就讀大學名冊-限保證費用.xlsx",
        XLSX,
    ),
    LoginDocument(
        "foreign-students-guide",
        _l("Guide for foreign and overseas Chinese students"),  # 外生與外僑生說明
        "外生與外僑生說明.pdf",
        PDF,
    ),
)
_BY_SLUG = {d.slug: d for d in DOCUMENTS}


def get_document(slug: str) -> LoginDocument | None:
    return _BY_SLUG.get(slug)


def _offering_context(o: lines.LineOffering, fees: dict[tuple[str, str], int]) -> dict[str, Any]:
    facts = lines.Facts()
    return {
        "zh": o.zh,
        "permit": o.permit.zh,
        "fee": fees.get((o.line, o.kind), o.default_fee),
        "documents": [
            {
                "zh": d.zh,
                "generated": d.generated,
                "when": _when_zh(d),
                "required": d.required(facts) or bool(d.required_when),
            }
            for d in o.documents
        ],
    }


_FACT_ZH = {
    "returning": "復學生",
    "relative": "親屬",
    "new_student": "新生",
    "filed_by_school": "由學校代為申請者",
    "first_online_extension": "首次線上申請延期者",
}


def _when_zh(d: lines.DocumentRule) -> str:
    parts = [f"{_FACT_ZH[f]}檢附" for f in sorted(d.required_when)]
    parts += [f"{_FACT_ZH[f]}免附" for f in sorted(d.absent_when)]
    return "；".join(parts)


def instructions_html(fees: dict[tuple[str, str], int]) -> str:
    return pdf.render_template(
        "documents/mainland_instructions.html",
        {
            "authority_zh": signature_forms.AUTHORITY_ZH,
            "single": _offering_context(lines.MAINLAND_SINGLE_FIRST, fees),
            "multiple": _offering_context(lines.MAINLAND_MULTIPLE_FIRST, fees),
            "receiving_unit": lines.MAINLAND_SINGLE_FIRST.receiving_unit_zh,
            "receiving_phone": RECEIVING_UNIT_PHONE,
            "help_phone": HELP_DESK_PHONE,
            "multiple_months": lines.MULTIPLE_ENTRY_MONTHS,
        },
    )


def foreign_guide_html() -> str:
    def docs(identity: str, enrollment: str) -> list[Any]:
        return [d.label for d in foreign_documents.case_documents(identity=identity, enrollment=enrollment)]

    rows = []
    for identity, zh, en in (
        ("foreign", "外生", "Foreign students"),
        ("overseas", "外僑生", "Overseas Chinese"),
    ):
        with use_locale("zh_Hant_TW"):
            zh_docs = [str(x) for x in docs(identity, "R")]
        with use_locale("en"):
            en_docs = [str(x) for x in docs(identity, "R")]
        pairs = [("照片", "Photo"), *zip(zh_docs, en_docs, strict=True)]  # the form asks for the photo first
        rows.append({"zh": zh, "en": en, "docs": pairs})
    return pdf.render_template(
        "documents/foreign_students_guide.html",
        {
            "authority_zh": signature_forms.AUTHORITY_ZH,
            "authority_en": signature_forms.AUTHORITY_EN,
            "fee": foreign_fees.fee_for("foreign", "first").per_person,
            "identities": rows,
            "help_phone": HELP_DESK_PHONE,
        },
    )


_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 16


async def _pdf(html: str) -> bytes:
    key = hashlib.sha256(html.encode()).hexdigest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    data = await pdf.render_pdf(html)
    _CACHE[key] = data
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return data


async def render(doc: LoginDocument, fees: dict[tuple[str, str], int]) -> bytes:
    """The document's bytes. `fees` are the fees in force today, {(line, kind): NT$}."""
    if doc.slug == "mainland-instructions":
        return await _pdf(instructions_html(fees))
    if doc.slug == "mainland-guarantee":
        return await _pdf(signature_forms.guarantee_html(GroupForm(), []))
    if doc.slug == "mainland-power-of-attorney":
        return await _pdf(signature_forms.power_of_attorney_html(GroupForm(), FormPerson()))
    if doc.slug == "mainland-roster":
        return signature_forms.mainland_roster_xlsx(GroupForm(), [])
    if doc.slug == "foreign-students-guide":
        return await _pdf(foreign_guide_html())
    raise KeyError(doc.slug)

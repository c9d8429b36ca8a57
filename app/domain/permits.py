"""What each (business line, kind) issues after payment, what it costs by default, and the dashboard's tabs
(issue 14, "Around them"). Pure: no web, no database.

- `permit_of(line, kind)`: the permit type (核發證別: 居留證, 單次證, 多次證) an offering issues, from the
  lines' data (`app.domain.lines`); the 外生、外僑生 line issues resident certificates.
- `document_of(permit type)`: how its electronic document reads (bilingual title, the type printed on it, the
  notes), how long it is valid, and whether every paid case gets one (單次證, 多次證) or only an admitted, not
  yet registered student (居留證: a registered student's card is made instead, as for 外生).
- `default_fee(line, kind)`: NT$ per person when no supervisor's change (`fee_rate`) is in force.
- `DASHBOARD_TABS`: the seed's five tabs of 優先處理事項; the 延期申請 tab holds every line's extensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain import fees, lines
from app.domain.money import add_months
from app.i18n import lazy_gettext as _l

EXTENSION = "extension"


def permit_of(line: str, kind: str) -> lines.PermitType:
    """核發證別 of (line, kind): the line's offering says; every other offering issues a resident certificate."""
    try:
        return lines.offering(line, kind).permit
    except KeyError:
        return lines.RESIDENT_CERTIFICATE


def default_fee(line: str, kind: str) -> int:
    """NT$ per person by default: the engine's fee table (`app.domain.fees`), else the line's own default.
    Raises `fees.NoFee` when neither knows (line, kind)."""
    try:
        return fees.fee_for(line, kind).per_person
    except fees.NoFee:
        pass
    try:
        return lines.offering(line, kind).default_fee
    except KeyError:
        raise fees.NoFee(f"no fee for {line}/{kind}") from None


@dataclass(frozen=True)
class PermitDocument:
    """How the electronic document of a permit type reads and how long it is valid."""

    permit: lines.PermitType
    title_zh: str
    title_en: str
    type_label: str  # 許可證類別 as printed
    months: int  # valid for this many months from the day of issue (the expiry day included)
    every_case: bool  # every paid case gets the document (else only an admitted, not registered student)
    notes: tuple[tuple[str, str], ...]  # (zh, en) paragraphs of 附記
    travel_document: tuple[str, str] = ("護照號碼", "Passport No.")  # the document the holder travels on

    def validity(self, issued: date) -> tuple[date, date]:
        return issued, add_months(issued, self.months) - timedelta(days=1)

    def issues_document(self, enrollment_status: str) -> bool:
        return self.every_case or enrollment_status == "A"


_RESIDENT_NOTES = (
    (
        "本紙本證持有人應於本證有效期限內，持本證及相關文件申請換發中華民國居留證（IC卡）並辦理居留延期。",
        "Within the validity of this certificate, the paper certificate holder should present it with the "
        "related documents to exchange it for the R.O.C. (Taiwan) Resident Certificate (IC card) and to apply "
        "for the extension of the residency.",
    ),
    (
        "依規定，本紙本證持有人未辦理居留延期致逾期居留者，處新臺幣2,000元以上10,000元以下罰鍰。",
        "According to the regulation, the paper certificate holder failing the extension of the residency and "
        "becoming unlawful alien should be fined between 2,000 N.T. dollars and 10,000 N.T. dollars.",
    ),
)

MAINLAND_TRAVEL_DOCUMENT = ("大陸居民往來台灣通行證號碼", "Mainland Travel Permit No.")

DOCUMENTS: dict[str, PermitDocument] = {
    lines.RESIDENT_CERTIFICATE.code: PermitDocument(
        lines.RESIDENT_CERTIFICATE,
        "中華民國居留證",
        "ROC (Taiwan) Resident Certificate",
        "ARC",
        6,
        False,
        _RESIDENT_NOTES,
    ),
    lines.SINGLE_ENTRY.code: PermitDocument(
        lines.SINGLE_ENTRY,
        "臺灣地區入出境許可證（單次）",
        "Entry and Exit Permit, Taiwan (Single Entry)",
        "單次 Single",
        6,
        True,
        travel_document=MAINLAND_TRAVEL_DOCUMENT,
        notes=(
            (
                "本證限持證人於有效期限內入境臺灣地區一次，入境後應於二個月內申請換發多次入出境許可證。",
                "This permit allows its holder one entry into Taiwan within its validity. Within two months "
                "of entry the holder should apply for the multiple-entry permit.",
            ),
            (
                "持證人應於入境時出示本證及大陸居民往來台灣通行證。",
                "Show this permit with the Mainland Travel Permit for Taiwan on entry.",
            ),
        ),
    ),
    lines.MULTIPLE_ENTRY.code: PermitDocument(
        lines.MULTIPLE_ENTRY,
        "臺灣地區入出境許可證（多次）",
        "Entry and Exit Permit, Taiwan (Multiple Entry)",
        "多次 Multiple",
        12,
        True,
        travel_document=MAINLAND_TRAVEL_DOCUMENT,
        notes=(
            (
                "本證持證人於有效期限內得多次入出臺灣地區，在學期間應維持就學身分。",
                "Within its validity this permit allows its holder to enter and leave Taiwan several times, "
                "while they remain a student.",
            ),
            (
                "原單次入出境許可證應繳回。",
                "The single-entry permit is to be returned.",
            ),
        ),
    ),
}


def document_of(permit_code: str) -> PermitDocument:
    return DOCUMENTS.get(permit_code) or DOCUMENTS[lines.RESIDENT_CERTIFICATE.code]


def document_for(line: str, kind: str) -> PermitDocument:
    return document_of(permit_of(line, kind).code)


# ---------------------------------------------------------------------------------------------
# 優先處理事項: the seed's five tabs


@dataclass(frozen=True)
class DashboardTab:
    code: str
    title: Any  # lazy translation
    line: str | None  # the tab's business line (None: every line)
    extensions: bool  # True: only extensions (延期申請); False: everything but extensions

    def holds(self, line: str, kind: str) -> bool:
        return (self.line is None or self.line == line) and (kind == EXTENSION) == self.extensions


DASHBOARD_TABS: tuple[DashboardTab, ...] = (
    DashboardTab(
        lines.MAINLAND_SINGLE, _l("Mainland students: single-entry permit"), lines.MAINLAND_SINGLE, False
    ),
    DashboardTab(
        lines.MAINLAND_MULTIPLE,
        _l("Mainland students: multiple-entry permit"),
        lines.MAINLAND_MULTIPLE,
        False,
    ),
    DashboardTab(lines.HKMO, _l("Hong Kong and Macau students: resident certificate"), lines.HKMO, False),
    DashboardTab(
        "foreign", _l("Foreign and overseas Chinese students: resident certificate"), "foreign", False
    ),
    DashboardTab(EXTENSION, _l("Extension application"), None, True),
)
DEFAULT_TAB = "foreign"


def dashboard_tab(code: str | None) -> DashboardTab:
    """The tab named in the URL; the 外生、外僑生 tab when none or an unknown one is named."""
    found = next((t for t in DASHBOARD_TABS if t.code == code), None)
    return found or next(t for t in DASHBOARD_TABS if t.code == DEFAULT_TAB)


def tab_of(line: str, kind: str) -> DashboardTab | None:
    return next((t for t in DASHBOARD_TABS if t.holds(line, kind)), None)


# 港澳僑生居留入出境查驗表 (下載專區): generated per applicant of these lines.
ENTRY_EXIT_CHECK_LINES = (lines.HKMO,)
# Where a case of these lines keeps its Hong Kong or Macau identity card number (the offering's field names).
IDENTITY_DATA_KEYS = ("hkmo_id", "hkid", "macau_id", "resident_id", "id_no")


def identity_no(data: Any) -> str:
    """The Hong Kong or Macau identity card number a case's line fields hold, else ""."""
    if not isinstance(data, dict):
        return ""
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
    for source in (fields, data):  # a spec form keeps its fields under "fields"
        found = next((str(source[k]) for k in IDENTITY_DATA_KEYS if source.get(k)), "")
        if found:
            return found
    return ""


TRAVEL_PERMIT_KEYS = ("travel_permit_no", "taiwan_travel_permit", "taiwan_travel_permit_no")


def travel_document_no(passport_no: str, data: Any) -> str:
    """The number of the document the holder travels on: the passport, else (陸生) the 往來台灣通行證 number
    a case's line fields hold."""
    if passport_no:
        return passport_no
    if not isinstance(data, dict):
        return ""
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
    for source in (fields, data):
        found = next((str(source[k]) for k in TRAVEL_PERMIT_KEYS if source.get(k)), "")
        if found:
            return found
    return ""


def entry_permit_lines() -> tuple[str, ...]:
    """The lines whose permits are entry permits (單次證, 多次證), not resident certificates: 許可證下載 lists
    them, the six-month resident certificates' page does not."""
    return tuple(sorted({o.line for o in lines.OFFERINGS if o.permit != lines.RESIDENT_CERTIFICATE}))

"""The 陸生 and 港澳生 business lines (issue 14) as data: what each of their offerings asks for, what it
costs by default, what it issues, and its deadlines.

Pure: no web, no database. The application engine (issue 13) reads these rules when the offerings are
registered; until then nothing in the web layer uses them. The lines' codes and their 團號 business codes
are those of `app.domain.business` (116 mainland, 108 Hong Kong and Macau).

- `OFFERINGS`: one `LineOffering` per (line, kind): titles, permit type issued, the default fee per person,
  the roster categories it draws from, whether adding an applicant starts with a lookup, the receiving unit,
  and its document rules.
- `DocumentRule.required_when` is a set of facts about the applicant (`Facts`) that must all hold; a rule
  with none is always required, `optional=True` is shown but never required.
- Fees are master data: the figure here is the default; a supervisor's change is a `FeeRate` row
  (`app.actions.fees`), and `fee_in_force` picks the one in force on a day.
- Deadlines: 多次證 within two months of entry (refused after), 港澳生居留證 within three months of entry
  (warned), a 港澳 extension window that opens 30 days before the certificate expires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.domain import business
from app.domain.money import add_months
from app.i18n import lazy_gettext as _l

MAINLAND_SINGLE = "mainland_single"
MAINLAND_MULTIPLE = "mainland_multiple"
HKMO = "hkmo"
LINES = (MAINLAND_SINGLE, MAINLAND_MULTIPLE, HKMO)

# ---------------------------------------------------------------------------------------------
# Permit types (核發證別)


@dataclass(frozen=True)
class PermitType:
    code: str
    zh: str
    title: Any  # lazy translation


RESIDENT_CERTIFICATE = PermitType("resident_certificate", "居留證", _l("Resident certificate"))
SINGLE_ENTRY = PermitType("single_entry", "單次證", _l("Single-entry permit"))
MULTIPLE_ENTRY = PermitType("multiple_entry", "多次證", _l("Multiple-entry permit"))
PERMIT_TYPES = (RESIDENT_CERTIFICATE, SINGLE_ENTRY, MULTIPLE_ENTRY)


def permit_type(code: str) -> PermitType:
    for p in PERMIT_TYPES:
        if p.code == code:
            return p
    raise KeyError(code)


# ---------------------------------------------------------------------------------------------
# Facts about an applicant that decide which documents are required


@dataclass(frozen=True)
class Facts:
    new_student: bool = True  # 新生; False: a returning student (復學) or one already studying
    returning: bool = False  # 復學生
    relative: bool = False  # 親屬 (spouse or minor child filing in the student's group)
    filed_by_school: bool = True  # the school files for the student (委託書)
    first_online_extension: bool = False  # 港澳生: the first extension filed online (photo)


@dataclass(frozen=True)
class DocumentRule:
    code: str
    zh: str
    title: Any  # lazy translation
    required_when: frozenset[str] = frozenset()  # names of Facts that must all be true
    absent_when: frozenset[str] = frozenset()  # names of Facts that must all be false
    optional: bool = False
    generated: bool = False  # the system fills the form; the applicant prints, signs and uploads it
    both_sides: bool = False  # front and back

    def applies(self, facts: Facts) -> bool:
        return all(getattr(facts, f) for f in self.required_when) and not any(
            getattr(facts, f) for f in self.absent_when
        )

    def required(self, facts: Facts) -> bool:
        return not self.optional and self.applies(facts)


def _doc(code: str, zh: str, title: Any, **kw: Any) -> DocumentRule:
    for key in ("required_when", "absent_when"):
        if key in kw:
            kw[key] = frozenset(kw[key])
    return DocumentRule(code, zh, title, **kw)


# ---------------------------------------------------------------------------------------------
# The offerings of the two lines


@dataclass(frozen=True)
class LineOffering:
    line: str
    kind: str
    zh: str
    title: Any
    permit: PermitType
    default_fee: int  # NT$ per person; master data may change it (FeeRate)
    categories: tuple[str, ...]  # roster categories the group draws from (app.domain.roster CATEGORIES)
    documents: tuple[DocumentRule, ...]
    lookup: str = ""  # adding an applicant starts with a lookup of this (e.g. "single_entry_permit")
    receiving_unit_zh: str = ""
    receiving_unit: Any = ""
    relatives: bool = False  # a spouse or minor child may file in the student's group
    degree_students_only: bool = False
    application_reason_zh: str = ""  # 申請事由 as the seed's lists show it

    @property
    def group_code(self) -> str:
        """The business code of the 團號 and 收件號 (116 mainland, 108 Hong Kong and Macau)."""
        return group_code(self.line)

    def documents_for(self, facts: Facts) -> list[tuple[DocumentRule, bool]]:
        """The documents shown for an applicant with these facts, each with whether it is required."""
        return [(d, d.required(facts)) for d in self.documents if d.applies(facts) or d.optional]

    def required_documents(self, facts: Facts) -> list[str]:
        return [d.code for d in self.documents if d.required(facts)]

    def missing_documents(self, facts: Facts, present: set[str]) -> list[str]:
        return [code for code in self.required_documents(facts) if code not in present]


HUALIEN = ("花蓮縣服務站", _l("Hualien County Service Center"))

PHOTO = _doc(
    "photo",
    "2吋照片",
    _l("2-inch photo (white background, head 3.2 to 3.6 cm)"),
)

MAINLAND_SINGLE_FIRST = LineOffering(
    line=MAINLAND_SINGLE,
    kind="first",
    zh="陸生(含親屬)就學入臺單次證",
    title=_l("Mainland students (and relatives): single-entry permit to study"),
    permit=SINGLE_ENTRY,
    default_fee=600,
    categories=("CN",),
    relatives=True,
    degree_students_only=True,
    receiving_unit_zh=HUALIEN[0],
    receiving_unit=HUALIEN[1],
    application_reason_zh="就學",
    documents=(
        _doc(
            "mainland_entry_form",
            "大陸地區人民入出臺灣地區申請書(陸生就學專用)",
            _l("Application for entry into and exit from Taiwan (mainland students)"),
            generated=True,
        ),
        PHOTO,
        _doc(
            "mainland_resident_id",
            "大陸居民身分證(正反面)",
            _l("Mainland resident identity card (front and back)"),
            both_sides=True,
        ),
        _doc("admission_letter", "錄取通知", _l("Letter of admission"), absent_when={"relative"}),
        _doc("guarantee", "保證書", _l("Letter of guarantee"), generated=True),
        _doc("group_roster", "團體名冊", _l("Group roster"), generated=True),
        _doc(
            "power_of_attorney",
            "委託書",
            _l("Power of attorney"),
            required_when={"filed_by_school"},
        ),
        _doc(
            "reinstatement",
            "復學證明",
            _l("Certificate of reinstatement"),
            required_when={"returning"},
            absent_when={"relative"},
        ),
        _doc(
            "kinship_proof",
            "親屬關係證明",
            _l("Proof of kinship with the student"),
            required_when={"relative"},
        ),
    ),
)

MAINLAND_MULTIPLE_FIRST = LineOffering(
    line=MAINLAND_MULTIPLE,
    kind="first",
    zh="陸生多次證",
    title=_l("Mainland students: multiple-entry permit"),
    permit=MULTIPLE_ENTRY,
    default_fee=1000,
    categories=("CN",),
    lookup="single_entry_permit",
    relatives=True,
    degree_students_only=True,
    receiving_unit_zh=HUALIEN[0],
    receiving_unit=HUALIEN[1],
    application_reason_zh="多次證申請",
    documents=(
        _doc(
            "enrolment_or_student_card",
            "在學證明或學生證",
            _l("Certificate of enrolment or student card"),
            absent_when={"relative"},
        ),
        _doc("taiwan_travel_permit", "大陸居民往來台灣通行證", _l("Mainland Travel Permit for Taiwan")),
        _doc(
            "health_certificate",
            "健康檢查合格證明",
            _l("Health examination certificate"),
            required_when={"new_student"},
        ),
        _doc(
            "single_entry_permit",
            "單次證(繳回)",
            _l("The single-entry permit (to be returned)"),
        ),
        _doc("power_of_attorney", "委託書", _l("Power of attorney"), required_when={"filed_by_school"}),
    ),
)

HKMO_FIRST = LineOffering(
    line=HKMO,
    kind="first",
    zh="港澳生居留證",
    title=_l("Hong Kong and Macau students: resident certificate"),
    permit=RESIDENT_CERTIFICATE,
    default_fee=2600,
    categories=("HK", "MO"),
    application_reason_zh="長期居留",
    documents=(
        _doc(
            "hkmo_permanent_id",
            "香港或澳門永久居民身分證明",
            _l("Hong Kong or Macau permanent resident identity card"),
            both_sides=True,
        ),
        PHOTO,
        _doc(
            "placement_notice_overseas",
            "海外聯招分發通知書",
            _l("Placement notice of the overseas joint admission"),
        ),
        _doc("enrolment_certificate", "在學證明", _l("Certificate of enrolment")),
        _doc(
            "police_record",
            "警察紀錄證明書",
            _l("Police record certificate (issued within 3 months, covering the last 5 years)"),
        ),
        _doc("health_certificate_b", "健康檢查合格證明(乙表)", _l("Health examination certificate (form B)")),
        _doc(
            "entry_exit_permit",
            "臺灣地區入出境許可證",
            _l("Entry and exit permit for Taiwan used to enter"),
        ),
        _doc(
            "hkmo_identity_confirmation",
            "香港或澳門居民身分確認書",
            _l("Confirmation of Hong Kong or Macau resident status"),
            generated=True,
        ),
        _doc(
            "residence_declaration",
            "居留定居申報書",
            _l("Declaration for residence and settlement"),
            generated=True,
        ),
        _doc("power_of_attorney", "委託書", _l("Power of attorney"), required_when={"filed_by_school"}),
    ),
)

HKMO_EXTENSION = LineOffering(
    line=HKMO,
    kind="extension",
    zh="港澳生居留證延期",
    title=_l("Hong Kong and Macau students: extension of the resident certificate"),
    permit=RESIDENT_CERTIFICATE,
    default_fee=300,
    categories=("HK", "MO"),
    application_reason_zh="延期",
    documents=(
        _doc("resident_certificate", "居留證", _l("Resident certificate")),
        _doc("enrolment_certificate", "在學證明", _l("Certificate of enrolment")),
        _doc(
            "extension_photo",
            "2吋照片",
            _l("2-inch photo (first extension filed online)"),
            required_when={"first_online_extension"},
        ),
        _doc("power_of_attorney", "委託書", _l("Power of attorney"), required_when={"filed_by_school"}),
    ),
)

OFFERINGS: tuple[LineOffering, ...] = (
    MAINLAND_SINGLE_FIRST,
    MAINLAND_MULTIPLE_FIRST,
    HKMO_FIRST,
    HKMO_EXTENSION,
)
_BY_KEY = {(o.line, o.kind): o for o in OFFERINGS}


def offering(line: str, kind: str) -> LineOffering:
    try:
        return _BY_KEY[(line, kind)]
    except KeyError:
        raise KeyError(f"no offering {line}/{kind}") from None


def group_code(line: str) -> str:
    found = business.get_line(line)
    if found is None:
        raise KeyError(line)
    return found.group_code


def categories_of(offerings: list[LineOffering] | tuple[LineOffering, ...]) -> tuple[str, ...]:
    """The roster categories a set of offerings draws from, each once, in the roster's order."""
    wanted = {c for o in offerings for c in o.categories}
    return tuple(c for c in ("CN", "HK", "MO", "FG", "FO") if c in wanted)


# ---------------------------------------------------------------------------------------------
# Fees as master data


@dataclass(frozen=True)
class FeeRecord:
    """A fee in force from a day: a row of the `fee_rate` table, or an offering's default."""

    line: str
    kind: str
    per_person: int
    effective_from: date
    reason: str = ""


MAX_FEE = 100_000


def fee_problems(per_person: Any, reason: str) -> dict[str, Any]:
    """A supervisor's new fee: a whole number of NT$ from 0 to 100,000, and a reason."""
    errors: dict[str, Any] = {}
    try:
        amount = int(str(per_person).strip())
    except (TypeError, ValueError):
        amount = None
    if amount is None or not 0 <= amount <= MAX_FEE:
        errors["per_person"] = _l("Enter the fee as whole New Taiwan dollars from 0 to 100,000.")
    if not (reason or "").strip():
        errors["reason"] = _l("Say why the fee changes.")
    elif len(reason.strip()) > 500:
        errors["reason"] = _l("At most %(n)d characters.", n=500)
    return errors


def fee_in_force(line: str, kind: str, records: list[FeeRecord], on: date) -> FeeRecord:
    """The latest record in force on `on` for (line, kind); the offering's default when none is."""
    mine = [r for r in records if r.line == line and r.kind == kind and r.effective_from <= on]
    if mine:
        return max(mine, key=lambda r: r.effective_from)
    return FeeRecord(line, kind, offering(line, kind).default_fee, date.min, "default")


# ---------------------------------------------------------------------------------------------
# Deadlines

MULTIPLE_ENTRY_MONTHS = 2  # 多次證: within two months of entry
HKMO_RESIDENT_MONTHS = 3  # 港澳生居留證: within three months of entry
EXTENSION_WINDOW_DAYS = 30  # 港澳 extension: from 30 days before expiry


@dataclass(frozen=True)
class Deadline:
    due: date  # the last day on which it may be filed
    state: str  # "open" | "overdue" | "not_yet"
    days_left: int = 0
    opens: date | None = None
    message: Any = field(default="", compare=False)

    @property
    def refused(self) -> bool:
        return self.state in ("overdue", "not_yet")


def multiple_entry_deadline(entry: date, today: date) -> Deadline:
    """A single-entry permit converts to a multiple-entry permit within two months of entry; after, refused."""
    due = add_months(entry, MULTIPLE_ENTRY_MONTHS)
    if today > due:
        return Deadline(
            due,
            "overdue",
            message=_l(
                "The multiple-entry permit had to be applied for within two months of entry (by %(date)s). "
                "It can no longer be applied for online.",
                date=due.strftime("%Y/%m/%d"),
            ),
        )
    return Deadline(
        due,
        "open",
        (due - today).days,
        message=_l("Apply by %(date)s (two months after entry).", date=due.strftime("%Y/%m/%d")),
    )


def hkmo_resident_deadline(entry: date, today: date) -> Deadline:
    """港澳生居留證 is due within three months of entry: the form warns when it is late, but accepts it."""
    due = add_months(entry, HKMO_RESIDENT_MONTHS)
    if today > due:
        return Deadline(
            due,
            "overdue",
            message=_l(
                "The resident certificate was due within three months of entry (by %(date)s). "
                "You can still apply; the agency decides on a late application.",
                date=due.strftime("%Y/%m/%d"),
            ),
        )
    return Deadline(
        due,
        "open",
        (due - today).days,
        message=_l("Apply by %(date)s (three months after entry).", date=due.strftime("%Y/%m/%d")),
    )


def hkmo_extension_window(expiry: date, today: date) -> Deadline:
    """港澳 extension: from 30 days before the certificate expires until its last day."""
    opens = expiry - timedelta(days=EXTENSION_WINDOW_DAYS)
    if today < opens:
        return Deadline(
            expiry,
            "not_yet",
            opens=opens,
            message=_l(
                "An extension can be applied for from %(date)s (30 days before the certificate expires).",
                date=opens.strftime("%Y/%m/%d"),
            ),
        )
    if today > expiry:
        return Deadline(
            expiry,
            "overdue",
            opens=opens,
            message=_l(
                "The certificate expired on %(date)s; it can no longer be extended.",
                date=expiry.strftime("%Y/%m/%d"),
            ),
        )
    return Deadline(
        expiry,
        "open",
        (expiry - today).days,
        opens=opens,
        message=_l("Apply by %(date)s, the day the certificate expires.", date=expiry.strftime("%Y/%m/%d")),
    )

"""The catalogue of offerings: what can be applied for, as data, and the one check of a case against it.

An offering is keyed by (business line, kind) and holds everything the engine needs to know about it:
its titles, the identities it accepts, the roster categories it draws from, its form (field specs), its
documents (which uploads, required when, how many), its group documents, its fee and the certificate it
issues, its terms text, whether adding an applicant starts with a lookup, its receiving unit and the
business code of its numbers. The handlers, actions and templates ask the offering; nothing branches on
a kind's name.

`check_case()` is the one check of a case (the school's form, the student's form, the supplement form and
submit all call it); `check_group()` the one check of a group's own documents.

Adding an offering (see docs/architecture.md, "How to add an offering"): write its `Offering(...)`
entry with its field specs and documents, its fee row in `app.domain.fees`, `register()` it, and word its
templates' text. Nothing else changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from app.domain import applicant, business, fees, lines
from app.domain import kinds as kind_rules
from app.domain import supplement as change_rules
from app.domain import validators as v
from app.domain.addresses import ADDRESS_PARTS
from app.domain.documents import DOC_LABELS, UPLOAD_RULES_TEXT
from app.domain.fields import CaseFacts, CaseRecord, FieldSpec, FormSpec
from app.domain.profiles import REQUIRED, parse_date
from app.i18n import lazy_gettext as _l

CASE = "case"
GROUP = "group"
MAX_FILES = 10  # files per document (the "+" button)


@dataclass(frozen=True)
class DocumentSpec:
    """One upload of a form: its kind, whether it is required, when it is asked for, how many files."""

    doc: str
    required: bool = True
    when: Callable[[CaseFacts], bool] | None = None  # None: always asked for
    max_files: int = MAX_FILES

    def applies(self, facts: CaseFacts) -> bool:
        return self.when is None or bool(self.when(facts))


@dataclass(frozen=True)
class NeededDocument:
    doc: str
    required: bool
    max_files: int = MAX_FILES

    @property
    def label(self) -> str:
        return label_of_doc(self.doc)


@dataclass(frozen=True)
class LinkSpec:
    """A relative's applicant names a student applicant of the same group: the relative's field must equal
    the student's field `target` of an applicant whose identity is `identity`."""

    field: str
    target: str
    identity: str
    relative_identities: frozenset[str]
    message: Any


@dataclass(frozen=True)
class Offering:
    line: str  # business line: foreign | (next) mainland_single, mainland_multiple, hkmo
    kind: str  # first | renewal | extension | data_change | ...
    slug: str  # in URLs: /apply/<line>/<slug>/...
    title: Any  # both languages through the catalog
    short_title: Any  # the kind alone (首次申請, 換證 ...)
    identities: Mapping[str, Any]  # identity code -> label; the first is the default
    roster_categories: tuple[str, ...]  # RosterEntry.category values a group draws from
    form: FormSpec  # the applicant's fields
    documents: tuple[DocumentSpec, ...]  # per applicant, in the form's order
    group_documents: tuple[DocumentSpec, ...] = ()  # the group's 申請資料 step
    photo: bool = True
    terms: Any = None  # the terms text (注意事項) shown before a new application
    lookup: Any = None  # adding an applicant starts with this lookup (換證: the UI no.), else None
    receiving_unit: Any = None  # None: the service station the group picks for 領證
    numbering_code: str = ""  # the business code in 團號 and 收件號
    student_may_file: bool = True  # a student may file it for themself (a group of one)
    # whose pages the applicants step is: "kinds" (the generic one) | "first" (外(僑)生申請書 with roster
    # import and autosave)
    applicants_pages: str = "kinds"
    # the 統一證號 must name a resident certificate this system knows (延期, 資料異動: checked by the pipeline)
    known_certificate: bool = False
    # the lookup that adds an applicant (app.actions.kinds.LOOKUPS): "certificate" (換證: the UI no.) |
    # "single_entry_permit" (多次證: the single-entry permit issued here and the entry date); the partial that
    # draws its fields and the field its refusal is shown beside
    lookup_kind: str = "certificate"
    lookup_template: str = "kinds/_lookup.html"
    lookup_field: str = "ui_no"
    # a relative files in the same group, linked to a student applicant of it: (the relative's field, the
    # student's field it must equal, the student's identity); checked by the pipeline (it needs the group)
    link: LinkSpec | None = None
    line_offering: lines.LineOffering | None = None  # the 陸生 / 港澳生 rules it is built from
    # a student's own application from their roster row: the row's category -> the case's identity, and the
    # row's columns -> the form's fields (港澳生: resident_id -> hkmo_id)
    category_identities: Mapping[str, str] = field(default_factory=dict)
    home_url: str = ""  # where 取消 on the terms goes ("": the offering's drafts list, /apply/<slug>)
    roster_picker: bool = (
        False  # a kinds-page offering whose applicants may be added from the roster (從名冊加入)
    )
    roster_fields: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # what a later offering needs beyond these

    @property
    def key(self) -> tuple[str, str]:
        return (self.line, self.kind)

    @property
    def fee(self) -> int:
        """NT$ per person by default (master data in app.domain.fees; for the 陸生 and 港澳生 lines the
        default of `app.domain.lines`, which a supervisor's `FeeRate` overrides: the fee in force on a day
        is `app.queries.fees.fee_per_person`)."""
        if self.line_offering is not None:
            return self.line_offering.default_fee
        return fees.fee_for(self.line, self.kind).per_person

    @property
    def certificate(self) -> Any:
        """核發證別: the certificate it issues (居留證, 單次證, 多次證 ...; master data in app.domain.fees)."""
        if self.line_offering is not None:
            return self.line_offering.permit.title
        return fees.fee_for(self.line, self.kind).certificate

    @property
    def code(self) -> str:
        return self.kind

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the form's fields (what a template asks: `"current_expiry" in kind.fields`)."""
        return self.form.names

    def key_fields(self) -> tuple[FieldSpec, ...]:
        """The fields 確認送件 lists for each applicant."""
        return tuple(s for s in self.form.fields if s.key)


# Documents by the labels the forms show: the first application's (app.domain.documents) and the kinds'.
def label_of_doc(doc: str) -> str:
    if doc in kind_rules.KIND_DOC_LABELS:
        return str(kind_rules.KIND_DOC_LABELS[doc])
    if doc in _EXTRA_DOC_LABELS:
        return str(_EXTRA_DOC_LABELS[doc])
    return str(DOC_LABELS.get(doc, doc))


_EXTRA_DOC_LABELS: dict[str, Any] = {}


def register_document_label(doc: str, label: Any) -> None:
    """A document kind a new offering brings (its label in both languages through the catalog)."""
    _EXTRA_DOC_LABELS[doc] = label


def doc_labels() -> dict[str, str]:
    """Every document kind's label in the current language."""
    return {doc: label_of_doc(doc) for doc in sorted(all_document_kinds() - {"photo"})}


def all_document_kinds() -> frozenset[str]:
    """Every document kind any offering asks for, and the photo (what an upload may be stored as)."""
    found = {"photo"} | set(DOC_LABELS) | set(kind_rules.KIND_DOC_LABELS) | set(_EXTRA_DOC_LABELS)
    for o in OFFERINGS.values():
        found |= {d.doc for d in o.documents + o.group_documents}
    return frozenset(found)


# The forms, with how their strings go to and from storage ---------------------------------------------


def _applicant_normalise(data: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, str]:
    return applicant.normalise({k: str(data.get(k) or "") for k in applicant.form_keys()})


def _applicant_read(case: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    return applicant.form_from_record(dict(case)), []


def _applicant_record(form: Mapping[str, str], changes: list[str], case: Mapping[str, Any]) -> CaseRecord:
    values, raw = applicant.record_from_form(dict(form))
    return CaseRecord(values, {"raw": raw})


def _applicant_snapshot(case: Mapping[str, Any]) -> dict[str, Any]:
    return change_rules.case_fields(applicant.form_from_record(dict(case)))


FIRST_FORM = replace(
    applicant.APPLICANT_FORM,
    normalise=_applicant_normalise,
    read=_applicant_read,
    record=_applicant_record,
    snapshot=_applicant_snapshot,
)


def _renewal_normalise(data: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, str]:
    form = applicant.normalise(
        {k: str(data.get(k) or "") for k in applicant.form_keys()} | dict(applicant.RENEWAL_FORM.fixed)
    )
    form["ui_no"] = str(case.get("ui_no") or "")  # fixed by the lookup
    return form


def _renewal_read(case: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    return {**applicant.form_from_record(dict(case)), **applicant.RENEWAL_FORM.fixed}, []


def _renewal_record(form: Mapping[str, str], changes: list[str], case: Mapping[str, Any]) -> CaseRecord:
    values, raw = applicant.record_from_form(dict(form))
    extra = dict(_case_data(case).get("kind") or {})
    extra["address_changed"] = address_changed(case, form)
    return CaseRecord(values, {"raw": raw, "kind": extra})


RENEWAL_FORM = replace(
    applicant.RENEWAL_FORM,
    normalise=_renewal_normalise,
    read=_renewal_read,
    record=_renewal_record,
    snapshot=_applicant_snapshot,
)


def _kind_form(kind: str) -> FormSpec:
    def normalise(data: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, str]:
        return kind_rules.normalise({k: str(v) for k, v in data.items() if isinstance(v, str)})

    def read(case: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
        return kind_rules.form_from_case({**case, "data": _case_data(case)})

    def record(form: Mapping[str, str], changes: list[str], case: Mapping[str, Any]) -> CaseRecord:
        ui_no = form.get("ui_no", "")
        columns = {
            "ui_no": ui_no[:10] if v.is_ui_no(ui_no) else "",
            "name_en": form.get("name_en", "")[:100],
            "passport_no": form.get("passport_no", "")[:20],
            "birth_date": parse_date(form.get("birth_date")),
            "phone": form.get("phone", "")[:30],
            "email": form.get("email", "")[:254],
        }
        data = {
            "kind": kind_rules.kind_values(kind, dict(form), changes),
            "raw_kind": {k: val for k, val in form.items() if val},
        }
        return CaseRecord(columns, data)

    def snapshot(case: Mapping[str, Any]) -> dict[str, Any]:
        form, _changes = read(case)
        out: dict[str, Any] = {
            k: form.get(k, "") for k in ("ui_no", "name_en", "passport_no", "birth_date", "phone", "email")
        }
        out.update(_case_data(case).get("kind") or {})
        return out

    return replace(
        kind_rules.KIND_FORMS[kind], normalise=normalise, read=read, record=record, snapshot=snapshot
    )


IDENTITY = "_identity"  # the case's identity in a spec form's strings, for validators that depend on it


def spec_form(fields: tuple[FieldSpec, ...], *, fixed: Mapping[str, str] | None = None) -> FormSpec:
    """A form made only of field specs, for a new offering: the page renders each field from its spec
    (partial `kinds/_spec_fields.html`); values that are columns of a case (name_en, passport_no, ui_no,
    birth_date, phone, email ...) go to those columns, the others to `Case.data["fields"]`."""
    names = tuple(s.name for s in fields if s.type != "address")
    addresses = tuple(s.name for s in fields if s.type == "address")
    checkboxes = tuple(s.name for s in fields if s.type == "checkbox")
    readonly = tuple(s.name for s in fields if s.type == "readonly")

    def keys() -> list[str]:
        return list(names) + [f"{a}_{p}" for a in addresses for p in ADDRESS_PARTS]

    def normalise(data: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, str]:
        out = {k: " ".join(str(data.get(k) or "").split()) for k in keys()}
        for name in checkboxes:
            out[name] = "1" if out.get(name) in ("1", "on", "true") else ""
        for name in readonly:  # shown, never typed: what the lookup found stays
            out[name] = str((_case_data(case).get("fields") or {}).get(name, ""))
        return {**out, **(fixed or {}), IDENTITY: str(case.get("identity") or "")}

    def read(case: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
        stored = _case_data(case).get("fields") or {}
        form = {k: str(stored.get(k, "")) for k in keys()}
        for name in names:
            if name in applicant.TEXT_FIELDS and case.get(name):
                form[name] = str(case[name])
            elif name in applicant.DATE_FIELDS and case.get(name):
                form[name] = case[name].strftime("%Y/%m/%d")
        return {**form, **(fixed or {}), IDENTITY: str(case.get("identity") or "")}, []

    def record(form: Mapping[str, str], changes: list[str], case: Mapping[str, Any]) -> CaseRecord:
        columns: dict[str, Any] = {}
        for name in names:
            value = form.get(name, "")
            if name in applicant.TEXT_FIELDS:
                limit = applicant.COLUMN_LENGTHS[name]
                columns[name] = value if len(value) <= limit else ""
            elif name in applicant.DATE_FIELDS:
                columns[name] = parse_date(value)
        return CaseRecord(columns, {"fields": {k: form.get(k, "") for k in keys()}})

    def snapshot(case: Mapping[str, Any]) -> dict[str, Any]:
        return read(case)[0]

    return FormSpec(
        "spec",
        fields,
        fixed=dict(fixed or {}),
        normalise=normalise,
        read=read,
        record=record,
        snapshot=snapshot,
    )


# The four offerings of 外生、外僑生 -------------------------------------------------------------------

_FOREIGN = business.get_line("foreign")
_FOREIGN_CODE = _FOREIGN.group_code if _FOREIGN else "102"
_FOREIGN_IDENTITIES = applicant.IDENTITIES
_FOREIGN_CATEGORIES = ("FG", "FO")  # 外生, 外僑生

# 申請資料 of every 外生 group: *1. 委託書 (a school files for its students), 2. 其他相關證明文件(無則免).
_SCHOOL_FILED = lambda f: not f.self_filed  # noqa: E731
FOREIGN_GROUP_DOCUMENTS = (
    DocumentSpec("power_of_attorney", True, _SCHOOL_FILED),
    DocumentSpec("group_other", False, _SCHOOL_FILED),
)


def _changed(*items: str) -> Callable[[CaseFacts], bool]:
    return lambda f: bool(f.changes & set(items))


OFFERINGS: dict[tuple[str, str], Offering] = {}


def register(offering: Offering) -> Offering:
    """Add an offering to the catalogue (the catalogue's own entries, and a test's made-up one)."""
    OFFERINGS[offering.key] = offering
    return offering


def unregister(line: str, kind: str) -> None:
    OFFERINGS.pop((line, kind), None)


register(
    Offering(
        "foreign",
        "first",
        "first",
        _l("First application for a resident certificate (foreign and overseas Chinese students)"),
        business.KINDS["first"],
        _FOREIGN_IDENTITIES,
        _FOREIGN_CATEGORIES,
        FIRST_FORM,
        (
            DocumentSpec("passport"),
            DocumentSpec("visa"),
            DocumentSpec("accommodation"),
            DocumentSpec("placement_notice", when=lambda f: f.identity == "overseas"),
            DocumentSpec("scholarship", when=lambda f: f.enrollment == "R" and f.scholarship),
            DocumentSpec("admission", when=lambda f: f.self_filed),
            DocumentSpec("other", False),
        ),
        FOREIGN_GROUP_DOCUMENTS,
        numbering_code=_FOREIGN_CODE,
        applicants_pages="first",
    )
)
register(
    Offering(
        "foreign",
        "renewal",
        "renewal",
        kind_rules.KINDS["renewal"].title,
        business.KINDS["renewal"],
        _FOREIGN_IDENTITIES,
        _FOREIGN_CATEGORIES,
        RENEWAL_FORM,
        (
            DocumentSpec("passport"),
            DocumentSpec("accommodation", when=lambda f: f.address_changed),
            DocumentSpec("scholarship", when=lambda f: f.scholarship),
            DocumentSpec("other", False),
        ),
        FOREIGN_GROUP_DOCUMENTS,
        lookup=_l("UI no. (resident certificate no.)"),
        numbering_code=_FOREIGN_CODE,
    )
)
register(
    Offering(
        "foreign",
        "extension",
        "extension",
        kind_rules.KINDS["extension"].title,
        business.KINDS["extension"],
        _FOREIGN_IDENTITIES,
        _FOREIGN_CATEGORIES,
        _kind_form("extension"),
        (
            DocumentSpec("passport"),
            DocumentSpec("resident_card"),
            DocumentSpec("enrolment_proof"),
            DocumentSpec("other", False),
        ),
        FOREIGN_GROUP_DOCUMENTS,
        photo=False,
        numbering_code=_FOREIGN_CODE,
        known_certificate=True,
    )
)
register(
    Offering(
        "foreign",
        "data_change",
        "data-change",
        kind_rules.KINDS["data_change"].title,
        business.KINDS["data_change"],
        _FOREIGN_IDENTITIES,
        _FOREIGN_CATEGORIES,
        _kind_form("data_change"),
        (
            DocumentSpec("resident_card"),
            DocumentSpec("change_proof", when=_changed("passport", "name", "other")),
            DocumentSpec("accommodation", when=_changed("address")),
            DocumentSpec("enrolment_proof", when=_changed("department")),
            DocumentSpec("other", False),
        ),
        FOREIGN_GROUP_DOCUMENTS,
        photo=False,
        numbering_code=_FOREIGN_CODE,
        known_certificate=True,
    )
)


# The 陸生 and 港澳生 offerings (issue 14), built from the rules of `app.domain.lines` ------------------
#
# Each entry takes its titles, permit type, default fee, roster categories, receiving unit and documents from
# its `lines.LineOffering` (one source of truth): a document rule becomes a `DocumentSpec` whose `when` asks
# the rule with the applicant's facts; 保證書, 團體名冊 and 委託書 are the group's documents (the school provides
# them for the whole group); the 2-inch photo is the offering's photo. What is added here is the form.

HUALIEN_STATION = "S21"  # 花蓮縣服務站: the receiving unit of the 陸生 lines (the seed's login page)
GROUP_LEVEL_DOCUMENTS = ("guarantee", "group_roster", "power_of_attorney")

CN_STUDENT, CN_RELATIVE = "cn", "cn_rel"  # identities fit Case.identity (10 characters)
HK, MO = "hk", "mo"
MAINLAND_IDENTITIES = {
    CN_STUDENT: _l("Mainland degree student"),  # 陸生(學位生)
    CN_RELATIVE: _l("Relative of a mainland student (spouse or minor child)"),  # 陸生親屬(配偶或未成年子女)
}
HKMO_IDENTITIES = {HK: _l("Hong Kong student"), MO: _l("Macau student")}  # 香港學生 澳門學生

STUDENT_STATUS_SINGLE = {"new": _l("New student"), "returning": _l("Returning student (reinstated)")}
STUDENT_STATUS_MULTIPLE = {"new": _l("New student"), "continuing": _l("Continuing student")}
RELATIONS = {"spouse": _l("Spouse"), "child": _l("Minor child")}  # 配偶 未成年子女
DEGREE_PROGRAMS = {k: applicant.PROGRAMS[k] for k in ("bachelor", "master", "doctorate")}  # 學位生 only
HKMO_PROGRAMS = {k: label for k, label in applicant.PROGRAMS.items() if k != "exchange"}


def line_facts(f: CaseFacts) -> lines.Facts:
    """The facts `app.domain.lines` asks of an applicant, from the case's facts and its form's answers."""
    a = f.answers
    return lines.Facts(
        new_student=a.get("student_status", "new") == "new",
        returning=a.get("student_status") == "returning",
        relative=f.identity == CN_RELATIVE,
        filed_by_school=not f.self_filed,
        first_online_extension=a.get("first_online_extension") == "1",
    )


def _when(rule: lines.DocumentRule) -> Callable[[CaseFacts], bool]:
    return lambda f: rule.applies(line_facts(f))


def _case_documents(line: lines.LineOffering) -> tuple[DocumentSpec, ...]:
    out = []
    for rule in line.documents:
        if rule.code in GROUP_LEVEL_DOCUMENTS or (rule.code == "photo" and not rule.required_when):
            continue
        out.append(DocumentSpec(rule.code, not rule.optional, None if rule.optional else _when(rule)))
    return tuple(out)


def _group_documents(line: lines.LineOffering) -> tuple[DocumentSpec, ...]:
    return tuple(
        DocumentSpec(rule.code, not rule.optional, _when(rule))
        for rule in line.documents
        if rule.code in GROUP_LEVEL_DOCUMENTS
    )


def _has_photo(line: lines.LineOffering) -> bool:
    return any(rule.code == "photo" and not rule.required_when for rule in line.documents)


for _line in lines.OFFERINGS:
    for _rule in _line.documents:
        if (
            _rule.code != "photo"
            and _rule.code not in DOC_LABELS
            and _rule.code not in kind_rules.KIND_DOC_LABELS
        ):
            register_document_label(_rule.code, _rule.title)


# Validators of the forms (value, form, today) -> a message or None


def _not_future(value: str, form: Mapping[str, str], today: date) -> Any:
    d = parse_date(value)
    return _l("The date cannot be in the future.") if d and d > today else None


def _prc_id(value: str, form: Mapping[str, str], today: date) -> Any:
    if v.is_prc_resident_id(value, today):
        return None
    return _l(
        "Enter the 18-character resident identity number of the mainland (its last character is a digit or X), "
        "e.g. 11010519491231002X."
    )


def _travel_permit(value: str, form: Mapping[str, str], today: date) -> Any:
    if v.is_taiwan_travel_permit(value):
        return None
    return _l(
        "Enter the number of the Mainland Travel Permit for Taiwan: a letter and eight digits, e.g. L12345678."
    )


def _hkmo_id(value: str, form: Mapping[str, str], today: date) -> Any:
    if form.get(IDENTITY) == MO:
        if v.is_macau_id(value):
            return None
        return _l(
            "Enter the Macau resident identity card number: 1, 5 or 7 and seven more digits, e.g. 1234567(8)."
        )
    if v.is_hkid(value):
        return None
    return _l(
        "Enter the Hong Kong identity card number with its check digit in brackets, e.g. A123456(3) "
        "(check the last character)."
    )


def _passport(value: str, form: Mapping[str, str], today: date) -> Any:
    return None if v.is_passport_no(value) else _l("Letters and digits only, 5 to 20 characters.")


def _email(value: str, form: Mapping[str, str], today: date) -> Any:
    return None if v.is_email(value) else _l("Enter an e-mail address such as name@example.com.")


def _phone(value: str, form: Mapping[str, str], today: date) -> Any:
    return (
        None
        if v.is_phone(value)
        else _l("Enter a landline such as 02-23456789 or a mobile such as 0912345678.")
    )


def _ui_no(value: str, form: Mapping[str, str], today: date) -> Any:
    if v.is_ui_no(value):
        return None
    return _l("This UI number is not valid (check its letters and its last digit), e.g. A800000014.")


def _multiple_entry_due(value: str, form: Mapping[str, str], today: date) -> Any:
    entered = parse_date(value)
    if entered is None:
        return None
    if entered > today:
        return _l("The date cannot be in the future.")
    deadline = lines.multiple_entry_deadline(entered, today)
    return deadline.message if deadline.refused else None


def _multiple_entry_note(form: Mapping[str, str], today: date) -> Any:
    entered = parse_date(form.get("entry_date"))
    if entered is None or entered > today:
        return None
    deadline = lines.multiple_entry_deadline(entered, today)
    return None if deadline.refused else deadline.message


def _hkmo_note(form: Mapping[str, str], today: date) -> Any:
    entered = parse_date(form.get("entry_date"))
    if entered is None or entered > today:
        return None
    return lines.hkmo_resident_deadline(entered, today).message


def _extension_window(value: str, form: Mapping[str, str], today: date) -> Any:
    expiry = parse_date(value)
    if expiry is None:
        return None
    window = lines.hkmo_extension_window(expiry, today)
    return window.message if window.refused else None


def _extension_note(form: Mapping[str, str], today: date) -> Any:
    expiry = parse_date(form.get("current_expiry"))
    if expiry is None:
        return None
    window = lines.hkmo_extension_window(expiry, today)
    return None if window.refused else window.message


# The fields each form shares
NAME_ZH = FieldSpec("name_zh", _l("Chinese name"), required=True, max_length=50, key=True)
NAME_EN = FieldSpec(
    "name_en", _l("English name (as in the travel document)"), required=True, max_length=100, key=True
)
GENDER = FieldSpec("gender", _l("Gender"), "choice", True, choices=applicant.GENDERS)
BIRTH = FieldSpec("birth_date", _l("Birth date"), "date", True, _not_future, key=True)
PRC_ID = FieldSpec(
    "prc_id",
    _l("Mainland resident identity card no."),
    required=True,
    validator=_prc_id,
    max_length=18,
    key=True,
)
TRAVEL_PERMIT = FieldSpec(
    "passport_no",
    _l("Mainland Travel Permit for Taiwan no."),
    required=True,
    validator=_travel_permit,
    max_length=20,
    key=True,
)
DEPARTMENT = FieldSpec(
    "department", _l("Department"), required=True, max_length=100, for_identities=(CN_STUDENT,)
)
DEGREE = FieldSpec(
    "program",
    _l("Degree programme"),
    "choice",
    True,
    choices=DEGREE_PROGRAMS,
    hint=_l("Only degree students (bachelor's, master's, doctorate) apply here."),
    for_identities=(CN_STUDENT,),
)
RELATION = FieldSpec(
    "relation",
    _l("Relation to the student"),
    "choice",
    True,
    choices=RELATIONS,
    key=True,
    for_identities=(CN_RELATIVE,),
)
STUDENT_LINK = FieldSpec(
    "student_prc_id",
    _l("The student's mainland resident identity card no."),
    required=True,
    validator=_prc_id,
    max_length=18,
    key=True,
    hint=_l("The student must be an applicant of this group."),
    for_identities=(CN_RELATIVE,),
)
PHONE = FieldSpec("phone", _l("Phone in Taiwan"), validator=_phone, max_length=30)
EMAIL = FieldSpec("email", _l("E-mail"), validator=_email, max_length=254)

MAINLAND_LINK = LinkSpec(
    "student_prc_id",
    "prc_id",
    CN_STUDENT,
    frozenset({CN_RELATIVE}),
    _l("No student applicant of this group has this identity card no. Add the student to the group first."),
)
MAINLAND_TERMS = (
    _l(
        "This application is only for mainland students who are degree students (and their spouses and minor "
        "children). Non-degree students (such as exchange and research students) apply through the online "
        "system for mainland people's professional visits to Taiwan."
    ),
    _l(
        "Receiving unit of mainland degree students' applications: the Hualien County Service Center, "
        "phone (03)833-0007, Monday to Friday 08:00 to 17:00."
    ),
)

register(
    Offering(
        lines.MAINLAND_SINGLE,
        "first",
        "mainland-single",
        lines.MAINLAND_SINGLE_FIRST.title,
        business.KINDS["first"],
        MAINLAND_IDENTITIES,
        lines.MAINLAND_SINGLE_FIRST.categories,
        spec_form(
            (
                NAME_ZH,
                NAME_EN,
                GENDER,
                BIRTH,
                PRC_ID,
                TRAVEL_PERMIT,
                FieldSpec(
                    "student_status",
                    _l("Student status"),
                    "choice",
                    True,
                    choices=STUDENT_STATUS_SINGLE,
                    for_identities=(CN_STUDENT,),
                ),
                DEPARTMENT,
                DEGREE,
                RELATION,
                STUDENT_LINK,
                PHONE,
                EMAIL,
            )
        ),
        _case_documents(lines.MAINLAND_SINGLE_FIRST),
        _group_documents(lines.MAINLAND_SINGLE_FIRST),
        photo=_has_photo(lines.MAINLAND_SINGLE_FIRST),
        terms=MAINLAND_TERMS,
        receiving_unit=HUALIEN_STATION,
        numbering_code=lines.MAINLAND_SINGLE_FIRST.group_code,
        roster_picker=True,
        category_identities={"CN": CN_STUDENT},
        roster_fields={"resident_id": "prc_id", "travel_permit_no": "passport_no"},
        student_may_file=False,
        link=MAINLAND_LINK,
        home_url="/",
        line_offering=lines.MAINLAND_SINGLE_FIRST,
    )
)
register(
    Offering(
        lines.MAINLAND_MULTIPLE,
        "first",
        "mainland-multiple",
        lines.MAINLAND_MULTIPLE_FIRST.title,
        business.KINDS["first"],
        MAINLAND_IDENTITIES,
        lines.MAINLAND_MULTIPLE_FIRST.categories,
        spec_form(
            (
                FieldSpec("single_permit_no", _l("Single-entry permit no."), "readonly", key=True),
                FieldSpec(
                    "entry_date",
                    _l("Date of entry"),
                    "date",
                    True,
                    _multiple_entry_due,
                    key=True,
                    note=_multiple_entry_note,
                    hint=_l("The multiple-entry permit is applied for within two months of entry."),
                ),
                NAME_ZH,
                NAME_EN,
                GENDER,
                BIRTH,
                PRC_ID,
                TRAVEL_PERMIT,
                FieldSpec(
                    "student_status",
                    _l("Student status"),
                    "choice",
                    True,
                    choices=STUDENT_STATUS_MULTIPLE,
                    for_identities=(CN_STUDENT,),
                ),
                DEPARTMENT,
                DEGREE,
                RELATION,
                STUDENT_LINK,
                PHONE,
                EMAIL,
            )
        ),
        _case_documents(lines.MAINLAND_MULTIPLE_FIRST),
        _group_documents(lines.MAINLAND_MULTIPLE_FIRST),
        photo=_has_photo(lines.MAINLAND_MULTIPLE_FIRST),
        terms=MAINLAND_TERMS,
        lookup=_l("Single-entry permit no."),
        lookup_kind="single_entry_permit",
        lookup_template="kinds/_lookup_single_entry.html",
        lookup_field="permit_no",
        receiving_unit=HUALIEN_STATION,
        numbering_code=lines.MAINLAND_MULTIPLE_FIRST.group_code,
        student_may_file=False,
        link=MAINLAND_LINK,
        home_url="/",
        line_offering=lines.MAINLAND_MULTIPLE_FIRST,
    )
)

HKMO_ID = FieldSpec(
    "hkmo_id",
    _l("Hong Kong or Macau permanent resident identity card no."),
    required=True,
    validator=_hkmo_id,
    max_length=12,
    key=True,
)
HKMO_PASSPORT = FieldSpec(
    "passport_no",
    _l("Passport or travel document no."),
    required=True,
    validator=_passport,
    max_length=20,
    key=True,
)
HKMO_TERMS = (
    _l(
        "The resident certificate of a Hong Kong or Macau student is applied for within three months of entry, "
        "with the entry and exit permit used to enter."
    ),
)

register(
    Offering(
        lines.HKMO,
        "first",
        "hkmo",
        lines.HKMO_FIRST.title,
        business.KINDS["first"],
        HKMO_IDENTITIES,
        lines.HKMO_FIRST.categories,
        spec_form(
            (
                NAME_ZH,
                NAME_EN,
                GENDER,
                BIRTH,
                HKMO_ID,
                HKMO_PASSPORT,
                FieldSpec("entry_permit_no", _l("Entry and exit permit no."), required=True, max_length=20),
                FieldSpec(
                    "entry_date",
                    _l("Date of entry"),
                    "date",
                    True,
                    _not_future,
                    key=True,
                    note=_hkmo_note,
                    hint=_l("The resident certificate is due within three months of entry."),
                ),
                FieldSpec("department", _l("Department"), required=True, max_length=100),
                FieldSpec("program", _l("Programme"), "choice", True, choices=HKMO_PROGRAMS),
                FieldSpec("addr", _l("Address in Taiwan"), "address", True),
                PHONE,
                EMAIL,
            )
        ),
        _case_documents(lines.HKMO_FIRST),
        _group_documents(lines.HKMO_FIRST),
        photo=_has_photo(lines.HKMO_FIRST),
        terms=HKMO_TERMS,
        numbering_code=lines.HKMO_FIRST.group_code,
        home_url="/",
        line_offering=lines.HKMO_FIRST,
        roster_picker=True,
        category_identities={"HK": HK, "MO": MO},
        roster_fields={"resident_id": "hkmo_id"},
    )
)
register(
    Offering(
        lines.HKMO,
        "extension",
        "hkmo-extension",
        lines.HKMO_EXTENSION.title,
        business.KINDS["extension"],
        HKMO_IDENTITIES,
        lines.HKMO_EXTENSION.categories,
        spec_form(
            (
                FieldSpec(
                    "ui_no",
                    _l("UI no. (resident certificate no.)"),
                    required=True,
                    validator=_ui_no,
                    key=True,
                ),
                FieldSpec(
                    "current_expiry",
                    _l("Expiry date of the resident certificate"),
                    "date",
                    True,
                    _extension_window,
                    key=True,
                    note=_extension_note,
                    hint=_l("An extension can be applied for from 30 days before the certificate expires."),
                ),
                NAME_ZH,
                NAME_EN,
                BIRTH,
                HKMO_ID,
                HKMO_PASSPORT,
                FieldSpec("department", _l("Department"), required=True, max_length=100),
                FieldSpec(
                    "first_online_extension",
                    _l("This is the first extension applied for online (a photo is then needed)"),
                    "checkbox",
                ),
                PHONE,
                EMAIL,
            )
        ),
        _case_documents(lines.HKMO_EXTENSION),
        _group_documents(lines.HKMO_EXTENSION),
        photo=_has_photo(lines.HKMO_EXTENSION),
        numbering_code=lines.HKMO_EXTENSION.group_code,
        home_url="/",
        line_offering=lines.HKMO_EXTENSION,
        category_identities={"HK": HK, "MO": MO},
        roster_fields={"resident_id": "hkmo_id"},
    )
)


def get(line: str, kind: str) -> Offering | None:
    return OFFERINGS.get((line, kind))


def of(app: Mapping[str, Any]) -> Offering:
    """The offering of a stored application (its business line and kind)."""
    found = OFFERINGS.get((app.get("business_line") or "foreign", app.get("kind") or "first"))
    if found is None:
        raise LookupError(f"no offering {app.get('business_line')}/{app.get('kind')}")
    return found


def by_slug(line: str, slug: str) -> Offering | None:
    return next((o for o in OFFERINGS.values() if o.line == line and o.slug == slug), None)


def by_any_slug(slug: str) -> Offering | None:
    """The offering of an older URL's slug (/apply/<slug>/...): slugs are unique across lines."""
    return next((o for o in OFFERINGS.values() if o.slug == slug), None)


def of_line(line: str) -> list[Offering]:
    return [o for o in OFFERINGS.values() if o.line == line]


# The one check ---------------------------------------------------------------------------------------


def _case_data(case: Mapping[str, Any]) -> dict[str, Any]:
    data = case.get("data") or {}
    if isinstance(data, str):
        data = json.loads(data or "{}")
    return data if isinstance(data, dict) else {}


def address_changed(case: Mapping[str, Any], form: Mapping[str, str]) -> bool:
    """換證: whether the address typed differs from the certificate's (the stored answer when not known)."""
    extra = _case_data(case).get("kind") or {}
    original = extra.get("original_address")
    if not isinstance(original, dict):
        return bool(extra.get("address_changed"))
    typed = {p: form.get(f"addr_{p}", "") for p in ADDRESS_PARTS}
    return {k: v for k, v in original.items() if v} != {k: v for k, v in typed.items() if v}


def facts_of(
    offering: Offering,
    app: Mapping[str, Any],
    case: Mapping[str, Any],
    form: Mapping[str, str],
    changes: list[str] | frozenset[str] = frozenset(),
) -> CaseFacts:
    """The facts the offering's rules depend on, for a case as the form now has it."""
    values = {**form, **offering.form.fixed}
    enrollment = values.get("enrollment_status", "")
    return CaseFacts(
        identity=case.get("identity") or next(iter(offering.identities), ""),
        enrollment=enrollment,
        scholarship=bool(values.get("scholarship")) and enrollment == "R",
        self_filed=app.get("student") is not None,
        address_changed=address_changed(case, form),
        changes=frozenset(changes),
        answers={k: str(val) for k, val in values.items()},
    )


def needed_documents(offering: Offering, facts: CaseFacts) -> list[NeededDocument]:
    """The documents one applicant needs, in the form's order (the photo is asked for separately)."""
    seen: dict[str, NeededDocument] = {}
    for d in offering.documents:
        if d.applies(facts):
            prev = seen.get(d.doc)
            seen[d.doc] = NeededDocument(d.doc, d.required or bool(prev and prev.required), d.max_files)
    return list(seen.values())


def form_of_case(offering: Offering, case: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The form's strings (and the ticked changes) of a stored case, as its form shows them."""
    assert offering.form.read is not None, offering.key
    return offering.form.read(case)


def documents_of_case(
    offering: Offering, app: Mapping[str, Any], case: Mapping[str, Any], files: list[Mapping[str, Any]] = ()
) -> list[NeededDocument]:
    """What a read-only view of a stored case lists: its documents, and any other kind that has files."""
    form, changes = form_of_case(offering, case)
    out = needed_documents(offering, facts_of(offering, app, case, form, changes))
    have = {d.doc for d in out}
    for f in files:
        if f.get("case") not in (None, case.get("id")) or f["kind"] in have or f["kind"] == "photo":
            continue
        out.append(NeededDocument(f["kind"], False))
        have.add(f["kind"])
    return out


@dataclass(frozen=True)
class AnswerRow:
    """One line of 確認送件: a field's label and its value in words."""

    name: str
    label: str
    value: str


@dataclass(frozen=True)
class DocumentRow:
    doc: str
    label: str
    required: bool
    files: int


@dataclass(frozen=True)
class ApplicantAnswers:
    """An applicant as 確認送件 shows it: key fields, photo, documents, and what still keeps it from 已完成."""

    case_id: int
    identity: str
    answers: list[AnswerRow]
    photo: bool | None  # None: the offering asks for no photo
    documents: list[DocumentRow]
    problems: dict[str, str]
    other: list[AnswerRow]  # problems of fields 確認送件 does not list: their label and the message


def _value_in_words(spec: FieldSpec, form: Mapping[str, Any]) -> str:
    if spec.type == "address":
        parts = {p: form.get(f"{spec.name}_{p}", "") for p in ADDRESS_PARTS}
        return change_rules.display_value("address", parts)
    if spec.type == "choices":
        labels = spec.choice_map()
        ticked = [str(labels[x]) for x in str(form.get(spec.name) or "").split(",") if x in labels]
        return "、".join(ticked) or "—"
    value = str(form.get(spec.name) or "")
    if spec.choices is not None and value in spec.choice_map():
        return str(spec.choice_map()[value])
    return change_rules.display_value(spec.name, value)


def link_problem(
    offering: Offering, case: Mapping[str, Any], form: Mapping[str, str], group_cases: list[Mapping[str, Any]]
) -> str:
    """A relative's applicant must name a student applicant of the same group (`Offering.link`): the message
    when the named one is not among `group_cases`, else ''."""
    link = offering.link
    if link is None or case.get("identity") not in link.relative_identities or not form.get(link.field):
        return ""
    wanted = v.compact_id(form[link.field])
    for other in group_cases:
        if other.get("id") == case.get("id") or other.get("identity") != link.identity:
            continue
        if v.compact_id(form_of_case(offering, other)[0].get(link.target, "")) == wanted:
            return ""
    return str(link.message)


def answers_of(
    offering: Offering,
    app: Mapping[str, Any],
    case: Mapping[str, Any],
    files: list[Mapping[str, Any]],
    today: date,
    group_cases: list[Mapping[str, Any]] | None = None,
) -> ApplicantAnswers:
    """確認送件 of one applicant: its key fields in words, its photo and documents, and its problems."""
    form, changes = form_of_case(offering, case)
    typed = {**form, "changes": ",".join(changes)}
    facts = facts_of(offering, app, case, form, changes)
    own = [f for f in files if f.get("case") == case.get("id")]
    counts: dict[str, int] = {}
    for f in own:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    answers = [
        AnswerRow(s.name, str(s.label), _value_in_words(s, typed))
        for s in offering.key_fields()
        if s.applies_to({**typed, IDENTITY: str(case.get("identity") or "")})
    ]
    documents = [
        DocumentRow(d.doc, d.label, d.required, counts.get(d.doc, 0))
        for d in needed_documents(offering, facts)
    ]
    problems = check_case(offering, typed, facts, set(counts), today).problems
    if group_cases is not None and offering.link and offering.link.field not in problems:
        if found := link_problem(offering, case, form, group_cases):
            problems = applicant.order_errors({**problems, offering.link.field: found})
    listed = {r.name for r in answers}
    labels = {s.name: str(s.label) for s in offering.form.fields}
    other: list[AnswerRow] = []
    for key, message in problems.items():
        if key in listed or key == "photo" or key.startswith("doc_"):
            continue
        prefix = next(
            (s.name for s in offering.form.fields if s.type == "address" and key.startswith(f"{s.name}_")), ""
        )
        if prefix and any(r.name == prefix for r in other):
            continue
        other.append(AnswerRow(prefix or key, labels.get(prefix or key, key), message))
    return ApplicantAnswers(
        int(case["id"]),
        str(offering.identities.get(case.get("identity") or "", "")),
        answers,
        ("photo" in counts) if offering.photo else None,
        documents,
        problems,
        other,
    )


def needed_group_documents(offering: Offering, *, self_filed: bool = False) -> list[NeededDocument]:
    facts = CaseFacts(self_filed=self_filed)
    return [
        NeededDocument(d.doc, d.required, d.max_files) for d in offering.group_documents if d.applies(facts)
    ]


def missing(needed: list[NeededDocument], present: set[str]) -> list[str]:
    """Required documents without a file yet."""
    return [d.doc for d in needed if d.required and d.doc not in present]


@dataclass(frozen=True)
class CaseCheck:
    """What keeps a case from 已完成: its field errors and its missing documents (and photo)."""

    fields: dict[str, str]
    missing: list[str]  # document kinds, "photo" first when the photo is missing

    @property
    def problems(self) -> dict[str, str]:
        """One dict for a form's error summary: field errors, `photo`, and `doc_<kind>` per document."""
        out = dict(self.fields)
        for doc in self.missing:
            out["photo" if doc == "photo" else f"doc_{doc}"] = str(REQUIRED)
        return applicant.order_errors(out)

    @property
    def complete(self) -> bool:
        return not self.fields and not self.missing


def check_case(
    offering: Offering, form: Mapping[str, str], facts: CaseFacts, present: set[str], today: date
) -> CaseCheck:
    """The one check of a case against its offering: the typed fields, the photo and the documents."""
    errors = offering.form.check(form, facts, today)
    absent = []
    if offering.photo and "photo" not in present:
        absent.append("photo")
    absent += missing(needed_documents(offering, facts), present)
    return CaseCheck(errors, absent)


def check_group(offering: Offering, present: set[str], *, self_filed: bool = False) -> list[str]:
    """The group's own required documents without a file yet."""
    return missing(needed_group_documents(offering, self_filed=self_filed), present)


__all__ = [
    "CASE",
    "GROUP",
    "UPLOAD_RULES_TEXT",
    "CaseCheck",
    "CaseFacts",
    "DocumentSpec",
    "FieldSpec",
    "NeededDocument",
    "Offering",
    "by_slug",
    "check_case",
    "check_group",
    "get",
    "needed_documents",
    "needed_group_documents",
    "of",
    "register",
]


def generated_documents(offering: Offering) -> frozenset[str]:
    """The documents of an offering the system fills in for signature (`lines.DocumentRule.generated`):
    the wizard offers each as a download beside its upload. None for an offering without line rules."""
    if offering.line_offering is None:
        return frozenset()
    return frozenset(d.code for d in offering.line_offering.documents if d.generated)

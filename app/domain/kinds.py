"""The further kinds of 線上申辦 (換證, 延期, 資料異動) as data: each kind's form, fields, documents and fee.

`KINDS` is the one table. A handler or action asks it what a kind needs; nothing branches on a kind
name elsewhere. The documents of a renewal come from `app.domain.documents` (its owner's table has
them); extension and data change keep their rules here, in the same shape (a document, whether it is
required, and the condition under which it is asked for).

- 換證申請 (renewal): a six-month electronic certificate becomes an IC card once the student has
  registered. The applicant is found by 統一(居留)證號 + 查詢, the form comes prefilled from that
  certificate with 就學狀態 fixed to 已註冊.
- 延期申請 (extension): a resident certificate's validity is extended: UI no., current expiry, new expiry.
- 資料異動 (data change): the passport renewed, the address, the department, the English name...
  which fields change, their new values, and the documents that prove each change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain import validators as v
from app.domain.applicant import add_months
from app.domain.documents import DOC_LABELS, case_documents
from app.domain.fees import fee_for
from app.domain.profiles import REQUIRED, check_address, parse_date
from app.i18n import lazy_gettext as _l

# Documents only these kinds ask for (the rest are app.domain.documents' kinds).
KIND_DOC_LABELS = {
    "enrolment_proof": _l("Certificate of enrolment (在學證明)"),
    "resident_card": _l("Current resident certificate (both sides)"),
    "change_proof": _l("Proof of the change (new passport, household or lease contract, school letter)"),
}

FIELD_LABELS = {
    "current_expiry": _l("Current expiry date of the resident certificate"),  # 居留證現有效期限
    "new_expiry": _l("Extend until"),  # 延期至
    "reason": _l("Reason"),  # 申請事由
    "changes": _l("What changes"),  # 異動項目
    "new_passport_no": _l("New passport no."),
    "new_passport_expiry": _l("New passport expiry date"),
    "new_name_en": _l("New English name"),
    "new_department": _l("New department"),
    "new_address": _l("New address in Taiwan"),
    "other_change": _l("Other change"),
    "permit_no": _l("Electronic certificate no."),
    "address_changed": _l("The address has changed"),
}

# 資料異動: the items that can change, the fields each one asks for, and its proof.
CHANGE_ITEMS = {
    "passport": (_l("Passport renewed"), ("new_passport_no", "new_passport_expiry")),  # 換發護照
    "name": (_l("English name"), ("new_name_en",)),  # 英文姓名
    "address": (_l("Address in Taiwan"), ("new_address",)),  # 在臺地址
    "department": (_l("Department"), ("new_department",)),  # 就讀系所
    "other": (_l("Other"), ("other_change",)),  # 其他
}
MAX_EXTENSION_YEARS = 3
TEXT_LIMIT = 200


@dataclass(frozen=True)
class KindDocument:
    doc: str
    required: bool
    when_change: str | None = None  # data change: asked for only when this item changes

    @property
    def label(self) -> str:
        return label_of_doc(self.doc)


@dataclass(frozen=True)
class Kind:
    code: str
    slug: str  # in the URL: /apply/<slug>
    title: Any  # the menu's and the pages' title
    route: str  # the route name of its drafts list
    form: str  # "applicant": the applicant form (renewal), "kind": the kind's own fields
    lookup: bool  # 新增申請人 asks *統一(居留)證號 + 查詢 first
    fields: tuple[str, ...] = ()
    documents: tuple[KindDocument, ...] = field(default_factory=tuple)
    photo: bool = True

    @property
    def fee(self) -> int:
        return fee_for("foreign", self.code).per_person


KINDS: dict[str, Kind] = {
    "renewal": Kind(
        "renewal",
        "renewal",
        _l("Renewal of a resident certificate (foreign and overseas Chinese students)"),
        "apply:renewal-drafts",
        form="applicant",
        lookup=True,
    ),
    "extension": Kind(
        "extension",
        "extension",
        _l("Extension of a resident certificate (foreign and overseas Chinese students)"),
        "apply:extension-drafts",
        form="kind",
        lookup=False,
        fields=(
            "ui_no",
            "name_en",
            "passport_no",
            "birth_date",
            "current_expiry",
            "new_expiry",
            "reason",
            "phone",
            "email",
        ),
        documents=(
            KindDocument("passport", True),
            KindDocument("resident_card", True),
            KindDocument("enrolment_proof", True),
            KindDocument("other", False),
        ),
        photo=False,
    ),
    "data_change": Kind(
        "data_change",
        "data-change",
        _l("Data change of a resident certificate (foreign and overseas Chinese students)"),
        "apply:data-change-drafts",
        form="kind",
        lookup=False,
        fields=("ui_no", "name_en", "passport_no", "birth_date", "changes", "phone", "email"),
        documents=(
            KindDocument("resident_card", True),
            KindDocument("change_proof", True, when_change="passport"),
            KindDocument("change_proof", True, when_change="name"),
            KindDocument("accommodation", True, when_change="address"),
            KindDocument("enrolment_proof", True, when_change="department"),
            KindDocument("change_proof", True, when_change="other"),
            KindDocument("other", False),
        ),
        photo=False,
    ),
}
BY_SLUG = {k.slug: k for k in KINDS.values()}


def get_kind(code: str) -> Kind | None:
    return KINDS.get(code)


def label_of_doc(doc: str) -> str:
    if doc in KIND_DOC_LABELS:
        return str(KIND_DOC_LABELS[doc])
    return str(DOC_LABELS.get(doc, doc))


def doc_labels() -> dict[str, str]:
    return {k: str(val) for k, val in KIND_DOC_LABELS.items()}


@dataclass(frozen=True)
class NeededDocument:
    doc: str
    required: bool

    @property
    def label(self) -> str:
        return label_of_doc(self.doc)


def documents(
    kind: str,
    *,
    identity: str = "foreign",
    scholarship: bool = False,
    address_changed: bool = False,
    changes: frozenset[str] = frozenset(),
) -> list[NeededDocument]:
    """The documents one applicant of this kind needs, in display order."""
    k = KINDS.get(kind)
    if k is None or k.form == "applicant":
        found = case_documents(
            kind=kind,
            identity=identity,
            enrollment="R",
            scholarship=scholarship,
            address_changed=address_changed,
        )
        out = [NeededDocument(d.doc, d.required) for d in found]
        if kind == "renewal" and scholarship and "scholarship" not in {d.doc for d in out}:
            # 獎學金證明 for a scholarship student (the seed's renewal form lists it).
            out.insert(min(2, len(out)), NeededDocument("scholarship", True))
        return out
    seen: dict[str, NeededDocument] = {}
    for d in k.documents:
        if d.when_change is not None and d.when_change not in changes:
            continue
        prev = seen.get(d.doc)
        seen[d.doc] = NeededDocument(d.doc, d.required or bool(prev and prev.required))
    return list(seen.values())


def missing(needed: list[NeededDocument], present: set[str]) -> list[str]:
    return [d.doc for d in needed if d.required and d.doc not in present]


def documents_for_view(
    kind: str, first_documents: list[Any], files: list[dict[str, Any]], case: dict[str, Any] | None = None
) -> list[NeededDocument]:
    """What the read-only applicant view lists: the kind's documents, and any other kind that has files."""
    k = KINDS.get(kind)
    if k is None:
        out = [NeededDocument(d.doc, d.required) for d in first_documents]
    else:
        _form, changes = form_from_case(case or {})
        extra = ((case or {}).get("data") or {}).get("kind") or {}
        out = documents(
            kind,
            identity=(case or {}).get("identity") or "foreign",
            scholarship=bool((case or {}).get("scholarship")),
            address_changed=bool(extra.get("address_changed")),
            changes=frozenset(changes),
        )
    have = {d.doc for d in out}
    for f in files:
        if f["kind"] not in have and f["kind"] != "photo":
            out.append(NeededDocument(f["kind"], False))
            have.add(f["kind"])
    return out


def view_fields(kind: str, case: dict[str, Any]) -> list[tuple[str, str]]:
    """The kind's own fields of a case, as (label, value) for the read-only view."""
    from app.domain.supplement import display_value

    k = KINDS.get(kind)
    data = case.get("data") or {}
    extra = data.get("kind") if isinstance(data, dict) else None
    if k is None or not isinstance(extra, dict):
        return []
    out = []
    for key, value in extra.items():
        if key not in FIELD_LABELS:
            continue
        if key == "changes":
            value = "、".join(str(CHANGE_ITEMS[c][0]) for c in value if c in CHANGE_ITEMS)
        elif key == "new_address":
            from app.domain.addresses import format_address

            value = format_address(value) if isinstance(value, dict) and any(value.values()) else ""
        elif key == "address_changed":
            value = display_value("scholarship", value)
        if value in ("", None, []):
            continue
        out.append((str(FIELD_LABELS.get(key, key)), str(value)))
    return out


# The kind's own form (extension, data change) -----------------------------------------------------

KIND_FORM_KEYS = (
    "ui_no",
    "name_en",
    "passport_no",
    "birth_date",
    "current_expiry",
    "new_expiry",
    "reason",
    "phone",
    "email",
    "new_passport_no",
    "new_passport_expiry",
    "new_name_en",
    "new_department",
    "other_change",
)


def normalise(form: dict[str, str]) -> dict[str, str]:
    out = {k: (form.get(k) or "").strip() for k in KIND_FORM_KEYS}
    for key in ("ui_no", "passport_no", "new_passport_no"):
        out[key] = v.clean_id(out[key]).replace(" ", "")
    for key in ("name_en", "new_name_en"):
        out[key] = " ".join(out[key].split()).upper()
    for part in ("county", "district", "village", "neighborhood", "street", "lane", "alley", "number"):
        out[f"new_addr_{part}"] = (form.get(f"new_addr_{part}") or "").strip()
    return out


def check_kind_form(kind: str, form: dict[str, str], changes: list[str], today: date) -> dict[str, str]:
    """Problems of an extension or data change applicant's fields ({} when they are all right)."""
    from app.domain.applicant import _NAME_EN

    k = KINDS[kind]
    errors: dict[str, object] = {}
    get = lambda key: form.get(key, "")  # noqa: E731
    for key in ("ui_no", "name_en", "passport_no", "birth_date"):
        if not get(key):
            errors[key] = REQUIRED
    if get("ui_no") and not v.is_ui_no(get("ui_no")):
        errors["ui_no"] = _l(
            "This UI number is not valid (check its letters and its last digit), e.g. A800000014."
        )
    if get("name_en") and not _NAME_EN.match(get("name_en")):
        errors["name_en"] = _l("Write the English name as in the passport: letters, spaces, hyphens.")
    if get("passport_no") and not v.is_passport_no(get("passport_no")):
        errors["passport_no"] = _l("A passport number is 5 to 20 letters and digits.")
    born = parse_date(get("birth_date"))
    if get("birth_date") and (born is None or born >= today or born.year < 1900):
        errors["birth_date"] = _l("The date of birth must be a real date in the past.")
    if get("phone") and not v.is_phone(get("phone")):
        errors["phone"] = _l("Write a phone number in Taiwan such as 0912345678 or 0223456789.")
    if get("email") and not v.is_email(get("email")):
        errors["email"] = _l("Write an email address such as name@example.com.")
    if "current_expiry" in k.fields:
        current = parse_date(get("current_expiry"))
        new = parse_date(get("new_expiry"))
        for key, value in (("current_expiry", current), ("new_expiry", new)):
            if not get(key):
                errors[key] = REQUIRED
            elif value is None:
                errors[key] = _l("Write a real date as YYYY/MM/DD.")
        if current is not None and current < today:
            errors["current_expiry"] = _l(
                "This resident certificate has expired; an expired certificate cannot be "
                "extended online. Please apply at a service station."
            )
        if current is not None and new is not None:
            if new <= current:
                errors["new_expiry"] = _l("The new expiry date must be after the current one.")
            elif new > add_months(current, 12 * MAX_EXTENSION_YEARS):
                errors["new_expiry"] = _l("An extension is for at most %(n)d years.", n=MAX_EXTENSION_YEARS)
    if "changes" in k.fields:
        wanted = [c for c in changes if c in CHANGE_ITEMS]
        if not wanted:
            errors["changes"] = _l("Tick at least one item that changes.")
        if "passport" in wanted:
            if not get("new_passport_no"):
                errors["new_passport_no"] = REQUIRED
            elif not v.is_passport_no(get("new_passport_no")):
                errors["new_passport_no"] = _l("A passport number is 5 to 20 letters and digits.")
            expiry = parse_date(get("new_passport_expiry"))
            if not get("new_passport_expiry"):
                errors["new_passport_expiry"] = REQUIRED
            elif expiry is None:
                errors["new_passport_expiry"] = _l("Write a real date as YYYY/MM/DD.")
            elif expiry < today:
                errors["new_passport_expiry"] = _l("This passport has expired. Renew it before applying.")
        if "name" in wanted:
            if not get("new_name_en"):
                errors["new_name_en"] = REQUIRED
            elif not _NAME_EN.match(get("new_name_en")):
                errors["new_name_en"] = _l(
                    "Write the English name as in the passport: letters, spaces, hyphens."
                )
        if "department" in wanted and not get("new_department"):
            errors["new_department"] = REQUIRED
        if "other" in wanted and not get("other_change"):
            errors["other_change"] = REQUIRED
    for key in ("reason", "new_department", "other_change"):
        if len(get(key)) > TEXT_LIMIT:
            errors[key] = _l("Too long (at most %(n)d characters).", n=TEXT_LIMIT)
    out = {key: str(m) for key, m in errors.items()}
    if "changes" in k.fields and "address" in changes:
        out.update(check_address(form, "new_addr"))
    return out


def kind_values(kind: str, form: dict[str, str], changes: list[str]) -> dict[str, Any]:
    """What an extension or data change keeps in `Case.data["kind"]` (the columns take the rest)."""
    k = KINDS[kind]
    out: dict[str, Any] = {}
    if "current_expiry" in k.fields:
        out.update(
            {
                "current_expiry": form.get("current_expiry", ""),
                "new_expiry": form.get("new_expiry", ""),
                "reason": form.get("reason", ""),
            }
        )
    if "changes" in k.fields:
        wanted = [c for c in CHANGE_ITEMS if c in changes]
        out["changes"] = wanted
        for c in wanted:
            for key in CHANGE_ITEMS[c][1]:
                if key == "new_address":
                    out[key] = {
                        p: form.get(f"new_addr_{p}", "")
                        for p in (
                            "county",
                            "district",
                            "village",
                            "neighborhood",
                            "street",
                            "lane",
                            "alley",
                            "number",
                        )
                    }
                else:
                    out[key] = form.get(key, "")
    return out


def form_from_case(case: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The kind's form (strings) and ticked changes of a stored case."""
    data = case.get("data") or {}
    extra = data.get("kind", {}) if isinstance(data, dict) else {}
    raw = data.get("raw_kind", {}) if isinstance(data, dict) else {}
    form = {
        "ui_no": case.get("ui_no") or "",
        "name_en": case.get("name_en") or "",
        "passport_no": case.get("passport_no") or "",
        "phone": case.get("phone") or "",
        "email": case.get("email") or "",
        "birth_date": case["birth_date"].strftime("%Y/%m/%d") if case.get("birth_date") else "",
    }
    for key, value in extra.items():
        if key == "new_address" and isinstance(value, dict):
            form.update({f"new_addr_{p}": str(val) for p, val in value.items()})
        elif key != "changes":
            form[key] = str(value)
    form.update({k2: str(v2) for k2, v2 in raw.items()})
    return form, list(extra.get("changes", []))

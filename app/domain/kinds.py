"""The further kinds of 線上申辦 (換證, 延期, 資料異動): their own forms as field specs, and their pages' data.

The offerings (`app.domain.offerings`) hold what each kind needs (documents, fee, lookup); this module
holds the extension's and the data change's own fields (`EXTENSION_FORM`, `DATA_CHANGE_FORM`), their
labels, and how their values are kept in `Case.data["kind"]`. `KINDS` gives the pages their slug,
title and route.

- 換證申請 (renewal): a six-month electronic certificate becomes an IC card once the student has
  registered. The applicant is found by 統一(居留)證號 + 查詢, the form comes prefilled from that
  certificate with 就學狀態 fixed to 已註冊.
- 延期申請 (extension): a resident certificate's validity is extended: UI no., current expiry, new expiry.
- 資料異動 (data change): the passport renewed, the address, the department, the English name...
  which fields change, their new values, and the documents that prove each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain import applicant
from app.domain import validators as v
from app.domain.applicant import FIELD_LABELS as FIELD_LABELS_ID
from app.domain.applicant import add_months
from app.domain.fees import fee_for
from app.domain.fields import CaseFacts, FieldSpec, Form, FormSpec
from app.domain.profiles import parse_date
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
class Kind:
    code: str
    slug: str  # in the URL: /apply/<slug>
    title: Any  # the menu's and the pages' title
    route: str  # the route name of its drafts list
    form: str  # "applicant": the applicant form (renewal), "kind": the kind's own fields
    lookup: bool  # 新增申請人 asks *統一(居留)證號 + 查詢 first
    fields: tuple[str, ...] = ()
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
        photo=False,
    ),
}
BY_SLUG = {k.slug: k for k in KINDS.values()}


def get_kind(code: str) -> Kind | None:
    return KINDS.get(code)


def doc_labels() -> dict[str, str]:
    return {k: str(val) for k, val in KIND_DOC_LABELS.items()}


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


def _kind_birth_date(value: str, form: Form, today: date) -> object | None:
    born = parse_date(value)
    if born is None or born >= today or born.year < 1900:
        return _l("The date of birth must be a real date in the past.")
    return None


def _current_expiry(value: str, form: Form, today: date) -> object | None:
    current = parse_date(value)
    if current is not None and current < today:
        return _l(
            "This resident certificate has expired; an expired certificate cannot be "
            "extended online. Please apply at a service station."
        )
    return None


def _new_expiry(value: str, form: Form, today: date) -> object | None:
    current, new = parse_date(form.get("current_expiry", "")), parse_date(value)
    if current is None or new is None:
        return None
    if new <= current:
        return _l("The new expiry date must be after the current one.")
    if new > add_months(current, 12 * MAX_EXTENSION_YEARS):
        return _l("An extension is for at most %(n)d years.", n=MAX_EXTENSION_YEARS)
    return None


def _new_passport_expiry(value: str, form: Form, today: date) -> object | None:
    expiry = parse_date(value)
    if expiry is not None and expiry < today:
        return _l("This passport has expired. Renew it before applying.")
    return None


def _when_changed(item: str):
    return lambda form, facts: item in facts.changes


# The identification every extension and data change starts with (the certificate it is about).
_ID_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("ui_no", FIELD_LABELS_ID["ui_no"], required=True, validator=applicant._ui_no, key=True),
    FieldSpec("name_en", FIELD_LABELS_ID["name_en"], required=True, validator=applicant._name_en, key=True),
    FieldSpec(
        "passport_no",
        FIELD_LABELS_ID["passport_no"],
        required=True,
        validator=applicant._passport_no,
        key=True,
    ),
    FieldSpec(
        "birth_date", FIELD_LABELS_ID["birth_date"], required=True, validator=_kind_birth_date, key=True
    ),
)
_CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("phone", FIELD_LABELS_ID["phone"], validator=applicant._phone),
    FieldSpec("email", FIELD_LABELS_ID["email"], validator=applicant._email),
)
EXTENSION_FORM = FormSpec(
    "kind",
    _ID_FIELDS
    + (
        FieldSpec("current_expiry", FIELD_LABELS["current_expiry"], "date", True, _current_expiry, key=True),
        FieldSpec("new_expiry", FIELD_LABELS["new_expiry"], "date", True, _new_expiry, key=True),
        FieldSpec("reason", FIELD_LABELS["reason"], max_length=TEXT_LIMIT, key=True),
    )
    + _CONTACT_FIELDS,
)
DATA_CHANGE_FORM = FormSpec(
    "kind",
    _ID_FIELDS
    + (
        FieldSpec(
            "changes",
            FIELD_LABELS["changes"],
            "choices",
            True,
            choices={k: label for k, (label, _keys) in CHANGE_ITEMS.items()},
            required_message=_l("Tick at least one item that changes."),
            key=True,
        ),
        FieldSpec(
            "new_passport_no",
            FIELD_LABELS["new_passport_no"],
            required=_when_changed("passport"),
            validator=applicant._passport_no,
            key=True,
        ),
        FieldSpec(
            "new_passport_expiry",
            FIELD_LABELS["new_passport_expiry"],
            "date",
            _when_changed("passport"),
            _new_passport_expiry,
        ),
        FieldSpec(
            "new_name_en",
            FIELD_LABELS["new_name_en"],
            required=_when_changed("name"),
            validator=applicant._name_en,
            key=True,
        ),
        FieldSpec(
            "new_department",
            FIELD_LABELS["new_department"],
            required=_when_changed("department"),
            max_length=TEXT_LIMIT,
            key=True,
        ),
        FieldSpec("new_addr", FIELD_LABELS["new_address"], "address", _when_changed("address"), key=True),
        FieldSpec(
            "other_change",
            FIELD_LABELS["other_change"],
            required=_when_changed("other"),
            max_length=TEXT_LIMIT,
            key=True,
        ),
    )
    + _CONTACT_FIELDS,
)
KIND_FORMS = {"extension": EXTENSION_FORM, "data_change": DATA_CHANGE_FORM}


def check_kind_form(kind: str, form: dict[str, str], changes: list[str], today: date) -> dict[str, str]:
    """Problems of an extension or data change applicant's fields ({} when they are all right)."""
    wanted = frozenset(c for c in changes if c in CHANGE_ITEMS)
    return KIND_FORMS[kind].check(
        {**form, "changes": ",".join(sorted(wanted))}, CaseFacts(changes=wanted), today
    )


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

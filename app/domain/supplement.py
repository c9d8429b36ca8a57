"""What a supplement (補正) changed: the snapshot of fields and files, the difference, and how a change reads.

A round keeps the fields and files as they were when the applicant began; when it is sent back the
difference is stored as `{"fields": [[key, before, after], ...], "added": [file, ...], "removed":
[file, ...]}` (a file is `{"kind", "name"}`), so the reviewer sees exactly what moved.
"""

from __future__ import annotations

from typing import Any

from app.domain import applicant as applicant_rules
from app.domain.addresses import ADDRESS_PARTS
from app.i18n import lazy_gettext as _l

# The group's own fields (送件人, 申請資料) that a group supplement may change.
GROUP_FIELD_LABELS = {
    "submitter_name": _l("Name of the person applying on the students' behalf"),  # 代申請人姓名
    "submitter_national_id": _l("National ID no."),  # 身分證號
    "submitter_phone": _l("Telephone"),  # 電話
    "submitter_email": _l("Email of the person applying"),  # 代申請人Email
    "submitter_addr": _l("Address"),  # 地址
    "name": _l("Application name"),  # 申請名稱
    "station_code": _l("Where the card is collected"),  # 領證地點
}
ADDRESS_LABEL = _l("Address in Taiwan")
EXTRA_LABELS = {
    "scholarship": _l("Scholarship student"),
    "no_chinese_name": _l("No Chinese name"),
    "address": ADDRESS_LABEL,
}


def label_of(key: str) -> str:
    """The label of a changed field, in the current language (unknown keys read as themselves)."""
    from app.domain import kinds

    for table in (GROUP_FIELD_LABELS, applicant_rules.FIELD_LABELS, EXTRA_LABELS, kinds.FIELD_LABELS):
        if key in table:
            return str(table[key])
    return key


def display_value(key: str, value: Any) -> str:
    """A stored value as words: codes of choice lists become their labels, ticks become yes/no."""
    from app.domain.addresses import format_address
    from app.domain.stations import get_station
    from app.i18n import country_name
    from app.i18n import gettext as _

    if value in (None, ""):
        return "—"
    if isinstance(value, dict):
        return format_address(value) if any(value.get(p) for p in ADDRESS_PARTS) else "—"
    choices = {
        "enrollment_status": applicant_rules.ENROLLMENT,
        "gender": applicant_rules.GENDERS,
        "marital_status": applicant_rules.MARITAL,
        "education": applicant_rules.EDUCATION,
        "program": applicant_rules.PROGRAMS,
    }
    if key in choices:
        return str(choices[key].get(str(value), value))
    if key in ("birthplace", "nationality"):
        return country_name(str(value))
    if key in ("scholarship", "no_chinese_name"):
        return _("Yes") if value in (True, "1", "true", "on") else _("No")
    if key == "station_code":
        found = get_station(str(value))
        return found.name if found else str(value)
    return str(value)


def case_fields(form: dict[str, str]) -> dict[str, Any]:
    """The snapshot of an applicant form (the strings it shows), the address kept as one value."""
    out: dict[str, Any] = {
        k: form.get(k, "") for k in applicant_rules.form_keys() if not k.startswith("addr_")
    }
    out["address"] = {p: form.get(f"addr_{p}", "") for p in ADDRESS_PARTS}
    return out


def field_diff(before: dict[str, Any], after: dict[str, Any]) -> list[list[Any]]:
    """[[key, before, after]] of every field whose value differs (empty and missing count as the same)."""
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        b, a = before.get(key), after.get(key)
        if isinstance(b, dict) or isinstance(a, dict):
            if {k: v for k, v in (b or {}).items() if v} != {k: v for k, v in (a or {}).items() if v}:
                out.append([key, b or {}, a or {}])
        elif (b or "") != (a or ""):
            out.append([key, b or "", a or ""])
    return out


def file_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(added, removed) files by their id."""
    before_ids = {f["id"] for f in before}
    after_ids = {f["id"] for f in after}
    added = [
        {"kind": f["kind"], "name": f["name"], "id": f["id"]} for f in after if f["id"] not in before_ids
    ]
    removed = [{"kind": f["kind"], "name": f["name"]} for f in before if f["id"] not in after_ids]
    return added, removed


def summarise(fields: list[list[Any]], added: list[dict], removed: list[dict]) -> dict[str, Any]:
    return {"fields": fields, "added": added, "removed": removed}


def is_empty(changes: dict[str, Any]) -> bool:
    return not (changes.get("fields") or changes.get("added") or changes.get("removed"))

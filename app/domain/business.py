"""Business lines (業務) and application kinds (申辦項目) as data."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class BusinessLine:
    code: str
    group_code: str  # the 3-digit business code of the group number (團號)
    title: object
    offered: bool


# The dashboard's tabs, in the seed's order. Lines not yet offered online are not shown.
BUSINESS_LINES = (
    BusinessLine("mainland_single", "116", _l("Mainland students: single-entry permit"), False),
    BusinessLine("mainland_multiple", "116", _l("Mainland students: multiple-entry permit"), False),
    BusinessLine("hkmo", "108", _l("Hong Kong and Macau students: resident certificate"), False),
    BusinessLine("foreign", "102", _l("Foreign and overseas Chinese students: resident certificate"), True),
)

KINDS = {
    "first": _l("First application"),  # 首次申請
    "renewal": _l("Renewal"),  # 換證
    "extension": _l("Extension of stay"),  # 延期 (not "Extension", a phone extension: 分機)
    "data_change": _l("Data change"),  # 資料異動
}


def offered_lines() -> tuple[BusinessLine, ...]:
    return tuple(b for b in BUSINESS_LINES if b.offered)


def get_line(code: str) -> BusinessLine | None:
    return next((b for b in BUSINESS_LINES if b.code == code), None)

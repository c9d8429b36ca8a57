"""Checks of the master data supervisors keep in the back office (issue 15, item 8), as elsewhere in the app:
the unified business number's check digit, roles and holiday kinds from their lists, known service stations.

Each check takes the fields being written (a new row's or a change's) and answers {field: message}; the
messages carry both languages because piccolo-admin's schema is not per user."""

from __future__ import annotations

import re
from typing import Any

from app.domain import validators, workflow
from app.domain.stations import get_station

DESK_ROLES = tuple(
    r.value for r in (workflow.Role.FIRST_REVIEWER, workflow.Role.SECOND_REVIEWER, workflow.Role.SUPERVISOR)
)
HOLIDAY_KINDS = ("holiday", "workday")
REASON_KINDS = ("return", "refuse")


def _has(values: dict[str, Any], key: str) -> bool:
    return key in values


def check_school(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _has(values, "business_no") and not validators.is_business_no(str(values["business_no"] or "")):
        errors["business_no"] = (
            "統一編號須為 8 位數字且檢查碼正確。 The unified business no. is 8 digits with a valid check digit."
        )
    if _has(values, "name") and not str(values["name"] or "").strip():
        errors["name"] = "請填寫學校名稱。 Enter the school's name."
    if _has(values, "email") and values["email"] and not validators.is_email(str(values["email"])):
        errors["email"] = "電子郵件格式不正確。 The e-mail address is not valid."
    if _has(values, "phone") and values["phone"] and not validators.is_phone(str(values["phone"])):
        errors["phone"] = "電話號碼格式不正確。 The phone number is not valid."
    return errors


def check_account(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _has(values, "email") and values["email"] and not validators.is_email(str(values["email"])):
        errors["email"] = "電子郵件格式不正確。 The e-mail address is not valid."
    if (
        _has(values, "national_id")
        and values["national_id"]
        and not validators.is_national_id(str(values["national_id"]))
    ):
        errors["national_id"] = "身分證號格式或檢查碼不正確。 The national ID is not valid."
    return errors


def check_reviewer_profile(values: dict[str, Any]) -> dict[str, str]:
    if _has(values, "role") and values["role"] not in DESK_ROLES:
        return {
            "role": "角色須為初審、複審或主管。 The role must be first reviewer, second reviewer or supervisor."
        }
    return {}


def check_holiday(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _has(values, "kind") and values["kind"] not in HOLIDAY_KINDS:
        errors["kind"] = (
            "日別須為放假日（holiday）或補行上班日（workday）。 The kind must be holiday or workday."
        )
    if _has(values, "day") and not values["day"]:
        errors["day"] = "請填寫日期。 Enter the day."
    return errors


def check_reviewer_station(values: dict[str, Any]) -> dict[str, str]:
    if _has(values, "station_code") and get_station(str(values["station_code"] or "")) is None:
        return {"station_code": "請選擇清單中的服務站。 Choose a service station from the list."}
    return {}


def check_canned_reason(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _has(values, "kind") and values["kind"] not in REASON_KINDS:
        errors["kind"] = "用途須為退回補正（return）或不受理/不核准（refuse）。 Use return or refuse."
    if _has(values, "text_zh") and not str(values["text_zh"] or "").strip():
        errors["text_zh"] = "請填寫中文理由。 Enter the reason in Chinese."
    if _has(values, "text_zh") and len(str(values["text_zh"] or "")) > 500:
        errors["text_zh"] = "理由最多 500 字。 At most 500 characters."
    if _has(values, "text_en") and len(str(values["text_en"] or "")) > 500:
        errors["text_en"] = "理由最多 500 字。 At most 500 characters."
    return errors


STATION_CODE = re.compile(r"^S\d{2}$")


def check_service_station(values: dict[str, Any]) -> dict[str, str]:
    """A service station: its code names its receiving office (S01 .. S99 -> 6901 .. 6999), names in both
    languages within the columns' lengths, the English one in Latin letters."""
    errors: dict[str, str] = {}
    if _has(values, "code") and not STATION_CODE.match(str(values["code"] or "")):
        errors["code"] = "代碼須為 S 加兩位數字（例如 S26）。 The code is S and two digits, such as S26."
    if _has(values, "name_zh"):
        name = str(values["name_zh"] or "").strip()
        if not name:
            errors["name_zh"] = "請填寫中文名稱。 Enter the Chinese name."
        elif len(name) > 100:
            errors["name_zh"] = "中文名稱最多 100 字。 At most 100 characters."
    if _has(values, "name_en"):
        name = str(values["name_en"] or "").strip()
        if len(name) > 150:
            errors["name_en"] = "英文名稱最多 150 字。 At most 150 characters."
        elif name and not name.isascii():
            errors["name_en"] = "英文名稱請以英文字母書寫。 Write the English name in Latin letters."
    if _has(values, "sort"):
        try:
            int(values["sort"] if values["sort"] not in (None, "") else 0)
        except (TypeError, ValueError):
            errors["sort"] = "順序須為整數。 The order is a whole number."
    return errors


CHECKS = {
    "school": check_school,
    "account": check_account,
    "reviewer_profile": check_reviewer_profile,
    "holiday": check_holiday,
    "reviewer_station": check_reviewer_station,
    "canned_reason": check_canned_reason,
    "service_station": check_service_station,
}
# Unique values the database would refuse with a raw error: checked first, with a message.
UNIQUE = {
    "school": ("business_no",),
    "holiday": ("day",),
    "account": ("login_id",),
    "service_station": ("code",),
}


def problems(table: str, values: dict[str, Any]) -> dict[str, str]:
    check = CHECKS.get(table)
    return check(values) if check else {}

"""Checks of the account and school profile forms (基本資料維護, 建立帳號).

Each function takes the submitted strings and returns {field: message}; empty means valid.
"""

from __future__ import annotations

from datetime import date

from app.domain import validators as v
from app.domain.addresses import ADDRESS_PARTS, REQUIRED_PARTS, find_district, is_county
from app.i18n import lazy_gettext as _l

REQUIRED = _l("Required")  # 必須填寫


def parse_date(value: str | None) -> date | None:
    """YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD; None when empty or impossible."""
    s = (value or "").strip().replace("/", "-")
    if not s:
        return None
    try:
        if len(s) == 8 and s.isdigit():
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        y, m, d = s.split("-")
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


# A missing part of an address says which part it is (four bare 「必須填寫」 above an address name nothing).
MISSING_PART = {
    "county": _l("Choose the county or city."),
    "district": _l("Choose the district (鄉鎮市區)."),
    "street": _l("Write the street, road or section."),
    "number": _l("Write the house number (and floor)."),
}
PART_NAMES = {
    "county": _l("County or city"),
    "district": _l("District"),
    "village": _l("Village/Li (村/里)"),
    "neighborhood": _l("Neighbourhood (鄰)"),
    "street": _l("Street/Road/Section (街/路段)"),
    "lane": _l("Lane (巷)"),
    "alley": _l("Alley (弄)"),
    "number": _l("No., floor, room (門牌號樓室)"),
}


def check_address(data: dict[str, str], prefix: str, *, required: bool = True) -> dict[str, str]:
    """{"<prefix>_<part>": message}, in the order of the parts on the form; every message names its part."""
    errors: dict[str, object] = {}
    get = lambda part: (data.get(f"{prefix}_{part}") or "").strip()  # noqa: E731
    if required:
        for part in REQUIRED_PARTS:
            if not get(part):
                errors[f"{prefix}_{part}"] = MISSING_PART[part]
    county, district = get("county"), get("district")
    if county and not is_county(county):
        errors[f"{prefix}_county"] = _l("Choose a county or city from the list.")
    elif county and district and find_district(county, district) is None:
        errors[f"{prefix}_district"] = _l("Choose a district of the chosen county or city.")
    nb = get("neighborhood")
    if nb and not nb.isdigit():
        errors[f"{prefix}_neighborhood"] = _l("Write the neighbourhood (鄰) as a number.")
    for part in ADDRESS_PARTS:
        if len(get(part)) > 50:
            errors[f"{prefix}_{part}"] = _l("%(part)s: at most 50 characters.", part=PART_NAMES[part])
    order = [f"{prefix}_{part}" for part in ADDRESS_PARTS]
    return {k: str(errors[k]) for k in order if k in errors}


# The fields of the account forms in the order the pages show them (機關組織 first, then the person), so the
# error summary reads like the page.
FORM_ORDER = (
    ("school_head", "school_unit", "school_phone", "school_fax")
    + tuple(f"school_addr_{part}" for part in ADDRESS_PARTS)
    + ("school_email", "name", "national_id", "birthday", "unit", "password", "confirm_password")
    + ("phone", "phone_ext", "mobile")
    + tuple(f"addr_{part}" for part in ADDRESS_PARTS)
    + ("email",)
)


def in_form_order(errors: dict[str, str]) -> dict[str, str]:
    """The errors of an account form in the page's order (unknown fields last, as they came)."""
    rank = {key: i for i, key in enumerate(FORM_ORDER)}
    return dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(rank))))


def check_contact_phones(data: dict[str, str]) -> dict[str, str]:
    """聯絡市內電話 (+ 分機) or 聯絡手機: at least one, each of the right shape."""
    errors: dict[str, object] = {}
    phone, ext, mobile = (data.get(k, "").strip() for k in ("phone", "phone_ext", "mobile"))
    if not phone and not mobile:
        msg = _l("Give a landline or a mobile number (at least one).")
        errors["phone"] = msg
        errors["mobile"] = msg
    if phone and not v.is_landline(phone):
        errors["phone"] = _l("Write a landline number such as 0287654321.")
    if ext and not v.is_extension(ext):
        errors["phone_ext"] = _l("An extension is digits only.")
    if ext and not phone:
        errors["phone_ext"] = _l("An extension needs a landline number.")
    if mobile and not v.is_mobile(mobile):
        errors["mobile"] = _l("Write a mobile number such as 0912345678.")
    return {k: str(m) for k, m in errors.items()}


def check_account_profile(data: dict[str, str], *, sub_account: bool) -> dict[str, str]:
    """承辦人 (main account) or a sub-account's own data."""
    errors: dict[str, object] = {}
    if not data.get("name"):
        errors["name"] = REQUIRED
    elif len(data["name"]) > 100:
        errors["name"] = _l("Too long.")
    nid = data.get("national_id", "")
    if sub_account and not nid:
        errors["national_id"] = REQUIRED
    elif nid and not v.is_national_id(nid):
        errors["national_id"] = _l(
            "This national ID number is not valid (check its letters and its last digit)."
        )
    if sub_account:
        if not data.get("birthday"):
            errors["birthday"] = REQUIRED
        else:
            born = parse_date(data["birthday"])
            if born is None:
                errors["birthday"] = _l("Write a real date as YYYY/MM/DD.")
            elif born >= date.today() or born.year < 1900:
                errors["birthday"] = _l("The birthday must be a date in the past.")
        if not data.get("unit"):
            errors["unit"] = REQUIRED
    if not data.get("email"):
        errors["email"] = REQUIRED
    elif not v.is_email(data["email"]):
        errors["email"] = _l("Write an email address such as name@example.edu.tw.")
    out = {k: str(m) for k, m in errors.items()}
    out.update(check_contact_phones(data))
    if sub_account:
        out.update(check_address(data, "addr"))
    return in_form_order(out)


def check_school_profile(data: dict[str, str]) -> dict[str, str]:
    """機關組織: 負責人, 承辦單位, 電話號碼, 傳真號碼, *地址, 電子郵件."""
    errors: dict[str, object] = {}
    for key in ("school_phone", "school_fax"):
        if data.get(key) and not v.is_landline(data[key]):
            errors[key] = _l("Write a landline number such as 0287654321.")
    if data.get("school_email") and not v.is_email(data["school_email"]):
        errors["school_email"] = _l("Write an email address such as name@example.edu.tw.")
    for key in ("school_head", "school_unit"):
        if len(data.get(key, "")) > 100:
            errors[key] = _l("Too long.")
    out = {k: str(m) for k, m in errors.items()}
    out.update(check_address(data, "school_addr"))
    return in_form_order(out)


def next_sub_account_id(main_login_id: str, existing: list[str]) -> str:
    """`<main id>-NN`: the next number after every id ever given (deleted ones are not reused)."""
    used = []
    for login_id in existing:
        head, _sep, tail = login_id.rpartition("-")
        if head == main_login_id and tail.isdigit():
            used.append(int(tail))
    n = max(used, default=0) + 1
    if n > 99:
        raise ValueError("no free sub-account id")
    return f"{main_login_id}-{n:02d}"

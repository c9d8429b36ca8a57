"""Numbers, dates and wording of the documents a payment issues (receipt, six-month e-certificate)."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.money import add_months

RECEIPT_OFFICE = "401"  # 外字第 106 401 000002 號: ROC year (3) + office (3) + sequence (6)
PERMIT_MONTHS = 6
PERMIT_TYPE = "ARC"
AUTHORITY_ZH = "內政部移民署"
AUTHORITY_EN = "National Immigration Agency"
PURPOSE_ZH = "就學"
PURPOSE_EN = "Study"


def receipt_document_no(d: date, seq: int) -> str:
    if not (1 <= seq <= 999_999):
        raise ValueError("receipt sequence out of range")
    return f"{d.year - 1911:03d}{RECEIPT_OFFICE}{seq:06d}"


def permit_no(case_receipt_no: str) -> str:
    """The e-certificate's number: E + the case's 收件號 (one certificate per case)."""
    return f"E{case_receipt_no}"


def permit_validity(issued: date) -> tuple[date, date]:
    """(date of issue, date of expiry): six months, the expiry day included."""
    return issued, add_months(issued, PERMIT_MONTHS) - timedelta(days=1)


def payer_range(receipt_nos: list[str]) -> str:
    """繳款人 as the receipt prints it: the group's 收件號 range, `106696500020 ~ 106696500020`."""
    nos = sorted(n for n in receipt_nos if n)
    if not nos:
        return ""
    return f"{nos[0]} ~ {nos[-1]}"


def en_date(d: date) -> str:
    """04 May 2016, as the certificate prints dates."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{d.day:02d} {months[d.month - 1]} {d.year}"


def mask_name(name: str) -> str:
    """What the public verification page shows of a name: STUDENT ONE -> S****** O**; 王小明 -> 王*明."""
    name = name.strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def receipt_lists(content: dict, payer: str, receipt_no: str) -> bool:
    """Whether a receipt covers a case's 收件號: it lists the group's 收件號 (`receipt_nos` in its snapshot);
    an older snapshot without the list is read from the printed payer range (繳款人 "first ~ last")."""
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        return False
    listed = content.get("receipt_nos") if isinstance(content, dict) else None
    if listed:
        return receipt_no in listed
    first, _sep, last = (payer or "").partition("~")
    first, last = first.strip(), (last.strip() or first.strip())
    return bool(first) and len(first) == len(last) == len(receipt_no) and first <= receipt_no <= last


def same_passport(given: str, passport_no: str) -> bool:
    """The 領證 desk's check of the passport shown: letters and digits only, case ignored."""

    def norm(s: str) -> str:
        return "".join(ch for ch in (s or "") if ch.isalnum()).upper()

    g = norm(given)
    return bool(g) and g == norm(passport_no)


def same_name(given: str, *names: str) -> bool:
    """The 領證 desk's check of the payer's name: case, spaces and a comma ignored."""

    def norm(s: str) -> str:
        return "".join(s.replace(",", " ").split()).casefold()

    g = norm(given)
    return bool(g) and any(g == norm(n) for n in names if n)

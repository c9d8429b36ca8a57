"""規費 and 繳費方式 as data: what a certificate costs, and what each payment method adds on top.

Fees are whole New Taiwan dollars. The agency receives only the fee; the platforms' handling
charges are theirs and never appear on the agency's receipt (the seed's 說明).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import lazy_gettext as _l

CURRENCY = "TWD"

# 收入科目及代號 on the receipt (自行收納款項電子收據).
REVENUE_CODE = "0508580102-1"
REVENUE_ITEM = "證照費"
RECEIPT_PURPOSE = "申請證照費"


@dataclass(frozen=True)
class Fee:
    business_line: str
    kind: str
    certificate: object  # 核發證別
    per_person: int  # NT$


# (business line, application kind) -> fee per person. A resident certificate costs NT$1,000.
FEES: tuple[Fee, ...] = (
    Fee("foreign", "first", _l("Resident certificate"), 1000),  # 居留證
    Fee("foreign", "renewal", _l("Resident certificate"), 1000),
    Fee("foreign", "extension", _l("Resident certificate"), 1000),
    Fee("foreign", "data_change", _l("Resident certificate"), 1000),
)
_INDEX = {(f.business_line, f.kind): f for f in FEES}


class NoFee(LookupError):
    """No fee is defined for this business line and kind (nothing can be paid online for it)."""


def fee_for(business_line: str, kind: str) -> Fee:
    try:
        return _INDEX[(business_line, kind)]
    except KeyError:
        raise NoFee(f"no fee for {business_line}/{kind}") from None


def amount_for(business_line: str, kind: str, persons: int) -> int:
    """The fee of a group: persons x the fee per person."""
    if persons < 0:
        raise ValueError("persons must not be negative")
    return fee_for(business_line, kind).per_person * persons


@dataclass(frozen=True)
class Method:
    code: str
    title: object
    note: object = ""
    offered: bool = True


# 繳費方式選擇: the two ways offered online (both reach the payment gateway).
METHODS: tuple[Method, ...] = (
    Method("card", _l("International credit card ePayment"), ""),  # 國際信用卡網路繳費
    Method(
        "egov",
        _l("E-Government payment platform"),  # E政府繳費平台繳費
        _l("Cards issued in Taiwan can be used through the E-Government payment platform."),
    ),
)


def method(code: str) -> Method | None:
    return next((m for m in METHODS if m.code == code), None)


@dataclass(frozen=True)
class HandlingFee:
    method: object  # 繳費方式
    name: object  # 名稱
    description: object  # 說明
    charge: object  # 費用


# 線上繳費方式說明: the seed's table of the platforms' handling fees (not collected by the agency).
HANDLING_FEES: tuple[HandlingFee, ...] = (
    HandlingFee(
        _l("International credit card ePayment"),
        _l("Credit card transaction fee"),
        _l("The fee is about 2 percent of the amount charged to the card."),
        _l("2 percent of the amount charged (included), per transaction"),
    ),
    HandlingFee(
        _l("Online acquiring (ATM card)"),
        _l("Online acquiring processing and handling fee"),
        _l(
            "Bank of Taiwan's online acquiring system charges NT$7 per transaction with a debit card; "
            "with another bank's card, that bank's interbank fee is added."
        ),
        _l("NT$7 added per transaction + interbank fee"),
    ),
    HandlingFee(
        _l("Virtual account"),
        _l("Virtual account processing and handling fee"),
        _l(
            "Paying the bill at a Bank of Taiwan counter costs NT$10; an ATM transfer adds the "
            "interbank fee of the bank used."
        ),
        _l("As described"),
    ),
    HandlingFee(
        _l("E-Government bank account transfer and online ATM"),
        _l("E-Government platform processing fee"),
        _l(
            "Electronic payments, transfers and tax payments need financial institutions to work together "
            "through the interbank platform; the processing fee is the sum of their charges."
        ),
        _l("NT$15 added per transaction"),
    ),
    HandlingFee(
        _l("E-Government credit card payment"),
        _l("Credit card processing fee"),
        _l(
            "Card issuers and acquirers complete the payment across platforms; the fee is the sum of "
            "their charges."
        ),
        _l("Set by each card issuer on the clearing date; see the issuers' fee list"),
    ),
)

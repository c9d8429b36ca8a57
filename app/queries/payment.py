"""Reads for 線上繳費 and 下載專區, always scoped by the actor; and the public verification lookup."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain import business, fees, issuance, lines, permits
from app.domain.actor import Actor
from app.domain.money import amount_in_words, capitals, roc_date
from app.domain.workflow import Status
from app.i18n import TAIPEI
from app.i18n import lazy_gettext as _l
from app.queries.fees import fees_on
from app.queries.scope import BLOCKING_PAYMENT as BLOCKING
from app.queries.scope import application_scope, cases_exist, owns_payment
from tables.tables import Application, Case, Payment, PaymentGroup, Permit, Receipt


@dataclass
class PayableGroup:
    id: int
    group_no: str
    kind: str
    name: str
    certificate: str
    receipt_range: str
    persons: int
    per_person: int
    amount: int
    submitted_at: datetime | None
    in_progress: str = ""  # order no. of a payment still being processed


# 申辦項目 as the seed's lists show it: 外(僑)生就學, 外(僑)生就學 換證.
LINE_ITEMS = {"foreign": _l("Foreign and overseas Chinese student study")}


def _kind_label(line: str, kind: str) -> str:
    b = business.get_line(line)
    item = LINE_ITEMS.get(line) or (b.title if b else line)
    k = business.KINDS.get(kind)
    return f"{item} {k if k and kind != 'first' else ''}".strip()


PAYABLE_PER_PAGE = 50


def _payable_where(actor: Actor) -> Any:
    return (
        application_scope(actor)
        & Application.group_no.is_not_null()
        & cases_exist(Case.status == Status.AWAITING_PAYMENT)
    )


@dataclass
class PayablePage:
    groups: list[PayableGroup]
    total: int
    page: int
    pages: int


async def payable_page(actor: Actor, page: int = 1) -> PayablePage:
    """線上繳費 - 列表, PAYABLE_PER_PAGE groups a page (counted and paged by the database)."""
    import math

    total = await Application.count().where(_payable_where(actor))
    pages = max(1, math.ceil(total / PAYABLE_PER_PAGE))
    page = min(max(1, page), pages)
    groups = await list_payable(actor, limit=PAYABLE_PER_PAGE, offset=(page - 1) * PAYABLE_PER_PAGE)
    return PayablePage(groups, total, page, pages)


async def list_payable(
    actor: Actor, only: list[int] | None = None, *, limit: int | None = None, offset: int = 0
) -> list[PayableGroup]:
    """The approved groups with cases awaiting payment (線上繳費 - 列表), oldest first; `only` these ids."""
    where = _payable_where(actor)
    if only is not None:
        where = where & Application.id.is_in(only or [-1])
    query = (
        Application.select(*_listed_columns())
        .where(where)
        .order_by(Application.submitted_at)
        .order_by(Application.id)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    apps = await query
    if not apps:
        return []
    ids = [a["id"] for a in apps]
    awaiting: dict[int, list[str]] = {}
    for c in await Case.select(Case.application, Case.receipt_no).where(
        Case.application.is_in(ids) & (Case.status == Status.AWAITING_PAYMENT)
    ):
        awaiting.setdefault(c["application"], []).append(c["receipt_no"] or "")
    busy: dict[int, str] = {}
    for b in await PaymentGroup.select(PaymentGroup.application, PaymentGroup.payment.order_no).where(
        PaymentGroup.application.is_in(ids) & PaymentGroup.payment.status.is_in(BLOCKING)
    ):
        busy[b["application"]] = b["payment.order_no"]
    # The fee in force today (the day the order would be made), as start_payment charges it.
    in_force = await fees_on({(a["business_line"], a["kind"]) for a in apps}, datetime.now(TAIPEI).date())
    out = []
    for a in apps:
        nos = awaiting.get(a["id"])
        per_person = in_force.get((a["business_line"], a["kind"]))
        if not nos or per_person is None:
            continue
        out.append(
            PayableGroup(
                id=a["id"],
                group_no=a["group_no"],
                kind=_kind_label(a["business_line"], a["kind"]),
                name=a["name"],
                certificate=str(permits.permit_of(a["business_line"], a["kind"]).title),
                receipt_range=issuance.payer_range(nos).replace(" ~ ", " - "),
                persons=len(nos),
                per_person=per_person,
                amount=per_person * len(nos),
                submitted_at=a["submitted_at"],
                in_progress=busy.get(a["id"], ""),
            )
        )
    return out


@dataclass
class PaymentView:
    order_no: str
    status: str
    method: str
    amount: int
    created_at: datetime
    paid_at: datetime | None
    failure: str  # the gateway's or our own code, for the logs and the back office; never shown as is
    groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def declined(self) -> bool:
        """The gateway refused the card (the result page says so in words)."""
        return self.status == "failed" and self.failure.startswith("declined")


async def get_payment(actor: Actor, order_no: str) -> PaymentView | None:
    p = await Payment.select().where(Payment.order_no == order_no).first()
    if p is None or not owns_payment(actor, p):
        return None
    groups = (
        await PaymentGroup.select(
            PaymentGroup.application,
            PaymentGroup.persons,
            PaymentGroup.amount,
            PaymentGroup.application.group_no,
            PaymentGroup.application.name,
        )
        .where(PaymentGroup.payment == p["id"])
        .order_by(PaymentGroup.id)
    )
    return PaymentView(
        order_no=p["order_no"],
        status=p["status"],
        method=p["method"],
        amount=p["amount"],
        created_at=p["created_at"],
        paid_at=p["paid_at"],
        failure=p["failure"],
        groups=[
            {
                "group_no": g["application.group_no"],
                "name": g["application.name"],
                "persons": g["persons"],
                "amount": g["amount"],
            }
            for g in groups
        ],
    )


def _in_scope(actor: Actor, group_no: str = ""):
    """The ids of the submitted groups in scope, as a sub-select (the database joins; nothing is loaded)."""
    where = application_scope(actor) & Application.group_no.is_not_null()
    if group_no:
        where = where & (Application.group_no == group_no)
    return Application.select(Application.id).where(where)


def _listed_columns() -> tuple[Any, ...]:
    """The columns of a group that the payment's lists show."""
    return (
        Application.id,
        Application.group_no,
        Application.business_line,
        Application.kind,
        Application.name,
        Application.submitted_at,
    )


async def _apps(ids: set[int]) -> dict[int, dict[str, Any]]:
    """The listed columns of these groups (already found through the scope)."""
    if not ids:
        return {}
    rows = await Application.select(*_listed_columns()).where(Application.id.is_in(sorted(ids)))
    return {r["id"]: r for r in rows}


@dataclass
class CertificateGroup:
    id: int
    group_no: str
    kind: str
    name: str
    submitted_at: datetime | None
    paid_on: date
    permits: list[dict[str, Any]] = field(default_factory=list)


async def list_certificate_groups(
    actor: Actor, group_no: str = "", paid_from: date | None = None, paid_to: date | None = None
) -> list[CertificateGroup]:
    """外生與外僑生六個月居留證下載 - 列表: groups with issued e-certificates (resident certificates only: the
    entry permits of the mainland lines are on 許可證下載)."""
    where = Permit.application.is_in(
        _in_scope(actor, group_no).where(Application.business_line.not_in(list(permits.entry_permit_lines())))
    )
    if paid_from:
        where = where & (Permit.issued_on >= paid_from)
    if paid_to:
        where = where & (Permit.issued_on <= paid_to)
    rows = (
        await Permit.select(
            Permit.permit_no,
            Permit.application,
            Permit.issued_on,
            Permit.expires_on,
            Permit.case.receipt_no,
            Permit.case.name_en,
            Permit.case.name_zh,
        )
        .where(where)
        .order_by(Permit.permit_no)
    )
    apps = await _apps({r["application"] for r in rows})
    groups: dict[int, CertificateGroup] = {}
    for r in rows:
        a = apps[r["application"]]
        g = groups.get(a["id"])
        if g is None:
            g = groups[a["id"]] = CertificateGroup(
                id=a["id"],
                group_no=a["group_no"],
                kind=_kind_label(a["business_line"], a["kind"]),
                name=a["name"],
                submitted_at=a["submitted_at"],
                paid_on=r["issued_on"],
            )
        g.permits.append(
            {
                "permit_no": r["permit_no"],
                "receipt_no": r["case.receipt_no"],
                "name": f"{r['case.name_zh']} {r['case.name_en']}".strip(),
                "issued_on": r["issued_on"],
                "expires_on": r["expires_on"],
            }
        )
    return sorted(groups.values(), key=lambda g: g.group_no)


PERMITS_PER_PAGE = 50


@dataclass
class PermitPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


async def permits_page(actor: Actor, page: int = 1) -> PermitPage:
    """許可證下載: the permits issued to the actor's applicants, the latest issue first (then by 團號 and
    permit number), PERMITS_PER_PAGE a page, counted and paged by the database."""
    import math

    where = Permit.application.is_in(_in_scope(actor))
    total = await Permit.count().where(where)
    pages = max(1, math.ceil(total / PERMITS_PER_PAGE))
    page = min(max(1, page), pages)
    rows = (
        await Permit.select(
            Permit.permit_no,
            Permit.issued_on,
            Permit.expires_on,
            Permit.application.group_no,
            Permit.application.business_line,
            Permit.application.kind,
            Permit.case.receipt_no,
            Permit.case.name_en,
            Permit.case.name_zh,
        )
        .where(where)
        .order_by(Permit.issued_on, ascending=False)
        .order_by(Permit.application.group_no, Permit.permit_no)
        .limit(PERMITS_PER_PAGE)
        .offset((page - 1) * PERMITS_PER_PAGE)
    )
    return PermitPage(
        [
            {
                "permit_no": r["permit_no"],
                "group_no": r["application.group_no"],
                "permit": permits.permit_of(r["application.business_line"], r["application.kind"]).title,
                "receipt_no": r["case.receipt_no"],
                "name": f"{r['case.name_zh']} {r['case.name_en']}".strip(),
                "issued_on": r["issued_on"],
                "expires_on": r["expires_on"],
            }
            for r in rows
        ],
        total,
        page,
        pages,
    )


@dataclass
class ReceiptRow:
    receipt_no: str
    application: int
    group_no: str
    kind: str
    name: str
    submitted_at: datetime | None
    issued_on: date
    payer: str
    amount: int
    collected: dict[str, str]


async def list_receipts(
    actor: Actor,
    group_no: str = "",
    case_receipt_no: str = "",
    paid_from: date | None = None,
    paid_to: date | None = None,
) -> list[ReceiptRow]:
    """收據下載 - 列表."""
    where = Receipt.application.is_in(_in_scope(actor, group_no))
    if case_receipt_no:  # the group of that case (its receipts' contents are checked below)
        where = where & Receipt.application.is_in(
            Case.select(Case.application).where(Case.receipt_no == case_receipt_no)
        )
    if paid_from:
        where = where & (Receipt.issued_on >= paid_from)
    if paid_to:
        where = where & (Receipt.issued_on <= paid_to)
    rows = (
        await Receipt.select()
        .where(where)
        .order_by(Receipt.issued_on, ascending=False)
        .output(load_json=True)
    )
    apps = await _apps({r["application"] for r in rows})
    out = []
    for r in rows:
        if case_receipt_no and case_receipt_no not in (r["content"] or {}).get("receipt_nos", []):
            continue
        a = apps[r["application"]]
        out.append(
            ReceiptRow(
                receipt_no=r["receipt_no"],
                application=a["id"],
                group_no=a["group_no"],
                kind=_kind_label(a["business_line"], a["kind"]),
                name=a["name"],
                submitted_at=a["submitted_at"],
                issued_on=r["issued_on"],
                payer=r["payer"],
                amount=r["amount"],
                collected=r["collected"] or {},
            )
        )
    return out


async def get_receipt_content(actor: Actor, receipt_no: str) -> dict[str, Any] | None:
    r = await Receipt.select().where(Receipt.receipt_no == receipt_no).output(load_json=True).first()
    if r is None or not await Application.exists().where(
        application_scope(actor) & (Application.id == r["application"])
    ):
        return None
    content = r["content"] or {}
    if content.get("receipt_no") and content.get("verify_code"):
        return content
    # A receipt written without its snapshot (older data): print it from its columns, without a QR code.
    return {
        "receipt_no": r["receipt_no"],
        "verify_code": "",
        "issued_on": r["issued_on"].isoformat(),
        "date_roc": roc_date(r["issued_on"]),
        "payer": r["payer"],
        "item_code": r["item_code"],
        "item_name": r["item_name"],
        "amount": r["amount"],
        "amount_capitals": f"{capitals(r['amount'])}元整",
        "amount_words": amount_in_words(r["amount"]),
        "purpose": fees.RECEIPT_PURPOSE,
        "group_no": r["group_no"],
        "remarks": f"團號：{r['group_no']} 線上申辦",
        "authority_zh": issuance.AUTHORITY_ZH,
        "authority_en": issuance.AUTHORITY_EN.upper(),
    }


async def get_permit_content(actor: Actor, permit_no: str) -> dict[str, Any] | None:
    r = (
        await Permit.select(Permit.application, Permit.content)
        .where(Permit.permit_no == permit_no)
        .output(load_json=True)
        .first()
    )
    if r is None or not await Application.exists().where(
        application_scope(actor) & (Application.id == r["application"])
    ):
        return None
    return r["content"]


async def get_group_permits(actor: Actor, application_id: int) -> tuple[str, list[dict[str, Any]]] | None:
    a = (
        await Application.select(Application.group_no)
        .where(application_scope(actor) & (Application.id == application_id))
        .first()
    )
    if a is None:
        return None
    rows = (
        await Permit.select(Permit.content)
        .where(Permit.application == application_id)
        .order_by(Permit.permit_no)
        .output(load_json=True)
    )
    if not rows:
        return None
    return a["group_no"] or str(application_id), [r["content"] for r in rows]


@dataclass
class Verification:
    state: str  # genuine | expired | unknown
    kind: str = ""  # receipt | permit
    number: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    name: str = ""
    group_no: str = ""
    amount: int | None = None
    permit_title: Any = None  # 核發證別 of a permit other than the resident certificate (單次證, 多次證)


def _other_permit(code: str) -> Any:
    if not code or code == lines.RESIDENT_CERTIFICATE.code:
        return None
    try:
        return lines.permit_type(code).title
    except KeyError:
        return None


async def verify_document(number: str, code: str, today: date | None = None) -> Verification:
    """The public check behind the QR code: the number and its code must match a document we issued."""
    number, code = number.strip().upper(), code.strip().upper()
    if not number or not code or len(number) > 20 or len(code) > 20:
        return Verification("unknown")
    today = today or datetime.now(TAIPEI).date()
    p = (
        await Permit.select(Permit.content, Permit.issued_on, Permit.expires_on)
        .where(Permit.permit_no == number)
        .output(load_json=True)
        .first()
    )
    if p is not None and hmac.compare_digest(p["content"].get("verify_code", "").encode(), code.encode()):
        c = p["content"]
        return Verification(
            "expired" if today > p["expires_on"] else "genuine",
            "permit",
            number,
            p["issued_on"],
            p["expires_on"],
            name=issuance.mask_name(c.get("name_en") or c.get("name_zh") or ""),
            group_no=c.get("group_no", ""),
            permit_title=_other_permit(c.get("permit_code", "")),
        )
    r = (
        await Receipt.select(Receipt.content, Receipt.issued_on, Receipt.amount, Receipt.group_no)
        .where(Receipt.receipt_no == number)
        .output(load_json=True)
        .first()
    )
    if r is not None and hmac.compare_digest(r["content"].get("verify_code", "").encode(), code.encode()):
        return Verification(
            "genuine", "receipt", number, r["issued_on"], None, group_no=r["group_no"], amount=r["amount"]
        )
    return Verification("unknown")


async def documents_of_payment(order_no: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The receipts' and certificates' contents a payment issued (to render them ahead of the first download).
    Not scoped: called by the system after the gateway's notification, never with a user's input."""
    p = await Payment.select(Payment.id).where(Payment.order_no == order_no).first()
    if p is None:
        return [], []
    receipts = await Receipt.select(Receipt.content).where(Receipt.payment == p["id"]).output(load_json=True)
    permits = await Permit.select(Permit.content).where(Permit.payment == p["id"]).output(load_json=True)
    return [r["content"] for r in receipts], [r["content"] for r in permits]

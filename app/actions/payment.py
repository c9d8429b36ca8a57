"""Payment actions: start a payment, apply the gateway's word (notification or query), collect a card.

Only a verified gateway message changes a payment. Applying it is idempotent: the payment row is
locked, a payment that is no longer pending changes no more, and a replay is logged and ignored.
A paid payment moves each case it paid for: 待繳費 -> 已繳費, then an admitted, not registered
student's case (A) -> 已核發 with a six-month e-certificate, a registered student's (R) -> 待製證.
Each group gets its receipt. Every step writes a PaymentEvent; every status change a ReviewEvent.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app import db
from app.actions import cases as pipeline
from app.domain import fees, issuance, numbering, permits, workflow
from app.domain.actor import Actor
from app.domain.addresses import format_address
from app.domain.money import amount_in_words, capitals, roc_date
from app.domain.validators import is_ui_no
from app.domain.workflow import Role, Status
from app.errors import NotFound  # noqa: F401  (re-exported: actions.<module>.NotFound)
from app.i18n import TAIPEI, country_name, use_locale
from app.i18n import gettext as _
from app.queries.fees import fees_on
from app.queries.scope import BLOCKING_PAYMENT, application_scope, owns_payment
from app.services import issued, uploads
from app.services import payment as gateway
from app.settings import settings
from tables.tables import (
    Application,
    Case,
    Payment,
    PaymentEvent,
    PaymentGroup,
    Permit,
    Receipt,
    School,
)

log = logging.getLogger("arc.payment")

# A payment in one of these states keeps its groups from being paid again.
BLOCKING = BLOCKING_PAYMENT


@dataclass
class StartResult:
    errors: dict[str, str] = field(default_factory=dict)
    order_no: str = ""
    redirect_url: str = ""


async def log_event(
    step: str,
    *,
    payment_id: int | None = None,
    order_no: str = "",
    result: str = "ok",
    detail: str = "",
    ip: str = "",
) -> None:
    await PaymentEvent.insert(
        PaymentEvent(
            payment=payment_id,
            order_no=order_no[:64],
            step=step,
            result=result,
            detail=detail[:2000],
            ip=ip[:64],
            created_at=datetime.now(UTC),
        )
    )
    (log.warning if result not in ("ok", "duplicate") else log.info)(
        "payment %s %s %s %s", order_no, step, result, detail[:200]
    )


def _new_order_no(now: datetime) -> str:
    return f"A{now.astimezone(TAIPEI):%y%m%d%H%M%S}{secrets.token_hex(3).upper()}"


async def start_payment(actor: Actor, group_ids: list[int], method: str, ip: str = "") -> StartResult:
    """Make an order for the ticked groups (fees from the fee table) and the gateway URL to send the browser to."""
    result = StartResult()
    if fees.method(method) is None:
        result.errors["method"] = _("Choose a payment method.")
    ids = sorted(set(group_ids))
    if not ids:
        result.errors["groups"] = _("Tick at least one group to pay for.")
    if result.errors:
        return result
    now = datetime.now(UTC)
    async with db.write_tx():
        apps = await db.lock_for_update(
            Application.select(
                Application.id,
                Application.group_no,
                Application.business_line,
                Application.kind,
                Application.school,
            ).where(application_scope(actor) & Application.id.is_in(ids) & Application.group_no.is_not_null())
        )
        if len(apps) != len(ids):
            raise NotFound()
        cases = (
            await Case.select(Case.id, Case.application)
            .where(Case.application.is_in(ids) & (Case.status == Status.AWAITING_PAYMENT))
            .order_by(Case.receipt_no)
        )
        by_app: dict[int, list[int]] = {}
        for c in cases:
            by_app.setdefault(c["application"], []).append(c["id"])
        busy = await PaymentGroup.select(PaymentGroup.application).where(
            PaymentGroup.application.is_in(ids) & PaymentGroup.payment.status.is_in(BLOCKING)
        )
        busy_ids = {b["application"] for b in busy}
        # The fee in force on the day the order is made (a supervisor's change applies from its day on).
        in_force = await fees_on(
            {(a["business_line"], a["kind"]) for a in apps}, now.astimezone(TAIPEI).date()
        )
        lines = []
        for a in apps:
            if a["id"] in busy_ids:
                result.errors["groups"] = _(
                    "A payment for group %(group)s is still being processed. Check its result before paying again.",
                    group=a["group_no"],
                )
                return result
            if not by_app.get(a["id"]):
                result.errors["groups"] = _(
                    "Group %(group)s has nothing awaiting payment.", group=a["group_no"]
                )
                return result
            per_person = in_force.get((a["business_line"], a["kind"]))
            if per_person is None:
                result.errors["groups"] = _("Group %(group)s cannot be paid online.", group=a["group_no"])
                return result
            amount = per_person * len(by_app[a["id"]])
            lines.append((a, by_app[a["id"]], amount))
        total = sum(amount for _a, _c, amount in lines)
        order_no = _new_order_no(now)
        p = Payment(
            order_no=order_no,
            school=actor.school_id,
            created_by=actor.account_id,
            student=actor.student_id,
            provider=gateway.get_provider().name,
            method=method,
            amount=total,
            currency=fees.CURRENCY,
            status="pending",
            created_at=now,
            expires_at=now + timedelta(seconds=gateway.ORDER_TTL_SECONDS),
        )
        await p.save()
        for a, case_ids, amount in lines:
            await PaymentGroup.insert(
                PaymentGroup(
                    payment=p.id, application=a["id"], persons=len(case_ids), amount=amount, case_ids=case_ids
                )
            )
        groups = ", ".join(a["group_no"] for a, _c, _m in lines)
        await log_event(
            "created",
            payment_id=p.id,
            order_no=order_no,
            ip=ip,
            detail=f"by {actor.label}; groups {groups}; NT${total}; {method}",
        )
        order = gateway.Order(
            order_no=order_no,
            amount=total,
            currency=fees.CURRENCY,
            method=method,
            description=_order_description(
                [permits.permit_of(a["business_line"], a["kind"]) for a, _c, _m in lines],
                sum(len(c) for _a, c, _m in lines),
            ),
            return_url=f"{settings.public_base_url}/payment/result/{order_no}",
            notify_url=f"{settings.public_base_url}/payment/notify",
            expires_at=p.expires_at,
        )
        result.redirect_url = gateway.get_provider().checkout_url(order)
        result.order_no = order_no
        await log_event(
            "redirect", payment_id=p.id, order_no=order_no, ip=ip, detail="browser sent to the gateway"
        )
    return result


def _order_description(types: list[Any], persons: int) -> str:
    """What the gateway shows the payer: the permit types paid for (居留證規費 Resident certificate fee (2))."""
    seen = list({t.code: t for t in types}.values())
    zh = "、".join(t.zh for t in seen)
    with use_locale("en"):
        en = ", ".join(str(t.title) for t in seen)
    return f"{zh}規費 {en} fee ({persons})"


async def handle_notification(fields: dict[str, str], ip: str = "") -> tuple[bool, str]:
    """The gateway's server-to-server notification. (accepted, body to answer)."""
    provider = gateway.get_provider()
    order_no = str(fields.get("order_no", ""))[:64]
    try:
        result = provider.parse_notification(fields)
    except gateway.InvalidMessage as exc:
        await log_event("notify", order_no=order_no, result="refused", detail=exc.reason, ip=ip)
        return False, provider.acknowledgement(False)
    outcome = await apply_result(result, source="notify", ip=ip)
    accepted = outcome in ("applied", "duplicate")
    return accepted, provider.acknowledgement(accepted)


async def settle_payment(order_no: str, actor: Actor | None = None, ip: str = "") -> str:
    """Ask the gateway what became of a pending order and apply it. Returns the payment's status."""
    rows = await Payment.select().where(Payment.order_no == order_no)
    if not rows or (actor is not None and not owns_payment(actor, rows[0])):
        raise NotFound()
    p = rows[0]
    if p["status"] != "pending":
        return p["status"]
    try:
        result = await gateway.get_provider().query(order_no)
    except gateway.GatewayUnavailable as exc:
        await log_event(
            "query", payment_id=p["id"], order_no=order_no, result="unavailable", detail=str(exc), ip=ip
        )
        return p["status"]
    except gateway.InvalidMessage as exc:
        await log_event(
            "query", payment_id=p["id"], order_no=order_no, result="refused", detail=exc.reason, ip=ip
        )
        return p["status"]
    await log_event(
        "query", payment_id=p["id"], order_no=order_no, detail=f"gateway says {result.outcome}", ip=ip
    )
    if result.outcome in (gateway.PAID, gateway.FAILED):
        await apply_result(result, source="query", ip=ip)
    elif result.outcome in (gateway.EXPIRED, gateway.UNKNOWN) and datetime.now(UTC) > p["expires_at"]:
        async with db.write_tx():
            await Payment.update(
                {
                    Payment.status: "expired",
                    Payment.settled_at: datetime.now(UTC),
                    Payment.failure: f"gateway: {result.outcome}",
                }
            ).where((Payment.id == p["id"]) & (Payment.status == "pending"))
            await log_event("expired", payment_id=p["id"], order_no=order_no, ip=ip)
    rows = await Payment.select(Payment.status).where(Payment.id == p["id"])
    return rows[0]["status"]


async def cancel_payment(order_no: str, actor: Actor, ip: str = "") -> str:
    """Withdraw a pending order at the gateway (the school left the gateway without paying), so its groups
    can be paid again. If the gateway says it was paid after all, that is applied instead."""
    rows = await Payment.select().where(Payment.order_no == order_no)
    if not rows or not owns_payment(actor, rows[0]):
        raise NotFound()
    p = rows[0]
    if p["status"] != "pending":
        return p["status"]
    try:
        result = await gateway.get_provider().cancel(order_no)
    except (gateway.GatewayUnavailable, gateway.InvalidMessage) as exc:
        await log_event(
            "cancel", payment_id=p["id"], order_no=order_no, result="unavailable", detail=str(exc), ip=ip
        )
        return p["status"]
    await log_event(
        "cancel",
        payment_id=p["id"],
        order_no=order_no,
        ip=ip,
        detail=f"by {actor.label}; gateway says {result.outcome}",
    )
    if result.outcome in (gateway.PAID, gateway.FAILED):
        await apply_result(result, source="cancel", ip=ip)
    elif result.outcome in (gateway.EXPIRED, gateway.UNKNOWN):
        async with db.write_tx():
            await Payment.update(
                {
                    Payment.status: "expired",
                    Payment.settled_at: datetime.now(UTC),
                    Payment.failure: "cancelled",
                }
            ).where((Payment.id == p["id"]) & (Payment.status == "pending"))
    row = await Payment.select(Payment.status).where(Payment.id == p["id"]).first()
    return row["status"]


async def settle_stale_payments(older_than: timedelta = timedelta(minutes=2)) -> int:
    """Settle every pending payment older than `older_than` by querying the gateway (a periodic job)."""
    cutoff = datetime.now(UTC) - older_than
    rows = await Payment.select(Payment.order_no).where(
        (Payment.status == "pending") & (Payment.created_at < cutoff)
    )
    for r in rows:
        await settle_payment(r["order_no"])
    return len(rows)


async def apply_result(result: gateway.GatewayResult, *, source: str, ip: str = "") -> str:
    """'applied', 'duplicate' or 'refused'. Locks the payment; only a pending payment changes."""
    async with db.write_tx():
        rows = await db.lock_for_update(Payment.select().where(Payment.order_no == result.order_no))
        if not rows:
            await log_event(source, order_no=result.order_no, result="refused", detail="unknown order", ip=ip)
            return "refused"
        p = rows[0]
        pid, order_no = p["id"], p["order_no"]
        if p["status"] != "pending":
            same = (
                p["status"] == "paid"
                and result.outcome == gateway.PAID
                and result.txn_id == p["gateway_txn_id"]
            ) or (p["status"] == "failed" and result.outcome == gateway.FAILED)
            if same:
                await log_event(
                    source,
                    payment_id=pid,
                    order_no=order_no,
                    result="duplicate",
                    detail=f"already {p['status']}; nothing changed",
                    ip=ip,
                )
                return "duplicate"
            await log_event(
                source,
                payment_id=pid,
                order_no=order_no,
                result="alert",
                ip=ip,
                detail=f"payment is {p['status']} but the gateway says {result.outcome} "
                f"(txn {result.txn_id}); nothing changed, check by hand",
            )
            return "refused"
        now = datetime.now(UTC)
        if result.outcome == gateway.FAILED:
            await Payment.update(
                {
                    Payment.status: "failed",
                    Payment.failure: result.message or "failed",
                    Payment.settled_at: now,
                    Payment.version: p["version"] + 1,
                }
            ).where(Payment.id == pid)
            await log_event(
                source, payment_id=pid, order_no=order_no, detail=f"failed: {result.message}", ip=ip
            )
            return "applied"
        if result.outcome != gateway.PAID:
            return "refused"
        if result.amount != p["amount"] or result.currency != p["currency"] or not result.txn_id:
            await Payment.update(
                {
                    Payment.status: "flagged",
                    Payment.settled_at: now,
                    Payment.failure: f"amount mismatch: {result.amount} {result.currency}",
                }
            ).where(Payment.id == pid)
            await log_event(
                source,
                payment_id=pid,
                order_no=order_no,
                result="alert",
                ip=ip,
                detail=f"amount {result.amount} {result.currency} != {p['amount']} {p['currency']}; "
                "not paid, flagged for review",
            )
            return "refused"
        paid_at = result.paid_at or now
        await Payment.update(
            {
                Payment.status: "paid",
                Payment.gateway_txn_id: result.txn_id,
                Payment.paid_at: paid_at,
                Payment.settled_at: now,
                Payment.version: p["version"] + 1,
            }
        ).where(Payment.id == pid)
        await log_event(
            source,
            payment_id=pid,
            order_no=order_no,
            ip=ip,
            detail=f"paid NT${result.amount}, txn {result.txn_id}",
        )
        await _issue(p, paid_at, ip)
        return "applied"


async def _next(key: str) -> int:
    await db.raw(
        'INSERT INTO document_counter ("key", "value") VALUES ({}, 0) ON CONFLICT ("key") DO NOTHING', key
    )
    rows = await db.raw(
        'UPDATE document_counter SET "value" = "value" + 1 WHERE "key" = {} RETURNING "value"', key
    )
    return int(rows[0]["value"])


async def _move(case: dict[str, Any], action: str, label: str, role: Role = Role.SYSTEM) -> str:
    new = workflow.apply(case["status"], action, role)
    case["version"] = await db.update_versioned(
        Case, case["id"], case["version"], {Case.status: new, Case.updated_at: datetime.now(UTC)}
    )
    await pipeline.record_event(
        case["application"],
        case["id"],
        case["status"],
        action,
        new,
        actor_kind="system" if role == Role.SYSTEM else "reviewer",
        actor_label=label,
        at=datetime.now(UTC),
    )
    case["status"] = new
    return new


async def _photo(case_id: int) -> str:
    try:
        from tables.tables import Attachment
    except ImportError:  # the attachments table is not there (yet)
        return ""
    rows = (
        await Attachment.select(Attachment.stored_name)
        .where((Attachment.case == case_id) & (Attachment.kind == "photo"))
        .order_by(Attachment.id, ascending=False)
        .limit(1)
    )
    if not rows:
        return ""
    try:  # through the one uploads service, which knows where a stored name lives
        data = await uploads.read(rows[0]["stored_name"])
    except (ValueError, OSError):
        return ""
    return issued.photo_data_uri(data)


@dataclass
class Reissued:
    permit_no: str
    content: dict[str, Any]


async def reissue_permits_missing_photo() -> list[Reissued]:
    """Re-issue every e-certificate issued without a photo whose case has one (issue 12).

    The permit keeps its number, dates and verification code; its snapshot gains the photo, the case
    gets a `reissue_e_certificate` ReviewEvent through the workflow (已核發 stays 已核發), and the caller
    replaces the stored PDF (`issued.replace_permit_pdf`) after this transaction commits. A certificate
    whose case has moved on (to card production) is no longer in use and is left as it is.
    """
    done: list[Reissued] = []
    permits = await Permit.select().order_by(Permit.id).output(load_json=True)
    for permit in permits:
        content = permit["content"] if isinstance(permit["content"], dict) else {}
        if content.get("photo"):
            continue
        photo = await _photo(permit["case"])
        if not photo:
            continue
        async with db.write_tx():
            case = await Case.select().where(Case.id == permit["case"]).first()
            if case is None or case["status"] != Status.ISSUED:
                continue
            new_content = dict(content, photo=photo)
            await Permit.update({Permit.content: new_content}).where(Permit.id == permit["id"])
            await _move(case, "reissue_e_certificate", "系統重新核發（補相片）")
        done.append(Reissued(permit["permit_no"], new_content))
    return done


def _english(text: Any) -> str:
    with use_locale("en"):
        return str(text)


def _nationality(code: str) -> tuple[str, str]:
    with use_locale("zh_Hant_TW"):
        zh = country_name(code)
    with use_locale("en"):
        en = country_name(code)
    return zh, en


async def permit_content(
    case: dict[str, Any], app: dict[str, Any], school_name: str, number: str, issued_on, expires_on
) -> dict[str, Any]:
    nat_zh, nat_en = _nationality(case["nationality"])
    address = case["address"] if isinstance(case["address"], dict) else {}
    doc = permits.document_for(app.get("business_line") or "foreign", app.get("kind") or "first")
    return {
        "permit_no": number,
        "verify_code": issued.new_verify_code(),
        "permit_type": doc.type_label,
        "permit_code": doc.permit.code,
        "title_zh": doc.title_zh,
        "title_en": doc.title_en,
        "notes": [list(n) for n in doc.notes],
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat(),
        "purpose_zh": issuance.PURPOSE_ZH,
        "purpose_en": issuance.PURPOSE_EN,
        "name_zh": case["name_zh"],
        "name_en": case["name_en"],
        "passport_no": permits.travel_document_no(case["passport_no"], case.get("data")),
        "travel_label_zh": doc.travel_document[0],
        "travel_label_en": doc.travel_document[1],
        "birth_date": case["birth_date"].isoformat() if case["birth_date"] else "",
        "gender": case["gender"],
        "nationality": case["nationality"],
        "nationality_zh": nat_zh,
        "nationality_en": nat_en,
        "ui_no": case["ui_no"],
        "address": format_address(address) if address else "",
        "authority_zh": issuance.AUTHORITY_ZH,
        "authority_en": issuance.AUTHORITY_EN,
        "school": school_name,
        "group_no": app["group_no"],
        "receipt_no": case["receipt_no"],
        "photo": await _photo(case["id"]),
    }


async def _issue(p: dict[str, Any], paid_at: datetime, ip: str) -> None:
    label = f"線上繳費 {p['order_no']}"
    paid_on = paid_at.astimezone(TAIPEI).date()
    school = await School.select(School.name).where(School.id == p["school"]).first()
    school_name = school["name"] if school else ""
    for pg in (
        await PaymentGroup.select()
        .where(PaymentGroup.payment == p["id"])
        .order_by(PaymentGroup.id)
        .output(load_json=True)
    ):
        app = await Application.select().where(Application.id == pg["application"]).first()
        cases = (
            await Case.select()
            .where(Case.id.is_in(pg["case_ids"] or [-1]))
            .order_by(Case.receipt_no)
            .output(load_json=True)
        )
        doc = permits.document_for(app["business_line"] or "foreign", app["kind"] or "first")
        for case in cases:
            if case["status"] != Status.AWAITING_PAYMENT:
                await log_event(
                    "issue",
                    payment_id=p["id"],
                    order_no=p["order_no"],
                    result="alert",
                    ip=ip,
                    detail=f"case {case['receipt_no']} is {case['status']}, not awaiting payment: "
                    "paid but not moved; refund or handle by hand",
                )
                continue
            await _move(case, "record_payment", label)
            if doc.issues_document(case["enrollment_status"]):
                await _move(case, "issue_e_certificate", label)
                if not is_ui_no(case["ui_no"]):
                    # A first certificate gets its 統一證號 here; the renewal finds it by this number.
                    case["ui_no"] = numbering.ui_no(await _next("ui-no"), case["gender"])
                    await Case.update({Case.ui_no: case["ui_no"]}).where(Case.id == case["id"])
                issued_on, expires_on = doc.validity(paid_on)
                number = issuance.permit_no(case["receipt_no"] or str(case["id"]))
                await Permit.insert(
                    Permit(
                        permit_no=number,
                        case=case["id"],
                        application=app["id"],
                        payment=p["id"],
                        issued_on=issued_on,
                        expires_on=expires_on,
                        created_at=datetime.now(UTC),
                        content=await permit_content(case, app, school_name, number, issued_on, expires_on),
                    )
                )
            else:
                await _move(case, "await_card", label)
        receipt_nos = [c["receipt_no"] for c in cases if c["receipt_no"]]
        number = issuance.receipt_document_no(paid_on, await _next(f"receipt-{paid_on.year - 1911}"))
        content = {
            "receipt_no": number,
            "verify_code": issued.new_verify_code(),
            "issued_on": paid_on.isoformat(),
            "date_roc": roc_date(paid_on),
            "payer": issuance.payer_range(receipt_nos),
            "receipt_nos": receipt_nos,
            "item_code": fees.REVENUE_CODE,
            "item_name": fees.REVENUE_ITEM,
            "amount": pg["amount"],
            "amount_capitals": f"{capitals(pg['amount'])}元整",
            "amount_words": amount_in_words(pg["amount"]),
            "purpose": fees.RECEIPT_PURPOSE,
            "permit_zh": doc.permit.zh,
            "permit_en": _english(doc.permit.title),
            "group_no": app["group_no"],
            "remarks": f"團號：{app['group_no']} 線上申辦",
            "persons": pg["persons"],
            "order_no": p["order_no"],
            "authority_zh": issuance.AUTHORITY_ZH,
            "authority_en": issuance.AUTHORITY_EN.upper(),
        }
        await Receipt.insert(
            Receipt(
                receipt_no=number,
                payment=p["id"],
                application=app["id"],
                group_no=app["group_no"] or "",
                payer=content["payer"],
                item_code=fees.REVENUE_CODE,
                item_name=fees.REVENUE_ITEM,
                purpose=fees.RECEIPT_PURPOSE,
                amount=pg["amount"],
                amount_words=content["amount_words"],
                issued_on=paid_on,
                content=content,
                collected={},
                created_at=datetime.now(UTC),
            )
        )
        await log_event(
            "issue",
            payment_id=p["id"],
            order_no=p["order_no"],
            ip=ip,
            detail=f"group {app['group_no']}: receipt 外字第{number}號, {len(cases)} case(s)",
        )

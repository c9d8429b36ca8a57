"""The sandbox payment gateway: a small ASGI app of its own, as a real gateway is outside the app.

    python -m app.cli gateway --port 8001        (started by `make run` beside the app)

1. The app redirects the browser to GET /pay with a signed order (HMAC-SHA256, shared secret).
2. The gateway shows a card form. Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002
   is declined, 4000 0000 0000 0119 times out (charged, but the notification is lost).
3. It POSTs a signed notification to the order's notify_url (server to server), then redirects the
   browser to the order's return_url.
4. GET /api/orders answers, signed, what became of an order (the app settles lost notifications).

Orders live in memory: a restarted sandbox forgets them (the app then sees "unknown", and the order
expires). Never used in production: a real provider replaces it behind `app.services.payment`.
"""

from __future__ import annotations

import html
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from litestar import Litestar, Request, Response, get, post
from litestar.enums import MediaType
from litestar.response import Redirect

from app.services import payment as pay
from app.settings import settings

log = logging.getLogger("arc.sandbox_gateway")

CARD_SUCCESS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_TIMEOUT = "4000000000000119"
TEST_CARDS = (
    (CARD_SUCCESS, "成功 Success"),
    (CARD_DECLINED, "拒絕交易 Declined"),
    (CARD_TIMEOUT, "逾時（通知遺失）Timeout (notification lost)"),
)


@dataclass
class SandboxOrder:
    order_no: str
    amount: int
    currency: str
    method: str
    description: str
    return_url: str
    notify_url: str
    expires: int
    status: str = pay.PENDING
    txn_id: str = ""
    paid_at: str = ""
    message: str = ""


class Gateway:
    def __init__(
        self, secret: str, merchant_id: str, notify_transport: httpx.AsyncBaseTransport | None = None
    ):
        self.secret = secret
        self.merchant_id = merchant_id
        self.notify_transport = notify_transport
        self.orders: dict[str, SandboxOrder] = {}
        self.notifications: list[dict[str, str]] = []  # what was sent (tests replay them)

    def status_of(self, order: SandboxOrder) -> str:
        if order.status == pay.PENDING and time.time() > order.expires:
            return pay.EXPIRED
        return order.status

    def notification(self, order: SandboxOrder) -> dict[str, str]:
        return pay.signed(
            {
                "merchant_id": self.merchant_id,
                "order_no": order.order_no,
                "status": order.status,
                "amount": order.amount,
                "currency": order.currency,
                "method": order.method,
                "txn_id": order.txn_id,
                "paid_at": order.paid_at,
                "message": order.message,
                "timestamp": int(time.time()),
            },
            self.secret,
        )

    async def notify(self, order: SandboxOrder) -> str:
        fields = self.notification(order)
        self.notifications.append(fields)
        try:
            async with httpx.AsyncClient(transport=self.notify_transport, timeout=10.0) as client:
                response = await client.post(order.notify_url, data=fields)
            body = response.text.strip()
            log.info("notify %s %s -> %s %s", order.order_no, order.status, response.status_code, body[:40])
            return body
        except httpx.HTTPError as exc:
            log.warning("notify %s failed: %s", order.order_no, exc)
            return f"error: {exc}"


def _page(title: str, body: str, status_code: int = 200) -> Response:
    doc = f"""<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{html.escape(title)}</title>
<style>
body{{font-family:"Noto Sans CJK TC",sans-serif;background:#eef2f5;margin:0;color:#1d2733}}
header{{background:#24424f;color:#fff;padding:.8rem 1.5rem;font-weight:bold}}
main{{max-width:40rem;margin:1.5rem auto;background:#fff;padding:1.5rem;border-radius:6px;border:1px solid #c9d3db}}
dl{{display:grid;grid-template-columns:9rem 1fr;gap:.3rem}} dt{{font-weight:bold}}
label{{display:block;margin-top:.8rem;font-weight:bold}} input{{font-size:1.1rem;padding:.35rem;width:18rem}}
button{{margin-top:1.2rem;font-size:1.05rem;padding:.5rem 1.5rem;background:#1f6f43;color:#fff;border:0;border-radius:4px}}
.note{{background:#fff7d6;border:1px solid #e6cf73;padding:.6rem;margin-top:1rem;font-size:.9rem}}
.err{{color:#a4161a;font-weight:bold}}
</style></head>
<body><header>SANDBOX 測試金流閘道 Payment gateway (sandbox)</header><main>{body}</main></body></html>"""
    return Response(
        content=doc,
        media_type=MediaType.HTML,
        status_code=status_code,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def create_gateway(
    secret: str | None = None,
    merchant_id: str | None = None,
    notify_transport: httpx.AsyncBaseTransport | None = None,
) -> Litestar:
    gw = Gateway(
        secret or settings.payment_secret, merchant_id or settings.payment_merchant_id, notify_transport
    )

    @get("/pay", sync_to_thread=False)
    def pay_page(request: Request) -> Response:
        fields = {k: v for k, v in request.query_params.items()}
        try:
            pay.verify(fields, gw.secret)
        except pay.InvalidMessage as exc:
            log.warning("order refused: %s", exc.reason)
            return _page(
                "Refused", f"<p class='err'>訂單簽章無效 Invalid order ({html.escape(exc.reason)})</p>", 400
            )
        if fields.get("merchant_id") != gw.merchant_id:
            return _page("Refused", "<p class='err'>Unknown merchant</p>", 400)
        try:
            order = SandboxOrder(
                order_no=fields["order_no"],
                amount=int(fields["amount"]),
                currency=fields["currency"],
                method=fields["method"],
                description=fields.get("description", ""),
                return_url=fields["return_url"],
                notify_url=fields["notify_url"],
                expires=int(fields["expires"]),
            )
        except (KeyError, ValueError):
            return _page("Refused", "<p class='err'>Malformed order</p>", 400)
        known = gw.orders.get(order.order_no)
        if known is not None and not known.notify_url:  # cancelled before it was ever shown
            return Redirect(path=order.return_url, status_code=303)
        if known is None:
            gw.orders[order.order_no] = order
            log.info("order %s received: %s %s", order.order_no, order.amount, order.currency)
        elif (known.amount, known.notify_url) != (order.amount, order.notify_url):
            return _page("Refused", "<p class='err'>Order number already used</p>", 400)
        else:
            order = known
        status = gw.status_of(order)
        if status != pay.PENDING:
            return Redirect(path=order.return_url, status_code=303)
        cards = "".join(
            f"<li><code>{c[:4]} {c[4:8]} {c[8:12]} {c[12:]}</code> {html.escape(t)}</li>"
            for c, t in TEST_CARDS
        )
        method = (
            "國際信用卡網路繳費 International credit card"
            if order.method == "card"
            else "E政府繳費平台 E-Government payment platform"
        )
        body = f"""
<h1>付款 Payment</h1>
<dl><dt>特約商店 Merchant</dt><dd>{html.escape(gw.merchant_id)}</dd>
<dt>訂單編號 Order</dt><dd>{html.escape(order.order_no)}</dd>
<dt>內容 Item</dt><dd>{html.escape(order.description)}</dd>
<dt>繳費方式 Method</dt><dd>{html.escape(method)}</dd>
<dt>金額 Amount</dt><dd><strong>NT$ {order.amount:,}</strong> {html.escape(order.currency)}</dd></dl>
<form method="post" action="/pay/{html.escape(order.order_no)}">
<label for="card">卡號 Card number</label><input id="card" name="card_number" inputmode="numeric" autocomplete="off" required>
<label for="exp">有效期限 Expiry (MM/YY)</label><input id="exp" name="expiry" value="12/30" autocomplete="off">
<label for="cvc">安全碼 CVC</label><input id="cvc" name="cvc" value="123" autocomplete="off">
<button type="submit">確認付款 Pay NT$ {order.amount:,}</button>
</form>
<div class="note"><p>測試卡號 Test card numbers (sandbox only, no money moves):</p><ul>{cards}</ul></div>"""
        return _page("Sandbox payment", body)

    @post("/pay/{order_no:str}", status_code=200)
    async def pay_submit(order_no: str, request: Request) -> Response:
        order = gw.orders.get(order_no)
        if order is None:
            return _page("Unknown order", "<p class='err'>Unknown order</p>", 404)
        if gw.status_of(order) != pay.PENDING:
            return Redirect(path=order.return_url, status_code=303)
        form = await request.form()
        card = "".join(ch for ch in str(form.get("card_number", "")) if ch.isdigit())
        if len(card) < 12 or not _luhn(card):
            return _page(
                "Card refused",
                "<p class='err'>卡號無效 Invalid card number</p>"
                "<p><a href='javascript:history.back()'>返回 Back</a></p>",
                400,
            )
        lost = False
        if card == CARD_SUCCESS:
            order.status, order.message = pay.PAID, "approved"
        elif card == CARD_TIMEOUT:
            order.status, order.message, lost = pay.PAID, "approved (notification lost)", True
        else:
            order.status, order.message = (
                pay.FAILED,
                "declined" if card == CARD_DECLINED else "declined: not a test card",
            )
        if order.status == pay.PAID:
            order.txn_id = "SBX" + secrets.token_hex(8).upper()
            order.paid_at = datetime.now(UTC).isoformat(timespec="seconds")
        log.info("order %s card ...%s -> %s", order.order_no, card[-4:], order.status)
        if lost:
            log.info("order %s: notification dropped (timeout card)", order.order_no)
        else:
            await gw.notify(order)
        return Redirect(path=order.return_url, status_code=303)

    @get("/api/orders", sync_to_thread=False)
    def query(request: Request) -> Response:
        fields = {k: v for k, v in request.query_params.items()}
        try:
            pay.verify(fields, gw.secret)
        except pay.InvalidMessage as exc:
            return Response(content={"error": exc.reason}, status_code=403)
        if fields.get("merchant_id") != gw.merchant_id:
            return Response(content={"error": "unknown merchant"}, status_code=403)
        order = gw.orders.get(fields.get("order_no", ""))
        answer: dict[str, Any] = {
            "merchant_id": gw.merchant_id,
            "order_no": fields.get("order_no", ""),
            "timestamp": int(time.time()),
        }
        if order is None:
            answer["status"] = pay.UNKNOWN
        else:
            answer.update(
                status=gw.status_of(order),
                amount=order.amount,
                currency=order.currency,
                txn_id=order.txn_id,
                paid_at=order.paid_at,
                message=order.message,
            )
        log.info("query %s -> %s", answer["order_no"], answer["status"])
        return Response(content=pay.signed(answer, gw.secret), headers={"Cache-Control": "no-store"})

    @post("/api/orders/cancel", status_code=200)
    async def cancel(request: Request) -> Response:
        """The merchant withdraws an order not paid yet: no card is taken for it afterwards."""
        fields = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            pay.verify(fields, gw.secret)
        except pay.InvalidMessage as exc:
            return Response(content={"error": exc.reason}, status_code=403)
        if fields.get("merchant_id") != gw.merchant_id:
            return Response(content={"error": "unknown merchant"}, status_code=403)
        order_no = fields.get("order_no", "")
        order = gw.orders.get(order_no)
        if order is None:  # never seen: keep a tombstone so the order can never be paid later
            order = gw.orders[order_no] = SandboxOrder(
                order_no, 0, "TWD", "", "", "", "", 0, status=pay.EXPIRED, message="cancelled by the merchant"
            )
        elif gw.status_of(order) == pay.PENDING:
            order.status, order.message = pay.EXPIRED, "cancelled by the merchant"
        log.info("cancel %s -> %s", order_no, gw.status_of(order))
        answer = {
            "merchant_id": gw.merchant_id,
            "order_no": order_no,
            "timestamp": int(time.time()),
            "status": gw.status_of(order),
            "amount": order.amount or "",
            "currency": order.currency,
            "txn_id": order.txn_id,
            "paid_at": order.paid_at,
            "message": order.message,
        }
        return Response(content=pay.signed(answer, gw.secret), headers={"Cache-Control": "no-store"})

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app = Litestar(
        route_handlers=[pay_page, pay_submit, query, cancel, health], openapi_config=None, debug=False
    )
    app.state.gateway = gw
    return app

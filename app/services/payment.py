"""Payment gateway adapter: a provider interface and the sandbox implementation.

The app trusts only what is signed with the shared secret (HMAC-SHA256 over the sorted fields,
compared in constant time) and recent (timestamps older than `MAX_AGE_SECONDS` are refused).
The browser's trip to the gateway and back never changes a payment: the gateway's
server-to-server notification does, or the app's own query of the order (to settle an order
whose notification never came).

A real provider (Taiwan's e-government payment platform, a card acquirer) is one more class
with the same four methods.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlencode

import httpx

from app.settings import settings

MAX_AGE_SECONDS = 300  # a notification or a query answer older (or newer) than this is refused
ORDER_TTL_SECONDS = 15 * 60  # the gateway takes no card after this; the order then expires

# Outcomes a gateway reports for one order.
PAID = "paid"
FAILED = "failed"
PENDING = "pending"
EXPIRED = "expired"
UNKNOWN = "unknown"
OUTCOMES = frozenset({PAID, FAILED, PENDING, EXPIRED, UNKNOWN})


class InvalidMessage(Exception):
    """A gateway message that is not signed by the gateway, not for us, malformed or too old."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class GatewayUnavailable(Exception):
    """The gateway did not answer a query."""


# --- signing ---------------------------------------------------------------------------------


def canonical(fields: Mapping[str, str]) -> bytes:
    """The sorted [key, value] pairs as compact JSON, without the signature itself: unambiguous, so a value
    containing separators cannot pose as other fields."""
    pairs = [[k, str(fields[k])] for k in sorted(fields) if k != "signature"]
    return json.dumps(pairs, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(fields: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), canonical(fields), hashlib.sha256).hexdigest()


def signed(fields: Mapping[str, object], secret: str) -> dict[str, str]:
    out = {k: str(v) for k, v in fields.items()}
    out["signature"] = sign(out, secret)
    return out


def verify(
    fields: Mapping[str, str], secret: str, *, now: float | None = None, max_age: int = MAX_AGE_SECONDS
) -> None:
    """Raises InvalidMessage unless the signature is right (constant time) and the timestamp recent."""
    given = fields.get("signature", "")
    if not given:
        raise InvalidMessage("unsigned")
    expected = sign(fields, secret)
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace")):
        raise InvalidMessage("bad signature")
    try:
        ts = int(fields.get("timestamp", ""))
    except ValueError:
        raise InvalidMessage("no timestamp") from None
    current = time.time() if now is None else now
    if abs(current - ts) > max_age:
        raise InvalidMessage("stale timestamp")


# --- the provider interface -------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    order_no: str
    amount: int
    currency: str
    method: str
    description: str
    return_url: str
    notify_url: str
    expires_at: datetime


@dataclass(frozen=True)
class GatewayResult:
    """What the gateway says about one order (from a notification or a query)."""

    order_no: str
    outcome: str  # paid | failed | pending | expired | unknown
    amount: int | None = None
    currency: str = ""
    txn_id: str = ""
    paid_at: datetime | None = None
    message: str = ""
    raw: dict[str, str] = field(default_factory=dict)


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, order: Order) -> str:
        """Where to send the browser: the gateway's page for this order, with the order signed."""
        ...

    def parse_notification(self, fields: Mapping[str, str]) -> GatewayResult:
        """A server-to-server notification, verified; raises InvalidMessage."""
        ...

    def acknowledgement(self, accepted: bool) -> str:
        """The body the gateway expects back."""
        ...

    async def query(self, order_no: str) -> GatewayResult:
        """Ask the gateway for an order's state (settles an order whose notification was lost)."""
        ...

    async def cancel(self, order_no: str) -> GatewayResult:
        """Withdraw an order not paid yet; answers the order's final state (paid if it was paid after all)."""
        ...


def _result_from(fields: Mapping[str, str]) -> GatewayResult:
    outcome = fields.get("status", "")
    if outcome not in OUTCOMES:
        raise InvalidMessage("unknown status")
    try:
        amount = int(fields["amount"]) if fields.get("amount") else None
    except ValueError:
        raise InvalidMessage("bad amount") from None
    paid_at = None
    if fields.get("paid_at"):
        try:
            paid_at = datetime.fromisoformat(fields["paid_at"])
        except ValueError:
            raise InvalidMessage("bad paid_at") from None
        if paid_at.tzinfo is None:
            paid_at = paid_at.replace(tzinfo=UTC)
    return GatewayResult(
        order_no=fields.get("order_no", ""),
        outcome=outcome,
        amount=amount,
        currency=fields.get("currency", ""),
        txn_id=fields.get("txn_id", ""),
        paid_at=paid_at,
        message=fields.get("message", "")[:200],
        raw=dict(fields),
    )


# Tests route the provider's HTTP calls to an in-process gateway (an httpx ASGI transport).
TRANSPORT: httpx.AsyncBaseTransport | None = None


class SandboxProvider:
    """The sandbox gateway that ships with the project (`python -m app.cli gateway`)."""

    name = "sandbox"

    def __init__(self, base_url: str, merchant_id: str, secret: str):
        self.base_url = base_url.rstrip("/")
        self.merchant_id = merchant_id
        self.secret = secret

    def checkout_url(self, order: Order) -> str:
        fields = signed(
            {
                "merchant_id": self.merchant_id,
                "order_no": order.order_no,
                "amount": order.amount,
                "currency": order.currency,
                "method": order.method,
                "description": order.description,
                "return_url": order.return_url,
                "notify_url": order.notify_url,
                "expires": int(order.expires_at.timestamp()),
                "timestamp": int(time.time()),
            },
            self.secret,
        )
        return f"{self.base_url}/pay?{urlencode(fields)}"

    def parse_notification(self, fields: Mapping[str, str]) -> GatewayResult:
        fields = {k: str(v) for k, v in fields.items()}
        verify(fields, self.secret)
        if not hmac.compare_digest(fields.get("merchant_id", "").encode(), self.merchant_id.encode()):
            raise InvalidMessage("wrong merchant")
        result = _result_from(fields)
        if result.outcome not in (PAID, FAILED) or not result.order_no:
            raise InvalidMessage("a notification reports paid or failed for one order")
        return result

    def acknowledgement(self, accepted: bool) -> str:
        return "1|OK" if accepted else "0|REFUSED"

    async def query(self, order_no: str) -> GatewayResult:
        return await self._call("GET", "/api/orders", order_no)

    async def cancel(self, order_no: str) -> GatewayResult:
        return await self._call("POST", "/api/orders/cancel", order_no)

    async def _call(self, method: str, path: str, order_no: str) -> GatewayResult:
        params = signed(
            {"merchant_id": self.merchant_id, "order_no": order_no, "timestamp": int(time.time())},
            self.secret,
        )
        try:
            async with httpx.AsyncClient(base_url=self.base_url, transport=TRANSPORT, timeout=5.0) as client:
                if method == "GET":
                    response = await client.get(path, params=params)
                else:
                    response = await client.post(path, data=params)
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(str(exc)) from exc
        if response.status_code != 200:
            raise GatewayUnavailable(f"HTTP {response.status_code}")
        try:
            fields = {k: str(v) for k, v in response.json().items()}
        except ValueError:
            raise InvalidMessage("not JSON") from None
        verify(fields, self.secret)
        if fields.get("order_no") != order_no or fields.get("merchant_id") != self.merchant_id:
            raise InvalidMessage("answer for another order")
        return _result_from(fields)


def get_provider() -> PaymentProvider:
    return SandboxProvider(
        settings.payment_gateway_url, settings.payment_merchant_id, settings.payment_secret
    )

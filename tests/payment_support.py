"""Factories and the in-process sandbox gateway for the payment tests."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from urllib.parse import parse_qsl, urlsplit

import httpx
from litestar.testing import AsyncTestClient

from app.actions.cases import after_transitions
from app.domain import numbering
from app.domain.workflow import Status
from app.services import payment as pay
from tables.tables import Application, Case

STUDENTS = [
    # name_zh, name_en, passport, birth, gender, nationality, enrollment
    ("山田花子", "YAMADA HANAKO", "TZ1234567", date(2004, 3, 9), "F", "JP", "A"),
    ("阮文安", "NGUYEN VAN AN", "C7654321", date(2003, 7, 21), "M", "VN", "R"),
    ("", "JOHN SMITH", "X77821345", date(2001, 11, 23), "M", "US", "A"),
]


async def make_group(
    school_id: int,
    account_id: int,
    seq: int = 1,
    members: int = 2,
    status: str = Status.AWAITING_PAYMENT,
    name: str = "2026 秋季核准",
) -> int:
    today = date.today()
    now = datetime.now(UTC)
    a = Application(
        group_no=numbering.group_no(today, "102", seq),
        business_line="foreign",
        kind="first",
        name=name,
        member_count=members,
        school=school_id,
        created_by=account_id,
        status="first_review",
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    await a.save()
    for j in range(members):
        zh, en, passport, born, gender, nat, enrol = STUDENTS[j % len(STUDENTS)]
        await Case(
            application=a.id,
            receipt_no=numbering.receipt_no(today, seq * 100 + j + 1),
            status=status,
            enrollment_status=enrol,
            name_zh=zh,
            name_en=en,
            passport_no=passport,
            birth_date=born,
            gender=gender,
            nationality=nat,
            ui_no="A800000014" if j == 0 else "",
            complete=True,
            address={"county": "臺北市", "district": "大安區", "street": "羅斯福路四段", "number": "1號"},
            submitted_at=now,
            created_at=now,
            updated_at=now,
        ).save()
    await after_transitions({(a.id, None)})  # as the workflow keeps it
    return a.id


@contextlib.asynccontextmanager
async def sandbox(app_client):
    """The sandbox gateway in process: it notifies the app under test, and the app queries it."""
    from app.sandbox_gateway import create_gateway

    gw_app = create_gateway(notify_transport=httpx.ASGITransport(app=app_client.app))
    pay.TRANSPORT = httpx.ASGITransport(app=gw_app)
    try:
        async with AsyncTestClient(app=gw_app, base_url="http://127.0.0.1:8001") as gw:
            gw.gateway = gw_app.state.gateway
            yield gw
    finally:
        pay.TRANSPORT = None


def gateway_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def order_of(location: str) -> str:
    return dict(parse_qsl(urlsplit(location).query))["order_no"]


async def pay_through(client, gw, group_ids: list[int], card: str, method: str = "card") -> str:
    """Start a payment in the app, pay at the sandbox with `card`; returns the order no."""
    r = await client.post_form(
        "/payment/start", {"group": [str(i) for i in group_ids], "method": method}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    page = await gw.get(gateway_path(location))
    assert page.status_code == 200 and "NT$" in page.text
    order_no = order_of(location)
    back = await gw.post(
        f"/pay/{order_no}",
        data={"card_number": card, "expiry": "12/30", "cvc": "123"},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert back.headers["location"].endswith(f"/payment/result/{order_no}")
    return order_no

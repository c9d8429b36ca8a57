"""線上繳費 through the sandbox gateway: success, failure, timeout then settlement by query; the notification
refused when forged, altered or late, and ignored when replayed; scope."""

from __future__ import annotations

import time

from app.domain.validators import is_ui_no_new
from app.domain.workflow import Status
from app.sandbox_gateway import CARD_DECLINED, CARD_SUCCESS, CARD_TIMEOUT
from app.services import payment as pay
from app.settings import settings
from tables.tables import Case, Payment, PaymentEvent, Permit, Receipt, ReviewEvent
from tests.payment_support import make_group, pay_through, sandbox
from tests.support import make_school_with_accounts


async def _setup(client, members: int = 2) -> tuple[dict, int]:
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=members)
    await client.login("03734301")
    return ids, gid


async def _statuses(gid: int) -> list[str]:
    return [
        c["status"]
        for c in await Case.select(Case.status).where(Case.application == gid).order_by(Case.receipt_no)
    ]


async def test_list_detail_and_method_pages_show_the_fees(client):
    _ids, gid = await _setup(client)
    r = await client.get("/payment")
    assert r.status_code == 200
    assert "線上繳費 - 列表" in r.text and "2026 秋季核准" in r.text and "居留證" in r.text
    assert "115696500101 - 115696500102" in r.text or " - " in r.text
    r = await client.get(f"/payment/detail?group={gid}")
    assert r.status_code == 200
    assert "2000" in r.text and "繳費成功後，將不退費" in r.text and "確認繳費" in r.text
    r = await client.get(f"/payment/method?group={gid}")
    assert "國際信用卡網路繳費" in r.text and "E政府繳費平台繳費" in r.text and "外加新台幣15元/筆" in r.text
    r = await client.get("/payment/detail")
    assert r.status_code == 400 and "請勾選" in r.text


async def test_success_moves_cases_and_issues_receipt_and_certificate(client):
    _ids, gid = await _setup(client)
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [gid], CARD_SUCCESS)
    r = await client.get(f"/payment/result/{order_no}")
    assert "交易成功" in r.text and "2000" in r.text and "下載專區" in r.text
    # A (admitted, not registered) -> 已核發 with the e-certificate; R (registered) -> 待製證.
    assert await _statuses(gid) == [Status.ISSUED, Status.CARD_PRODUCTION]
    p = await Payment.select().where(Payment.order_no == order_no).first()
    assert p["status"] == "paid" and p["amount"] == 2000 and p["gateway_txn_id"].startswith("SBX")
    receipts = await Receipt.select().output(load_json=True)
    assert (
        len(receipts) == 1
        and receipts[0]["amount"] == 2000
        and receipts[0]["amount_words"] == "新臺幣貳仟元整"
    )
    assert receipts[0]["payer"].count("~") == 1
    permits = await Permit.select().output(load_json=True)
    assert len(permits) == 1 and permits[0]["content"]["name_en"] == "YAMADA HANAKO"
    # The certificate gives the student a 統一證號 (new format), by which the renewal finds it later.
    ui = permits[0]["content"]["ui_no"]
    assert is_ui_no_new(ui)
    assert (await Case.select(Case.ui_no).where(Case.id == permits[0]["case"]).first())["ui_no"] == ui
    actions = [e["action"] for e in await ReviewEvent.select(ReviewEvent.action).order_by(ReviewEvent.id)]
    assert actions == ["record_payment", "issue_e_certificate", "record_payment", "await_card"]
    steps = [e["step"] for e in await PaymentEvent.select(PaymentEvent.step).order_by(PaymentEvent.id)]
    assert steps[:2] == ["created", "redirect"] and "notify" in steps and "issue" in steps
    # Nothing left to pay.
    r = await client.get("/payment")
    assert "2026 秋季核准" not in r.text


async def test_declined_card_changes_nothing_and_can_pay_again(client):
    _ids, gid = await _setup(client)
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [gid], CARD_DECLINED)
        r = await client.get(f"/payment/result/{order_no}")
        assert "交易失敗" in r.text
        assert await _statuses(gid) == [Status.AWAITING_PAYMENT] * 2
        assert await Receipt.count() == 0
        again = await pay_through(client, gw, [gid], CARD_SUCCESS)
    assert again != order_no
    assert await _statuses(gid) == [Status.ISSUED, Status.CARD_PRODUCTION]


async def test_timeout_then_settled_by_query(client):
    _ids, gid = await _setup(client)
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [gid], CARD_TIMEOUT)
        assert gw.gateway.notifications == []  # the notification was lost
        r = await client.get(f"/payment/result/{order_no}")
        assert "尚未收到" in r.text and "查詢交易結果" in r.text
        assert await _statuses(gid) == [Status.AWAITING_PAYMENT] * 2
        # While it is pending, the group cannot be paid a second time.
        dup = await client.post_form("/payment/start", {"group": str(gid), "method": "card"})
        assert dup.status_code == 400 and "處理中" in dup.text
        r = await client.post_form(f"/payment/result/{order_no}/query", {})
    assert "交易成功" in r.text
    assert await _statuses(gid) == [Status.ISSUED, Status.CARD_PRODUCTION]
    steps = [e["step"] for e in await PaymentEvent.select(PaymentEvent.step)]
    assert "query" in steps


async def test_browser_return_alone_changes_nothing(client):
    _ids, gid = await _setup(client)
    r = await client.post_form(
        "/payment/start", {"group": str(gid), "method": "card"}, follow_redirects=False
    )
    order_no = r.headers["location"].split("order_no=")[1].split("&")[0]
    r = await client.get(f"/payment/result/{order_no}?status=paid")
    assert "交易成功" not in r.text
    assert await _statuses(gid) == [Status.AWAITING_PAYMENT] * 2


async def _notify(client, fields: dict):
    return await client.post("/payment/notify", data=fields)


async def test_forged_altered_late_refused_and_replay_ignored(client):
    _ids, gid = await _setup(client)
    async with sandbox(client) as gw:
        r = await client.post_form(
            "/payment/start", {"group": str(gid), "method": "card"}, follow_redirects=False
        )
        order_no = r.headers["location"].split("order_no=")[1].split("&")[0]
        base = {
            "merchant_id": settings.payment_merchant_id,
            "order_no": order_no,
            "status": "paid",
            "amount": "2000",
            "currency": "TWD",
            "method": "card",
            "txn_id": "SBXFORGED",
            "paid_at": "",
            "message": "",
            "timestamp": str(int(time.time())),
        }
        # Forged: signed with another key.
        forged = pay.signed(base, "not-the-secret")
        assert (await _notify(client, forged)).status_code == 400
        # Unsigned.
        assert (await _notify(client, base)).status_code == 400
        # Altered: a correctly signed notice with its amount changed afterwards.
        altered = pay.signed({**base, "amount": "2000"}, settings.payment_secret) | {"amount": "1"}
        assert (await _notify(client, altered)).status_code == 400
        # Late: correctly signed, but ten minutes old.
        late = pay.signed({**base, "timestamp": str(int(time.time()) - 600)}, settings.payment_secret)
        assert (await _notify(client, late)).status_code == 400
        # Wrong merchant.
        other = pay.signed({**base, "merchant_id": "SOMEONE"}, settings.payment_secret)
        assert (await _notify(client, other)).status_code == 400
        assert await _statuses(gid) == [Status.AWAITING_PAYMENT] * 2
        assert (await Payment.select().first())["status"] == "pending"
        refused = await PaymentEvent.select().where(PaymentEvent.result == "refused")
        assert len(refused) == 5
        # The real payment, then its notification replayed: accepted as a duplicate, nothing changes.
        await gw.get(r.headers["location"].split("8001", 1)[1])
        await gw.post(f"/pay/{order_no}", data={"card_number": CARD_SUCCESS}, follow_redirects=False)
        real = gw.gateway.notifications[0]
        events = await ReviewEvent.count()
        for _ in range(3):
            again = await _notify(client, real)
            assert again.status_code == 200 and again.text == "1|OK"
        assert await ReviewEvent.count() == events
        assert await Receipt.count() == 1 and await Permit.count() == 1
        dups = await PaymentEvent.select().where(PaymentEvent.result == "duplicate")
        assert len(dups) == 3


async def test_signed_notice_with_wrong_amount_is_flagged_not_paid(client):
    _ids, gid = await _setup(client)
    r = await client.post_form(
        "/payment/start", {"group": str(gid), "method": "card"}, follow_redirects=False
    )
    order_no = r.headers["location"].split("order_no=")[1].split("&")[0]
    notice = pay.signed(
        {
            "merchant_id": settings.payment_merchant_id,
            "order_no": order_no,
            "status": "paid",
            "amount": "1",
            "currency": "TWD",
            "txn_id": "SBX1",
            "timestamp": int(time.time()),
        },
        settings.payment_secret,
    )
    assert (await _notify(client, notice)).status_code == 400
    assert (await Payment.select().first())["status"] == "flagged"
    assert await _statuses(gid) == [Status.AWAITING_PAYMENT] * 2


async def test_other_school_and_other_sub_account_see_nothing(client):
    ids, gid = await _setup(client)
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [gid], CARD_SUCCESS)
    permit_no = (await Permit.select(Permit.permit_no).first())["permit_no"]
    receipt_no = (await Receipt.select(Receipt.receipt_no).first())["receipt_no"]
    await client.post_form("/logout", {})
    await client.login("03734301-01")  # a sub-account: only what it created itself
    for url in (
        f"/payment/result/{order_no}",
        f"/downloads/certificates/{permit_no}/pdf",
        f"/downloads/receipts/{receipt_no}/pdf",
        f"/downloads/certificates/group/{gid}/zip",
    ):
        assert (await client.get(url)).status_code == 404, url
    r = await client.get("/downloads/receipts?group_no=&receipt_no=&paid_from=&paid_to=")
    assert receipt_no not in r.text
    # Someone else's group cannot be paid for.
    r = await client.post_form("/payment/start", {"group": str(gid), "method": "card"})
    assert r.status_code == 404


async def test_left_the_gateway_then_cancelled_and_paid_again(client):
    _ids, gid = await _setup(client)
    async with sandbox(client) as gw:
        r = await client.post_form(
            "/payment/start", {"group": str(gid), "method": "card"}, follow_redirects=False
        )
        location = r.headers["location"]
        order_no = location.split("order_no=")[1].split("&")[0]
        await gw.get(location.split("8001", 1)[1])  # the card form was shown, then the school went back
        r = await client.get(f"/payment/result/{order_no}")
        assert "取消此筆交易" in r.text
        r = await client.post_form(f"/payment/result/{order_no}/cancel", {})
        assert "此筆交易已取消" in r.text
        # The gateway takes no card for the cancelled order.
        late = await gw.post(f"/pay/{order_no}", data={"card_number": CARD_SUCCESS}, follow_redirects=False)
        assert late.status_code == 303 and gw.gateway.notifications == []
        assert await _statuses(gid) == [Status.AWAITING_PAYMENT] * 2
        await pay_through(client, gw, [gid], CARD_SUCCESS)
    assert await _statuses(gid) == [Status.ISSUED, Status.CARD_PRODUCTION]

"""Issue 12 item 14: wording slips seen on screens, in what the user receives."""

from __future__ import annotations

import re

from app.domain import addresses
from app.sandbox_gateway import CARD_DECLINED, CARD_SUCCESS
from tables.tables import Permit
from tests.payment_support import make_group, pay_through, sandbox
from tests.support import make_school_with_accounts
from tests.web.test_payment_documents import pdf_text


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_ic_card_page_says_where_the_receipt_is_in_a_whole_sentence(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.get("/downloads/ic-card-pickup")
    text = _text(r.text)
    assert "收據請至 收據下載 下載。" in text and "請於 收據下載" not in text
    assert "內政部移民署服務站聯絡資訊" in text
    client.cookies.set("lang", "en")
    text = _text((await client.get("/downloads/ic-card-pickup")).text)
    assert "Download the receipt under Receipts ." in text


async def test_a_declined_card_is_said_in_words_not_as_a_code(client):
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=1)
    await client.login("03734301")
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [gid], CARD_DECLINED)
    r = await client.get(f"/payment/result/{order_no}")
    assert "交易失敗" in r.text and "發卡銀行拒絕此筆交易" in r.text
    assert "declined" not in r.text
    client.cookies.set("lang", "en")
    r = await client.get(f"/payment/result/{order_no}")
    assert "The card was declined by its bank." in r.text and "(declined)" not in r.text


async def test_the_english_note_of_the_certificate_says_what_the_chinese_says(client, tmp_path):
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=1)
    await client.login("03734301")
    async with sandbox(client) as gw:
        await pay_through(client, gw, [gid], CARD_SUCCESS)
    permit = await Permit.select().first()
    r = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    text = " ".join(pdf_text(r.content, tmp_path, "permit.pdf").split())
    assert "employment authorization" not in text
    assert "Resident Certificate (IC card)" in text and "extension of the residency" in text


async def test_english_form_labels_use_english_punctuation(client):
    await make_school_with_accounts()
    client.cookies.set("lang", "en")
    page = await client.get("/login")
    assert "(required)" in page.text and "（required）" not in page.text
    await client.login("03734301")
    r = await client.post_form(
        "/account/password", {"current_password": "wrong", "new_password": "x", "confirm_password": "y"}
    )
    assert r.status_code == 400
    assert "：" not in _text(r.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0])
    assert "Error: " in r.text and "Error：" not in r.text
    # The Chinese pages keep full-width punctuation.
    client.cookies.set("lang", "zh_Hant_TW")
    r = await client.post_form(
        "/account/password", {"current_password": "wrong", "new_password": "x", "confirm_password": "y"}
    )
    assert "錯誤：" in r.text and "（必填）" in r.text


def test_postal_district_names_have_no_typos():
    assert "Hsinchu County" in [c.en for c in addresses.counties()]
    assert "Wanhua District" in [d.district_en for d in addresses.districts_of("臺北市")]
    text = addresses._DATA.read_text(encoding="utf-8")
    assert "Disrict" not in text and "HsinChu" not in text


def test_group_size_mismatch_has_no_plural_slip():
    from app.domain import applicant
    from app.i18n import use_locale

    with use_locale("en"):
        problems = [str(p) for p in applicant.submit_problems(member_count=1, applicants=2, incomplete=0)]
    assert "Group members: 1; applicants entered: 2. The two must be the same." in problems
    assert not any("1 members" in p for p in problems)


async def test_captcha_hint_does_not_say_the_picture_is_on_the_right(client):
    page = await client.get("/login")
    assert "請輸入圖片中的字元" in page.text and "右邊" not in page.text

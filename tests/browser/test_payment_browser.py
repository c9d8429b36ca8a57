"""Pay for a group in a real browser through the sandbox gateway (its own server), then download the group's
receipt and certificates."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import demo_server, login, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pay_server():
    """The app with demo data and the sandbox gateway beside it, each on its own port."""
    with demo_server("arc-pay-browser-", gateway=True) as base:
        yield base


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pay_for_a_group_then_download_its_receipt_and_certificates(pay_server, page, tmp_path):
    base = pay_server
    login(page, base)
    page.wait_for_url(base + "/")
    page.goto(base + "/payment")
    expect(page.locator("h1")).to_have_text("線上繳費 - 列表")
    row = page.locator("tr", has_text="2026 春季錄取新生")
    group_no = row.locator("td").nth(1).inner_text()
    row.locator("input[name=group]").check()
    page.get_by_role("button", name="付款").click()
    expect(page.locator("h1")).to_have_text("線上繳費 - 明細")
    expect(page.locator(".pay-summary")).to_contain_text("2000")
    page.get_by_role("button", name="確認繳費").click()
    expect(page.locator("h1")).to_have_text("線上繳費 - 繳費方式選擇")
    page.get_by_label("國際信用卡網路繳費").check()
    shot(page, "payment-method-zh")
    page.get_by_role("button", name="開始繳費").click()

    # The sandbox gateway (another server): the card form.
    expect(page.locator("h1")).to_have_text("付款 Payment")
    expect(page.locator("body")).to_contain_text("NT$ 2,000")
    page.fill("#card", "4242 4242 4242 4242")
    page.get_by_role("button", name="確認付款 Pay NT$ 2,000").click()

    # Back in the app: the result.
    page.wait_for_url(f"{base}/payment/result/*")
    expect(page.locator(".pay-ok")).to_contain_text("交易成功")
    expect(page.locator(".pay-result")).to_contain_text("新臺幣NT$ 2000")
    shot(page, "payment-result-zh")

    # 下載專區: the group's certificates as a ZIP, and one certificate.
    page.get_by_role("link", name="[首頁 > 下載專區 > 外生與外僑生六個月居留證下載]").click()
    cert_row = page.locator("tr", has_text=group_no)
    with page.expect_download() as zipped:
        cert_row.get_by_role("link", name="下載").click()
    zpath = tmp_path / "group.zip"
    zipped.value.save_as(zpath)
    names = zipfile.ZipFile(zpath).namelist()
    assert len(names) == 2 and all(n.endswith("r.pdf") for n in names)
    with page.expect_download() as one:
        page.get_by_role("link", name="SATO KEN").click()
    cert = tmp_path / "cert.pdf"
    one.value.save_as(cert)
    text = _pdf_text(cert)
    assert "中華民國居留證" in text and "SATO KEN" in text and "佐藤健" in text and "TK8812345" in text

    # 收據下載: search by the group number, download its receipt.
    page.goto(base + "/downloads/receipts")
    page.fill("#f-group_no", group_no)
    page.get_by_role("button", name="查詢").click()
    expect(page.locator("#receipt-list")).to_be_visible()
    shot(page, "receipts-zh")
    with page.expect_download() as rec:
        page.locator("tr", has_text=group_no).get_by_role("link", name="下載").click()
    receipt = tmp_path / "receipt.pdf"
    rec.value.save_as(receipt)
    text = _pdf_text(receipt)
    assert "自行收納款項電子收據" in text and "貳仟元整" in text and f"團號：{group_no}" in text

    # Paid: the group is no longer on the payment list.
    page.goto(base + "/payment")
    expect(page.locator("main")).not_to_contain_text("2026 春季錄取新生")

"""The login page's 附件下載 (five documents, each opened as the user would) and 環境檢查, in both languages."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import openpyxl
import pytest

from app.actions import fees as fee_actions
from app.services import login_documents
from app.services.sessions import now
from tests.review_factories import actor, make_reviewers


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


async def test_login_page_lists_the_five_downloads_and_the_environment_check(client):
    r = await client.get("/login")
    assert r.status_code == 200
    for slug in (
        "mainland-instructions",
        "mainland-guarantee",
        "mainland-power-of-attorney",
        "mainland-roster",
        "foreign-students-guide",
    ):
        assert f'href="/attachments/{slug}"' in r.text
    assert "附件下載" in r.text and "保證書(陸生就學專用)" in r.text and "外生與外僑生說明" in r.text
    assert 'href="/environment-check"' in r.text and "環境檢查" in r.text
    assert "花蓮縣服務站" in r.text and "(03)833-0007" in r.text and "學位生" in r.text
    client.cookies.set("lang", "en")
    r = await client.get("/login")
    assert "Attachments to download" in r.text and "Letter of guarantee (mainland students)" in r.text
    assert "Hualien County Service Center" in r.text


async def test_instructions_pdf_lists_documents_and_the_fees_in_force(client):
    r = await client.get("/attachments/mainland-instructions")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf")
    assert "attachment" in r.headers["content-disposition"]
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    text = pdf_text(r.content)
    assert "大陸地區人民進入臺灣地區就學線上申辦送件須知" in text
    assert "每人新臺幣600元" in text and "每人新臺幣1,000元" in text
    assert "大陸居民身分證(正反面)" in text and "復學證明" in text and "花蓮縣服務站" in text
    # A supervisor's fee change shows in the next download.
    ids = await make_reviewers()
    await fee_actions.change_fee(
        actor(ids["supervisor"], "supervisor"), "mainland_single", "first", 650, now().date(), "調整"
    )
    text = pdf_text((await client.get("/attachments/mainland-instructions")).content)
    assert "每人新臺幣650元" in text and "每人新臺幣600元" not in text
    future = now().date() + timedelta(days=30)
    await fee_actions.change_fee(
        actor(ids["supervisor"], "supervisor"), "mainland_single", "first", 700, future, "明年"
    )
    assert "每人新臺幣650元" in pdf_text((await client.get("/attachments/mainland-instructions")).content)


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("mainland-guarantee", ["保證書", "陸生就學專用", "強制出境", "學校印信及負責人簽章"]),
        ("mainland-power-of-attorney", ["委託書", "陸生就學專用", "委託人簽名"]),
        (
            "foreign-students-guide",
            ["外生與外僑生說明", "Guideforforeignandoverseas", "Passport", "NT$1,000"],
        ),
    ],
)
async def test_pdf_attachments_open_with_their_text(client, slug, expected):
    r = await client.get(f"/attachments/{slug}")
    assert r.status_code == 200
    text = pdf_text(r.content)
    for part in expected:
        assert part in text, part


async def test_roster_attachment_is_an_excel_workbook_with_the_columns(client):
    r = await client.get("/attachments/mainland-roster")
    assert r.status_code == 200 and r.headers["content-type"].startswith(login_documents.XLSX)
    assert ".xlsx" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb["名冊"]
    assert ws["A1"].value == "大陸地區人民申請來臺就讀大學名冊 - 限保證費用"
    headers = [c.value for c in ws[3]]
    assert headers[:6] == ["項次", "中文姓名", "漢語拼音", "性別", "出生日期(YYYYMMDD)", "大陸居民身分證號碼"]
    assert ws["F4"].number_format == "@"  # identifiers stay text
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"男,女"' in lists and '"本人,配偶,子女"' in lists


async def test_unknown_attachment_is_not_found(client):
    r = await client.get("/attachments/nothing-here")
    assert r.status_code == 404


async def test_environment_check_page_in_both_languages(client):
    r = await client.get("/environment-check", headers={"user-agent": "TestBrowser/1.0 <x>"})
    assert r.status_code == 200
    assert "環境檢查" in r.text and "憑證元件" in r.text and "/static/js/environment-check.js" in r.text
    assert "TestBrowser/1.0 &lt;x&gt;" in r.text  # shown, escaped
    assert 'data-signer-url="http' in r.text
    client.cookies.set("lang", "en")
    r = await client.get("/environment-check")
    assert "Environment check" in r.text and "Certificate component" in r.text

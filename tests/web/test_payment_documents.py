"""Receipts and six-month e-certificates: PDF text (pdftotext), the group ZIP, the public verification page,
and the card collection at the desk."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.actions import review
from app.domain.money import add_months, roc_date
from app.domain.workflow import IllegalTransition, Status
from app.i18n import TAIPEI
from app.sandbox_gateway import CARD_SUCCESS
from tables.tables import Case, Permit, Receipt
from tests.payment_support import make_group, pay_through, sandbox
from tests.support import make_school_with_accounts

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    assert data.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def png(pdf: Path, stem: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(stem)], check=True)


async def _paid(client, members: int = 1) -> int:
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=members)
    await client.login("03734301")
    async with sandbox(client) as gw:
        await pay_through(client, gw, [gid], CARD_SUCCESS)
    return gid


async def test_receipt_and_certificate_pdfs_carry_the_issued_data(client, tmp_path):
    from datetime import datetime

    gid = await _paid(client, members=1)
    today = datetime.now(TAIPEI).date()
    receipt = await Receipt.select().first()
    case = await Case.select().where(Case.application == gid).first()
    r = await client.get(f"/downloads/receipts/{receipt['receipt_no']}/pdf")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf")
    assert "attachment" in r.headers["content-disposition"] and r.headers["cache-control"] == "no-store"
    text = pdf_text(r.content, tmp_path, "receipt.pdf")
    for expected in (
        "內政部移民署",
        "自行收納款項電子收據",
        f"外字第 {receipt['receipt_no']}號",
        roc_date(today),
        f"{case['receipt_no']} ~ {case['receipt_no']}",
        "0508580102-1 證照費",
        "1000",
        "申請證照費",
        "壹仟元整",
        "主辦出納",
        "主辦會計",
        "署長",
        "不退費",
    ):
        assert expected in text, expected
    assert (await Receipt.select(Receipt.group_no).first())["group_no"] in text

    permit = await Permit.select().first()
    r = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    assert r.status_code == 200
    assert f"{case['receipt_no']}r.pdf" in r.headers["content-disposition"]
    text = pdf_text(r.content, tmp_path, "permit.pdf")
    expiry = permit["expires_on"]
    for expected in (
        "中華民國居留證",
        "Resident Certificate",
        "ARC",
        "山田花子",
        "YAMADA HANAKO",
        "TZ1234567",
        "09 Mar 2004",
        "Female",
        "日本",
        "A800000014",
        "臺北市大安區羅斯福路四段1號",
        expiry.strftime("%Y%m%d"),
        "主管機關保留廢止本證之權利",
        "REVOKE THIS ARC",
    ):
        assert expected in text, expected
    assert permit["issued_on"] == today and expiry == add_months(today, 6) - timedelta(days=1)
    # Stored once: the second download is the same file.
    again = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    assert again.content == r.content
    # One page as PNG, kept for a person to look at.
    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / "permit.pdf").write_bytes(r.content)
    png(tmp_path / "permit.pdf", ARTIFACTS / "permit-page")
    assert (ARTIFACTS / "permit-page.png").stat().st_size > 10_000


async def test_group_zip_and_the_download_lists(client):
    gid = await _paid(
        client, members=3
    )  # two admitted (A) students get a certificate, the registered one not
    r = await client.get(f"/downloads/certificates/group/{gid}/zip")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/zip")
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    cases = await Case.select(Case.receipt_no).where(Case.enrollment_status == "A").order_by(Case.receipt_no)
    assert sorted(names) == sorted(f"{c['receipt_no']}r.pdf" for c in cases)
    r = await client.get("/downloads/certificates?group_no=&paid_from=&paid_to=")
    assert "外生六個月居留證下載 - 列表" in r.text and f"/downloads/certificates/group/{gid}/zip" in r.text
    r = await client.get("/downloads/certificates?group_no=999999999")
    assert "查無符合條件之居留證" in r.text
    receipt = await Receipt.select().first()
    r = await client.get("/downloads/receipts?group_no=&receipt_no=&paid_from=&paid_to=")
    assert receipt["receipt_no"] in r.text
    r = await client.get(f"/downloads/receipts?receipt_no={cases[0]['receipt_no']}")
    assert receipt["receipt_no"] in r.text
    r = await client.get("/downloads/receipts?paid_from=2001/01/01&paid_to=2001/01/31")
    assert "查無符合條件之收據" in r.text
    r = await client.get("/downloads/receipts?paid_from=2001/13/01")
    assert r.status_code == 400 and "YYYY/MM/DD" in r.text
    r = await client.get("/downloads/ic-card-pickup")
    assert "繳費收據(這是最重要的)" in r.text and "已領證" in r.text


async def test_verification_page_genuine_unknown_expired(client):
    await _paid(client, members=1)
    permit = await Permit.select().output(load_json=True).first()
    receipt = await Receipt.select().output(load_json=True).first()
    anonymous = client  # the page is public: log out first
    await anonymous.post_form("/logout", {})
    code = permit["content"]["verify_code"]
    r = await anonymous.get(f"/verify/{permit['permit_no']}?code={code}")
    assert r.status_code == 200 and "真實有效" in r.text and "Y***** H*****" in r.text
    assert "YAMADA HANAKO" not in r.text and "TZ1234567" not in r.text
    r = await anonymous.get(f"/verify/{receipt['receipt_no']}?code={receipt['content']['verify_code']}")
    assert "真實有效" in r.text and "自行收納款項電子收據" in r.text
    r = await anonymous.get(f"/verify/{permit['permit_no']}?code=WRONGCODE2")
    assert "查無此文件" in r.text and "真實有效" not in r.text
    r = await anonymous.get("/verify/E999999999999?code=ABCDEFGHJK")
    assert "查無此文件" in r.text
    await Permit.update({Permit.expires_on: date.today() - timedelta(days=1)}).where(
        Permit.id == permit["id"]
    )
    r = await anonymous.get(f"/verify?number={permit['permit_no']}&code={code}")
    assert "已逾期" in r.text and "真實有效" not in r.text


async def test_card_collected_checks_receipt_number_and_passport(client):
    """The seed's IC卡居留證領取說明: the desk finds the card by the receipt, whose payer is the group's
    收件號 range, and hands it over against the holder's passport (issue 12, item 6)."""
    from tests.review_factories import actor as reviewer_actor
    from tests.review_factories import make_reviewers

    gid = await _paid(client, members=2)
    registered = (
        await Case.select().where((Case.application == gid) & (Case.enrollment_status == "R")).first()
    )
    assert registered["status"] == Status.CARD_PRODUCTION
    users = await make_reviewers()
    desk = reviewer_actor(users["reviewer1"], "reviewer1")
    made = await review.card_made(desk, registered["id"], registered["version"])
    receipt_no = (await Receipt.select(Receipt.receipt_no).where(Receipt.application == gid).first())[
        "receipt_no"
    ]
    version = (await Case.select(Case.version).where(Case.id == registered["id"]).first())["version"]
    with pytest.raises(review.ReviewError):
        await review.card_collected(desk, registered["id"], version, receipt_no, passport_no="X0000000")
    with pytest.raises(review.ReviewError):
        await review.card_collected(desk, registered["id"], version, "999999999999", passport_no="C7654321")
    # The receipt prints the group's 收件號 range as its payer; the applicant's name is not asked for.
    with pytest.raises(review.ReviewError):
        await review.card_collected(desk, registered["id"], version, receipt_no, passport_no="")
    await review.card_collected(desk, registered["id"], version, receipt_no, passport_no="c765 4321")
    assert (await Case.select(Case.status).where(Case.id == registered["id"]).first())[
        "status"
    ] == Status.COLLECTED
    receipt = await Receipt.select().where(Receipt.receipt_no == receipt_no).output(load_json=True).first()
    assert registered["receipt_no"] in receipt["collected"]
    with pytest.raises((review.ReviewError, review.Conflict, IllegalTransition)):  # not twice
        await review.card_collected(desk, registered["id"], version + 1, receipt_no, passport_no="C7654321")
    assert made is not None


async def test_permit_download_lists_each_issued_permit_in_scope(client):
    gid = await _paid(client, members=2)
    permit = await Permit.select().where(Permit.application == gid).first()
    page = await client.get("/downloads/permits")
    assert page.status_code == 200 and "許可證下載" in page.text
    assert permit["permit_no"] in page.text
    pdf = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    # Another school's clerk sees none of it.
    await client.post_form("/logout")
    from tests.support import make_account, make_school

    other = await make_school(name="別的大學", business_no="03734317")
    await make_account("03734317", other, main=True)
    await client.login("03734317")
    page = await client.get("/downloads/permits")
    assert permit["permit_no"] not in page.text and "目前尚無" in page.text

"""Issue 14, around the 陸生 and 港澳生 lines: the dashboard's five tabs, the fee from master data with its
核發證別, the permit of each type (PDF with photo and QR verification), the 港澳僑生居留入出境查驗表, the
review desk by line and the decision e-mails naming the permit type."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from app.actions import review
from app.domain import offerings
from app.domain.workflow import Status
from app.i18n import TAIPEI
from app.sandbox_gateway import CARD_SUCCESS
from tables.tables import Account, Case, FeeRate, Payment, Permit, Receipt
from tests.line_support import make_line_group, per_person
from tests.payment_support import pay_through, sandbox
from tests.review_factories import actor, admin_session, case_row, make_reviewers
from tests.support import make_school_with_accounts
from tests.web.test_review_mail import smtp  # noqa: F401  (the fixture: a real SMTP server)


def _pdf(data: bytes, tmp_path: Path, name: str, *args: str) -> str:
    assert data.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _images(data: bytes, tmp_path: Path, name: str) -> list[list[str]]:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _row(html: str, marker: str) -> str:
    """The table row holding `marker`."""
    for row in re.findall(r"<tr>.*?</tr>", html, re.S):
        if marker in row:
            return row
    raise AssertionError(f"no row with {marker}")


async def test_mainland_single_group_reviewed_paid_600_each_and_its_single_entry_permit_downloaded(
    client,
    smtp,  # noqa: F811
    tmp_path,
):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    await Account.update({Account.language: "en"}).where(Account.id == ids["main"])
    g = await make_line_group(
        ids["school"],
        ids["main"],
        "mainland_single",
        "first",
        ["first_review", "first_review"],
        name="陸生秋季",
        travel_permit_no="T12345678",
    )
    # The review: first review by one reviewer, the approval by another (four eyes).
    for case_id in g["cases"]:
        c = await case_row(case_id)
        await review.pass_first_review(actor(users["reviewer1"], "reviewer1"), case_id, c["version"])
        c = await case_row(case_id)
        await review.approve(actor(users["reviewer2"], "reviewer2"), case_id, c["version"])
    fee = per_person("mainland_single", "first")
    assert fee == 600
    # The approval mails are in the submitter's language (English here) and name the permit type.
    bodies = [m.get_content() for _to, m in smtp.messages]
    assert bodies and all("Permit type: Single-entry permit" in b for b in bodies)
    assert "Amount due: NT$600" in bodies[0]

    await client.login("03734301")
    r = await client.get("/payment")
    row = _row(r.text, g["group_no"])
    assert "單次證" in row
    r = await client.get(f"/payment/detail?group={g['application']}")
    assert "1200" in r.text.replace(",", "") and "單次證" in r.text
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [g["application"]], CARD_SUCCESS)
    p = await Payment.select().where(Payment.order_no == order_no).first()
    assert p["status"] == "paid" and p["amount"] == 2 * fee
    # Every paid case gets its single-entry permit (registered or not: the permit is the way in).
    statuses = [
        c["status"] for c in await Case.select(Case.status).where(Case.application == g["application"])
    ]
    assert statuses == [Status.ISSUED, Status.ISSUED]

    receipt = (
        await Receipt.select().where(Receipt.application == g["application"]).output(load_json=True).first()
    )
    assert receipt["amount"] == 1200
    r = await client.get(f"/downloads/receipts/{receipt['receipt_no']}/pdf")
    text = _pdf(r.content, tmp_path, "receipt.pdf")
    assert "單次證" in text and "1200" in text and "壹仟貳佰元整" in text

    r = await client.get("/downloads/permits")
    assert r.status_code == 200
    permits = await Permit.select().where(Permit.application == g["application"]).output(load_json=True)
    assert len(permits) == 2
    first = permits[0]
    assert "單次證" in _row(r.text, first["permit_no"])
    pdf = await client.get(f"/downloads/certificates/{first['permit_no']}/pdf")
    assert pdf.status_code == 200
    text = _pdf(pdf.content, tmp_path, "single.pdf")
    assert "臺灣地區入出境許可證（單次）" in text and "Single Entry" in text
    assert "中華民國居留證" not in text
    assert "往來台灣通行證號碼" in text and "T12345678" in text  # the document travelled on
    assert first["content"]["verify_code"] in text
    issued = datetime.now(TAIPEI).date()
    assert (first["expires_on"] - issued).days in range(180, 185)  # six months
    assert _images(pdf.content, tmp_path, "single-img.pdf"), "the photo is in the permit"
    # The six-month resident certificates' page is not where an entry permit is listed.
    r = await client.get(f"/downloads/certificates?group_no={g['group_no']}")
    assert r.status_code == 200 and first["permit_no"] not in r.text
    # The QR code's verification page knows it as a single-entry permit.
    r = await client.get(f"/verify/{first['permit_no']}?code={first['content']['verify_code']}")
    assert "電子許可證（單次證）" in r.text and "目前有效" in r.text


async def test_multiple_entry_and_hkmo_fees_from_master_data_and_their_documents(client, tmp_path):
    ids = await make_school_with_accounts()
    multi = await make_line_group(
        ids["school"], ids["main"], "mainland_multiple", "first", ["awaiting_payment"], name="陸生多次證團"
    )
    hkmo = await make_line_group(
        ids["school"],
        ids["main"],
        "hkmo",
        "first",
        ["awaiting_payment", "awaiting_payment"],
        name="港澳生團",
        enrollment="A",
        identity_no="A123456(3)",
    )
    await client.login("03734301")
    r = await client.get("/payment")
    multi_row, hkmo_row = _row(r.text, multi["group_no"]), _row(r.text, hkmo["group_no"])
    assert "多次證" in multi_row and "居留證" in hkmo_row
    r = await client.get(f"/payment/detail?group={multi['application']}")
    assert "1000" in r.text.replace(",", "")
    r = await client.get(f"/payment/detail?group={hkmo['application']}")
    assert "5200" in r.text.replace(",", "")  # NT$2,600 x 2

    # A supervisor's change in force today is what the payment charges.
    await FeeRate.insert(
        FeeRate(
            line="hkmo",
            kind="first",
            per_person=2800,
            effective_from=datetime.now(TAIPEI).date(),
            reason="test",
            changed_by_label="科長",
            created_at=datetime.now(UTC),
        )
    )
    r = await client.get(f"/payment/detail?group={hkmo['application']}")
    assert "5600" in r.text.replace(",", "")
    async with sandbox(client) as gw:
        order_no = await pay_through(client, gw, [multi["application"], hkmo["application"]], CARD_SUCCESS)
    p = await Payment.select().where(Payment.order_no == order_no).first()
    assert p["status"] == "paid" and p["amount"] == 1000 + 5600

    rows = await Permit.select().output(load_json=True)
    by_group = {}
    for row in rows:
        by_group.setdefault(row["application"], []).append(row)
    assert len(by_group[multi["application"]]) == 1 and len(by_group[hkmo["application"]]) == 2
    m = by_group[multi["application"]][0]
    text = _pdf(
        (await client.get(f"/downloads/certificates/{m['permit_no']}/pdf")).content, tmp_path, "m.pdf"
    )
    assert "臺灣地區入出境許可證（多次）" in text and "Multiple Entry" in text
    h = by_group[hkmo["application"]][0]
    text = _pdf(
        (await client.get(f"/downloads/certificates/{h['permit_no']}/pdf")).content, tmp_path, "h.pdf"
    )
    assert "中華民國居留證" in text and "Resident Certificate" in text
    page = (await client.get("/downloads/permits")).text
    assert "多次證" in _row(page, m["permit_no"]) and "居留證" in _row(page, h["permit_no"])

    # 港澳僑生居留入出境查驗表: one per applicant of the Hong Kong and Macau line, nobody else's.
    r = await client.get("/downloads/entry-exit-check")
    assert r.status_code == 200 and "港澳僑生居留入出境查驗表" in r.text
    hk_cases = await Case.select(Case.id, Case.receipt_no, Case.name_en).where(
        Case.application == hkmo["application"]
    )
    for c in hk_cases:
        assert c["receipt_no"] in r.text
    multi_case = await Case.select(Case.receipt_no).where(Case.application == multi["application"]).first()
    assert multi_case["receipt_no"] not in r.text
    pdf = await client.get(f"/downloads/entry-exit-check/{hk_cases[0]['id']}/pdf")
    assert pdf.headers["content-type"].startswith("application/pdf")
    text = _pdf(pdf.content, tmp_path, "check.pdf")
    assert "港澳僑生居留入出境查驗表" in text and hk_cases[0]["name_en"] in text and "A123456(3)" in text
    assert hkmo["group_no"] in text
    # Another school's applicant, or an applicant of another line, is not found.
    other = await client.get(
        f"/downloads/entry-exit-check/{(await Case.select(Case.id).where(Case.application == multi['application']).first())['id']}/pdf"
    )
    assert other.status_code == 404


async def test_sub_account_sees_only_its_own_entry_exit_records(client):
    ids = await make_school_with_accounts()
    mine = await make_line_group(
        ids["school"], ids["sub1"], "hkmo", "first", ["first_review"], name="子帳號團"
    )
    main = await make_line_group(
        ids["school"], ids["main"], "hkmo", "first", ["first_review"], name="主帳號團"
    )
    await client.login("03734301-01")
    r = await client.get("/downloads/entry-exit-check")
    assert mine["group_no"] in r.text and main["group_no"] not in r.text
    r = await client.get(f"/downloads/entry-exit-check/{main['cases'][0]}/pdf")
    assert r.status_code == 404


async def test_dashboard_has_the_seed_five_tabs_and_extensions_of_every_line_on_the_last(client):
    ids = await make_school_with_accounts()
    single = await make_line_group(
        ids["school"], ids["main"], "mainland_single", "first", ["first_review"], name="單次證新案"
    )
    hk_ext = await make_line_group(
        ids["school"], ids["main"], "hkmo", "extension", ["awaiting_payment"], name="港澳延期團"
    )
    fg_ext = await make_line_group(
        ids["school"], ids["main"], "foreign", "extension", ["supplement_first"], name="外生延期團"
    )
    fg = await make_line_group(
        ids["school"], ids["main"], "foreign", "first", ["first_review"], name="外生首次團"
    )
    await client.login("03734301")

    r = await client.get("/")
    tabs = re.findall(r'<nav class="line-tabs".*?</nav>', r.text, re.S)[0]
    labels = re.findall(r"<a [^>]*>([^<]+)</a>", tabs)
    assert labels == [
        "陸生(含親屬)就學入臺單次證",
        "陸生多次證",
        "港澳生居留證",
        "外生、外僑生居留證",
        "延期申請",
    ]
    assert 'aria-current="page"' in re.findall(r"<a [^>]*>外生、外僑生居留證</a>", tabs)[0]  # the default
    assert "外生首次團" in r.text and "外生延期團" not in r.text and "單次證新案" not in r.text

    r = await client.get("/?tab=extension")
    assert "港澳延期團" in r.text and "外生延期團" in r.text and "外生首次團" not in r.text
    tabs = re.findall(r'<nav class="line-tabs".*?</nav>', r.text, re.S)[0]
    assert 'aria-current="page"' in re.findall(r"<a [^>]*>延期申請</a>", tabs)[0]
    supplement = re.findall(
        r'<section class="card dash-list" aria-labelledby="list-supplement">.*?</section>', r.text, re.S
    )[0]
    paying = re.findall(
        r'<section class="card dash-list" aria-labelledby="list-awaiting_payment">.*?</section>', r.text, re.S
    )[0]
    assert "外生延期團" in supplement and ("（1）" in supplement or "(1)" in supplement)
    assert "港澳延期團" in paying
    # Each line's extension is listed with its group no.
    assert fg_ext["group_no"] in r.text and hk_ext["group_no"] in r.text

    r = await client.get("/?tab=mainland_single")
    assert "單次證新案" in r.text and single["group_no"] in r.text and fg["group_no"] not in r.text
    r = await client.get("/?tab=mainland_multiple")
    assert r.text.count("目前沒有資料。") == 5  # nothing filed on that line: five empty lists
    # An unknown tab is the default one, never an error.
    assert (await client.get("/?tab=nonsense")).status_code == 200


async def test_dashboard_lists_are_cut_by_the_database_and_counted_in_full(client):
    from app.queries import dashboard

    ids = await make_school_with_accounts()
    mains = [
        (
            await make_line_group(
                ids["school"], ids["main"], "hkmo", "first", ["first_review"], name=f"港澳團{i:02d}"
            )
        )["group_no"]
        for i in range(dashboard.PER_LIST + 3)
    ]
    # An extension of the line is on the 延期申請 tab, not in this tab's lists nor in their MORE.
    ext = await make_line_group(
        ids["school"], ids["main"], "hkmo", "extension", ["first_review"], name="港澳延期"
    )
    await make_line_group(ids["school"], ids["sub1"], "hkmo", "first", ["first_review"], name="子帳號的團")
    await client.login("03734301-01")
    r = await client.get("/?tab=hkmo")
    assert "子帳號的團" in r.text and "港澳團" not in r.text  # a sub-account sees its own groups only
    client.cookies.clear()
    await client.login("03734301")
    r = await client.get("/?tab=hkmo")
    new = re.findall(
        r'<section class="card dash-list" aria-labelledby="list-new">.*?</section>', r.text, re.S
    )[0]
    assert "（9）" in new or "(9)" in new  # every group counted
    assert new.count("<tr>") - 1 == dashboard.PER_LIST  # the newest PER_LIST shown
    assert "MORE" in new and "tab=hkmo" in new
    # MORE lists exactly the tab's groups of that list, the count the dashboard gave.
    more = re.search(r'href="([^"]+)"[^>]*>MORE', new).group(1).replace("&amp;", "&")
    r = await client.get(more)
    assert r.status_code == 200 and "港澳生居留證" in r.text
    assert all(no in r.text for no in mains) and ext["group_no"] not in r.text


async def test_review_desk_by_line_and_case_page_of_the_line(client):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    hk = await make_line_group(
        ids["school"],
        ids["main"],
        "hkmo",
        "first",
        ["first_review"],
        name="港澳審查團",
        identity_no="M123456(7)",
    )
    fg = await make_line_group(
        ids["school"], ids["main"], "foreign", "first", ["first_review"], name="外生審查團"
    )
    await admin_session(client, users["reviewer1"])
    r = await client.get("/review/find?line=hkmo&station=all")
    assert r.status_code == 200
    hk_receipt = (await case_row(hk["cases"][0]))["receipt_no"]
    fg_receipt = (await case_row(fg["cases"][0]))["receipt_no"]
    assert hk_receipt in r.text and fg_receipt not in r.text
    # A queue filtered by line (the queue keeps the search's filters).
    r = await client.get("/review/queue/first?line=hkmo&station=all")
    assert r.status_code == 200 and hk_receipt in r.text and fg_receipt not in r.text
    assert '<option value="hkmo" selected' in r.text
    r = await client.get("/review/find?line=mainland_single&station=all")
    assert hk_receipt not in r.text and fg_receipt not in r.text

    r = await client.get(f"/review/case/{hk['cases'][0]}")
    assert r.status_code == 200
    offering = offerings.get("hkmo", "first")
    assert str(offering.title) in r.text or "港澳生" in r.text
    assert "核發證別" in r.text and "居留證" in r.text
    # The offering's own documents, each with its files.
    needed = [d.doc for d in offering.documents if d.required]
    assert needed
    for doc in needed[:3]:
        assert offerings.label_of_doc(doc) in r.text
    assert "M123456(7)" in r.text  # the line's own field, in words
    # The common columns carry the offering's own labels (a 港澳生's travel document, not "passport").
    from app.i18n import use_locale

    with use_locale("zh_Hant_TW"):
        labels = {s.name: str(s.label) for s in offering.form.fields}
    assert f"<dt>{labels['passport_no']}</dt>" in r.text


async def test_progress_list_names_each_lines_item_never_its_code(client):
    """案件進度查詢's 申辦項目 of a 陸生 or 港澳生 group is the offering's title in the reader's language."""
    ids = await make_school_with_accounts()
    await make_line_group(
        ids["school"], ids["main"], "mainland_single", "first", ["first_review"], name="單次證團"
    )
    await make_line_group(
        ids["school"], ids["main"], "hkmo", "extension", ["first_review"], name="港澳延期團"
    )
    await client.login("03734301")
    client.cookies.set("lang", "en")
    page = await client.get("/progress/")
    assert page.status_code == 200
    main = re.search(r"<main.*</main>", page.text, re.S).group(0)  # the list, not the menu's addresses
    assert "Mainland students (and relatives): single-entry permit to study" in main
    assert "mainland_single" not in main and "hkmo " not in main
    client.cookies.set("lang", "zh_Hant_TW")
    main = re.search(r"<main.*</main>", (await client.get("/progress/")).text, re.S).group(0)
    assert "mainland_single" not in main and "hkmo " not in main and "港澳" in main

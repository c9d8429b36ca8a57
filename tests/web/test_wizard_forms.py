"""Issue 14: 下載系統產生之表單 in the wizard. Beside each upload whose document the system generates, the form
filled from what is saved: one applicant's (陸生 申請書, 港澳生 確認書 and 申報書) on their form, the group's
(保證書, 團體名冊 as PDF and Excel) on 申請資料. Scoped as the wizard's pages; only generated documents."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from app.actions.apply import today
from tables.tables import Case
from tests.apply_support import post_multipart
from tests.support import make_school_with_accounts
from tests.web.test_line_offerings import (
    HKMO_STUDENT,
    MACAU_STUDENT,
    MAINLAND_RELATIVE,
    MAINLAND_STUDENT,
    STUDENT_ID,
    _add,
    _start,
    _url,
)

PDF_LINK = "Download the form filled in (PDF)"


def _text(data: bytes, tmp_path: Path, name: str) -> str:
    assert data.startswith(b"%PDF"), data[:200]
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


async def _mainland_group(client) -> tuple[int, str, str]:
    """A 陸生單次證 draft with a student and their spouse saved (no files needed for the forms)."""
    app_id = await _start(client, "mainland-single")
    await client.post_form(
        await _url(app_id, "/details"),
        {"name": "陸生團", "member_count": "2", "station_code": "S01", "op": "save"},
    )
    student = await _add(client, app_id, {"identity": "cn"})
    await post_multipart(client, student, MAINLAND_STUDENT | {"op": "save"}, [])
    relative = await _add(client, app_id, {"identity": "cn_rel"})
    await post_multipart(client, relative, MAINLAND_RELATIVE | {"op": "save"}, [])
    return app_id, student, relative


async def test_a_mainland_group_downloads_its_forms_filled_in(client, tmp_path):
    await make_school_with_accounts(name="國立測試大學")
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id, student, relative = await _mainland_group(client)

    # the applicant's form offers the 申請書 filled from what is saved for them
    page = await client.get(student)
    assert f'href="{student}/forms/mainland_entry_form"' in page.text and PDF_LINK in page.text
    r = await client.get(f"{student}/forms/mainland_entry_form")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf")
    assert "attachment" in r.headers["content-disposition"]
    text = _text(r.content, tmp_path, "entry.pdf")
    assert "王小明" in text and STUDENT_ID in text and "L12345678" in text and "國立測試大學" in text
    assert "李小華" not in text  # one applicant's form
    assert (
        "碩士" in text and "Master" not in text
    )  # the agency's form is in Chinese, whatever the page's language
    text = _text((await client.get(f"{relative}/forms/mainland_entry_form")).content, tmp_path, "rel.pdf")
    assert "李小華" in text and "王小明" not in text

    # 申請資料 offers the group's 保證書 and 團體名冊 (PDF and Excel), with every applicant added so far
    details = await client.get(await _url(app_id, "/details"))
    base = await _url(app_id)
    for code in ("guarantee", "group_roster", "group_roster_xlsx"):
        assert f'href="{base}/forms/{code}"' in details.text
    assert "download it after adding every applicant" in details.text
    for code in ("guarantee", "group_roster"):
        r = await client.get(f"{base}/forms/{code}")
        assert r.status_code == 200, code
        text = _text(r.content, tmp_path, f"{code}.pdf")
        assert "王小明" in text and "李小華" in text and "國立測試大學" in text, (code, text)
    r = await client.get(f"{base}/forms/group_roster_xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    cells = [
        str(c) for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert "王小明" in cells and "李小華" in cells

    # a document that is not generated, a group form asked of an applicant, an unknown code: 404
    assert (await client.get(f"{student}/forms/mainland_resident_id")).status_code == 404
    assert (await client.get(f"{base}/forms/power_of_attorney")).status_code == 404
    assert (await client.get(f"{student}/forms/guarantee")).status_code == 404
    assert (await client.get(f"{base}/forms/mainland_entry_form")).status_code == 404
    assert (await client.get(f"{base}/forms/nonsense")).status_code == 404
    # another offering's address for the same group: 404, as every wizard page
    assert (await client.get(f"/apply/hkmo/hkmo/{app_id}/forms/guarantee")).status_code == 404


async def test_a_hkmo_applicant_downloads_the_confirmation_and_the_declaration(client, tmp_path):
    await make_school_with_accounts(name="國立測試大學")
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id = await _start(client, "hkmo")
    url = await _add(client, app_id, {"identity": "hk"})
    entered = (today() - timedelta(days=10)).strftime("%Y/%m/%d")
    await post_multipart(client, url, HKMO_STUDENT | {"entry_date": entered, "op": "save"}, [])
    page = await client.get(url)
    for code in ("hkmo_identity_confirmation", "residence_declaration"):
        assert f'href="{url}/forms/{code}"' in page.text
        r = await client.get(f"{url}/forms/{code}")
        assert r.status_code == 200, code
        text = _text(r.content, tmp_path, f"{code}.pdf")
        assert "陳大文" in text and "A123456(3)" in text and "國立測試大學" in text, (code, text)
    assert "HK1234567" in text  # the 申報書 prints the entry and exit permit no.
    # 港澳生居留證 generates no group form
    details = await client.get(await _url(app_id, "/details"))
    assert PDF_LINK not in details.text
    assert (await client.get(await _url(app_id, "/forms/guarantee"))).status_code == 404


async def test_a_foreign_applicant_form_offers_no_generated_form(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id = await _start(client, "first")
    url = await _add(client, app_id, {"identity": "foreign"})
    page = await client.get(url)
    assert page.status_code == 200 and 'name="name_en"' in page.text
    assert PDF_LINK not in page.text and "/forms/" not in page.text
    assert (await client.get(f"{url}/forms/mainland_entry_form")).status_code == 404
    assert (await client.get(await _url(app_id, "/forms/guarantee"))).status_code == 404


async def test_another_school_or_sub_account_cannot_download_a_group_s_forms(client):
    await make_school_with_accounts()
    await make_school_with_accounts("12345675", name="他校大學")
    await client.login("03734301-01")
    client.cookies.set("lang", "en")
    app_id, student, _relative = await _mainland_group(client)
    base = await _url(app_id)
    assert (await client.get(f"{base}/forms/guarantee")).status_code == 200
    case_id = (await Case.select(Case.id).where(Case.application == app_id).order_by(Case.id).first())["id"]
    assert student.endswith(f"/applicants/{case_id}")
    # another sub-account of the same school
    await client.post_form("/logout", {})
    await client.login("03734301-02")
    assert (await client.get(f"{base}/forms/guarantee")).status_code == 404
    assert (await client.get(f"{student}/forms/mainland_entry_form")).status_code == 404
    # another school's main account
    await client.post_form("/logout", {})
    await client.login("12345675")
    assert (await client.get(f"{base}/forms/guarantee")).status_code == 404
    assert (await client.get(f"{student}/forms/mainland_entry_form")).status_code == 404
    # the school's main account sees every group of the school
    await client.post_form("/logout", {})
    await client.login("03734301")
    assert (await client.get(f"{student}/forms/mainland_entry_form")).status_code == 200


async def test_a_hkmo_student_filing_for_themself_downloads_their_forms(client, tmp_path):
    from tests.progress_support import login_student, make_roster_student

    ids = await make_school_with_accounts(name="國立測試大學")
    student_id = await make_roster_student(ids["school"], **MACAU_STUDENT)
    await login_student(client, student_id)
    client.cookies.set("lang", "en")
    r = await client.post_form("/student/apply/hkmo/hkmo", {"agree": "1"}, follow_redirects=False)
    url = r.headers["location"]
    page = await client.get(url)
    assert f'href="{url}/forms/residence_declaration"' in page.text and PDF_LINK in page.text
    r = await client.get(f"{url}/forms/residence_declaration")
    assert r.status_code == 200
    text = _text(r.content, tmp_path, "declaration.pdf")
    assert "何家明" in text and "12345678" in text and "國立測試大學" in text
    assert (await client.get(f"{url}/forms/guarantee")).status_code == 404
    # the school's address of the student's own group is not the student's: the guard turns them away
    app_id = url.rsplit("/", 1)[1]
    r = await client.get(f"/apply/hkmo/hkmo/{app_id}/forms/residence_declaration", follow_redirects=False)
    assert r.status_code in (303, 401, 403, 404) and not r.content.startswith(b"%PDF")

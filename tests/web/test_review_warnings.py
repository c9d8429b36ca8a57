"""Warnings on the review desk's case page (issue 15, item 6)."""

from __future__ import annotations

from datetime import date, timedelta

from tables.tables import Case
from tests.review_factories import admin_session, case_row, make_group, make_reviewers
from tests.support import make_school, make_school_with_accounts


async def test_same_passport_elsewhere_previous_refusal_and_passport_expiry(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    other_school = await make_school("第二大學", "04595257")
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    open_elsewhere = await make_group(other_school, None, ["second_review"])
    refused = await make_group(other_school, None, ["rejected"])
    unrelated = await make_group(ids["school"], ids["main"], ["first_review"])
    case_id = g["cases"][0]
    await Case.update(
        {Case.passport_no: "AB1234567", Case.passport_expiry: date.today() + timedelta(days=90)}
    ).where(Case.id == case_id)
    await Case.update({Case.passport_no: "AB1234567"}).where(Case.id == open_elsewhere["cases"][0])
    await Case.update({Case.ui_no: "A800000014"}).where(Case.id.is_in([case_id, refused["cases"][0]]))
    await admin_session(client, users["reviewer1"])
    page = (await client.get(f"/review/case/{case_id}")).text
    assert 'id="case-warnings"' in page
    other_no = (await case_row(open_elsewhere["cases"][0]))["receipt_no"]
    refused_no = (await case_row(refused["cases"][0]))["receipt_no"]
    assert (
        "相同護照號碼另有進行中案件" in page
        and f'href="/review/case/{open_elsewhere["cases"][0]}">{other_no}' in page
    )
    assert "此人曾有不受理或不核准紀錄" in page and refused_no in page and "第二大學" in page
    assert "護照將於六個月內" in page
    client.cookies.set("lang", "en")
    page = (await client.get(f"/review/case/{case_id}")).text
    assert "The passport expires within six months" in page and "was refused before" in page
    # A case with none of these has no warning box.
    assert 'id="case-warnings"' not in (await client.get(f"/review/case/{unrelated['cases'][0]}")).text

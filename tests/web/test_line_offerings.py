"""Issue 14: the 陸生 and 港澳生 offerings are entries of the one engine, filed by a school through the same
wizard as every offering: terms, 送件人, 申請資料 (the group's own documents), 申請人 (the offering's fields and
documents, its lookup), 確認送件, 送出 (團號 with the line's business code, 收件號, the fee from master data)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.actions.apply import today
from app.domain import offerings, workflow
from app.services.sessions import now
from tables.tables import Application, Case, FeeRate, Permit
from tests.apply_support import SUBMITTER, app_id_from, jpeg, post_multipart
from tests.support import make_school_with_accounts

STUDENT_ID = "11010519491231002X"  # a published example of the PRC resident identity number
RELATIVE_ID = "110101199003077678"


async def _url(app_id: int, tail: str = "") -> str:
    """The wizard's address of a draft (/apply/<line>/<slug>/<id><tail>)."""
    app = (
        await Application.select(Application.business_line, Application.kind)
        .where(Application.id == app_id)
        .first()
    )
    o = offerings.get(app["business_line"], app["kind"])
    return f"/apply/{o.line}/{o.slug}/{app_id}{tail}"


def _files(*kinds: str):
    return [(f"file_{k}", (f"{k}.jpg", jpeg(), "image/jpeg")) for k in kinds]


async def _start(client, slug: str, station: str = "S01") -> int:
    o = offerings.by_any_slug(slug)
    r = await client.post_form(f"/apply/{o.line}/{o.slug}/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    app_id = app_id_from(r.headers["location"])
    await client.post_form(await _url(app_id, "/submitter"), SUBMITTER)
    offering = offerings.by_any_slug(slug)
    group_docs = [d.doc for d in offering.group_documents]
    details = {"name": f"{slug} 團", "member_count": "1", "station_code": station, "op": "save"}
    r = await post_multipart(client, await _url(app_id, "/details"), details, _files(*group_docs))
    assert r.status_code == 303, r.text[:800]
    # 下一步 leads to the offering's own applicants step
    r = await client.get(r.headers["location"], follow_redirects=False)
    if r.status_code == 303:
        r = await client.get(r.headers["location"], follow_redirects=False)
    assert r.status_code == 200 and f'action="{await _url(app_id, "/applicants")}"' in r.text, r.text[:1500]
    return app_id


async def _add(client, app_id: int, data: dict[str, str]) -> str:
    r = await client.post_form(await _url(app_id, "/applicants"), data, follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    return r.headers["location"]


async def _submit(client, app_id: int, offering) -> tuple[dict, list[dict]]:
    r = await client.post_form(
        f"/apply/{offering.line}/{offering.slug}/{app_id}/submit", {}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/apply/groups/{app_id}/submitted", r.text[
        :1500
    ]
    app = await Application.select().where(Application.id == app_id).first()
    cases = await Case.select().where(Case.application == app_id).order_by(Case.id)
    return app, cases


MAINLAND_STUDENT = {
    "name_zh": "王小明",
    "name_en": "WANG XIAOMING",
    "gender": "M",
    "birth_date": "1949/12/31",
    "prc_id": STUDENT_ID,
    "passport_no": "L12345678",
    "student_status": "new",
    "department": "資訊工程學系",
    "program": "master",
    "phone": "0912345678",
    "email": "wang@example.org",
}
MAINLAND_RELATIVE = {
    "name_zh": "李小華",
    "name_en": "LI XIAOHUA",
    "gender": "F",
    "birth_date": "1990/03/07",
    "prc_id": RELATIVE_ID,
    "passport_no": "L87654321",
    "relation": "spouse",
    "student_prc_id": STUDENT_ID,
}


async def test_a_school_files_a_mainland_single_entry_group_with_a_relative(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    offering = offerings.get("mainland_single", "first")
    terms = await client.get("/apply/mainland-single/terms")
    assert "Hualien County Service Center" in terms.text and "exchange and research students" in terms.text
    app_id = await _start(client, "mainland-single", station="S01")
    await client.post_form(
        await _url(app_id, "/details"),
        {"name": "陸生團", "member_count": "2", "station_code": "S01", "op": "save"},
    )
    # the relative first: the student it names is not in the group yet
    relative_url = await _add(client, app_id, {"identity": "cn_rel"})
    page = await client.get(relative_url)
    assert 'name="student_prc_id"' in page.text and "Proof of kinship with the student" in page.text
    assert "Letter of admission" not in page.text  # a relative brings no admission letter
    r = await post_multipart(
        client,
        relative_url,
        MAINLAND_RELATIVE | {"op": "save"},
        _files("photo", "mainland_entry_form", "mainland_resident_id", "kinship_proof"),
    )
    assert "No student applicant of this group has this identity card no." in r.text
    assert 'value="LI XIAOHUA"' in r.text  # what was typed stays
    # a wrong identity card number is refused beside its field
    student_url = await _add(client, app_id, {"identity": "cn"})
    r = await post_multipart(
        client, student_url, MAINLAND_STUDENT | {"prc_id": "110105194912310021", "op": "save"}, []
    )
    assert 'id="f-prc_id-error"' in r.text and "18-character resident identity number" in r.text
    page = await client.get(student_url)
    assert "Letter of admission" in page.text and "Proof of kinship" not in page.text
    r = await post_multipart(
        client,
        student_url,
        MAINLAND_STUDENT | {"op": "save"},
        _files("photo", "mainland_entry_form", "mainland_resident_id", "admission_letter"),
    )
    assert r.status_code in (200, 303)
    # now the relative's link holds
    r = await post_multipart(client, relative_url, MAINLAND_RELATIVE | {"op": "save"}, [])
    assert "No student applicant of this group" not in r.text
    assert 'class="error-summary' not in r.text, r.text[r.text.find("error-summary") :][:1500]
    cases = await Case.select().where(Case.application == app_id).order_by(Case.id)
    assert all(c["complete"] for c in cases), [c["data"] for c in cases]
    check = await client.get(f"/apply/mainland_single/mainland-single/{app_id}/check")
    for text in ("WANG XIAOMING", "LI XIAOHUA", "Spouse", "Letter of guarantee", "Group roster", "600"):
        assert text in check.text, text
    assert "Relation to the student" not in check.text.split("WANG XIAOMING")[1].split("LI XIAOHUA")[0]
    app, cases = await _submit(client, app_id, offering)
    assert re.fullmatch(r"\d{2}1160001", app["group_no"]), app["group_no"]  # 陸生: business code 116
    # 收件號 counted by the receiving unit of the line (花蓮縣服務站), not the group's pick-up station
    assert all(re.fullmatch(r"\d{3}6921\d{5}", c["receipt_no"]) for c in cases), [
        c["receipt_no"] for c in cases
    ]
    assert all(c["status"] == workflow.Status.FIRST_REVIEW for c in cases)
    result = await client.get(f"/apply/groups/{app_id}/submitted")
    assert app["group_no"] in result.text and "600" in result.text


async def test_a_relative_whose_student_left_the_group_keeps_it_from_being_sent(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id = await _start(client, "mainland-single")
    await client.post_form(
        await _url(app_id, "/details"),
        {"name": "陸生團", "member_count": "2", "station_code": "S01", "op": "save"},
    )
    student_url = await _add(client, app_id, {"identity": "cn"})
    await post_multipart(
        client,
        student_url,
        MAINLAND_STUDENT | {"op": "save"},
        _files("photo", "mainland_entry_form", "mainland_resident_id", "admission_letter"),
    )
    relative_url = await _add(client, app_id, {"identity": "cn_rel"})
    await post_multipart(
        client,
        relative_url,
        MAINLAND_RELATIVE | {"op": "save"},
        _files("photo", "mainland_entry_form", "mainland_resident_id", "kinship_proof"),
    )
    await client.post_form(student_url + "/delete", {})
    await client.post_form(
        await _url(app_id, "/details"),
        {"name": "陸生團", "member_count": "1", "station_code": "S01", "op": "save"},
    )
    check = await client.get(f"/apply/mainland_single/mainland-single/{app_id}/check")
    assert "No student applicant of this group has this identity card no." in check.text
    assert "data-submit-once" not in check.text  # no 送出 while an applicant is not complete
    r = await client.post_form(
        f"/apply/mainland_single/mainland-single/{app_id}/submit", {}, follow_redirects=False
    )
    assert r.status_code in (400, 409) or r.headers.get("location", "").endswith("/check")
    app = await Application.select().where(Application.id == app_id).first()
    assert app["group_no"] is None


async def test_the_fee_shown_is_the_master_data_in_force(client):
    await make_school_with_accounts()

    await FeeRate.insert(
        FeeRate(
            line="hkmo",
            kind="first",
            per_person=2800,
            effective_from=today() - timedelta(days=1),
            reason="test",
            changed_by=None,
            changed_by_label="supervisor",
            created_at=now(),
        )
    )
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id = await _start(client, "hkmo")
    await _add(client, app_id, {"identity": "hk"})
    check = await client.get(f"/apply/hkmo/hkmo/{app_id}/check")
    # as whole numbers: a bare "2600" also turns up inside the page's random CSRF token now and then
    assert re.search(r"\b2,?800\b", check.text)
    assert not re.search(r"\b2,?600\b", check.text)


HKMO_STUDENT = {
    "name_zh": "陳大文",
    "name_en": "CHAN TAI MAN",
    "gender": "M",
    "birth_date": "2005/01/02",
    "hkmo_id": "A123456(3)",
    "passport_no": "K12345678",
    "entry_permit_no": "HK1234567",
    "department": "電機工程學系",
    "program": "bachelor",
    "addr_county": "臺北市",
    "addr_district": "大安區",
    "addr_street": "羅斯福路四段",
    "addr_number": "1號",
}
HKMO_DOCS = (
    "photo",
    "hkmo_permanent_id",
    "placement_notice_overseas",
    "enrolment_certificate",
    "police_record",
    "health_certificate_b",
    "entry_exit_permit",
    "hkmo_identity_confirmation",
    "residence_declaration",
)


async def test_a_school_files_a_hkmo_resident_certificate_group_and_is_warned_when_late(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    offering = offerings.get("hkmo", "first")
    app_id = await _start(client, "hkmo", station="S03")
    url = await _add(client, app_id, {"identity": "hk"})
    late = (today() - timedelta(days=120)).strftime("%Y/%m/%d")
    r = await post_multipart(
        client, url, HKMO_STUDENT | {"entry_date": late, "op": "save"}, _files(*HKMO_DOCS)
    )
    # late: a warning with the due date, not a refusal
    assert "was due within three months of entry" in r.text
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["complete"]
    recent = (today() - timedelta(days=10)).strftime("%Y/%m/%d")
    r = await post_multipart(client, url, HKMO_STUDENT | {"entry_date": recent, "op": "save"}, [])
    assert "three months after entry" in r.text
    # a Macau student's card number is checked as a Macau card, not a Hong Kong one
    mo_url = await _add(client, app_id, {"identity": "mo"})
    r = await post_multipart(client, mo_url, HKMO_STUDENT | {"entry_date": recent, "op": "save"}, [])
    assert "Macau resident identity card number" in r.text
    await client.get(mo_url.replace(mo_url, mo_url + "/delete"))
    await client.post_form(mo_url + "/delete", {})
    app, cases = await _submit(client, app_id, offering)
    assert re.fullmatch(r"\d{2}1080001", app["group_no"]), app["group_no"]  # 港澳: business code 108
    assert re.fullmatch(r"\d{3}6903\d{5}", cases[0]["receipt_no"])  # the group's station receives it
    result = await client.get(f"/apply/groups/{app_id}/submitted")
    assert "2,600" in result.text or "2600" in result.text


async def test_a_hkmo_extension_is_refused_before_its_window_opens(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    offering = offerings.get("hkmo", "extension")
    app_id = await _start(client, "hkmo-extension")
    url = await _add(client, app_id, {"identity": "mo"})
    form = {
        "ui_no": "A800000014",
        "name_zh": "何家明",
        "name_en": "HO KA MENG",
        "birth_date": "2004/04/04",
        "hkmo_id": "1234567(8)",
        "passport_no": "MA1234567",
        "department": "法律學系",
    }
    far = today() + timedelta(days=90)
    r = await post_multipart(
        client, url, form | {"current_expiry": far.strftime("%Y/%m/%d"), "op": "save"}, []
    )
    opens = (far - timedelta(days=30)).strftime("%Y/%m/%d")
    assert 'id="f-current_expiry-error"' in r.text and opens in r.text
    soon = today() + timedelta(days=20)
    r = await post_multipart(
        client,
        url,
        form | {"current_expiry": soon.strftime("%Y/%m/%d"), "first_online_extension": "1", "op": "save"},
        _files("resident_certificate", "enrolment_certificate"),
    )
    assert 'id="f-doc_extension_photo-error"' in r.text  # the first online extension needs a photo
    r = await post_multipart(
        client,
        url,
        form | {"current_expiry": soon.strftime("%Y/%m/%d"), "first_online_extension": "1", "op": "save"},
        _files("extension_photo"),
    )
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["complete"], (r.status_code, r.text[r.text.find('id="f-photo-error"') :][:400])
    app, cases = await _submit(client, app_id, offering)
    assert re.fullmatch(r"\d{2}1080001", app["group_no"])
    result = await client.get(f"/apply/groups/{app_id}/submitted")
    assert "300" in result.text


async def _issued_single_entry(client, entry_issued: date) -> str:
    """A 陸生單次證 group filed through the wizard, then (as the payment would) its permit issued."""
    app_id = await _start(client, "mainland-single")
    url = await _add(client, app_id, {"identity": "cn"})
    await post_multipart(
        client,
        url,
        MAINLAND_STUDENT | {"op": "save"},
        _files("photo", "mainland_entry_form", "mainland_resident_id", "admission_letter"),
    )
    _app, cases = await _submit(client, app_id, offerings.get("mainland_single", "first"))
    await Case.update({Case.status: workflow.Status.ISSUED}).where(Case.id == cases[0]["id"])
    permit_no = f"S{cases[0]['receipt_no']}"

    await Permit.insert(
        Permit(
            permit_no=permit_no,
            case=cases[0]["id"],
            application=app_id,
            issued_on=entry_issued,
            expires_on=entry_issued + timedelta(days=90),
            content={},
            created_at=now(),
        )
    )
    return permit_no


async def test_a_multiple_entry_applicant_starts_with_the_single_entry_permit(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    offering = offerings.get("mainland_multiple", "first")
    issued = today() - timedelta(days=100)
    permit_no = await _issued_single_entry(client, issued)
    app_id = await _start(client, "mainland-multiple")
    page = await client.get(await _url(app_id, "/applicants"))
    assert 'name="permit_no"' in page.text and 'name="entry_date"' in page.text
    # an unknown number
    r = await client.post_form(
        await _url(app_id, "/applicants"), {"permit_no": "S000", "entry_date": "2026/01/01"}
    )
    assert r.status_code == 400 and "No single-entry permit issued by this system" in r.text
    assert 'id="f-permit_no-error"' in r.text
    # entered more than two months ago: refused, with the last day it could have been applied for
    entered = today() - timedelta(days=75)
    r = await client.post_form(
        await _url(app_id, "/applicants"),
        {"permit_no": permit_no, "entry_date": entered.strftime("%Y/%m/%d")},
    )
    assert r.status_code == 400 and "within two months of entry" in r.text
    assert await Case.count().where(Case.application == app_id) == 0
    # entered ten days ago: the applicant comes prefilled from the single-entry case
    entered = today() - timedelta(days=10)
    url = await _add(client, app_id, {"permit_no": permit_no, "entry_date": entered.strftime("%Y/%m/%d")})
    page = await client.get(url)
    assert (
        permit_no in page.text
        and 'value="WANG XIAOMING"' in page.text
        and "two months after entry" in page.text
    )
    r = await post_multipart(
        client,
        url,
        MAINLAND_STUDENT | {"entry_date": entered.strftime("%Y/%m/%d"), "op": "save"},
        _files(
            "enrolment_or_student_card", "taiwan_travel_permit", "health_certificate", "single_entry_permit"
        ),
    )
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["complete"], r.text[:3000]
    # the same permit cannot be converted twice
    r = await client.post_form(
        await _url(app_id, "/applicants"),
        {"permit_no": permit_no, "entry_date": entered.strftime("%Y/%m/%d")},
    )
    assert r.status_code == 400 and "has already been filed" in r.text
    app, cases = await _submit(client, app_id, offering)
    assert re.fullmatch(r"\d{2}1160002", app["group_no"]), app[
        "group_no"
    ]  # 116, after the single-entry group
    result = await client.get(f"/apply/groups/{app_id}/submitted")
    assert "1,000" in result.text or "1000" in result.text


# A Macau student admitted, not yet registered (make_roster_student's fields)
MACAU_STUDENT = {
    "name_en": "HO KA MENG",
    "passport_no": "MA7654321",
    "name_zh": "何家明",
    "category": "MO",
    "nationality": "MO",
    "gender": "M",
    "qualification": "",
    "status": "A",
    "resident_id": "12345678",
}


async def test_a_macau_student_files_a_hkmo_resident_certificate_for_themself(client):
    from tests.progress_support import login_student, make_roster_student

    ids = await make_school_with_accounts()
    student_id = await make_roster_student(ids["school"], **MACAU_STUDENT)
    await login_student(client, student_id)
    client.cookies.set("lang", "en")
    # 陸生 lines are filed by the school only
    assert (await client.get("/student/apply/mainland_single/mainland-single")).status_code == 404
    home = await client.get("/student")
    assert (
        'href="/student/apply/hkmo/hkmo"' in home.text and "/student/apply/mainland_single" not in home.text
    )
    terms = await client.get("/student/apply/hkmo/hkmo")
    assert terms.status_code == 200 and "three months of entry" in terms.text
    r = await client.post_form("/student/apply/hkmo/hkmo", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    url = r.headers["location"]
    app_id = int(url.rsplit("/", 1)[1])
    page = await client.get(url)
    # prefilled from the roster row: a Macau student, the card number in its field
    assert "Macau student" in page.text and 'value="12345678"' in page.text
    assert "Power of attorney" not in page.text  # a student's own application needs no 委託書
    recent = (today() - timedelta(days=5)).strftime("%Y/%m/%d")
    form = HKMO_STUDENT | {"hkmo_id": "12345678", "passport_no": "MA7654321", "entry_date": recent}
    r = await post_multipart(client, url, form | {"op": "submit", "station_code": "S01"}, _files(*HKMO_DOCS))
    assert r.status_code == 303 and r.headers["location"] == f"/student/apply/hkmo/hkmo/{app_id}/check", (
        r.text[:2000]
    )
    r = await client.post_form(f"/student/apply/hkmo/hkmo/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/student"
    app = await Application.select().where(Application.id == app_id).first()
    assert app["business_line"] == "hkmo" and re.fullmatch(r"\d{2}1080001", app["group_no"])
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["status"] == workflow.Status.FIRST_REVIEW and case["identity"] == "mo"


async def test_a_returned_hkmo_case_is_supplemented_with_its_own_fields(client):
    from tests.progress_support import return_case
    from tests.web.test_supplement import _form, _post

    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id = await _start(client, "hkmo")
    url = await _add(client, app_id, {"identity": "hk"})
    recent = (today() - timedelta(days=10)).strftime("%Y/%m/%d")
    await post_multipart(
        client,
        url,
        HKMO_STUDENT | {"hkmo_id": "A123456(3)", "entry_date": recent, "op": "save"},
        _files(*HKMO_DOCS),
    )
    _app, cases = await _submit(client, app_id, offerings.get("hkmo", "first"))
    case_id = cases[0]["id"]
    await return_case(app_id, case_id, "警察紀錄證明書逾三個月，請重新上傳。")
    page = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    assert page.status_code == 200, page.text[:2000]
    assert 'name="hkmo_id"' in page.text and "Police record certificate" in page.text
    form = _form(page.text)
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/cases/{case_id}",
        form | {"hkmo_id": "A123456(4)", "op": "send", "reply": "已重新上傳"},
    )
    assert r.status_code == 400 and 'id="f-hkmo_id-error"' in r.text  # checked as on the form
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/cases/{case_id}",
        form | {"op": "send", "reply": "已重新上傳警察紀錄證明書。"},
        files=[("file_police_record", ("police.jpg", jpeg(), "image/jpeg"))],
    )
    assert r.status_code == 303, r.text[:3000]
    assert (await Case.select(Case.status).where(Case.id == case_id))[0]["status"] == "first_review"


async def test_the_menu_leads_to_each_line_offerings_drafts_and_terms(client):
    await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    home = await client.get("/")
    for line, slug in (
        ("mainland_single", "mainland-single"),
        ("mainland_multiple", "mainland-multiple"),
        ("hkmo", "hkmo"),
        ("hkmo", "hkmo-extension"),
    ):
        assert f'href="/apply/{line}/{slug}"' in home.text, slug
    app_id = await _start(client, "mainland-single")
    details = await client.get(await _url(app_id, "/details"))
    assert (
        '<h1 class="page-title">Mainland students (and relatives): single-entry permit to study'
        in details.text
    )
    drafts = await client.get("/apply/mainland_single/mainland-single")
    assert drafts.status_code == 200
    assert f'href="/apply/mainland_single/mainland-single/{app_id}"' in drafts.text
    assert "NT$600 per person" in drafts.text
    assert 'href="/apply/mainland_single/mainland-single/terms"' in drafts.text
    other = await client.get("/apply/hkmo/hkmo")
    assert f'/{app_id}"' not in other.text  # drafts are listed per offering


async def test_the_pages_after_submitting_show_a_line_group(client):
    await make_school_with_accounts()
    await client.login("03734301")
    for lang in ("en", "zh_Hant_TW"):
        client.cookies.set("lang", lang)
        app_id = await _start(client, "hkmo")
        url = await _add(client, app_id, {"identity": "mo"})
        recent = (today() - timedelta(days=10)).strftime("%Y/%m/%d")
        await post_multipart(
            client,
            url,
            HKMO_STUDENT | {"hkmo_id": "1234567(8)", "entry_date": recent, "op": "save"},
            _files(*HKMO_DOCS),
        )
        app, cases = await _submit(client, app_id, offerings.get("hkmo", "first"))
        for page in (
            "/",
            f"/apply/groups/{app_id}",
            f"/apply/groups/{app_id}/applicants/{cases[0]['id']}",
            f"/progress/groups/{app_id}",
            f"/progress/groups/{app_id}/cases/{cases[0]['id']}",
            f"/progress/?group_no={app['group_no']}",
        ):
            r = await client.get(page)
            assert r.status_code == 200, (page, r.text[:1500])
        view = await client.get(f"/progress/groups/{app_id}")
        assert app["group_no"] in view.text and cases[0]["receipt_no"] in view.text


async def _roster_row(school: int, category: str, name_en: str, passport: str, **extra) -> int:
    from tests.progress_support import make_roster_entry

    nationality = "CN" if category == "CN" else "JP"
    fields = {
        "birth_date": date(1949, 12, 31),
        "nationality": nationality,
        "gender": "M",
        "qualification": "",
    }
    fields |= {"program": "M", "status": "A", **extra}
    return await make_roster_entry(school, name_en=name_en, passport_no=passport, category=category, **fields)


async def test_a_school_adds_mainland_applicants_from_the_roster(client):
    ids = await make_school_with_accounts()
    cn = await _roster_row(
        ids["school"],
        "CN",
        "WANG XIAOMING",
        "E12345678",
        name_zh="王小明",
        resident_id="11010519491231002X",
        travel_permit_no="L12345678",
    )
    fg = await _roster_row(ids["school"], "FG", "YAMADA TARO", "TZ1234567")
    await client.login("03734301")
    client.cookies.set("lang", "en")
    app_id = await _start(client, "mainland-single")
    page = await client.get(await _url(app_id, "/applicants"))
    assert f'href="{await _url(app_id, "/roster")}"' in page.text
    roster = await client.get(await _url(app_id, "/roster"))
    assert roster.status_code == 200
    assert f'id="entry-{cn}"' in roster.text and f'id="entry-{fg}"' not in roster.text  # 陸生 rows only
    assert "WANG XIAOMING" in roster.text and "YAMADA TARO" not in roster.text
    # a foreign student's row cannot be added to a 陸生 group, even by a forged form
    r = await client.post_form(await _url(app_id, "/roster"), {"entry": str(fg)}, follow_redirects=False)
    assert r.status_code == 404
    r = await client.post_form(await _url(app_id, "/roster"), {"entry": str(cn)}, follow_redirects=False)
    assert r.status_code == 303
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["identity"] == "cn" and case["name_zh"] == "王小明" and case["passport_no"] == "L12345678"
    form = await client.get(await _url(app_id, f"/applicants/{case['id']}"))
    assert 'value="11010519491231002X"' in form.text and 'value="WANG XIAOMING"' in form.text
    # 換證-like offerings that start with a lookup have no roster picker
    multiple = await _start(client, "mainland-multiple")
    assert (await client.get(await _url(multiple, "/roster"))).status_code == 404

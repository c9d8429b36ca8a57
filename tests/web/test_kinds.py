"""換證, 延期, 資料異動: the renewal lookup (valid, unknown, expired, another school's), and each kind filed end to end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.actions import kinds as actions
from app.i18n import use_locale
from tables.tables import Application, Attachment, Case
from tests.apply_support import SUBMITTER, app_id_from, jpeg, post_multipart
from tests.progress_support import make_permit, school_actor
from tests.support import make_account, make_school, make_school_with_accounts
from tests.web.test_student_login import add_roster


def _files(*kinds: str):
    return [(f"file_{k}", (f"{k}.jpg", jpeg(), "image/jpeg")) for k in kinds]


async def _draft(client, slug: str, members: int = 1) -> int:
    r = await client.get(f"/apply/{slug}")
    assert r.status_code == 200 and "/terms" in r.text
    r = await client.post_form(f"/apply/{slug}/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    app_id = app_id_from(r.headers["location"])
    r = await client.post_form(f"/apply/drafts/{app_id}/submitter", SUBMITTER, follow_redirects=False)
    assert r.status_code == 303
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {
            "name": f"{slug} 測試",
            "member_count": str(members),
            "pickup_method": "self",
            "station_code": "S01",
            "op": "save",
        },
        _files("power_of_attorney"),
    )
    assert r.status_code == 303
    r = await client.get(f"/apply/drafts/{app_id}/applicants", follow_redirects=False)
    slug_of = {"renewal": "renewal", "extension": "extension", "data-change": "data-change"}
    # the older address leads to the one wizard's applicants step of the offering
    assert r.status_code == 301
    assert r.headers["location"] == f"/apply/foreign/{slug_of[slug]}/{app_id}/applicants"
    return app_id


async def _submit(client, app_id: int) -> str:
    r = await client.get(f"/apply/kinds/{app_id}/submit")
    assert r.status_code == 200 and "1,000" in r.text
    r = await client.post_form(f"/apply/kinds/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    app = (await Application.select().where(Application.id == app_id))[0]
    assert app["group_no"] and app["status"] == "first_review"
    for c in await Case.select().where(Case.application == app_id):
        assert c["status"] == "first_review" and c["receipt_no"]
    page = await client.get(r.headers["location"])
    assert app["group_no"] in page.text
    return app["group_no"]


async def test_renewal_lookup_accepts_and_refuses(db):
    ids = await make_school_with_accounts()
    actor = school_actor(ids)
    valid = await make_permit(ids["school"], ids["main"], "A810000008")
    await make_permit(
        ids["school"],
        ids["main"],
        "A810000017",
        issued=date.today() - timedelta(days=200),
        expires=date.today() - timedelta(days=17),
    )
    other = await make_school(name="他校", business_no="03734317")
    acc = await make_account("03734317", other, main=True)
    await make_permit(other, acc, "A810000026")
    match = await actions.find_permit(actor, "a810000008")
    assert match.permit_no == valid["permit_no"] and match.case_id == valid["case"]
    for ui, words in (
        ("A810000035", "No electronic resident certificate"),
        ("A810000017", "expired"),
        ("A810000026", "No electronic resident certificate"),
        ("A810000009", "not valid"),
        ("", "Enter"),
    ):
        with use_locale("en"), pytest.raises(actions.Refused) as exc:
            await actions.find_permit(actor, ui)
        assert words in exc.value.problems[0], ui
    # a sub-account renews any of the school's students
    assert (await actions.find_permit(school_actor(ids, "sub1"), "A810000008")).case_id == valid["case"]


async def test_renewal_end_to_end(client):
    ids = await make_school_with_accounts()
    permit = await make_permit(ids["school"], ids["main"], "A810000008")
    await client.login("03734301")
    app_id = await _draft(client, "renewal")
    r = await client.get(f"/apply/kinds/{app_id}/applicants")
    assert "統一(居留)證號" in r.text and "查詢" in r.text
    r = await client.post_form(
        f"/apply/kinds/{app_id}/applicants", {"ui_no": "A810000035"}, follow_redirects=False
    )
    assert r.status_code == 400 and 'id="f-ui_no-error"' in r.text and 'value="A810000035"' in r.text
    r = await client.post_form(
        f"/apply/kinds/{app_id}/applicants", {"ui_no": "A810000008"}, follow_redirects=False
    )
    assert r.status_code == 303
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    case = (await Case.select().where(Case.id == case_id))[0]
    source = (await Case.select().where(Case.id == permit["case"]))[0]
    assert case["enrollment_status"] == "R" and case["name_en"] == source["name_en"]
    assert case["passport_no"] == source["passport_no"] and case["ui_no"] == "A810000008"
    assert await Attachment.exists().where((Attachment.case == case_id) & (Attachment.kind == "photo"))
    r = await client.get(r.headers["location"])
    assert "已註冊" in r.text and 'value="A810000008"' in r.text and "readonly" in r.text
    # the same certificate cannot be added twice
    r = await client.post_form(
        f"/apply/kinds/{app_id}/applicants", {"ui_no": "A810000008"}, follow_redirects=False
    )
    assert r.status_code == 400
    # save: only the passport is required (the address is unchanged); a new address asks for the accommodation proof
    from app.domain import applicant as rules

    form = rules.form_from_record(case) | {"op": "save"}
    r = await post_multipart(
        client,
        f"/apply/kinds/{app_id}/applicants/{case_id}",
        form | {"addr_number": "99號"},
        _files("passport"),
    )
    assert r.status_code == 200 and 'id="f-doc_accommodation-error"' in r.text
    r = await post_multipart(client, f"/apply/kinds/{app_id}/applicants/{case_id}", form, [])
    assert r.status_code == 200 and "資料已完成" in r.text or "已完成" in r.text
    assert (await Case.select(Case.complete).where(Case.id == case_id))[0]["complete"]
    group_no = await _submit(client, app_id)
    r = await client.get(f"/progress/?search=1&kind=renewal&group_no={group_no}")
    assert f"<td>{group_no}</td>" in r.text and "換證" in r.text


async def test_extension_end_to_end(client):
    ids = await make_school_with_accounts()
    await add_roster(ids["school"], national_id="A810000044")  # the student's certificate is on the roster
    await client.login("03734301")
    app_id = await _draft(client, "extension")
    r = await client.post_form(
        f"/apply/kinds/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
    )
    assert r.status_code == 303
    url = r.headers["location"]
    case_id = int(url.rsplit("/", 1)[1])
    today = date.today()
    form = {
        "ui_no": "A810000044",
        "name_en": "maria  garcia",
        "passport_no": "pa1234567",
        "birth_date": "2004/12/19",
        "current_expiry": (today + timedelta(days=30)).strftime("%Y/%m/%d"),
        "new_expiry": (today - timedelta(days=1)).strftime("%Y/%m/%d"),
        "reason": "延長修業",
        "op": "save",
    }
    assert (
        'id="f-new_expiry-error"' not in (await client.get(url)).text
    )  # nothing flagged before a first save
    r = await post_multipart(client, url, form, _files("passport"))
    assert r.status_code == 200
    assert 'id="f-new_expiry-error"' in r.text and 'id="f-doc_resident_card-error"' in r.text
    reopened = await client.get(
        url
    )  # saved but not complete: the same problems when the form is opened again
    assert 'id="f-new_expiry-error"' in reopened.text and 'id="f-doc_resident_card-error"' in reopened.text
    assert 'id="f-doc_passport-error"' not in reopened.text  # the uploaded passport counts
    form["new_expiry"] = (today + timedelta(days=400)).strftime("%Y/%m/%d")
    r = await post_multipart(client, url, form, _files("resident_card", "enrolment_proof"))
    assert r.status_code == 200 and "f-new_expiry-error" not in r.text
    case = (await Case.select().where(Case.id == case_id).output(load_json=True))[0]
    assert case["complete"] and case["name_en"] == "MARIA GARCIA" and case["ui_no"] == "A810000044"
    assert case["data"]["kind"]["new_expiry"] == form["new_expiry"]
    group_no = await _submit(client, app_id)
    r = await client.get(f"/progress/groups/{app_id}/cases/{case_id}")
    assert "延期至" in r.text and form["new_expiry"] in r.text and "在學證明" in r.text
    assert group_no


async def test_data_change_end_to_end(client):
    ids = await make_school_with_accounts()
    await make_permit(ids["school"], ids["main"], "A810000053")  # an e-certificate issued here
    await client.login("03734301")
    app_id = await _draft(client, "data-change")
    r = await client.post_form(
        f"/apply/kinds/{app_id}/applicants", {"identity": "overseas"}, follow_redirects=False
    )
    url = r.headers["location"]
    case_id = int(url.rsplit("/", 1)[1])
    form = {
        "ui_no": "A810000053",
        "name_en": "TAN MEI LING",
        "passport_no": "K12349876",
        "birth_date": "2002/10/09",
        "op": "save",
    }
    r = await post_multipart(client, url, form, [])
    assert 'id="f-changes-error"' in r.text
    token = await client.ensure_csrf()
    data = [(k, v) for k, v in form.items()] + [
        ("changes", "passport"),
        ("changes", "address"),
        ("new_passport_no", "K99887766"),
        ("new_passport_expiry", "2034/05/01"),
        ("new_addr_county", "臺北市"),
        ("new_addr_district", "中正區"),
        ("new_addr_street", "重慶南路一段"),
        ("new_addr_number", "1號"),
        ("_csrf_token", token),
    ]
    r = await client.post(
        url,
        data=dict(data) | {"changes": ["passport", "address"]},
        files=_files("resident_card", "change_proof"),
        follow_redirects=False,
    )
    assert r.status_code == 200
    assert 'id="f-doc_accommodation-error"' in r.text  # the new address needs its proof
    r = await client.post(
        url,
        data=dict(data) | {"changes": ["passport", "address"]},
        files=_files("accommodation"),
        follow_redirects=False,
    )
    assert "f-doc_accommodation-error" not in r.text
    case = (await Case.select().where(Case.id == case_id).output(load_json=True))[0]
    assert case["complete"], r.text[:3000]
    assert case["data"]["kind"]["changes"] == ["passport", "address"]
    assert case["data"]["kind"]["new_passport_no"] == "K99887766"
    await _submit(client, app_id)
    r = await client.get(f"/progress/groups/{app_id}/cases/{case_id}")
    assert "換發護照" in r.text and "K99887766" in r.text


async def test_incomplete_group_is_not_submitted_and_scope(client):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    app_id = await _draft(client, "extension", members=2)
    await client.post_form(f"/apply/kinds/{app_id}/applicants", {"identity": "foreign"})
    r = await client.post_form(f"/apply/kinds/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 400
    assert (await Application.select(Application.group_no).where(Application.id == app_id))[0][
        "group_no"
    ] is None
    await client.post_form("/logout", {})
    await client.login("03734301-01")
    assert (await client.get(f"/apply/kinds/{app_id}/applicants")).status_code == 404
    r = await client.post_form(
        f"/apply/kinds/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
    )
    assert r.status_code == 404
    assert ids


async def test_extension_and_data_change_need_a_resident_certificate_known_here(client):
    """Issue 12, item 4: a well-formed UI no. that names no certificate of the school's students is refused
    beside the field, as 換證 does; one issued here or on the school's roster is accepted."""
    ids = await make_school_with_accounts()
    other = await make_school("他校大學", "04595257")
    other_account = await make_account("04595257", other, main=True)
    await add_roster(ids["school"], name_en="ROSTER ONE", passport="RP112233", national_id="A810000044")
    await make_permit(ids["school"], ids["main"], "A810000053")
    await make_permit(ids["school"], ids["main"], "A810000062", expires=date.today() - timedelta(days=1))
    await make_permit(other, other_account, "A810000071")  # another school's student
    await client.login("03734301")
    today = date.today()
    for slug in ("extension", "data-change"):
        app_id = await _draft(client, slug)
        r = await client.post_form(
            f"/apply/kinds/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
        )
        url = r.headers["location"]
        case_id = int(url.rsplit("/", 1)[1])
        form = {
            "name_en": "MARIA GARCIA",
            "passport_no": "PA1234567",
            "birth_date": "2004/12/19",
            "op": "save",
        }
        if slug == "extension":
            form |= {
                "current_expiry": (today + timedelta(days=30)).strftime("%Y/%m/%d"),
                "new_expiry": (today + timedelta(days=400)).strftime("%Y/%m/%d"),
                "reason": "延長修業",
            }
            docs = _files("passport", "resident_card", "enrolment_proof")
            extra: dict = {}
        else:
            docs = _files("resident_card", "change_proof")
            extra = {
                "changes": ["passport"],
                "new_passport_no": "K99887766",
                "new_passport_expiry": "2034/05/01",
            }
        for unknown in ("A800000014", "A810000062", "A810000071"):  # unknown, expired, another school's
            r = await post_multipart(client, url, form | extra | {"ui_no": unknown}, docs)
            assert r.status_code == 200
            assert 'id="f-ui_no-error"' in r.text and "查無" in r.text, (slug, unknown)
            assert f'value="{unknown}"' in r.text  # what was typed stays
            assert not (await Case.select(Case.complete).where(Case.id == case_id).first())["complete"]
        r = await client.post_form(f"/apply/kinds/{app_id}/submit", {}, follow_redirects=False)
        assert r.status_code == 400
        assert (await Application.select(Application.group_no).where(Application.id == app_id).first())[
            "group_no"
        ] is None
        for known in ("A810000044", "A810000053"):  # on the roster; issued here
            r = await post_multipart(client, url, form | extra | {"ui_no": known}, [])
            assert 'id="f-ui_no-error"' not in r.text, (slug, known)
            assert (await Case.select(Case.complete).where(Case.id == case_id).first())["complete"], r.text[
                :3000
            ]
        await _submit(client, app_id)

"""The back office hardened (issue 15, item 8): audit log, master-data checks with field messages, no raw
database errors, contacts' national ID and birthday kept from reviewers, Taipei time, bilingual labels."""

from __future__ import annotations

import json

from tables.tables import Account, AdminAudit, Holiday, School
from tests.review_factories import REVIEWER_PASSWORD, admin_login, make_reviewers
from tests.support import make_school_with_accounts


async def _login(client, username: str, password: str = REVIEWER_PASSWORD):
    r = await admin_login(client, username, password=password)
    return r, client.cookies.get("csrftoken")


async def test_logins_and_changes_are_in_the_audit_log_which_only_supervisors_read(client, db):
    ids = await make_school_with_accounts()
    await make_reviewers()
    r, _token = await _login(client, "reviewer1", "wrong-password-123")
    assert r.status_code >= 400
    r, token = await _login(client, "reviewer1")
    assert r.status_code == 200
    rows = await AdminAudit.select().order_by(AdminAudit.id)
    assert [(a["event"], a["username"]) for a in rows] == [
        ("login_failed", "reviewer1"),
        ("login_ok", "reviewer1"),
    ]
    assert "wrong-password" not in json.dumps(rows, default=str)
    # A reviewer cannot read the log.
    assert (await client.get("/admin/api/tables/admin_audit/")).status_code == 403
    client.cookies.clear()
    _r, token = await _login(client, "supervisor")
    h = {"X-CSRFToken": token}
    r = await client.patch(
        f"/admin/api/tables/school/{ids['school']}/", json={"phone": "0211112222"}, headers=h
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/admin/api/tables/holiday/",
        json={
            "day": "2026-09-03",
            "kind": "holiday",
            "name": "颱風假",
            "created_at": "2026-09-01T00:00:00+00:00",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    log = (await client.get("/admin/api/tables/admin_audit/?__order=id")).json()["rows"]
    events = [(a["event"], a["username"], a["target"]) for a in log]
    assert ("update", "supervisor", "school") in events and ("create", "supervisor", "holiday") in events
    change = next(a for a in log if a["target"] == "school")
    assert change["row_id"] == str(ids["school"]) and "0211112222" in change["detail"]
    created = next(a for a in log if a["target"] == "holiday")
    holiday_id = (await Holiday.select(Holiday.id))[0]["id"]
    assert created["row_id"] == str(holiday_id)
    # Times in Taipei time.
    assert all(a["created_at"].endswith("+08:00") for a in log), [a["created_at"] for a in log]


async def test_master_data_checks_answer_with_field_messages(client, db):
    ids = await make_school_with_accounts()
    await make_reviewers()
    _r, token = await _login(client, "supervisor")
    h = {"X-CSRFToken": token}
    r = await client.patch(
        f"/admin/api/tables/school/{ids['school']}/", json={"business_no": "12345678"}, headers=h
    )
    assert r.status_code == 400 and "business_no" in r.text and "檢查碼" in r.text and "check digit" in r.text
    assert (await School.select(School.business_no))[0]["business_no"] == "03734301"
    r = await client.post(
        "/admin/api/tables/holiday/",
        json={
            "day": "2026-09-04",
            "kind": "vacation",
            "name": "x",
            "created_at": "2026-09-01T00:00:00+00:00",
        },
        headers=h,
    )
    assert r.status_code == 400 and "holiday" in r.text and "workday" in r.text
    profile = (await client.get("/admin/api/tables/reviewer_profile/?__order=id")).json()["rows"][0]
    r = await client.patch(
        f"/admin/api/tables/reviewer_profile/{profile['id']}/", json={"role": "root"}, headers=h
    )
    assert r.status_code == 400 and "role" in r.text
    # A duplicate unified business no. is told as such, never as the database's text.
    other = School(
        name="乙大學",
        business_no="04595257",
        created_at=(await School.select(School.created_at))[0]["created_at"],
    )
    await other.save()
    r = await client.patch(
        f"/admin/api/tables/school/{other.id}/", json={"business_no": "03734301"}, headers=h
    )
    assert r.status_code == 400 and "不能重複" in r.text and "UNIQUE constraint" not in r.text
    # A delete the database refuses (the school still has accounts): a message, not the raw error.
    r = await client.delete(f"/admin/api/tables/school/{ids['school']}/", headers=h)
    assert r.status_code in (400, 422) and "FOREIGN KEY" not in r.text and "violates" not in r.text
    assert await School.exists().where(School.id == ids["school"])


async def test_reviewers_do_not_see_contacts_national_id_or_birthday(client, db):
    ids = await make_school_with_accounts()
    await make_reviewers()
    await Account.update({Account.national_id: "A123456789"}).where(Account.id == ids["main"])
    _r, _token = await _login(client, "reviewer1")
    row = (await client.get(f"/admin/api/tables/account/{ids['main']}/")).json()
    assert row["national_id"] is None and row["birthday"] is None and row["login_id"] == "03734301"
    listing = (await client.get("/admin/api/tables/account/")).text
    assert "A123456789" not in listing
    assert (await client.get("/admin/api/tables/account/?national_id=A123456789")).status_code == 403
    assert (await client.get("/admin/api/tables/account/?__order=-birthday")).status_code == 403
    client.cookies.clear()
    _r, _token = await _login(client, "supervisor")
    assert (await client.get(f"/admin/api/tables/account/{ids['main']}/")).json()[
        "national_id"
    ] == "A123456789"


async def test_schema_labels_and_status_values_in_both_languages(client, db):
    await make_school_with_accounts()
    await make_reviewers()
    _r, _token = await _login(client, "reviewer1")
    schema = (await client.get("/admin/api/tables/case/schema/")).json()
    assert schema["properties"]["receipt_no"]["title"] == "收件號"
    status = schema["properties"]["status"]["extra"]["choices"]
    assert status["first_review"]["display_name"] == "待初審"
    assert "案件" in schema["extra"]["help_text"]
    client.cookies.set("lang", "en")  # the reader's language (tests/web/test_admin_language.py has more)
    roles = (await client.get("/admin/api/tables/reviewer_profile/schema/")).json()["properties"]["role"]
    assert roles["extra"]["choices"]["supervisor"]["display_name"] == "Supervisor"


async def test_new_reviewer_form_makes_user_profile_and_stations_under_the_password_rules(client, db):
    from piccolo.apps.user.tables import BaseUser

    from tables.tables import ReviewerProfile, ReviewerStation

    await make_school_with_accounts()
    await make_reviewers()
    _r, token = await _login(client, "supervisor")
    h = {"X-CSRFToken": token}
    forms = {f["name"]: f["slug"] for f in (await client.get("/admin/api/forms/")).json()}
    slug = forms["新增審核人員"]  # the name in the reader's language (zh by default)
    data = {
        "username": "reviewer9",
        "display_name": "初審 林小華",
        "email": "r9@nia.example.gov.tw",
        "role": "first_reviewer",
        "stations": "S01, S02",
        "password": "password1234",
    }
    r = await client.post(f"/admin/api/forms/{slug}/", json=data, headers=h)
    assert r.status_code == 422 and "password" in r.text and "too common" in r.text
    r = await client.post(f"/admin/api/forms/{slug}/", json={**data, "password": "short-Pw1"}, headers=h)
    assert r.status_code == 422 and "12" in r.text
    r = await client.post(
        f"/admin/api/forms/{slug}/",
        json={**data, "stations": "S01,XX9", "password": "Lantern-orbit-4417"},
        headers=h,
    )
    assert r.status_code == 422 and "XX9" in r.text
    assert not await BaseUser.exists().where(BaseUser.username == "reviewer9")
    r = await client.post(
        f"/admin/api/forms/{slug}/", json={**data, "password": "Lantern-orbit-4417"}, headers=h
    )
    assert r.status_code == 200, r.text
    user = (await BaseUser.select().where(BaseUser.username == "reviewer9"))[0]
    assert user["admin"] and user["active"] and not user["superuser"]
    profile = (await ReviewerProfile.select().where(ReviewerProfile.user == user["id"]))[0]
    assert profile["role"] == "first_reviewer" and profile["display_name"] == "初審 林小華"
    codes = {
        r["station_code"]
        for r in await ReviewerStation.select().where(ReviewerStation.reviewer == profile["id"])
    }
    assert codes == {"S01", "S02"}
    log = await AdminAudit.select().where(AdminAudit.event == "form")
    assert len(log) == 1 and "Lantern" not in log[0]["detail"] and "reviewer9" in log[0]["detail"]
    # The new reviewer signs in; a reviewer cannot use the form.
    client.cookies.clear()
    r, token = await _login(client, "reviewer9", "Lantern-orbit-4417")
    assert r.status_code == 200
    r = await client.post(
        f"/admin/api/forms/{slug}/",
        json={**data, "username": "x10", "password": "Lantern-orbit-4418"},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 422
    # Changing one's own password follows the same rules.
    r = await client.post(
        "/admin/api/change-password/",
        json={
            "current_password": "Lantern-orbit-4417",
            "new_password": "abc123456",
            "confirm_new_password": "abc123456",
        },
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 400 and "12" in r.text
    assert await AdminAudit.exists().where(
        (AdminAudit.event == "refused") & (AdminAudit.target == "password")
    )

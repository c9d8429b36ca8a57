"""Supervisors create schools with their main accounts and reset main accounts' passwords in the back office."""

from __future__ import annotations

from urllib.parse import quote

from app.actions import admin_accounts
from app.services import hashing, sessions
from tables.tables import Account, AuthEvent, School
from tests.review_factories import actor, admin_headers, make_reviewers
from tests.support import PASSWORD, make_school_with_accounts

NEW_SCHOOL = "/admin/api/forms/" + quote("新增學校及主帳號-new-school-and-main-account") + "/"
RESET = "/admin/api/forms/" + quote("重設主帳號密碼-reset-main-account-password") + "/"
RESET_MFA = "/admin/api/forms/" + quote("重設兩步驟驗證-reset-reviewer-two-step-verification") + "/"
GOOD = "Lantern-orchid-river-42"


def _school(**kw) -> dict[str, str]:
    data = {
        "name": "國立政治大學",
        "business_no": "04126305",
        "login_id": "04126305",
        "contact_name": "王承辦",
        "email": "intl@nccu.example.edu.tw",
        "password": GOOD,
    }
    data.update(kw)
    return data


async def test_supervisor_creates_a_school_and_its_main_account(client):
    ids = await make_reviewers()
    h = await admin_headers(client, "supervisor")
    forms = (await client.get("/admin/api/forms/")).json()
    assert any(f["name"].startswith("新增學校及主帳號") for f in forms)
    r = await client.post(NEW_SCHOOL, json=_school(), headers=h)
    assert r.status_code == 200, r.text
    assert "04126305" in r.json()["custom_form_success"]

    school = (await School.select().where(School.business_no == "04126305"))[0]
    assert school["name"] == "國立政治大學"
    acc = (await Account.select().where(Account.login_id == "04126305"))[0]
    assert acc["school"] == school["id"] and acc["is_main"] and acc["enabled"] and not acc["deleted"]
    assert acc["name"] == "王承辦" and acc["email"] == "intl@nccu.example.edu.tw"
    assert acc["password_hash"].startswith("$argon2id$") and await hashing.verify_password(
        acc["password_hash"], GOOD
    )
    event = (await AuthEvent.select().where(AuthEvent.event == "account_created"))[0]
    assert event["login_id"] == "04126305" and event["account"] == acc["id"]
    assert event["actor_login_id"] == "supervisor"
    assert ids
    # The school signs in with it.
    client.cookies.clear()
    assert (await client.get("/", follow_redirects=False)).status_code == 303
    await client.login("04126305", GOOD)
    assert (await client.get("/", follow_redirects=False)).status_code == 200


async def test_duplicates_and_bad_input_are_refused_with_a_message(client):
    await make_reviewers()
    ids = await make_school_with_accounts()  # 測試大學 03734301 with main account 03734301
    h = await admin_headers(client, "supervisor")

    async def refused(**kw) -> str:
        r = await client.post(NEW_SCHOOL, json=_school(**kw), headers=h)
        assert r.status_code == 422, r.text
        return r.json()["custom_form_error"]

    assert "03734301" in await refused(business_no="03734301", login_id="newmain01")
    assert "03734301" in await refused(login_id="03734301")  # the id is taken (by the other school)
    assert await refused(business_no="12345678")  # check digit wrong
    assert await refused(login_id="0412-6305")  # "-" is for sub-accounts
    assert await refused(email="not-an-email")
    assert await refused(password="password1234")  # common
    assert await refused(password="short")
    assert await refused(password="04126305-is-my-pass")  # contains the account id
    assert await School.count() == 1 and await Account.count() == 3
    assert not await AuthEvent.exists().where(AuthEvent.event == "account_created")
    assert ids


async def test_only_supervisors_may_create_or_reset(client):
    ids = await make_school_with_accounts()
    await make_reviewers()
    h = await admin_headers(client, "reviewer1")
    r = await client.post(NEW_SCHOOL, json=_school(), headers=h)
    assert r.status_code == 422
    assert "主管" in r.json()["custom_form_error"] or "supervisor" in r.json()["custom_form_error"]
    r = await client.post(RESET, json={"login_id": "03734301", "new_password": GOOD}, headers=h)
    assert r.status_code == 422
    assert await School.count() == 1
    row = (await Account.select(Account.password_hash).where(Account.id == ids["main"]))[0]
    assert await hashing.verify_password(row["password_hash"], PASSWORD)


async def test_the_action_itself_checks_the_role_and_rolls_back_as_one(db):
    users = await make_reviewers()
    reviewer = actor(users["reviewer1"], "reviewer1")
    try:
        await admin_accounts.create_school(reviewer, admin_accounts.NewSchool(**_school()))
        raise AssertionError("a reviewer created a school")
    except admin_accounts.AdminAccountError:
        pass
    sup = actor(users["supervisor"], "supervisor")
    await admin_accounts.create_school(sup, admin_accounts.NewSchool(**_school()))
    # Same 統一編號, new id: refused before anything is written (no school without an account, or the reverse).
    try:
        await admin_accounts.create_school(sup, admin_accounts.NewSchool(**_school(login_id="other001")))
        raise AssertionError("duplicate accepted")
    except admin_accounts.AdminAccountError as exc:
        assert exc.field == "business_no"
    assert await School.count() == 1 and await Account.count() == 1


async def test_supervisor_resets_a_main_password_and_its_sessions_end(client):
    ids = await make_school_with_accounts()
    await make_reviewers()
    school_session = await sessions.create_session(account_id=ids["main"], kind="school", ip="127.0.0.1")
    assert school_session
    await Account.update({Account.failed_logins: 5}).where(Account.id == ids["main"])
    h = await admin_headers(client, "supervisor")

    r = await client.post(RESET, json={"login_id": "03734301", "new_password": "password1234"}, headers=h)
    assert r.status_code == 422  # the same rules as the school's own change
    r = await client.post(RESET, json={"login_id": "03734301", "new_password": PASSWORD}, headers=h)
    assert r.status_code == 422  # not one of the last passwords
    r = await client.post(RESET, json={"login_id": "03734301-01", "new_password": GOOD}, headers=h)
    assert r.status_code == 422
    assert "子帳號" in r.json()["custom_form_error"] or "sub-account" in r.json()["custom_form_error"]
    r = await client.post(RESET, json={"login_id": "nobody", "new_password": GOOD}, headers=h)
    assert r.status_code == 422

    r = await client.post(RESET, json={"login_id": "03734301", "new_password": GOOD}, headers=h)
    assert r.status_code == 200, r.text
    row = (await Account.select().where(Account.id == ids["main"]))[0]
    assert await hashing.verify_password(row["password_hash"], GOOD)
    assert row["failed_logins"] == 0
    from tables.tables import UserSession

    assert await UserSession.count().where(UserSession.account == ids["main"]) == 0
    event = (await AuthEvent.select().where(AuthEvent.event == "password_reset"))[0]
    assert event["account"] == ids["main"] and event["actor_login_id"] == "supervisor"
    client.cookies.clear()
    await client.login("03734301", GOOD)
    assert (await client.get("/", follow_redirects=False)).status_code == 200


async def test_supervisor_resets_a_reviewers_two_step_verification(client):
    from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret

    users = await make_reviewers()
    await AuthenticatorSecret.create_new(
        user_id=users["reviewer1"], encryption_provider=_plain(), recovery_code_count=1
    )
    h = await admin_headers(client, "supervisor")
    r = await client.post(RESET_MFA, json={"username": "reviewer1"}, headers=h)
    assert r.status_code == 200, r.text
    assert not await AuthenticatorSecret.is_user_enrolled(user_id=users["reviewer1"])
    r = await client.post(RESET_MFA, json={"username": "reviewer1"}, headers=h)
    assert r.status_code == 422  # nothing left to reset
    assert await AuthEvent.exists().where(AuthEvent.event == "mfa_reset")


def _plain():
    from app.services import mfa

    return mfa.encryption()

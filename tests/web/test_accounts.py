"""帳號維護 through the test client: passwords, profiles, sub-accounts, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime

from app.services.hashing import verify_password
from app.web.middleware import SESSION_COOKIE
from tables.tables import Account, Application, AuthEvent, School, UserSession
from tests.support import PASSWORD, make_account, make_school, make_school_with_accounts

NEW = "blue heron crossing 2026"


async def test_change_password_logs_out_and_the_new_one_works(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW}
    )
    assert "密碼修改完成，請重新登入" in r.text
    assert await UserSession.count() == 0
    row = (await Account.select().where(Account.login_id == "03734301"))[0]
    assert await verify_password(row["password_hash"], NEW)
    r = await client.login("03734301", password=NEW)
    assert "優先處理事項" in r.text
    assert await AuthEvent.exists().where(AuthEvent.event == "password_change")


async def test_change_password_errors_are_shown_beside_the_fields(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form(
        "/account/password",
        {"current_password": "wrong one here", "new_password": "short", "confirm_password": "x"},
    )
    assert r.status_code == 400
    assert "目前密碼錯誤" in r.text and 'class="error-summary"' in r.text
    r = await client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "password1234", "confirm_password": "password1234"},
    )
    assert "常見" in r.text
    r = await client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "x"},
    )
    assert "兩次輸入的新密碼不一致" in r.text
    # Nothing changed.
    row = (await Account.select().where(Account.login_id == "03734301"))[0]
    assert await verify_password(row["password_hash"], PASSWORD)


async def test_not_one_of_the_last_three(client):
    await make_school_with_accounts()
    await client.login("03734301")
    # The current password counts as one of the last three.
    r = await client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert "前 3 次" in r.text


async def test_sub_account_is_refused_on_main_only_pages(client):
    await make_school_with_accounts()
    await client.login("03734301-01")
    r = await client.get("/account/sub-accounts")
    assert r.status_code == 403
    assert "無權限" in r.text
    r = await client.post_form("/account/sub-accounts/new", {"name": "x"})
    assert r.status_code == 403
    # And the menu does not offer it.
    home = await client.get("/")
    assert "子帳號維護" not in home.text and "基本資料維護" in home.text


async def test_main_account_creates_the_next_sub_account(client):
    ids = await make_school_with_accounts()
    # A deleted -03 is not reused.
    await make_account("03734301-03", ids["school"], deleted=True)
    await client.login("03734301")
    page = await client.get("/account/sub-accounts/new")
    assert "03734301-04" in page.text
    data = {
        "name": "林小小",
        "national_id": "A123456789",
        "birthday": "1990/01/02",
        "unit": "註冊組",
        "password": NEW,
        "confirm_password": NEW,
        "mobile": "0912345678",
        "email": "lin@example.edu.tw",
        "addr_county": "臺北市",
        "addr_district": "中正區",
        "addr_street": "重慶南路一段",
        "addr_number": "122號",
    }
    r = await client.post_form("/account/sub-accounts/new", data)
    assert "建立帳號成功" in r.text and "03734301-04" in r.text
    row = (await Account.select().where(Account.login_id == "03734301-04"))[0]
    assert row["school"] == ids["school"] and not row["is_main"] and row["addr_district"] == "中正區"


async def test_create_sub_account_errors_keep_what_was_typed(client):
    await make_school_with_accounts()
    await client.login("03734301")
    data = {
        "name": "林小小",
        "national_id": "A123456788",
        "birthday": "2990/01/02",
        "unit": "",
        "password": NEW,
        "confirm_password": NEW,
        "email": "not-an-email",
        "addr_county": "臺北市",
        "addr_district": "板橋區",
    }
    r = await client.post_form("/account/sub-accounts/new", data)
    assert r.status_code == 400
    assert "身分證號格式或檢查碼錯誤" in r.text
    assert "聯絡市內電話及聯絡手機兩欄位需至少輸入一項資料" in r.text
    assert "請選擇所選縣市的鄉鎮市區" in r.text
    assert "必須填寫" in r.text
    assert 'value="林小小"' in r.text and 'value="A123456788"' in r.text
    assert NEW not in r.text  # passwords are never sent back
    assert await Account.count() == 3


async def test_disable_ends_sessions_and_enable_restores(client):
    from tests.support import make_client

    ids = await make_school_with_accounts()
    async with make_client() as sub:
        await sub.login("03734301-01")
        assert (await sub.get("/", follow_redirects=False)).status_code == 200
        await client.login("03734301")
        r = await client.post_form(f"/account/sub-accounts/{ids['sub1']}/disable")
        assert "停用成功" in r.text
        # The sub-account's open session is over.
        assert (await sub.get("/", follow_redirects=False)).status_code == 303
        assert "停用" in (await sub.login("03734301-01")).text
        await client.post_form(f"/account/sub-accounts/{ids['sub1']}/enable")
        assert "優先處理事項" in (await sub.login("03734301-01")).text


async def test_delete_sub_account_keeps_its_cases(client):
    ids = await make_school_with_accounts()
    now = datetime.now(UTC)
    await Application.insert(
        Application(
            school=ids["school"],
            created_by=ids["sub2"],
            name="子帳號的案",
            group_no="151020077",
            status="first_review",
            submitted_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    await client.login("03734301")
    confirm = await client.get(f"/account/sub-accounts/{ids['sub2']}/delete")
    assert "刪除帳號" in confirm.text
    r = await client.post_form(f"/account/sub-accounts/{ids['sub2']}/delete")
    assert "刪除帳號成功" in r.text and "03734301-02" not in r.text
    assert await Application.exists().where(Application.name == "子帳號的案")
    await client.post_form("/logout")
    r = await client.login("03734301-02")
    assert "帳號或密碼錯誤" in r.text and client.cookies.get(SESSION_COOKIE) is None


async def test_sub_account_password_by_main(client):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form(
        f"/account/sub-accounts/{ids['sub1']}/password", {"new_password": NEW, "confirm_password": NEW}
    )
    assert "儲存成功" in r.text
    row = (await Account.select().where(Account.id == ids["sub1"]))[0]
    assert await verify_password(row["password_hash"], NEW)


async def test_other_schools_accounts_answer_404(client):
    await make_school_with_accounts()
    other = await make_school(name="別的大學", business_no="03734317")
    foreign_sub = await make_account("03734317-01", other)
    await client.login("03734301")
    for url in (
        f"/account/sub-accounts/{foreign_sub}/password",
        f"/account/sub-accounts/{foreign_sub}/delete",
    ):
        assert (await client.get(url)).status_code == 404
    for url in (
        f"/account/sub-accounts/{foreign_sub}/disable",
        f"/account/sub-accounts/{foreign_sub}/delete",
        f"/account/sub-accounts/{foreign_sub}/password",
    ):
        r = await client.post_form(url, {"new_password": NEW, "confirm_password": NEW})
        assert r.status_code == 404
    row = (await Account.select().where(Account.id == foreign_sub))[0]
    assert row["enabled"] and not row["deleted"]


async def test_main_account_updates_school_and_contact(client):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    page = await client.get("/account/profile")
    assert "機關組織" in page.text and "承辦單位" in page.text
    data = {
        "school_head": "陳校長",
        "school_unit": "國際處",
        "school_phone": "0233663366",
        "school_fax": "",
        "school_email": "oia@example.edu.tw",
        "school_addr_county": "臺北市",
        "school_addr_district": "大安區",
        "school_addr_street": "羅斯福路四段",
        "school_addr_number": "1號",
        "name": "王承辦",
        "national_id": "",
        "phone": "0233669999",
        "phone_ext": "12",
        "mobile": "",
        "email": "wang@example.edu.tw",
    }
    r = await client.post_form("/account/profile", data)
    assert "儲存成功" in r.text
    school = (await School.select().where(School.id == ids["school"]))[0]
    assert school["head"] == "陳校長" and school["addr_district"] == "大安區"
    acc = (await Account.select().where(Account.id == ids["main"]))[0]
    assert acc["name"] == "王承辦" and acc["phone_ext"] == "12"


async def test_profile_needs_a_phone_and_keeps_input(client):
    await make_school_with_accounts()
    await client.login("03734301")
    data = {
        "school_addr_county": "",
        "name": "王承辦",
        "phone": "",
        "mobile": "",
        "email": "wang@example.edu.tw",
    }
    r = await client.post_form("/account/profile", data)
    assert r.status_code == 400
    assert "聯絡市內電話及聯絡手機兩欄位需至少輸入一項資料" in r.text
    assert 'value="王承辦"' in r.text


async def test_sub_account_edits_only_itself(client):
    ids = await make_school_with_accounts()
    await client.login("03734301-01")
    page = await client.get("/account/profile")
    assert "機關組織" not in page.text
    data = {
        "name": "子帳號改名",
        "national_id": "A123456789",
        "birthday": "1990/02/03",
        "unit": "註冊組",
        "mobile": "0912345678",
        "email": "sub@example.edu.tw",
        "addr_county": "臺北市",
        "addr_district": "中正區",
        "addr_street": "中山南路",
        "addr_number": "1號",
        "school_head": "hacker",
    }
    r = await client.post_form("/account/profile", data)
    assert "儲存成功" in r.text
    assert (await Account.select(Account.name).where(Account.id == ids["sub1"]))[0]["name"] == "子帳號改名"
    assert (await School.select(School.head).where(School.id == ids["school"]))[0]["head"] == ""


async def test_pages_need_a_session(client):
    for url in ("/", "/account/profile", "/account/password", "/account/sub-accounts"):
        r = await client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
    assert client.cookies.get(SESSION_COOKIE) is None

"""piccolo-admin mounted at /admin: sign-in, read-only workflow tables, supervisors' master data, forms, body limit."""

from __future__ import annotations

from tables.tables import Case, ReviewEvent, School
from tests.review_factories import admin_signed_in, case_row, make_group, make_reviewers
from tests.support import make_school_with_accounts


async def _admin_login(client, username: str) -> str:
    token = await admin_signed_in(client, username)
    assert client.cookies.get("id")
    return token


async def test_reviewer_signs_in_and_the_desk_accepts_that_session(client):
    await make_school_with_accounts()
    await make_reviewers()
    await _admin_login(client, "reviewer1")
    user = await client.get("/admin/api/user/")
    assert user.json()["username"] == "reviewer1"
    links = (await client.get("/admin/api/links/")).json()
    assert "/review/" in links.values()
    assert (await client.get("/review/queue/first")).status_code == 200
    # The admin speaks the site's language: zh-TW by default, English after the switch (the `lang` cookie).
    tr = (await client.get("/admin/public/translations/")).json()
    assert tr["default_language_code"] == "zh-TW"
    assert {t["language_code"] for t in tr["translations"]} == {"zh-TW"}
    client.cookies.set("lang", "en")
    tr = (await client.get("/admin/public/translations/")).json()
    assert tr["default_language_code"] == "en" and {t["language_code"] for t in tr["translations"]} == {"en"}


async def test_school_account_cannot_sign_in_to_the_admin(client):
    await make_school_with_accounts()
    await client.get("/admin/")
    r = await client.post(
        "/admin/public/login/",
        json={"username": "03734301", "password": "Correct-horse-battery-9"},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert r.status_code == 401
    assert (await client.get("/admin/api/tables/case/")).status_code == 401


async def test_status_edits_through_the_admin_are_refused(client):
    ids = await make_school_with_accounts()
    await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    case_id = g["cases"][0]
    token = await _admin_login(client, "supervisor")
    h = {"X-CSRFToken": token}
    listing = await client.get("/admin/api/tables/case/?__visible_fields=id,status&status=first_review")
    assert listing.status_code == 200 and listing.json()["rows"][0]["id"] == case_id
    r = await client.patch(
        f"/admin/api/tables/case/{case_id}/", json={"status": "awaiting_payment"}, headers=h
    )
    assert r.status_code == 405
    r = await client.patch(
        f"/admin/api/tables/case/{case_id}/", json={"receipt_no": "999999999999"}, headers=h
    )
    assert r.status_code == 405
    r = await client.delete(f"/admin/api/tables/case/{case_id}/", headers=h)
    assert r.status_code == 405
    r = await client.post(
        "/admin/api/tables/review_event/",
        json={"application": g["application"], "action": "x", "to_status": "approved"},
        headers=h,
    )
    assert r.status_code == 405
    row = await case_row(case_id)
    assert row["status"] == "first_review" and row["receipt_no"] != "999999999999"
    assert await ReviewEvent.count() == 0


async def test_supervisors_edit_master_data_reviewers_only_read(client):
    ids = await make_school_with_accounts()
    await make_reviewers()
    token = await _admin_login(client, "reviewer1")
    r = await client.patch(
        f"/admin/api/tables/school/{ids['school']}/",
        json={"phone": "0211112222"},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 403
    assert (await client.get(f"/admin/api/tables/school/{ids['school']}/")).status_code == 200
    client.cookies.clear()
    token = await _admin_login(client, "supervisor")
    r = await client.patch(
        f"/admin/api/tables/school/{ids['school']}/",
        json={"phone": "0211112222"},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 200, r.text
    assert (await School.select(School.phone).where(School.id == ids["school"]))[0]["phone"] == "0211112222"
    # Password hashes never leave the server.
    acc = (await client.get(f"/admin/api/tables/account/{ids['main']}/")).json()
    assert not acc.get("password_hash") and acc["login_id"] == "03734301"
    assert (await client.get("/admin/api/tables/user_session/")).status_code == 404


async def test_decision_form_uses_the_review_action(client):
    ids = await make_school_with_accounts()
    await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    receipt_no = (await case_row(g["cases"][0]))["receipt_no"]
    token = await _admin_login(client, "reviewer2")
    forms = (await client.get("/admin/api/forms/")).json()
    slugs = {f["name"]: f["slug"] for f in forms}
    slug = slugs["初審通過"]  # the name in the reader's language (zh by default)
    r = await client.post(
        f"/admin/api/forms/{slug}/",
        json={"receipt_no": receipt_no, "comment": ""},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 422  # reviewer2 is not a first reviewer
    assert (await case_row(g["cases"][0]))["status"] == "first_review"
    client.cookies.clear()
    token = await _admin_login(client, "reviewer1")
    r = await client.post(
        f"/admin/api/forms/{slug}/",
        json={"receipt_no": receipt_no, "comment": ""},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 200, r.text
    assert (await Case.select(Case.status).where(Case.id == g["cases"][0]))[0]["status"] == "second_review"
    events = await ReviewEvent.select()
    assert len(events) == 1 and "reviewer1" in events[0]["actor_label"]


async def test_body_limit_on_the_admin_mount(client):
    await make_school_with_accounts()
    await make_reviewers()
    token = await _admin_login(client, "supervisor")
    big = b"x" * (3 * 1024 * 1024)
    r = await client.post(
        "/admin/api/media/",
        content=big,
        headers={"X-CSRFToken": token, "content-type": "application/octet-stream"},
    )
    assert r.status_code == 413
    # A normal request still works.
    assert (await client.get("/admin/api/user/")).status_code == 200


async def test_body_limit_counts_a_streamed_body_without_content_length():
    from app.admin import BodyLimit

    seen: list[int] = []

    async def inner(scope, receive, send):
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise RuntimeError("client went away")
            total += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        seen.append(total)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def run(chunks: int) -> list[dict]:
        parts = [
            {"type": "http.request", "body": b"z" * 1000, "more_body": i < chunks - 1} for i in range(chunks)
        ]
        sent: list[dict] = []

        async def receive():
            return parts.pop(0) if parts else {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        await BodyLimit(inner, 5000)({"type": "http", "headers": []}, receive, send)
        return sent

    small = await run(3)
    assert small[0]["status"] == 200 and seen == [3000]
    big = await run(8)
    assert big[0]["status"] == 413 and len([m for m in big if m["type"] == "http.response.start"]) == 1
    assert seen == [3000]  # the inner app never finished reading the oversized body

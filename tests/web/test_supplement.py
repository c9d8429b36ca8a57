"""退補件列表 and 補正: case and group round trips ending back in review with the reply and what changed."""

from __future__ import annotations

import re

from app.queries import progress as q
from tables.tables import Application, Attachment, Case, ReviewEvent, SupplementChange
from tests.apply_support import jpeg
from tests.progress_support import (
    login_student,
    make_group,
    make_student,
    return_case,
    return_group,
)
from tests.support import make_account, make_school, make_school_with_accounts


async def _status(case_id: int) -> str:
    return (await Case.select(Case.status).where(Case.id == case_id))[0]["status"]


def _form(html: str) -> dict[str, str]:
    """The values a browser would send back from the page's inputs and selects (text, hidden, checked)."""
    out: dict[str, str] = {}
    for m in re.finditer(r"<input ([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or name in ("_csrf_token",) or kind in ("file", "submit"):
            continue
        if kind in ("radio", "checkbox") and "checked" not in m.group(1).split():
            continue
        out[name] = attrs.get("value", "")
    for m in re.finditer(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        sel = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        out[m.group(1)] = sel.group(1) if sel else ""
    for m in re.finditer(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        out[m.group(1)] = m.group(2)
    return out


async def _post(client, url: str, data: dict, files=None):
    token = await client.ensure_csrf()
    payload = dict(data) | {"_csrf_token": token}
    return await client.post(
        url,
        data=payload,
        files=files or [("_none", ("", b"", "application/octet-stream"))],
        follow_redirects=False,
    )


async def test_case_round_trip(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review", "first_review"])
    app_id, case_id = g["application"], g["cases"][0]
    await return_case(app_id, case_id, comment="護照影本不清晰，請重新上傳並更正護照號碼。")
    await client.login("03734301")
    r = await client.get("/supplement/")
    assert r.status_code == 200 and g["group_no"] in r.text and "1 件" in r.text or "案件" in r.text
    r = await client.get(f"/supplement/groups/{app_id}")
    assert "補正(件)" in r.text or "補正" in r.text
    assert f"/supplement/groups/{app_id}/cases/{case_id}" in r.text
    assert f"/supplement/groups/{app_id}/cases/{g['cases'][1]}" not in r.text  # not returned
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    assert r.status_code == 200
    assert (
        "護照影本不清晰" in r.text
        and "審核意見回覆" in r.text
        and "變更資料" in r.text
        and "工作天" in r.text
    )
    form = _form(r.text)
    old_passport = (
        await Attachment.select(Attachment.id).where(
            (Attachment.case == case_id) & (Attachment.kind == "passport")
        )
    )[0]["id"]
    # 變更資料 without a reply: refused, nothing sent, what was typed stays
    form["passport_no"] = "N12345678"
    r = await _post(client, f"/supplement/groups/{app_id}/cases/{case_id}", form | {"op": "send"})
    assert r.status_code == 400 and 'id="f-reply-error"' in r.text and 'value="N12345678"' in r.text
    assert await _status(case_id) == "supplement_first"
    # remove the old passport copy (its own button), then send with a new one and the reply
    r = await _post(
        client, f"/supplement/groups/{app_id}/cases/{case_id}", form | {"op": f"remove-{old_passport}"}
    )
    assert r.status_code == 200
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/cases/{case_id}",
        form | {"op": "send", "reply": "已重新上傳清晰的護照影本，並更正護照號碼。"},
        files=[("file_passport", ("新護照.jpg", jpeg(), "image/jpeg"))],
    )
    assert r.status_code == 303, r.text[:3000]
    assert "補正資料已送回" in (await client.get(r.headers["location"])).text
    assert await _status(case_id) == "first_review"  # back to the stage that returned it
    event = (await ReviewEvent.select().where(ReviewEvent.case == case_id).order_by(ReviewEvent.id))[-1]
    assert event["action"] == "resubmit" and event["reply"].startswith("已重新上傳")
    assert event["from_status"] == "supplement_first" and event["to_status"] == "first_review"
    change = (await SupplementChange.select().where(SupplementChange.case == case_id).output(load_json=True))[
        0
    ]
    assert change["event"] == event["id"]
    fields = {f[0]: (f[1], f[2]) for f in change["changes"]["fields"]}
    assert fields["passport_no"][1] == "N12345678"
    assert [f["name"] for f in change["changes"]["added"]] == ["新護照.jpg"]
    assert [f["name"] for f in change["changes"]["removed"]] == ["passport.jpg"]
    # what the reviewer's page reads
    rows = await q.list_changes_for_case(case_id)
    assert rows and rows[0]["reply"].startswith("已重新上傳") and rows[0]["changes"]["fields"]
    # the applicant's timeline shows the reply and the change
    r = await client.get(f"/progress/groups/{app_id}/cases/{case_id}")
    assert "已重新上傳清晰的護照影本" in r.text and "N12345678" in r.text and "新護照.jpg" in r.text
    # no longer returned: the supplement page sends back to the progress view
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}", follow_redirects=False)
    assert r.status_code == 303


async def test_second_review_return_goes_back_to_second_review(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["second_review"])
    app_id, case_id = g["application"], g["cases"][0]
    await return_case(app_id, case_id, comment="請補充說明。", stage="second_review")
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    form = _form(r.text) | {"op": "send", "reply": "資料無誤，補充說明如上。"}
    r = await _post(client, f"/supplement/groups/{app_id}/cases/{case_id}", form)
    assert r.status_code == 303
    assert await _status(case_id) == "second_review"
    change = (await SupplementChange.select().where(SupplementChange.case == case_id).output(load_json=True))[
        0
    ]
    assert change["changes"] == {"fields": [], "added": [], "removed": []}


async def test_missing_document_blocks_send(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    app_id, case_id = g["application"], g["cases"][0]
    await return_case(app_id, case_id)
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    form = _form(r.text)
    visa = await Attachment.select(Attachment.id).where(
        (Attachment.case == case_id) & (Attachment.kind == "visa")
    )
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/cases/{case_id}",
        form | {"op": "send", "reply": "ok", "remove": str(visa[0]["id"])},
    )
    assert r.status_code == 400 and 'id="f-doc_visa-error"' in r.text
    assert await _status(case_id) == "supplement_first"


async def test_group_round_trip(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review", "first_review", "first_review"])
    app_id = g["application"]
    await return_case(app_id, g["cases"][2], comment="個案另需補件。")
    await return_group(app_id, comment="委託書未簽名，請重新上傳。")
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}")
    assert f"/supplement/groups/{app_id}/submitter" in r.text and "委託書未簽名" in r.text
    r = await client.get(f"/supplement/groups/{app_id}/submitter")
    form = _form(r.text)
    assert form["submitter_name"] == "承辦人"
    r = await client.post_form(
        f"/supplement/groups/{app_id}/submitter",
        form | {"submitter_phone": "02-27967162"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("/details")
    r = await client.get(f"/supplement/groups/{app_id}/details")
    assert "委託書未簽名" in r.text and "審核意見回覆" in r.text
    details = _form(r.text)
    poa = (
        await Attachment.select(Attachment.id).where(
            (Attachment.application == app_id) & Attachment.case.is_null()
        )
    )[0]["id"]
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/details",
        details | {"op": "send", "reply": "已上傳簽名後的委託書。", "remove": str(poa)},
        files=[("file_power_of_attorney", ("委託書-簽名.jpg", jpeg(), "image/jpeg"))],
    )
    assert r.status_code == 303, r.text[:2000]
    app = (await Application.select(Application.status).where(Application.id == app_id))[0]
    assert app["status"] == "first_review"
    assert [await _status(c) for c in g["cases"]] == ["first_review", "first_review", "supplement_first"]
    event = (
        await ReviewEvent.select()
        .where((ReviewEvent.application == app_id) & ReviewEvent.case.is_null())
        .order_by(ReviewEvent.id)
    )[-1]
    assert event["action"] == "resubmit_group" and event["reply"] == "已上傳簽名後的委託書。"
    change = (
        await SupplementChange.select()
        .where((SupplementChange.application == app_id) & SupplementChange.case.is_null())
        .output(load_json=True)
    )[0]
    assert ["submitter_phone", "0223456789", "02-27967162"] in change["changes"]["fields"]
    assert change["changes"]["added"][0]["name"] == "委託書-簽名.jpg"
    assert change["changes"]["removed"][0]["name"] == "委託書.jpg"
    # the reviewer sees the group's supplement on a case of the group
    rows = await q.list_changes_for_case(g["cases"][0])
    assert rows[0]["whole_group"] and rows[0]["reply"] == "已上傳簽名後的委託書。"
    # the case returned on its own still waits, and the list still shows the group
    r = await client.get("/supplement/")
    assert g["group_no"] in r.text


async def test_group_send_needs_power_of_attorney(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    app_id = g["application"]
    await return_group(app_id)
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/details")
    poa = (
        await Attachment.select(Attachment.id).where(
            (Attachment.application == app_id) & Attachment.case.is_null()
        )
    )[0]["id"]
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/details",
        _form(r.text) | {"op": "send", "reply": "x", "remove": str(poa)},
    )
    assert r.status_code == 400 and 'id="f-doc_power_of_attorney-error"' in r.text
    assert (await Application.select(Application.status).where(Application.id == app_id))[0][
        "status"
    ] == "supplement_first"


async def test_scope(client):
    ids = await make_school_with_accounts()
    mine = await make_group(ids["school"], ids["main"], ["first_review"])
    other = await make_school(name="他校", business_no="03734317")
    acc = await make_account("03734317", other, main=True)
    theirs = await make_group(other, acc, ["first_review"])
    for g in (mine, theirs):
        await return_case(g["application"], g["cases"][0])
    await client.login("03734301-01")
    r = await client.get("/supplement/")
    assert mine["group_no"] not in r.text and theirs["group_no"] not in r.text
    for g in (mine, theirs):
        url = f"/supplement/groups/{g['application']}/cases/{g['cases'][0]}"
        assert (await client.get(url)).status_code == 404
        r = await _post(client, url, {"op": "send", "reply": "x"})
        assert r.status_code == 404
        assert (await client.get(f"/supplement/groups/{g['application']}")).status_code == 404
    assert await _status(theirs["cases"][0]) == "supplement_first"


async def test_student_supplements_own_case(client):
    ids = await make_school_with_accounts()
    sid = await make_student(ids["school"])
    g = await make_group(ids["school"], None, ["first_review"], student_id=sid)
    await return_case(g["application"], g["cases"][0])
    await login_student(client, sid)
    url = f"/supplement/groups/{g['application']}/cases/{g['cases'][0]}"
    r = await client.get(url)
    assert r.status_code == 200
    r = await _post(client, url, _form(r.text) | {"op": "send", "reply": "已補正。"})
    assert r.status_code == 400 and 'id="f-doc_admission-error"' in r.text  # a student's own: 錄取證明
    assert 'id="f-email-error"' in r.text or _form(r.text).get("email")  # a student's own: an email
    r = await _post(
        client,
        url,
        _form(r.text) | {"op": "send", "reply": "已補正。", "email": "self@example.org"},
        files=[("file_admission", ("錄取證明.jpg", jpeg(), "image/jpeg"))],
    )
    assert r.status_code == 303 and await _status(g["cases"][0]) == "first_review"
    e = (await ReviewEvent.select().where(ReviewEvent.case == g["cases"][0]).order_by(ReviewEvent.id))[-1]
    assert e["actor_kind"] == "student"


async def test_reviewer_desk_shows_reply_and_changes(client):
    from tests.review_factories import admin_session, make_reviewers

    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    app_id, case_id = g["application"], g["cases"][0]
    await return_case(app_id, case_id, comment="請更正英文姓名。")
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    form = _form(r.text) | {"name_en": "YAMADA HANAKO JR", "op": "send", "reply": "已更正英文姓名。"}
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/cases/{case_id}",
        form,
        files=[("file_other", ("說明.jpg", jpeg(), "image/jpeg"))],
    )
    assert r.status_code == 303
    reviewers = await make_reviewers()
    await admin_session(client, reviewers["reviewer1"])
    r = await client.get(f"/review/case/{case_id}")
    assert r.status_code == 200
    for text in ("已更正英文姓名。", "YAMADA HANAKO JR", "<del>YAMADA HANAKO</del>", "說明.jpg"):
        assert text in r.text, text


async def _returned_extension_case(comment: str) -> tuple[int, int]:
    """A 延期 case of the demo school (統一證號 A810000044, 延期至 2027/06/30, its documents) returned at first
    review with this comment: (application id, case id)."""
    from tests.progress_support import add_file

    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review"], kind="extension")
    app_id, case_id = g["application"], g["cases"][0]
    await Case.update(
        {
            Case.ui_no: "A810000044",
            Case.data: {"kind": {"current_expiry": "2027/01/31", "new_expiry": "2027/06/30", "reason": ""}},
        }
    ).where(Case.id == case_id)
    for kind in ("resident_card", "enrolment_proof"):
        await add_file(app_id, case_id, kind)
    await return_case(app_id, case_id, comment=comment)
    return app_id, case_id


async def test_extension_case_supplement_records_its_own_fields(client):
    """A further kind's case is supplemented with its own fields (延期至), and the change is recorded."""
    app_id, case_id = await _returned_extension_case("延期期限請依修業年限填寫。")
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    assert r.status_code == 200 and 'name="new_expiry"' in r.text and 'value="2027/06/30"' in r.text
    form = _form(r.text) | {"new_expiry": "2028/06/30", "op": "send", "reply": "已依修業年限更正。"}
    r = await _post(client, f"/supplement/groups/{app_id}/cases/{case_id}", form)
    assert r.status_code == 303, r.text[:3000]
    change = (await SupplementChange.select().where(SupplementChange.case == case_id).output(load_json=True))[
        0
    ]
    assert ["new_expiry", "2027/06/30", "2028/06/30"] in change["changes"]["fields"]
    assert await _status(case_id) == "first_review"


async def test_extension_supplement_checks_a_changed_ui_no(client):
    """Issue 12, item 4: a 補正 that changes the 統一證號 is held to the same check as the filing."""
    app_id, case_id = await _returned_extension_case("統一證號有誤，請更正。")
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    form = _form(r.text) | {"ui_no": "A800000014", "op": "send", "reply": "已更正統一證號。"}
    r = await _post(client, f"/supplement/groups/{app_id}/cases/{case_id}", form)
    assert r.status_code == 400 and 'id="f-ui_no-error"' in r.text and "查無本校學生" in r.text
    assert await _status(case_id) == "supplement_first"
    assert (await Case.select(Case.ui_no).where(Case.id == case_id).first())["ui_no"] == "A810000044"


async def test_renewal_case_supplement_keeps_registered(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review"], kind="renewal")
    app_id, case_id = g["application"], g["cases"][0]
    await return_case(app_id, case_id)
    await client.login("03734301")
    r = await client.get(f"/supplement/groups/{app_id}/cases/{case_id}")
    assert (
        r.status_code == 200
        and 'name="enrollment_status" value="R"' in r.text
        and 'type="radio"' not in r.text
    )
    r = await _post(
        client,
        f"/supplement/groups/{app_id}/cases/{case_id}",
        _form(r.text) | {"op": "send", "reply": "已確認。"},
    )
    assert r.status_code == 303 and await _status(case_id) == "first_review"

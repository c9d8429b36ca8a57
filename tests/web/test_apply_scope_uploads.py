"""Scope (sub-account / main / other school → 404, files too), upload refusals through the form,
the roster picker, and submit limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tables.tables import Application, Attachment, Case
from tests.apply_support import SUBMITTER, applicant_form, jpeg, png, post_multipart
from tests.progress_support import make_roster_entry
from tests.support import make_client, make_school_with_accounts
from tests.web.test_apply_wizard import add_complete_applicant, fill_group, new_foreign_applicant, start_draft


async def draft_with_file(client) -> tuple[int, int, int]:
    app_id = await start_draft(client)
    await fill_group(client, app_id)
    case_id = await add_complete_applicant(client, app_id)
    att = await Attachment.select(Attachment.id).where(Attachment.case == case_id).first()
    return app_id, case_id, att["id"]


def urls(app_id: int, case_id: int, att_id: int) -> list[str]:
    return [
        f"/apply/drafts/{app_id}/submitter",
        f"/apply/drafts/{app_id}/details",
        f"/apply/drafts/{app_id}/applicants",
        f"/apply/drafts/{app_id}/applicants/{case_id}",
        f"/apply/drafts/{app_id}/delete",
        f"/apply/drafts/{app_id}/submit",
        f"/apply/groups/{app_id}",
        f"/apply/groups/{app_id}/applicants/{case_id}",
        f"/apply/files/{att_id}",
    ]


async def test_scope_sub_account_main_and_other_school(client):
    await make_school_with_accounts()
    await make_school_with_accounts(prefix="03734317", name="別的大學")
    await client.login("03734301-01")
    app_id, case_id, att_id = await draft_with_file(client)
    r = await client.get(f"/apply/files/{att_id}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["x-content-type-options"] == "nosniff"
    # the main account of the school sees the sub-account's draft
    async with make_client() as main:
        await main.login("03734301")
        for url in urls(app_id, case_id, att_id):
            assert (await main.get(url)).status_code == 200, url
        assert "2026外生申請第二批次" in (await main.get("/apply/first")).text
    # a sibling sub-account and another school see nothing: 404 everywhere, writes too
    for login_id in ("03734301-02", "03734317"):
        async with make_client() as other:
            await other.login(login_id)
            for url in urls(app_id, case_id, att_id):
                assert (await other.get(url)).status_code == 404, (login_id, url)
            assert "2026外生申請第二批次" not in (await other.get("/apply/first")).text
            for url, data in [
                (f"/apply/drafts/{app_id}/submitter", SUBMITTER),
                (f"/apply/drafts/{app_id}/applicants", {"identity": "foreign"}),
                (f"/apply/drafts/{app_id}/applicants/{case_id}/autosave", {"name_en": "HACKED"}),
                (f"/apply/drafts/{app_id}/applicants/{case_id}/delete", {}),
                (f"/apply/drafts/{app_id}/files/{att_id}/delete", {}),
                (f"/apply/drafts/{app_id}/submit", {}),
                (f"/apply/drafts/{app_id}/delete", {}),
            ]:
                r = await other.post_form(url, data, follow_redirects=False)
                assert r.status_code == 404, (login_id, url, r.status_code)
    assert await Case.count() == 1 and await Attachment.count() >= 5
    assert (await Case.select(Case.name_en).first())["name_en"] != "HACKED"
    # a sub-account does not see the main account's drafts
    async with make_client() as main:
        await main.login("03734301")
        main_app = await start_draft(main)
    r = await client.get(f"/apply/drafts/{main_app}/submitter")
    assert r.status_code == 404


async def test_anonymous_is_sent_to_login(client):
    await make_school_with_accounts()
    r = await client.get("/apply/first", follow_redirects=False)
    assert r.status_code in (302, 303, 401)


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("big.bmp", b"BM" + b"\0" * (600 * 1024), "512"),
        ("doc.pdf", b"%PDF-1.4 nothing", "JPG"),
        ("renamed.jpg", None, "PNG"),
        ("half.jpg", None, "half.jpg"),
    ],
)
async def test_upload_refusals_keep_the_form(client, name, data, needle):
    app_id, case_id = await new_foreign_applicant(client)
    if name == "renamed.jpg":
        data = png()
    elif name == "half.jpg":
        full = jpeg(size=(300, 300))
        data = full[: len(full) // 2]
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/applicants/{case_id}",
        applicant_form(1, department="物理學系") | {"op": "save"},
        [("file_passport", (name, data, "image/jpeg"))],
    )
    assert r.status_code == 200
    assert 'id="f-doc_passport-error"' in r.text and needle in r.text
    assert 'value="物理學系"' in r.text
    assert await Attachment.count().where(Attachment.kind == "passport") == 0
    case = await Case.select().where(Case.id == case_id).first()
    assert case["department"] == "物理學系" and not case["complete"]


async def test_pixel_bomb_through_the_form(client):
    from tests.unit.test_apply_uploads import pixel_bomb

    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {"name": "x", "member_count": "1", "station_code": "S01", "op": "save"},
        [("file_power_of_attorney", ("bomb.png", pixel_bomb(), "image/png"))],
    )
    assert r.status_code == 400 and "bomb.png" in r.text
    assert await Attachment.count() == 0


async def test_file_bytes_are_reencoded_and_stored_outside_static(client):
    from app.services import uploads
    from app.settings import settings

    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    original = jpeg() + b"<script>alert(1)</script>"
    await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {"name": "x", "member_count": "1", "station_code": "S01", "op": "save"},
        [("file_power_of_attorney", ("委託書.jpg", original, "image/jpeg"))],
    )
    att = await Attachment.select().first()
    assert att["original_name"] == "委託書.jpg" and att["stored_name"] != "委託書.jpg"
    path = uploads.path_of(att["stored_name"])
    assert path.is_relative_to(settings.uploads_dir) and "static" not in str(path)
    r = await client.get(f"/apply/files/{att['id']}")
    assert r.content == path.read_bytes() and b"<script>" not in r.content


async def make_roster(school_id: int, n: int = 2, category: str = "FG") -> list[int]:
    return [
        await make_roster_entry(
            school_id,
            name_en=f"ROSTER STUDENT {'XYZ'[i]}",
            passport_no=f"C{1234567 + i}",
            name_zh=f"學生{i}",
            birth_date=date(2002, 3, i + 1),
            category=category,
            nationality="VN",
            gender="M",
            program="M",
            grade="2",
        )
        for i in range(n)
    ]


async def test_add_from_roster_fills_the_applicants(client):
    ids = await make_school_with_accounts()
    other = await make_school_with_accounts(prefix="03734317", name="別的大學")
    mine = await make_roster(ids["school"], 2)
    theirs = await make_roster(other["school"], 1)
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id, members=2)
    r = await client.get(f"/apply/drafts/{app_id}/roster")
    assert r.status_code == 200 and "ROSTER STUDENT X" in r.text and "外生" in r.text
    # the name as the import stores it (spaces kept)
    r = await client.get(f"/apply/drafts/{app_id}/roster?name=student+y")
    assert "ROSTER STUDENT Y" in r.text and "ROSTER STUDENT X" not in r.text
    # another school's roster row cannot be added
    r = await client.post_form(
        f"/apply/drafts/{app_id}/roster", {"entry": str(theirs[0])}, follow_redirects=False
    )
    assert r.status_code == 404 and await Case.count() == 0
    token = await client.ensure_csrf()
    r = await client.post(
        f"/apply/drafts/{app_id}/roster",
        data={"entry": [str(i) for i in mine], "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cases = await Case.select().order_by(Case.id)
    assert [c["name_en"] for c in cases] == ["ROSTER STUDENT X", "ROSTER STUDENT Y"]
    c = cases[0]
    assert (
        c["identity"],
        c["gender"],
        c["nationality"],
        c["passport_no"],
        c["program"],
        c["grade"],
        c["enrollment_status"],
        c["birth_date"],
    ) == ("foreign", "M", "VN", "C1234567", "master", "2", "R", date(2002, 3, 1))
    assert not c["complete"]  # documents and the rest still to come
    r = await client.get(f"/apply/drafts/{app_id}/roster")
    assert r.text.count('name="entry"') == 0  # both already added


async def test_submit_refused_with_31_applicants(client):
    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id, members=30)
    for _i in range(30):
        r = await client.post_form(
            f"/apply/drafts/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
        )
        assert r.status_code == 303
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
    )
    assert r.status_code == 400 and await Case.count() == 30
    # even written straight into the database, 31 is refused at submit
    await Application.update({Application.member_count: 31}).where(Application.id == app_id)
    t = datetime.now(UTC)
    await Case.insert(Case(application=app_id, identity="foreign", complete=True, created_at=t, updated_at=t))
    r = await client.post_form(f"/apply/drafts/{app_id}/submit", {})
    assert r.status_code == 400 and "30" in r.text
    assert (await Application.select(Application.group_no).first())["group_no"] is None

"""案件進度查詢: each filter, paging, the group and applicant views with the timeline, and scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.progress_support import login_student, make_group, make_student, return_case
from tests.support import make_account, make_school, make_school_with_accounts


async def _setup():
    ids = await make_school_with_accounts()
    g1 = await make_group(
        ids["school"],
        ids["main"],
        ["first_review", "first_review"],
        name="第一批",
        submitted=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
    )
    g2 = await make_group(
        ids["school"],
        ids["main"],
        ["awaiting_payment"],
        name="待繳費團",
        submitted=datetime(2026, 4, 10, 2, 0, tzinfo=UTC),
    )
    g3 = await make_group(
        ids["school"],
        ids["main"],
        ["paid"],
        name="已繳費團",
        kind="renewal",
        submitted=datetime(2026, 5, 20, 2, 0, tzinfo=UTC),
    )
    g4 = await make_group(
        ids["school"],
        ids["main"],
        ["group_withdrawn", "group_withdrawn"],
        name="撤銷團",
        group_status="group_withdrawn",
        submitted=datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
    )
    g5 = await make_group(
        ids["school"],
        ids["sub1"],
        ["second_review"],
        name="子帳號團",
        submitted=datetime(2026, 6, 5, 2, 0, tzinfo=UTC),
    )
    other = await make_school(name="他校", business_no="03734317")
    acc = await make_account("03734317", other, main=True)
    g6 = await make_group(other, acc, ["first_review"], name="他校團")
    return ids, {"g1": g1, "g2": g2, "g3": g3, "g4": g4, "g5": g5, "g6": g6}


def _groups_in(html: str, groups: dict) -> set[str]:
    return {k for k, g in groups.items() if f"<td>{g['group_no']}</td>" in html}


async def test_every_filter(client):
    ids, g = await _setup()
    await client.login("03734301")
    r = await client.get("/progress/")
    assert r.status_code == 200 and "案件進度查詢" in r.text and "審核中" in r.text and "整團撤銷" in r.text
    r = await client.get("/progress/?search=1")
    assert _groups_in(r.text, g) == {
        "g1",
        "g2",
        "g3",
        "g4",
        "g5",
    }  # the main account: the school, never another
    cases = {
        "status=reviewing": {"g1", "g5"},
        "status=awaiting_payment": {"g2"},
        "status=paid": {"g3"},
        "status=group_withdrawn": {"g4"},
        "kind=renewal": {"g3"},
        f"group_no={g['g2']['group_no']}": {"g2"},
        "name_en=hanako": {"g1", "g2", "g3", "g4", "g5"},
        "name_en=NGUYEN": {"g1", "g4"},
        "name_zh=阮文": {"g1", "g4"},
        "birth_date=2003/07/21": {"g1", "g4"},
        "date_from=2026/04/01&date_to=2026/05/31": {"g2", "g3"},
        "date_from=2026/06/01": {"g4", "g5"},
        "date_to=2026/03/02": {"g1"},
    }
    for qs, expected in cases.items():
        r = await client.get(f"/progress/?search=1&{qs}")
        assert r.status_code == 200, qs
        assert _groups_in(r.text, g) == expected, qs
    from tables.tables import Case

    receipt = (await Case.select(Case.receipt_no).where(Case.id == g["g1"]["cases"][1]))[0]["receipt_no"]
    r = await client.get(f"/progress/?search=1&receipt_no={receipt}")
    assert _groups_in(r.text, g) == {"g1"}
    r = await client.get(f"/progress/?search=1&group_no={g['g6']['group_no']}")
    assert _groups_in(r.text, g) == set() and "沒有符合" in r.text


async def test_list_columns_range_and_bad_dates(client):
    ids, g = await _setup()
    await client.login("03734301")
    from tables.tables import Case

    nos = sorted(
        c["receipt_no"]
        for c in await Case.select(Case.receipt_no).where(Case.application == g["g1"]["application"])
    )
    r = await client.get(f"/progress/?search=1&group_no={g['g1']['group_no']}")
    assert f"{nos[0]} - {nos[1]}" in r.text and "待初審" in r.text and "外(僑)生就學" in r.text
    r = await client.get("/progress/?search=1&kind=renewal")
    assert "換證" in r.text and "已繳費" in r.text
    r = await client.get("/progress/?search=1&birth_date=2003/02/31&date_from=2026/05/01&date_to=2026/04/01")
    assert r.status_code == 400
    assert 'id="f-birth_date-error"' in r.text and "結束日期" in r.text
    assert 'value="2003/02/31"' in r.text  # what was typed stays


async def test_paging(client):
    ids = await make_school_with_accounts()
    base = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
    for i in range(23):
        await make_group(
            ids["school"],
            ids["main"],
            ["first_review"],
            name=f"團{i:02d}",
            files=False,
            submitted=base + timedelta(days=i),
        )
    await client.login("03734301")
    r = await client.get("/progress/?search=1")
    assert r.text.count('href="/progress/groups/') == 20 and "page=2" in r.text
    r = await client.get("/progress/?search=1&page=2")
    assert r.text.count('href="/progress/groups/') == 3 and "<td>21</td>" in r.text


async def test_scope_sub_account_and_other_school(client):
    ids, g = await _setup()
    await client.login("03734301-01")
    r = await client.get("/progress/?search=1")
    assert _groups_in(r.text, g) == {"g5"}
    for key in ("g1", "g6"):
        r = await client.get(f"/progress/groups/{g[key]['application']}")
        assert r.status_code == 404
        r = await client.get(f"/progress/groups/{g[key]['application']}/cases/{g[key]['cases'][0]}")
        assert r.status_code == 404
    r = await client.get(f"/progress/groups/{g['g5']['application']}")
    assert r.status_code == 200
    # a case id of another group under this group's URL
    r = await client.get(f"/progress/groups/{g['g5']['application']}/cases/{g['g1']['cases'][0]}")
    assert r.status_code == 404


async def test_group_and_case_views_with_timeline(client):
    ids, g = await _setup()
    app_id, case_id = g["g1"]["application"], g["g1"]["cases"][0]
    await return_case(app_id, case_id, comment="請補上清晰的護照影本。")
    await client.login("03734301")
    r = await client.get(f"/progress/groups/{app_id}")
    assert r.status_code == 200
    for text in (
        "送件人資料",
        "基本申請資料",
        "已上傳附件",
        "申請人列表",
        "委託書.jpg",
        "初審資料補正",
        "NGUYEN VAN AN",
    ):
        assert text in r.text, text
    r = await client.get(f"/progress/groups/{app_id}/cases/{case_id}")
    assert r.status_code == 200
    for text in (
        "請補上清晰的護照影本。",
        "待初審",
        "初審資料補正",
        "審核意見",
        "工作天",
        f"/supplement/groups/{app_id}/cases/{case_id}",
        "passport.jpg",
    ):
        assert text in r.text, text
    # the file links work for the school, not for another school
    import re

    file_id = re.search(r'/progress/files/(\d+)"', r.text).group(1)
    f = await client.get(f"/progress/files/{file_id}")
    assert f.status_code == 200 and f.headers["content-type"].startswith("image/")
    await client.get("/lang/en")
    r = await client.get(f"/progress/groups/{app_id}/cases/{case_id}")
    assert "Returned for supplement" in r.text and "working day" in r.text


async def test_student_sees_only_own_cases(client):
    ids, g = await _setup()
    sid = await make_student(ids["school"])
    own = await make_group(ids["school"], None, ["second_review"], name="學生自行申請", student_id=sid)
    await login_student(client, sid)
    r = await client.get("/student/progress", follow_redirects=False)
    assert r.status_code == 303
    r = await client.get("/progress/?search=1")
    assert r.status_code == 200 and own["group_no"] in r.text and _groups_in(r.text, g) == set()
    r = await client.get(f"/progress/groups/{own['application']}/cases/{own['cases'][0]}")
    assert r.status_code == 200 and "待複審" in r.text
    r = await client.get(f"/progress/groups/{g['g1']['application']}")
    assert r.status_code == 404


async def test_signed_out_is_sent_to_login(client):
    r = await client.get("/progress/", follow_redirects=False)
    assert r.status_code in (302, 303, 401)


async def test_dashboard_more_links_to_progress(client):
    ids = await make_school_with_accounts()
    for i in range(7):
        await make_group(ids["school"], ids["main"], ["first_review"], name=f"新案{i}", files=False)
    await client.login("03734301")
    r = await client.get("/")
    assert 'href="/progress/"' in r.text or 'href="/progress"' in r.text
    assert date.today()  # keep the import used

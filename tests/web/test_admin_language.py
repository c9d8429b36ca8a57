"""The back office in the reader's language (issues 15 and 17): column headers, coded values, menu groups,
sidebar links, the site's name and piccolo-admin's own strings follow the site's language switch; a case's
rows carry their page on the review desk."""

from __future__ import annotations

from tests.review_factories import admin_headers, make_group, make_reviewers
from tests.support import make_school_with_accounts


async def _answers(client) -> dict[str, object]:
    return {
        "schema": (await client.get("/admin/api/tables/case/schema/")).json(),
        "grouped": (await client.get("/admin/api/tables/grouped/")).json()["grouped"],
        "links": (await client.get("/admin/api/links/")).json(),
        "meta": (await client.get("/admin/public/meta/")).json(),
        "translations": (await client.get("/admin/public/translations/")).json(),
        "stations": (await client.get("/admin/api/tables/reviewer_station/schema/")).json(),
    }


async def test_the_back_office_follows_the_language_switch(client, db):
    await make_reviewers()
    await admin_headers(client, "supervisor")
    zh = await _answers(client)
    assert zh["schema"]["properties"]["receipt_no"]["title"] == "收件號"
    assert (
        zh["schema"]["properties"]["status"]["extra"]["choices"]["first_review"]["display_name"] == "待初審"
    )
    assert set(zh["grouped"]) == {"申辦案件", "基本資料", "繳費", "紀錄"}
    assert "service_station" in zh["grouped"]["基本資料"]
    assert zh["links"]["審核作業台"] == "/review/" and zh["links"]["English"] == "/lang/en?next=/admin/"
    assert zh["meta"]["site_name"] == "居留證線上申辦審核後台"
    assert [t["language_code"] for t in zh["translations"]["translations"]] == ["zh-TW"]
    station = zh["stations"]["properties"]["station_code"]["extra"]["choices"]["S01"]["display_name"]
    assert station == "臺北市服務站"

    switch = await client.get("/lang/en?next=/admin/", follow_redirects=False)
    assert switch.status_code == 303 and switch.headers["location"] == "/admin/"
    en = await _answers(client)
    assert en["schema"]["properties"]["receipt_no"]["title"] == "Receipt no."
    choices = en["schema"]["properties"]["status"]["extra"]["choices"]
    assert choices["first_review"]["display_name"] == "Awaiting first review"
    assert set(en["grouped"]) == {"Cases", "Master data", "Payments", "Logs"}
    assert en["links"]["Review desk"] == "/review/" and en["links"]["中文"] == "/lang/zh_Hant_TW?next=/admin/"
    assert en["meta"]["site_name"] == "Resident certificates online: review back office"
    assert en["translations"]["default_language_code"] == "en"
    assert [t["language_code"] for t in en["translations"]["translations"]] == ["en"]
    station = en["stations"]["properties"]["station_code"]["extra"]["choices"]["S01"]["display_name"]
    assert station == "Taipei City Service Center"
    # No label mixes the two languages any more.
    titles = [p["title"] for p in en["schema"]["properties"].values()]
    assert not any("\u4e00" <= ch <= "\u9fff" for t in titles for ch in t), titles


async def test_case_rows_carry_their_desk_page(client, db):
    ids = await make_school_with_accounts()
    await make_reviewers()
    group = await make_group(ids["school"], ids["main"], ["first_review", "second_review"], days_ago=1)
    await admin_headers(client, "reviewer1")
    schema = (await client.get("/admin/api/tables/case/schema/")).json()
    assert schema["extra"]["visible_column_names"][:2] == ["id", "desk_page"]
    assert schema["properties"]["desk_page"]["title"].startswith("審核作業台頁面")
    rows = (await client.get("/admin/api/tables/case/?__order=-id")).json()["rows"]
    assert {r["id"]: r["desk_page"] for r in rows} == {c: f"/review/case/{c}" for c in group["cases"]}
    one = (await client.get(f"/admin/api/tables/case/{group['cases'][0]}/")).json()
    assert one["desk_page"] == f"/review/case/{group['cases'][0]}"
    # piccolo-admin sorts, filters and picks columns by name: the added one is left out of what it is asked.
    for query in ("__order=desk_page", "__order=-desk_page", "desk_page=x", "__visible_fields=id,desk_page"):
        r = await client.get(f"/admin/api/tables/case/?{query}")
        assert r.status_code == 200, (query, r.text)
    # The page it names is the case on the desk (the back-office session opens it).
    page = await client.get(one["desk_page"])
    assert page.status_code == 200 and "收件號" in page.text


async def test_forms_follow_the_language_switch(client, db):
    await make_reviewers()
    await admin_headers(client, "supervisor")
    forms = (await client.get("/admin/api/forms/")).json()
    slug = next(f["slug"] for f in forms if f["name"] == "初審通過")
    grouped = (await client.get("/admin/api/forms/grouped/")).json()["grouped"]
    assert "審核決定" in grouped and "初審通過" in [f["name"] for f in grouped["審核決定"]]
    assert grouped["審核決定"][0]["description"] == "與審核作業台相同的審核決定。"
    schema = (await client.get(f"/admin/api/forms/{slug}/schema/")).json()
    assert schema["properties"]["receipt_no"]["title"] == "收件號"
    assert schema["properties"]["comment"]["title"] == "審核意見"
    client.cookies.set("lang", "en")
    one = (await client.get(f"/admin/api/forms/{slug}/")).json()
    assert (
        one["name"] == "Pass first review"
        and one["description"] == "The same decision as on the review desk."
    )
    grouped = (await client.get("/admin/api/forms/grouped/")).json()["grouped"]
    assert "Decisions" in grouped
    schema = (await client.get(f"/admin/api/forms/{slug}/schema/")).json()
    assert schema["properties"]["receipt_no"]["title"] == "Receipt no. of the case"
    # The form is still found by its slug, and a decision posted to it is still refused without a case.
    r = await client.post(
        f"/admin/api/forms/{slug}/",
        json={"receipt_no": "000000000000", "comment": ""},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert r.status_code >= 400 and "查無此收件號" in r.text

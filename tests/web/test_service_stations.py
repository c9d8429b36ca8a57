"""Service stations as a table (issue 15, item 8): loaded from the agency's list, kept by a supervisor in the
back office (checked, audited), and read by every page that lists or names them."""

from __future__ import annotations

from app.actions.stations import load_reference_stations
from app.domain.stations import reference_stations
from tables.tables import AdminAudit, Application, ServiceStation
from tests.apply_support import files, post_multipart
from tests.review_factories import admin_headers, admin_session, make_group, make_reviewers
from tests.support import make_school_with_accounts
from tests.web.test_apply_wizard import start_draft


async def _station_id(code: str) -> int:
    return (await ServiceStation.select(ServiceStation.id).where(ServiceStation.code == code))[0]["id"]


async def test_the_agency_list_is_loaded_once_and_never_overwrites_a_change(db):
    assert await ServiceStation.count() == len(reference_stations()) >= 25
    taipei = await ServiceStation.select().where(ServiceStation.code == "S01").first()
    assert taipei["name_zh"] == "臺北市服務站" and taipei["name_en"] == "Taipei City Service Center"
    await ServiceStation.update({ServiceStation.name_en: "Taipei Service Center (Guangzhou St.)"}).where(
        ServiceStation.code == "S01"
    )
    await ServiceStation.delete().where(ServiceStation.code == "S02")
    assert await load_reference_stations() == 1  # only the missing one comes back
    names = {r["code"]: r["name_en"] for r in await ServiceStation.select()}
    assert names["S01"] == "Taipei Service Center (Guangzhou St.)"
    assert names["S02"] == "New Taipei City Service Center"


async def test_a_supervisor_renames_a_station_and_every_page_reads_the_new_name(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    group = await make_group(ids["school"], ids["main"], ["first_review"], days_ago=1, station="S03")
    h = await admin_headers(client, "supervisor")
    r = await client.patch(
        f"/admin/api/tables/service_station/{await _station_id('S03')}/",
        json={"name_zh": "基隆市服務站（新址）", "name_en": "Keelung Service Center, new address"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    audit = await AdminAudit.select().where(AdminAudit.target == "service_station")
    assert [(a["event"], a["username"]) for a in audit] == [("update", "supervisor")]
    assert "Keelung Service Center, new address" in audit[0]["detail"]
    # The review desk's filter and the case page, in both languages.
    await admin_session(client, users["supervisor"])
    client.cookies.set("lang", "en")
    desk = await client.get("/review/find?station=all")
    assert "Keelung Service Center, new address" in desk.text
    case = await client.get(f"/review/case/{group['cases'][0]}")
    assert "Keelung Service Center, new address" in case.text
    client.cookies.set("lang", "zh_Hant_TW")
    assert "基隆市服務站（新址）" in (await client.get(f"/review/case/{group['cases'][0]}")).text
    assert "基隆市服務站（新址）" in (await client.get("/review/supervisor")).text


async def test_a_station_switched_off_is_no_longer_offered_but_still_named(client, db):
    ids = await make_school_with_accounts()
    await make_reviewers()
    h = await admin_headers(client, "supervisor")
    r = await client.patch(
        f"/admin/api/tables/service_station/{await _station_id('S05')}/", json={"active": False}, headers=h
    )
    assert r.status_code == 200, r.text
    client.cookies.clear()
    await client.login("03734301")
    app_id = await start_draft(client)
    page = await client.get(f"/apply/drafts/{app_id}/details")
    assert 'value="S04"' in page.text and 'value="S05"' not in page.text
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {"name": "第二批", "member_count": "1", "pickup_method": "self", "station_code": "S05", "op": "save"},
        files("power_of_attorney"),
    )
    assert r.status_code == 400 and "f-station_code-error" in r.text
    assert (await Application.select(Application.station_code).where(Application.id == app_id))[0][
        "station_code"
    ] != "S05"
    # A group that picked it before still names it.
    await Application.update({Application.station_code: "S05"}).where(Application.id == app_id)
    assert "新竹市服務站" in (await client.get(f"/apply/groups/{app_id}")).text
    assert ids


async def test_station_changes_are_checked_and_used_codes_kept(client, db):
    ids = await make_school_with_accounts()
    await make_reviewers()
    await make_group(ids["school"], ids["main"], ["first_review"], days_ago=1, station="S01")
    h = await admin_headers(client, "supervisor")
    r = await client.post(
        "/admin/api/tables/service_station/",
        json={"code": "X1", "name_zh": "", "name_en": "台東", "active": True, "sort": 0},
        headers=h,
    )
    assert r.status_code == 400
    assert "code" in r.text and "S26" in r.text and "name_zh" in r.text and "Latin letters" in r.text
    r = await client.post(
        "/admin/api/tables/service_station/",
        json={"code": "S01", "name_zh": "重複", "name_en": "", "active": True, "sort": 0},
        headers=h,
    )
    assert r.status_code == 400 and "unique" in r.text
    r = await client.post(
        "/admin/api/tables/service_station/",
        json={"code": "S40", "name_zh": "臺東縣第二服務站", "name_en": "", "active": True, "sort": 400},
        headers=h,
    )
    assert r.status_code == 201, r.text
    used = await _station_id("S01")
    assert (await client.delete(f"/admin/api/tables/service_station/{used}/", headers=h)).status_code == 400
    r = await client.patch(f"/admin/api/tables/service_station/{used}/", json={"code": "S41"}, headers=h)
    assert r.status_code == 400 and "In use" in r.text
    assert await ServiceStation.exists().where(ServiceStation.code == "S01")
    unused = await _station_id("S40")
    assert (await client.delete(f"/admin/api/tables/service_station/{unused}/", headers=h)).status_code == 204
    events = [(a["event"], a["target"]) for a in await AdminAudit.select().order_by(AdminAudit.id)]
    assert ("create", "service_station") in events and ("delete", "service_station") in events


async def test_reviewers_read_but_do_not_change_stations(client, db):
    await make_reviewers()
    h = await admin_headers(client, "reviewer1")
    rows = (await client.get("/admin/api/tables/service_station/")).json()["rows"]
    assert len(rows) >= 25
    r = await client.patch(
        f"/admin/api/tables/service_station/{await _station_id('S01')}/", json={"name_en": "x"}, headers=h
    )
    assert r.status_code == 403

"""Stations and claims on the review desk (issue 15, item 2): a reviewer's stations by default, 認領 / 釋出,
a supervisor's reassignment, and a held case saying so before a decision is typed."""

from __future__ import annotations

import re

from tables.tables import CaseClaim, ReviewerProfile, ReviewerStation, ReviewEvent
from tests.review_factories import admin_session, case_row, make_group, make_reviewer, make_reviewers
from tests.support import make_school_with_accounts


def _receipts(html: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"overdue\")?>\s*<td>\d+</td>\s*<td>(\d+)</td>", html)


async def _station(user_id: int, code: str) -> None:
    profile = (await ReviewerProfile.select(ReviewerProfile.id).where(ReviewerProfile.user == user_id))[0][
        "id"
    ]
    await ReviewerStation.insert(ReviewerStation(reviewer=profile, station_code=code))


async def test_reviewer_sees_their_stations_by_default_and_all_on_request(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    taipei = await make_group(ids["school"], ids["main"], ["first_review"], station="S01")
    other = await make_group(ids["school"], ids["main"], ["first_review"], station="S02")
    no_t = (await case_row(taipei["cases"][0]))["receipt_no"]
    no_o = (await case_row(other["cases"][0]))["receipt_no"]
    await _station(users["reviewer1"], "S01")
    await admin_session(client, users["reviewer1"])
    r = await client.get("/review/queue/first")
    assert _receipts(r.text) == [no_t]
    assert re.search(r"待初審 <span class=\"count\">1</span>", r.text)
    assert "我的服務站" in r.text
    assert sorted(_receipts((await client.get("/review/queue/first?station=all")).text)) == sorted(
        [no_t, no_o]
    )
    assert _receipts((await client.get("/review/queue/first?station=S02")).text) == [no_o]
    # A reviewer without stations sees every station.
    await admin_session(client, users["reviewer2"])
    await make_group(ids["school"], ids["main"], ["second_review"], station="S02")
    assert len(_receipts((await client.get("/review/queue/second")).text)) == 1


async def test_claim_shows_holder_and_blocks_others_until_released(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    other = await make_reviewer("reviewer1b", "first_reviewer", name="初審 陳志明")
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    case_id = g["cases"][0]
    await admin_session(client, users["reviewer1"])
    page = await client.get(f"/review/case/{case_id}")
    assert "此案件尚無人認領" in page.text and 'value="claim"' in page.text
    r = await client.post_form(
        f"/review/case/{case_id}/claim", {"do": "claim", "queue": "first"}, follow_redirects=False
    )
    assert r.status_code == 303
    page = await client.get(f"/review/case/{case_id}")
    assert "由 初審 王小明 認領" in page.text and 'value="release"' in page.text
    assert 'value="pass_first_review"' in page.text
    # The queue says who holds it; "held by me" finds it.
    q = await client.get("/review/queue/first?held=me")
    assert "初審 王小明" in q.text and len(_receipts(q.text)) == 1

    # Another reviewer opens it: told before typing, no decision form; claiming and deciding are refused.
    await admin_session(client, other)
    page = await client.get(f"/review/case/{case_id}")
    assert 'id="held-notice"' in page.text and "此案件由 初審 王小明 認領中" in page.text
    assert 'value="pass_first_review"' not in page.text and 'name="comment"' not in page.text
    r = await client.post_form(f"/review/case/{case_id}/claim", {"do": "claim"}, follow_redirects=False)
    assert r.status_code == 409 and "已由 初審 王小明 認領" in r.text
    c = await case_row(case_id)
    r = await client.post_form(
        f"/review/case/{case_id}/decide",
        {"action": "pass_first_review", "version": str(c["version"]), "comment": "", "queue": ""},
        follow_redirects=False,
    )
    assert r.status_code == 409 and "請洽認領人或主管釋出" in r.text
    assert (await case_row(case_id))["status"] == "first_review" and await ReviewEvent.count() == 0
    r = await client.post_form(f"/review/case/{case_id}/claim", {"do": "release"}, follow_redirects=False)
    assert r.status_code == 409
    assert await CaseClaim.count() == 1
    assert _receipts((await client.get("/review/queue/first?held=free")).text) == []

    # The supervisor reassigns it to the other reviewer, who decides; the decision releases the claim.
    await admin_session(client, users["supervisor"])
    page = await client.get(f"/review/case/{case_id}")
    assert 'name="to_user"' in page.text
    bad = await client.post_form(
        f"/review/case/{case_id}/claim", {"do": "reassign", "to_user": ""}, follow_redirects=False
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text and 'href="#f-to_user"' in bad.text
    r = await client.post_form(
        f"/review/case/{case_id}/claim", {"do": "reassign", "to_user": str(other)}, follow_redirects=False
    )
    assert r.status_code == 303
    await admin_session(client, other)
    page = await client.get(f"/review/case/{case_id}")
    assert "由 supervisor 科長 指派" in page.text
    c = await case_row(case_id)
    r = await client.post_form(
        f"/review/case/{case_id}/decide",
        {"action": "pass_first_review", "version": str(c["version"]), "comment": "", "queue": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert await CaseClaim.count() == 0


async def test_only_waiting_cases_can_be_claimed_and_only_supervisors_reassign(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["awaiting_payment", "first_review"])
    await admin_session(client, users["reviewer1"])
    r = await client.post_form(f"/review/case/{g['cases'][0]}/claim", {"do": "claim"}, follow_redirects=False)
    assert r.status_code == 409 and "僅待本署處理的案件可以認領" in r.text
    r = await client.post_form(
        f"/review/case/{g['cases'][1]}/claim",
        {"do": "reassign", "to_user": str(users["reviewer1"])},
        follow_redirects=False,
    )
    assert r.status_code == 409 and "僅主管可以改派案件" in r.text
    assert await CaseClaim.count() == 0
    # Without the CSRF token the claim is refused outright.
    r = await client.post(f"/review/case/{g['cases'][1]}/claim", data={"do": "claim"}, follow_redirects=False)
    assert r.status_code == 403
    assert await CaseClaim.count() == 0

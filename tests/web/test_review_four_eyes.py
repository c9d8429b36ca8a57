"""Four eyes: a case's second review is decided by someone other than its first reviewer (issue 15, item 4)."""

from __future__ import annotations

import pytest

from app.actions import review
from app.domain.workflow import IllegalTransition
from tables.tables import ReviewEvent
from tests.review_factories import actor, admin_session, case_row, make_group, make_reviewer, make_reviewers
from tests.support import make_school_with_accounts


async def _decide(client, case_id: int, action: str, comment: str = ""):
    c = await case_row(case_id)
    data = {"action": action, "version": str(c["version"]), "comment": comment, "queue": "", "confirmed": "1"}
    return await client.post_form(f"/review/case/{case_id}/decide", data, follow_redirects=False)


async def test_supervisor_who_passed_first_review_is_refused_at_second(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    case_id = g["cases"][0]
    await admin_session(client, users["supervisor"])
    assert (await _decide(client, case_id, "pass_first_review")).status_code == 303
    assert (await case_row(case_id))["status"] == "second_review"
    # The same person opens it again: told before typing, no decision buttons.
    page = await client.get(f"/review/case/{case_id}")
    assert "初審由您通過" in page.text
    assert 'value="approve"' not in page.text
    # And a posted decision is refused with the same message, nothing written.
    for action, comment in (("approve", ""), ("reject", "理由"), ("return_for_supplement", "請補件")):
        r = await _decide(client, case_id, action, comment)
        assert r.status_code == 409
        assert "初審由您通過" in r.text
    assert (await case_row(case_id))["status"] == "second_review"
    assert await ReviewEvent.count() == 1
    # Another reviewer decides it.
    await admin_session(client, users["reviewer2"])
    page = await client.get(f"/review/case/{case_id}")
    assert 'value="approve"' in page.text and "初審由您通過" not in page.text
    assert (await _decide(client, case_id, "approve")).status_code == 303
    assert (await case_row(case_id))["status"] == "awaiting_payment"


async def test_four_eyes_in_english_and_for_the_whole_group_return(client, db):
    ids = await make_school_with_accounts()
    sup = await make_reviewer("boss", "supervisor", name="Boss")
    other = await make_reviewer("boss2", "supervisor", name="Boss Two")
    g = await make_group(ids["school"], ids["main"], ["first_review", "first_review"])
    await review.pass_first_review(actor(sup), g["cases"][0], 1)
    await review.pass_first_review(actor(sup), g["cases"][1], 1)
    await admin_session(client, sup)
    client.cookies.set("lang", "en")
    r = await _decide(client, g["cases"][0], "approve")
    assert r.status_code == 409 and "four eyes" in r.text
    from tables.tables import Application

    version = (await Application.select(Application.version).where(Application.id == g["application"]))[0][
        "version"
    ]
    with pytest.raises(IllegalTransition):
        await review.return_group_for_supplement(actor(sup), g["application"], version, "group data missing")
    out = await review.return_group_for_supplement(
        actor(other), g["application"], version, "group data missing"
    )
    assert out.to_status == "supplement_second"


async def test_after_a_new_first_review_the_latest_first_reviewer_counts(db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    case_id = g["cases"][0]
    await review.pass_first_review(actor(users["reviewer1"]), case_id, 1)
    # reviewer2 may decide; reviewer1 may not (reviewer1 is not a second reviewer anyway: the supervisor test
    # above covers roles); the event says who.
    ev = (await ReviewEvent.select().where(ReviewEvent.case == case_id))[0]
    assert ev["actor_id"] == users["reviewer1"]
    await review.approve(actor(users["reviewer2"]), case_id, 2)
    assert (await case_row(case_id))["status"] == "awaiting_payment"

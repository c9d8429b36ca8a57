"""The review desk and the review actions on a real database: each decision, roles, conflicts, the group return."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest

from app.actions import review
from app.actions.cases import after_transitions
from app.domain.workflow import IllegalTransition
from tables.tables import Application, Receipt, ReviewEvent
from tests.review_factories import (
    actor,
    add_receipt,
    admin_session,
    case_row,
    events_of,
    make_group,
    make_reviewer,
    make_reviewers,
)
from tests.support import make_school_with_accounts

# action, the role that may take it, source status, target status, comment needed
ACTIONS = [
    ("pass_first_review", "reviewer1", "first_review", "second_review", False),
    ("return_for_supplement", "reviewer1", "first_review", "supplement_first", True),
    ("not_accept", "reviewer1", "first_review", "not_accepted", True),
    ("return_for_supplement", "reviewer2", "second_review", "supplement_second", True),
    ("approve", "reviewer2", "second_review", "awaiting_payment", False),
    ("reject", "reviewer2", "second_review", "rejected", True),
    ("not_accept", "reviewer2", "second_review", "not_accepted", True),
    ("card_made", "reviewer1", "card_production", "card_ready", False),
]


@pytest.fixture
async def world(client):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    return {"ids": ids, "users": users}


async def _decide(client, case_id: int, action: str, comment: str = "", **extra):
    c = await case_row(case_id)
    data = {"action": action, "version": str(c["version"]), "comment": comment, "queue": "", **extra}
    return await client.post_form(f"/review/case/{case_id}/decide", data, follow_redirects=False)


@pytest.mark.parametrize("action,who,source,target,needs_comment", ACTIONS)
async def test_each_decision_moves_the_case_and_writes_history(
    client, world, action, who, source, target, needs_comment
):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], [source])
    case_id = g["cases"][0]
    await admin_session(client, world["users"][who])
    page = await client.get(f"/review/case/{case_id}")
    assert page.status_code == 200
    assert f'value="{action}"' in page.text  # the button is offered to this role
    comment = "請補附居留地址證明。" if needs_comment else ""
    r = await _decide(client, case_id, action, comment)
    if action in ("not_accept", "reject"):  # 不受理 and 不核准 ask for confirmation first (issue 15)
        assert r.status_code == 200 and "請確認" in r.text and 'name="confirmed" value="1"' in r.text
        assert (await case_row(case_id))["status"] == source
        r = await _decide(client, case_id, action, comment, confirmed="1")
    assert r.status_code == 303, r.text
    row = await case_row(case_id)
    assert row["status"] == target and row["version"] == 2
    ev = await events_of(case_id)
    assert [(e["from_status"], e["action"], e["to_status"], e["actor_kind"]) for e in ev] == [
        (source, action, target, "reviewer")
    ]
    assert who in ev[0]["actor_label"]


async def test_notified_decisions_write_an_email_others_do_not(client, world):
    from app.settings import settings

    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review", "first_review"])
    await admin_session(client, world["users"]["reviewer1"])
    before = len(list(settings.outbox_dir.glob("*.eml"))) if settings.outbox_dir.exists() else 0
    await _decide(client, g["cases"][0], "pass_first_review")
    assert (len(list(settings.outbox_dir.glob("*.eml"))) if settings.outbox_dir.exists() else 0) == before
    await _decide(client, g["cases"][1], "return_for_supplement", "護照影本不清晰")
    mails = sorted(settings.outbox_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    assert len(mails) == before + 1
    import email

    msg = email.message_from_bytes(mails[-1].read_bytes())
    assert msg["To"] == "submitter@example.edu.tw"
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "護照影本不清晰" in body


async def test_each_role_only_its_own_actions(client, world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review", "second_review"])
    first, second = g["cases"]
    await admin_session(client, world["users"]["reviewer2"])
    page = await client.get(f"/review/case/{first}")
    assert 'value="pass_first_review"' not in page.text
    r = await _decide(client, first, "pass_first_review")
    assert r.status_code == 409
    assert "沒有執行此操作的權限" in r.text
    assert (await case_row(first))["status"] == "first_review"
    await admin_session(client, world["users"]["reviewer1"])
    r = await _decide(client, second, "approve")
    assert r.status_code == 409
    assert (await case_row(second))["status"] == "second_review"
    assert await ReviewEvent.count() == 0
    # The supervisor may take both stages.
    await admin_session(client, world["users"]["supervisor"])
    assert (await _decide(client, second, "approve")).status_code == 303
    assert (await case_row(second))["status"] == "awaiting_payment"


async def test_reason_required_for_refusals(client, world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review"])
    await admin_session(client, world["users"]["reviewer1"])
    r = await _decide(client, g["cases"][0], "not_accept", "   ")
    assert r.status_code == 400
    assert 'aria-invalid="true"' in r.text and 'href="#f-comment"' in r.text
    assert (await case_row(g["cases"][0]))["status"] == "first_review"
    assert await ReviewEvent.count() == 0


async def test_stale_decision_is_refused_and_shows_the_current_state(client, world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["second_review"])
    case_id = g["cases"][0]
    await admin_session(client, world["users"]["reviewer2"])
    old = await case_row(case_id)
    # Someone else decides first.
    await review.return_for_supplement(actor(world["users"]["supervisor"]), case_id, old["version"], "先退件")
    r = await client.post_form(
        f"/review/case/{case_id}/decide",
        {"action": "approve", "version": str(old["version"]), "comment": ""},
        follow_redirects=False,
    )
    assert r.status_code == 409
    assert "其他人" in r.text or "someone else" in r.text
    assert "複審資料補正" in r.text  # the current status is shown
    assert (await case_row(case_id))["status"] == "supplement_second"
    assert len(await events_of(case_id)) == 1


async def test_concurrent_decisions_one_wins(world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["second_review"])
    case_id = g["cases"][0]
    v = (await case_row(case_id))["version"]
    second = await make_reviewer("reviewer2b", "second_reviewer")
    results = await asyncio.gather(
        review.approve(actor(world["users"]["reviewer2"]), case_id, v),
        review.reject(actor(second), case_id, v, "資格不符"),
        return_exceptions=True,
    )
    wins = [r for r in results if isinstance(r, review.Outcome)]
    losses = [r for r in results if isinstance(r, review.Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results
    row = await case_row(case_id)
    assert row["status"] == wins[0].to_status and row["version"] == v + 1
    assert len(await events_of(case_id)) == 1


async def test_whole_group_return_reaches_the_school_dashboard(client, world):
    g = await make_group(
        world["ids"]["school"], world["ids"]["main"], ["first_review", "first_review"], name="整團退件測試"
    )
    app_version = (await Application.select(Application.version).where(Application.id == g["application"]))[0]
    await admin_session(client, world["users"]["reviewer1"])
    r = await client.post_form(
        f"/review/group/{g['application']}/return",
        {
            "case_id": str(g["cases"][0]),
            "group_version": str(app_version["version"]),
            "group_comment": "委託書未簽章，請重新上傳。",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    app_row = (await Application.select().where(Application.id == g["application"]))[0]
    assert app_row["status"] == "supplement_first"
    for cid in g["cases"]:
        assert (await case_row(cid))["status"] == "supplement_first"
    group_events = await ReviewEvent.select().where(ReviewEvent.case.is_null())
    assert len(group_events) == 1 and group_events[0]["action"] == "return_group_for_supplement"
    # The school sees it under 待補件案件 with the comment.
    client.cookies.delete("id")
    await client.login("03734301")
    home = await client.get("/")
    section = re.search(r'<section[^>]*aria-labelledby="list-supplement".*?</section>', home.text, re.S)
    assert section and "整團退件測試" in section.group(0) and "委託書未簽章" in section.group(0)


async def test_group_return_refused_when_nothing_is_in_review(world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["awaiting_payment"])
    with pytest.raises(IllegalTransition):
        await review.return_group_for_supplement(actor(world["users"]["reviewer1"]), g["application"], 1, "x")
    assert await ReviewEvent.count() == 0


async def test_card_collected_checks_the_receipt_number(client, world):
    """Issue 12, item 6: at the counter the clerk has the receipt and the passport of the person collecting:
    the receipt's number (of this group), the case's 收件號 on that receipt, and the passport number."""
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["card_ready"])
    other = await make_group(world["ids"]["school"], world["ids"]["main"], ["card_ready"])
    await add_receipt(g["application"], world["ids"]["school"], "115000000777")
    await add_receipt(other["application"], world["ids"]["school"], "115000000888")
    await add_receipt(g["application"], world["ids"]["school"], "115000000999")
    await Receipt.update(
        {Receipt.content: {"receipt_nos": ["115696509999"]}, Receipt.payer: "115696509999"}
    ).where(Receipt.receipt_no == "115000000999")  # a receipt of the group that does not list this case
    case_id = g["cases"][0]
    case = await case_row(case_id)
    await admin_session(client, world["users"]["reviewer1"])
    page = await client.get(f"/review/case/{case_id}")
    assert "領證人護照號碼" in page.text and "外字第" in page.text and case["receipt_no"] in page.text
    assert "繳款人姓名" not in page.text
    r = await _decide(
        client, case_id, "card_collected", receipt_no="115000000888", passport_no=case["passport_no"]
    )  # another group's
    assert r.status_code == 400 and 'id="f-receipt_no-error"' in r.text
    r = await _decide(
        client, case_id, "card_collected", receipt_no="115000000999", passport_no=case["passport_no"]
    )  # not listing this case's 收件號
    assert r.status_code == 400 and 'id="f-receipt_no-error"' in r.text and "此收據未列有本案收件號" in r.text
    assert (await case_row(case_id))["status"] == "card_ready"
    # The passport of the person collecting must be the applicant's; the name is not asked for.
    r = await _decide(
        client, case_id, "card_collected", receipt_no="外字第115000000777號", passport_no="X0000000"
    )
    assert r.status_code == 400 and 'id="f-passport_no-error"' in r.text
    assert (await case_row(case_id))["status"] == "card_ready"
    r = await _decide(client, case_id, "card_collected", receipt_no="外字第115000000777號", passport_no="")
    assert r.status_code == 400 and 'id="f-passport_no-error"' in r.text
    r = await _decide(
        client,
        case_id,
        "card_collected",
        receipt_no="外字第115000000777號",
        passport_no=" " + case["passport_no"].lower(),
    )
    assert r.status_code == 303
    assert (await case_row(case_id))["status"] == "collected"
    rec = (await Receipt.select().where(Receipt.receipt_no == "115000000777").output(load_json=True))[0]
    assert (await case_row(case_id))["receipt_no"] in rec["collected"]


async def test_queue_oldest_first_with_age_and_overdue(client, world):
    old = await make_group(
        world["ids"]["school"], world["ids"]["main"], ["first_review"], name="舊案", days_ago=20
    )
    new = await make_group(
        world["ids"]["school"], world["ids"]["main"], ["first_review"], name="新案", days_ago=0
    )
    await admin_session(client, world["users"]["reviewer1"])
    r = await client.get("/review/queue/first")
    assert r.status_code == 200
    old_no = (await case_row(old["cases"][0]))["receipt_no"]
    new_no = (await case_row(new["cases"][0]))["receipt_no"]
    assert r.text.index(old_no) < r.text.index(new_no)
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<td>\d+</td>\s*<td>(\d+)</td>", r.text)
    assert (' class="overdue"', old_no) in rows and ("", new_no) in rows
    assert "逾期" in r.text
    # htmx asks for the fragment only.
    frag = await client.get("/review/queue/second", headers={"HX-Request": "true"})
    assert frag.status_code == 200 and "<html" not in frag.text and 'id="review-queue"' in frag.text


async def test_answered_supplements_have_their_own_queue(client, world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review"], name="已補正")
    await ReviewEvent.insert(
        ReviewEvent(
            application=g["application"],
            case=g["cases"][0],
            from_status="supplement_first",
            action="resubmit",
            to_status="first_review",
            actor_kind="school",
            created_at=datetime.now(UTC),
        )
    )
    await after_transitions({(g["application"], c) for c in g["cases"]})  # as every transition keeps them
    await admin_session(client, world["users"]["reviewer1"])
    no = (await case_row(g["cases"][0]))["receipt_no"]
    assert no in (await client.get("/review/queue/answered")).text
    assert no not in (await client.get("/review/queue/first")).text


async def test_school_account_and_strangers_are_refused_at_the_desk(client, world):
    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review"])
    await client.login("03734301")
    r = await client.get(f"/review/case/{g['cases'][0]}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/"
    r = await client.post_form(
        f"/review/case/{g['cases'][0]}/decide",
        {"action": "pass_first_review", "version": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (await case_row(g["cases"][0]))["status"] == "first_review"
    # A forged back-office cookie is no session.
    client.cookies.set("id", "not-a-token")
    assert (await client.get("/review/queue/first", follow_redirects=False)).status_code == 303
    # A back-office user without a reviewer role, or a disabled reviewer: 403.
    plain = await make_reviewer("clerk", None)
    await admin_session(client, plain)
    assert (await client.get("/review/queue/first", follow_redirects=False)).status_code == 403
    gone = await make_reviewer("gone", "first_reviewer", active=False)
    await admin_session(client, gone)
    assert (await client.get("/review/queue/first", follow_redirects=False)).status_code == 403
    with pytest.raises(IllegalTransition):
        await review.pass_first_review(actor(gone), g["cases"][0], 1)


async def test_desk_logout_ends_the_back_office_session(client, world):
    token = await admin_session(client, world["users"]["reviewer1"])
    assert (await client.get("/review/queue/first")).status_code == 200
    r = await client.post_form("/review/logout", {}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.set("id", token)  # replaying the old cookie does not help
    assert (await client.get("/review/queue/first", follow_redirects=False)).status_code == 303


async def test_reviewer_opens_a_cases_document_and_schools_cannot_through_the_desk(client, world):
    from tests.progress_support import add_file, jpeg

    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review"])
    file_id = await add_file(g["application"], g["cases"][0], "passport", "passport.jpg")
    await admin_session(client, world["users"]["reviewer1"])
    r = await client.get(f"/review/attachment/{file_id}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert r.headers["content-disposition"].startswith("inline;")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content[:3] == jpeg()[:3]
    assert (await client.get(f"/review/attachment/{file_id + 999}")).status_code == 404
    client.cookies.clear()
    await client.login("03734301")
    r = await client.get(f"/review/attachment/{file_id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/"


async def test_the_desk_never_opens_a_draft_or_its_files(client, world):
    """Issue 12, item 7: a school's or a student's unsubmitted draft is 404 on the review desk, files too."""
    from tests.progress_support import add_file, make_student

    ids = world["ids"]
    now = datetime.now(UTC)
    drafts = []
    for student in (None, await make_student(ids["school"])):
        app_row = Application(
            name="草稿",
            member_count=1,
            school=ids["school"],
            created_by=None if student else ids["main"],
            student=student,
            status="draft",
            created_at=now,
            updated_at=now,
        )
        await app_row.save()
        c = await _draft_case(app_row.id, now)
        drafts.append(
            (
                c,
                await add_file(app_row.id, c, "passport"),
                await add_file(app_row.id, None, "power_of_attorney"),
            )
        )
    submitted = await make_group(ids["school"], ids["main"], ["first_review"])
    case_file = await add_file(submitted["application"], submitted["cases"][0], "passport")
    group_file = await add_file(submitted["application"], None, "power_of_attorney")

    await admin_session(client, world["users"]["supervisor"])
    for case_id, file_id, own_file in drafts:
        assert (await client.get(f"/review/case/{case_id}")).status_code == 404
        assert (await client.get(f"/review/attachment/{file_id}")).status_code == 404
        assert (await client.get(f"/review/attachment/{own_file}")).status_code == 404
        r = await client.post_form(
            f"/review/case/{case_id}/decide",
            {"action": "pass_first_review", "version": "1", "comment": "", "queue": ""},
            follow_redirects=False,
        )
        assert r.status_code == 404
        assert (await case_row(case_id))["status"] == "draft"
    # A submitted case and its files still open.
    assert (await client.get(f"/review/case/{submitted['cases'][0]}")).status_code == 200
    assert (await client.get(f"/review/attachment/{case_file}")).status_code == 200
    assert (await client.get(f"/review/attachment/{group_file}")).status_code == 200


async def _draft_case(application_id: int, now: datetime) -> int:
    from tables.tables import Case

    c = Case(
        application=application_id,
        status="draft",
        name_en="DRAFT STUDENT",
        passport_no="P0000001",
        created_at=now,
        updated_at=now,
    )
    await c.save()
    return c.id


async def test_the_case_page_names_the_forms_choices(client, world):
    """A case filed in the wizard stores its choices as codes (single, senior_high, bachelor): the desk shows
    them by their labels, as the school's own case page does (issue 12: the demo, now filed through the actions,
    showed the codes)."""
    from tables.tables import Case

    g = await make_group(world["ids"]["school"], world["ids"]["main"], ["first_review"])
    await Case.update(
        {Case.marital_status: "single", Case.education: "senior_high", Case.program: "bachelor"}
    ).where(Case.id == g["cases"][0])
    await admin_session(client, world["users"]["reviewer1"])
    client.cookies.set("lang", "en")
    r = await client.get(f"/review/case/{g['cases'][0]}")
    assert r.status_code == 200
    facts = r.text[r.text.find('id="h-applicant"') : r.text.find('id="h-docs"')]
    for code in ("single", "senior_high", "bachelor"):
        assert f"<dd>{code}" not in facts, code
    assert "Single" in facts and "Bachelor" in facts, facts

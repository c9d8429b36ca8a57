"""Nothing left hanging (issue 15, item 5): lapsed supplements closed as 不受理 (by a supervisor or the rule
engine after the grace period), reopening with a reason, confirmation of refusals, refusal mails with the
appeal route, approval mails with the amount and the link."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta

from app.actions import review, review_cases
from app.actions.cases import after_transitions
from app.settings import settings
from tables.tables import Account, Application, ReviewEvent
from tests.review_factories import actor, admin_session, case_row, make_group, make_reviewers
from tests.support import make_school_with_accounts


def _mails() -> list:
    if not settings.outbox_dir.exists():
        return []
    return sorted(settings.outbox_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime)


def _text(path) -> tuple[str, str]:
    msg = email.message_from_bytes(path.read_bytes())
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(msg["Subject"])))
    part = msg.get_body(preferencelist=("plain",)) if hasattr(msg, "get_body") else msg
    return subject, (part or msg).get_payload(decode=True).decode("utf-8")


async def _returned(ids, statuses, days_ago: int):
    """A group whose cases were returned for supplement `days_ago` days ago."""
    g = await make_group(ids["school"], ids["main"], statuses, days_ago=days_ago + 1)
    at = datetime.now(UTC) - timedelta(days=days_ago)
    for c in g["cases"]:
        await ReviewEvent.insert(
            ReviewEvent(
                application=g["application"],
                case=c,
                from_status="first_review",
                action="return_for_supplement",
                to_status=(await case_row(c))["status"],
                actor_kind="reviewer",
                comment="請補件",
                created_at=at,
            )
        )
    await after_transitions({(g["application"], c) for c in g["cases"]})  # as every transition keeps them
    return g


async def test_supervisor_closes_a_lapsed_supplement_and_the_school_is_mailed(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    lapsed = await _returned(ids, ["supplement_first"], days_ago=20)
    fresh = await _returned(ids, ["supplement_first"], days_ago=0)
    await admin_session(client, users["supervisor"])
    queue = await client.get("/review/queue/supplement")
    assert queue.text.index((await case_row(lapsed["cases"][0]))["receipt_no"]) < queue.text.index(
        (await case_row(fresh["cases"][0]))["receipt_no"]
    )  # overdue first
    page = await client.get(f"/review/case/{fresh['cases'][0]}")
    assert "以不受理結案" not in page.text  # the deadline has not passed
    case_id = lapsed["cases"][0]
    page = await client.get(f"/review/case/{case_id}")
    assert "以不受理結案" in page.text
    data = {"version": str((await case_row(case_id))["version"]), "lapse_comment": "多次聯繫未回覆"}
    r = await client.post_form(f"/review/case/{case_id}/close-lapsed", data, follow_redirects=False)
    assert r.status_code == 200 and "請確認" in r.text  # asked to confirm first
    assert (await case_row(case_id))["status"] == "supplement_first"
    before = len(_mails())
    r = await client.post_form(
        f"/review/case/{case_id}/close-lapsed", {**data, "confirmed": "1"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert (await case_row(case_id))["status"] == "not_accepted"
    ev = (
        await ReviewEvent.select().where(
            (ReviewEvent.case == case_id) & (ReviewEvent.action == "close_lapsed")
        )
    )[0]
    assert "未於補正期限內補正" in ev["comment"] and "多次聯繫未回覆" in ev["comment"]
    mails = _mails()
    assert len(mails) == before + 1
    subject, body = _text(mails[-1])
    assert "逾期未補正" in subject
    assert "訴願" in body and "30 日內" in body  # 救濟教示
    assert f"/progress/groups/{lapsed['application']}" in body
    # A reviewer who is not a supervisor cannot close.
    await admin_session(client, users["reviewer1"])
    assert "以不受理結案" not in (await client.get(f"/review/case/{fresh['cases'][0]}")).text


async def test_rule_engine_closes_after_the_grace_period_a_supervisor_set(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await _returned(ids, ["supplement_first", "supplement_first"], days_ago=12)
    await Application.update({Application.status: "supplement_first"}).where(
        Application.id == g["application"]
    )
    young = await _returned(ids, ["supplement_first"], days_ago=1)
    # Off until a supervisor sets a grace period.
    assert await review_cases.close_lapsed_supplements() == []
    await admin_session(client, users["reviewer1"])
    r = await client.post_form("/review/settings/grace", {"grace": "2"}, follow_redirects=False)
    assert r.status_code == 403
    await admin_session(client, users["supervisor"])
    bad = await client.post_form("/review/settings/grace", {"grace": "abc"}, follow_redirects=False)
    assert bad.status_code == 400 and 'href="#f-grace"' in bad.text and 'value="abc"' in bad.text
    r = await client.post_form("/review/settings/grace", {"grace": "2"}, follow_redirects=False)
    assert r.status_code == 303
    assert "補正期限屆滿後 2 個工作天" in (await client.get("/review/queue/supplement")).text
    before = len(_mails())
    outcomes = await review_cases.close_lapsed_supplements()
    assert [sorted(o.case_ids) for o in outcomes] == [sorted(g["cases"])]
    assert [(await case_row(c))["status"] for c in g["cases"]] == ["not_accepted"] * 2
    assert (await case_row(young["cases"][0]))["status"] == "supplement_first"
    app_status = (await Application.select(Application.status).where(Application.id == g["application"]))[0]
    assert app_status["status"] == "not_accepted"
    assert len(_mails()) == before + 1  # one e-mail for the group's two cases
    ev = await ReviewEvent.select().where(ReviewEvent.action == "close_lapsed")
    assert {e["actor_kind"] for e in ev} == {"system"}


async def test_supervisor_reopens_a_refused_case_with_a_reason(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["second_review"])
    case_id = g["cases"][0]
    await review.reject(actor(users["reviewer2"]), case_id, 1, "資格不符")
    await admin_session(client, users["reviewer2"])
    assert "重新開啟理由" not in (await client.get(f"/review/case/{case_id}")).text
    await admin_session(client, users["supervisor"])
    assert "重新開啟理由" in (await client.get(f"/review/case/{case_id}")).text
    v = str((await case_row(case_id))["version"])
    r = await client.post_form(f"/review/case/{case_id}/reopen", {"version": v, "reopen_comment": ""})
    assert r.status_code == 400 and 'href="#f-reopen_comment"' in r.text
    r = await client.post_form(
        f"/review/case/{case_id}/reopen",
        {"version": v, "reopen_comment": "學校提出新事證"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (await case_row(case_id))["status"] == "second_review"
    ev = (await ReviewEvent.select().where(ReviewEvent.action == "reopen_second"))[0]
    assert ev["comment"] == "學校提出新事證" and ev["from_status"] == "rejected"


async def test_refusal_mail_in_english_carries_the_appeal_route_and_approval_the_amount(db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    await Account.update({Account.language: "en"}).where(Account.id == ids["main"])
    g = await make_group(ids["school"], ids["main"], ["second_review", "second_review", "second_review"])
    before = len(_mails())
    await review.reject(actor(users["reviewer2"]), g["cases"][0], 1, "Not eligible")
    subject, body = _text(_mails()[-1])
    assert "rejected" in subject and "administrative appeal" in body and "within 30 days" in body
    await review.decide_cases(
        actor(users["reviewer2"]), g["application"], {g["cases"][1]: 1, g["cases"][2]: 1}, "approve"
    )
    assert len(_mails()) == before + 2
    subject, body = _text(_mails()[-1])
    assert "Amount due: NT$2,000" in body and "/payment" in body
    assert "administrative appeal" not in body

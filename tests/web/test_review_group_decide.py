"""Deciding a group at once, canned reasons, and the next case after a decision (issue 15, item 3)."""

from __future__ import annotations

import email
from datetime import UTC, datetime

from app.settings import settings
from tables.tables import CannedReason, ReviewEvent
from tests.review_factories import admin_session, case_row, make_group, make_reviewers
from tests.support import make_school_with_accounts


def _outbox() -> list:
    if not settings.outbox_dir.exists():
        return []
    return sorted(settings.outbox_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime)


def _body(path) -> str:
    msg = email.message_from_bytes(path.read_bytes())
    part = msg.get_body(preferencelist=("plain",)) if hasattr(msg, "get_body") else msg
    payload = (part or msg).get_payload(decode=True)
    return payload.decode("utf-8") if payload else msg.as_string()


async def _group_post(client, g, picks, action, comment="", reason="", queue="first"):
    values = []
    for cid in picks:
        values.append(("cases", f"{cid}:{(await case_row(cid))['version']}"))
    token = await client.ensure_csrf()
    data = [
        ("_csrf_token", token),
        ("action", action),
        ("group_decision_comment", comment),
        ("group_reason", reason),
        ("queue", queue),
        ("case_id", str(picks[0] if picks else g["cases"][0])),
        *values,
    ]
    return await client.post(
        f"/review/group/{g['application']}/decide",
        content="&".join(f"{k}={v}" for k, v in data).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


async def test_group_of_five_passed_at_once_then_approved_by_another_reviewer(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"] * 5)
    await admin_session(client, users["supervisor"])
    page = await client.get(f"/review/case/{g['cases'][0]}?queue=first")
    assert page.text.count('name="cases"') == 5 and "勾選案件一併決定" in page.text
    r = await _group_post(client, g, g["cases"], "pass_first_review")
    assert r.status_code == 303
    assert [(await case_row(c))["status"] for c in g["cases"]] == ["second_review"] * 5
    assert await ReviewEvent.count() == 5
    # The same supervisor is refused the second review of the group (four eyes), nothing changes.
    r = await _group_post(client, g, g["cases"], "approve", queue="second")
    assert r.status_code == 409 and "四眼原則" in r.text
    assert [(await case_row(c))["status"] for c in g["cases"]] == ["second_review"] * 5
    # Another reviewer approves them in one decision: one e-mail listing all five.
    before = len(_outbox())
    await admin_session(client, users["reviewer2"])
    r = await _group_post(client, g, g["cases"], "approve", queue="second")
    assert r.status_code == 303
    assert [(await case_row(c))["status"] for c in g["cases"]] == ["awaiting_payment"] * 5
    mails = _outbox()
    assert len(mails) == before + 1
    body = _body(mails[-1])
    for c in g["cases"]:
        assert (await case_row(c))["receipt_no"] in body


async def test_ticked_cases_only_all_or_nothing(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"] * 3)
    await admin_session(client, users["reviewer1"])
    # A stale version of one case refuses the whole decision.
    token = await client.ensure_csrf()
    body = (
        f"_csrf_token={token}&action=pass_first_review&queue=first&case_id={g['cases'][0]}"
        f"&cases={g['cases'][0]}:1&cases={g['cases'][1]}:9"
    )
    r = await client.post(
        f"/review/group/{g['application']}/decide",
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert r.status_code == 409
    assert [(await case_row(c))["status"] for c in g["cases"]] == ["first_review"] * 3
    # Nothing ticked: a message beside the list.
    r = await _group_post(client, g, [], "pass_first_review")
    assert r.status_code == 400 and "請至少勾選本團一個案件" in r.text
    # Two of three: the third stays.
    r = await _group_post(client, g, g["cases"][:2], "return_for_supplement", comment="護照影本不清")
    assert r.status_code == 303
    assert [(await case_row(c))["status"] for c in g["cases"]] == [
        "supplement_first",
        "supplement_first",
        "first_review",
    ]
    # ... and the desk opens the next case of the same group.
    assert r.headers["location"] == f"/review/case/{g['cases'][2]}?queue=first"


async def test_canned_reasons_in_both_languages(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    now = datetime.now(UTC)
    ret = CannedReason(
        kind="return", text_zh="住宿證明不符", text_en="Accommodation proof does not match", created_at=now
    )
    await ret.save()
    ref = CannedReason(kind="refuse", text_zh="不符申請資格", text_en="Not eligible", created_at=now)
    await ref.save()
    g = await make_group(ids["school"], ids["main"], ["first_review", "first_review"])
    await admin_session(client, users["reviewer1"])
    page = await client.get(f"/review/case/{g['cases'][0]}")
    assert "住宿證明不符" in page.text and "不符申請資格" in page.text
    client.cookies.set("lang", "en")
    assert "Accommodation proof does not match" in (await client.get(f"/review/case/{g['cases'][0]}")).text
    client.cookies.set("lang", "zh_Hant_TW")
    c = await case_row(g["cases"][0])
    # A refusal reason does not fit a return: a field message, nothing saved.
    r = await client.post_form(
        f"/review/case/{g['cases'][0]}/decide",
        {
            "action": "return_for_supplement",
            "version": str(c["version"]),
            "comment": "",
            "reason": str(ref.id),
        },
        follow_redirects=False,
    )
    assert r.status_code == 400 and 'href="#f-reason"' in r.text and "此常用理由不適用" in r.text
    # A reason alone is enough for a return; the comment holds both languages and the typed note.
    r = await client.post_form(
        f"/review/case/{g['cases'][0]}/decide",
        {
            "action": "return_for_supplement",
            "version": str(c["version"]),
            "comment": "第2頁",
            "reason": str(ret.id),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    ev = (await ReviewEvent.select().where(ReviewEvent.case == g["cases"][0]))[0]
    assert ev["comment"] == "住宿證明不符（Accommodation proof does not match）\n第2頁"


async def test_next_case_same_group_first_then_the_next_group(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    old = await make_group(ids["school"], ids["main"], ["first_review"], days_ago=9)
    g = await make_group(ids["school"], ids["main"], ["first_review", "first_review"], days_ago=1)
    await admin_session(client, users["reviewer1"])

    async def decide(case_id):
        c = await case_row(case_id)
        return await client.post_form(
            f"/review/case/{case_id}/decide",
            {"action": "pass_first_review", "version": str(c["version"]), "comment": "", "queue": "first"},
            follow_redirects=False,
        )

    assert (await decide(g["cases"][0])).headers["location"] == f"/review/case/{g['cases'][1]}?queue=first"
    assert (await decide(g["cases"][1])).headers["location"] == f"/review/case/{old['cases'][0]}?queue=first"
    assert (await decide(old["cases"][0])).headers["location"] == "/review/queue/first"

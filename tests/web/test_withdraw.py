"""案件撤銷: 整團撤銷 and 案件撤銷 allowed and refused by status, the confirmation pages, the record, the email, scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.actions import withdraw as actions
from app.settings import settings
from tables.tables import Application, Case, Payment, PaymentGroup, ReviewEvent
from tests.progress_support import login_student, make_group, make_student, school_actor, student_actor
from tests.support import make_account, make_school, make_school_with_accounts


def _outbox() -> list[str]:
    if not settings.outbox_dir.exists():
        return []
    return [p.read_text(errors="replace") for p in sorted(settings.outbox_dir.glob("*.eml"))]


async def _status(case_id: int) -> str:
    return (await Case.select(Case.status).where(Case.id == case_id))[0]["status"]


async def test_withdraw_group_end_to_end(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review", "supplement_first", "not_accepted"])
    before = len(_outbox())
    await client.login("03734301")
    r = await client.get(f"/withdraw/group?group_no={g['group_no']}")
    assert r.status_code == 200 and "整團撤銷" in r.text and "團體資料" in r.text and "申請人列表" in r.text
    r = await client.get(f"/withdraw/group/{g['application']}")
    assert "是否整團撤銷?" in r.text and 'method="post"' in r.text
    r = await client.post_form(f"/withdraw/group/{g['application']}", {}, follow_redirects=False)
    assert r.status_code == 303
    r = await client.get(r.headers["location"])
    assert "撤銷成功!" in r.text
    assert [await _status(c) for c in g["cases"]] == ["group_withdrawn", "group_withdrawn", "not_accepted"]
    app = (await Application.select(Application.status).where(Application.id == g["application"]))[0]
    assert app["status"] == "group_withdrawn"
    events = await ReviewEvent.select().where(ReviewEvent.action == "withdraw_group")
    assert len(events) == 3 and {e["actor_kind"] for e in events} == {"school"}
    mails = _outbox()[before:]
    assert len(mails) == 1 and g["group_no"] in mails[0]
    # a withdrawn group cannot come back nor be withdrawn again
    r = await client.post_form(f"/withdraw/group/{g['application']}", {}, follow_redirects=False)
    assert r.status_code == 409
    # the progress query finds it under 整團撤銷
    r = await client.get("/progress/?search=1&status=group_withdrawn")
    assert f"<td>{g['group_no']}</td>" in r.text


async def test_withdraw_group_refused_when_a_case_is_paid_or_paying(client):
    ids = await make_school_with_accounts()
    paid = await make_group(ids["school"], ids["main"], ["paid", "awaiting_payment"])
    actor = school_actor(ids)
    try:
        await actions.withdraw_group(actor, paid["application"])
        raise AssertionError("refused expected")
    except actions.Refused as exc:
        assert "paid" in exc.message or "繳費" in exc.message
    assert await _status(paid["cases"][1]) == "awaiting_payment"
    # an online payment under way
    paying = await make_group(ids["school"], ids["main"], ["awaiting_payment"])
    now = datetime.now(UTC)
    p = Payment(
        order_no="TPAYING1",
        school=ids["school"],
        amount=1000,
        status="pending",
        created_at=now,
        expires_at=now + timedelta(minutes=30),
    )
    await p.save()
    await PaymentGroup.insert(
        PaymentGroup(
            payment=p.id, application=paying["application"], persons=1, amount=1000, case_ids=paying["cases"]
        )
    )
    await client.login("03734301")
    r = await client.get(f"/withdraw/group?group_no={paying['group_no']}")
    assert "線上繳費" in r.text or "payment" in r.text
    r = await client.post_form(f"/withdraw/cases/{paying['cases'][0]}", {}, follow_redirects=False)
    assert r.status_code == 409 and await _status(paying["cases"][0]) == "awaiting_payment"


async def test_withdraw_one_case(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["second_review", "awaiting_payment", "paid"])
    receipt = (await Case.select(Case.receipt_no).where(Case.id == g["cases"][1]))[0]["receipt_no"]
    before = len(_outbox())
    await client.login("03734301")
    r = await client.get(f"/withdraw/cases?receipt_no={receipt}")
    assert r.status_code == 200
    assert (
        f'href="/withdraw/cases/{g["cases"][0]}"' in r.text
        and f'href="/withdraw/cases/{g["cases"][1]}"' in r.text
    )
    assert f'href="/withdraw/cases/{g["cases"][2]}"' not in r.text  # paid: no 撤銷
    r = await client.get(f"/withdraw/cases/{g['cases'][1]}")
    assert "是否撤銷案件?" in r.text
    r = await client.post_form(f"/withdraw/cases/{g['cases'][1]}", {}, follow_redirects=False)
    assert r.status_code == 303 and "撤銷成功!" in (await client.get(r.headers["location"])).text
    assert await _status(g["cases"][1]) == "withdrawn" and await _status(g["cases"][0]) == "second_review"
    e = await ReviewEvent.select().where(
        (ReviewEvent.case == g["cases"][1]) & (ReviewEvent.action == "withdraw")
    )
    assert e and e[0]["from_status"] == "awaiting_payment"
    assert len(_outbox()) == before + 1
    # refused: paid, and already withdrawn
    for case_id in (g["cases"][2], g["cases"][1]):
        r = await client.post_form(f"/withdraw/cases/{case_id}", {}, follow_redirects=False)
        assert r.status_code == 409
    assert await _status(g["cases"][2]) == "paid"


async def test_scope(client):
    ids = await make_school_with_accounts()
    mine = await make_group(ids["school"], ids["main"], ["first_review"])
    sub = await make_group(ids["school"], ids["sub1"], ["first_review"])
    other = await make_school(name="他校", business_no="03734317")
    acc = await make_account("03734317", other, main=True)
    theirs = await make_group(other, acc, ["first_review"])
    await client.login("03734301-01")
    r = await client.get(f"/withdraw/group?group_no={mine['group_no']}")
    assert r.status_code == 404
    for url in (
        f"/withdraw/group/{mine['application']}",
        f"/withdraw/cases/{mine['cases'][0]}",
        f"/withdraw/group/{theirs['application']}",
        f"/withdraw/cases/{theirs['cases'][0]}",
    ):
        assert (await client.get(url)).status_code == 404
        assert (await client.post_form(url, {}, follow_redirects=False)).status_code == 404
    assert (
        await _status(mine["cases"][0]) == "first_review"
        and await _status(theirs["cases"][0]) == "first_review"
    )
    r = await client.post_form(f"/withdraw/cases/{sub['cases'][0]}", {}, follow_redirects=False)
    assert r.status_code == 303 and await _status(sub["cases"][0]) == "withdrawn"


async def test_student_withdraws_own_case(client):
    ids = await make_school_with_accounts()
    sid = await make_student(ids["school"])
    own = await make_group(ids["school"], None, ["first_review"], student_id=sid)
    school_group = await make_group(ids["school"], ids["main"], ["first_review"])
    await login_student(client, sid)
    r = await client.post_form(f"/withdraw/cases/{school_group['cases'][0]}", {}, follow_redirects=False)
    assert r.status_code == 404
    r = await client.post_form(f"/withdraw/cases/{own['cases'][0]}", {}, follow_redirects=False)
    assert r.status_code == 303 and await _status(own["cases"][0]) == "withdrawn"
    e = (await ReviewEvent.select().where(ReviewEvent.case == own["cases"][0]).order_by(ReviewEvent.id))[-1]
    assert e["actor_kind"] == "student"
    outcome = None
    try:
        outcome = await actions.withdraw_case(student_actor(ids["school"], sid), own["cases"][0])
    except actions.Refused:
        pass
    assert outcome is None


async def test_english_pages(client):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    await client.login("03734301")
    await client.get("/lang/en")
    r = await client.get(f"/withdraw/group/{g['application']}")
    assert "Withdraw the whole group?" in r.text
    r = await client.get(f"/withdraw/cases/{g['cases'][0]}")
    assert "Withdraw the case?" in r.text

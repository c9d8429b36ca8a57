"""20 submits at the same time get 20 distinct group numbers and distinct receipt numbers (both engines)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.actions import apply as actions
from app.domain import applicant as rules
from app.domain.actor import Actor
from tables.tables import Application, Attachment, Case, ReviewEvent
from tests.apply_support import applicant_form
from tests.support import make_school_with_accounts


async def ready_group(school_id: int, account_id: int, n: int, members: int = 2) -> int:
    t = datetime.now(UTC)
    app = Application(
        business_line="foreign",
        kind="first",
        name=f"concurrent {n}",
        member_count=members,
        pickup_method="self",
        station_code="S01",
        school=school_id,
        created_by=account_id,
        submitter_name="測試人",
        submitter_national_id="A123456789",
        submitter_phone="0223456789",
        submitter_email="clerk@example.edu.tw",
        submitter_addr={"county": "臺北市", "district": "中正區", "street": "羅斯福路四段", "number": "1號"},
        status="draft",
        terms_accepted_at=t,
        created_at=t,
        updated_at=t,
    )
    await app.save()
    await Attachment.insert(
        Attachment(
            application=app.id,
            kind="power_of_attorney",
            stored_name=f"{n:032x}.jpg",
            content_type="image/jpeg",
            uploaded_at=t,
        )
    )
    for m in range(members):
        values, _raw = rules.record_from_form(rules.normalise(applicant_form(m)))
        case = Case(
            application=app.id,
            identity="foreign",
            status="draft",
            complete=True,
            created_at=t,
            updated_at=t,
            **values,
        )
        await case.save()
        for i, kind in enumerate(("photo", "passport", "visa", "accommodation")):
            await Attachment.insert(
                Attachment(
                    application=app.id,
                    case=case.id,
                    kind=kind,
                    stored_name=f"{n:08x}{case.id:08x}{i:016x}.jpg",
                    content_type="image/jpeg",
                    uploaded_at=t,
                )
            )
    return app.id


async def test_twenty_concurrent_submits_get_distinct_numbers(db):
    ids = await make_school_with_accounts()
    actor = Actor(
        kind="school",
        account_id=ids["main"],
        login_id="03734301",
        name="測試人",
        school_id=ids["school"],
        is_main=True,
    )
    app_ids = [await ready_group(ids["school"], ids["main"], n) for n in range(20)]
    results = await asyncio.gather(*(actions.submit_application(actor, a, "zh_Hant_TW") for a in app_ids))
    group_nos = [r.group_no for r in results]
    assert len(set(group_nos)) == 20
    assert sorted(int(g[-4:]) for g in group_nos) == list(range(1, 21))
    receipts = [no for r in results for no in r.receipt_nos]
    assert len(receipts) == 40 and len(set(receipts)) == 40
    stored = await Application.select(Application.group_no).where(Application.group_no.is_not_null())
    assert len({s["group_no"] for s in stored}) == 20
    assert await Case.count().where(Case.status == "first_review") == 40
    assert await ReviewEvent.count() == 40
    assert all(r.mail is not None and r.mail.to == "clerk@example.edu.tw" for r in results)


async def test_the_same_group_submitted_twice_at_once_is_numbered_once(db):
    ids = await make_school_with_accounts()
    actor = Actor(
        kind="school", account_id=ids["main"], login_id="03734301", school_id=ids["school"], is_main=True
    )
    app_id = await ready_group(ids["school"], ids["main"], 1)
    results = await asyncio.gather(*(actions.submit_application(actor, app_id) for _ in range(5)))
    assert len({r.group_no for r in results}) == 1
    assert sum(1 for r in results if not r.already) == 1
    assert await ReviewEvent.count() == 2


async def test_a_failure_mid_submit_leaves_no_half_group(db, monkeypatch):
    ids = await make_school_with_accounts()
    actor = Actor(
        kind="school", account_id=ids["main"], login_id="03734301", school_id=ids["school"], is_main=True
    )
    app_id = await ready_group(ids["school"], ids["main"], 1)
    calls = {"n": 0}
    real = actions.next_sequence

    async def flaky(kind, year, code):
        calls["n"] += 1
        if calls["n"] == 3:  # group no., first receipt, then the crash
            raise RuntimeError("boom")
        return await real(kind, year, code)

    monkeypatch.setattr(actions, "next_sequence", flaky)
    try:
        await actions.submit_application(actor, app_id)
    except RuntimeError:
        pass
    app = await Application.select().where(Application.id == app_id).first()
    assert app["group_no"] is None and app["status"] == "draft"
    assert await Case.count().where(Case.receipt_no.is_not_null()) == 0
    assert await ReviewEvent.count() == 0


async def test_an_autosave_racing_the_save_with_the_files_does_not_undo_complete(db, monkeypatch):
    """資料儲存 with the documents on one node, the page's autosave (no files) on another at the same moment: the
    autosave waits for the save and sees its files, so the applicant stays 已完成. (Seen in the two-node journey:
    the autosave checked the files before the save committed them and wrote 未完成 over it.)"""
    from app.actions import cases as pipeline
    from tests.apply_support import jpeg

    ids = await make_school_with_accounts()
    actor = Actor(
        kind="school", account_id=ids["main"], login_id="03734301", school_id=ids["school"], is_main=True
    )
    app_id = await ready_group(ids["school"], ids["main"], 90, members=1)
    case_id = (await Case.select(Case.id).where(Case.application == app_id))[0]["id"]
    await Attachment.delete().where(Attachment.case == case_id)
    await Case.update({Case.complete: False}).where(Case.id == case_id)
    form = applicant_form(0)
    uploads = [
        pipeline.Upload(kind=k, filename=f"{k}.jpg", data=jpeg())
        for k in ("photo", "passport", "visa", "accommodation")
    ]
    saved = asyncio.Event()
    real_touch = actions._touch

    async def slow_touch(application_id: int) -> None:
        await real_touch(application_id)
        if not saved.is_set():  # the save with the files: the case is written, not yet committed
            saved.set()
            await asyncio.sleep(0.5)

    monkeypatch.setattr(actions, "_touch", slow_touch)

    async def autosave() -> dict[str, str]:
        await saved.wait()
        return await actions.save_applicant(actor, app_id, case_id, form)

    with_files, autosaved = await asyncio.gather(
        actions.save_applicant(actor, app_id, case_id, form, uploads), autosave()
    )
    assert with_files == {} and autosaved == {}
    assert (await Case.select(Case.complete).where(Case.id == case_id))[0]["complete"] is True

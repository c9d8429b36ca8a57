"""The demo's groups are filed and moved as real ones are, by the same actions:

- `file_group`: the school's wizard (`app.actions.apply`): a draft, 送件人, 申請資料 with the power of
  attorney, each applicant saved with its photo and documents, then 送出 (numbers from the counters);
- `decide`: review decisions by the demo reviewers (`app.actions.review`);
- `supplement`: the school's answer to a return (`app.actions.supplement`);
- `withdraw_cases` / `withdraw_group`: the school's 撤銷 (`app.actions.withdraw`);
- `pay`: the school's online payment (`app.actions.payment`), the sandbox gateway's answer applied as it
  would be notified, which issues receipts and six-month e-certificates.

Only afterwards does `app.demo.backdate` move timestamps into the past (issue 12)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from app.actions import apply as apply_actions
from app.actions import payment as payment_actions
from app.actions import review, supplement, withdraw
from app.demo import backdate
from app.demo.people import Person, upload
from app.domain.actor import Actor
from app.services import payment as gateway
from tables.tables import Account, Application, Case, Payment, School

# Who decides at each stage (app.demo.review makes them).
FIRST, SECOND, DESK = "reviewer1", "reviewer2", "supervisor"


async def reviewer(username: str) -> Actor:
    user = await BaseUser.select(BaseUser.id).where(BaseUser.username == username).first()
    actor = await review.reviewer_actor(user["id"]) if user else None
    if actor is None:
        raise RuntimeError("the demo reviewers (app.demo.review) must be loaded first")
    return actor


async def school_actor(login_id: str) -> Actor | None:
    """The signed-in school account as the web layer builds it; None when the account is not there."""
    account = await Account.select().where(Account.login_id == login_id).first()
    if account is None:
        return None
    school = await School.select(School.name).where(School.id == account["school"]).first()
    return Actor(
        kind="school",
        account_id=account["id"],
        login_id=login_id,
        name=account["name"],
        school_id=account["school"],
        school_name=school["name"] if school else "",
        is_main=account["is_main"],
    )


# Filing ---------------------------------------------------------------------------------------------


SUBMITTER = {
    "submitter_name": "測試人",
    "submitter_national_id": "A123456789",
    "submitter_phone": "02-23456789",
    "addr_county": "臺北市",
    "addr_district": "中正區",
    "addr_street": "羅斯福路四段",
    "addr_number": "1號",
}


@dataclass
class Filed:
    application_id: int
    case_ids: list[int]
    group_no: str = ""


async def existing(actor: Actor, name: str) -> bool:
    """The demo is idempotent: a group of that name at that school was made by an earlier run."""
    return await Application.exists().where(
        (Application.school == actor.school_id) & (Application.name == name)
    )


async def file_group(
    actor: Actor,
    name: str,
    people: list[Person],
    *,
    members: int | None = None,
    complete: int | None = None,
    submit: bool = True,
    station: str = "S01",
) -> Filed:
    """A group filed in the school's wizard: every call is one the wizard's handlers make. `members` more than
    the people: places still to fill; `complete`: only the first so many applicants filled in completely
    (the others half, with a photo only); `submit`: 確認送件 at the end."""
    app_id = await apply_actions.create_draft(actor, terms_accepted=True)
    errors = await apply_actions.save_submitter(
        actor,
        app_id,
        SUBMITTER
        | {"submitter_name": actor.name, "submitter_email": f"{actor.login_id}@demo.example.edu.tw"},
    )
    details = {"name": name, "member_count": str(members or len(people)), "pickup_method": "self"}
    errors |= await apply_actions.save_details(
        actor, app_id, details | {"station_code": station}, [upload("power_of_attorney", actor.school_name)]
    )
    done = len(people) if complete is None else complete
    case_ids: list[int] = []
    for i, person in enumerate(people):
        case_id = await apply_actions.add_applicant(actor, app_id, person.identity)
        case_ids.append(case_id)
        form = person.form()
        if i < done:
            errors |= await apply_actions.save_applicant(actor, app_id, case_id, form, person.files())
        else:  # half filled in, no documents yet: shows 未完成 and what is missing
            partial = {k: form[k] for k in ("name_en", "birth_date", "gender", "nationality")}
            await apply_actions.save_applicant(
                actor, app_id, case_id, partial, [upload("photo", person.name_en)]
            )
    if errors:
        raise RuntimeError(f"demo group {name!r} refused by the wizard's checks: {errors}")
    group_no = ""
    if submit:
        group_no = (await apply_actions.submit_application(actor, app_id, "zh_Hant_TW")).group_no  # no mail
    return Filed(app_id, case_ids, group_no)


async def file_offering_group(
    actor: Actor,
    line: str,
    kind: str,
    name: str,
    applicants: list[tuple[dict[str, str], dict[str, str]]],
    *,
    station: str = "S01",
    submit: bool = True,
) -> Filed:
    """A group of any offering (line, kind) filed in the one wizard's actions: the draft, 送件人, 申請資料 with the
    offering's group documents, each applicant added (by its identity, or by the offering's lookup: 換證's UI no.,
    多次證's single-entry permit) and saved, then the photo and documents its form asks for uploaded (as a clerk
    answers what the page says is missing), then 送出. `applicants`: (how it is added, the form)."""
    from app.actions import kinds
    from app.domain import offerings

    offering = offerings.get(line, kind)
    if offering is None:
        raise RuntimeError(f"no offering {line}/{kind}")
    app_id = await apply_actions.create_draft(actor, terms_accepted=True, line=line, kind=kind)
    errors = await apply_actions.save_submitter(
        actor,
        app_id,
        SUBMITTER
        | {"submitter_name": actor.name, "submitter_email": f"{actor.login_id}@demo.example.edu.tw"},
    )
    group_files = [upload(d.doc, actor.school_name) for d in offering.group_documents]
    details = {
        "name": name,
        "member_count": str(len(applicants)),
        "pickup_method": "self",
        "station_code": station,
    }
    errors |= await apply_actions.save_details(actor, app_id, details, group_files)
    case_ids: list[int] = []
    for added_by, form in applicants:
        if offering.lookup:
            case_id = await kinds.add_looked_up_applicant(actor, app_id, added_by)
            form = await stored_form(app_id, case_id) | form  # prefilled from what was looked up
        else:
            case_id = await apply_actions.add_applicant(actor, app_id, added_by["identity"])
        case_ids.append(case_id)
        left = await apply_actions.save_applicant(actor, app_id, case_id, form)
        asked = [k.removeprefix("doc_") for k in left if k == "photo" or k.startswith("doc_")]
        if asked:
            who = form.get("name_en") or "STUDENT"
            left = await apply_actions.save_applicant(
                actor, app_id, case_id, form, files=[upload(k, who) for k in asked]
            )
        errors |= left
    if errors:
        raise RuntimeError(f"demo group {name!r} refused by the wizard's checks: {errors}")
    group_no = ""
    if submit:
        group_no = (await apply_actions.submit_application(actor, app_id, "zh_Hant_TW")).group_no
    return Filed(app_id, case_ids, group_no)


async def stored_form(application_id: int, case_id: int) -> dict[str, str]:
    """What the wizard's form of a looked-up applicant shows (prefilled from the certificate), as it posts it."""
    from app.actions.cases import form_of

    app = await Application.select().where(Application.id == application_id).first()
    case = await Case.select().where(Case.id == case_id).output(load_json=True).first()
    return form_of(app, case)[0]


# Review -------------------------------------------------------------------------------------------


async def _version(case_id: int) -> int:
    return (await Case.select(Case.version).where(Case.id == case_id).first())["version"]


async def decide(case_id: int, action: str, comment: str = "", *, at: datetime | None = None) -> None:
    """One review decision on a case by the demo reviewer of that stage; its event dated `at` (the demo's past)."""
    who = FIRST if action == "pass_first_review" else (DESK if action.startswith("card_") else SECOND)
    if action in ("return_for_supplement", "not_accept"):
        status = (await Case.select(Case.status).where(Case.id == case_id).first())["status"]
        who = FIRST if status == "first_review" else SECOND
    await review.decide(await reviewer(who), case_id, await _version(case_id), action, comment)
    if at is not None:
        await backdate.backdate_events([case_id], [action], at, last=True)


async def approve_for_payment(case_ids: list[int], *, at: datetime | None = None) -> None:
    """初審通過 and 複審核准: the cases wait for payment."""
    for case_id in case_ids:
        await decide(case_id, "pass_first_review", at=at - timedelta(days=1) if at else None)
        await decide(case_id, "approve", at=at)


async def return_group(application_id: int, comment: str, *, at: datetime) -> None:
    """退回補正 of the group's own data by the first reviewer."""
    version = (await Application.select(Application.version).where(Application.id == application_id).first())[
        "version"
    ]
    outcome = await review.return_group_for_supplement(
        await reviewer(FIRST), application_id, version, comment
    )
    await backdate.backdate_events(
        outcome.case_ids, ["return_group_for_supplement"], at, application_id=application_id
    )


async def card_made_and_collected(case_ids: list[int], *, collected: bool) -> None:
    """The desk's 製證完成, and with `collected` 已領證 with the receipt's number and the passport."""
    desk = await reviewer(DESK)
    for case_id in case_ids:
        await review.card_made(desk, case_id, await _version(case_id))
        if collected:
            from tables.tables import Receipt

            case = await Case.select(Case.application, Case.passport_no).where(Case.id == case_id).first()
            receipt = (
                await Receipt.select(Receipt.receipt_no)
                .where(Receipt.application == case["application"])
                .first()
            )
            await review.card_collected(
                desk, case_id, await _version(case_id), receipt["receipt_no"], passport_no=case["passport_no"]
            )


# The school after submit ----------------------------------------------------------------------------


async def answer_return(
    actor: Actor, filed: Filed, case_id: int, reply: str, kind: str, *, at: datetime
) -> None:
    """補正 of one returned case by the school: a new file of `kind`, the reply, 變更資料 (back to review)."""
    case = await Case.select().where(Case.id == case_id).first()
    from app.actions.cases import form_of

    app = await Application.select().where(Application.id == filed.application_id).first()
    form, changes = form_of(app, case)
    result = await supplement.save_case(
        actor,
        filed.application_id,
        case_id,
        form | {"reply": reply},
        changes=changes,
        files=[upload(kind, case["name_en"])],
        send=True,
    )
    if not result.sent:
        raise RuntimeError(f"demo supplement refused: {result.errors}")
    await backdate.backdate_events([case_id], ["resubmit"], at, last=True)
    await backdate.backdate_supplement(case_id, at)


async def withdraw_cases(actor: Actor, case_ids: list[int], *, at: datetime) -> None:
    for case_id in case_ids:
        await withdraw.withdraw_case(actor, case_id)
    await backdate.backdate_events(case_ids, ["withdraw"], at)


async def withdraw_group(actor: Actor, filed: Filed, *, at: datetime) -> None:
    await withdraw.withdraw_group(actor, filed.application_id)
    await backdate.backdate_events(
        filed.case_ids, ["withdraw_group"], at, application_id=filed.application_id
    )


async def pay(
    actor: Actor, application_ids: list[int], *, paid_at: datetime, if_payable: bool = False
) -> str:
    """The school pays the groups by card; the sandbox's answer is applied by the payment actions, which issue
    the receipts and six-month e-certificates (dated by `paid_at`). Returns the order no. With `if_payable`, a
    group this build cannot take online payment for (its line's fee unknown to the payment) stays awaiting
    payment and "" is returned."""
    started = await payment_actions.start_payment(actor, application_ids, "card", ip="demo")
    if started.errors and if_payable and set(started.errors) == {"groups"}:
        return ""
    if started.errors:
        raise RuntimeError(f"demo payment refused: {started.errors}")
    payment = await Payment.select().where(Payment.order_no == started.order_no).first()
    await payment_actions.apply_result(
        gateway.GatewayResult(
            order_no=started.order_no,
            outcome=gateway.PAID,
            amount=payment["amount"],
            currency="TWD",
            txn_id="SBXDEMO" + secrets.token_hex(5).upper(),
            paid_at=paid_at,
            message="demo",
        ),
        source="demo",
        ip="demo",
    )
    await backdate.backdate_payment(started.order_no, paid_at)
    case_ids = [
        c["id"] for c in await Case.select(Case.id).where(Case.application.is_in(application_ids or [-1]))
    ]
    await backdate.backdate_events(case_ids, ["record_payment", "issue_e_certificate", "await_card"], paid_at)
    return started.order_no

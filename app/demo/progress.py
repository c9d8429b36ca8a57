"""Demo data after submission (issue 6): returned cases and a returned group with the reviewers' comments,
withdrawn cases and a withdrawn group, open cases to withdraw, and issued six-month e-certificates to
renew (one expired, to show the refusal). Idempotent: a group that exists is left alone.

The certificates are issued as real ones are: both reviews by the demo reviewers, then the school's
payment applied by the payment actions (`app.demo.flow`), dated 40 and 200 days ago.

Every case is complete, with its photo and documents, so a supplement can be sent back as it is.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from app.actions import review, withdraw
from app.demo import flow
from app.domain import numbering
from app.domain.workflow import Status as S
from app.services import uploads
from tables.tables import Account, Application, Attachment, Case, ReviewEvent

LOGIN_ID = "03734301"

PEOPLE = [
    # name_zh, name_en, passport, birth, gender, nationality
    ("鈴木一郎", "SUZUKI ICHIRO", "TR4455667", date(2004, 6, 1), "M", "JP"),
    ("", "EMMA WILSON", "GB7781234", date(2003, 2, 14), "F", "GB"),
    ("陳美玲", "TAN MEI LING", "K12349876", date(2002, 10, 9), "F", "MY"),
    ("", "LUCAS MARTIN", "FR8812093", date(2004, 8, 27), "M", "FR"),
]

RETURN_COMMENT = "護照影本不清晰，請重新上傳清晰的護照資料頁，並確認護照號碼。"
GROUP_COMMENT = "委託書未經學校用印，請重新上傳。"

# (seq, name, [case statuses], what happens after submit)
GROUPS = [
    (9301, "2026 秋季外生（退回補正示範）", [S.SUPPLEMENT_FIRST, S.FIRST_REVIEW], "case_return"),
    (9302, "2026 交換生（團資料補正示範）", [S.SUPPLEMENT_FIRST, S.SUPPLEMENT_FIRST], "group_return"),
    (9303, "2026 春季外生（可撤銷示範）", [S.FIRST_REVIEW, S.SECOND_REVIEW], ""),
    (9304, "2026 夏季外生（已撤銷一案）", [S.WITHDRAWN, S.SECOND_REVIEW], "case_withdrawn"),
    (9305, "2026 研修生（整團撤銷示範）", [S.GROUP_WITHDRAWN, S.GROUP_WITHDRAWN], "group_withdrawn"),
    (9306, "2026 春季新生（電子居留證）", [S.ISSUED, S.ISSUED], "permits"),
    (9307, "2025 秋季新生（電子居留證已逾期）", [S.ISSUED], "permits"),
]
# The e-certificates' UI nos. and how many days ago each group paid; 200 days: expired.
PERMITS = {9306: (("A810000008", "A810000017"), 40), 9307: (("A810000026",), 200)}


def _image(text: str, seed: int) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (360, 240), ((210 + seed * 7) % 255, 226, 236))
    d = ImageDraw.Draw(im)
    d.rectangle((10, 10, 350, 230), outline=(60, 80, 110), width=3)
    d.text((24, 100), text[:40], fill=(30, 40, 60))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


async def _file(app_id: int, case_id: int | None, kind: str, name: str, seed: int) -> None:
    image = uploads.check_image(_image(f"{kind} {name}", seed), f"{kind}.jpg")
    await Attachment.insert(
        Attachment(
            application=app_id,
            case=case_id,
            kind=kind,
            original_name=f"{kind}.jpg",
            stored_name=await uploads.store(image),
            content_type=image.content_type,
            size=len(image.data),
            uploaded_by="demo",
            uploaded_at=datetime.now(UTC),
        )
    )


async def _event(
    app_id: int,
    case_id: int | None,
    source: str,
    action: str,
    target: str,
    at: datetime,
    *,
    kind: str = "reviewer",
    label: str = "reviewer1 初審 王小明",
    comment: str = "",
) -> None:
    await ReviewEvent.insert(
        ReviewEvent(
            application=app_id,
            case=case_id,
            from_status=source,
            action=action,
            to_status=target,
            actor_kind=kind,
            actor_label=label,
            comment=comment,
            created_at=at,
        )
    )


async def load() -> None:
    account = await Account.select().where(Account.login_id == LOGIN_ID).first()
    if account is None:
        return
    today = date.today()
    clerk = f"{LOGIN_ID} {account['name']}"
    for seq, name, statuses, fate in GROUPS:
        gno = numbering.group_no(today, "102", seq)
        if await Application.exists().where(Application.group_no == gno):
            continue
        submitted = datetime.now(UTC) - timedelta(days=4 if fate != "permits" else PERMITS[seq][1] + 10)
        group_status = S.FIRST_REVIEW  # the returns and withdrawals below move it, as the actions do
        app_row = Application(
            group_no=gno,
            business_line="foreign",
            kind="first",
            name=name,
            member_count=len(statuses),
            pickup_method="self",
            station_code="S01",
            school=account["school"],
            created_by=account["id"],
            submitter_name=account["name"],
            submitter_national_id=account["national_id"] or "A123456789",
            submitter_phone=account["phone"] or "0233669999",
            submitter_email=account["email"],
            submitter_addr={
                "county": "臺北市",
                "district": "大安區",
                "street": "羅斯福路四段",
                "number": "1號",
            },
            status=group_status,
            terms_accepted_at=submitted,
            submitted_at=submitted,
            created_at=submitted,
            updated_at=submitted,
        )
        await app_row.save()
        await _file(app_row.id, None, "power_of_attorney", name, seq)
        case_ids = []
        for j in range(len(statuses)):
            zh, en, passport, born, gender, nat = PEOPLE[(seq + j) % len(PEOPLE)]
            permit = PERMITS[seq][0][j] if fate == "permits" else None
            case = Case(
                application=app_row.id,
                receipt_no=numbering.receipt_no(today, 93000 + (seq - 9300) * 10 + j + 1),
                identity="foreign",
                status=S.FIRST_REVIEW,  # the reviews, withdrawals and the payment follow, by the actions
                enrollment_status="A" if permit else "R",
                name_zh=zh,
                no_chinese_name=not zh,
                name_en=en,
                passport_no=f"{passport[:-1]}{seq % 10}",
                birth_date=born,
                passport_expiry=date(today.year + 5, 1, 31),
                visa_issue_date=today - timedelta(days=120),
                gender=gender,
                marital_status="single",
                education="senior_high",
                department="資訊工程學系",
                program="bachelor",
                grade="1",
                birthplace=nat,
                nationality=nat,
                phone="0912345678",
                email=f"{en.split()[0].lower()}@student.example.com",
                ui_no=permit or "",
                address={"county": "臺北市", "district": "大安區", "street": "羅斯福路四段", "number": "1號"},
                complete=True,
                submitted_at=submitted,
                created_at=submitted,
                updated_at=submitted,
            )
            await case.save()
            case_ids.append(case.id)
            await _event(
                app_row.id, case.id, S.DRAFT, "submit", S.FIRST_REVIEW, submitted, kind="school", label=clerk
            )
            for k, kind in enumerate(("photo", "passport", "visa", "accommodation")):
                await _file(app_row.id, case.id, kind, en, seq + j + k)
        one_day_ago = datetime.now(UTC) - timedelta(days=1)
        for case_id, status in zip(case_ids, statuses, strict=True):
            if status == S.SUPPLEMENT_FIRST and fate == "case_return":
                await flow.decide(case_id, "return_for_supplement", RETURN_COMMENT, at=one_day_ago)
            elif status == S.SECOND_REVIEW:
                await flow.decide(case_id, "pass_first_review", at=submitted + timedelta(days=2))
            elif status == S.WITHDRAWN:
                await withdraw.withdraw_case(await flow.school_actor(LOGIN_ID), case_id)
                await flow.date_events([case_id], "withdraw", one_day_ago)
        at = datetime.now(UTC) - timedelta(hours=20)
        if fate == "permits":
            paid_at = datetime.now(UTC) - timedelta(days=PERMITS[seq][1])
            await flow.approve_for_payment(case_ids, at=paid_at - timedelta(days=3))
            await flow.pay(LOGIN_ID, [app_row.id], paid_at=paid_at)
            await flow.date_payment_events(case_ids, paid_at)
        elif fate == "group_return":
            version = (
                await Application.select(Application.version).where(Application.id == app_row.id).first()
            )["version"]
            await review.return_group_for_supplement(
                await flow.reviewer(flow.FIRST), app_row.id, version, GROUP_COMMENT
            )
            await flow.date_events(case_ids, "return_group_for_supplement", at, application_id=app_row.id)
        elif fate == "group_withdrawn":
            await withdraw.withdraw_group(await flow.school_actor(LOGIN_ID), app_row.id)
            await flow.date_events(case_ids, "withdraw_group", at, application_id=app_row.id)

"""Demo data after submission (issue 6): returned cases and a returned group with the reviewers' comments,
withdrawn cases and a withdrawn group, open cases to withdraw, and issued six-month e-certificates to
renew (one expired, to show the refusal). Idempotent: a group that exists is left alone.

Every case is complete, with its photo and documents, so a supplement can be sent back as it is.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from app.domain import numbering
from app.domain.workflow import Status as S
from app.services import uploads
from tables.tables import Account, Application, Attachment, Case, Payment, Permit, ReviewEvent

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
    (9306, "2026 春季新生（電子居留證）", [S.ISSUED, S.ISSUED, S.ISSUED], "permits"),
]
# The e-certificates of 9306: (UI no., days since issue); 200 days: expired.
PERMITS = [("A810000008", 40), ("A810000017", 60), ("A810000026", 200)]


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
        submitted = datetime.now(UTC) - timedelta(days=4 if fate != "permits" else 70)
        group_status = (
            S.SUPPLEMENT_FIRST
            if fate == "group_return"
            else (S.GROUP_WITHDRAWN if fate == "group_withdrawn" else S.FIRST_REVIEW)
        )
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
        for j, status in enumerate(statuses):
            zh, en, passport, born, gender, nat = PEOPLE[(seq + j) % len(PEOPLE)]
            permit = PERMITS[j] if fate == "permits" else None
            case = Case(
                application=app_row.id,
                receipt_no=numbering.receipt_no(today, 93000 + (seq - 9300) * 10 + j + 1),
                identity="foreign",
                status=status,
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
                ui_no=permit[0] if permit else "",
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
            if status == S.SUPPLEMENT_FIRST and fate == "case_return":
                await _event(
                    app_row.id,
                    case.id,
                    S.FIRST_REVIEW,
                    "return_for_supplement",
                    status,
                    one_day_ago,
                    comment=RETURN_COMMENT,
                )
            elif status == S.SECOND_REVIEW:
                await _event(
                    app_row.id,
                    case.id,
                    S.FIRST_REVIEW,
                    "pass_first_review",
                    status,
                    submitted + timedelta(days=2),
                )
            elif status == S.WITHDRAWN:
                await _event(
                    app_row.id,
                    case.id,
                    S.FIRST_REVIEW,
                    "withdraw",
                    status,
                    one_day_ago,
                    kind="school",
                    label=clerk,
                )
            elif status == S.ISSUED and permit:
                await _issued(app_row.id, case.id, account["school"], case.receipt_no, permit, submitted)
        at = datetime.now(UTC) - timedelta(hours=20)
        if fate == "group_return":
            await _event(
                app_row.id,
                None,
                S.FIRST_REVIEW,
                "return_group_for_supplement",
                S.SUPPLEMENT_FIRST,
                at,
                comment=GROUP_COMMENT,
            )
            for cid in case_ids:
                await _event(
                    app_row.id,
                    cid,
                    S.FIRST_REVIEW,
                    "return_group_for_supplement",
                    S.SUPPLEMENT_FIRST,
                    at,
                    comment=GROUP_COMMENT,
                )
        elif fate == "group_withdrawn":
            await _event(
                app_row.id,
                None,
                S.FIRST_REVIEW,
                "withdraw_group",
                S.GROUP_WITHDRAWN,
                at,
                kind="school",
                label=clerk,
            )
            for cid in case_ids:
                await _event(
                    app_row.id,
                    cid,
                    S.FIRST_REVIEW,
                    "withdraw_group",
                    S.GROUP_WITHDRAWN,
                    at,
                    kind="school",
                    label=clerk,
                )


async def _issued(
    app_id: int, case_id: int, school_id: int, receipt_no: str, permit: tuple[str, int], submitted: datetime
) -> None:
    """The history of a paid case with its six-month e-certificate (a Permit row, as payment issues it)."""
    ui_no, days = permit
    issued_on = date.today() - timedelta(days=days)
    from app.domain.issuance import permit_validity

    _issued_on, expires_on = permit_validity(issued_on)
    paid_at = datetime.combine(issued_on, datetime.min.time(), tzinfo=UTC)
    for source, action, target, at in (
        (S.FIRST_REVIEW, "pass_first_review", S.SECOND_REVIEW, submitted + timedelta(days=1)),
        (S.SECOND_REVIEW, "approve", S.AWAITING_PAYMENT, submitted + timedelta(days=2)),
        (S.AWAITING_PAYMENT, "record_payment", S.PAID, paid_at),
        (S.PAID, "issue_e_certificate", S.ISSUED, paid_at),
    ):
        system = action in ("record_payment", "issue_e_certificate")
        await _event(
            app_id,
            case_id,
            source,
            action,
            target,
            at,
            kind="system" if system else "reviewer",
            label="線上繳費" if system else "reviewer2 複審 李美華",
        )
    order = f"DEMO{receipt_no}"
    if not await Payment.exists().where(Payment.order_no == order):
        p = Payment(
            order_no=order,
            school=school_id,
            amount=1000,
            status="paid",
            created_at=paid_at,
            expires_at=paid_at,
            paid_at=paid_at,
        )
        await p.save()
        await Permit.insert(
            Permit(
                permit_no=f"E{receipt_no}",
                case=case_id,
                application=app_id,
                payment=p.id,
                issued_on=issued_on,
                expires_on=expires_on,
                content={"ui_no": ui_no, "receipt_no": receipt_no},
                created_at=paid_at,
            )
        )

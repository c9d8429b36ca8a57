"""Demo data of online payment (issue 7): groups awaiting payment with admitted students, paid groups with
their receipts and six-month e-certificates, and a collected IC card. Idempotent.

Payments go through the real code: `start_payment` makes the order, `apply_result` applies what the
gateway would have notified, and the desk's `collect_card` hands out the card.
"""

from __future__ import annotations

import io
import secrets
from datetime import UTC, date, datetime, timedelta

from app.actions import payment as payment_actions
from app.actions import review
from app.domain import numbering
from app.domain.actor import Actor
from app.domain.workflow import Status
from app.services import payment as gateway
from tables.tables import Account, Application, Case, Payment, Receipt, ReviewEvent, School

LOGIN_ID = "03734301"

# (group seq, name, members as (name_zh, name_en, passport, birth, gender, nationality, enrollment), what happens)
GROUPS = [
    (
        9201,
        "2026 春季錄取新生",
        [
            ("佐藤健", "SATO KEN", "TK8812345", date(2005, 4, 2), "M", "JP", "A"),
            ("", "MARIA GARCIA", "PA1234567", date(2004, 12, 19), "F", "ES", "A"),
        ],
        "awaiting",
    ),
    (
        9202,
        "2026 夏季新生（已繳費）",
        [
            ("山田花子", "YAMADA HANAKO", "TZ1234567", date(2004, 3, 9), "F", "JP", "A"),
            ("阮文安", "NGUYEN VAN AN", "C7654321", date(2003, 7, 21), "M", "VN", "R"),
            ("金智妍", "KIM JI YEON", "M12345678", date(2004, 8, 30), "F", "KR", "A"),
        ],
        "paid",
    ),
    (
        9203,
        "2026 在學生換證（已領證）",
        [
            ("", "JOHN SMITH", "X77821345", date(2001, 11, 23), "M", "US", "R"),
        ],
        "collected",
    ),
]


def _portrait(seed: int) -> bytes:
    """A plain drawn portrait placeholder for the demo (no real person)."""
    from PIL import Image, ImageDraw

    palette = [
        ((214, 226, 236), (92, 110, 130)),
        ((236, 226, 214), (130, 104, 86)),
        ((222, 236, 222), (84, 120, 96)),
    ]
    bg, fg = palette[seed % len(palette)]
    im = Image.new("RGB", (300, 400), bg)
    d = ImageDraw.Draw(im)
    d.ellipse((95, 70, 205, 190), fill=fg)
    d.ellipse((40, 210, 260, 470), fill=fg)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


async def _photo(app_id: int, case_id: int, seed: int) -> None:
    try:
        from tables.tables import Attachment
    except ImportError:
        return
    from app.services import uploads

    image = uploads.check_image(_portrait(seed), "photo.jpg")
    name = await uploads.store(image)
    data = image.data
    await Attachment.insert(
        Attachment(
            application=app_id,
            case=case_id,
            kind="photo",
            original_name="photo.jpg",
            stored_name=name,
            content_type="image/jpeg",
            size=len(data),
            uploaded_by=LOGIN_ID,
            uploaded_at=datetime.now(UTC),
        )
    )


async def _desk_actor() -> Actor:
    """The demo supervisor (app.demo_review runs first) acting at the review desk."""
    from piccolo.apps.user.tables import BaseUser

    user = await BaseUser.select(BaseUser.id).where(BaseUser.username == "supervisor").first()
    actor = await review.reviewer_actor(user["id"]) if user else None
    if actor is None:
        raise RuntimeError("the demo reviewers must be loaded before the demo payments")
    return actor


async def load() -> None:
    account = await Account.select().where(Account.login_id == LOGIN_ID).first()
    if account is None:
        return
    school = await School.select(School.name).where(School.id == account["school"]).first()
    actor = Actor(
        kind="school",
        account_id=account["id"],
        login_id=LOGIN_ID,
        name=account["name"],
        school_id=account["school"],
        school_name=school["name"] if school else "",
        is_main=True,
    )
    today = date.today()
    for seq, name, members, fate in GROUPS:
        gno = numbering.group_no(today, "102", seq)
        if await Application.exists().where(Application.group_no == gno):
            continue
        submitted = datetime.now(UTC) - timedelta(days=12)
        app_row = Application(
            group_no=gno,
            business_line="foreign",
            kind="first" if fate != "collected" else "renewal",
            name=name,
            member_count=len(members),
            pickup_method="self",
            station_code="S01",
            school=account["school"],
            created_by=account["id"],
            submitter_name=account["name"],
            submitter_national_id=account["national_id"],
            submitter_phone=account["phone"],
            submitter_email=account["email"],
            status=Status.FIRST_REVIEW,
            terms_accepted_at=submitted,
            submitted_at=submitted,
            created_at=submitted,
            updated_at=submitted,
        )
        await app_row.save()
        for j, (zh, en, passport, born, gender, nat, enrol) in enumerate(members):
            case = Case(
                application=app_row.id,
                receipt_no=numbering.receipt_no(today, 92000 + (seq - 9200) * 10 + j + 1),
                identity="foreign",
                status=Status.AWAITING_PAYMENT,
                enrollment_status=enrol,
                name_zh=zh,
                name_en=en,
                no_chinese_name=not zh,
                passport_no=passport,
                birth_date=born,
                gender=gender,
                nationality=nat,
                complete=True,
                submitted_at=submitted,
                created_at=submitted,
                updated_at=submitted,
                address={"county": "臺北市", "district": "大安區", "street": "羅斯福路四段", "number": "1號"},
                ui_no="A800000014" if fate == "collected" else "",
            )
            await case.save()
            await ReviewEvent.insert(
                ReviewEvent(
                    application=app_row.id,
                    case=case.id,
                    from_status=Status.SECOND_REVIEW,
                    action="approve",
                    to_status=Status.AWAITING_PAYMENT,
                    actor_kind="reviewer",
                    actor_label="reviewer2",
                    created_at=submitted + timedelta(days=5),
                )
            )
            await _photo(app_row.id, case.id, seq + j)
        if fate == "awaiting":
            continue
        started = await payment_actions.start_payment(actor, [app_row.id], "card", ip="demo")
        payment = await Payment.select().where(Payment.order_no == started.order_no).first()
        await payment_actions.apply_result(
            gateway.GatewayResult(
                order_no=started.order_no,
                outcome=gateway.PAID,
                amount=payment["amount"],
                currency="TWD",
                txn_id="SBXDEMO" + secrets.token_hex(5).upper(),
                paid_at=datetime.now(UTC) - timedelta(days=2),
                message="demo",
            ),
            source="demo",
            ip="demo",
        )
        if fate == "collected":
            # The review desk's own decisions: 製證完成, then 已領證 with the receipt's number and payer.
            desk = await _desk_actor()
            receipt = (
                await Receipt.select(Receipt.receipt_no).where(Receipt.application == app_row.id).first()
            )
            for c in await Case.select(Case.id).where(Case.application == app_row.id):
                row = await Case.select(Case.version, Case.name_en).where(Case.id == c["id"]).first()
                await review.card_made(desk, c["id"], row["version"])
                row = await Case.select(Case.version, Case.name_en).where(Case.id == c["id"]).first()
                await review.card_collected(
                    desk, c["id"], row["version"], receipt["receipt_no"], payer_name=row["name_en"]
                )

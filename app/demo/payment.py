"""Demo data of online payment (issue 7): groups awaiting payment with admitted students, paid groups with
their receipts and six-month e-certificates, and a collected IC card. Idempotent.

Everything goes through the real code (`app.demo.flow`): both reviews by the demo reviewers, `start_payment`
makes the order, `apply_result` applies what the gateway would have notified, and the desk's
`card_made` / `card_collected` hand out the card.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from app.actions import review
from app.demo import flow
from app.domain import numbering
from app.domain.workflow import Status
from app.services import uploads
from tables.tables import Account, Application, Case, Receipt, ReviewEvent

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
    from tables.tables import Attachment

    image = uploads.check_image(_portrait(seed), "photo.jpg")  # stored as every upload is
    await Attachment.insert(
        Attachment(
            application=app_id,
            case=case_id,
            kind="photo",
            original_name="photo.jpg",
            stored_name=await uploads.store(image),
            content_type=image.content_type,
            size=len(image.data),
            uploaded_by=LOGIN_ID,
            uploaded_at=datetime.now(UTC),
        )
    )


async def load() -> None:
    account = await Account.select().where(Account.login_id == LOGIN_ID).first()
    if account is None:
        return
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
        case_ids: list[int] = []
        for j, (zh, en, passport, born, gender, nat, enrol) in enumerate(members):
            case = Case(
                application=app_row.id,
                receipt_no=numbering.receipt_no(today, 92000 + (seq - 9200) * 10 + j + 1),
                identity="foreign",
                status=Status.FIRST_REVIEW,  # both reviews follow, by the demo reviewers
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
                    from_status=Status.DRAFT,
                    action="submit",
                    to_status=Status.FIRST_REVIEW,
                    actor_kind="school",
                    actor_label=f"{LOGIN_ID} {account['name']}",
                    created_at=submitted,
                )
            )
            case_ids.append(case.id)
            await _photo(app_row.id, case.id, seq + j)
        await flow.approve_for_payment(case_ids, at=submitted + timedelta(days=5))
        if fate == "awaiting":
            continue
        paid_at = datetime.now(UTC) - timedelta(days=2)
        await flow.pay(LOGIN_ID, [app_row.id], paid_at=paid_at)
        await flow.date_payment_events(case_ids, paid_at)
        if fate == "collected":
            # The review desk's own decisions: 製證完成, then 已領證 with the receipt's number and the passport.
            desk = await flow.reviewer(flow.DESK)
            receipt = (
                await Receipt.select(Receipt.receipt_no).where(Receipt.application == app_row.id).first()
            )
            for c in await Case.select(Case.id).where(Case.application == app_row.id):
                row = await Case.select(Case.version, Case.passport_no).where(Case.id == c["id"]).first()
                await review.card_made(desk, c["id"], row["version"])
                row = await Case.select(Case.version, Case.passport_no).where(Case.id == c["id"]).first()
                await review.card_collected(
                    desk, c["id"], row["version"], receipt["receipt_no"], passport_no=row["passport_no"]
                )

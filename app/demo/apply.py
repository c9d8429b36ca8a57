"""Demo group applications (首次申請) for `make run`: drafts at every stage and submitted groups, with
small real images (drawn by Pillow) as photos and documents, made through the real actions so the
numbers come from the counters. Idempotent: a group whose name exists for that school is skipped."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image, ImageDraw

from app.actions import apply as actions
from app.domain.actor import Actor
from app.services import uploads
from tables.tables import Account, Application, Attachment, Case, School

COLORS = {
    "photo": (222, 232, 246),
    "passport": (120, 24, 40),
    "visa": (236, 226, 198),
    "accommodation": (250, 250, 246),
    "placement_notice": (238, 246, 236),
    "scholarship": (246, 240, 226),
    "power_of_attorney": (252, 252, 250),
    "other": (240, 240, 240),
    "group_other": (240, 240, 240),
}
TITLES = {
    "passport": "PASSPORT",
    "visa": "RESIDENT VISA",
    "accommodation": "LEASE CONTRACT",
    "placement_notice": "PLACEMENT NOTICE",
    "scholarship": "SCHOLARSHIP",
    "power_of_attorney": "POWER OF ATTORNEY",
    "other": "CERTIFICATE",
    "group_other": "CERTIFICATE",
}


def demo_image(kind: str, name: str) -> bytes:
    """A small JPEG that looks like the document it stands for."""
    if kind == "photo":
        im = Image.new("RGB", (240, 320), COLORS["photo"])
        d = ImageDraw.Draw(im)
        d.ellipse((70, 50, 170, 160), fill=(236, 200, 170))
        d.rounded_rectangle((40, 170, 200, 330), radius=50, fill=(40, 70, 120))
        d.text((8, 300), name[:28], fill=(255, 255, 255))
    else:
        im = Image.new("RGB", (600, 420), COLORS.get(kind, (245, 245, 245)))
        d = ImageDraw.Draw(im)
        ink = (250, 230, 160) if kind == "passport" else (30, 40, 60)
        d.rectangle((12, 12, 587, 407), outline=ink, width=3)
        d.text((32, 30), TITLES.get(kind, kind.upper()), fill=ink)
        d.text((32, 70), f"NAME: {name}", fill=ink)
        for i in range(8):
            d.line((32, 120 + i * 30, 560 - (i % 3) * 60, 120 + i * 30), fill=ink, width=2)
        d.text((32, 380), "DEMO - NOT A REAL DOCUMENT", fill=ink)
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=80)
    return out.getvalue()


def upload(kind: str, name: str) -> actions.Upload:
    return actions.Upload(kind=kind, filename=f"{kind}.jpg", data=demo_image(kind, name))


def applicant(
    name_en: str,
    name_zh: str,
    born: date,
    gender: str,
    nationality: str,
    passport: str,
    program: str = "bachelor",
    enrollment: str = "R",
) -> dict[str, str]:
    today = date.today()
    return {
        "enrollment_status": enrollment,
        "name_zh": name_zh,
        "no_chinese_name": "" if name_zh else "1",
        "name_en": name_en,
        "birth_date": born.strftime("%Y/%m/%d"),
        "passport_no": passport,
        "passport_expiry": (today + timedelta(days=3 * 365)).strftime("%Y/%m/%d"),
        "visa_issue_date": (today - timedelta(days=40)).strftime("%Y/%m/%d"),
        "gender": gender,
        "marital_status": "single",
        "education": "senior_high" if program == "bachelor" else "bachelor",
        "education_school": "",
        "department": "資訊管理學系",
        "program": program,
        "grade": "1",
        "birthplace": nationality,
        "nationality": nationality,
        "addr_county": "臺北市",
        "addr_district": "大安區",
        "addr_street": "羅斯福路四段",
        "addr_number": "1號",
        "phone": "0912345678",
        "email": "",
    }


STUDENTS = [
    ("overseas", applicant("STUDENT ONE", "外生一", date(1999, 5, 1), "F", "MY", "A12345671")),
    ("foreign", applicant("STUDENT TWO", "", date(2000, 5, 2), "F", "JP", "TZ1234567")),
    ("foreign", applicant("STUDENT THREE", "", date(2001, 5, 3), "M", "VN", "C7654321", program="master")),
    ("foreign", applicant("ANNA SCHMIDT", "", date(2002, 1, 9), "F", "DE", "C01X00T47")),
    (
        "overseas",
        applicant("TAN WEI LING", "陳慧玲", date(2003, 3, 30), "F", "SG", "K1234567", enrollment="A"),
    ),
]

SUBMITTER = {
    "submitter_name": "測試人",
    "submitter_national_id": "A123456789",
    "submitter_phone": "02-23456789",
    "submitter_email": "03734301@demo.example.edu.tw",
    "addr_county": "臺北市",
    "addr_district": "中正區",
    "addr_street": "羅斯福路四段",
    "addr_number": "1號",
}


async def _actor(login_id: str) -> Actor | None:
    acc = (
        await Account.select(Account.id, Account.name, Account.is_main, Account.school)
        .where(Account.login_id == login_id)
        .first()
    )
    if acc is None:
        return None
    school = await School.select(School.name).where(School.id == acc["school"]).first()
    return Actor(
        kind="school",
        account_id=acc["id"],
        login_id=login_id,
        name=acc["name"],
        school_id=acc["school"],
        school_name=school["name"] if school else "",
        is_main=acc["is_main"],
    )


async def _group(
    actor: Actor,
    name: str,
    students: list[tuple[str, dict[str, str]]],
    *,
    members: int | None = None,
    complete: int | None = None,
    submit: bool = False,
) -> None:
    if await Application.exists().where((Application.school == actor.school_id) & (Application.name == name)):
        return
    app_id = await actions.create_draft(actor, terms_accepted=True)
    await actions.save_submitter(
        actor, app_id, SUBMITTER | {"submitter_email": f"{actor.login_id}@demo.example.edu.tw"}
    )
    await actions.save_details(
        actor,
        app_id,
        {
            "name": name,
            "member_count": str(members or len(students)),
            "pickup_method": "self",
            "station_code": "S01",
        },
        [upload("power_of_attorney", actor.school_name)],
    )
    done = len(students) if complete is None else complete
    for i, (identity, form) in enumerate(students):
        case_id = await actions.add_applicant(actor, app_id, identity)
        if i < done:
            kinds = ["photo", "passport", "visa", "accommodation"] + (
                ["placement_notice"] if identity == "overseas" else []
            )
            await actions.save_applicant(
                actor, app_id, case_id, form, [upload(k, form["name_en"]) for k in kinds]
            )
        else:
            # Half filled in, no documents yet: shows 未完成 and what is missing.
            partial = {k: form[k] for k in ("name_en", "birth_date", "gender", "nationality")}
            await actions.save_applicant(actor, app_id, case_id, partial, [upload("photo", form["name_en"])])
    if submit:
        await actions.submit_application(actor, app_id, "zh_Hant_TW")  # the demo sends no mail


async def _documents_for_older_demo_groups() -> None:
    """The dashboard's older demo groups (app.demo.schools) get a power of attorney and each case a photo and passport."""
    apps = await Application.select(Application.id, Application.name).where(
        Application.group_no.is_not_null()
    )
    for a in apps:
        if await Attachment.exists().where(Attachment.application == a["id"]):
            continue
        for kind, case_id, who in [("power_of_attorney", None, a["name"])] + [
            (k, c["id"], c["name_en"])
            for c in await Case.select(Case.id, Case.name_en).where(Case.application == a["id"])
            for k in ("photo", "passport", "visa", "accommodation")
        ]:
            image = uploads.check_image(demo_image(kind, who or "STUDENT"), f"{kind}.jpg")
            await Attachment.insert(
                Attachment(
                    application=a["id"],
                    case=case_id,
                    kind=kind,
                    original_name=image.original_name,
                    stored_name=await uploads.store(image),
                    content_type=image.content_type,
                    size=len(image.data),
                    uploaded_by="demo",
                    uploaded_at=actions.now(),
                )
            )


async def load() -> None:
    main = await _actor("03734301")
    sub = await _actor("03734301-01")
    other = await _actor("03734302")
    await _documents_for_older_demo_groups()
    if main is not None:
        await _group(main, "2026外生申請第二批次", STUDENTS[:3], submit=True)
        await _group(main, "2026外生申請第三批次", STUDENTS[:2], members=3, complete=1)
        await _group(main, "2026 春季交換生（待送出）", STUDENTS[3:5])
    if sub is not None:
        await _group(sub, "子帳號暫存申請", STUDENTS[1:2], complete=0)
    if other is not None:
        await _group(other, "政大 2026 外生", STUDENTS[2:4], submit=True)

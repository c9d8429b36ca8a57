"""The demo's people and their papers: applicant forms as the school's wizard posts them, and small drawn
images (Pillow) standing in for photos and documents. Nothing here writes; `app.demo.flow` files them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from PIL import Image, ImageDraw

from app.actions.cases import Upload

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


@lru_cache(maxsize=512)
def demo_image(kind: str, name: str) -> bytes:
    """A small JPEG that looks like the document it stands for (no real person, no real document); the same
    person's papers are drawn once, however many groups they are filed in."""
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


def upload(kind: str, name: str) -> Upload:
    """A file as the wizard's upload field hands it to the actions."""
    return Upload(kind=kind, filename=f"{kind}.jpg", data=demo_image(kind, name))


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
    """The 申請人資料 form of the foreign-students line as the school's wizard posts it."""
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


@dataclass(frozen=True)
class Person:
    """One demo applicant: who, and what the school files for them."""

    name_en: str
    name_zh: str
    born: date
    gender: str
    nationality: str
    passport: str
    enrollment: str = "R"  # R 已註冊 (IC card after payment), A 已錄取未註冊 (six-month e-certificate)
    identity: str = "foreign"  # or "overseas" (僑生: the placement notice too)
    program: str = "bachelor"

    def form(self) -> dict[str, str]:
        return applicant(
            self.name_en,
            self.name_zh,
            self.born,
            self.gender,
            self.nationality,
            self.passport,
            program=self.program,
            enrollment=self.enrollment,
        )

    def files(self) -> list[Upload]:
        kinds = ["photo", "passport", "visa", "accommodation"]
        if self.identity == "overseas":
            kinds.append("placement_notice")
        return [upload(k, self.name_en) for k in kinds]

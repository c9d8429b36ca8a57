"""Demo groups of the 陸生 and 港澳生 lines (issue 14), at one school of their own, 國立成功大學 (demo), filed and
moved by the same actions as every group (`app.demo.flow`). Idempotent (a group of that name is skipped).

- 陸生(含親屬)就學入臺單次證: a group in review (a student with a relative linked to them by the student's identity
  card no., a case returned for supplement, one in second review, one not accepted, one rejected, one withdrawn),
  one awaiting payment, a paid one (paid when the build takes the line's payment online: issue 14's payment), a
  draft;
- 陸生多次證: from the paid group's single-entry permits, when the payment issues them (one in review, one paid);
  one single-entry permit is left ready to convert;
- 港澳生居留證: a group in review, one awaiting payment, a paid one (card in production, ready, collected),
  a group withdrawn, a draft;
- 港澳生延期: the students' resident certificates as the school's roster lists them (統一證號): one in review, one
  awaiting payment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from stdnum.iso7064 import mod_11_2

from app.demo import backdate, flow
from app.domain.validators import hkid_check_digit

LOGIN_ID = "03734323"
ADDRESS = {
    "addr_county": "臺南市",
    "addr_district": "東區",
    "addr_street": "大學路",
    "addr_number": "1號",
}


def prc_id(born: date, seq: int) -> str:
    body = f"110105{born:%Y%m%d}{seq:03d}"
    return body + mod_11_2.calc_check_digit(body)


def hk_id(digits: str) -> str:
    return f"A{digits}({hkid_check_digit('A', digits)})"


def _day(d: date) -> str:
    return d.strftime("%Y/%m/%d")


def _mainland_person(name_zh: str, name_en: str, gender: str, born: date, seq: int) -> dict[str, str]:
    """What a mainland student and a relative both give: names, birth, the resident ID and travel permit."""
    return {
        "name_zh": name_zh,
        "name_en": name_en,
        "gender": gender,
        "birth_date": _day(born),
        "prc_id": prc_id(born, seq),
        "passport_no": f"L{born:%Y%m}{seq:02d}",
    }


def mainland_student(
    name_zh: str, name_en: str, gender: str, born: date, seq: int, status: str = "new"
) -> tuple[dict[str, str], dict[str, str]]:
    return {"identity": "cn"}, {
        **_mainland_person(name_zh, name_en, gender, born, seq),
        "student_status": status,
        "department": "資訊工程學系",
        "program": "master",
        "phone": "0912345678",
        "email": f"{name_en.split()[0].lower()}@student.example.org",
    }


def mainland_relative(
    name_zh: str, name_en: str, gender: str, born: date, seq: int, student: dict[str, str], relation: str
) -> tuple[dict[str, str], dict[str, str]]:
    return {"identity": "cn_rel"}, {
        **_mainland_person(name_zh, name_en, gender, born, seq),
        "relation": relation,
        "student_prc_id": student["prc_id"],
    }


def hkmo_student(
    identity: str, name_zh: str, name_en: str, gender: str, born: date, card: str, entered: date
) -> tuple[dict[str, str], dict[str, str]]:
    return {"identity": identity}, {
        "name_zh": name_zh,
        "name_en": name_en,
        "gender": gender,
        "birth_date": _day(born),
        "hkmo_id": card,
        "passport_no": f"K{born:%y%m%d}{len(name_en) % 10}",
        "entry_permit_no": f"H{born:%y%m%d}{len(name_zh)}",
        "entry_date": _day(entered),
        "department": "電機工程學系",
        "program": "bachelor",
        "phone": "0912345678",
        "email": f"{name_en.split()[0].lower()}@student.example.org",
        **ADDRESS,
    }


WANG = mainland_student("王小明", "WANG XIAOMING", "M", date(2000, 5, 4), 11)
LI = mainland_relative("李小華", "LI XIAOHUA", "F", date(2000, 3, 7), 22, WANG[1], "spouse")


async def _mainland_single(actor, now: datetime) -> None:
    name = "2026 陸生單次證（審核中）"
    if not await flow.existing(actor, name):
        people = [
            WANG,
            LI,  # the relative: linked to 王小明 by his identity card no.
            mainland_student("張偉", "ZHANG WEI", "M", date(2001, 8, 12), 31),
            mainland_student("劉洋", "LIU YANG", "F", date(1999, 1, 20), 42, status="returning"),
            mainland_student("陳靜", "CHEN JING", "F", date(2002, 6, 6), 53),
            mainland_student("楊帆", "YANG FAN", "M", date(1998, 11, 30), 64),
            mainland_student("趙磊", "ZHAO LEI", "M", date(2001, 2, 14), 75),
        ]
        filed = await flow.file_offering_group(actor, "mainland_single", "first", name, people)
        # younger than the foreign line's overdue demo group, which stays first in the review queue
        await backdate.backdate_submission(filed.application_id, now - timedelta(days=4))
        _wang, _li, returned, second, refused, rejected, withdrawn = filed.case_ids
        at = now - timedelta(days=2)
        await flow.decide(
            returned, "return_for_supplement", "大陸地區人民入出臺灣申請書未簽名，請補正。", at=at
        )
        await flow.decide(second, "pass_first_review", at=at)
        await flow.decide(refused, "not_accept", "非學位生，請改由專業交流系統申請。", at=at)
        await flow.decide(rejected, "pass_first_review", at=at)
        await flow.decide(rejected, "reject", "錄取通知書與申請學制不符。", at=now - timedelta(days=1))
        await flow.withdraw_cases(actor, [withdrawn], at=now - timedelta(days=1))
    name = "2026 陸生單次證（待繳費）"
    if not await flow.existing(actor, name):
        people = [mainland_student("孫麗", "SUN LI", "F", date(2002, 9, 9), 86)]
        filed = await flow.file_offering_group(actor, "mainland_single", "first", name, people)
        await backdate.backdate_submission(filed.application_id, now - timedelta(days=8))
        await flow.approve_for_payment(filed.case_ids, at=now - timedelta(days=3))
    name = "2026 陸生單次證（已繳費）"
    if not await flow.existing(actor, name):
        people = [
            mainland_student("周杰", "ZHOU JIE", "M", date(2000, 12, 1), 17),
            mainland_student("吳芳", "WU FANG", "F", date(2001, 4, 18), 28),
            mainland_student("鄭凱", "ZHENG KAI", "M", date(1999, 7, 7), 39),
        ]
        filed = await flow.file_offering_group(actor, "mainland_single", "first", name, people)
        await backdate.backdate_submission(filed.application_id, now - timedelta(days=30))
        await flow.approve_for_payment(filed.case_ids, at=now - timedelta(days=25))
        await flow.pay(actor, [filed.application_id], paid_at=now - timedelta(days=20), if_payable=True)
    name = "2026 陸生單次證（未送出）"
    if not await flow.existing(actor, name):
        people = [mainland_student("黃磊", "HUANG LEI", "M", date(2003, 3, 3), 91)]
        await flow.file_offering_group(actor, "mainland_single", "first", name, people, submit=False)


async def _mainland_multiple(actor, now: datetime) -> None:
    """多次證 from the single-entry permits the payment issued (none: nothing to convert, nothing filed)."""
    from tables.tables import Permit

    permits = (
        await Permit.select(Permit.permit_no, Permit.case.name_en)
        .where(
            (Permit.application.school == actor.school_id)
            & (Permit.application.business_line == "mainland_single")
        )
        .order_by(Permit.id)
    )
    by_name = {p["case.name_en"]: p["permit_no"] for p in permits}
    entered = _day((now - timedelta(days=10)).date())
    for name, who, fate in (
        ("2026 陸生多次證（審核中）", "ZHOU JIE", "review"),
        ("2026 陸生多次證（已繳費）", "WU FANG", "paid"),
    ):  # ZHENG KAI's single-entry permit is left ready to convert
        if who not in by_name or await flow.existing(actor, name):
            continue
        filed = await flow.file_offering_group(
            actor,
            "mainland_multiple",
            "first",
            name,
            [({"permit_no": by_name[who], "entry_date": entered}, {"student_status": "new"})],
        )
        await backdate.backdate_submission(
            filed.application_id, now - timedelta(days=8 if fate == "paid" else 3)
        )
        if fate == "paid":
            await flow.approve_for_payment(filed.case_ids, at=now - timedelta(days=5))
            await flow.pay(actor, [filed.application_id], paid_at=now - timedelta(days=4), if_payable=True)


async def _hkmo(actor, now: datetime) -> None:
    entered = (now - timedelta(days=20)).date()
    groups = [
        (
            "2026 港澳生居留證（審核中）",
            [
                hkmo_student("hk", "陳大文", "CHAN TAI MAN", "M", date(2005, 1, 2), hk_id("234561"), entered),
                hkmo_student("mo", "何家明", "HO KA MENG", "M", date(2004, 4, 4), "1234567(8)", entered),
                hkmo_student("hk", "李嘉欣", "LEE KA YAN", "F", date(2005, 6, 9), hk_id("345672"), entered),
                hkmo_student(
                    "mo", "梁詠琪", "LEONG WENG KEI", "F", date(2004, 12, 24), "5234567(1)", entered
                ),
            ],
            "review",
        ),
        (
            "2026 港澳生居留證（待繳費）",
            [
                hkmo_student(
                    "hk", "張學友", "CHEUNG HOK YAU", "M", date(2005, 7, 10), hk_id("456783"), entered
                )
            ],
            "awaiting",
        ),
        (
            "2026 港澳生居留證（已繳費）",
            [
                hkmo_student("hk", "黎明", "LAI MING", "M", date(2004, 12, 11), hk_id("567894"), entered),
                hkmo_student("mo", "郭富城", "KUOK FU SENG", "M", date(2005, 10, 26), "7234567(3)", entered),
                hkmo_student("hk", "王菲", "WONG FEI", "F", date(2005, 8, 8), hk_id("678905"), entered),
            ],
            "paid",
        ),
        (
            "2026 港澳生居留證（整團撤銷）",
            [hkmo_student("mo", "劉德華", "LAU TAK WA", "M", date(2005, 9, 27), "1345678(9)", entered)],
            "withdrawn",
        ),
        (
            "2026 港澳生居留證（未送出）",
            [hkmo_student("hk", "周慧敏", "CHOW WAI MAN", "F", date(2006, 11, 22), hk_id("789016"), entered)],
            "draft",
        ),
    ]
    for name, people, fate in groups:
        if await flow.existing(actor, name):
            continue
        filed = await flow.file_offering_group(actor, "hkmo", "first", name, people, submit=fate != "draft")
        if fate == "draft":
            continue
        await backdate.backdate_submission(
            filed.application_id, now - timedelta(days=5 if fate == "review" else 15)
        )
        if fate == "review":
            first, returned, second, refused = filed.case_ids
            at = now - timedelta(days=3)
            await flow.decide(
                returned, "return_for_supplement", "健康檢查證明已逾三個月，請重新上傳。", at=at
            )
            await flow.decide(second, "pass_first_review", at=at)
            await flow.decide(refused, "not_accept", "非港澳生身分，請改以外生身分申請。", at=at)
        elif fate == "awaiting":
            await flow.approve_for_payment(filed.case_ids, at=now - timedelta(days=5))
        elif fate == "paid":
            await flow.approve_for_payment(filed.case_ids, at=now - timedelta(days=12))
            if await flow.pay(
                actor, [filed.application_id], paid_at=now - timedelta(days=10), if_payable=True
            ):
                _producing, ready, collected = filed.case_ids
                await flow.card_made_and_collected([ready], collected=False)
                await flow.card_made_and_collected([collected], collected=True)
        elif fate == "withdrawn":
            await flow.withdraw_group(actor, filed, at=now - timedelta(days=2))


async def _hkmo_extension(actor, now: datetime) -> None:
    """延期 of certificates the school's roster lists (統一證號 in the roster's 身分證號 column)."""
    from app.demo.roster import UI_NOS

    expiry = _day((now + timedelta(days=20)).date())
    groups = [
        (
            "2026 港澳生延期（審核中）",
            {
                "name_zh": "何志偉",
                "name_en": "HO CHI WAI",
                "birth_date": "2002/04/17",
                "hkmo_id": "5215299(8)",
                "passport_no": "MA5215299",
                "ui_no": UI_NOS["HO CHI WAI"],
            },
            "review",
        ),
        (
            "2026 港澳生延期（待繳費）",
            {
                "name_zh": "黃詠詩",
                "name_en": "WONG WING SZE",
                "birth_date": "2003/06/21",
                "hkmo_id": "Y654321(7)",
                "passport_no": "KJ6543217",
                "ui_no": UI_NOS["WONG WING SZE"],
            },
            "awaiting",
        ),
    ]
    for name, person, fate in groups:
        if await flow.existing(actor, name):
            continue
        identity = "mo" if person["name_en"] == "HO CHI WAI" else "hk"
        form = person | {"current_expiry": expiry, "department": "法律學系", "phone": "0912345678"}
        filed = await flow.file_offering_group(
            actor, "hkmo", "extension", name, [({"identity": identity}, form)]
        )
        await backdate.backdate_submission(filed.application_id, now - timedelta(days=4))
        if fate == "awaiting":
            await flow.approve_for_payment(filed.case_ids, at=now - timedelta(days=1))


async def load() -> None:
    actor = await flow.school_actor(LOGIN_ID)
    if actor is None:
        return
    from app.domain import offerings

    if offerings.get("mainland_single", "first") is None:  # the lines are not registered in this build
        return
    now = datetime.now(UTC)
    await _mainland_single(actor, now)
    await _mainland_multiple(actor, now)
    await _hkmo(actor, now)
    await _hkmo_extension(actor, now)

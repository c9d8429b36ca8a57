"""Demo schools, accounts and the dashboard's submitted groups; `load_demo()` loads every demo module.

The schools and their main accounts are created by the demo supervisor in the back office's action
(`create_school`), their profiles kept by the main accounts (`update_profile`), the sub-accounts made and
disabled by the main account (`create_sub_account`, `set_sub_account_enabled`), as real ones are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app import db
from app.actions import accounts, admin_accounts
from app.demo import backdate, flow
from app.demo.people import Person
from app.demo.review import DEMO_PASSWORD
from tables.tables import Account, School

SCHOOLS = [
    {
        "name": "國立臺灣大學 (demo)",
        "business_no": "03734301",
        "login_id": "03734301",
        "contact": "測試人",
        "national_id": "A123456789",
        "head": "陳文章",
        "unit": "國際事務處",
        "phone": "0233663366",
        "email": "oia@ntu.example.edu.tw",
        "addr_county": "臺北市",
        "addr_district": "大安區",
        "addr_street": "羅斯福路四段",
        "addr_number": "1號",
    },
    {
        "name": "國立政治大學 (demo)",
        "business_no": "03734317",
        "login_id": "03734302",
        "contact": "政大承辦人",
        "national_id": "A223456781",
        "head": "李蔡彥",
        "unit": "國際合作事務處",
        "phone": "0229393091",
        "email": "oic@nccu.example.edu.tw",
        "addr_county": "臺北市",
        "addr_district": "文山區",
        "addr_street": "指南路二段",
        "addr_number": "64號",
    },
    {  # the 陸生 and 港澳生 lines' demo school (app.demo.lines)
        "name": "國立成功大學 (demo)",
        "business_no": "03734323",
        "login_id": "03734323",
        "contact": "成大承辦人",
        "national_id": "D120000019",
        "head": "沈孟儒",
        "unit": "國際事務處",
        "phone": "062757575",
        "email": "oia@ncku.example.edu.tw",
        "addr_county": "臺南市",
        "addr_district": "東區",
        "addr_street": "大學路",
        "addr_number": "1號",
    },
]

# Sub-accounts of the first school: (name, national ID, enabled); they get -01 and -02.
SUB_ACCOUNTS = [("測試帳號", "B120863158", True), ("測試帳號二", "F131104002", False)]


async def _school(supervisor, spec: dict) -> None:
    if not await School.exists().where(School.business_no == spec["business_no"]):
        await admin_accounts.create_school(
            supervisor,
            admin_accounts.NewSchool(
                name=spec["name"],
                business_no=spec["business_no"],
                login_id=spec["login_id"],
                contact_name=spec["contact"],
                email=f"{spec['login_id']}@demo.example.edu.tw",
                password=DEMO_PASSWORD,
            ),
        )
        main = await flow.school_actor(spec["login_id"])
        assert main is not None
        errors = await accounts.update_profile(  # 基本資料維護, as the main account would fill it in
            main,
            {
                "name": spec["contact"],
                "national_id": spec["national_id"],
                "phone": "0233669999",
                "phone_ext": "123",
                "email": f"{spec['login_id']}@demo.example.edu.tw",
                "school_head": spec["head"],
                "school_unit": spec["unit"],
                "school_phone": spec["phone"],
                "school_email": spec["email"],
                **{f"school_{k}": v for k, v in spec.items() if k.startswith("addr_")},
            },
        )
        if errors:
            raise RuntimeError(f"demo school profile refused: {errors}")


async def _sub_accounts() -> None:
    main = await flow.school_actor(SCHOOLS[0]["login_id"])
    assert main is not None
    for i, (name, nid, enabled) in enumerate(SUB_ACCOUNTS, start=1):
        if await Account.exists().where(Account.login_id == f"{main.login_id}-{i:02d}"):
            continue
        errors, login_id = await accounts.create_sub_account(
            main,
            {
                "name": name,
                "national_id": nid,
                "birthday": "1985/03/14",
                "unit": SCHOOLS[0]["name"],
                "phone": "0233669999",
                "phone_ext": "123",
                "email": f"{main.login_id}-{i:02d}@demo.example.edu.tw",
                "addr_county": "臺北市",
                "addr_district": "大安區",
                "addr_street": "羅斯福路四段",
                "addr_number": "1號",
                "password": DEMO_PASSWORD,
                "confirm_password": DEMO_PASSWORD,
            },
        )
        if errors:
            raise RuntimeError(f"demo sub-account refused: {errors}")
        if not enabled:
            row = await Account.select(Account.id).where(Account.login_id == login_id).first()
            await accounts.set_sub_account_enabled(main, row["id"], False)


# Submitted groups to fill the dashboard: (name, account, how far each case went, comment)
GROUPS = [
    ("2026 第一批次外生", "03734301", [(), ()], ""),
    ("2026 交換生補件", "03734301", [("return_for_supplement",)], "護照影本不清晰，請重新上傳。"),
    ("2026 秋季核准", "03734301", [("pass_first_review", "approve")] * 3, ""),
    ("2026 不受理案", "03734301", [("not_accept",)], "非本系統受理之學生類別。"),
    ("子帳號送件", "03734301-01", [("pass_first_review",)], ""),
    ("政大第一批", "03734302", [()], ""),
]

STUDENTS = [
    Person("STUDENT ONE", "外生一", date(1988, 2, 2), "F", "LS", "MM214587"),
    Person("STUDENT TWO", "", date(1999, 5, 2), "F", "JP", "P19840502"),
    Person("STUDENT THREE", "", date(2001, 11, 23), "M", "VN", "X77821345"),
]


async def _groups() -> None:
    now = datetime.now(UTC)
    for i, (name, login_id, decisions, comment) in enumerate(GROUPS):
        actor = await flow.school_actor(login_id)
        if actor is None or await flow.existing(actor, name):
            continue
        people = [STUDENTS[j % len(STUDENTS)] for j in range(len(decisions))]
        filed = await flow.file_group(actor, name, people)
        submitted = now - timedelta(days=len(GROUPS) - i)
        await backdate.backdate_submission(filed.application_id, submitted)
        for case_id, actions in zip(filed.case_ids, decisions, strict=True):
            for action in actions:
                await flow.decide(case_id, action, comment, at=submitted + timedelta(hours=3))


async def load_demo() -> None:
    await db.start()
    try:
        async with db.write_tx():
            from app.demo import apply, lines, payment, progress, review
            from app.demo.roster import load_demo_roster

            await review.load_reviewers()  # the supervisor creates the schools
            supervisor = await flow.reviewer(flow.DESK)
            for spec in SCHOOLS:
                await _school(supervisor, spec)
            await _sub_accounts()
            await load_demo_roster()
            await _groups()
            await review.load()
            await payment.load()
            await apply.load()
            await progress.load()
            await lines.load()
    finally:
        await db.stop()
    print(
        "demo data loaded: accounts 03734301, 03734301-01, 03734301-02 (disabled), 03734302, 03734323; "
        f"password {DEMO_PASSWORD}"
    )

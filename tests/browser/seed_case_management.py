"""Extra data for the case-management browser tests (issue 15), on top of the demo:
`python -m tests.browser.seed_case_management` with the server's DATABASE_URL.

- reviewer1b, a second first reviewer (password as the demo's);
- FIND12345: one case awaiting first review, found by its passport number;
- 五人團: a group of 5 awaiting first review;
- a supplement returned 15 days ago (lapsed), submitter lapsed@demo.example.edu.tw;
- 330 cases awaiting first review at station S02 (11 groups of 30).
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime, timedelta

GROUP_OF_FIVE = "2026 五人團（整團審核）"
FIND_PASSPORT = "FIND12345"
LAPSED_GROUP = "2026 逾期未補正"
MANY = 330


async def _seed() -> None:
    from piccolo.apps.user.tables import BaseUser

    from app.demo.review import DEMO_PASSWORD
    from tables.tables import Account, Application, Case, ReviewerProfile, ReviewEvent

    now = datetime.now(UTC)
    user = await BaseUser.create_user(
        username="reviewer1b",
        password=DEMO_PASSWORD,
        email="reviewer1b@nia.example.gov.tw",
        active=True,
        admin=True,
        superuser=False,
    )
    await ReviewerProfile.insert(
        ReviewerProfile(user=user.id, role="first_reviewer", display_name="初審 陳志明", created_at=now)
    )
    acc = (await Account.select(Account.id, Account.school).where(Account.login_id == "03734301"))[0]
    seq = {"group": 500, "case": 50000}

    async def group(
        name, statuses, days_ago, station="S01", email="03734301@demo.example.edu.tw", passports=None
    ):
        seq["group"] += 1
        at = now - timedelta(days=days_ago)
        app_row = Application(
            group_no=f"115102{seq['group']:03d}"[:9],
            business_line="foreign",
            kind="first",
            name=name,
            member_count=len(statuses),
            station_code=station,
            school=acc["school"],
            created_by=acc["id"],
            submitter_name="測試人",
            submitter_email=email,
            status="first_review",
            submitted_at=at,
            created_at=at,
            updated_at=at,
        )
        await app_row.save()
        ids = []
        for i, status in enumerate(statuses):
            seq["case"] += 1
            c = Case(
                application=app_row.id,
                receipt_no=f"1150110{seq['case']:05d}",
                identity="foreign",
                status=status,
                enrollment_status="R",
                name_en=f"SEED STUDENT {seq['case']}",
                passport_no=(passports or {}).get(i, f"S{seq['case']:08d}"),
                birth_date=date(2001, 1, 1),
                nationality="VN",
                passport_expiry=date(2031, 1, 1),
                complete=True,
                submitted_at=at,
                created_at=at,
                updated_at=at,
            )
            await c.save()
            ids.append(c.id)
        return app_row.id, ids

    await group("2026 護照查詢", ["first_review"], 1, passports={0: FIND_PASSPORT})
    await group(GROUP_OF_FIVE, ["first_review"] * 5, 2)
    app_id, ids = await group(LAPSED_GROUP, ["supplement_first"], 20, email="lapsed@demo.example.edu.tw")
    await ReviewEvent.insert(
        ReviewEvent(
            application=app_id,
            case=ids[0],
            from_status="first_review",
            action="return_for_supplement",
            to_status="supplement_first",
            actor_kind="reviewer",
            actor_label="reviewer1 初審 王小明",
            comment="請補附住宿證明。",
            created_at=now - timedelta(days=15),
        )
    )
    for i in range(MANY // 30):
        await group(f"2026 大批送件 {i + 1}", ["first_review"] * 30, 3, station="S02")
    # What every transition keeps beside the rows written here directly (status times, dashboard lists, the
    # desk's counts).
    from app.actions.cases import after_transitions

    await after_transitions(
        {(c["application"], c["id"]) for c in await Case.select(Case.application, Case.id)}
    )


def main() -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    asyncio.run(_seed())


if __name__ == "__main__":
    main()

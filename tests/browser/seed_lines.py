"""Groups of the 陸生 and 港澳生 lines for the browser tests of issue 14, on top of the demo:
`python -m tests.browser.seed_lines` with the server's DATABASE_URL and VAR_DIR.

- 陸生單次證 瀏覽器團: one mainland student awaiting first review (photo on file, travel permit T87654321);
- 港澳生 瀏覽器團 (awaiting first review), 港澳延期 瀏覽器團 (awaiting payment), 陸生多次證 瀏覽器團 (approved).
"""

from __future__ import annotations

import asyncio
import os

MAINLAND_GROUP = "陸生單次證 瀏覽器團"
MAINLAND_GROUP_NO = "151169001"
HKMO_GROUP = "港澳生 瀏覽器團"
HKMO_EXTENSION_GROUP = "港澳延期 瀏覽器團"
MULTIPLE_GROUP = "陸生多次證 瀏覽器團"
TRAVEL_PERMIT = "T87654321"
# issued 陸生單次證 of the demo school (entered 20 days ago), one per language of the 多次證 journey
SINGLE_PERMITS = {"zh": "S11569650001", "en": "S11569650002"}


async def _seed() -> None:
    from tables.tables import Account
    from tests.line_support import make_line_group

    acc = (await Account.select(Account.id, Account.school).where(Account.login_id == "03734301"))[0]
    school, me = acc["school"], acc["id"]
    await make_line_group(
        school,
        me,
        "mainland_single",
        "first",
        ["first_review"],
        name=MAINLAND_GROUP,
        travel_permit_no=TRAVEL_PERMIT,
        group_no=MAINLAND_GROUP_NO,
    )
    await make_line_group(
        school,
        me,
        "hkmo",
        "first",
        ["first_review"],
        name=HKMO_GROUP,
        identity_no="A123456(3)",
        group_no="151089001",
    )
    await make_line_group(
        school, me, "hkmo", "extension", ["awaiting_payment"], name=HKMO_EXTENSION_GROUP, group_no="151089002"
    )
    await make_line_group(
        school,
        me,
        "mainland_multiple",
        "first",
        ["awaiting_payment"],
        name=MULTIPLE_GROUP,
        group_no="151169002",
    )


async def _seed_issued_single_entry() -> None:
    """`python -m tests.browser.seed_lines issued`: the demo school's issued 單次證 (SINGLE_PERMITS), each of a
    mainland student whose case holds what a 多次證 applicant is prefilled with."""
    from datetime import UTC, date, datetime, timedelta

    from app.domain import workflow
    from tables.tables import Account, Case, Permit
    from tests.line_support import make_line_group

    acc = (await Account.select(Account.id, Account.school).where(Account.login_id == "03734301"))[0]
    issued = date.today() - timedelta(days=25)
    for i, (lang, permit_no) in enumerate(SINGLE_PERMITS.items()):
        g = await make_line_group(
            acc["school"],
            acc["id"],
            "mainland_single",
            "first",
            [workflow.Status.ISSUED],
            name=f"已核發單次證 {lang}",
            group_no=f"15116900{5 + i}",
            travel_permit_no=f"T1234567{i}",
        )
        case_id = g["cases"][0]
        fields = {"prc_id": "11010519491231002X", "program": "master", "phone": "0912345678"}
        await Case.update(
            {
                Case.name_zh: "王小明",
                Case.name_en: f"WANG XIAOMING {lang.upper()}",
                Case.data: {"fields": fields},
            }
        ).where(Case.id == case_id)
        await Permit.insert(
            Permit(
                permit_no=permit_no,
                case=case_id,
                application=g["application"],
                issued_on=issued,
                expires_on=issued + timedelta(days=90),
                content={},
                created_at=datetime.now(UTC),
            )
        )


def main() -> None:
    import sys

    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    asyncio.run(_seed_issued_single_entry() if sys.argv[1:] == ["issued"] else _seed())


if __name__ == "__main__":
    main()

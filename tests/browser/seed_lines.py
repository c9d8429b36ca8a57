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


def main() -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    asyncio.run(_seed())


if __name__ == "__main__":
    main()

"""A browser test's own roster students, on top of the demo: `python -m tests.browser.seed_students '<rows>'`
(a JSON list of roster rows, dates as YYYY-MM-DD) with the server's DATABASE_URL and VAR_DIR.

The demo school's main account imports them as a roster file of the current term (匯入資料), as the demo's
own rows are imported. A test that signs a student in for the first time (the e-mail step) needs a student
no other test has signed in as: the sessions share one live server (`LiveServer.roster_student`)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date


async def _seed(rows: list[dict]) -> None:
    from app.demo.flow import school_actor
    from app.demo.roster import import_rows
    from app.domain.roster import academic_year, semester_of

    actor = await school_actor("03734301")
    assert actor is not None, "no demo school"
    today = date.today()
    for row in rows:
        row["birth_date"] = date.fromisoformat(row["birth_date"])
    await import_rows(actor, rows, academic_year(today), semester_of(today), today)


def main() -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    asyncio.run(_seed(json.loads(sys.argv[1])))


if __name__ == "__main__":
    main()

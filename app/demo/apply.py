"""Demo group applications (首次申請) for `make run`: drafts at every stage and submitted groups, with
small real images (drawn by Pillow) as photos and documents, filed through the wizard's actions
(`app.demo.flow.file_group`) so the numbers come from the counters. Idempotent: a group whose name exists
for that school is skipped."""

from __future__ import annotations

from datetime import date

from app.demo import flow
from app.demo.people import Person

STUDENTS = [
    Person("STUDENT ONE", "外生一", date(1999, 5, 1), "F", "MY", "A12345671", identity="overseas"),
    Person("STUDENT TWO", "", date(2000, 5, 2), "F", "JP", "TZ1234567"),
    Person("STUDENT THREE", "", date(2001, 5, 3), "M", "VN", "C7654321", program="master"),
    Person("ANNA SCHMIDT", "", date(2002, 1, 9), "F", "DE", "C01X00T47"),
    Person(
        "TAN WEI LING",
        "陳慧玲",
        date(2003, 3, 30),
        "F",
        "SG",
        "K1234567",
        enrollment="A",
        identity="overseas",
    ),
]

# (account, name, applicants, members, completely filled in, submitted)
GROUPS = [
    ("03734301", "2026外生申請第二批次", STUDENTS[:3], None, None, True),
    ("03734301", "2026外生申請第三批次", STUDENTS[:2], 3, 1, False),
    ("03734301", "2026 春季交換生（待送出）", STUDENTS[3:5], None, None, False),
    ("03734301-01", "子帳號暫存申請", STUDENTS[1:2], None, 0, False),
    ("03734302", "政大 2026 外生", STUDENTS[2:4], None, None, True),
]


async def load() -> None:
    for login_id, name, people, members, complete, submit in GROUPS:
        actor = await flow.school_actor(login_id)
        if actor is None or await flow.existing(actor, name):
            continue
        await flow.file_group(actor, name, people, members=members, complete=complete, submit=submit)

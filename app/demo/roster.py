"""Demo roster rows (名冊) for `make run`: every demo school gets students of every category and
status for the current academic year and semester, imported by its main account as a roster file; the first school also has the seed's example
row (外生一, STUDENT ONE, 19880202, FG, passport MM214587, registered). Idempotent."""

from __future__ import annotations

import csv
import io
from datetime import date

from app.actions import roster as roster_actions
from app.domain import roster as rules
from app.domain.actor import Actor
from tables.tables import Account, RosterEntry, RosterImport, School

SEED_STUDENT = {
    "name_zh": "外生一",
    "name_en": "STUDENT ONE",
    "birth_date": date(1988, 2, 2),
    "category": "FG",
    "nationality": "LS",
    "gender": "F",
    "national_id": "A123456789",
    "passport_no": "MM214587",
    "qualification": "FOREIGN",
    "program": "A",
    "grade": "1",
    "status": "R",
}

# (category, status, zh name, English name, birth date, nationality, gender, qualification, program, grade)
STUDENTS = [
    ("CN", "A", "王小明", "WANG XIAOMING", date(2004, 3, 14), "CN", "M", "CN_GENERAL", "B", "1"),
    ("CN", "R", "李華", "LI HUA", date(2001, 9, 30), "CN", "F", "CN_ACADEMIC", "M", "1"),
    ("HK", "A", "陳家豪", "CHAN KA HO", date(2005, 1, 8), "HK", "M", "FOREIGN", "B", "1"),
    ("HK", "R", "黃詠詩", "WONG WING SZE", date(2003, 6, 21), "HK", "F", "FOREIGN", "B", "3"),
    ("MO", "A", "李嘉欣", "LEI KA IAN", date(2005, 11, 2), "MO", "F", "FOREIGN", "B", "1"),
    ("MO", "R", "何志偉", "HO CHI WAI", date(2002, 4, 17), "MO", "M", "FOREIGN", "B", "4"),
    ("FG", "A", "", "NGUYEN VAN AN", date(2003, 7, 19), "VN", "M", "FOREIGN", "L", "1"),
    ("FG", "R", "", "SATO HANAKO", date(1999, 5, 2), "JP", "F", "FOREIGN", "M", "2"),
    ("FG", "R", "", "MARIA GARCIA LOPEZ", date(1996, 12, 1), "ES", "F", "FOREIGN", "D", "3"),
    ("FO", "A", "林志明", "LIM CHEE MING", date(2004, 8, 25), "MY", "M", "FOREIGN", "B", "1"),
    ("FO", "R", "吳美玲", "GOH MEI LING", date(2002, 2, 11), "ID", "F", "FOREIGN", "B", "2"),
]

# Issue 14: the mainland, Hong Kong and Macau students' identifiers (valid check digits), by English name.
CROSS_STRAIT_IDS = {
    "WANG XIAOMING": ("110105200403140016", "L20040314"),
    "LI HUA": ("310104200109300024", "L20010930"),
    "CHAN KA HO": ("K1234560", ""),
    "WONG WING SZE": ("Y6543217", ""),
    "LEI KA IAN": ("12345678", ""),
    "HO CHI WAI": ("52152998", ""),
}


# The resident certificates (統一證號) of two registered Hong Kong and Macau students, in the roster's 身分證號
# column: their 延期 names them (app.demo.lines). Numbers far above those the payment issues.
UI_NOS = {"HO CHI WAI": "A890000011", "WONG WING SZE": "A990000022"}


async def _import(
    actor: Actor, prefix: str, year: int, semester: int, with_seed_student: bool, today: date
) -> int:
    """The rows this school lacks, imported by its main account as a roster file (匯入資料)."""
    rows = []
    for i, (category, status, zh, en, born, nat, gender, qual, program, grade) in enumerate(
        STUDENTS, start=1
    ):
        rows.append(
            {
                "name_zh": zh,
                "name_en": en,
                "birth_date": born,
                "category": category,
                "nationality": nat,
                "gender": gender,
                "national_id": UI_NOS.get(en, ""),
                "passport_no": f"{prefix}{i:06d}",
                "qualification": qual,
                "program": program,
                "grade": grade,
                "status": status,
                "resident_id": CROSS_STRAIT_IDS.get(en, ("", ""))[0],
                "travel_permit_no": CROSS_STRAIT_IDS.get(en, ("", ""))[1],
            }
        )
    if with_seed_student:
        rows.append(dict(SEED_STUDENT))
    return await import_rows(actor, rows, year, semester, today)


async def import_rows(actor: Actor, rows: list[dict], year: int, semester: int, today: date) -> int:
    """The rows (by passport no.) this school lacks for the term, imported by `actor` as a roster file
    (匯入資料); returns how many were added. Also the browser tests' own students (tests/browser)."""
    have = {
        r["passport_no"]
        for r in await RosterEntry.select(RosterEntry.passport_no).where(
            (RosterEntry.school == actor.school_id)
            & (RosterEntry.year == year)
            & (RosterEntry.semester == semester)
        )
    }
    new = [r for r in rows if r["passport_no"] not in have]
    if not new:
        return 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rules.COLUMN_KEYS)
    for r in new:
        writer.writerow(
            [r[k].strftime("%Y%m%d") if k == "birth_date" else r.get(k, "") for k in rules.COLUMN_KEYS]
        )
    outcome = await roster_actions.import_roster(
        actor,
        year=year,
        semester=semester,
        filename="demo-roster.csv",
        data=out.getvalue().encode("utf-8"),
        today=today,
    )
    if outcome.errors:
        raise RuntimeError(f"demo roster refused: {outcome.errors}")
    record = await RosterImport.select().where(RosterImport.id == outcome.import_id).first()
    if record["rejected_count"]:
        raise RuntimeError(f"demo roster rows rejected: {record['rejected']}")
    return record["created_count"]


async def load_demo_roster(today: date | None = None) -> int:
    """Adds what is missing (imported by each school's main account); returns the number of rows added."""
    from app.demo.flow import school_actor
    from app.demo.schools import SCHOOLS

    today = today or date.today()
    year, semester = rules.academic_year(today), rules.semester_of(today)
    added = 0
    for index, spec in enumerate(SCHOOLS):
        school = await School.select(School.id).where(School.business_no == spec["business_no"]).first()
        if school is None:
            continue
        main = (
            await Account.select(Account.login_id)
            .where(
                (Account.school == school["id"]) & (Account.is_main == True)  # noqa: E712
            )
            .first()
        )
        actor = await school_actor(main["login_id"]) if main else None
        if actor is None:
            continue
        added += await _import(actor, f"D{index + 1}", year, semester, index == 0, today)
    return added

"""Which resident certificates (居留證) this system knows, for the filings that name one (issue 12).

延期申請 and 資料異動 ask for the 統一證號 of the student's resident certificate. As 換證 already does, the
number must name a certificate of one of the school's students known to this system:

- issued here: a case of one of the school's groups with that UI no. whose certificate is in force — a
  six-month e-certificate (`Permit`) not yet expired while its case is 已核發, or an IC card the agency
  made for it (待製證, 待領證, 已領證);
- or a row of the school's roster (名冊) with that UI no. in its 身分證號/統一證號 column.

A student's own filing (學生自行申請) is held to their own certificate: a case filed by them or for them (same
passport no. and date of birth), or their own roster row.
"""

from __future__ import annotations

from datetime import date

from app.domain.workflow import Status
from tables.tables import Case, Permit, RosterEntry, Student

IC_CARD = (Status.CARD_PRODUCTION, Status.CARD_READY, Status.COLLECTED)


async def resident_certificate_known(
    school_id: int, ui_no: str, *, student_id: int | None = None, today: date
) -> bool:
    """Whether `ui_no` (already well formed) names a resident certificate of the school's students that this
    system knows; for a student, only their own."""
    if not ui_no or not school_id:
        return False
    student = None
    if student_id:
        student = (
            await Student.select(Student.passport_no, Student.birth_date, Student.roster_entry)
            .where((Student.id == student_id) & (Student.school == school_id))
            .first()
        )
        if student is None:
            return False

    permit = (Permit.case.ui_no == ui_no) & (Permit.application.school == school_id)
    permit &= (Permit.expires_on >= today) & (Permit.case.status == Status.ISSUED)
    card = (Case.ui_no == ui_no) & (Case.application.school == school_id) & Case.status.is_in(list(IC_CARD))
    roster = (RosterEntry.national_id == ui_no) & (RosterEntry.school == school_id)
    if student is not None:
        permit &= (Permit.application.student == student_id) | (
            (Permit.case.passport_no == student["passport_no"])
            & (Permit.case.birth_date == student["birth_date"])
        )
        card &= (Case.application.student == student_id) | (
            (Case.passport_no == student["passport_no"]) & (Case.birth_date == student["birth_date"])
        )
        own_row = RosterEntry.passport_no == student["passport_no"]
        if student["roster_entry"]:
            own_row |= RosterEntry.id == student["roster_entry"]
        roster &= own_row

    return (
        await Permit.exists().where(permit)
        or await Case.exists().where(card)
        or await RosterEntry.exists().where(roster)
    )

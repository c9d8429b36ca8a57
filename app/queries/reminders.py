"""Reads of the reminder jobs (issue 16): the cases a school may be reminded of, and whom to write to.

Only what can be due is read: cases awaiting a supplement (a few hundred at any time), e-certificates expiring
within the window; each filtered in SQL first, the working-day rule applied in Python (SQL cannot count them).
Applications a student filed themself are not the school's to answer and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain import workflow
from tables.tables import Account, Case, Permit, ReviewEvent, School


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


async def supplement_cases() -> list[dict[str, Any]]:
    """Cases awaiting a supplement of school-filed groups, each with `notice_at` (its latest event: the return)."""
    rows = await Case.select(
        Case.id,
        Case.receipt_no,
        Case.name_zh,
        Case.name_en,
        Case.submitted_at,
        Case.application.id.as_alias("application_id"),
        Case.application.group_no.as_alias("group_no"),
        Case.application.name.as_alias("group_name"),
        Case.application.school.as_alias("school_id"),
    ).where(Case.status.is_in(sorted(workflow.SUPPLEMENT)) & Case.application.student.is_null())
    if not rows:
        return []
    latest: dict[int, Any] = {}
    events = await ReviewEvent.select(ReviewEvent.case, ReviewEvent.created_at).where(
        ReviewEvent.case.is_in([r["id"] for r in rows])
    )
    for e in events:
        if e["case"] not in latest or e["created_at"] > latest[e["case"]]:
            latest[e["case"]] = e["created_at"]
    for r in rows:
        r["notice_at"] = latest.get(r["id"]) or r["submitted_at"]
    return [r for r in rows if r["notice_at"] is not None]


async def expiring_permits(today: date, within_days: int) -> list[dict[str, Any]]:
    """E-certificates of school-filed groups valid today and expiring within `within_days`, whose student has not
    filed a renewal (換證) under the certificate's 統一證號 yet."""
    rows = await Permit.select(
        Permit.permit_no,
        Permit.expires_on,
        Permit.case.id.as_alias("id"),
        Permit.case.receipt_no.as_alias("receipt_no"),
        Permit.case.name_zh.as_alias("name_zh"),
        Permit.case.name_en.as_alias("name_en"),
        Permit.case.ui_no.as_alias("ui_no"),
        Permit.application.id.as_alias("application_id"),
        Permit.application.group_no.as_alias("group_no"),
        Permit.application.name.as_alias("group_name"),
        Permit.application.school.as_alias("school_id"),
    ).where(
        (Permit.expires_on >= today)
        & (Permit.expires_on <= today + timedelta(days=within_days))
        & Permit.application.student.is_null()
    )
    ui_nos = sorted({r["ui_no"] for r in rows if r["ui_no"]})
    renewed: set[str] = set()
    if ui_nos:
        renewals = await Case.select(Case.ui_no).where(
            Case.ui_no.is_in(ui_nos) & (Case.application.kind == "renewal") & Case.submitted_at.is_not_null()
        )
        renewed = {r["ui_no"] for r in renewals}
    return [r for r in rows if not (r["ui_no"] and r["ui_no"] in renewed)]


async def school_recipient(school_id: int) -> Recipient | None:
    """The school's main account, in its stored language; else the school's own address, in Chinese."""
    accounts = await Account.select(Account.email, Account.language).where(
        (Account.school == school_id)
        & (Account.is_main == True)  # noqa: E712 - Piccolo's column comparison
        & (Account.enabled == True)  # noqa: E712
        & (Account.deleted == False)  # noqa: E712
    )
    for a in accounts:
        if a["email"] and "@" in a["email"]:
            return Recipient(a["email"].strip(), a["language"] or "zh_Hant_TW")
    school = await School.select(School.email).where(School.id == school_id)
    if school and school[0]["email"] and "@" in school[0]["email"]:
        return Recipient(school[0]["email"].strip(), "zh_Hant_TW")
    return None

"""The scope every query of applications and cases starts from."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from app.domain.actor import Actor
from tables.tables import Application


def application_scope(actor: Actor):
    """A where-clause for the applications this actor may see."""
    if actor.kind == "school" and actor.school_id:
        # A student's own application is the school's to see once it is submitted, never as a draft.
        clause = (Application.school == actor.school_id) & (
            Application.student.is_null() | Application.group_no.is_not_null()
        )
        if not actor.is_main:
            clause = clause & (Application.created_by == actor.account_id)
        return clause
    if actor.kind == "student" and actor.student_id:
        return Application.student == actor.student_id
    # Anyone else sees nothing.
    return Application.id == -1


# Payment statuses that still hold their groups (the gateway could still pay them).
BLOCKING_PAYMENT = ("pending", "flagged")


def owns_payment(actor: Actor, payment: dict[str, Any]) -> bool:
    """Whether a payment row is this actor's: the student's own, the school's (a sub-account: its own)."""
    if actor.kind == "student":
        return bool(actor.student_id) and payment.get("student") == actor.student_id
    if actor.kind != "school" or payment["school"] != actor.school_id:
        return False
    return actor.is_main or payment["created_by"] == actor.account_id


def cases_exist(condition: Any) -> WhereRaw:
    """A where-clause on Application: EXISTS a case of the group meeting `condition` (a Piccolo where on Case
    columns). Correlated, so the database probes the index on case.application for the groups it looks at
    instead of reading every case in scope."""
    return WhereRaw(
        'EXISTS (SELECT 1 FROM "case" WHERE "case"."application" = "application"."id" AND {})',
        condition.querystring,
    )

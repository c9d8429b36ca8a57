"""The scope every query of applications and cases starts from."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from app.domain.actor import Actor
from tables.tables import Application


class OutOfScope(Exception):
    """The actor may not see this (answered as 404, never 403, so ids tell nothing)."""


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


def cases_exist(condition: Any) -> WhereRaw:
    """A where-clause on Application: EXISTS a case of the group meeting `condition` (a Piccolo where on Case
    columns). Correlated, so the database probes the index on case.application for the groups it looks at
    instead of reading every case in scope."""
    return WhereRaw(
        'EXISTS (SELECT 1 FROM "case" WHERE "case"."application" = "application"."id" AND {})',
        condition.querystring,
    )


def cases_absent(condition: Any) -> WhereRaw:
    """NOT EXISTS a case of the group meeting `condition` (the negation of `cases_exist`)."""
    return WhereRaw(
        'NOT EXISTS (SELECT 1 FROM "case" WHERE "case"."application" = "application"."id" AND {})',
        condition.querystring,
    )

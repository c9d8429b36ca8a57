"""What the wizard's generated forms read (issue 14): the school of a group in the actor's scope."""

from __future__ import annotations

from typing import Any

from app.domain.actor import Actor
from app.queries.scope import application_scope
from tables.tables import Application, School


async def get_school_of_group(actor: Actor, application_id: int) -> dict[str, Any] | None:
    """The school of the group (a student's own group: the school they study at); None when out of scope."""
    row = (
        await Application.select(Application.school)
        .where(application_scope(actor) & (Application.id == application_id))
        .first()
    )
    if row is None or row["school"] is None:
        return None
    return await School.select().where(School.id == row["school"]).first()

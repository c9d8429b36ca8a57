"""A student's own application (外生、外僑生來臺申請 - 個人申請): a group of one, prefilled from the roster.

The form, its rules and the submit are the group application's (`app.actions.apply`); a student's
application differs only in what the domain says of `self_filed` (the admission certificate is asked
for; there is no submitter step and no power of attorney).

The further kinds (換證, 延期, 資料異動) start here too (`start_application(kind=...)`): the same group of
one, its applicant prefilled from the roster (延期, 資料異動) or, for a renewal, added by the lookup of
the student's own e-certificate (`app.actions.kinds.add_renewal_applicant`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from app import db
from app.actions import apply as apply_actions
from app.domain import offerings, workflow
from app.domain import validators as v
from app.domain.actor import Actor
from app.errors import NotFound  # noqa: F401  (re-exported: actions.<module>.NotFound)
from app.i18n import gettext as _
from app.queries.stations import open_station
from tables.tables import Application, Case, RosterEntry, Student


async def own_draft_id(actor: Actor, kind: str = "first", line: str = "foreign") -> int | None:
    """The id of the student's application of this kind not yet submitted, if any (one per offering)."""
    if actor.kind != "student" or not actor.student_id:
        return None
    rows = (
        await Application.select(Application.id)
        .where(
            (Application.student == actor.student_id)
            & Application.group_no.is_null()
            & (Application.status == workflow.Status.DRAFT)
            & (Application.kind == kind)
            & (Application.business_line == line)
        )
        .order_by(Application.id)
        .limit(1)
    )
    return rows[0]["id"] if rows else None


async def start_application(
    actor: Actor, *, terms_accepted: bool, kind: str = "first", line: str = "foreign"
) -> tuple[int, int | None]:
    """同意條款 → the student's draft with their applicant prefilled from the roster row (one per kind).

    A renewal starts without an applicant: the lookup of the student's own e-certificate adds it."""
    if actor.kind != "student" or not actor.student_id:
        raise NotFound
    offering = offerings.get(line, kind)
    if offering is None or not offering.student_may_file:
        raise NotFound
    app_id = await own_draft_id(actor, kind, line)
    if app_id is not None:
        case = await Case.select(Case.id).where(Case.application == app_id).order_by(Case.id).first()
        if case is not None or offering.lookup:
            return app_id, case["id"] if case else None
    if not terms_accepted:
        raise apply_actions.Refused([_("Tick the box to agree to the terms before you go on.")])
    student = await Student.select().where(Student.id == actor.student_id).first()
    if student is None:
        raise NotFound
    roster = None
    if student["roster_entry"]:
        roster = await RosterEntry.select().where(RosterEntry.id == student["roster_entry"]).first()
    t = datetime.now(UTC)
    async with db.write_tx():
        if app_id is None:
            app = Application(
                business_line=line,
                kind=kind,
                name=student["name_en"][:100],
                member_count=1,
                pickup_method="self",
                station_code="",
                school=student["school"],
                created_by=None,
                student=student["id"],
                submitter_name=student["name_en"][:100],
                submitter_email=student["email"],
                submitter_addr={},
                status=workflow.Status.DRAFT,
                terms_accepted_at=t,
                created_at=t,
                updated_at=t,
            )
            await app.save()
            app_id = app.id
        if offering.lookup:  # 換證: the lookup of the student's own certificate adds the applicant
            return app_id, None
        values = (
            apply_actions.roster_values(roster)
            if roster
            else {"identity": "foreign", "name_en": student["name_en"]}
        )
        if roster and roster["category"] in offering.category_identities:  # 港澳生: HK, MO
            values["identity"] = offering.category_identities[roster["category"]]
        if values.get("identity") not in offering.identities:
            values["identity"] = next(iter(offering.identities))
        fields = {f: str(roster[col] or "") for col, f in offering.roster_fields.items()} if roster else {}
        if offering.applicants_pages != "first":
            values["passport_no"] = values.get("passport_no") or student["passport_no"]
            values["birth_date"] = values.get("birth_date") or student["birth_date"]
            national_id = v.clean_id(roster["national_id"] or "") if roster else ""
            if v.is_ui_no(national_id):
                values["ui_no"] = national_id
        case_id = await apply_actions.new_draft_case(
            app_id,
            data={"roster_entry": roster["id"], "fields": fields} if roster else {},
            email=student["email"],
            **values,
        )
    return app_id, case_id


async def save_station(actor: Actor, application_id: int, station_code: str) -> dict[str, str]:
    """領證方式 (自取) and *領證地點 of the student's own application."""
    rows = await Application.select(Application.id).where(
        (Application.id == application_id)
        & (Application.student == actor.student_id)
        & Application.group_no.is_null()
    )
    if not rows:
        raise NotFound
    errors: dict[str, str] = {}
    if not station_code:
        errors["station_code"] = _("Required")
    elif open_station(station_code) is None:
        errors["station_code"] = _("Choose a service station from the list.")
    async with db.write_tx():
        await Application.update(
            {Application.station_code: station_code if not errors else "", Application.pickup_method: "self"}
        ).where(Application.id == application_id)
    return errors

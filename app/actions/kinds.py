"""The further kinds (換證, 延期, 資料異動): the renewal lookup, applicants of each kind, and submit.

A draft of any kind is made by `app.actions.apply.create_draft(kind=...)` and its first two steps
(送件人, 申請資料) are the wizard's own. The applicants differ: what each kind asks for comes from
`app.domain.kinds`. Everything is scoped like the wizard (out of scope: NotFound) and refuses a
submitted group (NotEditable).

換證 (renewal): *統一(居留)證號 + 查詢 must name a valid, unexpired six-month electronic certificate
(`Permit`) issued by this system to one of the school's students; the new applicant is prefilled from
that certificate's case, with 就學狀態 fixed to 已註冊 and the photo carried over.

A student files each kind for themself (學生自行申請): the draft is a group of one made by
`app.actions.student_apply.start_application`, the renewal lookup finds only the student's own
certificate, and the rest (applicant form, documents, submit) is the same code as for a school.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app import db
from app.actions import apply as apply_actions
from app.actions import cases as pipeline
from app.actions.apply import NotEditable, NotFound, Refused
from app.domain import applicant as rules
from app.domain import offerings, workflow
from app.domain import validators as v
from app.domain.actor import Actor
from app.i18n import format_date
from app.i18n import gettext as _
from app.queries import apply as q
from app.services import uploads
from tables.tables import Application, Attachment, Case, Permit, Student

__all__ = ["NotEditable", "NotFound", "Refused"]

COPIED = (
    "identity",
    "name_zh",
    "no_chinese_name",
    "name_en",
    "birth_date",
    "passport_no",
    "passport_expiry",
    "ui_no",
    "visa_issue_date",
    "gender",
    "marital_status",
    "education",
    "education_school",
    "department",
    "program",
    "grade",
    "birthplace",
    "nationality",
    "address",
    "phone",
    "email",
)


def _json(value: Any, empty: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value or json.dumps(empty))
    return value if value is not None else empty


async def _draft(actor: Actor, application_id: int, kind: str | None = None) -> dict[str, Any]:
    app = await q.get_application(actor, application_id)
    if app is None or (kind and app["kind"] != kind):
        raise NotFound
    if not q.is_draft(app):
        raise NotEditable
    return app


# 換證: the lookup --------------------------------------------------------------------------------


@dataclass
class PermitMatch:
    permit_no: str
    case_id: int
    application_id: int
    expires_on: date
    name_en: str


async def find_permit(actor: Actor, ui_no: str, *, today: date | None = None) -> PermitMatch:
    """The valid e-certificate this UI no. names among the school's students, or Refused with the reason.

    An unknown number and another school's certificate get the same answer, so nothing leaks."""
    today = today or apply_actions.today()
    ui = v.clean_id(ui_no).replace(" ", "")
    if not ui:
        raise Refused([_("Enter the UI no. (統一證號) of the electronic resident certificate.")])
    if not v.is_ui_no(ui):
        raise Refused(
            [_("This UI number is not valid (check its letters and its last digit), e.g. A800000014.")]
        )
    if actor.kind == "student" and actor.student_id and actor.school_id:
        return await _find_own_permit(actor, ui, today)
    if not actor.is_school or not actor.school_id:
        raise NotFound
    rows = (
        await Permit.select(
            Permit.permit_no,
            Permit.case,
            Permit.application,
            Permit.expires_on,
            Permit.case.status,
            Permit.case.name_en,
        )
        .where((Permit.case.ui_no == ui) & (Permit.application.school == actor.school_id))
        .order_by(Permit.expires_on, ascending=False)
    )
    if not rows:
        raise Refused(
            [
                _(
                    "No electronic resident certificate issued by this system to one of your school's "
                    "students has this UI no. Check the number on the certificate."
                )
            ]
        )
    p = rows[0]
    if p["expires_on"] < today:
        raise Refused(
            [
                _(
                    "The electronic resident certificate with this UI no. expired on %(date)s, so it cannot be "
                    "renewed online. Please apply at a service station.",
                    date=format_date(p["expires_on"]),
                )
            ]
        )
    if p["case.status"] != workflow.Status.ISSUED:
        raise Refused(
            [
                _(
                    "The electronic resident certificate with this UI no. is no longer valid (its case is "
                    "“%(status)s”).",
                    status=workflow.label(p["case.status"]),
                )
            ]
        )
    await _not_yet_renewed(actor, ui)
    return PermitMatch(p["permit_no"], p["case"], p["application"], p["expires_on"], p["case.name_en"])


async def _find_own_permit(actor: Actor, ui: str, today: date) -> PermitMatch:
    """A student's lookup: only their own valid e-certificate, filed by themself or by their school for them
    (same school, passport no. and date of birth as the signed-in student). An unknown number, another
    student's certificate, an expired one or one no longer valid all get the same answer."""
    student = (
        await Student.select(Student.passport_no, Student.birth_date)
        .where(Student.id == actor.student_id)
        .first()
    )
    if student is None:
        raise NotFound
    own = (Permit.application.student == actor.student_id) | (
        (Permit.application.school == actor.school_id)
        & (Permit.case.passport_no == student["passport_no"])
        & (Permit.case.birth_date == student["birth_date"])
    )
    rows = (
        await Permit.select(
            Permit.permit_no,
            Permit.case,
            Permit.application,
            Permit.expires_on,
            Permit.case.name_en,
        )
        .where(
            (Permit.case.ui_no == ui)
            & own
            & (Permit.expires_on >= today)
            & (Permit.case.status == workflow.Status.ISSUED)
        )
        .order_by(Permit.expires_on, ascending=False)
    )
    if not rows:
        raise Refused(
            [
                _(
                    "No valid electronic resident certificate issued to you by this system has this UI no. "
                    "Check the number on your certificate. An expired certificate cannot be renewed online; "
                    "please apply at a service station."
                )
            ]
        )
    p = rows[0]
    await _not_yet_renewed(actor, ui)
    return PermitMatch(p["permit_no"], p["case"], p["application"], p["expires_on"], p["case.name_en"])


async def _not_yet_renewed(actor: Actor, ui: str) -> None:
    taken = await Case.select(Case.id, Case.status, Case.application.group_no).where(
        (Case.ui_no == ui)
        & (Case.application.kind == "renewal")
        & (Case.application.school == actor.school_id)
        & Case.status.not_in(list(workflow.CLOSED))
    )
    if taken:
        where = taken[0]["application.group_no"] or _("a draft not yet submitted")
        raise Refused([_("A renewal of this certificate has already been filed (%(where)s).", where=where)])


async def add_renewal_applicant(actor: Actor, application_id: int, ui_no: str) -> int:
    """新增申請人 of a renewal: the certificate is checked, the applicant prefilled from it (已註冊)."""
    app = await _draft(actor, application_id, "renewal")
    match = await find_permit(actor, ui_no)
    source = await Case.select().where(Case.id == match.case_id).first()
    assert source is not None
    async with db.write_tx():
        count = await Case.count().where(Case.application == application_id)
        if count >= rules.MAX_MEMBERS:
            raise Refused([_("A group has at most 30 applicants.")])
        if await Case.exists().where((Case.application == application_id) & (Case.ui_no == source["ui_no"])):
            raise Refused([_("This student is already an applicant of this group.")])
        if app.get("student") and count >= 1:
            raise Refused([_("Your own application has one applicant: yourself.")])
        t = apply_actions.now()
        values = {k: source[k] for k in COPIED}
        values["address"] = _json(values["address"], {})
        if app.get("student") and not values.get("email"):
            values["email"] = app["submitter_email"] or ""  # a student's own: the address they verified
        case_id = await apply_actions.new_draft_case(
            application_id,
            enrollment_status="R",
            data={"kind": {"permit_no": match.permit_no, "original_address": values["address"]}},
            **values,
        )
        await _copy_photo(actor, application_id, case_id, match.case_id)
        await Application.update({Application.updated_at: t}).where(Application.id == app["id"])
    return case_id


async def _copy_photo(actor: Actor, application_id: int, case_id: int, source_case: int) -> None:
    photo = (
        await Attachment.select()
        .where((Attachment.case == source_case) & (Attachment.kind == "photo"))
        .order_by(Attachment.id, ascending=False)
        .first()
    )
    if photo is None:
        return
    try:
        image = uploads.check_image(
            await uploads.read(photo["stored_name"]), photo["original_name"] or "photo.jpg"
        )
    except (OSError, ValueError, uploads.UploadRefused):
        return
    await Attachment.insert(
        Attachment(
            application=application_id,
            case=case_id,
            kind="photo",
            original_name=image.original_name,
            stored_name=await uploads.store(image),
            content_type=image.content_type,
            size=len(image.data),
            uploaded_by=actor.label[:100],
            uploaded_at=apply_actions.now(),
        )
    )


# 多次證: the lookup of the single-entry permit ----------------------------------------------------------

SINGLE_ENTRY_LINE = "mainland_single"
_PERMIT_VALID = (workflow.Status.ISSUED, workflow.Status.CARD_READY, workflow.Status.COLLECTED)
# what a multiple-entry applicant takes over from the single-entry permit's case
SINGLE_ENTRY_COPIED = ("identity", "name_zh", "name_en", "birth_date", "passport_no", "gender", "department")
SINGLE_ENTRY_FIELDS = ("prc_id", "program", "relation", "student_prc_id", "phone", "email")


@dataclass
class SingleEntryMatch:
    permit_no: str
    case_id: int
    entry_date: date


def _entry_date(value: str, today: date) -> date:
    from app.domain.profiles import parse_date

    if not (value or "").strip():
        raise Refused([_("Enter the date the student entered Taiwan with the single-entry permit.")])
    entered = parse_date(value)
    if entered is None:
        raise Refused([_("Write a real date as YYYY/MM/DD.")])
    if entered > today:
        raise Refused([_("The date of entry cannot be in the future.")])
    return entered


async def find_single_entry_permit(
    actor: Actor, permit_no: str, entry_date: str, *, today: date | None = None
) -> SingleEntryMatch:
    """多次證: the single-entry permit issued here to one of the school's mainland applicants, entered within
    the last two months (`lines.multiple_entry_deadline`), or Refused with the reason. An unknown number and
    another school's permit get the same answer."""
    from app.domain import lines

    today = today or apply_actions.today()
    number = v.clean_id(permit_no).replace(" ", "")
    if not number:
        raise Refused([_("Enter the number of the single-entry permit issued by this system.")])
    entered = _entry_date(entry_date, today)
    if not actor.is_school or not actor.school_id:
        raise NotFound
    rows = (
        await Permit.select(Permit.permit_no, Permit.case, Permit.issued_on, Permit.case.status)
        .where(
            (Permit.permit_no == number)
            & (Permit.application.school == actor.school_id)
            & (Permit.application.business_line == SINGLE_ENTRY_LINE)
        )
        .first()
    )
    if rows is None or rows["case.status"] not in _PERMIT_VALID:
        raise Refused(
            [
                _(
                    "No single-entry permit issued by this system to one of your school's mainland students has "
                    "this number. Check the number on the permit."
                )
            ]
        )
    if entered < rows["issued_on"]:
        raise Refused(
            [
                _(
                    "The date of entry is before the permit was issued (%(date)s). Check the date of entry.",
                    date=format_date(rows["issued_on"]),
                )
            ]
        )
    deadline = lines.multiple_entry_deadline(entered, today)
    if deadline.refused:
        raise Refused([str(deadline.message)])
    return SingleEntryMatch(rows["permit_no"], rows["case"], entered)


async def _not_yet_converted(actor: Actor, permit_no: str) -> None:
    open_cases = await Case.select(Case.data, Case.application.group_no).where(
        (Case.application.business_line == "mainland_multiple")
        & (Case.application.school == actor.school_id)
        & Case.status.not_in(list(workflow.CLOSED))
    )
    for c in open_cases:
        fields = (_json(c["data"], {}) or {}).get("fields") or {}
        if fields.get("single_permit_no") == permit_no:
            where = c["application.group_no"] or _("a draft not yet submitted")
            raise Refused(
                [
                    _(
                        "A multiple-entry permit for this single-entry permit has already been filed (%(where)s).",
                        where=where,
                    )
                ]
            )


async def add_multiple_entry_applicant(actor: Actor, application_id: int, form: dict[str, str]) -> int:
    """新增申請人 of a 多次證 group: the single-entry permit is looked up, the applicant prefilled from its case."""
    app = await _draft(actor, application_id)
    match = await find_single_entry_permit(actor, form.get("permit_no", ""), form.get("entry_date", ""))
    await _not_yet_converted(actor, match.permit_no)
    source = await Case.select().where(Case.id == match.case_id).output(load_json=True).first()
    assert source is not None
    source_fields = (_json(source["data"], {}) or {}).get("fields") or {}
    async with db.write_tx():
        count = await Case.count().where(Case.application == application_id)
        if count >= rules.MAX_MEMBERS:
            raise Refused([_("A group has at most 30 applicants.")])
        t = apply_actions.now()
        fields = {k: str(source_fields.get(k, "")) for k in SINGLE_ENTRY_FIELDS}
        fields |= {"single_permit_no": match.permit_no, "entry_date": match.entry_date.strftime("%Y/%m/%d")}
        case_id = await apply_actions.new_draft_case(
            application_id,
            enrollment_status="",
            data={"fields": fields, "lookup": {"permit_no": match.permit_no}},
            **{k: source[k] for k in SINGLE_ENTRY_COPIED},
        )
        await Application.update({Application.updated_at: t}).where(Application.id == app["id"])
    return case_id


async def _add_renewal_from_form(actor: Actor, application_id: int, form: dict[str, str]) -> int:
    return await add_renewal_applicant(actor, application_id, form.get("ui_no", ""))


# The lookups that add an applicant, by the offering's `lookup_kind` (data on the offering, no branch per line)
LOOKUPS = {"certificate": _add_renewal_from_form, "single_entry_permit": add_multiple_entry_applicant}


async def add_looked_up_applicant(actor: Actor, application_id: int, form: dict[str, str]) -> int:
    """新增申請人 of an offering that starts with a lookup (換證, 多次證)."""
    app = await _draft(actor, application_id)
    offering = offerings.of(app)
    if not offering.lookup or offering.lookup_kind not in LOOKUPS:
        raise NotFound
    return await LOOKUPS[offering.lookup_kind](actor, application_id, form)


ui_no_problem = pipeline.ui_no_problem  # the pipeline's (the supplement's form asks it too)

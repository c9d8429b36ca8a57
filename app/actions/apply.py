"""Writes of a group application (首次申請): the draft, its three steps, applicants, files, and submit.

Every function takes an Actor, checks scope through `app.queries.apply` (out of scope: NotFound,
answered as 404), runs in one transaction (`db.write_tx()`), and refuses to change a group that
has been submitted (NotEditable).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app import db
from app.actions import cases as pipeline
from app.domain import applicant as rules
from app.domain import numbering, offerings, workflow
from app.domain import validators as v
from app.domain.actor import Actor
from app.domain.addresses import ADDRESS_PARTS
from app.domain.profiles import REQUIRED, check_address
from app.errors import Conflict, NotFound, Refused  # noqa: F401  (re-exported)
from app.i18n import format_datetime, get_locale, use_locale
from app.i18n import gettext as _
from app.queries import apply as q
from app.queries.scope import application_scope
from app.queries.stations import open_station
from app.services import uploads
from app.services.mail import Mail, subject_line
from app.settings import settings
from tables.tables import Account, Application, Attachment, Case, DocumentCounter, School

log = logging.getLogger("arc.numbering")

MAX_FILES_PER_KIND = 10


class NotEditable(Conflict):
    """The group has been submitted: it can be viewed, no longer edited."""


Upload = pipeline.Upload  # the pipeline's upload (kept under this name for the handlers)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    from app.i18n import TAIPEI

    return datetime.now(TAIPEI).date()


def _role(actor: Actor) -> workflow.Role:
    return workflow.Role.STUDENT if actor.kind == "student" else workflow.Role.SCHOOL


async def _draft(actor: Actor, application_id: int) -> dict[str, Any]:
    app = await q.get_application(actor, application_id)
    if app is None:
        raise NotFound
    if not q.is_draft(app):
        raise NotEditable
    return app


async def new_draft_case(application_id: int, **values: Any) -> int:
    """A new applicant of a draft group (新增申請人, from the roster or a lookup): the one place a draft Case is
    made. The caller holds the write transaction and touches the group."""
    t = now()
    case = Case(
        application=application_id,
        status=workflow.Status.DRAFT,
        complete=False,
        created_at=t,
        updated_at=t,
        **values,
    )
    await case.save()
    return case.id


async def _touch(application_id: int) -> None:
    await Application.update({Application.updated_at: now()}).where(Application.id == application_id)


# The draft and its first two steps --------------------------------------------------------------


async def create_draft(
    actor: Actor, *, terms_accepted: bool, line: str = "foreign", kind: str = "first"
) -> int:
    """我要申請 → 同意條款: a new draft, the submitter prefilled from the signed-in account."""
    if not actor.is_school or not actor.school_id:
        raise NotFound
    if not terms_accepted:
        raise Refused([_("Tick the box to agree to the terms before you go on.")])
    if offerings.get(line, kind) is None:
        raise NotFound
    account = await Account.select().where(Account.id == actor.account_id).first()
    if account is None:
        raise NotFound
    address = {p: account[f"addr_{p}"] or "" for p in ADDRESS_PARTS}
    if not any(address.values()):  # a main account keeps no address of its own: the school's (機關組織)
        school = await School.select().where(School.id == actor.school_id).first()
        address = {p: (school or {}).get(f"addr_{p}") or "" for p in ADDRESS_PARTS}
    t = now()
    row = Application(
        business_line=line,
        kind=kind,
        name="",
        member_count=1,
        pickup_method="self",
        station_code="",
        school=actor.school_id,
        created_by=actor.account_id,
        submitter_name=account["name"],
        submitter_national_id=account["national_id"],
        submitter_phone=account["phone"] or account["mobile"],
        submitter_email=account["email"],
        submitter_addr=address,
        status=workflow.Status.DRAFT,
        terms_accepted_at=t,
        created_at=t,
        updated_at=t,
    )
    async with db.write_tx():
        await row.save()
    return row.id


def check_submitter(data: dict[str, str]) -> dict[str, str]:
    errors: dict[str, object] = {}
    if not data.get("submitter_name"):
        errors["submitter_name"] = REQUIRED
    elif len(data["submitter_name"]) > 100:
        errors["submitter_name"] = _("Too long.")
    nid = v.clean_id(data.get("submitter_national_id"))
    if not nid:
        errors["submitter_national_id"] = REQUIRED
    elif not v.is_national_id(nid):
        errors["submitter_national_id"] = _(
            "This national ID number is not valid (check its letters and its last digit)."
        )
    phone = data.get("submitter_phone", "")
    if not phone:
        errors["submitter_phone"] = REQUIRED
    elif not v.is_phone(phone):
        errors["submitter_phone"] = _("Write a phone number such as 02-23456789 or 0912345678.")
    email = data.get("submitter_email", "")
    if not email:
        errors["submitter_email"] = REQUIRED
    elif not v.is_email(email):
        errors["submitter_email"] = _("Write an email address such as name@example.edu.tw.")
    out = {k: str(m) for k, m in errors.items()}
    out.update(check_address(data, "addr"))
    return out


async def save_submitter(actor: Actor, application_id: int, data: dict[str, str]) -> dict[str, str]:
    """Step 送件人. Returns {field: message}; empty means saved."""
    await _draft(actor, application_id)
    errors = check_submitter(data)
    if errors:
        return errors
    async with db.write_tx():
        await Application.update(
            {
                Application.submitter_name: data["submitter_name"],
                Application.submitter_national_id: v.clean_id(data["submitter_national_id"]),
                Application.submitter_phone: data["submitter_phone"],
                Application.submitter_email: data["submitter_email"],
                Application.submitter_addr: {p: data.get(f"addr_{p}", "") for p in ADDRESS_PARTS},
                Application.updated_at: now(),
            }
        ).where(Application.id == application_id)
    return {}


def check_details(data: dict[str, str]) -> dict[str, str]:
    errors: dict[str, object] = {}
    name = data.get("name", "")
    if not name:
        errors["name"] = REQUIRED
    elif len(name) > 100:
        errors["name"] = _("Too long (at most %(n)d characters).", n=100)
    count_problem = rules.check_member_count(data.get("member_count", ""))
    if count_problem:
        errors["member_count"] = count_problem
    if data.get("pickup_method", "self") != "self":
        errors["pickup_method"] = REQUIRED
    station = data.get("station_code", "")
    if not station:
        errors["station_code"] = REQUIRED
    elif open_station(station) is None:
        errors["station_code"] = _("Choose a service station from the list.")
    return {k: str(m) for k, m in errors.items()}


async def save_details(
    actor: Actor, application_id: int, data: dict[str, str], files: list[Upload]
) -> dict[str, str]:
    """Step 申請資料 (with its documents). Files that pass are kept even when a field is wrong."""
    app = await _draft(actor, application_id)
    errors = check_details(data)
    async with db.write_tx():
        errors.update(await _store_uploads(actor, app, None, files, allowed=_group_kinds(app)))
        if not check_details(data):
            await Application.update(
                {
                    Application.name: data["name"],
                    Application.member_count: int(data["member_count"]),
                    Application.pickup_method: "self",
                    Application.station_code: data["station_code"],
                    Application.updated_at: now(),
                }
            ).where(Application.id == application_id)
        present = {
            a["kind"]
            for a in await Attachment.select(Attachment.kind).where(
                (Attachment.application == application_id) & Attachment.case.is_null()
            )
        }
        for doc in offerings.check_group(
            offerings.of(app), present, self_filed=app.get("student") is not None
        ):
            errors.setdefault(f"doc_{doc}", str(REQUIRED))
    return errors


def _group_kinds(app: dict[str, Any]) -> set[str]:
    return {d.doc for d in offerings.of(app).group_documents}


# Files ------------------------------------------------------------------------------------------


async def _store_uploads(
    actor: Actor, app: dict[str, Any], case_id: int | None, files: list[Upload], *, allowed: set[str]
) -> dict[str, str]:
    return await pipeline.store_uploads(actor, app["id"], case_id, files, allowed)


async def upload_attachment(
    actor: Actor, application_id: int, case_id: int | None, upload: Upload
) -> dict[str, str]:
    """One file for the group or one applicant; {} when stored, else the message under its field key."""
    app = await _draft(actor, application_id)
    async with db.write_tx():
        if case_id is None:
            return await _store_uploads(actor, app, None, [upload], allowed=_group_kinds(app))
        case = await q.get_applicant(actor, application_id, case_id)
        if case is None:
            raise NotFound
        errors = await _store_uploads(actor, app, case_id, [upload], allowed=offerings.all_document_kinds())
        await _recompute(app, case)
        await _touch(application_id)
    return errors


async def remove_attachment(actor: Actor, application_id: int, attachment_id: int) -> None:
    """Remove one file before the group is submitted."""
    app = await _draft(actor, application_id)
    row = await q.get_attachment(actor, attachment_id)
    if row is None or row["application"] != application_id:
        raise NotFound
    async with db.write_tx():
        await Attachment.delete().where(Attachment.id == attachment_id)
        if row["case"] is not None:
            case = await Case.select().where(Case.id == row["case"]).first()
            if case is not None:
                await _recompute(app, case)
        await _touch(application_id)
    await uploads.delete(row["stored_name"])


# Applicants -------------------------------------------------------------------------------------


async def add_applicant(actor: Actor, application_id: int, identity: str) -> int:
    """新增申請人: first the identity (僑生 / 外生), then the form."""
    app = await _draft(actor, application_id)
    if offerings.of(app).lookup:  # 換證: the lookup adds the applicant (app.actions.kinds)
        raise NotFound
    if identity not in offerings.of(app).identities:
        raise Refused([_("Choose the identity: overseas Chinese student or foreign student.")])
    async with db.write_tx():
        count = await Case.count().where(Case.application == application_id)
        if count >= rules.MAX_MEMBERS:
            raise Refused([_("A group has at most 30 applicants.")])
        case_id = await new_draft_case(application_id, identity=identity, data={})
        await _touch(application_id)
    return case_id


async def _recompute(app: dict[str, Any], case: dict[str, Any]) -> dict[str, str]:
    """Completeness (資料完成度) of a stored case from its data and files; returns its problems."""
    problems = await pipeline.stored_check(app, case)
    complete = not problems
    if complete != case["complete"]:
        await Case.update({Case.complete: complete, Case.version: Case.version + 1}).where(
            Case.id == case["id"]
        )
        case["complete"] = complete
    return problems


async def save_applicant(
    actor: Actor,
    application_id: int,
    case_id: int,
    data: dict[str, str],
    files: list[Upload] | None = None,
    *,
    changes: list[str] | None = None,
    remove: list[int] | None = None,
) -> dict[str, str]:
    """資料儲存 (and the autosave) of any offering's applicant: removes the files asked, stores what was
    typed even when incomplete or wrong, and the files, then recomputes 資料完成度. Returns every problem
    left ({} means 已完成)."""
    app = await _draft(actor, application_id)
    case = await q.get_applicant(actor, application_id, case_id)
    if case is None:
        raise NotFound
    wanted = list(changes or [])
    for att in remove or []:
        await remove_attachment(actor, application_id, att)
    form = pipeline.normalise(app, case, data)
    async with db.write_tx():
        # One save of a case at a time: an autosave that reached another node while 資料儲存 stored the files
        # would otherwise check the files present before they are committed and write 未完成 over 已完成.
        await db.lock_for_update(Case.select(Case.id).where(Case.id == case_id))
        case = await q.get_applicant(actor, application_id, case_id) or case
        allowed = {d.doc for d in offerings.of(app).documents} | {"photo"}
        upload_errors = await _store_uploads(actor, app, case_id, files or [], allowed=allowed)
        problems = await pipeline.full_check(
            app, case, form, await pipeline.present_kinds(application_id, case_id), wanted, on=today()
        )
        update = pipeline.record_update(app, case, form, wanted)
        update[Case.complete] = not problems and not upload_errors
        update[Case.updated_at] = now()
        update[Case.version] = Case.version + 1
        await Case.update(update).where(Case.id == case_id)
        await _touch(application_id)
    problems.update(upload_errors)  # a refused file's own message wins over "required"
    return rules.order_errors(problems)


async def delete_applicant(actor: Actor, application_id: int, case_id: int) -> None:
    await _draft(actor, application_id)
    if await q.get_applicant(actor, application_id, case_id) is None:
        raise NotFound
    names = [
        a["stored_name"]
        for a in await Attachment.select(Attachment.stored_name).where(Attachment.case == case_id)
    ]
    async with db.write_tx():
        await Case.delete().where((Case.id == case_id) & (Case.application == application_id))
        await _touch(application_id)
    for name in names:
        await uploads.delete(name)


async def delete_draft(actor: Actor, application_id: int) -> None:
    """刪除 a draft with its applicants and files."""
    await _draft(actor, application_id)
    names = [
        a["stored_name"]
        for a in await Attachment.select(Attachment.stored_name).where(
            Attachment.application == application_id
        )
    ]
    async with db.write_tx():
        await Application.delete().where(
            (Application.id == application_id)
            & Application.group_no.is_null()
            & (Application.status == workflow.Status.DRAFT)
        )
    for name in names:
        await uploads.delete(name)


# From the roster --------------------------------------------------------------------------------

# roster category (app.domain.roster) -> identity of the foreign-students line; other categories
# (mainland, Hong Kong, Macau) belong to other business lines and are not offered here.
ROSTER_IDENTITY = {"FG": "foreign", "FO": "overseas"}
ROSTER_PROGRAMS = {"D": "doctorate", "M": "master", "B": "bachelor", "A": "associate", "L": "language"}


async def add_from_roster(actor: Actor, application_id: int, entry_ids: list[int]) -> list[int]:
    """從名冊加入: each ticked roster row becomes an applicant with what the roster knows filled in."""
    app = await _draft(actor, application_id)
    offering = offerings.of(app)
    if offering.applicants_pages != "first" and not offering.roster_picker:
        raise NotFound
    try:
        from app.queries.roster import list_roster_for_picker
    except ImportError as exc:  # the roster is not installed in this build
        raise NotFound from exc
    wanted = sorted(set(entry_ids))
    if not wanted:
        raise Refused([_("Tick at least one student.")])
    rows = await list_roster_for_picker(actor, ids=wanted, limit=None)
    if len(rows) != len(wanted) or any(r["category"] not in roster_categories(offering) for r in rows):
        raise NotFound
    created: list[int] = []
    async with db.write_tx():
        count = await Case.count().where(Case.application == application_id)
        if count + len(rows) > rules.MAX_MEMBERS:
            raise Refused(
                [
                    _(
                        "A group has at most 30 applicants; %(n)d more can be added.",
                        n=max(0, rules.MAX_MEMBERS - count),
                    )
                ]
            )
        for r in sorted(rows, key=lambda r: wanted.index(r["id"])):
            created.append(await new_draft_case(application_id, **roster_case(offering, r)))
        await _touch(application_id)
    return created


def roster_categories(offering: offerings.Offering) -> tuple[str, ...]:
    """The roster categories a group of this offering draws from (外生: FG, FO; 陸生: CN; 港澳生: HK, MO)."""
    if offering.applicants_pages == "first":
        return tuple(c for c in offering.roster_categories if c in ROSTER_IDENTITY)
    return offering.roster_categories


def roster_case(offering: offerings.Offering, r: dict[str, Any]) -> dict[str, Any]:
    """A new case's columns and data from one roster row, as the offering's form keeps them: the identity of
    the row's category, and the row's identifiers in the offering's fields (`Offering.roster_fields`)."""
    values = roster_values(r)
    data: dict[str, Any] = {"roster_entry": r["id"]}
    if offering.applicants_pages != "first":
        values["identity"] = offering.category_identities.get(r["category"]) or next(
            iter(offering.identities)
        )
        fields: dict[str, str] = {}
        for column, name in offering.roster_fields.items():
            value = str(r.get(column) or "")
            if name in rules.TEXT_FIELDS:
                values[name] = value[: rules.COLUMN_LENGTHS[name]]
            else:
                fields[name] = value
        data["fields"] = fields
    return values | {"data": data}


def roster_values(r: dict[str, Any]) -> dict[str, Any]:
    """The columns of a new case from one roster row (what the roster does not know stays empty)."""
    nationality = (r.get("nationality") or "").upper()
    grade = r.get("grade") or ""
    status = r.get("status") or ""
    gender = r.get("gender") or ""
    return {
        "identity": ROSTER_IDENTITY.get(r.get("category") or "", "foreign"),
        "name_zh": (r.get("name_zh") or "")[:100],
        "no_chinese_name": not r.get("name_zh"),
        "name_en": (r.get("name_en") or "").upper()[:100],
        "birth_date": r.get("birth_date") if isinstance(r.get("birth_date"), date) else None,
        "gender": gender if gender in rules.GENDERS else "",
        "nationality": nationality if rules.is_country(nationality) and nationality != "TW" else "",
        "passport_no": v.clean_id(r.get("passport_no") or "")[:20],
        "program": ROSTER_PROGRAMS.get(r.get("program") or "", ""),
        "grade": grade if grade in rules.GRADES else "",
        "enrollment_status": status if status in rules.ENROLLMENT else "",
    }


# Submit -----------------------------------------------------------------------------------------


@dataclass
class SubmitResult:
    application_id: int
    group_no: str
    receipt_nos: list[str] = field(default_factory=list)
    already: bool = False  # a second click: nothing was done
    mail: Mail | None = None  # to send after the commit


async def next_sequence(kind: str, year: int, code: str) -> int:
    """The next number of a (kind, year, code) counter (never max()+1).

    PostgreSQL: a database sequence per counter (`nextval` takes no row lock, so concurrent submits never wait
    for each other's commit; a rolled-back submit leaves a gap, which numbers may have). SQLite: the counter
    row, under the IMMEDIATE write transaction that already serialises writers. At 80% of the counter's
    capacity (app.domain.numbering) the supervisors are warned.
    """
    key = f"{kind}:{year}:{code}"
    if db.is_postgres():
        value = await db.sequence_next(counter_sequence(key), start_after=await _counter_row_value(key))
    else:
        await DocumentCounter.insert(DocumentCounter(key=key, value=0)).on_conflict(action="DO NOTHING")
        rows = await db.lock_for_update(
            DocumentCounter.select(DocumentCounter.id, DocumentCounter.value).where(
                DocumentCounter.key == key
            )
        )
        value = rows[0]["value"] + 1
        await DocumentCounter.update({DocumentCounter.value: value}).where(
            DocumentCounter.id == rows[0]["id"]
        )
    if numbering.should_alert(kind, code, value):
        log.warning(
            "number capacity: counter %s at %d of %d (%.0f%%): tell the agency before it runs out",
            key,
            value,
            numbering.capacity(kind, code),
            100 * numbering.usage(kind, code, value),
        )
    return value


counter_sequence = numbering.counter_sequence  # pure: app.domain.numbering (queries read it too)


async def _counter_row_value(key: str) -> int:
    """A counter kept as a row before its sequence existed (a database moved from the row counters)."""
    row = await DocumentCounter.select(DocumentCounter.value).where(DocumentCounter.key == key).first()
    return row["value"] if row else 0


def group_problems(app: dict[str, Any], present_kinds: set[str]) -> list[str]:
    """Whether the group's own steps are done (送件人, 申請資料 with its documents).

    A student's own application (a group of one) has no submitter step and no power of attorney:
    only the pick-up station is asked for."""
    problems: list[str] = []
    if app.get("student"):
        station = app["station_code"]
        if not station or open_station(station) is None:
            problems.append(_("Choose the service station where the card will be collected (領證地點)."))
        return problems
    submitter = {
        "submitter_name": app["submitter_name"],
        "submitter_national_id": app["submitter_national_id"],
        "submitter_phone": app["submitter_phone"],
        "submitter_email": app["submitter_email"],
    }
    addr = app["submitter_addr"]
    addr = json.loads(addr) if isinstance(addr, str) else (addr or {})
    submitter.update({f"addr_{p}": addr.get(p, "") for p in ADDRESS_PARTS})
    if check_submitter(submitter):
        problems.append(_("The submitter's data (送件人) is not complete."))
    details = {
        "name": app["name"],
        "member_count": str(app["member_count"]),
        "station_code": app["station_code"],
    }
    if check_details(details):
        problems.append(_("The application data (申請資料) is not complete."))
    if offerings.check_group(offerings.of(app), present_kinds):
        problems.append(_("The power of attorney (委託書) has not been uploaded."))
    return problems


async def submit_application(actor: Actor, application_id: int, locale: str | None = None) -> SubmitResult:
    """送出 of a group of any offering (school or student, first or further kind): in one transaction the
    group gets its 團號, each applicant a 收件號, every case goes to 待初審 with a ReviewEvent. A second call for the same group (double click) does nothing and answers
    the same 團號. The mail to the submitter is returned, to be sent after the commit."""
    locale = locale or get_locale()
    async with db.write_tx():
        rows = await db.lock_for_update(
            Application.select(Application.id).where(
                (Application.id == application_id) & application_scope(actor)
            )
        )
        if not rows:
            raise NotFound
        app = await q.get_application(actor, application_id)
        assert app is not None
        if not q.is_draft(app):
            if app["group_no"]:
                return SubmitResult(application_id, app["group_no"], already=True)
            raise NotEditable
        cases = (
            await Case.select()
            .where(Case.application == application_id)
            .order_by(Case.id)
            .output(load_json=True)
        )
        incomplete = 0
        for case in cases:
            if await pipeline.stored_check(app, case):  # the one check, with the case's stored files
                incomplete += 1
        group_kinds = {
            a["kind"]
            for a in await Attachment.select(Attachment.kind).where(
                (Attachment.application == application_id) & Attachment.case.is_null()
            )
        }
        problems = group_problems(app, group_kinds) + rules.submit_problems(
            app["member_count"], len(cases), incomplete
        )
        if problems:
            raise Refused(problems)
        t = now()
        group_no, receipt_nos = await number_and_submit(actor, app, cases, t, {Case.complete: True})
    mail = None
    if app["submitter_email"]:
        mail = submitted_mail(app, group_no, receipt_nos, t, locale)
    return SubmitResult(application_id, group_no, receipt_nos, mail=mail)


async def number_and_submit(
    actor: Actor,
    app: dict[str, Any],
    cases: list[dict[str, Any]],
    t: datetime,
    case_values: dict[Any, Any] | None = None,
) -> tuple[str, list[str]]:
    """送出's writes, in the caller's transaction, for a group already checked complete: its 團號, each case's
    收件號 and next status (through the workflow) with a ReviewEvent, the group's own status. Every kind's
    submit goes through here. `case_values`: more columns to set on each case."""
    offering = offerings.of(app)
    code = offering.numbering_code
    d = today()
    group_no = numbering.group_no(d, code, await next_sequence("group", numbering.roc_year(d), code))
    # the receiving unit counts its own 收件號: the offering's own (陸生: 花蓮縣服務站), else the group's station
    office = numbering.office_code(offering.receiving_unit or app.get("station_code"))
    role = _role(actor)
    new_group_status = workflow.apply(app["status"], "submit", role)
    receipt_nos: list[str] = []
    for case in cases:
        to = workflow.apply(case["status"], "submit", role)
        receipt = numbering.receipt_no(
            d, await next_sequence("receipt", numbering.roc_year(d), office), office
        )
        receipt_nos.append(receipt)
        await Case.update(
            {
                Case.status: to,
                Case.receipt_no: receipt,
                Case.submitted_at: t,
                Case.updated_at: t,
                Case.version: Case.version + 1,
                **(case_values or {}),
            }
        ).where(Case.id == case["id"])
        await pipeline.record_actor_event(actor, app["id"], case["id"], case["status"], "submit", to, t)
    await db.update_versioned(
        Application,
        app["id"],
        app["version"],
        {
            Application.group_no: group_no,
            Application.status: new_group_status,
            Application.submitted_at: t,
            Application.updated_at: t,
        },
    )
    return group_no, receipt_nos


def submitted_mail(
    app: dict[str, Any], group_no: str, receipt_nos: list[str], when: datetime, locale: str
) -> Mail:
    with use_locale(locale):
        receipts = receipt_nos[0] if len(receipt_nos) == 1 else f"{receipt_nos[0]} - {receipt_nos[-1]}"
        subject = subject_line(_("Application submitted: group no. %(group_no)s", group_no=group_no))
        body = "\n".join(
            [
                _("Dear %(name)s,", name=app["submitter_name"]),
                "",
                _("Your application has been submitted to the National Immigration Agency."),
                "",
                _("Application name: %(name)s", name=app["name"]),
                _("Group no.: %(group_no)s", group_no=group_no),
                _("Applicants: %(n)d", n=len(receipt_nos)),
                _("Receipt nos.: %(receipts)s", receipts=receipts),
                _("Submitted at: %(time)s", time=format_datetime(when)),
                "",
                _(
                    "Review takes about 5 working days. If documents must be supplemented you will be notified by email; "
                    "answer within 3 working days of the notice."
                ),
                _("Follow the progress at %(url)s", url=f"{settings.public_base_url}/"),
                "",
                _(
                    "National Immigration Agency, Ministry of the Interior (this message was sent automatically; "
                    "please do not reply)."
                ),
            ]
        )
    return Mail(to=app["submitter_email"], subject=subject, body=body)

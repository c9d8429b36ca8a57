"""退補正: the applicant answers a return for supplement, for one case or for the group's own data.

A round (`SupplementChange`) begins with the first save: it keeps the fields and files as they were.
Saving stores what is valid (fields) and every file that passes the upload check, and removes the
files ticked. 變更資料 (`send=True`) needs everything complete and a reply to the reviewer; it moves
the case (or the group) back to the review stage that returned it through `workflow.apply`
("resubmit" / "resubmit_group"), writes the ReviewEvent with the reply, stores what changed (fields
before/after, files added and removed) for the reviewer, and emails the submitter after the commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app import db
from app.actions import cases as pipeline
from app.actions.apply import Upload, check_details, check_submitter
from app.actions.withdraw import recipients, role_of
from app.domain import offerings, workflow
from app.domain import supplement as change_rules
from app.domain import validators as v
from app.domain.actor import Actor
from app.domain.addresses import ADDRESS_PARTS
from app.domain.profiles import REQUIRED
from app.errors import Conflict, NotFound  # noqa: F401  (re-exported: actions.<module>.NotFound)
from app.i18n import TAIPEI, format_datetime, use_locale
from app.i18n import gettext as _
from app.queries import progress as q
from app.queries.scope import application_scope
from app.services import uploads
from app.services.mail import Mail, subject_line
from app.settings import settings
from tables.tables import Application, Attachment, Case, ReviewEvent, SupplementChange

REPLY_MAX = 2000
MAX_FILES_PER_KIND = 10


class NotReturned(Conflict):
    """The case or group is not (or no longer) waiting for a supplement."""


@dataclass
class Result:
    errors: dict[str, str] = field(default_factory=dict)
    sent: bool = False
    mails: list[Mail] = field(default_factory=list)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(TAIPEI).date()


def _json(value: Any, empty: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value or json.dumps(empty))
    return value if value is not None else empty


async def _group(actor: Actor, application_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = Application.select().where(
        application_scope(actor) & (Application.id == application_id) & Application.group_no.is_not_null()
    )
    rows = await (db.lock_for_update(query) if lock else query)
    if not rows:
        raise NotFound
    return rows[0]


async def _case(application_id: int, case_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = Case.select().where((Case.id == case_id) & (Case.application == application_id))
    rows = await (db.lock_for_update(query) if lock else query)
    if not rows:
        raise NotFound
    row = rows[0]
    row["data"] = _json(row.get("data"), {})
    row["address"] = _json(row.get("address"), {})
    return row


def _file_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["id"], "kind": r["kind"], "name": r["original_name"]} for r in rows]


async def _files(application_id: int, case_id: int | None) -> list[dict[str, Any]]:
    clause = Attachment.application == application_id
    clause = clause & (Attachment.case.is_null() if case_id is None else Attachment.case == case_id)
    return (
        await Attachment.select(
            Attachment.id, Attachment.kind, Attachment.original_name, Attachment.stored_name
        )
        .where(clause)
        .order_by(Attachment.id)
    )


async def _round(
    application_id: int, case_id: int | None, fields: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """The open round of this case (group), begun now with a snapshot when there is none."""
    row = await q.get_open_round(application_id, case_id)
    if row is not None:
        return row
    files = _file_rows(await _files(application_id, case_id))
    returned = (
        await ReviewEvent.select(ReviewEvent.id)
        .where(
            (ReviewEvent.application == application_id)
            & ReviewEvent.action.is_in(list(q.RETURNS))
            & (ReviewEvent.case.is_null() if case_id is None else ReviewEvent.case == case_id)
        )
        .order_by(ReviewEvent.id, ascending=False)
        .first()
    )
    new = SupplementChange(
        application=application_id,
        case=case_id,
        returned_event=returned["id"] if returned else None,
        before={"fields": fields, "files": files},
        actor_label=actor.label[:100],
        created_at=now(),
    )
    await new.save()
    return (await q.get_open_round(application_id, case_id)) or {}


async def _remove_files(application_id: int, case_id: int | None, ids: list[int]) -> list[str]:
    """Remove the files ticked (only this case's, or the group's own); their stored names, to delete after."""
    if not ids:
        return []
    clause = (Attachment.application == application_id) & Attachment.id.is_in(ids)
    clause = clause & (Attachment.case.is_null() if case_id is None else Attachment.case == case_id)
    rows = await Attachment.select(Attachment.id, Attachment.stored_name).where(clause)
    if rows:
        await Attachment.delete().where(Attachment.id.is_in([r["id"] for r in rows]))
    return [r["stored_name"] for r in rows]


async def _store(
    actor: Actor, application_id: int, case_id: int | None, files: list[Upload], allowed: set[str]
) -> dict[str, str]:
    """Check and store each new file (a replaced photo's file stays: the round's snapshot shows it)."""
    return await pipeline.store_uploads(actor, application_id, case_id, files, allowed, keep_replaced=True)


def _check_reply(reply: str) -> tuple[str, dict[str, str]]:
    reply = (reply or "").strip().replace("\r\n", "\n")
    if not reply:
        return reply, {
            "reply": _("Write a reply to the reviewer: what you corrected, or why nothing needed to change.")
        }
    if len(reply) > REPLY_MAX:
        return reply, {"reply": _("At most %(n)d characters.", n=REPLY_MAX)}
    return reply, {}


# One case ---------------------------------------------------------------------------------------


case_snapshot = pipeline.snapshot
case_form = pipeline.form_of


case_documents = pipeline.documents


def _case_problems(
    app: dict[str, Any], case: dict[str, Any], form: dict[str, str], changes: list[str], present: set[str]
) -> dict[str, str]:
    """Every problem of the case's data as the applicant would now send it (the one check)."""
    return pipeline.check(app, case, form, present, changes, on=today())


def _case_values(app: dict[str, Any], case: dict[str, Any], form: dict[str, str], changes: list[str]) -> dict:
    """The `Case` update that stores the supplement's form."""
    return pipeline.record_update(app, case, form, changes)


def normalise_case_form(app: dict[str, Any], case: dict[str, Any], data: dict[str, str]) -> dict[str, str]:
    return pipeline.normalise(app, case, data)


async def save_case(
    actor: Actor,
    application_id: int,
    case_id: int,
    data: dict[str, str],
    *,
    changes: list[str] | None = None,
    files: list[Upload] | None = None,
    remove: list[int] | None = None,
    send: bool = False,
) -> Result:
    """補正 of one case: store the valid fields and the files, remove the files ticked; with `send`
    (變更資料) also check everything, and send it back to the review stage that returned it."""
    role = role_of(actor)
    changes = list(changes or [])
    to_delete: list[str] = []
    async with db.write_tx():
        app = await _group(actor, application_id)
        case = await _case(application_id, case_id, lock=True)
        if case["status"] not in workflow.SUPPLEMENT:
            raise NotReturned
        form = normalise_case_form(app, case, data)
        round_ = await _round(application_id, case_id, case_snapshot(app, case), actor)
        to_delete = await _remove_files(application_id, case_id, remove or [])
        allowed = (
            {"photo"}
            | {d.doc for d in case_documents(app, case, form, changes)}
            | set(offerings.all_document_kinds())
        )
        upload_errors = await _store(actor, application_id, case_id, files or [], allowed)
        present = {f["kind"] for f in await _files(application_id, case_id)}
        problems = _case_problems(app, case, form, changes, present)
        if (
            offerings.of(app).known_certificate
            and form.get("ui_no") != case["ui_no"]
            and "ui_no" not in problems
        ):
            from app.actions.kinds import ui_no_problem  # the same check as the kind's own form (issue 12)

            if found := await ui_no_problem(app, form.get("ui_no", "")):
                problems["ui_no"] = found
        field_problems = {k: m for k, m in problems.items() if k != "photo" and not k.startswith("doc_")}
        at = now()
        if not field_problems:
            update = _case_values(app, case, form, changes)
            update[Case.updated_at] = at
            update[Case.complete] = not problems
            await db.update_versioned(Case, case_id, case["version"], update)
            case["version"] += 1
        errors = dict(problems)
        errors.update(upload_errors)
        reply, reply_errors = _check_reply(data.get("reply", ""))
        result = Result(errors=errors if send else upload_errors | field_problems)
        if send:
            errors.update(reply_errors)
            if errors:
                result.errors = errors
                await SupplementChange.update({SupplementChange.reply: reply[:REPLY_MAX]}).where(
                    SupplementChange.id == round_["id"]
                )
            else:
                after = await _case(application_id, case_id)
                target = workflow.apply(case["status"], "resubmit", role)
                changed = await _finish_round(
                    round_, case_snapshot(app, after), await _files(application_id, case_id), reply, at
                )
                event_id = await _event(
                    app["id"], case_id, case["status"], "resubmit", target, actor, reply, at
                )
                await SupplementChange.update({SupplementChange.event: event_id}).where(
                    SupplementChange.id == round_["id"]
                )
                await db.update_versioned(
                    Case,
                    case_id,
                    case["version"],
                    {Case.status: target, Case.complete: True, Case.updated_at: at},
                )
                await Application.update({Application.updated_at: at}).where(Application.id == application_id)
                result.sent = True
                result.mails = await _mails(app, [after], changed, reply, at, whole_group=False)
        elif reply:
            await SupplementChange.update({SupplementChange.reply: reply[:REPLY_MAX]}).where(
                SupplementChange.id == round_["id"]
            )
    for name in to_delete:
        await uploads.delete(name)
    return result


async def _finish_round(
    round_: dict[str, Any],
    fields_now: dict[str, Any],
    files_now: list[dict[str, Any]],
    reply: str,
    at: datetime,
) -> dict[str, Any]:
    before = round_.get("before") or {}
    fields = change_rules.field_diff(before.get("fields") or {}, fields_now)
    added, removed = change_rules.file_diff(before.get("files") or [], _file_rows(files_now))
    changed = change_rules.summarise(fields, added, removed)
    await SupplementChange.update(
        {
            SupplementChange.changes: changed,
            SupplementChange.files_added: added,
            SupplementChange.files_removed: removed,
            SupplementChange.reply: reply,
            SupplementChange.sent_at: at,
        }
    ).where(SupplementChange.id == round_["id"])
    return changed


async def _event(
    application_id: int,
    case_id: int | None,
    source: str,
    action: str,
    target: str,
    actor: Actor,
    reply: str,
    at: datetime,
) -> int:
    return await pipeline.record_actor_event(
        actor, application_id, case_id, source, action, target, at, reply=reply
    )


# The group's own data ----------------------------------------------------------------------------


def group_fields(app: dict[str, Any]) -> dict[str, Any]:
    addr = _json(app.get("submitter_addr"), {})
    return {
        "submitter_name": app["submitter_name"],
        "submitter_national_id": app["submitter_national_id"],
        "submitter_phone": app["submitter_phone"],
        "submitter_email": app["submitter_email"],
        "submitter_addr": {p: addr.get(p, "") for p in ADDRESS_PARTS},
        "name": app["name"],
        "station_code": app["station_code"],
    }


async def _open_group(actor: Actor, application_id: int) -> dict[str, Any]:
    app = await _group(actor, application_id, lock=True)
    if app["status"] not in workflow.SUPPLEMENT:
        raise NotReturned
    return app


async def save_group_submitter(actor: Actor, application_id: int, data: dict[str, str]) -> dict[str, str]:
    """Step 送件人 of a group supplement. {field: message}; empty means saved."""
    async with db.write_tx():
        app = await _open_group(actor, application_id)
        await _round(application_id, None, group_fields(app), actor)
        errors = check_submitter(data)
        if errors:
            return errors
        await db.update_versioned(
            Application,
            application_id,
            app["version"],
            {
                Application.submitter_name: data["submitter_name"],
                Application.submitter_national_id: v.clean_id(data["submitter_national_id"]),
                Application.submitter_phone: data["submitter_phone"],
                Application.submitter_email: data["submitter_email"],
                Application.submitter_addr: {p: data.get(f"addr_{p}", "") for p in ADDRESS_PARTS},
                Application.updated_at: now(),
            },
        )
    return {}


async def save_group_details(
    actor: Actor,
    application_id: int,
    data: dict[str, str],
    *,
    files: list[Upload] | None = None,
    remove: list[int] | None = None,
    send: bool = False,
) -> Result:
    """Step 申請資料 of a group supplement; with `send` (變更資料) the group goes back to review."""
    role = role_of(actor)
    to_delete: list[str] = []
    async with db.write_tx():
        app = await _open_group(actor, application_id)
        round_ = await _round(application_id, None, group_fields(app), actor)
        details = {
            "name": data.get("name", ""),
            "member_count": str(app["member_count"]),
            "pickup_method": "self",
            "station_code": data.get("station_code", ""),
        }
        errors = check_details(details)
        needed = offerings.needed_group_documents(offerings.of(app), self_filed=app["student"] is not None)
        to_delete = await _remove_files(application_id, None, remove or [])
        errors.update(await _store(actor, application_id, None, files or [], {d.doc for d in needed}))
        at = now()
        if not check_details(details):
            if details["station_code"] != app["station_code"]:  # the desk counts the group at its new station
                db.at_end_of_action(pipeline.refresh_station_tally, app["station_code"])
                db.at_end_of_action(pipeline.refresh_station_tally, details["station_code"])
            await db.update_versioned(
                Application,
                application_id,
                app["version"],
                {
                    Application.name: details["name"],
                    Application.station_code: details["station_code"],
                    Application.updated_at: at,
                },
            )
            app["version"] += 1
        reply, reply_errors = _check_reply(data.get("reply", ""))
        result = Result(errors=errors)
        if send:
            present = {f["kind"] for f in await _files(application_id, None)}
            for doc in offerings.missing(needed, present):
                errors.setdefault(f"doc_{doc}", str(REQUIRED))
            fresh = await _group(actor, application_id)
            if check_submitter(_submitter_form(fresh)):
                errors["submitter"] = _(
                    "The submitter's data (送件人) is not complete: go back one step and correct it."
                )
            errors.update(reply_errors)
            if errors:
                await SupplementChange.update({SupplementChange.reply: reply[:REPLY_MAX]}).where(
                    SupplementChange.id == round_["id"]
                )
            else:
                changed = await _finish_round(
                    round_, group_fields(fresh), await _files(application_id, None), reply, at
                )
                target = workflow.apply(app["status"], "resubmit_group", role)
                event_id = await _event(
                    application_id, None, app["status"], "resubmit_group", target, actor, reply, at
                )
                await SupplementChange.update({SupplementChange.event: event_id}).where(
                    SupplementChange.id == round_["id"]
                )
                await db.update_versioned(
                    Application,
                    application_id,
                    app["version"],
                    {Application.status: target, Application.updated_at: at},
                )
                # The cases returned only with the group go back with it; a case returned on its own
                # waits for its own supplement.
                for c in await db.lock_for_update(
                    Case.select().where(
                        (Case.application == application_id) & Case.status.is_in(list(workflow.SUPPLEMENT))
                    )
                ):
                    last = (
                        await ReviewEvent.select(ReviewEvent.action)
                        .where(ReviewEvent.case == c["id"])
                        .order_by(ReviewEvent.id, ascending=False)
                        .first()
                    )
                    if last is None or last["action"] != "return_group_for_supplement":
                        continue
                    case_target = workflow.apply(c["status"], "resubmit_group", role)
                    await db.update_versioned(
                        Case, c["id"], c["version"], {Case.status: case_target, Case.updated_at: at}
                    )
                    await _event(
                        application_id, c["id"], c["status"], "resubmit_group", case_target, actor, reply, at
                    )
                result.sent = True
                result.mails = await _mails(fresh, [], changed, reply, at, whole_group=True)
        elif reply:
            await SupplementChange.update({SupplementChange.reply: reply[:REPLY_MAX]}).where(
                SupplementChange.id == round_["id"]
            )
        result.errors = errors
    for name in to_delete:
        await uploads.delete(name)
    return result


def _submitter_form(app: dict[str, Any]) -> dict[str, str]:
    addr = _json(app.get("submitter_addr"), {})
    form = {
        k: app[k] or ""
        for k in ("submitter_name", "submitter_national_id", "submitter_phone", "submitter_email")
    }
    form.update({f"addr_{p}": addr.get(p, "") or "" for p in ADDRESS_PARTS})
    return form


# The notice --------------------------------------------------------------------------------------


async def _mails(
    app: dict[str, Any],
    cases: list[dict[str, Any]],
    changed: dict[str, Any],
    reply: str,
    at: datetime,
    *,
    whole_group: bool,
) -> list[Mail]:
    out = []
    for email, language in await recipients(app):
        with use_locale(language):
            subject = subject_line(
                _("Group %(group_no)s: supplement sent back for review", group_no=app["group_no"])
            )
            lines = [
                _("Dear applicant,"),
                "",
                _(
                    "The supplement below has been sent back to the National Immigration Agency and is in review "
                    "again."
                ),
                "",
                _(
                    "Application: %(name)s (group no. %(group_no)s)",
                    name=app["name"],
                    group_no=app["group_no"],
                ),
            ]
            if whole_group:
                lines.append(_("The group's own data (submitter, application data)"))
            for c in cases:
                lines.append(
                    _(
                        "Case %(receipt_no)s: %(name)s",
                        receipt_no=c["receipt_no"] or "",
                        name=c["name_en"] or c["name_zh"],
                    )
                )
            n_fields = len(changed.get("fields") or [])
            lines += [
                _("Sent at: %(time)s", time=format_datetime(at)),
                _(
                    "Fields changed: %(n)d; files added: %(added)d; files removed: %(removed)d",
                    n=n_fields,
                    added=len(changed.get("added") or []),
                    removed=len(changed.get("removed") or []),
                ),
                "",
                _("Your reply to the reviewer:"),
                reply,
                "",
                settings.public_base_url + "/",
                "",
                _(
                    "National Immigration Agency, Ministry of the Interior (this message was sent automatically; "
                    "please do not reply)"
                ),
            ]
            out.append(Mail(to=email, subject=subject, body="\n".join(lines)))
    return out

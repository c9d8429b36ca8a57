"""案件撤銷: withdraw one case (案件撤銷) or a whole group (整團撤銷).

Only cases not yet paid can be withdrawn (the workflow's WITHDRAWABLE statuses), never while an online
payment of the group is under way; a withdrawn case cannot come back. Each withdrawal is one
transaction: the status through `workflow.apply`, a ReviewEvent per case (and one for the group),
and an email to the submitter (and the student of a self-filed case) sent after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app import db
from app.domain import workflow
from app.domain.actor import Actor
from app.domain.workflow import IllegalTransition, Role
from app.i18n import LOCALES, format_datetime, use_locale
from app.i18n import gettext as _
from app.queries import progress as q
from app.queries.scope import application_scope
from app.services.mail import Mail, subject_line
from app.settings import settings
from tables.tables import Account, Application, Case, ReviewEvent, Student


class NotFound(Exception):
    """Not the actor's (answered as 404)."""


class Refused(Exception):
    """The withdrawal cannot be done; `message` says why, for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class Outcome:
    application_id: int
    group_no: str
    case_ids: list[int]
    mails: list[Mail] = field(default_factory=list)


def now() -> datetime:
    return datetime.now(UTC)


def role_of(actor: Actor) -> Role:
    if actor.kind == "student":
        return Role.STUDENT
    if actor.kind == "school":
        return Role.SCHOOL
    raise NotFound


async def _lock_group(actor: Actor, application_id: int) -> dict[str, Any]:
    rows = await db.lock_for_update(
        Application.select().where(
            application_scope(actor) & (Application.id == application_id) & Application.group_no.is_not_null()
        )
    )
    if not rows:
        raise NotFound
    return rows[0]


def _paid_message() -> str:
    return _("Paid cases cannot be withdrawn: no refund is made after payment.")


async def _refuse_while_paying(application_id: int) -> None:
    if await q.payment_pending(application_id):
        raise Refused(
            _(
                "An online payment of this group is under way. Wait until it is finished or has expired, "
                "then try again."
            )
        )


async def withdraw_case(actor: Actor, case_id: int) -> Outcome:
    """撤銷 one case of a submitted group."""
    role = role_of(actor)
    async with db.write_tx():
        found = await Case.select(Case.application).where(Case.id == case_id).first()
        if found is None:
            raise NotFound
        app = await _lock_group(actor, found["application"])
        rows = await db.lock_for_update(Case.select().where(Case.id == case_id))
        case = rows[0]
        if case["status"] in workflow.PAID_OR_LATER:
            raise Refused(_paid_message())
        try:
            target = workflow.apply(case["status"], "withdraw", role)
        except IllegalTransition as exc:
            raise Refused(exc.reason) from exc
        await _refuse_while_paying(app["id"])
        at = now()
        await db.update_versioned(Case, case_id, case["version"], {Case.status: target, Case.updated_at: at})
        await ReviewEvent.insert(
            ReviewEvent(
                application=app["id"],
                case=case_id,
                from_status=case["status"],
                action="withdraw",
                to_status=target,
                actor_kind=actor.kind,
                actor_label=actor.label[:100],
                created_at=at,
            )
        )
        await Application.update({Application.updated_at: at}).where(Application.id == app["id"])
        mails = await _mails(app, [case], whole_group=False, at=at)
    return Outcome(app["id"], app["group_no"] or "", [case_id], mails)


def group_problem(view: q.GroupView) -> str:
    """Why the whole group cannot be withdrawn now ("" when it can); the action checks again under lock."""
    statuses = [c["status"] for c in view.cases]
    if any(s in workflow.PAID_OR_LATER for s in statuses):
        return _(
            "A case of this group has been paid, so the whole group cannot be withdrawn. Withdraw the unpaid "
            "cases one by one under Withdraw cases."
        )
    if not any(s in workflow.WITHDRAWABLE for s in statuses):
        return _("No case of this group can be withdrawn any more (each is closed or already withdrawn).")
    if view.payment_pending:
        return _(
            "An online payment of this group is under way. Wait until it is finished or has expired, then try "
            "again."
        )
    return ""


async def withdraw_group(actor: Actor, application_id: int) -> Outcome:
    """整團撤銷: every open case of the group (and the group) becomes 整團撤銷; refused when a case is paid."""
    role = role_of(actor)
    async with db.write_tx():
        app = await _lock_group(actor, application_id)
        cases = await db.lock_for_update(
            Case.select().where(Case.application == application_id).order_by(Case.id)
        )
        if any(c["status"] in workflow.PAID_OR_LATER for c in cases):
            raise Refused(
                _(
                    "A case of this group has been paid, so the whole group cannot be withdrawn. Withdraw "
                    "the unpaid cases one by one under Withdraw cases."
                )
            )
        open_cases = [c for c in cases if c["status"] in workflow.WITHDRAWABLE]
        if not open_cases:
            raise Refused(
                _("No case of this group can be withdrawn any more (each is closed or already withdrawn).")
            )
        await _refuse_while_paying(application_id)
        at = now()
        group_target = workflow.Status.GROUP_WITHDRAWN
        if app["status"] in workflow.WITHDRAWABLE:
            group_target = workflow.apply(app["status"], "withdraw_group", role)
        await db.update_versioned(
            Application,
            application_id,
            app["version"],
            {Application.status: group_target, Application.updated_at: at},
        )
        await ReviewEvent.insert(
            ReviewEvent(
                application=application_id,
                case=None,
                from_status=app["status"],
                action="withdraw_group",
                to_status=group_target,
                actor_kind=actor.kind,
                actor_label=actor.label[:100],
                created_at=at,
            )
        )
        for c in open_cases:
            target = workflow.apply(c["status"], "withdraw_group", role)
            await db.update_versioned(Case, c["id"], c["version"], {Case.status: target, Case.updated_at: at})
            await ReviewEvent.insert(
                ReviewEvent(
                    application=application_id,
                    case=c["id"],
                    from_status=c["status"],
                    action="withdraw_group",
                    to_status=target,
                    actor_kind=actor.kind,
                    actor_label=actor.label[:100],
                    created_at=at,
                )
            )
        mails = await _mails(app, open_cases, whole_group=True, at=at)
    return Outcome(application_id, app["group_no"] or "", [c["id"] for c in open_cases], mails)


# The notice ------------------------------------------------------------------------------------


async def recipients(app: dict[str, Any]) -> list[tuple[str, str]]:
    """(email, language): the submitter in the language of the account that filed it, and the student of a
    self-filed case in the student's language."""
    out: list[tuple[str, str]] = []
    language = "zh_Hant_TW"
    if app.get("created_by"):
        acc = await Account.select(Account.language).where(Account.id == app["created_by"]).first()
        if acc and acc["language"] in LOCALES:
            language = acc["language"]
    if app.get("student"):
        st = await Student.select(Student.email, Student.language).where(Student.id == app["student"]).first()
        if st and st["email"]:
            out.append((st["email"], st["language"] if st["language"] in LOCALES else language))
    if app.get("submitter_email"):
        out.append((app["submitter_email"], language))
    seen: set[str] = set()
    unique = []
    for email, lang in out:
        if email.lower() not in seen and "@" in email:
            seen.add(email.lower())
            unique.append((email, lang))
    return unique


async def _mails(
    app: dict[str, Any], cases: list[dict[str, Any]], *, whole_group: bool, at: datetime
) -> list[Mail]:
    out = []
    for email, language in await recipients(app):
        with use_locale(language):
            if whole_group:
                subject = subject_line(
                    _("Group %(group_no)s: the whole group has been withdrawn", group_no=app["group_no"])
                )
                what = _("The whole group below has been withdrawn at your request.")
            else:
                subject = subject_line(
                    _("Group %(group_no)s: a case has been withdrawn", group_no=app["group_no"])
                )
                what = _("The case below has been withdrawn at your request.")
            lines = [
                _("Dear applicant,"),
                "",
                what,
                "",
                _(
                    "Application: %(name)s (group no. %(group_no)s)",
                    name=app["name"],
                    group_no=app["group_no"],
                ),
            ]
            for c in cases:
                lines.append(
                    _(
                        "Case %(receipt_no)s: %(name)s",
                        receipt_no=c["receipt_no"] or "",
                        name=c["name_en"] or c["name_zh"],
                    )
                )
            lines += [
                _("Withdrawn at: %(time)s", time=format_datetime(at)),
                "",
                _("A withdrawn case cannot come back; file a new application if needed."),
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

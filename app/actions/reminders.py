"""The reminder jobs (issue 16): remind schools of supplement deadlines and of e-certificates about to expire.

Each run looks at what is due today (`app.domain.reminders`), records every reminder it sends in `reminder` (one row
per case, kind, threshold and due day; a unique index), and writes one mail per school listing its cases, in the
language of the school's main account, each case with the link to its page. Idempotent: a second run the same day,
or one running at the same time, finds the reminders recorded and sends nothing again. A reminder is recorded
before its mail is queued, so a crash in between loses that mail rather than sending it twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from app import db
from app.domain import reminders as rules
from app.domain.calendar import supplement_deadline, taipei_date
from app.i18n import LOCALES, format_date, ngettext, use_locale
from app.i18n import gettext as _
from app.queries import reminders as q
from app.queries.review_calendar import work_calendar
from app.services import mail
from app.services.sessions import now
from app.settings import settings
from tables.tables import Reminder

log = logging.getLogger("arc.reminders")


@dataclass(frozen=True)
class Item:
    case: dict[str, Any]
    due: rules.Due


async def remind_supplement_deadlines(today: date | None = None) -> int:
    """Remind schools of supplements due tomorrow (the working day before) or today. Returns mails sent."""
    today = today or taipei_date(now())
    cal = await work_calendar()
    items = []
    for case in await q.supplement_cases():
        due = rules.supplement_reminder(supplement_deadline(case["notice_at"], cal), today, cal)
        if due is not None:
            items.append(Item(case, due))
    return await _remind(rules.SUPPLEMENT, items)


async def remind_expiring_permits(today: date | None = None) -> int:
    """Remind schools of e-certificates expiring within 30 days (once per certificate). Returns mails sent."""
    today = today or taipei_date(now())
    items = []
    for case in await q.expiring_permits(today, rules.PERMIT_DAYS):
        due = rules.permit_reminder(case["expires_on"], today)
        if due is not None:
            items.append(Item(case, due))
    return await _remind(rules.PERMIT, items)


async def _remind(kind: str, items: list[Item]) -> int:
    by_school: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_school[item.case["school_id"]].append(item)
    sent = 0
    for school_id, school_items in sorted(by_school.items()):
        recipient = await q.school_recipient(school_id)
        if recipient is None:
            log.warning(
                "school %s has no e-mail address: %d %s reminders not sent",
                school_id,
                len(school_items),
                kind,
            )
            continue
        try:
            fresh = await _record(kind, school_id, recipient.email, school_items)
        except Exception:  # another run recorded them meanwhile (the unique index): it sends them
            log.info("%s reminders of school %s recorded by another run", kind, school_id, exc_info=True)
            continue
        if fresh:
            subject, body = render(kind, fresh, recipient.language)
            await mail.send(mail.Mail(to=recipient.email, subject=subject, body=body))
            sent += 1
    return sent


async def _record(kind: str, school_id: int, email: str, items: list[Item]) -> list[Item]:
    """Record the reminders not sent yet (one transaction per school); returns those."""
    fresh = []
    async with db.write_tx():
        for item in items:
            exists = await Reminder.exists().where(
                (Reminder.case == item.case["id"])
                & (Reminder.kind == kind)
                & (Reminder.threshold == item.due.threshold)
                & (Reminder.due_on == item.due.due_on)
            )
            if exists:
                continue
            await Reminder(
                case=item.case["id"],
                school=school_id,
                kind=kind,
                threshold=item.due.threshold,
                due_on=item.due.due_on,
                sent_to=email,
                created_at=now(),
            ).save()
            fresh.append(item)
    return fresh


def _applicant(case: dict[str, Any]) -> str:
    return case["name_en"] or case["name_zh"] or ""


def _case_lines(kind: str, item: Item) -> list[str]:
    case = item.case
    base = settings.public_base_url
    lines = [_("Case %(receipt_no)s: %(name)s", receipt_no=case["receipt_no"] or "", name=_applicant(case))]
    if kind == rules.SUPPLEMENT:
        when = format_date(item.due.due_on)
        if item.due.threshold == rules.DUE_TODAY:
            lines.append("  " + _("Deadline: today, %(date)s", date=when))
        else:
            lines.append("  " + _("Deadline: %(date)s (next working day)", date=when))
        lines.append(f"  {base}/supplement/groups/{case['application_id']}/cases/{case['id']}")
    else:
        lines.append(
            "  "
            + _(
                "E-certificate %(permit_no)s valid until %(date)s",
                permit_no=case["permit_no"],
                date=format_date(item.due.due_on),
            )
        )
        lines.append(f"  {base}/progress/groups/{case['application_id']}/cases/{case['id']}")
    return lines


def render(kind: str, items: list[Item], language: str) -> tuple[str, str]:
    """(subject, body) of one school's reminder in `language`: the cases by group, each with its link."""
    with use_locale(language if language in LOCALES else "zh_Hant_TW"):
        if kind == rules.SUPPLEMENT:
            subject = ngettext(
                "Supplement deadline reminder: %(num)d case",
                "Supplement deadline reminder: %(num)d cases",
                len(items),
            )
            intro = ngettext(
                "The following case returned for supplement must be answered by its deadline. Please sign in, "
                "correct the data and answer the reviewer; a supplement not made in time may be closed as not "
                "accepted.",
                "The following cases returned for supplement must be answered by their deadlines. Please sign in, "
                "correct the data and answer the reviewer; a supplement not made in time may be closed as not "
                "accepted.",
                len(items),
            )
        else:
            subject = ngettext(
                "E-certificate expiring: %(num)d case", "E-certificates expiring: %(num)d cases", len(items)
            )
            intro = _(
                "The electronic resident certificates of the following students expire within %(days)d days. "
                "Once the student has registered, please apply for the resident card (renewal) before the "
                "certificate expires.",
                days=rules.PERMIT_DAYS,
            )
        lines = [_("Dear school contact,"), "", intro]
        groups: dict[int, list[Item]] = defaultdict(list)
        for item in items:
            groups[item.case["application_id"]].append(item)
        for group_items in groups.values():
            first = group_items[0].case
            lines += [
                "",
                _(
                    "Application: %(name)s (group no. %(group_no)s)",
                    name=first["group_name"],
                    group_no=first["group_no"] or "",
                ),
            ]
            for item in sorted(group_items, key=lambda i: i.case["receipt_no"] or ""):
                lines += _case_lines(kind, item)
        lines += [
            "",
            _(
                "National Immigration Agency, Ministry of the Interior (this message was sent automatically; "
                "please do not reply)"
            ),
        ]
        return mail.subject_line(subject), "\n".join(lines)

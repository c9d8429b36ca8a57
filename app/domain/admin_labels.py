"""What the back office (piccolo-admin) calls tables, columns, coded values, menu groups and links, in the
reader's language (issue 15/17).

piccolo-admin takes a column's header from its schema's `title` and a coded value's text from `choices`;
`app.admin_guard` lays these over the JSON it serves, in the language of the request (the site's `lang`
cookie, which the sidebar's language link sets; piccolo-admin's own strings follow it too, because the guard
offers piccolo-admin only that language). Menu groups and sidebar links are registered once with both
languages ("申辦案件 Cases", `both()`) and renamed per request (`menu_group_names`, `sidebar_links`).
What piccolo-admin cannot rename from outside (the tables' names in its menu) is listed in docs/decisions.md.
"""

from __future__ import annotations

import re

from app.domain import workflow
from app.domain.business import BUSINESS_LINES, KINDS
from app.i18n import lazy_gettext as _l
from app.i18n import use_locale

TABLES = {
    "application": _l("Application (group)"),
    "case": _l("Case"),
    "review_event": _l("Review history"),
    "school": _l("School"),
    "account": _l("School account"),
    "reviewer_profile": _l("Reviewer"),
    "reviewer_station": _l("Reviewer's service station"),
    "canned_reason": _l("Canned reason"),
    "holiday": _l("Holiday calendar"),
    "admin_audit": _l("Back-office audit log"),
    "case_claim": _l("Case held by"),
    "desk_setting": _l("Review desk setting"),
    "service_station": _l("Service station"),
}

MENU_GROUPS = {
    "cases": _l("Cases"),
    "master": _l("Master data"),
    "money": _l("Payments"),
    "logs": _l("Logs"),
}
SITE_NAME = _l("Resident certificates online: review back office")
# The sidebar's links to our own pages (label, URL), in the order shown.
LINKS = (
    (_l("Review desk"), "/review/"),
    (_l("Find cases"), "/review/find"),
    (_l("Supervisor's view"), "/review/supervisor"),
    (_l("Two-step verification"), "/review/mfa"),
)
# The column the guard adds to a case's rows: where it is decided (piccolo-admin's rows cannot carry links).
DESK_COLUMN = "desk_page"
DESK_COLUMN_TITLE = _l("Desk page (copy into the address bar)")

# Where a row is worked on, for the table's help text (the admin's rows cannot carry links).
HELP = {
    "case": _l("Decide a case on the review desk: /review/case/<ID> (the same ID as here)."),
    "application": _l("Find a group's cases on the review desk: /review/find?q=<group no.>"),
}

# Column titles shared by every table, then per table.
COMMON = {
    "id": _l("ID"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    "status": _l("Status"),
    "school": _l("School"),
    "application": _l("Application (group)"),
    "case": _l("Case"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "name": _l("Name"),
    "version": _l("Version"),
}
COLUMNS = {
    "application": {
        "group_no": _l("Group no."),
        "business_line": _l("Business line"),
        "kind": _l("Application item"),
        "name": _l("Application name"),
        "member_count": _l("Persons"),
        "station_code": _l("Pickup location"),
        "submitted_at": _l("Submitted on"),
        "submitter_name": _l("Submitter"),
        "created_by": _l("Created by"),
    },
    "case": {
        "receipt_no": _l("Receipt no."),
        "identity": _l("Identity"),
        "name_zh": _l("Chinese name"),
        "name_en": _l("English name"),
        "passport_no": _l("Passport no."),
        "passport_expiry": _l("Passport expiry"),
        "ui_no": _l("UI no."),
        "nationality": _l("Nationality"),
        "birth_date": _l("Date of birth"),
        "submitted_at": _l("Submitted on"),
    },
    "review_event": {
        "from_status": _l("From status"),
        "to_status": _l("To status"),
        "action": _l("Decision"),
        "actor_kind": _l("Actor kind"),
        "actor_label": _l("By"),
        "comment": _l("Comment"),
        "reply": _l("Reply"),
    },
    "school": {
        "business_no": _l("Unified business no."),
        "name_en": _l("English name"),
        "head": _l("Head of the school"),
        "unit": _l("Unit in charge"),
        "fax": _l("Fax"),
    },
    "account": {
        "login_id": _l("Account id"),
        "is_main": _l("Main account"),
        "national_id": _l("National ID"),
        "birthday": _l("Date of birth"),
        "enabled": _l("Enabled"),
        "last_login_at": _l("Last login"),
        "language": _l("Language"),
    },
    "reviewer_profile": {
        "user": _l("Back-office user"),
        "role": _l("Role"),
        "display_name": _l("Display name"),
        "mfa_required": _l("Two-step verification required"),
    },
    "reviewer_station": {"reviewer": _l("Reviewer"), "station_code": _l("Service station")},
    "canned_reason": {
        "kind": _l("Used for"),
        "text_zh": _l("Text (Chinese)"),
        "text_en": _l("Text (English)"),
        "active": _l("In use"),
        "sort": _l("Order"),
    },
    "holiday": {"day": _l("Day"), "kind": _l("Kind of day")},
    "service_station": {
        "code": _l("Station code"),
        "name_zh": _l("Chinese name"),
        "name_en": _l("English name"),
        "active": _l("In use"),
        "sort": _l("Order"),
    },
    "admin_audit": {
        "event": _l("Event"),
        "username": _l("Back-office user"),
        "target": _l("Table or form"),
        "row_id": _l("Row id"),
        "detail": _l("Details"),
        "ip": _l("Client address"),
        "status": _l("Answer code"),
    },
}

ROLES = {
    workflow.Role.FIRST_REVIEWER.value: _l("First reviewer"),
    workflow.Role.SECOND_REVIEWER.value: _l("Second reviewer"),
    workflow.Role.SUPERVISOR.value: _l("Supervisor"),
}
HOLIDAY_KINDS = {"holiday": _l("Day off"), "workday": _l("Make-up working day")}
REASON_KINDS = {"return": _l("Return for supplement"), "refuse": _l("Not accept or reject")}
IDENTITIES = {"foreign": _l("Foreign student"), "overseas": _l("Overseas Chinese student")}
AUDIT_EVENTS = {
    "login_ok": _l("Signed in"),
    "login_failed": _l("Sign-in failed"),
    "logout": _l("Signed out"),
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "form": _l("Form submitted"),
    "refused": _l("Refused"),
}


def both(text: object) -> str:
    """'中文 English' of a lazy message (the English alone when both read the same)."""
    with use_locale("zh_Hant_TW"):
        zh = str(text)
    with use_locale("en"):
        en = str(text)
    return en if zh == en else f"{zh} {en}"


def menu_group(key: str) -> str:
    """The name a menu group is registered under (both languages; renamed per request by the guard)."""
    return both(MENU_GROUPS[key])


def menu_group_names() -> dict[str, str]:
    """Registered name -> the name in the reader's language."""
    return {both(label): str(label) for label in MENU_GROUPS.values()}


def registered_links() -> dict[str, str]:
    """The sidebar links as registered with piccolo-admin (both languages)."""
    return {both(label): url for label, url in LINKS}


def sidebar_links(locale: str) -> dict[str, str]:
    """The sidebar links in the reader's language, and the switch to the other language (our `/lang/`
    route sets the cookie and comes back to the back office)."""
    links = {str(label): url for label, url in LINKS}
    if locale == "en":
        links["中文"] = "/lang/zh_Hant_TW?next=/admin/"
    else:
        links["English"] = "/lang/en?next=/admin/"
    return links


_ZH_FIRST = re.compile(
    r"^([^\x00-\x7f][^\x00-\x7f\s]*(?:\s[^\x00-\x7f][^\x00-\x7f\s]*)*)\s+([\x00-\x7f].*)$", re.S
)


def one_language(text: str, locale: str) -> str:
    """One language of a text registered with both, Chinese first ("收件號 Receipt no.", as `both()` writes
    them: piccolo-admin's form names, groups and fields); any other text as it is (an English sentence with a
    Chinese gloss in brackets is not a full translation, so it stays)."""
    m = _ZH_FIRST.match(text)
    if m:
        return m.group(2) if locale == "en" else m.group(1)
    return text


def _choices(values: dict[str, object]) -> dict[str, dict[str, str]]:
    return {code: {"display_name": str(label), "value": code} for code, label in values.items()}


def choices_for(table: str, stations: dict[str, str]) -> dict[str, dict[str, dict[str, str]]]:
    """Per column of `table`: its coded values with their bilingual text (piccolo-admin's `choices`)."""
    statuses = _choices(dict(workflow.LABELS))
    actions = _choices(dict(workflow.ACTION_LABELS))
    lines = _choices({b.code: b.title for b in BUSINESS_LINES})
    kinds = _choices(dict(KINDS))
    station_choices = {code: {"display_name": name, "value": code} for code, name in stations.items()}
    by_table: dict[str, dict[str, dict[str, dict[str, str]]]] = {
        "application": {
            "status": statuses,
            "business_line": lines,
            "kind": kinds,
            "station_code": station_choices,
        },
        "case": {"status": statuses, "identity": _choices(IDENTITIES)},
        "review_event": {"from_status": statuses, "to_status": statuses, "action": actions},
        "reviewer_profile": {"role": _choices(ROLES)},
        "reviewer_station": {"station_code": station_choices},
        "holiday": {"kind": _choices(HOLIDAY_KINDS)},
        "canned_reason": {"kind": _choices(REASON_KINDS)},
        "admin_audit": {"event": _choices(AUDIT_EVENTS)},
    }
    return by_table.get(table, {})


def column_title(table: str, column: str) -> str | None:
    """A column's header in the reader's language."""
    label = COLUMNS.get(table, {}).get(column) or COMMON.get(column)
    return str(label) if label is not None else None


def table_title(table: str) -> str | None:
    """A table's name (and where its rows are worked on) in the reader's language."""
    label = TABLES.get(table)
    if label is None:
        return None
    help_text = HELP.get(table)
    return str(label) + (f" — {help_text}" if help_text is not None else "")

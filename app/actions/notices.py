"""The emails a review decision sends: what happened, what to do next, the reviewer's comment.

Each message is written in the recipient's language (`Account.language`), whatever the reviewer's
screen shows. Decisions nobody has to act on (初審通過, 已領證) send nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import LOCALES, format_date, ngettext, use_locale
from app.i18n import gettext as _
from app.queries.stations import get_station
from app.services.mail import Mail, subject_line
from app.settings import settings

NOTIFIED = frozenset(
    {"return_for_supplement", "return_group_for_supplement", "not_accept", "approve", "reject", "card_made"}
)


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


@dataclass(frozen=True)
class NoticeFacts:
    action: str
    group_name: str
    group_no: str
    school_name: str
    comment: str
    applicants: tuple[tuple[str, str], ...]  # (receipt no., name) of the cases concerned
    deadline: date | None = None
    station: str = ""  # service station code (領證地點)
    application_id: int | None = None  # for the link to the exact page
    amount: int | None = None  # NT$ due on approval (the approved cases of this notice)
    lapsed: bool = False  # 不受理 because a supplement's deadline passed (issue 15)


# 救濟教示: the appeal route printed on every refusal (訴願法 art. 14 and 58: 30 days from the day after the
# notice is served, filed through the agency that decided, to the Ministry of the Interior).
APPEAL_DAYS = 30


def _appeal(f: NoticeFacts) -> str:
    return _(
        "If you disagree with this decision, you may file an administrative appeal (訴願) with the Ministry of "
        "the Interior within %(days)d days of the day after this notice is served, by submitting the appeal "
        "through the National Immigration Agency (Petitions and Appeals Act, articles 14 and 58).",
        days=APPEAL_DAYS,
    )


def _link(f: NoticeFacts) -> str:
    """The exact page the recipient acts on."""
    base = settings.public_base_url
    if f.application_id is None:
        return base + "/"
    if f.action in ("return_for_supplement", "return_group_for_supplement"):
        return f"{base}/supplement/groups/{f.application_id}"
    if f.action == "approve":
        return f"{base}/payment"
    return f"{base}/progress/groups/{f.application_id}"


def _subject(f: NoticeFacts) -> str:
    what = {
        "return_for_supplement": _("returned for supplement"),
        "return_group_for_supplement": _("returned for supplement"),
        "not_accept": _("not accepted"),
        "approve": _("approved, please pay the fee"),
        "reject": _("rejected"),
        "card_made": _("resident card ready for collection"),
    }[f.action]
    if f.lapsed:
        what = _("not accepted: the supplement was not made in time")
    return subject_line(_("Group %(group_no)s: %(what)s", group_no=f.group_no, what=what))


def _what_happened(f: NoticeFacts) -> str:
    n = len(f.applicants)
    if f.action == "return_group_for_supplement":
        return _(
            "The reviewer has returned the whole group for supplement: the group's own data or attachments "
            "need correcting."
        )
    if f.action == "not_accept" and f.lapsed:
        return ngettext(
            "The following case was not accepted because the supplement was not made by its deadline.",
            "The following %(num)d cases were not accepted because the supplement was not made by its deadline.",
            n,
        )
    return {
        "return_for_supplement": lambda: ngettext(
            "The reviewer has returned the following case for supplement.",
            "The reviewer has returned the following %(num)d cases for supplement.",
            n,
        ),
        "not_accept": lambda: ngettext(
            "The following case was not accepted.", "The following %(num)d cases were not accepted.", n
        ),
        "approve": lambda: ngettext(
            "The following case was approved.", "The following %(num)d cases were approved.", n
        ),
        "reject": lambda: ngettext(
            "The following case was rejected.", "The following %(num)d cases were rejected.", n
        ),
        "card_made": lambda: ngettext(
            "The resident card of the following case has been made.",
            "The resident cards of the following %(num)d cases have been made.",
            n,
        ),
    }[f.action]()


def _what_to_do(f: NoticeFacts) -> str:
    if f.action in ("return_for_supplement", "return_group_for_supplement"):
        return _(
            "Please sign in, open Progress > Returned for supplement, correct the data and answer the reviewer "
            "by %(deadline)s (3 working days after this notice).",
            deadline=format_date(f.deadline) if f.deadline else "",
        )
    if f.action == "approve":
        return _("Please sign in and pay the fee under Online payment. No refund is made after payment.")
    if f.action == "card_made":
        found = get_station(f.station)
        return _(
            "Please collect the card at %(station)s. Bring the receipt; its number is checked.",
            station=found.name if found else _("the service station chosen in the application"),
        )
    return _("You may file a new application if the reason given below can be remedied.")


def render_notice(f: NoticeFacts, language: str) -> tuple[str, str]:
    """(subject, body) in `language`."""
    with use_locale(language if language in LOCALES else "zh_Hant_TW"):
        lines = [
            _("Dear applicant,"),
            "",
            _what_happened(f),
            "",
            _("School: %(school)s", school=f.school_name),
            _("Application: %(name)s (group no. %(group_no)s)", name=f.group_name, group_no=f.group_no),
        ]
        for receipt_no, name in f.applicants:
            lines.append(_("Case %(receipt_no)s: %(name)s", receipt_no=receipt_no, name=name))
        if f.comment:
            lines += ["", _("Reviewer's comment:"), f.comment]
        if f.action == "approve" and f.amount is not None:
            lines += ["", _("Amount due: NT$%(amount)s", amount=f"{f.amount:,}")]
        lines += ["", _what_to_do(f)]
        if f.action in ("not_accept", "reject"):
            lines += ["", _appeal(f)]
        lines += [
            "",
            _link(f),
            "",
            _(
                "National Immigration Agency, Ministry of the Interior (this message was sent automatically; "
                "please do not reply)"
            ),
        ]
        return _subject(f), "\n".join(lines)


def build_mails(f: NoticeFacts, recipients: list[Recipient]) -> list[Mail]:
    if f.action not in NOTIFIED:
        return []
    seen: set[str] = set()
    out: list[Mail] = []
    for r in recipients:
        key = r.email.strip().lower()
        if not key or "@" not in key or key in seen:
            continue
        seen.add(key)
        subject, body = render_notice(f, r.language)
        out.append(Mail(to=r.email.strip(), subject=subject, body=body))
    return out

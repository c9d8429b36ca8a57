"""After submission, as data: the progress query's status filters, what to do next at each status,
and the supplement deadline's countdown. Pure rules: no web, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.workflow import PAID_OR_LATER, SUPPLEMENT, Status
from app.i18n import lazy_gettext as _l

S = Status

# 申請狀態 of 案件進度查詢: a group matches when any of its cases is in one of the statuses.
STATUS_FILTERS: dict[str, tuple[object, frozenset[Status]]] = {
    "reviewing": (_l("In review"), frozenset({S.FIRST_REVIEW, S.SECOND_REVIEW, *SUPPLEMENT})),  # 審核中
    "awaiting_payment": (_l("Awaiting payment"), frozenset({S.AWAITING_PAYMENT})),  # 待繳費
    "paid": (_l("Paid"), PAID_OR_LATER),  # 已繳費
    "group_withdrawn": (_l("Whole group withdrawn"), frozenset({S.GROUP_WITHDRAWN})),  # 整團撤銷
}


def status_filter_matches(key: str, case_statuses: list[str]) -> bool:
    if not key or key not in STATUS_FILTERS:
        return True
    wanted = STATUS_FILTERS[key][1]
    return any(s in wanted for s in case_statuses)


# What the school (or student) does next, in plain words, for a case's current status.
NEXT_STEPS: dict[Status, object] = {
    S.DRAFT: _l("Not submitted yet: complete the applicant and submit the group."),
    S.FIRST_REVIEW: _l(
        "The agency is checking the application (first review). Review takes about 5 working days; "
        "there is nothing to do now."
    ),
    S.SECOND_REVIEW: _l(
        "The first review is passed; the agency is deciding (second review). There is nothing to do now."
    ),
    S.SUPPLEMENT_FIRST: _l(
        "Returned for supplement: correct what the reviewer asks for, answer the reviewer and send "
        "it back (Change data) within 3 working days of the notice."
    ),
    S.SUPPLEMENT_SECOND: _l(
        "Returned for supplement: correct what the reviewer asks for, answer the reviewer and send "
        "it back (Change data) within 3 working days of the notice."
    ),
    S.AWAITING_PAYMENT: _l("Approved: pay the fee under Online payment. No refund is made after payment."),
    S.PAID: _l("Paid: the certificate is being issued."),
    S.ISSUED: _l(
        "The six-month electronic resident certificate can be downloaded under Downloads. Once the student "
        "has registered, apply for its renewal to an IC card."
    ),
    S.CARD_PRODUCTION: _l("Paid: the IC card is being made. You will be emailed when it can be collected."),
    S.CARD_READY: _l("The IC card is ready: collect it at the service station chosen, with the receipt."),
    S.COLLECTED: _l("The card has been collected. This case is finished."),
    S.NOT_ACCEPTED: _l(
        "Not accepted: the reason is in the reviewer's comment. You may file a new application if it "
        "can be remedied."
    ),
    S.REJECTED: _l(
        "Rejected: the reason is in the reviewer's comment. You may file a new application if it can be "
        "remedied."
    ),
    S.WITHDRAWN: _l("Withdrawn. A withdrawn case cannot come back; file a new application if needed."),
    S.GROUP_WITHDRAWN: _l(
        "The whole group was withdrawn. A withdrawn case cannot come back; file a new application if needed."
    ),
}


def next_step(status: str) -> str:
    try:
        return str(NEXT_STEPS[Status(status)])
    except (ValueError, KeyError):
        return ""


@dataclass(frozen=True)
class Countdown:
    deadline: date
    days_left: int  # working days left after today (0: today is the last day)
    overdue: bool


def countdown(deadline: date, today: date, working_days_between) -> Countdown:
    """`working_days_between(start, end)` counts working days in (start, end] (the agency's calendar)."""
    if today > deadline:
        return Countdown(deadline, 0, True)
    return Countdown(deadline, working_days_between(today, deadline), False)


def receipt_range(receipt_nos: list[str]) -> str:
    """收件號 or its range, as the seed's list shows it: `105696500220 - 105696500230`."""
    nos = sorted(n for n in receipt_nos if n)
    if not nos:
        return ""
    return nos[0] if len(nos) == 1 else f"{nos[0]} - {nos[-1]}"

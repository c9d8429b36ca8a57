"""The one state machine of cases (and the group's own status for group-level returns).

`TRANSITIONS` is the single table: (from status, action) -> to status, and which roles may do it.
`apply()` checks a transition and returns the new status, or raises `IllegalTransition` with a
message a person can read. Actions in `app/actions/` call it inside one transaction and write a
ReviewEvent for each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.i18n import lazy_gettext as _l


class Status(StrEnum):
    DRAFT = "draft"
    FIRST_REVIEW = "first_review"
    SECOND_REVIEW = "second_review"
    SUPPLEMENT_FIRST = "supplement_first"
    SUPPLEMENT_SECOND = "supplement_second"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    ISSUED = "issued"
    CARD_PRODUCTION = "card_production"
    CARD_READY = "card_ready"
    COLLECTED = "collected"
    NOT_ACCEPTED = "not_accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    GROUP_WITHDRAWN = "group_withdrawn"


LABELS = {
    Status.DRAFT: _l("Not yet submitted"),  # 待送件
    Status.FIRST_REVIEW: _l("Awaiting first review"),  # 待初審
    Status.SECOND_REVIEW: _l("Awaiting second review"),  # 待複審
    Status.SUPPLEMENT_FIRST: _l("Returned for supplement (first review)"),  # 初審資料補正
    Status.SUPPLEMENT_SECOND: _l("Returned for supplement (second review)"),  # 複審資料補正
    Status.AWAITING_PAYMENT: _l("Approved, awaiting payment"),  # 待繳費
    Status.PAID: _l("Paid"),  # 已繳費
    Status.ISSUED: _l("Issued"),  # 已核發
    Status.CARD_PRODUCTION: _l("Awaiting card production"),  # 待製證
    Status.CARD_READY: _l("Card ready for collection"),  # 待領證
    Status.COLLECTED: _l("Card collected"),  # 已領證
    Status.NOT_ACCEPTED: _l("Not accepted"),  # 不受理
    Status.REJECTED: _l("Rejected"),  # 不核准
    Status.WITHDRAWN: _l("Withdrawn"),  # 撤銷
    Status.GROUP_WITHDRAWN: _l("Whole group withdrawn"),  # 整團撤銷
}


def label(status: str) -> str:
    try:
        return str(LABELS[Status(status)])
    except ValueError:
        return status


class Role(StrEnum):
    SCHOOL = "school"
    STUDENT = "student"
    FIRST_REVIEWER = "first_reviewer"
    SECOND_REVIEWER = "second_reviewer"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


APPLICANTS = frozenset({Role.SCHOOL, Role.STUDENT})
FIRST = frozenset({Role.FIRST_REVIEWER, Role.SUPERVISOR})
SECOND = frozenset({Role.SECOND_REVIEWER, Role.SUPERVISOR})
DESK = frozenset({Role.FIRST_REVIEWER, Role.SECOND_REVIEWER, Role.SUPERVISOR})
SYSTEM_ONLY = frozenset({Role.SYSTEM})
SUPERVISORS = frozenset({Role.SUPERVISOR})
SUPERVISOR_OR_SYSTEM = frozenset({Role.SUPERVISOR, Role.SYSTEM})


@dataclass(frozen=True)
class Transition:
    source: Status
    action: str
    target: Status
    roles: frozenset[Role]


S = Status
# Cases may be withdrawn from every open status before payment.
WITHDRAWABLE = (S.FIRST_REVIEW, S.SECOND_REVIEW, S.SUPPLEMENT_FIRST, S.SUPPLEMENT_SECOND, S.AWAITING_PAYMENT)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, "submit", S.FIRST_REVIEW, APPLICANTS),
    Transition(S.FIRST_REVIEW, "pass_first_review", S.SECOND_REVIEW, FIRST),
    Transition(S.FIRST_REVIEW, "return_for_supplement", S.SUPPLEMENT_FIRST, FIRST),
    Transition(S.FIRST_REVIEW, "not_accept", S.NOT_ACCEPTED, FIRST),
    Transition(S.SUPPLEMENT_FIRST, "resubmit", S.FIRST_REVIEW, APPLICANTS),
    Transition(S.SECOND_REVIEW, "approve", S.AWAITING_PAYMENT, SECOND),
    Transition(S.SECOND_REVIEW, "return_for_supplement", S.SUPPLEMENT_SECOND, SECOND),
    Transition(S.SECOND_REVIEW, "reject", S.REJECTED, SECOND),
    Transition(S.SECOND_REVIEW, "not_accept", S.NOT_ACCEPTED, SECOND),
    Transition(S.SUPPLEMENT_SECOND, "resubmit", S.SECOND_REVIEW, APPLICANTS),
    Transition(S.AWAITING_PAYMENT, "record_payment", S.PAID, SYSTEM_ONLY),
    Transition(S.PAID, "issue_e_certificate", S.ISSUED, SYSTEM_ONLY),
    Transition(S.PAID, "await_card", S.CARD_PRODUCTION, SYSTEM_ONLY),
    # A certificate issued without its photo is issued again from a corrected snapshot (issue 12).
    Transition(S.ISSUED, "reissue_e_certificate", S.ISSUED, SYSTEM_ONLY),
    Transition(S.ISSUED, "await_card", S.CARD_PRODUCTION, SYSTEM_ONLY),
    Transition(S.CARD_PRODUCTION, "card_made", S.CARD_READY, DESK),
    Transition(S.CARD_READY, "card_collected", S.COLLECTED, DESK),
    # A whole group returned (its own data or attachments): the source is the group's review stage
    # (`group_review_stage`); its cases at that stage go to the same supplement status with it.
    Transition(S.FIRST_REVIEW, "return_group_for_supplement", S.SUPPLEMENT_FIRST, FIRST),
    Transition(S.SECOND_REVIEW, "return_group_for_supplement", S.SUPPLEMENT_SECOND, SECOND),
    Transition(S.SUPPLEMENT_FIRST, "resubmit_group", S.FIRST_REVIEW, APPLICANTS),
    Transition(S.SUPPLEMENT_SECOND, "resubmit_group", S.SECOND_REVIEW, APPLICANTS),
    # Nothing left hanging (issue 15): a supplement not made by its deadline is closed as 不受理 by a
    # supervisor (or by the system after the grace period a supervisor set); a supervisor reopens a refused
    # or closed case, with a recorded reason, at the review stage it was refused from.
    Transition(S.SUPPLEMENT_FIRST, "close_lapsed", S.NOT_ACCEPTED, SUPERVISOR_OR_SYSTEM),
    Transition(S.SUPPLEMENT_SECOND, "close_lapsed", S.NOT_ACCEPTED, SUPERVISOR_OR_SYSTEM),
    Transition(S.NOT_ACCEPTED, "reopen_first", S.FIRST_REVIEW, SUPERVISORS),
    Transition(S.NOT_ACCEPTED, "reopen_second", S.SECOND_REVIEW, SUPERVISORS),
    Transition(S.REJECTED, "reopen_second", S.SECOND_REVIEW, SUPERVISORS),
    *(Transition(s, "withdraw", S.WITHDRAWN, APPLICANTS) for s in WITHDRAWABLE),
    *(Transition(s, "withdraw_group", S.GROUP_WITHDRAWN, APPLICANTS) for s in WITHDRAWABLE),
)

_INDEX = {(t.source, t.action): t for t in TRANSITIONS}
ACTIONS = frozenset(t.action for t in TRANSITIONS)

OPEN = frozenset(
    {S.FIRST_REVIEW, S.SECOND_REVIEW, S.SUPPLEMENT_FIRST, S.SUPPLEMENT_SECOND, S.AWAITING_PAYMENT}
)
IN_REVIEW = frozenset({S.FIRST_REVIEW, S.SECOND_REVIEW})
SUPPLEMENT = frozenset({S.SUPPLEMENT_FIRST, S.SUPPLEMENT_SECOND})
REFUSED = frozenset({S.NOT_ACCEPTED, S.REJECTED})
CLOSED = frozenset({S.NOT_ACCEPTED, S.REJECTED, S.WITHDRAWN, S.GROUP_WITHDRAWN, S.COLLECTED})
PAID_OR_LATER = frozenset({S.PAID, S.ISSUED, S.CARD_PRODUCTION, S.CARD_READY, S.COLLECTED})


class IllegalTransition(Exception):
    def __init__(self, status: str, action: str, reason: str):
        self.status, self.action, self.reason = status, action, reason
        super().__init__(reason)


def find(status: str, action: str) -> Transition | None:
    try:
        return _INDEX.get((Status(status), action))
    except ValueError:
        return None


def allowed_actions(status: str, role: Role) -> list[str]:
    return [t.action for t in TRANSITIONS if t.source == status and role in t.roles]


def apply(status: str, action: str, role: Role) -> Status:
    """The new status, or IllegalTransition with a readable reason."""
    t = find(status, action)
    if t is None:
        raise IllegalTransition(
            status,
            action,
            str(_l("This cannot be done while the case is “%(status)s”.", status=label(status))),
        )
    if role not in t.roles:
        raise IllegalTransition(status, action, str(_l("You are not allowed to do this.")))
    return t.target


# The actions of the review desk, and which of them need a comment (a reason the school reads).
REVIEW_ACTIONS = (
    "pass_first_review",
    "return_for_supplement",
    "return_group_for_supplement",
    "not_accept",
    "approve",
    "reject",
    "card_made",
    "card_collected",
    "close_lapsed",
    "reopen_first",
    "reopen_second",
)
COMMENT_REQUIRED = frozenset(
    {
        "return_for_supplement",
        "return_group_for_supplement",
        "not_accept",
        "reject",
        "close_lapsed",
        "reopen_first",
        "reopen_second",
    }
)
# Decisions that end a case against the applicant: the desk asks to confirm them first.
CONFIRM_FIRST = frozenset({"not_accept", "reject", "close_lapsed"})

ACTION_LABELS = {
    "submit": _l("Submit"),  # 送件
    "pass_first_review": _l("Pass first review"),  # 初審通過
    "return_for_supplement": _l("Return for supplement"),  # 退回補正
    "return_group_for_supplement": _l("Return the whole group for supplement"),  # 退回補正團資料
    "not_accept": _l("Not accept"),  # 不受理
    "approve": _l("Approve"),  # 複審核准
    "reject": _l("Reject"),  # 不核准
    "resubmit": _l("Resubmit after supplement"),  # 補正送件
    "resubmit_group": _l("Resubmit the group after supplement"),
    "record_payment": _l("Payment recorded"),  # 已繳費
    "issue_e_certificate": _l("E-certificate issued"),
    "reissue_e_certificate": _l("E-certificate re-issued"),
    "await_card": _l("Sent to card production"),
    "card_made": _l("Card made"),  # 製證完成
    "card_collected": _l("Card collected"),  # 已領證
    "close_lapsed": _l("Not accepted: supplement not made in time"),  # 逾期未補正，不受理
    "reopen_first": _l("Reopened for first review"),  # 重新審查（初審）
    "reopen_second": _l("Reopened for second review"),  # 重新審查（複審）
    "withdraw": _l("Withdraw"),  # 撤銷
    "withdraw_group": _l("Withdraw the whole group"),  # 整團撤銷
}


def action_label(action: str) -> str:
    found = ACTION_LABELS.get(action)
    return str(found) if found is not None else action


def group_review_stage(case_statuses: list[str]) -> Status | None:
    """The review stage a whole-group return acts on: first review while any case awaits it, else second."""
    present = {Status(s) for s in case_statuses}
    if S.FIRST_REVIEW in present:
        return S.FIRST_REVIEW
    if S.SECOND_REVIEW in present:
        return S.SECOND_REVIEW
    return None


# Priority of a group's displayed stage (辦理階段) when its cases differ: what needs acting on first.
_STAGE_PRIORITY = (
    S.SUPPLEMENT_FIRST,
    S.SUPPLEMENT_SECOND,
    S.DRAFT,
    S.FIRST_REVIEW,
    S.SECOND_REVIEW,
    S.AWAITING_PAYMENT,
    S.PAID,
    S.CARD_PRODUCTION,
    S.ISSUED,
    S.CARD_READY,
    S.COLLECTED,
    S.REJECTED,
    S.NOT_ACCEPTED,
    S.WITHDRAWN,
    S.GROUP_WITHDRAWN,
)


def group_stage(case_statuses: list[str], group_status: str | None = None) -> Status:
    """A group's stage from its cases; a group-level return (the group's own status) comes first."""
    if group_status in (S.SUPPLEMENT_FIRST, S.SUPPLEMENT_SECOND):
        return Status(group_status)
    present = {Status(s) for s in case_statuses}
    if not present:
        return Status(group_status or S.DRAFT)
    for s in _STAGE_PRIORITY:
        if s in present:
            return s
    return S.DRAFT


# The five lists of 優先處理事項.
DASHBOARD_LISTS = ("new", "supplement", "awaiting_payment", "group_refused", "refused")
DASHBOARD_TITLES = {
    "new": _l("New applications"),  # 新申請案件
    "supplement": _l("Cases to supplement"),  # 待補件案件
    "awaiting_payment": _l("Cases awaiting payment"),  # 待繳費案件
    "group_refused": _l("Whole groups not accepted / rejected"),  # 整團不受理/不核准案件
    "refused": _l("Cases not accepted / rejected"),  # 不受理/不核准案件
}


def dashboard_list(case_statuses: list[str], group_status: str | None = None) -> str | None:
    """Which of the five lists a submitted group belongs to (None: none of them)."""
    present = {Status(s) for s in case_statuses}
    if group_status in (S.SUPPLEMENT_FIRST, S.SUPPLEMENT_SECOND) or present & SUPPLEMENT:
        return "supplement"
    if present & IN_REVIEW:
        return "new"
    if S.AWAITING_PAYMENT in present:
        return "awaiting_payment"
    if present and present <= REFUSED:
        return "group_refused"
    if present & REFUSED:
        return "refused"
    return None


# Four eyes (四眼原則): a case's second review is decided by someone other than the reviewer who passed its
# first review, supervisors included. Every decision taken while the case awaits second review counts.
def four_eyes_refusal(status: str, first_reviewer: int | None, actor: int | None) -> str | None:
    """The reason a decision is refused under the four-eyes rule, else None."""
    if status != S.SECOND_REVIEW or first_reviewer is None or actor is None:
        return None
    if first_reviewer == actor:
        return str(
            _l(
                "You passed this case's first review, so its second review must be decided by another "
                "reviewer (four eyes)."
            )
        )
    return None


def reopen_action(refused_from: str) -> str:
    """Which reopening puts a refused case back where it was refused: a case refused at (or returned from)
    first review goes back to first review, otherwise to second review."""
    if refused_from in (S.FIRST_REVIEW, S.SUPPLEMENT_FIRST):
        return "reopen_first"
    return "reopen_second"

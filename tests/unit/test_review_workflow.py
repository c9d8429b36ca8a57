"""The transition table: every legal (status, action, role) works, every other one is refused."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import workflow
from app.domain.workflow import ACTIONS, TRANSITIONS, IllegalTransition, Role, Status, apply

LEGAL = {(t.source, t.action, r): t.target for t in TRANSITIONS for r in t.roles}
ALL_ACTIONS = sorted(ACTIONS | {"delete", "approve_all", ""})


def test_table_has_one_row_per_status_and_action():
    keys = [(t.source, t.action) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("status,action,role", sorted(LEGAL))
def test_every_legal_transition_works(status, action, role):
    assert apply(status, action, role) == LEGAL[(status, action, role)]


def test_every_other_triple_is_refused_with_a_reason():
    refused = 0
    for status, action, role in itertools.product(list(Status), ALL_ACTIONS, list(Role)):
        if (status, action, role) in LEGAL:
            continue
        with pytest.raises(IllegalTransition) as exc:
            apply(status, action, role)
        assert exc.value.reason
        refused += 1
    assert refused > 1000


@given(st.sampled_from(list(Status)), st.sampled_from(ALL_ACTIONS), st.sampled_from(list(Role)))
def test_apply_matches_the_table(status, action, role):
    if (status, action, role) in LEGAL:
        assert apply(status, action, role) == LEGAL[(status, action, role)]
    else:
        with pytest.raises(IllegalTransition):
            apply(status, action, role)


def test_unknown_status_is_refused():
    with pytest.raises(IllegalTransition):
        apply("bogus", "approve", Role.SUPERVISOR)


def test_each_reviewer_role_only_its_own_stage():
    assert apply(Status.FIRST_REVIEW, "pass_first_review", Role.FIRST_REVIEWER) == Status.SECOND_REVIEW
    with pytest.raises(IllegalTransition):
        apply(Status.FIRST_REVIEW, "pass_first_review", Role.SECOND_REVIEWER)
    with pytest.raises(IllegalTransition):
        apply(Status.SECOND_REVIEW, "approve", Role.FIRST_REVIEWER)
    with pytest.raises(IllegalTransition):
        apply(Status.SECOND_REVIEW, "approve", Role.SCHOOL)
    assert apply(Status.SECOND_REVIEW, "approve", Role.SUPERVISOR) == Status.AWAITING_PAYMENT
    # Nobody at the desk moves money.
    for role in workflow.DESK:
        with pytest.raises(IllegalTransition):
            apply(Status.AWAITING_PAYMENT, "record_payment", role)


def test_group_return_stage_and_labels():
    assert workflow.group_review_stage(["first_review", "second_review"]) == Status.FIRST_REVIEW
    assert workflow.group_review_stage(["second_review", "rejected"]) == Status.SECOND_REVIEW
    assert workflow.group_review_stage(["awaiting_payment"]) is None
    assert (
        apply(Status.SECOND_REVIEW, "return_group_for_supplement", Role.SECOND_REVIEWER)
        == Status.SUPPLEMENT_SECOND
    )
    for action in workflow.REVIEW_ACTIONS:
        assert workflow.action_label(action) != action
    assert workflow.COMMENT_REQUIRED <= set(workflow.REVIEW_ACTIONS)


def test_four_eyes_only_at_second_review_and_only_for_the_same_person():
    from app.domain.workflow import four_eyes_refusal

    assert four_eyes_refusal("second_review", 7, 7)
    assert four_eyes_refusal("second_review", 7, 8) is None
    assert four_eyes_refusal("first_review", 7, 7) is None
    assert four_eyes_refusal("card_production", 7, 7) is None
    assert four_eyes_refusal("second_review", None, 7) is None  # no recorded first reviewer (legacy rows)


def test_the_dashboard_tabs_are_the_seeds_five_and_extensions_have_their_own():
    from app.domain.permits import DASHBOARD_TABS, dashboard_tab, tab_of

    assert [t.code for t in DASHBOARD_TABS] == [
        "mainland_single",
        "mainland_multiple",
        "hkmo",
        "foreign",
        "extension",
    ]
    assert tab_of("hkmo", "extension").code == tab_of("foreign", "extension").code == "extension"
    assert tab_of("hkmo", "first").code == "hkmo" and tab_of("foreign", "renewal").code == "foreign"
    assert dashboard_tab("nonsense").code == dashboard_tab(None).code == "foreign"


def test_the_dashboards_status_bits_fit_a_database_integer():
    """The dashboard folds a group's case statuses into one integer (bit_or / SUM(DISTINCT)): 31 bits at most."""
    from app.queries.dashboard import STATUSES

    assert len(STATUSES) <= 31

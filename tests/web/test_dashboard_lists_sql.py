"""The dashboard's MORE pages in SQL: the database's choice of list agrees with workflow.dashboard_list."""

from __future__ import annotations

import itertools

from app.domain import workflow
from app.queries import progress as q
from tests.progress_support import make_group, school_actor
from tests.support import make_school_with_accounts

STATUSES = ["first_review", "supplement_first", "awaiting_payment", "not_accepted", "rejected", "issued"]


async def test_every_mix_of_statuses_lands_in_the_list_the_workflow_names(db):
    ids = await make_school_with_accounts()
    expected: dict[str, str | None] = {}
    mixes = [list(m) for n in (1, 2) for m in itertools.combinations_with_replacement(STATUSES, n)]
    for mix in mixes:
        g = await make_group(ids["school"], ids["main"], mix, files=False)
        expected[g["group_no"]] = workflow.dashboard_list(mix, "first_review")
    g = await make_group(ids["school"], ids["main"], ["first_review"], group_status="supplement_first")
    expected[g["group_no"]] = workflow.dashboard_list(["first_review"], "supplement_first")
    assert set(expected.values()) >= set(workflow.DASHBOARD_LISTS)  # the data reaches every list

    actor = school_actor(ids)
    for key in workflow.DASHBOARD_LISTS:
        found: set[str] = set()
        page, pages = 1, 1
        while page <= pages:
            result = await q.search_groups(actor, q.Filters(dash_list=key), page)
            found |= {r.group_no for r in result.rows}
            pages = result.pages
            page += 1
        assert found == {no for no, lst in expected.items() if lst == key}, key

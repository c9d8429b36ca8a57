"""The review desk's counts follow a returned group that moves to another service station (issue 16): the school
picks another 領證地點 while supplementing, and the desk of each station counts the cases where they now are."""

from __future__ import annotations

from app.actions import supplement
from app.queries import review as q
from tests.progress_support import make_group, return_group, school_actor
from tests.support import make_school_with_accounts


async def test_a_group_moved_to_another_station_is_counted_there(db):
    ids = await make_school_with_accounts()
    g = await make_group(ids["school"], ids["main"], ["first_review", "first_review"])
    await return_group(g["application"])
    assert (await q.queue_counts(("S01",)))["supplement"] == 2
    assert (await q.queue_counts(("S05",)))["supplement"] == 0

    result = await supplement.save_group_details(
        school_actor(ids), g["application"], {"name": "換站的團", "station_code": "S05"}
    )
    assert not result.errors
    assert (await q.queue_counts(("S01",)))["supplement"] == 0
    assert (await q.queue_counts(("S05",)))["supplement"] == 2
    assert (await q.queue_counts())["supplement"] == 2

"""The supervisor's view (issue 15, item 7): counts per queue and per reviewer for seeded data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.actions import review, review_cases
from app.actions.cases import after_transitions
from tables.tables import Application, ReviewEvent
from tests.review_factories import actor, admin_session, make_group, make_reviewers
from tests.support import make_school_with_accounts


def _row(html: str, table: str, key: str) -> list[str]:
    block = html[html.index(f'id="{table}"') :]
    m = re.search(rf'<tr data-key="{key}">(.*?)</tr>', block, re.S)
    assert m, key
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", m.group(1), re.S)
    ]


async def test_supervisor_view_counts_seeded_data(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    old = await make_group(ids["school"], ids["main"], ["first_review"] * 3, days_ago=20, station="S01")
    await make_group(ids["school"], ids["main"], ["first_review"] * 2, days_ago=0, station="S02")
    await make_group(ids["school"], ids["main"], ["second_review"], days_ago=1, station="S01")
    decided = await make_group(ids["school"], ids["main"], ["first_review"] * 2, days_ago=4, station="S01")
    r1 = actor(users["reviewer1"])
    await review.pass_first_review(r1, decided["cases"][0], 1)
    await review.return_for_supplement(r1, decided["cases"][1], 1, "請補件")
    await review_cases.claim_case(r1, old["cases"][0])
    # An old decision (last month) counts in the median window only when within 30 days: 40 days ago is out.
    await ReviewEvent.insert(
        ReviewEvent(
            application=old["application"],
            case=old["cases"][1],
            from_status="first_review",
            action="pass_first_review",
            to_status="second_review",
            actor_kind="reviewer",
            actor_id=users["reviewer1"],
            created_at=datetime.now(UTC) - timedelta(days=40),
        )
    )
    await after_transitions({(old["application"], old["cases"][1])})  # as every transition keeps them
    await admin_session(client, users["reviewer1"])
    assert (await client.get("/review/supervisor")).status_code == 403
    await admin_session(client, users["supervisor"])
    page = await client.get("/review/supervisor")
    assert page.status_code == 200
    first = _row(page.text, "stats-queues", "first")
    # waiting: 3 old + 2 new (the old group's second case has a stray event, still first review) = 5; overdue 3
    assert first[1:5] == ["5", "3", "2", "2"]
    assert first[5] not in ("—", "")  # a median of the two decisions
    second = _row(page.text, "stats-queues", "second")
    assert second[1:5] == ["2", "0", "0", "0"]
    supplement = _row(page.text, "stats-queues", "supplement")
    assert supplement[1:3] == ["1", "0"]
    me = _row(page.text, "stats-reviewers", str(users["reviewer1"]))
    assert me[0] == "初審 王小明" and me[1:5] == ["1", "1", "2", "2"]
    assert "<svg" in page.text and "各佇列待處理及逾期案件" in page.text
    # Filtered by station: S02 holds only the two new cases.
    page = await client.get("/review/supervisor?station=S02")
    assert _row(page.text, "stats-queues", "first")[1:5] == ["2", "0", "0", "0"]
    # And by business line.
    await Application.update({Application.business_line: "hkmo"}).where(Application.id == old["application"])
    page = await client.get("/review/supervisor?line=hkmo")
    assert _row(page.text, "stats-queues", "first")[1:3] == ["3", "3"]
    client.cookies.set("lang", "en")
    assert "Median working days to decision" in (await client.get("/review/supervisor")).text


def _svg_texts(html: str) -> tuple[float, float, list[tuple[float, str]]]:
    """The chart's view box width, where its bars start, and every text's (x, content)."""
    svg = html[html.index("<svg") : html.index("</svg>")]
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    bar_x = min(float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg))
    texts = [(float(x), t) for x, t in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]*)</text>', svg)]
    return width, bar_x, texts


async def test_supervisor_chart_labels_fit_in_both_languages(client, db):
    """The longest queue name ("Waiting for the school's supplement") ends before the bars start, and the
    largest bar's value label ends inside the view box (estimated widths at the chart's type sizes)."""
    from app.domain.review_stats import LABEL_SIZE, VALUE_SIZE, text_width

    ids = await make_school_with_accounts()
    users = await make_reviewers()
    await make_group(ids["school"], ids["main"], ["first_review"] * 7, days_ago=20, station="S01")
    await make_group(ids["school"], ids["main"], ["supplement_first"] * 2, days_ago=2, station="S01")
    await admin_session(client, users["supervisor"])
    for lang, longest in (("en", "Waiting for the school's supplement"), ("zh_Hant_TW", "待學校補正")):
        client.cookies.set("lang", lang)
        page = await client.get("/review/supervisor")
        assert page.status_code == 200
        width, bar_x, texts = _svg_texts(page.text)
        labels = [(x, t) for x, t in texts if x == 0]
        values = [(x, t) for x, t in texts if x > 0]
        assert len(labels) == len(values) == 6
        assert any(longest in t.replace("&#39;", "'") for _x, t in labels), labels
        for _x, t in labels:
            assert text_width(t.replace("&#39;", "'"), LABEL_SIZE) <= bar_x, (lang, t, bar_x)
        assert all(x > bar_x for x, _t in values)
        for x, t in values:
            assert x + text_width(t, VALUE_SIZE) <= width, (lang, t, x, width)
        largest = max(values, key=lambda v: v[0])
        assert largest[1].startswith("7"), largest

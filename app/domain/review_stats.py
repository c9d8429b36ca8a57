"""The supervisor's figures (issue 15, item 7): medians, the start of today and of the week in Taipei, and
the geometry of the server-drawn bar chart. Pure."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.domain.calendar import TAIPEI

# Decisions counted (who decided what, from which status): the reviewers' and the system's closures.
DECISIONS = frozenset(
    {
        "pass_first_review",
        "return_for_supplement",
        "return_group_for_supplement",
        "not_accept",
        "approve",
        "reject",
        "card_made",
        "card_collected",
        "close_lapsed",
    }
)
MEDIAN_DAYS = 30  # the median covers the decisions of the last 30 days


def day_start(at: datetime) -> datetime:
    local = at.astimezone(TAIPEI)
    return datetime(local.year, local.month, local.day, tzinfo=TAIPEI).astimezone(UTC)


def week_start(at: datetime) -> datetime:
    """Monday 00:00 in Taipei of `at`'s week."""
    local = at.astimezone(TAIPEI)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=TAIPEI).astimezone(UTC)


def median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    waiting_width: float
    overdue_width: float
    waiting: int
    overdue: int


def bars(rows: list[tuple[str, int, int]], *, width: float = 420.0, row_height: int = 28) -> list[Bar]:
    """Horizontal bars (label, waiting, overdue) scaled to the largest count."""
    top = max([w for _label, w, _o in rows] + [1])
    return [
        Bar(label, i * row_height, width * w / top, width * o / top, w, o)
        for i, (label, w, o) in enumerate(rows)
    ]

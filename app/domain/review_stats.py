"""The supervisor's figures (issue 15, item 7): medians, the start of today and of the week in Taipei, and
the geometry of the server-drawn bar chart. Pure."""

from __future__ import annotations

import statistics
import unicodedata
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


# The chart's type sizes, and what a glyph takes at them: the label column is as wide as its longest label.
LABEL_SIZE = 13
VALUE_SIZE = 12
_GAP = 8
_MIN_BAR_SPAN = 160.0


def text_width(text: str, size: float) -> float:
    """A generous estimate of a sans-serif text's width: CJK (and full-width) glyphs are one em, capitals and
    wide Latin letters 0.72 em, other characters 0.6 em (Noto Sans and DejaVu Sans average 0.5-0.55)."""
    total = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            total += 1.0
        elif ch.isupper() or ch in "mwMW@%":
            total += 0.72
        else:
            total += 0.6
    return total * size


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # the value label: "12 (overdue 3)"
    y: int
    waiting_width: float
    overdue_width: float
    value_x: float
    waiting: int
    overdue: int


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart's geometry: the view box, where the bars start, the bars."""

    width: float
    height: int
    bar_x: float
    bars: tuple[Bar, ...]


def bars(rows: list[tuple[str, int, int, str]], *, width: float = 640.0, row_height: int = 28) -> Chart:
    """Bars (label, waiting, overdue, value label) scaled to the largest count. The label column takes the
    width of the longest label, the largest bar leaves room for its value label inside the view box, and the
    view box grows rather than squeezing the bars below a readable span."""
    label_w = max([text_width(label, LABEL_SIZE) for label, *_rest in rows] + [0.0])
    value_w = max([text_width(value, VALUE_SIZE) for *_rest, value in rows] + [0.0])
    bar_x = round(label_w + _GAP, 1)
    span = width - bar_x - 2 * _GAP - value_w
    if span < _MIN_BAR_SPAN:
        span = _MIN_BAR_SPAN
        width = bar_x + span + 2 * _GAP + value_w
    top = max([w for _label, w, _o, _v in rows] + [1])
    out = []
    for i, (label, w, o, value) in enumerate(rows):
        ww = span * w / top
        out.append(Bar(label, value, i * row_height, ww, span * o / top, bar_x + ww + _GAP, w, o))
    return Chart(width=round(width, 1), height=len(rows) * row_height + 10, bar_x=bar_x, bars=tuple(out))

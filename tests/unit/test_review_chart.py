"""The supervisor's bar chart geometry (issue 15, item 7): labels never run into the bars, values stay inside."""

from __future__ import annotations

from app.domain.review_stats import LABEL_SIZE, VALUE_SIZE, bars, text_width


def test_label_column_takes_the_width_of_the_longest_label():
    rows = [
        ("Awaiting first review", 330, 12, "330 (overdue 12)"),
        ("Waiting for the school's supplement", 4, 1, "4 (overdue 1)"),
    ]
    chart = bars(rows)
    assert chart.bar_x >= text_width("Waiting for the school's supplement", LABEL_SIZE)
    short = bars([("待初審", 3, 0, "3（逾期 0）")])
    assert short.bar_x < chart.bar_x  # a short label gives the bars more room


def test_largest_value_label_stays_inside_the_view_box():
    rows = [
        ("Awaiting first review", 330, 12, "330 (overdue 12)"),
        ("Card ready for collection", 0, 0, "0 (overdue 0)"),
    ]
    chart = bars(rows)
    for b in chart.bars:
        assert b.value_x >= chart.bar_x + b.waiting_width
        assert b.value_x + text_width(b.value, VALUE_SIZE) <= chart.width
    assert chart.bars[0].waiting_width > chart.bars[1].waiting_width == 0


def test_very_long_labels_grow_the_view_box_rather_than_squeeze_the_bars():
    label = "A queue name far longer than anything the desk has today, to see what happens" * 2
    chart = bars([(label, 5, 1, "5 (overdue 1)")])
    assert chart.bars[0].waiting_width >= 160
    assert chart.width > 640
    assert chart.bars[0].value_x + text_width("5 (overdue 1)", VALUE_SIZE) <= chart.width


def test_cjk_counts_wider_than_latin():
    assert text_width("待學校補正", 13) == 5 * 13
    assert text_width("abc", 10) < text_width("ABC", 10) < text_width("待學校", 10)

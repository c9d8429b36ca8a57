"""Habits that keep the house one engine: one writer of ReviewEvent, one check, no form chosen by a string."""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _sources():
    for path in APP.rglob("*.py"):  # the demo data too: it is made by the same actions (issue 12)
        rel = path.relative_to(APP).as_posix()
        yield rel, path.read_text(encoding="utf-8")


def test_only_the_case_pipeline_writes_review_events():
    writers = {rel for rel, text in _sources() if re.search(r"\bReviewEvent\(", text)}
    assert writers == {"actions/cases.py"}


def test_only_the_offerings_check_a_case():
    callers = {rel for rel, text in _sources() if not rel.startswith("domain/") and "check_case(" in text}
    assert callers == {"actions/cases.py"}


def test_no_handler_or_action_chooses_a_form_by_a_string_test():
    found = [
        rel
        for rel, text in _sources()
        if re.search(r"""\.form\s*==\s*["'](applicant|kind)["']""", text)
        or re.search(r"""form_kind\(app\)\s*==\s*["']""", text)
    ]
    assert found == []

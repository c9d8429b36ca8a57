"""Pure rules after submission: status filters, next steps, countdown, receipt ranges, supplement diffs, kinds' data."""

from __future__ import annotations

from datetime import date

from app.domain import kinds, offerings, progress, supplement
from app.domain.calendar import default_calendar, supplement_deadline
from app.domain.fields import CaseFacts
from app.i18n import use_locale


def test_status_filters():
    assert progress.status_filter_matches("", ["draft"])
    assert progress.status_filter_matches("reviewing", ["supplement_first", "paid"])
    assert progress.status_filter_matches("paid", ["collected"])
    assert not progress.status_filter_matches("awaiting_payment", ["first_review"])
    assert progress.status_filter_matches("group_withdrawn", ["group_withdrawn"])


def test_every_status_has_a_next_step():
    from app.domain.workflow import Status

    with use_locale("en"):
        for s in Status:
            assert progress.next_step(s), s
        assert "3 working days" in progress.next_step("supplement_second")


def test_countdown_over_a_weekend():
    cal = default_calendar()
    notice = date(2026, 11, 20)  # a Friday
    deadline = supplement_deadline(notice, cal)
    assert deadline == date(2026, 11, 25)
    assert progress.countdown(deadline, date(2026, 11, 21), cal.working_days_between).days_left == 3
    assert progress.countdown(deadline, deadline, cal.working_days_between).days_left == 0
    assert progress.countdown(deadline, date(2026, 11, 26), cal.working_days_between).overdue


def test_receipt_range():
    assert progress.receipt_range([]) == ""
    assert progress.receipt_range(["105696500220"]) == "105696500220"
    assert progress.receipt_range(["105696500230", "105696500220", ""]) == "105696500220 - 105696500230"


def test_field_and_file_diff():
    before = {"name_en": "A", "phone": "", "address": {"county": "臺北市", "number": "1號", "lane": ""}}
    after = {"name_en": "B", "phone": "", "address": {"county": "臺北市", "number": "1號"}, "email": "x@y.z"}
    assert supplement.field_diff(before, after) == [["name_en", "A", "B"], ["email", "", "x@y.z"]]
    added, removed = supplement.file_diff(
        [{"id": 1, "kind": "passport", "name": "a.jpg"}], [{"id": 2, "kind": "passport", "name": "b.jpg"}]
    )
    assert added == [{"kind": "passport", "name": "b.jpg", "id": 2}]
    assert removed == [{"kind": "passport", "name": "a.jpg"}]
    assert supplement.is_empty(supplement.summarise([], [], []))


def test_change_labels_and_values():
    with use_locale("zh_Hant_TW"):
        assert supplement.label_of("passport_no") == "護照號碼"
        assert supplement.display_value("gender", "F") == "女"
        assert supplement.display_value("nationality", "JP") == "日本"
        assert supplement.display_value(
            "address", {"county": "臺北市", "district": "中正區", "number": "1號"}
        ).endswith("1號")
        assert supplement.display_value("phone", "") == "—"


def _documents(kind, **facts):
    offering = offerings.get("foreign", kind)
    return offerings.needed_documents(offering, CaseFacts(**facts))


def test_kinds_documents_as_data():
    assert [d.doc for d in _documents("renewal")] == ["passport", "other"]
    assert [d.doc for d in _documents("renewal", address_changed=True, scholarship=True)] == [
        "passport",
        "accommodation",
        "scholarship",
        "other",
    ]
    assert [(d.doc, d.required) for d in _documents("extension")] == [
        ("passport", True),
        ("resident_card", True),
        ("enrolment_proof", True),
        ("other", False),
    ]
    docs = _documents("data_change", changes=frozenset({"address", "department"}))
    assert [d.doc for d in docs] == ["resident_card", "accommodation", "enrolment_proof", "other"]
    assert "change_proof" in {d.doc for d in _documents("data_change", changes=frozenset({"name"}))}
    assert all(o.fee == 1000 for o in offerings.of_line("foreign"))


def test_extension_dates():
    today = date(2026, 11, 24)
    base = {
        "ui_no": "A810000008",
        "name_en": "ANNA LEE",
        "passport_no": "P1234567",
        "birth_date": "2003/01/01",
    }
    ok = kinds.check_kind_form(
        "extension", base | {"current_expiry": "2027/01/31", "new_expiry": "2028/01/31"}, [], today
    )
    assert ok == {}
    with use_locale("en"):
        e = kinds.check_kind_form(
            "extension", base | {"current_expiry": "2026/01/31", "new_expiry": "2031/01/31"}, [], today
        )
        assert "expired" in e["current_expiry"]
        e = kinds.check_kind_form(
            "extension", base | {"current_expiry": "2027/01/31", "new_expiry": "2031/01/31"}, [], today
        )
        assert "3 years" in e["new_expiry"]


def test_data_change_needs_items_and_values():
    today = date(2026, 11, 24)
    base = {
        "ui_no": "A810000008",
        "name_en": "ANNA LEE",
        "passport_no": "P1234567",
        "birth_date": "2003/01/01",
    }
    assert "changes" in kinds.check_kind_form("data_change", base, [], today)
    e = kinds.check_kind_form("data_change", base, ["passport", "address", "other"], today)
    assert {"new_passport_no", "new_passport_expiry", "other_change", "new_addr_county"} <= set(e)
    values = kinds.kind_values(
        "data_change",
        base | {"new_passport_no": "X1234567", "new_passport_expiry": "2030/01/01"},
        ["passport"],
    )
    assert values == {
        "changes": ["passport"],
        "new_passport_no": "X1234567",
        "new_passport_expiry": "2030/01/01",
    }

"""The 陸生 and 港澳生 lines' rules as data (issue 14): documents, fees, permit types, deadlines, codes."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import lines
from app.domain.lines import Facts


def test_business_codes_of_the_group_numbers():
    assert lines.group_code(lines.MAINLAND_SINGLE) == "116"
    assert lines.group_code(lines.MAINLAND_MULTIPLE) == "116"
    assert lines.group_code(lines.HKMO) == "108"
    assert lines.offering("hkmo", "first").group_code == "108"


def test_permit_types_and_what_each_offering_issues():
    assert [p.zh for p in lines.PERMIT_TYPES] == ["居留證", "單次證", "多次證"]
    assert lines.offering("mainland_single", "first").permit.zh == "單次證"
    assert lines.offering("mainland_multiple", "first").permit.zh == "多次證"
    assert lines.offering("hkmo", "first").permit.zh == "居留證"
    assert lines.permit_type("multiple_entry") is lines.MULTIPLE_ENTRY


def test_default_fees_from_the_public_guidance():
    fees = {(o.line, o.kind): o.default_fee for o in lines.OFFERINGS}
    assert fees == {
        ("mainland_single", "first"): 600,
        ("mainland_multiple", "first"): 1000,
        ("hkmo", "first"): 2600,
        ("hkmo", "extension"): 300,
    }


def test_single_entry_documents_of_a_new_student_filed_by_the_school():
    o = lines.offering("mainland_single", "first")
    assert o.required_documents(Facts()) == [
        "mainland_entry_form",
        "photo",
        "mainland_resident_id",
        "admission_letter",
        "guarantee",
        "group_roster",
        "power_of_attorney",
    ]
    generated = {d.code for d in o.documents if d.generated}
    assert generated == {"mainland_entry_form", "guarantee", "group_roster"}


def test_single_entry_returning_student_adds_reinstatement_and_a_relative_needs_kinship_not_admission():
    o = lines.offering("mainland_single", "first")
    assert "reinstatement" in o.required_documents(Facts(new_student=False, returning=True))
    relative = o.required_documents(Facts(relative=True))
    assert "kinship_proof" in relative and "admission_letter" not in relative
    assert "reinstatement" not in o.required_documents(Facts(relative=True, returning=True))
    # A student filing for themself needs no power of attorney.
    assert "power_of_attorney" not in o.required_documents(Facts(filed_by_school=False))


def test_multiple_entry_health_certificate_only_for_new_students():
    o = lines.offering("mainland_multiple", "first")
    assert o.lookup == "single_entry_permit"
    assert "health_certificate" in o.required_documents(Facts(new_student=True))
    assert "health_certificate" not in o.required_documents(Facts(new_student=False))
    assert o.missing_documents(Facts(new_student=False, filed_by_school=False), {"taiwan_travel_permit"}) == [
        "enrolment_or_student_card",
        "single_entry_permit",
    ]


def test_hkmo_documents_and_categories():
    o = lines.offering("hkmo", "first")
    assert o.categories == ("HK", "MO") and o.application_reason_zh == "長期居留"
    req = o.required_documents(Facts())
    for code in (
        "hkmo_permanent_id",
        "photo",
        "placement_notice_overseas",
        "enrolment_certificate",
        "police_record",
        "health_certificate_b",
        "entry_exit_permit",
        "hkmo_identity_confirmation",
        "residence_declaration",
    ):
        assert code in req


def test_hkmo_extension_photo_only_on_the_first_online_extension():
    o = lines.offering("hkmo", "extension")
    assert "extension_photo" not in o.required_documents(Facts())
    assert "extension_photo" in o.required_documents(Facts(first_online_extension=True))
    shown = dict((d.code, req) for d, req in o.documents_for(Facts()))
    assert "extension_photo" not in shown and shown["resident_certificate"] is True


def test_categories_a_set_of_offerings_draws_from():
    assert lines.categories_of([lines.offering("hkmo", "first")]) == ("HK", "MO")
    assert lines.categories_of(lines.OFFERINGS) == ("CN", "HK", "MO")


def test_unknown_offering():
    with pytest.raises(KeyError):
        lines.offering("hkmo", "renewal")


def test_fee_in_force_picks_the_latest_change_from_that_day():
    records = [
        lines.FeeRecord("hkmo", "first", 2800, date(2027, 1, 1), "2027 tariff"),
        lines.FeeRecord("hkmo", "first", 2700, date(2026, 7, 1), "mid-year"),
        lines.FeeRecord("mainland_single", "first", 700, date(2026, 1, 1)),
    ]
    assert lines.fee_in_force("hkmo", "first", records, date(2026, 6, 30)).per_person == 2600  # default
    assert lines.fee_in_force("hkmo", "first", records, date(2026, 7, 1)).per_person == 2700
    assert lines.fee_in_force("hkmo", "first", records, date(2027, 1, 1)).per_person == 2800
    assert lines.fee_in_force("hkmo", "extension", records, date(2027, 1, 1)).per_person == 300


@pytest.mark.parametrize(
    ("amount", "reason", "fields"),
    [("700", "new tariff", set()), ("-1", "x", {"per_person"}), ("abc", "", {"per_person", "reason"})],
)
def test_fee_problems(amount, reason, fields):
    assert set(lines.fee_problems(amount, reason)) == fields


def test_multiple_entry_within_two_months_of_entry_refused_after():
    entry = date(2026, 9, 10)
    ok = lines.multiple_entry_deadline(entry, date(2026, 11, 10))
    assert ok.state == "open" and ok.due == date(2026, 11, 10) and ok.days_left == 0 and not ok.refused
    late = lines.multiple_entry_deadline(entry, date(2026, 11, 11))
    assert late.refused and "2026/11/10" in str(late.message)
    # End of month: 31 December + 2 months is the last day of February.
    assert lines.multiple_entry_deadline(date(2026, 12, 31), date(2027, 1, 1)).due == date(2027, 2, 28)


def test_hkmo_resident_certificate_three_months_warns_but_does_not_refuse():
    entry = date(2026, 9, 1)
    on_time = lines.hkmo_resident_deadline(entry, date(2026, 11, 20))
    assert on_time.state == "open" and on_time.due == date(2026, 12, 1) and on_time.days_left == 11
    late = lines.hkmo_resident_deadline(entry, date(2026, 12, 2))
    assert late.state == "overdue" and "2026/12/01" in str(late.message)


def test_hkmo_extension_window_opens_thirty_days_before_expiry():
    expiry = date(2027, 7, 31)
    early = lines.hkmo_extension_window(expiry, date(2027, 6, 30))
    assert early.state == "not_yet" and early.opens == date(2027, 7, 1) and "2027/07/01" in str(early.message)
    assert lines.hkmo_extension_window(expiry, date(2027, 7, 1)).state == "open"
    assert lines.hkmo_extension_window(expiry, date(2027, 7, 31)).state == "open"
    assert lines.hkmo_extension_window(expiry, date(2027, 8, 1)).state == "overdue"


def test_group_numbers_of_the_new_lines_as_the_seed_shows_them():
    from app.domain import numbering

    # The seed's 陸生 group 051160128 (ROC 105, business code 116) and 港澳 group 051080008.
    assert numbering.group_no(date(2016, 12, 1), lines.group_code("mainland_single"), 128) == "051160128"
    assert numbering.group_no(date(2016, 8, 1), lines.group_code("hkmo"), 8) == "051080008"

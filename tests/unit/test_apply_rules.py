"""Rules of the group application: documents per identity and enrolment, completeness, numbering."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import applicant as rules
from app.domain import numbering, offerings
from app.domain.fields import CaseFacts

TODAY = date(2026, 11, 24)


def docs(
    kind="first", *, identity, enrollment="", scholarship=False, self_filed=False, address_changed=False
):
    facts = CaseFacts(
        identity=identity,
        enrollment=enrollment,
        scholarship=scholarship and enrollment == "R",
        self_filed=self_filed,
        address_changed=address_changed,
    )
    return [(d.doc, d.required) for d in offerings.needed_documents(offerings.get("foreign", kind), facts)]


def group_documents(self_filed=False):
    return offerings.needed_group_documents(offerings.get("foreign", "first"), self_filed=self_filed)


def test_foreign_student_documents():
    assert docs(identity="foreign", enrollment="A") == [
        ("passport", True),
        ("visa", True),
        ("accommodation", True),
        ("other", False),
    ]


def test_overseas_student_adds_placement_notice():
    assert docs(identity="overseas", enrollment="R") == [
        ("passport", True),
        ("visa", True),
        ("accommodation", True),
        ("placement_notice", True),
        ("other", False),
    ]


def test_scholarship_certificate_only_for_registered_scholarship_students():
    assert ("scholarship", True) in docs(identity="foreign", enrollment="R", scholarship=True)
    # "admitted, not registered" cannot be a scholarship student: no certificate asked for
    assert "scholarship" not in dict(docs(identity="foreign", enrollment="A", scholarship=True))
    assert "scholarship" not in dict(docs(identity="foreign", enrollment="R", scholarship=False))


def test_self_filed_adds_admission_certificate():
    assert ("admission", True) in docs(identity="foreign", self_filed=True)
    assert "admission" not in dict(docs(identity="foreign", self_filed=False))


def test_renewal_needs_passport_and_accommodation_only_when_address_changed():
    assert docs("renewal", identity="foreign") == [("passport", True), ("other", False)]
    assert ("accommodation", True) in docs("renewal", identity="foreign", address_changed=True)


def test_group_documents_power_of_attorney_required():
    assert [(d.doc, d.required) for d in group_documents()] == [
        ("power_of_attorney", True),
        ("group_other", False),
    ]
    assert offerings.missing(group_documents(), {"group_other"}) == ["power_of_attorney"]
    assert offerings.missing(group_documents(), {"power_of_attorney"}) == []
    # a student's own application (a group of one) has no power of attorney
    assert group_documents(self_filed=True) == []


def test_every_rule_has_a_label():
    for offering in offerings.OFFERINGS.values():
        for d in offering.documents + offering.group_documents:
            assert offerings.label_of_doc(d.doc) != d.doc, (offering.key, d.doc)


def complete_form(**over):
    form = {
        "enrollment_status": "R",
        "name_zh": "王小明",
        "name_en": "WANG XIAO MING",
        "birth_date": "2001/05/02",
        "passport_no": "P19840502",
        "passport_expiry": "2030/01/01",
        "visa_issue_date": "2026/08/01",
        "gender": "F",
        "marital_status": "single",
        "education": "senior_high",
        "department": "資訊管理學系",
        "program": "bachelor",
        "grade": "1",
        "birthplace": "JP",
        "nationality": "JP",
        "addr_county": "臺北市",
        "addr_district": "大安區",
        "addr_street": "羅斯福路四段",
        "addr_number": "1號",
        "phone": "0912345678",
        "email": "student@example.com",
        "ui_no": "",
    }
    form.update(over)
    return rules.normalise(form)


ALL_DOCS = {"photo", "passport", "visa", "accommodation"}
FOREIGN = CaseFacts(identity="foreign", enrollment="R", scholarship=False)
FIRST = offerings.get("foreign", "first")


def check_applicant(form, facts, present, today):
    return offerings.check_case(FIRST, form, facts, present, today).problems


def test_complete_applicant_has_no_problems():
    assert check_applicant(complete_form(), FOREIGN, ALL_DOCS, TODAY) == {}


def test_missing_fields_and_documents_are_required():
    problems = check_applicant(rules.normalise({}), FOREIGN, set(), TODAY)
    for key in (
        "name_en",
        "birth_date",
        "passport_no",
        "passport_expiry",
        "visa_issue_date",
        "gender",
        "marital_status",
        "education",
        "department",
        "program",
        "birthplace",
        "nationality",
        "addr_county",
        "addr_street",
        "photo",
        "doc_passport",
        "doc_visa",
        "doc_accommodation",
        "enrollment_status",
        "name_zh",
    ):
        assert key in problems, key
    assert problems["name_en"] == "必須填寫"
    assert "doc_other" not in problems


def test_overseas_student_without_placement_notice_is_incomplete():
    facts = CaseFacts(identity="overseas", enrollment="R", scholarship=False)
    assert set(check_applicant(complete_form(), facts, ALL_DOCS, TODAY)) == {"doc_placement_notice"}


def test_no_chinese_name_ticked_is_enough():
    assert rules.check_fields(complete_form(name_zh="", no_chinese_name="1"), TODAY) == {}
    assert "name_zh" in rules.check_fields(complete_form(name_zh=""), TODAY)


@pytest.mark.parametrize(
    ("expiry", "ok"),
    [
        ("2026/11/23", False),  # expired
        ("2027/05/23", False),  # under 6 months
        ("2027/05/24", True),  # exactly 6 months
        ("2031/01/01", True),
    ],
)
def test_passport_must_be_valid_six_months(expiry, ok):
    errors = rules.check_fields(complete_form(passport_expiry=expiry), TODAY)
    assert ("passport_expiry" not in errors) is ok


def test_passport_expired_message():
    assert (
        "expired" in rules.check_fields(complete_form(passport_expiry="2020/01/01"), TODAY)["passport_expiry"]
        or "過期" in rules.check_fields(complete_form(passport_expiry="2020/01/01"), TODAY)["passport_expiry"]
    )


@pytest.mark.parametrize("born", ["2001/02/30", "20011345", "2027/01/01", "1850/01/01", "2020/01/01"])
def test_impossible_birth_dates(born):
    assert "birth_date" in rules.check_fields(complete_form(birth_date=born), TODAY)


def test_dates_accept_compact_typing():
    assert rules.check_fields(complete_form(birth_date="20010502"), TODAY) == {}


def test_ui_number_check_digit():
    assert rules.check_fields(complete_form(ui_no="A800000014"), TODAY) == {}
    assert rules.check_fields(complete_form(ui_no="AD30265881"), TODAY) == {}
    assert "ui_no" in rules.check_fields(complete_form(ui_no="A800000015"), TODAY)


def test_email_and_phone_shapes():
    errors = rules.check_fields(complete_form(email="not-an-email", phone="12345"), TODAY)
    assert set(errors) == {"email", "phone"}


def test_choices_are_checked():
    errors = rules.check_fields(
        complete_form(gender="X", nationality="TW", birthplace="XX", program="nope"), TODAY
    )
    assert {"gender", "nationality", "birthplace", "program"} <= set(errors)


def test_scholarship_dropped_unless_registered():
    assert rules.normalise({"enrollment_status": "A", "scholarship": "1"})["scholarship"] == ""
    assert rules.normalise({"enrollment_status": "R", "scholarship": "1"})["scholarship"] == "1"


def test_record_round_trip_keeps_what_was_typed():
    form = complete_form(birth_date="2001/02/30", department="x" * 150)
    values, raw = rules.record_from_form(form)
    assert values["birth_date"] is None and raw["birth_date"] == "2001/02/30"
    assert values["department"] == "" and raw["department"] == "x" * 150
    record = dict(values, data={"raw": raw})
    back = rules.form_from_record(record)
    assert back["birth_date"] == "2001/02/30"
    assert back["department"] == "x" * 150
    assert back["passport_expiry"] == "2030/01/01"
    assert back["addr_county"] == "臺北市"


@pytest.mark.parametrize(
    ("value", "ok"), [("1", True), ("30", True), ("0", False), ("31", False), ("", False), ("abc", False)]
)
def test_member_count(value, ok):
    assert (rules.check_member_count(value) is None) is ok


def test_submit_problems():
    assert rules.submit_problems(3, 3, 0) == []
    assert rules.submit_problems(3, 2, 0)  # count must match
    assert rules.submit_problems(3, 3, 1)  # incomplete
    assert rules.submit_problems(31, 31, 0)  # over 30


def test_country_choices_from_cldr():
    from app.i18n import use_locale

    with use_locale("en"):
        names = dict(rules.country_choices())
        assert names["JP"] == "Japan"
        assert "TW" not in dict(rules.country_choices(nationality=True))
    with use_locale("zh_Hant_TW"):
        assert dict(rules.country_choices())["JP"] == "日本"


def test_numbers():
    d = date(2026, 5, 12)
    assert numbering.group_no(d, "102", 10) == "151020010"
    assert numbering.receipt_no(d, 220) == "115696500220"


def test_add_months_end_of_month():
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)

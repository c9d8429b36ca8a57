"""Issue 14: the 陸生 and 港澳生 offerings as engine entries: built from app.domain.lines (one source of
truth), their documents by the applicant's facts, their forms' checks, deadlines and fee."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from app.domain import lines, offerings
from app.domain.fields import CaseFacts
from app.i18n import reset_locale, set_locale

TODAY = date(2026, 10, 15)


@contextmanager
def use_locale(locale: str):
    token = set_locale(locale)
    try:
        yield
    finally:
        reset_locale(token)


KEYS = [
    ("mainland_single", "first"),
    ("mainland_multiple", "first"),
    ("hkmo", "first"),
    ("hkmo", "extension"),
]


def _offering(line, kind):
    found = offerings.get(line, kind)
    assert found is not None
    return found


def _docs(o, identity, self_filed=False, **answers):
    facts = CaseFacts(identity=identity, self_filed=self_filed, answers=answers)
    return {d.doc: d.required for d in offerings.needed_documents(o, facts)}


@pytest.mark.parametrize("key", KEYS)
def test_each_offering_is_built_from_its_line_rules(key):
    o = _offering(*key)
    line = lines.offering(*key)
    assert o.line_offering is line
    assert o.title is line.title and o.roster_categories == line.categories
    assert o.numbering_code == line.group_code
    assert o.fee == line.default_fee  # the default of master data, not a second figure
    assert o.certificate is line.permit.title
    # every document rule of the line is a document of the case, of the group, or the photo
    codes = {d.doc for d in o.documents + o.group_documents} | ({"photo"} if o.photo else set())
    assert codes == {r.code for r in line.documents}
    assert o.slug == offerings.by_any_slug(o.slug).slug  # slugs unique across lines


def test_business_codes_and_receiving_unit():
    assert _offering("mainland_single", "first").numbering_code == "116"
    assert _offering("mainland_multiple", "first").numbering_code == "116"
    assert _offering("hkmo", "first").numbering_code == "108"
    assert _offering("mainland_single", "first").receiving_unit == "S21"  # 花蓮縣服務站
    assert _offering("hkmo", "first").receiving_unit is None  # the group's station receives it


def test_mainland_single_documents_of_a_student_a_returning_student_and_a_relative():
    o = _offering("mainland_single", "first")
    new = _docs(o, "cn", student_status="new")
    assert new == {
        "mainland_entry_form": True,
        "mainland_resident_id": True,
        "admission_letter": True,
    }
    returning = _docs(o, "cn", student_status="returning")
    assert returning["reinstatement"] is True
    relative = _docs(o, "cn_rel", relation="spouse")
    assert "admission_letter" not in relative and relative["kinship_proof"] is True
    # the group's documents: 保證書, 團體名冊, and 委託書 when the school files
    group = {d.doc for d in offerings.needed_group_documents(o)}
    assert group == {"guarantee", "group_roster", "power_of_attorney"}
    assert o.photo


def test_hkmo_documents_and_the_power_of_attorney_only_when_the_school_files():
    o = _offering("hkmo", "first")
    assert set(_docs(o, "hk")) == {
        "hkmo_permanent_id",
        "placement_notice_overseas",
        "enrolment_certificate",
        "police_record",
        "health_certificate_b",
        "entry_exit_permit",
        "hkmo_identity_confirmation",
        "residence_declaration",
    }
    assert {d.doc for d in offerings.needed_group_documents(o)} == {"power_of_attorney"}
    assert offerings.needed_group_documents(o, self_filed=True) == []


def test_multiple_entry_health_certificate_only_for_new_students():
    o = _offering("mainland_multiple", "first")
    assert _docs(o, "cn", student_status="new")["health_certificate"] is True
    assert "health_certificate" not in _docs(o, "cn", student_status="continuing")
    assert "enrolment_or_student_card" not in _docs(o, "cn_rel")


def test_hkmo_extension_photo_only_on_the_first_online_extension():
    o = _offering("hkmo", "extension")
    assert "extension_photo" not in _docs(o, "hk")
    assert _docs(o, "hk", first_online_extension="1")["extension_photo"] is True
    assert not o.photo


def _check(o, identity, form, present=frozenset(), today=TODAY):
    typed = {**form, offerings.IDENTITY: identity}
    facts = CaseFacts(identity=identity, answers=typed)
    with use_locale("en"):
        return offerings.check_case(o, typed, facts, set(present), today)


MAINLAND = {
    "name_zh": "王小明",
    "name_en": "WANG XIAOMING",
    "gender": "M",
    "birth_date": "1949/12/31",
    "prc_id": "11010519491231002X",
    "passport_no": "L12345678",
    "student_status": "new",
    "department": "資訊工程學系",
    "program": "master",
}


def test_mainland_form_checks_the_identifiers_and_only_degree_programmes():
    o = _offering("mainland_single", "first")
    assert _check(o, "cn", MAINLAND).fields == {}
    bad = _check(o, "cn", MAINLAND | {"prc_id": "110105194912310021", "passport_no": "12345678"}).fields
    assert set(bad) == {"prc_id", "passport_no"}
    assert "program" in _check(o, "cn", MAINLAND | {"program": "exchange"}).fields  # 學位生 only
    # a relative: relation and the student's number are asked for, department and programme are not
    relative = {k: v for k, v in MAINLAND.items() if k not in ("student_status", "department", "program")}
    assert set(_check(o, "cn_rel", relative).fields) == {"relation", "student_prc_id"}
    linked = relative | {"relation": "child", "student_prc_id": "11010519491231002X"}
    assert _check(o, "cn_rel", linked).fields == {}


HKMO = {
    "name_zh": "陳大文",
    "name_en": "CHAN TAI MAN",
    "gender": "M",
    "birth_date": "2005/01/02",
    "passport_no": "K12345678",
    "entry_permit_no": "HK1234567",
    "department": "電機工程學系",
    "program": "bachelor",
    "addr_county": "臺北市",
    "addr_district": "大安區",
    "addr_street": "羅斯福路四段",
    "addr_number": "1號",
}


def test_hkmo_card_number_is_checked_by_the_applicants_identity():
    o = _offering("hkmo", "first")
    entry = {"entry_date": "2026/10/01"}
    assert _check(o, "hk", HKMO | entry | {"hkmo_id": "A123456(3)"}).fields == {}
    assert "hkmo_id" in _check(o, "hk", HKMO | entry | {"hkmo_id": "A123456(4)"}).fields  # check digit
    assert "hkmo_id" in _check(o, "mo", HKMO | entry | {"hkmo_id": "A123456(3)"}).fields
    assert _check(o, "mo", HKMO | entry | {"hkmo_id": "1234567(8)"}).fields == {}


def test_hkmo_entry_deadline_warns_but_does_not_refuse():
    o = _offering("hkmo", "first")
    spec = next(s for s in o.form.fields if s.name == "entry_date")
    late = {"entry_date": "2026/06/01", "hkmo_id": "A123456(3)"}
    assert _check(o, "hk", HKMO | late).fields == {}
    with use_locale("en"):
        assert "was due within three months of entry (by 2026/09/01)" in spec.note_for(late, TODAY)
        assert "Apply by 2026/12/15" in spec.note_for({"entry_date": "2026/09/15"}, TODAY)


def test_multiple_entry_refused_past_two_months_from_entry():
    o = _offering("mainland_multiple", "first")
    form = MAINLAND | {"single_permit_no": "S1", "entry_date": "2026/08/14"}
    with use_locale("en"):
        errors = _check(o, "cn", form).fields
        assert "within two months of entry (by 2026/10/14)" in errors["entry_date"]
        assert "entry_date" not in _check(o, "cn", form | {"entry_date": "2026/08/15"}).fields
        spec = next(s for s in o.form.fields if s.name == "entry_date")
        assert "Apply by 2026/10/15" in spec.note_for({"entry_date": "2026/08/15"}, TODAY)


def test_hkmo_extension_refused_before_its_window_opens():
    o = _offering("hkmo", "extension")
    base = {
        "ui_no": "A800000014",
        "name_zh": "何家明",
        "name_en": "HO KA MENG",
        "birth_date": "2004/04/04",
        "hkmo_id": "1234567(8)",
        "passport_no": "MA1234567",
        "department": "法律學系",
    }
    with use_locale("en"):
        early = _check(o, "mo", base | {"current_expiry": "2026/12/15"}).fields
        assert "from 2026/11/15" in early["current_expiry"]
        assert _check(o, "mo", base | {"current_expiry": "2026/11/14"}).fields == {}
        expired = _check(o, "mo", base | {"current_expiry": "2026/10/14"}).fields
        assert "expired on 2026/10/14" in expired["current_expiry"]
        spec = next(s for s in o.form.fields if s.name == "current_expiry")
        assert "Apply by 2026/11/14" in spec.note_for({"current_expiry": "2026/11/14"}, TODAY)


def test_fee_in_force_comes_from_master_data_records():
    o = _offering("hkmo", "first")
    changed = lines.FeeRecord("hkmo", "first", 2800, TODAY - timedelta(days=1), "test")
    assert lines.fee_in_force(o.line, o.kind, [changed], TODAY).per_person == 2800
    assert (
        lines.fee_in_force(o.line, o.kind, [changed], TODAY - timedelta(days=2)).per_person == o.fee == 2600
    )


def test_mainland_terms_say_degree_students_only_and_the_receiving_unit():
    o = _offering("mainland_single", "first")
    with use_locale("zh_Hant_TW"):
        text = " ".join(str(t) for t in o.terms)
    assert "學位生" in text and "研修生" in text and "花蓮縣服務站" in text


def test_a_relative_must_name_a_student_applicant_of_the_group():
    o = _offering("mainland_single", "first")
    student = {"id": 1, "identity": "cn", "data": {"fields": {"prc_id": "11010519491231002X"}}}
    other_relative = {"id": 3, "identity": "cn_rel", "data": {"fields": {"prc_id": "110101199003077678"}}}
    relative = {"id": 2, "identity": "cn_rel"}
    form = {"student_prc_id": "110105 19491231 002x"}  # spaces and case do not matter
    assert offerings.link_problem(o, relative, form, [student, relative]) == ""
    with use_locale("en"):
        assert "No student applicant of this group" in offerings.link_problem(o, relative, form, [relative])
        # a relative cannot be linked to another relative
        wrong = {"student_prc_id": "110101199003077678"}
        assert offerings.link_problem(o, relative, wrong, [student, other_relative])
    # a student is linked to no one; HK/Macau offerings have no link
    assert offerings.link_problem(o, student, {"student_prc_id": "x"}, []) == ""
    assert offerings.link_problem(_offering("hkmo", "first"), relative, form, []) == ""

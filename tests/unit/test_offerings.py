"""The catalogue of offerings and the one check of a case against its offering."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import fees, offerings
from app.domain.fields import CaseFacts, FieldSpec, FormSpec
from app.domain.profiles import parse_date

TODAY = date(2026, 11, 24)


def test_the_four_offerings_of_foreign_students_are_entries():
    keys = {o.key for o in offerings.of_line("foreign")}
    assert keys == {("foreign", k) for k in ("first", "renewal", "extension", "data_change")}
    renewal = offerings.get("foreign", "renewal")
    assert renewal.lookup and not offerings.get("foreign", "first").lookup
    assert renewal.form.fixed == {"enrollment_status": "R"}
    assert offerings.by_slug("foreign", "data-change").kind == "data_change"
    for o in offerings.of_line("foreign"):
        assert o.numbering_code == "102" and o.fee == 1000
        assert set(o.identities) == {"overseas", "foreign"} and set(o.roster_categories) == {"FG", "FO"}
        assert o.key_fields(), o.key


def test_the_check_returns_field_errors_and_missing_documents_apart():
    extension = offerings.get("foreign", "extension")
    found = offerings.check_case(extension, {"ui_no": "A800000014"}, CaseFacts(), {"passport"}, TODAY)
    assert "name_en" in found.fields and "ui_no" not in found.fields
    assert found.missing == ["resident_card", "enrolment_proof"]  # no photo for an extension
    assert found.problems["doc_resident_card"] and not found.complete


def test_required_when_follows_the_facts():
    change = offerings.get("foreign", "data_change")
    base = {"ui_no": "A800000014", "name_en": "AN", "passport_no": "P1234567", "birth_date": "2000/01/01"}
    only_name = offerings.check_case(
        change, base | {"changes": "name"}, CaseFacts(changes=frozenset({"name"})), set(), TODAY
    )
    assert "new_name_en" in only_name.fields and "new_passport_no" not in only_name.fields
    assert "change_proof" in only_name.missing and "accommodation" not in only_name.missing


# A made-up offering: registered in the test, checked by the same function -------------------------------


def _after_entry(value, form, today):
    entered = parse_date(value)
    return "The entry date cannot be in the future." if entered and entered > today else None


MADE_UP = offerings.Offering(
    line="testline",
    kind="visit",
    slug="visit",
    title="Visiting scholar permit (test)",
    short_title="Visit",
    identities={"scholar": "Scholar"},
    roster_categories=("FG",),
    form=FormSpec(
        "kind",
        (
            FieldSpec("name_en", "English name", required=True, key=True),
            FieldSpec("entry_date", "Entry date", "date", True, _after_entry, key=True),
            FieldSpec(
                "sponsor", "Sponsor", required=lambda form, facts: facts.identity == "scholar", max_length=20
            ),
        ),
    ),
    documents=(
        offerings.DocumentSpec("invitation"),
        offerings.DocumentSpec("other", False),
    ),
    photo=False,
    lookup=None,
    numbering_code="199",
)


@pytest.fixture
def made_up(monkeypatch):
    offerings.register(MADE_UP)
    offerings.register_document_label("invitation", "Letter of invitation")
    monkeypatch.setattr(
        fees, "_INDEX", {**fees._INDEX, ("testline", "visit"): fees.Fee("testline", "visit", "Permit", 500)}
    )
    yield MADE_UP
    offerings.unregister("testline", "visit")


def test_a_made_up_offering_is_a_data_entry(made_up):
    assert offerings.of({"business_line": "testline", "kind": "visit"}) is made_up
    assert made_up.fee == 500 and made_up.certificate == "Permit"
    facts = CaseFacts(identity="scholar")
    found = offerings.check_case(made_up, {"entry_date": "2030/01/01"}, facts, set(), TODAY)
    assert found.fields == {
        "name_en": "必須填寫",
        "entry_date": "The entry date cannot be in the future.",
        "sponsor": "必須填寫",
    }
    assert found.missing == ["invitation"]
    ok = offerings.check_case(
        made_up,
        {"name_en": "A B", "entry_date": "2026/01/01", "sponsor": "NTU"},
        facts,
        {"invitation"},
        TODAY,
    )
    assert ok.complete
    assert "invitation" in offerings.all_document_kinds()
    assert offerings.label_of_doc("invitation") == "Letter of invitation"

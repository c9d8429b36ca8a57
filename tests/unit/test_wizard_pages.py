"""Every offering in the catalogue gets its wizard pages from data: a page set and a fields partial that exist,
and addresses of its own (a new offering needs no template test of its name)."""

from __future__ import annotations

from pathlib import Path

from app.domain import offerings
from app.web import forms, wizard

PARTIALS = Path(__file__).resolve().parents[2] / "partials"


def test_each_offering_has_pages_and_fields_that_exist():
    assert offerings.OFFERINGS
    for offering in offerings.OFFERINGS.values():
        pages = wizard.pages_of(offering)
        assert (PARTIALS / pages.applicant).is_file(), offering.key
        assert (PARTIALS / forms.fields_partial(offering)).is_file(), offering.key


def test_the_first_application_draws_on_the_roster_and_the_others_do_not():
    first = offerings.get("foreign", "first")
    assert wizard.pages_of(first).roster and wizard.pages_of(first).autosave
    for kind in ("renewal", "extension", "data_change"):
        pages = wizard.pages_of(offerings.get("foreign", kind))
        assert not pages.roster and not pages.autosave and pages.applicant == "kinds/applicant.html"


def test_addresses_of_a_draft_follow_its_offering_and_who_files_it():
    app = {"id": 7, "business_line": "foreign", "kind": "data_change", "student": None}
    assert wizard.url_of(app, "/applicants") == "/apply/foreign/data-change/7/applicants"
    assert wizard.check_url(app) == "/apply/foreign/data-change/7/check"
    assert wizard.check_url({**app, "student": 3}) == "/student/apply/foreign/data-change/7/check"
    steps = wizard.steps(app, "details")
    assert [key for key, _title, _url in steps["items"]] == ["submitter", "details", "applicants", "check"]
    assert steps["items"][0][2] == "/apply/foreign/data-change/7/submitter"


def test_a_form_made_of_field_specs_is_drawn_field_by_field():
    spec = offerings.spec_form((offerings.FieldSpec("name_en", "English name"),))
    made_up = offerings.Offering(
        "testline", "visit", "visit", "Visit", "Visit", {"x": "X"}, (), spec, (), numbering_code="199"
    )
    assert forms.fields_partial(made_up) == "kinds/_spec_fields.html"
    assert wizard.pages_of(made_up).applicant == "kinds/applicant.html"

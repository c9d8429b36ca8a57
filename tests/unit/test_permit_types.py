"""What each (line, kind) issues and costs by default (issue 14): the permit type, its document, who gets one."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import fees, permits


def test_permit_type_of_each_line():
    assert permits.permit_of("mainland_single", "first").zh == "單次證"
    assert permits.permit_of("mainland_multiple", "first").zh == "多次證"
    assert permits.permit_of("hkmo", "first").zh == permits.permit_of("hkmo", "extension").zh == "居留證"
    assert permits.permit_of("foreign", "renewal").zh == "居留證"


def test_default_fees_per_person():
    assert permits.default_fee("mainland_single", "first") == 600
    assert permits.default_fee("mainland_multiple", "first") == 1000
    assert permits.default_fee("hkmo", "first") == 2600
    assert permits.default_fee("hkmo", "extension") == 300
    assert permits.default_fee("foreign", "first") == 1000
    with pytest.raises(fees.NoFee):
        permits.default_fee("nowhere", "first")


def test_entry_permits_go_to_every_paid_case_a_resident_certificate_to_the_not_yet_registered():
    single = permits.document_for("mainland_single", "first")
    resident = permits.document_for("hkmo", "first")
    assert single.issues_document("R") and single.issues_document("A")
    assert resident.issues_document("A") and not resident.issues_document("R")
    assert single.validity(date(2026, 12, 5)) == (date(2026, 12, 5), date(2027, 6, 4))
    assert permits.document_for("mainland_multiple", "first").validity(date(2026, 12, 5))[1] == date(
        2027, 12, 4
    )
    assert "單次" in single.title_zh and "多次" in permits.document_for("mainland_multiple", "first").title_zh


def test_identity_and_travel_document_numbers_from_the_case():
    assert permits.identity_no({"fields": {"hkmo_id": "A123456(3)"}}) == "A123456(3)"
    assert permits.identity_no({}) == "" and permits.identity_no(None) == ""
    assert permits.travel_document_no("T12345678", {}) == "T12345678"
    assert permits.travel_document_no("", {"fields": {"travel_permit_no": "L12345678"}}) == "L12345678"

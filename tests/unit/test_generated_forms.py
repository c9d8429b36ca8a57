"""Issue 14: every document an offering marks generated has a form to download, on the right page."""

from __future__ import annotations

from app.domain import offerings
from app.services import generated_forms as gf


def test_every_generated_document_has_a_builder_on_the_page_that_asks_for_it():
    seen = set()
    for offering in offerings.OFFERINGS.values():
        case_docs = {d.doc for d in offering.documents}
        group_docs = {d.doc for d in offering.group_documents}
        for doc in offerings.generated_documents(offering):
            seen.add(doc)
            forms = [f for f in gf.FORMS.values() if f.doc == doc]
            assert forms, f"{offering.key}: {doc} is generated but has no builder"
            for f in forms:
                assert doc in (case_docs if f.scope == gf.CASE else group_docs), (offering.key, f.code)
    assert {"mainland_entry_form", "guarantee", "group_roster", "hkmo_identity_confirmation"} <= seen


def test_a_foreign_offering_generates_nothing():
    assert offerings.generated_documents(offerings.get("foreign", "first")) == frozenset()
    assert gf.offered(offerings.get("foreign", "first"), "guarantee", gf.GROUP) is None
    hkmo = offerings.get("hkmo", "first")
    assert gf.offered(hkmo, "residence_declaration", gf.CASE) is not None
    assert gf.offered(hkmo, "residence_declaration", gf.GROUP) is None  # the applicant's, not the group's

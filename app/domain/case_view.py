"""What the reviewer's case page shows of a case's offering (issue 14): the line's own fields, in words, and
the documents the offering asks for with how many files each has. Pure: the offering is data."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from app.domain import offerings
from app.domain.offerings import AnswerRow, DocumentRow, Offering


def own_fields(offering: Offering, case: Mapping[str, Any], columns: Collection[str]) -> list[AnswerRow]:
    """The offering's fields that are not among the case's common columns (those the page lists anyway)."""
    if offering.form.read is None:
        return []
    form, changes = offerings.form_of_case(offering, case)
    typed = {**form, "changes": ",".join(changes)}
    return [
        AnswerRow(s.name, str(s.label), offerings._value_in_words(s, typed))  # noqa: SLF001  (one wording)
        for s in offering.form.fields
        if s.name not in columns
    ]


def document_rows(
    offering: Offering, app: Mapping[str, Any], case: Mapping[str, Any], files: list[Mapping[str, Any]]
) -> list[DocumentRow]:
    """The offering's documents for this case (required or not) and the files each has."""
    counts: dict[str, int] = {}
    for f in files:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    return [
        DocumentRow(d.doc, d.label, d.required, counts.get(d.doc, 0))
        for d in offerings.documents_of_case(offering, app, case, files)
    ]

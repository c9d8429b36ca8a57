"""Groups of the 陸生 and 港澳生 lines for the tests of what surrounds them (issue 14): their offerings when
the catalogue does not hold them yet, and submitted groups of a line in given statuses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from app.domain import fees, lines, offerings
from app.domain.fields import FieldSpec
from tables.tables import Application, Case
from tests import progress_support

LINE_OFFERINGS = (
    ("mainland_single", "first"),
    ("mainland_multiple", "first"),
    ("hkmo", "first"),
    ("hkmo", "extension"),
)
_ID_FIELD = {"mainland_single": "prc_id", "mainland_multiple": "prc_id", "hkmo": "hkmo_id"}


def stand_in(line: str, kind: str) -> offerings.Offering:
    """An offering of (line, kind) built from the lines' data: its documents, and an identity number field."""
    data = lines.offering(line, kind)
    return offerings.Offering(
        line=line,
        kind=kind,
        slug=f"{line}-{kind}".replace("_", "-"),
        title=data.title,
        short_title=data.title,
        identities={"foreign": "Student"},
        roster_categories=data.categories,
        form=offerings.spec_form(
            (
                FieldSpec("name_en", "English name", required=True, key=True, max_length=100),
                FieldSpec(_ID_FIELD[line], "Identity card no.", required=True, key=True, max_length=20),
            )
        ),
        documents=tuple(
            offerings.DocumentSpec(d.code, not d.optional and not d.required_when)
            for d in data.documents
            if d.code != "photo"
        ),
        numbering_code=data.group_code,
    )


@contextlib.contextmanager
def line_offerings() -> Iterator[None]:
    """The four offerings of the lines in the catalogue for the test (stand-ins where not registered)."""
    added = []
    for line, kind in LINE_OFFERINGS:
        if offerings.get(line, kind) is None:
            offerings.register(stand_in(line, kind))
            added.append((line, kind))
            for d in lines.offering(line, kind).documents:
                if d.code not in offerings.all_document_kinds():
                    offerings.register_document_label(d.code, d.title)
    try:
        yield
    finally:
        for line, kind in added:
            offerings.unregister(line, kind)


def per_person(line: str, kind: str) -> int:
    """The default fee the payment must charge (no supervisor's change in the test)."""
    try:
        return fees.fee_for(line, kind).per_person
    except fees.NoFee:
        return lines.offering(line, kind).default_fee


async def make_line_group(
    school_id: int,
    account_id: int | None,
    line: str,
    kind: str,
    statuses: list[str],
    *,
    enrollment: str = "R",
    identity_no: str = "",
    travel_permit_no: str = "",
    **kw: Any,
) -> dict[str, Any]:
    """A submitted group of `line`/`kind` (photo and documents on file), each case in the status given."""
    g = await progress_support.make_group(school_id, account_id, statuses, kind=kind, **kw)
    code = lines.group_code(line) if line in lines.LINES else "102"
    group_no = f"{g['group_no'][:2]}{code}{g['group_no'][5:]}"
    await Application.update({Application.business_line: line, Application.group_no: group_no}).where(
        Application.id == g["application"]
    )
    fields = {_ID_FIELD.get(line, "id_no"): identity_no} if identity_no else {}
    columns: dict[Any, Any] = {Case.enrollment_status: enrollment}
    if travel_permit_no:  # a mainland student travels on the 往來台灣通行證 (kept where a passport no. is)
        columns[Case.passport_no] = travel_permit_no
    columns[Case.data] = {"fields": fields} if fields else {}
    await Case.update(columns).where(Case.application == g["application"])
    return {**g, "group_no": group_no}

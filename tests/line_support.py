"""Groups of the 陸生 and 港澳生 lines for the tests of what surrounds them (issue 14): submitted groups of a
line in given statuses, as the offerings (app.domain.offerings) store them."""

from __future__ import annotations

from typing import Any

from app.domain import fees, lines, offerings
from tables.tables import Application, Case
from tests import progress_support

_ID_FIELD = {"mainland_single": "prc_id", "mainland_multiple": "prc_id", "hkmo": "hkmo_id"}


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
    offering = offerings.get(line, kind)
    if offering is not None:  # the offering's first identity (陸生, 港澳生 ...)
        columns[Case.identity] = next(iter(offering.identities))
    if travel_permit_no:  # a mainland student travels on the 往來台灣通行證 (kept where a passport no. is)
        columns[Case.passport_no] = travel_permit_no
    columns[Case.data] = {"fields": fields} if fields else {}
    await Case.update(columns).where(Case.application == g["application"])
    return {**g, "group_no": group_no}

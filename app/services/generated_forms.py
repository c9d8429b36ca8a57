"""The generated forms the wizard offers beside their uploads (issue 14), filled from what is saved.

Which document has which builder is data: `FORMS` maps a form's code (in the URL) to the document it is
for, whether it is one applicant's or the group's, and its builder in `app.services.signature_forms`.
Whether an offering offers a document as generated is the offering's (`offerings.generated_documents`).

The inputs are plain dicts as `app.queries` give them: the school row, the group row, each applicant's
stored case with the form strings its offering reads from it (`offerings.form_of_case`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain import applicant, offerings
from app.domain.addresses import ADDRESS_PARTS, format_address
from app.domain.profiles import parse_date
from app.i18n import DEFAULT_LOCALE, use_locale
from app.services import signature_forms as sf

CASE, GROUP = "case", "group"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PersonBuilder = Callable[[sf.GroupForm, sf.FormPerson], Awaitable[bytes]]
GroupBuilder = Callable[[sf.GroupForm, list[sf.FormPerson]], Awaitable[bytes]]


async def _roster_xlsx(g: sf.GroupForm, people: list[sf.FormPerson]) -> bytes:
    return sf.mainland_roster_xlsx(g, people)


@dataclass(frozen=True)
class GeneratedForm:
    code: str  # in the URL: …/forms/{code}
    doc: str  # the document (upload) it is offered beside
    scope: str  # CASE: one applicant's | GROUP: the group's, with every applicant added so far
    build: Any  # PersonBuilder for CASE, GroupBuilder for GROUP
    media_type: str = PDF
    extension: str = "pdf"


FORMS: dict[str, GeneratedForm] = {
    f.code: f
    for f in (
        GeneratedForm("mainland_entry_form", "mainland_entry_form", CASE, sf.mainland_entry_application_pdf),
        GeneratedForm(
            "hkmo_identity_confirmation",
            "hkmo_identity_confirmation",
            CASE,
            sf.hkmo_identity_confirmation_pdf,
        ),
        GeneratedForm("residence_declaration", "residence_declaration", CASE, sf.residence_declaration_pdf),
        GeneratedForm("guarantee", "guarantee", GROUP, sf.guarantee_pdf),
        GeneratedForm("group_roster", "group_roster", GROUP, sf.group_roster_pdf),
        GeneratedForm("group_roster_xlsx", "group_roster", GROUP, _roster_xlsx, XLSX, "xlsx"),
    )
}


def offered(offering: offerings.Offering, code: str, scope: str) -> GeneratedForm | None:
    """The form of this code when the offering marks its document generated and the scope fits, else None."""
    form = FORMS.get(code)
    if form is None or form.scope != scope or form.doc not in offerings.generated_documents(offering):
        return None
    return form


def forms_by_document(offering: offerings.Offering, scope: str) -> dict[str, list[GeneratedForm]]:
    """document code -> the generated forms offered beside its upload (PDF first, then Excel)."""
    generated = offerings.generated_documents(offering)
    out: dict[str, list[GeneratedForm]] = {}
    for form in FORMS.values():
        if form.scope == scope and form.doc in generated:
            out.setdefault(form.doc, []).append(form)
    return out


def school_of(row: Mapping[str, Any] | None) -> sf.FormSchool:
    row = row or {}
    parts = {p: row.get(f"addr_{p}") or "" for p in ADDRESS_PARTS}
    return sf.FormSchool(
        name=row.get("name") or "",
        business_no=row.get("business_no") or "",
        head=row.get("head") or "",
        address=format_address(parts).strip() if any(parts.values()) else "",
        phone=row.get("phone") or "",
        email=row.get("email") or "",
    )


def _label(choices: Mapping[str, Any], key: str) -> str:
    return str(choices[key]) if key in choices else ""


def person_of(offering: offerings.Offering, case: Mapping[str, Any]) -> sf.FormPerson:
    """One applicant as the forms print them, from what is saved for them (blank where nothing is yet)."""
    form, _changes = offerings.form_of_case(offering, case)
    addr = {p: form.get(f"addr_{p}", "") for p in ADDRESS_PARTS}
    relation = form.get("relation", "")
    return sf.FormPerson(
        name_zh=form.get("name_zh", "") or case.get("name_zh") or "",
        name_latin=form.get("name_en", "") or case.get("name_en") or "",
        gender=form.get("gender", "") or case.get("gender") or "",
        birth_date=parse_date(form.get("birth_date", "")) or case.get("birth_date"),
        # the offering's roster columns name its fields: 身分證號 (prc_id | hkmo_id), 通行證 (passport_no), else
        # the 入出境許可證 of a Hong Kong or Macau student
        id_no=form.get(offering.roster_fields.get("resident_id", ""), ""),
        travel_permit_no=form.get(offering.roster_fields.get("travel_permit_no", "entry_permit_no"), ""),
        taiwan_address=format_address(addr).strip() if any(addr.values()) else "",
        phone=form.get("phone", ""),
        email=form.get("email", ""),
        department=form.get("department", ""),
        program=_label(applicant.PROGRAMS, form.get("program", "")),
        relation=relation if relation in sf.RELATIONS else "self",
        entry_date=parse_date(form.get("entry_date", "")),
        new_student=form.get("student_status", "new") in ("", "new"),
    )


def group_of(school: Mapping[str, Any] | None, app: Mapping[str, Any], on: date) -> sf.GroupForm:
    return sf.GroupForm(school=school_of(school), group_no=app.get("group_no") or "", on=on)


def _with_students(people: list[sf.FormPerson], offering, cases) -> list[sf.FormPerson]:
    """A relative's row names the student of the group it is linked to (團體名冊, 保證書)."""
    link = offering.link
    if link is None:
        return people
    forms = [offerings.form_of_case(offering, c)[0] for c in cases]
    names = {f.get(link.target, ""): f.get("name_zh", "") for f in forms if f.get(link.target)}
    out = []
    for p, f in zip(people, forms, strict=True):
        student = names.get(f.get(link.field, ""), "") if f.get(link.field) else ""
        out.append(sf.FormPerson(**{**p.__dict__, "student_name": student}) if student else p)
    return out


async def build(
    form: GeneratedForm,
    offering: offerings.Offering,
    school: Mapping[str, Any] | None,
    app: Mapping[str, Any],
    cases: list[Mapping[str, Any]],
    on: date,
) -> bytes:
    """The file of a form: one applicant's (`cases` is that one) or the group's (every applicant so far)."""
    group = group_of(school, app, on)
    with use_locale(DEFAULT_LOCALE):  # the agency's forms are in Chinese (學制 學士, not Bachelor's)
        people = [person_of(offering, c) for c in cases]
    if form.scope == CASE:
        return await form.build(group, people[0])
    return await form.build(group, _with_students(people, offering, cases))


def filename(form: GeneratedForm, app: Mapping[str, Any], case: Mapping[str, Any] | None = None) -> str:
    number = app.get("group_no") or f"draft-{app['id']}"
    who = f"-{case['id']}" if case is not None else ""
    return f"{form.code.removesuffix('_xlsx').replace('_', '-')}-{number}{who}.{form.extension}"

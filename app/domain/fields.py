"""Field specs: what a form's field is, as data, and the one function that checks typed values against them.

A `FieldSpec` names a field, its label, its type, when it is required, its choices, its length limit and
its validator. `check_fields()` runs a tuple of specs over the typed strings: a missing required value
gets its required message, a value too long or not among the choices gets that message, else the
validator may answer one. Pure: strings in, {field: message} out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.profiles import REQUIRED, check_address, parse_date
from app.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class CaseFacts:
    """What required-when rules and document rules depend on (the case, its group, its form)."""

    identity: str = "foreign"  # overseas (僑生) | foreign (外生) | later lines' identities
    enrollment: str = ""  # A 已錄取未註冊 | R 已註冊
    scholarship: bool = False
    self_filed: bool = False  # a student's own application
    address_changed: bool = False  # renewal: the address differs from the certificate's
    changes: frozenset[str] = frozenset()  # data change: the items ticked
    # the form's values as typed (rules of the 陸生 and 港澳生 offerings read 學生身分, 親屬, ...)
    answers: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


Form = Mapping[str, str]
# validator(value, form, today) -> a message, or None when the value is right
Validator = Callable[[str, Form, date], object | None]
# note(form, today) -> a message shown beside the field that does not stop it (a deadline's warning), or None
Note = Callable[[Form, date], object | None]
# required-when(form, facts) -> whether an empty value is a problem
RequiredWhen = Callable[[Form, CaseFacts], bool]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    type: str = "text"  # text | date | choice | choices (several) | checkbox | address
    required: bool | RequiredWhen = False
    validator: Validator | None = None
    choices: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None
    max_length: int | None = None
    required_message: Any = None  # instead of 必須填寫, e.g. "or tick 無中文姓名"
    choice_message: Any = None  # a value not among the choices; None: 必須填寫
    key: bool = False  # shown on 確認送件 (check your answers)
    address_required: bool = True  # type address: whether its required parts must be filled
    hint: Any = None  # shown under the label
    note: Note | None = None  # a warning beside the field that does not stop the form (a deadline)
    # asked only of applicants of these identities (陸生親屬: relation, the student's number); () = of all
    for_identities: tuple[str, ...] = ()

    def applies_to(self, form: Form) -> bool:
        """Whether the field is asked of this applicant (`_identity` in the form's strings)."""
        return not self.for_identities or form.get("_identity", "") in self.for_identities

    def is_required(self, form: Form, facts: CaseFacts) -> bool:
        return self.required(form, facts) if callable(self.required) else bool(self.required)

    def note_for(self, form: Form, today: date) -> str:
        """The field's warning for the values typed ('' when none)."""
        if self.note is None:
            return ""
        value = str(form.get(self.name) or "")
        if not value:
            return ""
        message = self.note(form, today)
        return str(message) if message else ""

    def choice_map(self) -> Mapping[str, Any]:
        if self.choices is None:
            return {}
        return self.choices() if callable(self.choices) else self.choices


def form_values(form: Mapping[str, Any], name: str) -> list[str]:
    """The ticked values of a several-choice field: a list in the form, or a comma-separated string."""
    value = form.get(name)
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return [v for v in str(value or "").split(",") if v]


def check_fields(specs: tuple[FieldSpec, ...], form: Form, facts: CaseFacts, today: date) -> dict[str, str]:
    """Every problem of the typed values against their specs ({} when they are all right)."""
    errors: dict[str, object] = {}
    for spec in specs:
        if not spec.applies_to(form):
            continue
        if spec.type == "address":
            if spec.is_required(form, facts):
                for key, message in check_address(
                    dict(form), spec.name, required=spec.address_required
                ).items():
                    errors.setdefault(key, message)
            continue
        if spec.type == "choices":
            ticked = [v for v in form_values(form, spec.name) if v in spec.choice_map()]
            if not ticked and spec.is_required(form, facts):
                errors[spec.name] = spec.required_message or REQUIRED
            continue
        value = str(form.get(spec.name) or "")
        if not value:
            if spec.is_required(form, facts):
                errors[spec.name] = spec.required_message or REQUIRED
            continue
        if spec.max_length is not None and len(value) > spec.max_length:
            errors[spec.name] = _l("Too long (at most %(n)d characters).", n=spec.max_length)
            continue
        if spec.choices is not None and spec.type == "choice" and value not in spec.choice_map():
            errors[spec.name] = spec.choice_message or REQUIRED
            continue
        if spec.type == "date" and parse_date(value) is None:
            errors[spec.name] = _l("Write a real date as YYYY/MM/DD.")
            continue
        if spec.validator is not None:
            message = spec.validator(value, form, today)
            if message:
                errors[spec.name] = message
    return {k: str(m) for k, m in errors.items()}


@dataclass(frozen=True)
class CaseRecord:
    """What a form's values become in storage: Case columns by name, and keys merged into Case.data."""

    columns: dict[str, Any]
    data: dict[str, Any]


Case = Mapping[str, Any]
Normaliser = Callable[[Mapping[str, Any], Case], dict[str, str]]
Reader = Callable[[Case], tuple[dict[str, str], list[str]]]
Recorder = Callable[[Mapping[str, str], list[str], Case], CaseRecord]
Snapshot = Callable[[Case], dict[str, Any]]


@dataclass(frozen=True)
class FormSpec:
    """A form: its fields, the template that shows them, and how its strings go to and from storage.

    `normalise(data, case)` trims what was typed (and puts back what the offering fixes); `read(case)` gives a
    stored case's strings and ticked changes; `record(form, changes, case)` the columns and data to store;
    `snapshot(case)` what a supplement round compares before and after."""

    template: str  # the partial that shows the fields: "applicant" (外(僑)生申請書) | "kind" (a short form)
    fields: tuple[FieldSpec, ...]
    fixed: Mapping[str, str] = field(default_factory=dict)  # values the offering fixes (renewal: 已註冊)
    normalise: Normaliser | None = None
    read: Reader | None = None
    record: Recorder | None = None
    snapshot: Snapshot | None = None

    def check(self, form: Form, facts: CaseFacts, today: date) -> dict[str, str]:
        return check_fields(self.fields, {**form, **self.fixed}, facts, today)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.fields)

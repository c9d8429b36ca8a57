"""Documents (應檢附文件) each application needs, as data.

`DOCUMENT_RULES` is the one table: a row names a document kind, whether it is required, and the
conditions under which it is asked for (None = any value). `case_documents()` and
`group_documents()` read it; no handler or template decides what a case needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import lazy_gettext as _l

# The kinds of document, with the seed's labels.
DOC_LABELS = {
    # group level (申請資料)
    "power_of_attorney": _l("Power of attorney"),  # 委託書
    "group_other": _l("Other supporting documents (if any)"),  # 其他相關證明文件(無則免)
    # applicant level (申請書)
    "photo": _l("Photo"),  # 照片
    "passport": _l("Passport"),  # 護照
    "visa": _l("Resident visa"),  # 居留簽證
    "accommodation": _l("Proof of accommodation (lease, household register or other proof)"),
    # 住宿證明(房屋契約, 戶口名簿或其他相關證明)
    "placement_notice": _l("Overseas Chinese student placement notice"),  # 僑生分發通知書
    "scholarship": _l("Scholarship certificate"),  # 獎學金證明
    "admission": _l("Admission certificate"),  # 錄取證明
    "other": _l("Other supporting documents (if any)"),  # 其他相關證明文件(無則免)
}

GROUP_LEVEL = "group"
CASE_LEVEL = "case"


@dataclass(frozen=True)
class DocumentRule:
    doc: str
    required: bool
    level: str = CASE_LEVEL
    line: str | None = None  # business line: foreign, ...
    kind: str | None = None  # first, renewal, extension, data_change
    identity: str | None = None  # overseas (僑生) | foreign (外生)
    enrollment: str | None = None  # A 已錄取未註冊 | R 已註冊
    scholarship: bool | None = None
    self_filed: bool | None = None  # a student's own application
    address_changed: bool | None = None  # renewal: accommodation only when the address changed

    def matches(self, **facts: object) -> bool:
        for name in (
            "line",
            "kind",
            "identity",
            "enrollment",
            "scholarship",
            "self_filed",
            "address_changed",
        ):
            want = getattr(self, name)
            if want is not None and facts.get(name) != want:
                return False
        return True


F = "foreign"
R = DocumentRule
# Order = the order the form shows them (the seed's numbering).
DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    # 申請資料 of a group: *1. 委託書, 2. 其他相關證明文件(無則免)
    R("power_of_attorney", True, GROUP_LEVEL, line=F, self_filed=False),
    R("group_other", False, GROUP_LEVEL, line=F, self_filed=False),
    # 外(僑)生申請書, first application
    R("passport", True, line=F, kind="first"),
    R("visa", True, line=F, kind="first"),
    R("accommodation", True, line=F, kind="first"),
    R("placement_notice", True, line=F, kind="first", identity="overseas"),
    R("scholarship", True, line=F, kind="first", enrollment="R", scholarship=True),
    R("admission", True, line=F, kind="first", self_filed=True),
    R("other", False, line=F, kind="first"),
    # renewal: the passport; accommodation only when the address changed
    R("passport", True, line=F, kind="renewal"),
    R("accommodation", True, line=F, kind="renewal", address_changed=True),
    R("other", False, line=F, kind="renewal"),
)


@dataclass(frozen=True)
class RequiredDocument:
    doc: str
    required: bool

    @property
    def label(self) -> str:
        return str(DOC_LABELS[self.doc])


def _select(level: str, **facts: object) -> list[RequiredDocument]:
    seen: dict[str, RequiredDocument] = {}
    for rule in DOCUMENT_RULES:
        if rule.level == level and rule.matches(**facts) and rule.doc not in seen:
            seen[rule.doc] = RequiredDocument(rule.doc, rule.required)
    return list(seen.values())


def case_documents(
    *,
    line: str = F,
    kind: str = "first",
    identity: str,
    enrollment: str = "",
    scholarship: bool = False,
    self_filed: bool = False,
    address_changed: bool = False,
) -> list[RequiredDocument]:
    """The documents of one applicant's form, in display order (the photo is asked for separately)."""
    return _select(
        CASE_LEVEL,
        line=line,
        kind=kind,
        identity=identity,
        enrollment=enrollment,
        scholarship=bool(scholarship) and enrollment == "R",
        self_filed=self_filed,
        address_changed=address_changed,
    )


def group_documents(
    *, line: str = F, kind: str = "first", self_filed: bool = False
) -> list[RequiredDocument]:
    """The documents of a group's 申請資料 step."""
    return _select(GROUP_LEVEL, line=line, kind=kind, self_filed=self_filed)


def missing_documents(needed: list[RequiredDocument], present_kinds: set[str]) -> list[str]:
    """Kinds that are required and have no file yet."""
    return [d.doc for d in needed if d.required and d.doc not in present_kinds]


ALL_KINDS = frozenset(DOC_LABELS) | {"photo"}

# The upload rules text above the documents (the seed's wording).
UPLOAD_RULES_TEXT = _l(
    "1. File types JPG, JPEG, PNG or BMP; documents must be legible, and nothing (such as “COPY”) may be written "
    "or drawn on ID cards and passports. 2. Each file under 512 KB. 3. Documents in languages other than Chinese "
    "or English need a Chinese translation uploaded too."
)

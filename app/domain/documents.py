"""Documents (應檢附文件): the kinds of document with the seed's labels, and the upload rules text.

Which documents an application needs, and when, is each offering's data (`app.domain.offerings`).
"""

from __future__ import annotations

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

# The upload rules text above the documents (the seed's wording).
UPLOAD_RULES_TEXT = _l(
    "1. File types JPG, JPEG, PNG or BMP; documents must be legible, and nothing (such as “COPY”) may be written "
    "or drawn on ID cards and passports. 2. Each file under 512 KB. 3. Documents in languages other than Chinese "
    "or English need a Chinese translation uploaded too."
)

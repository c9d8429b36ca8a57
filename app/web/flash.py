"""One-shot messages after a redirect, carried by a short cookie that holds a key, never text."""

from __future__ import annotations

from litestar import Request, Response

from app.i18n import lazy_gettext as _l

FLASH_COOKIE = "arc_flash"

MESSAGES = {
    "saved": _l("Saved successfully!"),  # 儲存成功!
    "password_changed": _l("Your password has been changed. Please log in again."),
    "logged_out": _l("You have logged out."),
    "expired": _l(
        "You were logged out after 30 minutes without activity. Work you saved is kept; please log in again."
    ),
    "account_created": _l("The account has been created."),
    "account_enabled": _l("The account has been enabled."),
    "account_disabled": _l("The account has been disabled; its sessions have ended."),
    "account_deleted": _l("The account has been deleted. Its cases stay with the main account."),
    "sub_password_changed": _l("Saved successfully!"),
    "submitted": _l(
        "Your application has been submitted. You can follow it under Priority matters and Progress."
    ),
    "draft_deleted": _l("The draft application has been deleted."),
    "applicant_deleted": _l("The applicant has been deleted."),
    "roster_added": _l("The students ticked have been added as applicants. Check and complete each one."),
    "review_saved": _l("The decision has been saved."),
    "case_claim": _l("You hold this case now."),  # 已認領
    "case_release": _l("The case is back in the queue."),  # 已釋出
    "case_reassign": _l("The case has been reassigned."),  # 已改派
    "roster_deleted": _l("The student has been removed from the roster."),
    "withdrawn": _l("Withdrawn successfully!"),  # 撤銷成功!
    "supplement_sent": _l("The supplement has been sent back to the reviewer."),  # 補正完成
    "kind_submitted": _l(
        "Submitted successfully! The group no. and receipt nos. are shown below; a confirmation has been emailed."
    ),
    "supplement_saved": _l("Saved. Send it back with “Change data” when everything is corrected."),
}


def set_flash(response: Response, key: str) -> Response:
    if key in MESSAGES:
        response.set_cookie(FLASH_COOKIE, key, max_age=60, httponly=True, samesite="lax", path="/")
    return response


def pop_flash(request: Request) -> tuple[str | None, bool]:
    """(message, must_clear)."""
    key = request.cookies.get(FLASH_COOKIE)
    if not key:
        return None, False
    msg = MESSAGES.get(key)
    return (str(msg) if msg else None), True

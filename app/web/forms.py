"""The form helpers several handlers share: chosen files, removals, the error summary, after-commit work.

Handlers read a request with these and hand plain values to one action; nothing here decides a rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from app.actions.apply import Upload
from app.services import uploads

# Address fields whose parts share one message: the summary lists it once.
ADDRESS_PREFIXES = ("addr_", "new_addr_")


async def read_uploads(request: Request, kinds: Iterable[str]) -> list[Upload]:
    """The files chosen in a form: fields `file_<kind>` (several each), read up to the limit + 1 byte."""
    form = await request.form()
    out: list[Upload] = []
    for kind in kinds:
        for value in form.getall(f"file_{kind}", []):
            if isinstance(value, UploadFile) and value.filename:
                data, size = await uploads.read_capped(value)
                out.append(Upload(kind=kind, filename=value.filename, data=data, size=size))
    return out


def removal_of(op: str) -> int | None:
    """The attachment id of a `remove-<id>` button, or None."""
    if op.startswith("remove-") and op[7:].isdigit():
        return int(op[7:])
    return None


async def removals(request: Request) -> tuple[str, list[int]]:
    """(op, ids of files to remove): a `remove-<id>` button, or the ticked `remove` boxes."""
    form = await request.form()
    op = form.get("op", "save")
    op = op if isinstance(op, str) else "save"
    ids = [int(x) for x in form.getall("remove", []) if isinstance(x, str) and x.isdigit()]
    if (att := removal_of(op)) is not None:
        ids.append(att)
        op = "remove"
    return op, ids


def summary(errors: dict[str, str]) -> dict[str, str]:
    """The error summary: one line for an address whose parts have the same problem."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for key, msg in errors.items():
        if key.startswith(ADDRESS_PREFIXES):
            if msg in seen:
                continue
            seen.add(msg)
        out[key] = msg
    return out


def after_commit(request: Request, job: Callable[[], Awaitable[Any]]) -> None:
    """Run `job()` once the request's transaction has committed (DatabaseMiddleware runs these)."""
    request.scope.setdefault("state", {}).setdefault("after_commit", []).append(job)


def send_after_commit(request: Request, mails: Iterable[Any]) -> None:
    """The notices go out after the commit, so a rolled-back request sends nothing."""
    queued = [m for m in mails if m is not None]
    if not queued:
        return
    from app.services import mail

    async def job() -> None:
        for m in queued:
            await mail.send(m)

    after_commit(request, job)


# The partial that draws an applicant form's own fields, by the offering's FormSpec: chosen here, once, so a
# template includes `fields_partial` and never tests a form's name.
FIELD_PARTIALS = {
    "applicant": "supplement/_applicant_fields.html",  # 外(僑)生申請書 (換證: the same form)
    "kind": "kinds/_fields.html",  # 延期, 資料異動: the short form of app.domain.kinds
    "spec": "kinds/_spec_fields.html",  # a form made only of field specs: each field drawn from its spec
}


def fields_partial(offering: Any) -> str:
    return FIELD_PARTIALS.get(offering.form.template, FIELD_PARTIALS["spec"])

"""下載專區: 外生與外僑生六個月居留證下載 (one certificate, or a group's as a ZIP), 收據下載, IC卡居留證領取說明."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import quote

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException

from app.i18n import TAIPEI
from app.i18n import gettext as _
from app.queries import line_documents
from app.queries import payment as payment_queries
from app.services import issued, signature_forms
from app.web.common import actor_of, render, school_or_student_required

DEFAULT_DAYS = 90


def _parse_day(raw: str) -> date | None:
    raw = raw.strip().replace("-", "/")
    try:
        return datetime.strptime(raw, "%Y/%m/%d").date()
    except ValueError:
        return None


def _criteria(request: Request, fields: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str], bool]:
    """The search form's values (with the default date range), errors, and whether to search."""
    q = request.query_params
    today = datetime.now(TAIPEI).date()
    searched = any(k in q for k in (*fields, "paid_from", "paid_to"))
    form = {k: q.get(k, "").strip()[:20] for k in fields}
    form["paid_from"] = q.get(
        "paid_from", (today - timedelta(days=DEFAULT_DAYS)).strftime("%Y/%m/%d")
    ).strip()
    form["paid_to"] = q.get("paid_to", today.strftime("%Y/%m/%d")).strip()
    errors = {}
    for k in ("paid_from", "paid_to"):
        if form[k] and _parse_day(form[k]) is None:
            errors[k] = _("Enter a date as YYYY/MM/DD.")
    if not errors and form["paid_from"] and form["paid_to"]:
        lo, hi = _parse_day(form["paid_from"]), _parse_day(form["paid_to"])
        if lo and hi and lo > hi:
            errors["paid_to"] = _("The end date is before the start date.")
    return form, errors, searched


def _file(data: bytes, filename: str, media_type: str) -> Response:
    return Response(
        content=data,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


class DownloadsController(Controller):
    path = "/downloads"
    guards = [school_or_student_required]

    @get("/permits", name="downloads:permits")
    async def permits(self, request: Request, page: int = 1) -> Response:
        """許可證下載: the electronic permits issued to the actor's applicants, newest first, a page at a time."""
        actor = actor_of(request)
        assert actor is not None
        result = await payment_queries.permits_page(actor, page)
        return render(
            request,
            "downloads/permits.html",
            {"rows": result.rows, "result": result, "per_page": payment_queries.PERMITS_PER_PAGE},
        )

    @get("/certificates", name="downloads:certificates")
    async def certificates(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form, errors, searched = _criteria(request, ("group_no",))
        rows = None
        if searched and not errors:
            rows = await payment_queries.list_certificate_groups(
                actor, form["group_no"], _parse_day(form["paid_from"]), _parse_day(form["paid_to"])
            )
        return render(
            request,
            "downloads/certificates.html",
            {"form": form, "errors": errors, "rows": rows},
            status_code=400 if errors else 200,
        )

    @get("/certificates/{permit_no:str}/pdf", name="downloads:certificate")
    async def certificate(self, request: Request, permit_no: str) -> Response:
        actor = actor_of(request)
        assert actor is not None
        content = await payment_queries.get_permit_content(actor, permit_no)
        if content is None:
            raise NotFoundException()
        return _file(await issued.permit_pdf(content), issued.permit_filename(content), "application/pdf")

    @get("/certificates/group/{application_id:int}/zip", name="downloads:certificates-zip")
    async def certificates_zip(self, request: Request, application_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        found = await payment_queries.get_group_permits(actor, application_id)
        if found is None:
            raise NotFoundException()
        group_no, contents = found
        return _file(await issued.permits_zip(contents), f"{group_no}-certificates.zip", "application/zip")

    @get("/receipts", name="downloads:receipts")
    async def receipts(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form, errors, searched = _criteria(request, ("group_no", "receipt_no"))
        rows = None
        if searched and not errors:
            rows = await payment_queries.list_receipts(
                actor,
                form["group_no"],
                form["receipt_no"],
                _parse_day(form["paid_from"]),
                _parse_day(form["paid_to"]),
            )
        return render(
            request,
            "downloads/receipts.html",
            {"form": form, "errors": errors, "rows": rows},
            status_code=400 if errors else 200,
        )

    @get("/receipts/{receipt_no:str}/pdf", name="downloads:receipt")
    async def receipt(self, request: Request, receipt_no: str) -> Response:
        actor = actor_of(request)
        assert actor is not None
        content = await payment_queries.get_receipt_content(actor, receipt_no)
        if content is None:
            raise NotFoundException()
        return _file(
            await issued.receipt_pdf(content), issued.receipt_filename(receipt_no), "application/pdf"
        )

    @get("/ic-card-pickup", name="downloads:pickup")
    async def pickup(self, request: Request) -> Response:
        return render(request, "downloads/pickup.html", {})

    @get("/entry-exit-check", name="downloads:entry-exit-check")
    async def entry_exit_check(self, request: Request, page: int = 1) -> Response:
        """港澳僑生居留入出境查驗表: one record for each applicant of the lines that use it."""
        actor = actor_of(request)
        assert actor is not None
        result = await line_documents.entry_exit_page(actor, page)
        return render(
            request,
            "downloads/entry_exit_check.html",
            {"rows": result.rows, "result": result, "per_page": line_documents.PER_PAGE},
        )

    @get("/entry-exit-check/{case_id:int}/pdf", name="downloads:entry-exit-check-pdf")
    async def entry_exit_check_pdf(self, request: Request, case_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        found = await line_documents.get_entry_exit_case(actor, case_id)
        if found is None:
            raise NotFoundException()
        form, person = signature_forms.entry_exit_check_inputs(found, datetime.now(TAIPEI).date())
        data = await signature_forms.hkmo_entry_exit_check_pdf(form, person)
        return _file(data, f"entry-exit-check-{found['case']['receipt_no']}.pdf", "application/pdf")

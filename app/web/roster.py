"""帳號維護 → 匯入錄取/註冊資料, and the school's 名冊: import, template, report, list, export, edit, delete.

Main accounts and sub-accounts alike: the roster belongs to the school.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException

from app.actions import roster as roster_actions
from app.domain import roster as rules
from app.i18n import get_locale
from app.i18n import gettext as _
from app.queries import roster as roster_queries
from app.services import excel
from app.web.common import actor_of, form_data, redirect, render, school_required
from app.web.forms import after_commit

TEMPLATE_FILENAME = "Student_List.xlsx"


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(
        content=body,
        media_type=excel.XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": excel.content_disposition(filename),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _options(list_name: str) -> list[tuple[str, str]]:
    """(value, text) for a select, in the page's language: FG → FG 外生 / FG Foreign student."""
    locale = get_locale()
    lst = rules.code_lists()[list_name]
    return [
        (
            o.value,
            f"{o.code} {o.label(locale)}"
            if list_name in ("category", "status", "nationality")
            else o.label(locale),
        )
        for o in lst.options
    ]


def _label(list_name: str, value: str) -> str:
    return rules.label_of(list_name, value, get_locale())


def _view_helpers() -> dict[str, Any]:
    return {"roster_label": _label, "roster_columns": rules.COLUMNS, "locale": get_locale()}


def _year_options(years: list[int]) -> list[tuple[str, str]]:
    merged = sorted(set(years) | set(rules.year_choices(date.today())), reverse=True)
    return [(str(y), str(y)) for y in merged]


def _semester_options() -> list[tuple[str, str]]:
    return [(str(n), str(label)) for n, label in rules.SEMESTERS]


def _report(imp: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """(messages in the page's language, rejected rows) of an import."""
    stored = imp.get("rejected") or {}
    locale = get_locale()
    messages = [m.get(locale) or m.get("zh_Hant_TW", "") for m in stored.get("messages", [])]
    return messages, stored.get("rows", [])


def _cell_rows(imp: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """The report's table: one line per cell error (row, column, value, message), the first `limit`."""
    locale = get_locale()
    messages, rows = _report(imp)
    out: list[dict[str, Any]] = []
    for number, values, errors in rows:
        for column, message in errors:
            if len(out) >= limit:
                return out
            at = rules.COLUMN_KEYS.index(column) if column in rules.COLUMN_KEYS else -1
            out.append(
                {
                    "row": number,
                    "column": rules.column_label(column, locale),
                    "value": values[at] if at >= 0 else "",
                    "message": messages[message],
                }
            )
    return out


REPORT_LINES = 500


def _rejected_workbook(imp: dict[str, Any]) -> bytes:
    locale = get_locale()
    messages, rows = _report(imp)
    lines = []
    for number, values, errors in rows:
        text = "; ".join(f"{rules.column_label(col, locale) or _('Row')}: {messages[m]}" for col, m in errors)
        lines.append([*values, number, text])
    return excel.roster_workbook(lines, [_("Row in the file"), _("Errors")], with_instructions=False)


def _export_row(r: dict[str, Any]) -> list[Any]:
    return [
        r["name_zh"],
        r["name_en"],
        r["birth_date"].strftime("%Y%m%d") if r["birth_date"] else "",
        rules.dropdown_of("category", r["category"]),
        rules.dropdown_of("nationality", r["nationality"]),
        rules.dropdown_of("gender", r["gender"]),
        r["national_id"],
        r["passport_no"],
        rules.dropdown_of("qualification", r["qualification"]),
        rules.dropdown_of("program", r["program"]),
        rules.dropdown_of("grade", r["grade"]),
        rules.dropdown_of("status", r["status"]),
        r["resident_id"],
        r["travel_permit_no"],
        r["year"],
        r["semester"],
    ]


def _entry_form(entry: dict[str, Any]) -> dict[str, str]:
    form = {k: str(entry.get(k) or "") for k in rules.COLUMN_KEYS}
    form["birth_date"] = entry["birth_date"].strftime("%Y%m%d") if entry.get("birth_date") else ""
    form["version"] = str(entry["version"])
    return form


class RosterController(Controller):
    path = "/roster"
    guards = [school_required]

    # -- import ------------------------------------------------------------------------------

    async def _import_page(
        self,
        request: Request,
        *,
        form: dict[str, str],
        errors: dict[str, str],
        imp: dict[str, Any] | None = None,
        status_code: int = 200,
        panel: bool = False,
    ) -> Response:
        actor = actor_of(request)
        assert actor is not None
        context = {
            "form": form,
            "errors": errors,
            "year_options": _year_options([]),
            "semester_options": _semester_options(),
            "imp": imp,
            "cell_rows": _cell_rows(imp, REPORT_LINES) if imp else [],
            "report_limit": REPORT_LINES,
            "recent": await roster_queries.list_recent_imports(actor),
            "max_mb": excel.MAX_UPLOAD_BYTES // (1024 * 1024),
            **_view_helpers(),
        }
        if panel or (
            request.headers.get("hx-request") and request.headers.get("hx-target") == "roster-import"
        ):
            # htmx swaps only 2xx answers: the panel carries its own error summary.
            return render(request, "roster/_import_panel.html", context)
        return render(request, "roster/import.html", context, status_code=status_code)

    @get("/import", name="roster:import")
    async def import_page(self, request: Request) -> Response:
        today = date.today()
        form = {"year": str(rules.academic_year(today)), "semester": str(rules.semester_of(today))}
        return await self._import_page(request, form=form, errors={})

    @post("/import", name="roster:import-submit", request_max_body_size=excel.MAX_UPLOAD_BYTES + 256 * 1024)
    async def import_submit(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form = await request.form()
        upload = form.get("file")
        data: bytes | None = None
        filename = ""
        if isinstance(upload, UploadFile):
            filename = upload.filename or ""
            data = await upload.read()
        values = {k: str(form.get(k) or "").strip() for k in ("year", "semester")}
        outcome = await roster_actions.import_roster(
            actor,
            year=values["year"],
            semester=values["semester"],
            filename=filename,
            data=data,
        )
        if outcome.errors:
            return await self._import_page(request, form=values, errors=outcome.errors, status_code=400)
        if outcome.queued:  # a worker parses it once this request's transaction has committed the import
            after_commit(request, lambda: roster_actions.start_queued(outcome))
        url = f"/roster/imports/{outcome.import_id}"
        if request.headers.get("hx-request"):
            imp = await roster_queries.get_import(actor, outcome.import_id or 0)
            response = await self._import_page(request, form=values, errors={}, imp=imp)
            response.headers["HX-Push-Url"] = url
            return response
        return redirect(url)

    @staticmethod
    def _problem(imp: dict[str, Any]) -> str:
        """A queued import whose file could not be read: the reason, in the page's language."""
        problem = imp.get("problem") or {}
        text = problem.get(get_locale()) or problem.get("zh_Hant_TW", "")
        return f"{imp['filename']}: {text}" if text else ""

    @get("/imports/{import_id:int}", name="roster:import-result")
    async def import_result(self, request: Request, import_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        imp = await roster_queries.get_import(actor, import_id)
        if imp is None:
            raise NotFoundException()
        polling = request.headers.get("hx-request") and request.headers.get("hx-target") == "roster-progress"
        if polling and imp["status"] in ("queued", "running"):
            # The progress region polls itself until the import is finished (on whichever node).
            return render(request, "roster/_import_progress.html", {"imp": imp})
        form = {"year": str(imp["year"]), "semester": str(imp["semester"])}
        errors = {"file": self._problem(imp)} if imp["status"] == "failed" else {}
        if polling:  # finished: the whole panel replaces the progress, and the result takes the focus
            response = await self._import_page(
                request, form=form, errors=errors, imp=imp if not errors else None, panel=True
            )
            response.headers["HX-Retarget"] = "#roster-import"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        return await self._import_page(request, form=form, errors=errors, imp=imp if not errors else None)

    @get("/imports/{import_id:int}/rejected.xlsx", name="roster:rejected")
    async def rejected_rows(self, request: Request, import_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        imp = await roster_queries.get_import(actor, import_id)
        if imp is None:
            raise NotFoundException()
        body = await asyncio.to_thread(_rejected_workbook, imp)
        stem = imp["filename"].rsplit(".", 1)[0] or "roster"
        return _xlsx(body, f"{stem}-rejected.xlsx")

    @get("/template.xlsx", name="roster:template")
    async def template(self) -> Response:
        body = await asyncio.to_thread(excel.template_xlsx)
        return _xlsx(body, TEMPLATE_FILENAME)

    # -- list ----------------------------------------------------------------------------------

    def _filters(self, request: Request) -> roster_queries.RosterFilters:
        return roster_queries.RosterFilters.from_params(dict(request.query_params))

    @staticmethod
    def _filter_errors(request: Request) -> dict[str, Any]:
        message = rules.check_filter_year(request.query_params.get("year"), date.today())
        return {"year": message} if message else {}

    @get("/", name="roster:list")
    async def list_page(self, request: Request, page: int = 1) -> Response:
        return await self._list(request, page, self._filter_errors(request))

    async def _list(self, request: Request, page: int, errors: dict[str, Any]) -> Response:
        actor = actor_of(request)
        assert actor is not None
        filters = self._filters(request)
        if errors:
            result = {"rows": [], "total": 0, "page": 1, "pages": 1, "per_page": roster_queries.PAGE_SIZE}
        else:
            result = await roster_queries.list_roster(actor, filters, page)
        form = {k: str(v) for k, v in filters.as_params().items()}
        form.update({k: str(request.query_params.get(k) or "") for k in errors})
        context = {
            "filters": filters,
            "form": form,
            "errors": errors,
            "result": result,
            "query": filters.as_params(),
            "year_options": _year_options(await roster_queries.list_roster_years(actor)),
            "semester_options": _semester_options(),
            "category_options": _options("category"),
            "status_options": _options("status"),
            **_view_helpers(),
        }
        status = 400 if errors else 200
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "roster-results":
            return render(request, "roster/_list_table.html", context, status_code=status)
        return render(request, "roster/list.html", context, status_code=status)

    @get("/export.xlsx", name="roster:export")
    async def export(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        if errors := self._filter_errors(request):
            return await self._list(request, 1, errors)
        filters = self._filters(request)
        rows: list[list[Any]] = []
        async for chunk in roster_queries.iter_roster_for_export(actor, filters):
            rows.extend(_export_row(r) for r in chunk)
        body = await asyncio.to_thread(excel.roster_workbook, rows, [_("Academic year"), _("Semester")])
        suffix = f"-{filters.year}" if filters.year else ""
        return _xlsx(body, f"roster{suffix}-{date.today():%Y%m%d}.xlsx")

    # -- one row -------------------------------------------------------------------------------

    async def _entry(self, request: Request, entry_id: int) -> dict[str, Any]:
        actor = actor_of(request)
        assert actor is not None
        entry = await roster_queries.get_roster_entry(actor, entry_id)
        if entry is None:
            raise NotFoundException()
        return entry

    def _edit_context(
        self, entry: dict[str, Any], form: dict[str, str], errors: dict[str, str]
    ) -> dict[str, Any]:
        return {
            "entry": entry,
            "form": form,
            "errors": errors,
            "options": {name: _options(name) for name in rules.code_lists()},
            "labels": {c.key: c.header(get_locale()) for c in rules.COLUMNS},
            **_view_helpers(),
        }

    @get("/{entry_id:int}/edit", name="roster:edit")
    async def edit_page(self, request: Request, entry_id: int) -> Response:
        entry = await self._entry(request, entry_id)
        return render(request, "roster/edit.html", self._edit_context(entry, _entry_form(entry), {}))

    @post("/{entry_id:int}/edit", name="roster:edit-submit")
    async def edit_submit(self, request: Request, entry_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        entry = await self._entry(request, entry_id)
        form = await form_data(request)
        try:
            version = int(form.get("version") or "0")
        except ValueError:
            version = 0
        try:
            errors = await roster_actions.update_roster_entry(actor, entry_id, version, form)
        except roster_actions.Stale:
            fresh = await self._entry(request, entry_id)
            errors = {
                "version": _(
                    "Someone changed this student meanwhile. The form now shows the saved data; "
                    "make your change again."
                )
            }
            return render(
                request,
                "roster/edit.html",
                self._edit_context(fresh, _entry_form(fresh), errors),
                status_code=409,
            )
        if errors:
            return render(
                request, "roster/edit.html", self._edit_context(entry, form, errors), status_code=400
            )
        return redirect("/roster", flash="saved")

    @get("/{entry_id:int}/delete", name="roster:delete-confirm")
    async def delete_confirm(self, request: Request, entry_id: int) -> Response:
        entry = await self._entry(request, entry_id)
        return render(request, "roster/delete.html", {"entry": entry, **_view_helpers()})

    @post("/{entry_id:int}/delete", name="roster:delete")
    async def delete(self, request: Request, entry_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        await roster_actions.delete_roster_entry(actor, entry_id)
        return redirect("/roster", flash="roster_deleted")

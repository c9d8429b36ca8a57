"""The one wizard of every offering, for schools and for students (issue 13).

A school files a group at `/apply/{line}/{slug}/…`:

    {base}                              保存的草稿 (the offering's drafts)
    {base}/terms                        同意條款 → a new draft
    {base}/{id}/submitter               送件人          (when the offering has one: `steps_of`)
    {base}/{id}/details                 申請資料 + the group's documents
    {base}/{id}/applicants              申請人: add by identity, by the offering's lookup (換證: 統一證號),
                                        or from the roster (when the offering draws from it)
    {base}/{id}/applicants/{case}       one applicant's form (…/autosave, …/delete)
    {base}/{id}/roster                  從名冊加入
    {base}/{id}/check                   確認送件 (check your answers), 送出 posts to {base}/{id}/submit
    /apply/groups/{id}/submitted        the result page of every offering (app.web.apply)

A student files a group of one at `/student/apply/{line}/{slug}/…` with the same steps minus 送件人 and
申請資料 (their 領證地點 is on their form): terms, the form (or first the lookup), 確認送件, 送出.

Which steps, which add-applicant control, which form page: the offering decides (`Pages`, chosen once
here from the offering's data); templates only show. The older addresses (`/apply/first`, `/apply/drafts/…`,
`/apply/kinds/…`, `/apply/<slug>/terms`, `/student/apply/<id>`, `/student/kinds/…`) live in
`app.web.apply`, `app.web.kinds`, `app.web.student_apply` and `app.web.student_kinds` as redirects (GET) and
thin aliases of these handlers (POST); what they share is here (`moved_to`, `moved_below`, `student_save`,
and `OlderDraftAddresses`, the POSTs of a school's draft at `/apply/drafts/…` and `/apply/kinds/…`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import apply as apply_actions
from app.actions import cases as pipeline
from app.actions import kinds as kind_actions
from app.actions import student_apply
from app.domain import applicant as rules
from app.domain import kinds as kind_rules
from app.domain import offerings
from app.domain.actor import Actor
from app.domain.addresses import ADDRESS_PARTS
from app.domain.documents import UPLOAD_RULES_TEXT
from app.domain.profiles import REQUIRED
from app.i18n import format_datetime, get_locale
from app.i18n import gettext as _
from app.queries import apply as q
from app.queries.fees import fee_per_person
from app.queries.stations import stations
from app.services import uploads
from app.web import wizard_forms
from app.web.common import form_data, redirect, render, school_required, student_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import fields_partial, read_uploads, removals, send_after_commit, summary

# The pages of an offering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pages:
    """What an offering's wizard shows, chosen once from its data (templates never choose by name)."""

    applicant: str  # the applicant form's page
    roster: bool  # 從名冊加入 on the applicants step
    autosave: bool  # the applicant form saves each field as it is left


# `Offering.applicants_pages` names the family of the applicant form: the 外(僑)生申請書 of a first
# application (roster import, autosave), or the short form every other offering uses.
PAGES = {
    "first": Pages("apply/applicant.html", roster=True, autosave=True),
    "kinds": Pages("kinds/applicant.html", roster=False, autosave=False),
}


def pages_of(offering: offerings.Offering) -> Pages:
    return PAGES.get(offering.applicants_pages, PAGES["kinds"])


def roster_offered(offering: offerings.Offering) -> bool:
    """從名冊加入: the first application's pages, or an offering that says so (陸生單次證, 港澳生居留證)."""
    return pages_of(offering).roster or offering.roster_picker


def offering_of(line: str, slug: str) -> offerings.Offering:
    found = offerings.by_slug(line, slug)
    if found is None:
        raise NotFoundException()
    return found


# Addresses -------------------------------------------------------------------------------------------


def base_of(offering: offerings.Offering, *, student: bool = False) -> str:
    return f"{'/student' if student else ''}/apply/{offering.line}/{offering.slug}"


def url_of(app: dict[str, Any], tail: str = "") -> str:
    """A page of a draft in the wizard (a student's own draft: the student's wizard)."""
    student = bool(app.get("student"))
    return f"{base_of(offerings.of(app), student=student)}/{app['id']}{tail}"


def check_url(app: dict[str, Any]) -> str:
    """The 確認送件 page of a draft."""
    return url_of(app, "/check")


def _urls(app: dict[str, Any], student: bool) -> dict[str, Any]:
    """Where each 修改 link leads: the wizard's steps, and each applicant's form."""
    if student:
        form = url_of(app)
        return {
            "submitter": None,
            "details": None,
            "applicants": None,
            "applicant": lambda case_id: form,
            "back": form,
            "submit": url_of(app, "/submit"),
        }
    applicants = url_of(app, "/applicants")
    return {
        "submitter": url_of(app, "/submitter"),
        "details": url_of(app, "/details"),
        "applicants": applicants,
        "applicant": lambda case_id: f"{applicants}/{case_id}",
        "back": applicants,
        "submit": url_of(app, "/submit"),
    }


def steps(app: dict[str, Any], current: str) -> dict[str, Any]:
    """The wizard's steps bar: 送件人 / 申請資料 / 申請人 / 確認送件."""
    urls = _urls(app, False)
    return {
        "current": current,
        "items": [
            ("submitter", _("Submitter"), urls["submitter"]),  # 送件人
            ("details", _("Application data"), urls["details"]),  # 申請資料
            ("applicants", _("Applicants"), urls["applicants"]),  # 申請人
            ("check", _("Check and submit"), check_url(app)),  # 確認送件
        ],
    }


# Loading a draft -------------------------------------------------------------------------------------


async def load(request: Request, application_id: int, offering: offerings.Offering | None = None):
    """The application in the actor's scope (of this offering when given), or 404."""
    app = await q.get_application(_actor(request), application_id)
    if app is None or (offering is not None and offerings.of(app) is not offering):
        raise NotFoundException()
    if bool(app.get("student")) != (_actor(request).kind == "student"):
        raise NotFoundException()
    return app


def closed(app: dict[str, Any]) -> Response | None:
    """A submitted group is no longer editable: its pages lead to where it can be followed."""
    if q.is_draft(app):
        return None
    if app.get("student"):
        return redirect(f"/progress/groups/{app['id']}")
    return redirect(f"/apply/groups/{app['id']}")


async def case_of(request: Request, app: dict[str, Any], case_id: int) -> dict[str, Any]:
    case = await q.get_applicant(_actor(request), app["id"], case_id)
    if case is None:
        raise NotFoundException()
    return case


# Terms and drafts ------------------------------------------------------------------------------------


def terms_page(
    request: Request, offering: offerings.Offering, errors: dict[str, str], *, student: bool, status_code=200
) -> Response:
    base = base_of(offering, student=student)
    return render(
        request,
        "apply/terms.html",
        {
            "kind": offering,
            "errors": errors,
            "form_action": base if student else f"{base}/terms",
            "cancel_url": "/student" if student else base,
            "student": student,
        },
        status_code=status_code,
    )


async def create(request: Request, offering: offerings.Offering, *, student: bool) -> Response:
    """同意條款 → a new draft (a student: their own group of one, or the one already started)."""
    actor = _actor(request)
    form = await form_data(request)
    agreed = form.get("agree") == "1"
    try:
        if student:
            app_id, _case_id = await student_apply.start_application(
                actor, terms_accepted=agreed, kind=offering.kind, line=offering.line
            )
        else:
            app_id = await apply_actions.create_draft(
                actor, terms_accepted=agreed, line=offering.line, kind=offering.kind
            )
    except apply_actions.Refused as exc:
        return terms_page(request, offering, {"agree": exc.problems[0]}, student=student, status_code=400)
    base = base_of(offering, student=student)
    return redirect(f"{base}/{app_id}" if student else f"{base}/{app_id}/submitter")


# 送件人 ------------------------------------------------------------------------------------------------


def _submitter_page(request, app, form, errors=None, status_code=200) -> Response:
    errors = errors or {}
    return render(
        request,
        "apply/submitter.html",
        {
            "app": app,
            "kind": offerings.of(app),
            "form": form,
            "errors": errors,
            "summary": summary(errors),
            "form_action": url_of(app, "/submitter"),
            "steps": steps(app, "submitter"),
        },
        status_code=status_code,
    )


async def submitter(request: Request, app: dict[str, Any]) -> Response:
    form = {
        k: app[k] or ""
        for k in ("submitter_name", "submitter_national_id", "submitter_phone", "submitter_email")
    }
    parts = app["submitter_addr"] if isinstance(app["submitter_addr"], dict) else {}
    form.update({f"addr_{p}": parts.get(p, "") or "" for p in ADDRESS_PARTS})
    return _submitter_page(request, app, form)


async def submitter_save(request: Request, app: dict[str, Any]) -> Response:
    form = await form_data(request)
    errors = await apply_actions.save_submitter(_actor(request), app["id"], form)
    if errors:
        return _submitter_page(request, app, form, errors, status_code=400)
    return redirect(url_of(app, "/details"))


# 申請資料 ----------------------------------------------------------------------------------------------


async def _details_page(request, app, form, errors, status_code=200) -> Response:
    files = await q.list_group_attachments(_actor(request), app["id"]) or []
    return render(
        request,
        "apply/details.html",
        {
            "app": app,
            "kind": offerings.of(app),
            "form": form,
            "errors": errors,
            "form_action": url_of(app, "/details"),
            "steps": steps(app, "details"),
            "documents": offerings.needed_group_documents(offerings.of(app)),
            "files": q.by_kind(files, None),
            "stations": stations(),
            "upload_rules": str(UPLOAD_RULES_TEXT),
            "accept": uploads.ACCEPT,
            "generated_forms": wizard_forms.links(app, url_of(app), wizard_forms.GROUP),
        },
        status_code=status_code,
    )


async def details(request: Request, app: dict[str, Any]) -> Response:
    form = {
        "name": app["name"],
        "member_count": str(app["member_count"]),
        "pickup_method": "self",
        "station_code": app["station_code"],
    }
    return await _details_page(request, app, form, {})


async def details_save(request: Request, app: dict[str, Any]) -> Response:
    actor = _actor(request)
    app_id = app["id"]
    form = await form_data(request)
    op, remove = await removals(request)
    for att in remove:
        await apply_actions.remove_attachment(actor, app_id, att)
    files = await read_uploads(request, [d.doc for d in offerings.needed_group_documents(offerings.of(app))])
    if op == "back":
        # 回上一頁: keep the files chosen, go back without checking the fields.
        for f in files:
            await apply_actions.upload_attachment(actor, app_id, None, f)
        return redirect(url_of(app, "/submitter"))
    errors = await apply_actions.save_details(actor, app_id, form, files)
    if op == "remove":
        # Removing a file is not a save attempt: show only what went wrong with uploads.
        errors = {k: m for k, m in errors.items() if k.startswith("doc_") and files}
        return await _details_page(request, await load(request, app_id), form, errors)
    if errors:
        return await _details_page(request, await load(request, app_id), form, errors, status_code=400)
    return redirect(url_of(app, "/applicants"), flash="saved")


# 申請人 ------------------------------------------------------------------------------------------------


async def applicants_page(
    request: Request,
    app: dict[str, Any],
    *,
    problems: list[str] | None = None,
    add_error: str = "",
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The one applicants step: the list, what still keeps the group from 送出, and how to add one."""
    actor = _actor(request)
    offering = offerings.of(app)
    cases = await q.list_applicants(actor, app["id"]) or []
    files = await q.list_group_attachments(actor, app["id"]) or []
    group_problems = apply_actions.group_problems(app, {f["kind"] for f in files if f["case"] is None})
    incomplete = sum(1 for c in cases if not c["complete"])
    todo = group_problems + [
        str(p) for p in rules.submit_problems(app["member_count"], len(cases), incomplete)
    ]
    field = (offering.lookup_field or "ui_no") if offering.lookup else "identity"
    return render(
        request,
        "apply/applicants.html",
        {
            "app": app,
            "kind": offering,
            "cases": cases,
            "base": url_of(app),
            "steps": steps(app, "applicants"),
            "check_url": check_url(app),
            "problems": problems or [],
            "todo": todo,
            "form": form or {},
            "errors": {field: add_error} if add_error else {},
            "identities": rules.choices(offering.identities),
            "identity_names": {k: str(v) for k, v in offering.identities.items()},
            "roster_url": roster_offered(offering) and _roster_available() and url_of(app, "/roster"),
            "max_members": rules.MAX_MEMBERS,
        },
        status_code=status_code,
    )


async def applicant_add(request: Request, app: dict[str, Any]) -> Response:
    """新增申請人: the offering's lookup (換證: *統一(居留)證號 + 查詢), else the identity."""
    form = await form_data(request)
    try:
        case_id = await _add(_actor(request), app, form)
    except apply_actions.Refused as exc:
        return await applicants_page(request, app, add_error=exc.problems[0], form=form, status_code=400)
    return redirect(url_of(app, f"/applicants/{case_id}"))


async def _add(actor: Actor, app: dict[str, Any], form: dict[str, str]) -> int:
    if offerings.of(app).lookup:
        return await kind_actions.add_looked_up_applicant(actor, app["id"], form)
    return await apply_actions.add_applicant(actor, app["id"], form.get("identity", ""))


# One applicant's form (a school's group, or a student's own) -----------------------------------------


async def applicant_page(
    request: Request,
    app: dict[str, Any],
    case: dict[str, Any],
    form: dict[str, str],
    changes: list[str],
    errors: dict[str, str],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    actor = _actor(request)
    offering = offerings.of(app)
    student = bool(app.get("student"))
    files = await q.list_group_attachments(actor, app["id"]) or []
    documents = pipeline.documents(app, case, form, changes)
    labels = (
        {k: str(v) for k, v in rules.FIELD_LABELS.items()}
        | {k: str(v) for k, v in kind_rules.FIELD_LABELS.items()}
        | {s.name: str(s.label) for s in offering.form.fields}
        | {f"doc_{d.doc}": d.label for d in documents}
    )
    shown_summary = summary(errors)
    form_url = url_of(app) if student else url_of(app, f"/applicants/{case['id']}")
    ctx: dict[str, Any] = {
        "app": app,
        "case": case,
        "kind": offering,
        "form": form,
        "changes": changes,
        "errors": errors,
        "summary": shown_summary,
        "saved": saved,
        "steps": None if student else steps(app, "applicants"),
        "documents": documents,
        "files": q.by_kind(files, case["id"]),
        "form_action": form_url,
        "autosave_url": f"{form_url}/autosave" if pages_of(offering).autosave else None,
        "file_url": "/student/apply/files" if student else "/apply/files",
        "fields_partial": fields_partial(offering),
        "enrolment_fixed": offering.form.fixed.get("enrollment_status"),
        "student_form": student,
        "upload_rules": str(UPLOAD_RULES_TEXT),
        "accept": uploads.ACCEPT,
        "labels": labels,
        "permit_no": ((case.get("data") or {}).get("kind") or {}).get("permit_no", ""),
        "change_items": [(k, str(t)) for k, (t, _fields) in kind_rules.CHANGE_ITEMS.items()],
        "identity_label": str(offering.identities.get(case["identity"], "")),
        "qualification": str(rules.QUALIFICATION),
        "registered": str(rules.ENROLLMENT["R"]),
        "enrollment": rules.choices(rules.ENROLLMENT),
        "genders": rules.choices(rules.GENDERS),
        "marital": rules.choices(rules.MARITAL),
        "education": rules.choices(rules.EDUCATION),
        "programs": rules.choices(rules.PROGRAMS),
        "grades": rules.choices(rules.GRADES),
        "countries": rules.country_choices(),
        "nationalities": rules.country_choices(nationality=True),
        "ui_fixed": offering.lookup,
        "generated_forms": wizard_forms.links(app, form_url, wizard_forms.CASE),
    }
    if student:
        ctx["stations"] = stations()
        ctx["station_code"] = form.get("station_code", app["station_code"] or "")
        ctx["labels"]["station_code"] = _("Where the card is collected")
        if errors.get("station_code"):
            ctx["summary"] = {"station_code": errors["station_code"], **shown_summary}
    return render(request, pages_of(offering).applicant, ctx, status_code=status_code)


async def applicant(request: Request, app: dict[str, Any], case: dict[str, Any]) -> Response:
    """The form of a stored applicant; back to one saved before, it says at once what is still missing."""
    form, changes = pipeline.form_of(app, case)
    errors = await pipeline.problems_when_reopened(app, case, form, changes)
    return await applicant_page(request, app, case, form, changes, errors)


async def applicant_save(request: Request, app: dict[str, Any], case: dict[str, Any]) -> Response:
    """資料儲存 (op=save), 回上一頁 (op=back), a file's removal, or a student's 送出申請 (op=submit)."""
    actor = _actor(request)
    student = bool(app.get("student"))
    app_id = app["id"]
    form = await form_data(request)
    raw = await request.form()
    changes = [x for x in raw.getall("changes", []) if isinstance(x, str)]
    op, remove = await removals(request)
    documents = pipeline.documents(app, case, form | {"ui_no": case["ui_no"] or ""}, changes)
    files = await read_uploads(request, ["photo"] + [d.doc for d in documents])
    station_errors: dict[str, str] = {}
    try:
        if student:
            station_errors = await student_apply.save_station(actor, app_id, form.get("station_code", ""))
        errors = await apply_actions.save_applicant(
            actor, app_id, case["id"], form, files, changes=changes, remove=remove
        )
    except apply_actions.NotEditable:
        return closed(await load(request, app_id)) or redirect(url_of(app))
    errors = {**station_errors, **errors}
    refused = {k for k, m in errors.items() if (k == "photo" or k.startswith("doc_")) and m != str(REQUIRED)}
    if op == "back" and not student and not refused:
        return redirect(url_of(app, "/applicants"), flash="saved")
    if op == "submit" and student and not errors:
        return redirect(check_url(app))  # 確認送件, then 送出
    app = await load(request, app_id)
    case = await case_of(request, app, case["id"])
    shown, changes = pipeline.form_of(app, case)
    if student:
        shown["station_code"] = form.get("station_code", "")
    if op == "remove":
        errors = {}
    return await applicant_page(
        request,
        app,
        case,
        shown,
        changes,
        errors,
        saved=op in ("save", "submit", "back"),
        status_code=400 if op == "submit" else 200,
    )


async def applicant_autosave(request: Request, app: dict[str, Any], case: dict[str, Any]) -> Response:
    """A field left: saved at once, and how complete the applicant now is."""
    actor = _actor(request)
    form = await form_data(request)
    if app.get("student") and "station_code" in form:
        await student_apply.save_station(actor, app["id"], form["station_code"])
    problems = await apply_actions.save_applicant(actor, app["id"], case["id"], form)
    return render(
        request,
        "apply/_autosaved.html",
        {
            "time": format_datetime(apply_actions.now())[-8:-3],
            "complete": not problems,
            "missing": len(problems),
        },
    )


# 從名冊加入 ------------------------------------------------------------------------------------------


def _roster_picker():
    try:
        from app.queries.roster import list_roster_for_picker
    except ImportError:
        return None
    return list_roster_for_picker


def _roster_available() -> bool:
    return _roster_picker() is not None


def _roster_filter_options(offering: offerings.Offering) -> dict[str, list[str]]:
    from app.domain import roster as roster_rules

    year = roster_rules.academic_year(apply_actions.today())
    return {
        "year": [str(y) for y in range(year + 1, year - 4, -1)],
        "semester": ["1", "2"],
        "category": list(apply_actions.roster_categories(offering)),
        "status": ["A", "R"],
    }


def _roster_label(key: str, value: Any) -> str:
    """A roster code as words (FG → 外生 / Foreign student)."""
    from app.domain import roster as roster_rules

    if key == "semester":
        return next((str(t) for n, t in roster_rules.SEMESTERS if str(n) == str(value)), str(value or ""))
    if key == "year" or value in (None, ""):
        return str(value or "")
    return roster_rules.label_of(key, str(value), get_locale())


async def roster_page(
    request: Request,
    app: dict[str, Any],
    filters: dict[str, str],
    *,
    error: str | None = None,
    error_field: str = "",
    status_code: int = 200,
) -> Response:
    offering = offerings.of(app)
    picker = _roster_picker()
    if picker is None or not roster_offered(offering):
        raise NotFoundException()
    actor = _actor(request)
    categories = set(apply_actions.roster_categories(offering))
    rows = [r for r in await picker(actor, filters) if r["category"] in categories]
    cases = await q.list_applicants(actor, app["id"]) or []
    taken = {c["data"].get("roster_entry") for c in cases} | {
        c["passport_no"] for c in cases if c["passport_no"]
    }
    return render(
        request,
        "apply/roster.html",
        {
            "app": app,
            "base": url_of(app),
            "rows": rows,
            "filters": filters,
            "error": error,
            "error_field": error_field,
            "steps": steps(app, "applicants"),
            "room": max(0, rules.MAX_MEMBERS - len(cases)),
            "filter_options": _roster_filter_options(offering),
            "roster_label": _roster_label,
            "taken": taken,
        },
        status_code=status_code,
    )


async def roster(request: Request, app: dict[str, Any], filters: dict[str, str]) -> Response:
    from app.domain import roster as roster_rules

    message = roster_rules.check_filter_year(filters.get("year"), apply_actions.today())
    if message:
        return await roster_page(
            request, app, filters, error=str(message), error_field="year", status_code=400
        )
    return await roster_page(request, app, filters)


async def roster_add(request: Request, app: dict[str, Any]) -> Response:
    if not roster_offered(offerings.of(app)):
        raise NotFoundException()
    form = await request.form()
    ids = [int(x) for x in form.getall("entry", []) if isinstance(x, str) and x.isdigit() and len(x) < 10]
    try:
        created = await apply_actions.add_from_roster(_actor(request), app["id"], ids)
    except apply_actions.Refused as exc:
        return await roster_page(request, app, {}, error=exc.problems[0], status_code=400)
    return redirect(url_of(app, f"/applicants?added={len(created)}"), flash="roster_added")


# 確認送件 and 送出 ---------------------------------------------------------------------------------------


async def check_answers_page(request: Request, app: dict[str, Any], *, problems: list[str] | None = None):
    """確認送件 of a draft group in the actor's scope (a student: their own group of one)."""
    student = bool(app.get("student"))
    found = await q.get_check_answers(_actor(request), app["id"], apply_actions.today())
    if found is None:
        raise NotFoundException()
    app = found.app
    if (r := closed(app)) is not None:
        return redirect("/student") if student else r
    group_problems = apply_actions.group_problems(app, set(found.group_files))
    count_problems = rules.submit_problems(app["member_count"], len(found.applicants), found.incomplete)
    todo = group_problems + count_problems
    fee = found.fee  # in force today (master data)
    return render(
        request,
        "apply/check_answers.html",
        {
            "app": app,
            "ca": found,
            "offering": found.offering,
            "title": str(found.offering.title),
            "urls": _urls(app, student),
            "student": student,
            "todo": todo,
            "problems": problems or [],
            "can_submit": not todo,
            "fee": fee,
            "total": fee * len(found.applicants),
            "group_documents": offerings.needed_group_documents(found.offering, self_filed=student),
            "steps": None if student else steps(app, "check"),
        },
        status_code=400 if problems else 200,
    )


async def submit_group(request: Request, app: dict[str, Any]) -> Response:
    """送出: the one submit of every offering; refused, it shows 確認送件 again with why."""
    student = bool(app.get("student"))
    try:
        result = await apply_actions.submit_application(_actor(request), app["id"], get_locale())
    except apply_actions.NotEditable:
        return redirect("/student" if student else f"/apply/groups/{app['id']}")
    except apply_actions.Refused as exc:
        return await check_answers_page(request, app, problems=exc.problems)
    send_after_commit(request, [result.mail])
    if student:
        return redirect("/student", flash="submitted")
    return redirect(f"/apply/groups/{app['id']}/submitted")


# The school's wizard -----------------------------------------------------------------------------------


async def open_draft(request: Request, application_id: int, offering=None) -> dict[str, Any] | Response:
    """A draft in the actor's scope (of this offering when given), or where a submitted one now leads."""
    app = await load(request, application_id, offering)
    return closed(app) or app


async def open_step(request: Request, application_id: int, page, *args: Any, offering=None) -> Response:
    """A step of a draft: the page, or where a submitted draft now leads (also for the older addresses)."""
    app = await open_draft(request, application_id, offering)
    return app if isinstance(app, Response) else await page(request, app, *args)


async def open_case(request: Request, application_id: int, case_id: int, page, offering=None) -> Response:
    """One applicant's page of a draft."""
    app = await open_draft(request, application_id, offering)
    if isinstance(app, Response):
        return app
    return await page(request, app, await case_of(request, app, case_id))


class WizardController(Controller):
    """`/apply/{line}/{slug}/…`: every offering's wizard for a school."""

    path = "/apply/{line:str}/{slug:str}"
    guards = [school_required]

    @get("/", name="wizard:drafts")
    async def drafts(self, request: Request, line: str, slug: str) -> Response:
        offering = offering_of(line, slug)
        rows = await q.list_drafts(_actor(request), kind=offering.kind, line=offering.line)
        fee = await fee_per_person(offering, apply_actions.today())  # in force today (master data)
        return render(
            request,
            "apply/drafts.html",
            {"kind": offering, "drafts": rows, "base": base_of(offering), "fee": fee},
        )

    @get("/terms", name="wizard:terms")
    async def terms(self, request: Request, line: str, slug: str) -> Response:
        return terms_page(request, offering_of(line, slug), {}, student=False)

    @post("/terms", name="wizard:create")
    async def create(self, request: Request, line: str, slug: str) -> Response:
        return await create(request, offering_of(line, slug), student=False)

    @get("/{application_id:int}", name="wizard:edit")
    async def edit(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        app = await open_draft(request, application_id, offering_of(line, slug))
        if isinstance(app, Response):
            return app
        step = "applicants" if app["name"] and app["station_code"] else "submitter"
        return redirect(url_of(app, f"/{step}"))

    @get("/{application_id:int}/delete", name="wizard:delete-confirm")
    async def delete_confirm(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        app = await open_draft(request, application_id, offering_of(line, slug))
        if isinstance(app, Response):
            return app
        return render(request, "apply/delete_confirm.html", {"app": app, "base": url_of(app)})

    @post("/{application_id:int}/delete", name="wizard:delete")
    async def delete(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await delete_draft(request, await load(request, application_id, offering_of(line, slug)))

    @get("/{application_id:int}/submitter", name="wizard:submitter")
    async def submitter(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, submitter, offering=offering_of(line, slug))

    @post("/{application_id:int}/submitter", name="wizard:submitter-save")
    async def submitter_save(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, submitter_save, offering=offering_of(line, slug))

    @get("/{application_id:int}/details", name="wizard:details")
    async def details(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, details, offering=offering_of(line, slug))

    @post("/{application_id:int}/details", name="wizard:details-save")
    async def details_save(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, details_save, offering=offering_of(line, slug))

    @get("/{application_id:int}/applicants", name="wizard:applicants")
    async def applicants(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, applicants_page, offering=offering_of(line, slug))

    @post("/{application_id:int}/applicants", name="wizard:applicant-add")
    async def applicant_add(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, applicant_add, offering=offering_of(line, slug))

    @get("/{application_id:int}/applicants/{case_id:int}", name="wizard:applicant")
    async def applicant(
        self, request: Request, line: str, slug: str, application_id: int, case_id: int
    ) -> Response:
        return await open_case(request, application_id, case_id, applicant, offering_of(line, slug))

    @post("/{application_id:int}/applicants/{case_id:int}", name="wizard:applicant-save")
    async def applicant_save(
        self, request: Request, line: str, slug: str, application_id: int, case_id: int
    ) -> Response:
        return await open_case(request, application_id, case_id, applicant_save, offering_of(line, slug))

    @post("/{application_id:int}/applicants/{case_id:int}/autosave", name="wizard:applicant-autosave")
    async def applicant_autosave(
        self, request: Request, line: str, slug: str, application_id: int, case_id: int
    ) -> Response:
        app = await load(request, application_id, offering_of(line, slug))
        if not q.is_draft(app):
            raise NotFoundException()
        return await applicant_autosave(request, app, await case_of(request, app, case_id))

    @get("/{application_id:int}/applicants/{case_id:int}/delete", name="wizard:applicant-delete-confirm")
    async def applicant_delete_confirm(
        self, request: Request, line: str, slug: str, application_id: int, case_id: int
    ) -> Response:
        app = await open_draft(request, application_id, offering_of(line, slug))
        if isinstance(app, Response):
            return app
        case = await case_of(request, app, case_id)
        return render(request, "apply/applicant_delete.html", {"app": app, "case": case, "base": url_of(app)})

    @post("/{application_id:int}/applicants/{case_id:int}/delete", name="wizard:applicant-delete")
    async def applicant_delete(
        self, request: Request, line: str, slug: str, application_id: int, case_id: int
    ) -> Response:
        app = await load(request, application_id, offering_of(line, slug))
        return await delete_applicant(request, app, case_id)

    @get("/{application_id:int}/roster", name="wizard:roster")
    async def roster(
        self,
        request: Request,
        line: str,
        slug: str,
        application_id: int,
        year: str = "",
        semester: str = "",
        category: str = "",
        status: str = "",
        name: str = "",
    ) -> Response:
        app = await open_draft(request, application_id, offering_of(line, slug))
        if isinstance(app, Response):
            return app
        filters = {"year": year, "semester": semester, "category": category, "status": status, "name": name}
        return await roster(request, app, filters)

    @post("/{application_id:int}/roster", name="wizard:roster-add")
    async def roster_add(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await open_step(request, application_id, roster_add, offering=offering_of(line, slug))

    @get("/{application_id:int}/check", name="wizard:check")
    async def check(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await check_answers_page(request, await load(request, application_id, offering_of(line, slug)))

    @post("/{application_id:int}/submit", name="wizard:submit")
    async def submit(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await submit_group(request, await load(request, application_id, offering_of(line, slug)))

    @post("/{application_id:int}/files/{attachment_id:int}/delete", name="wizard:file-remove")
    async def file_remove(
        self, request: Request, line: str, slug: str, application_id: int, attachment_id: int
    ) -> Response:
        app = await load(request, application_id, offering_of(line, slug))
        return await remove_file(request, app, attachment_id)

    @get("/{application_id:int}/forms/{code:str}", name="wizard:group-form")
    async def group_form(
        self, request: Request, line: str, slug: str, application_id: int, code: str
    ) -> Response:
        """下載系統產生之表單: the group's (保證書, 團體名冊), filled from the group and its applicants so far."""
        app = await load(request, application_id, offering_of(line, slug))
        return await wizard_forms.download(request, app, code, None)

    @get("/{application_id:int}/applicants/{case_id:int}/forms/{code:str}", name="wizard:applicant-form")
    async def applicant_form(
        self, request: Request, line: str, slug: str, application_id: int, case_id: int, code: str
    ) -> Response:
        """下載系統產生之表單: one applicant's (申請書, 確認書, 申報書), filled from what is saved for them."""
        app = await load(request, application_id, offering_of(line, slug))
        return await wizard_forms.download(request, app, code, await case_of(request, app, case_id))


async def delete_draft(request: Request, app: dict[str, Any]) -> Response:
    try:
        await apply_actions.delete_draft(_actor(request), app["id"])
    except apply_actions.NotEditable:
        return redirect(f"/apply/groups/{app['id']}")
    return redirect(base_of(offerings.of(app)), flash="draft_deleted")


async def delete_applicant(request: Request, app: dict[str, Any], case_id: int) -> Response:
    try:
        await apply_actions.delete_applicant(_actor(request), app["id"], case_id)
    except apply_actions.NotEditable:
        return redirect(f"/apply/groups/{app['id']}")
    return redirect(url_of(app, "/applicants"), flash="applicant_deleted")


async def remove_file(request: Request, app: dict[str, Any], attachment_id: int) -> Response:
    try:
        await apply_actions.remove_attachment(_actor(request), app["id"], attachment_id)
    except apply_actions.NotEditable:
        return redirect(f"/apply/groups/{app['id']}")
    if request.htmx:  # type: ignore[attr-defined]
        return Response(content=b"", status_code=200)
    return redirect(url_of(app, "/applicants"))


# The student's wizard: the same steps for a group of one ------------------------------------------------


async def student_entry(request: Request, offering: offerings.Offering) -> Response:
    """The menu's page of one offering: the student's draft of it, else the terms."""
    if not offering.student_may_file:
        raise NotFoundException()
    app_id = await student_apply.own_draft_id(_actor(request), offering.kind)
    if app_id is not None:
        return redirect(f"{base_of(offering, student=True)}/{app_id}")
    return terms_page(request, offering, {}, student=True)


async def _lookup_page(request, app, *, error: str = "", form=None, status_code: int = 200) -> Response:
    return render(
        request,
        "kinds/student_lookup.html",
        {
            "app": app,
            "kind": offerings.of(app),
            "form": form or {},
            "errors": {offerings.of(app).lookup_field: error} if error else {},
            "lookup_action": url_of(app, "/lookup"),
        },
        status_code=status_code,
    )


async def own_draft(request: Request, line: str, slug: str, application_id: int):
    """(app, its one case or None) of the student's own draft, or a redirect once it is submitted."""
    app = await load(request, application_id, offering_of(line, slug))
    if (r := closed(app)) is not None:
        return r, None
    cases = await q.list_applicants(_actor(request), application_id) or []
    return app, (cases[0] if cases else None)


class StudentWizardController(Controller):
    """`/student/apply/{line}/{slug}/…`: the same wizard for a student's own group of one."""

    path = "/student/apply/{line:str}/{slug:str}"
    guards = [student_required]

    @get("/", name="wizard:student-entry")
    async def entry(self, request: Request, line: str, slug: str) -> Response:
        return await student_entry(request, offering_of(line, slug))

    @post("/", name="wizard:student-create")
    async def create(self, request: Request, line: str, slug: str) -> Response:
        return await create(request, offering_of(line, slug), student=True)

    @get("/{application_id:int}", name="wizard:student-form")
    async def form_page(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        app, case = await own_draft(request, line, slug, application_id)
        if isinstance(app, Response):
            return app
        if case is None:
            return await _lookup_page(request, app)
        return await applicant(request, app, case)

    @post("/{application_id:int}", name="wizard:student-save")
    async def save(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await student_save(request, offering_of(line, slug), application_id)

    @post("/{application_id:int}/lookup", name="wizard:student-lookup")
    async def lookup(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await student_lookup(request, line, slug, application_id)

    @post("/{application_id:int}/autosave", name="wizard:student-autosave")
    async def autosave(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await student_autosave(request, offering_of(line, slug), application_id)

    @get("/{application_id:int}/check", name="wizard:student-check")
    async def check(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await check_answers_page(request, await load(request, application_id, offering_of(line, slug)))

    @post("/{application_id:int}/submit", name="wizard:student-submit")
    async def submit(self, request: Request, line: str, slug: str, application_id: int) -> Response:
        return await submit_group(request, await load(request, application_id, offering_of(line, slug)))

    @get("/{application_id:int}/forms/{code:str}", name="wizard:student-form-download")
    async def form_download(
        self, request: Request, line: str, slug: str, application_id: int, code: str
    ) -> Response:
        """下載系統產生之表單: the student's own (港澳生 確認書, 申報書), filled from what they saved."""
        app = await load(request, application_id, offering_of(line, slug))
        cases = await q.list_applicants(_actor(request), application_id) or []
        if not cases:
            raise NotFoundException()
        return await wizard_forms.download(request, app, code, cases[0])


async def student_save(request: Request, offering: offerings.Offering, application_id: int) -> Response:
    """保存 of the student's own form (no applicant yet: back to the lookup that makes it)."""
    app, case = await own_draft(request, offering.line, offering.slug, application_id)
    if isinstance(app, Response):
        return app
    if case is None:
        return redirect(url_of(app))
    return await applicant_save(request, app, case)


async def student_autosave(request: Request, offering: offerings.Offering, application_id: int) -> Response:
    """One field of the student's own form, saved as it is left."""
    app, case = await own_draft(request, offering.line, offering.slug, application_id)
    if isinstance(app, Response) or case is None:
        raise NotFoundException()
    return await applicant_autosave(request, app, case)


async def student_lookup(request: Request, line: str, slug: str, application_id: int) -> Response:
    """*統一(居留)證號 + 查詢: the student's own valid e-certificate fills the form."""
    app, case = await own_draft(request, line, slug, application_id)
    if isinstance(app, Response):
        return app
    if case is not None or not offerings.of(app).lookup:
        return redirect(url_of(app))
    form = await form_data(request)
    try:
        await kind_actions.add_looked_up_applicant(_actor(request), application_id, form)
    except apply_actions.Refused as exc:
        return await _lookup_page(request, app, error=exc.problems[0], form=form, status_code=400)
    return redirect(url_of(app))


# The older addresses -----------------------------------------------------------------------------------


async def moved(request: Request, application_id: int, tail: str = "") -> Response:
    """An older address of a draft's page: to the same page in the wizard (301 for a page)."""
    app = await load(request, application_id)
    query = request.url.query
    return redirect_permanent(url_of(app, tail) + (f"?{query}" if query else ""))


async def moved_below(request: Request, application_id: int, prefix: str) -> Response:
    """An older address `<prefix>/{id}<tail>`: the same tail in the wizard (`/submit` is now `/check`)."""
    tail = request.url.path.split(f"{prefix}/{application_id}", 1)[1]
    return await moved(request, application_id, "/check" if tail == "/submit" else tail)


def redirect_permanent(path: str) -> Response:
    from litestar.response import Redirect

    return Redirect(path=path, status_code=301)


def moved_to(offering: offerings.Offering, tail: str = "", *, student: bool = False) -> Response:
    """An older address of an offering's page (its drafts, its terms): the same page in the wizard (301)."""
    return redirect_permanent(base_of(offering, student=student) + tail)


class OlderDraftAddresses(Controller):
    """A school's draft at an older address `{path}/{id}/…` (`/apply/drafts`, `/apply/kinds`): a POST of the
    steps both had is answered by the wizard's own handler. Each subclass answers its older pages (GET) with
    `moved_below` and adds the POSTs only it had."""

    guards = [school_required]

    @post("/{application_id:int}/applicants")
    async def applicant_add(self, request: Request, application_id: int) -> Response:
        return await open_step(request, application_id, applicant_add)

    @post("/{application_id:int}/applicants/{case_id:int}")
    async def applicant_save(self, request: Request, application_id: int, case_id: int) -> Response:
        return await open_case(request, application_id, case_id, applicant_save)

    @post("/{application_id:int}/applicants/{case_id:int}/delete")
    async def applicant_delete(self, request: Request, application_id: int, case_id: int) -> Response:
        return await delete_applicant(request, await load(request, application_id), case_id)

    @post("/{application_id:int}/submit")
    async def submit(self, request: Request, application_id: int) -> Response:
        app = await load(request, application_id)
        return closed(app) or await submit_group(request, app)

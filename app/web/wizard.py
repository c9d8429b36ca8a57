"""The wizard's shared last steps for every offering: 確認送件 (check your answers) and 送出.

`/apply/{line}/{slug}/{id}/check` lists every applicant's key fields and documents, with 修改 links back
to each step (GOV.UK "check answers"), and says what still keeps the group from being sent; 送出 posts to
`/apply/{line}/{slug}/{id}/submit`. Every offering ends on the same result page (`/apply/groups/{id}/
submitted`: 團號, 收件號, fee). A student's own application is the same page for a group of one
(`/student/apply/{id}/check`). The older addresses (`/apply/drafts/{id}/submit`, `/apply/kinds/{id}/submit`)
answer with a redirect here.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import apply as apply_actions
from app.domain import applicant as rules
from app.domain import offerings
from app.i18n import get_locale
from app.i18n import gettext as _
from app.queries import apply as q
from app.web.common import redirect, render, school_required, student_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import send_after_commit


def check_url(app: dict[str, Any]) -> str:
    """The 確認送件 page of a draft (a student's own application has its own address)."""
    if app.get("student"):
        return f"/student/apply/{app['id']}/check"
    offering = offerings.of(app)
    return f"/apply/{offering.line}/{offering.slug}/{app['id']}/check"


def _urls(app: dict[str, Any], student: bool) -> dict[str, Any]:
    """Where each 修改 link leads: the wizard's steps, and each applicant's form."""
    app_id = app["id"]
    further = offerings.of(app).applicants_pages == "kinds"
    if student:
        offering = offerings.of(app)
        form = f"/student/kinds/{offering.slug}/{app_id}" if further else f"/student/apply/{app_id}"
        return {
            "submitter": None,
            "details": None,
            "applicants": None,
            "applicant": lambda case_id: form,
            "back": form,
            "submit": f"/student/apply/{app_id}/submit",
        }
    applicants = f"/apply/kinds/{app_id}/applicants" if further else f"/apply/drafts/{app_id}/applicants"
    offering = offerings.of(app)
    return {
        "submitter": f"/apply/drafts/{app_id}/submitter",
        "details": f"/apply/drafts/{app_id}/details",
        "applicants": applicants,
        "applicant": lambda case_id: f"{applicants}/{case_id}",
        "back": applicants,
        "submit": f"/apply/{offering.line}/{offering.slug}/{app_id}/submit",
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


async def check_answers_page(
    request: Request, application_id: int, *, student: bool = False, problems: list[str] | None = None
) -> Response:
    """確認送件 of a draft group in the actor's scope (a student: their own group of one)."""
    actor = _actor(request)
    found = await q.get_check_answers(actor, application_id, apply_actions.today())
    if found is None or (student and not found.app.get("student")):
        raise NotFoundException()
    app = found.app
    if not q.is_draft(app):
        return redirect("/student" if student else f"/apply/groups/{application_id}")
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


async def submit_group(request: Request, application_id: int, *, student: bool = False) -> Response:
    """送出: the one submit of every offering; refused, it shows 確認送件 again with why."""
    actor = _actor(request)
    app = await q.get_application(actor, application_id)
    if app is None or (student and not app.get("student")):
        raise NotFoundException()
    try:
        result = await apply_actions.submit_application(actor, application_id, get_locale())
    except apply_actions.NotEditable:
        return redirect("/student" if student else f"/apply/groups/{application_id}")
    except apply_actions.Refused as exc:
        return await check_answers_page(request, application_id, student=student, problems=exc.problems)
    send_after_commit(request, [result.mail])
    if student:
        return redirect("/student", flash="submitted")
    return redirect(f"/apply/groups/{application_id}/submitted")


def _offering_of_url(line: str, slug: str, app: dict[str, Any] | None) -> offerings.Offering:
    offering = offerings.by_slug(line, slug)
    if offering is None or app is None or offerings.of(app) is not offering:
        raise NotFoundException()
    return offering


@get("/apply/{line:str}/{slug:str}/{application_id:int}/check", name="wizard:check", guards=[school_required])
async def check(request: Request, line: str, slug: str, application_id: int) -> Response:
    _offering_of_url(line, slug, await q.get_application(_actor(request), application_id))
    return await check_answers_page(request, application_id)


@post(
    "/apply/{line:str}/{slug:str}/{application_id:int}/submit", name="wizard:submit", guards=[school_required]
)
async def submit(request: Request, line: str, slug: str, application_id: int) -> Response:
    _offering_of_url(line, slug, await q.get_application(_actor(request), application_id))
    return await submit_group(request, application_id)


@get("/student/apply/{application_id:int}/check", name="wizard:student-check", guards=[student_required])
async def student_check(request: Request, application_id: int) -> Response:
    return await check_answers_page(request, application_id, student=True)


@post("/student/apply/{application_id:int}/submit", name="wizard:student-submit", guards=[student_required])
async def student_submit(request: Request, application_id: int) -> Response:
    return await submit_group(request, application_id, student=True)


async def redirect_to_check(request: Request, application_id: int) -> Response:
    """An older 送出 address: to the one 確認送件 page."""
    app = await q.get_application(_actor(request), application_id)
    if app is None:
        raise NotFoundException()
    if not q.is_draft(app):
        return redirect(f"/apply/groups/{application_id}")
    return redirect(check_url(app))


ROUTES = [check, submit, student_check, student_submit]

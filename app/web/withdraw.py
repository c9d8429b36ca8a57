"""案件撤銷: 整團撤銷 (by 團號) and 案件撤銷 (by 團號 or 收件號), each confirmed on its own page (GET) with the
POST button, so it works without JavaScript. Schools and students; everything out of scope answers 404.
"""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import withdraw as withdraw_actions
from app.i18n import gettext as _
from app.queries import progress as q
from app.web.common import redirect, render, school_or_student_required
from app.web.common import signed_in_actor as _actor
from app.web.forms import send_after_commit


class WithdrawController(Controller):
    """案件撤銷: 整團撤銷 (by 團號) and 案件撤銷 (by 團號 or 收件號), each confirmed on its own page."""

    path = "/withdraw"
    guards = [school_or_student_required]

    @get("/group", name="withdraw:group")
    async def group_search(self, request: Request, group_no: str = "") -> Response:
        group_no = group_no.strip()
        view = await q.find_group(_actor(request), group_no=group_no) if group_no else None
        errors = (
            {"group_no": _("No group with this group no. was found among your applications.")}
            if (group_no and view is None)
            else {}
        )
        return render(
            request,
            "withdraw/group.html",
            {
                "form": {"group_no": group_no},
                "errors": errors,
                "g": view,
                "withdrawable": q.withdrawable,
                "group_problem": withdraw_actions.group_problem(view) if view else "",
            },
            status_code=404 if errors else 200,
        )

    async def _group(self, request: Request, application_id: int) -> q.GroupView:
        view = await q.get_group(_actor(request), application_id)
        if view is None:
            raise NotFoundException()
        return view

    @get("/group/{application_id:int}", name="withdraw:group-confirm")
    async def group_confirm(self, request: Request, application_id: int) -> Response:
        view = await self._group(request, application_id)
        return render(
            request,
            "withdraw/group_confirm.html",
            {
                "g": view,
                "withdrawable": q.withdrawable,
                "group_problem": withdraw_actions.group_problem(view),
            },
        )

    @post("/group/{application_id:int}", name="withdraw:group-submit")
    async def group_submit(self, request: Request, application_id: int) -> Response:
        try:
            outcome = await withdraw_actions.withdraw_group(_actor(request), application_id)
        except withdraw_actions.Refused as exc:
            view = await self._group(request, application_id)
            return render(
                request,
                "withdraw/group_confirm.html",
                {
                    "g": view,
                    "withdrawable": q.withdrawable,
                    "problem": exc.message,
                    "group_problem": withdraw_actions.group_problem(view),
                },
                status_code=409,
            )
        send_after_commit(request, outcome.mails)
        return redirect(f"/withdraw/group?group_no={outcome.group_no}", flash="withdrawn")

    @get("/cases", name="withdraw:cases")
    async def cases_search(self, request: Request, group_no: str = "", receipt_no: str = "") -> Response:
        group_no, receipt_no = group_no.strip(), receipt_no.strip()
        view = None
        errors: dict[str, str] = {}
        if group_no or receipt_no:
            view = await q.find_group(
                _actor(request), group_no=group_no, receipt_no=receipt_no if not group_no else ""
            )
            if view is None:
                errors["group_no" if group_no else "receipt_no"] = _(
                    "Nothing was found among your applications with this number."
                )
        return render(
            request,
            "withdraw/cases.html",
            {
                "form": {"group_no": group_no, "receipt_no": receipt_no},
                "errors": errors,
                "g": view,
                "withdrawable": q.withdrawable,
                "highlight": receipt_no,
            },
            status_code=404 if errors else 200,
        )

    async def _case(self, request: Request, case_id: int) -> tuple[q.GroupView, dict[str, Any]]:
        found = await q.get_group_of_case(_actor(request), case_id)
        if found is None:
            raise NotFoundException()
        return found

    @get("/cases/{case_id:int}", name="withdraw:case-confirm")
    async def case_confirm(self, request: Request, case_id: int) -> Response:
        view, case = await self._case(request, case_id)
        return render(
            request, "withdraw/case_confirm.html", {"g": view, "case": case, "withdrawable": q.withdrawable}
        )

    @post("/cases/{case_id:int}", name="withdraw:case-submit")
    async def case_submit(self, request: Request, case_id: int) -> Response:
        try:
            outcome = await withdraw_actions.withdraw_case(_actor(request), case_id)
        except withdraw_actions.Refused as exc:
            view, case = await self._case(request, case_id)
            return render(
                request,
                "withdraw/case_confirm.html",
                {"g": view, "case": case, "withdrawable": q.withdrawable, "problem": exc.message},
                status_code=409,
            )
        send_after_commit(request, outcome.mails)
        return redirect(f"/withdraw/cases?group_no={outcome.group_no}", flash="withdrawn")

"""背景作業: the supervisor's page of failed background jobs on the review desk, with a retry button."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import jobs as job_actions
from app.i18n import lazy_gettext as _l
from app.queries import jobs as job_queries
from app.queries import review as review_queries
from app.web.common import redirect, render
from app.web.review import _desk_context, _me, reviewer_gate

TASK_LABELS = {
    "send_mail": _l("Send an e-mail"),
    "prerender_documents": _l("Render receipts and e-certificates after payment"),
    "settle_stale_payments": _l("Settle pending online payments"),
    "purge_expired": _l("Delete expired sessions and codes"),
    "retry_stalled_jobs": _l("Retry jobs of stopped workers"),
    "close_lapsed_supplements": _l("Close supplements past their deadline"),
    "parse_roster": _l("Import a roster file"),
    "remind_supplement_deadlines": _l("Remind schools of supplement deadlines"),
    "remind_expiring_permits": _l("Remind schools of expiring e-certificates"),
}


class ReviewJobsController(Controller):
    path = "/review/jobs"
    before_request = reviewer_gate

    @get("/", name="review:jobs")
    async def failed(self, request: Request) -> Response:
        _actor, role = _me(request)
        rows = await job_queries.list_failed_jobs(role)
        if rows is None:
            raise NotFoundException()
        ctx = _desk_context(request, await review_queries.queue_counts())
        ctx.update(
            {
                "rows": rows,
                "labels": {k: str(v) for k, v in TASK_LABELS.items()},
                "queue_kind": job_queries.queue_kind(),
                "retried": request.query_params.get("retried", ""),
            }
        )
        return render(request, "review/jobs.html", ctx)

    @post("/{job_id:int}/retry", name="review:jobs-retry")
    async def retry(self, request: Request, job_id: int) -> Response:
        actor, role = _me(request)
        try:
            ok = await job_actions.retry_failed_job(actor, role, job_id)
        except job_actions.Refused:
            raise NotFoundException() from None
        return redirect(f"/review/jobs/?retried={'ok' if ok else 'gone'}")

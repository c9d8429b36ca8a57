"""線上繳費: 列表 -> 明細 -> 繳費方式選擇 -> 開始繳費 (the gateway) -> 交易結果; and the gateway's notification."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from app.actions import payment as payment_actions
from app.domain import fees
from app.i18n import gettext as _
from app.queries import payment as payment_queries
from app.services import jobs
from app.settings import settings
from app.web.common import actor_of, render, school_or_student_required
from app.web.middleware import client_ip

NOTIFY_PATH = "/payment/notify"


def _group_ids(request: Request) -> tuple[list[int], bool]:
    """The ticked groups (group=ID, repeated) and whether 全選 was ticked."""
    ids = []
    for raw in request.query_params.getall("group", []):
        if raw.isdigit() and len(raw) < 12:
            ids.append(int(raw))
    return ids, request.query_params.get("all") == "1"


def _method_page(request: Request, groups: list, method: str, errors: dict | None = None) -> Response:
    """選擇繳費方式 for the ticked groups: first with the card chosen, again with what refused the start."""
    return render(
        request,
        "payment/method.html",
        {
            "groups": groups,
            "total": sum(g.amount for g in groups),
            "methods": fees.METHODS,
            "handling_fees": fees.HANDLING_FEES,
            "form": {"method": method},
            **({"errors": errors} if errors else {}),
        },
        status_code=400 if errors else 200,
    )


class PaymentController(Controller):
    path = "/payment"
    guards = [school_or_student_required]

    @get("", name="payment:list")
    async def list_page(self, request: Request, page: int = 1) -> Response:
        actor = actor_of(request)
        assert actor is not None
        result = await payment_queries.payable_page(actor, page)
        return render(
            request, "payment/list.html", {"groups": result.groups, "result": result, "selected": set()}
        )

    async def _selected(self, request: Request) -> tuple[list[payment_queries.PayableGroup], Response | None]:
        actor = actor_of(request)
        assert actor is not None
        ids, everything = _group_ids(request)
        groups = await payment_queries.list_payable(actor, None if everything else ids)
        payable = [g for g in groups if not g.in_progress]
        if not payable:
            listed = await payment_queries.payable_page(actor, 1)
            error = _error_none() if not ids and not everything else _error_busy()
            return [], render(
                request,
                "payment/list.html",
                {
                    "groups": listed.groups,
                    "result": listed,
                    "selected": set(ids),
                    "errors": {"groups": error},
                },
                status_code=400,
            )
        return payable, None

    @get("/detail", name="payment:detail")
    async def detail_page(self, request: Request) -> Response:
        groups, problem = await self._selected(request)
        if problem is not None:
            return problem
        return render(
            request, "payment/detail.html", {"groups": groups, "total": sum(g.amount for g in groups)}
        )

    @get("/method", name="payment:method")
    async def method_page(self, request: Request) -> Response:
        groups, problem = await self._selected(request)
        if problem is not None:
            return problem
        return _method_page(request, groups, "card")

    @post("/start", name="payment:start")
    async def start(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form = await request.form()
        ids = [int(v) for v in form.getall("group", []) if isinstance(v, str) and v.isdigit() and len(v) < 12]
        method = str(form.get("method", ""))
        result = await payment_actions.start_payment(actor, ids, method, client_ip(request.scope))
        if result.errors:
            groups = [g for g in await payment_queries.list_payable(actor, ids) if not g.in_progress]
            return _method_page(request, groups, method, result.errors)
        return Redirect(path=result.redirect_url, status_code=303)

    @get("/result/{order_no:str}", name="payment:result")
    async def result_page(self, request: Request, order_no: str) -> Response:
        actor = actor_of(request)
        assert actor is not None
        view = await payment_queries.get_payment(actor, order_no)
        if view is None:
            raise NotFoundException()
        return render(request, "payment/result.html", {"payment": view})

    @post("/result/{order_no:str}/query", name="payment:query")
    async def query(self, request: Request, order_no: str) -> Response:
        actor = actor_of(request)
        assert actor is not None
        status = await payment_actions.settle_payment(order_no, actor, client_ip(request.scope))
        if status == "paid":
            _prerender_after_commit(request, order_no)
        return Redirect(path=f"/payment/result/{order_no}", status_code=303)

    @post("/result/{order_no:str}/cancel", name="payment:cancel")
    async def cancel(self, request: Request, order_no: str) -> Response:
        actor = actor_of(request)
        assert actor is not None
        await payment_actions.cancel_payment(order_no, actor, client_ip(request.scope))
        return Redirect(path=f"/payment/result/{order_no}", status_code=303)


def _error_none() -> str:
    return _("Tick at least one group to pay for.")


def _error_busy() -> str:
    return _("The groups ticked have nothing to pay now (already paid, or a payment is being processed).")


def _prerender_after_commit(request: Request, order_no: str) -> None:
    """Once the payment is committed, render its receipts and certificates as a job of the queue
    (`prerender_documents`), so the first download finds them stored."""
    if not settings.pdf_prerender or not order_no:
        return

    async def job() -> None:
        await jobs.enqueue("prerender_documents", order_no=order_no)

    request.scope.setdefault("state", {}).setdefault("after_commit", []).append(job)


@post(NOTIFY_PATH, name="payment:notify", status_code=200)
async def notify(request: Request) -> Response:
    """The gateway's server-to-server notification (excluded from CSRF: it is signed instead)."""
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    accepted, body = await payment_actions.handle_notification(fields, client_ip(request.scope))
    if accepted:
        _prerender_after_commit(request, str(fields.get("order_no", "")))
    return Response(content=body, media_type=MediaType.TEXT, status_code=200 if accepted else 400)

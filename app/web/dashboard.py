"""優先處理事項: the home page after login."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.exceptions import NoRouteMatchFoundException
from litestar.response import Redirect

from app.domain import workflow
from app.domain.permits import DASHBOARD_TABS, dashboard_tab
from app.queries.dashboard import list_dashboard
from app.web.common import actor_of, render, signed_in_required

_URLS: dict[tuple, str | None] = {}


def _maybe_url(request: Request, name: str, **params) -> str | None:
    """A page's URL, or None when this build has no such page (looked up once per app)."""
    key = (id(request.app), name, *sorted(params.items()))
    if key not in _URLS:
        try:
            _URLS[key] = request.app.route_reverse(name, **params)
        except NoRouteMatchFoundException:
            _URLS[key] = None
    return _URLS[key]


class DashboardController(Controller):
    path = "/"
    guards = [signed_in_required]

    @get("/", name="dashboard:home")
    async def home(self, request: Request, tab: str | None = None, line: str | None = None) -> Response:
        actor = actor_of(request)
        assert actor is not None
        if actor.kind == "student":
            return Redirect(path="/student", status_code=303)
        current = dashboard_tab(tab or line)  # ?line= was the tab's name before the 延期申請 tab
        lists, counts = await list_dashboard(actor, current)
        view_url = _maybe_url(request, "apply:view", application_id=0)
        search_url = _maybe_url(request, "progress:search")
        # Each list's MORE opens the progress search filtered to that list and this tab.
        scope = {"tab": current.code}
        more_urls = (
            {
                key: f"{search_url}?{urlencode({'search': '1', 'list': key, **scope})}"
                for key in workflow.DASHBOARD_LISTS
            }
            if search_url
            else {}
        )
        return render(
            request,
            "dashboard/home.html",
            {
                "tabs": DASHBOARD_TABS,
                "current_tab": current,
                "lists": lists,
                "counts": counts,
                "list_keys": workflow.DASHBOARD_LISTS,
                "titles": {k: str(v) for k, v in workflow.DASHBOARD_TITLES.items()},
                "view_url": view_url.rsplit("/0", 1)[0] if view_url else None,
                "more_urls": more_urls,
            },
        )

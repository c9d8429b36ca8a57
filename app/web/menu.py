"""The menu (功能列) as data: an entry shows only when its page exists and the actor may open it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NoRouteMatchFoundException

from app.i18n import get_locale
from app.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Item:
    title: Any
    route: str = ""  # a route handler's name
    main_only: bool = False
    kinds: tuple[str, ...] = ("school",)
    children: tuple[Item, ...] = field(default_factory=tuple)
    params: tuple[tuple[str, str], ...] = ()  # the route's path parameters (the wizard's line and slug)


def _wizard(title: Any, line: str, slug: str, student: bool = False) -> Item:
    """An offering's wizard (app.web.wizard) in the menu."""
    if student:
        route = "wizard:student-entry"
        return Item(title, route, kinds=("student",), params=(("line", line), ("slug", slug)))
    return Item(title, "wizard:drafts", params=(("line", line), ("slug", slug)))


MENU = (
    Item(
        _l("Apply online"),  # 線上申辦
        children=(
            _wizard(_l("First application (foreign and overseas Chinese students)"), "foreign", "first"),
            _wizard(_l("Renewal"), "foreign", "renewal"),
            _wizard(_l("Extension application"), "foreign", "extension"),
            _wizard(_l("Data change"), "foreign", "data-change"),
        ),
    ),
    Item(
        _l("Progress"),  # 進度查詢
        children=(
            Item(_l("Case progress"), "progress:search"),
            Item(_l("Returned for supplement"), "supplement:list"),
            Item(_l("Withdraw a whole group"), "withdraw:group"),
            Item(_l("Withdraw cases"), "withdraw:cases"),
        ),
    ),
    Item(_l("Online payment"), children=(Item(_l("Payment list"), "payment:list"),)),  # 線上繳費
    Item(
        _l("Account maintenance"),  # 帳號維護
        children=(
            Item(_l("Change password"), "accounts:password"),
            Item(_l("Basic profile"), "accounts:profile"),
            Item(_l("Sub-accounts"), "accounts:subaccounts", main_only=True),
            Item(_l("Import admitted/registered students"), "roster:import"),
            Item(_l("Student roster"), "roster:list"),
        ),
    ),
    Item(
        _l("Downloads"),  # 下載專區
        children=(
            Item(_l("Permit download"), "downloads:permits"),  # 許可證下載
            Item(_l("Six-month resident certificates"), "downloads:certificates"),
            Item(_l("Receipts"), "downloads:receipts"),
            Item(_l("Collecting the IC card"), "downloads:pickup"),
        ),
    ),
    Item(_l("Priority matters"), "dashboard:home"),  # 優先處理事項
    # A student's own system (學生自行線上申辦): the same pages where they serve both.
    Item(
        _l("Apply online"),
        kinds=("student",),
        children=(
            _wizard(
                _l("First application (foreign and overseas Chinese students)"), "foreign", "first", True
            ),
            _wizard(_l("Extension application"), "foreign", "extension", True),
            _wizard(_l("Renewal"), "foreign", "renewal", True),
            _wizard(_l("Data change"), "foreign", "data-change", True),
        ),
    ),
    Item(
        _l("Progress"),
        kinds=("student",),
        children=(
            Item(_l("Case progress"), "student:progress", kinds=("student",)),
            Item(_l("Returned for supplement"), "supplement:list", kinds=("student",)),
            Item(_l("Withdraw cases"), "withdraw:cases", kinds=("student",)),
        ),
    ),
    Item(
        _l("Online payment"),
        kinds=("student",),
        children=(Item(_l("Payment list"), "payment:list", kinds=("student",)),),
    ),
    Item(
        _l("Downloads"),
        kinds=("student",),
        children=(
            Item(_l("Permit download"), "downloads:permits", kinds=("student",)),
            Item(_l("Six-month resident certificates"), "downloads:certificates", kinds=("student",)),
            Item(_l("Receipts"), "downloads:receipts", kinds=("student",)),
            Item(_l("Collecting the IC card"), "downloads:pickup", kinds=("student",)),
        ),
    ),
    Item(_l("Priority matters"), "student:home", kinds=("student",)),
)


_URLS: dict[tuple[int, str], str | None] = {}


def _url(request: Any, name: str, params: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The page's URL, or None when this build has no such page (looked up once per app)."""
    key = (id(request.app), name + repr(params))
    if key not in _URLS:
        try:
            _URLS[key] = request.app.route_reverse(name, **dict(params))
        except NoRouteMatchFoundException:
            _URLS[key] = None
    return _URLS[key]


_MENUS: dict[tuple[int, str, bool, str], list[dict[str, Any]]] = {}


def build_menu(request: Any, actor: Any) -> list[dict[str, Any]]:
    """The actor's menu; it depends only on the app, the actor's kind and role and the locale, so it is built
    once per combination (templates only read it)."""
    if actor is None:
        return []
    key = (id(request.app), actor.kind, bool(actor.is_main), get_locale())
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = _build_menu(request, actor)
    return menu


def _build_menu(request: Any, actor: Any) -> list[dict[str, Any]]:
    out = []
    for item in MENU:
        if actor.kind not in item.kinds:
            continue
        children = []
        for child in item.children:
            if child.main_only and not actor.is_main:
                continue
            if actor.kind not in child.kinds:
                continue
            url = _url(request, child.route, child.params)
            if url:
                children.append({"title": str(child.title), "url": url})
        url = _url(request, item.route) if item.route else None
        if children or url:
            out.append({"title": str(item.title), "url": url, "children": children})
    return out

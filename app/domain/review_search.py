"""The review desk's search: what a reviewer may ask for (queue, filters, sort, page), read from a query string.

Pure: the criteria are parsed and normalised here; `app.queries.review.find_cases` turns them into SQL.
Unknown or malformed values are dropped (a hand-edited URL never errors), so a bookmark always opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 50
MAX_QUERY = 100

# The queues of the desk (their statuses are in app.queries.review.QUEUES); "" searches every submitted case.
QUEUE_KEYS = ("first", "second", "answered", "supplement", "card", "collect")
SORTS = ("age", "age_desc", "submitted", "submitted_desc")
IDENTITIES = ("foreign", "overseas")
HELD = ("me", "free", "available")
_CODE = re.compile(r"^[A-Za-z0-9_]{1,20}$")


@dataclass(frozen=True)
class Criteria:
    q: str = ""
    queue: str = ""
    line: str = ""
    kind: str = ""
    school: int | None = None
    station: str = ""  # one station picked, "all" for every station, "" for the reviewer's own
    identity: str = ""
    nationality: str = ""
    overdue: bool = False
    sort: str = "age"
    page: int = 1
    held: str = ""  # "me": cases I hold; "free": cases nobody holds; "available": mine or nobody's
    application: int | None = None  # one group only (not from the URL: the desk's "next case")
    stations: tuple[str, ...] = field(default=())  # the reviewer's own stations (not from the URL)
    me: int | None = None  # the reviewer searching (not from the URL)

    @property
    def station_codes(self) -> tuple[str, ...]:
        """The stations whose cases are listed; () means every station."""
        if self.station == "all":
            return ()
        if self.station:
            return (self.station,)
        return self.stations

    def query_string(self, **changes: Any) -> str:
        """This search as a URL query (for the pager and the sort links), with `changes` applied."""
        c = replace(self, **changes)
        pairs = [
            ("q", c.q),
            ("queue", c.queue),
            ("line", c.line),
            ("kind", c.kind),
            ("school", "" if c.school is None else str(c.school)),
            ("station", c.station),
            ("identity", c.identity),
            ("nationality", c.nationality),
            ("overdue", "1" if c.overdue else ""),
            ("held", c.held),
            ("sort", "" if c.sort == "age" else c.sort),
            ("page", "" if c.page == 1 else str(c.page)),
        ]
        return urlencode([(k, v) for k, v in pairs if v])


def _code(value: str) -> str:
    value = (value or "").strip()
    return value if _CODE.match(value) else ""


def parse_criteria(
    params: dict[str, str], *, stations: tuple[str, ...] = (), me: int | None = None
) -> Criteria:
    """Criteria from the request's query parameters; whatever is not understood is left out."""
    q = " ".join((params.get("q") or "").split())[:MAX_QUERY]
    queue = params.get("queue", "")
    school_raw = (params.get("school") or "").strip()
    try:
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        page = 1
    identity = params.get("identity", "")
    sort = params.get("sort", "age")
    return Criteria(
        q=q,
        queue=queue if queue in QUEUE_KEYS else "",
        line=_code(params.get("line", "")),
        kind=_code(params.get("kind", "")),
        school=int(school_raw) if school_raw.isdigit() else None,
        station=_code(params.get("station", "")),
        identity=identity if identity in IDENTITIES else "",
        nationality=_code(params.get("nationality", "")).upper()[:3],
        overdue=params.get("overdue") in ("1", "on", "true"),
        sort=sort if sort in SORTS else "age",
        page=min(page, 100_000),
        held=params.get("held", "") if params.get("held") in HELD else "",
        stations=tuple(stations),
        me=me,
    )


def like_pattern(text: str, *, anywhere: bool) -> str:
    """A LIKE pattern for `text` with its own % and _ escaped (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%" if anywhere else f"{escaped}%"


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    total: int
    first: int  # 1-based index of the first row shown (0 when none)
    last: int


def pager(total: int, page: int, size: int = PAGE_SIZE) -> Pager:
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    first = (page - 1) * size + 1 if total else 0
    last = min(total, page * size)
    return Pager(page=page, pages=pages, total=total, first=first, last=last)

"""The service stations (領證地點) as the `service_station` table has them: the one way every page, form,
filter and rule reads them (issue 15, item 8).

`refresh()` reads the table into the process's snapshot (`app.domain.stations.use`) when it is older than
`TTL` seconds, so a page costs no query for them; every request runs it first (`app.web.middleware.DatabaseMiddleware`), as do the actions
that check a pick. A change made in this process's back office is seen at once (`invalidate()` from the
admin's hooks); another app server sees it within `TTL` seconds.
"""

from __future__ import annotations

import time

from app.domain import stations as rules
from app.domain.stations import (
    CONTACTS_URL,
    Station,
    all_stations,
    get_station,
    open_station,
    station_name,
    stations,
)
from tables.tables import ServiceStation

__all__ = [
    "CONTACTS_URL",
    "Station",
    "all_stations",
    "get_station",
    "invalidate",
    "list_stations",
    "open_station",
    "refresh",
    "station_name",
    "stations",
]

TTL = 10.0  # seconds
_loaded_at: float | None = None


def invalidate() -> None:
    global _loaded_at
    _loaded_at = None


async def list_stations() -> tuple[Station, ...]:
    """Every station from the table, in the list's order."""
    rows = await ServiceStation.select(
        ServiceStation.code,
        ServiceStation.name_zh,
        ServiceStation.name_en,
        ServiceStation.active,
        ServiceStation.sort,
    ).order_by(ServiceStation.sort, ServiceStation.code)
    return tuple(
        Station(
            code=r["code"], zh=r["name_zh"], en=r["name_en"] or "", active=bool(r["active"]), sort=r["sort"]
        )
        for r in rows
    )


async def refresh(*, force: bool = False) -> None:
    """The snapshot from the table, when it is older than `TTL` (or `force`)."""
    global _loaded_at
    now = time.monotonic()
    if not force and _loaded_at is not None and now - _loaded_at < TTL:
        return
    rules.use(await list_stations())
    _loaded_at = now


async def code_of(row_id: object) -> str | None:
    rows = await ServiceStation.select(ServiceStation.code).where(ServiceStation.id == row_id)
    return rows[0]["code"] if rows else None


async def in_use(code: str) -> bool:
    """Whether a group or a reviewer names the station (so its code may no longer change or go)."""
    from tables.tables import Application, ReviewerStation

    return bool(
        await Application.exists().where(Application.station_code == code)
        or await ReviewerStation.exists().where(ReviewerStation.station_code == code)
    )

"""Service stations loaded from the agency's list (the migration and the test set-up; issue 15, item 8).
Supervisors change them in the back office (`app.admin`: checked by `app.domain.master_data`, written to the
audit log by `app.admin_guard`)."""

from __future__ import annotations

from app.domain.stations import reference_stations
from tables.tables import ServiceStation


async def load_reference_stations() -> int:
    """Adds the stations of the agency's list whose code the table does not have yet (never overwrites a
    supervisor's change); returns how many were added."""
    from app.queries import stations as station_queries

    have = {r["code"] for r in await ServiceStation.select(ServiceStation.code)}
    rows = [
        ServiceStation(code=s.code, name_zh=s.zh, name_en=s.en, active=True, sort=s.sort)
        for s in reference_stations()
        if s.code not in have
    ]
    if rows:
        await ServiceStation.insert(*rows)
    station_queries.invalidate()
    return len(rows)

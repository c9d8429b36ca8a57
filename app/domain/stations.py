"""The agency's service stations (領證地點): the type, the agency's list as shipped reference data, and the
list the process works with.

The stations are a table (`service_station`), kept by supervisors in the back office. `app.queries.stations`
reads it and hands the rows to `use()`; every reader (pick lists, names, the desk's filters, the rules of this
package) goes through `app.queries.stations`, which refreshes this snapshot from the database (at most
`app.queries.stations.TTL` seconds old; at once after a change made by this process). Until the database has
been read (a CLI command that never touched it) the agency's shipped list stands in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.i18n import get_locale

_DATA = Path(__file__).parent / "data" / "nia-service-stations.json"
CONTACTS_URL = "https://www.immigration.gov.tw/5385/7344/7350/"


@dataclass(frozen=True)
class Station:
    code: str
    zh: str
    en: str
    active: bool = True
    sort: int = 0

    @property
    def name(self) -> str:
        """The name in the reader's language (the Chinese name where no English one is known)."""
        return (self.en or self.zh) if get_locale() == "en" else self.zh


@cache
def reference_stations() -> tuple[Station, ...]:
    """The agency's list as shipped (`data/nia-service-stations.json`): what the table is loaded with."""
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(
        Station(code=s["code"], zh=s["zh"], en=s.get("en", ""), sort=i * 10)
        for i, s in enumerate(raw["stations"], start=1)
    )


_current: tuple[Station, ...] | None = None


def use(rows: tuple[Station, ...]) -> None:
    """The stations as the database has them now (set by `app.queries.stations`)."""
    global _current
    _current = tuple(sorted(rows, key=lambda s: (s.sort, s.code)))


def all_stations() -> tuple[Station, ...]:
    """Every station, switched off ones included (names of old groups, the desk's filters)."""
    return _current if _current is not None else reference_stations()


def stations() -> tuple[Station, ...]:
    """The stations offered as 領證地點 for a new application."""
    return tuple(s for s in all_stations() if s.active)


def get_station(code: str) -> Station | None:
    """Any station by its code, switched off ones included."""
    return next((s for s in all_stations() if s.code == code), None)


def open_station(code: str) -> Station | None:
    """A station that may be picked for a new application (in use)."""
    found = get_station(code)
    return found if found is not None and found.active else None


def station_name(code: str | None) -> str:
    """A station's name in the reader's language; the code itself when no station has it."""
    found = get_station(code or "")
    return found.name if found else (code or "")

"""The agency's service stations (領證地點), as shipped data."""

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

    @property
    def name(self) -> str:
        return self.en if get_locale() == "en" else self.zh


@cache
def stations() -> tuple[Station, ...]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(Station(code=s["code"], zh=s["zh"], en=s["en"]) for s in raw["stations"])


def get_station(code: str) -> Station | None:
    return next((s for s in stations() if s.code == code), None)

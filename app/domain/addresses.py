"""Taiwan's counties/cities and districts with postal codes, and the address parts the seed uses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.i18n import get_locale

_DATA = Path(__file__).parent / "data" / "tw-postal-districts.json"

# The parts of an address, in the seed's order: 縣市, 鄉鎮市區, 村/里, 鄰, 街、路段, 巷, 弄, 門牌號樓室.
ADDRESS_PARTS = ("county", "district", "village", "neighborhood", "street", "lane", "alley", "number")
REQUIRED_PARTS = ("county", "district", "street", "number")


@dataclass(frozen=True)
class District:
    postal_code: str
    county_zh: str
    district_zh: str
    county_en: str
    district_en: str

    @property
    def name(self) -> str:
        return self.district_en if get_locale() == "en" else self.district_zh


@dataclass(frozen=True)
class County:
    zh: str
    en: str

    @property
    def name(self) -> str:
        return self.en if get_locale() == "en" else self.zh


@cache
def _load():
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    counties = tuple(County(zh=c["zh"], en=c["en"]) for c in raw["counties"])
    districts = tuple(District(**d) for d in raw["districts"])
    return counties, districts


def counties() -> tuple[County, ...]:
    return _load()[0]


def districts_of(county_zh: str) -> tuple[District, ...]:
    return tuple(d for d in _load()[1] if d.county_zh == county_zh)


def find_district(county_zh: str, district_zh: str) -> District | None:
    for d in districts_of(county_zh):
        if d.district_zh == district_zh:
            return d
    return None


def is_county(county_zh: str) -> bool:
    return any(c.zh == county_zh for c in counties())


def format_address(parts: dict[str, str]) -> str:
    """One line, as the seed prints it: 100 臺北市中正區光明里1鄰羅斯福路四段1號."""
    county = parts.get("county", "")
    district = parts.get("district", "")
    d = find_district(county, district)
    out = [d.postal_code + " " if d else "", county, district]
    if parts.get("village"):
        out.append(parts["village"])
    if parts.get("neighborhood"):
        out.append(parts["neighborhood"] + "鄰")
    out.append(parts.get("street", ""))
    if parts.get("lane"):
        out.append(parts["lane"] + "巷")
    if parts.get("alley"):
        out.append(parts["alley"] + "弄")
    out.append(parts.get("number", ""))
    return "".join(out).strip()

"""How full the number counters of the year are (團號 per business line, 收件號 per receiving office), for
the supervisors' warning on the review desk. Reviewer-only (the desk's guard); no personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app import db
from app.domain import numbering
from tables.tables import DocumentCounter

KINDS = ("group", "receipt")


@dataclass(frozen=True)
class CounterUse:
    kind: str  # group | receipt
    code: str  # the business code (團號) or the receiving office (收件號)
    used: int
    capacity: int

    @property
    def percent(self) -> int:
        return int(100 * self.used / self.capacity)


def _parse(key: str) -> tuple[str, int, str] | None:
    parts = key.split(":")
    if len(parts) != 3 or parts[0] not in KINDS or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


async def _values() -> dict[str, int]:
    """Every counter's last value, keyed as `kind:year:code`."""
    out = {
        r["key"]: r["value"] for r in await DocumentCounter.select(DocumentCounter.key, DocumentCounter.value)
    }
    if db.is_postgres():
        from app.actions.apply import counter_sequence

        by_name = await db.sequence_values("arc_seq_")
        for kind in KINDS:
            for name, value in by_name.items():
                rest = name.removeprefix(f"arc_seq_{kind}_")
                if rest != name and "_" in rest:
                    year, code = rest.split("_", 1)
                    key = f"{kind}:{year}:{code}"
                    if counter_sequence(key) == name:
                        out[key] = max(out.get(key, 0), value)
    return out


async def near_capacity(today: date | None = None) -> list[CounterUse]:
    """This year's counters at or past numbering.ALERT_SHARE of their capacity, the fullest first."""
    year = numbering.roc_year(today or date.today())
    out = []
    for key, value in (await _values()).items():
        parsed = _parse(key)
        if parsed is None or parsed[1] != year:
            continue
        kind, _year, code = parsed
        cap = numbering.capacity(kind, code)
        if value >= cap * numbering.ALERT_SHARE:
            out.append(CounterUse(kind, code, value, cap))
    return sorted(out, key=lambda c: c.used / c.capacity, reverse=True)

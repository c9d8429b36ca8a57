"""名冊 reads. A school's main account and its sub-accounts alike see the school's whole roster,
and nothing of another school's; anyone else sees nothing. `find_roster_match` is the one read
without an actor: the student's own sign-in (學生自行申請) looks a row up by what the student types.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain import roster as rules
from app.domain.actor import Actor
from app.domain.validators import clean_id
from tables.tables import RosterEntry, RosterImport, RosterTally

PAGE_SIZE = 20
PICKER_LIMIT = 200
EXPORT_CHUNK = 1000

LIST_COLUMNS = (
    RosterEntry.id,
    RosterEntry.year,
    RosterEntry.semester,
    RosterEntry.name_zh,
    RosterEntry.name_en,
    RosterEntry.birth_date,
    RosterEntry.category,
    RosterEntry.nationality,
    RosterEntry.gender,
    RosterEntry.national_id,
    RosterEntry.passport_no,
    RosterEntry.qualification,
    RosterEntry.program,
    RosterEntry.grade,
    RosterEntry.status,
    RosterEntry.resident_id,
    RosterEntry.travel_permit_no,
    RosterEntry.updated_at,
    RosterEntry.version,
)


@dataclass(frozen=True)
class RosterFilters:
    year: int | None = None
    semester: int | None = None
    category: str = ""
    status: str = ""
    name: str = ""
    passport: str = ""

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> RosterFilters:
        """From a query string: unknown codes and junk are dropped rather than refused."""

        def _int(key: str) -> int | None:
            try:
                return int(str(params.get(key) or "").strip())
            except ValueError:
                return None

        lists = rules.code_lists()
        category = str(params.get("category") or "").strip().upper()
        status = str(params.get("status") or "").strip().upper()
        semester = _int("semester")
        year = _int("year")
        return cls(
            # An out-of-range year (refused by the pages with rules.check_filter_year) never reaches SQL.
            year=year if year is not None and rules.year_in_range(year, date.today()) else None,
            semester=semester if semester in (1, 2) else None,
            category=category if lists["category"].by_value(category) else "",
            status=status if lists["status"].by_value(status) else "",
            name=str(params.get("name") or "").strip()[:100],
            passport=clean_id(str(params.get("passport") or "")).replace(" ", "")[:20],
        )

    def as_params(self) -> dict[str, str]:
        out = {
            "year": str(self.year or ""),
            "semester": str(self.semester or ""),
            "category": self.category,
            "status": self.status,
            "name": self.name,
            "passport": self.passport,
        }
        return {k: v for k, v in out.items() if v}


def _scope(actor: Actor):
    if actor.kind == "school" and actor.school_id:
        return RosterEntry.school == actor.school_id
    return RosterEntry.id == -1


def _like_text(text: str) -> str:
    return text.replace("%", "").replace("_", "")


def _by_term(table: Any, clause: Any, f: RosterFilters) -> Any:
    """`clause` narrowed by the filters a roster row and its term's tally share: year, semester, category,
    status (`table`: RosterEntry or RosterTally, whose columns are named alike)."""
    for column in ("year", "semester", "category", "status"):
        if value := getattr(f, column):
            clause &= getattr(table, column) == value
    return clause


def _where(actor: Actor, f: RosterFilters):
    clause = _by_term(RosterEntry, _scope(actor), f)
    if f.name:
        norm = _like_text(rules.normalise_name_en(f.name))
        zh = _like_text(f.name)
        name_clause = RosterEntry.name_zh.like(f"%{zh}%") if zh else None
        if norm:
            en_clause = RosterEntry.name_en_norm.like(f"%{norm}%")
            name_clause = en_clause if name_clause is None else (name_clause | en_clause)
        if name_clause is not None:
            clause &= name_clause
    if f.passport:
        clause &= RosterEntry.passport_no.like(f"{_like_text(f.passport)}%")
    return clause


def _ordered(query):
    return query.order_by(RosterEntry.year, RosterEntry.semester, ascending=False).order_by(
        RosterEntry.name_en, RosterEntry.id
    )


async def _count(actor: Actor, f: RosterFilters, where: Any) -> int:
    """How many rows the filters select: from the term's tally (kept by every roster write) when the filters are
    its columns, so the count does not read every row of a large roster; a name or passport search counts its
    matches."""
    if f.name or f.passport:
        return await RosterEntry.count().where(where)
    if actor.kind != "school" or not actor.school_id:
        return 0
    clause = _by_term(RosterTally, RosterTally.school == actor.school_id, f)
    return sum(r["rows"] for r in await RosterTally.select(RosterTally.rows).where(clause))


async def list_roster(
    actor: Actor, filters: RosterFilters, page: int = 1, per_page: int = PAGE_SIZE
) -> dict[str, Any]:
    """One page of the school's roster: {rows, total, page, pages, per_page}."""
    where = _where(actor, filters)
    total = await _count(actor, filters, where)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = (
        await _ordered(RosterEntry.select(*LIST_COLUMNS).where(where))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return {"rows": rows, "total": total, "page": page, "pages": pages, "per_page": per_page}


async def iter_roster_for_export(actor: Actor, filters: RosterFilters) -> AsyncIterator[list[dict[str, Any]]]:
    """The rows the filters select, a chunk at a time (keyset paging on id), for the export."""
    where = _where(actor, filters)
    last = 0
    while True:
        rows = await (
            RosterEntry.select(*LIST_COLUMNS)
            .where(where & (RosterEntry.id > last))
            .order_by(RosterEntry.id)
            .limit(EXPORT_CHUNK)
        )
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


async def list_roster_years(actor: Actor) -> list[int]:
    """The years the school's roster has rows of (from the tally: not a scan of every row)."""
    if actor.kind != "school" or not actor.school_id:
        return []
    rows = await RosterTally.select(RosterTally.year).where(
        (RosterTally.school == actor.school_id) & (RosterTally.rows > 0)
    )
    return sorted({r["year"] for r in rows}, reverse=True)


async def get_roster_entry(actor: Actor, entry_id: int) -> dict[str, Any] | None:
    rows = await RosterEntry.select(*LIST_COLUMNS).where(_scope(actor) & (RosterEntry.id == entry_id))
    return rows[0] if rows else None


async def list_roster_for_picker(
    actor: Actor,
    filters: RosterFilters | dict[str, Any] | None = None,
    *,
    ids: list[int] | None = None,
    limit: int | None = PICKER_LIMIT,
) -> list[dict[str, Any]]:
    """從名冊加入: the school's roster rows a group application may take applicants from.

    Filtered like the roster list; `ids` narrows to those rows (to add the ones ticked). At most
    `limit` rows (None: all), newest term first, then by English name; each row carries what the
    applicant form prefills (codes as in `app.domain.roster`: gender M/F, nationality ISO alpha-2,
    program D/M/B/A/L, grade 1..7, status A/R).
    """
    if filters is None:
        filters = RosterFilters()
    elif isinstance(filters, dict):
        filters = RosterFilters.from_params(filters)
    where = _where(actor, filters)
    if ids is not None:
        if not ids:
            return []
        where &= RosterEntry.id.is_in([int(i) for i in ids])
    query = _ordered(RosterEntry.select(*LIST_COLUMNS).where(where))
    if limit is not None:
        query = query.limit(limit)
    return await query


async def list_roster_of_categories(
    actor: Actor,
    categories: Iterable[str],
    filters: RosterFilters | dict[str, Any] | None = None,
    limit: int | None = PICKER_LIMIT,
) -> list[dict[str, Any]]:
    """The school's roster rows of these categories: what a group of an offering draws from (issue 14).

    `categories` are the offering's (`app.domain.lines.LineOffering.categories`: CN for the mainland lines,
    HK and MO for 港澳生); unknown codes are ignored, none at all gives nothing. Filtered and ordered as the
    roster list, at most `limit` rows (None: all).
    """
    known = sorted({c for c in categories if rules.code_lists()["category"].by_value(c)})
    if not known:
        return []
    if filters is None:
        filters = RosterFilters()
    elif isinstance(filters, dict):
        filters = RosterFilters.from_params(filters)
    where = _where(actor, filters) & RosterEntry.category.is_in(known)
    query = _ordered(RosterEntry.select(*LIST_COLUMNS).where(where))
    if limit is not None:
        query = query.limit(limit)
    return await query


async def find_roster_match(
    year: int, passport_no: str, name_en: str, birth_date: date
) -> dict[str, Any] | None:
    """The roster row a student signing in is (學年度, 護照號碼, 英文姓名, 出生日期), or None.

    The English name is compared normalised (case, accents, spacing and punctuation ignored).
    Were the student on two schools' rosters that year, the row updated last wins.
    """
    passport = clean_id(passport_no).replace(" ", "")
    norm = rules.normalise_name_en(name_en)
    if not passport or not norm or birth_date is None:
        return None
    rows = await (
        RosterEntry.select(*LIST_COLUMNS, RosterEntry.school, RosterEntry.school.name.as_alias("school_name"))
        .where(
            (RosterEntry.year == int(year))
            & (RosterEntry.passport_no == passport)
            & (RosterEntry.name_en_norm == norm)
            & (RosterEntry.birth_date == birth_date)
        )
        .order_by(RosterEntry.semester, RosterEntry.updated_at, ascending=False)
        .limit(1)
    )
    return rows[0] if rows else None


async def get_import(actor: Actor, import_id: int) -> dict[str, Any] | None:
    if not (actor.kind == "school" and actor.school_id):
        return None
    rows = (
        await RosterImport.select()
        .where((RosterImport.id == import_id) & (RosterImport.school == actor.school_id))
        .output(load_json=True)
    )
    return rows[0] if rows else None


async def list_recent_imports(actor: Actor, limit: int = 5) -> list[dict[str, Any]]:
    if not (actor.kind == "school" and actor.school_id):
        return []
    return (
        await RosterImport.select(
            RosterImport.id,
            RosterImport.filename,
            RosterImport.year,
            RosterImport.semester,
            RosterImport.created_count,
            RosterImport.updated_count,
            RosterImport.rejected_count,
            RosterImport.created_at,
            RosterImport.account.login_id.as_alias("login_id"),
        )
        .where((RosterImport.school == actor.school_id) & (RosterImport.status == "done"))
        .order_by(RosterImport.created_at, ascending=False)
        .limit(limit)
    )

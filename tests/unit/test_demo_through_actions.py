"""Issue 12, item 5: demo data is made by the same actions as real data, never by writing rows directly.

Every module of `app/demo` is read (its syntax tree): none may insert, update, delete or save rows, run raw
SQL, build a table's row, or write a ReviewEvent itself. The one exception is `app/demo/backdate.py`, which
only moves timestamps into the past (updates, nothing else), after the actions have made everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "app" / "demo"
BACKDATING = "backdate.py"

WRITES = {
    "insert",
    "update",
    "delete",
    "raw",
    "save",
    "create_user",
    "record_event",
    "record_actor_event",
    "update_versioned",
    "lock_for_update",
    "add_m2m",
    "create_table",
    "alter",
}
TABLE_MODULES = ("tables.tables", "piccolo.apps.user.tables", "piccolo.", "tables.")


def direct_writes(source: str) -> list[str]:
    """What in this source writes rows without an action: `Table.insert(...)`, `.update(`, `.raw(`, `.save()`,
    `record_event(...)`, a table row built (`Case(...)`), SQL through `db.` or the engine."""
    tree = ast.parse(source)
    tables = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(TABLE_MODULES)
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "save" and node.args:
            continue  # a file saved (Pillow's image.save(out, ...)); a row's save() takes no file
        if name in WRITES:
            found.append(f"line {node.lineno}: {name}(")
        elif isinstance(func, ast.Name) and func.id in tables:
            found.append(f"line {node.lineno}: {func.id}(...) builds a row")
    return found


def test_the_scan_finds_every_kind_of_direct_write():
    source = """
from tables.tables import Case, ReviewEvent
from app.actions.cases import record_event
async def f():
    await Case.insert(Case(status="draft"))
    await Case.update({Case.status: "paid"}).where(Case.id == 1)
    await db.raw("DELETE FROM case")
    await ReviewEvent(action="submit").save()
    await record_event(1, 1, "draft", "submit", "first_review", actor_kind="school", actor_label="", at=None)
"""
    found = " ".join(direct_writes(source))
    for what in ("insert(", "update(", "raw(", "save(", "record_event(", "Case(...)", "ReviewEvent(...)"):
        assert what in found, what
    assert (
        direct_writes("from tables.tables import Case\nasync def f():\n    await Case.select().first()\n")
        == []
    )


def test_no_demo_module_writes_rows_itself():
    modules = sorted(p for p in DEMO.glob("*.py") if p.name != BACKDATING)
    assert (
        len(modules) >= 7
    )  # the scan reads the package (schools, roster, review, payment, apply, progress, flow)
    found = {p.name: direct_writes(p.read_text(encoding="utf-8")) for p in modules}
    assert {name: writes for name, writes in found.items() if writes} == {}


def test_back_dating_only_moves_timestamps():
    source = (DEMO / BACKDATING).read_text(encoding="utf-8")
    writes = direct_writes(source)
    assert writes and all(w.endswith("update(") for w in writes), writes
    tree = ast.parse(source)
    columns = {  # every column set by an update: {Table.column: value}
        f"{key.value.id}.{key.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name)
    }
    assert columns and all(c.endswith(("_at", ".created_at")) for c in columns), columns

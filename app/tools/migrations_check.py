"""Fail when the table classes and the migrations disagree (a table change without its migration).

Uses Piccolo's own auto-migration differ: if `piccolo migrations new tables --auto` would write
anything, this exits 1 and prints what.
"""

from __future__ import annotations

import asyncio
import os
import sys


async def pending_changes() -> list[str]:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    from piccolo.apps.migrations.commands.new import AutoMigrationManager
    from piccolo.conf.apps import Finder

    app_config = Finder().get_app_config("tables")
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=app_config)
    out: list[str] = []
    for s in statements:
        out.extend(str(x) for x in s.statements)
    return out


def main() -> None:
    changes = asyncio.run(pending_changes())
    if changes:
        print("The tables and the migrations disagree; run `.venv/bin/piccolo migrations new tables --auto`:")
        for c in changes:
            print("  " + c)
        sys.exit(1)
    print("migrations-check: tables and migrations agree")


if __name__ == "__main__":
    main()

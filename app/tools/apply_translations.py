"""Apply translations from JSON files ({msgid: zh text}) to the zh_Hant_TW catalog.

    python -m app.tools.apply_translations i18n/pending/*.json

Entries the catalog does not have (not extracted yet) are reported and skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[2] / "i18n" / "zh_Hant_TW" / "LC_MESSAGES" / "messages.po"


def main(paths: list[str]) -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hant_TW")
    missing = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for msgid, text in data.items():
            message = catalog.get(msgid)
            if message is None:
                missing.append(msgid)
                continue
            message.string = text
            message.flags.discard("fuzzy")
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, include_previous=False)
    for m in missing:
        print(f"not in the catalog: {m!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

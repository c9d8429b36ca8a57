"""Apply translations from JSON files ({msgid: zh text}) to the zh_Hant_TW catalog.

    python -m app.tools.apply_translations i18n/pending/*.json

A plural message (`ngettext`) is named by its singular msgid; its translation is one text (Chinese has one
plural form, so it fills every form) or a list with one text per plural form of the catalog.
Entries the catalog does not have (not extracted yet) are reported and skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[2] / "i18n" / "zh_Hant_TW" / "LC_MESSAGES" / "messages.po"


def plural_string(
    pluralizable: bool, text: str | list[str], num_plurals: int, msgid: str
) -> str | tuple[str, ...]:
    """What a catalog message's string becomes: the text, or for a plural message one text per form."""
    if not pluralizable:
        if not isinstance(text, str):
            raise ValueError(f"{msgid!r} is not a plural message: give one text, not a list")
        return text
    forms = [text] * num_plurals if isinstance(text, str) else list(text)
    if len(forms) != num_plurals:
        raise ValueError(f"{msgid!r} needs {num_plurals} plural form(s), got {len(forms)}")
    return tuple(forms)


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
            message.string = plural_string(message.pluralizable, text, catalog.num_plurals, msgid)
            message.flags.discard("fuzzy")
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, include_previous=False)
    for m in missing:
        print(f"not in the catalog: {m!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

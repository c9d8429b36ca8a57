"""Message ids are English: the en catalog's entries are the ids themselves. Run by `make i18n`."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[2] / "i18n" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        if isinstance(message.id, tuple | list):
            message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, include_previous=False)


if __name__ == "__main__":
    main()

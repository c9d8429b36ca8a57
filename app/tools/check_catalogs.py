"""Report untranslated or fuzzy entries of both catalogs (exit 1 when any)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "i18n"


def problems() -> list[str]:
    out = []
    for locale in ("zh_Hant_TW", "en"):
        with (ROOT / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        for m in catalog:
            if not m.id:
                continue
            strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
            if "fuzzy" in m.flags or not all(strings):
                out.append(f"{locale}: {m.id!r}")
    return out


if __name__ == "__main__":
    found = problems()
    for p in found:
        print(p)
    sys.exit(1 if found else 0)

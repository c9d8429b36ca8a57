"""Fail when the catalogs have drifted from the code (run by `make lint`).

    python -m app.tools.i18n_drift

1. Re-extract every string (the same `pybabel extract` as `make i18n`) and compare its messages with the
   committed `i18n/messages.pot`: a string added, changed or removed without `make i18n` fails.
2. Every msgid named in `i18n/translations/*.json` must still be in the `.pot`: a translation left behind
   by a reworded string fails (change its entry, or remove it).
3. Two translation files must not give one msgid different texts (the last file read would win silently,
   and a page would change its words with the order of the files).
"""

from __future__ import annotations

import json
import subprocess  # noqa: S404 - runs the project's own pybabel
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "i18n"


PLURAL = " | plural: "  # a plural message's key: its singular and its plural msgid


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else PLURAL.join(msgid[:2])


def _messages(path: Path) -> dict[str, tuple[str, ...]]:
    """Every message (a plural one under its singular and plural msgids) and its flags."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    return {_key(m.id): tuple(sorted(m.flags)) for m in catalog if m.id}


def extract(out: Path) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            str(pybabel),
            "--quiet",
            "extract",
            "-F",
            str(I18N / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--no-location",
            "--sort-output",
            "--project=arc-online",
            "-o",
            str(out),
            ".",
        ],  # fmt: skip
        cwd=ROOT,
        check=True,
    )


def pot_drift(fresh: dict[str, tuple[str, ...]], committed: dict[str, tuple[str, ...]]) -> list[str]:
    out = [f"not in messages.pot (run `make i18n`): {m!r}" for m in sorted(set(fresh) - set(committed))]
    out += [f"in messages.pot but no longer in the code: {m!r}" for m in sorted(set(committed) - set(fresh))]
    return out


def orphan_translations(pot: set[str], files: list[Path]) -> list[str]:
    """Translations naming a msgid the .pot no longer has (a plural message is named by its singular)."""
    pot = {m.split(PLURAL)[0] for m in pot}
    out = []
    for path in files:
        for msgid in json.loads(path.read_text(encoding="utf-8")):
            if msgid not in pot:
                out.append(f"{path.relative_to(ROOT)}: no such msgid any more: {msgid!r}")
    return out


def conflicting_translations(files: list[Path]) -> list[str]:
    """A msgid translated differently by two files."""
    first: dict[str, tuple[Path, object]] = {}
    out = []
    for path in files:
        for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
            if msgid in first and first[msgid][1] != text:
                where = first[msgid][0].relative_to(ROOT)
                out.append(f"{path.relative_to(ROOT)}: {msgid!r} is translated differently in {where}")
            first.setdefault(msgid, (path, text))
    return out


def problems() -> list[str]:
    committed = _messages(I18N / "messages.pot")
    with tempfile.TemporaryDirectory() as tmp:
        fresh_path = Path(tmp) / "messages.pot"
        extract(fresh_path)
        fresh = _messages(fresh_path)
    out = pot_drift(fresh, committed)
    files = sorted((I18N / "translations").glob("*.json"))
    out += orphan_translations(set(committed), files)
    out += conflicting_translations(files)
    return out


if __name__ == "__main__":
    found = problems()
    for p in found:
        print(p)
    sys.exit(1 if found else 0)

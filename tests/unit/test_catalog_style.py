"""House style of the two catalogs (issue 17): each language's punctuation, spelling and official names.

English: ASCII punctuation only (no `：` `，` `（）` `。`), UK spelling (chosen once: enrolment, programme,
colour, organisation), no doubled spaces. Chinese: full-width punctuation beside Chinese text (no ASCII `:` or
`,` or `;` after a Chinese character), 臺 in the official names (臺灣, 臺北, 臺中, 臺南, 臺東). Where the agency's
training deck prints a message with ASCII punctuation the UI follows the deck: those strings are listed. Names
are kept as their owners write them (the stations' "Service Center", the mainland's 往來台灣通行證).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
FULL_WIDTH = re.compile(r"[：，。；！？（）「」『』、　]")
ASCII_AFTER_CJK = re.compile(rf"(?<={CJK})[:;,]|[:;,](?={CJK})")
# The mainland's 大陸居民往來台灣通行證 is another government's document, named as printed on it.
TAI = re.compile(r"(?<!往來)台(?=灣|北|中|南|東)")
# The agency's stations are officially "... Service Center" (a name, kept as the agency spells it).
US_SPELLING = re.compile(
    r"\b(enroll(?:ment|ed|ing)?|color|colors|(?<!Service )centers?|organization|authorization|license|catalog|canceled)\b",
    re.I,
)
# Printed so in the training deck (seed), which the UI follows word for word.
SEED_VERBATIM = {
    "%(file)s: 成功, 匯入資料: %(n)d筆",
    "住宿證明(房屋契約, 戶口名簿或其他相關證明)",
}


def messages(locale: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every message, plural forms each on their own."""
    with open(ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=locale)
    out = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for i, s in zip(ids * len(strings) if len(ids) == 1 else ids, strings, strict=False):
            out.append((i, s))
    return out


def test_english_uses_ascii_punctuation():
    bad = [s or i for i, s in messages("en") if FULL_WIDTH.search(s or i)]
    bad += [i for i, _ in messages("zh_Hant_TW") if FULL_WIDTH.search(i)]  # the msgids are the English
    assert sorted(set(bad)) == []


def test_english_spells_one_way():
    bad = [s or i for i, s in messages("en") if US_SPELLING.search(s or i)]
    assert bad == []


def test_no_doubled_spaces_or_stray_spaces_at_the_ends():
    bad = []
    for locale in ("en", "zh_Hant_TW"):
        bad += [s for _, s in messages(locale) if s and ("  " in s or s != s.strip())]
    assert bad == []


def test_chinese_uses_full_width_punctuation_beside_chinese():
    bad = [s for _, s in messages("zh_Hant_TW") if ASCII_AFTER_CJK.search(s) and s not in SEED_VERBATIM]
    assert bad == []


def test_chinese_writes_tai_as_in_official_names():
    bad = [s for _, s in messages("zh_Hant_TW") if TAI.search(s)]
    assert bad == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Password：", FULL_WIDTH),
        ("（required）", FULL_WIDTH),
        ("護照號碼:", ASCII_AFTER_CJK),
        ("成功,匯入", ASCII_AFTER_CJK),
        ("台北市服務站", TAI),
        ("Enrollment status", US_SPELLING),
        ("the visitor center", US_SPELLING),
    ],
)
def test_the_rules_catch_the_slips_they_are_for(text, rule):
    assert rule.search(text)


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Password:", (FULL_WIDTH, US_SPELLING)),
        ("Programme and year, 08:30-19:00", (FULL_WIDTH, US_SPELLING)),
        ("護照號碼：", (ASCII_AFTER_CJK, TAI)),
        ("臺北市服務站 08:30", (ASCII_AFTER_CJK, TAI)),
        ("大陸居民往來台灣通行證", (TAI,)),
        ("Hualien County Service Center", (US_SPELLING,)),
    ],
)
def test_the_rules_spare_what_is_right(text, rules):
    assert not any(r.search(text) for r in rules)

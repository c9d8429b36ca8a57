"""Per-request locale (a ContextVar) and the gettext callables used by code and templates.

Catalogs live in i18n/<locale>/LC_MESSAGES/messages.mo; message ids are English, zh_Hant_TW is
the default locale.
"""

from __future__ import annotations

import contextvars
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date as _format_date
from babel.support import LazyProxy, NullTranslations, Translations

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
DEFAULT_LOCALE = "zh_Hant_TW"
LOCALES = ("zh_Hant_TW", "en")
LANG_COOKIE = "lang"
# What the language switch shows, in the language itself.
LOCALE_NAMES = {"zh_Hant_TW": "中文", "en": "English"}
HTML_LANG = {"zh_Hant_TW": "zh-Hant-TW", "en": "en"}

TAIPEI = ZoneInfo("Asia/Taipei")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(I18N_DIR), [locale], domain="messages")


def get_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def reset_locale(token: contextvars.Token[str]) -> None:
    _current.reset(token)


class use_locale:  # noqa: N801 - used like a function: `with use_locale("en"):`
    def __init__(self, locale: str):
        self.locale = locale

    def __enter__(self):
        self.token = set_locale(self.locale)
        return self

    def __exit__(self, *exc):
        reset_locale(self.token)


def gettext(message: str, **variables) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


def lazy_gettext(message: str, **variables) -> LazyProxy:
    return LazyProxy(lambda: gettext(message, **variables), enable_cache=False)


_ = gettext
_l = lazy_gettext


def normalise(value: str | None) -> str | None:
    """A locale code from a cookie or a query parameter, or None."""
    if not value:
        return None
    value = value.replace("-", "_")
    for loc in LOCALES:
        if value.lower() == loc.lower():
            return loc
    if value.lower().startswith("zh"):
        return "zh_Hant_TW"
    if value.lower().startswith("en"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str:
    if not header:
        return DEFAULT_LOCALE
    prefs: list[tuple[float, str]] = []
    for part in header.split(","):
        bits = part.strip().split(";")
        code = bits[0].strip()
        if not code:
            continue
        q = 1.0
        for b in bits[1:]:
            b = b.strip()
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        prefs.append((q, code.replace("-", "_")))
    prefs.sort(key=lambda p: -p[0])
    wanted = [code for _q, code in prefs]
    # zh_TW, zh_Hant, zh-HK ... all mean Traditional Chinese here; zh_CN too is better served in zh than en.
    wanted = ["zh_Hant_TW" if w.lower().startswith("zh") else w for w in wanted]
    found = negotiate_locale(wanted, list(LOCALES), sep="_", aliases={"zh": "zh_Hant_TW", "en": "en"})
    return found or DEFAULT_LOCALE


def babel_locale() -> Locale:
    return _babel_locale(get_locale())


@cache
def _babel_locale(code: str) -> Locale:
    """Parsed once per locale (Locale.parse walks Babel's data on every call)."""
    return Locale.parse(code)


def format_date(value: date | datetime | None, fmt: str = "yyyy/MM/dd") -> str:
    """Dates as the seed shows them: 2017/05/11 in both languages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TAIPEI)
    return _format_date(value, fmt, locale=babel_locale())


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(TAIPEI).strftime("%Y/%m/%d %H:%M:%S")


def country_name(code: str) -> str:
    """A country's name from CLDR in the current language."""
    if not code:
        return ""
    return babel_locale().territories.get(code, code)

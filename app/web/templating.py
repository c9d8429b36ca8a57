"""The Jinja2 environment: autoescape always on, gettext from the request's locale."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app import i18n
from app.domain import workflow
from app.domain.addresses import counties, districts_of, format_address
from app.domain.stations import CONTACTS_URL, stations

PARTIALS = Path(__file__).resolve().parent.parent.parent / "partials"


def _lang_html() -> str:
    return i18n.HTML_LANG.get(i18n.get_locale(), "zh-Hant-TW")


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PARTIALS)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        get_locale=i18n.get_locale,
        colon=lambda: ": " if i18n.get_locale() == "en" else "：",
        html_lang=_lang_html,
        LOCALES=i18n.LOCALES,
        LOCALE_NAMES=i18n.LOCALE_NAMES,
        format_date=i18n.format_date,
        format_datetime=i18n.format_datetime,
        country_name=i18n.country_name,
        status_label=workflow.label,
        counties=counties,
        districts_of=districts_of,
        format_address=format_address,
        stations=stations,
        STATIONS_CONTACTS_URL=CONTACTS_URL,
    )
    return env


environment = build_environment()

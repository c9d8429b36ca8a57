"""The one Jinja2 environment (pages and PDF documents): autoescape always on, gettext from the locale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import Markup

from app import i18n
from app.domain import workflow
from app.domain.addresses import counties, districts_of, format_address
from app.queries.stations import CONTACTS_URL, all_stations, station_name, stations

PARTIALS = Path(__file__).resolve().parent.parent / "partials"


def _lang_html() -> str:
    return i18n.HTML_LANG.get(i18n.get_locale(), "zh-Hant-TW")


@pass_eval_context
def _translate(eval_ctx: EvalContext, message: str, **variables: Any) -> str:
    """`_()` in templates: exactly what Jinja's newstyle gettext does (Markup when autoescaping, always
    %-formatted, so variables are escaped), without its two further context calls per message (a page has
    dozens)."""
    rv = i18n.translations(i18n.get_locale()).gettext(message)
    if eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704 - our own catalogs, as Jinja's newstyle gettext does
    return rv % variables


@pass_eval_context
def _translate_plural(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    """`ngettext()` in templates: the form for `num` (English: one and other; Chinese: one form), %-formatted
    with `num` and the variables, escaped as `_()` is."""
    rv = i18n.translations(i18n.get_locale()).ngettext(singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704 - our own catalogs, as Jinja's newstyle gettext does
    variables.setdefault("num", num)
    return rv % variables


def _paren(text: object) -> Markup:
    """Text in brackets as each language writes them: 「（初審）」 in Chinese, " (First reviewer)" in English."""
    if i18n.get_locale() == "en":
        return Markup(" ({})").format(text)
    return Markup("（{}）").format(text)


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PARTIALS)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace collapsed, as babel.cfg extracts
    env.install_gettext_callables(gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _translate
    env.globals["ngettext"] = _translate_plural
    env.globals.update(
        get_locale=i18n.get_locale,
        colon=lambda: ": " if i18n.get_locale() == "en" else "：",
        paren=_paren,
        semicolon=lambda: "; " if i18n.get_locale() == "en" else "；",
        comma=lambda: ", " if i18n.get_locale() == "en" else "，",
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
        all_stations=all_stations,
        station_name=station_name,
        STATIONS_CONTACTS_URL=CONTACTS_URL,
    )
    return env


environment = build_environment()

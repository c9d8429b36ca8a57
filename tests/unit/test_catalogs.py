"""Both catalogs complete, and the zh catalog really loads (zh_Hant_TW directory, not zh_TW)."""

from __future__ import annotations

from app.i18n import country_name, from_accept_language, gettext, use_locale
from app.tools.check_catalogs import problems


def test_both_catalogs_are_complete():
    assert problems() == []


def test_zh_is_default_and_translates():
    with use_locale("zh_Hant_TW"):
        assert gettext("Priority matters") == "優先處理事項"
        assert gettext("Required") == "必須填寫"
    with use_locale("en"):
        assert gettext("Priority matters") == "Priority matters"


def test_country_names_from_cldr_in_both_languages():
    with use_locale("zh_Hant_TW"):
        assert country_name("JP") == "日本"
    with use_locale("en"):
        assert country_name("JP") == "Japan"


def test_accept_language_negotiation():
    assert from_accept_language(None) == "zh_Hant_TW"
    assert from_accept_language("en-US,en;q=0.9") == "en"
    assert from_accept_language("zh-TW,zh;q=0.9") == "zh_Hant_TW"
    assert from_accept_language("fr-FR") == "zh_Hant_TW"
    assert from_accept_language("ja;q=0.9,en;q=0.5") == "en"

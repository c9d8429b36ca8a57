"""Counted words are real plurals (issue 17): ngettext in code, templates and e-mails, one form in Chinese;
the translation tools carry plural entries; no "(s)" is left in a message."""

from __future__ import annotations

import json

import pytest

from app.actions.notices import NoticeFacts, render_notice
from app.domain.applicant import submit_problems
from app.i18n import use_locale
from app.templating import build_environment
from app.tools import i18n_drift
from app.tools.apply_translations import plural_string
from tests.unit.test_catalog_style import messages


def _facts(action: str, n: int, **kw) -> NoticeFacts:
    return NoticeFacts(
        action=action,
        group_name="第一批",
        group_no="115102001",
        school_name="測試大學",
        comment="",
        applicants=tuple((f"11569010000{i}", f"Student {i}") for i in range(n)),
        **kw,
    )


def test_one_and_two_read_right_in_english_code():
    with use_locale("en"):
        assert submit_problems(1, 1, 1) == ["1 applicant is not complete yet."]
        assert submit_problems(2, 2, 2) == ["2 applicants are not complete yet."]


def test_one_and_two_read_right_in_the_emails():
    one = render_notice(_facts("approve", 1, amount=1000), "en")[1]
    two = render_notice(_facts("approve", 2, amount=2000), "en")[1]
    assert "The following case was approved." in one
    assert "The following 2 cases were approved." in two
    lapsed = render_notice(_facts("not_accept", 1, lapsed=True), "en")[1]
    assert (
        "The following case was not accepted because the supplement was not made by its deadline." in lapsed
    )
    card = render_notice(_facts("card_made", 3), "en")[1]
    assert "The resident cards of the following 3 cases have been made." in card
    zh_one = render_notice(_facts("approve", 1, amount=1000), "zh_Hant_TW")[1]
    zh_two = render_notice(_facts("approve", 2, amount=2000), "zh_Hant_TW")[1]
    assert "下列案件已核准。" in zh_one and "下列案件已核准。" in zh_two


@pytest.mark.parametrize(
    ("n", "en", "zh"),
    [
        (1, "1 working day", "1 個工作天"),
        (2, "2 working days", "2 個工作天"),
        (0, "0 working days", "0 個工作天"),
    ],
)
def test_templates_pick_the_form_for_the_count(n, en, zh):
    env = build_environment()
    template = env.from_string('{{ ngettext("%(num)d working day", "%(num)d working days", n) }}')
    with use_locale("en"):
        assert template.render(n=n) == en
    with use_locale("zh_Hant_TW"):
        assert template.render(n=n) == zh


def test_template_plurals_escape_their_variables():
    env = build_environment()
    template = env.from_string(
        '{{ ngettext("“%(name)s”, %(num)d applicant, will be sent to the National Immigration Agency. After '
        'submitting it can no longer be edited.", "“%(name)s”, %(num)d applicants, will be sent to the National '
        'Immigration Agency. After submitting it can no longer be edited.", n, name=name) }}'
    )
    with use_locale("en"):
        one = template.render(n=1, name="<b>")
        assert one.startswith("“&lt;b&gt;”, 1 applicant, will be sent")
        assert "2 applicants, will" in template.render(n=2, name="x")
    with use_locale("zh_Hant_TW"):
        assert (
            template.render(n=2, name="第一批")
            == "「第一批」共 2 位申請人將送至內政部移民署；送件成功後即無法編輯。"
        )


def test_no_message_hides_its_plural_behind_s_in_brackets():
    assert [m for m, _s in messages("en") if "(s)" in m] == []


def test_the_chinese_catalog_has_one_form_and_english_two():
    zh = dict(messages("zh_Hant_TW"))
    en = [s for m, s in messages("en") if m == "%(num)d cases"]
    assert zh["%(num)d case"] == "%(num)d 件案件"
    assert en == ["%(num)d cases"]


def test_apply_translations_fills_every_plural_form():
    assert plural_string(True, "%(num)d 件案件", 1, "%(num)d case") == ("%(num)d 件案件",)
    assert plural_string(True, ["one %(num)d", "many %(num)d"], 2, "x") == ("one %(num)d", "many %(num)d")
    assert plural_string(False, "儲存", 1, "Save") == "儲存"
    with pytest.raises(ValueError, match="plural form"):
        plural_string(True, ["a", "b"], 1, "x")
    with pytest.raises(ValueError, match="not a plural"):
        plural_string(False, ["a"], 1, "Save")


def test_drift_knows_plural_messages_by_their_singular(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n_drift, "ROOT", tmp_path)
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"%(num)d case": "%(num)d 件案件", "%(n)d case(s)": "舊的"}), encoding="utf-8")
    pot = {i18n_drift._key(("%(num)d case", "%(num)d cases")), "Save"}
    found = i18n_drift.orphan_translations(pot, [path])
    assert len(found) == 1 and "case(s)" in found[0]
    # a changed plural form is drift too
    assert i18n_drift.pot_drift({i18n_drift._key(("a", "as")): ()}, {i18n_drift._key(("a", "a's")): ()})

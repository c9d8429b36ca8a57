"""The catalogs' drift check that `make lint` runs."""

from __future__ import annotations

import json

from app.tools import i18n_drift


def test_a_string_added_or_removed_without_make_i18n_is_reported():
    fresh = {"Save": (), "New words": ()}
    committed = {"Save": (), "Old words": ()}
    found = i18n_drift.pot_drift(fresh, committed)
    assert any("New words" in p and "not in messages.pot" in p for p in found)
    assert any("Old words" in p and "no longer in the code" in p for p in found)
    assert i18n_drift.pot_drift(committed, committed) == []


def test_a_translation_of_a_msgid_that_no_longer_exists_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n_drift, "ROOT", tmp_path)
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"Save": "儲存", "Gone": "舊的"}), encoding="utf-8")
    found = i18n_drift.orphan_translations({"Save"}, [path])
    assert len(found) == 1 and "Gone" in found[0]


def test_one_msgid_translated_differently_by_two_files_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n_drift, "ROOT", tmp_path)
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text(json.dumps({"Not uploaded": "尚未上傳", "Save": "儲存"}), encoding="utf-8")
    b.write_text(json.dumps({"Not uploaded": "未上傳"}), encoding="utf-8")
    c.write_text(json.dumps({"Save": "儲存"}), encoding="utf-8")  # the same text twice is no conflict
    found = i18n_drift.conflicting_translations([a, b, c])
    assert len(found) == 1 and "Not uploaded" in found[0] and "b.json" in found[0]


def test_the_committed_catalogs_have_not_drifted():
    assert i18n_drift.problems() == []

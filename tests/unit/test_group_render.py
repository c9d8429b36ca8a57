"""A group's certificates in one document pass, cut into one PDF each (issue 16 item 6)."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

from app.services import issued, pdf


def _contents(n: int) -> list[dict]:
    out = []
    for i in range(n):
        out.append(
            {
                "permit_no": f"E1156965900{i:02d}",
                "verify_code": f"CODE{i:02d}ABCD",
                "permit_type": "ARC",
                "issued_on": "2026-09-01",
                "expires_on": "2027-02-28",
                "purpose_zh": "就學",
                "purpose_en": "Study",
                "name_zh": "山田花子",
                "name_en": f"YAMADA HANAKO {i}",
                "passport_no": f"TZ{1234567 + i}",
                "birth_date": (date(2004, 3, 9) + timedelta(days=i)).isoformat(),
                "gender": "F",
                "nationality": "JP",
                "nationality_zh": "日本",
                "nationality_en": "Japan",
                "ui_no": "",
                "address": "106 臺北市大安區羅斯福路四段1號",
                "authority_zh": "內政部移民署",
                "authority_en": "National Immigration Agency",
                "school": "國立臺灣大學",
                "group_no": "151029202",
                "receipt_no": f"1156965{92000 + i:05d}",
                "photo": "",
            }
        )
    return out


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _info(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def test_one_pass_gives_each_certificate_its_own_pdf_in_order(tmp_path):
    contents = _contents(4)
    pdfs = issued.render_permits_sync(contents)
    assert len(pdfs) == 4
    for i, data in enumerate(pdfs):
        text = _text(data, tmp_path)
        assert f"E1156965900{i:02d}" in text and f"YAMADA HANAKO {i}" in text
        others = [f"YAMADA HANAKO {j}\n" for j in range(4) if j != i]
        assert not any(o in text for o in others)  # only its own certificate
        info = _info(data, tmp_path)
        assert "Pages:           1" in info and f"Resident Certificate E1156965900{i:02d}" in info


def test_group_pdf_reads_as_the_single_render(tmp_path):
    """The group pass prints what the single certificate prints (same template body and styles)."""
    content = _contents(2)[1]
    single = _text(pdf.render_sync(issued.permit_html(content)), tmp_path)
    grouped = _text(issued.render_permits_sync(_contents(2))[1], tmp_path)
    assert single.split() == grouped.split()


async def test_render_group_stores_every_certificate_and_renders_only_the_missing(tmp_path, monkeypatch):
    from app.services import pdf, storage

    local = storage.LocalStorage(tmp_path)
    monkeypatch.setattr(storage, "_override", local)

    def permit_path(permit_no: str) -> Path:
        return local.path(issued.permit_key(permit_no))

    contents = _contents(3)
    first = await issued.render_group_permits(contents)
    assert [permit_path(c["permit_no"]).read_bytes() for c in contents] == first
    permit_path(contents[1]["permit_no"]).unlink()
    kept = permit_path(contents[0]["permit_no"]).stat().st_mtime_ns
    calls = []
    real = pdf.run_in_pool

    async def counted(fn, html, anchors, titles, **kw):
        calls.append([a.removeprefix("permit-") for a in anchors])
        return await real(fn, html, anchors, titles, **kw)

    monkeypatch.setattr(pdf, "run_in_pool", counted)
    again = await issued.render_group_permits(contents)
    assert calls == [[contents[1]["permit_no"]]]  # one pass, for the one not stored
    assert again[0] == first[0] and again[2] == first[2] and len(again) == 3
    assert permit_path(contents[0]["permit_no"]).stat().st_mtime_ns == kept
    await issued.render_group_permits(contents)
    assert len(calls) == 1  # everything stored: nothing rendered
    pdf.shutdown()


async def test_a_download_during_the_prerendering_waits_for_it_instead_of_rendering_again(
    tmp_path, monkeypatch
):
    import asyncio

    from app.services import storage

    monkeypatch.setattr(storage, "_override", storage.LocalStorage(tmp_path))
    contents = _contents(2)
    calls = []
    real = pdf.run_in_pool

    async def counted(fn, html, anchors, titles, **kw):
        calls.append(len(anchors))
        return await real(fn, html, anchors, titles, **kw)

    monkeypatch.setattr(pdf, "run_in_pool", counted)
    first, second = await asyncio.gather(
        issued.render_group_permits(contents), issued.render_group_permits(contents)
    )
    assert first == second and len(first) == 2
    assert calls == [2]  # one pass for both callers
    pdf.shutdown()

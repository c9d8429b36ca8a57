"""The forms for signature (issue 14): each renders from plain data into a PDF that carries that data."""

from __future__ import annotations

import subprocess

import pytest

from app.domain import validators as v
from app.services import pdf
from app.services import signature_forms as forms
from app.services.signature_forms import FormPerson, GroupForm
from tests.forms_support import GROUP, HK_GROUP, HK_STUDENT, SPOUSE, STUDENT


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_sample_identifiers_are_valid():
    assert v.is_prc_resident_id(STUDENT.id_no) and v.is_prc_resident_id(SPOUSE.id_no)
    assert v.is_hkid(HK_STUDENT.id_no) and v.is_ui_no(HK_STUDENT.resident_no)


def test_mainland_entry_application_carries_the_applicant_and_the_school():
    text = pdf_text(pdf.render_sync(forms.mainland_entry_application_html(GROUP, STUDENT)))
    flat = squeeze(text)
    assert "大陸地區人民入出臺灣地區申請書" in flat and "陸生就學專用" in flat
    for value in ("李明華", "LI MINGHUA", "2004/03/07", "350203200403070019", "L12345678", "資訊工程學系"):
        assert squeeze(value) in flat, value
    assert "國立東華大學" in flat and "151160003" in flat and "115年12月5日" in flat


def test_mainland_entry_application_of_a_relative_names_the_student():
    flat = squeeze(pdf_text(pdf.render_sync(forms.mainland_entry_application_html(GROUP, SPOUSE))))
    assert "王秀英" in flat and "陸生姓名：李明華" in flat and "（親屬）" in flat


async def test_guarantee_lists_each_person_and_the_school_through_the_pdf_pool():
    data = await forms.guarantee_pdf(GROUP, [STUDENT, SPOUSE])
    flat = squeeze(pdf_text(data))
    assert "保證書" in flat and "強制出境" in flat
    assert "李明華" in flat and "王秀英" in flat and "配偶（李明華）" in flat
    assert "08153208" in flat and "趙涵㨗" in flat


def test_power_of_attorney_names_the_applicant_and_the_school():
    flat = squeeze(pdf_text(pdf.render_sync(forms.power_of_attorney_html(GROUP, STUDENT))))
    assert "委託書" in flat and "本人李明華" in flat and "茲委託國立東華大學" in flat


def test_group_roster_has_a_row_per_member_and_the_count():
    flat = squeeze(pdf_text(pdf.render_sync(forms.group_roster_html(GROUP, [STUDENT, SPOUSE]))))
    assert "人數：2" in flat
    assert "1李明華LIMINGHUA男2004/03/07350203200403070019L12345678" in flat
    assert "2王秀英WANGXIUYING女2003/08/01350203200308010026L87654321" in flat


def test_hkmo_identity_confirmation_is_bilingual_and_carries_the_hkid():
    text = pdf_text(pdf.render_sync(forms.hkmo_identity_confirmation_html(HK_GROUP, HK_STUDENT)))
    flat = squeeze(text)
    assert "香港或澳門居民身分確認書" in flat and "ConfirmationofHongKongorMacauResidentStatus" in flat
    assert "陳嘉欣" in flat and "CHANKAYAN" in flat and "A123456(3)" in flat and "2006/05/20" in flat


def test_residence_declaration_carries_entry_and_addresses():
    flat = squeeze(pdf_text(pdf.render_sync(forms.residence_declaration_html(HK_GROUP, HK_STUDENT))))
    assert "居留定居申報書" in flat and "DeclarationforResidenceandSettlement" in flat
    assert (
        "2026/09/01" in flat and "香港九龍彌敦道300號" in flat and "花蓮縣壽豐鄉大學路二段1號學生宿舍" in flat
    )
    assert "長期居留" in flat and "151080002" in flat


def test_entry_exit_check_has_the_resident_number_and_rows_to_stamp():
    text = pdf_text(pdf.render_sync(forms.hkmo_entry_exit_check_html(HK_GROUP, HK_STUDENT)))
    flat = squeeze(text)
    assert "港澳僑生居留入出境查驗表" in flat and "A800000014" in flat and "陳嘉欣" in flat
    assert "12" in text.split("Entry stamp", 1)[1]


@pytest.mark.parametrize(
    "html",
    [
        lambda: forms.guarantee_html(GroupForm(), []),
        lambda: forms.power_of_attorney_html(GroupForm(), FormPerson()),
        lambda: forms.group_roster_html(GroupForm(), [], blank_rows=10),
        lambda: forms.mainland_entry_application_html(GroupForm(), FormPerson()),
    ],
)
def test_blank_forms_render_with_room_to_write(html):
    flat = squeeze(pdf_text(pdf.render_sync(html())))
    assert "中華民國年月日" in flat


def test_data_is_escaped_not_markup():
    evil = FormPerson(name_zh="<b>王</b>", name_latin="A&B")
    html = forms.mainland_entry_application_html(GROUP, evil)
    assert "<b>王</b>" not in html and "&lt;b&gt;王&lt;/b&gt;" in html


def test_a_roster_row_fills_the_forms_person():
    from datetime import date

    row = {
        "name_zh": "王小明",
        "name_en": "WANG XIAOMING",
        "gender": "M",
        "birth_date": date(2004, 3, 14),
        "resident_id": "110105200403140016",
        "travel_permit_no": "L20040314",
        "program": "B",
        "grade": "1",
        "status": "A",
    }
    p = forms.person_from_roster(row, department="資訊工程學系")
    assert (p.name_zh, p.name_latin, p.id_no, p.travel_permit_no) == (
        "王小明",
        "WANG XIAOMING",
        "110105200403140016",
        "L20040314",
    )
    assert p.program == "學士" and p.grade == "1年級" and p.new_student and p.department == "資訊工程學系"
    flat = squeeze(pdf_text(pdf.render_sync(forms.group_roster_html(GROUP, [p]))))
    assert "1王小明WANGXIAOMING男2004/03/14110105200403140016L20040314資訊工程學系學士1年級本人" in flat

"""Sample data for the forms for signature (issue 14): a school, a mainland student with a spouse, a HK student."""

from __future__ import annotations

from datetime import date

from app.services.signature_forms import FormPerson, FormSchool, GroupForm

SCHOOL = FormSchool(
    name="國立東華大學",
    business_no="08153208",
    head="趙涵㨗",
    address="花蓮縣壽豐鄉志學村大學路二段1號",
    phone="03-8906000",
    contact="林承辦",
    contact_phone="03-8906123",
    email="intl@gms.ndhu.example.edu.tw",
)
GROUP = GroupForm(school=SCHOOL, group_no="151160003", on=date(2026, 12, 5))
HK_GROUP = GroupForm(school=SCHOOL, group_no="151080002", on=date(2026, 12, 5))
STUDENT = FormPerson(
    name_zh="李明華",
    name_latin="LI MINGHUA",
    gender="M",
    birth_date=date(2004, 3, 7),
    birthplace="福建省廈門市",
    id_no="350203200403070019",
    travel_permit_no="L12345678",
    address="福建省廈門市思明區鷺江道100號",
    phone="+86 138 0000 1234",
    email="minghua@example.cn",
    department="資訊工程學系",
    program="學士",
    grade="1年級",
)
SPOUSE = FormPerson(
    name_zh="王秀英",
    name_latin="WANG XIUYING",
    gender="F",
    birth_date=date(2003, 8, 1),
    id_no="350203200308010026",
    travel_permit_no="L87654321",
    relation="spouse",
    student_name="李明華",
)
HK_STUDENT = FormPerson(
    name_zh="陳嘉欣",
    name_latin="CHAN KA YAN",
    gender="F",
    birth_date=date(2006, 5, 20),
    birthplace="香港",
    id_no="A123456(3)",
    travel_permit_no="HK0012345",
    address="香港九龍彌敦道300號",
    taiwan_address="花蓮縣壽豐鄉大學路二段1號 學生宿舍",
    phone="0912-345-678",
    email="kayan@example.hk",
    department="企業管理學系",
    program="學士",
    entry_date=date(2026, 9, 1),
    resident_no="A800000014",
)

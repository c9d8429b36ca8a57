"""名冊 rules: academic terms, code lists, headers and the check of one row (every kind of error)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import roster as rules
from app.i18n import use_locale

TODAY = date(2026, 11, 24)

SEED_ROW = {
    "name_zh": "外生一",
    "name_en": "STUDENT ONE",
    "birth_date": "19880202",
    "category": "FG_外生",
    "nationality": "518_賴索托",
    "gender": "1女",
    "national_id": "A123456789",
    "passport_no": "MM214587",
    "qualification": "一般_大陸地區人民進入臺灣地區就學",
    "program": "7 公立專科學校二年制副學士班",
    "grade": "1年級",
    "status": "R_已註冊",
}


def both(message) -> tuple[str, str]:
    with use_locale("zh_Hant_TW"):
        zh = str(message)
    with use_locale("en"):
        en = str(message)
    return zh, en


def errors_of(**changes) -> dict[str, tuple[str, str]]:
    row = dict(SEED_ROW, **changes)
    check = rules.check_row(row, TODAY)
    assert check.values is None
    return {e.column: both(e.message) for e in check.errors}


def test_academic_year_and_semester():
    assert rules.academic_year(date(2026, 8, 1)) == 115
    assert rules.academic_year(date(2026, 7, 31)) == 114
    assert rules.semester_of(date(2026, 9, 1)) == 1
    assert rules.semester_of(date(2027, 1, 20)) == 1
    assert rules.semester_of(date(2027, 3, 1)) == 2
    assert rules.year_choices(TODAY) == [116, 115, 114]


def test_year_and_semester_of_the_form():
    assert rules.check_year_semester("115", "1", TODAY) == {}
    errors = rules.check_year_semester("", "3", TODAY)
    assert set(errors) == {"year", "semester"}
    assert both(errors["year"]) == ("請選擇學年度。", "Choose the academic year.")
    assert rules.check_year_semester("300", "1", TODAY)["year"]


def test_the_seeds_example_row_is_valid_as_typed():
    check = rules.check_row(SEED_ROW, TODAY)
    assert check.errors == []
    assert check.values == {
        "name_zh": "外生一",
        "name_en": "STUDENT ONE",
        "name_en_norm": "STUDENT ONE",
        "birth_date": date(1988, 2, 2),
        "category": "FG",
        "nationality": "LS",
        "gender": "F",
        "national_id": "A123456789",
        "passport_no": "MM214587",
        "qualification": "CN_GENERAL",
        "program": "A",
        "grade": "1",
        "status": "R",
        "resident_id": "",  # issue 14: only mainland, Hong Kong and Macau students have one
        "travel_permit_no": "",
    }


@pytest.mark.parametrize(
    ("list_name", "typed", "value"),
    [
        ("category", "FG", "FG"),
        ("category", "FG_外生", "FG"),
        ("category", "外生", "FG"),
        ("category", "fo", "FO"),
        ("category", "Foreign student", "FG"),
        ("gender", "0_男", "M"),
        ("gender", "1", "F"),
        ("gender", "女", "F"),
        ("gender", "Male", "M"),
        ("status", "A_已錄取未註冊", "A"),
        ("status", "R", "R"),
        ("status", "已註冊", "R"),
        ("nationality", "JP", "JP"),
        ("nationality", "JP_日本", "JP"),
        ("nationality", "日本", "JP"),
        ("nationality", "Japan", "JP"),
        ("nationality", "518_賴索托", "LS"),
        ("nationality", "1_阿富汗", "AF"),
        ("nationality", "TW_臺灣", "TW"),
        ("qualification", "外國與外僑學生進入臺灣地區就學", "FOREIGN"),
        ("qualification", "學術合作", "CN_ACADEMIC"),
        ("program", "博士", "D"),
        ("program", "碩士班", "M"),
        ("program", "７ 公立專科學校二年制副學士班", "A"),
        ("grade", "3年級", "3"),
        ("grade", "三年級", "3"),
        ("grade", "7", "7"),
        ("grade", "Year 2", "2"),
    ],
)
def test_code_lists_accept_code_code_name_and_name(list_name, typed, value):
    option = rules.code_lists()[list_name].find(typed)
    assert option is not None and option.value == value


def test_nationalities_are_the_cldr_countries_only():
    options = rules.nationalities()
    codes = {o.code for o in options}
    assert len(options) > 240
    assert {"LS", "JP", "VN", "US", "HK", "MO", "CN"} <= codes
    assert not codes & {"EU", "UN", "ZZ", "QO", "XA"}
    lesotho = next(o for o in options if o.code == "LS")
    assert lesotho.dropdown == "LS_賴索托" and lesotho.en == "Lesotho"
    assert [o.dropdown for o in rules.CATEGORIES] == [
        "CN_陸生",
        "HK_香港僑生",
        "MO_澳門生",
        "FG_外生",
        "FO_外僑生",
    ]
    assert [o.dropdown for o in rules.GENDERS] == ["0_男", "1_女"]
    assert [o.dropdown for o in rules.STATUSES] == ["A_已錄取未註冊", "R_已註冊"]


def test_labels_and_dropdowns_of_stored_codes():
    assert rules.label_of("category", "FG") == "外生"
    assert rules.label_of("category", "FG", "en") == "Foreign student"
    assert rules.label_of("nationality", "LS", "en") == "Lesotho"
    assert rules.dropdown_of("gender", "F") == "1_女"
    assert rules.dropdown_of("grade", "1") == "1年級"


def test_required_cells():
    errors = errors_of(
        name_en="",
        birth_date="",
        category="",
        nationality="",
        gender="",
        passport_no="",
        qualification="",
        program="",
        grade="",
        status="",
    )
    assert set(errors) == {
        "name_en",
        "birth_date",
        "category",
        "nationality",
        "gender",
        "passport_no",
        "qualification",
        "program",
        "grade",
        "status",
    }
    assert errors["name_en"] == ("必須填寫。", "Required.")


def test_optional_cells_may_be_empty():
    check = rules.check_row(dict(SEED_ROW, name_zh="", national_id=""), TODAY)
    assert check.values and check.values["name_zh"] == "" and check.values["national_id"] == ""


def test_code_not_in_the_list():
    errors = errors_of(category="XX", nationality="Narnia", gender="2", status="B")
    assert set(errors) == {"category", "nationality", "gender", "status"}
    assert errors["category"] == (
        "不在代碼清單中，請由下拉式選單點選。",
        "Not in the list. Choose a value from the dropdown.",
    )


@pytest.mark.parametrize("typed", ["19880231", "1988-13-01", "88/02/02", "abc", "198802021"])
def test_birth_date_must_be_a_real_date(typed):
    assert errors_of(birth_date=typed)["birth_date"] == (
        "不是有效的日期，請以 YYYYMMDD 填寫，例如 19880202。",
        "Not a real date. Write it as YYYYMMDD, e.g. 19880202.",
    )


def test_birth_date_in_the_past_and_a_plausible_age():
    assert errors_of(birth_date="20261124")["birth_date"] == (
        "生日必須早於今天。",
        "The date of birth must be in the past.",
    )
    zh, en = errors_of(birth_date="20200101")["birth_date"]
    assert "6" in zh and en.startswith("A student aged 6 is not plausible (12 to 80)")
    assert errors_of(birth_date="19000101")["birth_date"][1].startswith("A student aged 126")
    ok = rules.check_row(dict(SEED_ROW, birth_date="1988/2/2"), TODAY)
    assert ok.values and ok.values["birth_date"] == date(1988, 2, 2)


def test_national_id_check_digit_when_given():
    assert errors_of(national_id="A123456788")["national_id"] == (
        "身分證號（統一證號）格式或檢查碼錯誤（例如 A123456789）。",
        "Not a valid ID number: the check digit does not match (e.g. A123456789).",
    )
    for good in (
        "a123456789",
        "A800000014",
        "AD30265881",
    ):  # national ID, new and old resident certificate no.
        assert rules.check_row(dict(SEED_ROW, national_id=good), TODAY).values


@pytest.mark.parametrize("typed", ["M1", "MM-214587", "護照123456", "A" * 21])
def test_passport_number_shape(typed):
    assert errors_of(passport_no=typed)["passport_no"] == (
        "護照號碼須為 5 至 20 個英文字母或數字。",
        "A passport number has 5 to 20 letters and digits only.",
    )


def test_passport_number_is_cleaned():
    values = rules.check_row(dict(SEED_ROW, passport_no=" mm 214587 "), TODAY).values
    assert values and values["passport_no"] == "MM214587"


def test_english_name_as_in_the_passport():
    assert errors_of(name_en="Student 1")["name_en"][1].startswith("Use the name as in the passport")
    assert errors_of(name_en='=HYPERLINK("http://x")')["name_en"][0].startswith("請依護照填寫")
    values = rules.check_row(dict(SEED_ROW, name_en="  Nguyễn  Văn-An O'Neil "), TODAY).values
    assert (
        values
        and values["name_en"] == "NGUYEN VAN-AN O'NEIL"
        and values["name_en_norm"] == "NGUYEN VAN AN ONEIL"
    )


def test_chinese_name_length_formula_start_and_control_characters():
    assert errors_of(name_zh="王" * 51)["name_zh"] == ("最多 50 個字元。", "At most 50 characters.")
    assert errors_of(name_zh="=1+1")["name_zh"] == (
        "開頭不可為 =、+、- 或 @。",
        "Must not start with =, +, - or @.",
    )
    assert errors_of(name_zh="王\x07明")["name_zh"] == ("含有控制字元。", "Contains control characters.")


def test_every_problem_of_a_row_is_listed_in_column_order():
    check = rules.check_row({"name_en": "x1", "birth_date": "2", "passport_no": "!"}, TODAY)
    columns = [e.column for e in check.errors]
    assert columns == sorted(columns, key=rules.COLUMN_KEYS.index)
    assert len(columns) == 10


def test_duplicate_message():
    assert both(rules.duplicate_error("MM214587", 2).message) == (
        "此護照號碼與本檔案第 2 列重複。",
        "The same passport number is already on row 2 of this file.",
    )


def test_header_in_chinese_or_english_in_any_order():
    assert rules.map_header([c.zh for c in rules.COLUMNS]) == {c.key: i for i, c in enumerate(rules.COLUMNS)}
    english = [
        "Passport no.",
        "English name",
        "Date of birth",
        "Student category",
        "Nationality",
        "Gender",
        "Qualification",
        "Programme",
        "Year of study",
        "Status",
        "Academic year",
    ]
    mapping = rules.map_header(english)
    assert mapping and mapping["passport_no"] == 0 and "name_zh" not in mapping
    assert rules.map_header(["姓名", "生日"]) is None
    assert "passport_no" in rules.missing_headers(["英文姓名", "生日"])


def test_normalised_english_names_match_loosely():
    n = rules.normalise_name_en
    assert n("Student  One") == n("STUDENT ONE") == n("student-one") == "STUDENT ONE"
    assert n("Müller, Jürgen") == "MULLER JURGEN"
    assert n("O'Neil") == "ONEIL"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(rules.COLUMN_KEYS), st.text(max_size=30)))
def test_any_text_gives_values_or_errors_never_an_exception(row):
    check = rules.check_row(row, TODAY)
    assert (check.values is None) == bool(check.errors)


# -- issue 14: the identifiers of mainland, Hong Kong and Macau students (columns M and N) ------------

CN_ROW = dict(
    SEED_ROW,
    name_zh="李明華",
    name_en="LI MINGHUA",
    birth_date="20040307",
    category="CN_陸生",
    nationality="CN",
    national_id="",
    passport_no="EA1234567",
    resident_id="350203 20040307 0019",
    travel_permit_no="l12345678",
)


def test_mainland_student_with_valid_identifiers():
    check = rules.check_row(CN_ROW, TODAY)
    assert check.errors == []
    assert check.values["resident_id"] == "350203200403070019"
    assert check.values["travel_permit_no"] == "L12345678"


@pytest.mark.parametrize(
    ("changes", "column", "zh"),
    [
        ({"resident_id": ""}, "resident_id", "陸生、港澳生必填。"),
        ({"resident_id": "350203200403070010"}, "resident_id", "大陸居民身分證號碼不正確"),
        ({"travel_permit_no": "L1234"}, "travel_permit_no", "往來台灣通行證號碼不正確"),
        (
            {"category": "HK", "resident_id": "A123456(4)", "travel_permit_no": ""},
            "resident_id",
            "香港身份證號碼不正確",
        ),
        ({"category": "HK", "resident_id": "A123456(3)"}, "travel_permit_no", "僅限陸生填寫。"),
        (
            {"category": "MO", "resident_id": "A123456(3)", "travel_permit_no": ""},
            "resident_id",
            "澳門居民身份證號碼不正確",
        ),
        ({"category": "FG", "travel_permit_no": ""}, "resident_id", "僅限陸生、港澳生填寫。"),
    ],
)
def test_cross_strait_identifiers_are_checked_by_category(changes, column, zh):
    check = rules.check_row(dict(CN_ROW, **changes), TODAY)
    assert check.values is None
    found = [e for e in check.errors if e.column == column]
    assert found, check.errors
    assert zh in both(found[0].message)[0]


def test_hong_kong_and_macau_students_with_valid_identifiers():
    hk = rules.check_row(dict(CN_ROW, category="HK", resident_id="ab987654(3)", travel_permit_no=""), TODAY)
    assert hk.errors == [] and hk.values["resident_id"] == "AB9876543"
    mo = rules.check_row(dict(CN_ROW, category="MO", resident_id="1/234567/8", travel_permit_no=""), TODAY)
    assert mo.errors == [] and mo.values["resident_id"] == "12345678"


def test_a_file_with_only_the_seeds_twelve_columns_still_reads():
    header = [rules.COLUMN_BY_KEY[k].zh for k in rules.SEED_COLUMN_KEYS]
    assert rules.map_header(header) == {k: i for i, k in enumerate(rules.SEED_COLUMN_KEYS)}

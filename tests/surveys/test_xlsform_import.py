"""XLSForm import: every pyxform fixture in tests/data/xlsform imports, faithfully or warned."""

import io
import zipfile

import openpyxl
import pytest

from surveys import Code, ImportFailed, load_definition, validate_answers
from surveys.xlsform import cell_text, read_sheets, read_xlsform, sheets_to_definition

from .conftest import XLSFORM_DATA

XLSFORM_FILES = sorted(XLSFORM_DATA.glob("*.xlsx"))


def workbook_bytes(survey, choices=None, settings=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows:
            other = workbook.create_sheet(name)
            for row in rows:
                other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是 Excel 文件")
    return buffer.getvalue()


def warnings_at(result, code):
    return [(w.sheet, w.row, w.column) for w in result.warnings if w.code == code]


def questions(result):
    return {q["id"]: q for p in result.definition["pages"] for q in p["questions"]}


def test_the_xlsform_fixtures_are_in_the_repository():
    assert len(XLSFORM_FILES) == 8


@pytest.mark.parametrize("path", XLSFORM_FILES, ids=lambda p: p.name)
def test_every_xlsform_fixture_imports_into_a_valid_definition(path):
    result = read_xlsform(path)
    assert result.ok, [p.to_dict("en") for p in result.errors]
    load_definition(result.definition)
    for warning in result.warnings:
        assert warning.message("en") and warning.message("zh_CN")
        if warning.code == Code.XLS_LANGUAGE_IGNORED:  # said of a column, at its header
            assert warning.row == 1 and warning.column
        elif warning.sheet == "survey" or warning.sheet == "choices":
            assert warning.row is not None and warning.row >= 2


@pytest.mark.parametrize(
    "name", ["group.xlsx", "specify_other.xlsx", "text_and_integer.xlsx",
             "yes_or_no_question.xlsx"],
)  # fmt: skip
def test_simple_files_import_faithfully_without_warnings(name):
    assert read_xlsform(XLSFORM_DATA / name).warnings == []


def test_text_in_a_language_not_imported_is_named_once_per_column():
    """field-list.xlsx labels its choices in English and Chinese: the Chinese are imported."""
    result = read_xlsform(XLSFORM_DATA / "field-list.xlsx")
    assert warnings_at(result, Code.XLS_LANGUAGE_IGNORED) == [("choices", 1, "label")]
    assert [w.code for w in result.warnings] == [Code.XLS_LANGUAGE_IGNORED]


def test_groups_become_pages_and_phone_number_gets_its_pattern():
    result = read_xlsform(XLSFORM_DATA / "group.xlsx")
    pages = result.definition["pages"]
    assert [p["id"] for p in pages] == ["page1", "father"]
    assert pages[1]["title"] == "Father"
    father = {q["id"]: q for q in pages[1]["questions"]}
    assert father["phone_number"]["pattern"] == "phone"
    assert father["age"] == {
        "id": "age", "type": "number", "title": "How old is your father?", "integer": True
    }  # fmt: skip


def test_or_other_and_specify_other_add_an_other_option():
    colors = questions(read_xlsform(XLSFORM_DATA / "or_other.xlsx"))["fav_color"]
    assert colors["options"][-1] == {"value": "other", "label": "Other", "other": True}
    assert [o["value"] for o in colors["options"]] == ["red", "green", "blue", "mauve", "apricot",
                                                       "other"]  # fmt: skip
    sex = questions(read_xlsform(XLSFORM_DATA / "specify_other.xlsx"))["sex"]
    assert sex["options"][-1]["other"] is True
    assert sex["title"] == "What sex are you?"


def test_choice_filter_and_duplicate_choices_are_reported_per_row():
    result = read_xlsform(XLSFORM_DATA / "choice_filter_test.xlsx")
    assert warnings_at(result, Code.XLS_CHOICE_FILTER_IGNORED) == [
        ("survey", 3, "choice_filter"),
        ("survey", 4, "choice_filter"),
    ]
    assert warnings_at(result, Code.XLS_DUPLICATE_CHOICE) == [("choices", 6, "name")]
    assert result.definition["title"] == "cascading selects"


def test_chinese_labels_are_preferred_over_english():
    result = read_xlsform(XLSFORM_DATA / "field-list.xlsx")
    question = questions(result)["table_list_question"]
    assert [o["label"] for o in question["options"]] == ["是", "没有"]
    assert question["title"] == "table list question"  # only an English label exists
    assert question["description"] == "hint"


def test_spec_test_translates_relevant_and_reports_each_unsupported_row():
    result = read_xlsform(XLSFORM_DATA / "xlsform_spec_test.xlsx")
    pages = {p["id"]: p for p in result.definition["pages"]}
    assert pages["everything"]["show_if"] == "not (selected(skip_to_end, 'yes'))"
    qs = questions(result)
    assert qs["address"]["title"] == "您好"
    assert qs["invalid_variable"]["title"] == "Your name is {my_name}"
    assert qs["my_name"]["type"] == "long_text"  # rows = 12
    assert qs["autocomplete_test"]["type"] == "dropdown"
    assert qs["required_text"]["required"] is True
    assert qs["acknowledge_test"]["type"] == "consent"
    assert qs["false_"]["title"] == "boolean name test"
    unsupported = {w.row: w.params["type"] for w in result.warnings
                   if w.code == Code.XLS_UNSUPPORTED_TYPE}  # fmt: skip
    assert unsupported == {32: "time", 33: "datetime", 34: "geopoint", 35: "barcode",
                           36: "image", 37: "audio", 38: "video", 40: "calculate"}  # fmt: skip
    assert ("survey", 7, "relevant") in warnings_at(result, Code.XLS_RELEVANT_UNSUPPORTED)
    assert ("survey", 14, "constraint") in warnings_at(result, Code.XLS_CONSTRAINT_UNSUPPORTED)
    assert ("survey", 15, "type") in warnings_at(result, Code.XLS_REPEAT_FLATTENED)
    assert ("survey", 21, "name") in warnings_at(result, Code.XLS_RENAMED_ID)
    assert ("survey", 42, "type") in warnings_at(result, Code.XLS_METADATA_SKIPPED)
    assert ("survey", 9, "media::video") in warnings_at(result, Code.XLS_COLUMN_IGNORED)
    assert ("choices", 4, "label") in warnings_at(result, Code.XLS_CHOICE_WITHOUT_LABEL)
    assert any(w.code == Code.XLS_SHEET_IGNORED and w.sheet == "columns" for w in result.warnings)
    # the translated page condition works on answers
    hidden = validate_answers(result.definition, {"skip_to_end": "yes", "my_name": "王"})
    assert "my_name" not in hidden.cleaned


def test_cells_become_strings_at_the_edge():
    assert cell_text(12.0) == "12"
    assert cell_text(2.5) == "2.5"
    assert cell_text(True) == "true"
    assert cell_text("\xa0 年龄\u3000") == "年龄"
    assert cell_text(None) == ""
    assert cell_text("a\r\nb") == "a\nb"


def test_constraints_relevant_and_languages_from_a_built_workbook():
    data = workbook_bytes(
        [
            ["type", "name", "label::English (en)", "label::中文 (zh)", "required", "relevant",
             "constraint", "appearance", "parameters"],
            ["integer", "age", "Age", "年龄", "yes", None, ". >= 18 and . <= 60"],
            ["select_multiple fruit", "fruit", "Fruit", "水果", None, "${age} > 20",
             "count-selected(.) <= 2 and not(selected(., 'none') and count-selected(.) > 1)",
             None, "randomize=true"],
            ["text", "mail", "Email", "邮箱", None, "selected(${fruit}, 'apple') or ${age} = ''",
             "regex(., '^[^@ ]+@[^@ ]+[.][^@ .]+$') and string-length(.) <= 50"],
            ["date", "day", "Day", "日期", None, None,
             ". >= date('2024-01-01') and . <= date('2024-12-31')"],
            ["range", "score", "Score", "评分", None, None, None, "rating", "start=1 end=7 step=1"],
            ["decimal", "weight", "Weight", "体重", None, "${later} > 1", ". > 3.5"],
            ["text", "later", "Later", "之后"],
        ],
        [["list_name", "name", "label::zh"], ["fruit", "apple", "苹果"], ["fruit", "pear", "梨"],
         ["fruit", "none", "都不喜欢"]],
        [["form_title", "form_id"], ["水果调查", "fruit"]],
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok
    assert result.definition["language"] == "zh_CN"
    assert result.definition["title"] == "水果调查"
    qs = questions(result)
    assert qs["age"] == {"id": "age", "type": "number", "title": "年龄", "required": True,
                         "integer": True, "min": 18, "max": 60}  # fmt: skip
    fruit = qs["fruit"]
    assert fruit["show_if"] == "age > 20"
    assert fruit["max_selected"] == 2 and fruit["randomize"] is True
    assert fruit["options"][2] == {"value": "none", "label": "都不喜欢", "exclusive": True}
    assert qs["mail"]["pattern"] == "email" and qs["mail"]["max_length"] == 50
    assert qs["mail"]["show_if"] == "selected(fruit, 'apple') or empty(age)"
    assert (qs["day"]["min"], qs["day"]["max"]) == ("2024-01-01", "2024-12-31")
    assert qs["score"]["type"] == "rating" and qs["score"]["max"] == 7
    assert "show_if" not in qs["weight"]  # refers to a later question
    assert warnings_at(result, Code.XLS_RELEVANT_UNSUPPORTED) == [("survey", 7, "relevant")]
    assert warnings_at(result, Code.XLS_CONSTRAINT_UNSUPPORTED) == [("survey", 7, "constraint")]


def test_broken_structure_is_reported_not_raised():
    data = workbook_bytes(
        [
            ["type", "name", "label"],
            ["end group", None, None],
            ["select_one nolist", "q1", "问题一"],
            ["begin group", "g", "分组"],
            ["text", None, "没有名字"],
            ["text", "年龄", "中文名字"],
            ["geotrace", "path", "路线"],
            [None, "orphan", "没有类型"],
            ["range", "r", "范围", None],
        ],
    )
    result = read_xlsform(data)
    assert result.ok
    codes = {w.code for w in result.warnings}
    assert {Code.XLS_UNMATCHED_END, Code.XLS_UNKNOWN_CHOICE_LIST, Code.XLS_MISSING_NAME,
            Code.XLS_RENAMED_ID, Code.XLS_UNSUPPORTED_TYPE, Code.XLS_MISSING_COLUMN,
            Code.XLS_UNCLOSED_GROUP} <= codes  # fmt: skip
    assert questions(result)["q6"]["title"] == "中文名字"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"this is not a workbook", Code.XLS_UNREADABLE),
        (b"", Code.XLS_UNREADABLE),
        (workbook_bytes([["type", "name"]])[:300], Code.XLS_UNREADABLE),
        (plain_zip(), Code.XLS_UNREADABLE),
    ],
)
def test_unreadable_files_raise_import_failed(data, code):
    with pytest.raises(ImportFailed) as caught:
        read_xlsform(data)
    assert caught.value.problem.code == code


def test_workbook_without_survey_sheet_or_type_column():
    workbook = openpyxl.Workbook()
    workbook.active.title = "问卷"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFailed) as caught:
        read_xlsform(buffer.getvalue())
    assert caught.value.problem.code == Code.XLS_NO_SURVEY_SHEET
    with pytest.raises(ImportFailed) as caught:
        read_xlsform(workbook_bytes([["name", "label"], ["q", "问题"]]))
    assert caught.value.problem.code == Code.XLS_MISSING_COLUMN


def test_stages_are_separate_and_pure():
    sheets = read_sheets(XLSFORM_DATA / "yes_or_no_question.xlsx")
    assert sheets["survey"].rows[0] == (
        2, {"type": "select one from yes_or_no", "name": "good_day",
            "label:english": "have you had a good day today?"},
    )  # fmt: skip
    definition, warnings = sheets_to_definition(sheets)
    assert warnings == []
    assert definition["pages"][0]["questions"][0]["options"] == [
        {"value": "yes", "label": "yes"},
        {"value": "no", "label": "no"},
    ]

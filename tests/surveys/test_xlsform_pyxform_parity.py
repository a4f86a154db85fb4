"""XLSForm import at pyxform's level (issue 25.1): each defect found on 221 public forms, one
test each — .xls workbooks, old-style ``bind:`` headers, duplicate names, list names as
written, XPath regexes, a declared range of a million rows, and what a row cannot carry."""

import io
import re
import zipfile

import openpyxl
import pytest

from surveys import Code, ImportFailed, load_definition, validate_answers
from surveys.xlsform import read_sheets, read_xlsform
from surveys.xlsform.columns import split_header
from surveys.xlsform.constraints import from_constraint, to_constraint

from .conftest import XLSFORM_DATA
from .test_xlsform_import import questions, warnings_at, workbook_bytes

CORPUS = XLSFORM_DATA / "corpus"


# -- .xls ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["text_and_integer", "yes_or_no_question", "specify_other", "case_insensitivity"]
)
def test_an_xls_workbook_imports_as_its_xlsx_twin_does(name):
    """pyxform keeps each of these forms in both formats: the two must give one definition."""
    old = read_xlsform(CORPUS / "pyxform" / f"{name}.xls")
    new = read_xlsform(CORPUS / "pyxform" / f"{name}.xlsx")
    assert old.ok and new.ok
    assert {**old.definition, "title": ""} == {**new.definition, "title": ""}
    assert [(w.code, w.row, w.column) for w in old.warnings] == [
        (w.code, w.row, w.column) for w in new.warnings
    ]


def test_tutorial_xls_keeps_its_skip_logic_and_limits():
    """pyxform's own tutorial.xls writes `bind:relevant` and `bind:constraint`."""
    result = read_xlsform(CORPUS / "pyxform" / "tutorial.xls")
    assert result.ok
    qs = questions(result)
    assert qs["age_in_months"]["show_if"] == "older_than_five = 'no'"
    assert qs["age_in_months"]["max"] == 72
    assert qs["age_in_years"]["min"] == 5
    assert qs["pregnant"]["show_if"] == (
        "sex = 'female' and age_in_years >= 15 and age_in_years <= 49"
    )


def test_the_format_is_told_by_the_bytes_not_the_name(tmp_path):
    """onadata's encrypted-form.xls is an .xlsx workbook with the older name."""
    path = tmp_path / "问卷.xlsx"
    path.write_bytes((CORPUS / "pyxform" / "tutorial.xls").read_bytes())
    assert "age_in_months" in questions(read_xlsform(path))
    renamed = read_xlsform(CORPUS / "onadata" / "encrypted-form.xls")
    assert renamed.ok


def test_a_damaged_xls_is_unreadable_not_a_crash():
    data = (CORPUS / "pyxform" / "tutorial.xls").read_bytes()
    for broken in (data[:1024], data[:8] + b"\0" * 4000):
        with pytest.raises(ImportFailed) as caught:
            read_xlsform(broken)
        assert caught.value.problem.code == Code.XLS_UNREADABLE


def test_xls_cells_become_strings_as_xlsx_cells_do():
    sheets = read_sheets(CORPUS / "pyxform" / "text_and_integer.xls")
    assert all(isinstance(v, str) for _, cells in sheets["survey"].rows for v in cells.values())


# -- headers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "double_colon", "expected"),
    [
        ("bind:relevant", False, ("relevant", "")),
        ("bind:required", False, ("required", "")),
        ("bind:constraint", False, ("constraint", "")),
        ("bind:jr:constraintMsg", False, ("constraint_message", "")),
        ("bind::jr:constraintMsg", True, ("constraint_message", "")),
        ("bind:relevant", True, ("relevant", "")),  # old style beside label::English
        ("relevance", False, ("relevant", "")),
        ("caption", False, ("label", "")),
        ("List Name", False, ("list_name", "")),
        ("control:appearance", False, ("appearance", "")),
        ("jr:count", False, ("repeat_count", "")),
        ("media::image::English (en)", True, ("image", "English (en)")),
        ("label::中文", True, ("label", "中文")),
        ("label:English", False, ("label", "English")),
        ("bind:odk:length", False, ("bind:odk:length", "")),
    ],
)
def test_headers_are_read_as_pyxform_reads_them(header, double_colon, expected):
    assert split_header(header, double_colon) == expected


def test_old_style_bind_columns_are_carried():
    data = workbook_bytes(
        [["type", "name", "label", "bind:required", "bind:relevant", "bind:constraint",
          "bind:jr:constraintMsg"],
         ["integer", "age", "您的年龄", "yes", None, ". >= 18", "须满 18 岁"],
         ["text", "job", "您的职业", "true()", "${age} >= 18", "string-length(.) <= 20", None]]
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok
    qs = questions(result)
    assert qs["age"]["required"] is True and qs["age"]["min"] == 18
    assert qs["job"]["show_if"] == "age >= 18" and qs["job"]["max_length"] == 20
    assert warnings_at(result, Code.XLS_COLUMN_IGNORED) == [("survey", 2, "bind:jr:constraintMsg")]


def test_a_bind_attribute_without_an_equivalent_is_named():
    data = workbook_bytes(
        [["type", "name", "label", "bind:odk:length"], ["text", "q", "问题", "10"]]
    )
    assert warnings_at(read_xlsform(data), Code.XLS_COLUMN_IGNORED) == [
        ("survey", 2, "bind:odk:length")
    ]


# -- names --------------------------------------------------------------------------------------
def test_duplicate_names_in_different_groups_get_the_renamed_id():
    """pyxform accepts one name in two groups (their paths differ); ids are form-wide."""
    data = workbook_bytes(
        [["type", "name", "label", "relevant"],
         ["begin group", "father", "父亲"],
         ["integer", "age", "年龄"],
         ["end group"],
         ["begin group", "mother", "母亲"],
         ["integer", "age", "年龄"],
         ["text", "note", "备注", "${age} > 60"],
         ["end group"]]
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok, [p.to_dict() for p in result.errors]
    pages = result.definition["pages"]
    assert [q["id"] for q in pages[0]["questions"]] == ["age"]
    assert [q["id"] for q in pages[1]["questions"]] == ["age_2", "note"]
    renamed = next(w for w in result.warnings if w.code == Code.XLS_RENAMED_ID)
    assert (renamed.row, renamed.params) == (6, {"old": "age", "new": "age_2"})
    load_definition(result.definition)


def test_list_names_are_matched_as_written():
    data = workbook_bytes(
        [["type", "name", "label"],
         ["select_one A_suboffice", "office", "所属办事处"],
         ["Select_One a_suboffice", "other_office", "其他办事处"]],
        choices=[["list_name", "name", "label"],
                 ["A_suboffice", "bj", "北京"],
                 ["a_suboffice", "sh", "上海"]],
    )  # fmt: skip
    result = read_xlsform(data)
    assert not warnings_at(result, Code.XLS_UNKNOWN_CHOICE_LIST)
    qs = questions(result)
    assert [o["value"] for o in qs["office"]["options"]] == ["bj"]
    assert [o["value"] for o in qs["other_office"]["options"]] == ["sh"]


# -- regular expressions ------------------------------------------------------------------------
def test_an_xpath_regex_searches_so_the_imported_pattern_allows_text_around_it():
    data = workbook_bytes(
        [["type", "name", "label", "constraint"],
         ["text", "postcode", "邮编", "regex(., '[0-9]{6}')"],
         ["text", "mail", "邮箱", r"regex(., '^[\w-\.]+@([\w-]+\.)+[\w-]{2,4}$')"]]
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok and not result.warnings
    definition = result.definition
    assert validate_answers(definition, {"postcode": "北京 100871"}).ok  # ODK accepts it too
    assert not validate_answers(definition, {"postcode": "10087"}).ok
    assert validate_answers(definition, {"mail": "wang-li.zhang@pku.edu.cn"}).ok
    assert not validate_answers(definition, {"mail": "wang li@pku"}).ok


def test_an_exported_pattern_is_anchored_and_reads_back_unchanged():
    question = {"type": "short_text", "pattern": "[0-9]{6}"}
    text = to_constraint(question)
    assert text == "regex(., '^(?:[0-9]{6})$')"
    assert from_constraint(text, "short_text", {}) == {"pattern": "[0-9]{6}"}
    anchored = {"type": "short_text", "pattern": "^[A-Z]{2}$"}
    assert to_constraint(anchored) == "regex(., '^[A-Z]{2}$')"


def test_a_regex_with_a_top_level_alternation_keeps_its_meaning():
    keys = from_constraint("regex(., '^a|b$')", "short_text", {})
    pattern = re.compile(keys["pattern"])
    assert pattern.fullmatch("abc") and pattern.fullmatch("xxb")
    assert not pattern.fullmatch("xax")


# -- used range ---------------------------------------------------------------------------------
def _declaring_every_cell(data: bytes) -> bytes:
    """The workbook with its survey sheet declaring A1:AMJ1048576 (1,048,576 × 1,024 cells) and
    an empty styled cell in the last row, as LibreOffice saves pyxform's UCL_Biomass_Plot_Form."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                declared = b'<dimension ref="A1:AMJ1048576"/>'
                part = re.sub(rb'<dimension ref="[^"]*"/>', declared, part)
                part = part.replace(
                    b"</sheetData>", b'<row r="1048576"><c r="AMJ1048576" s="0"/></row></sheetData>'
                )
            archive.writestr(item, part)
    return out.getvalue()


def test_a_workbook_declaring_a_million_rows_reads_only_its_cells():
    data = _declaring_every_cell(
        workbook_bytes([["type", "name", "label"], ["text", "name", "您的姓名"]])
    )
    assert len(data) < 16 * 1024
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert (workbook.active.max_row, workbook.active.max_column) == (1048576, 1024)
    result = read_xlsform(data)
    assert result.ok
    assert list(questions(result)) == ["name"]


# -- what a row cannot carry --------------------------------------------------------------------
def test_logic_on_rows_that_cannot_hold_it_is_named_cell_by_cell():
    data = workbook_bytes(
        [["type", "name", "label", "required", "relevance", "constraint"],
         ["begin group", "g", "第一部分", "yes", "${x} = 1", None],
         ["integer", "x", "数字"],
         ["note", "n", "说明", "yes"],
         ["calculate", "c", None, None, "${x} > 1"],
         ["end group", None, None, "yes"],
         ["geopoint", "where", "位置", "no", None, ". != ''"]]
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok
    assert warnings_at(result, Code.XLS_COLUMN_IGNORED) == [
        ("survey", 2, "required"),  # a group has nothing to answer
        ("survey", 4, "required"),  # nor has a note
        ("survey", 5, "relevance"),  # a calculate row is not imported
        ("survey", 6, "required"),
        ("survey", 7, "constraint"),  # required = no asks for nothing: not named
    ]
    assert result.definition["pages"][0]["show_if"] is None  # `${x}` comes after the group
    assert warnings_at(result, Code.XLS_RELEVANT_UNSUPPORTED) == [("survey", 2, "relevance")]


def test_smart_quotes_and_the_own_name_in_expressions_are_read_as_pyxform_reads_them():
    data = workbook_bytes(
        [["type", "name", "label", "relevant", "constraint"],
         ["select_one yn", "trees", "有树吗？"],
         ["integer", "age", "树龄", "${trees} = \u2018yes\u2019", "${age} > 0 and ${age} < 120"]],
        choices=[["list_name", "name", "label"], ["yn", "yes", "有"], ["yn", "no", "没有"]],
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok and not result.warnings
    age = questions(result)["age"]
    assert (age["show_if"], age["min"], age["max"]) == ("trees = 'yes'", 1, 119)


def test_a_lone_sheet_with_another_name_is_the_survey():
    workbook = openpyxl.Workbook()
    workbook.active.title = "问卷"
    workbook.active.append(["type", "name", "label"])
    workbook.active.append(["text", "name", "您的姓名"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert list(questions(read_xlsform(buffer.getvalue()))) == ["name"]


def test_older_type_spellings_are_read_as_pyxform_reads_them():
    data = workbook_bytes(
        [["type", "name", "label"],
         ["add text prompt", "name", "姓名"],
         ["q int", "age", "年龄"],
         ["select1 yn", "smoker", "吸烟吗？"],
         ["add select multiple prompt using yn", "both", "多选"],
         ["imei", "device"],
         ["begin loop over yn", "each", "每一项"],
         ["text", "why", "原因"],
         ["end loop"],
         ["text", "after", "之后"]],
        choices=[["list_name", "name", "label"], ["yn", "yes", "是"], ["yn", "no", "否"]],
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok
    qs = questions(result)
    assert [(q, qs[q]["type"]) for q in qs] == [
        ("name", "short_text"), ("age", "number"), ("smoker", "single_choice"),
        ("both", "multiple_choice"), ("why", "short_text"), ("after", "short_text"),
    ]  # fmt: skip
    assert warnings_at(result, Code.XLS_METADATA_SKIPPED) == [("survey", 6, "type")]
    assert warnings_at(result, Code.XLS_REPEAT_FLATTENED) == [("survey", 7, "type")]
    assert not warnings_at(result, Code.XLS_UNMATCHED_END)
    pages = result.definition["pages"]
    assert [q["id"] for q in pages[-1]["questions"]] == ["after"]  # the loop ended at row 9


def test_a_choice_name_that_must_change_is_named_with_its_new_value():
    data = workbook_bytes(
        [["type", "name", "label"], ["select_one size", "size", "尺寸"]],
        choices=[["list name", "value", "caption"],
                 ["size", "S/M", "小/中"],
                 ["size", "L", "大"]],
    )  # fmt: skip
    result = read_xlsform(data)
    assert [o["value"] for o in questions(result)["size"]["options"]] == ["S_M", "L"]
    renamed = next(w for w in result.warnings if w.code == Code.XLS_CHOICE_RENAMED)
    assert (renamed.sheet, renamed.row, renamed.column) == ("choices", 2, "value")
    assert renamed.params == {"old": "S/M", "new": "S_M"}


def test_a_mangled_xls_is_read_or_refused_as_unreadable_and_prints_nothing(capfd):
    import random

    data = (CORPUS / "pyxform" / "tutorial.xls").read_bytes()
    rng = random.Random(25)
    for _ in range(200):
        mangled = bytearray(data)
        for _ in range(rng.choice([1, 4, 16, 64])):
            mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        try:
            read_xlsform(bytes(mangled[: rng.randrange(512, len(mangled) + 1)]))
        except ImportFailed as failure:
            assert failure.problem.code == Code.XLS_UNREADABLE
    assert capfd.readouterr().out == ""


def test_a_row_without_a_type_that_holds_logic_is_named():
    data = workbook_bytes(
        [["type", "name", "label", "relevant"],
         ["integer", "age", "年龄"],
         [None, None, None, "${age} > 18"]],
        settings=[["set_form_title"], ["家庭调查"]],
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.definition["title"] == "家庭调查"
    assert warnings_at(result, Code.XLS_MISSING_COLUMN) == [("survey", 3, "type")]
    assert warnings_at(result, Code.XLS_COLUMN_IGNORED) == [("survey", 3, "relevant")]

"""Bounds of the questionnaire import (issue 30.9, 30.8): sizes refused with a message before
any translation, and workbooks whose XML declares entities refused as unreadable."""

import io
import zipfile

import openpyxl
import pytest

from surveys import Code, ImportFailed, validate_definition
from surveys.definition import MAX_OPTIONS, MAX_OPTIONS_IN_ALL, MAX_QUESTIONS
from surveys.xlsform import read_xlsform, sheets
from surveys.xlsform.sheets import MAX_SHEET_ROWS, MAX_UNPACKED_BYTES
from tests.hostile import BILLION_LAUGHS, EXTERNAL, LAUGH, XXE, with_entities, xlsform


def test_an_xlsform_with_20000_questions_is_refused_before_it_is_translated():
    result = read_xlsform(xlsform(20_000))
    assert [p.code for p in result.errors] == [Code.TOO_MANY_QUESTIONS]
    assert result.errors[0].params == {"count": 20_000, "max": MAX_QUESTIONS}
    assert "最多 2000 题" in result.errors[0].message("zh_CN")
    assert result.definition == {}


def test_a_choice_list_copied_into_every_question_counts_each_copy():
    questions = 2 * (MAX_OPTIONS_IN_ALL // 1000 + 1)  # half of them use the list of 1,000
    result = read_xlsform(xlsform(questions, list_size=1000))
    assert [p.code for p in result.errors] == [Code.TOO_MANY_OPTIONS_IN_ALL]
    assert result.definition == {}


def test_an_xlsform_at_the_limit_still_imports():
    result = read_xlsform(xlsform(MAX_QUESTIONS))
    assert result.ok, result.errors[:3]
    assert sum(len(p["questions"]) for p in result.definition["pages"]) == MAX_QUESTIONS


def _definition(questions: int, options: int = 2) -> dict:
    return {
        "schema_version": 1,
        "title": "大问卷",
        "language": "zh_CN",
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {
                        "id": f"q{i}",
                        "type": "single_choice",
                        "title": "您最常用哪个外卖平台？",
                        "options": [
                            {"value": f"v{j}", "label": f"平台{j}"} for j in range(options)
                        ],
                    }
                    for i in range(questions)
                ],
            }
        ],
    }


def test_a_definition_past_the_question_limit_gets_that_error_alone():
    problems = validate_definition(_definition(MAX_QUESTIONS + 1, options=0))
    assert [(p.code, p.path) for p in problems] == [(Code.TOO_MANY_QUESTIONS, "$.pages")]


def test_a_question_past_the_option_limit_is_named_by_its_path():
    problems = validate_definition(_definition(1, options=MAX_OPTIONS + 1))
    assert [(p.code, p.path) for p in problems] == [
        (Code.TOO_MANY_OPTIONS, "$.pages[0].questions[0].options")
    ]


def test_a_sheet_past_the_row_limit_is_refused_with_its_row(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_SHEET_ROWS", 50)  # the rule, without writing 100,001 rows
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    for number in range(51):
        survey.append(["text", f"q{number}", "您的姓名"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFailed) as failure:
        read_xlsform(buffer.getvalue())
    assert failure.value.problem.code == Code.XLS_TOO_MANY_ROWS
    assert failure.value.problem.sheet == "survey"
    assert failure.value.problem.row == 52  # the 51st row below the header


def test_blank_rows_before_a_far_row_do_not_count_towards_the_limit():
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["text", "first", "第一题"])
    survey.cell(row=MAX_SHEET_ROWS + 5, column=1, value="text")
    survey.cell(row=MAX_SHEET_ROWS + 5, column=2, value="far")
    survey.cell(row=MAX_SHEET_ROWS + 5, column=3, value="最后一题")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_xlsform(buffer.getvalue())
    assert result.ok
    ids = [q["id"] for page in result.definition["pages"] for q in page["questions"]]
    assert ids == ["first", "far"]


@pytest.mark.parametrize(
    ("prologue", "reference"), [(BILLION_LAUGHS, LAUGH), (EXTERNAL, XXE)], ids=["bomb", "xxe"]
)
def test_a_workbook_whose_xml_declares_entities_is_unreadable(prologue, reference):
    hostile = with_entities(xlsform(1), "xl/worksheets/sheet1.xml", prologue, "q0", reference)
    with pytest.raises(ImportFailed) as failure:
        read_xlsform(hostile)
    assert failure.value.problem.code == Code.XLS_UNREADABLE
    assert "root:" not in str(failure.value.problem.params)


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_opened():
    honest = zipfile.ZipFile(io.BytesIO(xlsform(1)))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in honest.infolist():
            data = honest.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data += b" " * MAX_UNPACKED_BYTES  # whitespace after the root: well-formed
            archive.writestr(item, data)
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(ImportFailed) as failure:
        read_xlsform(bomb.getvalue())
    assert failure.value.problem.code == Code.XLS_TOO_LARGE

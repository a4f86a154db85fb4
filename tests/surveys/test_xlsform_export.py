"""XLSForm export, and JSON → XLSForm → JSON round trips."""

import json

import openpyxl
import pytest

from surveys import Code, parse, validate_definition
from surveys.xlsform import read_xlsform, write_xlsform

from .conftest import FIXTURES


def normalised(definition):
    """Conditions compared by their parse trees: (a) and a are the same condition."""
    copy = json.loads(json.dumps(definition))
    for page in copy["pages"]:
        for item in [page, *page["questions"]]:
            if item.get("show_if"):
                item["show_if"] = parse(item["show_if"])
    return copy


def test_round_trip_of_every_xlsform_expressible_type(tmp_path):
    original = json.loads((FIXTURES / "xlsform_roundtrip.json").read_text(encoding="utf-8"))
    assert validate_definition(original) == []
    expressible = {q["type"] for p in original["pages"] for q in p["questions"]}
    assert expressible == {"text", "consent", "single_choice", "dropdown", "multiple_choice",
                           "number", "short_text", "long_text", "date", "ranking", "rating",
                           "slider"}  # fmt: skip
    path = tmp_path / "问卷.xlsx"
    assert write_xlsform(original, path) == []
    result = read_xlsform(path)
    assert result.warnings == []
    assert normalised(result.definition) == normalised(original)


def test_exported_sheet_uses_xlsform_spelling(tmp_path):
    original = json.loads((FIXTURES / "xlsform_roundtrip.json").read_text(encoding="utf-8"))
    path = tmp_path / "out.xlsx"
    write_xlsform(original, path)
    workbook = openpyxl.load_workbook(path)
    rows = list(workbook["survey"].iter_rows(values_only=True))
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["gender"]["type"] == "select_one gender or_other"
    assert by_name["apps"]["constraint"] == (
        "count-selected(.) >= 1 and count-selected(.) <= 2"
        " and not(selected(., 'none') and count-selected(.) > 1)"
    )
    assert by_name["p2"]["type"] == "begin group"
    assert by_name["p2"]["relevant"] == "${age} >= 18 and not(selected(${apps}, 'none'))"
    assert by_name["story"]["relevant"] == "${phone} = '' or count-selected(${apps}) >= 2"
    assert by_name["budget"]["parameters"] == "start=0 end=100 step=5"
    settings = list(workbook["settings"].iter_rows(values_only=True))
    assert settings[1][0] == "往返测试问卷"


def test_types_without_xlsform_equivalent_are_approximated_with_warnings(definition, tmp_path):
    path = tmp_path / "every.xlsx"
    warnings = write_xlsform(definition, path)
    approximated = {w.params["type"] for w in warnings if w.code == Code.XLS_EXPORT_APPROXIMATED}
    # apps has its "other" option before "none", and XLSForm's or_other can only come last
    assert approximated == {"matrix", "kano", "nps", "multiple_choice"}
    result = read_xlsform(path)
    assert result.ok
    names = {q["id"] for p in result.definition["pages"] for q in p["questions"]}
    assert {"likert_r1", "likert_r2", "kano_dark_functional", "kano_dark_dysfunctional"} <= names


def test_conditions_on_matrix_rows_are_dropped_with_a_warning(definition, tmp_path):
    definition["pages"][1]["questions"][3]["show_if"] = "likert.r1 = '3'"
    warnings = write_xlsform(definition, tmp_path / "x.xlsx")
    dropped = [w.path for w in warnings if w.code == Code.XLS_EXPORT_CONDITION_DROPPED]
    assert dropped == ["$.pages[1].questions[3].show_if"]


@pytest.mark.parametrize(
    "condition",
    [
        "q1 in ['a', 'b']",
        "not (q1 = 'a' or q1 = 'b') and q1 != null",
        "(q1 + 2) * 3 > 10 % 4",
        "q1 = true",
        'selected(q1, "it\'s")',
    ],
)
def test_condition_round_trips_through_xpath(condition):
    from surveys.logic import evaluate
    from surveys.xlsform.xpath import from_xpath, to_xpath

    translated = from_xpath(to_xpath(parse(condition)), lambda name: name)
    for answers in ({}, {"q1": "a"}, {"q1": "c"}, {"q1": 5}, {"q1": "it's"}, {"q1": True}):
        assert evaluate(translated, answers) == evaluate(condition, answers)


FORMULAS = {
    "schema_version": 1,
    "title": '=HYPERLINK("http://example.com/领奖","点此领奖")',
    "language": "zh_CN",
    "pages": [
        {
            "id": "p1",
            "title": "=1+1",
            "questions": [
                {
                    "id": "pick",
                    "type": "single_choice",
                    "title": '=HYPERLINK("http://example.com","您最常用的功能")',
                    "description": "=SUM(A1:A9)",
                    "options": [
                        {"value": "=cmd|' -C calc'!A0", "label": '=HYPERLINK("http://x","下单")'},
                        {"value": "pay", "label": "=2*3"},
                    ],
                }
            ],
        }
    ],
}


def test_text_that_starts_with_equals_is_written_as_string_not_formula(tmp_path):
    """Issue 30.7: the export wrote option values and labels starting with = as formulas."""
    path = tmp_path / "公式.xlsx"
    write_xlsform(FORMULAS, path)
    workbook = openpyxl.load_workbook(path)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    starting = [c for c in cells if str(c.value).startswith("=")]
    assert len(starting) == 7 and all(c.quotePrefix for c in starting)
    assert workbook["choices"]["B2"].value == "=cmd|' -C calc'!A0"


def test_formula_like_text_round_trips_through_our_import(tmp_path):
    path = tmp_path / "公式.xlsx"
    write_xlsform(FORMULAS, path)
    result = read_xlsform(path)
    assert result.ok, [p.to_dict() for p in result.errors]
    assert result.definition["title"] == FORMULAS["title"]
    [page] = result.definition["pages"]
    assert page["title"] == "=1+1"
    [question] = page["questions"]
    original = FORMULAS["pages"][0]["questions"][0]
    assert question["title"] == original["title"]
    assert question["description"] == original["description"]
    assert question["options"] == original["options"]


def test_scores_and_not_scored_options_round_trip(tmp_path):
    scale = [{"value": str(k), "label": f"{k}分"} for k in range(1, 6)]
    original = {
        "schema_version": 1,
        "title": "计分往返",
        "language": "zh_CN",
        "pages": [{"id": "p1", "title": "", "questions": [
            {"id": "ease", "type": "single_choice", "title": "上手难度",
             "options": [*scale, {"value": "na", "label": "不适用", "scored": False}]},
            {"id": "spend", "type": "dropdown", "title": "月花费",
             "options": [{"value": "low", "label": "低", "score": 1},
                         {"value": "mid", "label": "中", "score": 5},
                         {"value": "high", "label": "高", "score": 10.5},
                         {"value": "unsure", "label": "不清楚", "scored": False}]},
        ]}],
    }  # fmt: skip
    assert validate_definition(original) == []
    path = tmp_path / "计分.xlsx"
    assert write_xlsform(original, path) == []
    rows = list(openpyxl.load_workbook(path)["choices"].iter_rows(values_only=True))
    assert rows[0] == ("list_name", "name", "label", "score", "scored")
    assert ("spend", "high", "高", "10.5", None) in rows
    assert ("ease", "na", "不适用", None, "no") in rows
    result = read_xlsform(path)
    assert result.warnings == []
    assert result.definition["pages"][0]["questions"] == original["pages"][0]["questions"]


def test_a_choice_list_without_scores_gets_no_score_columns(tmp_path):
    original = json.loads((FIXTURES / "xlsform_roundtrip.json").read_text(encoding="utf-8"))
    path = tmp_path / "out.xlsx"
    write_xlsform(original, path)
    header = next(openpyxl.load_workbook(path)["choices"].iter_rows(values_only=True))
    assert header == ("list_name", "name", "label")


def test_an_unreadable_score_cell_is_reported_and_ignored():
    from .test_xlsform_import import warnings_at, workbook_bytes

    data = workbook_bytes(
        [["type", "name", "label"], ["select_one s", "s", "满意度"]],
        [["list_name", "name", "label", "score", "scored"],
         ["s", "a", "满意", "高", None], ["s", "b", "不满意", "1", "maybe"]],
        [["form_title"], ["t"]],
    )  # fmt: skip
    result = read_xlsform(data)
    options = result.definition["pages"][0]["questions"][0]["options"]
    assert options == [
        {"value": "a", "label": "满意"},
        {"value": "b", "label": "不满意", "score": 1},
    ]
    assert warnings_at(result, Code.XLS_COLUMN_IGNORED) == [
        ("choices", 2, "score"),
        ("choices", 3, "scored"),
    ]

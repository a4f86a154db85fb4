"""Reading the response table (CSV, XLSX, label row) and preparing it for statistics.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import json

import pandas as pd
import pytest
from stats_helpers import one_question

from analysis.stats import (
    StatsInputError,
    StatsWarning,
    prepare_frame,
    read_definition,
    read_responses,
)
from analysis.stats.errors import Code

DEF = one_question(
    "single_choice", options=[{"value": "1", "label": "男"}, {"value": "2", "label": "女"}]
)


def test_csv_with_bom_blanks_and_label_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "response_id,submitted_at,duration_s,q\n答卷编号,提交时间,用时（秒）,性别\n"
        "a,2026-01-01,30, 1 \nb,2026-01-01,40,\n",
        encoding="utf-8-sig",
    )
    frame = read_responses(path, DEF)
    assert frame["q"].tolist()[0] == "1" and pd.isna(frame["q"].tolist()[1])
    assert frame["duration_s"].tolist() == [30.0, 40.0]


def test_xlsx_numbers_become_option_values(tmp_path):
    path = tmp_path / "r.xlsx"
    pd.DataFrame({"response_id": ["a", "b"], "duration_s": [10, 20], "q": [1, 2]}).to_excel(
        path, index=False
    )
    frame = read_responses(path, DEF)
    assert frame["q"].tolist() == ["1", "2"]


def test_non_numeric_cell_in_a_number_question_names_the_column():
    definition = {"pages": [{"id": "p", "questions": [{"id": "age", "type": "number"}]}]}
    with pytest.raises(StatsInputError, match="age"):
        prepare_frame(definition, pd.DataFrame({"age": ["1", "abc"]}))


def test_missing_columns_are_added_blank_with_a_warning():
    with pytest.warns(StatsWarning, match="missing"):
        frame = prepare_frame(DEF, pd.DataFrame({"response_id": ["a"]}))
    assert frame["q"].isna().all()


def test_bad_definitions_are_rejected(tmp_path):
    with pytest.raises(StatsInputError):
        prepare_frame(
            {"pages": [{"id": "p", "questions": [{"id": "q", "type": "video"}]}]}, pd.DataFrame()
        )
    bad = tmp_path / "d.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(StatsInputError):
        read_definition(bad)
    good = tmp_path / "g.json"
    good.write_text(json.dumps(DEF), encoding="utf-8")
    assert read_definition(good) == DEF


def test_categorical_and_integer_columns_from_the_web_layer():
    frame = pd.DataFrame({"q": pd.Categorical([1.0, 2.0, None])})
    assert prepare_frame(DEF, frame)["q"].tolist()[:2] == ["1", "2"]
    ints = pd.DataFrame({"q": pd.array([2, None, 1], dtype="Int64")})
    assert prepare_frame(DEF, ints)["q"].tolist()[::2] == ["2", "1"]


@pytest.mark.parametrize(
    ("data", "said"),
    [(b"PK\x03\x04 cut off", "zip"), (b"", "zip"), ("题目,回答\n1,2".encode(), "zip")],
)
def test_a_damaged_response_workbook_is_a_stats_input_error(tmp_path, data, said):
    """Found by tests/fuzz: zipfile's BadZipFile escaped `read_responses`."""
    path = tmp_path / "回答.xlsx"
    path.write_bytes(data)
    with pytest.raises(StatsInputError) as caught:
        read_responses(path)
    assert caught.value.code == Code.UNREADABLE_RESPONSES
    assert said in str(caught.value)


def test_a_response_workbook_bomb_is_refused_before_it_is_opened(tmp_path):
    from tests.hostile import zip_of

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_of({"xl/worksheets/sheet1.xml": b"0" * (4 * 1024 * 1024)}))
    with pytest.raises(StatsInputError, match="compressed abnormally"):
        read_responses(path)

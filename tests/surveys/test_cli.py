"""``python -m surveys validate`` and ``convert``: exit codes and messages with paths."""

import json
import subprocess
import sys

import pytest

from surveys.cli import main

from .conftest import FIXTURES, XLSFORM_DATA


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_validate_accepts_a_valid_definition(tmp_path, capsys):
    assert main(["validate", str(FIXTURES / "every_type.json")]) == 0
    assert "有效" in capsys.readouterr().out


def test_validate_names_the_json_path_of_each_error(tmp_path, definition, capsys):
    definition["pages"][0]["questions"][3]["id"] = "gender"
    definition["pages"][1]["questions"][4]["show_if"] = "nps == 6"
    path = write(tmp_path / "bad.json", definition)
    assert main(["--lang", "en", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "$.pages[0].questions[3].id: [duplicate_question_id]" in out
    assert "$.pages[1].questions[4].show_if: [expr_operator_spelling]" in out
    assert "Write “=” instead of “==”" in out


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [("{不是 JSON", "x.json", "invalid_json"), ("", "x.txt", "unsupported_file")],
)
def test_validate_reports_unreadable_input(tmp_path, capsys, content, name, code):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert f"[{code}]" in capsys.readouterr().out


def test_validate_an_xlsform_prints_warnings_and_succeeds(capsys):
    assert main(["validate", str(XLSFORM_DATA / "choice_filter_test.xlsx")]) == 0
    assert "survey, row 3, column choice_filter: [xls_choice_filter_ignored]" in (
        capsys.readouterr().err
    )


def test_convert_json_to_xlsx_and_back(tmp_path):
    xlsx = tmp_path / "form.xlsx"
    back = tmp_path / "back.json"
    assert main(["convert", str(FIXTURES / "xlsform_roundtrip.json"), str(xlsx)]) == 0
    assert main(["convert", str(xlsx), str(back)]) == 0
    data = json.loads(back.read_text(encoding="utf-8"))
    assert data["title"] == "往返测试问卷"
    assert [p["id"] for p in data["pages"]] == ["p1", "p2"]


def test_convert_refuses_an_invalid_definition(tmp_path, definition, capsys):
    definition["pages"][0]["questions"][2]["options"] = []
    source = write(tmp_path / "bad.json", definition)
    assert main(["convert", str(source), str(tmp_path / "out.xlsx")]) == 1
    assert not (tmp_path / "out.xlsx").exists()
    assert "$.pages[0].questions[2].options" in capsys.readouterr().err


def test_convert_to_an_unknown_extension(tmp_path):
    assert main(["convert", str(FIXTURES / "every_type.json"), str(tmp_path / "x.csv")]) == 1


def test_module_entry_point_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "surveys", "--lang", "en", "validate", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "[invalid_json]" in result.stdout


@pytest.mark.parametrize("target", ["out.json", "out.xlsx"])
def test_convert_into_a_folder_that_does_not_exist_says_so(tmp_path, target, capsys):
    output = tmp_path / "没有的文件夹" / target
    assert main(["convert", str(FIXTURES / "xlsform_roundtrip.json"), str(output)]) == 1
    err = capsys.readouterr().err
    assert "[output_unwritable]" in err and "没有的文件夹" in err
    assert "Traceback" not in err


def test_convert_an_xls_workbook(tmp_path):
    output = tmp_path / "tutorial.json"
    source = XLSFORM_DATA / "corpus" / "pyxform" / "tutorial.xls"
    assert main(["convert", str(source), str(output)]) == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    shown_if = {q["id"]: q.get("show_if") for p in data["pages"] for q in p["questions"]}
    assert shown_if["age_in_years"] == "older_than_five = 'yes'"

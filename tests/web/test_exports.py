"""Response downloads that open safely and readably in Excel (issues 30.7 and 27.9)."""

import csv
import io
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Response
from app.results.exports import neutralise_cell
from tests.definitions import (
    definition,
    kano,
    matrix,
    multiple_choice,
    nps,
    short_text,
    single_choice,
)
from tests.factories import make_published
from tests.web.test_results import read_csv, results_url, submit


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("-3", "-3"),
        ("+0.5", "+0.5"),
        ("-.5", "-.5"),
        ("-1.", "-1."),
        ("-1e3", "-1e3"),
        ("+2.5E-7", "+2.5E-7"),
        # float() takes these too, a spreadsheet reads them as formulas or names (issue 30.7)
        ("-inf", "'-inf"),
        ("+nan", "'+nan"),
        ("-Infinity", "'-Infinity"),
        ("-1_000", "'-1_000"),
        ("+1_0", "'+1_0"),
        ("-١٢", "'-١٢"),  # digits that are not ASCII
        (" -3", " -3"),  # starts with a space: no formula
        ("-3 ", "'-3 "),
        ("-3\n", "'-3\n"),
        ("-", "'-"),
        ("+", "'+"),
        ("-e5", "'-e5"),
        ("=1+1", "'=1+1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("好评-5星", "好评-5星"),
        (-3, -3),
    ],
)
def test_only_plain_decimal_numbers_escape_the_formula_guard(cell, written):
    assert neutralise_cell(cell) == written


def test_number_lookalike_answers_are_neutralised_in_the_download(client, auth, ctx):
    survey = make_published(
        definition(
            short_text("price", "您能接受的涨价"), short_text("note", "备注"), title="价格调查"
        )
    )
    submit(client, survey.slug, {"price": "-inf", "note": "-5"})
    submit(client, survey.slug, {"price": "+1_0", "note": "+nan"})
    auth.login("viewer@example.cn")
    rows = read_csv(client.get(results_url(survey, "/responses.csv")).data)
    assert [(r["price"], r["note"]) for r in rows] == [("'-inf", "-5"), ("'+1_0", "'+nan")]


MEAL_APP = definition(
    single_choice("plan", "您的会员套餐", [("basic", "基础版"), ("pro", "专业版")]),
    multiple_choice("uses", "常用功能", [("order", "点餐"), ("pay", "支付"), ("coupon", "领券")]),
    matrix("grid", choices=[("1", "很差"), ("2", "一般"), ("3", "很好")]),
    kano("feature", "准时达"),
    nps("score"),
    title="外卖 App 使用调查",
)
ANSWERS = [
    {
        "plan": "pro",
        "uses": ["order", "coupon"],
        "grid": {"speed": "3", "taste": "1"},
        "feature": {"functional": "like", "dysfunctional": "dislike"},
        "score": 9,
    },
    {"plan": "basic", "uses": ["pay"], "grid": {"speed": "2"}, "score": 6},
    {"plan": "pro"},
]
LOCAL_HEADER = "submitted_at (Asia/Shanghai)"


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _submitted_times() -> list:
    return db.session.scalars(db.select(Response.submitted_at).order_by(Response.id)).all()


EXCEL_HEADER = ["response_id", LOCAL_HEADER, "duration_s", "plan", "uses", "grid/speed",
                "grid/taste", "feature/functional", "feature/dysfunctional", "score"]  # fmt: skip


def _check_excel_file(header, values, times):
    assert header == EXCEL_HEADER
    cells = [dict(zip(header, row, strict=True)) for row in values]
    assert [(c["plan"], c["uses"], c["grid/speed"], c["grid/taste"]) for c in cells] == [
        ("专业版", "点餐；领券", "很好", "很差"),
        ("基础版", "支付", "一般", ""),
        ("专业版", "", "", ""),  # unanswered stays blank
    ]
    assert (cells[0]["feature/functional"], cells[0]["feature/dysfunctional"]) == (
        "我喜欢",
        "我不喜欢",
    )
    assert [c["score"] for c in cells] == ["9", "6", ""]  # whole numbers, not 9.0
    shanghai = ZoneInfo("Asia/Shanghai")
    assert [c[LOCAL_HEADER] for c in cells] == [
        t.astimezone(shanghai).strftime("%Y-%m-%d %H:%M:%S") for t in times
    ]


def test_excel_download_has_option_labels_and_local_times(client, auth, ctx):
    """Issue 27.9: the labelled CSV still had option codes in its cells and UTC times with
    microseconds."""
    survey = make_published(MEAL_APP)
    for answers in ANSWERS:
        submit(client, survey.slug, answers)
    times = _submitted_times()
    auth.login("viewer@example.cn")
    summary = client.get(results_url(survey, "/")).get_data(True)
    assert "CSV（供分析）" in summary and "CSV（Excel 阅读，选项文字）" in summary
    assert "cells=labels" in summary
    body = client.get(results_url(survey, "/responses.csv?cells=labels&labels=1")).data
    header, labels, *values = _rows(body)
    named = dict(zip(header, labels, strict=True))
    assert named[LOCAL_HEADER] == "提交时间 (Asia/Shanghai)"
    assert (named["uses"], named["grid/taste"]) == ("常用功能", "请评价 / 口味")
    _check_excel_file(header, values, times)


def test_cli_exports_option_labels_in_cells(client, runner, ctx, tmp_path):
    survey = make_published(MEAL_APP)
    for answers in ANSWERS:
        submit(client, survey.slug, answers)
    out = tmp_path / "阅读.csv"
    args = ["responses", "export", survey.slug, "--out", str(out), "--cell-labels"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "wrote 3 responses" in result.output
    header, *values = _rows(out.read_bytes())
    _check_excel_file(header, values, _submitted_times())
    result = runner.invoke(args=[*args, "--labels"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert _rows(out.read_bytes())[1][:2] == ["答卷编号", "提交时间 (Asia/Shanghai)"]


def test_plain_download_keeps_values_and_utc_to_the_second(client, auth, runner, ctx, tmp_path):
    survey = make_published(MEAL_APP)
    for answers in ANSWERS:
        submit(client, survey.slug, answers)
    auth.login("viewer@example.cn")
    body = client.get(results_url(survey, "/responses.csv")).data
    header, *values = _rows(body)
    cells = [dict(zip(header, row, strict=True)) for row in values]
    first = cells[0]
    assert (first["plan"], first["grid/speed"], float(first["uses/order"])) == ("pro", "3", 1)
    assert [c["submitted_at"] for c in cells] == [
        t.astimezone(UTC).replace(microsecond=0).isoformat() for t in _submitted_times()
    ]
    out = tmp_path / "plain.csv"
    result = runner.invoke(args=["responses", "export", survey.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == body
    labelled = client.get(results_url(survey, "/responses.csv?labels=1")).data
    header, _words, *values = _rows(labelled)
    assert LOCAL_HEADER in header and values[0][header.index("plan")] == "pro"

"""Response downloads that open safely and readably in Excel (issues 30.7 and 27.9)."""

import pytest

from app.results.exports import neutralise_cell
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
        {
            "schema_version": 1,
            "title": "价格调查",
            "language": "zh_CN",
            "pages": [
                {
                    "id": "p1",
                    "questions": [
                        {"id": "price", "type": "short_text", "title": "您能接受的涨价"},
                        {"id": "note", "type": "short_text", "title": "备注"},
                    ],
                }
            ],
        }
    )
    submit(client, survey.slug, {"price": "-inf", "note": "-5"})
    submit(client, survey.slug, {"price": "+1_0", "note": "+nan"})
    auth.login("viewer@example.cn")
    rows = read_csv(client.get(results_url(survey, "/responses.csv")).data)
    assert [(r["price"], r["note"]) for r in rows] == [("'-inf", "-5"), ("'+1_0", "'+nan")]

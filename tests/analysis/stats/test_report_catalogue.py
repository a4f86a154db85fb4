"""The CLI report's words live in the one catalogue, in Chinese and English."""

import string

import pytest

from analysis.stats import narrative, narrative_text, report_lines, report_names
from analysis.stats.report import summarise
from surveys import problems


def test_every_report_line_and_name_has_a_chinese_and_an_english_text():
    codes = [f"report_{code}" for code in report_lines.LINES]
    codes += [
        report_names.key(kind, code) for kind, names in report_names.KINDS.items() for code in names
    ]
    codes += [report_names.key("caution", code) for code in report_names.CAUTIONS]
    for code in codes:
        zh, en = problems.CATALOGUE[code]
        assert zh and en, code
        # the same placeholders in both languages
        assert sorted(_fields(zh)) == sorted(_fields(en)), code


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def test_the_report_renders_in_english_from_the_same_catalogue(
    definition, responses, monkeypatch: pytest.MonkeyPatch
):
    summary = summarise(
        definition,
        responses,
        crosstabs=[("sat", "city")],
        comparisons=[("age", "gender")],
        scales={"s": ["attrs"]},
        drivers=("nps", ["attrs", "sat"]),
        banners=[("city", ["gender"])],
        correlation_matrix=["age", "sat", "nps"],
    )
    chinese = narrative.format_report(summary)
    assert "样本量" in chinese and "== 横幅表 ==" in chinese
    monkeypatch.setattr(narrative_text, "LOCALE", "en")
    english = narrative.format_report(summary)
    assert english.startswith("Sample size: ")
    assert "== Banner tables ==" in english and "== Key drivers (nps" in english
    assert "{" not in english  # every placeholder filled
    assert english.count("\n") == chinese.count("\n")

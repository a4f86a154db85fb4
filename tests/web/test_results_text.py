"""Open answers on the results pages: listed newest first, searched, paged, with the
question's keywords and each answer's sentiment; escaped."""

from pathlib import Path

import numpy as np
import pytest

from tests.definitions import DEMO_LIKE
from tests.factories import make_published, submit_all
from tests.web.test_results import results_url, submit

DATA = Path(__file__).resolve().parents[1] / "data" / "sentiment"
HAPPY = "配送很快，骑手态度也好，饭菜还是热的，很满意。"
UNHAPPY = "配送太慢了，等了一个多小时，饭菜都凉了，非常失望。"
SHORT = "红包门槛过高，优惠券总是用不了。"


def _answer_rows(page: str) -> list[str]:
    body = page[page.index('id="text-answers"') :]
    return [
        cell.split("</td>", 1)[0]
        for cell in body.split('<td class="answer-text" style="white-space: pre-wrap">')[1:]
    ]


def test_open_answers_are_listed_newest_first_with_keywords_and_sentiment(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    for i, text in enumerate([HAPPY, UNHAPPY, SHORT] * 8 + [f"第25条：{HAPPY}"]):
        submit(client, questionnaire.slug, {"tier": "t1", "nps": i % 11, "why": text})
    submit(client, questionnaire.slug, {"tier": "t2", "nps": 5})  # no written answer
    auth.login("viewer@example.cn")
    summary = client.get(results_url(questionnaire, "/")).get_data(True)
    link = results_url(questionnaire, "/text/why")
    assert f'href="{link}"' in summary
    assert "查看全部 25 条文字回答" in summary and "CSV 中查看" not in summary

    page = client.get(link).get_data(True)
    assert "共 25 条文字回答，最新的在前。" in page
    rows = _answer_rows(page)
    assert len(rows) == 20  # a page
    assert rows[0] == f"第25条：{HAPPY}" and rows[1:4] == [SHORT, UNHAPPY, HAPPY]
    keywords = page[page.index('class="keywords"') :].split("</p>", 1)[0]
    assert "配送" in keywords and "饭菜" in keywords
    labels = page[page.index('id="text-answers"') :].split('class="badge sentiment-')[1:]
    assert [label.split('"', 1)[0] for label in labels[1:3]] == ["negative", "negative"]
    assert labels[3].startswith('positive"') and ">正面<" in labels[3]

    older = client.get(link + "?page=2").get_data(True)
    # the five oldest; the first answer submitted is the last shown
    assert _answer_rows(older) == [UNHAPPY, HAPPY, SHORT, UNHAPPY, HAPPY]


def test_the_search_keeps_the_answers_containing_the_text(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    for text in (HAPPY, UNHAPPY, SHORT):
        submit(client, questionnaire.slug, {"tier": "t1", "nps": 7, "why": text})
    auth.login("viewer@example.cn")
    page = client.get(results_url(questionnaire, "/text/why?q=红包")).get_data(True)
    assert _answer_rows(page) == [SHORT]
    assert "1 条回答包含“红包”。" in page
    assert 'value="红包"' in page
    page = client.get(results_url(questionnaire, "/text/why?q=饭菜")).get_data(True)
    assert _answer_rows(page) == [UNHAPPY, HAPPY]
    assert (
        _answer_rows(client.get(results_url(questionnaire, "/text/why?q=退款")).get_data(True))
        == []
    )


def test_open_answers_are_escaped(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    submit(
        client,
        questionnaire.slug,
        {"tier": "t1", "nps": 7, "why": "<script>alert('差评')</script>"},
    )
    auth.login("viewer@example.cn")
    page = client.get(results_url(questionnaire, "/text/why?q=<script>")).get_data(True)
    assert "<script>alert" not in page
    assert _answer_rows(page) == ["&lt;script&gt;alert(&#39;差评&#39;)&lt;/script&gt;"]


def test_keywords_are_kept_until_the_responses_change(client, auth, app, ctx):
    questionnaire = make_published(DEMO_LIKE)
    submit(client, questionnaire.slug, {"tier": "t1", "nps": 7, "why": HAPPY})
    auth.login("viewer@example.cn")
    cache = Path(app.instance_path) / "cache" / "texts" / f"q{questionnaire.id}"
    client.get(results_url(questionnaire, "/text/why"))
    client.get(results_url(questionnaire, "/text/why?page=1&q=配送"))
    assert len(list(cache.glob("*/*.json"))) == 1  # computed once for both views
    submit(client, questionnaire.slug, {"tier": "t1", "nps": 2, "why": UNHAPPY})
    page = client.get(results_url(questionnaire, "/text/why")).get_data(True)
    assert len(list(cache.glob("*/*.json"))) == 2  # a new response: computed again
    assert "失望" in page[page.index('class="keywords"') :].split("</p>", 1)[0]


def test_only_open_questions_have_an_answers_page(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    auth.login("viewer@example.cn")
    assert client.get(results_url(questionnaire, "/text/nps")).status_code == 404
    assert client.get(results_url(questionnaire, "/text/nosuch")).status_code == 404
    assert client.get(results_url(questionnaire, "/text/why")).status_code == 200


def test_open_answers_are_scored_by_the_model_adapted_to_all_the_answers(app, ctx):
    import pandas as pd

    from analysis.text.sentiment_model import shipped_model
    from analysis.text.sentiment_train import featurise
    from app.interviews import textmetrics
    from app.results import services, texts

    table = pd.read_csv(DATA / "survey_answers.tsv", sep="\t", comment="#")
    answers = table["text"].tolist()[:240]  # written for the project (tests/data/sentiment)
    questionnaire = make_published(DEMO_LIKE)
    submit_all(questionnaire, [{"tier": "t1", "nps": 5, "why": a} for a in answers])
    question = texts.open_questions(services.latest_definition(questionnaire))["why"]
    cache = Path(app.instance_path) / "cache" / "texts"
    listing = texts.text_answers(questionnaire, question, cache, per_page=len(answers))
    shown = [a.text for a in listing.answers]
    adapted = textmetrics.study_model(shown)  # every answer, in the page's order
    assert adapted is not shipped_model()
    expected = adapted.probabilities(featurise(shown))
    assert [a.sentiment for a in listing.answers] == pytest.approx(expected.tolist())
    shipped = shipped_model().probabilities(featurise(shown))
    assert np.max(np.abs(expected - shipped)) > 0.02  # the shipped model would not pass
    # a later page is scored by the same model
    page = texts.text_answers(questionnaire, question, cache, page=3, per_page=20)
    assert [a.sentiment for a in page.answers] == pytest.approx(expected[40:60].tolist())

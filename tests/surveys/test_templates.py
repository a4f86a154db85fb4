"""The shipped templates: each is a valid definition, in Chinese, and its logic works."""

from importlib import resources

import pytest

from surveys import Code, load_definition, validate_answers, validate_definition
from surveys.templates import TEMPLATE_IDS, list_templates, load_template


def test_registry_lists_every_template_file_once():
    files = {
        p.name.removesuffix(".json")
        for p in resources.files("surveys.templates").iterdir()
        if p.name.endswith(".json")
    }
    assert files == set(TEMPLATE_IDS)
    assert [t.id for t in list_templates()] == list(TEMPLATE_IDS)
    assert {"csat", "nps", "kano", "sus", "user_profile"} <= files


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_template_validates_without_errors_or_warnings(template_id):
    definition = load_template(template_id)
    assert validate_definition(definition) == []
    assert definition["language"] == "zh_CN"
    questionnaire = load_definition(definition)
    titles = [q.title for q in questionnaire.questions()] + [questionnaire.title]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles)


@pytest.mark.parametrize("info", list_templates(), ids=lambda t: t.id)
def test_listing_has_title_and_description(info):
    assert info.title and info.description


def test_load_template_returns_an_independent_copy():
    first = load_template("nps")
    first["title"] = "改过的标题"
    assert load_template("nps")["title"] == "净推荐值调查（NPS）"


def test_unknown_template():
    with pytest.raises(KeyError):
        load_template("no_such_template")


def test_sus_has_the_ten_standard_items_on_a_five_point_scale():
    sus = load_template("sus")["pages"][0]["questions"][1]
    assert [r["value"] for r in sus["rows"]] == [f"s{i}" for i in range(1, 11)]
    assert [o["value"] for o in sus["options"]] == ["1", "2", "3", "4", "5"]
    assert sus["rows"][0]["label"] == "我愿意经常使用这个系统。"


def test_nps_follow_up_depends_on_the_score():
    nps = load_template("nps")
    base = {"callback": "no"}
    low = validate_answers(nps, {**base, "nps": 3})
    assert low.codes == {"detractor_reason": Code.ANSWER_REQUIRED}
    high = validate_answers(nps, {**base, "nps": 10, "detractor_reason": "不会被保存"})
    assert high.ok
    assert "detractor_reason" not in high.cleaned
    assert "promoter_reason" in high.visible


def test_screener_skips_follow_up_for_non_users():
    screener = load_template("interview_screener")
    result = validate_answers(screener, {"consent": True, "usage": "never"})
    assert result.ok
    assert "willing" not in result.visible
    willing = validate_answers(
        screener,
        {"consent": True, "usage": "daily", "tenure": 12, "willing": "yes",
         "slots": ["weekend"], "name": "张女士", "phone": "13912345678"},
    )  # fmt: skip
    assert willing.ok, willing.codes


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_template_notes_for_researchers_are_not_the_respondents_introduction(template_id):
    """A template's scoring rule or purpose is for the researcher: it lives under `notes`,
    which the respondent's page never shows; `description` is the respondents' introduction."""
    definition = load_template(template_id)
    assert definition["notes"]
    assert "description" not in definition


def test_rating_end_labels_are_part_of_the_definition():
    definition = {
        "schema_version": 1,
        "title": "满意度",
        "pages": [{"id": "p1", "questions": [
            {"id": "sat", "type": "rating", "title": "您满意吗？", "max": 5,
             "min_label": "很不满意", "max_label": "很满意"},
        ]}],
    }  # fmt: skip
    assert validate_definition(definition) == []
    question = load_definition(definition).question("sat")
    assert (question.min_label, question.max_label) == ("很不满意", "很满意")


def test_csat_is_asked_as_a_rating_and_a_low_score_asks_why():
    csat = load_template("csat")
    assert csat["pages"][0]["questions"][0]["type"] == "rating"  # the engine's CSAT kind
    rows = ("quality", "price", "delivery", "support", "after_sales")
    base = {"aspects": dict.fromkeys(rows, "4"), "repurchase": "3"}
    assert validate_answers(csat, {**base, "csat": 2}).codes == {
        "unhappy_reasons": Code.ANSWER_REQUIRED
    }
    assert validate_answers(csat, {**base, "csat": 5}).ok

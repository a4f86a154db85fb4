"""The analysis builder page and its JSON endpoint: every kind of analysis on a real study,
the same dict as `python -m analysis stats --analysis`, and the web column of issue 20's
bad-input table (a translated message at the field, never a 500, never a bare p = 0)."""

import json
import random
import re
import subprocess
import sys

import pytest
from flask import current_app

from app.demo_answers import demo_answers
from app.questionnaires import services as questionnaires
from app.responses import submission
from tests.factories import make_published, study_with_roles
from tests.web.test_results import DEMO_LIKE, results_url, submit

pytestmark = pytest.mark.filterwarnings("ignore::analysis.stats.errors.StatsWarning")


def seed_app_satisfaction(count: int, seed: int = 7):
    """The demo questionnaire (app_satisfaction template) with `count` generated responses."""
    study, users = study_with_roles()
    owner = users["owner"]
    questionnaire = questionnaires.create_from_template(study, owner, "app_satisfaction")
    questionnaires.publish(questionnaire, owner)
    rng = random.Random(seed)
    for number in range(count):
        answers, _duration = demo_answers(rng)
        submission.submit(
            questionnaire.latest_version,
            f"test-{number}",
            answers,
            secret=current_app.config["SECRET_KEY"],
        )
    return questionnaire


@pytest.fixture
def satisfaction(ctx):
    return seed_app_satisfaction(120)


def page_text(reply) -> str:
    return re.sub(r"\s+", " ", reply.get_data(as_text=True))


def post_form(client, questionnaire, **fields):
    data = {"kind": "banner", **fields}
    return client.post(results_url(questionnaire, "/analysis"), data=data)


def post_json(client, questionnaire, spec):
    return client.post(results_url(questionnaire, "/analysis.json"), json=spec)


def test_the_builder_is_a_tab_of_the_questionnaire_and_offers_its_questions(
    client, auth, satisfaction
):
    auth.login("viewer@example.cn")
    summary = client.get(results_url(satisfaction, "/")).get_data(as_text=True)
    assert results_url(satisfaction, "/analysis") in summary
    page = page_text(client.get(results_url(satisfaction, "/analysis")))
    assert "分析" in page and "横幅表" in page
    assert 'value="user_type"' in page and "您使用我们的 App 多久了？" in page
    assert 'value="city_tier=tier3"' in page  # a filter value, under its question


def test_a_banner_shows_counts_percent_bases_and_the_letters_in_chinese(client, auth, satisfaction):
    auth.login("viewer@example.cn")
    reply = post_form(client, satisfaction, row="satisfaction", columns=["user_type", "city_tier"])
    assert reply.status_code == 200
    page = page_text(reply)
    assert "n = 120" in page
    spec = {"kind": "banner", "row": "satisfaction", "columns": ["user_type", "city_tier"]}
    table = post_json(client, satisfaction, spec).json["result"]
    columns = table["columns"]
    assert columns[0]["n"] == 120  # the total column
    assert sum(c["n"] for c in columns if c["question"] == "user_type") == 120
    # Counts and column % agree: percent = count / base of the column (hand check).
    for row in table["rows"]:
        for count, percent, column in zip(row["counts"], row["percent"], columns, strict=True):
            if column["n"]:
                assert percent == pytest.approx(100 * count / column["n"])
    assert "z 检验，Bonferroni 校正，α = 0.05; t 检验，Bonferroni 校正，α = 0.05" in page
    # The demo data make loyal users more satisfied than new ones: at least one letter.
    found = [(row, j) for row in table["rows"] for j, x in enumerate(row["letters"]) if x]
    mean_letters = table["mean"]["letters"]
    assert found or any(mean_letters)
    if found:
        row, j = found[0]
        said = f"{columns[j]['letter']} 列（{columns[j]['label']}）选“{row['label']}”的比例显著高于"
        letters = row["letters"][j]
    else:
        j = next(j for j, x in enumerate(mean_letters) if x)
        said = f"{columns[j]['letter']} 列（{columns[j]['label']}）的均值显著高于"
        letters = mean_letters[j]
    assert said in page
    assert f'<sub class="sig-letter fw-bold">{"".join(letters)}</sub>' in page


def test_compare_names_the_test_and_says_what_it_means(client, auth, satisfaction):
    auth.login("viewer@example.cn")
    page = page_text(post_form(client, satisfaction, kind="compare", metric="nps", by="user_type"))
    result = post_json(
        client, satisfaction, {"kind": "compare", "metric": "nps", "by": "user_type"}
    ).json
    assert result["result"]["test"] == "welch_anova"  # NPS is a number: means, three groups
    assert "Welch 方差分析" in page
    if result["result"]["p"] < 0.05:
        assert "差异显著：在 95 % 置信水平下" in page
    else:
        assert "差异不显著：在 95 % 置信水平下无法排除" in page
    assert "p = 0.000" not in page and "p = 0 " not in page


def test_two_groups_not_different_say_so_in_plain_chinese(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    for tier, nps in [("t1", 7), ("t1", 8), ("t1", 9), ("t2", 8), ("t2", 7), ("t2", 9)]:
        submit(client, questionnaire.slug, {"tier": tier, "nps": nps})
    auth.login("viewer@example.cn")
    page = page_text(post_form(client, questionnaire, kind="compare", metric="nps", by="tier"))
    # Identical samples: Welch's t = 0, p = 1 (hand computation: equal means).
    assert "差异不显著：在 95 % 置信水平下无法排除两组相同" in page
    assert "Welch t 检验" in page and "p = 1.000" in page
    assert "只有 3 个回答" in page  # small bases warned


def test_correlation_matrix_and_drivers_pages(client, auth, satisfaction):
    auth.login("viewer@example.cn")
    page = page_text(
        post_form(
            client, satisfaction, kind="correlation_matrix", questions=["nps", "satisfaction"]
        )
    )
    assert "Spearman 等级相关 ρ" in page and "Benjamini–Hochberg" in page
    page = page_text(
        post_form(client, satisfaction, kind="drivers", outcome="satisfaction", drivers=["aspects"])
    )
    assert "标准化线性回归" in page and "R² =" in page


def test_filter_and_flagged_toggle_change_the_base(client, auth, satisfaction):
    auth.login("viewer@example.cn")
    spec = {
        "kind": "banner",
        "row": "satisfaction",
        "columns": ["user_type"],
        "where": {"city_tier": ["tier1"]},
    }
    result = post_json(client, satisfaction, spec).json
    whole = post_json(client, satisfaction, {**spec, "where": {}}).json
    assert result["n"] + result["filtered_out"] == whole["n"] == 120
    assert 0 < result["n"] < 120
    page = page_text(
        post_form(
            client, satisfaction, row="satisfaction", columns=["user_type"],
            filter_question="city_tier", filter_values=["city_tier=tier1"],
        )
    )  # fmt: skip
    assert f"n = {result['n']}" in page
    flagged = post_json(client, satisfaction, {**spec, "exclude_flagged": True}).json
    assert flagged["n"] + flagged["excluded"] + flagged["filtered_out"] == 120


def test_the_json_endpoint_and_the_cli_agree_on_the_same_data(client, auth, satisfaction, tmp_path):
    auth.login("viewer@example.cn")
    spec = {
        "kind": "compare",
        "metric": "satisfaction",
        "by": "city_tier",
        "where": {"user_type": ["new", "loyal"]},
    }
    csv_file = tmp_path / "responses.csv"
    csv_file.write_bytes(client.get(results_url(satisfaction, "/responses.csv")).data)
    definition = tmp_path / "definition.json"
    definition.write_text(json.dumps(satisfaction.latest_version.definition), encoding="utf-8")
    for analysis in (
        spec,
        {"kind": "banner", "row": "satisfaction", "columns": ["city_tier", "age_group"]},
    ):
        spec_file = tmp_path / "spec.json"
        spec_file.write_text(json.dumps(analysis), encoding="utf-8")
        command = [sys.executable, "-m", "analysis", "stats", "--definition", str(definition)]
        command += ["--responses", str(csv_file), "--analysis", str(spec_file)]
        cli = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
        assert post_json(client, satisfaction, analysis).json == cli


# The web column of issue 20's bad-input table: (spec, field at fault, translated message).
BANNER = {"kind": "banner", "row": "satisfaction", "columns": ["city_tier"]}
WRONG_TYPE = "这种类型的问题不能用在这里"
BAD_SPECS = [
    ({**BANNER, "columns": []}, "columns", "请至少选择一个问题"),
    ({**BANNER, "row": "nope"}, "row", "“nope”不是本问卷的问题"),
    ({"kind": "compare", "metric": "suggestion", "by": "city_tier"}, "metric", WRONG_TYPE),
    ({"kind": "compare", "metric": "nps", "by": "features"}, "by", WRONG_TYPE),
    ({**BANNER, "row": "city_tier"}, "columns", "换一个问题"),
    ({**BANNER, "where": {"city_tier": ["moon"]}}, "where", "筛选后没有剩下任何回答"),
    ({**BANNER, "weighted": True}, "weighted", "尚未为本问卷设置权重：请先在“加权”页面设置"),
    ({"kind": "pie"}, "kind", "请选择一种分析"),
]


@pytest.mark.parametrize(("spec", "field", "message"), BAD_SPECS)
def test_bad_specs_get_a_translated_message_at_their_field(
    client, auth, satisfaction, spec, field, message
):
    auth.login("viewer@example.cn")
    reply = post_json(client, satisfaction, spec)
    assert reply.status_code == 422
    assert message in reply.json["errors"][field]


FORM_FIELDS = {"where": "filter_values"}


@pytest.mark.parametrize(("spec", "field", "message"), BAD_SPECS[:-1])
def test_bad_choices_in_the_form_keep_the_choices_and_say_why_at_the_field(
    client, auth, satisfaction, spec, field, message
):
    auth.login("viewer@example.cn")
    data = {k: v for k, v in spec.items() if k not in ("where", "weighted")}
    if "where" in spec:
        [(qid, values)] = spec["where"].items()
        data.update(filter_question=qid, filter_values=[f"{qid}={v}" for v in values])
    if spec.get("weighted"):
        data["weighted"] = "y"
    reply = post_form(client, satisfaction, **data)
    assert reply.status_code == 422
    page = page_text(reply)
    name = FORM_FIELDS.get(field, field)
    feedback = re.search(rf'id="{name}".*?invalid-feedback[^>]*>([^<]+)<', page)
    assert feedback and message in feedback.group(1), name
    assert 'value="user_type"' in page  # the choices are still offered
    if data.get("row") == "satisfaction":  # and what was chosen is still chosen
        row_select = re.search(r'<select[^>]*id="row".*?</select>', page).group(0)
        assert '<option selected value="satisfaction">' in row_select


def test_an_empty_study_says_there_is_nothing_yet(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    auth.login("viewer@example.cn")
    reply = post_form(client, questionnaire, row="tier", columns=["stars"])
    assert reply.status_code == 422
    assert "还没有可以分析的完整回答" in page_text(reply)
    json_reply = post_json(
        client, questionnaire, {"kind": "banner", "row": "tier", "columns": ["stars"]}
    )
    assert json_reply.status_code == 422 and json_reply.json["code"] == "no_responses"


def test_all_answers_missing_one_group_and_constant_answers(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    for nps in (5, 6, 9):  # stars never answered; one tier only; tier constant
        submit(client, questionnaire.slug, {"tier": "t1", "nps": nps})
    auth.login("viewer@example.cn")
    missing = post_form(client, questionnaire, row="stars", columns=["tier"])
    assert missing.status_code == 422
    assert "没有人回答这个问题" in page_text(missing)

    one_group = page_text(post_form(client, questionnaire, kind="compare", metric="nps", by="tier"))
    assert "只有一个组有两个或更多回答" in one_group
    assert "p =" not in one_group

    constant = page_text(
        post_form(client, questionnaire, kind="correlation_matrix", questions=["nps", "stars"])
    )
    assert "无法计算相关" in constant


def test_a_zero_count_row_is_shown_with_no_letters(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    for nps, stars in [(5, 4), (6, 5), (9, 4), (3, 5)]:  # nobody in tier t2
        submit(client, questionnaire.slug, {"tier": "t1", "nps": nps, "stars": stars})
    auth.login("viewer@example.cn")
    spec = {"kind": "banner", "row": "tier", "columns": ["stars"]}
    reply = post_json(client, questionnaire, spec)
    assert reply.status_code == 200
    [_t1, t2] = reply.json["result"]["rows"]
    assert (t2["value"], t2["counts"][0]) == ("t2", 0)
    assert not any(t2["letters"])
    page = page_text(post_form(client, questionnaire, row="tier", columns=["stars"]))
    assert "没有显著差异" in page


def test_zero_variance_groups_get_no_p_value(client, auth, ctx):
    questionnaire = make_published(DEMO_LIKE)
    for tier, nps in [("t1", 9), ("t1", 9), ("t1", 9), ("t2", 3), ("t2", 3)]:
        submit(client, questionnaire.slug, {"tier": tier, "nps": nps})
    auth.login("viewer@example.cn")
    page = page_text(post_form(client, questionnaire, kind="compare", metric="nps", by="tier"))
    assert "不给出 p 值" in page
    assert not re.search(r"p = 0(\.0+)?\b", page)


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("viewer", 200), ("researcher", 200), ("owner", 200)]
)
def test_the_builder_follows_study_membership(client, auth, satisfaction, who, status):
    auth.login(f"{who}@example.cn")
    assert client.get(results_url(satisfaction, "/analysis")).status_code == status
    spec = {"kind": "banner", "row": "satisfaction", "columns": ["city_tier"]}
    assert post_json(client, satisfaction, spec).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, satisfaction):
    assert client.get(results_url(satisfaction, "/analysis")).status_code == 302
    spec = {"kind": "banner", "row": "satisfaction", "columns": ["city_tier"]}
    assert post_json(client, satisfaction, spec).status_code in (302, 401)


def test_the_json_endpoint_refuses_what_is_not_json(client, auth, satisfaction):
    auth.login("viewer@example.cn")
    url = results_url(satisfaction, "/analysis.json")
    assert client.post(url, data="kind=banner").status_code == 415
    bad = client.post(url, data="{", content_type="application/json")
    assert bad.status_code == 400
    assert post_json(client, satisfaction, ["banner"]).status_code == 422


def test_weights_from_the_weighting_page_are_used_and_agree_with_the_cli(
    client, auth, ctx, tmp_path
):
    from tests.web.test_results_weighting import CELLS, PANEL, TARGETS

    questionnaire = make_published(PANEL)
    for gender, tier, count, stars in CELLS:
        for _ in range(count):
            submit(client, questionnaire.slug, {"gender": gender, "tier": tier, "stars": stars})
    auth.login("researcher@example.cn")
    assert client.post(results_url(questionnaire, "/weighting"), data=TARGETS).status_code == 302
    spec = {"kind": "banner", "row": "stars", "columns": ["gender"], "weighted": True}
    result = post_json(client, questionnaire, spec).json
    assert result["weighted"] and result["result"]["tests"]["proportions"] == "z_linearised"
    # Hand computation from the closed-form raked weights of test_results_weighting (.75 for
    # 男一线, 2 for 男二线, .5 for 女一线, 4/3 for 女二线): 男 = 4 × .75 at 5 stars + 1 × 2 at
    # 1 star, so 5 stars is 3 / 5 = 60 %; 女 = 2 × .5 at 4 stars + 3 × 4/3 at 2 stars: 20 %.
    rows = {row["value"]: row["percent"] for row in result["result"]["rows"]}
    male, female = (
        next(i for i, c in enumerate(result["result"]["columns"]) if c["value"] == v)
        for v in ("m", "f")
    )
    assert rows["5"][male] == pytest.approx(60.0) and rows["1"][male] == pytest.approx(40.0)
    assert rows["4"][female] == pytest.approx(20.0) and rows["2"][female] == pytest.approx(80.0)
    page = page_text(
        post_form(client, questionnaire, row="stars", columns=["gender"], weighted="y")
    )
    assert "加权 z 检验（基于抽样设计的标准误）" in page

    # The CLI with the same weights as a column of the CSV gives the same dict.
    from app.results.table import response_frame
    from app.results.weighting import current_weights

    weights = dict(
        zip(
            response_frame(questionnaire)["response_id"],
            current_weights(questionnaire, response_frame(questionnaire)),
            strict=True,
        )
    )
    csv_text = client.get(results_url(questionnaire, "/responses.csv")).data.decode("utf-8-sig")
    lines = csv_text.splitlines()
    lines[0] += ",w"
    for i in range(1, len(lines)):
        lines[i] += f",{float(weights[int(lines[i].split(',')[0])])!r}"
    (tmp_path / "r.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "d.json").write_text(json.dumps(questionnaire.latest_version.definition))
    (tmp_path / "s.json").write_text(json.dumps(spec))
    command = [sys.executable, "-m", "analysis", "stats", "--definition", str(tmp_path / "d.json")]
    command += ["--responses", str(tmp_path / "r.csv"), "--analysis", str(tmp_path / "s.json")]
    command += ["--weights", "w"]
    cli = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
    assert cli == result

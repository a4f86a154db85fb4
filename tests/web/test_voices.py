"""The coding grid of open answers: rows beside the segment answers under the findings
filters, bulk coding, coding by a rule after a preview, themes turned into codes, and code
frequency by segment with the engine's test."""

import re

import pytest
from scipy.stats import chi2_contingency

from analysis.findings.query import Query
from app.extensions import db
from app.interviews import coding
from app.models import AnswerCode, AuditEvent, Role
from app.voices import services
from tests.definitions import definition, long_text, single_choice
from tests.factories import make_published, make_study, make_user, submit_all

SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "三线")], required=True),
    long_text("why", "原因"),
    title="结账满意度",
)
DELIVERY = ["配送太慢了，等了五天", "物流配送慢，快递员也不打电话", "配送又慢了，物流不更新"]
PRICE = ["价格太贵，优惠券也用不了", "优惠券门槛太高，价格不划算", "价格偏贵，优惠券领不到"]


@pytest.fixture
def survey(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    study = make_study(owner, members={viewer: Role.VIEWER})
    questionnaire = make_published(SURVEY, study=study)
    answers = [{"tier": "t2", "why": DELIVERY[i % 3]} for i in range(12)]
    answers += [{"tier": "t1", "why": PRICE[i % 3]} for i in range(12)]
    answers += [{"tier": "t1", "why": DELIVERY[i % 3]} for i in range(3)]
    answers += [{"tier": "t1"}]  # no answer to the open question
    ids = submit_all(questionnaire, answers)
    coding.create_code(study, {"name": "配送慢"})
    coding.create_code(study, {"name": "价格"})
    return questionnaire, ids


def url(questionnaire, tail=""):
    return f"/studies/{questionnaire.study_id}/voices/{questionnaire.id}/why{tail}"


def code_id(questionnaire, name):
    return next(c.id for c in coding.codes_of(questionnaire.study) if c.name == name)


def coded(name):
    return sorted(
        a.response_id for a in db.session.scalars(db.select(AnswerCode)) if a.code.name == name
    )


def test_the_grid_lists_every_answer_with_its_segment_and_filters(client, auth, survey):
    questionnaire, ids = survey
    auth.login("viewer@example.cn")
    html = client.get(url(questionnaire)).get_data(as_text=True)
    assert "27 条回答" in html  # the response without an answer is not a row
    row = re.search(rf'<tr data-response="{ids[0]}">(.+?)</tr>', html, re.S).group(1)
    assert "配送太慢了" in row and "三线" in row
    only_t2 = client.get(url(questionnaire, "?seg.tier=t2")).get_data(as_text=True)
    assert "12 条回答" in only_t2
    searched = client.get(url(questionnaire, "?q=优惠券")).get_data(as_text=True)
    assert "12 条回答" in searched
    # a viewer reads but does not code
    assert 'id="autocode"' not in html
    assert client.post(url(questionnaire, "/codes"), data={"code_id": "1"}).status_code == 403


def test_ticked_answers_are_coded_and_uncoded_in_bulk(client, auth, survey):
    questionnaire, ids = survey
    auth.login("owner@example.cn")
    code = code_id(questionnaire, "配送慢")
    reply = client.post(
        url(questionnaire, "/codes"),
        data={"code_id": code, "apply": "1", "response_id": [ids[0], ids[1], ids[0]]},
    )
    assert reply.status_code == 302
    assert coded("配送慢") == [ids[0], ids[1]]
    again = client.post(
        url(questionnaire, "/codes"),
        data={"code_id": code, "apply": "1", "response_id": [ids[1], ids[2]]},
    )
    assert again.status_code == 302 and coded("配送慢") == ids[:3]  # ids[1] not twice
    client.post(
        url(questionnaire, "/codes"), data={"code_id": code, "remove": "1", "response_id": [ids[0]]}
    )
    assert coded("配送慢") == [ids[1], ids[2]]
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert actions.count("answer_code.apply") == 2 and "answer_code.remove" in actions
    html = client.get(url(questionnaire, "?code=uncoded")).get_data(as_text=True)
    assert "25 条回答" in html


def test_a_rule_is_previewed_then_applied_to_what_it_picked(client, auth, survey):
    questionnaire, ids = survey
    auth.login("owner@example.cn")
    code = code_id(questionnaire, "价格")
    form = {"method": "keyword", "rule": "优惠券", "code_id": code, "step": "preview"}
    preview = client.post(url(questionnaire), data=form).get_data(as_text=True)
    assert "该规则选中 12 条回答" in preview
    assert coded("价格") == []  # nothing applied by a preview
    done = client.post(url(questionnaire), data={**form, "step": "apply"})
    assert done.status_code == 302
    assert coded("价格") == sorted(ids[12:24])
    bad = client.post(url(questionnaire), data={**form, "method": "regex", "rule": "(优惠"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "invalid-feedback" in html and 'value="(优惠"' in html


def test_code_frequency_by_segment_carries_the_engines_test(client, auth, survey):
    questionnaire, ids = survey
    auth.login("owner@example.cn")
    code = code_id(questionnaire, "配送慢")
    delivery_ids = ids[:12] + ids[24:27]
    client.post(
        url(questionnaire, "/codes"),
        data={"code_id": code, "apply": "1", "response_id": delivery_ids},
    )
    html = client.get(url(questionnaire, "?by=tier")).get_data(as_text=True)
    table = html[html.index('id="code-frequencies"') :]
    # 三线: 12 of 12 coded; 一线: 3 of 15
    assert '配送慢</td><td class="text-end">15</td>' in table
    assert "一线 20%" in table and "三线 100%" in table
    # the engine's Pearson chi-square of coded × tier, as scipy computes it
    p = chi2_contingency([[3, 12], [12, 0]], correction=False)[1]
    assert p < 0.001 and "各组之间有差异（p &lt; 0.001）" in table


def test_a_theme_becomes_a_code_on_its_answers(client, auth, survey):
    questionnaire, ids = survey
    auth.login("owner@example.cn")
    html = client.get(url(questionnaire, "?themes=1")).get_data(as_text=True)
    themes = re.findall(
        r'<div class="mb-3 theme" data-theme="(\d+)">\s*<p class="mb-1"><strong>(.+?)</strong>',
        html,
    )
    assert len(themes) >= 2
    index = next(i for i, name in themes if "价格" in name or "优惠券" in name)
    reply = client.post(url(questionnaire, "/themes"), data={"theme": index, "name": "价格太贵"})
    assert reply.status_code == 302
    assert coded("价格太贵") == sorted(ids[12:24])
    again = client.post(url(questionnaire, "/themes"), data={"theme": index, "name": "价格太贵"})
    assert again.status_code == 302  # the name is taken: said, nothing made
    assert len([c for c in coding.codes_of(questionnaire.study) if c.name == "价格太贵"]) == 1


def test_the_aspects_of_the_answers_by_segment(client, auth, survey):
    questionnaire, _ids = survey
    auth.login("viewer@example.cn")
    html = client.get(url(questionnaire)).get_data(as_text=True)
    assert 'id="aspect-table"' not in html  # shown when asked for
    html = client.get(url(questionnaire, "?aspects=1&aspects_by=tier")).get_data(as_text=True)
    table = html[html.index('id="aspect-table"') :]
    # by hand: 配送太慢了 (t2 ×4) and 配送又慢了 (t2 ×4, t1 ×1) mention 配送, and 配送太慢了 t1 ×1
    row = re.search(r'<tr data-aspect="配送">(.+?)</tr>', table, re.S).group(1)
    cells = re.findall(r'<td class="text-end text-nowrap"[^>]*>(.+?)</td>', row)
    assert cells == ["负面 10 / 正面 0", "负面 2 / 正面 0", "负面 8 / 正面 0"]  # all, 一线, 三线
    assert '<th class="text-end">一线</th><th class="text-end">三线</th>' in table


def test_two_themes_merged_into_one_code_and_a_theme_split_in_two(client, auth, survey):
    questionnaire, _ids = survey
    auth.login("owner@example.cn")
    html = client.get(url(questionnaire, "?themes=1")).get_data(as_text=True)
    themes = re.findall(r'data-theme="(\d+)"', html)
    assert len(themes) >= 2 and "合并" in html
    reply = client.post(
        url(questionnaire, "/themes"), data={"theme": 0, "merge_with": 1, "name": "全部问题"}
    )
    assert reply.status_code == 302
    question = services.open_questions(questionnaire)[0]
    rows = services.grid(questionnaire, question, Query.of({})).rows
    found = services.themes_of(rows)
    union = {rows[i].response_id for i in found[0].members + found[1].members}
    assert coded("全部问题") == sorted(union)
    # a split shows two parts, the same each time, and a part becomes a code on its answers
    page = client.get(url(questionnaire, "?themes=1&split=0")).get_data(as_text=True)
    again = client.get(url(questionnaire, "?themes=1&split=0")).get_data(as_text=True)
    parts = re.findall(r'data-part="(\d)">\s*<p class="small mb-1"><strong>(.+?)</strong>', page)
    assert parts == re.findall(
        r'data-part="(\d)">\s*<p class="small mb-1"><strong>(.+?)</strong>', again
    )
    split = services.split_of(rows, found[0])
    assert [p.label for p in split] == [label for _, label in parts] and len(parts) == 2
    client.post(url(questionnaire, "/themes"), data={"theme": 0, "part": 0, "name": "一部分"})
    assert coded("一部分") == sorted(rows[i].response_id for i in split[0].members)
    bad = {"theme": 0, "merge_with": 9, "name": "x"}
    assert client.post(url(questionnaire, "/themes"), data=bad).status_code == 302
    assert "x" not in {c.name for c in coding.codes_of(questionnaire.study)}


@pytest.mark.parametrize("back", ["/\\evil.example", "//evil.example", "https://evil.example"])
def test_bulk_coding_never_goes_back_to_another_site(client, auth, survey, back):
    questionnaire, ids = survey
    auth.login("owner@example.cn")
    reply = client.post(
        url(questionnaire, "/codes"),
        data={"code_id": code_id(questionnaire, "配送慢"), "apply": "1", "response_id": [ids[0]],
              "back": back},
    )  # fmt: skip
    assert reply.status_code == 302 and reply.headers["Location"] == "/studies/"

"""The study dashboard (发现): key metrics with intervals and n, segment filters that apply to
every number, figures under the minimum n greyed, the quality switch, responses per day and the
drop-off per page, and the owner's settings."""

import re

import numpy as np
import pytest

from analysis.stats.quality import flag_responses
from analysis.stats.table import prepare_frame
from app.extensions import db
from app.models import AuditEvent, Role
from app.responses.drafts import save_partial
from app.results.table import response_frame
from tests.definitions import definition, nps, page, rating, short_text, single_choice
from tests.factories import make_published, make_study, make_user, submit_all

SURVEY = definition(
    page(
        "p1",
        single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
        nps(required=True),
        title="基本",
    ),
    page("p2", rating(), short_text("why", "原因"), title="体验"),
    title="外卖 App 满意度",
)
# 40 一线 respondents: 24 promoters, 8 passives, 8 detractors (NPS +40);
# 20 二线 respondents: 4 promoters, 6 passives, 10 detractors (NPS −30).
TIER_1 = [10] * 24 + [8] * 8 + [3] * 8
TIER_2 = [9] * 4 + [7] * 6 + [2] * 10


@pytest.fixture
def survey(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    study = make_study(owner, members={viewer: Role.VIEWER})
    questionnaire = make_published(SURVEY, study=study)
    answers = [{"tier": "t1", "nps": s, "stars": 4} for s in TIER_1] + [
        {"tier": "t2", "nps": s, "stars": 2, "why": "配送太慢了，客服也很难联系"} for s in TIER_2
    ]
    submit_all(questionnaire, answers)
    return questionnaire


def url(questionnaire, tail=""):
    return f"/studies/{questionnaire.study_id}/findings/{questionnaire.id}/{tail}"


def metric_card(html: str, spec: str) -> str:
    start = html.rindex("<div", 0, html.index(f'data-metric="{spec}"'))
    return html[start : html.index("</div>\n    </div>", start)]


def nps_by_hand(scores):
    scores = np.asarray(scores)
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def test_the_dashboard_shows_each_key_metric_with_its_interval_and_n(client, auth, survey):
    auth.login("viewer@example.cn")
    html = client.get(url(survey)).get_data(as_text=True)
    card = metric_card(html, "nps:nps")
    assert f"{nps_by_hand(TIER_1 + TIER_2):+.0f}" in card  # +17
    assert "n=60" in card and "95%" in card
    csat = metric_card(html, "csat:stars")
    assert "66.7%" in csat  # the 40 who gave 4 of 5 stars
    assert "metric-small" not in html
    assert "全部 60 份完整回答" in html


def test_a_segment_filter_applies_to_every_number_and_says_how_many_remain(client, auth, survey):
    auth.login("viewer@example.cn")
    html = client.get(url(survey, "?seg.tier=t2")).get_data(as_text=True)
    assert "60 份完整回答中剩余 20 份" in html
    card = metric_card(html, "nps:nps")
    assert f"{nps_by_hand(TIER_2):+.0f}" in card and "n=20" in card
    # 20 is under the study's minimum n of 30: greyed, with the reason
    assert "metric-small" in card
    assert "仅 20 份回答，少于最低样本量 30" in html
    at = html.index('id="question-nps"')
    assert "question-small" in html[html.rindex("<section", 0, at) : at]
    assert "n=20" in html[at : at + 400]
    # the filter's own checkbox stays ticked
    assert re.search(r'name="seg.tier" value="t2" checked', html)
    both = client.get(url(survey, "?seg.tier=t1&seg.tier=t2")).get_data(as_text=True)
    assert "n=60" in metric_card(both, "nps:nps")


def test_the_quality_switch_leaves_out_the_flagged_responses(client, auth, survey):
    auth.login("viewer@example.cn")
    definition_ = survey.published_version.definition
    flagged = int(
        flag_responses(definition_, prepare_frame(definition_, response_frame(survey)))[
            "flagged"
        ].sum()
    )
    html = client.get(url(survey, "?exclude_flagged=1")).get_data(as_text=True)
    assert f"60 份完整回答中剩余 {60 - flagged} 份" in html
    assert 'id="exclude_flagged" name="exclude_flagged" value="1" checked' in html


def test_responses_per_day_median_duration_and_the_drop_off_per_page(client, auth, survey):
    version = survey.latest_version
    for _ in range(3):  # three left on the second page, one on the first
        save_partial(
            version,
            None,
            {"tier": "t1", "nps": 5},
            page_id="p2",
            invitation_hash=None,
            consent=None,
        )
    save_partial(version, None, {}, page_id="p1", invitation_hash=None, consent=None)
    db.session.commit()
    auth.login("viewer@example.cn")
    html = client.get(url(survey)).get_data(as_text=True)
    funnel = html[html.index('id="page-funnel"') :]
    cell = r"<td class=\"text-end\">(.+?)</td>"
    rows = re.findall(rf"<tr><td>(.+?)</td>{cell}{cell}{cell}</tr>", funnel)
    # 64 started; 1 left on 基本 (63 went on), 3 left on 体验 (60 of 63 finished)
    assert rows[:2] == [("基本", "64", "1", "98.4%"), ("体验", "63", "3", "95.2%")]
    per_day = html[html.index('id="responses-per-day"') : html.index('id="page-funnel"')]
    assert re.search(r"<td class=\"text-end\">60</td>", per_day)
    assert 'id="median-duration"' in per_day


def test_the_owner_picks_the_key_metrics_and_the_minimum_n(client, auth, survey):
    auth.login("viewer@example.cn")
    assert client.get(url(survey, "settings")).status_code == 403
    auth.logout()
    auth.login("owner@example.cn")
    page_ = client.get(url(survey, "settings")).get_data(as_text=True)
    assert 'value="mean:stars"' in page_
    reply = client.post(
        url(survey, "settings"), data={"metrics": ["mean:stars", "nps:nps"], "min_n": "10"}
    )
    assert reply.status_code == 302
    db.session.refresh(survey)
    assert survey.key_metrics == [
        {"kind": "mean", "question": "stars"},
        {"kind": "nps", "question": "nps"},
    ]
    assert survey.study.min_n == 10
    actions = {e.action for e in db.session.scalars(db.select(AuditEvent))}
    assert {"findings.key_metrics", "study.min_n"} <= actions
    html = client.get(url(survey, "?seg.tier=t2")).get_data(as_text=True)
    mean = metric_card(html, "mean:stars")
    assert "2.00" in mean and "metric-small" not in mean  # 20 ≥ the new minimum of 10
    assert 'data-metric="csat:stars"' not in html


def test_a_bad_minimum_n_is_refused_beside_the_field_keeping_the_choices(client, auth, survey):
    auth.login("owner@example.cn")
    reply = client.post(url(survey, "settings"), data={"metrics": ["mean:stars"], "min_n": "0"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "invalid-feedback" in html
    assert re.search(r'value="mean:stars"\s+checked|checked[^>]*value="mean:stars"', html)


def test_a_questionnaire_of_another_study_is_not_found(client, auth, survey):
    make_user("other@example.cn")
    other = make_study(make_user("stranger@example.cn"))
    auth.login("viewer@example.cn")
    assert client.get(f"/studies/{survey.study_id}/findings/{survey.id + 999}/").status_code == 404
    assert client.get(f"/studies/{other.id}/findings/{survey.id}/").status_code in (403, 404)


def test_the_aspects_of_the_open_answers_are_counted_under_the_filters(client, auth, survey):
    auth.login("viewer@example.cn")
    html = client.get(url(survey)).get_data(as_text=True)
    voices = html[html.index('id="voices"') :]
    delivery = voices[voices.index('data-aspect="配送"') :][:300]
    assert "负面 20</span>" in delivery and "正面 0</span>" in delivery
    assert 'data-aspect="客服"' in voices
    only_t1 = client.get(url(survey, "?seg.tier=t1")).get_data(as_text=True)
    assert 'id="voices"' not in only_t1  # 一线 respondents wrote nothing

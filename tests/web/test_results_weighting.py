"""The weighting page: targets saved and audited, the raking result shown, bad input kept with a
message at its field, the summary's weights switch, and who may do what."""

import re

import numpy as np
import pytest

from app.extensions import db
from app.models import AuditEvent, WeightingScheme
from app.results import weighting
from app.results.table import response_frame
from tests.conftest import make_app
from tests.definitions import definition, page, rating, single_choice
from tests.factories import make_published, make_study, make_user
from tests.web.test_results import results_url, submit

PANEL = definition(
    page(
        "p1",
        single_choice("gender", "性别", [("m", "男"), ("f", "女")], required=True),
        single_choice(
            "tier",
            "城市等级",
            [("t1", "一线"), ("t2", "二线"), ("t3", "三线及以下")],
            required=True,
        ),
        rating(),
        title="基本信息",
    ),
    title="城市消费者调查",
)
# The closed-form 2×2 of tests/analysis/stats/test_stats_raking.py, in 10 responses:
# (男, 一线) 4, (男, 二线) 1, (女, 一线) 2, (女, 二线) 3; nobody in 三线.
CELLS = [("m", "t1", 4, 5), ("m", "t2", 1, 1), ("f", "t1", 2, 4), ("f", "t2", 3, 2)]
TARGETS = {
    "use-gender": "1",
    "target-gender-0": "50",
    "target-gender-1": "50",
    "use-tier": "1",
    "target-tier-0": "40",
    "target-tier-1": "60",
    "target-tier-2": "0",
}


@pytest.fixture
def panel(ctx, client):
    questionnaire = make_published(PANEL)
    for gender, tier, count, stars in CELLS:
        for _ in range(count):
            submit(client, questionnaire.slug, {"gender": gender, "tier": tier, "stars": stars})
    return questionnaire


def page(client, questionnaire):
    return client.get(results_url(questionnaire, "/weighting")).get_data(as_text=True)


def test_the_form_is_prefilled_with_the_samples_shares(client, auth, panel):
    auth.login("researcher@example.cn")
    html = page(client, panel)
    assert re.search(r'name="target-gender-0"[^>]*value="50.0"', html)  # 5 of 10 are 男
    assert re.search(r'name="target-tier-0"[^>]*value="60.0"', html)  # 6 of 10 in 一线
    assert re.search(r'name="target-tier-2"[^>]*value="0.0"', html)
    assert "加权" in html


def test_saving_a_scheme_rakes_audits_and_shows_the_diagnostics(client, auth, panel):
    auth.login("researcher@example.cn")
    reply = client.post(results_url(panel, "/weighting"), data=TARGETS, follow_redirects=True)
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    # Weights .75, 2, .5, 4/3 per cell (closed form): Kish deff = 1.2083, n_eff = 10/1.2083.
    assert re.search(r'id="design-effect">1\.21<', html)
    assert re.search(r'id="effective-n">8\.3 / 10<', html)
    assert "0.500 – 2.000" in html
    assert "设计效应" in html and "有效样本量" in html
    assert "60.0 %" in html and "40.0 %" in html  # 一线: sample 60 %, target and raked 40 %

    db.session.expire_all()
    scheme = db.session.scalar(db.select(WeightingScheme))
    assert scheme.targets() == {
        "gender": {"m": 0.5, "f": 0.5},
        "tier": {"t1": 0.4, "t2": 0.6, "t3": 0.0},
    }
    assert scheme.updated_by.email == "researcher@example.cn"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "weighting.save"))
    assert event.study_id == panel.study_id and "before" not in event.detail  # a first scheme
    assert event.detail["after"]["trim"] is None


def test_current_weights_are_aligned_with_the_response_frame(client, auth, panel):
    assert weighting.current_weights(panel, response_frame(panel)) is None
    auth.login("researcher@example.cn")
    client.post(
        results_url(panel, "/weighting"), data={**TARGETS, "trim_low": "0.3", "trim_high": "1.8"}
    )
    db.session.expire_all()
    frame = response_frame(panel)
    weights = weighting.current_weights(panel, frame)
    # Trimmed at 1.8 × the mean, the hand solution of test_stats_raking: .8, 1.8, .4, 1.4.
    expected = {("m", "t1"): 0.8, ("m", "t2"): 1.8, ("f", "t1"): 0.4, ("f", "t2"): 1.4}
    wanted = [expected[g, t] for g, t in zip(frame["gender"], frame["tier"], strict=True)]
    assert np.allclose(weights, wanted, rtol=1e-4)  # the margins are met to 1e-6


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("target-gender-0", "一半", "不是数字"),
        ("target-gender-0", "-5", "不能为负"),
        ("target-tier-2", "10", "没有人选择"),
        ("trim_high", "0.5", "至少为 1"),
    ],
)
def test_bad_input_is_kept_and_messaged_at_its_field(client, auth, panel, field, typed, message):
    auth.login("researcher@example.cn")
    reply = client.post(results_url(panel, "/weighting"), data={**TARGETS, field: typed})
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert re.search(rf'name="{field}"[^>]*value="{re.escape(typed)}"', html)
    feedback = re.search(rf'name="{field}".*?invalid-feedback">([^<]*)<', html, re.S).group(1)
    assert message in feedback
    assert db.session.scalar(db.select(WeightingScheme)) is None


def test_shares_not_adding_to_100_are_refused_at_the_question(client, auth, panel):
    auth.login("researcher@example.cn")
    data = {**TARGETS, "target-gender-0": "45", "target-gender-1": "50"}
    reply = client.post(results_url(panel, "/weighting"), data=data)
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "合计为 95 %" in html
    assert re.search(r'name="target-gender-0"[^>]*value="45"', html)


def test_the_summary_switches_weights_on_and_off(client, auth, panel):
    auth.login("researcher@example.cn")
    unweighted = client.get(results_url(panel, "/")).get_data(as_text=True)
    assert 'id="weights-switch"' not in unweighted  # no scheme yet
    client.post(results_url(panel, "/weighting"), data=TARGETS)
    off = client.get(results_url(panel, "/")).get_data(as_text=True)
    on = client.get(results_url(panel, "/?weighted=1")).get_data(as_text=True)
    assert "加权：关" in off and "加权：开" in on
    # 一线 is 6 of the 10 responses (60 %) and 40 % of the weight.
    tier = re.compile(r'id="summary-tier".*?</section>', re.S)
    first_tier = '一线</td><td class="text-end">6</td><td class="text-end">{}</td>'
    assert first_tier.format("60.0%") in tier.search(off).group(0)
    assert first_tier.format("40.0%") in tier.search(on).group(0)


def test_a_response_the_scheme_does_not_fit_shows_unweighted_with_a_warning(client, auth, panel):
    auth.login("researcher@example.cn")
    client.post(results_url(panel, "/weighting"), data=TARGETS)
    auth.logout()
    submit(client, panel.slug, {"gender": "f", "tier": "t3", "stars": 3})  # 三线: target 0
    auth.login("researcher@example.cn")
    summary = client.get(results_url(panel, "/?weighted=1")).get_data(as_text=True)
    assert 'id="weighting-problem"' in summary and "以下为未加权结果" in summary
    assert "加权：关" in summary
    weighting_page = page(client, panel)
    assert "已保存的加权目标与现有答卷不再匹配" in weighting_page
    assert "“城市等级”的答案与已保存的加权目标不再匹配" in weighting_page


@pytest.mark.parametrize(("member", "status"), [("viewer", 403), ("outsider", 404)])
def test_only_members_who_edit_may_save(client, auth, panel, member, status):
    auth.login(f"{member}@example.cn")
    assert client.post(results_url(panel, "/weighting"), data=TARGETS).status_code == status
    assert db.session.scalar(db.select(WeightingScheme)) is None
    viewing = client.get(results_url(panel, "/weighting")).status_code
    assert viewing == (200 if member == "viewer" else 404)


def test_another_users_study_is_refused(client, auth, panel):
    theirs = make_published(PANEL, study=make_study(make_user("zhang.wei@example.cn")))
    auth.login("researcher@example.cn")  # a member of the panel's study only
    assert client.get(results_url(theirs, "/weighting")).status_code == 404
    assert client.post(results_url(theirs, "/weighting"), data=TARGETS).status_code == 404
    # Their questionnaire under our study's address is not found either.
    crossed = f"/studies/{panel.study_id}/questionnaires/{theirs.id}/results/weighting"
    assert client.post(crossed, data=TARGETS).status_code == 404
    assert db.session.scalar(db.select(WeightingScheme)) is None


def test_saving_needs_the_csrf_token(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        questionnaire = make_published(PANEL)
        url = results_url(questionnaire, "/weighting")
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post(
            "/login",
            data={
                "email": "owner@example.cn",
                "password": "correct horse battery",
                "csrf_token": token,
            },
        )
        assert client.post(url, data=TARGETS).status_code == 400
        db.session.remove()
        db.engine.dispose()

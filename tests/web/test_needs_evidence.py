"""Evidence behind a need: an insight, a question's result, a Kano question, coded answers and
an interview highlight, each with a snapshot that stays while today's value moves; the
opportunity score from linked importance and satisfaction questions; and, once done, the
outcome metric before and after in the next wave with the difference and its interval."""

import numpy as np
import pytest
from scipy import stats

from analysis.findings.query import Query
from app.extensions import db
from app.findings import insights as insight_service
from app.findings.waves import start_next_wave
from app.interviews import coding
from app.models import AuditEvent, Need, NeedEvidence, NeedStatus, Role
from app.questionnaires import services as questionnaires
from app.responses import submission
from app.voices import services as voices
from tests import definitions as d
from tests.factories import (
    make_code,
    make_interview,
    make_published,
    make_study,
    make_user,
    submit_all,
)

SURVEY = d.definition(
    d.page(
        "p1",
        d.rating("imp", "保存地址有多重要"),
        d.rating("sat", "对现在的地址填写满意吗"),
        d.kano("k", "保存常用地址"),
        d.short_text("why", "还有什么想说的"),
        d.single_choice("tier", "城市", [("t1", "一线"), ("t2", "二线")]),
    ),
    title="结账体验",
)
# 20 respondents: importance top-2 box 17/20 = 85%, satisfaction 7/20 = 35%
IMP = [5] * 10 + [4] * 7 + [2] * 3
SAT = [4] * 7 + [2] * 13


def answers(imp, sat, why="", tier="t1"):
    return {
        "imp": imp,
        "sat": sat,
        "k": {"functional": "like", "dysfunctional": "neutral"},
        "why": why,
        "tier": tier,
    }


@pytest.fixture
def survey(ctx):
    owner = make_user("owner@example.cn")
    pm = make_user("pm@example.cn")
    study = make_study(owner, members={pm: Role.PRODUCT_MANAGER})
    questionnaire = make_published(SURVEY, study=study)
    whys = ["每次都要重新填地址"] * 6 + [""] * 14
    tiers = ["t1"] * 10 + ["t2"] * 10  # satisfied: 7 of 10 in 一线, none in 二线
    rows = zip(IMP, SAT, whys, tiers, strict=True)
    submit_all(questionnaire, [answers(i, s, w, t) for i, s, w, t in rows])
    return questionnaire


def more(questionnaire, answer_sets, tag):
    """Further responses, with keys of their own (`submit_all` reuses its keys)."""
    version = questionnaire.latest_version
    for i, values in enumerate(answer_sets):
        submission.submit(version, f"{tag}-{questionnaire.id}-{i}", values, secret="s")


def need_of(study, **fields):
    need = Need(study_id=study.id, **({"statement": "结账时保存常用地址"} | fields))
    db.session.add(need)
    db.session.commit()
    return need


def need_url(need, tail=""):
    return f"/studies/{need.study_id}/needs/{need.id}{tail}"


def link(client, need, kind, ref):
    response = client.post(need_url(need, "/evidence"), data={"kind": kind, "ref": ref})
    assert response.status_code == 302
    return db.session.scalars(db.select(NeedEvidence).order_by(NeedEvidence.id.desc())).first()


def test_the_opportunity_score_reads_the_linked_questions(client, auth, survey):
    need = need_of(
        survey.study,
        importance={"questionnaire": survey.id, "question": "imp"},
        satisfaction={"questionnaire": survey.id, "question": "sat"},
    )
    auth.login("pm@example.cn")
    html = client.get(need_url(need)).get_data(as_text=True)
    # 8.5 + max(8.5 − 3.5, 0) = 13.5, by hand from the planted answers
    assert "8.5 + max(8.5 − 3.5, 0) = <strong>13.5</strong>" in html
    assert "13.5</strong>\n    \n      (机会分)" in html or "(机会分)" in html


def test_a_question_snapshot_stays_while_todays_value_moves(client, auth, survey):
    need = need_of(survey.study)
    auth.login("pm@example.cn")
    item = link(client, need, "question", f"{survey.id}:top2:imp")
    assert item.snapshot["value"] == pytest.approx(85.0) and item.snapshot["n"] == 20
    more(survey, [answers(1, 1)] * 5, "later")  # 17 of 25 now
    db.session.expire_all()
    assert item.snapshot["value"] == pytest.approx(85.0)
    html = client.get(need_url(need)).get_data(as_text=True)
    row = html[html.index(f'data-evidence="{item.id}"') :][:1500]
    assert "85.0" in row.split('class="live"')[0] and "n=20" in row.split('class="live"')[0]
    assert "68.0" in row.split('class="live"')[1] and "n=25" in row.split('class="live"')[1]


def test_a_linked_kano_question_sets_the_category(client, auth, survey):
    need = need_of(survey.study, kano="M")
    auth.login("pm@example.cn")
    item = link(client, need, "question", f"{survey.id}:kano:k")
    assert item.snapshot["category"] == "A"  # like + neutral: attractive
    html = client.get(need_url(need)).get_data(as_text=True)
    assert "魅力型 (来自关联的 Kano 题)" in html


def test_coded_answers_give_the_frequency_and_reach(client, auth, survey):
    code = make_code(survey.study, "地址")
    ids = [r for r in voices.grid(survey, voices.open_questions(survey)[0], Query()).rows if r.text]
    voices.apply_code(survey, "why", [r.response_id for r in ids], code, survey.study.created_by)
    need = need_of(survey.study)
    auth.login("pm@example.cn")
    item = link(client, need, "answer_code", f"{survey.id}:{code.id}")
    assert item.snapshot == {"code": "地址", "frequency": 6, "base": 20, "reach": 30.0}
    html = client.get(need_url(need)).get_data(as_text=True)
    assert "20 位受访者中的 6 位" in html and "覆盖率 30.0%" in html


def test_an_insight_and_a_highlight_are_linked_with_their_text(client, auth, survey):
    study = survey.study
    study.min_n = 5  # 10 respondents a side
    db.session.commit()
    scan = insight_service.run_scan(survey, Query(), None)
    interview = make_interview(study, "访谈员：结账怎么样？\n受访者：每次都要重新填地址，很烦。\n")
    turn = next(t for t in interview.turns if not t.is_interviewer)
    [highlight] = coding.add_highlights(
        study, turn, study.created_by, 0, 9, [make_code(study, "地址")]
    )
    need = need_of(study)
    auth.login("owner@example.cn")
    item = link(client, need, "highlight", str(highlight.id))
    assert item.snapshot["text"] == "每次都要重新填地址"
    insight = scan.insights[0]
    item = link(client, need, "insight", f"{survey.id}:{insight.id}")
    assert item.snapshot["sentence"] and item.snapshot["claim"] == insight.claim
    html = client.get(need_url(need)).get_data(as_text=True)
    assert "“每次都要重新填地址”" in html and "1 场访谈" in html
    assert item.snapshot["sentence"] in html
    links = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "need.link"))
    assert [e.detail["kind"] for e in links] == ["highlight", "insight"]


def test_a_need_starts_from_a_quote(client, auth, survey):
    study = survey.study
    interview = make_interview(study, "访谈员：结账怎么样？\n受访者：每次都要重新填地址，很烦。\n")
    turn = next(t for t in interview.turns if not t.is_interviewer)
    [highlight] = coding.add_highlights(
        study, turn, study.created_by, 0, 9, [make_code(study, "地址")]
    )
    auth.login("owner@example.cn")
    page = client.get(f"/studies/{study.id}/needs/new?kind=highlight&ref={highlight.id}")
    assert "每次都要重新填地址" in page.get_data(as_text=True)
    client.post(
        f"/studies/{study.id}/needs/new?kind=highlight&ref={highlight.id}",
        data={
            "statement": "保存地址",
            "type": "explicit",
            "kind": "functional",
            "kano": "",
            "owner_id": "0",
        },
    )
    need = db.session.scalars(db.select(Need)).one()
    assert [e.kind.value for e in need.evidence] == ["highlight"]


def test_a_done_need_shows_its_metric_before_and_after_the_next_wave(client, auth, survey):
    study = survey.study
    need = need_of(
        study,
        status=NeedStatus.DONE,
        outcome={"questionnaire": survey.id, "kind": "top2", "question": "sat"},
    )
    auth.login("pm@example.cn")
    html = client.get(need_url(need)).get_data(as_text=True)
    assert 'id="before-after-waiting"' in html
    wave = start_next_wave(survey, study.created_by)
    questionnaires.publish(wave, study.created_by)
    after = [4] * 15 + [2] * 5  # satisfaction top-2 box 35% → 75%
    submit_all(wave, [answers(5, s) for s in after], secret="wave2")
    html = client.get(need_url(need)).get_data(as_text=True)
    assert 'id="before-after"' in html
    # the edit form still shows the outcome of wave 1, though its choices are wave 2's
    assert f'<option selected value="{survey.id}:top2:sat">' in html
    block = html[html.index('id="before-after"') :][:1200]
    assert "35.0 (n=20)" in block and "75.0 (n=20)" in block and "+40.0" in block

    # Newcombe's interval for 0.75 − 0.35 (Wilson limits, by hand)
    def wilson(x, n):
        z, p = stats.norm.ppf(0.975), x / n
        centre, half = p + z * z / (2 * n), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)

    (l1, u1), (l2, u2) = wilson(7, 20), wilson(15, 20)
    d = 0.4
    low = d - np.sqrt((0.75 - l2) ** 2 + (u1 - 0.35) ** 2)
    high = d + np.sqrt((u2 - 0.75) ** 2 + (0.35 - l1) ** 2)
    assert f"[{low * 100:.1f}, {high * 100:.1f}]" in block

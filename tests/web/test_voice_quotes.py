"""The quotes view (issue 23.5): survey answers and interview highlights beside who said them,
de-identified by default, filtered, and starred as evidence (`starred_quotes`)."""

import re

import pytest

from app.extensions import db
from app.interviews import coding
from app.interviews.privacy import update_policy
from app.models import AuditEvent, ConsentStatus, EvidenceQuote, Interview, Role
from app.voices.quotes import starred_quotes
from tests.definitions import definition, long_text, single_choice
from tests.factories import (
    make_code,
    make_interview,
    make_published,
    make_study,
    make_user,
    study_with_roles,
    submit_all,
)

SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "三线")], required=True),
    long_text("why", "原因"),
    title="结账满意度",
)
TRANSCRIPT = (
    "访谈员：您觉得红包怎么样？\n"
    "受访者：红包门槛太高了，李明上次也这么说，我的电话是13812345678。\n"
)


@pytest.fixture
def study(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    study = make_study(owner, members={viewer: Role.VIEWER})
    questionnaire = make_published(SURVEY, study=study)
    ids = submit_all(
        questionnaire,
        [
            {"tier": "t2", "why": "配送太慢了，王女士说客服也不回"},
            {"tier": "t1", "why": "价格太贵，优惠券用不了"},
        ],
    )
    price = make_code(study, "价格")
    interview = make_interview(study, TRANSCRIPT, participant="P01", attributes={"城市": "成都"})
    turn = next(t for t in interview.turns if not t.is_interviewer)
    coding.add_highlights(study, turn, owner, 0, len(turn.text), [price])
    update_policy(study, False, ["李明"])
    return study, questionnaire, ids


def url(study, tail=""):
    return f"/studies/{study.id}/voices/quotes{tail}"


def quote_blocks(html):
    pattern = r'<figure class="card mb-2 quote" data-key="([^"]+)"(.+?)</figure>'
    return re.findall(pattern, html, re.S)


def keys(client, study, tail=""):
    return [k for k, _ in quote_blocks(client.get(url(study, tail)).get_data(as_text=True))]


def test_answers_and_highlights_are_shown_masked_with_their_attributes(client, auth, study):
    study, _questionnaire, ids = study
    auth.login("viewer@example.cn")
    html = client.get(url(study)).get_data(as_text=True)
    blocks = dict(quote_blocks(html))
    assert len(blocks) == 3
    answer = blocks[f"answer:{ids[0]}:why"]
    assert "[姓名]说客服也不回" in answer and "王女士" not in answer
    assert "城市等级：三线" in answer
    highlight = next(v for k, v in blocks.items() if k.startswith("highlight:"))
    assert "李明" not in highlight and "13812345678" not in highlight
    assert "红包门槛太高了" in highlight and "城市：成都" in highlight and "价格" in highlight
    # a viewer cannot see the originals nor star
    raw = client.get(url(study, "?raw=1")).get_data(as_text=True)
    assert "王女士" not in raw and "star-quote" not in raw


def test_the_filters_by_source_code_and_text(client, auth, study):
    study, _questionnaire, ids = study
    auth.login("owner@example.cn")
    price = next(c.id for c in coding.codes_of(study) if c.name == "价格")

    def only(tail):
        return keys(client, study, tail)

    assert only("?source=answer") == [f"answer:{ids[1]}:why", f"answer:{ids[0]}:why"]
    assert [k.split(":")[0] for k in only("?source=highlight")] == ["highlight"]
    assert [k.split(":")[0] for k in only(f"?code={price}")] == ["highlight"]
    assert only("?q=优惠券") == [f"answer:{ids[1]}:why"]
    assert only("?q=王女士") == []  # the search reads the masked text
    assert "王女士" in client.get(url(study, "?raw=1")).get_data(as_text=True)


def test_a_quote_is_starred_once_audited_and_cited(client, auth, study):
    study, _questionnaire, ids = study
    auth.login("owner@example.cn")
    form = {"source": "answer", "response_id": ids[0], "question_id": "why", "back": url(study)}
    assert client.post(url(study, "/star"), data=form).status_code == 302
    assert client.post(url(study, "/star"), data=form).status_code == 302
    [evidence] = starred_quotes(study)
    assert evidence.key == f"answer:{ids[0]}:why" and "[姓名]" in evidence.text
    assert evidence.attributes == {"城市等级": "三线"} and "结账满意度" in evidence.origin
    highlight_id = next(int(k[10:]) for k in keys(client, study) if k.startswith("highlight:"))
    client.post(url(study, "/star"), data={"source": "highlight", "highlight_id": highlight_id})
    assert [e.source for e in starred_quotes(study)] == ["highlight", "answer"]
    assert "李明" not in starred_quotes(study)[0].text
    starred = keys(client, study, "?starred=1")
    assert sorted(starred) == sorted([f"answer:{ids[0]}:why", f"highlight:{highlight_id}"])
    client.post(url(study, "/unstar"), data={"source": "answer", "key": f"answer:{ids[0]}:why"})
    assert [e.source for e in starred_quotes(study)] == ["highlight"]
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert actions.count("evidence.star") == 2 and actions.count("evidence.unstar") == 1


def test_only_the_studys_quotes_can_be_starred_and_only_by_coders(client, auth, study):
    study, _questionnaire, ids = study
    other = make_study(make_user("other@example.cn"))
    auth.login("viewer@example.cn")
    form = {"source": "answer", "response_id": ids[0], "question_id": "why"}
    assert client.post(url(study, "/star"), data=form).status_code == 403
    auth.login("other@example.cn")
    assert client.post(url(other, "/star"), data=form).status_code == 404
    assert client.post(url(other, "/star"), data={**form, "question_id": "tier"}).status_code == 404
    assert db.session.scalars(db.select(EvidenceQuote)).all() == []


def test_an_interviewee_who_withdrew_consent_is_not_quoted(client, auth, study):
    study, _questionnaire, _ids = study
    interview = db.session.scalars(db.select(Interview)).one()
    interview.consent = ConsentStatus.WITHDRAWN
    db.session.commit()
    auth.login("owner@example.cn")
    assert [k.split(":")[0] for k in keys(client, study)] == ["answer", "answer"]


@pytest.mark.parametrize(
    ("who", "view", "star"),
    [
        (None, 302, 302),  # to the sign-in page
        ("outsider@example.cn", 404, 404),
        ("viewer@example.cn", 200, 403),
        ("researcher@example.cn", 200, 302),
        ("owner@example.cn", 200, 302),
    ],
)
def test_who_may_read_and_star_quotes(client, auth, ctx, who, view, star):
    study, _users = study_with_roles()
    questionnaire = make_published(SURVEY, study=study)
    [rid] = submit_all(questionnaire, [{"tier": "t1", "why": "价格太贵"}])
    if who:
        auth.login(who)
    assert client.get(url(study)).status_code == view
    form = {"source": "answer", "response_id": rid, "question_id": "why"}
    assert client.post(url(study, "/star"), data=form).status_code == star

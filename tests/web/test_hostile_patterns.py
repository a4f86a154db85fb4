"""Regular expressions that users control cannot hold a worker (issue 30.3): a viewer's
transcript search and an anonymous respondent's answer, both with nested quantifiers on 60
characters (Python's re would need 2^60 steps; RE2 is linear, so the tests assert results)."""

import uuid

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import QuestionnaireVersion
from app.questionnaires import services as questionnaires
from surveys import Code
from tests.factories import make_interview, make_published, make_questionnaire, study_with_roles

LONG_TURN = "a" * 60 + "!"


def test_viewer_regex_search_with_nested_quantifiers_answers(client, auth, ctx):
    study, _ = study_with_roles()
    make_interview(study, f"访谈员：请说一个词。\n受访者：{LONG_TURN}\n受访者：aaaa\n")
    auth.login("viewer@example.cn")
    url = f"/studies/{study.id}/interviews/search"
    page = client.get(url, query_string={"q": "(a+)+$", "mode": "regex"})
    assert page.status_code == 200
    assert "1 处匹配" in page.get_data(True)  # only the turn that ends in a


def test_regex_search_refuses_lookaround_and_huge_programs_with_a_message(client, auth, ctx):
    study, _ = study_with_roles()
    make_interview(study)
    auth.login("viewer@example.cn")
    url = f"/studies/{study.id}/interviews/search"
    page = client.get(url, query_string={"q": "(?<=手机)上买", "mode": "regex"})
    assert page.status_code == 200
    assert "搜索不支持反向引用" in page.get_data(True)
    page = client.get(url, query_string={"q": r"\w{1,300}", "mode": "regex"})
    assert page.status_code == 200
    assert "正则表达式太长" in page.get_data(True)


def form(pattern):
    return {
        "schema_version": 1,
        "title": "会员登记",
        "language": "zh_CN",
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {"id": "member", "type": "short_text", "title": "会员号", "pattern": pattern}
                ],
            }
        ],
    }


def submit(client, slug, text):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": {"member": text}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def test_anonymous_answer_against_evil_pattern_is_checked(client, ctx):
    survey = make_published(form("([A-Za-z0-9]+)+$"))
    refused = submit(client, survey.slug, LONG_TURN)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["member"] == "格式不符合要求"
    assert submit(client, survey.slug, "a1" * 30).status_code == 201


def test_publishing_a_backreference_pattern_is_refused(ctx):
    study, _ = study_with_roles()
    questionnaire = make_questionnaire(form(r"^(\d)\1+$"), study=study)
    with pytest.raises(questionnaires.PublishRefused) as refused:
        questionnaires.publish(questionnaire, study.created_by)
    [problem] = refused.value.problems
    assert problem.code == Code.UNSUPPORTED_PATTERN
    assert problem.path == "$.pages[0].questions[0].pattern"


def test_version_stored_with_backreference_still_takes_answers(client, ctx):
    """A version published while Python's re checked patterns: the respondent is not shut out."""
    survey = make_published(form(r"^[a-z]+$"))
    legacy = form(r"^(ab)\1$")
    db.session.execute(
        update(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == survey.id)
        .values(definition=legacy)
    )
    db.session.commit()
    assert submit(client, survey.slug, "abab").status_code == 201

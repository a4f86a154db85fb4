"""Consent and purpose (issue 28.4): the study's notice in versions, the version each
response agreed to, the separate consent to sensitive questions (refused server-side), a
guardian's consent under 14, and the purpose and retention period shown before the start."""

import json
import uuid
from datetime import timedelta

import pytest

from app import retention
from app.extensions import db
from app.models import ConsentNotice, Response, User
from app.models.types import utcnow
from app.notices import services as notices
from app.responses import listing
from tests.definitions import definition, short_text, single_choice
from tests.factories import make_interview, make_published

INCOME = single_choice(
    "income",
    "您的月收入",
    choices=(("low", "5000 元以下"), ("high", "5000 元及以上")),
    required=True,
    privacy="sensitive",
)
SURVEY = definition(short_text("city", "您所在的城市", required=True), INCOME, title="外卖体验调查")
STUDY_NOTICE = {"required": True, "study_notice": True}


def submit(client, slug, answers, **extra):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": answers, **extra},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def responses():
    return db.session.scalars(db.select(Response).order_by(Response.id)).all()


def step(client, slug, name, decision, **fields):
    return client.post(f"/s/{slug}/consent", data={"step": name, "decision": decision, **fields})


def write_notice(study, purpose, **texts):
    owner = db.session.get(User, study.created_by_id)
    return notices.save_notice(study, {"purpose": purpose, **texts}, owner)


def test_each_response_keeps_the_study_notice_version_it_agreed_to(client, ctx):
    survey = make_published(SURVEY, settings={"consent": STUDY_NOTICE})
    first, added = write_notice(survey.study, "了解大家点外卖的习惯", who_sees="本研究团队")
    assert added and first.version == 1
    assert "了解大家点外卖的习惯" in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    step(client, survey.slug, "notice", "agree")
    step(client, survey.slug, "sensitive", "agree")
    assert submit(client, survey.slug, {"city": "杭州", "income": "low"}).status_code == 201

    same, added = write_notice(survey.study, "了解大家点外卖的习惯", who_sees="本研究团队")
    assert not added and same.id == first.id  # unchanged text: no new version
    second, added = write_notice(survey.study, "了解大家点外卖和买菜的习惯")
    assert added and second.version == 2

    other = client.application.test_client()
    page = other.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "了解大家点外卖和买菜的习惯" in page and "告知书版本 2" in page
    step(other, survey.slug, "notice", "agree")
    step(other, survey.slug, "sensitive", "agree")
    assert submit(other, survey.slug, {"city": "成都", "income": "high"}).status_code == 201

    kept = [(r.consent_notice_version, r.consent_notice_id) for r in responses()]
    assert kept == [("1", first.id), ("2", second.id)]
    # Old versions stay readable, word for word.
    assert db.session.get(ConsentNotice, first.id).purpose == "了解大家点外卖的习惯"


def test_an_api_client_must_name_the_current_study_notice_version(client, ctx):
    survey = make_published(definition(short_text("city")), settings={"consent": STUDY_NOTICE})
    write_notice(survey.study, "第一版")
    write_notice(survey.study, "第二版")
    stale = submit(client, survey.slug, {"city": "北京"}, consent={"notice_version": "1"})
    assert stale.status_code == 403 and stale.json["error"] == "consent_required"
    current = submit(client, survey.slug, {"city": "北京"}, consent={"notice_version": "2"})
    assert current.status_code == 201
    [row] = responses()
    assert row.consent_notice_version == "2" and row.consent_given_at is not None


def test_the_notice_history_page_lists_versions_and_shows_each_text(client, auth, ctx):
    survey = make_published(SURVEY, settings={"consent": STUDY_NOTICE})
    study = survey.study
    auth.login("researcher@example.cn")
    url = f"/studies/{study.id}/consent/"
    saved = client.post(url, data={"purpose": "了解点餐习惯", "sensitive_use": "收入用于分组"})
    assert saved.status_code == 302
    client.post(url, data={"purpose": "了解点餐与配送习惯"})
    page = client.get(url).get_data(as_text=True)
    assert "了解点餐与配送习惯" in page and f"/studies/{study.id}/consent/v1" in page
    old = client.get(f"/studies/{study.id}/consent/v1").get_data(as_text=True)
    assert "了解点餐习惯" in old and "收入用于分组" in old
    assert client.get(f"/studies/{study.id}/consent/v9").status_code == 404
    auth.logout()
    auth.login("viewer@example.cn")
    assert client.get(url).status_code == 200
    assert client.post(url, data={"purpose": "改掉"}).status_code == 403
    assert [n.version for n in notices.history(study)] == [2, 1]


def test_declining_sensitive_questions_hides_them_and_stores_nothing_of_them(client, ctx):
    survey = make_published(SURVEY)
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert 'id="sensitive-step"' in page and "您的月收入" not in page
    step(client, survey.slug, "sensitive", "decline")
    form = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "您所在的城市" in form and "您的月收入" not in form

    refused = submit(client, survey.slug, {"city": "杭州", "income": "low"})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["income"]
    saved = client.post(f"/s/{survey.slug}/progress", json={"answers": {"income": "low"}})
    assert saved.status_code == 422 and "income" in saved.json["errors"]
    assert responses() == []

    # Without the sensitive answer the (required) question is not asked: the rest is stored.
    assert submit(client, survey.slug, {"city": "杭州"}).status_code == 201
    [row] = responses()
    assert row.answers == {"city": "杭州"}
    assert row.sensitive_consent is False and row.sensitive_consent_at is not None


def test_agreeing_to_sensitive_questions_is_recorded_apart_from_the_notice(client, ctx):
    survey = make_published(SURVEY, settings={"consent": {"required": True, "purpose": "测"}})
    step(client, survey.slug, "notice", "agree")
    assert 'id="sensitive-step"' in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    step(client, survey.slug, "sensitive", "agree")
    assert "您的月收入" in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert submit(client, survey.slug, {"city": "杭州", "income": "high"}).status_code == 201
    [row] = responses()
    assert (
        listing.answers_of(row.id)["income"] == "high"
        and "income" not in row.answers
        and row.sensitive_consent is True
    )
    assert row.consent_notice_version == "1" and row.consent_notice_id is None


def test_a_submit_with_sensitive_answers_and_no_consent_is_refused(client, ctx):
    survey = make_published(SURVEY)
    refused = submit(client, survey.slug, {"city": "杭州", "income": "low"})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["income"]
    assert responses() == []
    stated = submit(
        client, survey.slug, {"city": "杭州", "income": "low"}, consent={"sensitive": True}
    )
    assert stated.status_code == 201 and responses()[0].sensitive_consent is True


MINORS = {"consent": {"required": True, "minors": True, "purpose": "了解中学生的阅读习惯"}}


def test_under_14_needs_a_guardian_whose_consent_is_kept(client, ctx):
    survey = make_published(definition(short_text("book", "最近读的书")), settings=MINORS)
    step(client, survey.slug, "notice", "agree")
    assert 'id="age-step"' in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    step(client, survey.slug, "age", "under_14")
    assert 'id="guardian-step"' in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert submit(client, survey.slug, {"book": "西游记"}).status_code == 403

    missing = step(client, survey.slug, "guardian", "agree", guardian_name="王芳")
    assert missing.status_code == 422 and responses() == []
    agreed = step(
        client, survey.slug, "guardian", "agree",
        guardian_name="王芳", relationship="parent", guardian_agrees="yes",
    )  # fmt: skip
    assert agreed.status_code == 302
    assert submit(client, survey.slug, {"book": "西游记"}).status_code == 201
    [row] = responses()
    assert (row.guardian_name, row.guardian_relationship) == ("王芳", "parent")
    assert row.guardian_consent_at is not None
    stored = db.session.execute(db.text("SELECT guardian_name FROM responses")).scalar()
    assert "王芳" not in stored  # encrypted at rest


def test_the_receipt_download_names_the_sensitive_and_guardian_consents(client, ctx):
    survey = make_published(definition(short_text("city", "您所在的城市"), INCOME), settings=MINORS)
    step(client, survey.slug, "notice", "agree")
    step(client, survey.slug, "age", "under_14")
    step(
        client, survey.slug, "guardian", "agree",
        guardian_name="王芳", relationship="parent", guardian_agrees="yes",
    )  # fmt: skip
    step(client, survey.slug, "sensitive", "agree")
    stated = submit(client, survey.slug, {"city": "杭州", "income": "low"})
    assert stated.status_code == 201, stated.json
    reply = client.post(f"/s/{survey.slug}/receipt/download", data={"code": stated.json["receipt"]})
    consent = json.loads(reply.data)["consent"]
    [row] = responses()
    assert consent["sensitive_information_given_at"] == row.sensitive_consent_at.isoformat()
    assert consent["guardian"] == {
        "relationship": "parent",
        "given_at": row.guardian_consent_at.isoformat(),
    }
    assert "王芳" not in reply.get_data(as_text=True)  # the guardian's name is not the child's


def test_without_a_guardian_the_form_ends_and_nothing_is_stored(client, ctx):
    survey = make_published(definition(short_text("book", "最近读的书")), settings=MINORS)
    step(client, survey.slug, "notice", "agree")
    step(client, survey.slug, "age", "under_14")
    ended = step(client, survey.slug, "guardian", "decline")
    assert "监护人" in ended.get_data(as_text=True)
    refused = submit(client, survey.slug, {"book": "西游记"})
    assert refused.status_code == 403
    assert (
        client.post(f"/s/{survey.slug}/progress", json={"answers": {"book": "x"}}).status_code
        == 403
    )
    assert responses() == []


def test_14_or_older_answers_without_a_guardian(client, ctx):
    survey = make_published(definition(short_text("book", "最近读的书")), settings=MINORS)
    step(client, survey.slug, "notice", "agree")
    step(client, survey.slug, "age", "14_or_over")
    assert submit(client, survey.slug, {"book": "红楼梦"}).status_code == 201
    assert responses()[0].guardian_name is None


@pytest.mark.parametrize(
    ("locale", "days", "action", "expected"),
    [
        ("zh", 365, "delete", "保存 1 年"),
        ("zh", 90, "anonymise", "保存 3 个月"),
        ("zh", None, "anonymise", "研究项目删除"),
        ("en", 730, "delete", "kept for 2 years after you give them, then deleted"),
        ("en", 45, "anonymise", "kept for 45 days"),
        ("en", 1, "delete", "kept for 1 day after"),
    ],
)
def test_purpose_and_retention_are_shown_before_the_start(
    client, ctx, locale, days, action, expected
):
    survey = make_published(SURVEY, settings={"consent": {"required": True}})
    survey.study.goal = "改进外卖 App 的点餐体验"
    survey.study.retention_days, survey.study.retention_action = days, action
    db.session.commit()
    page = client.get(f"/s/{survey.slug}", headers={"Accept-Language": locale})
    text = page.get_data(as_text=True)
    assert "改进外卖 App 的点餐体验" in text  # no purpose in the notice: the study's goal
    assert expected in text


def test_an_interview_records_the_notice_version_and_day_of_consent(client, auth, ctx):
    survey = make_published(SURVEY, settings={"consent": STUDY_NOTICE})
    study = survey.study
    first, _ = write_notice(study, "访谈用于了解外卖体验")
    interview = make_interview(study)
    auth.login("researcher@example.cn")
    url = f"/studies/{study.id}/interviews/{interview.id}/edit"
    assert "Version 1" in client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    saved = client.post(
        url,
        data={
            "title": interview.title,
            "participant_label": "P01",
            "kind": "interview",
            "consent": "given",
            "consent_notice_id": str(first.id),
            "consent_given_on": "2026-11-20",
        },
    )
    assert saved.status_code == 302
    db.session.refresh(interview)
    assert interview.consent_notice_id == first.id
    assert str(interview.consent_given_on) == "2026-11-20"
    shown = client.get(f"/studies/{study.id}/interviews/{interview.id}").get_data(as_text=True)
    assert "v1, 2026-11-20" in shown


def test_anonymising_past_the_retention_period_drops_the_guardians_name(client, ctx):
    survey = make_published(definition(short_text("book", "最近读的书")), settings=MINORS)
    survey.study.retention_days = 30
    db.session.commit()
    step(client, survey.slug, "notice", "agree")
    step(client, survey.slug, "age", "under_14")
    step(
        client, survey.slug, "guardian", "agree",
        guardian_name="王芳", relationship="parent", guardian_agrees="yes",
    )  # fmt: skip
    assert submit(client, survey.slug, {"book": "西游记"}).status_code == 201
    retention.sweep(utcnow() + timedelta(days=31))
    db.session.expire_all()
    [row] = responses()
    assert row.guardian_name is None
    assert row.guardian_relationship == "parent" and row.guardian_consent_at is not None

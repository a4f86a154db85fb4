"""The researcher's respondent settings page: consent notice, access, dates, quota and end
page are typed into a form, stored in the draft, and reach respondents when published."""

import uuid

import pytest

from app.extensions import db
from app.models import AuditEvent
from tests.definitions import ALL_TYPES, FULL_ANSWERS
from tests.factories import make_questionnaire

FILLED = {
    "consent_required": "y",
    "notice_version": "2026-11",
    "purpose": "改进外卖 App 的点餐体验",
    "data_collected": "您的答案，不含姓名和手机号",
    "retention": "12 个月后删除",
    "who_sees": "本研究团队三人",
    "access_mode": "open",
    "opens_at": "2026-01-01T09:00",
    "closes_at": "2999-12-31T18:30",
    "quota_total": "2",
    "quota_question": "region",
    "quota_limits": "north = 1\nsouth=5",
    "quota_message": "名额已满，谢谢关注",
    "thank_you": "感谢参与！红包 24 小时内发放。",
    "redirect_url": "https://example.cn/panel?done=1",
}


def settings_url(questionnaire):
    return f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/settings"


@pytest.fixture
def draft(ctx):
    return make_questionnaire(ALL_TYPES)


def test_saved_settings_go_into_the_draft_and_are_audited(client, auth, draft):
    auth.login("researcher@example.cn")
    reply = client.post(settings_url(draft), data=FILLED)
    assert reply.status_code == 302
    db.session.refresh(draft)
    settings = draft.draft["settings"]
    assert settings["consent"] == {
        "required": True,
        "notice_version": "2026-11",
        "purpose": "改进外卖 App 的点餐体验",
        "data_collected": "您的答案，不含姓名和手机号",
        "retention": "12 个月后删除",
        "who_sees": "本研究团队三人",
        "study_notice": False,
        "minors": False,
    }
    assert settings["opens_at"] == "2026-01-01T09:00:00+08:00"  # typed in Asia/Shanghai
    assert settings["quota"] == {
        "total": 2,
        "question": "region",
        "limits": {"north": 1, "south": 5},
        "message": "名额已满，谢谢关注",
    }
    assert settings["end"]["redirect_url"] == "https://example.cn/panel?done=1"
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "questionnaire.settings")
    )
    # The page shows what was stored, in local time.
    page = client.get(settings_url(draft)).get_data(as_text=True)
    assert 'value="2026-01-01T09:00"' in page and "north = 1" in page


def test_published_settings_reach_the_respondent(client, auth, draft):
    auth.login("owner@example.cn")
    client.post(settings_url(draft), data=FILLED)
    base = f"/studies/{draft.study_id}/questionnaires/{draft.id}"
    assert client.post(f"{base}/publish").status_code == 302
    auth.logout()

    notice = client.get(f"/s/{draft.slug}").get_data(as_text=True)
    assert "改进外卖 App 的点餐体验" in notice and "12 个月后删除" in notice
    client.post(f"/s/{draft.slug}/consent", data={"decision": "agree"})
    answers = {**FULL_ANSWERS, "region": "north"}
    del answers["region/other_text"]

    def submit():
        return client.post(
            f"/s/{draft.slug}/submit",
            json={"answers": answers},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    first = submit()
    assert first.status_code == 201
    assert first.json["end"]["thank_you"] == "感谢参与！红包 24 小时内发放。"
    assert submit().json == {"error": "quota_full", "message": "名额已满，谢谢关注"}


def test_an_unsafe_redirect_is_refused_beside_its_field_keeping_the_rest(client, auth, draft):
    auth.login("owner@example.cn")
    reply = client.post(settings_url(draft), data={**FILLED, "redirect_url": "javascript:alert(1)"})
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "只允许 http 和 https 地址" in page
    assert "改进外卖 App 的点餐体验" in page and "名额已满，谢谢关注" in page
    db.session.refresh(draft)
    assert "settings" not in draft.draft


@pytest.mark.parametrize(
    "change, message",
    [
        ({"quota_limits": "west = 3"}, "配额中的“west”不是该题的选项"),
        ({"quota_limits": "north: 3"}, "每行写一个"),
        ({"quota_question": "", "quota_limits": "north = 3", "quota_total": ""}, "请选择"),
        ({"closes_at": "2025-12-31T09:00"}, "截止时间必须晚于开始时间"),
        ({"quota_total": "0"}, "1"),
    ],
)
def test_bad_quota_and_dates_are_explained(client, auth, draft, change, message):
    auth.login("owner@example.cn")
    reply = client.post(settings_url(draft), data={**FILLED, **change})
    assert reply.status_code == 422
    assert message in reply.get_data(as_text=True)
    db.session.refresh(draft)
    assert "settings" not in draft.draft


def test_a_viewer_cannot_open_the_settings(client, auth, draft):
    auth.login("viewer@example.cn")
    assert client.get(settings_url(draft)).status_code == 403
    assert client.post(settings_url(draft), data=FILLED).status_code == 403

"""The needs over time (by status, priority, type and kind, read back from the audit trail),
the segments a need affects (chosen, or taken from a linked insight) with the table's segment
filter and the export, and the importance–performance position of needs."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from openpyxl import load_workbook

from analysis.findings.query import Query
from app.extensions import db
from app.findings import insights as insight_service
from app.models import AuditEvent, Need, NeedStatus
from app.needs import services, trends
from tests.web.test_needs_evidence import need_of, need_url, survey  # noqa: F401

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def backdate(need: Need, days_ago: int, events_days_ago: list[int]) -> None:
    """Put the need's creation and its audited changes (oldest first) in the past."""
    need.created_at = NOW - timedelta(days=days_ago, hours=1)
    changes = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.object_type == "Need", AuditEvent.object_id == need.id)
        .where(AuditEvent.action != "need.create")
        .order_by(AuditEvent.id)
    ).all()
    assert len(changes) == len(events_days_ago)
    for event, ago in zip(changes, events_days_ago, strict=True):
        event.at = NOW - timedelta(days=ago)
    db.session.commit()


@pytest.fixture
def history(survey):  # noqa: F811
    """Three needs over five days: one done, one rejected, one new with a priority."""
    study = survey.study
    owner = study.created_by
    first = services.create_need(study, owner, {"statement": "保存常用地址"})
    services.move(first, NeedStatus.ACCEPTED)
    services.move(first, NeedStatus.DONE)
    backdate(first, 4, [3, 1])
    second = services.create_need(study, owner, {"statement": "支持发票抬头", "type": "implicit"})
    services.move(second, NeedStatus.REJECTED, "已有替代方案")
    backdate(second, 3, [2])
    third = services.create_need(
        study,
        owner,
        {"statement": "更快的退款", "kind": "performance", "reach": 100.0, "impact": 2.0},
    )
    services.update_need(third, {"confidence": 50.0, "effort": 1.0})
    backdate(third, 1, [0])
    return study


def test_needs_by_status_over_time_are_read_back_from_the_history(history):
    with current_app.test_request_context():
        result = trends.needs_over_time(history, now=NOW)
    assert result.periods == [f"2026-11-{d}" for d in range(16, 21)]
    by_status = result.series["status"].counts
    # by hand, local days (Shanghai): the 16th the first need is new; the 17th it is accepted
    # and the second is new; the 18th the second is rejected; the 19th the first is done and
    # the third is new
    assert by_status["新建"] == [1, 1, 0, 1, 1]
    assert by_status["已接受"] == [0, 1, 1, 0, 0]
    assert by_status["已完成"] == [0, 0, 0, 1, 1]
    assert by_status["已拒绝"] == [0, 0, 1, 1, 1]
    assert result.series["type"].counts == {"显性": [1, 1, 1, 2, 2], "隐性": [0, 1, 1, 1, 1]}
    assert result.series["kind"].counts["性能"] == [0, 0, 0, 1, 1]
    # the third need had no priority until its RICE inputs were complete, today
    priority = result.series["priority"].counts
    assert priority["优先级：未评估"] == [1, 2, 1, 1, 0]
    assert priority["优先级：高"] == [0, 0, 0, 0, 1]


def test_the_trends_page_shows_every_chart_with_its_numbers(client, auth, history):
    auth.login("pm@example.cn")
    html = client.get(f"/studies/{history.id}/needs/trends").get_data(as_text=True)
    for name in trends.CHARTS:
        assert f'id="trend-{name}"' in html
    assert "按状态的需求" in html and "<th>已拒绝</th>" in html
    for name in trends.CHARTS:
        chart = client.get(f"/studies/{history.id}/needs/trends/{name}.png")
        assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG")
    assert client.get(f"/studies/{history.id}/needs/trends/nothing.png").status_code == 404
    assert client.get(f"/studies/{history.id}/needs/trends/ipa.png").status_code == 404
    assert 'id="no-ipa"' in html


def test_a_study_without_needs_says_the_charts_come_later(client, auth, survey):  # noqa: F811
    auth.login("pm@example.cn")
    html = client.get(f"/studies/{survey.study.id}/needs/trends").get_data(as_text=True)
    assert 'id="no-trends"' in html


def test_a_chosen_segment_is_shown_filtered_and_exported(client, auth, survey):  # noqa: F811
    study = survey.study
    need = need_of(study)
    other = need_of(study, statement="夜间配送")
    auth.login("pm@example.cn")
    page = client.get(need_url(need)).get_data(as_text=True)
    assert 'value="tier=t2"' in page  # the segment options of the questionnaire
    form = {
        "statement": need.statement,
        "type": "explicit",
        "kind": "functional",
        "kano": "",
        "owner_id": "0",
        "segments": ["tier=t2"],
    }
    assert client.post(need_url(need, "/edit"), data=form).status_code == 302
    db.session.expire_all()
    assert need.segments == [{"question": "tier", "value": "t2", "title": "城市", "label": "二线"}]
    [event] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "need.update")
    ).all()
    assert event.detail["after"]["segments"][0]["label"] == "二线"
    html = client.get(need_url(need)).get_data(as_text=True)
    assert "城市: 二线" in html[html.index('id="need-segments"') :][:400]
    assert "受影响人群" in html[html.index('id="need-history"') :]  # told in the history

    table = client.get(f"/studies/{study.id}/needs/table?segment=tier%3Dt2").get_data(as_text=True)
    assert f'data-need="{need.id}"' in table and f'data-need="{other.id}"' not in table
    board = client.get(f"/studies/{study.id}/needs/").get_data(as_text=True)
    assert "二线" in board[board.index(f'data-need="{need.id}"') :][:1500]
    workbook = client.get(f"/studies/{study.id}/needs/needs.xlsx").data
    sheet = load_workbook(io.BytesIO(workbook)).active
    header = [c.value for c in sheet[1]]
    column = header.index("受影响人群")
    assert [r[column].value for r in sheet.iter_rows(min_row=2)] == ["城市: 二线", None]


def test_a_linked_insight_adds_its_segment_once(client, auth, survey):  # noqa: F811
    study = survey.study
    study.min_n = 5
    db.session.commit()
    scan = insight_service.run_scan(survey, Query(), None)
    insight = next(i for i in scan.insights if i.claim["segment"]["question"] == "tier")
    need = need_of(study)
    auth.login("owner@example.cn")
    for _ in range(2):
        ref = f"{survey.id}:{insight.id}"
        client.post(need_url(need, "/evidence"), data={"kind": "insight", "ref": ref})
    db.session.expire_all()
    segment = insight.claim["segment"]
    assert need.segments == [
        {
            "question": "tier",
            "value": segment["value"],
            "title": segment["title"],
            "label": segment["label"],
        }
    ]
    assert len(need.evidence) == 2


def test_needs_with_importance_and_satisfaction_sit_in_an_ipa_quadrant(client, auth, survey):  # noqa: F811
    study = survey.study
    refs = {
        "importance": {"questionnaire": survey.id, "question": "imp"},
        "satisfaction": {"questionnaire": survey.id, "question": "sat"},
    }
    need = need_of(study, **refs)
    auth.login("pm@example.cn")
    html = client.get(need_url(need)).get_data(as_text=True)
    # importance 8.5, satisfaction 3.5 (top-2 boxes of the planted answers, ÷ 10); one need:
    # split at the midpoint 5, so important and under-performing
    block = html[html.index('id="need-ipa"') :][:600]
    assert "8.5" in block and "3.5" in block and "重点改进" in block
    swapped = need_of(
        study,
        statement="发票",
        importance=refs["satisfaction"],
        satisfaction=refs["importance"],
    )
    page = client.get(f"/studies/{study.id}/needs/trends").get_data(as_text=True)
    table = page[page.index('id="ipa-table"') :]
    assert "重点改进" in table[table.index(f'data-need="{need.id}"') :][:400]
    assert "可能过度投入" in table[table.index(f'data-need="{swapped.id}"') :][:400]
    chart = client.get(f"/studies/{study.id}/needs/trends/ipa.png")
    assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG")

"""The needs board (需求): creating a need, every status transition and its audit entry, the
board's move form and drag-and-drop answer, the table's filters, sort and bulk move, the
priority formulas shown with their inputs, the owner's override, comments and merging."""

import pytest

from app.extensions import db
from app.models import AuditEvent, Need, NeedComment, NeedEvidence, NeedStatus, Role
from app.needs import services
from tests.factories import make_study, make_user


@pytest.fixture
def study(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    pm = make_user("pm@example.cn")
    return make_study(owner, members={viewer: Role.VIEWER, pm: Role.PRODUCT_MANAGER})


def url(study, tail=""):
    return f"/studies/{study.id}/needs/{tail}"


def new_need(client, study, statement="结账时希望能保存常用地址", **fields):
    data = {
        "statement": statement,
        "type": "explicit",
        "kind": "functional",
        "kano": "",
        "owner_id": "0",
        "importance": "",
        "satisfaction": "",
        "outcome": "",
    } | fields
    response = client.post(url(study, "new"), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(db.select(Need).order_by(Need.id.desc())).first()


def events(need, action):
    return db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.object_type == "Need",
            AuditEvent.object_id == need.id,
            AuditEvent.action == action,
        )
    ).all()


def test_a_product_manager_creates_a_need_and_it_is_audited(client, auth, study):
    auth.login("pm@example.cn")
    need = new_need(client, study, type="implicit", kind="performance", reach="1200")
    assert need.status is NeedStatus.NEW and need.type.value == "implicit" and need.reach == 1200
    [created] = events(need, "need.create")
    assert created.detail["after"]["statement"] == "结账时希望能保存常用地址"
    html = client.get(url(study, str(need.id))).get_data(as_text=True)
    assert "结账时希望能保存常用地址" in html and "隐性" in html and "性能" in html
    assert "创建了需求" in html  # the history, as a sentence


TRANSITIONS = [
    ("new", "accepted", "新建", "已接受"),
    ("accepted", "scheduled", "已接受", "已排期"),
    ("scheduled", "in_progress", "已排期", "进行中"),
    ("in_progress", "done", "进行中", "已完成"),
    ("new", "rejected", "新建", "已拒绝"),
    ("rejected", "new", "已拒绝", "新建"),
]


@pytest.mark.parametrize(("start", "end", "old", "new"), TRANSITIONS)
def test_every_status_transition_is_audited_and_told_in_the_history(
    client, auth, study, start, end, old, new
):
    auth.login("owner@example.cn")
    need = new_need(client, study)
    need.status = NeedStatus(start)
    need.reject_reason = "不在本季度范围" if start == "rejected" else ""
    db.session.commit()
    reason = "与支付团队的计划冲突" if end == "rejected" else ""
    response = client.post(url(study, f"{need.id}/move"), data={"status": end, "reason": reason})
    assert response.status_code == 302
    db.session.expire_all()
    assert need.status is NeedStatus(end)
    [moved] = events(need, "need.move")
    assert moved.detail["before"]["status"] == start and moved.detail["after"]["status"] == end
    html = client.get(url(study, str(need.id))).get_data(as_text=True)
    assert "移动了需求" in html and f"状态：{old} → {new}" in html
    if end == "rejected":
        assert need.reject_reason == reason and reason in html


def test_a_rejection_without_a_reason_is_refused(client, auth, study):
    auth.login("owner@example.cn")
    need = new_need(client, study)
    client.post(url(study, f"{need.id}/move"), data={"status": "rejected", "reason": " "})
    db.session.expire_all()
    assert need.status is NeedStatus.NEW and events(need, "need.move") == []
    response = client.post(
        url(study, f"{need.id}/move"),
        data={"status": "rejected"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and "拒绝" in response.get_json()["error"]


def test_the_board_has_a_column_per_status_and_drag_and_drop_gets_json(client, auth, study):
    auth.login("pm@example.cn")
    need = new_need(client, study)
    html = client.get(url(study)).get_data(as_text=True)
    for status in ("new", "accepted", "scheduled", "in_progress", "done", "rejected"):
        assert f'data-status="{status}"' in html
    assert "js/needs_board.js" in html and "<script>" not in html
    response = client.post(
        url(study, f"{need.id}/move"),
        data={"status": "scheduled"},
        headers={"Accept": "application/json"},
    )
    assert response.get_json() == {"status": "scheduled"}


def test_the_table_filters_sorts_and_moves_in_bulk(client, auth, study):
    auth.login("owner@example.cn")
    low = new_need(
        client, study, "低优先级需求", reach="10", impact="1", confidence="50", effort="1"
    )
    high = new_need(
        client,
        study,
        "高优先级需求",
        reach="1000",
        impact="2",
        confidence="80",
        effort="2",
        type="implicit",
    )
    html = client.get(url(study, "table")).get_data(as_text=True)
    assert html.index("高优先级需求") < html.index("低优先级需求")  # 800 before 5
    html = client.get(url(study, "table?type=implicit")).get_data(as_text=True)
    assert "高优先级需求" in html and "低优先级需求" not in html
    response = client.post(
        url(study, "table/bulk"), data={"need_id": [low.id, high.id], "status": "accepted"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert low.status is high.status is NeedStatus.ACCEPTED
    assert len(events(low, "need.move")) == len(events(high, "need.move")) == 1
    html = client.get(url(study, "table?status=new")).get_data(as_text=True)
    assert "高优先级需求" not in html


def test_rice_is_shown_with_its_inputs_and_the_override_needs_a_reason(client, auth, study):
    auth.login("owner@example.cn")
    need = new_need(client, study, reach="2000", impact="2", confidence="80", effort="4")
    html = client.get(url(study, str(need.id))).get_data(as_text=True)
    assert "2000.0 × 2.0 × 80% ÷ 4.0" in html and "<strong>800.0</strong>" in html
    client.post(url(study, f"{need.id}/override"), data={"value": "5", "reason": ""})
    db.session.expire_all()
    assert need.priority_override is None
    client.post(url(study, f"{need.id}/override"), data={"value": "5", "reason": "老板要求"})
    db.session.expire_all()
    assert need.priority_override == 5 and need.override_reason == "老板要求"
    [event] = events(need, "need.override")
    assert event.detail["after"] == {"priority_override": 5.0, "override_reason": "老板要求"}
    html = client.get(url(study, str(need.id))).get_data(as_text=True)
    assert "<strong>5.0</strong>" in html and "老板要求" in html


def test_an_edit_is_audited_field_by_field(client, auth, study):
    auth.login("owner@example.cn")
    need = new_need(client, study)
    data = {
        "statement": "结账时保存多个常用地址",
        "type": "explicit",
        "kind": "experience",
        "kano": "A",
        "owner_id": str(study.created_by_id),
        "due_on": "2027-01-15",
        "importance": "",
        "satisfaction": "",
        "outcome": "",
    }
    assert client.post(url(study, f"{need.id}/edit"), data=data).status_code == 302
    [event] = events(need, "need.update")
    assert event.detail["after"]["kind"] == "experience"
    assert event.detail["after"]["owner_name"] == "owner@example.cn"
    html = client.get(url(study, str(need.id))).get_data(as_text=True)
    assert "编辑了需求" in html and "魅力型" in html


def test_comments_and_merge_keep_all_evidence_and_comments(client, auth, study):
    auth.login("owner@example.cn")
    keep, other = new_need(client, study, "保存地址"), new_need(client, study, "记住收货地址")
    client.post(url(study, f"{other.id}/comments"), data={"body": "很多人提到"})
    client.post(url(study, f"{keep.id}/comments"), data={"body": "优先做"})
    db.session.add_all(
        [
            NeedEvidence(
                need_id=other.id,
                kind="highlight",
                target_id=1,
                snapshot={"text": "每次都要重新填地址", "code": "地址"},
            )
        ]
    )
    db.session.commit()
    other_id = other.id
    assert client.post(url(study, f"{keep.id}/merge"), data={"other": other_id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, other_id) is None
    assert {c.body for c in db.session.scalars(db.select(NeedComment))} == {"很多人提到", "优先做"}
    assert [e.need_id for e in db.session.scalars(db.select(NeedEvidence))] == [keep.id]
    [merged] = events(keep, "need.merge")
    assert merged.detail["evidence"] == 1 and merged.detail["comments"] == 1
    html = client.get(url(study, str(keep.id))).get_data(as_text=True)
    assert "每次都要重新填地址" in html and "合并" in html and "记住收货地址" in html


def test_a_viewer_reads_the_board_but_changes_nothing(client, auth, study):
    auth.login("owner@example.cn")
    need = new_need(client, study)
    auth.logout()
    auth.login("viewer@example.cn")
    assert client.get(url(study)).status_code == 200
    assert client.get(url(study, str(need.id))).status_code == 200
    assert client.post(url(study, f"{need.id}/move"), data={"status": "done"}).status_code == 403
    assert client.get(url(study, "new")).status_code == 403
    assert services.need_in(study, need.id).status is NeedStatus.NEW


def test_the_needs_export_as_csv_and_xlsx_with_their_priority(client, auth, study):
    import csv
    import io

    from openpyxl import load_workbook

    auth.login("pm@example.cn")
    new_need(
        client,
        study,
        '=HYPERLINK("http://x")',
        reach="500",
        impact="2",
        confidence="80",
        effort="4",
    )
    new_need(client, study, "退款进度能在 App 里看到")
    auth.logout()
    auth.login("viewer@example.cn")
    reply = client.get(url(study, "needs.csv"))
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert [r["需求"] for r in rows] == ['\'=HYPERLINK("http://x")', "退款进度能在 App 里看到"]
    assert rows[0]["状态"] == "新建" and float(rows[0]["优先级"]) == 500 * 2 * 0.8 / 4
    book = load_workbook(io.BytesIO(client.get(url(study, "needs.xlsx")).data))
    sheet = book.active
    assert sheet.title == "需求" and sheet.max_row == 3
    assert sheet.cell(row=2, column=2).value == '\'=HYPERLINK("http://x")'
    assert client.get(url(study, "needs.pdf")).status_code == 404

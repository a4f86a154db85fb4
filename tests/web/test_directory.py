"""The participant directory's pages (issue 28.1): the masked list with its filters and blind
index search, the add and edit forms, the audited reveal, custom fields kept encrypted, the
members page, and who may see what."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    DirectoryField,
    FieldPrivacy,
    OrganisationMember,
    OrganisationRole,
    Participant,
)
from app.personal_data import blind_index
from tests.factories import make_organisation, make_user

PEOPLE = [
    # name, phone, email, wechat, gender, city, tier, tags
    (
        "张伟",
        "138 1234 5678",
        "zhang.wei@example.cn",
        "zhangwei_88",
        "男",
        "北京",
        "一线",
        ["高频用户"],
    ),
    ("李娜", "+86 139-0000-1111", "", "", "女", "成都", "新一线", ["高频用户", "宝妈"]),
    ("王芳", "0086 137 2222 3333", "wang.fang@example.cn", "", "女", "北京", "一线", ["宝妈"]),
    ("欧阳娜娜", "", "", "ouyang_nana", "女", "昆明", "二线", []),
]


@pytest.fixture
def world(app, client, auth):
    """An organisation with an administrator, a researcher and a plain member; four records,
    added through the form; another organisation with one record."""
    with app.app_context():
        admin = make_user("admin@example.cn", display_name="管理员")
        researcher = make_user("researcher@example.cn", display_name="研究员")
        member = make_user("member@example.cn", display_name="普通成员")
        make_user("outsider@example.cn")
        organisation = make_organisation(
            admin,
            members={researcher: OrganisationRole.RESEARCHER, member: OrganisationRole.MEMBER},
        )
        other = make_organisation(make_user(), name="另一家公司")
        db.session.add(
            Participant(
                organisation_id=other.id,
                name="张伟",
                phone="13812345678",
                phone_index=blind_index("13812345678"),
            )
        )
        db.session.commit()
        ids = {"org": organisation.id, "other": other.id}
    auth.login("researcher@example.cn")
    base = f"/organisations/{ids['org']}/directory"
    for name, phone, email, wechat, gender, city, tier, tags in PEOPLE:
        response = client.post(
            f"{base}/new",
            data={
                "name": name,
                "phone": phone,
                "email": email,
                "wechat_id": wechat,
                "gender": gender,
                "city": city,
                "city_tier": tier,
                "tags": "，".join(tags),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    return {**ids, "base": base}


def _ids(page: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'/directory/(\d+)">', page)]


def test_the_list_masks_names_and_contacts(client, world):
    page = client.get(world["base"] + "/").get_data(as_text=True)
    assert "张*" in page and "欧***" in page and "138****5678" in page
    assert "z***@example.cn" in page
    for name, _phone, email, *_rest in PEOPLE:
        assert name not in page
        assert email == "" or email not in page
    assert "13812345678" not in page and "1234 5678" not in page
    assert "4 条记录" in page or "4 records" in page


def test_search_by_a_phone_in_another_format_finds_the_record(client, world, app):
    page = client.get(world["base"] + "/?q=%2B86%20138-1234-5678").get_data(as_text=True)
    assert len(_ids(page)) == 1 and "张*" in page
    # the other organisation's 张伟 with the same phone is never listed
    with app.app_context():
        theirs = db.session.scalar(
            sa.select(Participant.id).where(Participant.organisation_id == world["other"])
        )
    assert theirs not in _ids(page)


def test_search_by_email_wechat_and_exact_name(client, world):
    assert (
        len(_ids(client.get(world["base"] + "/?q=WANG.FANG@EXAMPLE.CN").get_data(as_text=True)))
        == 1
    )
    assert len(_ids(client.get(world["base"] + "/?q=OuYang_NaNa").get_data(as_text=True))) == 1
    assert len(_ids(client.get(world["base"] + "/?q=李 娜").get_data(as_text=True))) == 1
    assert _ids(client.get(world["base"] + "/?q=李").get_data(as_text=True)) == []  # exact only


def test_filter_by_attribute_and_tag(client, world):
    page = client.get(world["base"] + "/?attribute=city&value=北京&tag=宝妈").get_data(as_text=True)
    assert len(_ids(page)) == 1 and "王*" in page
    page = client.get(world["base"] + "/?tag=高频用户").get_data(as_text=True)
    assert len(_ids(page)) == 2
    page = client.get(world["base"] + "/?attribute=city_tier&value=一线").get_data(as_text=True)
    assert len(_ids(page)) == 2


def test_the_list_is_paginated(client, world, app, monkeypatch):
    from app.directory import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    first = _ids(client.get(world["base"] + "/").get_data(as_text=True))
    second = _ids(client.get(world["base"] + "/?page=2").get_data(as_text=True))
    assert len(first) == 3 and len(second) == 1 and not set(first) & set(second)


def test_a_bad_phone_is_refused_beside_its_field_in_chinese_with_the_input_kept(client, world):
    response = client.post(
        world["base"] + "/new", data={"name": "赵六", "phone": "138123", "email": "zhao@例子.cn"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "手机号为 11 位数字" in page
    assert "@ 后面" in page
    assert 'value="138123"' in page and 'value="赵六"' in page
    response = client.post(world["base"] + "/new", data={"name": "", "phone": "13800001111"})
    assert "请填写姓名" in response.get_data(as_text=True)


def test_the_stored_record_is_ciphertext_with_blind_indexes(client, world, app):
    with app.app_context():
        row = db.session.execute(
            sa.text(
                "SELECT name, phone, phone_index, problems FROM participants "
                "WHERE organisation_id = :org ORDER BY id LIMIT 1"
            ),
            {"org": world["org"]},
        ).one()
        assert "张伟" not in row.name and row.name.startswith("gAAAA")
        assert "5678" not in row.phone
        assert row.phone_index == blind_index("13812345678")


def test_an_edit_is_audited_by_field_names_without_personal_values(client, world, app):
    with app.app_context():
        record_id = db.session.scalar(
            sa.select(Participant.id)
            .where(Participant.organisation_id == world["org"])
            .order_by(Participant.id)
        )
    form = client.get(f"{world['base']}/{record_id}/edit").get_data(as_text=True)
    assert 'value="张伟"' in form and "138 1234 5678" in form
    response = client.post(
        f"{world['base']}/{record_id}/edit",
        data={
            "name": "张伟",
            "phone": "13912345678",
            "email": "zhang.wei@example.cn",
            "wechat_id": "zhangwei_88",
            "gender": "男",
            "city": "上海",
            "city_tier": "一线",
            "tags": "高频用户",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        record = db.session.get(Participant, record_id)
        assert record.phone_index == blind_index("13912345678") and record.city == "上海"
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "participant.update")
        )
        assert sorted(event.detail["fields"]) == ["city", "phone"]
        assert "13912345678" not in str(event.detail) and "上海" not in str(event.detail)


def test_reveal_shows_the_values_and_is_audited(client, world, app):
    with app.app_context():
        record_id = db.session.scalar(
            sa.select(Participant.id)
            .where(Participant.organisation_id == world["org"])
            .order_by(Participant.id)
        )
    page = client.get(f"{world['base']}/{record_id}").get_data(as_text=True)
    assert "138 1234 5678" not in page and "138****5678" in page
    revealed = client.post(f"{world['base']}/{record_id}/reveal")
    text = revealed.get_data(as_text=True)
    assert revealed.status_code == 200 and "138 1234 5678" in text and "张伟" in text
    assert revealed.headers["Cache-Control"] == "no-store"
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "participant.reveal")
        ).all()
        assert [(e.object_id, e.actor.email) for e in events] == [
            (record_id, "researcher@example.cn")
        ]


def test_a_personal_custom_field_is_kept_encrypted(client, world, app):
    response = client.post(
        world["base"] + "/fields",
        data={
            "label": "身份证号",
            "key": "id_number",
            "privacy": "sensitive",
            "retention_days": "365",
        },
    )
    assert response.status_code == 302
    client.post(
        world["base"] + "/fields", data={"label": "会员等级", "key": "level", "privacy": "none"}
    )
    response = client.post(
        world["base"] + "/new",
        data={
            "name": "孙七",
            "custom_id_number": "110101199003071234",
            "custom_level": "金卡",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        field = db.session.scalar(
            sa.select(DirectoryField).where(DirectoryField.key == "id_number")
        )
        assert field.privacy is FieldPrivacy.SENSITIVE and field.retention_days == 365
        raw = db.session.execute(
            sa.text("SELECT custom, protected FROM participants ORDER BY id DESC LIMIT 1")
        ).one()
        assert (
            "110101199003071234" not in str(raw.custom) and "金卡" in str(raw.custom)
        ) or "\\u91d1" in str(raw.custom)
        assert "1101011990" not in raw.protected and raw.protected.startswith("gAAAA")
        record_id = db.session.scalar(sa.select(sa.func.max(Participant.id)))
    page = client.get(f"{world['base']}/{record_id}").get_data(as_text=True)
    assert "110101199003071234" not in page and "金卡" in page
    page = client.post(f"{world['base']}/{record_id}/reveal")
    assert "110101199003071234" in page.get_data(as_text=True)
    refused = client.post(
        world["base"] + "/fields", data={"label": "又一个", "key": "id_number", "privacy": "none"}
    )
    assert "已有字段使用这个键" in refused.get_data(as_text=True)


def test_members_page_is_for_administrators(client, world, auth, app):
    members = f"/organisations/{world['org']}/members"
    assert client.get(members).status_code == 403  # a researcher
    auth.logout()
    auth.login("member@example.cn")
    assert client.get(world["base"] + "/").status_code == 403  # a member: studies only
    auth.logout()
    auth.login("outsider@example.cn")
    assert client.get(world["base"] + "/").status_code == 404
    assert client.get(members).status_code == 404
    auth.logout()
    auth.login("admin@example.cn")
    page = client.get(members).get_data(as_text=True)
    assert "研究员" in page and "普通成员" in page
    added = client.post(members, data={"email": "Outsider@example.cn", "role": "researcher"})
    assert added.status_code == 302
    unknown = client.post(members, data={"email": "nobody@example.cn", "role": "researcher"})
    assert "没有使用这个邮箱的账号" in unknown.get_data(as_text=True)
    with app.app_context():
        admin_member = db.session.scalar(
            sa.select(OrganisationMember).where(
                OrganisationMember.role == OrganisationRole.ADMIN,
                OrganisationMember.organisation_id == world["org"],
            )
        )
        admin_member_id = admin_member.id
    client.post(f"{members}/role", data={"member_id": admin_member_id, "role": "researcher"})
    with app.app_context():
        assert db.session.get(OrganisationMember, admin_member_id).role is OrganisationRole.ADMIN
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert "organisation.add_member" in actions
    auth.logout()
    auth.login("outsider@example.cn")  # now a researcher
    assert client.get(world["base"] + "/").status_code == 200

"""Segments over the participant directory (issue 28.1): rules compiled to one SQL query on
SQLite and PostgreSQL — attributes, band ranges, tags, custom fields, past answers, all/any —
merged records never members; the segment pages with errors beside their fields in Chinese
and a preview whose names are masked."""

import re

import pytest

from app.extensions import db
from app.models import AuditEvent, OrganisationRole, Segment
from app.outreach import segments
from app.outreach import services as outreach
from app.responses.records import token_hash
from surveys.segment_rules import parse_rules
from tests import definitions as d
from tests.factories import (
    make_organisation,
    make_participant,
    make_published,
    make_study,
    make_user,
)

CHANNELS = d.definition(
    d.page(
        "p1",
        d.single_choice("channel", "您最常用的下单渠道", [("app", "App"), ("mini", "小程序")]),
        d.multiple_choice("pay", "支付方式", [("wechat", "微信支付"), ("alipay", "支付宝")]),
    ),
    title="购物渠道调查",
)
PEOPLE = [
    # name, age band, gender, city, tier, tags, custom
    ("张伟", "18-24", "男", "北京", "一线", ["老客户"], {"pet": "猫"}),
    ("李娜", "25-34", "女", "上海", "一线", ["老客户", "会员"], {"pet": "狗"}),
    ("王芳", "35-44", "女", "成都", "新一线", [], {"pet": "猫"}),
    ("刘洋", "45-54", "男", "洛阳", "三线", ["会员"], {}),
    ("陈静", "55岁以上", "女", "杭州", "新一线", ["老客户"], {"pet": "鱼"}),
]


@pytest.fixture
def directory(ctx):
    owner = make_user("owner@example.cn")
    organisation = make_organisation(owner)
    people = {
        name: make_participant(
            organisation, name=name, age_band=age, gender=gender, city=city, city_tier=tier,
            tags=tags, custom=custom,
        )
        for name, age, gender, city, tier, tags, custom in PEOPLE
    }  # fmt: skip
    # A duplicate merged into 李娜: history, never a member.
    make_participant(
        organisation,
        name="李娜",
        city_tier="一线",
        tags=["老客户"],
        merged_into_id=people["李娜"].id,
    )
    return organisation, people, owner


def _members(organisation, raw) -> set[str]:
    """The names of the members, by the member query; the count query must agree."""
    from app.models import Participant

    rules = parse_rules(raw)
    ids = set(db.session.scalars(segments.member_ids(organisation.id, rules)))
    assert segments.count(organisation.id, rules) == len(ids)
    return {
        p.name for p in db.session.scalars(db.select(Participant).where(Participant.id.in_(ids)))
    }


def _one(kind, op, values, **extra):
    return {"match": "all", "rules": [{"kind": kind, "op": op, "values": values, **extra}]}


def test_attribute_rules_equals_in_and_a_band_range(directory):
    organisation, _, _owner = directory
    assert _members(organisation, _one("attribute", "equals", ["一线"], field="city_tier")) == {
        "张伟",
        "李娜",
    }
    assert _members(
        organisation, _one("attribute", "in", ["新一线", "三线"], field="city_tier")
    ) == {"王芳", "刘洋", "陈静"}
    assert _members(
        organisation, _one("attribute", "range", ["25-34", "45-54"], field="age_band")
    ) == {"李娜", "王芳", "刘洋"}


def test_tags_and_custom_fields(directory):
    organisation, _, _owner = directory
    assert _members(organisation, _one("tag", "has", ["老客户"])) == {"张伟", "李娜", "陈静"}
    assert _members(organisation, _one("tag", "has", ["会员", "不存在"])) == {"李娜", "刘洋"}
    assert _members(organisation, _one("tag", "lacks", ["老客户"])) == {"王芳", "刘洋"}
    assert _members(organisation, _one("custom", "equals", ["猫"], field="pet")) == {
        "张伟",
        "王芳",
    }
    assert _members(organisation, _one("custom", "in", ["狗", "鱼"], field="pet")) == {
        "李娜",
        "陈静",
    }


def test_all_and_any_combine_the_rules(directory):
    organisation, _, _owner = directory
    rules = [
        {"kind": "attribute", "field": "gender", "op": "equals", "values": ["女"]},
        {"kind": "tag", "op": "has", "values": ["老客户"]},
    ]
    assert _members(organisation, {"match": "all", "rules": rules}) == {"李娜", "陈静"}
    assert _members(organisation, {"match": "any", "rules": rules}) == {
        "张伟",
        "李娜",
        "王芳",
        "陈静",
    }


def test_a_merged_record_is_never_a_member(directory):
    organisation, people, _owner = directory
    rules = parse_rules(_one("attribute", "equals", ["一线"], field="city_tier"))
    ids = set(db.session.scalars(segments.member_ids(organisation.id, rules)))
    assert ids == {people["张伟"].id, people["李娜"].id}


def _answered(study, organisation, owner, people, answers_by_name):
    """Invite everyone to a questionnaire of the study and submit through each link."""
    from app.responses import submission

    questionnaire = make_published(
        CHANNELS, study=study, settings={"access": {"mode": "invitation"}}
    )
    everyone = Segment(
        organisation_id=organisation.id,
        name="全部",
        rules={"match": "any", "rules": [{"kind": "attribute", "field": "gender", "op": "in",
                                           "values": ["男", "女"]}]},
    )  # fmt: skip
    db.session.add(everyone)
    db.session.commit()
    target, _made = outreach.invite(study, everyone, questionnaire, owner)
    from flask import current_app

    with current_app.test_request_context():
        rows = {row.participant_id: row.link for row in outreach.links(target, owner, "csv")}
    for name, answers in answers_by_name.items():
        token = re.search(r"[?&]t=([^&]+)", rows[people[name].id]).group(1)
        submission.submit(
            questionnaire.latest_version,
            f"seg-{name}",
            answers,
            secret="s",
            invitation_hash=token_hash(token),
        )
    return questionnaire


def test_past_answers_single_and_multiple_choice(directory):
    organisation, people, owner = directory
    study = make_study(owner)
    study.organisation_id = organisation.id
    db.session.commit()
    questionnaire = _answered(
        study,
        organisation,
        owner,
        people,
        {
            "张伟": {"channel": "app", "pay": ["wechat", "alipay"]},
            "李娜": {"channel": "mini", "pay": ["wechat"]},
            "王芳": {"channel": "app", "pay": ["alipay"]},
        },
    )
    qid = questionnaire.id
    chose = {"kind": "answer", "questionnaire_id": qid, "op": "chose"}
    channel = {**chose, "question": "channel", "values": ["app"]}
    assert _members(organisation, {"rules": [channel]}) == {"张伟", "王芳"}
    wechat = {**chose, "question": "pay", "values": ["wechat"]}
    assert _members(organisation, {"rules": [wechat]}) == {"张伟", "李娜"}
    both = {
        "match": "all",
        "rules": [
            {**chose, "question": "pay", "values": ["alipay"]},
            {"kind": "attribute", "field": "gender", "op": "equals", "values": ["女"]},
        ],
    }
    assert _members(organisation, both) == {"王芳"}
    # A question nobody answered, and an option nobody chose: nobody.
    assert _members(organisation, {"rules": [{**chose, "question": "nope",
                                              "values": ["app"]}]}) == set()  # fmt: skip


# ---- pages ------------------------------------------------------------------------------


def _form(name, rows, match="all", action="save"):
    data = {"name": name, "match": match, action: "1"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rules-{i}-{key}"] = value
    return data


def test_segment_pages_create_preview_masked_and_list(client, auth, directory, app):
    organisation, _, _owner = directory
    auth.login("owner@example.cn")
    base = f"/organisations/{organisation.id}/segments/"
    assert client.get(base + "new").status_code == 200

    bad = client.post(
        base + "new",
        data=_form(
            "一线女性",
            [
                {
                    "kind": "attribute",
                    "field": "city_tier",
                    "op": "equals",
                    "values": "一线, 新一线",
                },
                {"kind": "attribute", "field": "gender", "op": "range", "values": "女"},
                {"kind": "tag", "op": "has", "values": ""},
            ],
        ),
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "“等于”只能填一个值" in text or "只能填一个值" in text
    assert "只有年龄段和收入段可以按范围筛选" in text
    assert "请填写值" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(Segment)) == 0

    preview = client.post(
        base + "preview",
        data=_form("一线", [{"kind": "attribute", "field": "city_tier", "op": "equals",
                             "values": "一线"}]),
    )  # fmt: skip
    html = preview.get_data(as_text=True)
    assert 'data-count="2"' in html
    assert "张*" in html and "李*" in html and "张伟" not in html and "李娜" not in html

    saved = client.post(
        base + "new",
        data=_form("一线老客户", [
            {"kind": "attribute", "field": "city_tier", "op": "equals", "values": "一线"},
            {"kind": "tag", "op": "has", "values": "老客户"},
        ]),
    )  # fmt: skip
    assert saved.status_code == 302
    segment = db.session.scalar(db.select(Segment))
    assert segment.rules["rules"][1] == {"kind": "tag", "op": "has", "values": ["老客户"]}
    assert (
        db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.object_type == "Segment"))
        == "segment.create"
    )
    listing = client.get(base).get_data(as_text=True)
    assert "一线老客户" in listing and re.search(r'segment-count">\s*2<', listing)

    edit = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'value="老客户"' in edit and 'data-count="2"' in edit
    again = client.post(
        base + "new", data=_form("一线老客户", [{"kind": "tag", "op": "has", "values": "会员"}])
    )
    assert again.status_code == 422 and "已有同名人群" in again.get_data(as_text=True)


def test_a_member_without_a_directory_role_cannot_see_segments(client, auth, directory):
    organisation, _, _owner = directory
    member = make_user("member@example.cn")
    from app.models import OrganisationMember

    db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=member.id,
                                      role=OrganisationRole.MEMBER))  # fmt: skip
    db.session.commit()
    make_user("stranger@example.cn")
    auth.login("member@example.cn")
    assert client.get(f"/organisations/{organisation.id}/segments/").status_code == 403
    auth.logout()
    auth.login("stranger@example.cn")
    assert client.get(f"/organisations/{organisation.id}/segments/").status_code == 404

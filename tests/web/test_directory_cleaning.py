"""Cleaning the directory (issue 28.1): duplicates found on the blind indexes whatever way a
phone, email or WeChat ID was written, merged with their history kept and re-pointed; invalid
contacts flagged; records not updated for a chosen time listed."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.directory import cleaning
from app.directory.records import Profile, create
from app.extensions import db
from app.models import (
    AuditEvent,
    Interview,
    Invitation,
    OrganisationRole,
    Participant,
    Response,
)
from app.models.types import utcnow
from app.permissions import load_directory_access
from tests import definitions as d
from tests.factories import make_interview, make_organisation, make_published, make_user, submit_all

SURVEY = d.definition(d.long_text("why", "您为什么选择我们？"), title="会员满意度")


def _person(access, user, name, phone="", email="", wechat="", city=""):
    return create(
        access,
        Profile(
            name=name,
            channels={"phone": phone, "email": email, "wechat": wechat},
            attributes={"city": city},
            tags=[name[0]],
        ),
        user,
    ).id


@pytest.fixture
def world(app, client, auth):
    with app.app_context():
        researcher = make_user("cleaner@example.cn")
        organisation = make_organisation(members={researcher: OrganisationRole.RESEARCHER})
        access = load_directory_access(organisation.id, researcher)
        ids = {
            "zhang": _person(access, researcher, "张伟", phone="138 1234 5678", city="北京"),
            "zhang2": _person(
                access, researcher, "张 伟", phone="+86 138-1234-5678", email="zw@example.cn"
            ),
            "zhang3": _person(access, researcher, "张伟", email="ZW@Example.CN", wechat="zw_2024"),
            "li": _person(access, researcher, "李娜", phone="139 0000 1111", wechat="LiNa_88"),
            "li2": _person(access, researcher, "李娜娜", wechat="lina_88"),
            "wang": _person(access, researcher, "王芳", phone="12345", email="wang@fang"),
            "zhao": _person(access, researcher, "赵六", phone="137 0000 2222"),
        }
        other = make_organisation(make_user(), name="另一家公司")
        other_access = load_directory_access(other.id, other.members[0].user)
        ids["theirs"] = _person(other_access, other.members[0].user, "张伟", phone="13812345678")
        # history: a response, an invitation and an interview on the second 张伟
        questionnaire = make_published(SURVEY)
        (response_id,) = submit_all(questionnaire, [{"why": "配送很快"}])
        db.session.get(Response, response_id).participant_id = ids["zhang2"]
        db.session.add(
            Invitation(
                questionnaire_id=questionnaire.id, token_hash="a" * 64, participant_id=ids["zhang2"]
            )
        )
        interview = make_interview(questionnaire.study)
        interview.participant_id = ids["zhang3"]
        db.session.commit()
        ids.update(org=organisation.id, response=response_id, interview=interview.id)
    auth.login("cleaner@example.cn")
    return ids


def test_duplicates_are_grouped_by_any_shared_channel(app, world):
    with app.app_context():
        access = load_directory_access(
            world["org"], db.session.get(Participant, world["zhang"]).organisation.members[1].user
        )
        groups = cleaning.duplicate_groups(access)
        found = [[record.id for record in group.records] for group in groups]
        assert found == [
            [world["zhang"], world["zhang2"], world["zhang3"]],
            [world["li"], world["li2"]],
        ]
        assert groups[0].shared == ["email", "phone"] and groups[1].shared == ["wechat"]


def test_the_cleaning_page_shows_groups_masked_and_invalid_contacts(client, world):
    page = client.get(f"/organisations/{world['org']}/directory/cleaning").get_data(as_text=True)
    assert page.count('class="border rounded p-2 mb-2 duplicate-group"') == 2
    assert "138****5678" in page and "张*" in page and "13812345678" not in page
    invalid = page[page.index('id="invalid"') : page.index('id="stale-total"')]
    assert "王*" in invalid and "电话无效" in invalid and "邮箱无效" in invalid
    assert "赵*" not in invalid


def test_a_merge_keeps_history_and_repoints_links(client, world, app):
    response = client.post(
        f"/organisations/{world['org']}/directory/cleaning/merge",
        data={
            "keep": world["zhang"],
            "records": f"{world['zhang']},{world['zhang2']},{world['zhang3']}",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get(Participant, world["zhang"])
        merged = [db.session.get(Participant, world[k]) for k in ("zhang2", "zhang3")]
        assert all(record.merged_into_id == kept.id for record in merged)
        assert merged[0].name == "张 伟"  # the merged records stay, as they were
        assert kept.email == "zw@example.cn" and kept.wechat_id == "zw_2024"  # filled in
        assert kept.city == "北京"
        assert db.session.get(Response, world["response"]).participant_id == kept.id
        assert db.session.scalar(sa.select(Invitation.participant_id)) == kept.id
        assert db.session.get(Interview, world["interview"]).participant_id == kept.id
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "participant.merge")
        )
        assert event.object_id == kept.id
        assert event.detail["merged"] == [world["zhang2"], world["zhang3"]]
        assert event.detail["moved"] == {"responses": 1, "invitations": 1, "interviews": 1}
        assert "张伟" not in str(event.detail) and "13812345678" not in str(event.detail)
        # the other organisation's 张伟 with the same phone is untouched
        assert db.session.get(Participant, world["theirs"]).merged_into_id is None
    base = f"/organisations/{world['org']}/directory"
    listed = client.get(base + "/").get_data(as_text=True)
    assert f'/directory/{world["zhang2"]}"' not in listed
    record = client.get(f"{base}/{world['zhang']}").get_data(as_text=True)
    assert "会员满意度" in record and f"#{world['zhang2']}" in record
    assert "1 处标注" in record or "0 处标注" in record
    page = client.get(base + "/cleaning").get_data(as_text=True)
    assert page.count("duplicate-group") == 1  # only 李娜's pair is left
    # merging again what was merged is refused
    again = client.post(
        base + "/cleaning/merge",
        data={"keep": world["zhang2"], "records": f"{world['zhang2']},{world['zhang']}"},
    )
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Participant, world["zhang"]).merged_into_id is None


def test_another_organisations_record_cannot_be_merged_in(client, world, app):
    client.post(
        f"/organisations/{world['org']}/directory/cleaning/merge",
        data={"keep": world["zhang"], "records": f"{world['zhang']},{world['theirs']}"},
    )
    with app.app_context():
        assert db.session.get(Participant, world["theirs"]).merged_into_id is None


def test_records_not_updated_for_n_days_are_listed(client, world, app):
    with app.app_context():
        old = db.session.get(Participant, world["zhao"])
        old.updated_at = utcnow() - timedelta(days=400)
        older = db.session.get(Participant, world["li2"])
        older.updated_at = utcnow() - timedelta(days=800)
        db.session.commit()
    base = f"/organisations/{world['org']}/directory/cleaning"
    page = client.get(base).get_data(as_text=True)  # a year by default
    stale = page[page.index('id="stale"') :]
    assert re.findall(r"/directory/(\d+)\"", stale) == [str(world["li2"]), str(world["zhao"])]
    assert "2 条记录待复核" in page
    page = client.get(base + "?days=500").get_data(as_text=True)
    assert "1 条记录待复核" in page

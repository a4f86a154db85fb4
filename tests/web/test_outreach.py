"""Inviting a directory segment (issue 28.2): one personal link per member, re-running adds
only new members; links as CSV and XLSX give the same recoverable tokens; answering through a
link links the response to the record, except in an anonymous questionnaire; reminders to
those who have not answered, audited; sample targets split by city tier; response rate by
segment with a Wilson 95 % interval checked against statsmodels."""

import csv
import io
import re
import uuid
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from statsmodels.stats.proportion import proportion_confint

from app.extensions import db
from app.models import AuditEvent, Invitation, OrganisationRole, Response, Role, Segment
from app.outreach.rates import rate_of
from app.outreach.services import Tally
from tests import definitions as d
from tests.factories import (
    make_organisation,
    make_participant,
    make_published,
    make_study,
    make_user,
)

SURVEY = d.definition(
    d.page(
        "p1",
        d.single_choice(
            "channel", "您最常用的下单渠道", [("app", "App"), ("mini", "小程序")], required=True
        ),
    ),
    title="下单渠道调查",
)  # fmt: skip
INVITATION_ONLY = {"access": {"mode": "invitation"}}
ANONYMOUS = {"access": {"mode": "invitation", "anonymous": True}}
TIER_ONE = {
    "match": "all",
    "rules": [
        {"kind": "attribute", "field": "city_tier", "op": "in", "values": ["一线", "新一线"]}
    ],
}


@pytest.fixture
def world(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    organisation = make_organisation(owner, members={viewer: OrganisationRole.RESEARCHER})
    study = make_study(owner, members={viewer: Role.VIEWER})
    study.organisation_id = organisation.id
    names = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊"]
    tiers = ["一线", "一线", "新一线", "新一线", "新一线", "三线"]
    people = [
        make_participant(organisation, name=n, city_tier=t)
        for n, t in zip(names, tiers, strict=True)
    ]
    make_participant(organisation, name="张伟", city_tier="一线", merged_into_id=people[0].id)
    segment = Segment(organisation_id=organisation.id, name="一线与新一线", rules=TIER_ONE)
    db.session.add(segment)
    db.session.commit()
    return {"study": study, "organisation": organisation, "people": people, "segment": segment}


def _invite(client, world, questionnaire):
    return client.post(
        f"/studies/{world['study'].id}/outreach/invite",
        data={"segment": world["segment"].id, "questionnaire": questionnaire.id},
    )


def _links_csv(client, world, target_id) -> dict[int, str]:
    reply = client.get(f"/studies/{world['study'].id}/outreach/{target_id}/links.csv")
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["participant_id", "姓名（已遮蔽）", "个人链接"]
    return {int(row[0]): row for row in rows[1:]}


def _target_id(world) -> int:
    from app.models import OutreachTarget

    return db.session.scalar(db.select(OutreachTarget.id))


def _token(link: str) -> str:
    return re.search(r"[?&]t=([^&]+)", link).group(1)


def _answer(client, questionnaire, link: str, channel: str = "app"):
    parts = urlsplit(link)
    client.get(f"{parts.path}?{parts.query}")  # the form page keeps the token in the session
    return client.post(
        f"/s/{questionnaire.slug}/submit",
        json={"answers": {"channel": channel}, "invitation": _token(link)},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


def test_one_link_per_member_and_inviting_again_adds_only_new_members(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    assert _invite(client, world, questionnaire).status_code == 302
    members = {p.id for p in world["people"][:5]}
    invited = db.session.scalars(
        db.select(Invitation.participant_id).where(Invitation.questionnaire_id == questionnaire.id)
    ).all()
    assert sorted(invited) == sorted(members)  # the merged record and the 三线 one: none

    rows = _links_csv(client, world, _target_id(world))
    assert set(rows) == members
    assert {row[1] for row in rows.values()} == {"张*", "李*", "王*", "刘*", "陈*"}
    # The link's token is the one whose hash the invitation keeps (recoverable, encrypted).
    for participant_id, row in rows.items():
        hashed = db.session.scalar(
            db.select(Invitation.token_hash).where(Invitation.participant_id == participant_id)
        )
        from app.responses.records import token_hash

        assert token_hash(_token(row[2])) == hashed
    raw = db.session.execute(db.text("SELECT token_secret FROM invitations")).scalars().all()
    assert all(secret and _token(rows[next(iter(rows))][2]) not in secret for secret in raw)

    newcomer = make_participant(world["organisation"], name="赵敏", city_tier="一线")
    _invite(client, world, questionnaire)
    again = _links_csv(client, world, _target_id(world))
    assert set(again) == members | {newcomer.id}
    assert {k: v[2] for k, v in again.items() if k in members} == {
        k: v[2] for k, v in rows.items()
    }  # the same links as before
    counts = db.session.scalars(
        db.select(AuditEvent.detail).where(AuditEvent.action == "outreach.invite")
    ).all()
    assert [c["count"] for c in counts] == [5, 1]

    xlsx = client.get(f"/studies/{world['study'].id}/outreach/{_target_id(world)}/links.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    from_xlsx = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert from_xlsx == {k: v[2] for k, v in again.items()}


def test_a_questionnaire_not_by_invitation_is_refused_with_a_message(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"])
    auth.login("owner@example.cn")
    reply = _invite(client, world, questionnaire)
    assert reply.status_code == 422
    assert "个人邀请链接只适用于仅限邀请作答的问卷" in reply.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


def test_answering_through_a_link_links_the_response_to_the_record(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    _invite(client, world, questionnaire)
    rows = _links_csv(client, world, _target_id(world))
    auth.logout()
    first = world["people"][0].id
    respondent = client.application.test_client()
    assert _answer(respondent, questionnaire, rows[first][2]).status_code == 201
    response = db.session.scalar(
        db.select(Response).where(Response.questionnaire_id == questionnaire.id)
    )
    assert response.participant_id == first
    assert response.invitation_token_hash is not None


def test_an_anonymous_questionnaire_never_links(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"], settings=ANONYMOUS)
    auth.login("owner@example.cn")
    _invite(client, world, questionnaire)
    rows = _links_csv(client, world, _target_id(world))
    auth.logout()
    first = world["people"][0].id
    respondent = client.application.test_client()
    assert _answer(respondent, questionnaire, rows[first][2]).status_code == 201
    response = db.session.scalar(
        db.select(Response).where(Response.questionnaire_id == questionnaire.id)
    )
    assert response.participant_id is None
    assert response.invitation_token_hash is None  # nothing to join the invitation on
    used = db.session.scalar(
        db.select(Invitation.used_at).where(Invitation.participant_id == first)
    )
    assert (used.hour, used.minute, used.second, used.microsecond) == (0, 0, 0, 0)
    # The link is spent all the same, and counts as answered.
    again = _answer(respondent.application.test_client(), questionnaire, rows[first][2])
    assert again.status_code == 409
    auth.login("owner@example.cn")
    page = client.get(f"/studies/{world['study'].id}/outreach/").get_data(as_text=True)
    assert 'data-invited="5" data-answered="1"' in page


def test_reminders_go_to_those_who_have_not_answered_and_are_audited(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    _invite(client, world, questionnaire)
    target = _target_id(world)
    rows = _links_csv(client, world, target)
    first = world["people"][0].id
    assert (
        _answer(client.application.test_client(), questionnaire, rows[first][2]).status_code == 201
    )

    reply = client.post(f"/studies/{world['study'].id}/outreach/{target}/remind")
    assert reply.status_code == 200
    reminded = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))[1:]
    assert {int(r[0]) for r in reminded} == {p.id for p in world["people"][1:5]}
    assert {r[4] for r in reminded} == {"1"}
    client.post(f"/studies/{world['study'].id}/outreach/{target}/remind")
    counts = dict(
        db.session.execute(db.select(Invitation.participant_id, Invitation.reminder_count)).all()
    )
    assert counts[first] == 0 and {counts[p.id] for p in world["people"][1:5]} == {2}
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "outreach.remind")
        )
        == 2
    )
    log = client.get(f"/studies/{world['study'].id}/audit").get_data(as_text=True)
    assert "提醒了人群“一线与新一线”中 4 位未作答的成员" in log


def test_targets_split_by_city_tier_and_the_rates_on_the_page(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    _invite(client, world, questionnaire)
    target = _target_id(world)
    rows = _links_csv(client, world, target)
    for person in world["people"][:3]:  # two of 一线, one of 新一线
        assert (
            _answer(client.application.test_client(), questionnaire, rows[person.id][2]).status_code
            == 201
        )
    saved = client.post(
        f"/studies/{world['study'].id}/outreach/{target}/target",
        data={f"t{target}-target_count": "4", f"t{target}-split_field": "city_tier",
              f"t{target}-split_targets": "一线 = 2\n新一线 = 3"},
    )  # fmt: skip
    assert saved.status_code == 302
    page = client.get(f"/studies/{world['study'].id}/outreach/").get_data(as_text=True)
    assert 'data-value="" data-invited="5" data-answered="3"' in page
    assert 'data-value="一线" data-invited="2" data-answered="2"' in page
    assert 'data-value="新一线" data-invited="3" data-answered="1"' in page
    low, high = proportion_confint(3, 5, alpha=0.05, method="wilson")
    assert f"{low * 100:.1f}% – {high * 100:.1f}%" in page
    assert "3 / 4" in page and "2 / 2" in page and "1 / 3" in page

    bad = client.post(
        f"/studies/{world['study'].id}/outreach/{target}/target",
        data={f"t{target}-split_targets": "一线 一百"},
    )
    assert bad.status_code == 302
    assert "每行请写成“取值 = 数字”" in client.get(bad.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("answered,invited", [(0, 7), (3, 5), (41, 120), (120, 120), (1, 1)])
def test_the_response_rate_interval_is_wilson(answered, invited):
    rate = rate_of(Tally("", invited, answered))
    low, high = proportion_confint(answered, invited, alpha=0.05, method="wilson")
    assert rate.rate == pytest.approx(answered / invited)
    assert rate.low == pytest.approx(low, abs=1e-12) and rate.high == pytest.approx(high, abs=1e-12)
    assert rate_of(Tally("", 0, 0)).rate is None


def test_who_may_invite(client, auth, world):
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("viewer@example.cn")  # a study viewer, though a researcher of the directory
    assert client.get(f"/studies/{world['study'].id}/outreach/").status_code == 200
    assert _invite(client, world, questionnaire).status_code == 403
    auth.logout()
    outsider = make_user("outsider@example.cn")
    assert outsider
    auth.login("outsider@example.cn")
    assert client.get(f"/studies/{world['study'].id}/outreach/").status_code == 404


def test_the_results_export_keeps_only_the_segments_linked_responses(client, auth, world):
    from app.results.export_table import ExportFilters, filtered_frame

    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    _invite(client, world, questionnaire)
    rows = _links_csv(client, world, _target_id(world))
    for person in world["people"][:3]:
        assert (
            _answer(client.application.test_client(), questionnaire, rows[person.id][2]).status_code
            == 201
        )
    rule = {"kind": "attribute", "field": "city_tier", "op": "equals", "values": ["一线"]}
    tier_one = Segment(
        organisation_id=world["organisation"].id, name="一线", rules={"rules": [rule]}
    )
    db.session.add(tier_one)
    db.session.commit()
    linked = dict(db.session.execute(db.select(Response.participant_id, Response.id)).all())
    everything = filtered_frame(questionnaire, ExportFilters(), "Asia/Shanghai")
    only = filtered_frame(
        questionnaire, ExportFilters(participant_segment=tier_one.id), "Asia/Shanghai"
    )
    assert len(everything) == 3
    assert sorted(only["response_id"]) == sorted(linked[p.id] for p in world["people"][:2])
    assert ExportFilters.from_dict(ExportFilters(participant_segment=tier_one.id).to_dict()) == (
        ExportFilters(participant_segment=tier_one.id)
    )
    page = client.get(
        f"/studies/{world['study'].id}/questionnaires/{questionnaire.id}/results/export"
    )
    assert "仅导出档案库某人群的答卷" in page.get_data(as_text=True)
    # A segment of another organisation keeps nothing.
    other = make_organisation(name="另一家机构")
    foreign = Segment(organisation_id=other.id, name="一线", rules=tier_one.rules)
    db.session.add(foreign)
    db.session.commit()
    assert (
        len(filtered_frame(questionnaire, ExportFilters(participant_segment=foreign.id), "UTC"))
        == 0
    )


def test_findings_take_a_segment_filter_from_the_query_args(client, auth, world, app):
    from werkzeug.datastructures import MultiDict

    from analysis.findings.query import Query
    from app.findings.data import findings_data
    from app.findings.query_args import query_args, query_from_args

    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    _invite(client, world, questionnaire)
    rows = _links_csv(client, world, _target_id(world))
    for person in world["people"][:3]:
        reply = _answer(client.application.test_client(), questionnaire, rows[person.id][2])
        assert reply.status_code == 201
    rule = {"kind": "attribute", "field": "city_tier", "op": "equals", "values": ["一线"]}
    tier_one = Segment(
        organisation_id=world["organisation"].id, name="一线", rules={"rules": [rule]}
    )
    db.session.add(tier_one)
    db.session.commit()
    assert findings_data(questionnaire, Query.of()).n == 3
    assert findings_data(questionnaire, Query.of(participant_segment=tier_one.id)).n == 2
    assert Query.of().fingerprint() != Query.of(participant_segment=tier_one.id).fingerprint()
    assert "participant_segment" not in Query.of().to_dict()  # older fingerprints unchanged

    args = MultiDict({"participant_segment": str(tier_one.id)})
    path = f"/studies/{world['study'].id}/findings/{questionnaire.id}/"
    with app.test_request_context(path):
        from flask_login import login_user

        from app.models import User

        login_user(db.session.scalar(db.select(User).where(User.email == "owner@example.cn")))
        from flask import request

        request.view_args = {"study_id": world["study"].id}
        query = query_from_args(args)
        assert query.participant_segment == tier_one.id
        assert query_args(query)["participant_segment"] == str(tier_one.id)
        login_user(db.session.scalar(db.select(User).where(User.email == "viewer@example.cn")))
        # A study viewer with a directory role: allowed; outside a study (a share link): never.
        assert query_from_args(args).participant_segment == tier_one.id
        request.view_args = {}
        assert query_from_args(args).participant_segment is None
    page = client.get(path, query_string={"participant_segment": tier_one.id})
    assert page.status_code == 200

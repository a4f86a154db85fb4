"""The product manager (产品经理) across the needs and findings routes: reads every finding,
manages needs, and is refused respondent-level data (single responses, open answers row by
row, transcripts and quotes with their participants); a viewer reads needs but changes none."""

import pytest

from app.extensions import db
from app.models import Need, Role
from tests import definitions as d
from tests.factories import make_interview, make_published, make_study, make_user, submit_all

SURVEY = d.definition(
    d.page(
        "p1",
        d.single_choice("tier", "城市", [("t1", "一线"), ("t2", "二线")]),
        d.nps(),
        d.short_text("why", "原因"),
    ),
    title="外卖 App 满意度",
)
CALLERS = ("viewer", "product_manager", "researcher", "owner")


@pytest.fixture
def setting(ctx):
    users = {name: make_user(f"{name}@example.cn") for name in CALLERS}
    study = make_study(
        users["owner"],
        members={
            users["viewer"]: Role.VIEWER,
            users["product_manager"]: Role.PRODUCT_MANAGER,
            users["researcher"]: Role.RESEARCHER,
        },
    )
    questionnaire = make_published(SURVEY, study=study)
    [response_id, *_] = submit_all(
        questionnaire, [{"tier": "t1", "nps": 9, "why": "配送快"}, {"tier": "t2", "nps": 3}]
    )
    interview = make_interview(study)
    need = Need(study_id=study.id, statement="配送更快")
    db.session.add(need)
    db.session.commit()
    return {"s": study.id, "q": questionnaire.id, "r": response_id, "i": interview.id, "n": need.id}


READS = [
    "/studies/{s}/needs/",
    "/studies/{s}/needs/table",
    "/studies/{s}/needs/{n}",
    "/studies/{s}/needs/trends",
    "/studies/{s}/needs/trends/status.png",
    "/studies/{s}/needs/needs.csv",
    "/studies/{s}/findings/",
    "/studies/{s}/findings/{q}/",
    "/studies/{s}/findings/{q}/insights",
    "/studies/{s}/findings/{q}/waves",
    "/studies/{s}/voices/",
    "/studies/{s}/questionnaires/{q}/results/",
]
RESPONDENT_DATA = [
    "/studies/{s}/questionnaires/{q}/responses/",
    "/studies/{s}/questionnaires/{q}/results/responses",
    "/studies/{s}/questionnaires/{q}/results/responses/{r}",
    "/studies/{s}/questionnaires/{q}/results/responses.csv",
    "/studies/{s}/questionnaires/{q}/results/export",
    "/studies/{s}/questionnaires/{q}/results/text/why",
    "/studies/{s}/voices/{q}/why",
    "/studies/{s}/interviews/",
    "/studies/{s}/interviews/{i}",
    "/studies/{s}/interviews/quotes",
    "/studies/{s}/interviews/search",
    "/studies/{s}/interviews/analysis",  # codes counted by transcript
    "/studies/{s}/voices/quotes",  # open answers and highlights one by one
]
WRITES = [
    (
        "/studies/{s}/needs/new",
        {
            "statement": "新需求",
            "type": "explicit",
            "kind": "functional",
            "kano": "",
            "owner_id": "0",
        },
    ),
    ("/studies/{s}/needs/{n}/move", {"status": "accepted"}),
    ("/studies/{s}/needs/{n}/comments", {"body": "同意"}),
    ("/studies/{s}/needs/{n}/override", {"value": "3", "reason": "季度目标"}),
    ("/studies/{s}/needs/table/bulk", {"need_id": "{n}", "status": "scheduled"}),
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("path", READS)
def test_every_member_reads_the_needs_and_the_findings(client, auth, setting, caller, path):
    auth.login(f"{caller}@example.cn")
    assert client.get(path.format(**setting)).status_code == 200


@pytest.mark.parametrize("path", RESPONDENT_DATA)
def test_the_product_manager_is_refused_respondent_level_data(client, auth, setting, path):
    auth.login("product_manager@example.cn")
    assert client.get(path.format(**setting)).status_code == 403
    auth.logout()
    auth.login("researcher@example.cn")
    assert client.get(path.format(**setting)).status_code == 200


@pytest.mark.parametrize(("path", "data"), WRITES, ids=[p for p, _ in WRITES])
@pytest.mark.parametrize(
    ("caller", "expected"),
    [("viewer", 403), ("product_manager", 302), ("researcher", 302), ("owner", 302)],
)
def test_needs_are_managed_by_all_but_viewers(client, auth, setting, path, data, caller, expected):
    auth.login(f"{caller}@example.cn")
    form = {k: v.format(**setting) for k, v in data.items()}
    assert client.post(path.format(**setting), data=form).status_code == expected


def test_the_product_manager_sees_no_interviews_tab(client, auth, setting):
    auth.login("product_manager@example.cn")
    html = client.get("/studies/{s}/needs/".format(**setting)).get_data(as_text=True)
    assert 'href="/studies/{s}/interviews/"'.format(**setting) not in html
    assert "您的角色：产品经理" in html
    auth.logout()
    auth.login("owner@example.cn")
    html = client.get("/studies/{s}/members".format(**setting)).get_data(as_text=True)
    assert "产品经理" in html

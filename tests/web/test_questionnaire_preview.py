"""The researcher's preview (issue 27.5): the respondent's own page, pages and logic, from the
draft; its checks answer like the public endpoints and store nothing."""

import json
import re

import pytest

from app.extensions import db
from app.models import Response
from tests.definitions import WITH_LOGIC
from tests.factories import make_questionnaire, study_with_roles


@pytest.fixture
def draft(ctx):
    study, users = study_with_roles()
    questionnaire = make_questionnaire(WITH_LOGIC, study=study)
    base = f"/studies/{study.id}/questionnaires/{questionnaire.id}/preview"
    return base, users


def config_of(page: str) -> dict:
    return json.loads(re.search(r'id="respond-config">(.*?)</script>', page, re.S).group(1))


def test_preview_is_the_respondent_page_of_the_draft_with_its_logic(client, auth, draft):
    base, _ = draft
    auth.login("viewer@example.cn")
    page = client.get(base).get_data(as_text=True)
    assert "预览：填写内容不会被保存。" in page
    assert 'data-show-if="region = &#39;south&#39;"' in page  # logic reaches respond.js
    assert "js/respond.js" in page and "js/conditions.js" in page
    config = config_of(page)
    assert config["preview"] is True
    assert config["progressUrl"] == f"{base}/progress"
    assert config["submitUrl"] == f"{base}/submit"
    assert config["definition"]["pages"][1]["show_if"] == "region = 'north'"
    assert 'name="csrf_token"' not in page  # the form never posts anywhere
    # The builder's side panel frames it with scripts blocked: it asks for the page without.
    assert "js/respond.js" not in client.get(f"{base}?frame=1").get_data(as_text=True)


def test_preview_checks_like_the_public_form_and_stores_nothing(client, auth, draft):
    base, _ = draft
    auth.login("researcher@example.cn")
    left = client.post(f"{base}/progress", json={"answers": {}, "page": "p1", "check_page": True})
    assert left.status_code == 200
    assert left.get_json()["errors"] == {"region": "此题为必答题"}

    missing = client.post(f"{base}/submit", json={"answers": {"region": "south"}})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"stars"}

    done = client.post(
        f"{base}/submit", json={"answers": {"region": "north", "food": "饺子", "stars": 4}}
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "complete"
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("outsider@example.cn", 404), ("viewer@example.cn", 200)],
)
def test_preview_checks_are_for_members_only(client, auth, draft, who, status):
    base, _ = draft
    if who:
        auth.login(who)
    reply = client.post(f"{base}/submit", json={"answers": {}})
    assert reply.status_code == (422 if status == 200 else status)


def test_preview_of_an_unknown_version_is_404(client, auth, draft):
    base, _ = draft
    auth.login("owner@example.cn")
    assert client.get(f"{base}?version=9").status_code == 404
    assert client.post(f"{base}/submit?version=9", json={"answers": {}}).status_code == 404

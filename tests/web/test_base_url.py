"""Links handed out (public link, QR code, resume and invitation links) are built on the
configured WENFANG_BASE_URL, never on the Host header the client sent."""

import re

import pytest

from app import create_app
from app.config import ProductionConfig
from app.extensions import db
from app.questionnaires import sharing
from app.urls import external_url
from tests.conftest import RequestPerContextClient, make_app
from tests.definitions import definition, short_text
from tests.factories import make_published

BASE = "https://wenjuan.example.cn/wenfang"
EVIL = {"Host": "evil.example"}
DEFINITION = definition(short_text("why", "原因"), title="链接测试")


@pytest.fixture
def based_app(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance", BASE_URL=BASE + "/")
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        db.create_all()
        survey = make_published(DEFINITION)
        app.config["TEST_IDS"] = (survey.study_id, survey.id, survey.slug)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def sign_in(client, email: str) -> None:
    reply = client.post(
        "/login", data={"email": email, "password": "correct horse battery"}, headers=EVIL
    )
    assert reply.status_code == 302


def test_public_link_and_qr_code_use_the_base_url_not_the_host_header(based_app):
    study_id, questionnaire_id, slug = based_app.config["TEST_IDS"]
    client = based_app.test_client()
    sign_in(client, "viewer@example.cn")
    base = f"/studies/{study_id}/questionnaires/{questionnaire_id}"
    page = client.get(f"{base}/", headers=EVIL).get_data(as_text=True)
    assert f"{BASE}/s/{slug}" in page
    assert "evil.example" not in page
    with based_app.test_request_context("/", headers=EVIL):
        expected, _ = sharing.qr_code(f"{BASE}/s/{slug}", "svg")
    assert client.get(f"{base}/qr.svg", headers=EVIL).data == expected


def test_resume_and_invitation_links_use_the_base_url_not_the_host_header(based_app):
    study_id, questionnaire_id, slug = based_app.config["TEST_IDS"]
    client = based_app.test_client()
    saved = client.post(
        f"/s/{slug}/progress", json={"answers": {"why": "太慢"}, "page": "p1"}, headers=EVIL
    )
    assert saved.status_code == 200
    assert saved.json["resume_url"].startswith(f"{BASE}/s/{slug}?r=")
    page = client.get(f"/s/{slug}", headers=EVIL).get_data(as_text=True)
    assert f"{BASE}/s/{slug}" in page
    assert "evil.example" not in page

    sign_in(client, "researcher@example.cn")
    links = client.post(
        f"/studies/{study_id}/questionnaires/{questionnaire_id}/responses/invitations.csv",
        data={"count": 2},
        headers=EVIL,
    ).get_data(as_text=True)
    assert len(re.findall(rf"{re.escape(BASE)}/s/{slug}\?t=", links)) == 2
    assert "evil.example" not in links


def test_a_path_prefix_forwarded_by_the_proxy_is_not_doubled(based_app):
    _, _, slug = based_app.config["TEST_IDS"]
    with based_app.test_request_context(
        "/", headers=EVIL, environ_base={"SCRIPT_NAME": "/wenfang"}
    ):
        assert external_url("respond.form", slug=slug) == f"{BASE}/s/{slug}"


def test_production_refuses_to_start_without_a_base_url(tmp_path):
    config = type("NoBase", (ProductionConfig,), {"SECRET_KEY": "x" * 32, "BASE_URL": None})
    with pytest.raises(RuntimeError, match="WENFANG_BASE_URL"):
        create_app(config, instance_path=str(tmp_path))


@pytest.mark.parametrize(
    "value", ["wenjuan.example.cn", "ftp://wenjuan.example.cn", "https://", "https://a.cn/?x=1"]
)
def test_a_base_url_that_is_not_an_http_address_is_refused(tmp_path, value):
    with pytest.raises(RuntimeError, match="WENFANG_BASE_URL"):
        make_app("sqlite://", tmp_path, BASE_URL=value)

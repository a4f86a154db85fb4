"""Share links: a read-only dashboard for people without an account — made with the
dashboard's filters, shown once, expiring, revocable, every view audited, 404 once closed;
cells under the minimum n suppressed; open answers only as de-identified quotes when asked."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.findings.shares import open_share
from app.models import AuditEvent, Role, ShareLink
from app.models.types import utcnow
from tests.definitions import definition, long_text, nps, single_choice
from tests.factories import make_published, make_study, make_user, submit_all
from tests.web.test_findings_reports import needs_poppler, pdf_text

SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
    nps(required=True),
    long_text("why", "原因"),
    title="结账满意度",
)


@pytest.fixture
def survey(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    study = make_study(owner, members={viewer: Role.VIEWER})
    questionnaire = make_published(SURVEY, study=study)
    answers = [{"tier": "t1", "nps": 9, "why": "配送快，客服王女士很耐心"}] * 35 + [
        {"tier": "t2", "nps": 3, "why": "退款慢，请打 13812345678 联系我"}
    ] * 10
    submit_all(questionnaire, answers)
    return questionnaire


def shares_url(q, tail=""):
    return f"/studies/{q.study_id}/findings/{q.id}/shares{tail}"


def make_link(client, auth, q, *, args="", **form):
    auth.login("owner@example.cn")
    data = {"expires": "30", "label": "产品周会", **form}
    reply = client.post(shares_url(q, args), data=data)
    assert reply.status_code == 302
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    token = re.search(r'id="new-share-url" readonly value="[^"]*/shared/([^"]+)"', page).group(1)
    again = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert token not in again  # shown once
    auth.logout()
    return token


def test_a_share_link_opens_the_dashboard_without_an_account_and_every_view_is_audited(
    client, auth, survey
):
    token = make_link(client, auth, survey)
    page = client.get(f"/shared/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<meta name="referrer" content="no-referrer">' in html
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "全部 45 份完整回答" in html
    assert 'data-metric="nps:nps"' in html and "n=45" in html
    # no respondent-level data and no open answers
    assert "客服" not in html and "13812345678" not in html and "/responses" not in html
    client.get(f"/shared/{token}")
    link = db.session.scalar(db.select(ShareLink))
    assert link.views == 2
    views = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "share.view"))
    assert len(list(views)) == 2


def test_the_link_keeps_the_filters_and_suppresses_cells_under_the_minimum_n(client, auth, survey):
    token = make_link(client, auth, survey, args="?seg.tier=t2")
    html = client.get(f"/shared/{token}").get_data(as_text=True)
    assert "45 份完整回答中剩余 10 份" in html
    nps_card = html[html.index('data-metric="nps:nps"') :][:600]
    assert "不显示：回答少于 30 份" in nps_card and "-70" not in nps_card
    question = html[html.index('id="question-nps"') :][:800]
    assert "suppressed" in question and "<img" not in question
    # nor can the chart be fetched by its name
    assert client.get(f"/shared/{token}/charts/question_nps.png").status_code == 404
    # the reader cannot widen the filter from the address
    assert "剩余 10 份" in client.get(f"/shared/{token}?seg.tier=t1").get_data(as_text=True)


def test_quotes_are_shown_de_identified_only_when_the_owner_includes_them(client, auth, survey):
    token = make_link(client, auth, survey, include_quotes="y")
    html = client.get(f"/shared/{token}").get_data(as_text=True)
    quotes = html[html.index('id="quotes-why"') :]
    assert "退款慢" in quotes and "13812345678" not in quotes
    assert "王女士" not in html  # a surname with a title is masked, in quotes and aspects
    assert 'id="voices"' in html


def test_a_revoked_or_expired_link_is_not_found(client, auth, survey):
    token = make_link(client, auth, survey, expires="7")
    link = db.session.scalar(db.select(ShareLink))
    assert link.expires_at - utcnow() > timedelta(days=6, hours=23)
    assert open_share(token, now=utcnow() + timedelta(days=8)) is None
    auth.login("owner@example.cn")
    assert client.post(shares_url(survey, f"/{link.id}/revoke")).status_code == 302
    auth.logout()
    assert client.get(f"/shared/{token}").status_code == 404
    assert client.get(f"/shared/{token}/charts/question_nps.png").status_code == 404
    assert client.get("/shared/not-a-token").status_code == 404
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert "share.create" in actions and "share.revoke" in actions


def test_a_never_expiring_link_has_no_end_and_a_viewer_cannot_make_one(client, auth, survey):
    make_link(client, auth, survey, expires="never")
    assert db.session.scalar(db.select(ShareLink)).expires_at is None
    auth.login("viewer@example.cn")
    assert client.get(shares_url(survey)).status_code == 403
    assert client.post(shares_url(survey), data={"expires": "7"}).status_code == 403


@needs_poppler
def test_the_report_of_a_share_link_suppresses_small_cells_and_closes_with_it(
    client, auth, survey, tmp_path
):
    token = make_link(client, auth, survey, args="?seg.tier=t2")
    reply = client.get(f"/shared/{token}/report.pdf")
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    path = tmp_path / "shared.pdf"
    path.write_bytes(reply.data)
    text = pdf_text(path)
    assert "结账满意度" in text and "不显示：回答少于 30 份" in text
    assert "-100" not in text  # the 二线 NPS (every one a detractor), resting on 10 responses
    assert "退款慢" not in text and "13812345678" not in text
    assert db.session.scalar(db.select(ShareLink)).views == 1  # the download is a view
    link = db.session.scalar(db.select(ShareLink))
    link.revoked_at = utcnow()
    db.session.commit()
    assert client.get(f"/shared/{token}/report.pdf").status_code == 404

"""Insights in the app: a scan finds the planted gap and stores it; reopened after new
responses, an insight shows its stored numbers and says it is stale; a researcher recomputes
it, a viewer may read but neither scan nor recompute."""

import random

import pytest

from analysis.findings.query import Query
from app.extensions import db
from app.findings import insights as service
from app.findings.insight_sentences import insight_summaries, stored_insight_sentences
from app.models import Insight, InsightScan, Questionnaire, WeightingScheme
from app.responses import submission
from tests import definitions as d
from tests.factories import make_published

AGES = [("18-24", "18–24 岁"), ("25-34", "25–34 岁"), ("35-44", "35–44 岁"), ("45+", "45 岁以上")]
DEFINITION = d.definition(
    d.page(
        "p1",
        d.nps(),
        d.rating("stars"),
        d.single_choice("age", title="年龄", choices=AGES),
    )
)


def add_responses(questionnaire: Questionnaire, n: int, seed: int, start: int = 0) -> None:
    """*n* complete responses; 25–34 recommend much less (NPS about 40 points lower)."""
    rng = random.Random(seed)
    version = questionnaire.latest_version
    for i in range(start, start + n):
        age = rng.choice([a for a, _ in AGES])
        promoter = rng.random() < (0.25 if age == "25-34" else 0.6)
        score = rng.choice([9, 10]) if promoter else rng.choice([3, 5, 6, 7, 8])
        answers = {"nps": score, "stars": rng.randint(1, 5), "age": age}
        submission.submit(version, f"t-{questionnaire.id}-{i}", answers, secret="s")


@pytest.fixture
def survey(ctx):
    questionnaire = make_published(DEFINITION)
    add_responses(questionnaire, 400, seed=1)
    return questionnaire


def page(questionnaire, tail=""):
    return f"/studies/{questionnaire.study_id}/findings/{questionnaire.id}/insights{tail}"


def test_the_scan_page_finds_and_lists_the_planted_gap(client, auth, survey):
    auth.login("researcher@example.cn")
    before = client.get(page(survey)).get_data(as_text=True)
    assert 'id="no-scan"' in before and 'id="scan-button"' in before
    reply = client.post(page(survey, "/scan"), follow_redirects=True)
    text = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "25–34 岁用户的 NPS 比其他用户低" in text and "95% 区间 −" in text
    stored = db.session.scalars(db.select(Insight)).all()
    assert stored and stored[0].claim["segment"]["value"] == "25-34"
    assert stored[0].query == Query().to_dict()
    with client.application.test_request_context():
        assert stored_insight_sentences(survey, Query())[0].startswith("25–34 岁用户的 NPS")
        top = insight_summaries(survey, Query(), limit=1)
        assert len(top) == 1 and top[0]["id"] == stored[0].id and top[0]["stale"] is False
    index = client.get(f"/studies/{survey.study_id}/findings/").get_data(as_text=True)
    assert page(survey) in index


def test_a_rescan_replaces_the_stored_set_of_its_query_only(client, auth, survey):
    auth.login("researcher@example.cn")
    client.post(page(survey, "/scan"))
    client.post(page(survey, "/scan?exclude_flagged=1"))
    client.post(page(survey, "/scan"))
    scans = db.session.scalars(db.select(InsightScan)).all()
    assert len(scans) == 2
    assert {s.query["exclude_flagged"] for s in scans} == {False, True}


def test_a_reopened_insight_keeps_its_numbers_says_it_is_stale_and_recomputes(client, auth, survey):
    auth.login("researcher@example.cn")
    client.post(page(survey, "/scan"))
    first = db.session.scalars(db.select(Insight).order_by(Insight.rank)).first()
    first_id, first_version = first.id, first.data_version
    url = page(survey, f"/{first.id}")
    fresh = client.get(url).get_data(as_text=True)
    assert 'id="stale-notice"' not in fresh
    sentence = fresh.split('id="insight-sentence">')[1].split("<")[0]
    assert client.get(page(survey, f"/{first.id}/chart.png")).mimetype == "image/png"

    add_responses(survey, 150, seed=2, start=400)
    reopened = client.get(url).get_data(as_text=True)
    assert 'id="stale-notice"' in reopened and 'id="recompute-button"' in reopened
    assert reopened.split('id="insight-sentence">')[1].split("<")[0] == sentence
    assert f"{first.claim['n']['segment']} / {first.claim['n']['rest']}" in reopened
    listing = client.get(page(survey)).get_data(as_text=True)
    assert 'id="stale-notice"' in listing

    reply = client.post(page(survey, f"/{first.id}/recompute"))
    assert reply.status_code == 302
    again = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert 'id="stale-notice"' not in again
    new = db.session.scalars(db.select(Insight).order_by(Insight.rank)).first()
    assert new.id != first_id and new.data_version != first_version
    assert client.get(url).status_code == 404  # the replaced insight is gone
    assert new.claim["n"]["segment"] + new.claim["n"]["rest"] == 550


def test_a_viewer_reads_insights_but_cannot_scan_or_recompute(client, auth, survey):
    stored = service.run_scan(survey, Query(), None)
    insight_id = stored.insights[0].id
    auth.login("viewer@example.cn")
    listing = client.get(page(survey)).get_data(as_text=True)
    assert "25–34 岁用户" in listing and 'id="scan-button"' not in listing
    add_responses(survey, 5, seed=3, start=400)
    detail = client.get(page(survey, f"/{insight_id}")).get_data(as_text=True)
    assert 'id="stale-notice"' in detail and 'id="recompute-button"' not in detail
    assert client.post(page(survey, "/scan")).status_code == 403
    assert client.post(page(survey, f"/{insight_id}/recompute")).status_code == 403


def test_a_non_member_gets_404_and_an_unknown_insight_is_404(client, auth, survey):
    stored = service.run_scan(survey, Query(), None)
    auth.login("outsider@example.cn")
    assert client.get(page(survey)).status_code == 404
    assert client.get(page(survey, f"/{stored.insights[0].id}")).status_code == 404
    auth.logout()
    auth.login("owner@example.cn")
    assert client.get(page(survey, "/999999")).status_code == 404


def test_english_readers_get_the_english_sentence(client, auth, survey):
    service.run_scan(survey, Query(), None)
    auth.login("owner@example.cn")
    text = client.get(page(survey), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "respondents have an NPS" in text and "points lower than the others" in text


def test_a_scan_under_a_segment_filter_stores_its_query_and_keeps_it_in_the_links(
    client, auth, survey
):
    auth.login("owner@example.cn")
    reply = client.post(page(survey, "/scan?seg.age=25-34&seg.age=18-24"))
    assert reply.status_code == 302
    assert "seg.age=18-24" in reply.headers["Location"]
    stored = db.session.scalars(db.select(InsightScan)).one()
    assert stored.query["segments"] == {"age": ["18-24", "25-34"]}
    listing = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert 'id="no-scan"' not in listing and "18-24, 25-34" in listing
    assert 'id="no-scan"' in client.get(page(survey)).get_data(as_text=True)


def test_a_questionnaire_without_responses_scans_to_nothing(client, auth, ctx):
    empty = make_published(DEFINITION)
    auth.login("owner@example.cn")
    text = client.post(page(empty, "/scan"), follow_redirects=True).get_data(as_text=True)
    assert 'id="no-insights"' in text


def test_a_weighted_query_without_a_scheme_says_its_insights_are_unweighted(client, auth, survey):
    auth.login("owner@example.cn")
    reply = client.post(page(survey, "/scan?weighted=1"), follow_redirects=True)
    assert 'id="unweighted-notice"' in reply.get_data(as_text=True)
    assert db.session.scalars(db.select(InsightScan)).one().weighted is False


def test_a_weighted_query_with_a_scheme_stores_weighted_claims(client, auth, survey):
    targets = [["18-24", 0.4], ["25-34", 0.2], ["35-44", 0.2], ["45+", 0.2]]
    db.session.add(
        WeightingScheme(
            questionnaire_id=survey.id, margins=[{"question": "age", "targets": targets}]
        )
    )
    db.session.commit()
    auth.login("owner@example.cn")
    text = client.post(page(survey, "/scan?weighted=1"), follow_redirects=True).get_data(
        as_text=True
    )
    assert 'id="unweighted-notice"' not in text and "25–34 岁用户的 NPS" in text
    scan = db.session.scalars(db.select(InsightScan)).one()
    assert scan.weighted is True and scan.insights[0].claim["weighted"] is True

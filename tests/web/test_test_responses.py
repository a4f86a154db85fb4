"""Test responses (issue 27.5): a researcher answers the published form through a test link,
the responses are stored with `is_test` and kept out of results, counts and exports, and are
cleared in one audited step without leaving the response table's blocks wrong."""

import re

import pytest
from flask import Flask

from app.extensions import db
from app.models import AuditEvent, Response, ResponseTableBlock
from app.respond import test_mode
from app.responses import cache, counts, listing
from app.results.table import response_frame
from tests.definitions import WITH_LOGIC
from tests.factories import make_published, study_with_roles
from tests.web.test_results import results_url, submit

ANSWERS = {"region": "south", "stars": 4}


@pytest.fixture
def survey(ctx):
    study, _ = study_with_roles()
    return make_published(WITH_LOGIC, study=study)


def show_url(questionnaire) -> str:
    return f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/"


def link_in_test_mode(client, auth, questionnaire, who="researcher@example.cn") -> str:
    auth.login(who)
    page = client.get(show_url(questionnaire)).get_data(as_text=True)
    auth.logout()
    return re.search(r'href="([^"]*\?test=[^"]*)"[^>]*id="test-link"', page).group(1)


def answer_in_test_mode(app: Flask, link: str, slug: str) -> int:
    tester = app.test_client()
    page = tester.get(link.replace("http://localhost", "").replace("&amp;", "&"))
    assert page.status_code == 200
    assert "测试模式" in page.get_data(as_text=True)
    return submit(tester, slug, ANSWERS)


def test_test_link_stores_test_responses_kept_out_of_results(app, client, auth, survey):
    link = link_in_test_mode(client, auth, survey)
    tested = answer_in_test_mode(app, link, survey.slug)
    real = submit(app.test_client(), survey.slug, ANSWERS)
    assert db.session.get(Response, tested).is_test
    assert not db.session.get(Response, real).is_test

    assert counts.counts(survey)["complete"] == 1
    assert counts.fingerprint(survey) == f"1:{real}:{real}"
    listed, total = listing.list_responses(survey)
    assert total == 1 and [r.id for r in listed] == [real]
    assert list(response_frame(survey)["response_id"]) == [real]
    auth.login("viewer@example.cn")
    csv_text = client.get(results_url(survey, "/responses.csv")).data.decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 2  # the header and the real response
    assert "1 份测试答卷" in client.get(show_url(survey)).get_data(as_text=True)


def test_test_link_is_for_members_who_may_edit(client, auth, survey):
    auth.login("viewer@example.cn")
    page = client.get(show_url(survey)).get_data(as_text=True)
    assert "?test=" not in page and "以测试模式填写" not in page


def test_a_forged_or_foreign_or_old_test_link_is_refused(app, client, survey):
    secret = app.config["SECRET_KEY"]
    assert client.get(f"/s/{survey.slug}?test=forged").status_code == 403
    other = test_mode.token(survey.id + 1, secret)
    assert client.get(f"/s/{survey.slug}?test={other}").status_code == 403
    assert not test_mode.valid(test_mode.token(survey.id, secret), survey.id, secret, max_age=-1)
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


def test_clearing_test_responses_needs_the_box_ticked_and_is_audited(app, client, auth, survey):
    link = link_in_test_mode(client, auth, survey)
    answer_in_test_mode(app, link, survey.slug)
    answer_in_test_mode(app, link, survey.slug)
    real = submit(app.test_client(), survey.slug, ANSWERS)
    url = show_url(survey) + "test-responses/delete"

    auth.login("viewer@example.cn")
    assert client.post(url, data={"confirm": "1"}).status_code == 403
    auth.logout()
    auth.login("researcher@example.cn")
    client.post(url, data={})  # the box not ticked
    assert counts.test_response_count(survey) == 2
    reply = client.post(url, data={"confirm": "1"}, follow_redirects=True)
    assert "已删除 2 份测试答卷。" in reply.get_data(as_text=True)
    assert counts.test_response_count(survey) == 0
    assert [r.id for r in db.session.scalars(db.select(Response))] == [real]
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "questionnaire.clear_test_responses")
    )
    assert event.detail == {"deleted": 2}


def test_response_table_blocks_stay_right_when_test_responses_are_cleared(
    app, client, auth, survey, monkeypatch
):
    monkeypatch.setattr(cache, "TABLE_BLOCK_SIZE", 3)
    link = link_in_test_mode(client, auth, survey)
    real = []
    for i in range(7):  # test and real responses interleaved: ids 1..7 with 2, 5 tests
        if i in (1, 4):
            answer_in_test_mode(app, link, survey.slug)
        else:
            real.append(submit(app.test_client(), survey.slug, {**ANSWERS, "stars": i % 5 + 1}))
    before = response_frame(survey)
    assert list(before["response_id"]) == real
    blocks = db.session.execute(db.select(ResponseTableBlock.id, ResponseTableBlock.built_at))
    stored = sorted(blocks.all())
    assert stored  # sealed blocks exist, built without the test responses

    assert listing.delete_test_responses(survey) == 2
    db.session.commit()
    after = response_frame(survey)
    assert after.equals(before)
    # Nothing of a block changed (no test response was in it): each is still trusted as is.
    assert all(state.fresh for state in cache._block_states(survey.id))
    blocks = db.session.execute(db.select(ResponseTableBlock.id, ResponseTableBlock.built_at))
    assert sorted(blocks.all()) == stored

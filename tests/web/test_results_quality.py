"""Response quality in the app (issue 20, build 6): paradata stored with the submit (and bad
paradata dropped without losing the answers), each reason with its evidence on the response
page, and the summary's key numbers with and without the flagged responses."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from app.extensions import db
from app.models import Response
from surveys.paradata import address_hash
from tests.data.quality.simulate import DEFINITION, respondents
from tests.factories import make_published


def results_url(questionnaire, tail=""):
    return f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/results{tail}"


def submit(client, slug, answers, *, paradata=None, seconds=None):
    body = {"answers": answers}
    if paradata is not None:
        body["paradata"] = paradata
    if seconds is not None:
        body["started_at"] = (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat()
    reply = client.post(
        f"/s/{slug}/submit", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert reply.status_code == 201, reply.json
    return reply.json["response_id"]


@pytest.fixture
def survey(ctx):
    return make_published(DEFINITION)


PARADATA = {
    "pages": {"p1": 20.5, "p2": 61.0, "p3": 48.2, "p4": 50.0},
    "texts": {"why": {"pasted": True, "typing_s": 0}},
    "device": "d41d8cd98f00b204",
}


def test_paradata_is_stored_with_the_response(client, survey):
    humans = [r for r in respondents(5) if r["group"] == "human"]
    answers = {**humans[0]["answers"], "why": "骑手态度很好，送餐也准时"}
    response_id = submit(client, survey.slug, answers, paradata=PARADATA)
    stored = db.session.get(Response, response_id).paradata
    assert stored.pop("address") == address_hash(
        "127.0.0.1", current_app.config["SECRET_KEY"]
    )  # the server's own field
    assert stored == {
        "pages": {"p1": 20.5, "p2": 61.0, "p3": 48.2, "p4": 50.0},
        "texts": {"why": {"pasted": True, "typing_s": 0.0}},
        "device": "d41d8cd98f00b204",
    }


@pytest.mark.parametrize(
    "bad",
    [
        "不是对象",
        {"pages": {"p1": -3}},
        {"pages": {"p1": 1e9}},
        {"pages": {"p1": True}},
        {"texts": {"why": {"pasted": "yes"}}},
        {"device": "<script>"},
        {"unknown": 1},
        {"pages": {f"p{k}": 1.0 for k in range(60)}},
        {"texts": {"why": {"pasted": False, "typing_s": 1, "keys": "x" * 5000}}},
    ],
)
def test_bad_paradata_is_dropped_and_the_answers_are_kept(client, survey, bad):
    humans = [r for r in respondents(5) if r["group"] == "human"]
    answers = {**humans[0]["answers"], "why": "价格有点贵，希望多一些优惠"}
    row = db.session.get(Response, submit(client, survey.slug, answers, paradata=bad))
    assert set(row.paradata) == {"address"}  # the browser's part dropped, the server's kept
    assert row.answers["why"] == "价格有点贵，希望多一些优惠"


@pytest.fixture
def answered(client, survey):
    """25 simulated careful people, then one who rushes through with gibberish and a paste."""
    humans = [r for r in respondents(7) if r["group"] == "human"][:25]
    for person in humans:
        submit(client, survey.slug, person["answers"], paradata=person["paradata"],
               seconds=person["duration_s"])  # fmt: skip
    rusher = {**humans[0]["answers"], "why": "asdfgh", "suggest": "服务很好，下次还会再来"}
    rusher["sat"] = dict.fromkeys(rusher["sat"], "3")
    rusher["exp"] = dict.fromkeys(rusher["exp"], "3")
    rusher["habit"] = dict.fromkeys(rusher["habit"], "3")
    pages = {"p1": 2.0, "p2": 4.0, "p3": 3.0, "p4": 3.0}
    paradata = {"pages": pages, "texts": {"suggest": {"pasted": True, "typing_s": 0}}}
    return submit(client, survey.slug, rusher, paradata=paradata, seconds=15)


def test_the_response_page_shows_each_reason_with_its_evidence(client, auth, survey, answered):
    auth.login("viewer@example.cn")
    page = client.get(results_url(survey, f"/responses/{answered}")).get_data(as_text=True)
    assert 'id="quality"' in page and "已标记" in page
    # the median of the 26 durations, read back from the response table the page judges by
    durations = sorted(
        (r.submitted_at - r.started_at).total_seconds()
        for r in db.session.scalars(db.select(Response))
    )
    median = (durations[12] + durations[13]) / 2
    mine = max(
        (r.submitted_at - r.started_at).total_seconds()
        for r in db.session.scalars(db.select(Response).where(Response.id == answered))
    )
    assert f"用时 {mine:.0f} 秒，中位数 {median:.0f} 秒的 {100 * mine / median:.0f} %" in page
    assert "4 个计时页面中有 4 个答得过快" in page
    assert "3 个矩阵中有 3 个每行都选了同一项" in page
    assert "“asdfgh”（键盘乱敲）" in page
    assert "粘贴" in page and "打字 0.0 秒" in page


def test_a_careful_response_shows_no_reason(client, auth, survey, answered):
    auth.login("viewer@example.cn")
    first = db.session.scalar(db.select(Response.id).order_by(Response.id))
    page = client.get(results_url(survey, f"/responses/{first}")).get_data(as_text=True)
    assert 'id="quality"' in page and "已标记" not in page


def test_the_summary_shows_the_key_numbers_with_and_without_flagged(client, auth, survey, answered):
    auth.login("viewer@example.cn")
    page = client.get(results_url(survey, "/")).get_data(as_text=True)
    assert 'id="quality-shift"' in page
    row = page.split('data-metric="n"', 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="text-end">')[1:]]
    flagged = int(re.search(r"其中 (\d+) 份被质量检查标记", page).group(1))
    assert flagged >= 1  # the rusher at least
    assert cells[0] == "26" and int(cells[1]) == 26 - flagged and int(cells[2]) == -flagged
    # the overall rating's mean, recomputed by hand from the stored answers
    ratings = {r.id: r.answers["overall"] for r in db.session.scalars(db.select(Response))}
    mean_all = sum(ratings.values()) / len(ratings)
    row = page.split('data-metric="mean" data-question="overall"', 1)[1].split("</tr>", 1)[0]
    assert f">{mean_all:.2f}<" in row
    excluded = client.get(results_url(survey, "/?exclude_flagged=1")).get_data(as_text=True)
    assert 'id="quality-shift"' in excluded and "包含被标记的答卷" in excluded


def test_the_text_answers_page_can_leave_out_flagged_responses(client, auth, survey, answered):
    auth.login("viewer@example.cn")
    link = results_url(survey, "/text/suggest")
    page = client.get(link).get_data(as_text=True)
    assert "服务很好，下次还会再来" in page  # the rusher's pasted answer, shown by default
    assert re.search(r"其中 1 条回答来自被标记的答卷", page)
    clean = client.get(link + "?exclude_flagged=1").get_data(as_text=True)
    assert "服务很好，下次还会再来" not in clean
    assert "已排除来自被标记答卷的 1 条回答。" in clean
    assert "exclude_flagged=1" in clean.split('id="text-answers"')[0]  # the search keeps it
    stored = [
        r.answers.get("suggest")
        for r in db.session.scalars(db.select(Response))
        if r.id != answered and (r.answers.get("suggest") or "").strip()
    ]
    assert stored and all(text.strip() in clean for text in stored[:5])


def test_the_csv_export_can_leave_out_flagged_responses(client, auth, survey, answered):
    auth.login("viewer@example.cn")
    every = client.get(results_url(survey, "/responses.csv")).get_data(as_text=True)
    clean = client.get(results_url(survey, "/responses.csv?exclude_flagged=1")).get_data(True)
    ids = [line.split(",", 1)[0] for line in clean.splitlines()[1:]]
    assert str(answered) in [line.split(",", 1)[0] for line in every.splitlines()[1:]]
    assert str(answered) not in ids
    page = client.get(results_url(survey, "/")).get_data(as_text=True)
    flagged = int(re.search(r"其中 (\d+) 份被质量检查标记", page).group(1))
    assert len(ids) == 26 - flagged


def test_the_response_list_filters_the_flagged_responses(client, auth, survey, answered):
    auth.login("viewer@example.cn")
    listed = client.get(results_url(survey, "/responses?status=flagged")).get_data(as_text=True)
    links = set(re.findall(r"/responses/(\d+)\"", listed))
    assert str(answered) in links
    first = db.session.scalar(db.select(Response.id).order_by(Response.id))
    every = client.get(results_url(survey, "/responses")).get_data(as_text=True)
    assert str(first) in set(re.findall(r"/responses/(\d+)\"", every)) - links

"""The network address behind a duplicate (issue 20, build 6): the server keeps a keyed hash
of it in the paradata, never the address, and responses from one address within the hour get
the `same_address` reason, too weak to flag on its own (an office behind one NAT)."""

import uuid

import pytest
from flask import current_app

from analysis.stats import prepare_frame
from analysis.stats.quality import explain_responses, flag_responses
from app.extensions import db
from app.models import Response
from app.results.services import analysis_frame
from surveys.paradata import address_hash
from tests.data.quality.simulate import DEFINITION, respondents
from tests.factories import make_published


def submit(client, slug, answers, address):
    reply = client.post(
        f"/s/{slug}/submit",
        json={"answers": answers},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        environ_base={"REMOTE_ADDR": address},
    )
    assert reply.status_code == 201, reply.json
    return reply.json["response_id"]


@pytest.fixture
def survey(ctx):
    return make_published(DEFINITION)


def test_the_address_is_kept_as_a_keyed_hash_never_as_itself(client, survey):
    human = next(r for r in respondents(5) if r["group"] == "human")
    answers = {**human["answers"], "why": "骑手态度很好，送餐也准时"}
    row = db.session.get(Response, submit(client, survey.slug, answers, "203.0.113.7"))
    stored = row.paradata["address"]
    assert "203.0.113.7" not in str(row.paradata) and "203.0.113.7" not in str(row.answers)
    assert len(stored) == 16 and int(stored, 16) >= 0
    assert stored == address_hash("203.0.113.7", current_app.config["SECRET_KEY"])
    assert stored != address_hash("203.0.113.7", "另一台服务器的密钥")  # keyed: no key, no match
    assert stored != address_hash("203.0.113.8", current_app.config["SECRET_KEY"])


def test_a_browser_cannot_send_an_address_of_its_own(client, survey):
    human = next(r for r in respondents(5) if r["group"] == "human")
    reply = client.post(
        f"/s/{survey.slug}/submit",
        json={"answers": human["answers"], "paradata": {"address": "0000000000000000"}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    row = db.session.get(Response, reply.json["response_id"])
    assert row.paradata == {
        "address": address_hash("198.51.100.4", current_app.config["SECRET_KEY"])
    }


def test_responses_from_one_address_get_the_reason_with_evidence(client, survey):
    humans = [r for r in respondents(7) if r["group"] == "human"][:4]
    first = submit(client, survey.slug, {**humans[0]["answers"], "why": "价格实惠"}, "203.0.113.7")
    second = submit(client, survey.slug, {**humans[1]["answers"], "why": "配送很快"}, "203.0.113.7")
    other = submit(client, survey.slug, {**humans[2]["answers"], "why": "包装不错"}, "198.51.100.9")
    frame = prepare_frame(DEFINITION, analysis_frame(survey))
    ids = frame["response_id"].tolist()
    reasons = explain_responses(DEFINITION, frame)
    same = {ids[i]: [r for r in rs if r.code == "same_address"] for i, rs in enumerate(reasons)}
    assert same[first] == [] and same[other] == []
    (reason,) = same[second]
    assert reason.weight == 0.5 and reason.evidence["of"] == first
    assert 0 <= reason.evidence["minutes"] < 60
    flags = flag_responses(DEFINITION, frame).set_index(frame["response_id"])
    assert flags.loc[second, "same_address"] and not flags.loc[other, "same_address"]
    assert flags.loc[second, "score"] < 1  # alone it does not flag: a shared NAT is honest

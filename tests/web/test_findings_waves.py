"""Waves: starting the next wave (ids, numbering, permission, audit) and the comparison page."""

import copy
import uuid

import numpy as np
import pytest

from app.extensions import db
from app.findings.waves import WaveNotAllowed, series_waves, start_next_wave
from app.models import AuditEvent, Questionnaire
from app.questionnaires import services as questionnaires
from tests import definitions as d
from tests.factories import make_published, make_study, make_user, study_with_roles

DEFINITION = d.definition(
    d.page(
        "p1",
        d.nps(title="您有多大可能向朋友推荐我们？"),
        d.rating("stars", title="总体满意度"),
        d.single_choice("city", title="城市", choices=[("bj", "北京"), ("sh", "上海")]),
    )
)
WAVE_ANSWERS = [
    [(10, 5, "bj"), (9, 4, "sh"), (3, 2, "bj"), (7, 3, "sh")],
    [(10, 5, "bj"), (10, 5, "sh"), (9, 4, "bj"), (6, 2, "sh"), (8, 4, "bj")],
    [(10, 5, "bj"), (2, 1, "sh"), (9, 5, "bj")],
]


def submit(client, slug, nps, stars, city):
    submit_answers(client, slug, {"nps": nps, "stars": stars, "city": city})


def submit_answers(client, slug, answers):
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    reply = client.post(f"/s/{slug}/submit", json={"answers": answers}, headers=headers)
    assert reply.status_code == 201, reply.json


@pytest.fixture
def roles(ctx):
    study, users = study_with_roles()
    return study, users


def _series(client, study, n_waves, *, reword=False):
    first = make_published(DEFINITION, study=study)
    waves = [first]
    for i in range(1, n_waves):
        wave = start_next_wave(waves[-1], study.created_by)
        if reword and i == 1:
            draft = copy.deepcopy(wave.draft)
            draft["pages"][0]["questions"][1]["title"] = "总体来说，您满意吗？"
            questionnaires.save_draft(wave, draft, expected_revision=wave.draft_revision)
        questionnaires.publish(wave, study.created_by)
        waves.append(wave)
    for wave, rows in zip(waves, WAVE_ANSWERS, strict=False):
        for row in rows:
            submit(client, wave.slug, *row)
    return waves


def test_the_next_wave_keeps_question_ids_and_counts_on_in_its_series(roles):
    study, users = roles
    first = make_published(DEFINITION, study=study)
    first.key_metrics = [{"kind": "nps", "question": "nps"}]
    db.session.commit()
    second = start_next_wave(first, users["researcher"])
    third = start_next_wave(first, users["owner"])  # from any wave: the highest + 1
    assert (second.series_id, second.wave) == (first.id, 2)
    assert (third.series_id, third.wave) == (first.id, 3)
    assert second.status.value == "draft" and second.latest_version is None
    ids = [q["id"] for q in second.draft["pages"][0]["questions"]]
    assert ids == ["nps", "stars", "city"]
    assert second.key_metrics == first.key_metrics and second.slug != first.slug
    assert [q.id for q in series_waves(third)] == [first.id, second.id, third.id]
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "questionnaire.start_wave")
    ).first()
    assert event.object_id == second.id and event.actor_id == users["researcher"].id
    assert event.detail == {
        "title": first.title,
        "wave": 2,
        "series_id": first.id,
        "from": first.id,
    }


def test_a_viewer_may_not_start_a_wave(client, auth, roles):
    study, users = roles
    first = make_published(DEFINITION, study=study)
    with pytest.raises(WaveNotAllowed):
        start_next_wave(first, users["viewer"])
    with pytest.raises(WaveNotAllowed):
        start_next_wave(first, users["outsider"])
    url = f"/studies/{study.id}/findings/{first.id}/waves/new"
    auth.login("viewer@example.cn")
    assert client.post(url).status_code == 403
    auth.logout()
    auth.login("outsider@example.cn")
    assert client.post(url).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Questionnaire.id))) == 1


def test_the_button_starts_a_wave_and_opens_its_draft(client, auth, roles):
    study, _ = roles
    first = make_published(DEFINITION, study=study)
    auth.login("researcher@example.cn")
    page = client.get(f"/studies/{study.id}/questionnaires/{first.id}/").get_data(as_text=True)
    assert 'id="start-wave"' in page
    reply = client.post(f"/studies/{study.id}/findings/{first.id}/waves/new")
    assert reply.status_code == 302
    second = db.session.scalar(db.select(Questionnaire).where(Questionnaire.series_id == first.id))
    assert second.wave == 2 and reply.headers["Location"].endswith(f"/questionnaires/{second.id}/")
    shown = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "wave-badge" in shown and "第 2 轮" in shown


def test_a_taken_wave_number_is_refused_by_the_database(roles):
    """The race guard: (series_id, wave) is unique, so a second insert of wave 2 fails."""
    from sqlalchemy.exc import IntegrityError

    study, users = roles
    first = make_published(DEFINITION, study=study)
    start_next_wave(first, users["owner"])
    with pytest.raises(IntegrityError):
        questionnaires.create_questionnaire(
            study, users["owner"], title="x", series_id=first.id, wave=2
        )
    db.session.rollback()


def test_two_waves_compare_on_one_page_with_the_changed_wording_marked(client, auth, roles):
    study, _ = roles
    waves = _series(client, study, 2, reword=True)
    auth.login("owner@example.cn")
    page = client.get(f"/studies/{study.id}/findings/{waves[1].id}/waves").get_data(as_text=True)
    assert page.count('class="wave-metric"') == 2  # NPS and CSAT (the defaults)
    assert "wording-changed" in page and "stars" in page
    assert "+" in page and "trend-chart" not in page
    index = client.get(f"/studies/{study.id}/findings/").get_data(as_text=True)
    assert f"/findings/{waves[1].id}/waves" in index


def test_three_waves_draw_a_trend_chart_and_filters_apply_to_every_wave(client, auth, roles):
    study, _ = roles
    waves = _series(client, study, 3)
    auth.login("viewer@example.cn")
    url = f"/studies/{study.id}/findings/{waves[0].id}/waves"
    page = client.get(url).get_data(as_text=True)
    assert page.count("trend-chart") == 2 and 'id="start-wave"' not in page
    src = page.split('class="img-fluid border rounded trend-chart"')[1].split('src="')[1]
    chart = client.get(src.split('"')[0].replace("&amp;", "&"))
    assert chart.status_code == 200 and chart.data[:4] == b"\x89PNG"
    filtered = client.get(url, query_string={"seg.city": "bj"}).get_data(as_text=True)
    assert "n = 2" in filtered and "n = 3" in filtered  # 2 in wave 1 and 3, 3 in wave 2
    assert "n = 4" not in filtered


@pytest.mark.parametrize(
    ("caller", "page", "start"),
    [
        ("anonymous", 302, 302),
        ("outsider", 404, 404),
        ("viewer", 200, 403),
        ("researcher", 200, 302),
        ("owner", 200, 302),
    ],
)
def test_the_wave_routes_follow_the_access_matrix(client, auth, roles, caller, page, start):
    study, _ = roles
    first = make_published(DEFINITION, study=study)
    if caller != "anonymous":
        auth.login(f"{caller}@example.cn")
    base = f"/studies/{study.id}/findings/{first.id}/waves"
    assert client.get(base).status_code == page
    assert client.post(f"{base}/new").status_code == start
    other = make_published(DEFINITION, study=make_study(make_user("other@example.cn")))
    if caller in ("viewer", "researcher", "owner"):
        assert client.get(f"/studies/{study.id}/findings/{other.id}/waves").status_code == 404


def test_a_start_that_loses_the_race_for_its_number_counts_again(roles, monkeypatch):
    """Another request took wave 2 between counting and inserting: the unique index refuses
    the insert, and the second attempt counts again and takes wave 3."""
    from app.findings import waves as waves_module

    study, users = roles
    first = make_published(DEFINITION, study=study)
    start_next_wave(first, users["owner"])  # wave 2 exists
    real = waves_module._next_wave_number
    stale = iter([2])  # what a request that counted before wave 2 was inserted believes
    monkeypatch.setattr(
        waves_module, "_next_wave_number", lambda root: next(stale, None) or real(root)
    )
    third = start_next_wave(first, users["researcher"])
    assert third.wave == 3
    numbers = db.session.scalars(
        db.select(Questionnaire.wave).where(Questionnaire.series_id == first.id)
    ).all()
    assert sorted(numbers) == [2, 3]


def test_weights_apply_to_the_waves_that_have_a_scheme(client, auth, ctx):
    """Wave 1 raked to its targets (the weighting page's scheme), wave 2 without a scheme: the
    wave 1 value is the weighted mean, the difference uses the design-based SEs."""
    from app.results.services import analysis_frame
    from app.results.weighting import current_weights
    from tests.web.test_results_weighting import CELLS, PANEL, TARGETS

    first = make_published(PANEL)
    first.key_metrics = [{"kind": "mean", "question": "stars"}]
    db.session.commit()
    for gender, tier, count, stars in CELLS:
        for _ in range(count):
            submit_answers(client, first.slug, {"gender": gender, "tier": tier, "stars": stars})
    auth.login("researcher@example.cn")
    url = f"/studies/{first.study_id}/questionnaires/{first.id}/results/weighting"
    assert client.post(url, data=TARGETS).status_code == 302
    second = start_next_wave(first, first.study.created_by)
    questionnaires.publish(second, first.study.created_by)
    for stars in (5, 4, 4, 3):
        submit_answers(client, second.slug, {"gender": "m", "tier": "t1", "stars": stars})
    frame = analysis_frame(first)
    weighted = np.average(frame["stars"].astype(float), weights=current_weights(first, frame))
    assert f"{weighted:.1f}" != "3.5"  # the unweighted mean of wave 1
    base = f"/studies/{first.study_id}/findings/{second.id}/waves"
    page = client.get(base, query_string={"weighted": "1"}).get_data(as_text=True)
    assert 'id="weighted"' in page and f"<strong>{weighted:.1f}</strong>" in page
    plain = client.get(base).get_data(as_text=True)
    assert "<strong>3.5</strong>" in plain

"""The retention sweep (issue 28.5) on a clock moved forward: past a study's retention period
its responses are anonymised (free texts, paradata, the receipt go; closed answers stay) or
deleted, unfinished responses deleted, transcripts anonymised or deleted; what it did is
audited, a second sweep does nothing more, and a study without a period is left alone."""

from datetime import timedelta

import pytest

from app import retention
from app.extensions import db
from app.models import AuditEvent, Interview, Job, JobStatus, Response, ResponseStatus, Turn
from app.models.types import utcnow
from app.responses import listing
from app.responses.drafts import save_partial
from app.results import services as results
from tests import definitions as d
from tests.factories import make_interview, make_published, make_study, submit_all

SURVEY = d.definition(
    d.single_choice(
        "city",
        "您所在的城市",
        [("bj", "北京"), ("sh", "上海"), {"value": "other", "label": "其他", "other": True}],
    ),
    d.long_text("why", "您对配送有什么建议？"),
    d.nps(),
    title="外卖配送体验调查",
)
ANSWERS = [
    {"city": "sh", "why": "我叫王小明，住在浦东，电话 13812345678", "nps": 9},
    {"city": "other", "city/other_text": "杭州西湖区", "why": "还行", "nps": 6},
]


def _study(days: int | None, action: str = "anonymise", *, beside=None):
    """A study with *days* of retention (with one member per role, or beside another's)."""
    questionnaire = make_published(
        SURVEY, study=None if beside is None else make_study(beside.created_by)
    )
    study = questionnaire.study
    study.retention_days, study.retention_action = days, action
    db.session.commit()
    return study, questionnaire


def _fill(study, questionnaire):
    ids = submit_all(questionnaire, ANSWERS)
    save_partial(questionnaire.latest_version, None, {"city": "bj"}, page_id="",
                 invitation_hash=None, consent=None)  # fmt: skip
    interview = make_interview(
        study,
        "访谈对象：王女士\r\n访谈员：您平时怎么买菜？\r\n受访者：主要在手机上买，电话13812345678。\r\n",
        participant="王小明",
        attributes={"城市": "上海"},
        mask=True,
    )
    assert interview.plain_text is not None  # the file's text, kept masked
    assert interview.source_header  # 访谈对象 read as the interview's metadata
    return ids, interview


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_nothing_is_swept_before_the_period_ends(ctx):
    study, questionnaire = _study(30)
    ids, _interview = _fill(study, questionnaire)
    [done] = retention.sweep(utcnow() + timedelta(days=29))
    assert not done.changed
    assert listing.answers_of(ids[0]) == ANSWERS[0]
    assert _count(Response, Response.status == ResponseStatus.PARTIAL) == 1
    assert _count(AuditEvent, AuditEvent.action == "privacy.sweep") == 0


def test_past_the_period_free_texts_go_and_closed_answers_stay(ctx):
    study, questionnaire = _study(30)
    ids, interview = _fill(study, questionnaire)
    before = results.analysis_frame(questionnaire)
    [done] = retention.sweep(utcnow() + timedelta(days=31))
    assert (done.responses, done.partials, done.interviews) == (2, 1, 1)
    db.session.expire_all()
    assert listing.answers_of(ids[0]) == {"city": "sh", "nps": 9}
    assert listing.answers_of(ids[1]) == {"city": "other", "nps": 6}  # the other text too
    row = db.session.get(Response, ids[0])
    assert row.paradata is None and row.receipt_hash is None and row.anonymised_at is not None
    assert _count(Response, Response.status == ResponseStatus.PARTIAL) == 0
    # the statistics of the closed answers are those of before (the table rebuilt from them)
    after = results.analysis_frame(questionnaire)
    assert len(after) == len(before) == 2
    assert list(after["nps"]) == list(before["nps"]) == [9, 6]
    assert list(after["city"]) == list(before["city"])
    assert after["why"].isna().all() and not before["why"].isna().any()
    anonymised = db.session.get(Interview, interview.id)
    assert anonymised.participant_label == "" and anonymised.attributes == {}
    assert anonymised.original is None and anonymised.anonymised_at is not None
    assert anonymised.plain_text is None  # the file's text goes with the file
    assert anonymised.source_header == []  # its header lines name the person
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "privacy.sweep")
    ).one()
    assert event.detail["responses"] == 2 and event.detail["action"] == "anonymise"
    # a second sweep finds nothing left to do, and says nothing
    [again] = retention.sweep(utcnow() + timedelta(days=32))
    assert not again.changed
    assert _count(AuditEvent, AuditEvent.action == "privacy.sweep") == 1


def test_a_study_that_deletes_loses_the_responses_and_transcripts_past_the_period(ctx):
    study, questionnaire = _study(7, "delete")
    _ids, interview = _fill(study, questionnaire)
    kept_study, kept_questionnaire = _study(None, beside=study)
    _fill(kept_study, kept_questionnaire)
    swept = retention.sweep(utcnow() + timedelta(days=8))
    assert [s.study_id for s in swept] == [study.id]  # no period: not swept
    assert _count(Response, Response.questionnaire_id == questionnaire.id) == 0
    assert db.session.get(Interview, interview.id) is None
    assert _count(Turn, Turn.interview_id == interview.id) == 0
    assert _count(Response, Response.questionnaire_id == kept_questionnaire.id) == 3
    assert len(results.analysis_frame(questionnaire)) == 0


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(ctx, runner):
    study, questionnaire = _study(30)
    ids, _interview = _fill(study, questionnaire)
    [done] = retention.sweep(utcnow() + timedelta(days=31), dry_run=True)
    assert (done.responses, done.partials, done.interviews) == (2, 1, 1)
    assert listing.answers_of(ids[0]) == ANSWERS[0]
    result = runner.invoke(args=["privacy", "sweep", "--dry-run"])
    assert result.exit_code == 0 and "would be: study" in result.output
    assert "0 responses anonymised" in result.output  # today nothing is past 30 days


def test_the_command_sweeps_and_reports_each_study(ctx, runner):
    study, questionnaire = _study(30)
    ids, _interview = _fill(study, questionnaire)
    for row in db.session.scalars(db.select(Response)):
        row.submitted_at = row.updated_at = utcnow() - timedelta(days=40)
    db.session.commit()
    result = runner.invoke(args=["privacy", "sweep"])
    assert result.exit_code == 0, result.output
    assert f"study {study.id}" in result.output and "2 responses anonymised" in result.output
    assert listing.answers_of(ids[0]) == {"city": "sh", "nps": 9}


def test_the_sweep_runs_as_a_daily_job(ctx):
    study, questionnaire = _study(30)
    _fill(study, questionnaire)
    job = retention.submit_daily()
    assert job.kind == "privacy_sweep" and job.status is JobStatus.DONE, job.error
    assert "2 responses anonymised" not in job_report(job)  # nothing past 30 days yet
    assert f"study {study.id}" in job_report(job)
    assert retention.submit_daily() is None  # once a day
    assert retention.submit_daily(utcnow() + timedelta(days=1, minutes=1)) is not None
    assert _count(Job, Job.kind == "privacy_sweep") == 2


def job_report(job) -> str:
    from app import jobs

    return jobs.result_file(job).read_text(encoding="utf-8")


@pytest.mark.parametrize("action", ["anonymise", "delete"])
def test_the_study_form_sets_the_retention_period(client, auth, ctx, action):
    study, _questionnaire = _study(None)
    auth.login("owner@example.cn")
    page = client.get(f"/studies/{study.id}/edit").get_data(as_text=True)
    assert "保留" in page
    reply = client.post(
        f"/studies/{study.id}/edit",
        data={"title": study.title, "retention_days": "180", "retention_action": action},
    )
    assert reply.status_code == 302
    db.session.expire_all()
    assert (study.retention_days, study.retention_action) == (180, action)
    log = client.get(f"/studies/{study.id}/audit").get_data(as_text=True)
    assert "180" in log

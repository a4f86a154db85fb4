"""The job interface: a submitted job is recorded, reports its progress, and ends done with its
file or failed with its reason (run inline until the production issue brings RQ)."""

import pytest

from app import jobs
from app.extensions import db
from app.models import Job, JobStatus
from tests.factories import make_study, make_user

seen_progress: list[tuple[str, int]] = []


@jobs.job_function("test.write")
def write_file(run: jobs.JobRun):
    run.progress(40)
    job = db.session.get(Job, run.job_id)
    seen_progress.append((job.status.value, job.progress))
    path = run.result_file("out.txt")
    path.write_text(run.params["text"], encoding="utf-8")
    return path


@jobs.job_function("test.fail")
def fail(run: jobs.JobRun):
    run.progress(10)
    if run.params.get("expected"):
        raise jobs.JobError("问卷尚未发布")
    raise RuntimeError("disk on fire")


def test_a_job_is_recorded_reports_progress_and_ends_done_with_its_file(ctx):
    seen_progress.clear()
    owner = make_user()
    study = make_study(owner)
    job = jobs.submit("test.write", {"text": "你好"}, study_id=study.id, actor=owner)
    assert seen_progress == [("running", 40)]
    assert job.status is JobStatus.DONE and job.progress == 100
    assert job.kind == "test.write" and job.params == {"text": "你好"}
    assert job.created_by_id == owner.id and job.study_id == study.id
    assert job.started_at <= job.finished_at
    assert job.result_path == f"jobs/{job.id}/out.txt"
    assert jobs.result_file(job).read_text(encoding="utf-8") == "你好"


@pytest.mark.parametrize(
    ("params", "reason"),
    [({"expected": True}, "问卷尚未发布"), ({}, "RuntimeError: disk on fire")],
)
def test_a_failing_job_is_marked_failed_with_its_reason(ctx, params, reason):
    job = jobs.submit("test.fail", params, study_id=None, actor=None)
    assert job.status is JobStatus.FAILED
    assert job.error == reason
    assert job.progress == 10 and job.finished_at is not None
    assert jobs.result_file(job) is None


def test_an_unknown_kind_is_refused_before_anything_is_recorded(ctx):
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.submit("test.nothing", {}, study_id=None, actor=None)
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0


def test_a_kind_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        jobs.job_function("test.write")(lambda run: None)

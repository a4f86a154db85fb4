"""The job interface, inline (no REDIS_URL): a submitted job is recorded, reports its
progress, and ends done with its file, failed with its reason, or cancelled; one left running
by a process that died is failed, never left "running". On RQ: tests/web/test_jobs_rq.py."""

from datetime import timedelta

import pytest

from analysis.findings.query import Query
from app import jobs
from app.extensions import db
from app.job_views import job_status
from app.models import Job, JobStatus
from app.models.types import utcnow
from tests.conftest import make_app
from tests.definitions import definition, nps
from tests.factories import make_published, make_study, make_user, study_with_roles

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


@jobs.job_function("test.cancel_itself")
def cancel_itself(run: jobs.JobRun):
    """A member cancels the job while it runs (here: the job itself, half-way)."""
    run.progress(30)
    jobs.cancel(db.session.get(Job, run.job_id))
    run.progress(60)  # stops here
    path = run.result_file("out.txt")
    path.write_text("never", encoding="utf-8")
    return path


def test_a_job_cancelled_while_it_runs_stops_at_its_next_step_and_stays_cancelled(ctx):
    job = jobs.submit("test.cancel_itself", {}, study_id=None, actor=None)
    assert job.status is JobStatus.CANCELLED
    assert job.progress == 30 and job.finished_at is not None and job.error is None
    assert jobs.result_file(job) is None
    assert not (jobs.job_folder(job.id) / "out.txt").exists()
    assert jobs.cancel(job) is False  # finished: nothing to cancel


def test_a_cancelled_job_that_had_not_started_never_runs(ctx):
    job = Job(kind="test.write", params={"text": "x"})
    db.session.add(job)
    db.session.commit()
    assert jobs.cancel(job) is True
    jobs.run(job.id)
    assert job.status is JobStatus.CANCELLED and job.started_at is None
    assert jobs.result_file(job) is None


def test_a_finished_job_cannot_be_cancelled(ctx):
    job = jobs.submit("test.write", {"text": "好"}, study_id=None, actor=None)
    assert jobs.cancel(job) is False
    assert job.status is JobStatus.DONE


def test_an_inline_job_left_running_past_the_timeout_is_failed_with_its_reason(app):
    with app.app_context():
        long_ago = utcnow() - timedelta(seconds=app.config["JOB_TIMEOUT"] + 120)
        stale = Job(kind="test.write", params={}, status=JobStatus.RUNNING, started_at=long_ago)
        recent = Job(kind="test.write", params={}, status=JobStatus.RUNNING, started_at=utcnow())
        db.session.add_all([stale, recent])
        db.session.commit()
        assert jobs.reconcile_unfinished() == 1
        assert stale.status is JobStatus.FAILED and "中断" in stale.error
        assert recent.status is JobStatus.RUNNING  # may still be running in its request


def test_with_redis_unreachable_a_job_is_failed_with_a_reason_not_left_queued(
    database_url, tmp_path
):
    app = make_app(database_url, tmp_path / "instance", REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        db.create_all()
        job = jobs.submit("test.write", {"text": "x"}, study_id=None, actor=None)
        assert job.status is JobStatus.FAILED
        assert "Redis" in job.error and "无法" in job.error
        db.session.remove()
        db.engine.dispose()


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


@jobs.job_function("test.concatenate")
def concatenate(run: jobs.JobRun):
    path = run.result_file("all.txt")
    path.write_bytes(b"".join(data for _name, data in run.inputs()))
    names = "、".join(name for name, _data in run.inputs())
    path.write_text(names + "：" + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_a_job_reads_its_input_files_which_are_deleted_once_it_ended(ctx):
    inputs = [("甲.txt", "你".encode()), ("乙.txt", "好".encode())]
    job = jobs.submit("test.concatenate", {}, study_id=None, actor=None, inputs=inputs)
    assert job.status is JobStatus.DONE, job.error
    assert jobs.result_file(job).read_text(encoding="utf-8") == "甲.txt、乙.txt：你好"
    assert not (jobs.job_folder(job.id) / jobs.INPUTS_FOLDER).exists()


def test_a_kind_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        jobs.job_function("test.write")(lambda run: None)


def test_a_member_cancels_an_unfinished_report_from_its_page(client, auth, ctx):
    study, _users = study_with_roles()
    questionnaire = make_published(definition(nps(), title="推荐意愿"), study=study)
    params = {"questionnaire_id": questionnaire.id, "format": "pdf", "query": Query.of().to_dict()}
    job = Job(kind="report", params=params, study_id=study.id)  # as a worker has yet to run it
    db.session.add(job)
    db.session.commit()
    auth.login("viewer@example.cn")
    page = f"/studies/{study.id}/findings/jobs/{job.id}"
    status = client.get(f"{page}/status").get_json()
    assert status["status"] == "queued" and status["cancel_url"] == f"{page}/cancel"
    reply = client.post(f"{page}/cancel", follow_redirects=True)
    assert "任务已取消" in reply.get_data(as_text=True)
    assert db.session.get(Job, job.id).status is JobStatus.CANCELLED
    again = client.post(f"{page}/cancel", follow_redirects=True)
    assert "任务已经结束" in again.get_data(as_text=True)
    assert client.get(f"{page}/status").get_json()["cancel_url"] is None


def test_a_finished_jobs_files_are_deleted_after_the_days_they_are_kept(app):
    with app.app_context():
        kept, old = (jobs.submit("test.write", {"text": t}, study_id=None, actor=None)
                     for t in ("新", "旧"))  # fmt: skip
        days = app.config["JOB_FILES_KEPT_DAYS"]
        old.finished_at = utcnow() - timedelta(days=days, minutes=1)
        db.session.commit()
        assert jobs.forget_old_files() == 1
        assert jobs.result_file(old) is None and not jobs.job_folder(old.id).exists()
        assert db.session.get(Job, old.id).status is JobStatus.DONE  # the row stays
        assert jobs.result_file(kept).read_text(encoding="utf-8") == "新"
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            status = job_status(old, download_url="/file", cancel_url="/cancel")
        assert status["download_url"] is None and f"生成 {days} 天后删除" in status["error"]

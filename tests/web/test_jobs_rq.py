"""Background jobs on RQ, against the real Redis at TEST_REDIS_URL (`.ci/run` sets it): a job
waits on the queue until a worker runs it, its progress shows while it runs, it can be
cancelled queued or running, and a job whose work horse or whole worker was killed is run
again, or failed with its reason once no retry is left — never left "running".

Workers are real RQ workers (forking a work horse per job) in a child process of the test,
so that the test's own job functions are registered in them; each test has a queue of its
own. Inline mode (no Redis): tests/web/test_jobs.py.
"""

import contextlib
import io
import multiprocessing
import os
import signal
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from rq.job import Job as RQJob
from rq.job import JobStatus as RQStatus
from rq.registry import StartedJobRegistry

from app import job_queue, jobs
from app.extensions import db
from app.models import Interview, Job, JobStatus
from app.results.export_jobs import ExportSpec, submit_export
from app.results.export_table import ExportFilters
from tests import definitions as d
from tests.conftest import RequestPerContextClient, make_app
from tests.factories import make_published, study_with_roles, submit_all
from tests.web.test_results import results_url

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set"
)
WAIT_S = 60  # the longest any step may take on a loaded machine before the test gives up


@jobs.job_function("test.rq.gated")
def gated(run: jobs.JobRun):
    """Notes each start (and its process), reports 30 %, then waits for the test's "go"."""
    gate = Path(run.params["gate"])
    assert run.inputs() == [("说明.txt", "第二次运行也读得到".encode())]
    with (gate / "starts").open("a") as starts:
        starts.write(f"{os.getpid()}\n")
    run.progress(30)
    _wait(lambda: (gate / "go").exists(), "the go file")
    run.progress(80)
    path = run.result_file("out.txt")
    path.write_text("完成", encoding="utf-8")
    return path


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S} s for {what}")
        time.sleep(0.05)


def _work(app, burst: bool) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # the test's connections stay the test's
        job_queue.work(burst=burst)


class Workers:
    def __init__(self, app):
        self.app = app
        self.started: list[multiprocessing.Process] = []

    def start(self, *, burst: bool = False) -> multiprocessing.Process:
        process = multiprocessing.get_context("fork").Process(target=_work, args=(self.app, burst))
        process.start()
        self.started.append(process)
        return process

    def run_queue(self) -> None:
        """A burst worker: runs what is queued, then exits."""
        process = self.start(burst=True)
        process.join(WAIT_S)
        assert process.exitcode == 0

    def kill(self, process, horse_pid: int) -> None:
        """SIGKILL the worker and its work horse (a process group of its own) at once."""
        os.kill(process.pid, signal.SIGKILL)
        os.kill(horse_pid, signal.SIGKILL)
        process.join(WAIT_S)

    def stop_all(self) -> None:
        for process in self.started:
            if process.is_alive():
                process.terminate()  # a warm shutdown: RQ stops its horse, then exits
                process.join(WAIT_S)


@contextlib.contextmanager
def queued_app(database_url, instance_path, **settings):
    """An app whose jobs go to a queue of its own on TEST_REDIS_URL, emptied afterwards."""
    app = make_app(
        database_url,
        instance_path,
        REDIS_URL=os.environ.get("TEST_REDIS_URL"),
        JOBS_QUEUE=f"wenfang-test-{uuid.uuid4().hex[:12]}",
        **settings,
    )
    with app.app_context():
        db.create_all()
        yield app
        queue = job_queue.queue()
        for registry in (queue.started_job_registry, queue.failed_job_registry,
                         queue.finished_job_registry, queue.canceled_job_registry):  # fmt: skip
            for rq_id in registry.get_job_ids():
                registry.remove(rq_id, delete_job=True)
        queue.delete(delete_jobs=True)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def rq_app(database_url, tmp_path):
    with queued_app(database_url, tmp_path / "instance", JOB_LOST_GRACE=0) as app:
        yield app


@pytest.fixture
def workers(rq_app):
    pool = Workers(rq_app)
    yield pool
    pool.stop_all()


@pytest.fixture
def gate(tmp_path):
    folder = tmp_path / "gate"
    folder.mkdir()
    return folder


def _submit(gate) -> Job:
    inputs = [("说明.txt", "第二次运行也读得到".encode())]  # kept for a second run
    return jobs.submit(
        "test.rq.gated", {"gate": str(gate)}, study_id=None, actor=None, inputs=inputs
    )


def _fresh(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def _starts(gate) -> list[str]:
    path = gate / "starts"
    return path.read_text().split() if path.exists() else []


def _rq_status(job: Job):
    return RQJob.fetch(
        job_queue.rq_id(job.id), connection=job_queue.queue().connection
    ).get_status()


def test_a_job_waits_on_the_queue_until_a_worker_runs_it_and_shows_its_progress(
    rq_app, workers, gate
):
    job = _submit(gate)
    assert job.status is JobStatus.QUEUED and job.started_at is None
    assert job_queue.queue().job_ids == [job_queue.rq_id(job.id)]
    workers.start()
    _wait(lambda: _fresh(job).progress == 30, "the job's progress")
    assert _fresh(job).status is JobStatus.RUNNING
    (gate / "go").touch()
    _wait(lambda: _fresh(job).finished, "the job to finish")
    done = _fresh(job)
    assert done.status is JobStatus.DONE and done.progress == 100, done.error
    assert jobs.result_file(done).read_text(encoding="utf-8") == "完成"
    assert len(_starts(gate)) == 1


def test_a_queued_job_cancelled_is_taken_off_the_queue_and_never_runs(rq_app, workers, gate):
    job = _submit(gate)
    assert jobs.cancel(job) is True
    assert _rq_status(job) == RQStatus.CANCELED
    (gate / "go").touch()
    workers.run_queue()
    assert _fresh(job).status is JobStatus.CANCELLED
    assert _starts(gate) == []


def test_a_running_job_cancelled_is_stopped_in_its_worker(rq_app, workers, gate):
    job = _submit(gate)
    workers.start()
    _wait(lambda: _fresh(job).progress == 30, "the job to start")
    assert jobs.cancel(_fresh(job)) is True
    _wait(lambda: _rq_status(job) == RQStatus.STOPPED, "RQ to stop the work horse")
    (gate / "go").touch()
    stopped = _fresh(job)
    assert stopped.status is JobStatus.CANCELLED and stopped.progress == 30
    assert jobs.result_file(stopped) is None
    assert not (jobs.job_folder(job.id) / "out.txt").exists()


def test_a_work_horse_killed_mid_job_is_run_again_by_its_worker(rq_app, workers, gate):
    job = _submit(gate)
    workers.start()
    _wait(lambda: len(_starts(gate)) == 1, "the first run")
    os.kill(int(_starts(gate)[0]), signal.SIGKILL)  # the horse; its worker lives on
    (gate / "go").touch()
    _wait(lambda: _fresh(job).finished, "the second run to finish")
    assert _fresh(job).status is JobStatus.DONE
    assert len(_starts(gate)) == 2  # run again from the start, by the one retry


def test_a_job_of_a_killed_worker_is_queued_again_and_done_by_another(rq_app, workers, gate):
    job = _submit(gate)
    first = workers.start()
    _wait(lambda: _fresh(job).progress == 30, "the job to start")
    workers.kill(first, int(_starts(gate)[0]))
    seen = _fresh(job)
    assert seen.status is JobStatus.RUNNING, seen.error  # nobody has noticed yet
    # RQ notices a dead worker when the job's heartbeat expires (a minute after the last one)
    # in another worker's maintenance pass; the test moves the clock past it, not waits.
    StartedJobRegistry(queue=job_queue.queue()).cleanup(timestamp=time.time() + 3600)
    assert _rq_status(job) == RQStatus.QUEUED
    assert jobs.reconcile(_fresh(job)).status is JobStatus.QUEUED
    assert _fresh(job).progress == 0
    (gate / "go").touch()
    workers.run_queue()
    done = _fresh(job)
    assert done.status is JobStatus.DONE, done.error
    assert len(_starts(gate)) == 2


def test_a_killed_job_with_no_retry_left_is_failed_with_its_reason(rq_app, workers, gate):
    rq_app.config["JOB_RETRIES"] = 0
    job = _submit(gate)
    first = workers.start()
    _wait(lambda: _fresh(job).progress == 30, "the job to start")
    workers.kill(first, int(_starts(gate)[0]))
    StartedJobRegistry(queue=job_queue.queue()).cleanup(timestamp=time.time() + 3600)
    assert _rq_status(job) == RQStatus.FAILED
    # the next worker's maintenance pass fails the row, with nobody on the job's page
    workers.run_queue()
    failed = _fresh(job)
    assert failed.status is JobStatus.FAILED
    assert "工作进程" in failed.error and "AbandonedJobError" in failed.error


def test_a_job_redis_lost_is_failed_with_its_reason(rq_app, gate):
    job = _submit(gate)
    RQJob.fetch(job_queue.rq_id(job.id), connection=job_queue.queue().connection).delete()
    assert jobs.reconcile(_fresh(job)).status is JobStatus.FAILED
    assert "丢失" in _fresh(job).error


def test_the_export_page_follows_a_queued_export_that_the_worker_command_writes(rq_app):
    questionnaire = make_published(d.definition(d.nps(), title="推荐意愿调查"))
    submit_all(questionnaire, [{"nps": 9}, {"nps": 3}])
    spec = ExportSpec(format="sav", label_cells=False, label_row=False, filters=ExportFilters())
    job = submit_export(questionnaire, spec, actor=None, locale="zh_CN")
    assert job.status is JobStatus.QUEUED
    rq_app.test_client_class = RequestPerContextClient
    client = rq_app.test_client()
    client.post("/login", data={"email": "researcher@example.cn",
                                "password": "correct horse battery"})  # fmt: skip
    base = results_url(questionnaire, f"/exports/{job.id}")
    page = client.get(base).get_data(as_text=True)
    assert "等待开始" in page and f'action="{base}/cancel"' in page
    result = rq_app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    status = client.get(f"{base}/status").get_json()
    assert status["status"] == "done" and status["cancel_url"] is None
    download = client.get(status["download_url"])
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert "data.sav" in archive.namelist()


def test_a_batch_of_transcripts_is_read_by_a_worker_and_its_page_lists_the_previews(rq_app):
    study, _users = study_with_roles()
    rq_app.test_client_class = RequestPerContextClient
    client = rq_app.test_client()
    client.post("/login", data={"email": "researcher@example.cn",
                                "password": "correct horse battery"})  # fmt: skip
    files = {
        "访谈01.txt": "访谈员：您平时怎么买菜？\n受访者：主要在手机上买，送货很快。\n",
        "访谈02.txt": "主持人：最近一次点外卖是什么时候？\n用户：昨天晚上，配送慢了二十分钟。\n",
        "空.txt": "  \n",
    }
    reply = client.post(
        f"/studies/{study.id}/interviews/upload",
        data={"files": [(io.BytesIO(text.encode()), name) for name, text in files.items()],
              "kind": "interview", "encoding": "", "mask": "y"},
        content_type="multipart/form-data",
    )  # fmt: skip
    job = db.session.scalars(db.select(Job)).one()
    assert reply.location.endswith(f"/interviews/imports/{job.id}")
    assert job.status is JobStatus.QUEUED and job.params["files"] == 3
    waiting = client.get(reply.location).get_data(as_text=True)
    assert "读取 3 份访谈记录" in waiting and "等待开始" in waiting
    inputs = jobs.job_folder(job.id) / jobs.INPUTS_FOLDER
    assert len(list(inputs.iterdir())) == 4  # three files and their names
    Workers(rq_app).run_queue()
    assert _fresh(job).status is JobStatus.DONE, _fresh(job).error
    assert not inputs.exists()  # the uploaded files do not outlive the job
    page = client.get(reply.location).get_data(as_text=True)
    assert "2 份访谈记录可以预览" in page
    assert "访谈01.txt" in page and "访谈02.txt" in page
    assert "空.txt</strong>: 文件是空的" in page
    previews = db.session.scalars(db.select(Interview).order_by(Interview.id)).all()
    assert [i.source_filename for i in previews] == ["访谈01.txt", "访谈02.txt"]
    assert [t.speaker for t in previews[1].turns] == ["主持人", "用户"]

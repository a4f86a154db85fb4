"""A full disk (issue 29.4): the database's or the instance folder's file system has no room.
A respondent's submit is the 503 their page retries (answers kept on the device); a
researcher's page is a 503 that says the storage refuses writes and someone must be told,
never a stack trace; once there is room again the next request succeeds, by itself.

The full disk is real: a small tmpfs mounted for the test (the suite runs as root; elsewhere
the tests skip), filled with a file until write(2) says ENOSPC. PostgreSQL's is a tablespace
on such a tmpfs in a server the test starts itself (`tests/postgres_cluster.py`).
"""

import contextlib
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.config import Config
from app.extensions import db
from app.models import Response, Study
from tests import postgres_cluster
from tests.conftest import AuthActions, RequestPerContextClient, make_app
from tests.definitions import definition, long_text, nps
from tests.factories import make_published, make_study, make_user, submit_all

DEFINITION = definition(nps(required=True), long_text(), title="磁盘已满测试")
TO_RESPONDENT = "服务暂时不可用，请稍后再试；您的答案已保留在本机"
TO_RESEARCHER = "服务器现在无法保存更改：存储空间已满或只读，本次操作未保存。请告知本站管理员。"
IN_ENGLISH = "its storage is full or read-only, and nothing was saved"


@contextlib.contextmanager
def tmpfs(mount_point: Path, size: str = "4m"):
    """A file system of *size* of the test's own at *mount_point*, unmounted at the end."""
    mount_point.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


@pytest.fixture
def tiny_disk(tmp_path):
    with tmpfs(tmp_path / "disk") as mount_point:
        yield mount_point


@contextlib.contextmanager
def full(disk: Path):
    """*disk* has no byte left until the block ends."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
        with contextlib.suppress(OSError):  # the last few bytes
            while True:
                out.write(b"\0")
    try:
        yield
    finally:
        filler.unlink()


def submit(client, slug: str):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": {"nps": 9, "why": "包装完好"}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def new_study(client, language: str):
    return client.post(
        "/studies/new",
        data={"title": "新研究：外卖满意度"},
        headers={"Accept-Language": language},
    )


def assert_storage_page(reply, text: str) -> None:
    page = reply.get_data(as_text=True)
    assert reply.status_code == 503, page[:2000]
    assert int(reply.headers["Retry-After"]) > 0
    assert text in page
    assert "Traceback" not in page and "OperationalError" not in page


def signed_in_app(database_url: str, instance: Path):
    """The app with the production pool, a published questionnaire and a signed-in owner."""
    app = make_app(
        database_url, instance, SQLALCHEMY_ENGINE_OPTIONS=Config.SQLALCHEMY_ENGINE_OPTIONS
    )
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        db.create_all()
        owner = make_user("full-disk@example.cn")
        questionnaire = make_published(DEFINITION, study=make_study(owner))
        app.config["TEST_SLUG"] = questionnaire.slug
        app.config["TEST_TEXT_URL"] = (
            f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/results/text/why"
        )
        submit_all(questionnaire, [{"nps": 8, "why": "送餐很快，包装完好。"}])
    client = app.test_client()
    assert AuthActions(client).login("full-disk@example.cn").status_code == 302
    return app, client


def counted(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_a_full_disk_under_sqlite_is_a_clear_503_until_there_is_room(tiny_disk, tmp_path):
    app, client = signed_in_app(f"sqlite:///{tiny_disk / 'wenfang.sqlite3'}", tmp_path / "i")
    slug = app.config["TEST_SLUG"]
    assert submit(client, slug).status_code == 201  # the WAL and its index exist already
    with full(tiny_disk):
        reply = submit(client, slug)
        assert (reply.status_code, reply.json["message"][:-1]) == (503, TO_RESPONDENT)
        assert_storage_page(new_study(client, "zh-CN"), TO_RESEARCHER)
        assert_storage_page(new_study(client, "en"), IN_ENGLISH)
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json["database"]) == (503, "disk_full")
    assert client.get("/readyz").json == {"status": "ready", "database": "ok"}
    assert submit(client, slug).status_code == 201
    assert new_study(client, "zh-CN").status_code == 302
    assert (counted(app, Response), counted(app, Study)) == (3, 2)


def test_a_full_instance_folder_is_a_clear_503_not_a_500(tiny_disk, tmp_path):
    """The open answers' page caches its keywords in the instance folder."""
    app, client = signed_in_app(f"sqlite:///{tmp_path / 'wenfang.sqlite3'}", tiny_disk)
    with full(tiny_disk):
        assert_storage_page(client.get(app.config["TEST_TEXT_URL"]), TO_RESEARCHER)
    assert client.get(app.config["TEST_TEXT_URL"]).status_code == 200


@pytest.fixture
def cluster():
    reason = postgres_cluster.available()
    if reason:
        pytest.skip(reason)
    with postgres_cluster.temporary_cluster() as made:
        yield made


def test_a_full_disk_under_postgresql_is_a_clear_503_until_there_is_room(cluster, tmp_path):
    """The database lives in a tablespace on a tiny disk (in the cluster's directory, which its
    server's user may enter): a row that needs a new page fails with SQLSTATE 53100 (disk
    full), which the server survives."""
    with tmpfs(cluster.directory / "disk", "32m") as tiny_disk:  # a new database is ~8 MB
        room = tiny_disk / "tablespace"
        room.mkdir()
        cluster.owns(room)
        full_postgresql(cluster, tiny_disk, room, tmp_path)


def full_postgresql(cluster, tiny_disk: Path, room: Path, tmp_path: Path) -> None:
    server = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE TABLESPACE tiny LOCATION '{room}'")
        connection.exec_driver_sql("CREATE DATABASE wenfang TABLESPACE tiny")
    server.dispose()
    url = cluster.url.rsplit("/", 1)[0] + "/wenfang"
    app, client = signed_in_app(url, tmp_path / "instance")
    slug = app.config["TEST_SLUG"]
    try:
        with full(tiny_disk):
            # Rows go into the free room of a table's last page until one needs a new page.
            reply, stored = until_refused(lambda: submit(client, slug))
            assert (reply.status_code, reply.json["message"][:-1]) == (503, TO_RESPONDENT)
            page, studies = until_refused(lambda: new_study(client, "zh-CN"))
            assert_storage_page(page, TO_RESEARCHER)
        assert submit(client, slug).status_code == 201
        assert (counted(app, Response), counted(app, Study)) == (2 + stored, 1 + studies)
    finally:
        with app.app_context():
            db.engine.dispose()


def until_refused(send, most: int = 500):
    """Send until a reply is not a success; (that reply, the successes before it)."""
    for done in range(most):
        reply = send()
        if reply.status_code >= 400:
            return reply, done
    raise AssertionError(f"{most} writes to a full disk all succeeded")

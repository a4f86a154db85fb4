"""How a submit uses the database: one lookup and one insert (one insert once the
questionnaire was found before), connections the server closed
are replaced without a ping per request, and a write of several statements still commits as
one; SQLite writers in several processes take turns. Runs on SQLite and PostgreSQL (the
connection tests on PostgreSQL only: SQLite has no server to close them)."""

import contextlib
import multiprocessing
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app import database
from app.config import Config
from app.extensions import db
from app.models import Invitation, Response
from app.respond.published import find_published
from app.responses import invitations, records, submission
from tests.conftest import RequestPerContextClient, make_app
from tests.definitions import definition, long_text, nps
from tests.factories import make_published

try:
    import fcntl
except ImportError:
    fcntl = None

DEFINITION = definition(nps(required=True), long_text(), title="连接测试")
ANSWERS = {"nps": 8, "why": "还不错"}


@pytest.fixture
def production_pool_app(database_url, tmp_path):
    """The app with the production pool settings: no ping at checkout, pooled connections."""
    app = make_app(
        database_url,
        tmp_path / "instance",
        SQLALCHEMY_ENGINE_OPTIONS=Config.SQLALCHEMY_ENGINE_OPTIONS,
    )
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        db.create_all()
        survey = make_published(DEFINITION)
        invited = make_published(
            DEFINITION, settings={"access": {"mode": "invitation"}}, study=survey.study
        )
        app.config["TEST_SLUG"] = survey.slug
        app.config["TEST_INVITATIONS"] = (invited.slug, *invitations.create_invitations(invited, 2))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def submit(client, slug: str, idempotency_key: str | None = None):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": ANSWERS},
        headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex},
    )


def stored_keys(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(Response.idempotency_key)).all()


def only_postgres(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server that could close a connection")


# pg_terminate_backend(pid, timeout) waits until the session is gone (PostgreSQL 14+).
TERMINATE = sa.text(
    "WITH others AS MATERIALIZED ("
    " SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND (CAST(:pid AS integer) IS NULL OR pid = :pid))"
    " SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM others"
)


def terminate(database_url: str, pid: int | None = None) -> int:
    """Have the server end its other sessions on this database (or the one *pid*) as a
    restart or an idle timeout would, and wait until they are gone; how many were ended."""
    admin = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            return connection.execute(TERMINATE, {"pid": pid}).scalar_one()
    finally:
        admin.dispose()


def test_a_submit_survives_the_server_closing_an_idle_pooled_connection(
    production_pool_app, database_url
):
    only_postgres(database_url)
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    assert submit(client, slug).status_code == 201  # leaves its connection idle in the pool
    assert terminate(database_url) >= 1

    reply = submit(client, slug)
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert len(stored_keys(app)) == 2


def test_a_connection_the_server_closed_is_replaced_before_any_page_uses_it(
    production_pool_app, database_url
):
    """Not only the respondent's pages, which ask again: the pool itself refuses a connection
    the server has closed (`app.database`), so a page with no retry of its own works too."""
    only_postgres(database_url)
    client = production_pool_app.test_client()
    assert client.get("/healthz").json["database"] == "ok"
    assert terminate(database_url) >= 1
    reply = client.get("/healthz")
    assert (reply.status_code, reply.json["database"]) == (200, "ok")


@pytest.mark.parametrize("found_before", [False, True], ids=["lookup", "one-insert"])
def test_a_submit_survives_its_connection_closed_right_after_checkout(
    production_pool_app, database_url, found_before
):
    """The server closes the connection after the pool handed it out (so no check at checkout
    can see it): the submit's first statement fails on it (the lookup, or the one INSERT of a
    questionnaire found before), and the submit goes on, on a new connection."""
    only_postgres(database_url)
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    if found_before:
        assert submit(client, slug).status_code == 201
    killed = []

    def close_once(dbapi_connection, connection_record, connection_proxy):
        if not killed:
            killed.append(dbapi_connection.info.backend_pid)
            terminate(database_url, killed[0])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", close_once)
    try:
        idempotency_key = uuid.uuid4().hex
        reply = submit(client, slug, idempotency_key)
    finally:
        event.remove(engine, "checkout", close_once)
    assert killed, "the listener never ran"
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert stored_keys(app)[found_before:] == [idempotency_key]


@contextlib.contextmanager
def record_statements(app):
    """The first word of each SQL statement run meanwhile, and whether it ran outside a
    transaction (PostgreSQL: in autocommit; SQLite: no snapshot held)."""
    statements, autocommit = [], []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement.split(None, 1)[0].upper())
        raw = connection.connection.dbapi_connection
        if connection.dialect.name == "postgresql":
            autocommit.append(raw.autocommit)
        else:
            autocommit.append(not raw.in_transaction)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements, autocommit
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_first_submit_is_one_lookup_and_one_insert(production_pool_app):
    """The questionnaire, its latest version and the Idempotency-Key come back in one query
    (and, the first time, the version's definition in a second), and the response is one
    INSERT: no ping, and on PostgreSQL no BEGIN or COMMIT either (each statement is its own
    transaction). On SQLite the lookup runs outside a transaction (pysqlite begins one at the
    INSERT), so it holds no snapshot while Python works."""
    app, client = production_pool_app, production_pool_app.test_client()
    with record_statements(app) as (statements, autocommit):
        assert submit(client, app.config["TEST_SLUG"]).status_code == 201
    assert statements == ["SELECT", "SELECT", "INSERT"]
    assert all(autocommit)


def test_a_new_submit_to_a_questionnaire_found_before_is_one_insert(production_pool_app):
    """Once a process has found the questionnaire behind a slug, a new respondent's submit is
    a single INSERT that checks, as it writes, that the questionnaire is still open at that
    version and that the key is new."""
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    submit(client, slug)
    with record_statements(app) as (statements, autocommit):
        reply = submit(client, slug)
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert statements == ["INSERT"]
    assert autocommit == [True]
    assert reply.json["receipt"] and reply.json["end"]["thank_you"] is not None


def test_a_repeat_of_a_one_statement_submit_returns_the_same_response(production_pool_app):
    """The INSERT leaves a repeated key alone; the repeat then finds the stored response."""
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    submit(client, slug)
    key = uuid.uuid4().hex
    first = submit(client, slug, key)
    with record_statements(app) as (statements, _):
        again = submit(client, slug, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["response_id"] == first.json["response_id"]
    assert again.json["receipt"] == first.json["receipt"]
    assert statements == ["INSERT", "SELECT"]  # the INSERT stored nothing; then the lookup
    assert stored_keys(app).count(key) == 1


def test_a_questionnaire_closed_since_it_was_found_refuses_the_next_submit(
    production_pool_app,
):
    """What the process remembers of a questionnaire is only a guess: closed meanwhile (by
    another process, say), the next submit is refused and nothing is stored."""
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    assert submit(client, slug).status_code == 201
    with app.app_context():
        from app.questionnaires import services as questionnaires

        questionnaires.close(questionnaires.find_by_slug_or_id(slug))
    key = uuid.uuid4().hex
    reply = submit(client, slug, key)
    assert reply.status_code == 410
    assert reply.json["error"] == "closed"
    assert key not in stored_keys(app)


def test_a_version_published_since_the_questionnaire_was_found_gets_the_next_submit(
    production_pool_app,
):
    """A newer version published meanwhile: the next submit is stored against it."""
    from app.models import QuestionnaireVersion
    from app.questionnaires import services as questionnaires

    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    assert submit(client, slug).status_code == 201
    with app.app_context():
        questionnaire = questionnaires.find_by_slug_or_id(slug)
        changed = {**questionnaire.draft, "title": "连接测试（第二版）"}
        questionnaires.save_draft(
            questionnaire, changed, expected_revision=questionnaire.draft_revision
        )
        second = questionnaires.publish(questionnaire, questionnaire.study.created_by)
        assert second.number == 2
        second_id = second.id
    reply = submit(client, slug)
    assert reply.status_code == 201, reply.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Response, reply.json["response_id"])
        assert stored.version_id == second_id
        assert db.session.get(QuestionnaireVersion, second_id).number == 2


def save_progress(client, slug: str) -> int:
    """Save a partial as the page does between pages; its id (the browser keeps the cookie)."""
    saved = client.post(f"/s/{slug}/progress", json={"answers": {"nps": 8}, "page": "p1"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    with client.application.app_context():
        return db.session.scalars(
            db.select(Response.id).where(Response.status == "partial").order_by(Response.id)
        ).all()[-1]


def test_completing_a_partial_of_a_questionnaire_found_before_is_one_update(
    production_pool_app,
):
    """A respondent who saved pages before: the submit completes that partial in place (its
    id, its start time) in one UPDATE that checks the questionnaire as the INSERT does."""
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    partial_id = save_progress(client, slug)  # finds the questionnaire, remembers it
    with app.app_context():
        started_at = db.session.get(Response, partial_id).started_at
    with record_statements(app) as (statements, autocommit):
        reply = submit(client, slug)
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert statements == ["UPDATE"]
    assert autocommit == [True]
    assert reply.json["response_id"] == partial_id
    with app.app_context():
        completed = db.session.get(Response, partial_id)
        assert completed.status.value == "complete"
        assert completed.answers == ANSWERS
        assert completed.started_at == started_at
    assert len(stored_keys(app)) == 1


def test_a_repeat_of_a_completed_partial_returns_the_same_response(production_pool_app):
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    partial_id = save_progress(client, slug)
    key = uuid.uuid4().hex
    first, again = submit(client, slug, key), submit(client, slug, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["response_id"] == again.json["response_id"] == partial_id
    assert stored_keys(app) == [key]


def test_a_key_stored_before_is_a_repeat_even_from_a_respondent_with_a_partial(
    production_pool_app,
):
    """The UPDATE that would complete the partial under a key another response holds fails
    on the UNIQUE key; the submit is then the repeat of that response, and the partial stays."""
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    key = uuid.uuid4().hex
    first = submit(app.test_client(), slug, key)
    partial_id = save_progress(client, slug)
    again = submit(client, slug, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["response_id"] == first.json["response_id"]
    with app.app_context():
        assert db.session.get(Response, partial_id).status.value == "partial"


def test_a_partial_of_a_questionnaire_closed_since_is_not_completed(production_pool_app):
    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    partial_id = save_progress(client, slug)
    with app.app_context():
        from app.questionnaires import services as questionnaires

        questionnaires.close(questionnaires.find_by_slug_or_id(slug))
    reply = submit(client, slug)
    assert reply.status_code == 410
    with app.app_context():
        assert db.session.get(Response, partial_id).status.value == "partial"


def test_a_partial_keeps_its_version_when_a_newer_one_is_published_meanwhile(
    production_pool_app,
):
    """A respondent half-way through answers the version they started; the next new
    respondent gets the newer one."""
    from app.models import QuestionnaireVersion
    from app.questionnaires import services as questionnaires

    app, client = production_pool_app, production_pool_app.test_client()
    slug = app.config["TEST_SLUG"]
    partial_id = save_progress(client, slug)
    with app.app_context():
        questionnaire = questionnaires.find_by_slug_or_id(slug)
        first_id = questionnaire.latest_version.id
        changed = {**questionnaire.draft, "title": "连接测试（第二版）"}
        questionnaires.save_draft(
            questionnaire, changed, expected_revision=questionnaire.draft_revision
        )
        second_id = questionnaires.publish(questionnaire, questionnaire.study.created_by).id
    reply = client.post(
        f"/s/{slug}/submit",
        json={"answers": ANSWERS, "version": 1},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert reply.json["response_id"] == partial_id
    newcomer = app.test_client()
    later = submit(newcomer, slug)
    assert later.status_code == 201
    with app.app_context():
        version_of = dict(db.session.execute(db.select(Response.id, Response.version_id)).all())
        assert version_of[partial_id] == first_id
        assert version_of[later.json["response_id"]] == second_id
        assert db.session.get(QuestionnaireVersion, second_id).number == 2


def test_an_invitation_stays_unused_when_the_insert_after_spending_it_fails(
    production_pool_app,
):
    """A submit that spends an invitation writes two statements: even when the request began
    in autocommit (as the JSON submit does), they commit together or not at all."""
    app, client = production_pool_app, production_pool_app.test_client()
    slug, first, second = app.config["TEST_INVITATIONS"]
    taken = uuid.uuid4().hex
    reply = client.post(
        f"/s/{slug}/submit",
        json={"answers": ANSWERS, "invitation": first},
        headers={"Idempotency-Key": taken},
    )
    assert reply.status_code == 201
    with app.test_request_context():
        published = find_published(slug)
        if db.session.get_bind().dialect.name == "postgresql":
            options = db.session.connection().get_execution_options()
            assert options["isolation_level"] == "AUTOCOMMIT"  # as in the JSON submit
        # The key is taken (a concurrent submit got there first): the INSERT fails after
        # the invitation was spent, and the spend must be rolled back with it.
        done = submission.submit(
            published.latest,
            taken,
            ANSWERS,
            secret=app.config["SECRET_KEY"],
            invitation_hash=records.token_hash(second),
        )
        assert (done.response_id, done.created) == (reply.json["response_id"], False)
        db.session.remove()
    with app.app_context():
        used = dict(db.session.execute(db.select(Invitation.token_hash, Invitation.used_at)).all())
    assert used[records.token_hash(first)] is not None
    assert used[records.token_hash(second)] is None
    assert (
        client.post(
            f"/s/{slug}/submit",
            json={"answers": ANSWERS, "invitation": second},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ).status_code
        == 201
    )


@pytest.mark.skipif(fcntl is None, reason="flock(2) is POSIX")
def test_sqlite_writers_in_two_processes_take_turns(tmp_path):
    """A gunicorn worker writing to SQLite holds the writers' lock file; another worker (here a
    forked child, which inherited the parent's descriptor) must wait for it, not share it."""
    path = tmp_path / "writers.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}")
    with database.one_writer(engine):  # the parent opens its lock file before the fork
        pass
    _, _, parents_file = database._writers_of(engine, str(path))
    fork = multiprocessing.get_context("fork")
    writing, done = fork.Event(), fork.Event()

    def child():
        with database.one_writer(engine):
            writing.set()
            done.wait(60)

    process = fork.Process(target=child)
    process.start()
    try:
        assert writing.wait(60)
        with pytest.raises(BlockingIOError):
            fcntl.flock(parents_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        done.set()
        process.join(60)
    assert process.exitcode == 0
    with database.one_writer(engine):  # free again
        pass
    engine.dispose()


def test_the_one_statement_submit_binds_every_column_a_new_row_sets():
    """A column `_new_row` sets but the INSERT … SELECT does not bind would be lost; one it
    binds but `_new_row` does not set fails every submit (a new column did: 500s)."""
    values = submission._complete_values(
        type("Version", (), {"id": 1, "definition": {}})(), "key", {}, "RECEIPT", None, None
    )
    row = submission._new_row(values, None, None)
    assert sorted(row) == sorted(submission.NEW_ROW_COLUMNS)

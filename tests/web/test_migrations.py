"""The Alembic revisions and the models describe the same schema, on SQLite and PostgreSQL."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app.extensions import db


def _pending_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        assert _pending_differences() == []


def test_migrations_downgrade_to_an_empty_database(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(db.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()


def test_revision_ids_fit_alembics_version_column():
    """alembic_version.version_num is VARCHAR(32): PostgreSQL refuses a longer id at upgrade
    time, while SQLite stores it, so a SQLite-only run would not notice."""
    scripts = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations"))
    too_long = [s.revision for s in scripts.walk_revisions() if len(s.revision) > 32]
    assert not too_long

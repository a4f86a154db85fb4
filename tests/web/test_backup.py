"""Backup and restore (`flask --app wsgi backup create|restore`) on SQLite and PostgreSQL: a
round trip equal in counts and content, the instance files restored and caches left out, and
a damaged or foreign archive refused before anything is replaced."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from flask import current_app

from app.extensions import db
from app.models import Response, Study
from tests import definitions as d
from tests.factories import make_published, make_study, make_user, submit_all

SURVEY = d.definition(
    d.page("p1", d.nps(), d.short_text("why", "为什么给这个分数？")), title="会员满意度"
)


def everything() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: the content a restore must bring back."""
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(table.select().order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return out


@pytest.fixture
def installation(ctx):
    owner = make_user("backup@example.cn")
    study = make_study(owner, title="会员体系研究")
    questionnaire = make_published(SURVEY, study=study)
    submit_all(questionnaire, [{"nps": n, "why": f"第 {n} 位会员：积分兑换太难"} for n in range(6)])
    instance = Path(current_app.instance_path)
    (instance / "jobs" / "1").mkdir(parents=True)
    (instance / "jobs" / "1" / "报告.pdf").write_bytes(b"%PDF-1.7 findings report")
    (instance / "cache" / "charts").mkdir(parents=True, exist_ok=True)
    (instance / "cache" / "charts" / "q1.png").write_bytes(b"rebuilt on demand")
    return instance


def test_a_backup_restores_the_same_rows_and_files(runner, installation, tmp_path):
    archive = tmp_path / "wenfang-backup.tar"
    before = everything()
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert "instance files" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "files/jobs/1/报告.pdf" in names
    assert not any(name.startswith("files/cache/") for name in names)
    assert manifest["database"]["counts"]["responses"] == 6

    # the installation moves on: a response deleted, a study added, a file changed and one gone
    db.session.delete(db.session.scalars(db.select(Response)).first())
    db.session.add(Study(title="备份之后的新研究", created_by_id=1))
    db.session.commit()
    (installation / "jobs" / "1" / "报告.pdf").write_bytes(b"overwritten")
    assert everything() != before

    result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "row counts match" in result.output
    assert everything() == before
    assert (installation / "jobs" / "1" / "报告.pdf").read_bytes() == b"%PDF-1.7 findings report"


def _rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of *archive* with each member's bytes passed through `change(name, data)`."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(
    runner, installation, tmp_path
):
    archive = tmp_path / "good.tar"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    db.session.add(Study(title="备份之后的新研究", created_by_id=1))
    db.session.commit()
    now = everything()

    def flip_database_byte(name, data):
        if name.startswith("database."):
            return data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
        return data

    damaged = _rewritten(archive, tmp_path / "damaged.tar", flip_database_byte)
    result = runner.invoke(args=["backup", "restore", str(damaged), "--yes"])
    assert result.exit_code != 0 and "checksum mismatch" in result.output
    assert everything() == now

    def other_dialect(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["dialect"] = (
            "postgresql" if manifest["database"]["dialect"] == "sqlite" else "sqlite"
        )
        return json.dumps(manifest).encode()

    foreign = _rewritten(archive, tmp_path / "foreign.tar", other_dialect)
    result = runner.invoke(args=["backup", "restore", str(foreign), "--yes"])
    assert result.exit_code != 0 and "this installation uses" in result.output
    assert everything() == now

    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"just some text")
    result = runner.invoke(args=["backup", "restore", str(not_a_backup), "--yes"])
    assert result.exit_code != 0 and "not a readable backup archive" in result.output
    assert (installation / "jobs" / "1" / "报告.pdf").exists()

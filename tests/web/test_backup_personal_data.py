"""Backups and encrypted personal data (issue 28.3): the archive holds the ciphertext, never a
decrypted value; restored onto a fresh database with the same keys, the values read back; the
keys file travels in the archive (readable by its owner only once restored), a key from the
environment does not and must be kept apart."""

import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app.extensions import db
from app.models import Participant
from app.personal_data import PersonalDataKeyError
from tests.conftest import make_app, reset_postgres
from tests.factories import make_organisation

NAME, PHONE, WECHAT = "慕容秀英", "+86 138 7100 4567", "xiuying_wh"


def _stored_rows(archive: Path, work: Path) -> str:
    """The participants rows as the archive's database holds them, as text."""
    with tarfile.open(archive) as tar:
        member = next(n for n in tar.getnames() if n.startswith("database."))
        tar.extract(member, work, filter="data")
    dumped = work / member
    if member.endswith(".sqlite3"):
        connection = sqlite3.connect(dumped)
        try:
            rows = connection.execute("SELECT name, phone, wechat_id FROM participants").fetchall()
        finally:
            connection.close()
        return "\n".join("\t".join(row) for row in rows)
    return subprocess.run(
        ["pg_restore", "--data-only", "--table=participants", "--file=-", str(dumped)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("keys_from", ["instance/data_keys", "WENFANG_DATA_KEYS"])
def test_a_backup_holds_ciphertext_and_a_fresh_install_with_the_same_keys_reads_it(
    app, database_url, tmp_path, keys_from
):
    key = Fernet.generate_key().decode()
    from_environment = keys_from == "WENFANG_DATA_KEYS"
    if from_environment:
        app.config["DATA_KEYS"] = key
    with app.app_context():
        organisation = make_organisation()
        person = Participant(organisation_id=organisation.id, name=NAME, phone=PHONE,
                             wechat_id=WECHAT)  # fmt: skip
        db.session.add(person)
        db.session.commit()
        person_id = person.id
        stored = db.session.execute(
            sa.text("SELECT name FROM participants WHERE id = :id"), {"id": person_id}
        ).scalar_one()
        db.session.rollback()
    archive = tmp_path / "wenfang-backup.tar"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output

    rows = _stored_rows(archive, tmp_path / "unpacked")
    assert stored.startswith("gAAAAA") and stored in rows
    assert NAME not in rows and "7100" not in rows and WECHAT not in rows
    whole = archive.read_bytes()
    assert NAME.encode() not in whole and WECHAT.encode() not in whole
    with tarfile.open(archive) as tar:
        has_keys = "files/data_keys" in tar.getnames()
    assert has_keys is not from_environment  # the environment's key is not in the archive

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if database_url.startswith("sqlite"):
        fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        reset_postgres(database_url)  # the same server, emptied: a fresh database
        fresh_url = database_url
    settings = {"DATA_KEYS": key} if from_environment else {}
    fresh = make_app(fresh_url, tmp_path / "fresh-instance", **settings)
    try:
        result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
        assert result.exit_code == 0, result.output
        with fresh.app_context():
            person = db.session.get(Participant, person_id)
            assert (person.name, person.phone, person.wechat_id) == (NAME, PHONE, WECHAT)
            db.session.remove()
        keys_file = Path(fresh.instance_path, "data_keys")
        if from_environment:
            assert not keys_file.exists()
            fresh.config["DATA_KEYS"] = Fernet.generate_key().decode()  # not the same key
            with fresh.app_context(), pytest.raises(PersonalDataKeyError):
                db.session.get(Participant, person_id)
        else:
            assert os.stat(keys_file).st_mode & 0o777 == 0o600
    finally:
        with fresh.app_context():
            db.session.remove()
            db.engine.dispose()

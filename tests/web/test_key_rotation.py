"""Rotating the data key (issue 28.3): `flask --app wsgi privacy rotate-key` re-encrypts every
`EncryptedText` column it finds, old ciphertext stops opening, the keys file ends with the
new key only, a crash midway leaves everything readable; with WENFANG_DATA_KEYS it works in
two steps, printing the ring to set."""

import json
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app import key_rotation
from app.audit_sentences import describe
from app.extensions import db
from app.models import AuditEvent, Participant, Response
from app.personal_data import PersonalDataKeyError, unseal
from tests import definitions as d
from tests.factories import make_organisation, make_published, submit_all

PERSON = {
    "name": "欧阳翠花",
    "phone": "+86 139 8765 0123",
    "email": "cuihua.ouyang@example.cn",
    "wechat_id": "cuihua_km88",
    "protected": json.dumps({"id_card": "530102198807071234"}, ensure_ascii=False),
}
GUARDIAN = "欧阳建国"
SURVEY = d.definition(d.short_text("why", "您为什么选择这家店？"), title="小店顾客调查")
ENCRYPTED_HERE = {f"participants.{column}" for column in PERSON} | {"responses.guardian_name"}


def _seed() -> tuple[int, int]:
    """A participant with every personal field, another without contacts, and a response
    with a guardian's name: values in every encrypted column the models have today."""
    organisation = make_organisation()
    person = Participant(organisation_id=organisation.id, **PERSON)
    db.session.add_all([person, Participant(organisation_id=organisation.id, name="司马光明")])
    questionnaire = make_published(SURVEY)
    [response_id] = submit_all(questionnaire, [{"why": "离家近，米线好吃"}])
    db.session.get(Response, response_id).guardian_name = GUARDIAN
    db.session.commit()
    return person.id, response_id


def _raw_tokens() -> dict[tuple[str, tuple], str]:
    """Every stored token of every encrypted column, read as text, by (column, primary key)."""
    tokens = {}
    with db.engine.connect() as connection:
        for encrypted in key_rotation.encrypted_columns():
            keys = list(encrypted.table.primary_key.columns)
            raw = sa.type_coerce(encrypted.column, sa.Text())
            for row in connection.execute(sa.select(*keys, raw).where(raw.is_not(None))):
                tokens[(encrypted.name, tuple(row[:-1]))] = row[-1]
    return tokens


PARTICIPANT_ROW = sa.text(
    "SELECT name, phone, email, wechat_id, protected, updated_at FROM participants WHERE id = :id"
)


def _raw_participant(participant_id: int) -> dict[str, str]:
    row = db.session.execute(PARTICIPANT_ROW, {"id": participant_id}).one()
    db.session.rollback()
    return dict(row._mapping)


def _read_back(participant_id: int, response_id: int) -> tuple[dict[str, str], str]:
    db.session.expire_all()
    person = db.session.get(Participant, participant_id)
    fields = {column: getattr(person, column) for column in PERSON}
    return fields, db.session.get(Response, response_id).guardian_name


def _keys_file(app) -> list[str]:
    return Path(app.instance_path, "data_keys").read_text().split()


def test_the_rotation_finds_every_encrypted_column_by_its_type(ctx):
    names = {encrypted.name for encrypted in key_rotation.encrypted_columns()}
    assert names >= ENCRYPTED_HERE
    assert "participants.phone_index" not in names  # a blind index, not ciphertext


def test_rotation_re_encrypts_everything_and_old_ciphertext_stops_opening(app, runner):
    with app.app_context():
        person_id, response_id = _seed()
        [old_key] = _keys_file(app)
        before, raw_before = _raw_tokens(), _raw_participant(person_id)
        assert {column for column, _key in before} == ENCRYPTED_HERE
    result = runner.invoke(args=["privacy", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} values re-encrypted under the new key" in result.output
    assert "participants.phone: 1 values re-encrypted" in result.output
    with app.app_context():
        after, raw_after = _raw_tokens(), _raw_participant(person_id)
        assert after.keys() == before.keys()
        for place, token in after.items():
            assert token.startswith("gAAAAA"), place
            assert token != before[place], place
        assert raw_after["name"] != raw_before["name"] and "翠花" not in raw_after["name"]
        assert raw_after["updated_at"] == raw_before["updated_at"]  # not an edit of the record
        fields, guardian = _read_back(person_id, response_id)
        assert fields == PERSON and guardian == GUARDIAN
        for place, old_token in before.items():
            with pytest.raises(PersonalDataKeyError, match="cannot be decrypted"):
                unseal(old_token)
            assert unseal(after[place])  # the new ring opens the new tokens
        [new_key] = _keys_file(app)
        assert new_key != old_key
        mode = os.stat(Path(app.instance_path, "data_keys")).st_mode & 0o777
        assert mode == 0o600
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "privacy.rotate_key")
        ).all()
        columns = len(key_rotation.encrypted_columns())
        assert event.detail == {"values": 7, "columns": columns, "source": "file", "dropped": 1}
        sentence = describe([event])[0].sentence
        assert "7" in sentence and new_key not in json.dumps(event.detail)


def test_a_dry_run_counts_the_values_per_column_and_changes_nothing(app, runner):
    with app.app_context():
        _seed()
        before, keys = _raw_tokens(), _keys_file(app)
    result = runner.invoke(args=["privacy", "rotate-key", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "participants.name: 2 values" in result.output
    assert "participants.phone: 1 values" in result.output
    assert "responses.guardian_name: 1 values" in result.output
    assert "keys from instance/data_keys; would re-encrypt 7 values" in result.output
    with app.app_context():
        assert _raw_tokens() == before and _keys_file(app) == keys
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "privacy.rotate_key")) == 0  # fmt: skip


def test_a_rotation_cut_short_leaves_everything_readable_and_can_be_finished(
    app, runner, monkeypatch
):
    with app.app_context():
        person_id, response_id = _seed()
        [old_key] = _keys_file(app)
        before = _raw_tokens()
    real_rotated, calls = key_rotation._rotated, []

    def power_cut_after_three(*args):
        calls.append(args)
        if len(calls) > 3:
            raise RuntimeError("power cut")
        return real_rotated(*args)

    monkeypatch.setattr(key_rotation, "_rotated", power_cut_after_three)
    result = runner.invoke(args=["privacy", "rotate-key", "--batch-size", "1"])
    assert result.exit_code != 0
    with app.app_context():
        keys = _keys_file(app)
        assert len(keys) == 2 and keys[1] == old_key  # the new key first, the old one kept
        halfway = _raw_tokens()
        assert 0 < sum(halfway[p] != before[p] for p in before) < len(before)
        assert _read_back(person_id, response_id) == (PERSON, GUARDIAN)
    monkeypatch.undo()
    result = runner.invoke(args=["privacy", "rotate-key", "--finish"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _keys_file(app) == keys[:1]
        assert _read_back(person_id, response_id) == (PERSON, GUARDIAN)
        for old_token in before.values():
            with pytest.raises(PersonalDataKeyError):
                unseal(old_token)


def test_a_value_no_key_opens_stops_the_rotation_before_a_key_is_dropped(app, runner):
    with app.app_context():
        person_id, response_id = _seed()
        [old_key] = _keys_file(app)
        organisation_id = db.session.get(Participant, person_id).organisation_id
        stranger = Participant(organisation_id=organisation_id, name="占位")
        db.session.add(stranger)
        db.session.commit()
        stranger_id = stranger.id
        foreign = Fernet(Fernet.generate_key()).encrypt("别处的数据".encode()).decode()
        db.session.execute(
            sa.text("UPDATE participants SET name = :token WHERE id = :id"),
            {"token": foreign, "id": stranger_id},
        )
        db.session.commit()
    result = runner.invoke(args=["privacy", "rotate-key"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert f"participants.name of row {stranger_id} cannot be decrypted" in result.output
    with app.app_context():
        assert old_key in _keys_file(app)
        assert _read_back(person_id, response_id) == (PERSON, GUARDIAN)


def test_with_the_environment_the_new_ring_is_printed_then_finished(app, runner):
    old_key = Fernet.generate_key().decode()
    app.config["DATA_KEYS"] = old_key
    with app.app_context():
        person_id, response_id = _seed()
        before = _raw_tokens()
    begun = runner.invoke(args=["privacy", "rotate-key"])
    assert begun.exit_code == 0, begun.output
    [ring] = re.findall(r"^WENFANG_DATA_KEYS=(\S+)$", begun.output, re.M)
    new_key, kept = ring.split(",")
    assert kept == old_key and new_key != old_key
    assert "rotate-key --finish" in begun.output
    with app.app_context():
        assert _raw_tokens() == before  # nothing changes before every process has the ring
    too_soon = runner.invoke(args=["privacy", "rotate-key", "--finish"])
    assert too_soon.exit_code == 1 and "holds one key" in too_soon.output

    app.config["DATA_KEYS"] = ring  # the operator sets it everywhere and restarts
    finished = runner.invoke(args=["privacy", "rotate-key", "--finish"])
    assert finished.exit_code == 0, finished.output
    assert re.findall(r"^WENFANG_DATA_KEYS=(\S+)$", finished.output, re.M) == [new_key]
    app.config["DATA_KEYS"] = new_key  # the second setting: the old key is gone
    with app.app_context():
        after = _raw_tokens()
        assert all(after[p] != before[p] and after[p].startswith("gAAAAA") for p in before)
        assert _read_back(person_id, response_id) == (PERSON, GUARDIAN)
        for old_token in before.values():
            with pytest.raises(PersonalDataKeyError):
                unseal(old_token)
        assert not Path(app.instance_path, "data_keys").exists()
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "privacy.rotate_key")
        ).all()
        assert event.detail["source"] == "environment" and event.detail["values"] == len(before)


def test_a_value_written_under_the_old_key_during_the_rotation_is_caught_before_it_is_dropped(
    app, runner, monkeypatch
):
    """A process that has not yet seen the new ring writes a value under the old key after
    the main pass went by its row: the last check re-encrypts it before the old key goes."""
    with app.app_context():
        person_id, response_id = _seed()
        [old_key] = _keys_file(app)
    real_reencrypt, late = key_rotation._reencrypt, []

    def a_late_writer(encrypted, ring, batch_size, *, unless=None):
        if unless is not None and not late:
            late.append(Fernet(old_key.encode()).encrypt("欧阳小翠".encode()).decode())
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text("UPDATE participants SET name = :token WHERE id = :id"),
                    {"token": late[0], "id": person_id},
                )
        return real_reencrypt(encrypted, ring, batch_size, unless=unless)

    monkeypatch.setattr(key_rotation, "_reencrypt", a_late_writer)
    result = runner.invoke(args=["privacy", "rotate-key"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _keys_file(app) != [old_key] and len(_keys_file(app)) == 1
        assert _raw_participant(person_id)["name"] != late[0]
        fields, guardian = _read_back(person_id, response_id)
        assert fields == PERSON | {"name": "欧阳小翠"} and guardian == GUARDIAN

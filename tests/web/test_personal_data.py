"""Personal information at rest: ciphertext in the row, plaintext in Python, clear errors."""

import os

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app.extensions import db
from app.models import Participant
from app.personal_data import PersonalDataKeyError, blind_index, seal, unseal
from tests.factories import make_organisation

PHONE = "+86 138 0013 8000"


def _stored(column: str, participant_id: int) -> str:
    return db.session.execute(
        sa.text(f"SELECT {column} FROM participants WHERE id = :id"),  # noqa: S608 - test's own name
        {"id": participant_id},
    ).scalar_one()


def test_a_personal_column_is_ciphertext_in_the_row_and_plaintext_in_python(app):
    with app.app_context():
        organisation = make_organisation()
        person = Participant(organisation_id=organisation.id, name="王小明", phone=PHONE)
        db.session.add(person)
        db.session.commit()
        raw_name, raw_phone = _stored("name", person.id), _stored("phone", person.id)
        assert "王小明" not in raw_name and "138" not in raw_phone
        assert raw_name.startswith("gAAAA")  # a Fernet token: version byte 0x80, base64
        db.session.expire_all()
        assert db.session.get(Participant, person.id).name == "王小明"


def test_the_first_encryption_writes_a_key_file_only_its_owner_reads(app):
    with app.app_context():
        seal("任意")
        assert oct(os.stat(os.path.join(app.instance_path, "data_keys")).st_mode & 0o777) == "0o600"


def test_a_value_sealed_under_another_key_gives_a_clear_error_not_garbage(app):
    with app.app_context():
        token = seal("身份证号 110101199003071234")
        app.config["DATA_KEYS"] = Fernet.generate_key().decode()
        with pytest.raises(PersonalDataKeyError, match="cannot be decrypted"):
            unseal(token)


def test_a_malformed_key_is_named_as_such(app):
    with app.app_context():
        app.config["DATA_KEYS"] = "not-a-key"
        with pytest.raises(PersonalDataKeyError, match="malformed"):
            seal("x")


def test_any_key_of_the_ring_opens_what_it_sealed_and_new_values_take_the_first(app):
    with app.app_context():
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        app.config["DATA_KEYS"] = old
        sealed_under_old = seal("张三")
        app.config["DATA_KEYS"] = f"{new},{old}"
        assert unseal(sealed_under_old) == "张三"
        sealed_under_new = seal("李四")
        app.config["DATA_KEYS"] = new
        assert unseal(sealed_under_new) == "李四"
        with pytest.raises(PersonalDataKeyError):
            unseal(sealed_under_old)


def test_the_blind_index_is_keyed_and_equal_for_equal_values(app):
    with app.app_context():
        assert blind_index("8613800138000") == blind_index("8613800138000")
        assert blind_index("8613800138000") != blind_index("8613800138001")
        before = blind_index("8613800138000")
        app.config["SECRET_KEY"] = "another secret"
        assert blind_index("8613800138000") != before

"""A wrong data key gives a clear error, never garbage or a traceback (issue 28.3): a page in
Chinese naming the cause and where the keys are set, a JSON message for JSON callers, and a
one-line message with exit status 1 from a command."""

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.exc import StatementError

from app.errors import data_key_error
from app.extensions import db
from app.models import Participant
from app.personal_data import PersonalDataKeyError
from tests.factories import make_organisation, make_user

NAME, PHONE = "诸葛晓梅", "+86 136 0871 2345"


def _participant_page() -> tuple[str, str, int]:
    admin = make_user()
    organisation = make_organisation(admin)
    person = Participant(organisation_id=organisation.id, name=NAME, phone=PHONE)
    db.session.add(person)
    db.session.commit()
    url = f"/organisations/{organisation.id}/participants/{person.id}/data"
    return admin.email, url, person.id


def _replace_the_keys_file(app) -> tuple[str, str]:
    """What an operator's mistake does: instance/data_keys swapped for another install's."""
    path = Path(app.instance_path, "data_keys")
    old = path.read_text().strip()
    other = Fernet.generate_key().decode()
    path.write_text(other + "\n")
    return old, other


def test_a_page_reading_data_under_another_key_says_so_in_chinese(app, client, auth):
    with app.app_context():
        email, url, _person_id = _participant_page()
    auth.login(email)
    assert client.get(url).status_code == 200
    old, other = _replace_the_keys_file(app)

    page = client.get(url, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "数据密钥不匹配" in body
    assert "WENFANG_DATA_KEYS" in body and "instance/data_keys" in body
    assert "Traceback" not in body and "PersonalDataKeyError" not in body
    assert old not in body and other not in body and NAME not in body

    answer = client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == 500
    assert answer.json["error"] == "数据密钥不匹配"
    assert "WENFANG_DATA_KEYS" in answer.json["message"]


def test_a_command_reading_data_under_another_key_prints_one_line_and_fails(app, runner):
    with app.app_context():
        _email, _url, person_id = _participant_page()
    old, other = _replace_the_keys_file(app)
    result = runner.invoke(args=["privacy", "erase-participant", str(person_id), "--yes"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0, result.output
    assert result.output.startswith("Error: Personal data cannot be decrypted")
    assert "WENFANG_DATA_KEYS or instance/data_keys" in result.output
    assert "Traceback" not in result.output
    assert old not in result.output and other not in result.output
    Path(app.instance_path, "data_keys").write_text(old + "\n")  # the right key again
    with app.app_context():
        assert db.session.get(Participant, person_id).name == NAME  # nothing was erased


def test_a_malformed_key_met_while_writing_is_found_behind_the_database_error(app):
    with app.app_context():
        organisation = make_organisation()
        app.config["DATA_KEYS"] = "不是密钥"
        db.session.add(Participant(organisation_id=organisation.id, name=NAME))
        with pytest.raises(StatementError) as raised:
            db.session.commit()
        db.session.rollback()
        found = data_key_error(raised.value)
        assert isinstance(found, PersonalDataKeyError) and "malformed" in str(found)
        assert data_key_error(StatementError("other", "SELECT 1", {}, ValueError())) is None

"""Webhook endpoint secrets are stored encrypted (`EncryptedText`): the raw row holds a Fernet
token, deliveries are still signed with the plaintext secret, and the migration
`webhook_secret_encrypted` encrypts existing rows in place (and decrypts them on downgrade)."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.models import WebhookEndpoint
from app.personal_data import unseal
from app.webhooks import delivery, signing
from app.webhooks.signing import SECRET_PREFIX
from tests.factories import make_study, make_user, submit_all
from tests.web.test_webhooks import ANSWERS, _setup, _verified, hook_app, receiver  # noqa: F401

FERNET_PREFIX = "gAAAAA"  # a Fernet token: version byte 0x80 and a 64-bit time, base64


def _raw_secret(endpoint_id: int) -> str:
    return db.session.execute(
        sa.text("SELECT secret FROM webhook_endpoints WHERE id = :id"), {"id": endpoint_id}
    ).scalar_one()


def test_the_stored_secret_is_a_token_and_deliveries_still_verify(hook_app, receiver):  # noqa: F811
    _, questionnaire, endpoint = _setup(receiver)
    secret = endpoint.secret
    assert secret.startswith(SECRET_PREFIX)
    raw = _raw_secret(endpoint.id)
    assert raw.startswith(FERNET_PREFIX)
    assert secret not in raw and secret.removeprefix(SECRET_PREFIX) not in raw
    assert unseal(raw) == secret

    receiver.open("up")
    submit_all(questionnaire, ANSWERS[:2])
    db.session.expire_all()  # the secret is read back from the row, decrypted
    assert delivery.deliver_due().delivered == 2
    assert len(receiver.received) == 2
    bodies = [_verified(r, secret) for r in receiver.received]
    assert sorted(b["data"]["answers"]["why"] for b in bodies) == sorted(
        a["why"] for a in ANSWERS[:2]
    )


def test_the_migration_encrypts_existing_secrets_and_the_downgrade_decrypts(empty_app):
    plain = signing.new_secret()
    with empty_app.app_context():
        upgrade(revision="consent_notices")
        study = make_study(make_user())  # tables the migration does not change
        db.session.execute(
            sa.text(
                "INSERT INTO webhook_endpoints (study_id, url, secret, description, event_types,"
                " active, created_at) VALUES (:study, 'https://crm.example.cn/hook', :secret, "
                "'CRM 同步', '[]', TRUE, CURRENT_TIMESTAMP)"
            ),
            {"secret": plain, "study": study.id},
        )
        db.session.commit()

        upgrade()
        [endpoint_id] = db.session.scalars(sa.select(WebhookEndpoint.id)).all()
        raw = _raw_secret(endpoint_id)
        assert raw.startswith(FERNET_PREFIX) and unseal(raw) == plain
        assert db.session.get(WebhookEndpoint, endpoint_id).secret == plain
        db.session.remove()

        downgrade(revision="consent_notices")
        assert _raw_secret(endpoint_id) == plain
        db.session.remove()

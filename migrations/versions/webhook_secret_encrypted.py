"""Webhook endpoint secrets stored encrypted (`app.personal_data.EncryptedText`): the column
becomes text and every existing secret is encrypted in place; a downgrade decrypts them.

Revision ID: webhook_secret_encrypted
Revises: outreach_targets
Create Date: 2026-12-04 18:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

from app.personal_data import seal, unseal

# revision identifiers, used by Alembic.
revision = "webhook_secret_encrypted"
down_revision = "outreach_targets"
branch_labels = None
depends_on = None

endpoints = sa.table("webhook_endpoints", sa.column("id", sa.Integer), sa.column("secret", sa.Text))


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(endpoints.c.id, endpoints.c.secret)).all()
    for endpoint_id, secret in rows:
        connection.execute(
            endpoints.update()
            .where(endpoints.c.id == endpoint_id)
            .values(secret=change(secret))
        )


def upgrade():
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=100), type_=sa.Text(), existing_nullable=False
        )
    _rewrite(seal)


def downgrade():
    _rewrite(unseal)
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.Text(), type_=sa.String(length=100), existing_nullable=False
        )

"""idempotency key unique per questionnaire

A submit's Idempotency-Key was unique in the whole table: a key already used on one
questionnaire made a submit to another a "repeat" of the first one's response.

Revision ID: respond_idempotency_scope
Revises: bc5825efacb1
Create Date: 2026-12-02 19:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'respond_idempotency_scope'
down_revision = 'preview_questionnaire_archive'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('uq_responses_idempotency_key', type_='unique')
        batch_op.create_unique_constraint(
            'uq_responses_questionnaire_id', ['questionnaire_id', 'idempotency_key']
        )


def downgrade():
    # Fails if one key is by then stored on two questionnaires (as it may, after the upgrade).
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('uq_responses_questionnaire_id', type_='unique')
        batch_op.create_unique_constraint('uq_responses_idempotency_key', ['idempotency_key'])

"""responses.is_test: test responses kept out of results (issue 27.5)

Revision ID: preview_test_responses
Revises: bc5825efacb1
Create Date: 2026-12-02 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'preview_test_responses'
down_revision = 'bc5825efacb1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_test', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.drop_index('ix_responses_questionnaire_status_id')
        batch_op.create_index(
            'ix_responses_questionnaire_status_test_id',
            ['questionnaire_id', 'status', 'is_test', 'id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_questionnaire_status_test_id')
        batch_op.create_index(
            'ix_responses_questionnaire_status_id', ['questionnaire_id', 'status', 'id'], unique=False
        )
        batch_op.drop_column('is_test')

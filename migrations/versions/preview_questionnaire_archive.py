"""questionnaires.archived_at: archived questionnaires (issue 27.5)

Revision ID: preview_questionnaire_archive
Revises: preview_test_responses
Create Date: 2026-12-02 19:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'preview_questionnaire_archive'
down_revision = 'preview_test_responses'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

"""Findings waves (issue 21.3): one questionnaire per wave number of a series, so two wave
starts at the same moment cannot both take the next number.

Revision ID: findings_waves
Revises: findings_core
Create Date: 2026-12-03 06:00:00

"""

from alembic import op


revision = "findings_waves"
down_revision = "findings_core"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.create_index("questionnaire_series_wave", ["series_id", "wave"], unique=True)


def downgrade():
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.drop_index("questionnaire_series_wave")

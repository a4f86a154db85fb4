"""Findings (issue 21): questionnaire waves (series_id, wave), the dashboard's key metrics,
and the study's minimum n under which a figure is greyed.

Revision ID: findings_core
Revises: quality_paradata
Create Date: 2026-12-03 01:00:00

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "findings_core"
down_revision = "quality_paradata"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("wave", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column(
                "key_metrics",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )
        batch_op.create_index("ix_questionnaires_series_id", ["series_id"])
        batch_op.create_foreign_key(
            "fk_questionnaires_series_id_questionnaires",
            "questionnaires",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("studies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_n", sa.Integer(), server_default="30", nullable=False))


def downgrade():
    with op.batch_alter_table("studies", schema=None) as batch_op:
        batch_op.drop_column("min_n")
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.drop_constraint("fk_questionnaires_series_id_questionnaires", type_="foreignkey")
        batch_op.drop_index("ix_questionnaires_series_id")
        batch_op.drop_column("key_metrics")
        batch_op.drop_column("wave")
        batch_op.drop_column("series_id")

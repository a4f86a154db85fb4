"""Retention (issue 28.5): a study's retention period and what the sweep does past it; when a
response or an interview was anonymised.

Revision ID: retention_sweep
Revises: api_access_tokens
Create Date: 2026-12-03 14:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "retention_sweep"
down_revision = "api_access_tokens"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("studies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "retention_action", sa.String(length=20), server_default="anonymise", nullable=False
            )
        )
    for table in ("responses", "interviews"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade():
    for table in ("interviews", "responses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("studies", schema=None) as batch_op:
        batch_op.drop_column("retention_action")
        batch_op.drop_column("retention_days")

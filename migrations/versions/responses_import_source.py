"""Where a response came from: answered here ("web") or imported from another tool's export,
with that tool's id of it (importing the same file again adds nothing).

Revision ID: responses_import_source
Revises: jobs_cancelled
Create Date: 2026-12-03 13:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "responses_import_source"
down_revision = "jobs_cancelled"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=20), server_default="web", nullable=False)
        )
        batch_op.add_column(sa.Column("source_id", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(
            "uq_responses_questionnaire_source", ["questionnaire_id", "source", "source_id"]
        )


def downgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_responses_questionnaire_source", type_="unique")
        batch_op.drop_column("source_id")
        batch_op.drop_column("source")

"""The segments a need affects (受影响人群): a list of {question, value, title, label}.

Revision ID: needs_segments
Revises: needs_pm_role
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "needs_segments"
down_revision = "needs_pm_role"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "segments",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.drop_column("segments")

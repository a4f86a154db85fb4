"""The header lines of an interview's file (关键词, 标题, 时间, 地点 …): the interview's metadata.

Revision ID: transcripts_source_header
Revises: needs_segments
Create Date: 2026-12-03 09:00:00

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "transcripts_source_header"
down_revision = "needs_segments"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        # Interviews imported before: no header read (their header lines are in a turn).
        batch_op.add_column(
            sa.Column(
                "source_header",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_column("source_header")

"""REFI-QDA project import: a source's plain text as given, turns placed in it, study notes.

Revision ID: qdpx_import
Revises: retention_sweep
Create Date: 2026-12-03 13:20:00

"""

from alembic import op
import sqlalchemy as sa


revision = "qdpx_import"
down_revision = "retention_sweep"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plain_text", sa.Text(), nullable=True))
    with op.batch_alter_table("interview_turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plain_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("plain_end", sa.Integer(), nullable=True))
    op.create_table(
        "study_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("refi_guid", sa.String(length=38), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["study_id"], ["studies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_study_notes_study_id", "study_notes", ["study_id"])


def downgrade():
    op.drop_index("ix_study_notes_study_id", table_name="study_notes")
    op.drop_table("study_notes")
    with op.batch_alter_table("interview_turns", schema=None) as batch_op:
        batch_op.drop_column("plain_end")
        batch_op.drop_column("plain_start")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_column("plain_text")

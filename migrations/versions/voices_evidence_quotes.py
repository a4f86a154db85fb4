"""Quotes starred as evidence (issue 23.5): open answers and interview highlights.

Revision ID: voices_evidence_quotes
Revises: voices_answer_codes
Create Date: 2026-12-03 07:30:00

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "voices_evidence_quotes"
down_revision = "voices_answer_codes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.String(length=100), nullable=True),
        sa.Column("highlight_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("starred_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["study_id"], ["studies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["highlight_id"], ["interview_highlights.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["starred_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("study_id", "key", name="evidence_quote_once"),
    )
    op.create_index("ix_evidence_quotes_study_id", "evidence_quotes", ["study_id"])
    op.create_index("ix_evidence_quotes_response_id", "evidence_quotes", ["response_id"])
    op.create_index("ix_evidence_quotes_highlight_id", "evidence_quotes", ["highlight_id"])


def downgrade():
    op.drop_index("ix_evidence_quotes_highlight_id", table_name="evidence_quotes")
    op.drop_index("ix_evidence_quotes_response_id", table_name="evidence_quotes")
    op.drop_index("ix_evidence_quotes_study_id", table_name="evidence_quotes")
    op.drop_table("evidence_quotes")

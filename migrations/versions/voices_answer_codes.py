"""Codes on open answers (issue 23): the coding grid of a questionnaire's open questions.

Revision ID: voices_answer_codes
Revises: jobs_table
Create Date: 2026-12-03 07:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "voices_answer_codes"
down_revision = "jobs_table"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["interview_codes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "question_id", "code_id"),
    )
    op.create_index("ix_answer_codes_response_id", "answer_codes", ["response_id"])
    op.create_index("ix_answer_codes_code_id", "answer_codes", ["code_id"])


def downgrade():
    op.drop_index("ix_answer_codes_code_id", table_name="answer_codes")
    op.drop_index("ix_answer_codes_response_id", table_name="answer_codes")
    op.drop_table("answer_codes")

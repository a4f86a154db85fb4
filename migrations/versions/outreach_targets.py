"""Inviting directory segments (issue 28.2): outreach_targets (a segment invited to a
questionnaire, with its sample target), and on invitations the encrypted token of a personal
link, its reminders, and one link per person and questionnaire.

Revision ID: outreach_targets
Revises: protected_answers
Create Date: 2026-12-04 18:40:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "outreach_targets"
down_revision = "protected_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outreach_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=True),
        sa.Column("split_field", sa.String(length=30), server_default="", nullable=False),
        sa.Column(
            "split_targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_outreach_targets_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_outreach_targets_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_outreach_targets_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_outreach_targets_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_targets")),
        sa.UniqueConstraint("segment_id", "questionnaire_id", name="uq_outreach_targets_pair"),
    )
    with op.batch_alter_table("outreach_targets", schema=None) as batch_op:
        for column in ("study_id", "segment_id", "questionnaire_id"):
            batch_op.create_index(
                batch_op.f(f"ix_outreach_targets_{column}"), [column], unique=False
            )

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("reminder_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_unique_constraint(
            "uq_invitations_questionnaire_participant", ["questionnaire_id", "participant_id"]
        )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invitations_questionnaire_participant", type_="unique")
        batch_op.drop_column("reminder_count")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("token_secret")

    with op.batch_alter_table("outreach_targets", schema=None) as batch_op:
        for column in ("questionnaire_id", "segment_id", "study_id"):
            batch_op.drop_index(batch_op.f(f"ix_outreach_targets_{column}"))
    op.drop_table("outreach_targets")

"""Stored insights (issue 21.2): a scan per questionnaire and query, and the claims it kept,
each with its query and data version so it can be reopened with the same numbers.

Revision ID: insights_stored
Revises: shares_share_links
Create Date: 2026-12-03 06:00:00

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "insights_stored"
down_revision = "shares_share_links"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "insight_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("query_key", sa.String(length=16), nullable=False),
        sa.Column("query", JSON, nullable=False),
        sa.Column("data_version", sa.String(length=64), nullable=False),
        sa.Column("tested", sa.Integer(), nullable=False),
        sa.Column("weighted", sa.Boolean(), nullable=False),
        sa.Column("small", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_insight_scans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_insight_scans_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_scans")),
        sa.UniqueConstraint("questionnaire_id", "query_key", name="insight_scan_query"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_insight_scans_questionnaire_id"), "insight_scans", ["questionnaire_id"]
    )
    op.create_table(
        "insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("query", JSON, nullable=False),
        sa.Column("data_version", sa.String(length=64), nullable=False),
        sa.Column("claim", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_insights_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_insights_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["insight_scans.id"],
            name=op.f("fk_insights_scan_id_insight_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_insights_questionnaire_id"), "insights", ["questionnaire_id"])
    op.create_index(op.f("ix_insights_scan_id"), "insights", ["scan_id"])


def downgrade():
    op.drop_index(op.f("ix_insights_scan_id"), table_name="insights")
    op.drop_index(op.f("ix_insights_questionnaire_id"), table_name="insights")
    op.drop_table("insights")
    op.drop_index(op.f("ix_insight_scans_questionnaire_id"), table_name="insight_scans")
    op.drop_table("insight_scans")

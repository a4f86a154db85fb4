"""responses.paradata: how a response was given (page seconds, pasted answers), for the
quality checks (issue 20, build 6). Nullable: older responses and browsers without
JavaScript have none.

Revision ID: quality_paradata
Revises: raking_weighting_schemes
Create Date: 2026-12-02 22:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'quality_paradata'
down_revision = 'raking_weighting_schemes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'paradata',
                sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('paradata')

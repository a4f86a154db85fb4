"""Results: a questionnaire's weighting scheme (weighting_schemes), the target margins it is raked to

Revision ID: raking_weighting_schemes
Revises: firsthour_interviewer_unscored
Create Date: 2026-12-02 21:44:49.079651

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'raking_weighting_schemes'
down_revision = 'firsthour_interviewer_unscored'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('weighting_schemes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('margins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trim_low', sa.Double(), nullable=True),
    sa.Column('trim_high', sa.Double(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_weighting_schemes_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_weighting_schemes_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weighting_schemes')),
    sa.UniqueConstraint('questionnaire_id', name=op.f('uq_weighting_schemes_questionnaire_id'))
    )


def downgrade():
    op.drop_table('weighting_schemes')

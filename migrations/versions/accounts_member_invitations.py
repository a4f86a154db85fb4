"""Studies: pending invitations to an email address (member_invitations), accepted by the invitee

Revision ID: accounts_member_invitations
Revises: accounts_sessions
Create Date: 2026-12-02 19:46:49.050015

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'accounts_member_invitations'
down_revision = 'accounts_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('owner', 'researcher', 'viewer', name='invitation_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_member_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_member_invitations_study_id_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_invitations')),
    sa.UniqueConstraint('study_id', 'email', name='study_email')
    )
    with op.batch_alter_table('member_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_invitations_study_id'), ['study_id'], unique=False)



def downgrade():
    with op.batch_alter_table('member_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_invitations_study_id'))
        batch_op.drop_index(batch_op.f('ix_member_invitations_email'))

    op.drop_table('member_invitations')

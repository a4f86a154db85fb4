"""Accounts: one row per sign-in (login_sessions), per-account lockout counters, set-password links

Revision ID: accounts_sessions
Revises: respond_idempotency_scope
Create Date: 2026-12-02 19:21:23.246752

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'accounts_sessions'
down_revision = 'respond_idempotency_scope'
branch_labels = None
depends_on = None


def upgrade():
    # Sessions signed before this revision carry a user id, not a sign-in token: they no
    # longer load a user, so everyone signs in once more.
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        # Existing accounts start with no failures.
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('failed_logins_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('password_link_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('password_link_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_password_link_hash'), ['password_link_hash'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_password_link_hash'), type_='unique')
        batch_op.drop_column('password_link_expires_at')
        batch_op.drop_column('password_link_hash')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins_since')
        batch_op.drop_column('failed_logins')

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))

    op.drop_table('login_sessions')

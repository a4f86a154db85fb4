"""The product-manager role (产品经理): the role columns' CHECK constraints accept it.

Revision ID: needs_pm_role
Revises: needs_board
Create Date: 2026-12-03 06:45:00

"""

from alembic import op

revision = "needs_pm_role"
down_revision = "needs_board"
branch_labels = None
depends_on = None

# (table, constraint as the naming convention spells it)
COLUMNS = (
    ("memberships", "ck_memberships_membership_role"),
    ("member_invitations", "ck_member_invitations_invitation_role"),
)
OLD = "'owner', 'researcher', 'viewer'"
NEW = OLD + ", 'product_manager'"


def _replace(roles: str) -> None:
    for table, name in COLUMNS:
        with op.batch_alter_table(table, recreate="auto") as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), f"role IN ({roles})")


def upgrade():
    _replace(NEW)


def downgrade():
    op.execute("DELETE FROM memberships WHERE role = 'product_manager'")
    op.execute("DELETE FROM member_invitations WHERE role = 'product_manager'")
    _replace(OLD)

"""The participant directory's pages (issue 28.1): the blind index of a record's name for an
exact search, and an index on (organisation, updated_at) for the review of records not
updated for a chosen time.

Revision ID: directory_name_index
Revises: consent_notices
Create Date: 2026-12-04 18:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "directory_name_index"
down_revision = "consent_notices"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_index", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_participants_organisation_name", ["organisation_id", "name_index"], unique=False
        )
        batch_op.create_index(
            "ix_participants_organisation_updated", ["organisation_id", "updated_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_organisation_updated")
        batch_op.drop_index("ix_participants_organisation_name")
        batch_op.drop_column("name_index")

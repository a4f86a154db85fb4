"""Answers to questions flagged personal or sensitive, kept apart and encrypted (issue 28.3):
`responses.protected_answers` holds their JSON as a Fernet token (`app.personal_data`).

Revision ID: protected_answers
Revises: directory_name_index
Create Date: 2026-12-04 18:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "protected_answers"
down_revision = "directory_name_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("protected_answers", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("protected_answers")

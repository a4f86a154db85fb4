"""Jobs can be cancelled (issue 29, background jobs on RQ): the status CHECK accepts it.

Revision ID: jobs_cancelled
Revises: transcripts_source_header
Create Date: 2026-12-03 13:30:00

"""

from alembic import op

revision = "jobs_cancelled"
down_revision = "transcripts_source_header"
branch_labels = None
depends_on = None

OLD = "'queued', 'running', 'done', 'failed'"
NEW = OLD + ", 'cancelled'"


def _replace(statuses: str) -> None:
    with op.batch_alter_table("jobs", recreate="auto") as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_job_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_jobs_job_status"), f"status IN ({statuses})")


def upgrade():
    _replace(NEW)


def downgrade():
    op.execute("UPDATE jobs SET status = 'failed' WHERE status = 'cancelled'")
    _replace(OLD)

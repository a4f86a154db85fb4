"""interviewer turns carry no sentiment

Interviewers' questions were scored like answers, and labelled 正面/负面 beside the
transcript. They are no longer scored; this clears the scores already stored. A data change
only: no column changes. The scores come back (by re-scoring) if a speaker is later marked
as a participant.

Revision ID: firsthour_interviewer_unscored
Revises: accounts_member_invitations
"""

from alembic import op

revision = "firsthour_interviewer_unscored"
down_revision = 'accounts_member_invitations'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE interview_turns SET sentiment = NULL, sentiment_label = NULL "
        "WHERE is_interviewer"
    )


def downgrade():
    pass  # the cleared scores were wrong; nothing to restore

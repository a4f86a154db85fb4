"""A study's privacy rules for transcripts: whether originals may be kept, names always masked.

The rules are the study's, not each uploader's (issue 8, privacy): `services` applies them at
import, `exchange` at de-identified export.
"""

from app import audit
from app.extensions import db
from app.models import ImportStatus, Interview, Study
from app.models.interviews import InterviewPolicy


def policy_of(study: Study) -> InterviewPolicy:
    """The study's privacy rules; the defaults (keep no original, no names) when never set."""
    policy = db.session.get(InterviewPolicy, study.id)
    return policy or InterviewPolicy(study_id=study.id, keep_originals=False, mask_names=[])


def update_policy(study: Study, keep_originals: bool, mask_names: list[str]) -> int:
    """Set the study's rules; forbidding originals deletes those kept. Returns how many."""
    policy = db.session.get(InterviewPolicy, study.id)
    if policy is None:
        policy = InterviewPolicy(study_id=study.id, keep_originals=False, mask_names=[])
        db.session.add(policy)
    before = {"keep_originals": policy.keep_originals, "mask_names": list(policy.mask_names)}
    policy.keep_originals = keep_originals
    policy.mask_names = list(dict.fromkeys(n for n in mask_names if n))
    after = {"keep_originals": policy.keep_originals, "mask_names": list(policy.mask_names)}
    purged = 0
    if not keep_originals:
        kept = db.session.scalars(
            db.select(Interview).where(
                Interview.study_id == study.id,
                Interview.status == ImportStatus.SAVED,
                Interview.original.is_not(None),
            )
        ).all()
        for interview in kept:
            interview.original = None
        purged = len(kept)
    if before != after or purged:
        audit.record(
            "interview.policy",
            None,
            study_id=study.id,
            before=before,
            after=after,
            detail={"originals_deleted": purged},
        )
    db.session.commit()
    return purged

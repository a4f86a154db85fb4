"""A study's privacy rules for transcripts: whether originals may be kept, names always masked.

The rules are the study's, not each uploader's (issue 8, privacy): `services` applies them at
import, `exchange` at de-identified export. What of the file's text is kept beside the turns
is decided here too (`source_text_to_keep`, issue 25).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.transcripts import Turn as ParsedTurn
from analysis.transcripts.deidentify import PLACEHOLDERS
from analysis.transcripts.original import TurnPlace, locate_turns, mask_original
from app import audit
from app.extensions import db
from app.models import ImportStatus, Interview, Study
from app.models.interviews import InterviewPolicy

# `Interview.import_options["plain_text"]`: what the kept source text is.
MASKED = "masked"  # de-identified as the turns are
AS_WRITTEN = "as_written"  # the file's text unmasked: kept only beside the kept original file
_PLACEHOLDER = re.compile(
    "|".join([r"\[姓名\d*\]", *(re.escape(label) for label in PLACEHOLDERS.values())])
)


@dataclass(frozen=True)
class KeptText:
    """The source's text kept beside an uploaded transcript, and each turn's `[start, end)`
    in it; `text` None when nothing is kept."""

    text: str | None
    places: tuple[tuple[int, int], ...] = ()
    kind: str | None = None


def source_text_to_keep(
    source: str,
    turns: Sequence[ParsedTurn],
    *,
    names: Sequence[str],
    kinds: Sequence[str] | None,
    keep_original: bool,
    entities: bool = False,
) -> KeptText:
    """The file's text as decoded (a docx's as extracted), kept so an export writes it and
    every coding's offsets count in it (issue 25), under one rule: when the upload masks
    personal data (`kinds` not None) the kept text is masked in place, with the turns'
    placeholders, and the unmasked text is never stored; when it masks nothing, the text is
    kept only if the original file is (`keep_original`, which the study's policy allows).
    `turns` are the de-identified turns; a turn not found in the (masked) text keeps nothing,
    so no text is kept that masking the turns would have changed. `entities`: the turns have
    the file's character references decoded (a WebVTT file's, `DECODES_REFERENCES`)."""
    if kinds is not None:
        text = mask_original(source, names=names, kinds=kinds, entities=entities)
        kind = MASKED
    elif keep_original:
        text, kind = source, AS_WRITTEN
    else:
        return KeptText(None)
    text = text.replace("\x00", "\ufffd")  # PostgreSQL stores no NUL; one for one
    places = locate_turns(text, [turn.text for turn in turns], entities=entities)
    if places is None or (kind == MASKED and not _masked_where_turns_are(text, turns, places)):
        return KeptText(None)
    return KeptText(text, tuple((place.start, place.end) for place in places), kind)


def _masked_where_turns_are(
    text: str, turns: Sequence[ParsedTurn], places: Sequence[TurnPlace]
) -> bool:
    """Every placeholder of a turn stands at its place in the masked text."""
    for turn, place in zip(turns, places, strict=True):
        for found in _PLACEHOLDER.finditer(turn.text):
            start = place.to_original(found.start())
            if text[start : place.to_original(found.end(), end=True)] != found.group():
                return False
    return True


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
            forget_unmasked_text(interview)
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


def forget_unmasked_text(interview: Interview) -> None:
    """Drop the source's text kept unmasked once the original file it stood beside goes."""
    if interview.import_options.get("plain_text") == AS_WRITTEN:
        interview.plain_text = None
        interview.import_options = {**interview.import_options, "plain_text": None}

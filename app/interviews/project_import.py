"""REFI-QDA project (.qdpx) import: a preview of what comes in, then one transaction.

`analysis.qda.project_import` reads the archive into plain data (no database); this module
matches its codebook to the study's, and writes transcripts, turns, codes, highlights, memos
and notes together, or nothing. Texts come in as they are (no de-identification, which would
move the other tool's offsets): each source's text is kept byte for byte in
`Interview.plain_text`, and each turn remembers where it stands in it, so a re-export writes
the same file with the same offsets.
"""

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert

from analysis.qda.project_import import (
    DEFAULT_PROJECT_LIMITS,
    ImportedProject,
    ImportedSource,
    ImportWarning,
    WarningCode,
    read_qdpx,
)
from analysis.qda.refi import walk
from analysis.transcripts.labels import is_interviewer_label
from app import audit
from app.database import one_writer
from app.extensions import db
from app.interviews import codebook_merge, exchange, services, textmetrics
from app.models import (
    Code,
    Highlight,
    ImportStatus,
    Interview,
    InterviewKind,
    Study,
    StudyNote,
    Turn,
    User,
)
from app.models.types import utcnow

LIMITS = DEFAULT_PROJECT_LIMITS


@dataclass
class ProjectPreview:
    """What an import brings: counts for the page, and the warnings, each to be shown."""

    project: ImportedProject
    new_codes: int
    matched_codes: int
    warnings: list[ImportWarning] = field(default_factory=list)

    @property
    def sources(self) -> int:
        return len(self.project.sources)

    @property
    def codings(self) -> int:
        return self.project.coding_count

    @property
    def memos(self) -> int:
        """Coding memos, transcript memos and code memos that come in."""
        project = self.project
        codings = {(s.guid, c.memo) for s in project.sources for c in s.codings if c.memo}
        return (
            len(codings)
            + sum(1 for s in project.sources if s.memo)
            + sum(1 for _, code in walk(project.codes) if code.memo)
        )


def preview_project(
    study: Study, data: bytes
) -> tuple[ProjectPreview, codebook_merge.CodebookPlan]:
    """Read the archive and match its codes, writing nothing. Raises `QdaError`."""
    project = read_qdpx(data, LIMITS)
    plan = codebook_merge.plan_codebook(study, project.codes)
    preview = ProjectPreview(
        project=project,
        new_codes=len(plan.new),
        matched_codes=project.code_count() - len(plan.new),
        warnings=list(project.warnings),
    )
    imported = exchange.imported_sources(study)
    preview.warnings.extend(
        ImportWarning(WarningCode.ALREADY_IMPORTED, source.name)
        for source in project.sources
        if source.guid in imported
    )
    return preview, plan


def import_project(study: Study, user: User, data: bytes) -> ProjectPreview:
    """Import everything the preview lists, in one transaction: all of it or, on any error,
    nothing. Codings are recorded as the importing researcher's (the file's coders are named
    in the audit event and the preview)."""
    preview, plan = preview_project(study, data)
    project = preview.project
    interviews: list[tuple[Interview, list[dict[str, Any]]]] = []
    for source in project.sources:
        speakers = {p.speaker for p in source.paragraphs if p.speaker}
        interview = Interview(
            study_id=study.id,
            title=source.name.strip()[:200] or "transcript",
            participant_label=source.case_name.strip()[:100],
            attributes=dict(source.attributes),
            kind=InterviewKind.FOCUS_GROUP if len(speakers) > 3 else InterviewKind.INTERVIEW,
            status=ImportStatus.SAVED,
            memo=source.memo,
            source_filename=source.name[:255],
            source_format="qdpx",
            source_encoding="utf-8",
            plain_text=source.text,
            import_options={"refi_guid": source.guid, "origin": project.origin},
            created_by_id=user.id,
        )
        turns: list[dict[str, Any]] = [
            {
                "seq": seq,
                "speaker": paragraph.speaker[:100],
                "is_interviewer": bool(paragraph.speaker)
                and is_interviewer_label(paragraph.speaker),
                "text": paragraph.text.text,
                "plain_start": paragraph.text_start,
                "plain_end": paragraph.end,
                "sentiment": None,
                "sentiment_label": None,
            }
            for seq, paragraph in enumerate(source.paragraphs, start=1)
        ]
        interview.keywords = textmetrics.keywords_of(
            [t["text"] for t in turns if not t["is_interviewer"]]
        )
        interviews.append((interview, turns))
    # The slow part (segmentation, sentiment) before the write, which holds the lock.
    _score([turn for _, turns in interviews for turn in turns], study)
    with one_writer(db.session.get_bind()):
        try:
            _write(study, user, project, preview, plan, interviews)
        except Exception:
            db.session.rollback()  # all or nothing: no code, transcript or note is left
            raise
    return preview


def _score(turns: list[dict[str, Any]], study: Study) -> None:
    """Sentiment of the participants' turns, with the model adapted to the study's turns and
    these (as `services.score_turns` does for a saved upload), before the write."""
    spoken = [turn for turn in turns if not turn["is_interviewer"]]
    texts = [turn["text"] for turn in spoken]
    if not texts:
        return
    domain = services.participant_texts(study.id) + texts
    for turn, (score, label) in zip(
        spoken, textmetrics.sentiment_of(texts, domain=domain), strict=True
    ):
        turn["sentiment"], turn["sentiment_label"] = score, label


def _write(
    study: Study,
    user: User,
    project: ImportedProject,
    preview: ProjectPreview,
    plan: codebook_merge.CodebookPlan,
    interviews: list[tuple[Interview, list[dict[str, Any]]]],
) -> None:
    """Every row of the import, then one commit: codes and transcripts through the session,
    turns and highlights as bulk INSERTs (a tenth of the time, and the lock is held)."""
    codebook_merge.add_planned_codes(study, plan)
    db.session.add_all(interview for interview, _ in interviews)
    db.session.flush()
    highlights = 0
    for (interview, turns), source in zip(interviews, project.sources, strict=True):
        # The table's INSERT, not the ORM's: that one splits an executemany wherever a value
        # turns None (an interviewer's sentiment), one statement per turn.
        rows = [{"interview_id": interview.id, **turn} for turn in turns]
        db.session.execute(insert(cast(Table, Turn.__table__)), rows)
        ids = dict(  # seq → id: an executemany gives no ids back, a RETURNING per row is slow
            db.session.execute(
                db.select(Turn.seq, Turn.id).where(Turn.interview_id == interview.id)
            ).all()
        )
        for turn in turns:
            turn["id"] = ids[turn["seq"]]
        highlights += _insert_highlights(source, turns, plan.by_guid, user)
        audit.record(
            "interview.import",
            interview,
            study_id=study.id,
            after={
                **audit.snapshot(interview, services.INTERVIEW_FIELDS),
                "filename": interview.source_filename,
                "format": "qdpx",
                "turns": len(turns),
                "speakers": list(dict.fromkeys(t["speaker"] for t in turns)),
            },
        )
    for note in project.notes:
        db.session.add(
            StudyNote(
                study_id=study.id,
                title=note.name.strip()[:200],
                text=note.text,
                refi_guid=note.guid,
                created_by_id=user.id,
                created_at=note.created_at or utcnow(),
            )
        )
    audit.record(
        "project.import",
        None,
        study_id=study.id,
        detail={
            "project": project.name,
            "origin": project.origin,
            "transcripts": len(interviews),
            "codes_added": len(plan.new),
            "highlights": highlights,
            "notes": len(project.notes),
            "coders": project.coders,
            "warnings": [w.code.value for w in preview.warnings],
        },
    )
    db.session.commit()


def _insert_highlights(
    source: ImportedSource, turns: list[dict[str, Any]], codes: dict[str, Code], user: User
) -> int:
    """One bulk INSERT of a source's codings; the same code on the same span once, its memos
    joined."""
    rows: dict[tuple[int, int, int, int], dict] = {}
    for coding in source.codings:
        turn = turns[coding.paragraph]
        code = codes[coding.code_guid]
        key = (turn["id"], code.id, coding.start, coding.end)
        row = rows.get(key)
        if row is None:
            rows[key] = {
                "turn_id": turn["id"],
                "code_id": code.id,
                "coder_id": user.id,
                "start": coding.start,
                "end": coding.end,
                "snippet": turn["text"][coding.start : coding.end],
                "memo": coding.memo,
                "needs_review": False,
                "created_at": coding.created_at or utcnow(),
            }
        elif coding.memo and coding.memo not in row["memo"]:
            row["memo"] = "\n\n".join(m for m in (row["memo"], coding.memo) if m)
    if rows:
        db.session.execute(insert(Highlight), list(rows.values()))
    return len(rows)

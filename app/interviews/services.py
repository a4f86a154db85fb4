# Over 400 lines: upload, preview and save share their parsing and locking helpers.
"""Transcript import (upload → preview → save), interview details and participant attributes.

Parsing and de-identification are `analysis.transcripts`; this module keeps the state in the
database and audits every change that matters to research in the same transaction. An upload
parses every file first (`parse_upload`, no database) and only then writes, in one short
transaction: the parse of a large file never holds SQLite's write lock (issue 30.2).
"""

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, insert, update

from analysis.transcripts import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_BYTES,
    ErrorCode,
    HeaderLine,
    Relabel,
    TranscriptError,
    deidentify,
    deidentify_header,
    deidentify_turns,
    parse_transcript,
    without_controls,
)
from analysis.transcripts import Turn as ParsedTurn
from analysis.transcripts.original import DECODES_REFERENCES
from app import audit
from app.database import one_writer
from app.extensions import db
from app.interviews import textmetrics
from app.interviews.privacy import forget_unmasked_text, policy_of, source_text_to_keep
from app.models import (
    ConsentStatus,
    ImportStatus,
    Interview,
    InterviewKind,
    Study,
    Turn,
    User,
)
from app.models.types import utcnow

MAX_FILES = 50
PREVIEW_ORIGINAL_KEPT_FOR = timedelta(days=1)
MAX_BYTES = DEFAULT_MAX_BYTES
LIMITS = DEFAULT_LIMITS  # text length, turns, docx unpacking: analysis/transcripts/limits.py
MASK_KINDS = ("email", "id_card", "phone", "landline")
INTERVIEW_FIELDS = ("title", "participant_label", "kind", "held_on", "consent", "memo")
# Set as given, None included (the researcher may clear them).
CONSENT_RECORD = ("consent_notice_id", "consent_given_on")


@dataclass
class ImportOptions:
    encoding: str | None = None  # None: detect
    kind: InterviewKind = InterviewKind.INTERVIEW
    mask: bool = True  # phone numbers, ID-card numbers, emails
    names: list[str] = field(default_factory=list)  # names to mask as well
    keep_original: bool = False
    # Labels the researcher said in the preview are not speakers (as shown there, so
    # de-identified): their lines join the turn before, or are header lines.
    text_labels: list[str] = field(default_factory=list)
    header_labels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "kind": self.kind.value,
            "mask": self.mask,
            "names": self.names,
            "keep_original": self.keep_original,
            "text_labels": self.text_labels,
            "header_labels": self.header_labels,
        }


@dataclass(frozen=True)
class ParsedUpload:
    """One file as `parse_upload` returns it: de-identified turns, title and file name."""

    filename: str
    title: str
    turns: list[ParsedTurn]
    meta: dict[str, Any]


@dataclass(frozen=True)
class ImportFailure:
    """A file of an upload that was not read, with the problem (translated by `app.problems`)."""

    filename: str
    problem: TranscriptError

    @property
    def code(self) -> str:
        return self.problem.code.slug


class InterviewError(ValueError):
    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def saved_interviews(study: Study) -> list[Interview]:
    return list(
        db.session.scalars(
            db.select(Interview)
            .where(Interview.study_id == study.id, Interview.status == ImportStatus.SAVED)
            .order_by(Interview.held_on.desc(), Interview.id.desc())
        )
    )


def pending_previews(study: Study) -> list[Interview]:
    return list(
        db.session.scalars(
            db.select(Interview)
            .where(Interview.study_id == study.id, Interview.status == ImportStatus.PREVIEW)
            .order_by(Interview.id)
        )
    )


def split_names(text: str | None) -> list[str]:
    """Names typed one per line or separated by commas (either width) or 、；."""
    return [n.strip()[:50] for n in re.split(r"[\n,，、;；]", text or "") if n.strip()]


def upload_transcripts(
    study: Study,
    user: User,
    files: list[tuple[str, bytes]],
    options: ImportOptions,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Interview], list[ImportFailure]]:
    """Parse each file into a preview; a file that cannot be read is reported, not fatal.

    The study's names to mask are added to the upload's; keeping the original is honoured
    only when the study allows it. Files past `MAX_FILES` are reported, not read. *progress*
    hears the percentage of files parsed (a job's progress bar).
    """
    policy = policy_of(study)
    options = replace(
        options,
        names=list(dict.fromkeys([*options.names, *policy.mask_names])),
        keep_original=options.keep_original and policy.keep_originals,
    )
    parsed, failures = [], []
    for done, (filename, data) in enumerate(files[:MAX_FILES], start=1):
        try:
            parsed.append((parse_upload(data, filename, options), data))
        except TranscriptError as error:
            failures.append(ImportFailure(filename, error))
        if progress is not None:
            progress(done * 95 // min(len(files), MAX_FILES))
    for filename, _data in files[MAX_FILES:]:
        failures.append(
            ImportFailure(filename, TranscriptError(ErrorCode.TOO_MANY_FILES, limit=MAX_FILES))
        )
    # Everything is parsed: now one short write, taking its turn with respondents' writes.
    created = []
    with one_writer(db.engine):
        if not policy.keep_originals:
            _forget_stale_originals(study)
        for upload, data in parsed:
            interview = Interview(
                study_id=study.id,
                title=upload.title,
                kind=options.kind,
                status=ImportStatus.PREVIEW,
                source_filename=upload.filename,
                original=data,
                created_by_id=user.id,
                import_options=options.to_dict(),
            )
            _fill(interview, upload.turns, upload.meta)
            db.session.add(interview)
            created.append(interview)
        db.session.flush()
        for interview, (upload, _data) in zip(created, parsed, strict=True):
            _insert_turns(interview, upload.turns, upload.meta)
            audit.record(
                "interview.upload",
                interview,
                study_id=study.id,
                detail={
                    "filename": upload.filename,
                    "format": upload.meta["format"],
                    "turns": len(upload.turns),
                },
            )
        db.session.commit()
    return created, failures


def _title_from(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return stem or filename or "transcript"


def parse_upload(data: bytes, filename: str, options: ImportOptions) -> ParsedUpload:
    """Parse and de-identify one uploaded file: plain data in and out, no database.

    The long part of an import, kept apart so that no write lock is held while it runs; it
    is what a job would run once imports go through the job interface. The title (the file
    name's stem by default) and the file name are masked like the text, or a name masked in
    the transcript would come back in the list, quotes and exports (issue 27.4); they lose
    their control characters as the text does.
    """
    masking = options.mask or bool(options.names)
    kinds = (*MASK_KINDS, "name") if options.mask else ("name",)

    @functools.cache
    def shown(label: str) -> str:  # a label as the preview shows it
        return deidentify(label, names=options.names, kinds=kinds).text if masking else label

    relabel = Relabel(options.text_labels, options.header_labels, alias=shown)
    transcript = parse_transcript(
        data,
        filename,
        encoding=options.encoding or None,
        max_bytes=MAX_BYTES,
        limits=LIMITS,
        relabel=relabel,
    )
    turns = list(transcript.turns)
    header = list(transcript.header)
    filename = without_controls(filename)
    title = _title_from(filename)
    redactions = 0
    if masking:
        result = deidentify_turns(turns, names=options.names, kinds=kinds)
        header, in_header = deidentify_header(header, names=options.names, kinds=kinds)
        turns, redactions = result.turns, len(result.redactions) + in_header
        filename = deidentify(filename, names=options.names, kinds=kinds).text
        title = deidentify(title, names=options.names, kinds=kinds).text
    kept = source_text_to_keep(
        transcript.source_text,
        turns,
        names=options.names,
        kinds=kinds if masking else None,
        keep_original=options.keep_original,
        entities=transcript.format in DECODES_REFERENCES,
    )
    meta = {
        "format": transcript.format,
        "encoding": transcript.encoding,
        "interviewer": transcript.suggested_interviewer,
        "warnings": [w.to_dict() for w in transcript.warnings],
        "redactions": redactions,
        "header": [{"key": h.key, "value": h.value} for h in header],
        "held_on": _date_in(header),
        "kept": kept,
    }
    return ParsedUpload(filename[:255], title[:200], turns, meta)


_DATE = re.compile(r"((?:19|20)\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


def _date_in(header: list[HeaderLine]) -> date | None:
    """The date a header line gives (时间：2024年5月12日 14:00, 访谈日期：2024-05-12), for the
    interview's date when the researcher has not entered one."""
    for line in header:
        key = "".join(line.key.split()).lower()  # 时 间, spaced out to align
        if any(word in key for word in ("时间", "日期", "date", "time")):
            found = _DATE.search(line.value)
            if found:
                try:
                    return date(*(int(part) for part in found.groups()))
                except ValueError:
                    continue
    return None


def _fill(interview: Interview, turns: list[ParsedTurn], meta: dict[str, Any]) -> None:
    """The interview's import details; its turns are written by `_insert_turns`."""
    interview.source_format = meta["format"]
    interview.source_encoding = meta["encoding"]
    interview.import_options = {
        **interview.import_options,
        "warnings": meta["warnings"],
        "redactions": meta["redactions"],
        "plain_text": meta["kept"].kind,
    }
    interview.source_header = meta["header"]
    interview.plain_text = meta["kept"].text
    if interview.held_on is None:
        interview.held_on = meta["held_on"]
    # The kind chosen at upload, a focus group if it has more than three speakers: after the
    # preview's corrections, the speakers that are left.
    if "kind" in interview.import_options:
        interview.kind = InterviewKind(interview.import_options["kind"])
    speakers = {t.speaker for t in turns if t.speaker}
    if len(speakers) > 3 and interview.kind == InterviewKind.INTERVIEW:
        interview.kind = InterviewKind.FOCUS_GROUP


def _insert_turns(interview: Interview, turns: list[ParsedTurn], meta: dict[str, Any]) -> None:
    """One bulk INSERT (an executemany) of a flushed interview's turns: a tenth of the time
    the unit of work takes for 20,000 of them, and the write holds the lock meanwhile."""
    db.session.execute(
        insert(Turn),
        [
            {
                "interview_id": interview.id,
                "seq": seq,
                "speaker": turn.speaker[:100],
                "is_interviewer": bool(meta["interviewer"]) and turn.speaker == meta["interviewer"],
                "text": turn.text,
                "start_s": turn.start,
                "end_s": turn.end,
                "plain_start": place[0] if place else None,
                "plain_end": place[1] if place else None,
            }
            for seq, (turn, place) in enumerate(
                itertools.zip_longest(turns, meta["kept"].places), start=1
            )
        ],
    )
    db.session.expire(interview, ["turns"])


def speaker_counts(interview: Interview) -> list[tuple[str, int, bool]]:
    """(speaker, number of turns, is interviewer) in order of first appearance."""
    counts: dict[str, list] = {}
    for turn in interview.turns:
        entry = counts.setdefault(turn.speaker, [0, False])
        entry[0] += 1
        entry[1] = entry[1] or turn.is_interviewer
    return [(speaker, n, flag) for speaker, (n, flag) in counts.items()]


@dataclass(frozen=True)
class LabelUses:
    """The preview's corrections of what the parser took for speakers: labels to read as text
    or as header lines, and labels given back to the parser's rules."""

    as_text: tuple[str, ...] = ()
    as_header: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.as_text or self.as_header or self.restored)


def not_speakers(interview: Interview) -> list[tuple[str, str]]:
    """(label, "text" or "header") the researcher has said are not speakers, for the preview."""
    stored = interview.import_options
    return [(label, "text") for label in stored.get("text_labels", [])] + [
        (label, "header") for label in stored.get("header_labels", [])
    ]


def can_reread(interview: Interview) -> bool:
    return interview.status is ImportStatus.PREVIEW and interview.original is not None


def reread(interview: Interview, encoding: str | None, uses: LabelUses | None = None) -> None:
    """Parse the kept upload again with another encoding (the researcher's override) and the
    preview's corrections of speakers, added to those made before."""
    if interview.status is not ImportStatus.PREVIEW:
        raise InterviewError("not_in_preview")
    original = interview.original
    if original is None:
        raise InterviewError("original_gone")
    uses = uses or LabelUses()
    stored = interview.import_options

    def kept(key: str, added: tuple[str, ...], other: tuple[str, ...]) -> list[str]:
        gone = {*uses.restored, *other}
        labels = [label for label in stored.get(key, []) if label not in gone]
        return list(dict.fromkeys([*labels, *added]))

    options = ImportOptions(
        encoding=encoding,
        kind=InterviewKind(stored.get("kind", interview.kind)),
        mask=stored.get("mask", True),
        names=stored.get("names", []),
        keep_original=stored.get("keep_original", False),
        text_labels=kept("text_labels", uses.as_text, uses.as_header),
        header_labels=kept("header_labels", uses.as_header, uses.as_text),
    )
    upload = parse_upload(original, interview.source_filename, options)
    with one_writer(db.engine):  # parsed: now the short write, as in `upload_transcripts`
        db.session.execute(delete(Turn).where(Turn.interview_id == interview.id))
        _fill(interview, upload.turns, upload.meta)
        _insert_turns(interview, upload.turns, upload.meta)
        interview.import_options = {
            **interview.import_options,
            "encoding": encoding,
            "text_labels": options.text_labels,
            "header_labels": options.header_labels,
        }
        db.session.commit()


def apply_speakers(interview: Interview, renames: dict[str, str], interviewers: set[str]) -> None:
    """Rename speakers (two old names given one new name are merged) and mark interviewers.

    `interviewers` holds old names. Applies to a preview or a saved transcript alike.
    """
    before = speaker_counts(interview)
    changed_role = []
    for turn in interview.turns:
        old = turn.speaker
        if turn.is_interviewer != (old in interviewers):
            turn.is_interviewer = old in interviewers
            changed_role.append(turn)
        turn.speaker = (renames.get(old, old) or old).strip()[:100]
    after = speaker_counts(interview)
    if interview.status is ImportStatus.SAVED:
        score_turns(changed_role)
    if interview.status is ImportStatus.SAVED and before != after:
        audit.record(
            "interview.speakers",
            interview,
            study_id=interview.study_id,
            before={"speakers": [[s, n, i] for s, n, i in before]},
            after={"speakers": [[s, n, i] for s, n, i in after]},
        )


def save_preview(
    interview: Interview, fields: dict[str, Any], renames: dict[str, str], interviewers: set[str]
) -> None:
    """Confirm an import: speakers as set in the preview, scores computed, audit written."""
    if interview.status is not ImportStatus.PREVIEW:
        raise InterviewError("not_in_preview")
    apply_speakers(interview, renames, interviewers)
    _set_fields(interview, fields)
    score_turns(interview.turns)
    interview.keywords = textmetrics.keywords_of(
        [t.text for t in interview.turns if not t.is_interviewer]
    )
    if not (
        interview.import_options.get("keep_original")
        and policy_of(db.session.get_one(Study, interview.study_id)).keep_originals
    ):
        interview.original = None
        forget_unmasked_text(interview)
    interview.status = ImportStatus.SAVED
    audit.record(
        "interview.import",
        interview,
        study_id=interview.study_id,
        after={
            **audit.snapshot(interview, INTERVIEW_FIELDS),
            "filename": interview.source_filename,
            "encoding": interview.source_encoding,
            "turns": len(interview.turns),
            "speakers": interview.speakers,
            "header_lines": len(interview.source_header),
            "redactions": interview.import_options.get("redactions", 0),
            "original_kept": interview.original is not None,
        },
    )
    db.session.commit()


def score_turns(turns: list[Turn]) -> None:
    """Score the participants' turns with the model adapted to their study's participant
    turns (:func:`participant_texts`, these included); an interviewer's questions get no
    sentiment, which would only describe how a question was worded."""
    for turn in turns:
        if turn.is_interviewer:
            turn.sentiment = turn.sentiment_label = None
    spoken = [t for t in turns if not t.is_interviewer]
    if not spoken:
        return
    domain = participant_texts(spoken[0].interview.study_id, spoken)
    scores = textmetrics.sentiment_of([t.text for t in spoken], domain=domain)
    for turn, (score, label) in zip(spoken, scores, strict=True):
        turn.sentiment, turn.sentiment_label = score, label


def participant_texts(study_id: int, turns: Sequence[Turn] = ()) -> list[str]:
    """The participants' turns of a study's saved interviews, with ``turns`` (a preview being
    saved, an edited turn) as they are now: what the study's sentiment model adapts to."""
    rows = db.session.execute(
        db.select(Turn.id, Turn.text)
        .join(Interview, Interview.id == Turn.interview_id)
        .where(
            Interview.study_id == study_id,
            Interview.status == ImportStatus.SAVED,
            Turn.is_interviewer.is_(False),
        )
    )
    texts: dict[int, str] = dict(rows.all())
    texts.update((t.id, t.text) for t in turns if not t.is_interviewer)
    return [texts[key] for key in sorted(texts)]


def _forget_stale_originals(study: Study) -> None:
    """Drop the uploaded bytes of previews left unsaved for a day.

    A preview keeps them so the researcher can re-read the file in another encoding; a study
    that keeps no originals should not hold them for an upload nobody finished.
    """
    cutoff = utcnow() - PREVIEW_ORIGINAL_KEPT_FOR
    db.session.execute(
        update(Interview)
        .where(
            Interview.study_id == study.id,
            Interview.status == ImportStatus.PREVIEW,
            Interview.created_at < cutoff,
            Interview.original.is_not(None),
        )
        .values(original=None)
        .execution_options(synchronize_session=False)
    )


def discard_preview(interview: Interview) -> None:
    if interview.status is not ImportStatus.PREVIEW:
        raise InterviewError("not_in_preview")
    audit.record(
        "interview.discard",
        interview,
        study_id=interview.study_id,
        detail={"filename": interview.source_filename},
    )
    db.session.delete(interview)
    db.session.commit()


def delete_interview(interview: Interview) -> None:
    audit.record(
        "interview.delete",
        interview,
        study_id=interview.study_id,
        before={
            **audit.snapshot(interview, INTERVIEW_FIELDS),
            "turns": len(interview.turns),
            "highlights": sum(len(t.highlights) for t in interview.turns),
        },
    )
    db.session.delete(interview)
    db.session.commit()


def _set_fields(interview: Interview, fields: dict[str, Any]) -> None:
    for name in INTERVIEW_FIELDS:
        if name in fields and fields[name] is not None:
            value = fields[name]
            if name == "kind":
                value = InterviewKind(value)
            elif name == "consent":
                value = ConsentStatus(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(interview, name, value)
    for name in ("held_on", *CONSENT_RECORD):
        if name in fields:
            setattr(interview, name, fields[name])
    if "attributes" in fields and fields["attributes"] is not None:
        interview.attributes = dict(fields["attributes"])


def update_interview(interview: Interview, fields: dict[str, Any]) -> bool:
    tracked = (*INTERVIEW_FIELDS, *CONSENT_RECORD, "attributes")
    before = audit.snapshot(interview, tracked)
    _set_fields(interview, fields)
    if not audit.record_changes(
        "interview.update", interview, before, tracked, study_id=interview.study_id
    ):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def parse_attributes(text: str) -> dict[str, str]:
    """`key=value` (or `key: value`, `key：value`) per line → dict; blank lines ignored."""
    attributes: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        for separator in ("=", "：", ":"):
            if separator in line:
                key, value = line.split(separator, 1)
                break
        else:
            raise InterviewError("bad_attribute_line", line=line)
        if key.strip():
            attributes[key.strip()[:50]] = value.strip()[:200]
    return attributes


def format_attributes(attributes: dict[str, Any]) -> str:
    return "\n".join(f"{key}={value}" for key, value in attributes.items())


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None

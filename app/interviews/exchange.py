"""Exchange: REFI-QDA codebook (.qdc) and project (.qdpx), quotes as CSV and XLSX."""

import csv
import io

from analysis.qda import (
    QdaCase,
    QdaCode,
    QdaError,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    read_codebook,
    stable_guid,
    write_codebook,
    write_qdpx,
    xml_safe,
)
from analysis.qda.plaintext import NormalisedText, normalise
from analysis.transcripts import Redaction, deidentify, masked_position
from analysis.transcripts.original import DECODES_REFERENCES, TurnPlace, locate_turn
from app import audit
from app.database import one_writer
from app.extensions import db
from app.interviews import codebook_merge, coding, privacy, reports, services
from app.models import Code, Interview, Study, StudyNote
from app.results.exports import neutralise_cell

QUOTE_COLUMNS = (
    "interview",
    "participant",
    "speaker",
    "code",
    "code_path",
    "quote",
    "memo",
    "coder",
    "start_s",
    "turn_seq",
    "start",
    "end",
)


def code_guid(code: Code) -> str:
    return code.refi_guid or stable_guid("code", code.study_id, code.id)


def _qda_codes(study: Study) -> list[QdaCode]:
    nodes: dict[int, QdaCode] = {}
    roots: list[QdaCode] = []
    for code, _ in coding.code_tree(study):
        node = QdaCode(
            guid=code_guid(code),
            name=code.name,
            description="\n\n".join(p for p in (code.description, code.examples) if p),
            colour=code.colour_hex,
            memo=code.memo,
        )
        nodes[code.id] = node
        (nodes[code.parent_id].children if code.parent_id else roots).append(node)
    return roots


def codebook_qdc(study: Study) -> bytes:
    return write_codebook(_qda_codes(study))


def _original_places(interview: Interview) -> dict[int, NormalisedText | TurnPlace] | None:
    """Each turn's map into the interview's `plain_text` (a REFI-QDA source, or an uploaded
    file's text, kept as it came), or None when there is none or a turn is no longer found
    in its span of it."""
    if interview.plain_text is None:
        return None
    places: dict[int, NormalisedText | TurnPlace] = {}
    entities = interview.source_format in DECODES_REFERENCES
    for turn in interview.turns:
        if turn.plain_start is None or turn.plain_end is None:
            return None
        span = interview.plain_text[turn.plain_start : turn.plain_end]
        mapped = normalise(span)
        # A REFI-QDA paragraph is the turn as it came; an upload's turn has its lines, with
        # CRLF, blank lines or markup between them, found one by one.
        place: NormalisedText | TurnPlace | None = mapped
        if mapped.text != turn.text:
            place = locate_turn(span, turn.text, entities=entities)
        if place is None:
            return None
        places[turn.id] = place
    return places


def import_qdc(study: Study, data: bytes) -> int:
    """Add the codes of a .qdc codebook; codes already present (same name and parent) are kept,
    and so is the first of two siblings with the same name in the file.

    Raises `QdaError` for a file that is not a REFI-QDA codebook (`QdaTooLarge` past its
    bounds). The file is read and the new codes planned before anything is written; then one
    short write adds them (on SQLite queued with the respondents' submits, `one_writer`), so
    an import never holds the database's write lock for longer than its inserts.
    """
    plan = codebook_merge.plan_codebook(study, read_codebook(data))
    with one_writer(db.session.get_bind()):
        codebook_merge.add_planned_codes(study, plan)
        audit.record(
            "codebook.import", None, study_id=study.id, detail={"codes_added": len(plan.new)}
        )
        db.session.commit()
    return len(plan.new)


class Masker:
    """De-identification at export: phone numbers, ID-card numbers, emails and the names the
    study always masks. Turns are masked whole and coded spans mapped onto the masked text, so
    a quote that starts inside a name still shows the placeholder, not half the name."""

    def __init__(self, names: list[str]):
        self.names = names

    def text(self, value: str) -> str:
        return deidentify(value, names=self.names).text if value else value

    def turn(self, text: str) -> tuple[str, tuple[Redaction, ...]]:
        result = deidentify(text, names=self.names)
        return result.text, result.redactions

    def span(self, text: str, start: int, end: int) -> str:
        masked, redactions = self.turn(text)
        return masked[
            masked_position(redactions, start) : masked_position(redactions, end, end=True)
        ]


def masker_for(study: Study, deidentified: bool) -> Masker | None:
    return Masker(privacy.policy_of(study).mask_names) if deidentified else None


def _source_text(
    interview: Interview, masker: Masker | None = None
) -> tuple[str, dict[int, int], dict[int, tuple[Redaction, ...]]]:
    """The transcript as plain text, "speaker：text" per turn; each turn's text offset in it,
    and (when masked) each turn's redactions, to map highlight offsets onto the masked text."""
    parts, offsets, redactions, position = [], {}, {}, 0
    for turn in interview.turns:
        speaker, text = turn.speaker, turn.text
        if masker is not None:
            speaker = masker.text(speaker)
            text, redactions[turn.id] = masker.turn(text)
        prefix = f"{speaker}：" if speaker else ""
        offsets[turn.id] = position + len(prefix)
        line = prefix + text + "\n\n"
        parts.append(line)
        position += len(line)
    return "".join(parts), offsets, redactions


def imported_sources(study: Study) -> dict[str, int]:
    """The GUIDs of REFI-QDA sources the study's transcripts came from, with how many."""
    found: dict[str, int] = {}
    for interview in services.saved_interviews(study):
        guid = interview.import_options.get("refi_guid")
        if guid:
            found[guid] = found.get(guid, 0) + 1
    return found


def project_qdpx(study: Study, *, deidentified: bool = False) -> bytes:
    """The whole project as REFI-QDA; `deidentified` masks transcripts, titles, participant
    labels and memos (phones, ID-card numbers, emails, the study's names)."""
    masker = masker_for(study, deidentified)
    mask = masker.text if masker is not None else (lambda value: value)
    interviews = services.saved_interviews(study)
    imported = imported_sources(study)
    users: dict[int, QdaUser] = {}
    sources: list[QdaSource] = []
    cases: dict[str, QdaCase] = {}
    for interview in sorted(interviews, key=lambda i: i.id):
        places = _original_places(interview) if masker is None else None
        if places is not None:
            text = interview.plain_text or ""
            offsets = {turn.id: turn.plain_start or 0 for turn in interview.turns}
            redactions: dict[int, tuple[Redaction, ...]] = {}
        else:
            text, offsets, redactions = _source_text(interview, masker)
        guid = interview.import_options.get("refi_guid")
        source = QdaSource(  # the other tool's GUID while only one transcript has it
            guid=guid
            if guid and imported.get(guid) == 1
            else stable_guid("source", study.id, interview.id),
            name=mask(interview.title),
            text=text,
            description=mask(interview.memo),
            verbatim=places is not None,
            created_at=interview.created_at,
        )
        for turn in interview.turns:
            spans: dict[tuple[int, int, int], list] = {}
            for highlight in sorted(turn.highlights, key=lambda h: (h.start, h.id)):
                coder = highlight.coder
                users.setdefault(coder.id, QdaUser(stable_guid("user", coder.id), coder.name))
                spans.setdefault((highlight.coder_id, highlight.start, highlight.end), []).append(
                    highlight
                )
            for (coder_id, start, end), group in spans.items():
                base = offsets[turn.id]
                if masker is not None:
                    start = masked_position(redactions[turn.id], start)
                    end = masked_position(redactions[turn.id], end, end=True)
                elif places is not None:  # offsets into the original, not the NFC turn
                    start = places[turn.id].to_original(start)
                    end = max(places[turn.id].to_original(end, end=True), start)
                source.selections.append(
                    QdaSelection(
                        guid=stable_guid("selection", study.id, group[0].id),
                        start=base + start,
                        end=base + end,
                        code_guids=tuple(code_guid(h.code) for h in group),
                        user_guid=users[coder_id].guid,
                        memo=mask("\n".join(h.memo for h in group if h.memo)),
                        created_at=group[0].created_at,
                    )
                )
        sources.append(source)
        label = mask(interview.participant_label or interview.title)
        case = cases.setdefault(
            label, QdaCase(guid=stable_guid("case", study.id, label), name=label)
        )
        case.values.update({k: str(v) for k, v in interview.attributes.items()})
        case.source_guids.append(source.guid)
    codes = _qda_codes(study)
    if not codes:
        raise QdaError("the codebook is empty")
    project = QdaProject(
        name=study.title,
        codes=codes,
        sources=sources,
        users=list(users.values()),
        cases=list(cases.values()),
        description=study.goal,
        created_at=study.created_at,
        notes=[
            QdaNote(
                note.refi_guid or stable_guid("study-note", study.id, note.id),
                mask(note.title),
                mask(note.text),
                note.created_at,
            )
            for note in study_notes(study)
        ],
    )
    return write_qdpx(project)


def study_notes(study: Study) -> list[StudyNote]:
    return list(
        db.session.scalars(
            db.select(StudyNote).where(StudyNote.study_id == study.id).order_by(StudyNote.id)
        )
    )


def _code_path(code: Code) -> str:
    names = []
    while code is not None:
        names.append(code.name)
        code = code.parent
    return " / ".join(reversed(names))


def quote_rows(
    study: Study, filters: dict[str, str] | None = None, *, deidentified: bool = False
) -> tuple[list[str], list[list]]:
    """One row per highlight (quote, code, speaker, participant attributes); `deidentified`
    masks the quote in its turn, the speaker, title, participant label and memo."""
    quotes = reports.quotes(study, filters=filters)
    attributes = list(reports.attribute_values(study))
    header = [*QUOTE_COLUMNS, *attributes]
    masker = masker_for(study, deidentified)
    mask = masker.text if masker is not None else (lambda value: value)
    rows = []
    for q in quotes:
        h = q.highlight
        rows.append(
            [
                mask(q.interview.title),
                mask(q.interview.participant_label),
                mask(q.turn.speaker),
                q.code.name,
                _code_path(q.code),
                masker.span(q.turn.text, h.start, h.end) if masker is not None else q.text,
                mask(h.memo),
                q.highlight.coder.email,
                q.turn.start_s,
                q.turn.seq,
                q.highlight.start,
                q.highlight.end,
                *[q.interview.attributes.get(a, "") for a in attributes],
            ]
        )
    return header, rows


def quotes_csv(
    study: Study, filters: dict[str, str] | None = None, *, deidentified: bool = False
) -> bytes:
    """UTF-8 with BOM, so that Excel on Chinese Windows opens it correctly."""
    header, rows = quote_rows(study, filters, deidentified=deidentified)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(name) for name in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def quotes_xlsx(
    study: Study, filters: dict[str, str] | None = None, *, deidentified: bool = False
) -> bytes:
    from openpyxl import Workbook

    header, rows = quote_rows(study, filters, deidentified=deidentified)
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the one sheet a new workbook has
    sheet.title = "quotes"
    sheet.append([neutralise_cell(xml_safe(name)) for name in header])
    for row in rows:
        # An xlsx is XML: openpyxl refuses a control character, failing the whole export.
        sheet.append([neutralise_cell(xml_safe(v) if isinstance(v, str) else v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

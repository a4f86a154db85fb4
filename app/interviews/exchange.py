"""Exchange: REFI-QDA codebook (.qdc) and project (.qdpx), quotes as CSV and XLSX."""

import csv
import io

from analysis.qda import (
    QdaCase,
    QdaCode,
    QdaError,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    read_codebook,
    stable_guid,
    write_codebook,
    write_qdpx,
)
from analysis.qda.refi import walk
from app import audit
from app.extensions import db
from app.interviews import coding, reports, services
from app.models import CODE_COLOURS, Code, Interview, Study

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
        )
        nodes[code.id] = node
        (nodes[code.parent_id].children if code.parent_id else roots).append(node)
    return roots


def codebook_qdc(study: Study) -> bytes:
    return write_codebook(_qda_codes(study))


def import_qdc(study: Study, data: bytes) -> int:
    """Add the codes of a .qdc codebook; codes already present (same name and parent) are kept.

    Raises `QdaError` for a file that is not a REFI-QDA codebook.
    """
    tree = read_codebook(data)
    made: dict[str, Code] = {}
    existing = {(c.parent_id, c.name): c for c in coding.codes_of(study)}
    count = 0
    for parent, node in walk(tree):
        parent_id = made[parent.guid].id if parent is not None else None
        code = existing.get((parent_id, node.name[:100]))
        if code is None:
            colour = CODE_COLOURS.index(node.colour) if node.colour in CODE_COLOURS else None
            fields = {"name": node.name[:100], "description": node.description}
            if colour is not None:
                fields["colour"] = colour
            code = coding.create_code(study, {**fields, "parent_id": parent_id}, commit=False)
            code.refi_guid = node.guid
            count += 1
        made[node.guid] = code
    audit.record("codebook.import", None, study_id=study.id, detail={"codes_added": count})
    db.session.commit()
    return count


def _source_text(interview: Interview) -> tuple[str, dict[int, int]]:
    """The transcript as plain text, "speaker：text" per turn, and each turn's text offset."""
    parts, offsets, position = [], {}, 0
    for turn in interview.turns:
        prefix = f"{turn.speaker}：" if turn.speaker else ""
        offsets[turn.id] = position + len(prefix)
        line = prefix + turn.text + "\n\n"
        parts.append(line)
        position += len(line)
    return "".join(parts), offsets


def project_qdpx(study: Study) -> bytes:
    interviews = services.saved_interviews(study)
    users: dict[int, QdaUser] = {}
    sources, cases = [], {}
    for interview in sorted(interviews, key=lambda i: i.id):
        text, offsets = _source_text(interview)
        source = QdaSource(
            guid=stable_guid("source", study.id, interview.id),
            name=interview.title,
            text=text,
            description=interview.memo,
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
                source.selections.append(
                    QdaSelection(
                        guid=stable_guid("selection", study.id, group[0].id),
                        start=base + start,
                        end=base + end,
                        code_guids=tuple(code_guid(h.code) for h in group),
                        user_guid=users[coder_id].guid,
                        memo="\n".join(h.memo for h in group if h.memo),
                        created_at=group[0].created_at,
                    )
                )
        sources.append(source)
        label = interview.participant_label or interview.title
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
    )
    return write_qdpx(project)


def _code_path(code: Code) -> str:
    names = []
    while code is not None:
        names.append(code.name)
        code = code.parent
    return " / ".join(reversed(names))


def quote_rows(study: Study) -> tuple[list[str], list[list]]:
    quotes = reports.quotes(study)
    attributes = list(reports.attribute_values(study))
    header = [*QUOTE_COLUMNS, *attributes]
    rows = []
    for q in quotes:
        rows.append(
            [
                q.interview.title,
                q.interview.participant_label,
                q.turn.speaker,
                q.code.name,
                _code_path(q.code),
                q.text,
                q.highlight.memo,
                q.highlight.coder.email,
                q.turn.start_s,
                q.turn.seq,
                q.highlight.start,
                q.highlight.end,
                *[q.interview.attributes.get(a, "") for a in attributes],
            ]
        )
    return header, rows


def quotes_csv(study: Study) -> bytes:
    """UTF-8 with BOM, so that Excel on Chinese Windows opens it correctly."""
    header, rows = quote_rows(study)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _safe_cell(value):
    # A quote starting with =, +, - or @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def quotes_xlsx(study: Study) -> bytes:
    from openpyxl import Workbook

    header, rows = quote_rows(study)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "quotes"
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

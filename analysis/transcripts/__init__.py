"""Interview and focus-group transcripts: import, speakers, de-identification (issue 8).

No Flask and no database: bytes in, `Transcript` out (turns, and the header lines a file
opens with). The web layer's upload and preview steps call `parse_transcript` (again with a
`Relabel` when the researcher says a label is no speaker), then `rename_speakers` /
`deidentify_turns` on the turns.
"""

from analysis.transcripts.decode import without_controls
from analysis.transcripts.deidentify import (
    Deidentified,
    DeidentifiedTurns,
    Redaction,
    deidentify,
    deidentify_header,
    deidentify_turns,
    id_card_valid,
    masked_position,
)
from analysis.transcripts.errors import ErrorCode, ParseWarning, TranscriptError, WarningCode
from analysis.transcripts.formats import FORMATS, Relabel, detect_format
from analysis.transcripts.limits import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, Limits
from analysis.transcripts.model import HeaderLine, Transcript, Turn, speakers_of
from analysis.transcripts.parse import parse_transcript, read_transcript
from analysis.transcripts.speakers import merge_consecutive, rename_speakers, suggest_interviewer

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "Deidentified",
    "DeidentifiedTurns",
    "ErrorCode",
    "HeaderLine",
    "Limits",
    "ParseWarning",
    "Redaction",
    "Relabel",
    "Transcript",
    "TranscriptError",
    "Turn",
    "WarningCode",
    "deidentify",
    "deidentify_header",
    "deidentify_turns",
    "detect_format",
    "id_card_valid",
    "masked_position",
    "merge_consecutive",
    "parse_transcript",
    "read_transcript",
    "rename_speakers",
    "speakers_of",
    "suggest_interviewer",
    "without_controls",
]

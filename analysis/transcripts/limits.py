"""How much one transcript file may hold: bounds on the work and memory of one import.

A hostile but small upload must not run for minutes or take gigabytes (issue 30.2): a 510 KB
docx whose document.xml unpacks to 150 MB, or a 10 MB text of 1.8 million one-line turns,
both stayed under the file-size limit alone. Each bound is checked as early as the data
allows, so a file past one is refused before the expensive step, with a message naming it:
the file size before decoding; a docx's declared sizes before unpacking, its document.xml
while it is read (the actual bytes, not the header's claim); the text's length before it is
split; the number of turns as they are built.

Sizes are a long interview's many times over: a three-hour interview is about 60,000
characters and 2,000 turns; its docx's document.xml a few MB.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # 20 MiB; a long interview is well under 1 MiB of text


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one file besides its size in bytes (`max_bytes`, kept apart for callers)."""

    max_text_chars: int = 1_000_000  # decoded text, any format
    max_turns: int = 20_000
    # docx (a zip): word/document.xml as actually unpacked, every member as declared, and the
    # unpacked size over the compressed size (of document.xml, and of the whole archive).
    max_docx_xml_bytes: int = 20 * 1024 * 1024
    max_docx_unpacked_bytes: int = 60 * 1024 * 1024
    max_docx_ratio: int = 100
    # Parts of the archive (a long report with images has a few hundred).
    max_docx_members: int = 10_000
    # Paragraphs and table rows: reading each costs far more than its bytes (python-docx
    # builds an object per block), and empty ones `<w:p/>` make no turn to count.
    max_docx_blocks: int = 100_000


DEFAULT_LIMITS = Limits()

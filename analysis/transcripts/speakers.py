"""Speakers of a transcript: who is probably the interviewer, renaming and merging.

Plain functions over lists of `Turn`, so the web layer's preview step can call them on the
turns it holds without re-reading the file.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from analysis.transcripts.labels import is_interviewer_label
from analysis.transcripts.model import Turn, speakers_of

# A question mark (full or half width), or a sentence ending in 吗/呢 (speech recognisers
# often drop the question mark).
_QUESTION = re.compile(r"[?？]|[吗呢](?=[。！!\s]|$)")


def asks_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


def suggest_interviewer(turns: Sequence[Turn]) -> str | None:
    """The speaker who is probably the interviewer, as a suggestion for the preview.

    A speaker labelled as a role (主持人, 访谈员, 采访者, Q, 问, moderator, interviewer, or a
    name with such a role in brackets) wins, the first one to speak if several. Otherwise the
    speaker with the most turns containing a question, when exactly one speaker has the most
    and there are at least two speakers. None when neither rule decides.
    """
    speakers = speakers_of(turns)
    for speaker in speakers:
        if is_interviewer_label(speaker):
            return speaker
    if len(speakers) < 2:
        return None
    questions = Counter(t.speaker for t in turns if t.speaker and asks_question(t.text))
    ranked = questions.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def merge_consecutive(turns: Sequence[Turn]) -> list[Turn]:
    """Join runs of turns by the same speaker (texts joined by a line break); the run keeps
    the first known start and the last known end."""
    merged: list[list[Turn]] = []
    for turn in turns:
        if merged and merged[-1][0].speaker == turn.speaker:
            merged[-1].append(turn)
        else:
            merged.append([turn])
    result = []
    for run in merged:
        if len(run) == 1:
            result.append(run[0])
            continue
        result.append(
            Turn(
                speaker=run[0].speaker,
                text="\n".join(t.text for t in run),
                start=next((t.start for t in run if t.start is not None), None),
                end=next((t.end for t in reversed(run) if t.end is not None), None),
            )
        )
    return result


def rename_speakers(
    turns: Sequence[Turn], mapping: Mapping[str, str], *, merge_adjacent: bool = False
) -> list[Turn]:
    """Turns with speakers renamed by `mapping` (old → new); speakers not in it keep their
    name. Mapping two speakers to one name merges them; `merge_adjacent` then also joins
    the turns that become consecutive. Raises ValueError for an unknown speaker or an empty
    new name, naming it, so a stale preview is caught instead of silently ignored."""
    known = {t.speaker for t in turns}
    for old, new in mapping.items():
        if old not in known:
            raise ValueError(f"unknown speaker {old!r} (说话人不存在)")
        if not isinstance(new, str) or not new.strip():
            raise ValueError(f"empty new name for speaker {old!r} (新名称为空)")
    clean = {old: new.strip() for old, new in mapping.items()}
    renamed = [
        dataclasses.replace(t, speaker=clean[t.speaker]) if t.speaker in clean else t for t in turns
    ]
    return merge_consecutive(renamed) if merge_adjacent else renamed

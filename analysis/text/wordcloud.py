"""Word-cloud PNG of term frequencies, drawn with the shipped CJK font (no boxes for hanzi).

Uses the ``wordcloud`` package with a fixed random state, so the same counts give the same
picture. The frequencies come from :func:`keywords.term_frequencies` (stop words removed).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from analysis.fonts import cjk_font_path


def word_cloud_png(
    frequencies: Mapping[str, float],
    path: str | Path,
    *,
    width: int = 800,
    height: int = 500,
    max_words: int = 150,
    seed: int = 7,
) -> Path:
    """Draw ``frequencies`` (term → weight) to a PNG at ``path``; returns the path."""
    from wordcloud import WordCloud

    weights = {term: float(v) for term, v in frequencies.items() if v > 0 and term.strip()}
    if not weights:
        raise ValueError("no terms to draw")
    cloud = WordCloud(
        font_path=str(cjk_font_path()),
        width=width,
        height=height,
        max_words=max_words,
        background_color="white",
        random_state=seed,
        prefer_horizontal=0.95,
        collocations=False,
    )
    cloud.generate_from_frequencies(weights)
    path = Path(path)
    cloud.to_file(str(path))
    return path

"""Sentiment per turn and keywords per interview, computed at import and stored.

A thin adapter over `analysis.text` (segmentation, sentiment model): pages read the stored
values, so they stay fast. When no sentiment model is installed the score stays NULL.
"""

from collections import Counter
from collections.abc import Sequence


def sentiment_of(texts: Sequence[str]) -> list[tuple[float | None, str | None]]:
    """(probability positive, label) per text; (None, None) when no model is installed."""
    if not texts:
        return []
    from analysis.text.sentiment_model import shipped_model, shipped_model_path

    if not shipped_model_path().exists():
        return [(None, None)] * len(texts)
    from analysis.text.sentiment_train import featurise

    model = shipped_model()
    probabilities = model.probabilities(featurise(list(texts)))
    return [(float(p), model.label(float(p))) for p in probabilities]


def keywords_of(texts: Sequence[str], *, limit: int = 10) -> list[str]:
    """The most frequent content words (nouns, verbs, adjectives …; stop words left out)."""
    from analysis.text.normalise import normalise
    from analysis.text.tokenize import content_terms, get_tokenizer

    tokenizer = get_tokenizer()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(t for t in content_terms(tokenizer.tokenize(normalise(text))) if len(t) > 1)
    return [term for term, _ in counts.most_common(limit)]

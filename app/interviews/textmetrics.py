"""Sentiment per turn and keywords per interview, computed at import and stored.

A thin adapter over `analysis.text` (segmentation, sentiment model): pages read the stored
values, so they stay fast. Scores come from the shipped model adapted to the study's own
texts (:func:`study_model`), which held up better on domains the model was never trained on.
When no sentiment model is installed the score stays NULL.
"""

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.text.sentiment_model import SentimentModel


def sentiment_of(
    texts: Sequence[str], *, domain: Sequence[str] = ()
) -> list[tuple[float | None, str | None]]:
    """(probability positive, label) per text; (None, None) when no model is installed.

    ``domain``: the study's own texts (all the answers to a question, all the participants'
    turns), which the model adapts to without labels (:func:`study_model`) before scoring.
    """
    if not texts:
        return []
    from analysis.text.sentiment_model import shipped_model_path

    if not shipped_model_path().exists():
        return [(None, None)] * len(texts)
    from analysis.text.sentiment_train import featurise

    model = study_model(domain)
    probabilities = model.probabilities(featurise(list(texts)))
    return [(float(p), model.label(float(p))) for p in probabilities]


_STUDY_MODELS: OrderedDict[str, "SentimentModel"] = OrderedDict()
_STUDY_MODELS_KEPT = 8
_study_models_lock = threading.Lock()


def study_model(domain: Sequence[str]) -> "SentimentModel":
    """The shipped model self-trained on a study's texts, kept for the same texts.

    Adapting takes a second or more, and a page or report asks again for the same texts: the
    last few models are kept in memory, keyed by a digest of the texts, so a new answer or
    an edited turn makes a new model and nothing has to be invalidated. Fewer texts than
    :data:`MIN_SELF_TRAINING_TEXTS` give the shipped model itself.
    """
    from analysis.text.sentiment import MIN_SELF_TRAINING_TEXTS, self_adapted_model
    from analysis.text.sentiment_model import shipped_model

    if len(domain) < MIN_SELF_TRAINING_TEXTS:
        return shipped_model()
    digest = hashlib.sha256("\0".join(domain).encode("utf-8")).hexdigest()
    with _study_models_lock:
        if digest in _STUDY_MODELS:
            _STUDY_MODELS.move_to_end(digest)
            return _STUDY_MODELS[digest]
    model = self_adapted_model(domain)
    with _study_models_lock:
        _STUDY_MODELS[digest] = model
        while len(_STUDY_MODELS) > _STUDY_MODELS_KEPT:
            _STUDY_MODELS.popitem(last=False)
    return model


def keywords_of(texts: Sequence[str], *, limit: int = 10) -> list[str]:
    """The most frequent content words (nouns, verbs, adjectives …; stop words left out)."""
    from analysis.text.normalise import normalise
    from analysis.text.tokenize import content_terms, get_tokenizer

    tokenizer = get_tokenizer()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(t for t in content_terms(tokenizer.tokenize(normalise(text))) if len(t) > 1)
    return [term for term, _ in counts.most_common(limit)]

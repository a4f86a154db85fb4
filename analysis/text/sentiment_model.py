"""The sentiment classifier: a logistic regression on :mod:`analysis.text.features`.

Stored as an ``.npz`` (vocabulary, weights, bias, temperature, neutral band); written with
fixed zip timestamps so that ``make model`` rebuilds a byte-identical file. A study adapts the
shipped model from researchers' corrections by a MAP fit centred on the shipped weights
(:meth:`SentimentModel.adapted`), so a handful of corrections move the words they contain and
leave the rest of the model alone.
"""

from __future__ import annotations

import io
import json
import math
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib.resources import files
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scipy is imported where a matrix is built or a model fitted: scoring
    from scipy import sparse  # needs neither, and its import is a third of the CLI's start

MODEL_FILE = "sentiment_zh.npz"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, eq=False)
class SentimentModel:
    """P(positive | text) = σ((w·x + b) / temperature); neutral inside ``neutral_band``."""

    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: float
    temperature: float = 1.0
    neutral_band: tuple[float, float] = (0.4, 0.6)
    meta: dict[str, Any] = field(default_factory=dict)

    def matrix(self, feature_dicts: list[dict[str, float]]) -> sparse.csr_matrix:
        """Rows of features in this model's vocabulary; unknown features are dropped."""
        return featurise_matrix(feature_dicts, self.vocabulary)

    def logits(self, feature_dicts: list[dict[str, float]]) -> np.ndarray:
        if not feature_dicts:
            return np.zeros(0)
        logits: np.ndarray = (
            self.matrix(feature_dicts) @ self.weights + self.bias
        ) / self.temperature
        return logits

    @cached_property
    def feature_weights(self) -> dict[str, float]:
        """Feature → weight, for scoring texts without building a sparse matrix (read only)."""
        weights = self.weights.tolist()
        return {key: weights[i] for key, i in self.vocabulary.items()}

    def weight(self, feature: str) -> float | None:
        """The weight of one feature, None when the model does not know it."""
        return self.feature_weights.get(feature)

    def dot_products(self, feature_dicts: Sequence[dict[str, float]]) -> list[float | None]:
        """w·x of each text's features as given; None when the model knows none of them.

        Sums over each text's own features: cheaper than a sparse matrix for the few dozen
        features of a sentence, and the same numbers.
        """
        weight_of = self.feature_weights.get
        known = self.feature_weights.keys()
        zero = repeat(0.0)
        return [
            None
            if known.isdisjoint(feats)
            else sum(map(mul, map(weight_of, feats, zero), feats.values()))
            for feats in feature_dicts
        ]

    def probabilities_of(
        self, dots: Sequence[float | None], scales: Sequence[float] | None = None
    ) -> np.ndarray:
        """σ((dot × scale + bias) / temperature) of each text; exactly 0.5 where the dot is
        None (no known feature)."""
        bias, temperature = self.bias, self.temperature
        out = []
        for i, dot in enumerate(dots):
            if dot is None:
                out.append(0.5)
                continue
            z = ((dot if scales is None else dot * scales[i]) + bias) / temperature
            out.append(0.5 * (1.0 + math.tanh(0.5 * z)))
        return np.array(out, dtype=np.float64)

    def probabilities(
        self, feature_dicts: Sequence[dict[str, float]], *, scales: Sequence[float] | None = None
    ) -> np.ndarray:
        """Calibrated P(positive); a text with no known feature gets exactly 0.5.

        ``scales`` multiplies each text's feature values (the length normalisation of
        :func:`features.normalised_features`, applied without building new dictionaries).
        """
        return self.probabilities_of(self.dot_products(feature_dicts), scales)

    def label(self, probability: float) -> str:
        low, high = self.neutral_band
        if probability > high:
            return "positive"
        if probability < low:
            return "negative"
        return "neutral"

    def adapted(
        self,
        corrections: list[tuple[dict[str, float], int]],
        *,
        strength: float = 1.0,
    ) -> SentimentModel:
        """A study-level model fitted to researchers' corrections (features, 1/0 label).

        Maximises the corrections' log-likelihood with a Gaussian prior centred on the shipped
        weights and bias (precision 1/strength), so unseen words keep their shipped weights.
        The bias has the same prior as the weights: left free, a handful of corrections that
        are all positive drive it to +∞ and turn every text of the study positive.
        """
        if not corrections:
            return self
        feats = [f for f, _ in corrections]
        labels = np.array([label for _, label in corrections], dtype=float)
        extra = sorted({k for f in feats for k in f} - self.vocabulary.keys())
        vocabulary = dict(self.vocabulary)
        for key in extra:
            vocabulary[key] = len(vocabulary)
        prior = np.concatenate([self.weights, np.zeros(len(extra))])
        X = featurise_matrix(feats, vocabulary) / self.temperature
        theta0 = np.concatenate([prior, [self.bias]])

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = theta[:-1], theta[-1]
            z = X @ w + b / self.temperature
            p = _sigmoid(z)
            loss = np.sum(np.logaddexp(0, z) - labels * z)
            diff = w - prior
            diff_b = b - self.bias
            loss += 0.5 * (np.dot(diff, diff) + diff_b * diff_b) / strength
            grad_w = X.T @ (p - labels) + diff / strength
            grad_b = np.sum(p - labels) / self.temperature + diff_b / strength
            return loss, np.concatenate([grad_w, [grad_b]])

        from scipy import optimize

        result = optimize.minimize(objective, theta0, jac=True, method="L-BFGS-B")
        meta = {**self.meta, "adapted_from_corrections": len(corrections)}
        return replace(
            self, vocabulary=vocabulary, weights=result.x[:-1], bias=float(result.x[-1]), meta=meta
        )

    def save(self, path: str | Path) -> None:
        """Write the model as an .npz with fixed timestamps (byte-identical rebuilds)."""
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        header = {
            "bias": round(float(self.bias), 8),
            "temperature": round(float(self.temperature), 8),
            "neutral_band": list(self.neutral_band),
            "meta": self.meta,
        }
        arrays: dict[str, np.ndarray] = {
            "weights": self.weights.astype(np.float32),
            "vocabulary": np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
            "header": np.frombuffer(
                json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                dtype=np.uint8,
            ),
        }
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(name + ".npy", date_time=_FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, buffer.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> SentimentModel:
        with np.load(path, allow_pickle=False) as data:
            words = data["vocabulary"].tobytes().decode("utf-8").split("\n")
            header = json.loads(data["header"].tobytes().decode("utf-8"))
            weights = data["weights"].astype(np.float64)
        return cls(
            vocabulary={word: i for i, word in enumerate(words)},
            weights=weights,
            bias=header["bias"],
            temperature=header["temperature"],
            neutral_band=tuple(header["neutral_band"]),
            meta=header["meta"],
        )


def shipped_model_path() -> Path:
    return Path(str(files("analysis.text") / "models" / MODEL_FILE))


_shipped_lock = threading.Lock()


@cache
def _load_shipped() -> SentimentModel:
    return SentimentModel.load(shipped_model_path())


def shipped_model() -> SentimentModel:
    """The model shipped in the package, loaded on first use (never at import)."""
    with _shipped_lock:
        return _load_shipped()


def featurise_matrix(
    feature_dicts: list[dict[str, float]], vocabulary: dict[str, int]
) -> sparse.csr_matrix:
    from scipy import sparse

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    get = vocabulary.get
    for feats in feature_dicts:
        for key, value in feats.items():
            col = get(key)
            if col is not None:
                indices.append(col)
                values.append(value)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(feature_dicts), len(vocabulary)),
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))

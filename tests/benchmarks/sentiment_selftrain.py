"""Exploration (not shipped): self-training on a new domain's unlabelled text.

    python tests/benchmarks/sentiment_selftrain.py

For each held-out category: the model trained on the other eight labels the category's
reviews; the most confident ``share`` of them become pseudo-labels, and the model is adapted to
them with :meth:`SentimentModel.adapted` (the MAP fit centred on the trained weights that a
study already uses for researchers' corrections), with prior variance ``strength``. Accuracy
is then measured on all of the category's reviews, their true labels never used. A study has
its own open answers unlabelled, so this could run per study; see docs/benchmarks.md
("Sentiment model: new domains, notes") for the figures and why it is not shipped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

from sentiment_eval import DATA  # noqa: E402

from analysis.text.sentiment_train import featurise, fit_model, load_reviews  # noqa: E402

SETTINGS = [(0.5, 3.0), (0.5, 30.0), (0.8, 30.0)]  # (share pseudo-labelled, strength)


def main() -> int:
    started = time.perf_counter()
    frame = load_reviews(DATA)
    feats = featurise(frame["text"].tolist())
    y, cats = frame["label"].to_numpy(), frame["category"].to_numpy()
    head = " | ".join(f"share {s}, strength {k:g}" for s, k in SETTINGS)
    print(f"| held-out category | trained on 8 | {head} |")
    print("|---|---:|" + "---:|" * len(SETTINGS))
    rows = []
    for category in sorted(set(cats)):
        held = cats == category
        train = [feats[i] for i in np.flatnonzero(~held)]
        test = [feats[i] for i in np.flatnonzero(held)]
        model = fit_model(train, y[~held], categories=cats[~held])
        z = model.logits(test)
        row = [float(np.mean((z > 0) == y[held]))]
        pseudo = (z > 0).astype(int)
        for share, strength in SETTINGS:
            sure = np.flatnonzero(np.abs(z) >= np.quantile(np.abs(z), 1 - share))
            adapted = model.adapted([(test[i], int(pseudo[i])) for i in sure], strength=strength)
            row.append(float(np.mean((adapted.logits(test) > 0) == y[held])))
        rows.append(row)
        print(f"| {category} | " + " | ".join(f"{a:.3f}" for a in row) + " |", flush=True)
    means = np.mean(rows, axis=0)
    print("| **mean** | " + " | ".join(f"**{a:.3f}**" for a in means) + " |")
    print(f"\nRun time {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

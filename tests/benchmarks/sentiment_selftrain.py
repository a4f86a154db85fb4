"""Self-training on a new domain's unlabelled text, its settings chosen by nested
leave-one-category-out.

    python tests/benchmarks/sentiment_selftrain.py [--out results.json] [--categories A,B]

For each held-out category C of ../shared/data/sentiment: the model trained on the other
eight is adapted to C's reviews by :func:`sentiment_train.self_trained`, whose settings
(``weight`` and ``rounds``; ``share`` 0.5 and ``half_at`` 1000 are fixed) are chosen by mean
accuracy over the eight inner folds of the other categories (train on seven, self-train on
the eighth, score it): C's labels are never used to choose anything, and used only to score
the chosen setting. Also prints every setting on every held-out category, and the setting
with the best mean over the nine (what sentiment_train ships). ECE: the adapted logits at
the temperature fitted on the other categories' held-out logits of the unadapted model
(what a study gets: the shipped temperature applied to its adapted model).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import product
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

from sentiment_eval import DATA  # noqa: E402

from analysis.text import calibration  # noqa: E402
from analysis.text.sentiment import MAX_SELF_TRAINING_TEXTS as MAX_TEXTS  # noqa: E402
from analysis.text.sentiment_train import (  # noqa: E402
    featurise,
    fit_model,
    fit_temperature,
    load_reviews,
    self_training_rounds,
)

WEIGHTS, ROUNDS = (1.0, 2.0, 4.0), 2
SETTINGS = list(product(WEIGHTS, range(1, ROUNDS + 1)))  # (weight, rounds)


def name(setting: tuple[float, int]) -> str:
    return f"weight {setting[0]:g}, {setting[1]} round{'s' if setting[1] > 1 else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the figures as JSON")
    parser.add_argument("--categories", help="only these held-out categories (comma-separated)")
    parser.add_argument("--merge", nargs="+", help="report the JSON of earlier runs together")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    frame = load_reviews(DATA)
    if args.merge:
        merged = {}
        for path in args.merge:
            merged.update(json.loads(Path(path).read_text()))
        for r in merged.values():
            r["chosen"] = tuple(r["chosen"])
        report(merged, frame["label"].to_numpy(), frame["category"].to_numpy())
        return 0
    feats = featurise(frame["text"].tolist())
    y, cats = frame["label"].to_numpy(), frame["category"].to_numpy()
    everything = sorted(set(cats))
    outer = args.categories.split(",") if args.categories else everything
    models: dict[frozenset[str], object] = {}

    def model_without(*left_out: str):
        key = frozenset(left_out)
        if key not in models:
            train = ~np.isin(cats, list(key))
            idx = np.flatnonzero(train)
            models[key] = fit_model([feats[i] for i in idx], y[train], categories=cats[train])
        return models[key]

    def scores(model, category: str) -> dict[tuple[float, int] | None, np.ndarray]:
        """Logits of the category's reviews, unadapted (key None) and for every setting; the
        model adapts to at most MAX_SELF_TRAINING_TEXTS of them, as a study's does."""
        test = [feats[i] for i in np.flatnonzero(cats == category)]
        thinned = [test[i] for i in np.linspace(0, len(test) - 1, MAX_TEXTS).astype(int)]
        out = {None: model.logits(test)}
        for weight in WEIGHTS:
            adapted = model
            rounds = self_training_rounds(
                model, thinned if len(test) > MAX_TEXTS else test, weight=weight
            )
            for number in range(1, ROUNDS + 1):
                adapted = next(rounds, adapted)
                out[weight, number] = adapted.logits(test)
        return out

    results = {}
    for c in outer:
        held_y = y[cats == c]
        inner = {}
        for d in everything:
            if d == c:
                continue
            inner_y = y[cats == d]
            z = scores(model_without(c, d), d)
            inner[d] = {s: float(np.mean((z[s] > 0) == inner_y)) for s in z}
            print(f"  {c} / inner {d}: " + ", ".join(f"{v:.3f}" for v in inner[d].values()))
        inner_mean = {s: float(np.mean([inner[d][s] for d in inner])) for s in SETTINGS}
        chosen = max(SETTINGS, key=lambda s: (inner_mean[s], -s[0], -s[1]))
        z = scores(model_without(c), c)
        results[c] = {
            "n": int(np.sum(cats == c)),
            "chosen": chosen,
            "inner_mean": {name(s): inner_mean[s] for s in SETTINGS},
            "accuracy": {
                ("unadapted" if s is None else name(s)): float(np.mean((v > 0) == held_y))
                for s, v in z.items()
            },
            "logits_chosen": z[chosen].tolist(),
            "logits_unadapted": z[None].tolist(),
        }
        r = results[c]
        print(
            f"{c}: chosen {name(chosen)}; unadapted {r['accuracy']['unadapted']:.3f}, "
            f"adapted {r['accuracy'][name(chosen)]:.3f}",
            flush=True,
        )

    report(results, y, cats)
    print(f"\nRun time {time.perf_counter() - started:.0f} s.")
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, default=list))
    return 0


def report(results: dict, y: np.ndarray, cats: np.ndarray) -> None:
    """The Markdown table of every setting on every held-out category, the nested choice,
    and the ECE of the nested predictions (with all nine categories)."""
    print(
        "\n| held-out category | reviews | trained on 8 | "
        + " | ".join(map(name, SETTINGS))
        + " | chosen on inner folds | nested accuracy |"
    )
    print("|---|---:|---:|" + "---:|" * len(SETTINGS) + "---|---:|")
    for c, r in results.items():
        acc = r["accuracy"]
        print(
            f"| {c} | {r['n']} | {acc['unadapted']:.3f} | "
            + " | ".join(f"{acc[name(s)]:.3f}" for s in SETTINGS)
            + f" | {name(r['chosen'])} | **{acc[name(r['chosen'])]:.3f}** |"
        )
    means = {s: np.mean([r["accuracy"][name(s)] for r in results.values()]) for s in SETTINGS}
    nested = [r["accuracy"][name(r["chosen"])] for r in results.values()]
    print(
        f"| **mean** | | {np.mean([r['accuracy']['unadapted'] for r in results.values()]):.3f} | "
        + " | ".join(f"{means[s]:.3f}" for s in SETTINGS)
        + f" | | **{np.mean(nested):.3f}** |"
    )
    if len(results) == len(set(cats)):
        # ECE of the nested predictions at the unadapted model's temperature, fitted (as in
        # sentiment_train) on the other categories' held-out logits
        probs, labels = [], []
        for c, r in results.items():
            others = [o for o in results if o != c]
            t = fit_temperature(
                np.concatenate([r2["logits_unadapted"] for o in others for r2 in [results[o]]]),
                np.concatenate([y[cats == o] for o in others]),
            )
            probs.append(1 / (1 + np.exp(-np.asarray(r["logits_chosen"]) / t)))
            labels.append(y[cats == c])
        bins = calibration.reliability(np.concatenate(probs), np.concatenate(labels))
        ece = calibration.expected_calibration_error(bins)
        print(f"\nECE of the nested adapted predictions: {ece:.3f}\n")
        print("| predicted | reviews | mean predicted | observed share positive |")
        print("|---|---:|---:|---:|")
        for b in bins:
            if b.n:
                print(
                    f"| {b.low:.1f}–{b.high:.1f} | {b.n} | {b.predicted:.3f} | {b.observed:.3f} |"
                )
        print(f"Best mean over the nine (shipped): {name(max(SETTINGS, key=means.get))}")


if __name__ == "__main__":
    raise SystemExit(main())

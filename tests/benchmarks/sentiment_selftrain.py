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

import pandas as pd  # noqa: E402
from sentiment_domains import read_set  # noqa: E402
from sentiment_eval import DATA, INTERVIEW, update_docs  # noqa: E402

from analysis.text import calibration  # noqa: E402
from analysis.text.sentiment import MAX_SELF_TRAINING_TEXTS as MAX_TEXTS  # noqa: E402
from analysis.text.sentiment import MIN_SELF_TRAINING_TEXTS as MIN_TEXTS  # noqa: E402
from analysis.text.sentiment import score_text, self_adapted_model  # noqa: E402
from analysis.text.sentiment_model import shipped_model  # noqa: E402
from analysis.text.sentiment_train import (  # noqa: E402
    featurise,
    fit_model,
    fit_temperature,
    load_reviews,
    self_training_rounds,
)

MEASURED = "2026-12-03 on python-svc, 2 cores (shared with other jobs), Python 3.11.7"
SECTION = "## Sentiment model: self-trained on the study's own texts (issue 23)"
WEIGHTS, ROUNDS = (1.0, 2.0, 4.0), 2
SETTINGS = list(product(WEIGHTS, range(1, ROUNDS + 1)))  # (weight, rounds)


def name(setting: tuple[float, int]) -> str:
    return f"weight {setting[0]:g}, {setting[1]} round{'s' if setting[1] > 1 else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the figures as JSON")
    parser.add_argument("--categories", help="only these held-out categories (comma-separated)")
    parser.add_argument("--no-docs", action="store_true", help="print only")
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
        markdown = report(merged, frame["label"].to_numpy(), frame["category"].to_numpy())
        print(markdown)
        if not args.no_docs:
            update_docs(markdown, SECTION)
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

    print(report(results, y, cats))
    print(f"\nRun time {time.perf_counter() - started:.0f} s.")
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, default=list))
    return 0


def report(results: dict, y: np.ndarray, cats: np.ndarray) -> str:
    """Markdown: every setting on every held-out category, the nested choice and its
    figures; with all nine categories, the ECE and reliability of the nested predictions and
    the held-out sets of tests/data scored as the app scores them."""
    lines = [
        f"Measured {MEASURED}, `python tests/benchmarks/sentiment_selftrain.py` (two runs of "
        "part of the categories each, then `--merge`).",
        "",
        "Each held-out category: the model trained on the other eight (as in the table above), "
        "then self-trained on the category's own reviews, unlabelled "
        "(`sentiment_train.self_trained`: the surest half become pseudo-labels, a model of the "
        "category's own features is fitted to them and mixed in with `weight`, shrunk by "
        "n / (n + 1000); at most 5,000 texts, as a study's). `weight` and `rounds` chosen per "
        "held-out category by mean accuracy over the eight inner folds of the other "
        "categories (train on seven, self-train on the eighth); the held-out labels only score "
        "the choice.",
        "",
        "| held-out category | reviews | trained on 8 | "
        + " | ".join(map(name, SETTINGS))
        + " | chosen on inner folds | nested accuracy |",
        "|---|---:|---:|" + "---:|" * len(SETTINGS) + "---|---:|",
    ]
    for c, r in results.items():
        acc = r["accuracy"]
        lines.append(
            f"| {c} | {r['n']} | {acc['unadapted']:.3f} | "
            + " | ".join(f"{acc[name(s)]:.3f}" for s in SETTINGS)
            + f" | {name(r['chosen'])} | **{acc[name(r['chosen'])]:.3f}** |"
        )
    means = {s: np.mean([r["accuracy"][name(s)] for r in results.values()]) for s in SETTINGS}
    nested = [r["accuracy"][name(r["chosen"])] for r in results.values()]
    unadapted = [r["accuracy"]["unadapted"] for r in results.values()]
    lines += [
        f"| **mean** | | {np.mean(unadapted):.3f} | "
        + " | ".join(f"{means[s]:.3f}" for s in SETTINGS)
        + f" | | **{np.mean(nested):.3f}** |",
        f"| **lowest** | | {np.min(unadapted):.3f} | "
        + " | ".join(
            f"{np.min([r['accuracy'][name(s)] for r in results.values()]):.3f}" for s in SETTINGS
        )
        + f" | | **{np.min(nested):.3f}** |",
        "",
    ]
    if len(results) == len(set(cats)):
        # the nested predictions at the unadapted model's temperature, fitted (as in
        # sentiment_train) on the other categories' held-out logits: what a study gets
        probs, labels = [], []
        for c, r in results.items():
            others = [o for o in results if o != c]
            t = fit_temperature(
                np.concatenate([results[o]["logits_unadapted"] for o in others]),
                np.concatenate([y[cats == o] for o in others]),
            )
            probs.append(1 / (1 + np.exp(-np.asarray(r["logits_chosen"]) / t)))
            labels.append(y[cats == c])
        bins = calibration.reliability(np.concatenate(probs), np.concatenate(labels))
        shipped = max(SETTINGS, key=means.__getitem__)
        lines += [
            f"Shipped setting (best mean over the nine): **{name(shipped)}**, share 0.5.",
            "",
            "Calibration of the nested self-trained predictions (temperature of the unadapted "
            "model, fitted on the other categories' held-out logits): ECE "
            f"**{calibration.expected_calibration_error(bins):.3f}**.",
            "",
            "| predicted | reviews | mean predicted | observed share positive |",
            "|---|---:|---:|---:|",
            *[
                f"| {b.low:.1f}–{b.high:.1f} | {b.n} | {b.predicted:.3f} | {b.observed:.3f} |"
                for b in bins
                if b.n
            ],
            "",
            *held_out_sets(),
        ]
    return "\n".join(lines)


def held_out_sets() -> list[str]:
    """The sets of tests/data scored as the app scores a study's texts: the shipped model
    self-trained on the set itself when it has MIN_SELF_TRAINING_TEXTS texts or more."""
    lines = [
        "Held-out sets of tests/data, each scored as the app scores a study made of it "
        f"(self-trained on its own texts from {MIN_TEXTS} texts on, else the shipped model):",
        "",
        "| set | texts | model | accuracy (pos/neg, 0.5) | shipped model | ECE | shipped ECE |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    sets = [
        ("survey answers (3 domains)", read_set("survey_answers.tsv")),
        ("spoken sentences", read_set("interview_answers.tsv")),
        ("interview-style (tests/data/text)", pd.read_csv(INTERVIEW)),
    ]
    for title, table in sets:
        if pd.api.types.is_numeric_dtype(table["label"]):
            table = table.assign(label=table["label"].map({1: "positive", 0: "negative"}))
        model = self_adapted_model(table["text"])
        polar = table[table["label"] != "mixed"]
        y = (polar["label"] == "positive").to_numpy()
        row = []
        for m in (model, shipped_model()):
            p = np.array([score_text(t, model=m)[0] for t in polar["text"]])
            bins = calibration.reliability(p, y)
            row.append((np.mean((p > 0.5) == y), calibration.expected_calibration_error(bins)))
        kind = "self-trained" if model is not shipped_model() else "shipped"
        lines.append(
            f"| {title} | {len(table)} | {kind} | {row[0][0]:.3f} | {row[1][0]:.3f} | "
            f"{row[0][1]:.3f} | {row[1][1]:.3f} |"
        )
    return lines


if __name__ == "__main__":
    raise SystemExit(main())

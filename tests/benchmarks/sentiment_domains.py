"""The sentiment model on text from domains it never saw, and how calibrated it is.

    python tests/benchmarks/sentiment_domains.py [--no-docs]

1. The shipped model on tests/data/sentiment/survey_answers.tsv (open answers of 在线教育,
   医疗挂号, 银行App) and interview_answers.tsv (spoken style), both written for this project
   and labelled by two rules that agree (tests/benchmarks/sentiment_labels.py): accuracy on
   the positive and negative sentences (threshold 0.5), and with the neutral band, accuracy
   over all three labels (positive / negative / mixed-or-neutral).
2. Calibration, on the reviews of ../shared/data/sentiment with leave-one-category-out: each
   review's probability comes from a model trained on the other eight categories, its
   temperature fitted on the other categories' held-out logits (so neither the weights nor
   the temperature ever saw the review's category). Reliability curve (10 bins of predicted
   probability: mean prediction against observed share positive) and the expected
   calibration error (ECE, bins weighted by size).
3. The neutral band, chosen on those held-out reviews only: the bins whose observed share
   positive is between 1/3 and 2/3 (no label has two-to-one odds there), widened to the
   smallest symmetric band [0.5 − h, 0.5 + h] that covers them.

Writes its tables into the "Sentiment model: new domains and calibration" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

MEASURED = "2026-12-03 on 2 cores (shared with other jobs), Python 3.11.7, Debian 12"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

from sentiment_eval import DATA, update_docs  # noqa: E402

from analysis.text import calibration  # noqa: E402
from analysis.text.sentiment import score_text  # noqa: E402
from analysis.text.sentiment_model import SentimentModel, shipped_model  # noqa: E402
from analysis.text.sentiment_train import (  # noqa: E402
    featurise,
    fit_temperature,
    leave_one_category_out,
    load_reviews,
)

SET_DIR = ROOT / "tests" / "data" / "sentiment"
SECTION = "## Sentiment model: new domains and calibration"
CALIBRATIONS = ("none", "temperature", "Platt", "isotonic")


def read_set(name: str) -> pd.DataFrame:
    return pd.read_csv(SET_DIR / name, sep="\t", comment="#")


def set_scores(frame: pd.DataFrame, model: SentimentModel) -> np.ndarray:
    return np.array([score_text(t, model=model)[0] for t in frame["text"]])


def set_accuracy(
    frame: pd.DataFrame, probs: np.ndarray, band: tuple[float, float]
) -> dict[str, float]:
    polar = (frame["label"] != "mixed").to_numpy()
    y = (frame["label"] == "positive").to_numpy()
    low, high = band
    three = np.where(probs > high, "positive", np.where(probs < low, "negative", "mixed"))
    return {
        "n": len(frame),
        "polar": int(polar.sum()),
        "binary": float(np.mean((probs[polar] > 0.5) == y[polar])),
        "three": float(np.mean(three == frame["label"].to_numpy())),
        "mixed_in_band": float(np.mean(three[~polar] == "mixed")) if (~polar).any() else 0.0,
        "polar_in_band": float(np.mean(three[polar] == "mixed")),
    }


def reliability(probs: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    table = pd.DataFrame([vars(b) for b in calibration.reliability(probs, y)])
    table["bin"] = [
        f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(table["low"], table["high"], strict=True)
    ]
    return table


def ece(table: pd.DataFrame) -> float:
    bins = [
        calibration.Bin(r.low, r.high, r.n, r.predicted, r.observed) for r in table.itertuples()
    ]
    return calibration.expected_calibration_error(bins)


def choose_band(table: pd.DataFrame) -> tuple[float, float]:
    bins = [
        calibration.Bin(r.low, r.high, r.n, r.predicted, r.observed) for r in table.itertuples()
    ]
    return calibration.neutral_band(bins)


def held_out_logits(frame: pd.DataFrame, cache: str | None) -> np.ndarray:
    """Leave-one-category-out logits (each from the model trained without its category);
    ``cache``: an .npy file to reuse them from (a run on the same model code)."""
    if cache and Path(cache).exists():
        return np.load(cache)
    logits = leave_one_category_out(frame, featurise(frame["text"].tolist()), log=print)
    if cache:
        np.save(cache, logits)
    return logits


def calibrated(logits: np.ndarray, labels: np.ndarray, cats: np.ndarray, method: str):
    """Probabilities of each category with the calibration map fitted on the other
    categories' held-out logits only."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    probs = np.zeros(len(logits))
    for category in np.unique(cats):
        held = cats == category
        z, y = logits[~held], labels[~held]
        if method == "none":
            probs[held] = 1 / (1 + np.exp(-logits[held]))
        elif method == "temperature":
            probs[held] = 1 / (1 + np.exp(-logits[held] / fit_temperature(z, y)))
        elif method == "Platt":
            fit = LogisticRegression(C=1e6).fit(z[:, None], y)
            probs[held] = fit.predict_proba(logits[held][:, None])[:, 1]
        else:
            iso = IsotonicRegression(out_of_bounds="clip", y_min=1e-4, y_max=1 - 1e-4)
            probs[held] = iso.fit(z, y).predict(logits[held])
    return probs


def log_loss(probs: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(probs, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--sets-only", action="store_true", help="skip the reviews")
    parser.add_argument("--cache", help=".npy file of held-out logits to reuse")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = shipped_model()
    survey, interview = read_set("survey_answers.tsv"), read_set("interview_answers.tsv")
    lines = [f"Measured {MEASURED}, `python tests/benchmarks/sentiment_domains.py`.", ""]
    band = model.neutral_band
    if not args.sets_only:
        frame = load_reviews(DATA)
        labels, cats = frame["label"].to_numpy(), frame["category"].to_numpy()
        logits = held_out_logits(frame, args.cache)
        methods = {m: calibrated(logits, labels, cats, m) for m in CALIBRATIONS}
        probs = methods["temperature"]  # what the shipped model does (sentiment_train)
        table = reliability(probs, labels)
        band = choose_band(table)
        lines += [
            "Calibration maps compared, each fitted on the other categories' held-out "
            "logits (nested leave-one-category-out):",
            "",
            "| calibration | ECE | log-loss |",
            "|---|---:|---:|",
            *[
                f"| {m} | {ece(reliability(p, labels)):.3f} | {log_loss(p, labels):.3f} |"
                for m, p in methods.items()
            ],
            "",
            f"Calibration on {len(frame)} reviews, each scored by the model trained without "
            "its category (temperature fitted on the other categories' held-out logits):",
            "",
            "| predicted | reviews | mean predicted | observed share positive |",
            "|---|---:|---:|---:|",
            *[
                f"| {r.bin} | {r.n} | {r.predicted:.3f} | {r.observed:.3f} |"
                for r in table.itertuples()
                if r.n
            ],
            "",
            f"ECE {ece(table):.3f}; per held-out category: "
            + ", ".join(
                f"{c} {ece(reliability(probs[m], frame['label'].to_numpy()[m])):.3f}"
                for c in sorted(frame["category"].unique())
                for m in [(frame["category"] == c).to_numpy()]
            )
            + ".",
            "",
            f"Neutral band chosen on these held-out reviews (bins with observed share positive "
            f"between 1/3 and 2/3): **{band}**; shipped model's band {model.neutral_band}.",
            "",
        ]
    lines += [
        "| set | sentences | positive+negative | accuracy (pos/neg, 0.5) | "
        f"accuracy 3 labels, band {band} | mixed in band | pos/neg in band |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    survey_probs = set_scores(survey, model)
    parts = [(d, survey[survey["domain"] == d]) for d in sorted(survey["domain"].unique())]
    parts += [("**survey, all**", survey), ("**interview-style**", interview)]
    for name, part in parts:
        probs = survey_probs[part.index] if part is not interview else set_scores(part, model)
        a = set_accuracy(part, probs, band)
        lines.append(
            f"| {name} | {a['n']} | {a['polar']} | {a['binary']:.3f} | {a['three']:.3f} | "
            f"{a['mixed_in_band']:.2f} | {a['polar_in_band']:.2f} |"
        )
    polar = (survey["label"] != "mixed").to_numpy()
    set_table = reliability(survey_probs[polar], (survey["label"] == "positive").to_numpy()[polar])
    lines += [
        "",
        f"ECE of the shipped model on the survey answers' positive and negative sentences: "
        f"{ece(set_table):.3f}.",
        "",
        f"Run time {time.perf_counter() - started:.0f} s.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.no_docs:
        update_docs(markdown, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

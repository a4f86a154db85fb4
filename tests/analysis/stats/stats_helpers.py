"""Helpers shared by the statistics and chart tests (a plain module, not a conftest, so that
its name cannot clash with the conftest of another test directory)."""

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "data" / "stats"


def make_responses(n: int = 300, seed: int = 1) -> pd.DataFrame:
    """A response table for `demo_definition.json`, shaped as the CSV export (strings for
    option values, numbers for numbers), with satisfaction driving NPS and the matrix."""
    rng = np.random.default_rng(seed)
    d = {
        "response_id": [f"r{i}" for i in range(n)],
        "submitted_at": "2026-11-01T10:00:00",
        "duration_s": rng.gamma(6, 40, n).round() + 60,
    }
    d["gender"] = rng.choice(["1", "2", "other"], n, p=[0.48, 0.48, 0.04])
    d["gender/other_text"] = np.where(d["gender"] == "other", "不愿透露", None)
    d["city"] = rng.choice(["t1", "t2", "t3"], n)
    d["age"] = rng.normal(32, 8, n).round()
    for v in ["wx", "wb", "xhs", "other"]:
        d[f"channels/{v}"] = (rng.random(n) < 0.4).astype(float)
    d["channels/other_text"] = None
    sat = rng.integers(1, 6, n)
    d["sat"] = sat.astype(float)
    d["nps"] = np.clip(sat * 2 + rng.integers(-2, 2, n), 0, 10).astype(float)
    for r in ["price", "speed", "service", "quality"]:
        d[f"attrs/{r}"] = np.clip(sat + rng.integers(-1, 2, n), 1, 5).astype(str)
        d[f"imp/{r}"] = rng.integers(2, 6, n).astype(str)
    perm = np.array([rng.permutation(3) + 1 for _ in range(n)])
    for j, v in enumerate(["price", "speed", "service"]):
        d[f"rank/{v}"] = perm[:, j].astype(float)
    answers = ["like", "must_be", "neutral", "live_with", "dislike"]
    d["dark/functional"] = rng.choice(answers, n, p=[0.5, 0.2, 0.2, 0.05, 0.05])
    d["dark/dysfunctional"] = rng.choice(answers, n, p=[0.05, 0.1, 0.3, 0.25, 0.3])
    d["check"] = rng.choice(["a", "b"], n, p=[0.95, 0.05])
    d["comment"] = np.where(rng.random(n) < 0.2, "很好用", None)
    return pd.DataFrame(d)


def one_question(qtype: str, **extra) -> dict:
    """A definition with one question `q` of `qtype`."""
    question = {"id": "q", "type": qtype, "title": "题目", **extra}
    return {"schema_version": 1, "title": "t", "pages": [{"id": "p", "questions": [question]}]}

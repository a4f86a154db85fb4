"""The quality score's fast paths held to the plain way of computing the same thing, on
large samples: the simulated respondents and a random frame with planted copies."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.stats import prepare_frame
from analysis.stats.quality import (
    REASONS,
    _same_answers,
    explain_responses,
    flag_responses,
    score_of,
)
from analysis.stats.quality_text import MIN_COPIED_CHARS, copied_answers, normalised
from tests.benchmarks.bench_stats import build_definition, build_frame
from tests.data.quality.simulate import simulate


def _random_frame():
    """20,000 random responses (the benchmark's generator), 300 of them copies of earlier
    ones, and copied Chinese open answers."""
    definition = build_definition()
    frame = build_frame(20_000, seed=3)
    rng = np.random.default_rng(3)
    copies = rng.choice(np.arange(10_000, 20_000), 300, replace=False)
    answers = [c for c in frame.columns if c not in ("response_id", "submitted_at", "duration_s")]
    frame.loc[copies, answers] = frame.loc[copies - 10_000, answers].to_numpy()
    texts = np.array(["服务态度很好，下次还会再来", "物流太慢了，等了整整一个星期", "一般"])
    frame["t0"] = pd.array(rng.choice(texts, len(frame)), dtype="str")
    return definition, prepare_frame(definition, frame)


@pytest.fixture(scope="module", params=["simulated", "random"])
def sample(request):
    if request.param == "simulated":
        definition, frame, _ = simulate(20)
        return definition, prepare_frame(definition, frame)
    return _random_frame()


def test_the_fast_duplicate_search_finds_what_duplicated_finds(sample):
    _, frame = sample
    answers = frame.drop(columns=["response_id", "submitted_at", "duration_s"], errors="ignore")
    answers = answers.reset_index(drop=True)
    same, first_of = _same_answers(answers)
    expected = answers.duplicated(keep="first").to_numpy()
    assert np.array_equal(same, expected)
    # the first row with the same answers, found the plain way: by grouping the rows
    rows = pd.Series(["\x1f".join(map(str, r)) for r in answers.itertuples(index=False)])
    first = rows.groupby(rows).transform(lambda s: s.index[0]).to_numpy()
    assert np.array_equal(first_of[expected], first[expected])


def test_copied_answers_counts_givers_as_a_counter_would(sample):
    _, frame = sample
    cols = [c for c in frame.columns if c == "t0" or c.endswith("/other_text")]
    found = copied_answers(frame, cols)
    givers: Counter = Counter()
    keys = {c: [normalised(v) if isinstance(v, str) else "" for v in frame[c]] for c in cols}
    for row in zip(*keys.values(), strict=True):
        givers.update({t for t in row if len(t) >= MIN_COPIED_CHARS})
    expected = {
        i: [(c, givers[keys[c][i]] - 1) for c in cols
            if len(keys[c][i]) >= MIN_COPIED_CHARS and givers[keys[c][i]] > 1]
        for i in range(len(frame))
    }  # fmt: skip
    expected = {i: v for i, v in expected.items() if v}
    assert {i: [(e["question"], e["others"]) for e in v] for i, v in found.items()} == expected
    assert expected or "t0" not in cols  # the random frame has copies by construction


def test_scores_and_reasons_agree_with_the_explained_reasons(sample):
    definition, frame = sample
    flags = flag_responses(definition, frame)
    explained = explain_responses(definition, frame)
    scores = np.array([score_of(r) for r in explained])
    assert np.allclose(flags["score"].to_numpy(), scores)
    names = [";".join(c for c in REASONS if c in {r.code for r in rs}) for rs in explained]
    assert flags["reasons"].tolist() == names
    assert flags["flagged"].sum() > 0

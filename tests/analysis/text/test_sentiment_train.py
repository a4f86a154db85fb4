from pathlib import Path

import numpy as np
import pandas as pd

from analysis.text.sentiment_model import SentimentModel
from analysis.text.sentiment_train import (
    featurise,
    fit_model,
    fit_temperature,
    leave_one_category_out,
    main,
    self_trained,
    train,
)

DATA_SETS = Path(__file__).resolve().parents[2] / "data" / "sentiment"


def test_training_on_a_slice_learns_and_generalises_across_categories(data_dir):
    frame = pd.read_csv(data_dir / "reviews_slice.csv")
    features = featurise(frame["text"].tolist())
    logits = leave_one_category_out(frame, features)
    accuracy = np.mean((logits > 0) == frame["label"].to_numpy())
    assert accuracy > 0.7  # 360 reviews, each category unseen by its model


def test_temperature_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, 20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-z / 2.0))).astype(int)
    assert abs(fit_temperature(z, y) - 2.0) < 0.1


def test_model_file_round_trips_and_rebuilds_byte_identical(data_dir, tmp_path):
    frame = pd.read_csv(data_dir / "reviews_slice.csv")
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    data = tmp_path / "slice.csv"
    frame.to_csv(data, index=False)
    assert main(["--data", str(data), "--out", str(first)]) == 0
    assert main(["--data", str(data), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    model = SentimentModel.load(first)
    fresh = train(frame)
    assert model.vocabulary == fresh.vocabulary
    assert np.allclose(model.weights, fresh.weights, atol=1e-6)
    assert model.temperature == round(fresh.temperature, 8)


def test_fit_model_prefers_the_right_words():
    texts = ["很好", "非常好", "好用", "很差", "太差了", "难用"] * 5
    labels = [1, 1, 1, 0, 0, 0] * 5
    model = fit_model(featurise(texts), labels, min_df=1)
    good, bad = model.probabilities(featurise(["好", "差"]))
    assert good > 0.5 > bad


def _survey(verdict: str) -> list[str]:
    table = pd.read_csv(DATA_SETS / "survey_answers.tsv", sep="\t", comment="#")
    return table.loc[table["label"] == verdict, "text"].tolist()


def test_self_training_teaches_a_new_domains_words_the_side_of_its_verdicts():
    from analysis.text.sentiment_model import shipped_model

    # 二刷 (watch again) and 弃坑 (give up on a series) are unknown to the shipped model; in
    # this study they come with clear praise and clear complaints (labels never given).
    texts = [f"{t}我打算二刷。" for t in _survey("positive")]
    texts += [f"{t}我已经弃坑了。" for t in _survey("negative")]
    base = shipped_model()
    assert base.probabilities(featurise(["二刷", "弃坑"])).tolist() == [0.5, 0.5]
    adapted = self_trained(base, featurise(texts))
    again, quit_ = adapted.probabilities(featurise(["二刷", "弃坑"]))
    assert again > 0.6 and quit_ < 0.4
    assert adapted.meta["self_trained_on"] == len(texts)
    assert self_trained(base, featurise(texts)).weights.tolist() == adapted.weights.tolist()


def test_self_training_leaves_a_one_sided_study_alone():
    from analysis.text.sentiment_model import shipped_model

    base = shipped_model()
    assert self_trained(base, featurise(_survey("positive")[:20] * 3), share=0.1) is base
    assert self_trained(base, []) is base

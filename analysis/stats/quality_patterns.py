"""Quality signals that need the other respondents: near-identical answer sequences, answers
that look uniformly random, and one device answering again.

The closed answers of a response are its *sequence*: one code per single-answer item (a
single choice, dropdown, rating, NPS or matrix row), blank as its own code.

- `similar_sequences`: responses whose sequences agree on at least `SIMILAR_AGREEMENT` (90 %)
  of the items (at least `MIN_ITEMS` answered). Exact pairs among all n² would be slow on
  100,000 responses; instead the items are cut into d + 1 bands, d the most disagreements
  allowed, so two sequences within d of each other are equal on at least one band (the
  pigeonhole principle): only responses sharing a band are compared. A band value shared by
  more than `MAX_BUCKET` responses is a popular answer, not a form-filler, and is skipped
  (identical copies are the `duplicate` reason's).
- `random_answering`: the mean log-likelihood ratio per item of the response's answers under
  the answer distribution of each item among respondents at the same level (the third of
  the sample, ranked by mean scale answer, it falls in; counts + ½, leave-one-out) against the
  uniform distribution over the item's options. Careful answers follow their peers'
  distribution (expected ratio = its Kullback–Leibler divergence from uniform, > 0);
  uniform random clicks score below 0 on average (Jensen's inequality). Comparing with
  peers at the same level keeps a very satisfied person who ticks 5 everywhere from looking
  odd against the whole sample. The idea of the person-fit statistics of careless-response
  screening (Curran 2016, "Methods for the detection of carelessly invalid responses in
  survey data", J. Exp. Soc. Psych. 66); `person_total` is its person-total correlation,
  shown beside as evidence.
- `same_device`: a response from the same browser (the paradata's random per-questionnaire
  `device` id) as an earlier one submitted less than `DEVICE_WINDOW_S` before it.
- `same_address`: the same, for the keyed hash of the network address the server adds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.stats.table import iter_questions, kind_of, option_values, row_values

SIMILAR_AGREEMENT = 0.9
MIN_ITEMS = 8
MAX_BUCKET = 500
MIN_RESPONDENTS = 20
LEVELS = 3
DEVICE_WINDOW_S = 3600.0


def sequence_items(definition: dict[str, Any], frame: pd.DataFrame) -> list[tuple[str, int, bool]]:
    """(column, number of options, whether it is a scale) of each single-answer closed item
    present in *frame*; matrix rows, ratings and NPS are scales, choices are not."""
    items = []
    for q in iter_questions(definition):
        kind = kind_of(q)
        if kind == "choice" and q.get("options"):
            items.append((q["id"], len(option_values(q)), False))
        elif kind == "matrix" and q.get("options"):
            items += [(f"{q['id']}/{r}", len(option_values(q)), True) for r in row_values(q)]
        elif kind == "rating":
            items.append((q["id"], int(q.get("max", 5)), True))
        elif kind == "nps":
            items.append((q["id"], 11, True))
    return [item for item in items if item[0] in frame.columns and item[1] >= 2]


def answer_codes(frame: pd.DataFrame, items: list[tuple[str, int, bool]]) -> np.ndarray:
    """n × items int array: the option's position (0..k−1), −1 for blank or out of range."""
    codes = np.full((len(frame), len(items)), -1, dtype=np.int16)
    for j, (col, k, _) in enumerate(items):
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            c = s.cat.codes.to_numpy()
        else:  # ratings (1..max) and NPS (0..10) are numbers
            v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            c = np.where(np.isnan(v), -1, v - (0 if k == 11 else 1))
        c = np.where((c >= 0) & (c < k), c, -1)
        codes[:, j] = c
    return codes


def similar_sequences(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: how many other rows agree with it on ≥ SIMILAR_AGREEMENT of the items, and
    the highest agreement (share of items) found with any of them (0 when none)."""
    n, m = codes.shape
    similar = np.zeros(n, dtype=np.int64)
    best = np.zeros(n, dtype=float)
    answered = (codes >= 0).sum(axis=1)
    if m < MIN_ITEMS or n < 2:
        return similar, best
    allowed = int(np.floor((1 - SIMILAR_AGREEMENT) * m + 1e-9))
    bands = np.array_split(np.arange(m), allowed + 1)
    pairs: set[tuple[int, int]] = set()
    rows = np.flatnonzero(answered >= MIN_ITEMS)
    for band in bands:
        pairs.update(_band_pairs(codes, rows, band, m - allowed))
    for i, j in pairs:
        share = float((codes[i] == codes[j]).mean())
        similar[i] += 1
        similar[j] += 1
        best[i], best[j] = max(best[i], share), max(best[j], share)
    return similar, best


def answer_levels(codes: np.ndarray, sizes: list[int], groups: int = LEVELS) -> np.ndarray:
    """Per row: which third (by default) of the respondents it belongs to by its mean scale
    answer (as a share of each scale), by rank so the thirds are equal even where many
    means tie (ties in row order); −1 when it answered no scale item."""
    x = np.where(codes >= 0, codes / (np.asarray(sizes, dtype=float) - 1), np.nan)
    answered = np.flatnonzero((~np.isnan(x)).any(axis=1))
    level = np.full(len(codes), -1, dtype=np.int64)
    if not len(answered):
        return level
    order = np.argsort(np.nanmean(x[answered], axis=1), kind="stable")
    level[answered[order]] = np.arange(len(answered)) * groups // len(answered)
    return level


def _band_keys(block: np.ndarray) -> np.ndarray:
    """One int64 per row for its codes in the band (equal codes, equal key; a collision only
    adds a candidate, which the comparison then refuses)."""
    key = np.zeros(len(block), dtype=np.uint64)
    for j in range(block.shape[1]):
        key = key * np.uint64(1_000_003) + (block[:, j].astype(np.int64) + 2).astype(np.uint64)
    return key.view(np.int64)


def _band_pairs(
    codes: np.ndarray, rows: np.ndarray, band: np.ndarray, needed: int
) -> list[tuple[int, int]]:
    """Pairs (i < j) of *rows* equal on *band* and agreeing on at least *needed* items."""
    keys = _band_keys(codes[np.ix_(rows, band)])
    order = np.argsort(keys, kind="stable")
    sorted_keys, members = keys[order], rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    size_of = np.repeat(sizes, sizes)  # each sorted row's bucket size
    small = size_of <= MAX_BUCKET  # a popular band value is no form-filler
    found: list[tuple[int, int]] = []
    for offset in range(1, int(sizes[sizes <= MAX_BUCKET].max(initial=1))):
        left = np.flatnonzero(small[:-offset] & (sorted_keys[:-offset] == sorted_keys[offset:]))
        if not len(left):
            break
        a, b = members[left], members[left + offset]
        keep = (codes[a] == codes[b]).sum(axis=1) >= needed
        found += zip(np.minimum(a, b)[keep].tolist(), np.maximum(a, b)[keep].tolist(), strict=True)
    return found


def random_answering(
    codes: np.ndarray, sizes: list[int], levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the mean log-likelihood ratio per answered item of its answers under the
    answers of the respondents at its level (`answer_levels`; counts + ½, leave-one-out)
    against the uniform distribution (NaN under MIN_ITEMS answers or when fewer than
    MIN_RESPONDENTS share its level), and the number of items used."""
    n, _ = codes.shape
    llr = np.zeros(n, dtype=float)
    used = (codes >= 0).sum(axis=1)
    enough = np.zeros(n, dtype=bool)
    for level in np.unique(levels):
        rows = np.flatnonzero(levels == level)
        if len(rows) < MIN_RESPONDENTS:
            continue
        enough[rows] = True
        for j, k in enumerate(sizes):
            c = codes[rows, j]
            ok = c >= 0
            counts = np.bincount(c[ok], minlength=k).astype(float)
            # leave-one-out: a respondent's own answer is not part of the crowd it is judged by
            own = np.where(ok, counts[np.where(ok, c, 0)] - 1, 0.0)
            p = (own + 0.5) / (counts.sum() - 1 + 0.5 * k)
            llr[rows] += np.where(ok, np.log(p * k), 0.0)
    mean = np.where(enough & (used >= MIN_ITEMS), llr / np.maximum(used, 1), np.nan)
    return mean, used


def person_total(codes: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Per row: Pearson's r between the response's scale answers (positions as shares of the
    scale, 0–1) and the other respondents' mean answer to each item (leave-one-out): careful
    answers follow which items most people agree with, random ones do not (r near 0). NaN
    under MIN_ITEMS answers or when the answers do not vary (a straight line: see
    `straight_liner`)."""
    n, m = codes.shape
    if n < MIN_RESPONDENTS or m < MIN_ITEMS:
        return np.full(n, np.nan)
    x = np.where(codes >= 0, codes / (np.asarray(sizes, dtype=float) - 1), np.nan)
    answered = ~np.isnan(x)
    sums, counts = np.nansum(x, axis=0), answered.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        others = (sums - np.nan_to_num(x)) / (counts - answered)
        others = np.where(answered, others, np.nan)
        dx = x - np.nanmean(x, axis=1, keepdims=True)
        dy = others - np.nanmean(others, axis=1, keepdims=True)
        r = np.nansum(dx * dy, axis=1) / np.sqrt(
            np.nansum(dx**2, axis=1) * np.nansum(dy**2, axis=1)
        )
    return np.where(answered.sum(axis=1) >= MIN_ITEMS, r, np.nan)


def same_device(frame: pd.DataFrame) -> list[dict[str, Any] | None]:
    """Per row: {"of": earlier response_id, "minutes": gap} when the same device id submitted
    a response less than DEVICE_WINDOW_S earlier; None otherwise."""
    return _same_source(frame, "paradata/device")


def same_address(frame: pd.DataFrame) -> list[dict[str, Any] | None]:
    """As `same_device`, for the server's hash of the network address (`paradata/address`)."""
    return _same_source(frame, "paradata/address")


def _same_source(frame: pd.DataFrame, column: str) -> list[dict[str, Any] | None]:
    out: list[dict[str, Any] | None] = [None] * len(frame)
    if column not in frame.columns or "submitted_at" not in frame.columns:
        return out
    when = pd.to_datetime(frame["submitted_at"], errors="coerce", utc=True)
    ids = (
        frame["response_id"].tolist() if "response_id" in frame.columns else list(range(len(frame)))
    )
    last: dict[str, tuple[pd.Timestamp, object]] = {}
    order = np.argsort(when.to_numpy(dtype="datetime64[ns]"), kind="stable")
    devices = frame[column].tolist()
    for i in order:
        device, at = devices[i], when.iloc[i]
        if not isinstance(device, str) or not device or pd.isna(at):
            continue
        seen = last.get(device)
        if seen is not None and (at - seen[0]).total_seconds() < DEVICE_WINDOW_S:
            out[i] = {"of": seen[1], "minutes": (at - seen[0]).total_seconds() / 60}
        last[device] = (at, ids[i])
    return out

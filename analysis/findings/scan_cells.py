"""The insight scan's fast path: every level of a segment question against the rest at once.

One `bincount` per sum gives each level's n, Σy, Σy² (and, weighted, Σw, Σwy, Σwy², Σw²,
Σw²y, Σw²y²); the rest's sums are the totals minus the level's, and each test is then
array arithmetic over the levels. The formulas are those of the library functions the plain
path (`scan_reference`) calls cell by cell, and the tests hold the two paths equal:

- NPS: `scores.nps_difference` (Rocks 2016 adjusted Wald; weighted, each side's design
  effective n);
- shares: pooled two-proportion z test, Newcombe's interval (`differences.proportion_difference`),
  Cohen's h; weighted, the design-based t of `weighted_groups.design_group_test`;
- means: Welch's t (`differences.mean_difference`), Cohen's d (`groups.cohens_d`); weighted,
  the design-based t and the weighted pooled SD of `weighted_groups.weighted_comparison`;
- a choice question: the 2 × k table of each level against the rest, tested by
  `crosstab.independence_test` (weighted, `crosstab.rao_scott_test`) as `crosstab` would.

Values are centred on their mean before squaring so the one-pass sums keep their digits.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy import stats

from analysis.stats.crosstab import independence_test, rao_scott_test
from analysis.stats.errors import StatsWarning
from analysis.stats.estimates import wilson_interval, z_value
from analysis.stats.scores import NPS_PSEUDO

Cells = dict[str, np.ndarray]


def _sums(codes: np.ndarray, k: int, values: np.ndarray | None) -> tuple[np.ndarray, float]:
    per = np.bincount(codes, weights=values, minlength=k).astype(float)
    return per, float(per.sum())


def _split(codes: np.ndarray, k: int, values: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(the level's sum, the rest's sum) of `values` for each level."""
    per, total = _sums(codes, k, values)
    return per, total - per


def _t_test(diff: np.ndarray, se: np.ndarray, dof: np.ndarray, confidence: float) -> Cells:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = diff / se
        half = stats.t.ppf(1 - (1 - confidence) / 2, dof) * se
        p = 2 * stats.t.sf(np.abs(t), dof)
    bad = ~(se > 0)
    return {
        "p": np.where(bad, np.nan, p),
        "ci_low": np.where(bad, np.nan, diff - half),
        "ci_high": np.where(bad, np.nan, diff + half),
    }


def mean_cells(
    y: np.ndarray, codes: np.ndarray, k: int, w: np.ndarray | None, confidence: float
) -> Cells:
    """Level − rest of the mean of `y` (answered rows only): Welch, or design-based."""
    y = y - y.mean() if y.size else y
    n_a, n_b = _split(codes, k, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        if w is None:
            s_a, s_b = _split(codes, k, y)
            q_a, q_b = _split(codes, k, y * y)
            m_a, m_b = s_a / n_a, s_b / n_b
            v_a, v_b = (q_a - s_a * m_a) / (n_a - 1), (q_b - s_b * m_b) / (n_b - 1)
            e_a, e_b = v_a / n_a, v_b / n_b
            se = np.sqrt(e_a + e_b)
            dof = (e_a + e_b) ** 2 / (e_a**2 / (n_a - 1) + e_b**2 / (n_b - 1))
            pooled = ((n_a - 1) * v_a + (n_b - 1) * v_b) / (n_a + n_b - 2)
        else:
            n = float(y.size)
            big_w = _split(codes, k, w)
            wy = _split(codes, k, w * y)
            wyy = _split(codes, k, w * y * y)
            w2 = _split(codes, k, w * w)
            w2y = _split(codes, k, w * w * y)
            w2yy = _split(codes, k, w * w * y * y)
            m_a, m_b = wy[0] / big_w[0], wy[1] / big_w[1]
            var = [
                n / (n - 1) * (w2yy[i] - 2 * m * w2y[i] + m * m * w2[i]) / big_w[i] ** 2
                for i, m in ((0, m_a), (1, m_b))
            ]
            se = np.sqrt(var[0] + var[1])
            dof = np.full(k, n - 2)
            # `weighted_sd`: Σw(y − ȳ)²/Σw · n/(n − 1) on each side's own n
            v_a = (wyy[0] - m_a * wy[0]) / big_w[0] * n_a / (n_a - 1)
            v_b = (wyy[1] - m_b * wy[1]) / big_w[1] * n_b / (n_b - 1)
            pooled = ((n_a - 1) * v_a + (n_b - 1) * v_b) / (n_a + n_b - 2)
        diff = m_a - m_b
        effect = np.where(pooled > 0, diff / np.sqrt(pooled), np.nan)
    return {"n_a": n_a, "n_b": n_b, "difference": diff, "effect": effect} | _t_test(
        diff, se, dof, confidence
    )


def share_cells(
    hit: np.ndarray, codes: np.ndarray, k: int, w: np.ndarray | None, confidence: float
) -> Cells:
    """Level − rest of the share of `hit` (0/1), in percentage points; Cohen's h."""
    n_a, n_b = _split(codes, k, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        if w is None:
            x_a, x_b = _split(codes, k, hit)
            p_a, p_b = x_a / n_a, x_b / n_b
            pooled = (x_a + x_b) / (n_a + n_b)
            var = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
            z = (p_a - p_b) / np.sqrt(var)
            p = np.where(var > 0, 2 * stats.norm.sf(np.abs(z)), np.nan)
            l_a, u_a = wilson_interval(x_a, n_a, confidence=confidence)
            l_b, u_b = wilson_interval(x_b, n_b, confidence=confidence)
            d = p_a - p_b
            out = {
                "p": p,
                "ci_low": (d - np.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)) * 100,
                "ci_high": (d + np.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)) * 100,
            }
        else:
            design = mean_cells(hit.astype(float), codes, k, w, confidence)
            big_w = _split(codes, k, w)
            wx = _split(codes, k, w * hit)
            p_a, p_b = wx[0] / big_w[0], wx[1] / big_w[1]
            out = {
                "p": design["p"],
                "ci_low": design["ci_low"] * 100,
                "ci_high": design["ci_high"] * 100,
            }
        h = 2 * np.arcsin(np.sqrt(p_a)) - 2 * np.arcsin(np.sqrt(p_b))
    return {"n_a": n_a, "n_b": n_b, "difference": (p_a - p_b) * 100, "effect": h} | out


def _nps_parts(
    n: np.ndarray, pro: np.ndarray, det: np.ndarray, var_lin: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(adjusted NPS, variance per observation, adjusted n) as `scores._nps_adjusted`."""
    if var_lin is None:
        n_eff = n
    else:
        spread = pro + det - (pro - det) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            n_eff = np.where((n >= 2) & (var_lin > 0), spread / var_lin, n)
    n_adj = n_eff + sum(NPS_PSEUDO.values())
    p = (pro * n_eff + NPS_PSEUDO["promoters"]) / n_adj
    d = (det * n_eff + NPS_PSEUDO["detractors"]) / n_adj
    return p - d, np.maximum(p + d - (p - d) ** 2, 0.0), n_adj


def nps_cells(
    y: np.ndarray, codes: np.ndarray, k: int, w: np.ndarray | None, confidence: float
) -> Cells:
    """Level − rest of the NPS (`y` = ±100/0 per respondent), adjusted-Wald interval."""
    pro, det = (y > 0).astype(float), (y < 0).astype(float)
    n = _split(codes, k, None)
    ww = np.ones(y.size) if w is None else w
    big_w = _split(codes, k, ww)
    sides = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in (0, 1):
            p_pro = _split(codes, k, ww * pro)[i] / big_w[i]
            p_det = _split(codes, k, ww * det)[i] / big_w[i]
            var_lin = None
            if w is not None:
                s = pro - det
                m = p_pro - p_det
                w2 = _split(codes, k, w * w)[i]
                w2s = _split(codes, k, w * w * s)[i]
                w2ss = _split(codes, k, w * w * s * s)[i]
                ss = w2ss - 2 * m * w2s + m * m * w2
                var_lin = n[i] / (n[i] - 1) * ss / big_w[i] ** 2
            sides.append((p_pro - p_det, *_nps_parts(n[i], p_pro, p_det, var_lin)))
        (raw_a, adj_a, var_a, n_a), (raw_b, adj_b, var_b, n_b) = sides
        se = np.sqrt(var_a / n_a + var_b / n_b)
        delta = adj_a - adj_b
        half = z_value(confidence) * se
        p = 2 * stats.norm.sf(np.abs(delta / se))
    diff = (raw_a - raw_b) * 100
    return {
        "n_a": n[0],
        "n_b": n[1],
        "difference": diff,
        "effect": diff,
        "p": p,
        "ci_low": np.maximum((delta - half) * 100, -200.0),
        "ci_high": np.minimum((delta + half) * 100, 200.0),
    }


def choice_tables(
    x: np.ndarray, k_opt: int, codes: np.ndarray, k: int, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(counts, weighted counts, squared weights) of level × option, each (k, k_opt)."""
    flat = codes * k_opt + x
    shape = (k, k_opt)
    counts = np.bincount(flat, minlength=k * k_opt).reshape(shape)
    if w is None:
        return counts, None, None
    mass = np.bincount(flat, weights=w, minlength=k * k_opt).reshape(shape)
    squares = np.bincount(flat, weights=w * w, minlength=k * k_opt).reshape(shape)
    return counts, mass, squares


def level_table_test(
    counts: np.ndarray, mass: np.ndarray | None, squares: np.ndarray | None, level: int
) -> dict[str, Any]:
    """The test of one level's row against the rest (empty options left out, as `crosstab`
    does); a small-expected warning becomes the result's `small_expected` field."""
    keep = counts.sum(axis=0) > 0

    def two_rows(table: np.ndarray) -> np.ndarray:
        row = table[level][keep]
        return np.vstack([row, table.sum(axis=0)[keep] - row])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        if mass is None or squares is None:
            return independence_test(two_rows(counts))
        return rao_scott_test(two_rows(mass), two_rows(squares), int(counts.sum()))

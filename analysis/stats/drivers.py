"""Key-driver analysis of an overall score: standardised β with (design-based) standard
errors, R², relative importance (Johnson's relative weights, LMG) and collinearity (VIF)."""

from __future__ import annotations

import math
import warnings
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from analysis.stats.errors import Code, StatsInputError, StatsWarning
from analysis.stats.matrix import complete_rows, pair_correlation

#: A driver whose variance inflation factor exceeds this shares so much with the other drivers
#: that its β is not to be read on its own (Kutner, Nachtsheim, Neter & Li 2005, *Applied
#: Linear Statistical Models*, 5th ed., §10.5: "a maximum VIF value in excess of 10 is
#: frequently taken as an indication that multicollinearity may be unduly influencing the
#: least squares estimates"). The stricter VIF ≥ 5 of some texts is not used.
VIF_LIMIT = 10.0

#: LMG averages over every subset of drivers (2^k regressions); above this many drivers only
#: Johnson's relative weights, which need one eigendecomposition, are given.
LMG_MAX_DRIVERS = 12


def variance_inflation(z: np.ndarray) -> np.ndarray:
    """VIF_j = 1 / (1 − R²_j), R²_j from the OLS of driver j on the other drivers (columns of
    the centred `z`; rows pre-multiplied by √w for weights), read off their correlation
    matrix (`subset_r_squared`); inf when driver j is an exact linear combination of the
    others. statsmodels: `variance_inflation_factor(add_constant(X), j)`; R: `car::vif`."""
    k = z.shape[1]
    gram = z.T @ z
    corr = gram / np.sqrt(np.outer(np.diag(gram), np.diag(gram)))
    out = np.ones(k)
    for j in range(k if k > 1 else 0):
        order = [j, *(i for i in range(k) if i != j)]
        resid = 1 - subset_r_squared(corr[np.ix_(order, order)], tuple(range(1, k)))
        out[j] = math.inf if resid < 1e-10 else 1 / resid
    return out


def subset_r_squared(corr: np.ndarray, subset: tuple[int, ...]) -> float:
    """R² of the outcome (index 0 of the correlation matrix `corr`) on the drivers in
    `subset` (indices 1..k): r_S' R_SS⁺ r_S (a pseudo-inverse, so collinear sets work)."""
    if not subset:
        return 0.0
    idx = list(subset)
    r = corr[0, idx]
    return float(r @ np.linalg.pinv(corr[np.ix_(idx, idx)]) @ r)


def lmg(corr: np.ndarray) -> np.ndarray:
    """LMG (Lindeman, Merenda & Gold 1980; Shapley value of R²): each driver's increase in R²
    when it enters, averaged over all k! orders, computed over subsets:

        LMG_j = Σ_{S ⊆ others} |S|!(k−|S|−1)!/k! · (R²(S ∪ j) − R²(S))

    The weights sum to the full R². R: `relaimpo::calc.relimp(fit, type = "lmg")`."""
    k = corr.shape[0] - 1
    drivers = range(1, k + 1)
    r2: dict[tuple[int, ...], float] = {(): 0.0}
    for size in range(1, k + 1):
        for s in combinations(drivers, size):
            r2[s] = subset_r_squared(corr, s)
    out = np.zeros(k)
    for j in drivers:
        others = [d for d in drivers if d != j]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for s in combinations(others, size):
                out[j - 1] += weight * (r2[tuple(sorted((*s, j)))] - r2[s])
    return out


def relative_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson's relative weights (Johnson 2000, Multivariate Behav. Res. 35:1–19): regress
    the outcome on the orthogonal counterparts of the drivers, Λ = R_xx^{1/2} = QΔ^{1/2}Q',
    β* = Λ⁻¹ r_xy, and give driver j  ε_j = Σ_m Λ_jm² β*_m².  The weights sum to R²."""
    rxx, rxy = corr[1:, 1:], corr[1:, 0]
    eigval, eigvec = np.linalg.eigh(rxx)
    lam = eigvec @ np.diag(np.sqrt(np.clip(eigval, 0, None))) @ eigvec.T
    beta = np.linalg.pinv(lam) @ rxy
    weights: np.ndarray = (lam**2) @ (beta**2)
    return weights


def _standardise(data: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted z-scores (weights 1: the usual ones, SD with n − 1) and their SDs."""
    mean = (w[:, None] * data).sum(axis=0) / w.sum()
    centred = data - mean
    n = data.shape[0]
    sd = np.sqrt((w[:, None] * centred**2).sum(axis=0) / w.sum() * n / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return centred / sd, sd


def key_drivers(
    frame: pd.DataFrame,
    outcome: str,
    drivers: list[str],
    *,
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Which answers move an overall score, over listwise complete cases.

    For each driver: its Pearson r with the outcome (`correlation`), the standardised
    regression weight β of the OLS of z(outcome) on all z(drivers) (R `lm(scale(y) ~
    scale(x1) + ...)`), β's standard error, t-based p and interval (df = n − k − 1), its
    VIF, and two relative-importance shares of R² (`lmg`, `relative_weights`), which unlike
    β never go negative and split the R² the drivers share.

    Standard errors: unweighted, the OLS ones of the standardised model; with `weights`
    (probability weights), β is the weighted least-squares fit on weighted z-scores and its
    SE is the linearised (sandwich) one of R `survey::svyglm(zy ~ zx, svydesign(ids = ~1,
    weights = ~w))`:  V = n/(n−1) · B⁻¹ (Σ w_i² e_i² z_i z_i') B⁻¹,  B = Σ w_i z_i z_i'.
    The z-scores' own sampling error is ignored, as `lm(scale(...))` ignores it.

    A driver that is an exact linear combination of others (two identical questions) has no
    β of its own: any split fits equally well, so its β and SE are NaN and
    `beta_determined` False; LMG and relative weights still split the shared R² evenly.
    Above `VIF_LIMIT` the β is computed but unstable; either way `caution =
    "collinear_drivers"`, `collinear` names the drivers, and a `StatsWarning` says so.
    """
    cols = [outcome, *drivers]
    if len(drivers) < 1:
        raise StatsInputError(location="drivers", code=Code.TOO_FEW_DRIVERS)
    if len(set(cols)) != len(cols):
        raise StatsInputError(location="drivers", code=Code.DRIVERS_OVERLAP)
    data, w = complete_rows(frame, cols, weights)
    n, k = int(data.shape[0]), len(drivers)
    out: dict[str, Any] = {
        "outcome": outcome,
        "n": n,
        "r_squared": math.nan,
        "weighted": weights is not None,
        "se_method": "linearised" if weights is not None else "ols",
        "importance_methods": ["lmg", "relative_weights"],
        "confidence": confidence,
        "vif_limit": VIF_LIMIT,
        "drivers": {},
        "caution": None,
        "collinear": [],
        "notes": [],
    }
    nan = np.full(k, np.nan)
    betas, se, vif, lmg_w, rel_w = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
    usable = n > k + 1
    if usable:
        z, sd = _standardise(data, w)
        usable = bool(np.all(sd > 0))
    if usable:
        root = np.sqrt(w / w.mean())[:, None]
        zw = z * root
        bread = np.linalg.pinv(zw[:, 1:].T @ zw[:, 1:])
        betas = bread @ zw[:, 1:].T @ zw[:, 0]
        resid = z[:, 0] - z[:, 1:] @ betas
        out["r_squared"] = float(1 - (w * resid**2).sum() / (w * z[:, 0] ** 2).sum())
        if weights is None:
            cov = bread * (resid**2).sum() / (n - k - 1)
        else:
            infl = (z[:, 1:] * (w / w.mean() * resid)[:, None]) @ bread
            cov = n / (n - 1) * infl.T @ infl
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        vif = variance_inflation(zw[:, 1:])
        betas = np.where(np.isinf(vif), np.nan, betas)
        se = np.where(np.isinf(vif), np.nan, se)
        gram = zw.T @ zw  # zw is weighted-centred: this is the weighted covariance
        corr = gram / np.sqrt(np.outer(np.diag(gram), np.diag(gram)))
        rel_w = relative_weights(corr)
        if k <= LMG_MAX_DRIVERS:
            lmg_w = lmg(corr)
        else:
            out["importance_methods"] = ["relative_weights"]
            out["notes"].append(f"LMG is given for at most {LMG_MAX_DRIVERS} drivers")
        out["collinear"] = [d for d, v in zip(drivers, vif, strict=True) if v > VIF_LIMIT]
        if out["collinear"]:
            out["caution"] = "collinear_drivers"
            warnings.warn(
                f"{outcome}: drivers {', '.join(out['collinear'])} overlap "
                f"(VIF > {VIF_LIMIT:g}), their β cannot be told apart",
                StatsWarning,
                stacklevel=2,
            )
    df = n - k - 1
    t_crit = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) if df > 0 else math.nan
    r2 = out["r_squared"]
    r_weighted = weights is None
    for j, name in enumerate(drivers):
        r, r_weighted = pair_correlation(
            data[:, j + 1], data[:, 0], weights=None if weights is None else w
        )
        tval = betas[j] / se[j] if se[j] > 0 else math.nan
        out["drivers"][name] = {
            "r": r["r"],
            "r_p": r["p"],
            "beta": float(betas[j]),
            "beta_se": float(se[j]),
            "beta_p": float(2 * stats.t.sf(abs(tval), df)) if df > 0 else math.nan,
            "beta_ci": [float(betas[j] - t_crit * se[j]), float(betas[j] + t_crit * se[j])],
            "vif": float(vif[j]),
            "beta_determined": bool(usable and np.isfinite(vif[j])),
            "lmg": float(lmg_w[j]),
            "relative_weight": float(rel_w[j]),
            "relative_weight_share": float(rel_w[j] / r2) if r2 > 0 else math.nan,
        }
    if weights is not None and not r_weighted:
        out["notes"].append("r and its p are unweighted")
    return out

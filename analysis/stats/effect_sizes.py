"""Effect sizes with confidence intervals, for the group, paired and one-sample tests.

Intervals of standardised effects come from inverting a noncentral distribution (Steiger &
Fouladi 1997, "Noncentrality interval estimation"; Steiger 2004, Psychol. Methods 9:164):
the interval of the noncentrality parameter that makes the observed t (or F) the α/2 and
1 − α/2 quantile, mapped to the effect's scale. R: `MBESS::ci.smd`, `effectsize::cohens_d`,
`effectsize::F_to_eta2(..., alternative = "two.sided")`. Each function returns
{"value", "ci_low", "ci_high", "confidence", "method"}.
"""

from __future__ import annotations

import math
from typing import Any

from scipy import optimize, special, stats

from analysis.stats.estimates import z_value


def _entry(value: float, low: float, high: float, confidence: float, method: str) -> dict[str, Any]:
    return {
        "value": float(value),
        "ci_low": float(low),
        "ci_high": float(high),
        "confidence": confidence,
        "method": method,
    }


def _nan_entry(confidence: float, method: str) -> dict[str, Any]:
    return _entry(math.nan, math.nan, math.nan, confidence, method)


def noncentral_t_interval(t: float, df: float, confidence: float) -> tuple[float, float]:
    """Noncentrality parameters δ_L, δ_U with P(T ≥ t | δ_L) = α/2 and P(T ≤ t | δ_U) = α/2."""
    alpha = 1 - confidence
    if not (math.isfinite(t) and df > 0):
        return math.nan, math.nan
    # the interval is about t ± z·√(1 + t²/2df); scipy's nct.cdf is NaN far in its tails,
    # where the cdf is 0 (δ far above t) or 1 (δ far below)
    span = 4 * (3 + abs(t) / math.sqrt(2 * df)) + 1

    def cdf(d: float) -> float:
        v = stats.nct.cdf(t, df, d)
        return (0.0 if d > t else 1.0) if math.isnan(v) else v

    def root(target: float) -> float:
        return optimize.brentq(lambda d: cdf(d) - target, t - span, t + span, xtol=1e-12)

    return root(1 - alpha / 2), root(alpha / 2)


def hedges_correction(df: float) -> float:
    """J(df) = Γ(df/2) / (√(df/2) Γ((df−1)/2)), Hedges (1981), exact form."""
    if df <= 1:
        return math.nan
    return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)


def standardised_difference(
    d: float, scale: float, df: float, *, confidence: float = 0.95, name: str = "cohens_d"
) -> dict[str, Any]:
    """An effect d = t / `scale` (two groups: scale = √(na·nb/(na+nb)), paired or one sample:
    √n) with its noncentral-t interval δ / scale on `df` degrees of freedom."""
    if not (math.isfinite(d) and df > 0):
        return _nan_entry(confidence, "noncentral_t")
    low, high = noncentral_t_interval(d * scale, df, confidence)
    return _entry(d, low / scale, high / scale, confidence, "noncentral_t") | {"name": name}


def hedges_g(d_entry: dict[str, Any], df: float) -> dict[str, Any]:
    """Hedges' g = J(df)·d, its interval the d interval times J (as `effectsize::hedges_g`)."""
    j = hedges_correction(df)
    return d_entry | {
        "value": d_entry["value"] * j,
        "ci_low": d_entry["ci_low"] * j,
        "ci_high": d_entry["ci_high"] * j,
        "name": "hedges_g",
    }


def eta_squared_interval(
    f: float, df1: float, df2: float, *, confidence: float = 0.95
) -> tuple[float, float]:
    """(low, high) of η² from the noncentral F: the λ interval with F the 1 − α/2 and α/2
    quantile (a bound at 0 when F is too small), η² = λ / (λ + df1 + df2 + 1) (Steiger 2004,
    one-way design, N = df1 + df2 + 1)."""
    alpha = 1 - confidence
    if not (math.isfinite(f) and df1 > 0 and df2 > 0):
        return math.nan, math.nan

    def lam(target: float) -> float:
        def g(x: float) -> float:
            return float(stats.ncf.cdf(f, df1, df2, x)) - target

        if g(0.0) <= 0:
            return 0.0
        high = max(10.0, 2 * f * df1)
        while g(high) > 0:
            high *= 2
        return float(optimize.brentq(g, 0.0, high, xtol=1e-10))

    n = df1 + df2 + 1
    lo, hi = lam(1 - alpha / 2), lam(alpha / 2)
    return lo / (lo + n), hi / (hi + n)


def rank_biserial(u: float, na: int, nb: int, *, confidence: float = 0.95) -> dict[str, Any]:
    """Rank-biserial r = 2U/(na·nb) − 1 (Wendt 1972; U counts pairs with a above b, ties ½):
    +1 when every a is above every b. Interval: Fisher's z with SE = √((na+nb+1)/(3·na·nb)),
    as R `effectsize::rank_biserial`."""
    if na < 1 or nb < 1:
        return _nan_entry(confidence, "fisher_z")
    r = 2 * u / (na * nb) - 1
    se = math.sqrt((na + nb + 1) / (3 * na * nb))
    return _fisher_z(r, se, confidence) | {"name": "rank_biserial"}


def matched_rank_biserial(
    t_plus: float, t_minus: float, n: int, *, confidence: float = 0.95
) -> dict[str, Any]:
    """Matched-pairs rank-biserial r = (T⁺ − T⁻)/(T⁺ + T⁻) (Kerby 2014) over the n non-zero
    differences; Fisher-z interval with SE = √((2n³+3n²+n)/6) / (n(n+1)/2), as R
    `effectsize::rank_biserial(paired = TRUE)`."""
    if n < 1 or t_plus + t_minus <= 0:
        return _nan_entry(confidence, "fisher_z")
    r = (t_plus - t_minus) / (t_plus + t_minus)
    se = math.sqrt((2 * n**3 + 3 * n**2 + n) / 6) / (n * (n + 1) / 2)
    return _fisher_z(r, se, confidence) | {"name": "rank_biserial"}


def _fisher_z(r: float, se: float, confidence: float) -> dict[str, Any]:
    z = z_value(confidence)
    centre = math.atanh(max(min(r, 1 - 1e-15), -1 + 1e-15))
    return _entry(r, math.tanh(centre - z * se), math.tanh(centre + z * se), confidence, "fisher_z")


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h = 2·asin√p₁ − 2·asin√p₂ (Cohen 1988, eq. 6.2.2)."""
    if not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        return math.nan
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))

"""Inter-coder agreement on a coded transcript: Cohen's kappa and percent agreement per code.

The unit of analysis is the speaker turn: for each code, each coder either applied it somewhere
in a turn or did not. That gives one 2 × 2 table per code (MAXQDA's "segment" agreement and
QualCoder's per-text agreement are variants of the same idea; character-level agreement is
left for later).

    p_o   = (both yes + both no) / n                       (percent agreement)
    p_e   = (a_yes / n)(b_yes / n) + (a_no / n)(b_no / n)  (chance agreement)
    kappa = (p_o - p_e) / (1 - p_e)

Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
Psychological Measurement 20(1), 37–46. Equivalent: ``sklearn.metrics.cohen_kappa_score``;
R ``irr::kappa2``. When both coders put every unit in the same category, p_e = 1 and kappa is
undefined: it is returned as NaN (percent agreement still says 100 %).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

CodeT = TypeVar("CodeT", bound=Hashable)
UnitT = TypeVar("UnitT", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Kappa:
    kappa: float
    observed: float  # p_o, the proportion of units both coders put in the same category
    expected: float  # p_e, agreement expected by chance from each coder's marginals
    n: int


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> Kappa:
    """Cohen's kappa of two coders' category labels for the same units (any labels)."""
    if len(a) != len(b):
        raise ValueError(f"the coders rated different numbers of units ({len(a)} and {len(b)})")
    n = len(a)
    if n == 0:
        raise ValueError("no units to compare")
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    categories = set(a) | set(b)
    expected = sum((list(a).count(c) / n) * (list(b).count(c) / n) for c in categories)
    kappa = math.nan if math.isclose(expected, 1.0) else (observed - expected) / (1 - expected)
    return Kappa(kappa=kappa, observed=observed, expected=expected, n=n)


@dataclass(frozen=True, slots=True)
class CodeAgreement(Generic[CodeT]):
    code: CodeT
    n: int  # units compared
    both: int  # units both coders coded with this code
    only_a: int
    only_b: int
    neither: int
    percent_agreement: float  # 0–100
    kappa: float  # NaN when undefined (see module docstring)


def agreement_by_code(
    units: Iterable[UnitT],
    coded_a: Mapping[CodeT, Iterable[UnitT]],
    coded_b: Mapping[CodeT, Iterable[UnitT]],
) -> list[CodeAgreement[CodeT]]:
    """Per code, agreement of two coders over `units`.

    `coded_a[code]` is the set of units coder A applied `code` to (likewise B). Codes are
    reported in the order first seen in `coded_a`, then `coded_b`.
    """
    unique = list(dict.fromkeys(units))
    if not unique:
        raise ValueError("no units to compare")
    unit_set = set(unique)
    results = []
    for code in dict.fromkeys([*coded_a, *coded_b]):
        a = set(coded_a.get(code, ())) & unit_set
        b = set(coded_b.get(code, ())) & unit_set
        stats = cohen_kappa([u in a for u in unique], [u in b for u in unique])
        both = len(a & b)
        results.append(
            CodeAgreement(
                code=code,
                n=len(unique),
                both=both,
                only_a=len(a - b),
                only_b=len(b - a),
                neither=len(unique) - len(a | b),
                percent_agreement=100 * stats.observed,
                kappa=stats.kappa,
            )
        )
    return results

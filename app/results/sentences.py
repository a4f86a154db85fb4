"""Plain-language sentences about the engine's results, in the reader's language."""

from flask_babel import gettext as _

SIGNIFICANCE = 0.05


def _strength(cramers_v: float | None) -> str:
    """Cohen's (1988) conventions for an association's effect size."""
    if cramers_v is None:
        return ""
    if cramers_v < 0.1:
        return _("a negligible association")
    if cramers_v < 0.3:
        return _("a weak association")
    if cramers_v < 0.5:
        return _("a moderate association")
    return _("a strong association")


def _label(figures: dict, column: str, value: str) -> str:
    question = figures["questions"].get(column.split("/")[0], {})
    return question.get("labels", {}).get(value, value)


def _title(figures: dict, column: str) -> str:
    return figures["questions"].get(column.split("/")[0], {}).get("title") or column


def format_p(p: float) -> str:
    """APA style: "p = 0.032", and "p < 0.001" rather than a misleading "p = 0.000"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def crosstab_sentence(crosstab: dict, figures: dict) -> str:
    row, col = _title(figures, crosstab["row"]), _title(figures, crosstab["col"])
    p = crosstab.get("p")
    if not crosstab.get("n") or p is None:
        return _("Too few answers to test “%(row)s” against “%(col)s”.", row=row, col=col)
    p_text = format_p(p)
    if crosstab.get("test") == "fisher":
        test = _("Fisher's exact test, %(p)s", p=p_text)
    else:
        test = _(
            "χ²(%(dof)d) = %(chi2).2f, %(p)s", dof=crosstab["dof"], chi2=crosstab["chi2"], p=p_text
        )
    v = crosstab.get("cramers_v")
    effect = (
        _("Cramér's V = %(v).2f, %(strength)s", v=v, strength=_strength(v)) if v is not None else ""
    )
    if p >= SIGNIFICANCE:
        sentence = _(
            "No evidence that “%(row)s” and “%(col)s” are related "
            "(%(test)s; %(effect)s; n = %(n)d).",
            row=row, col=col, test=test, effect=effect, n=crosstab["n"],
        )  # fmt: skip
    else:
        sentence = _(
            "“%(row)s” and “%(col)s” are related (%(test)s; %(effect)s; n = %(n)d).",
            row=row, col=col, test=test, effect=effect, n=crosstab["n"],
        )  # fmt: skip
        cell = _largest_residual(crosstab)
        if cell is not None:
            i, j, residual = cell
            sentence += _(
                " Most different from chance: %(row_value)s × %(col_value)s "
                "(adjusted residual %(residual)+.1f).",
                row_value=_label(figures, crosstab["row"], crosstab["row_values"][i]),
                col_value=_label(figures, crosstab["col"], crosstab["col_values"][j]),
                residual=residual,
            )
    if crosstab.get("small_expected"):  # the engine's StatsWarning, said to the reader
        sentence += _(
            " Caution: more than a fifth of the cells expect fewer than 5 answers, so the "
            "p-value is only approximate."
        )
    return sentence


def _largest_residual(crosstab: dict):
    best = None
    for i, row in enumerate(crosstab.get("residuals") or []):
        for j, value in enumerate(row):
            if (
                value is not None
                and abs(value) >= 1.96
                and (best is None or abs(value) > abs(best[2]))
            ):
                best = (i, j, value)
    return best

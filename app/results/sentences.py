"""Plain-language sentences about the engine's results, in the reader's language.

What to say is decided by `analysis.stats.narrator` (the same statements the CLI prints);
this module only words them through Flask-Babel.
"""

from flask_babel import gettext as _

from analysis.stats.narrator import Statement, crosstab_statements, format_p

__all__ = ["crosstab_sentence", "format_p"]


def _strength(name: str | None) -> str:
    """The narrator's Cohen (1988) label, in words."""
    return {
        "negligible": _("a negligible association"),
        "weak": _("a weak association"),
        "moderate": _("a moderate association"),
        "strong": _("a strong association"),
    }.get(name or "", "")


def _label(figures: dict, column: str, value: str) -> str:
    question = figures["questions"].get(column.split("/")[0], {})
    return question.get("labels", {}).get(value, value)


def _title(figures: dict, column: str) -> str:
    return figures["questions"].get(column.split("/")[0], {}).get("title") or column


def _verdict(s: Statement, row: str, col: str) -> str:
    n = s.params["n"]
    p_text = format_p(s.params["p"])
    if s.params["test"] == "fisher":
        test = _("Fisher's exact test, %(p)s", p=p_text)
    else:
        dof, chi2 = s.params["dof"], s.params["chi2"]
        test = _("χ²(%(dof)d) = %(chi2).2f, %(p)s", dof=dof, chi2=chi2, p=p_text)
    v = s.params["cramers_v"]
    effect = (
        _("Cramér's V = %(v).2f, %(strength)s", v=v, strength=_strength(s.params["strength"]))
        if v is not None
        else ""
    )
    if s.code == "crosstab_unrelated":
        return _(
            "No evidence that “%(row)s” and “%(col)s” are related "
            "(%(test)s; %(effect)s; n = %(n)d).",
            row=row, col=col, test=test, effect=effect, n=n,
        )  # fmt: skip
    return _(
        "“%(row)s” and “%(col)s” are related (%(test)s; %(effect)s; n = %(n)d).",
        row=row, col=col, test=test, effect=effect, n=n,
    )  # fmt: skip


def crosstab_sentence(crosstab: dict, figures: dict) -> str:
    row, col = _title(figures, crosstab["row"]), _title(figures, crosstab["col"])
    sentence = ""
    for s in crosstab_statements(crosstab):
        if s.code == "crosstab_untestable":
            sentence += _("Too few answers to test “%(row)s” against “%(col)s”.", row=row, col=col)
        elif s.code in ("crosstab_related", "crosstab_unrelated"):
            sentence += _verdict(s, row, col)
        elif s.code == "crosstab_most_different":
            sentence += _(
                " Most different from chance: %(row_value)s × %(col_value)s "
                "(adjusted residual %(residual)+.1f).",
                row_value=_label(figures, crosstab["row"], crosstab["row_values"][s.params["row"]]),
                col_value=_label(figures, crosstab["col"], crosstab["col_values"][s.params["col"]]),
                residual=s.params["residual"],
            )
        elif s.code == "caution_small_expected":
            sentence += _(
                " Caution: more than a fifth of the cells expect fewer than 5 answers, so the "
                "p-value is only approximate."
            )
    return sentence

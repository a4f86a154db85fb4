"""Exception and warning types of the statistics engine.

The web layer turns a `StatsInputError` into a message beside the field it names; a
`StatsWarning` marks a result that was computed but deserves a caveat (too few answers, a
test that cannot run). Both carry the place of the problem (a question id or column name).
"""


class StatsInputError(ValueError):
    """Bad input to a statistic: the message says what, `location` says where."""

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location


class UnknownColumnError(StatsInputError):
    """A name that is not a column of the response table: a usage error (CLI exit code 2)."""


class StatsWarning(UserWarning):
    """A caveat on a computed statistic (never silenced by the engine itself)."""

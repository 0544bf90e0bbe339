"""Typed errors of the engine.

Every user error names *what* is wrong (file, variable or column), *where* (row, time
or key) and the *rule* it breaks, in one line, so that the command line can print it
without a traceback and exit with code 2.
"""

from __future__ import annotations


class ReductionsError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(ReductionsError, ValueError):
    """Bad input from the user: a file, a column, a value, a unit or a setting.

    Parameters
    ----------
    message
        What is wrong, in one line.
    file
        The file concerned, as the user named it.
    variable
        The variable, column, key or parameter concerned.
    where
        The row, time or table concerned.
    rule
        The rule that is broken.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        variable: str | None = None,
        where: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.variable = variable
        self.where = where
        self.rule = rule
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.variable:
            parts.append(f"variable {self.variable!r}")
        if self.where:
            parts.append(str(self.where))
        head = ": ".join([", ".join(parts)]) if parts else ""
        text = f"{head}: {self.message}" if head else self.message
        if self.rule:
            text += f" (rule: {self.rule})"
        return text


class ProjectFileError(InputError):
    """The project file is missing, malformed or names something that does not exist."""


class UnitError(InputError):
    """A unit is missing, unknown, or of the wrong dimension for the quantity."""


class MonitoringDataError(InputError):
    """Monitoring data break a data-quality rule (NaN, duplicates, order, sign, coverage)."""


class ParameterError(InputError):
    """A parameter is unknown, of the wrong type, or outside its declared range."""


class MethodologyNotFound(InputError):
    """The project names a methodology id or version that is not installed."""


class ApplicabilityError(InputError):
    """An applicability condition of the methodology fails, or a case is not supported."""


class PluginError(ReductionsError):
    """A methodology plugin does not satisfy the protocol."""


def did_you_mean(word: str, choices: object) -> str:
    """``" (did you mean 'cdm.acm0002'?)"`` for a near miss among ``choices``, else ``""``.

    A case-insensitive match, or one choice ending in ``.word`` (``ACM0002`` ->
    ``cdm.acm0002``), wins over spelling similarity.
    """
    import difflib

    options = [str(c) for c in choices]  # type: ignore[attr-defined]
    low = word.strip().lower()
    exact = [c for c in options if c.lower() == low]
    tail = [c for c in options if c.lower().rsplit(".", 1)[-1] == low]
    close = exact or tail or difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    if not close:
        close = difflib.get_close_matches(low, [c.lower() for c in options], n=1, cutoff=0.75)
        close = [c for c in options if c.lower() in close]
    return f" (did you mean {close[0]!r}?)" if close else ""

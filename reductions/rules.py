"""Missing-data rules: what a methodology prescribes for a monitored value that is missing.

A rule is an object with a ``clause`` (the paragraph it implements) and a vectorised
:meth:`MissingDataRule.fill` that returns the series with its missing intervals filled,
or raises a :class:`~reductions.errors.MonitoringDataError` to refuse. The engine applies
it at the data's own resolution, one series at a time (one meter, one waste type), and
counts every filled interval in the report. Built in: :class:`NoFill` (a missing value is
an error), :class:`Zero`, :class:`Substitute` (another variable of the same interval,
e.g. a check meter), :class:`Constant` (a conservative value, or TOOL06's "efficiency 0
in that minute"), :class:`ParameterValue` (a conservative value the project states),
and :class:`MeanOfAdjacent` (the mean of the nearest valid values before and after, the
form of quarterly substitutes such as 40 CFR 98.445). A methodology may define its own
by subclassing :class:`MissingDataRule`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import MonitoringDataError


@dataclass(frozen=True)
class FillContext:
    """What a rule may look at: one series, its missing mask and its neighbours.

    ``others`` are the other variables read from the same rows (same intervals), with
    their own missing values still NaN; ``parameters`` the project's resolved parameter
    values; ``when(i)`` formats the start of interval ``i`` in local time for messages.
    """

    symbol: str
    values: np.ndarray
    missing: np.ndarray
    start: np.ndarray
    end: np.ndarray
    others: Mapping[str, np.ndarray]
    parameters: Mapping[str, Any]
    when: Callable[[int], str]
    label: str = ""
    column: str = ""
    files: str = ""

    def first_missing(self) -> str:
        i = int(np.argmax(self.missing))
        return self.when(i)


class MissingDataRule:
    """Base class of missing-data rules."""

    kind: str = "rule"

    def __init__(self, clause: str) -> None:
        self.clause = clause

    def fill(self, ctx: FillContext) -> np.ndarray:
        raise NotImplementedError

    def filled_by(self) -> str:
        """How the report names what filled a gap."""
        return self.kind

    def describe(self) -> str:
        return f"{self.filled_by()} ({self.clause})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.clause!r})"


class NoFill(MissingDataRule):
    """No rule: a missing value is an error."""

    kind = "error"

    def fill(self, ctx: FillContext) -> np.ndarray:
        raise MonitoringDataError(
            f"{int(ctx.missing.sum())} interval(s) missing (NaN or empty cell in column "
            f"{ctx.column!r}, or no row), first from {ctx.first_missing()}",
            file=ctx.files or None,
            variable=ctx.symbol + (f"[{ctx.label}]" if ctx.label else ""),
            rule=self.clause,
        )

    def filled_by(self) -> str:
        return "nothing"

    def describe(self) -> str:
        return self.clause


class Constant(MissingDataRule):
    """A fixed value for every missing interval (a conservative value the text gives)."""

    kind = "constant"

    def __init__(self, value: float, clause: str) -> None:
        super().__init__(clause)
        self.value = float(value)

    def fill(self, ctx: FillContext) -> np.ndarray:
        return np.where(ctx.missing, self.value, ctx.values)

    def filled_by(self) -> str:
        return f"{self.value!r} (conservative value)"


class Zero(Constant):
    """Zero for every missing interval (the conservative value of an amount credited)."""

    kind = "zero"

    def __init__(self, clause: str) -> None:
        super().__init__(0.0, clause)

    def filled_by(self) -> str:
        return "0 (conservative value)"


class ParameterValue(MissingDataRule):
    """The value of a project parameter (a conservative default the project states)."""

    kind = "parameter"

    def __init__(self, parameter: str, clause: str) -> None:
        super().__init__(clause)
        self.parameter = parameter

    def fill(self, ctx: FillContext) -> np.ndarray:
        if self.parameter not in ctx.parameters:
            raise MonitoringDataError(
                f"{int(ctx.missing.sum())} interval(s) missing, first from "
                f"{ctx.first_missing()}, and the parameter {self.parameter!r} that fills them "
                "is not given",
                variable=ctx.symbol,
                rule=self.clause,
            )
        return np.where(ctx.missing, float(ctx.parameters[self.parameter]), ctx.values)

    def filled_by(self) -> str:
        return f"parameter {self.parameter}"


class Substitute(MissingDataRule):
    """The value of another monitored variable in the same interval (a check meter)."""

    kind = "substitute"

    def __init__(self, variable: str, clause: str) -> None:
        super().__init__(clause)
        self.substitute = variable

    def fill(self, ctx: FillContext) -> np.ndarray:
        sub = ctx.others.get(self.substitute)
        if sub is None:
            raise MonitoringDataError(
                f"{int(ctx.missing.sum())} interval(s) missing, first from "
                f"{ctx.first_missing()}, and the substitute {self.substitute!r} is not "
                "monitored in the same table",
                variable=ctx.symbol,
                rule=self.clause,
            )
        still = ctx.missing & np.isnan(sub)
        if np.any(still):
            i = int(np.argmax(still))
            raise MonitoringDataError(
                f"missing, and its substitute {self.substitute!r} is missing too, at {ctx.when(i)}",
                variable=ctx.symbol,
                rule=self.clause,
            )
        return np.where(ctx.missing, sub, ctx.values)

    def filled_by(self) -> str:
        return f"{self.substitute} (substitute)"


class MeanOfAdjacent(MissingDataRule):
    """The mean of the nearest valid values before and after each missing run.

    A run at either end of the data (no valid value on one side) is an error: the rule
    needs both neighbours.
    """

    kind = "mean of adjacent"

    def fill(self, ctx: FillContext) -> np.ndarray:
        valid = ~ctx.missing
        idx = np.arange(ctx.values.size)
        before = np.maximum.accumulate(np.where(valid, idx, -1))
        after = np.minimum.accumulate(np.where(valid, idx, ctx.values.size)[::-1])[::-1]
        bad = ctx.missing & ((before < 0) | (after >= ctx.values.size))
        if np.any(bad):
            i = int(np.argmax(bad))
            raise MonitoringDataError(
                f"missing at {ctx.when(i)} with no valid value on one side",
                variable=ctx.symbol,
                rule=self.clause,
            )
        b = ctx.values[np.clip(before, 0, None)]
        a = ctx.values[np.clip(after, None, ctx.values.size - 1)]
        return np.where(ctx.missing, 0.5 * (a + b), ctx.values)

    def filled_by(self) -> str:
        return "mean of the adjacent valid values"


NO_FILL = NoFill("no missing-data rule: a missing value is an error")

"""Reporting intervals: which monitoring intervals fall in which year, quarter, month or day.

The reporting intervals of a period are its local calendar years, quarters, months or
days (or the whole period); their boundaries are computed once, in local time, and each
time axis is placed in them with one ``searchsorted`` (no date is formatted per row).
A monitoring interval that spans two reporting intervals is an error: monthly data
cannot be reported per day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ProjectFileError
from .ledger import TimeAxis
from .timeutil import calendar_starts, local_midnight_utc, to_local


def _label(start: pd.Timestamp, reporting: str) -> str:
    if reporting == "total":
        return "total"
    if reporting == "year":
        return f"{start.year:04d}"
    if reporting == "quarter":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if reporting == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return start.strftime("%Y-%m-%d")


def boundaries(lo: np.datetime64, hi: np.datetime64, tz: dt.tzinfo, reporting: str) -> np.ndarray:
    """UTC instants where the reporting intervals of ``[lo, hi)`` start, and ``hi``."""
    if reporting == "total":
        return np.asarray([lo, hi], dtype="datetime64[ns]")
    first = to_local(np.asarray([lo]), tz)[0].date()
    last = to_local(np.asarray([hi]), tz)[0].date() + dt.timedelta(days=1)
    starts = calendar_starts(first, last, reporting)
    inner = np.asarray([local_midnight_utc(d, tz) for d in starts], dtype="datetime64[ns]")
    inner = inner[(inner > lo) & (inner < hi)]
    return np.concatenate([[lo], inner, [hi]]).astype("datetime64[ns]")


@dataclass(frozen=True)
class AxisGroups:
    """For one time axis: contiguous runs of steps in the same reporting interval."""

    axis: TimeAxis
    run_starts: np.ndarray
    run_codes: np.ndarray


@dataclass(frozen=True)
class ReportingGroups:
    """The reporting intervals of a period and how each time axis falls into them."""

    labels: tuple[str, ...]
    starts: tuple[str, ...]
    ends: tuple[str, ...]
    axes: tuple[AxisGroups, ...]

    @classmethod
    def build(
        cls,
        axes: list[TimeAxis],
        lo: np.datetime64,
        hi: np.datetime64,
        tz: dt.tzinfo,
        reporting: str,
    ) -> ReportingGroups:
        """Groups for the axes that lie in ``[lo, hi)`` (the reporting period)."""
        edges = boundaries(lo, hi, tz, reporting)
        local_edges = to_local(edges, tz)
        labels = tuple(_label(t, reporting) for t in local_edges[:-1])
        groups = []
        for a in axes:
            if not (a.start.size and a.start[0] >= lo and a.end[-1] <= hi):
                continue
            code = np.searchsorted(edges, a.start, side="right") - 1
            last = np.searchsorted(edges, a.end, side="left") - 1
            bad = code != last
            if np.any(bad):
                i = int(np.argmax(bad))
                raise ProjectFileError(
                    f"monitoring interval {to_local(a.start[i : i + 1], tz)[0].isoformat()} to "
                    f"{to_local(a.end[i : i + 1], tz)[0].isoformat()} spans two {reporting} "
                    "reporting intervals",
                    variable="period.reporting",
                    rule="the data's resolution must be at least as fine as the reporting interval",
                )
            change = np.flatnonzero(np.diff(code)) + 1
            run_starts = np.concatenate([[0], change]).astype(np.int64)
            groups.append(AxisGroups(a, run_starts, code[run_starts]))
        starts = tuple(t.isoformat() for t in local_edges[:-1])
        ends = tuple(t.isoformat() for t in local_edges[1:])
        return cls(labels, starts, ends, tuple(groups))

    def of(self, axis: TimeAxis | None) -> AxisGroups | None:
        if axis is None:
            return None
        for g in self.axes:
            if g.axis is axis or g.axis.matches(axis.start):
                return g
        return None

    def sums(self, values: np.ndarray, groups: AxisGroups) -> np.ndarray:
        """Sum of a 1-D series over each reporting interval (pairwise sums per run)."""
        out = np.zeros(len(self.labels))
        ends = np.concatenate([groups.run_starts[1:], [values.size]])
        parts: dict[int, list[float]] = {}
        for a, b, c in zip(groups.run_starts, ends, groups.run_codes, strict=True):
            parts.setdefault(int(c), []).append(float(values[a:b].sum()))
        for c, p in parts.items():
            out[c] = math.fsum(p)
        return out

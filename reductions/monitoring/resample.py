"""Resampling a series to the resolution a methodology's rules need.

Finer data are aggregated by the variable's aggregate: a sum for an amount, a
duration-weighted mean for a state. A coarser state (a monthly laboratory CH4 fraction)
is held over the finer steps it covers. A coarser amount is never split: nothing is
pro-rated. Every resampling is recorded in the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MonitoringDataError
from ..timeutil import calendar_starts, interval_offset, local_midnight_utc, to_local
from .series import local_text


def grid(lo: Any, hi: Any, resolution: str, tz: dt.tzinfo, what: str) -> tuple[Any, Any]:
    """Intervals of ``resolution`` tiling ``[lo, hi)`` from local midnight (UTC bounds)."""
    step = interval_offset(resolution)
    if isinstance(step, pd.Timedelta):
        span = hi - lo
        n = span // step.to_timedelta64()
        if n * step.to_timedelta64() != span:
            raise MonitoringDataError(
                f"the {what} is not a whole number of {resolution} steps",
                variable="period",
                rule="a period is tiled by the resolution the methodology's rules need",
            )
        start = lo + np.arange(n) * step.to_timedelta64()
        return start, start + step.to_timedelta64()
    kw = dict(step.kwds)
    first = to_local(np.asarray([lo]), tz)[0].date()
    last = to_local(np.asarray([hi]), tz)[0].date() + dt.timedelta(days=1)
    if "days" in kw:
        dates = calendar_starts(first, last, "day")[:: int(kw["days"])]
    else:
        units: dict[tuple[tuple[str, Any], ...], str] = {
            (("months", 1),): "month",
            (("months", 3),): "quarter",
            (("years", 1),): "year",
        }
        dates = calendar_starts(first, last, units[tuple(sorted(kw.items()))])
    edges = np.asarray([local_midnight_utc(d, tz) for d in dates], dtype="datetime64[ns]")
    edges = edges[edges <= hi]
    if edges.size < 2 or edges[0] != lo or edges[-1] != hi:
        raise MonitoringDataError(
            f"the {what} is not a whole number of {resolution} steps from local midnight",
            variable="period",
            rule="a period is tiled by the resolution the methodology's rules need",
        )
    return edges[:-1], edges[1:]


def resample(
    values: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    target_start: np.ndarray,
    target_end: np.ndarray,
    aggregate: str,
    name: str,
    tz: dt.tzinfo,
) -> tuple[np.ndarray, str]:
    """``values`` (time first, any trailing dims) on the target intervals, and how.

    Both sets of intervals tile the same span. Returns the values and a note for the
    report ("summed", "mean", "held"); ``""`` when nothing changed.
    """
    if start.shape == target_start.shape and np.array_equal(start, target_start):
        return values, ""
    idx = np.searchsorted(target_start, start, side="right") - 1
    if np.all(end <= target_end[idx]) and np.all(idx >= 0):
        n = target_start.size
        flat = values.reshape(values.shape[0], -1)
        out = np.empty((n, flat.shape[1]))
        if aggregate == "sum":
            for j in range(flat.shape[1]):  # over meters or other labels, never rows
                out[:, j] = np.bincount(idx, weights=flat[:, j], minlength=n)
            how = "summed"
        else:
            w = (end - start) / np.timedelta64(1, "s")
            total_w = np.bincount(idx, weights=w, minlength=n)
            for j in range(flat.shape[1]):
                out[:, j] = np.bincount(idx, weights=flat[:, j] * w, minlength=n) / total_w
            how = "duration-weighted mean"
        return out.reshape((n, *values.shape[1:])), how
    back = np.searchsorted(start, target_start, side="right") - 1
    if np.all(back >= 0) and np.all(target_end <= end[back]):
        if aggregate == "sum":
            i = int(np.argmax(end - start > target_end[0] - target_start[0]))
            raise MonitoringDataError(
                f"the data's interval from {local_text(start[i], tz)} is coarser than the "
                "resolution the methodology needs, and an amount is never split",
                variable=name,
                rule="amounts are given at the resolution the methodology's rules need or finer",
            )
        return values[back], "held over the finer steps (a state)"
    i = int(np.argmax(end > target_end[np.clip(idx, 0, None)]))
    raise MonitoringDataError(
        f"the interval from {local_text(start[i], tz)} to {local_text(end[i], tz)} straddles "
        "a step of the resolution the methodology needs",
        variable=name,
        rule="intervals nest in the methodology's resolution (or it in them)",
    )

"""CalTRACK 2.0 baseline data-sufficiency checks, as structured findings.

Source: CalTRACK Methods, Version 2.0, section 2.2 and 2.3 (``docs/methods.rst`` of
github.com/openeemeter/caltrack, commit 6b630eeefd6d3a7b1249f3d26548aced65b98b17). The
per-month temperature coverage check is not in that text for daily data: it is
OpenDSM's (``opendsm/eemeter/common/sufficiency_criteria.py``,
``_check_monthly_temperature_values_percentage``, github.com/opendsm/opendsm commit
6c932ee0ac9abdc8d2fdd3191ea43109451414c8, the successor of eemeter): at least 90 % of
each calendar month's temperature data present. CalTRACK 2.0's own per-month rule
(2.2.1.2: over 90 % of hours in each calendar month) belongs to the hourly method, which
is not implemented.

Each check returns a :class:`~reductions.methodology.Finding` named
``baselines.caltrack.sufficiency.<check>`` with the clause and the values involved;
FAIL disqualifies the baseline (the fit still runs, so the model can be inspected).
Nothing here raises on bad data: bad data are what the findings report.

Module notes
------------
- 2.2.1.2 "should not exceed 37 days (10%)": the limit is 37 days for a 365-day
  baseline, ceil(0.1 x days) for another length (which already fails 2.2.1.1). eemeter
  and OpenDSM test a fraction >= 0.9 instead, one day stricter (at most 36 missing).
- A day is missing if its usage or its temperature is NaN, if it is absent from the
  data, or (electricity) if its usage is 0 (2.2.1.3, 2.2.1.4).
- 2.2.1.1 / 3.1.3: the baseline must be 365 days (eemeter 2.10.11 ``num_days=365``,
  exact); data outside the requested period is a failure (2.2.5).
- 2.3.5 says negative values "should be flagged for review"; eemeter and OpenDSM make it
  disqualifying, and so does this module (FAIL): net metering changes what is measured.
- 2.3.6 extreme values (above median + 3 IQR) are "flagged ... and manually reviewed":
  status ``cannot be checked`` (not disqualifying), with the count.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..methodology import Finding, Status

__all__ = ["BASELINE_DAYS", "MAX_MISSING_DAYS", "billing_sufficiency", "daily_sufficiency"]

PREFIX = "baselines.caltrack.sufficiency"
#: 2.2.1.1 and 3.1.3: a 365-day baseline.
BASELINE_DAYS = 365
#: 2.2.1.2: missing days "should not exceed 37 days (10%)".
MAX_MISSING_DAYS = 37
#: OpenDSM ``min_fraction_daily_coverage`` applied per calendar month to temperature.
MONTHLY_TEMPERATURE_COVERAGE = 0.9


def _f(check: str, clause: str, ok: bool, message: str, **values: Any) -> Finding:
    return Finding(f"{PREFIX}.{check}", clause, Status.PASS if ok else Status.FAIL, message, values)


def _max_missing(span: int) -> int:
    return MAX_MISSING_DAYS if span == BASELINE_DAYS else math.ceil(0.1 * span)


def _common(
    u: np.ndarray, span: int, start: pd.Timestamp, end: pd.Timestamp, n_outside: int
) -> list[Finding]:
    out = [
        _f("baseline_length", "CalTRACK v2.0 2.2.1.1, 3.1.3", span == BASELINE_DAYS,
           f"baseline of {span} days ({start.date()} to {end.date()}), {BASELINE_DAYS} needed",
           n_days=span, required=BASELINE_DAYS, start=str(start.date()), end=str(end.date())),
        _f("data_outside_period", "CalTRACK v2.0 2.2.5", n_outside == 0,
           f"{n_outside} row(s) outside the baseline period", n_rows_outside=n_outside),
    ]  # fmt: skip
    n_neg = int(np.sum(u < 0))
    out.append(
        _f("negative_usage", "CalTRACK v2.0 2.3.5", n_neg == 0,
           f"{n_neg} negative usage value(s): possible unreported net metering",
           n_negative=n_neg)
    )  # fmt: skip
    finite = u[np.isfinite(u)]
    if finite.size:
        q1, med, q3 = np.percentile(finite, [25, 50, 75])
        limit = med + 3.0 * (q3 - q1)
        n_ext = int(np.sum(finite > limit))
        out.append(
            Finding(f"{PREFIX}.extreme_values", "CalTRACK v2.0 2.3.6",
                    Status.PASS if n_ext == 0 else Status.UNCHECKED,
                    f"{n_ext} value(s) above median + 3 IQR = {limit:.4g}: manual review",
                    {"n_extreme": n_ext, "limit": float(limit), "median": float(med)})
        )  # fmt: skip
    return out


def daily_sufficiency(
    dates: Any,
    usage: Any,
    temperature: Any,
    *,
    fuel: str = "electricity",
    requested_start: Any = None,
    requested_end: Any = None,
) -> list[Finding]:
    """CalTRACK 2.0 sufficiency of a daily baseline (2.2.1, 2.2.5, 2.3.2, 2.3.5, 2.3.6).

    Parameters
    ----------
    dates
        Day of each row. [-]
    usage
        Daily usage; NaN missing, 0 missing for electricity. [kWh]
    temperature
        Daily mean temperature; NaN missing. [degF]
    fuel
        ``"electricity"`` or ``"gas"``. [-]
    requested_start, requested_end
        First and last day of the baseline (default: of the data). [-]

    Returns
    -------
    list of Finding
        ``no_data``, ``duplicate_days``, ``baseline_length``, ``data_outside_period``,
        ``missing_days``, ``missing_usage_days``, ``missing_temperature_days``,
        ``monthly_temperature_coverage``, ``negative_usage``, ``extreme_values``.
    """
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates))).normalize()
    u = np.asarray(usage, dtype=float)
    T = np.asarray(temperature, dtype=float)
    u_ok = np.isfinite(u) & ((u != 0.0) if fuel == "electricity" else True)
    t_ok = np.isfinite(T)
    if not np.any(u_ok & t_ok):
        return [
            _f("no_data", "CalTRACK v2.0 2.2.1", False,
               "no day has both usage and temperature", n_rows=int(u.size))
        ]  # fmt: skip
    start = pd.Timestamp(requested_start).normalize() if requested_start is not None else idx.min()
    end = pd.Timestamp(requested_end).normalize() if requested_end is not None else idx.max()
    span = int((end - start).days) + 1
    inside = (idx >= start) & (idx <= end)
    n_dup = int(idx.duplicated().sum())
    out = [
        _f("duplicate_days", "CalTRACK v2.0 2.3.2.1", n_dup == 0,
           f"{n_dup} duplicated day(s)", n_duplicated=n_dup)
    ]  # fmt: skip
    out += _common(u, span, start, end, int((~inside).sum()))
    limit = _max_missing(span)
    days = pd.DatetimeIndex(idx[inside])

    def n_valid(mask: np.ndarray) -> int:
        return int(days[mask[inside]].unique().size)

    for check, mask, what in (
        ("missing_days", u_ok & t_ok, "usage or temperature"),
        ("missing_usage_days", u_ok, "usage"),
        ("missing_temperature_days", t_ok, "temperature"),
    ):
        n_missing = span - n_valid(mask)
        out.append(
            _f(check, "CalTRACK v2.0 2.2.1.2, 2.2.1.3, 2.2.1.4", n_missing <= limit,
               f"{n_missing} of {span} days without {what} (at most {limit})",
               n_missing=n_missing, n_days=span, max_missing=limit)
        )  # fmt: skip
    # per calendar month: days of the month inside the period that have temperature
    all_days = pd.date_range(start, end, freq="D")
    with_t = pd.DatetimeIndex(days[t_ok[inside]]).unique()
    has_t = all_days.isin(with_t)
    month = all_days.to_period("M")
    cov = pd.Series(has_t, index=month).groupby(level=0).mean()
    low = cov[cov < MONTHLY_TEMPERATURE_COVERAGE]
    out.append(
        _f("monthly_temperature_coverage",
           "OpenDSM sufficiency_criteria (missing_monthly_temperature_data)", low.empty,
           f"{low.size} calendar month(s) with temperature for less than 90 % of days",
           lowest_coverage=float(cov.min()), months_below=[str(m) for m in low.index])
    )  # fmt: skip
    return out


def billing_sufficiency(
    start: Any,
    end: Any,
    usage: Any,
    temperature_coverage: Any,
    *,
    fuel: str = "electricity",
    max_period_days: int = 35,
    requested_start: Any = None,
    requested_end: Any = None,
) -> list[Finding]:
    """CalTRACK 2.0 sufficiency of a billing baseline (2.2.1, 2.2.3, 2.2.5, 2.3.5, 2.3.6).

    Parameters
    ----------
    start, end
        First day and day after the last day of each period (end exclusive). [-]
    usage
        Usage of each period. [kWh]
    temperature_coverage
        Fraction of each period's days with temperature. [1]
    fuel
        ``"electricity"`` or ``"gas"``. [-]
    max_period_days
        35 (monthly) or 70 (bimonthly) (2.2.3.5). [d]
    requested_start, requested_end
        First and last day of the baseline (default: of the periods). [-]

    Returns
    -------
    list of Finding
        ``no_data``, ``overlapping_periods``, ``baseline_length``, ``data_outside_period``,
        ``off_cycle_periods`` (dropped, 2.2.3.4-5: pass, counted), ``missing_days``,
        ``negative_usage``, ``extreme_values``.
    """
    s = pd.DatetimeIndex(pd.to_datetime(np.asarray(start))).normalize()
    e = pd.DatetimeIndex(pd.to_datetime(np.asarray(end))).normalize()
    u = np.asarray(usage, dtype=float)
    cov = np.asarray(temperature_coverage, dtype=float)
    n_days = np.asarray((e - s).days, dtype=int)
    u_ok = np.isfinite(u) & ((u != 0.0) if fuel == "electricity" else True)
    if not np.any(u_ok):
        return [_f("no_data", "CalTRACK v2.0 2.2.1", False, "no period has usage",
                   n_periods=int(u.size))]  # fmt: skip
    first = pd.Timestamp(requested_start).normalize() if requested_start is not None else s.min()
    last = (
        pd.Timestamp(requested_end).normalize()
        if requested_end is not None
        else e.max() - pd.Timedelta(days=1)
    )
    span = int((last - first).days) + 1
    order = np.argsort(s.values)
    n_overlap = int(np.sum(s.values[order][1:] < e.values[order][:-1]))
    outside = (s < first) | (e - pd.Timedelta(days=1) > last)
    out = [
        _f("overlapping_periods", "CalTRACK v2.0 2.3.2.1", n_overlap == 0,
           f"{n_overlap} overlapping billing period(s)", n_overlapping=n_overlap)
    ]  # fmt: skip
    out += _common(u, span, first, last, int(outside.sum()))
    off = (n_days < 25) | (n_days > max_period_days)
    out.append(
        Finding(f"{PREFIX}.off_cycle_periods", "CalTRACK v2.0 2.2.3.4, 2.2.3.5", Status.PASS,
                f"{int(off.sum())} period(s) shorter than 25 or longer than "
                f"{max_period_days} days dropped from the fit",
                {"n_off_cycle": int(off.sum()), "max_period_days": max_period_days})
    )  # fmt: skip
    used = ~off & u_ok & (cov >= 0.9) & ~np.asarray(outside)
    n_missing = span - int(n_days[used].sum())
    limit = _max_missing(span)
    out.append(
        _f("missing_days", "CalTRACK v2.0 2.2.1.2, 2.2.3.2", n_missing <= limit,
           f"{n_missing} of {span} days not in a usable period (at most {limit})",
           n_missing=n_missing, n_days=span, max_missing=limit,
           n_periods_temperature_below_90pct=int(np.sum(cov < 0.9)))
    )  # fmt: skip
    return out

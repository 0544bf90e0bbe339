"""Conservative correction of electricity meter readings for meter error.

CCER-01-002-V01 para. 7.3.4 (and the same clause of CCER-01-001-V01): when a meter was
not calibrated, calibrated late, or found less accurate than its class requires, the
readings of that time are corrected conservatively:

- export: reading x (1 - |actual basic error|) when calibrated on time but out of class;
  reading x (1 - MPE of the accuracy class) when not calibrated; a late calibration
  counts as not calibrated for the late time;
- import: the same with (1 + ...).

Interpretation stated here (the text leaves it open): meters are calibrated every year
(para. 7.3.2.1), so a calibration covers twelve months from its date; an interval
starting later than that, or before any calibration, is "not calibrated". The error a
calibration finds applies to the intervals since the previous calibration (the time the
meter ran with that error). Where both apply, the larger correction is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from reductions.plugin import Calibration, ParameterError, equation


@equation(
    "CCER-01-002",
    "V01",
    "para. 7.3.4 a)",
    returns=("EG_export_y", "MWh"),
    text="EG_export_y = EG_export x (1 - |e_EG_export|)",
    description="EG_export after the conservative meter-error correction",
)
def corrected_export(EG_export: Any, e_EG_export: Any) -> Any:
    """Export reading corrected down by the meter error.

    Parameters
    ----------
    EG_export
        Metered export. [MWh]
    e_EG_export
        Relative error applied: the absolute actual basic error, or the MPE. [-]

    Returns
    -------
    reading x (1 - |error|). [MWh]

    Notes
    -----
    CCER-01-002-V01 para. 7.3.4 a).

    Examples
    --------
    >>> corrected_export(1000.0, -0.0035)
    996.5
    """
    return EG_export * (1.0 - abs(e_EG_export))


@equation(
    "CCER-01-002",
    "V01",
    "para. 7.3.4 b)",
    returns=("EG_import_y", "MWh"),
    text="EG_import_y = EG_import x (1 + |e_EG_import|)",
    description="EG_import after the conservative meter-error correction",
)
def corrected_import(EG_import: Any, e_EG_import: Any) -> Any:
    """Import reading corrected up by the meter error.

    Parameters
    ----------
    EG_import
        Metered import. [MWh]
    e_EG_import
        Relative error applied: the absolute actual basic error, or the MPE. [-]

    Returns
    -------
    reading x (1 + |error|). [MWh]

    Notes
    -----
    CCER-01-002-V01 para. 7.3.4 b).

    Examples
    --------
    >>> corrected_import(10.0, 0.002)
    10.02
    """
    return EG_import * (1.0 + abs(e_EG_import))


def _wall(index: pd.DatetimeIndex) -> np.ndarray:
    """Local wall-clock times of an index, as naive ``datetime64[ns]``."""
    if index.tz is None:
        return np.asarray(index.values)
    if isinstance(index.tz, dt.timezone):
        offset = index.tz.utcoffset(None)
        assert offset is not None
        utc = np.asarray(index.tz_convert(None).values, dtype="datetime64[ns]")
        return utc + np.timedelta64(offset)
    return np.asarray(index.tz_localize(None).values)


def applied_meter_error(
    start_local: pd.DatetimeIndex,
    end_local: pd.DatetimeIndex,
    calibrations: Sequence[Calibration],
    mpe: float | None,
    variable: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Relative error to apply to each interval, and which intervals were uncalibrated.

    Parameters
    ----------
    start_local, end_local
        Interval bounds in the project's local time.
    calibrations
        Calibration records of the meter.
    mpe
        Maximum permissible error of the meter's accuracy class. [-]
    variable
        Name of the monitored variable, for messages.

    Returns
    -------
    tuple of numpy.ndarray
        Error per interval [-], and a boolean mask of intervals treated as not calibrated.
    """
    cals = sorted(calibrations, key=lambda c: c.date)
    n = len(start_local)
    start, end = _wall(start_local), _wall(end_local)
    # Loops below run over calibration records (a few a year), never over intervals.
    # An interval is "not calibrated" if any part of it lies outside every calibration's
    # twelve months; an out-of-class error found at a calibration applies to every interval
    # that overlaps the time since the previous calibration. An interval straddling such a
    # boundary is corrected as a whole, which is the conservative reading for coarse data.
    dates = [np.datetime64(pd.Timestamp(c.date), "ns") for c in cals]
    until = [np.datetime64(pd.Timestamp(c.date) + pd.DateOffset(years=1), "ns") for c in cals]
    if not cals:
        uncalibrated = np.ones(n, dtype=bool)
    else:
        uncalibrated = start < dates[0]
        covered_to = until[0]
        for k in range(1, len(cals)):
            if dates[k] > covered_to:
                uncalibrated |= (start < dates[k]) & (end > covered_to)
            covered_to = max(covered_to, until[k])
        uncalibrated |= end > covered_to
    found = np.zeros(n)
    for k, c in enumerate(cals):
        if abs(c.error) > c.mpe:
            since = (end > dates[k - 1]) if k > 0 else np.ones(n, dtype=bool)
            hit = since & (start < dates[k])
            found = np.where(hit, np.maximum(found, abs(c.error)), found)
    if np.any(uncalibrated):
        if mpe is None:
            i = int(np.argmax(uncalibrated))
            raise ParameterError(
                f"the {variable} meter has no valid calibration for the interval from "
                f"{start_local[i].isoformat()}, so the accuracy class's maximum permissible "
                "error is needed",
                variable=f"parameters.MPE_{variable.split('_')[1]}",
                rule="CCER-01-002-V01 para. 7.3.4",
            )
        class_error = np.where(uncalibrated, mpe, 0.0)
    else:
        class_error = np.zeros(n)
    return np.maximum(found, class_error), uncalibrated

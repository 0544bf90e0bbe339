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

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from reductions.errors import ParameterError
from reductions.project import Calibration


def corrected_export(reading: ArrayLike, error: ArrayLike) -> np.ndarray:
    """Export reading corrected down by the meter error.

    Parameters
    ----------
    reading
        Metered export. [MWh]
    error
        Relative error applied: the absolute actual basic error, or the MPE. [-]

    Returns
    -------
    numpy.ndarray
        reading x (1 - |error|). [MWh]

    Notes
    -----
    CCER-01-002-V01 para. 7.3.4 a).
    """
    return np.asarray(reading, dtype=float) * (1.0 - np.abs(np.asarray(error, dtype=float)))


def corrected_import(reading: ArrayLike, error: ArrayLike) -> np.ndarray:
    """Import reading corrected up by the meter error.

    Parameters
    ----------
    reading
        Metered import. [MWh]
    error
        Relative error applied: the absolute actual basic error, or the MPE. [-]

    Returns
    -------
    numpy.ndarray
        reading x (1 + |error|). [MWh]

    Notes
    -----
    CCER-01-002-V01 para. 7.3.4 b).
    """
    return np.asarray(reading, dtype=float) * (1.0 + np.abs(np.asarray(error, dtype=float)))


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
    naive_start = start_local.tz_localize(None)
    naive_end = end_local.tz_localize(None)
    if cals:
        dates = pd.DatetimeIndex([pd.Timestamp(c.date) for c in cals])
        valid_until = pd.DatetimeIndex(
            [pd.Timestamp(c.date) + pd.DateOffset(years=1) for c in cals]
        )
        errors = np.asarray([abs(c.error) for c in cals])
        limits = np.asarray([c.mpe for c in cals])
        prev = np.searchsorted(dates.values, naive_start.values, side="right") - 1
        has_prev = prev >= 0
        prev_ok = np.where(has_prev, valid_until.values[np.maximum(prev, 0)], np.datetime64("NaT"))
        uncalibrated = ~has_prev | (naive_start.values >= prev_ok)
        nxt = np.searchsorted(dates.values, naive_end.values, side="left")
        has_next = nxt < len(cals)
        k = np.minimum(nxt, len(cals) - 1)
        out_of_class = has_next & (errors[k] > limits[k])
        found = np.where(out_of_class, errors[k], 0.0)
    else:
        uncalibrated = np.ones(n, dtype=bool)
        found = np.zeros(n)
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

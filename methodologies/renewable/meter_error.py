"""Conservative correction of meter readings for meter error.

CCER-01-002-V01 para. 7.3.4 and CCER-01-001-V01 para. 7.3.4: when a meter was not
calibrated, calibrated late, or found less accurate than its class requires, the readings
of that time are corrected conservatively:

- export (a), both documents): reading x (1 - |actual basic error|) when calibrated on
  time but out of class; reading x (1 - MPE of the accuracy class) when not calibrated;
  a late calibration counts as not calibrated for the late time;
- import (b)): the same with (1 + ...);
- fossil fuel consumption (c), CCER-01-001-V01 only): the same with (1 + ...), for the
  flow meters and other metering devices of the fuel.

Interpretation stated here (the text leaves it open): meters are calibrated every year
(para. 7.3.2.1 for electricity meters, para. 7.3.2.2 for flow meters, in both "每年"), so
a calibration covers twelve months from its date; an interval starting later than that,
or before any calibration, is "not calibrated". The error a calibration finds applies to
the intervals since the previous calibration (the time the meter ran with that error).
Where both apply, the larger correction is used.
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
@equation(
    "CCER-01-001",
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
    CCER-01-002-V01 para. 7.3.4 a); CCER-01-001-V01 para. 7.3.4 a).

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
@equation(
    "CCER-01-001",
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
    CCER-01-002-V01 para. 7.3.4 b); CCER-01-001-V01 para. 7.3.4 b).

    Examples
    --------
    >>> corrected_import(10.0, 0.002)
    10.02
    """
    return EG_import * (1.0 + abs(e_EG_import))


def _corrected_up(reading: Any, error: Any) -> Any:
    return reading * (1.0 + abs(error))


@equation(
    "CCER-01-001",
    "V01",
    "para. 7.3.4 c)",
    returns=("FC_y", "t"),
    text="FC_i,y = FC_i x (1 + |e_FC_i|) (fuels metered by mass)",
    description="Fossil fuel consumption after the conservative meter-error correction",
)
def corrected_fuel(FC: Any, e_FC: Any) -> Any:
    """Fuel consumption metered by mass, corrected up by the meter error.

    Parameters
    ----------
    FC
        Metered consumption of each fuel. [t]
    e_FC
        Relative error applied: the absolute actual basic error, or the MPE. [-]

    Returns
    -------
    reading x (1 + |error|). [t]

    Notes
    -----
    CCER-01-001-V01 para. 7.3.4 c), "化石燃料消耗量的处理方式": up, like the import
    meter's (b)).

    Examples
    --------
    >>> corrected_fuel(2.0, 0.005)
    2.01
    """
    return _corrected_up(FC, e_FC)


@equation(
    "CCER-01-001",
    "V01",
    "para. 7.3.4 c)",
    returns=("FC_gas_y", "Nm3"),
    text="FC_i,y = FC_i x (1 + |e_FC_i|) (gaseous fuels metered by volume)",
    description="Gaseous fossil fuel consumption after the conservative meter-error correction",
)
def corrected_fuel_gas(FC_gas: Any, e_FC_gas: Any) -> Any:
    """Gaseous fuel consumption metered by volume, corrected up by the meter error.

    The same correction as :func:`corrected_fuel`, for a volume at reference conditions
    (its own function because a tag carries the unit of its result).

    Parameters
    ----------
    FC_gas
        Metered consumption of each gaseous fuel. [Nm3]
    e_FC_gas
        Relative error applied: the absolute actual basic error, or the MPE. [-]

    Returns
    -------
    reading x (1 + |error|). [Nm3]

    Notes
    -----
    CCER-01-001-V01 para. 7.3.4 c).

    Examples
    --------
    >>> round(corrected_fuel_gas(10_000.0, -0.015), 6)
    10150.0
    """
    return _corrected_up(FC_gas, e_FC_gas)


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
    *,
    mpe_parameter: str | None = None,
    rule: str = "CCER-01-002-V01 para. 7.3.4",
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
        Name of the monitored variable (``EG_export``, ``FC[diesel]``), for messages.
    mpe_parameter
        The parameter that states the class MPE, named when it is needed and missing
        (default ``MPE_export`` for ``EG_export``, ``MPE_import`` for ``EG_import``).
    rule
        The clause named when the MPE is needed and missing.

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
                variable=f"parameters.{mpe_parameter or 'MPE_' + variable.split('_')[1]}",
                rule=rule,
            )
        class_error = np.where(uncalibrated, mpe, 0.0)
    else:
        class_error = np.zeros(n)
    return np.maximum(found, class_error), uncalibrated


def class_mpe(
    symbol: str,
    mpe_symbol: str,
    given: float | None,
    calibrations: Sequence[Calibration],
    rule: str,
) -> tuple[float | None, str]:
    """The maximum permissible error of a meter's class for its uncalibrated time.

    The parameter ``mpe_symbol`` when given, or else the one value the meter's calibration
    records agree on (records that disagree, e.g. after a change of meter class, need the
    parameter). Returns the MPE (``None`` if nothing states it) and a note saying where it
    came from when it came from the records.
    """
    recorded = sorted({c.mpe for c in calibrations})
    if given is not None:
        return float(given), ""
    if len(recorded) == 1:
        return recorded[0], f"class MPE {recorded[0]!r} taken from the calibration records"
    if len(recorded) > 1:
        raise ParameterError(
            f"the {symbol} calibration records give different mpe {recorded}; state the "
            "class's maximum permissible error",
            variable=f"parameters.{mpe_symbol}",
            rule=rule,
        )
    return None, ""


def calibration_notes(
    symbol: str,
    calibrations: Sequence[Calibration],
    uncalibrated: np.ndarray,
    start: pd.DatetimeIndex,
) -> tuple[str, ...]:
    """Notes for the ledger: each calibration record, and the uncalibrated intervals."""
    notes = [
        f"{symbol} calibration {c.date.isoformat()}: error {c.error!r}, class MPE {c.mpe!r}"
        + (" (out of class)" if abs(c.error) > c.mpe else "")
        for c in calibrations
    ]
    if np.any(uncalibrated):
        notes.append(
            f"{symbol}: {int(uncalibrated.sum())} interval(s) without a valid calibration, "
            f"first from {start[int(np.argmax(uncalibrated))].isoformat()}: MPE applied"
        )
    return tuple(notes)

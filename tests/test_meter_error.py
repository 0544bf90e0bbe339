"""Conservative meter-error correction of CCER-01-002-V01 para. 7.3.4.

The clause (text as transcribed in knifesoft/isostds docs/carbon/CCER-01-002.md): when a
meter was not calibrated, was calibrated late, or its accuracy was beyond its class, the
readings of that time are corrected conservatively:

- a) export (上网电量): calibrated on time but out of class -> reading x (1 - |actual basic
  error|); not calibrated -> reading x (1 - MPE of the accuracy class); calibrated late ->
  the late time counts as not calibrated;
- b) import (下网电量): the same with (1 + ...).

The reading of the open points is the one stated in ``methodologies/renewable/
meter_error.py``: a calibration covers twelve months from its date (annual calibration,
para. 7.3.2.1); the error found at a calibration applies to the intervals since the
previous calibration; where both apply, the larger correction is used. Every expected
number below is hand arithmetic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from methodologies.renewable.meter_error import (
    applied_meter_error,
    corrected_export,
    corrected_import,
)
from reductions.errors import ParameterError
from reductions.project import Calibration
from reductions.run import run_project
from tests.strategies import BM_ARMENIA, CCER_BASE, OM_ARMENIA, write_project

TZ = dt.timezone(dt.timedelta(hours=8))


def days(start: str, n: int) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Daily intervals in UTC+8 local time."""
    s = pd.date_range(start, periods=n, freq="D", tz=TZ)
    return s, s + pd.Timedelta(days=1)


def cal(date: str, error: float, mpe: float = 0.002, variable: str = "EG_export") -> Calibration:
    return Calibration(variable, dt.date.fromisoformat(date), error, mpe, "0.2S")


# --- the two corrections -------------------------------------------------------------------


def test_export_is_reduced_import_is_increased() -> None:
    """Para. 7.3.4 a) and b): 1,000 MWh with an error of -0.35 % -> 996.5 MWh exported,
    1,003.5 MWh imported; the sign of the error does not matter."""
    assert corrected_export(1000.0, -0.0035) == pytest.approx(996.5, rel=1e-15)
    assert corrected_export(1000.0, 0.0035) == pytest.approx(996.5, rel=1e-15)
    assert corrected_import(1000.0, -0.0035) == pytest.approx(1003.5, rel=1e-15)
    assert corrected_import(1000.0, 0.0035) == pytest.approx(1003.5, rel=1e-15)


def test_corrections_broadcast_over_arrays_and_dataarrays() -> None:
    reading = np.array([[10.0, 20.0], [30.0, 0.0]])
    error = np.array([0.002, 0.0])  # broadcast along the last axis
    np.testing.assert_allclose(
        corrected_export(reading, error), [[9.98, 20.0], [29.94, 0.0]], rtol=1e-15
    )
    np.testing.assert_allclose(
        corrected_import(reading, error), [[10.02, 20.0], [30.06, 0.0]], rtol=1e-15
    )
    da = xr.DataArray([100.0, 200.0], dims="time")
    np.testing.assert_allclose(corrected_export(da, 0.005), [99.5, 199.0], rtol=1e-15)


# --- which error applies when ------------------------------------------------------------


def test_in_class_calibrations_leave_readings_alone() -> None:
    start, end = days("2024-01-01", 60)
    error, unc = applied_meter_error(
        start, end, [cal("2023-12-15", 0.0008), cal("2024-02-10", -0.0019)], 0.002, "EG_export"
    )
    assert not unc.any()
    np.testing.assert_array_equal(error, np.zeros(60))


def test_out_of_class_error_applies_since_the_previous_calibration() -> None:
    """Calibrations 2023-12-15 (in class), 2024-03-20 (-0.35 %, beyond the 0.2 % class)
    and 2024-12-01 (in class): the 79 days 2024-01-01..03-19 (31 + 29 + 19) run with the
    out-of-class error 0.35 %, every later day with none."""
    start, end = days("2024-01-01", 366)
    cals = [cal("2023-12-15", 0.0008), cal("2024-03-20", -0.0035), cal("2024-12-01", 0.0011)]
    error, unc = applied_meter_error(start, end, cals, 0.002, "EG_export")
    assert not unc.any()
    np.testing.assert_array_equal(error[:79], np.full(79, 0.0035))
    np.testing.assert_array_equal(error[79:], np.zeros(366 - 79))


def test_late_calibration_counts_as_not_calibrated() -> None:
    """Calibrated 2023-02-10 (valid to 2024-02-10), next calibration 2024-04-02: the 52
    days 2024-02-10..04-01 (20 + 31 + 1) are not calibrated and take the class MPE."""
    start, end = days("2024-01-01", 366)
    cals = [cal("2023-02-10", 0.0005, variable="EG_import"), cal("2024-04-02", 0.0009)]
    error, unc = applied_meter_error(start, end, cals, 0.002, "EG_import")
    late = (start >= pd.Timestamp("2024-02-10", tz=TZ)) & (
        start < pd.Timestamp("2024-04-02", tz=TZ)
    )
    assert late.sum() == 52
    np.testing.assert_array_equal(unc, late)
    np.testing.assert_array_equal(error, np.where(late, 0.002, 0.0))


def test_validity_ends_exactly_twelve_months_after_calibration() -> None:
    """Hourly intervals around 2024-02-10 00:00 local: the hour starting 23:00 on 02-09 is
    still covered by the 2023-02-10 calibration, the hour starting 00:00 on 02-10 is not."""
    s = pd.date_range("2024-02-09 22:00", periods=4, freq="h", tz=TZ)
    error, unc = applied_meter_error(
        s, s + pd.Timedelta(hours=1), [cal("2023-02-10", 0.0)], 0.005, "EG_export"
    )
    np.testing.assert_array_equal(unc, [False, False, True, True])
    np.testing.assert_array_equal(error, [0.0, 0.0, 0.005, 0.005])


def test_before_the_first_calibration_is_not_calibrated() -> None:
    """Intervals before any calibration take the MPE; where the first calibration then
    finds a larger error, the larger applies."""
    start, end = days("2024-05-30", 4)  # 05-30, 05-31 before; 06-01, 06-02 after
    error, unc = applied_meter_error(start, end, [cal("2024-06-01", 0.001)], 0.002, "EG_export")
    np.testing.assert_array_equal(unc, [True, True, False, False])
    np.testing.assert_array_equal(error, [0.002, 0.002, 0.0, 0.0])
    error, _ = applied_meter_error(start, end, [cal("2024-06-01", 0.004)], 0.002, "EG_export")
    np.testing.assert_array_equal(error, [0.004, 0.004, 0.0, 0.0])


def test_late_and_out_of_class_takes_the_larger() -> None:
    """Late (2024-02-10..04-01) and the late calibration finds 0.4 % against a 0.2 % class:
    the late days take max(0.4 %, MPE) and the calibrated days before take 0.4 %. With
    the project's MPE at 0.5 % the late days take 0.5 %."""
    start, end = days("2024-01-01", 120)
    cals = [cal("2023-02-10", 0.0), cal("2024-04-02", -0.004)]
    late = (start >= pd.Timestamp("2024-02-10", tz=TZ)) & (
        start < pd.Timestamp("2024-04-02", tz=TZ)
    )
    before = start < pd.Timestamp("2024-02-10", tz=TZ)
    error, _ = applied_meter_error(start, end, cals, 0.002, "EG_export")
    np.testing.assert_array_equal(error, np.where(late | before, 0.004, 0.0))
    error, _ = applied_meter_error(start, end, cals, 0.005, "EG_export")
    np.testing.assert_array_equal(error, np.where(late, 0.005, np.where(before, 0.004, 0.0)))


def test_no_calibration_needs_the_mpe() -> None:
    start, end = days("2024-01-01", 3)
    error, unc = applied_meter_error(start, end, [], 0.005, "EG_export")
    assert unc.all()
    np.testing.assert_array_equal(error, [0.005] * 3)
    with pytest.raises(ParameterError, match="MPE_export"):
        applied_meter_error(start, end, [], None, "EG_export")


# --- end to end ------------------------------------------------------------------------------


def test_ccer_run_with_calibrations_by_hand(tmp_path: Path) -> None:
    """A year of daily data, 100 MWh export and 1 MWh import every day, with the
    calibration records of the CCER example (examples/ccer-01-002-offshore-wind):

    - export: 79 days x 100 x (1 - 0.0035) + 287 days x 100 = 7,872.35 + 28,700
      = 36,572.35 MWh;
    - import: 52 days x 1 x (1 + 0.002) + 314 days x 1 = 52.104 + 314 = 366.104 MWh;
    - EG_PJ = 36,206.246 MWh (eq. (2)); CM = 0.75 x 0.4620 + 0.25 x 0.3456 = 0.4329 t/MWh
      (eq. (3), ASB0038-2018 factors, illustrative weights); BE = ER = 15,673.6838934 t.
    """
    stamps = pd.date_range("2024-01-01", periods=366, freq="D")
    frame = pd.DataFrame(
        {
            "timestamp": [t.isoformat() for t in stamps],
            "export": np.full(366, 100.0),
            "import": np.ones(366),
        }
    )
    cals = [
        {"variable": "EG_export", "date": dt.date(2023, 12, 15), "error": 0.0008, "mpe": 0.002},
        {"variable": "EG_export", "date": dt.date(2024, 3, 20), "error": -0.0035, "mpe": 0.002},
        {"variable": "EG_export", "date": dt.date(2024, 12, 1), "error": 0.0011, "mpe": 0.002},
        {"variable": "EG_import", "date": dt.date(2023, 2, 10), "error": 0.0005, "mpe": 0.002},
        {"variable": "EG_import", "date": dt.date(2024, 4, 2), "error": 0.0009, "mpe": 0.002},
    ]
    params = {
        **CCER_BASE,
        "EF_grid_OM_y": {"value": OM_ARMENIA, "unit": "t/MWh"},
        "EF_grid_BM_y": {"value": BM_ARMENIA, "unit": "t/MWh"},
        "w_OM": 0.75,
        "w_BM": 0.25,
        "MPE_export": 0.002,
        "MPE_import": 0.002,
    }
    path = write_project(
        tmp_path,
        {"monitoring.csv": frame},
        methodology="ccer.01-002",
        parameters=params,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        reporting="quarter",
        monitoring={
            "time": "timestamp",
            "label": "start",
            "interval": "1D",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
            "calibrations": cals,
        },
    )
    result = run_project(path)
    led = result.ledger
    assert led["EG_export_y"].total() == pytest.approx(36_572.35, rel=1e-12)
    assert led["EG_import_y"].total() == pytest.approx(366.104, rel=1e-12)
    assert led["EG_PJ_y"].total() == pytest.approx(36_206.246, rel=1e-12)
    assert led["EF_grid_CM_y"].total() == pytest.approx(0.4329, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(15_673.6838934, rel=1e-12)
    # The ledger says why: the out-of-class calibration and the uncalibrated days.
    assert any("out of class" in n for n in led["e_EG_export"].notes)
    assert any("52 interval(s) without a valid calibration" in n for n in led["e_EG_import"].notes)
    assert led["e_EG_import"].inputs == ("MPE_import",)
    # Q1 holds the export correction (79 days) and 51 of the 52 late import days.
    q1 = result.report()["intervals"][0]
    assert q1["label"] == "2024-Q1"
    q1_pj = 79 * 99.65 + 12 * 100.0 - (51 * 1.002 + 40 * 1.0)
    assert q1["ER"] == pytest.approx(q1_pj * 0.4329, rel=1e-12)


# --- coarse intervals that straddle a calibration boundary (regression) -------------------


def months(start: str, n: int) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    s = pd.date_range(start, periods=n, freq="MS", tz=TZ)
    return s, s + pd.offsets.MonthBegin(1)


def test_month_straddling_the_end_of_validity_gets_the_mpe() -> None:
    """Calibrated 2023-02-10, valid to 2024-02-10, recalibrated 2024-04-02: February
    (1-29 Feb, partly after 10 Feb) and March are corrected by the MPE as a whole, since
    monthly data cannot be split; January (fully covered) is not. Regression: February
    used to escape because only the interval start was checked."""
    start, end = months("2024-01-01", 5)
    cals = [cal("2023-02-10", 0.0005), cal("2024-04-02", 0.0009)]
    error, uncal = applied_meter_error(start, end, cals, 0.002, "EG_import")
    assert uncal.tolist() == [False, True, True, True, False]
    np.testing.assert_array_equal(error, [0.0, 0.002, 0.002, 0.002, 0.0])


def test_month_straddling_an_out_of_class_calibration_gets_the_error() -> None:
    """An out-of-class error (-0.35 %) found on 2024-03-20 applies to every month that
    overlaps the time since the previous calibration (2023-12-15), March included,
    although March 20-31 ran after the meter was put right. Regression: March used to
    get no correction."""
    start, end = months("2023-12-01", 6)
    cals = [cal("2023-12-15", 0.0008), cal("2024-03-20", -0.0035), cal("2024-12-01", 0.0011)]
    error, uncal = applied_meter_error(start, end, cals, 0.002, "EG_export")
    # December 2023 starts before the first calibration: not calibrated (MPE 0.2 %), but
    # it also overlaps the time the -0.35 % error covers; the larger applies.
    np.testing.assert_array_equal(error, [0.0035, 0.0035, 0.0035, 0.0035, 0.0, 0.0])
    assert uncal.tolist() == [True, False, False, False, False, False]


def test_class_mpe_comes_from_the_calibration_records(tmp_path: Path) -> None:
    """Without MPE_export / MPE_import the class MPE is the one the meter's calibration
    records agree on (0.002 in the example), so the example's ER is unchanged; the ledger
    notes where the MPE came from."""
    import shutil

    src = Path(__file__).parents[1] / "examples" / "ccer-01-002-offshore-wind"
    shutil.copytree(src, tmp_path / "ex")
    project = tmp_path / "ex" / "project.toml"
    with_params = run_project(project)
    text = project.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("MPE_export", "MPE_import"))]
    project.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_records = run_project(project)
    assert from_records.totals["ER"] == with_params.totals["ER"]
    assert any(
        "taken from the calibration records" in n for n in from_records.ledger["e_EG_import"].notes
    )

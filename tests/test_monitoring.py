"""Monitoring ingest: registers, declared rollovers and replacements, time zones, interval
labels, NetCDF with CF units, and gaps filled by a methodology's missing-data rule.

Expected values are hand arithmetic on the data written by each test; the grid factors
are those of the Armenian standardized baseline ASB0038-2018 v01.0, Table 1 (OM 0.4620,
BM 0.3456 t/MWh, wind CM 0.75 x 0.4620 + 0.25 x 0.3456 = 0.4329 t/MWh; see
test_tool07.py).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reductions.errors import MonitoringDataError
from reductions.plugin import (
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MonitoringVariable,
    Parameter,
    Status,
    Substitute,
    Zero,
)
from reductions.run import run_project
from reductions.timeutil import interval_offset
from tests.strategies import ACM0002_BASE, BM_ARMENIA, OM_ARMENIA, hourly_frame, write_project

#: Combined margin for wind in the first crediting period from ASB0038-2018 [t/MWh].
CM_WIND = 0.75 * OM_ARMENIA + 0.25 * BM_ARMENIA

ACM_PARAMS = {
    **ACM0002_BASE,
    "EF_grid_OM_y": {"value": OM_ARMENIA, "unit": "t/MWh", "source": "ASB0038-2018 Table 1"},
    "EF_grid_BM_y": {"value": BM_ARMENIA, "unit": "t/MWh", "source": "ASB0038-2018 Table 1"},
}
DAY0 = dt.date(2024, 1, 1)


def register_project(
    directory: Path,
    export: Sequence[float],
    events: Sequence[dict] = (),
    imports: Sequence[float] | None = None,
) -> Path:
    """Hourly register readings [kWh] from 2024-01-01 00:00 local (UTC+8), one per hour."""
    n = len(export)
    frame = pd.DataFrame(
        {
            "timestamp": [
                (dt.datetime(2024, 1, 1) + dt.timedelta(hours=i)).isoformat() for i in range(n)
            ],
            "export": np.asarray(export, float),
            "import": np.full(n, 500.0) if imports is None else np.asarray(imports, float),
        }
    )
    mon: dict = {
        "time": "timestamp",
        "timezone": "UTC+8",
        "variables": {
            "EG_export": {"column": "export", "unit": "kWh", "kind": "register"},
            "EG_import": {"column": "import", "unit": "kWh", "kind": "register"},
        },
    }
    if events:
        mon["events"] = list(events)
    return write_project(
        directory,
        {"monitoring.csv": frame},
        parameters=ACM_PARAMS,
        monitoring=mon,
        start=DAY0,
        end=DAY0,
    )


# --- registers -------------------------------------------------------------------------------


def test_register_differences(tmp_path: Path) -> None:
    """25 hourly readings 4,000 + 250 i kWh: 24 intervals of 0.25 MWh each."""
    readings = [4000.0 + 250.0 * i for i in range(25)]
    result = run_project(register_project(tmp_path, readings))
    np.testing.assert_array_equal(result.ledger.series("EG_export"), np.full(24, 0.25))
    assert result.totals["ER"] == pytest.approx(6.0 * CM_WIND, rel=1e-12)  # 6 MWh x CM


def test_register_rollover_declared(tmp_path: Path) -> None:
    """A six-digit kWh register (modulus 1,000,000) rolls over between 04:00 and 05:00:
    true counts 998,000 + 400 i, displayed (998,000 + 400 i) mod 1,000,000. With the
    rollover declared the interval 04:00-05:00 is 1,000,000 + 0 - 999,600 = 400 kWh and
    the day holds 24 x 400 kWh = 9.6 MWh."""
    readings = [(998_000.0 + 400.0 * i) % 1_000_000.0 for i in range(25)]
    assert readings[4] == 999_600.0 and readings[5] == 0.0
    event = {
        "variable": "EG_export",
        "kind": "rollover",
        "time": dt.datetime(2024, 1, 1, 4, 30),
        "modulus": 1_000_000.0,
    }
    result = run_project(register_project(tmp_path, readings, [event]))
    np.testing.assert_allclose(result.ledger.series("EG_export"), np.full(24, 0.4), rtol=1e-12)
    assert result.totals["ER"] == pytest.approx(9.6 * CM_WIND, rel=1e-12)
    (applied,) = result.quality.events
    assert "EG_export: rollover" in applied and "monitoring.csv:6" in applied
    assert result.report()["data_quality"]["monitoring"]["events"] == [applied]


def test_register_replacement_declared(tmp_path: Path) -> None:
    """The export meter is replaced at 04:20: the old one read 5,000 at 04:00 and 5,100
    at removal; the new one started at 12 and read 162 at 05:00. The interval 04:00-05:00
    holds (5,100 - 5,000) + (162 - 12) = 250 kWh, like every other hour."""
    old = [4000.0 + 250.0 * i for i in range(5)]  # 00:00 .. 04:00
    new = [162.0 + 250.0 * i for i in range(20)]  # 05:00 .. 24:00
    event = {
        "variable": "EG_export",
        "kind": "replacement",
        "time": dt.datetime(2024, 1, 1, 4, 20),
        "final_reading": 5100.0,
        "initial_reading": 12.0,
    }
    result = run_project(register_project(tmp_path, old + new, [event]))
    np.testing.assert_allclose(result.ledger.series("EG_export"), np.full(24, 0.25), rtol=1e-12)
    assert result.totals["ER"] == pytest.approx(6.0 * CM_WIND, rel=1e-12)


def test_register_decrease_without_declaration_is_an_error(tmp_path: Path) -> None:
    """The same rollover, undeclared: the register decreases and nothing is guessed."""
    readings = [(998_000.0 + 400.0 * i) % 1_000_000.0 for i in range(25)]
    with pytest.raises(MonitoringDataError) as info:
        run_project(register_project(tmp_path, readings))
    text = str(info.value)
    assert "EG_export" in text
    assert "999600.0" in text and "0.0" in text
    assert "monitoring.csv:7" in text  # the 05:00 reading is line 7 (line 1 is the header)
    assert "monitoring.events" in text


def test_register_import_is_differenced_too(tmp_path: Path) -> None:
    """An import register rising 500 -> 524 kWh over the day takes 0.024 MWh off EG_PJ."""
    export = [4000.0 + 250.0 * i for i in range(25)]
    imports = [500.0 + 1.0 * i for i in range(25)]
    result = run_project(register_project(tmp_path, export, imports=imports))
    assert result.totals["ER"] == pytest.approx((6.0 - 0.024) * CM_WIND, rel=1e-12)


# --- time zones and labels -------------------------------------------------------------------

EXPORT_24 = [10.0 + (i % 5) for i in range(24)]
IMPORT_24 = [0.5 if i % 7 == 0 else 0.0 for i in range(24)]


def interval_project(directory: Path, frame: pd.DataFrame, **monitoring: object) -> Path:
    mon: dict[str, object] = {
        "time": "timestamp",
        "timezone": "UTC+8",
        "label": "end",
        "interval": "1h",
        "variables": {
            "EG_export": {"column": "export", "unit": "MWh"},
            "EG_import": {"column": "import", "unit": "MWh"},
        },
    }
    mon.update(monitoring)
    return write_project(
        directory,
        {"monitoring.csv": frame},
        parameters=ACM_PARAMS,
        monitoring=mon,
        start=DAY0,
        end=DAY0,
    )


def test_utc_with_offsets_equals_local_utc_plus_8(tmp_path: Path) -> None:
    """Local UTC+8 timestamps without offset and the same instants written in UTC with an
    explicit +00:00 give the same intervals and the same ER; so does the IANA zone
    Asia/Shanghai (UTC+8 all year since 1991)."""
    local = hourly_frame(EXPORT_24, IMPORT_24)
    utc = local.copy()
    utc["timestamp"] = [
        (dt.datetime.fromisoformat(t) - dt.timedelta(hours=8)).isoformat() + "+00:00"
        for t in local["timestamp"]
    ]
    a = run_project(interval_project(tmp_path / "local", local))
    b = run_project(interval_project(tmp_path / "utc", utc))
    c = run_project(interval_project(tmp_path / "iana", local, timezone="Asia/Shanghai"))
    for other in (b, c):
        np.testing.assert_array_equal(
            other.series["EG_export"]["time"], a.series["EG_export"]["time"]
        )
        np.testing.assert_array_equal(other.ledger.series("ER"), a.ledger.series("ER"))
    # The first interval starts at local midnight, 16:00 UTC the day before.
    assert a.series["EG_export"]["time"].values[0] == np.datetime64("2023-12-31T16:00")
    expected = (sum(EXPORT_24) - sum(IMPORT_24)) * CM_WIND
    assert a.totals["ER"] == pytest.approx(expected, rel=1e-12)


def test_time_zone_is_not_ignored(tmp_path: Path) -> None:
    """The local file declared as UTC starts 8 h after the period's local midnight: the
    period is not covered, which is an error rather than a shifted result."""
    local = hourly_frame(EXPORT_24, IMPORT_24)
    with pytest.raises(MonitoringDataError, match="not covered"):
        run_project(interval_project(tmp_path, local, timezone="UTC"))


def test_label_start_and_end(tmp_path: Path) -> None:
    """A reading at 01:00 labelled by the end of its hour and a reading at 00:00 labelled
    by the start cover the same interval 00:00-01:00 (DESIGN.md, "Monitoring data")."""
    end = run_project(interval_project(tmp_path / "end", hourly_frame(EXPORT_24, IMPORT_24)))
    start = run_project(
        interval_project(
            tmp_path / "start", hourly_frame(EXPORT_24, IMPORT_24, label="start"), label="start"
        )
    )
    np.testing.assert_array_equal(
        start.series["EG_export"]["time"], end.series["EG_export"]["time"]
    )
    np.testing.assert_array_equal(
        start.series["EG_export"]["time_end"], end.series["EG_export"]["time_end"]
    )
    np.testing.assert_array_equal(start.ledger.series("ER"), end.ledger.series("ER"))
    # Declared the wrong way round, the data miss the first hour of the period.
    with pytest.raises(MonitoringDataError, match="one interval off.*check monitoring.label"):
        run_project(
            interval_project(tmp_path / "wrong", hourly_frame(EXPORT_24, IMPORT_24), label="start")
        )


def test_day_interval_spelling_raises_no_pandas_warning() -> None:
    """Regression: ``interval = "1D"`` was lower-cased to "1d", which pandas deprecates
    (Pandas4Warning, an error in pandas 4)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for text in ("1D", "1d", "1 d", "1day", "2 days"):
            step = interval_offset(text)
            # Days are local calendar days (23 or 25 hours where clocks change).
            assert step == pd.DateOffset(days=int(text[0])), text


# --- NetCDF ------------------------------------------------------------------------------------


def test_netcdf_with_cf_units_equals_csv(tmp_path: Path) -> None:
    """The same hourly data as NetCDF (CF ``units`` attributes, kWh; the project gives no
    unit) and as CSV in MWh give the same ER."""
    csv = run_project(interval_project(tmp_path / "csv", hourly_frame(EXPORT_24, IMPORT_24)))
    stamps = pd.date_range("2024-01-01 01:00", periods=24, freq="h")
    ds = xr.Dataset(
        {
            "export": ("time", np.asarray(EXPORT_24) * 1000.0, {"units": "kWh"}),
            "import": ("time", np.asarray(IMPORT_24) * 1000.0, {"units": "kWh"}),
        },
        coords={"time": stamps},
    )
    folder = tmp_path / "nc"
    folder.mkdir()
    ds.to_netcdf(folder / "monitoring.nc", engine="h5netcdf")
    mon = {
        "file": "monitoring.nc",
        "time": "time",
        "timezone": "UTC+8",
        "label": "end",
        "interval": "1h",
        "variables": {"EG_export": {"column": "export"}, "EG_import": {"column": "import"}},
    }
    path = write_project(folder, {}, parameters=ACM_PARAMS, monitoring=mon, start=DAY0, end=DAY0)
    nc = run_project(path)
    assert nc.ledger["EG_export"].equation.endswith("export in kWh")
    assert nc.series["EG_export"].attrs["units"] == "MWh"
    np.testing.assert_array_equal(nc.series["EG_export"]["time"], csv.series["EG_export"]["time"])
    np.testing.assert_allclose(nc.ledger.series("ER"), csv.ledger.series("ER"), rtol=1e-12)
    assert nc.totals["ER"] == pytest.approx(csv.totals["ER"], rel=1e-12)


def test_monitored_series_in_canonical_units(tmp_path: Path) -> None:
    """The series a methodology receives: canonical units, UTC interval bounds, the file's
    column and unit named in its provenance."""
    path = interval_project(
        tmp_path,
        hourly_frame(np.asarray(EXPORT_24) * 1000.0),
        **{
            "variables": {
                "EG_export": {"column": "export", "unit": "kWh"},
                "EG_import": {"column": "import", "unit": "kWh"},
            }
        },
    )
    result = run_project(path)
    da = result.series["EG_export"]
    assert da.attrs == {"units": "MWh"}
    assert "'monitoring', export in kWh" in result.ledger["EG_export"].equation
    np.testing.assert_allclose(da.values, EXPORT_24, rtol=1e-15)
    step = da["time_end"].values - da["time"].values
    assert np.all(step == np.timedelta64(1, "h"))
    assert result.report()["period"]["timezone"] == "UTC+08:00"
    q = result.quality
    assert q.rows == q.intervals == 24 and q.gaps == []


# --- gaps and missing-data rules -------------------------------------------------------------


class GapToy(Methodology):
    """Test-only methodology: BE = E_main x EF, PE = E_check x EF_PE, LE = 0.

    E_main, when missing, takes the check meter's value for the interval ("substitute");
    E_check, when missing, counts as zero ("zero").
    """

    id = "test.gaps"
    version = "1"
    title = "Toy methodology for missing-data rules"
    gwp_rule = "none"
    parameters = (
        Parameter("EF", "emission factor", unit="t/MWh"),
        Parameter("EF_PE", "project emission factor", unit="t/MWh"),
    )
    monitoring = (
        MonitoringVariable(
            "E_main",
            "main meter",
            "MWh",
            missing=Substitute("E_check", "toy rule 1: check meter"),
        ),
        MonitoringVariable("E_check", "check meter", "MWh", missing=Zero("toy rule 2: zero")),
    )

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        return [Finding("test.gaps.applicability.any", "toy", Status.PASS, "always")]

    def quantify(self, inputs: Inputs, led: Ledger) -> None:
        be = led.add("BE", led.value("E_main") * led.value("EF"), "t", "toy", ("E_main", "EF"))
        pe = led.add(
            "PE", led.value("E_check") * led.value("EF_PE"), "t", "toy", ("E_check", "EF_PE")
        )
        le = led.add("LE", 0.0, "t", "toy")
        led.add("ER", be - pe - le, "t", "toy", ("BE", "PE", "LE"))


class ZeroToy(GapToy):
    """The same, but a missing main-meter value counts as zero."""

    version = "2"
    monitoring = (
        MonitoringVariable("E_main", "main meter", "MWh", missing=Zero("toy rule 3: zero")),
        GapToy.monitoring[1],
    )


TOYS = {GapToy.key(): GapToy, ZeroToy.key(): ZeroToy}


def gap_project(directory: Path, frame: pd.DataFrame, version: str = "1") -> Path:
    return write_project(
        directory,
        {"monitoring.csv": frame},
        methodology="test.gaps",
        version=version,
        parameters={
            "EF": {"value": 0.5, "unit": "t/MWh"},
            "EF_PE": {"value": 0.1, "unit": "t/MWh"},
        },
        monitoring={
            "time": "timestamp",
            "timezone": "UTC+8",
            "label": "end",
            "interval": "1h",
            "variables": {
                "E_main": {"column": "main", "unit": "MWh"},
                "E_check": {"column": "check", "unit": "MWh"},
            },
        },
        start=DAY0,
        end=DAY0,
    )


def gap_frame() -> pd.DataFrame:
    stamps = [(dt.datetime(2024, 1, 1, 1) + dt.timedelta(hours=i)).isoformat() for i in range(24)]
    return pd.DataFrame(
        {"timestamp": stamps, "main": np.full(24, 2.0), "check": np.full(24, 1.5)}
    ).astype({"main": object, "check": object})


def test_missing_cells_substitute_and_zero(tmp_path: Path) -> None:
    """E_main empty in the hours ending 04:00 and 05:00 -> the check meter's 1.5 MWh;
    E_check empty in the hour ending 11:00 -> 0. By hand: E_main = 22 x 2.0 + 2 x 1.5 =
    47 MWh, BE = 23.5 t; E_check = 23 x 1.5 = 34.5 MWh, PE = 3.45 t; ER = 20.05 t."""
    frame = gap_frame()
    frame.loc[[3, 4], "main"] = ""
    frame.loc[10, "check"] = ""
    result = run_project(gap_project(tmp_path, frame), available=TOYS)
    assert result.totals["BE"] == pytest.approx(23.5, rel=1e-12)
    assert result.totals["PE"] == pytest.approx(3.45, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(20.05, rel=1e-12)
    dq = result.report()["data_quality"]["monitoring"]
    assert dq["filled_intervals"] == {"E_check": 1, "E_main": 2}
    gaps = {g["variable"]: g for g in dq["gaps"]}
    assert gaps["E_main"] == {
        "variable": "E_main",
        "start": "2024-01-01T03:00:00+08:00",
        "end": "2024-01-01T05:00:00+08:00",
        "intervals": 2,
        "hours": 2.0,
        "filled_by": "E_check (substitute)",
        "rule": "toy rule 1: check meter",
    }
    assert gaps["E_check"]["start"] == "2024-01-01T10:00:00+08:00"
    assert gaps["E_check"]["intervals"] == 1 and gaps["E_check"]["filled_by"].startswith("0")


def test_missing_rows_zero_rule(tmp_path: Path) -> None:
    """Rows ending 08:00 and 09:00 deleted: one gap 07:00-09:00 (2 h) in both variables,
    filled with zero. E_main = 22 x 2.0 = 44 MWh, E_check = 22 x 1.5 = 33 MWh;
    ER = 22 - 3.3 = 18.7 t."""
    frame = gap_frame().drop(index=[7, 8]).reset_index(drop=True)
    result = run_project(gap_project(tmp_path, frame, version="2"), available=TOYS)
    assert result.totals["ER"] == pytest.approx(18.7, rel=1e-12)
    dq = result.report()["data_quality"]["monitoring"]
    assert dq["rows"] == 22
    for gap in dq["gaps"]:
        assert (gap["start"], gap["end"], gap["hours"]) == (
            "2024-01-01T07:00:00+08:00",
            "2024-01-01T09:00:00+08:00",
            2.0,
        )
    assert sorted(g["variable"] for g in dq["gaps"]) == ["E_check", "E_main"]
    # Hourly data: the 2-hour hole is two missing hourly intervals, counted as such
    # (regression: it used to be one 2-hour interval, counted once).
    assert dq["filled_intervals"] == {"E_check": 2, "E_main": 2}
    assert all(g["intervals"] == 2 for g in dq["gaps"])
    assert dq["intervals"] == 24


def test_missing_rows_substitute_missing_too(tmp_path: Path) -> None:
    """A deleted row leaves the substitute missing as well: an error naming both."""
    frame = gap_frame().drop(index=[7]).reset_index(drop=True)
    with pytest.raises(MonitoringDataError) as info:
        run_project(gap_project(tmp_path, frame), available=TOYS)
    text = str(info.value)
    assert "E_main" in text and "E_check" in text and "2024-01-01T07:00:00+08:00" in text
    assert "toy rule 1" in text


def test_fixture_writer(acm0002_project: Callable[..., Path]) -> None:
    """The shared fixture writes a runnable two-day project: 48 h x 1 MWh at CM 0.4329."""
    result = run_project(acm0002_project(np.ones(48)))
    assert result.totals["ER"] == pytest.approx(48 * CM_WIND, rel=1e-12)


def dst_project(directory: Path, stamps: Sequence[str]) -> Path:
    """Hourly data in Europe/Berlin on 2024-10-27, the day clocks go back (25 hours)."""
    frame = pd.DataFrame({"timestamp": list(stamps), "export": np.ones(len(stamps)), "import": 0.0})
    day = dt.date(2024, 10, 27)
    return write_project(
        directory,
        {"monitoring.csv": frame},
        parameters=ACM_PARAMS,
        start=day,
        end=day,
        timezone="Europe/Berlin",
        monitoring={
            "time": "timestamp",
            "label": "end",
            "interval": "1h",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
        },
    )


def test_daylight_saving_local_times_are_a_typed_error(tmp_path: Path) -> None:
    """Regression: naive local timestamps that daylight saving makes ambiguous (02:00
    twice on 2024-10-27 in Europe/Berlin) raised pandas' bare ValueError; now a
    MonitoringDataError naming the time column and the rule."""
    naive = pd.date_range("2024-10-27 01:00", "2024-10-28 00:00", freq="h")
    with pytest.raises(MonitoringDataError) as info:
        run_project(dst_project(tmp_path / "naive", [t.isoformat() for t in naive]))
    assert "timestamp" in str(info.value) and "UTC offset" in str(info.value)
    # With explicit offsets the day has 25 hourly intervals, and all of them count.
    aware = pd.date_range("2024-10-27 01:00", "2024-10-28 00:00", freq="h", tz="Europe/Berlin")
    assert aware.size == 25
    result = run_project(dst_project(tmp_path / "aware", [t.isoformat() for t in aware]))
    assert result.ledger["EG_export"].total() == 25.0
    assert result.totals["ER"] == pytest.approx(25 * CM_WIND, rel=1e-12)


def test_netcdf_units_with_an_offset_are_exact_instants(tmp_path: Path) -> None:
    """Regression: CF units with a UTC offset ("hours since 2023-12-31 16:00:00+00:00" for
    local midnight in UTC+8) were decoded to UTC by xarray and then shifted again by the
    monitoring time zone. The same instants written with and without an offset in the
    units give the same ER."""
    folder = tmp_path / "nc"
    folder.mkdir()
    results = []
    for name, units, stamps in (
        (
            "local",
            "hours since 2024-01-01 00:00:00",
            pd.date_range("2024-01-01 01:00", periods=24, freq="h"),
        ),
        (
            "offset",
            "hours since 2023-12-31 16:00:00+00:00",
            pd.date_range("2023-12-31 17:00", periods=24, freq="h"),
        ),
    ):
        ds = xr.Dataset(
            {
                "export": ("time", np.asarray(EXPORT_24) * 1000.0, {"units": "kWh"}),
                "import": ("time", np.asarray(IMPORT_24) * 1000.0, {"units": "kWh"}),
            },
            coords={"time": stamps},
        )
        sub = folder / name
        sub.mkdir()
        ds.to_netcdf(sub / "m.nc", engine="h5netcdf", encoding={"time": {"units": units}})
        mon = {
            "file": "m.nc",
            "time": "time",
            "timezone": "UTC+8",
            "label": "end",
            "interval": "1h",
            "variables": {"EG_export": {"column": "export"}, "EG_import": {"column": "import"}},
        }
        path = write_project(sub, {}, parameters=ACM_PARAMS, monitoring=mon, start=DAY0, end=DAY0)
        results.append(run_project(path))
    np.testing.assert_array_equal(
        results[0].series["EG_export"]["time"], results[1].series["EG_export"]["time"]
    )
    assert results[0].totals["ER"] == results[1].totals["ER"]


def test_register_gaps_are_listed(tmp_path: Path) -> None:
    """Regression: 72 missing hourly readings of a register lose no energy (the difference
    spans them) but the report must list the 73-hour interval as a gap."""
    import shutil

    src = Path(__file__).parents[1] / "examples" / "acm0002-wind"
    shutil.copytree(src, tmp_path / "ex")
    full = run_project(tmp_path / "ex" / "project.toml")
    csv = tmp_path / "ex" / "monitoring.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    del lines[100:172]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gappy = run_project(tmp_path / "ex" / "project.toml")
    assert gappy.totals["ER"] == pytest.approx(full.totals["ER"], rel=1e-12)
    assert [(g.variable, g.hours, g.intervals) for g in gappy.quality.gaps] == [
        ("registers", 73.0, 73)
    ]
    assert full.quality.gaps == []


def test_daily_data_across_a_clock_change_are_local_days(tmp_path: Path) -> None:
    """One row per local day in Europe/Berlin over 31 March 2024 (a 23-hour day): with
    ``interval = "1D"`` declared or inferred, each row is one local day and the seven days
    hold 7 x 24 MWh (hand arithmetic on the data written here)."""
    days = pd.date_range("2024-03-28", periods=7, freq="D")
    frame = pd.DataFrame(
        {
            "timestamp": [d.strftime("%Y-%m-%dT%H:%M:%S") for d in days],
            "export": np.full(7, 24.0),
            "import": np.zeros(7),
        }
    )
    for interval in ("1D", None):
        mon: dict = {
            "time": "timestamp",
            "timezone": "Europe/Berlin",
            "label": "start",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
        }
        if interval:
            mon["interval"] = interval
        path = write_project(
            tmp_path / str(interval),
            {"monitoring.csv": frame},
            parameters=ACM_PARAMS,
            monitoring=mon,
            start=dt.date(2024, 3, 28),
            end=dt.date(2024, 4, 3),
            timezone="Europe/Berlin",
        )
        result = run_project(path)
        assert result.ledger["EG_export"].total() == 7 * 24.0
        width = (
            result.series["EG_export"]["time_end"].values
            - result.series["EG_export"]["time"].values
        )
        assert (width / np.timedelta64(1, "h")).tolist() == [24, 24, 24, 23, 24, 24, 24]

"""``reductions.quantify``: the in-memory Python API gives what a project file gives.

The same data are handed to ``reductions.quantify`` as an ``xarray.Dataset``, as a
``pandas.DataFrame`` (units in ``df.attrs["units"]`` or in ``tables=``) and as a dict of
tables, and written as a project file with CSV files (floats at full precision) that
``run_project`` reads. The two reports must be equal, value for value (the same doubles
go through the same operations, so no tolerance is needed), apart from what says where
the data came from: ``project`` (name and file), ``inputs`` (the files and hashes),
``created``, ``digest`` and each table's ``data_quality.files`` (``["<data>"]`` in
memory).

And the errors a Python user meets are typed (subclasses of ``InputError``) and say
what is wrong: no time coordinate, no units, an unknown methodology, parameter or unit,
each with a "did you mean" where there is a near miss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reductions
from reductions.errors import (
    InputError,
    MethodologyNotFound,
    MonitoringDataError,
    ParameterError,
    UnitError,
)
from reductions.run import Result, run_project
from tests.strategies import ACM0002_BASE, CCER_BASE, Case, cases, write_project

START, END = dt.date(2024, 1, 1), dt.date(2024, 1, 2)
TZ = "UTC+8"
N = 48  # hours

PARAMETERS: dict[str, dict[str, Any]] = {
    "cdm.acm0002": {
        **ACM0002_BASE,
        "EF_grid_OM_y": {"value": 0.8922, "unit": "t/MWh", "source": "fixture"},
        "EF_grid_BM_y": {"value": 0.4407, "unit": "t/MWh", "source": "fixture"},
    },
    "ccer.01-002": {
        **CCER_BASE,
        "EF_grid_OM_y": {"value": 0.9419, "unit": "t/MWh", "source": "fixture"},
        "EF_grid_BM_y": {"value": 0.4819, "unit": "t/MWh", "source": "fixture"},
        "w_OM": {"value": 0.75, "unit": "1", "source": "fixture"},
        "w_BM": {"value": 0.25, "unit": "1", "source": "fixture"},
        "MPE_export": {"value": 0.002, "unit": "1", "source": "class 0.2S"},
        "MPE_import": {"value": 0.005, "unit": "1", "source": "class 0.5S"},
    },
}
#: Calibration records of the CCER fixture: the export meter out of class on day 2, the
#: import meter's last calibration over a year old (late: its class MPE applies).
CALIBRATIONS: dict[str, list[dict[str, Any]]] = {
    "cdm.acm0002": [],
    "ccer.01-002": [
        {"variable": "EG_export", "date": dt.date(2024, 1, 2), "error": -0.0035, "mpe": 0.002},
        {"variable": "EG_import", "date": dt.date(2022, 11, 30), "error": 0.001, "mpe": 0.005},
    ],
}
METHODOLOGIES = sorted(PARAMETERS)


def energy() -> tuple[np.ndarray, np.ndarray]:
    """Export and import of each hour [MWh] (varied, not round)."""
    i = np.arange(N)
    export = 12.0 + 7.0 * np.sin(i / 3.7) + (i % 5) * 0.1234567
    imports = np.where(i % 24 < 6, 0.0421 + (i % 3) * 0.001, 0.0)
    return np.maximum(export, 0.0), imports


def starts() -> pd.DatetimeIndex:
    """Start of each hour, naive local time (UTC+8)."""
    return pd.date_range(pd.Timestamp(START), periods=N, freq="1h")


def quantify(methodology: str, monitoring: Any, **kwargs: Any) -> Result:
    tables = {k: dict(v) for k, v in kwargs.pop("tables", {}).items()}
    named = monitoring if isinstance(monitoring, dict) else {"data": monitoring}
    for table, data in named.items():
        symbols = set(data.data_vars) if isinstance(data, xr.Dataset) else set(data.columns)
        symbols |= set(tables.get(table, {}).get("variables", {}))
        mine = [c for c in CALIBRATIONS[methodology] if c["variable"] in symbols]
        if mine:
            tables.setdefault(table, {})["calibrations"] = mine
    kwargs["tables"] = tables
    return reductions.quantify(
        methodology,
        parameters=PARAMETERS[methodology],
        monitoring=monitoring,
        period=(START, END),
        timezone=TZ,
        reporting="day",
        name="python API",
        **kwargs,
    )


def project_run(
    root: Path, methodology: str, frames: dict[str, pd.DataFrame], tables: dict[str, Any]
) -> Result:
    """The same data as a project file with CSV files (``%.17g``: every double exact)."""
    tables = {k: dict(v) for k, v in tables.items()}
    for t in tables.values():
        t["delimiter"], t["decimal"] = ",", "."  # declared: nothing is detected
        mine = [c for c in CALIBRATIONS[methodology] if c["variable"] in t["variables"]]
        if mine:
            t["calibrations"] = mine
    return run_project(write_tables(root, methodology, frames, tables))


def write_tables(
    root: Path, methodology: str, frames: dict[str, pd.DataFrame], tables: dict[str, Any]
) -> Path:
    """A project file with ``[monitoring.<table>]`` tables and its CSV files."""
    root.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(root / name, index=False, float_format="%.17g")
    return write_project(
        root,
        {},
        methodology=methodology,
        parameters=PARAMETERS[methodology],
        start=START,
        end=END,
        timezone=TZ,
        reporting="day",
        monitoring=tables,
        project={"name": "python API"},
    )


#: What says where the data came from, not what they are.
WHERE_FROM = ("project", "inputs", "created", "digest")


def assert_same_report(memory: Result, files: Result) -> None:
    a, b = memory.report(), files.report()
    for name, table in a["data_quality"].items():
        assert table["files"] == ["<data>"], name
        assert b["data_quality"][name]["files"] != ["<data>"], name
    for r in (a, b):
        for t in r["data_quality"].values():
            del t["files"]
    assert a["project"]["file"] is None and b["project"]["file"] == "project.toml"
    assert a["inputs"] == [] and [i["path"] for i in b["inputs"]][0] == "project.toml"
    assert a["project"]["name"] == b["project"]["name"]
    keys = sorted(set(a) | set(b))
    assert keys == sorted(b)
    for key in keys:
        if key not in WHERE_FROM:
            assert a[key] == b[key], key
    assert memory.totals == files.totals


# --- the same result as a project file ------------------------------------------------------


@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_a_dataset_gives_the_project_file_result(methodology: str, tmp_path: Path) -> None:
    """Variables named by symbol with ``attrs["units"]`` (kWh and MWh), a ``time``
    coordinate of interval starts: the defaults of ``quantify``."""
    export, imports = energy()
    ds = xr.Dataset(
        {
            "EG_export": ("time", export * 1000.0, {"units": "kWh"}),
            "EG_import": ("time", imports, {"units": "MWh"}),
            "wind_speed": ("time", np.full(N, 7.5), {"units": "m/s"}),  # not monitored
        },
        coords={"time": starts().to_numpy()},
    )
    memory = quantify(methodology, ds)
    frame = pd.DataFrame(
        {
            "time": [t.isoformat() for t in starts()],
            "EG_export": export * 1000.0,
            "EG_import": imports,
        }
    )
    files = project_run(
        tmp_path,
        methodology,
        {"data.csv": frame},
        {
            "data": {
                "file": "data.csv",
                "time": "time",
                "label": "start",
                "variables": {
                    "EG_export": {"column": "EG_export", "unit": "kWh"},
                    "EG_import": {"column": "EG_import", "unit": "MWh"},
                },
            }
        },
    )
    assert_same_report(memory, files)


@pytest.mark.parametrize("units_in", ["attrs", "tables"])
@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_a_dataframe_gives_the_project_file_result(
    methodology: str, units_in: str, tmp_path: Path
) -> None:
    """Columns of other names mapped in ``tables=``, timestamps labelling the end of each
    hour, units in ``df.attrs["units"]`` or in the table's variables."""
    export, imports = energy()
    ends = starts() + pd.Timedelta(hours=1)
    df = pd.DataFrame({"time_end": ends, "export": export, "import": imports * 3.6})
    variables: dict[str, Any] = {
        "EG_export": {"column": "export"},
        "EG_import": {"column": "import"},
    }
    if units_in == "attrs":
        df.attrs["units"] = {"export": "MWh", "import": "GJ"}
    else:
        variables["EG_export"]["unit"] = "MWh"
        variables["EG_import"]["unit"] = "GJ"
    settings_ = {"time": "time_end", "label": "end", "interval": "1h", "variables": variables}
    memory = quantify(methodology, df, tables={"data": settings_})
    frame = pd.DataFrame(
        {"time_end": [t.isoformat() for t in ends], "export": export, "import": imports * 3.6}
    )
    files = project_run(
        tmp_path,
        methodology,
        {"data.csv": frame},
        {
            "data": {
                **settings_,
                "file": "data.csv",
                "variables": {
                    "EG_export": {"column": "export", "unit": "MWh"},
                    "EG_import": {"column": "import", "unit": "GJ"},
                },
            }
        },
    )
    assert_same_report(memory, files)


@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_a_dict_of_tables_gives_the_project_file_result(methodology: str, tmp_path: Path) -> None:
    """Two tables, one a DataFrame (export, timestamps aware of their zone) and one a
    Dataset (import in kWh): ``[monitoring.export_meter]`` and ``[monitoring.import_meter]``
    of a project file."""
    export, imports = energy()
    aware = (starts() - pd.Timedelta(hours=8)).tz_localize("UTC").tz_convert("Asia/Shanghai")
    df = pd.DataFrame({"time": aware, "EG_export": export})
    df.attrs["units"] = {"EG_export": "MWh"}
    ds = xr.Dataset(
        {"EG_import": ("time", imports * 1e3, {"units": "kWh"})},
        coords={"time": starts().to_numpy()},
    )
    memory = quantify(methodology, {"export_meter": df, "import_meter": ds})
    assert set(memory.quality.tables) == {"export_meter", "import_meter"}
    frames = {
        "export.csv": pd.DataFrame({"time": [t.isoformat() for t in aware], "EG_export": export}),
        "import.csv": pd.DataFrame(
            {"time": [t.isoformat() for t in starts()], "EG_import": imports * 1e3}
        ),
    }
    files = project_run(
        tmp_path,
        methodology,
        frames,
        {
            "export_meter": {
                "file": "export.csv",
                "time": "time",
                "label": "start",
                "variables": {"EG_export": {"column": "EG_export", "unit": "MWh"}},
            },
            "import_meter": {
                "file": "import.csv",
                "time": "time",
                "label": "start",
                "variables": {"EG_import": {"column": "EG_import", "unit": "kWh"}},
            },
        },
    )
    assert_same_report(memory, files)


@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_tables_at_different_resolutions_are_aligned(methodology: str) -> None:
    """The export every 15 minutes (a quarter of the hour's energy each), the import
    hourly: the engine sums the export to the hourly axis of the import (the coarsest
    interval the finer one nests in), says so, and gives the hourly tables' result."""
    export, imports = energy()
    quarter = pd.date_range(pd.Timestamp(START), periods=4 * N, freq="15min")
    fine = pd.DataFrame({"time": quarter, "EG_export": np.repeat(export / 4.0, 4)})
    fine.attrs["units"] = {"EG_export": "MWh"}
    hourly = pd.DataFrame({"time": starts(), "EG_export": export})
    hourly.attrs["units"] = {"EG_export": "MWh"}
    ds = xr.Dataset(
        {"EG_import": ("time", imports, {"units": "MWh"})}, coords={"time": starts().to_numpy()}
    )
    same = quantify(methodology, {"export_meter": hourly, "import_meter": ds})
    mixed = quantify(methodology, {"export_meter": fine, "import_meter": ds})
    for s in ("BE", "PE", "LE", "ER"):
        assert mixed.totals[s] == pytest.approx(same.totals[s], rel=1e-12), s
    (note,) = mixed.quality.tables["export_meter"].resampled
    assert note.startswith("EG_export: summed") and "1h intervals" in note


@settings(
    deadline=None,
    max_examples=15,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases(max_days=2), as_dataset=st.booleans())
def test_quantify_equals_the_project_file_run_for_any_case(
    case: Case, as_dataset: bool, new_dir: Callable[[], Path]
) -> None:
    """Property: any drawn case (either methodology, any reporting interval, drawn
    calibrations) through ``quantify`` and through a project file: the same report."""
    step = pd.Timedelta(case.step)
    ends = case.local_starts() + step
    settings_: dict[str, Any] = {
        "time": "t",
        "label": "end",
        "interval": case.step,
        "timezone": case.timezone,
    }
    if case.calibrations:
        settings_["calibrations"] = list(case.calibrations)
    variables = {"EG_export": {"column": "EG_export"}, "EG_import": {"column": "EG_import"}}
    if as_dataset:
        data: Any = xr.Dataset(
            {
                "EG_export": ("t", case.export, {"units": "MWh"}),
                "EG_import": ("t", case.imports, {"units": "MWh"}),
            },
            coords={"t": ends.to_numpy()},
        )
    else:
        data = pd.DataFrame({"t": ends, "EG_export": case.export, "EG_import": case.imports})
        data.attrs["units"] = {"EG_export": "MWh", "EG_import": "MWh"}
    memory = reductions.quantify(
        case.methodology,
        parameters=case.parameters,
        monitoring=data,
        period=(case.start, case.end),
        timezone=case.timezone,
        reporting=case.reporting,
        tables={"data": settings_},
        name="python API",
    )
    frame = pd.DataFrame(
        {"t": [t.isoformat() for t in ends], "EG_export": case.export, "EG_import": case.imports}
    )
    spec = {
        **settings_,
        "file": "data.csv",
        "delimiter": ",",
        "decimal": ".",
        "variables": {s: {**v, "unit": "MWh"} for s, v in variables.items()},
    }
    root = new_dir()
    frame.to_csv(root / "data.csv", index=False, float_format="%.17g")
    path = write_project(
        root,
        {},
        methodology=case.methodology,
        parameters=case.parameters,
        start=case.start,
        end=case.end,
        timezone=case.timezone,
        reporting=case.reporting,
        monitoring={"data": spec},
        project={"name": "python API"},
    )
    assert_same_report(memory, run_project(path))


def test_a_dataframe_indexed_by_a_time_index_named_time() -> None:
    export, imports = energy()
    df = pd.DataFrame({"EG_export": export, "EG_import": imports}, index=starts())
    df.index.name = "time"
    df.attrs["units"] = {"EG_export": "MWh", "EG_import": "MWh"}
    with_column = df.reset_index()
    with_column.attrs = df.attrs
    a = quantify("cdm.acm0002", df)
    b = quantify("cdm.acm0002", with_column)
    assert a.totals == b.totals and a.totals["ER"] > 0


def test_a_dataframe_indexed_by_an_unnamed_datetime_index() -> None:
    export, imports = energy()
    df = pd.DataFrame({"EG_export": export, "EG_import": imports}, index=starts())
    df.attrs["units"] = {"EG_export": "MWh", "EG_import": "MWh"}
    assert quantify("cdm.acm0002", df).totals["ER"] > 0


def test_numpy_scalars_are_numbers_as_parameters() -> None:
    export, imports = energy()
    df = pd.DataFrame({"time": starts(), "EG_export": export, "EG_import": imports})
    df.attrs["units"] = {"EG_export": "MWh", "EG_import": "MWh"}
    plain = quantify("cdm.acm0002", df)
    params = {
        **PARAMETERS["cdm.acm0002"],
        "crediting_period": np.int64(1),
        "EF_grid_OM_y": {"value": np.float64(0.8922), "unit": "t/MWh", "source": "fixture"},
    }
    numpy = reductions.quantify(
        "cdm.acm0002",
        parameters=params,
        monitoring=df,
        period=(START, END),
        timezone=TZ,
        reporting="day",
    )
    assert numpy.totals == plain.totals


# --- errors ---------------------------------------------------------------------------------


def frame_with_units(**units: str) -> pd.DataFrame:
    export, imports = energy()
    df = pd.DataFrame({"time": starts(), "EG_export": export, "EG_import": imports})
    df.attrs["units"] = {"EG_export": "MWh", "EG_import": "MWh", **units}
    return df


def raises(kind: type[InputError], methodology: str = "cdm.acm0002", **kwargs: Any) -> InputError:
    """The error ``quantify`` raises; it must be of ``kind`` (an InputError subclass)."""
    assert issubclass(kind, InputError)
    if "monitoring" not in kwargs:
        kwargs["monitoring"] = frame_with_units()
    if "parameters" not in kwargs:
        kwargs["parameters"] = PARAMETERS[methodology]
    with pytest.raises(kind) as info:
        reductions.quantify(
            methodology, period=(START, END), timezone=TZ, reporting="day", **kwargs
        )
    message = str(info.value)
    assert "\n" not in message and message == info.value.one_line()
    return info.value


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(frame_with_units().drop(columns="time"), id="dataframe-without-time-column"),
        pytest.param(
            xr.Dataset(
                {
                    "EG_export": ("t", energy()[0], {"units": "MWh"}),
                    "EG_import": ("t", energy()[1], {"units": "MWh"}),
                },
                coords={"t": starts().to_numpy()},
            ),
            id="dataset-with-time-under-another-name",
        ),
    ],
)
def test_no_time_coordinate_is_named(data: Any) -> None:
    err = raises(MonitoringDataError, monitoring=data)
    assert err.variable == "time"
    assert "time column not found" in err.message
    assert "EG_export" in err.message  # the columns there are


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            xr.Dataset(
                {
                    "EG_export": ("time", energy()[0], {"units": "MWh"}),
                    "EG_import": ("time", energy()[1], {"units": "MWh"}),
                }
            ),
            id="dataset-time-dimension-without-coordinate",
        ),
        pytest.param(
            frame_with_units().assign(time=np.arange(N)), id="dataframe-integer-time-column"
        ),
    ],
)
def test_a_time_coordinate_that_is_not_times_is_named(data: Any) -> None:
    err = raises(MonitoringDataError, monitoring=data)
    assert err.variable == "time", str(err)
    assert "1970" not in str(err)


def test_an_unreadable_timestamp_in_a_dataframe_is_named() -> None:
    df = frame_with_units()
    df["time"] = df["time"].astype(str)
    df.loc[5, "time"] = "2024-01-01 05:xx"
    err = raises(MonitoringDataError, monitoring=df)
    assert err.variable == "time" and "05:xx" in str(err)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(frame_with_units().assign(), id="dataframe-without-attrs"),
        pytest.param(
            xr.Dataset(
                {"EG_export": ("time", energy()[0]), "EG_import": ("time", energy()[1])},
                coords={"time": starts().to_numpy()},
            ),
            id="dataset-without-units-attrs",
        ),
    ],
)
def test_no_units_is_named(data: Any) -> None:
    if isinstance(data, pd.DataFrame):
        data.attrs = {}
    err = raises(UnitError, monitoring=data)
    assert err.variable == "EG_export"
    assert "no unit" in err.message


@pytest.mark.parametrize(
    "name, meant",
    [("ACM0002", "cdm.acm0002"), ("acm0002", "cdm.acm0002"), ("cdm.acm002", "cdm.acm0002")],
)
def test_an_unknown_methodology_suggests_the_installed_one(name: str, meant: str) -> None:
    err = raises(MethodologyNotFound, methodology=name, parameters=PARAMETERS["cdm.acm0002"])
    assert f"{name!r}" in err.message and "not installed" in err.message
    assert f"(did you mean {meant!r}?)" in err.message


def test_an_unknown_parameter_suggests_the_declared_one() -> None:
    params = dict(PARAMETERS["cdm.acm0002"])
    params["EF_grid_OM"] = params.pop("EF_grid_OM_y")
    err = raises(ParameterError, parameters=params)
    assert err.variable == "parameters.EF_grid_OM"
    assert "unknown parameter" in err.message
    assert "(did you mean 'EF_grid_OM_y'?)" in err.message


def _dataset_kwh_typo() -> xr.Dataset:
    return xr.Dataset(
        {
            "EG_export": ("time", energy()[0], {"units": "kwh"}),
            "EG_import": ("time", energy()[1], {"units": "MWh"}),
        },
        coords={"time": starts().to_numpy()},
    )


@pytest.mark.parametrize("where", ["dataframe-attrs", "tables-variables", "dataset-attrs"])
def test_a_unit_typo_suggests_the_unit(where: str) -> None:
    kwargs: dict[str, Any] = {}
    if where == "dataframe-attrs":
        kwargs["monitoring"] = frame_with_units(EG_export="kwh")
    elif where == "tables-variables":
        df = frame_with_units()
        df.attrs = {}
        kwargs["monitoring"] = df
        kwargs["tables"] = {
            "data": {
                "variables": {
                    "EG_export": {"column": "EG_export", "unit": "kwh"},
                    "EG_import": {"column": "EG_import", "unit": "MWh"},
                }
            }
        }
    else:
        kwargs["monitoring"] = _dataset_kwh_typo()
    err = raises(UnitError, **kwargs)
    assert err.variable == "EG_export"
    assert "unknown unit 'kwh'" in err.message
    assert "(did you mean 'kWh'?)" in err.message


def test_a_parameter_unit_typo_suggests_the_unit() -> None:
    params = {
        **PARAMETERS["cdm.acm0002"],
        "EF_grid_OM_y": {"value": 0.8922, "unit": "t/mwh", "source": "fixture"},
    }
    err = raises(UnitError, parameters=params)
    assert err.variable == "parameters.EF_grid_OM_y"
    assert "(did you mean 't/MWh'?)" in err.message


def test_settings_for_a_table_without_data_are_refused() -> None:
    err = raises(InputError, tables={"dta": {"interval": "1h"}})
    assert "'dta'" in err.message and err.variable == "tables"


def test_a_misspelt_table_setting_suggests_the_key() -> None:
    err = raises(InputError, tables={"data": {"intervall": "1h"}})
    assert "(did you mean 'interval'?)" in err.message


@pytest.mark.parametrize(
    "data",
    [pytest.param(np.zeros((N, 2)), id="ndarray"), pytest.param([frame_with_units()], id="list")],
)
def test_monitoring_of_the_wrong_type_is_named(data: Any) -> None:
    err = raises(InputError, monitoring=data)
    assert "Dataset" in err.message and "DataFrame" in err.message


def test_the_public_names_are_the_engine_s() -> None:
    from reductions import run

    assert reductions.quantify is run.quantify
    assert reductions.run_project is run.run_project and reductions.Result is run.Result

"""One synthetic case rendered in every form the engine reads: files and Python objects.

A :class:`~tests.strategies.Case` (interval energies in MWh, local time) is written as
CSV with any delimiter and decimal mark, as an Excel workbook with a named sheet among
others, as NetCDF with CF time and ``units`` attributes, split into two files at any row,
or handed to :func:`reductions.quantify` as a ``pandas.DataFrame`` or an
``xarray.Dataset``; each variable may come in its own unit, and the parameters in other
units than the methodology declares. The property tests of
``test_invariance_formats.py`` check that every rendering gives the same result.

Helpers only; the module holds no test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st

import reductions
from reductions.run import Result, run_project
from tests.strategies import PER_MWH, STEP_MINUTES, VERSIONS, Case, dump_toml

#: The forms a monitoring table can take. The first five are files and accept a split
#: into two files; the last two are Python objects passed to ``reductions.quantify``.
FILE_FORMS = ("csv-comma", "csv-semicolon-decimal-comma", "csv-tab", "xlsx", "netcdf")
MEMORY_FORMS = ("dataframe", "dataset")
FORMS = FILE_FORMS + MEMORY_FORMS

#: Energy units a variable may come in (the brief's kWh / MWh / GWh / GJ).
ENERGY_UNITS = ("kWh", "MWh", "GWh", "GJ")

#: Units a grid emission factor may come in -> the number per t/MWh. 1 kg/kWh = 1 t/MWh
#: (mass and energy both scaled by 10^-3); 1 g/kWh = 1 kg/MWh = 10^-3 t/MWh.
EF_UNITS = {"t/MWh": 1.0, "kg/kWh": 1.0, "g/kWh": 1e3, "kg/MWh": 1e3}
#: Units the distance from shore may come in -> the factor from km.
LENGTH_UNITS = {"km": 1.0, "m": 1e3}

SHEET = "Meter data"
COLUMNS = {"EG_export": "export", "EG_import": "import"}


@dataclass(frozen=True)
class Rendering:
    """How one case is rendered: the form, the unit of each variable, where the table is
    cut into two files (``None``: one file), how the CSV settings are given, and the unit
    each parameter is given in."""

    form: str = "csv-comma"
    units: Mapping[str, str] = field(
        default_factory=lambda: {"EG_export": "MWh", "EG_import": "MWh"}
    )
    split: int | None = None
    declare: bool = True  # declare delimiter / decimal (CSV) or leave them to detection
    parameter_units: Mapping[str, str] = field(default_factory=dict)
    utc: bool = False  # UTC instants: CSV with "+00:00", NetCDF UTC epoch, aware DataFrame
    units_in_table_settings: bool = False  # DataFrame: units via tables=, not df.attrs

    def describe(self) -> str:
        return (
            f"{self.form}, units {dict(self.units)}, split {self.split}, "
            f"parameters {dict(self.parameter_units)}, declared {self.declare}, "
            f"UTC {self.utc}, units in tables= {self.units_in_table_settings}"
        )


# --- the data ---------------------------------------------------------------------------------


def local_ends(case: Case) -> pd.DatetimeIndex:
    """End of each interval, naive local time (the rows are labelled by their end)."""
    step = pd.Timedelta(minutes=STEP_MINUTES[case.step])
    return pd.DatetimeIndex(case.local_starts() + step)


def values(case: Case, units: Mapping[str, str]) -> dict[str, np.ndarray]:
    """Export and import of every interval in the rendering's units."""
    return {
        "EG_export": case.export * PER_MWH[units["EG_export"]],
        "EG_import": case.imports * PER_MWH[units["EG_import"]],
    }


def parameters(case: Case, parameter_units: Mapping[str, str]) -> dict[str, Any]:
    """The case's parameters with some given in other units (same physical value)."""
    out: dict[str, Any] = {}
    for symbol, raw in case.parameters.items():
        unit = parameter_units.get(symbol)
        if unit is None or not isinstance(raw, Mapping):
            out[symbol] = raw
            continue
        k = EF_UNITS.get(unit) if symbol.startswith("EF_") else LENGTH_UNITS.get(unit)
        assert k is not None, (symbol, unit)
        out[symbol] = {**raw, "value": raw["value"] * k, "unit": unit}
    return out


def parameter_units(case: Case) -> st.SearchStrategy[dict[str, str]]:
    """Another unit for each parameter that has a unit and a convertible twin."""
    choices: dict[str, st.SearchStrategy[str]] = {}
    for symbol in case.parameters:
        if symbol.startswith("EF_grid_"):
            choices[symbol] = st.sampled_from(sorted(EF_UNITS))
        elif symbol == "distance_from_shore":
            choices[symbol] = st.sampled_from(sorted(LENGTH_UNITS))
    return st.fixed_dictionaries(choices)


# --- files ----------------------------------------------------------------------------------


def _number_text(x: float, decimal: str) -> str:
    """Shortest repr (reads back to the same double); a decimal comma if asked."""
    text = repr(float(x))
    return text.replace(".", ",") if decimal == "," else text


def _time_text(case: Case, utc: bool) -> list[str]:
    ends = local_ends(case)
    if utc:
        return [(t - case.utc_offset()).isoformat() + "+00:00" for t in ends]
    return [t.isoformat() for t in ends]


def _write_csv(path: Path, case: Case, r: Rendering, rows: slice) -> None:
    delimiter, decimal = {
        "csv-comma": (",", "."),
        "csv-semicolon-decimal-comma": (";", ","),
        "csv-tab": ("\t", "."),
    }[r.form]
    data = values(case, r.units)
    times = _time_text(case, r.utc)[rows]
    cols = {COLUMNS[s]: data[s][rows] for s in COLUMNS}
    lines = [delimiter.join(["timestamp", *cols])]
    for i, t in enumerate(times):
        lines.append(delimiter.join([t, *(_number_text(v[i], decimal) for v in cols.values())]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_xlsx(path: Path, case: Case, r: Rendering, rows: slice) -> None:
    """Timestamps as Excel date cells, values as numbers, on a named sheet after a notes
    sheet (so that the sheet must be named). openpyxl writes a double with 16 significant
    digits (Excel itself keeps 15), so a value may come back 1 ulp off."""
    data = values(case, r.units)
    frame = pd.DataFrame(
        {
            "timestamp": local_ends(case)[rows].to_pydatetime(),
            **{COLUMNS[s]: data[s][rows] for s in COLUMNS},
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["synthetic meter data"]}).to_excel(
            writer, sheet_name="Notes", index=False
        )
        frame.to_excel(writer, sheet_name=SHEET, index=False)


def _write_netcdf(path: Path, case: Case, r: Rendering, rows: slice) -> None:
    """CF time (minutes since a local or a UTC epoch) and a ``units`` attribute on every
    variable; the project file gives no unit."""
    data = values(case, r.units)
    ends = local_ends(case)[rows]
    if r.utc:
        stamps = (ends - case.utc_offset()).to_numpy()
        units = f"minutes since {case.start.isoformat()} 00:00:00+00:00"
    else:
        stamps = ends.to_numpy()
        units = f"minutes since {case.start.isoformat()} 00:00:00"
    ds = xr.Dataset(
        {COLUMNS[s]: ("timestamp", data[s][rows], {"units": r.units[s]}) for s in COLUMNS},
        coords={"timestamp": stamps},
    )
    ds.to_netcdf(path, engine="h5netcdf", encoding={"timestamp": {"units": units}})


SUFFIX = {
    "csv-comma": ".csv",
    "csv-semicolon-decimal-comma": ".csv",
    "csv-tab": ".txt",
    "xlsx": ".xlsx",
    "netcdf": ".nc",
}


def monitoring(case: Case, r: Rendering, files: Sequence[str]) -> dict[str, Any]:
    """The ``[monitoring]`` table of a file rendering."""
    table: dict[str, Any] = {
        "files": list(files),
        "time": "timestamp",
        "timezone": case.timezone,
        "label": "end",
        "interval": case.step,
    }
    if r.declare and r.form.startswith("csv"):
        table["delimiter"], table["decimal"] = {
            "csv-comma": (",", "."),
            "csv-semicolon-decimal-comma": (";", ","),
            "csv-tab": ("\t", "."),
        }[r.form]
    if r.form == "xlsx":
        table["sheet"] = SHEET
    if r.form == "netcdf":
        table["variables"] = {s: {"column": c} for s, c in COLUMNS.items()}
    else:
        table["variables"] = {s: {"column": c, "unit": r.units[s]} for s, c in COLUMNS.items()}
    if case.calibrations:
        table["calibrations"] = list(case.calibrations)
    return table


def write_files(directory: Path, case: Case, r: Rendering) -> Path:
    """The case as a project file and its monitoring file(s) in ``directory``."""
    assert r.form in FILE_FORMS, r.form
    directory.mkdir(parents=True, exist_ok=True)
    n = case.n
    parts = [slice(0, n)] if r.split is None else [slice(0, r.split), slice(r.split, n)]
    writer = {"xlsx": _write_xlsx, "netcdf": _write_netcdf}.get(r.form, _write_csv)
    files = []
    for k, rows in enumerate(parts):
        name = f"part{k + 1}{SUFFIX[r.form]}"
        writer(directory / name, case, r, rows)
        files.append(name)
    doc: dict[str, Any] = {
        "project": {
            "name": "format invariance",
            "methodology": case.methodology,
            "methodology_version": VERSIONS[case.methodology],
        },
        "period": {
            "start": case.start,
            "end": case.end,
            "timezone": case.timezone,
            "reporting": case.reporting,
        },
        "parameters": parameters(case, r.parameter_units),
        "monitoring": monitoring(case, r, files),
    }
    path = directory / "project.toml"
    path.write_text(dump_toml(doc), encoding="utf-8")
    return path


# --- Python objects ------------------------------------------------------------------------


def dataframe(case: Case, r: Rendering) -> pd.DataFrame:
    """Columns ``timestamp``, ``export``, ``import``; naive local times; units in
    ``df.attrs["units"]`` unless the rendering gives them through ``tables=``."""
    data = values(case, r.units)
    stamps = local_ends(case)
    if r.utc:  # time-zone-aware instants instead of naive local times
        stamps = (stamps - case.utc_offset()).tz_localize("UTC")
    frame = pd.DataFrame({"timestamp": stamps, **{COLUMNS[s]: data[s] for s in COLUMNS}})
    if not r.units_in_table_settings:
        frame.attrs["units"] = {COLUMNS[s]: r.units[s] for s in COLUMNS}
    return frame


def dataset(case: Case, r: Rendering) -> xr.Dataset:
    """Variables named by symbol with ``attrs["units"]``, a ``timestamp`` coordinate."""
    data = values(case, r.units)
    return xr.Dataset(
        {s: ("timestamp", data[s], {"units": r.units[s]}) for s in COLUMNS},
        coords={"timestamp": local_ends(case).to_numpy()},
    )


def table_settings(case: Case, r: Rendering) -> dict[str, Any]:
    """``tables={"data": ...}`` for :func:`reductions.quantify`."""
    spec: dict[str, Any] = {
        "time": "timestamp",
        "timezone": case.timezone,
        "label": "end",
        "interval": case.step,
    }
    if r.form == "dataframe":
        spec["variables"] = {
            s: {"column": c, **({"unit": r.units[s]} if r.units_in_table_settings else {})}
            for s, c in COLUMNS.items()
        }
    if case.calibrations:
        spec["calibrations"] = list(case.calibrations)
    return spec


def quantify(case: Case, r: Rendering) -> Result:
    """The case through :func:`reductions.quantify` as a DataFrame or a Dataset."""
    assert r.form in MEMORY_FORMS, r.form
    data = dataframe(case, r) if r.form == "dataframe" else dataset(case, r)
    return reductions.quantify(
        case.methodology,
        parameters=parameters(case, r.parameter_units),
        monitoring=data,
        period=(case.start, case.end),
        timezone=case.timezone,
        reporting=case.reporting,
        tables={"data": table_settings(case, r)},
        name="format invariance",
    )


def result_of(directory: Path, case: Case, r: Rendering) -> Result:
    """Run the case in the rendering ``r`` (files in ``directory``, or in memory)."""
    if r.form in MEMORY_FORMS:
        return quantify(case, r)
    return run_project(write_files(directory, case, r))


@st.composite
def renderings(
    draw: st.DrawFn,
    case: Case,
    forms: Sequence[str] = FORMS,
    units: bool = True,
    split: bool = True,
    other_parameter_units: bool = True,
) -> Rendering:
    """A drawn rendering of ``case``."""
    form = draw(st.sampled_from(list(forms)), label="form")
    unit_of = (
        {s: draw(st.sampled_from(ENERGY_UNITS), label=f"unit of {s}") for s in COLUMNS}
        if units
        else {s: "MWh" for s in COLUMNS}
    )
    cut = None
    if split and form in FILE_FORMS and case.n > 1:
        cut = draw(st.one_of(st.none(), st.integers(1, case.n - 1)), label="split row")
    return Rendering(
        form=form,
        units=unit_of,
        split=cut,
        declare=draw(st.booleans(), label="declare delimiter"),
        parameter_units=draw(parameter_units(case)) if other_parameter_units else {},
        utc=draw(st.booleans(), label="UTC timestamps")
        if form not in ("xlsx", "dataset")
        else False,
        units_in_table_settings=draw(st.booleans(), label="units in tables="),
    )

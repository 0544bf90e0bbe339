"""Monitoring data (CSV, NetCDF) -> ``xarray.Dataset`` in canonical units, with data checks.

What this module does, in order (DESIGN.md, "Monitoring data, as it really arrives"):

1. reads each monitoring file (CSV with a header row, or NetCDF with CF ``units``);
2. parses timestamps as local times of the monitoring time zone (or with their own
   offset) and turns them into UTC;
3. checks that every mapped column exists, every cell is numeric, timestamps are unique
   and increasing (or sorts them, if the project says ``sort = true``);
4. turns each row into an interval (a timestamp labels the start or the end of its
   interval); cumulative registers are differenced, with declared rollovers and meter
   replacements;
5. converts every variable once to the methodology's canonical unit;
6. keeps the intervals inside the period, checks the data cover it, finds every gap, and
   applies the methodology's missing-data rule (or stops), counting what it filled.

No Python loop runs over rows; loops run over files, variables and declared events.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .errors import MonitoringDataError, ProjectFileError, UnitError
from .methodology import Methodology, MonitoringVariable
from .project import MonitoringSpec, Period, Project, VariableSpec
from .timeutil import interval_offset, local_midnight_utc, to_local, to_utc_naive, tz_name
from .units import convert

#: A time-zone designator at the end of CF time units ("... since 2024-01-01 00:00+08:00").
_CF_OFFSET = re.compile(
    r"(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*(?:[+-]\d{1,2}(?::?\d{2})?|Z)|\s(?:UTC|GMT|Z))\s*$",
    re.IGNORECASE,
)

_MISSING_TOKENS = ("", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "null", "NULL", "None")


@dataclass(frozen=True)
class Gap:
    """A run of missing intervals of one variable, and what filled it under which rule."""

    variable: str
    start: str
    end: str
    intervals: int
    hours: float
    filled_by: str
    rule: str


@dataclass
class DataQuality:
    """What the checks found: rows read, intervals kept, gaps and fills, sorting, events."""

    files: list[str]
    rows: int
    intervals: int
    timezone: str
    sorted_rows: bool
    gaps: list[Gap] = field(default_factory=list)
    filled_intervals: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    interval: str = "between register readings"

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "rows": self.rows,
            "intervals": self.intervals,
            "timezone": self.timezone,
            "sorted_rows": self.sorted_rows,
            "gaps": [g.__dict__ for g in self.gaps],
            "filled_intervals": dict(sorted(self.filled_intervals.items())),
            "events": self.events,
            "interval": self.interval,
        }


class RowLabels:
    """Where each row came from (file and line), formatted only when a message needs it."""

    def __init__(
        self, files: list[str], csv: list[bool], file_id: np.ndarray, line: np.ndarray
    ) -> None:
        self.files, self.csv, self.file_id, self.line = files, csv, file_id, line

    @classmethod
    def for_file(cls, label: str, n: int, csv: bool) -> RowLabels:
        first = 2 if csv else 0  # CSV: line 1 is the header; NetCDF: index along time
        return cls([label], [csv], np.zeros(n, dtype=np.int64), np.arange(first, first + n))

    @classmethod
    def concat(cls, parts: list[RowLabels]) -> RowLabels:
        files = [f for p in parts for f in p.files]
        csv = [c for p in parts for c in p.csv]
        offsets = np.cumsum([0] + [len(p.files) for p in parts[:-1]])
        return cls(
            files,
            csv,
            np.concatenate([p.file_id + o for p, o in zip(parts, offsets, strict=True)]),
            np.concatenate([p.line for p in parts]),
        )

    def __len__(self) -> int:
        return int(self.line.size)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int | np.integer):
            f = int(self.file_id[key])
            n = int(self.line[key])
            return f"{self.files[f]}:{n}" if self.csv[f] else f"{self.files[f]}[{n}]"
        return RowLabels(self.files, self.csv, self.file_id[key], self.line[key])

    def line_of(self, i: int) -> int:
        return int(self.line[i])


@dataclass
class _Raw:
    """Rows read from the files: UTC times, row labels, values in file units."""

    times: np.ndarray  # datetime64[ns], UTC
    rows: RowLabels
    values: dict[str, np.ndarray]
    units: dict[str, str]


def load_monitoring(
    project: Project, methodology: type[Methodology]
) -> tuple[xr.Dataset, DataQuality]:
    """Read, check and convert the project's monitoring data for ``methodology``."""
    spec = project.monitoring
    declared = {v.symbol: v for v in methodology.monitoring}
    for symbol in spec.variables:
        if symbol not in declared:
            raise ProjectFileError(
                f"not a monitoring variable of {methodology.label()}",
                file=project.file_label,
                variable=f"monitoring.variables.{symbol}",
                rule=f"known variables: {', '.join(sorted(declared))}",
            )
    for symbol, decl in declared.items():
        if decl.required and symbol not in spec.variables:
            raise ProjectFileError(
                f"required monitoring variable not mapped ({decl.description})",
                file=project.file_label,
                variable=f"monitoring.variables.{symbol}",
                rule=f"{methodology.label()} requires it",
            )
    for symbol, vspec in spec.variables.items():
        if vspec.kind == "register" and declared[symbol].aggregate != "sum":
            raise ProjectFileError(
                "a state variable cannot be a cumulative register",
                file=project.file_label,
                variable=f"monitoring.variables.{symbol}",
            )
    for table, records in (("events", spec.events), ("calibrations", spec.calibrations)):
        for rec in records:
            if rec.variable not in spec.variables:
                # Ignoring it would silently drop a rollover or a calibration.
                raise ProjectFileError(
                    f"names {rec.variable!r}, which is not a monitored variable",
                    file=project.file_label,
                    variable=f"monitoring.{table}.variable",
                    rule=f"one of {', '.join(spec.variables)}",
                )

    raw = _read_all(project)
    order_sorted = False
    if spec.sort:
        order = np.argsort(raw.times, kind="stable")
        order_sorted = bool(np.any(order != np.arange(order.size)))
        raw = _Raw(
            raw.times[order],
            raw.rows[order],
            {k: v[order] for k, v in raw.values.items()},
            raw.units,
        )
    _check_time_order(raw, spec)

    canonical = {
        s: _to_canonical(raw, s, spec.variables[s], declared[s], project.file_label)
        for s in raw.values
    }
    kind = next(iter(spec.variables.values())).kind
    events: list[str] = []
    interval_note: list[str] = []
    fixed_step: list[np.timedelta64] = []
    if kind == "register":
        units = {s: declared[s].unit for s in canonical}
        start, end, values, rows = _difference_registers(raw, canonical, spec, events, units)
    else:
        start, end, values, rows = _intervals(raw, canonical, spec, interval_note)
        widths = np.unique(end - start)
        if widths.size == 1:
            fixed_step.append(widths[0])

    for symbol, arr in values.items():
        if declared[symbol].nonnegative:
            _check_nonnegative(symbol, arr, rows, start, spec, declared[symbol])

    start, end, values = _select_period(start, end, values, rows, project.period, spec)
    quality = DataQuality(
        [f for f in spec.files],
        int(raw.times.size),
        0,
        tz_name(spec.timezone),
        order_sorted,
        events=events,
    )
    if interval_note:
        given = "" if spec.label_given else " (the default: monitoring.label not given)"
        quality.interval = f"{interval_note[0]}; timestamps label the {spec.label}{given}"
    if kind == "register":
        quality.gaps.extend(_register_gaps(start, end, spec))
    start, end, values = _fill_gaps(start, end, values, fixed_step[0] if fixed_step else None)
    _apply_missing_rules(start, end, values, declared, spec, quality)
    quality.intervals = int(start.size)

    coords = {
        "time": ("time", start),
        "time_end": ("time", end),
    }
    ds = xr.Dataset(coords=coords)
    for symbol in declared:
        if symbol in values:
            ds[symbol] = xr.DataArray(
                values[symbol],
                dims=("time",),
                attrs={
                    "units": declared[symbol].unit,
                    "column": spec.variables[symbol].column,
                    "source_units": raw.units[symbol],
                },
            )
    ds.attrs["timezone"] = tz_name(spec.timezone)
    return ds, quality


# --- reading ----------------------------------------------------------------------------


def _read_all(project: Project) -> _Raw:
    spec = project.monitoring
    parts = [_read_file(project.root / f, f, spec) for f in spec.files]
    units: dict[str, str] = {}
    for part in parts:
        for symbol, unit in part.units.items():
            if units.setdefault(symbol, unit) != unit:
                raise UnitError(
                    f"unit {unit!r} differs from {units[symbol]!r} in another file",
                    variable=symbol,
                    rule="one unit per variable",
                )
    return _Raw(
        np.concatenate([p.times for p in parts]),
        RowLabels.concat([p.rows for p in parts]),
        {s: np.concatenate([p.values[s] for p in parts]) for s in spec.variables},
        units,
    )


def _read_file(path: Path, label: str, spec: MonitoringSpec) -> _Raw:
    if not path.is_file():
        raise ProjectFileError(
            "monitoring file not found", file=label, rule="paths are relative to the project file"
        )
    suffix = path.suffix.lower()
    if suffix in (".nc", ".nc4", ".netcdf", ".cdf"):
        return _read_netcdf(path, label, spec)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, label, spec)
    raise ProjectFileError(
        f"unsupported monitoring file type {suffix!r}",
        file=label,
        rule="CSV (.csv) or NetCDF (.nc)",
    )


def _read_csv(path: Path, label: str, spec: MonitoringSpec) -> _Raw:
    try:
        df = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MonitoringDataError(f"cannot read CSV: {exc}".splitlines()[0], file=label) from None
    df.columns = [str(c).strip() for c in df.columns]
    rows = RowLabels.for_file(label, len(df), csv=True)
    if spec.time not in df.columns:
        raise MonitoringDataError(
            f"time column not found; columns are {list(df.columns)}", file=label, variable=spec.time
        )
    times = _parse_times(df[spec.time].to_numpy(dtype=str), rows, label, spec)
    values, units = {}, {}
    for symbol, vspec in spec.variables.items():
        if vspec.column not in df.columns:
            raise MonitoringDataError(
                f"column {vspec.column!r} not found; columns are {list(df.columns)}",
                file=label,
                variable=symbol,
                rule="every mapped column must exist",
            )
        if vspec.unit is None:
            raise UnitError(
                "no unit given",
                file=label,
                variable=symbol,
                rule="a CSV column's unit is declared in monitoring.variables",
            )
        values[symbol] = _parse_numbers(df[vspec.column], rows, times, label, vspec, spec)
        units[symbol] = vspec.unit
    return _Raw(times, rows, values, units)


def _parse_numbers(
    col: pd.Series,
    rows: RowLabels,
    times: np.ndarray,
    label: str,
    vspec: VariableSpec,
    spec: MonitoringSpec,
) -> np.ndarray:
    text = col.str.strip()
    missing = text.isin(_MISSING_TOKENS).to_numpy()
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=float)
    bad = (~missing) & ~np.isfinite(numbers)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise MonitoringDataError(
            f"non-numeric value {text.iloc[i]!r} in column {vspec.column!r}",
            file=label,
            variable=vspec.symbol,
            where=f"row {rows.line_of(i)} ({_local(times[i], spec)})",
            rule="monitored values are numbers",
        )
    return numbers


def _parse_times(text: np.ndarray, rows: RowLabels, label: str, spec: MonitoringSpec) -> np.ndarray:
    stripped = np.char.strip(text.astype(str))
    series = pd.Series(stripped.tolist(), dtype=str)
    # Offsets that differ (+01:00 and +02:00 across a clock change) are fine when every
    # timestamp has one: they are then exact instants.
    every_offset = bool(series.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).all())
    try:
        parsed = pd.to_datetime(series, format="ISO8601", errors="coerce", utc=every_offset)
    except (ValueError, TypeError) as exc:
        raise MonitoringDataError(
            f"timestamps mix time-zone offsets or formats: {exc}", file=label, variable=spec.time
        ) from None
    nat = parsed.isna().to_numpy()
    if np.any(nat):
        i = int(np.argmax(nat))
        raise MonitoringDataError(
            f"cannot read timestamp {str(stripped[i])!r}",
            file=label,
            variable=spec.time,
            where=f"row {rows.line_of(i)}",
            rule="ISO 8601 timestamps",
        )
    index = pd.DatetimeIndex(parsed)
    if index.tz is None:
        index = _localize(index, label, spec)
    return to_utc_naive(index)


def _localize(index: pd.DatetimeIndex, label: str, spec: MonitoringSpec) -> pd.DatetimeIndex:
    """Naive local times -> aware; a time that daylight saving makes ambiguous or
    nonexistent is a typed error, not a pandas traceback."""
    try:
        return index.tz_localize(spec.timezone)
    except ValueError as exc:  # pandas' AmbiguousTimeError / NonExistentTimeError
        raise MonitoringDataError(
            f"local time not unique or not existing in {tz_name(spec.timezone)}: {exc}",
            file=label,
            variable=spec.time,
            rule="where clocks change, write timestamps with their UTC offset",
        ) from None


def _read_netcdf(path: Path, label: str, spec: MonitoringSpec) -> _Raw:
    try:
        ds = xr.open_dataset(path, decode_times=True)
    except (OSError, ValueError) as exc:
        raise MonitoringDataError(
            f"cannot read NetCDF: {exc}".splitlines()[0], file=label
        ) from None
    with ds:
        if spec.time not in ds.variables:
            raise MonitoringDataError(
                f"time variable not found; variables are {list(ds.variables)}",
                file=label,
                variable=spec.time,
            )
        tvals = ds[spec.time].values
        if not np.issubdtype(tvals.dtype, np.datetime64) or tvals.ndim != 1:
            raise MonitoringDataError(
                "time variable is not a 1-D CF time coordinate", file=label, variable=spec.time
            )
        rows = RowLabels.for_file(label, int(tvals.size), csv=False)
        nat = np.isnat(tvals)
        if np.any(nat):
            i = int(np.argmax(nat))
            raise MonitoringDataError(
                "missing timestamp", file=label, variable=spec.time, where=f"index {i}"
            )
        cf_units = str(ds[spec.time].encoding.get("units", ""))
        if _CF_OFFSET.search(cf_units):
            # xarray has applied the offset of the reference time: the values are UTC.
            times = np.asarray(tvals, dtype="datetime64[ns]")
        else:
            # No offset in the units: read as local times of monitoring.timezone, like a
            # CSV's naive timestamps (stated in the README; CF would assume UTC).
            times = to_utc_naive(_localize(pd.DatetimeIndex(tvals), label, spec))
        values, units = {}, {}
        for symbol, vspec in spec.variables.items():
            if vspec.column not in ds.variables:
                raise MonitoringDataError(
                    f"variable {vspec.column!r} not found; variables are {list(ds.data_vars)}",
                    file=label,
                    variable=symbol,
                    rule="every mapped variable must exist",
                )
            var = ds[vspec.column]
            if var.dims != ds[spec.time].dims:
                raise MonitoringDataError(
                    f"{vspec.column!r} is not along the time dimension", file=label, variable=symbol
                )
            file_unit = var.attrs.get("units")
            if (
                vspec.unit is not None
                and file_unit is not None
                and str(file_unit).strip() != vspec.unit.strip()
            ):
                raise UnitError(
                    f"project says {vspec.unit!r} but the file says {file_unit!r}",
                    file=label,
                    variable=symbol,
                    rule="one unit per variable",
                )
            unit = vspec.unit if vspec.unit is not None else file_unit
            if unit is None:
                raise UnitError(
                    "no units attribute",
                    file=label,
                    variable=symbol,
                    rule="CF: every NetCDF variable carries attrs['units']",
                )
            arr = np.asarray(var.values)
            if not np.issubdtype(arr.dtype, np.number):
                raise MonitoringDataError(
                    f"values of {vspec.column!r} are not numeric", file=label, variable=symbol
                )
            arr = arr.astype(float)
            inf = np.isinf(arr)
            if np.any(inf):
                i = int(np.argmax(inf))
                raise MonitoringDataError(
                    "infinite value", file=label, variable=symbol, where=f"index {i}"
                )
            values[symbol], units[symbol] = arr, str(unit)
    return _Raw(times, rows, values, units)


# --- checks and intervals ------------------------------------------------------------


def _local(t: np.datetime64, spec: MonitoringSpec) -> str:
    return str(to_local(np.asarray([t]), spec.timezone)[0].isoformat())


def _check_time_order(raw: _Raw, spec: MonitoringSpec) -> None:
    if raw.times.size == 0:
        raise MonitoringDataError("no rows of data", file=", ".join(raw.rows.files))
    step = np.diff(raw.times)
    dup = step == np.timedelta64(0, "ns")
    if np.any(dup):
        i = int(np.argmax(dup))
        raise MonitoringDataError(
            f"duplicate timestamp {_local(raw.times[i + 1], spec)}",
            variable=spec.time,
            where=f"{raw.rows[i]} and {raw.rows[i + 1]}",
            rule="timestamps are unique",
        )
    back = step < np.timedelta64(0, "ns")
    if np.any(back):
        i = int(np.argmax(back))
        raise MonitoringDataError(
            f"timestamp {_local(raw.times[i + 1], spec)} comes before the previous row's "
            f"{_local(raw.times[i], spec)}",
            variable=spec.time,
            where=f"{raw.rows[i + 1]}",
            rule="timestamps increase (or set monitoring.sort = true)",
        )


def _to_canonical(
    raw: _Raw, symbol: str, vspec: VariableSpec, decl: MonitoringVariable, project_file: str
) -> np.ndarray:
    try:
        return convert(
            raw.values[symbol],
            raw.units[symbol],
            decl.unit,
            variable=symbol,
            where=f"column {vspec.column!r}",
        )
    except UnitError as exc:
        # The unit was declared in the project file (or, for NetCDF, in the data file).
        declared_in = project_file if vspec.unit is not None else ", ".join(raw.rows.files)
        raise UnitError(
            exc.message, file=declared_in, variable=exc.variable, where=exc.where, rule=exc.rule
        ) from None


def _infer_interval(raw: _Raw, spec: MonitoringSpec) -> tuple[pd.DateOffset | pd.Timedelta, str]:
    """The interval of undeclared interval data, from the spacing of the timestamps.

    Accepted only where the spacing leaves no doubt: the smallest step is also the most
    common one and divides every step (missing rows then show as gaps), or calendar months starting
    at local midnight on the 1st. Anything else must be declared in monitoring.interval.
    """
    local = pd.DatetimeIndex(raw.times).tz_localize("UTC").tz_convert(spec.timezone)
    if raw.times.size < 2:
        raise MonitoringDataError(
            "one row cannot show the interval it covers",
            file=", ".join(raw.rows.files),
            variable="monitoring.interval",
            rule="declare monitoring.interval (e.g. '15min', '1h', 'month')",
        )
    months = local.year * 12 + local.month
    on_month_starts = bool(
        np.all((local.day == 1) & (local.hour == 0) & (local.minute == 0) & (local.second == 0))
    )
    if on_month_starts and np.all(np.diff(np.asarray(months)) >= 1):
        return pd.DateOffset(months=1), "1 month, inferred: timestamps on local month starts"
    step = np.diff(raw.times)
    smallest = step.min()
    values, counts = np.unique(step, return_counts=True)
    most_common = values[int(np.argmax(counts))]
    if most_common == smallest and np.all(step % smallest == np.timedelta64(0, "ns")):
        td = pd.Timedelta(smallest)
        return td, (
            f"{td}, inferred: the most common and smallest spacing of the timestamps, "
            "which divides every step"
        )
    i = int(np.argmax((step % smallest != np.timedelta64(0, "ns")) | (step == smallest)))
    if most_common == smallest:
        i = int(np.argmax(step % smallest != np.timedelta64(0, "ns")))
    raise MonitoringDataError(
        f"timestamps are unevenly spaced ({pd.Timedelta(step[i])} after "
        f"{_local(raw.times[i], spec)}, smallest step {pd.Timedelta(smallest)})",
        file=", ".join(raw.rows.files),
        variable="monitoring.interval",
        rule="declare monitoring.interval when the spacing does not show it",
    )


def _intervals(raw: _Raw, values: dict[str, np.ndarray], spec: MonitoringSpec, notes: list[str]):
    if spec.interval is None:
        step, how = _infer_interval(raw, spec)
        notes.append(how)
    else:
        step = interval_offset(spec.interval)
        notes.append(f"{spec.interval}, declared")
    local = pd.DatetimeIndex(raw.times).tz_localize("UTC").tz_convert(spec.timezone)
    if spec.label == "end":
        start, end = local - step, local
    else:
        start, end = local, local + step
    return to_utc_naive(start), to_utc_naive(end), values, raw.rows


def _difference_registers(
    raw: _Raw,
    values: dict[str, np.ndarray],
    spec: MonitoringSpec,
    events: list[str],
    units: dict[str, str],
):
    if raw.times.size < 2:
        raise MonitoringDataError("a register needs at least two readings", where=str(raw.rows[0]))
    out: dict[str, np.ndarray] = {}
    for symbol, reading in values.items():
        nan = np.isnan(reading)
        if np.any(nan):
            i = int(np.argmax(nan))
            raise MonitoringDataError(
                "missing register reading",
                variable=symbol,
                where=f"{raw.rows[i]} ({_local(raw.times[i], spec)})",
                rule="a register is read at every row; delete the row and the next difference "
                "spans the gap",
            )
        diff = np.diff(reading)
        for ev in (e for e in spec.events if e.variable == symbol):
            # A declared modulus or meter reading is in the register's own unit (the
            # column's unit, as the meter shows it); ``reading`` is already canonical.
            nums = [ev.modulus, ev.final_reading, ev.initial_reading]
            modulus, final, initial = (
                None
                if x is None
                else float(convert(x, raw.units[symbol], units[symbol], variable=symbol))
                for x in nums
            )
            t = to_utc_naive(pd.DatetimeIndex([pd.Timestamp(ev.time)]).tz_localize(spec.timezone))[
                0
            ]
            k = int(np.searchsorted(raw.times, t, side="left")) - 1
            if k < 0 or k >= diff.size:
                raise ProjectFileError(
                    f"{ev.kind} at {ev.time} is outside the readings",
                    variable=f"monitoring.events.{symbol}",
                )
            if ev.kind == "rollover":
                assert modulus is not None
                diff[k] += modulus
            else:
                assert final is not None and initial is not None
                diff[k] = (final - reading[k]) + (reading[k + 1] - initial)
            events.append(
                f"{symbol}: {ev.kind} at {ev.time.isoformat()} applied between "
                f"{raw.rows[k]} and {raw.rows[k + 1]}"
            )
        back = diff < 0
        if np.any(back):
            i = int(np.argmax(back))
            raise MonitoringDataError(
                f"register decreases from {float(raw.values[symbol][i])!r} to "
                f"{float(raw.values[symbol][i + 1])!r} {raw.units[symbol]}",
                variable=symbol,
                where=f"{raw.rows[i + 1]} ({_local(raw.times[i + 1], spec)})",
                rule="a rollover or meter replacement must be declared in monitoring.events",
            )
        out[symbol] = diff
    return raw.times[:-1], raw.times[1:], out, raw.rows[1:]


def _register_gaps(start: np.ndarray, end: np.ndarray, spec: MonitoringSpec) -> list[Gap]:
    """Readings further apart than the usual spacing: no energy is lost (the difference
    spans the gap), but its time profile is unknown, so the report lists them."""
    step = end - start
    if step.size < 2:
        return []
    values, counts = np.unique(step, return_counts=True)
    usual = values[int(np.argmax(counts))]
    long = np.flatnonzero(step > usual)
    return [
        Gap(
            "registers",
            _local(start[i], spec),
            _local(end[i], spec),
            int(step[i] // usual),
            float(step[i] / np.timedelta64(1, "h")),
            "the register difference spans it: energy kept, its profile unknown",
            f"readings usually {pd.Timedelta(usual)} apart",
        )
        for i in long
    ]


def _check_nonnegative(
    symbol: str,
    arr: np.ndarray,
    rows: RowLabels,
    start: np.ndarray,
    spec: MonitoringSpec,
    decl: MonitoringVariable,
) -> None:
    neg = arr < 0
    if np.any(neg):
        i = int(np.argmax(neg))
        raise MonitoringDataError(
            f"negative value {float(arr[i])!r} {decl.unit}",
            variable=symbol,
            where=f"{rows[i]} (interval from {_local(start[i], spec)})",
            rule=f"{symbol} ({decl.unit}) cannot be negative",
        )


def _select_period(
    start: np.ndarray,
    end: np.ndarray,
    values: dict[str, np.ndarray],
    rows: RowLabels,
    period: Period,
    spec: MonitoringSpec,
):
    p0 = local_midnight_utc(period.start, period.timezone)
    p1 = local_midnight_utc(period.end + dt.timedelta(days=1), period.timezone)
    # Overlaps first: a wrong monitoring.interval shows here, not as a straddle.
    overlap = start[1:] < end[:-1]
    if np.any(overlap):
        i = int(np.argmax(overlap))
        raise MonitoringDataError(
            f"intervals overlap: {_local(start[i + 1], spec)} starts before {_local(end[i], spec)}",
            where=str(rows[i + 1]),
            rule="each instant is covered by one interval (check monitoring.interval)",
        )
    first, last = start.min(), end.max()
    if first > p0 or last < p1:
        raise MonitoringDataError(
            f"the period {period.start} to {period.end} is not covered by the data in "
            f"{', '.join(spec.files)}, which run from {_local(first, spec)} to "
            f"{_local(last, spec)}",
            variable="period.start" if first > p0 else "period.end",
            rule="the monitoring data cover the whole period",
        )
    straddle = ((start < p0) & (end > p0)) | ((start < p1) & (end > p1))
    if np.any(straddle):
        i = int(np.argmax(straddle))
        raise MonitoringDataError(
            f"interval {_local(start[i], spec)} to {_local(end[i], spec)} straddles the period "
            "boundary",
            where=str(rows[i]),
            rule="a period starts and ends on interval boundaries; nothing is pro-rated",
        )
    inside = (start >= p0) & (end <= p1)
    start, end = start[inside], end[inside]
    values = {k: v[inside] for k, v in values.items()}
    if start.size == 0 or start[0] != p0 or end[-1] != p1:
        raise MonitoringDataError(
            f"the data do not start at the period start {period.start} local midnight, or do "
            "not end at the period end",
            variable="period",
            rule="the monitoring data cover the whole period",
        )
    return start, end, values


def _fill_gaps(
    start: np.ndarray,
    end: np.ndarray,
    values: dict[str, np.ndarray],
    step: np.timedelta64 | None = None,
):
    """Insert all-missing intervals wherever the intervals do not touch.

    With a fixed ``step`` a gap that is a whole number of steps becomes that many missing
    intervals (so filled intervals are counted as the meter would have reported them);
    otherwise it is one missing interval spanning the gap.
    """
    gap = start[1:] > end[:-1]
    if not np.any(gap):
        return start, end, values
    k = np.flatnonzero(gap)
    length = start[k + 1] - end[k]
    if step is not None and step > np.timedelta64(0, "ns"):
        whole = length % step == np.timedelta64(0, "ns")
        pieces = np.where(whole, length // step, 1).astype(np.int64)
    else:
        whole = np.zeros(k.size, dtype=bool)
        pieces = np.ones(k.size, dtype=np.int64)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    j = np.arange(int(pieces.sum())) - first  # index of each piece within its gap
    gap_start = np.repeat(end[k], pieces)
    piece_len = np.where(
        np.repeat(whole, pieces), step if step is not None else 0, np.repeat(length, pieces)
    )
    ins_start = gap_start + j * piece_len
    ins_end = ins_start + piece_len
    where = np.repeat(k + 1, pieces)
    new_start = np.insert(start, where, ins_start)
    new_end = np.insert(end, where, ins_end)
    new_values = {s: np.insert(v, where, np.nan) for s, v in values.items()}
    return new_start, new_end, new_values


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _apply_missing_rules(
    start: np.ndarray,
    end: np.ndarray,
    values: dict[str, np.ndarray],
    declared: dict[str, MonitoringVariable],
    spec: MonitoringSpec,
    quality: DataQuality,
) -> None:
    original = {s: np.isnan(v) for s, v in values.items()}
    for symbol in list(values):
        mask = original[symbol]
        if not np.any(mask):
            continue
        rule = declared[symbol].missing
        runs = _runs(mask)
        a, b = runs[0]
        where = f"{_local(start[a], spec)} to {_local(end[b - 1], spec)}"
        if rule.fill == "error":
            raise MonitoringDataError(
                f"{int(mask.sum())} interval(s) missing (NaN or empty cell in column "
                f"{spec.variables[symbol].column!r}, or no row), first from {where}",
                file=", ".join(spec.files),
                variable=symbol,
                rule=rule.clause,
            )
        if rule.fill == "zero":
            values[symbol] = np.where(mask, 0.0, values[symbol])
            filled_by = "0 (conservative value)"
        else:
            sub = rule.substitute
            if sub is None or sub not in values:
                raise MonitoringDataError(
                    f"{int(mask.sum())} interval(s) missing, first from {where}, and the "
                    f"substitute {sub!r} is not monitored",
                    variable=symbol,
                    rule=rule.clause,
                )
            still = mask & original[sub]
            if np.any(still):
                i = int(np.argmax(still))
                raise MonitoringDataError(
                    f"missing, and its substitute {sub!r} is missing too, at "
                    f"{_local(start[i], spec)}",
                    variable=symbol,
                    rule=rule.clause,
                )
            values[symbol] = np.where(mask, values[sub], values[symbol])
            filled_by = f"{sub} (substitute)"
        for a, b in runs:
            hours = float((end[b - 1] - start[a]) / np.timedelta64(1, "h"))
            quality.gaps.append(
                Gap(
                    symbol,
                    _local(start[a], spec),
                    _local(end[b - 1], spec),
                    int(b - a),
                    hours,
                    filled_by,
                    rule.clause,
                )
            )
        quality.filled_intervals[symbol] = int(mask.sum())

"""Monitoring tables -> xarray in canonical units, with data checks.

What happens, in order (DESIGN.md, "Monitoring data, as it really arrives"):

1. each table's files are read (CSV with its delimiter and decimal mark, Excel with its
   sheet, NetCDF with CF units; or an in-memory Dataset or DataFrame), and concatenated;
2. rows are grouped by the keys of a long table (one group per meter, say) and each group
   is checked and turned into intervals (``series.prepare``): order, units, interval
   labels, register differences, signs;
3. for each period (the reporting period, or one side of a change of the GWP rule) the
   intervals inside it are kept, rows outside are counted, gaps are inserted and filled
   by the methodology's rules (``series.select``);
4. each variable is stacked over its dimensions and resampled to the resolution its
   rules need (``resample``).

No Python loop runs over rows; loops run over tables, files, variables and labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import InputError, MonitoringDataError, ProjectFileError, UnitError, did_you_mean
from ..ledger import TimeAxis
from ..methodology import Methodology, MonitoringVariable
from ..project import DateRange, Period, Project, TableSpec
from ..readers import (
    MISSING_TOKENS,
    ZARR_SUFFIXES,
    LazyTable,
    ReadOptions,
    RowLabels,
    Table,
    open_lazy,
    read_table,
)
from ..rules import FillContext, NoFill
from ..streaming import Streamed, chunk_length, stream_table
from ..timeutil import interval_offset, local_midnight_utc, step_text, to_utc_naive, tz_name
from .resample import grid, resample
from .series import Gap, Prepared, local_text, prepare, select

__all__ = ["DataQuality", "Gap", "Loaded", "TableQuality", "load", "series_for"]


@dataclass
class TableQuality:
    """What the checks found in one table."""

    name: str
    period: str
    files: list[str]
    rows: int
    intervals: int = 0
    rows_before: int = 0
    rows_after: int = 0
    timezone: str = ""
    interval: str = ""
    sorted_rows: bool = False
    detected: dict[str, str] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    filled_intervals: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    resampled: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "period": self.period,
            "rows": self.rows,
            "rows_outside_period": {"before": self.rows_before, "after": self.rows_after},
            "intervals": self.intervals,
            "timezone": self.timezone,
            "interval": self.interval,
            "sorted_rows": self.sorted_rows,
            "detected": dict(sorted(self.detected.items())),
            "gaps": [g.__dict__ for g in self.gaps],
            "filled_intervals": dict(sorted(self.filled_intervals.items())),
            "events": self.events,
            "resampled": self.resampled,
        }


@dataclass
class DataQuality:
    """The data-quality record of every table."""

    tables: dict[str, TableQuality]

    @property
    def gaps(self) -> list[Gap]:
        return [g for t in self.tables.values() for g in t.gaps]

    @property
    def filled_intervals(self) -> dict[str, int]:
        return {k: v for t in self.tables.values() for k, v in t.filled_intervals.items()}

    @property
    def events(self) -> list[str]:
        return [e for t in self.tables.values() for e in t.events]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    @property
    def intervals(self) -> int:
        return sum(t.intervals for t in self.tables.values())

    @property
    def sorted_rows(self) -> bool:
        return any(t.sorted_rows for t in self.tables.values())

    @property
    def interval(self) -> str:
        """The interval note of the first table (the only one, in the short form)."""
        return next(iter(self.tables.values())).interval

    def as_dict(self) -> dict[str, object]:
        return {name: t.as_dict() for name, t in self.tables.items()}


@dataclass
class Group:
    """The rows of one key (or of the whole table), prepared."""

    labels: tuple[str, ...]
    prepared: Prepared


@dataclass
class LoadedTable:
    spec: TableSpec
    groups: list[Group]
    #: series name -> (symbol, labels) ; columns: series name -> file column
    names: dict[str, tuple[str, tuple[str, ...]]]
    columns: dict[str, str]
    dims: dict[str, tuple[str, ...]]
    rows: int
    detected: dict[str, str]
    units: dict[str, str]
    #: A table read in chunks (``chunks``; reductions.streaming), already reduced to the
    #: resolutions its variables declare; ``groups`` is then empty.
    streamed: Streamed | None = None
    #: Fixed-step grids of the whole period, built once for its parts (``_grid``).
    grids: dict[Any, tuple[np.ndarray, np.ndarray] | None] = field(default_factory=dict)


@dataclass
class Loaded:
    """Every table read and prepared, before any period is applied."""

    tables: list[LoadedTable]


def _check_mapping(project: Project, methodology: type[Methodology]) -> None:
    declared = {v.symbol: v for v in methodology.monitoring}
    label = project.file_label
    for t in project.tables.values():
        for symbol, vspec in t.variables.items():
            where = f"{t.where}.variables.{symbol}"
            if symbol not in declared:
                raise ProjectFileError(
                    f"not a monitoring variable of {methodology.label()}"
                    f"{did_you_mean(symbol, declared)}",
                    file=label,
                    variable=where,
                    rule=f"known variables: {', '.join(sorted(declared))}",
                )
            decl = declared[symbol]
            if vspec.kind == "register" and decl.aggregate != "sum":
                raise ProjectFileError(
                    "a state variable cannot be a cumulative register", file=label, variable=where
                )
            if decl.period != t.period:
                raise ProjectFileError(
                    f"{symbol} belongs to the {decl.period} period, but table {t.name!r} is "
                    f"for the {t.period} period",
                    file=label,
                    variable=f"{t.where}.period",
                    rule=f"{methodology.label()} declares the period of each variable",
                )
            given = {d.name for d in vspec.dims}
            if given != set(decl.dims):
                raise ProjectFileError(
                    f"{symbol} has dimensions {sorted(decl.dims) or 'none beyond time'}, the "
                    f"project maps {sorted(given) or 'none'}",
                    file=label,
                    variable=where,
                    rule=f"{methodology.label()} declares the dimensions of each variable",
                )
        keyed = {tuple(sorted(d.name for d in v.dims if d.key)) for v in t.variables.values()}
        if len(keyed) > 1:
            raise ProjectFileError(
                "the variables of a long table share its key columns",
                file=label,
                variable=f"{t.where}.variables",
                rule="one set of key columns per table",
            )
        for ev in t.events:
            var = t.variables.get(ev.variable.split("[", 1)[0])
            wide = var.dims[0].columns if var is not None and var.dims else ()
            problem = (
                "which is not a variable of this table"
                if var is None
                else "a variable with a dimension is named with its label, e.g. 'EG[A]'"
                if var.dims and "[" not in ev.variable
                else "a variable without a dimension has no label"
                if not var.dims and "[" in ev.variable
                else "whose label is not one of its columns"
                if wide and ev.variable not in {f"{var.symbol}[{lab}]" for lab, _ in wide}
                else ""
            )
            if problem:
                raise ProjectFileError(
                    f"event names {ev.variable!r}, {problem}",
                    file=label,
                    variable=f"{t.where}.events.variable",
                    rule="an event names one series: symbol, or symbol[label] over a dimension",
                )
        if t.kind == "register" and (t.interval is not None or t.label_given):
            raise ProjectFileError(
                f"table {t.name!r} holds registers, whose readings bound their intervals: "
                "interval and label do not apply",
                file=label,
                variable=f"{t.where}.interval" if t.interval is not None else f"{t.where}.label",
                rule="a setting the data do not use is an error; remove it",
            )
        if t.calibrations and not methodology.uses_calibrations:
            raise ProjectFileError(
                f"calibration records are given, but {methodology.label()} does not use them",
                file=label,
                variable=f"{t.where}.calibrations",
                rule="a setting the methodology does not use is an error; remove it",
            )
        if t.events and t.kind != "register":
            raise ProjectFileError(
                f"table {t.name!r} declares register events, but its variables are interval values",
                file=label,
                variable=f"{t.where}.events",
                rule="rollovers and meter replacements apply to registers (kind = 'register')",
            )
        for c in t.calibrations:
            metered = declared.get(c.variable.split("[", 1)[0])
            if metered is not None and not metered.meter:
                raise ProjectFileError(
                    f"calibration record of {c.variable!r}, which {methodology.label()} does "
                    "not read from a meter",
                    file=label,
                    variable=f"{t.where}.calibrations.variable",
                    rule="calibration records belong to metered variables (meter=True)",
                )
        for rec_kind, records in (("events", t.events), ("calibrations", t.calibrations)):
            for rec in records:
                if rec.variable.split("[", 1)[0] not in t.variables:
                    raise ProjectFileError(
                        f"names {rec.variable!r}, which is not a variable of this table",
                        file=label,
                        variable=f"{t.where}.{rec_kind}.variable",
                        rule=f"one of {', '.join(t.variables)}",
                    )
        if t.period == "baseline" and project.baseline is None:
            raise ProjectFileError(
                f"table {t.name!r} is for the baseline period, but [period.baseline] is not given",
                file=label,
                variable="period.baseline",
                rule="a baseline table needs the baseline period's start and end",
            )
    mapped = project.mapped()
    for symbol, decl in declared.items():
        if decl.required and symbol not in mapped:
            raise ProjectFileError(
                f"required monitoring variable not mapped ({decl.description})",
                file=label,
                variable=f"monitoring.variables.{symbol}",
                rule=f"{methodology.label()} requires it",
            )
        if decl.resolution is not None:
            interval_offset(decl.resolution)
    if project.baseline is not None:
        if not any(v.period == "baseline" for v in methodology.monitoring):
            raise ProjectFileError(
                f"[period.baseline] is given, but {methodology.label()} has no baseline data",
                file=label,
                variable="period.baseline",
                rule="a setting the methodology does not use is an error; remove it",
            )
        if not methodology.baseline_may_overlap and project.baseline.overlaps(
            project.period.dates()
        ):
            raise ProjectFileError(
                f"the baseline period {project.baseline.start} to {project.baseline.end} "
                f"overlaps the reporting period {project.period.start} to {project.period.end}",
                file=label,
                variable="period.baseline",
                rule=f"{methodology.label()}: the baseline period precedes the reporting period",
            )


def load(project: Project, methodology: type[Methodology]) -> Loaded:
    """Read and prepare every table of the project (periods are applied later)."""
    _check_mapping(project, methodology)
    declared = {v.symbol: v for v in methodology.monitoring}
    tables = []
    for spec in project.tables.values():
        with _naming_table(spec, project.file_label):
            chunks = chunk_length(project.root, spec, declared, project.file_label)
            if chunks is not None:
                tables.append(_stream_table(project, methodology, spec, declared, chunks))
            else:
                tables.append(_load_table(project, spec, declared))
    return Loaded(tables)


def _stream_table(
    project: Project,
    methodology: type[Methodology],
    spec: TableSpec,
    declared: Mapping[str, MonitoringVariable],
    chunks: pd.Timedelta,
) -> LoadedTable:
    """A table read in chunks and reduced as it is read (reductions.streaming)."""
    from ..inputs import resolve_parameters
    from ..units import convert

    options = ReadOptions(spec.time, spec.timezone, spec.delimiter, spec.decimal, spec.sheet)
    numeric = sorted({c for v in spec.variables.values() for c in v.columns()})
    step = interval_offset(str(spec.interval))
    assert isinstance(step, pd.Timedelta)
    rows = max(1, int(chunks.value // step.value))
    opened: list[LazyTable] = []
    try:
        for f in spec.files:
            for key in ("sheet", "delimiter", "decimal"):
                csv = Path(f).suffix.lower() in (".csv", ".txt")
                if getattr(spec, key) is not None and (key == "sheet" or not csv):
                    raise ProjectFileError(
                        f"{spec.where}.{key} is set, but {f} is not a "
                        f"{'.xlsx' if key == 'sheet' else '.csv or .txt'} file",
                        file=project.file_label,
                        variable=f"{spec.where}.{key}",
                        rule="a setting the file does not use is an error; remove it",
                    )
            try:
                opened.append(open_lazy(project.root / f, f, options, numeric, rows))
            except InputError as exc:
                raise _naming_variable(exc, spec) from None
        file_units: dict[str, str] = {}
        for t in opened:
            for col, in_file in t.units.items():
                if file_units.setdefault(col, in_file) != in_file:
                    raise UnitError(
                        f"unit {in_file!r} differs from {file_units[col]!r} in another file",
                        file=t.label,
                        variable=col,
                        rule="one unit per variable",
                    )
        files = ", ".join(spec.files)
        columns: dict[str, str] = {}
        units: dict[str, str] = {}
        for symbol, vspec in spec.variables.items():
            col = vspec.column or symbol
            file_unit = file_units.get(col)
            if vspec.unit is not None and file_unit is not None and file_unit != vspec.unit:
                raise UnitError(
                    f"project says {vspec.unit!r} but the file says {file_unit!r}",
                    file=files,
                    variable=symbol,
                    where=f"column {col!r}",
                    rule="one unit per variable",
                )
            unit = vspec.unit if vspec.unit is not None else file_unit
            if unit is None:
                raise UnitError(
                    "no unit given",
                    file=project.file_label,
                    variable=symbol,
                    where=f"table {spec.name!r}, column {col!r}",
                    rule=f"a column's unit is declared in {spec.where}.variables "
                    "(NetCDF: attrs['units'])",
                )
            try:
                convert(
                    np.zeros(1),
                    unit,
                    declared[symbol].unit,
                    variable=symbol,
                    where=f"table {spec.name!r}, column {col!r}",
                )
            except UnitError as exc:
                raise UnitError(
                    exc.message,
                    file=project.file_label if vspec.unit else files or None,
                    variable=exc.variable,
                    where=exc.where,
                    rule=exc.rule,
                ) from None
            columns[symbol], units[symbol] = col, unit
        resolved, _ = resolve_parameters(project, methodology)
        values = {k: getattr(v, "value", v) for k, v in resolved.items()}
        lo, hi, _, _ = _bounds(spec, project.period, project.baseline)
        streamed = stream_table(
            spec,
            options,
            columns,
            units,
            declared,
            (lo, hi),
            project.period,
            values,
            opened,
            lambda exc: _naming_variable(exc, spec),
        )
    finally:
        for t in opened:
            t.close()
    names: dict[str, tuple[str, tuple[str, ...]]] = {s: (s, ()) for s in spec.variables}
    given = "" if spec.label_given else f" (the default: {spec.where}.label not given)"
    streamed.interval_note = f"{spec.interval}, declared; timestamps label the {spec.label}{given}"
    return LoadedTable(
        spec,
        [],
        names,
        columns,
        {s: () for s in spec.variables},
        streamed.rows,
        streamed.detected,
        units,
        streamed,
    )


def _read_files(project: Project, spec: TableSpec, numeric: list[str], keys: list[str]) -> Table:
    options = ReadOptions(spec.time, spec.timezone, spec.delimiter, spec.decimal, spec.sheet)
    if spec.data is not None:
        return _read_memory(spec, numeric, keys)
    parts = []
    for f in spec.files:
        suffix = Path(f).suffix.lower()
        for key, kinds in (("sheet", (".xlsx",)), ("delimiter", (".csv", ".txt"))):
            if getattr(spec, key) is not None and suffix not in kinds:
                raise ProjectFileError(
                    f"{spec.where}.{key} is set, but {f} is not a {' or '.join(kinds)} file",
                    file=project.file_label,
                    variable=f"{spec.where}.{key}",
                    rule="a setting the file does not use is an error; remove it",
                )
        if spec.decimal is not None and suffix not in (".csv", ".txt"):
            raise ProjectFileError(
                f"{spec.where}.decimal is set, but {f} is not a CSV file",
                file=project.file_label,
                variable=f"{spec.where}.decimal",
                rule="a setting the file does not use is an error; remove it",
            )
        path = project.root / f
        if not (path.is_dir() if suffix in ZARR_SUFFIXES else path.is_file()):
            raise ProjectFileError(
                "monitoring file not found",
                file=f,
                where=f"table {spec.name!r}",
                rule="paths are relative to the project file",
            )
        try:
            parts.append(read_table(path, f, options, numeric, keys))
        except InputError as exc:
            raise _naming_variable(exc, spec) from None
    for key in keys:
        sets = [set(np.unique(p.text[key]).tolist()) for p in parts]
        every = set().union(*sets)
        for f, s in zip(spec.files, sets, strict=True):
            if s != every:
                lab = sorted(every - s)[0]
                other = spec.files[next(i for i, x in enumerate(sets) if lab in x)]
                raise MonitoringDataError(
                    f"label {lab!r} of key column {key!r} appears in {other} but not in {f}",
                    file=f,
                    variable=key,
                    where=f"table {spec.name!r}",
                    rule="every file of a table has the same dimension labels",
                )
    units: dict[str, str] = {}
    for f, p in zip(spec.files, parts, strict=True):
        for col, unit in p.units.items():
            if units.setdefault(col, unit) != unit:
                raise UnitError(
                    f"unit {unit!r} differs from {units[col]!r} in another file",
                    file=f,
                    variable=col,
                    rule="one unit per variable",
                )
    detected: dict[str, str] = {}
    for f, p in zip(spec.files, parts, strict=True):
        for k, v in p.detected.items():
            detected[f"{f}: {k}"] = v
    if len(parts) == 1:
        only = parts[0]
        return Table(only.times, only.rows, only.numbers, only.text, units, detected)
    return Table(
        np.concatenate([p.times for p in parts]),
        RowLabels.concat([p.rows for p in parts]),
        {c: np.concatenate([p.numbers[c] for p in parts]) for c in numeric},
        {k: np.concatenate([p.text[k] for p in parts]) for k in keys},
        units,
        detected,
    )


def _naming_variable(exc: InputError, spec: TableSpec) -> InputError:
    """A reader's error, naming the table, and the variable mapped to its column."""
    by_column = {c: s for s, v in spec.variables.items() for c in v.columns()}
    symbol = by_column.get(exc.variable or "")
    table = f"table {spec.name!r}"
    if symbol is None:
        where = exc.where if exc.where and table in exc.where else _join(table, exc.where)
        return type(exc)(
            exc.message, file=exc.file, variable=exc.variable, where=where, rule=exc.rule
        )
    message = exc.message
    if f"{exc.variable!r}" not in message:
        message = f"{message} (column {exc.variable!r})"
    return type(exc)(
        message,
        file=exc.file,
        variable=symbol,
        where=_join(table, exc.where),
        rule=exc.rule,
    )


def _join(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


@contextmanager
def _naming_table(spec: TableSpec, project_file: str) -> Iterator[None]:
    """An input error raised while a table is processed names the table, and its files
    when it names no file (a project-file setting such as a unit names the project)."""
    try:
        yield
    except InputError as exc:
        table = f"table {spec.name!r}"
        if exc.where and table in exc.where and exc.file:
            raise
        # A project-file setting (an event, a unit declared there) names the project file.
        own = isinstance(exc, ProjectFileError)
        raise type(exc)(
            exc.message,
            file=exc.file or (project_file if own else ", ".join(spec.files)) or None,
            variable=exc.variable,
            where=exc.where if exc.where and table in exc.where else _join(table, exc.where),
            rule=exc.rule,
        ) from None


def _read_memory(spec: TableSpec, numeric: list[str], keys: list[str]) -> Table:
    data = spec.data
    if isinstance(data, xr.Dataset):
        direct = _read_dataset(data, spec, numeric, keys)
        if direct is not None:
            return direct
    what = f"<{type(data).__name__}>"
    if isinstance(data, xr.Dataset):
        frame = data.to_dataframe().reset_index()
        units = {
            str(k): str(v.attrs["units"]) for k, v in data.variables.items() if "units" in v.attrs
        }
    elif isinstance(data, pd.DataFrame):
        frame = data
        if spec.time not in data.columns and isinstance(data.index, pd.DatetimeIndex):
            # The index holds the times, whatever its name.
            frame = data.reset_index(names=spec.time)
        units = {str(k): str(v) for k, v in dict(data.attrs.get("units", {})).items()}
    else:
        raise ProjectFileError(
            f"in-memory monitoring data must be an xarray.Dataset or a pandas.DataFrame, not "
            f"{type(data).__name__}",
            variable=spec.where,
        )
    if spec.time not in frame.columns:
        raise MonitoringDataError(
            f"time column not found; columns are {[str(c) for c in frame.columns]}",
            file=what,
            variable=spec.time,
            where=f"table {spec.name!r}",
            rule="a table has a time column",
        )
    rows = RowLabels.for_file(what, len(frame), csv=False)
    column = frame[spec.time]
    if not (
        pd.api.types.is_datetime64_any_dtype(column.dtype)
        or column.dtype == object
        or pd.api.types.is_string_dtype(column.dtype)
    ):
        raise MonitoringDataError(
            f"the time column holds {column.dtype} values, not times",
            file=what,
            variable=spec.time,
            where=f"table {spec.name!r}",
            rule="times are datetime64 values or ISO 8601 text (a Dataset needs a time coordinate)",
        )
    try:
        parsed = pd.to_datetime(column, errors="coerce", format="ISO8601")
    except ValueError:
        # Text with differing UTC offsets (+01:00 and +02:00 across a clock change): exact
        # instants.
        parsed = pd.to_datetime(column, errors="coerce", format="ISO8601", utc=True)
    bad = parsed.isna().to_numpy()
    if np.any(bad):
        i = int(np.argmax(bad))
        raise MonitoringDataError(
            f"cannot read timestamp {column.iloc[i]!r}",
            file=what,
            variable=spec.time,
            where=f"table {spec.name!r}, row {i}",
            rule="ISO 8601 timestamps",
        )
    stamps = pd.DatetimeIndex(parsed)
    if stamps.tz is None:
        try:
            stamps = stamps.tz_localize(spec.timezone)
        except ValueError as exc:
            raise MonitoringDataError(
                f"local time not unique or not existing in {tz_name(spec.timezone)}: {exc}",
                file=what,
                variable=spec.time,
            ) from None
    numbers = {}
    for c in numeric:
        if c not in frame.columns:
            raise MonitoringDataError(
                f"column {c!r} not found; columns are {[str(x) for x in frame.columns]}",
                file=what,
                variable=c,
                where=f"table {spec.name!r}",
                rule="every mapped column must exist",
            )
        raw = frame[c]
        if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
            # Text cells: the same missing tokens as in a CSV file.
            raw = raw.where(~raw.astype(str).str.strip().isin(MISSING_TOKENS))
        col = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(col) & raw.notna().to_numpy()
        if np.any(bad):
            i = int(np.argmax(bad))
            raise MonitoringDataError(
                f"non-numeric value {frame[c].iloc[i]!r}",
                file=what,
                variable=c,
                where=f"row {i}",
                rule="monitored values are numbers",
            )
        numbers[c] = col
    text = {k: frame[k].astype(str).to_numpy() for k in keys}
    return Table(to_utc_naive(stamps), rows, numbers, text, units, {})


def _read_dataset(
    data: xr.Dataset, spec: TableSpec, numeric: list[str], keys: list[str]
) -> Table | None:
    """A Dataset along one time dimension whose mapped variables are already numbers,
    taken as it is: its arrays without a DataFrame round trip, parsing or copies (the
    values are read-only views of the Dataset's own arrays, so nothing downstream can
    write into the caller's data).

    ``None`` when the Dataset is not of that shape, or when anything would be an error
    (a missing time, a variable that is not there, a local time that does not exist):
    ``_read_memory`` then takes its general path, which names the problem exactly as it
    always has. The values taken here are those that path would give.
    """
    if len(data.dims) != 1 or spec.time not in data.variables:
        return None
    (dim,) = data.dims
    tvar = data.variables[spec.time]
    if tvar.dims != (dim,) or tvar.dtype.kind != "M":
        return None
    for c in (*numeric, *keys):
        if c not in data.variables or data.variables[c].dims != (dim,):
            return None
    for c in numeric:
        if data.variables[c].dtype.kind not in "fiu":
            return None
    local = np.asarray(tvar.values).astype("datetime64[ns]", copy=False)
    if local.size == 0 or np.isnat(local).any():
        return None
    tz = spec.timezone
    if isinstance(tz, dt.timezone):
        offset = tz.utcoffset(None)
        times = local - np.timedelta64(int(offset.total_seconds() * 1e6), "us")
    else:
        try:
            times = to_utc_naive(pd.DatetimeIndex(local).tz_localize(tz))
        except ValueError:
            return None
    numbers: dict[str, np.ndarray] = {}
    for c in numeric:
        raw = np.asarray(data.variables[c].values)
        col = np.asarray(raw, dtype=np.float64)
        if np.may_share_memory(col, raw):
            col = col.view()
            col.flags.writeable = False
        numbers[c] = col
    text = {k: pd.Series(np.asarray(data.variables[k].values)).astype(str).to_numpy() for k in keys}
    units = {str(k): str(v.attrs["units"]) for k, v in data.variables.items() if "units" in v.attrs}
    rows = RowLabels.for_file(f"<{type(data).__name__}>", int(local.size), csv=False)
    return Table(times, rows, numbers, text, units, {})


def _load_table(
    project: Project, spec: TableSpec, declared: Mapping[str, MonitoringVariable]
) -> LoadedTable:
    numeric = sorted({c for v in spec.variables.values() for c in v.columns()})
    # Key columns in the order of the variables' dimensions (labels are built in that order).
    keys = list(dict.fromkeys(d.key for v in spec.variables.values() for d in v.dims if d.key))
    table = _read_files(project, spec, numeric, keys)
    files = ", ".join(spec.files) or "<data>"
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    columns: dict[str, str] = {}
    units: dict[str, str] = {}
    dims: dict[str, tuple[str, ...]] = {}
    for symbol, vspec in spec.variables.items():
        dims[symbol] = tuple(d.name for d in vspec.dims)
        wide = [d for d in vspec.dims if d.columns]
        pairs = list(wide[0].columns) if wide else [("", vspec.column or symbol)]
        for lab, col in pairs:
            file_unit = table.units.get(col)
            if vspec.unit is not None and file_unit is not None and file_unit != vspec.unit:
                raise UnitError(
                    f"project says {vspec.unit!r} but the file says {file_unit!r}",
                    file=files,
                    variable=symbol,
                    where=f"column {col!r}",
                    rule="one unit per variable",
                )
            unit = vspec.unit if vspec.unit is not None else file_unit
            if unit is None:
                raise UnitError(
                    "no unit given",
                    file=project.file_label if spec.data is None else files,
                    variable=symbol,
                    where=f"table {spec.name!r}, column {col!r}",
                    rule=f"a column's unit is declared in {spec.where}.variables "
                    "(NetCDF: attrs['units'])",
                )
            name = f"{symbol}[{lab}]" if lab else symbol
            names[name] = (symbol, (lab,) if lab else ())
            columns[name] = col
            units[name] = unit
    decl_by_name = {n: declared[s] for n, (s, _) in names.items()}
    groups: list[Group] = []
    if keys:
        codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([table.text[k] for k in keys]))
        for c, labels in enumerate(uniques):
            idx = np.flatnonzero(codes == c)
            labs = tuple(str(x) for x in (labels if isinstance(labels, tuple) else (labels,)))
            tag = "/".join(labs)
            vals = {f"{s}[{tag}]": table.numbers[columns[s]][idx] for s in names}
            gdecl = {f"{s}[{tag}]": decl_by_name[s] for s in names}
            gunits = {f"{s}[{tag}]": units[s] for s in names}
            p = prepare(
                table.times[idx],
                table.rows[idx],
                vals,
                gunits,
                gdecl,
                spec,
                project.file_label,
                {f"{s}[{tag}]": columns[s] for s in names},
                f" ({', '.join(keys)} {tag})",
            )
            groups.append(Group(labs, p))
        names = {f"{s}[{'/'.join(g.labels)}]": (s, g.labels) for g in groups for s in names}
        columns = {n: columns[s] for n, (s, _) in names.items()}
    else:
        vals = {n: table.numbers[columns[n]] for n in names}
        p = prepare(
            table.times, table.rows, vals, units, decl_by_name, spec, project.file_label, columns
        )
        groups.append(Group((), p))
    applied = {e.split(":", 1)[0] for g in groups for e in g.prepared.events}
    for ev in spec.events:
        if ev.variable not in applied:
            raise ProjectFileError(
                f"event names {ev.variable!r}, which matches no series of the table",
                variable=f"{spec.where}.events.variable",
                rule=f"one of {', '.join(sorted(names))}",
            )
    by_symbol = {s: u for n, u in units.items() for s in [n.split("[", 1)[0]]}
    return LoadedTable(
        spec, groups, names, columns, dims, int(table.times.size), table.detected, by_symbol
    )


def _bounds(
    spec: TableSpec, period: Period, baseline: DateRange | None, full: Period | None = None
) -> tuple[Any, Any, str, bool]:
    tz = period.timezone
    whole = full or period
    full_hi, full_end = whole.utc_bounds()[1], whole.end
    if spec.period == "baseline":
        assert baseline is not None
        return (
            local_midnight_utc(baseline.start, tz),
            local_midnight_utc(baseline.end + dt.timedelta(days=1), tz),
            f"baseline period {baseline.start} to {baseline.end}",
            True,
        )
    lo, hi = period.utc_bounds()
    if spec.period == "history":
        # The same history in every part of a split period (up to the end of the whole
        # period); a methodology reads it up to inputs.period.end.
        return None, full_hi, f"history up to {full_end}", False
    return lo, hi, f"period {period.start} to {period.end}", True


def series_for(
    loaded: Loaded,
    methodology: type[Methodology],
    period: Period,
    full_period: Period,
    baseline: DateRange | None,
    parameters: Mapping[str, Any],
    common: bool = False,
) -> tuple[dict[str, xr.DataArray], list[TimeAxis], DataQuality]:
    """The monitored variables over ``period``, at the resolution each declares; with
    ``common``, variables without a declared resolution are also brought to a common time
    axis where their intervals nest (for a methodology that combines them)."""
    declared = {v.symbol: v for v in methodology.monitoring}
    values = {k: getattr(v, "value", v) for k, v in parameters.items()}
    out: dict[str, xr.DataArray] = {}
    axes: list[TimeAxis] = []
    quality: dict[str, TableQuality] = {}
    for lt in loaded.tables:
        spec = lt.spec
        with _naming_table(spec, ""):
            lo, hi, text, cover = _bounds(spec, period, baseline, full_period)
            flo, fhi, _, _ = _bounds(spec, full_period, baseline)
            if lt.streamed is not None:
                quality[spec.name] = _streamed_series(lt, declared, lo, hi, text, out, axes)
                continue
            tq = TableQuality(
                spec.name,
                spec.period,
                list(spec.files) or ["<data>"],
                lt.rows,
                timezone=tz_name(spec.timezone),
                interval=lt.groups[0].prepared.interval_note,
                sorted_rows=any(g.prepared.sorted_rows for g in lt.groups),
                detected=lt.detected,
            )
            selected = []
            for g in lt.groups:
                # Starts and ends never decrease (rows in time order, intervals of one
                # length or calendar steps): the rows outside are counted by bisection.
                before, after = (
                    np.searchsorted(g.prepared.end, flo, side="right") if flo is not None else 0,
                    g.prepared.start.size - np.searchsorted(g.prepared.start, fhi, side="left"),
                )
                tq.rows_before += int(before)
                tq.rows_after += int(after)
                tq.events.extend(g.prepared.events)
                gdecl = {n: declared[lt.names[n][0]] for n in g.prepared.values}
                sel = select(
                    g.prepared,
                    lo,
                    hi,
                    spec,
                    gdecl,
                    values,
                    text,
                    lt.columns,
                    cover,
                    "period.baseline" if spec.period == "baseline" else "period",
                )
                tq.gaps.extend(sel.gaps)
                tq.filled_intervals.update(sel.filled)
                selected.append((g, sel))
            # Time steps (the labels of a dimension share them); rows count every row read.
            tq.intervals = int(selected[0][1].start.size)
            for symbol in spec.variables:
                decl = declared[symbol]
                arr, start, end, coords, regular = _stack(lt, symbol, selected, spec, text)
                if decl.resolution is not None:
                    step = interval_offset(decl.resolution)
                    # Intervals of the resolution's length tiling the span from its first
                    # start are the resolution's grid of the span (``grid``): nothing to do.
                    # (A history table starts where its data start; a period's data start
                    # at its start, checked by ``select``.)
                    if not (
                        isinstance(step, pd.Timedelta)
                        and regular is not None
                        and regular == step.to_timedelta64()
                    ):
                        first = lo if lo is not None else start[0]
                        ts, te = _grid(lt, first, end[-1], decl.resolution, flo, fhi, period, text)
                        arr, how = resample(
                            arr, start, end, ts, te, decl.aggregate, symbol, spec.timezone
                        )
                        if how:
                            tq.resampled.append(
                                f"{symbol}: {how} from the data's intervals to {decl.resolution}"
                            )
                        start, end = ts, te
                axis = next((a for a in axes if a.start is start or a.matches(start)), None)
                if axis is None:
                    axis = TimeAxis(start, end)
                    axes.append(axis)
                da = axis.series(arr, lt.dims[symbol], **coords)
                da.attrs.update(
                    {
                        "units": decl.unit,
                        "provenance": f"monitored; table {spec.name!r}, "
                        + ", ".join(
                            sorted({lt.columns[n] for n in lt.names if lt.names[n][0] == symbol})
                        )
                        + f" in {_unit_text(lt, symbol)}",
                    }
                )
                out[symbol] = da
            quality[spec.name] = tq
    if common:
        _common_axes(loaded, declared, out, axes, quality)
    return out, axes, DataQuality(quality)


def _streamed_series(
    lt: LoadedTable,
    declared: Mapping[str, MonitoringVariable],
    lo: Any,
    hi: Any,
    text: str,
    out: dict[str, xr.DataArray],
    axes: list[TimeAxis],
) -> TableQuality:
    """``series_for`` of a streamed table: its reduced series over ``[lo, hi)``, and the
    data-quality record the in-memory path makes (``series.select``)."""
    st = lt.streamed
    assert st is not None
    spec = lt.spec
    tz = spec.timezone
    key = "period.baseline" if spec.period == "baseline" else "period"
    files = ", ".join(spec.files)
    lo, hi = np.datetime64(lo, "ns"), np.datetime64(hi, "ns")
    if st.first_start > lo or st.last_end < hi:
        off = st.first_start - lo == st.step or hi - st.last_end == st.step
        hint = (
            f" (one interval off: timestamps label the {spec.label} of their interval; "
            f"check {spec.where}.label)"
            if off
            else ""
        )
        raise MonitoringDataError(
            f"the {text} is not covered by the data in {files}, which run from "
            f"{local_text(st.first_start, tz)} to {local_text(st.last_end, tz)}{hint}",
            variable=f"{key}.start" if st.first_start > lo else f"{key}.end",
            rule="the monitoring data cover the whole period",
        )
    a, b = st.slot(lo), st.slot(hi)
    absent = [(x, y) for x, y in st.absent if x < b and y > a]
    if sum(min(y, b) - max(x, a) for x, y in absent) == b - a:
        raise MonitoringDataError(
            f"no data in the {text}", file=files or None, rule="the data cover the period"
        )
    if any(x <= a < y or x < b <= y for x, y in absent):
        raise MonitoringDataError(
            f"the data do not start at the start of the {text} (local midnight), or do "
            "not end at its end",
            variable=key,
            rule="the monitoring data cover the whole period",
        )
    tq = TableQuality(
        spec.name,
        spec.period,
        list(spec.files),
        lt.rows,
        rows_before=st.rows_before,
        rows_after=st.rows_after,
        timezone=tz_name(tz),
        interval=st.interval_note,
        detected=lt.detected,
    )
    tq.intervals = b - a
    for symbol in spec.variables:
        runs = [(max(x, a), min(y, b)) for x, y in st.missing[symbol] if x < b and y > a]
        if not runs:
            continue
        rule = declared[symbol].missing
        count = sum(y - x for x, y in runs)
        first = local_text(st.lo + runs[0][0] * st.step, tz)
        if isinstance(rule, NoFill):
            rule.fill(
                FillContext(
                    symbol,
                    np.full(count, np.nan),
                    np.ones(count, dtype=bool),
                    np.empty(0, dtype="datetime64[ns]"),
                    np.empty(0, dtype="datetime64[ns]"),
                    {},
                    {},
                    lambda i, f=first: f,  # type: ignore[misc]
                    "",
                    lt.columns[symbol],
                    files or "the data",
                )
            )
        for x, y in runs:
            tq.gaps.append(
                Gap(
                    symbol,
                    local_text(st.lo + x * st.step, tz),
                    local_text(st.lo + y * st.step, tz),
                    int(y - x),
                    float((y - x) * st.step / np.timedelta64(1, "h")),
                    rule.filled_by(),
                    rule.clause,
                )
            )
        tq.filled_intervals[symbol] = int(count)
    for symbol in spec.variables:
        decl = declared[symbol]
        gs, ge = st.grids[symbol]
        i0 = int(np.searchsorted(gs, lo, side="left"))
        i1 = int(np.searchsorted(ge, hi, side="right"))
        start, end, arr = gs[i0:i1], ge[i0:i1], st.values[symbol][i0:i1]
        if decl.resolution is not None and st.how[symbol]:
            tq.resampled.append(
                f"{symbol}: {st.how[symbol]} from the data's intervals to {decl.resolution}"
            )
        axis = next((ax for ax in axes if ax.matches(start)), None)
        if axis is None:
            axis = TimeAxis(start, end)
            axes.append(axis)
        da = axis.series(arr, ())
        da.attrs.update(
            {
                "units": decl.unit,
                "provenance": f"monitored; table {spec.name!r}, {lt.columns[symbol]} in "
                f"{_unit_text(lt, symbol)}",
            }
        )
        out[symbol] = da
    return tq


def _common_axes(
    loaded: Loaded,
    declared: Mapping[str, MonitoringVariable],
    out: dict[str, xr.DataArray],
    axes: list[TimeAxis],
    quality: dict[str, TableQuality],
) -> None:
    """Variables of one period without a declared resolution, from tables at different
    intervals, are brought to the coarsest of those intervals when the finer ones nest in
    it (a 15-minute export meter and an hourly import meter: hourly sums), so that the
    methodology can combine them; the report says so. Intervals that do not nest stay as
    they are (and combining them is an error naming them)."""
    table_of = {s: lt.spec for lt in loaded.tables for s in lt.spec.variables}
    for period in ("reporting", "baseline"):
        free = [s for s in out if declared[s].resolution is None and declared[s].period == period]
        on = {id(a): a for s in free for a in axes if a.matches(out[s].indexes["time"])}
        if len(on) < 2:
            continue
        target = min(on.values(), key=lambda a: a.start.size)
        for s in free:
            da = out[s]
            if target.matches(da.indexes["time"]):
                continue
            src = next(a for a in on.values() if a.matches(da.indexes["time"]))
            spec = table_of[s]
            try:
                arr = da.transpose("time", ...)
                values, how = resample(
                    arr.values,
                    src.start,
                    src.end,
                    target.start,
                    target.end,
                    declared[s].aggregate,
                    s,
                    spec.timezone,
                )
            except MonitoringDataError:
                continue
            labels = {str(d): arr[d].values for d in arr.dims[1:] if d in arr.coords}
            new = target.series(values, tuple(str(d) for d in arr.dims[1:]), **labels)
            new.attrs.update(da.attrs)
            out[s] = new
            step = step_text(target.end[0] - target.start[0])
            quality[spec.name].resampled.append(
                f"{s}: {how} from the data's intervals to the {step} intervals of the other "
                f"{period} tables (a common time axis)"
            )
    used = {id(a) for s in out for a in axes if a.matches(out[s].indexes["time"])}
    axes[:] = [a for a in axes if id(a) in used]


def _grid(
    lt: LoadedTable,
    lo: Any,
    hi: Any,
    resolution: str,
    full_lo: Any,
    full_hi: Any,
    period: Period,
    what: str,
) -> tuple[np.ndarray, np.ndarray]:
    """``resample.grid`` of ``[lo, hi)``. A fixed step's grid is built once for the table's
    whole period (every part of a split period, ``full_lo`` to ``full_hi``) and sliced:
    ``lo + k * step`` is the same instant on either. Anything else (a calendar step, a
    history table, a part off the whole period's grid) is built for ``[lo, hi)``, which
    also raises exactly as before when ``[lo, hi)`` is not tiled."""
    step = interval_offset(resolution)
    if isinstance(step, pd.Timedelta) and full_lo is not None and lo is not None:
        key = (resolution, full_lo, full_hi)
        if key not in lt.grids:
            try:
                lt.grids[key] = grid(full_lo, full_hi, resolution, period.timezone, what)
            except MonitoringDataError:
                lt.grids[key] = None
        whole = lt.grids[key]
        if whole is not None:
            gs, ge = whole
            i0 = int(np.searchsorted(gs, lo, side="left"))
            i1 = int(np.searchsorted(ge, hi, side="right"))
            if i0 < i1 and gs[i0] == lo and ge[i1 - 1] == hi:
                return gs[i0:i1], ge[i0:i1]
    return grid(lo, hi, resolution, period.timezone, what)


def _unit_text(lt: LoadedTable, symbol: str) -> str:
    return lt.units.get(symbol, lt.spec.variables[symbol].unit or "the file's units")


def _stack(
    lt: LoadedTable,
    symbol: str,
    selected: list[tuple[Group, Any]],
    spec: TableSpec,
    text: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any], Any]:
    """The series of ``symbol`` over the selected intervals (stacked over its dimensions),
    their starts and ends, the labels of its dimensions, and ``Selected.regular``."""
    names = [n for n in lt.names if lt.names[n][0] == symbol]
    dims = lt.dims[symbol]
    if not dims:
        sel = selected[0][1]
        return sel.values[symbol], sel.start, sel.end, {}, sel.regular
    found: dict[tuple[str, ...], tuple[Any, np.ndarray]] = {}
    for _, sel in selected:
        for n in names:
            if n in sel.values:
                found[lt.names[n][1]] = (sel, sel.values[n])
    keys = list(found)
    ref = found[keys[0]][0]
    for k in keys[1:]:
        sel = found[k][0]
        if sel.start.shape != ref.start.shape or not np.array_equal(sel.start, ref.start):
            raise MonitoringDataError(
                f"{symbol}: the series of {'/'.join(k)} and {'/'.join(keys[0])} do not have "
                f"the same intervals in the {text}",
                where=f"table {spec.name!r}",
                rule="the labels of a dimension share one time axis",
            )
    per_dim = [sorted({k[i] for k in keys}) for i in range(len(dims))]
    shape = (ref.start.size, *(len(x) for x in per_dim))
    arr = np.full(shape, np.nan)
    for k in keys:
        pos: tuple[Any, ...] = (slice(None), *(per_dim[i].index(k[i]) for i in range(len(dims))))
        arr[pos] = found[k][1]
    if np.isnan(arr).any():
        missing = [
            "/".join(per_dim[i][j] for i, j in enumerate(c))
            for c in np.ndindex(*shape[1:])
            if np.isnan(arr[(0, *c)])
        ]
        raise MonitoringDataError(
            f"{symbol}: no data for {dims} combination(s) {missing[:3]}",
            where=f"table {spec.name!r}",
            rule="every combination of the dimension labels has a series",
        )
    return arr, ref.start, ref.end, {d: per_dim[i] for i, d in enumerate(dims)}, ref.regular

"""Project file (TOML) -> frozen project.

The project file is the auditor's single entry point (DESIGN.md, "Files"). It names the
methodology and its version, the periods and time zone, the parameters with units and
sources, and the monitoring tables: each ``[monitoring.<table>]`` with its files, time
column, time zone, label, interval, kind and period, and the column, unit and dimensions
of each variable. The single-table short form ``[monitoring]`` with
``[monitoring.variables]`` is the table ``monitoring``. Paths are relative to the project
file. Declared adjustments (``[[adjustment]]``: a non-routine adjustment of an adjusted
baseline, with its value and unit, days, reason and source) are read and checked here and
resolved against the methodology in :mod:`reductions.inputs`. Once read, the project is
frozen; nothing downstream changes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from .errors import ProjectFileError, UnitError, did_you_mean
from .methodology import PERIOD_KINDS, PeriodKind
from .timeutil import REPORTING, interval_offset, local_midnight_utc, parse_timezone
from .units import parse_unit

#: Name of the table of the single-table short form.
SHORT_FORM = "monitoring"
TABLE_KEYS = frozenset(
    {
        "file",
        "files",
        "time",
        "timezone",
        "label",
        "interval",
        "kind",
        "period",
        "sort",
        "delimiter",
        "decimal",
        "sheet",
        "variables",
        "events",
        "calibrations",
        "chunks",
    }
)
#: Kinds of ``[[adjustment]]`` a project file may declare. Routine adjustments (weather,
#: production) come from the methodology's model, never from the project file.
ADJUSTMENT_KINDS = ("non-routine",)
ADJUSTMENT_KEYS = frozenset({"name", "value", "unit", "start", "end", "kind", "reason", "source"})
DIMENSION_NAMES = (
    "meter",
    "custody_point",
    "waste_type",
    "node",
    "unit",
    "stream",
    "site",
    "fuel",
)


def freeze(value: Any) -> Any:
    """A read-only copy: mappings become ``MappingProxyType``, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class DateRange:
    """Local dates, both inclusive."""

    start: dt.date
    end: dt.date

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Period:
    """The reporting period: local dates (inclusive), time zone, reporting interval."""

    start: dt.date
    end: dt.date
    timezone: dt.tzinfo
    reporting: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self) -> tuple[Any, Any]:
        """UTC instants of local midnight at the start and after the end."""
        return (
            local_midnight_utc(self.start, self.timezone),
            local_midnight_utc(self.end + dt.timedelta(days=1), self.timezone),
        )

    def dates(self) -> DateRange:
        return DateRange(self.start, self.end)


@dataclass(frozen=True)
class DimSpec:
    """A dimension of a variable: a key column of a long table, or a column per label."""

    name: str
    key: str | None = None
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VariableSpec:
    symbol: str
    column: str | None
    unit: str | None
    kind: Literal["interval", "register"] = "interval"
    dims: tuple[DimSpec, ...] = ()

    def columns(self) -> list[str]:
        """Every file column the variable reads."""
        wide = [c for d in self.dims for _, c in d.columns]
        return wide or [self.column or self.symbol]


@dataclass(frozen=True)
class RegisterEvent:
    """A declared meter rollover or replacement (never guessed from the data)."""

    variable: str
    time: dt.datetime
    kind: Literal["rollover", "replacement"]
    modulus: float | None = None
    final_reading: float | None = None
    initial_reading: float | None = None


@dataclass(frozen=True)
class Calibration:
    """A meter calibration record: the meter, its date and its result.

    ``error`` is the relative error found [fraction, signed]; ``mpe`` the maximum
    permissible error of the meter's accuracy class [fraction].
    """

    variable: str
    date: dt.date
    error: float
    mpe: float
    accuracy_class: str | None = None
    certificate: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One monitoring table: where its data are and how to read them."""

    name: str
    files: tuple[str, ...]
    time: str
    timezone: dt.tzinfo
    label: Literal["start", "end"]
    interval: str | None
    kind: Literal["interval", "register"]
    period: PeriodKind
    sort: bool
    variables: Mapping[str, VariableSpec]
    events: tuple[RegisterEvent, ...] = ()
    calibrations: tuple[Calibration, ...] = ()
    label_given: bool = True
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    #: In-memory data (an ``xarray.Dataset`` or a ``pandas.DataFrame``) instead of files.
    data: Any = None
    #: Read in chunks of this much time ("1D"; reductions.streaming); ``False`` never;
    #: ``None`` (not given): in chunks when the files are large.
    chunks: str | bool | None = None

    @property
    def where(self) -> str:
        return "monitoring" if self.name == SHORT_FORM else f"monitoring.{self.name}"


@dataclass(frozen=True)
class ParameterValue:
    symbol: str
    value: Any
    unit: str
    source: str
    given: bool  # False: the methodology's default
    given_unit: str | None = None
    given_value: Any = None
    #: For a value taken from a packaged publication: its vintage (the year it is for).
    vintage: int | None = None


@dataclass(frozen=True)
class AdjustmentSpec:
    """An ``[[adjustment]]`` as the project file writes it (value in its own unit).

    ``value`` is signed: positive adds to the adjusted baseline. ``start`` and ``end`` are
    local dates, both inclusive. ``where`` names it in messages (``adjustment[1]``,
    counted from 0 as TOML arrays are elsewhere in this library). The methodology's unit
    and the converted value are :class:`reductions.inputs.Adjustment`.
    """

    name: str
    value: float
    unit: str
    start: dt.date
    end: dt.date
    kind: str
    reason: str
    source: str
    where: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Override:
    finding: str
    reason: str


@dataclass(frozen=True)
class Project:
    """A project file, read and checked; frozen."""

    path: Path | None
    name: str
    methodology: str
    methodology_version: str | None
    gwp: str | None
    period: Period
    tables: Mapping[str, TableSpec]
    raw_parameters: Mapping[str, Any]
    overrides: tuple[Override, ...] = ()
    baseline: DateRange | None = None
    short_form: bool = False
    #: ``[[adjustment]]`` as written, in file order (checked against the methodology by
    #: :func:`reductions.inputs.resolve_adjustments`).
    adjustments: tuple[AdjustmentSpec, ...] = ()
    #: An ex-ante estimate from expected annual values ([estimate]), not monitored data.
    estimate: bool = False
    #: ``[uncertainty]`` as written (checked against the methodology by
    #: ``reductions.uncertainty``, which needs the methodology's symbols).
    uncertainty: Mapping[str, Any] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    #: Folders outside the project file's folder that the user allowed files to be read
    #: from (``--allow-outside``; reductions.safety), resolved.
    allow_outside: tuple[Path, ...] = ()

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path(".")

    @property
    def file_label(self) -> str:
        return self.path.name if self.path is not None else "<python>"

    def files(self) -> list[str]:
        """Every monitoring file the project names, in table order."""
        return [f for t in self.tables.values() for f in t.files]

    def table_of(self, symbol: str) -> TableSpec | None:
        for t in self.tables.values():
            if symbol in t.variables:
                return t
        return None

    def mapped(self) -> frozenset[str]:
        return frozenset(s for t in self.tables.values() for s in t.variables)


# --- reading -------------------------------------------------------------------------------


def _require(table: Mapping[str, Any], key: str, where: str, file: str) -> Any:
    if key not in table:
        raise ProjectFileError(
            f"missing key {key!r}",
            file=file,
            variable=f"{where}.{key}",
            rule="required by the project file format (DESIGN.md)",
        )
    return table[key]


def _table(doc: Mapping[str, Any], key: str, file: str, required: bool = True) -> dict:
    value = doc.get(key)
    if value is None:
        if required:
            raise ProjectFileError(f"missing table [{key}]", file=file, variable=key)
        return {}
    if not isinstance(value, dict):
        raise ProjectFileError(f"[{key}] must be a table", file=file, variable=key)
    return value


def known_keys(table: Mapping[str, Any], allowed: set[str] | frozenset[str], where: str, file: str):
    """A misspelt key (``timezon``) would silently take a default: refuse it."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ProjectFileError(
            f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], sorted(allowed))}",
            file=file,
            variable=f"{where}.{unknown[0]}",
            rule=f"[{where}] has keys {', '.join(sorted(allowed))}",
        )


def _number(table: Mapping[str, Any], key: str, where: str, file: str) -> float:
    val = _require(table, key, where, file)
    if isinstance(val, bool) or not isinstance(val, int | float):
        raise ProjectFileError(f"{val!r} is not a number", file=file, variable=f"{where}.{key}")
    return float(val)


def _date(value: Any, key: str, file: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ProjectFileError(
            f"{key} must be a TOML date such as 2024-01-01", file=file, variable=key
        )
    return value


def read_toml(path: str | Path, what: str = "project file") -> dict[str, Any]:
    """A TOML file as a dict; a missing file, bad TOML or non-UTF-8 text is a
    :class:`ProjectFileError` naming the file."""
    label = str(path)
    if not Path(path).is_file():
        raise ProjectFileError(f"{what} not found", file=label)
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProjectFileError(f"not valid TOML: {exc}", file=label) from None
    except UnicodeDecodeError:
        raise ProjectFileError("not UTF-8 text", file=label) from None


def load_project(path: str | Path) -> Project:
    """Read and check a project file; parameters are resolved later against the methodology."""
    p = Path(path)
    label = str(path)
    doc = read_toml(p)
    if "estimate" in doc:
        return estimate_project(doc, p, label)
    return project_from_dict(doc, p, label)


def estimate_project(doc: Mapping[str, Any], path: Path | None, label: str) -> Project:
    """An ex-ante estimate: ``[estimate]`` gives the crediting period and the expected
    value of each monitoring variable per year; the engine quantifies the years as if
    they had been monitored, and the report says it is an estimate.

    ::

        [estimate]
        start = 2025-01-01      # first day of the crediting period (local)
        years = 10
        [estimate.annual]       # expected amount per year (or state value)
        EG_export = { value = 850000, unit = "MWh" }
    """
    import pandas as pd

    for key in ("period", "monitoring"):
        if key in doc:
            raise ProjectFileError(
                f"[{key}] and [estimate] in one project file",
                file=label,
                variable=key,
                rule="an estimate derives its period and data from [estimate]; remove "
                f"[{key}] (or [estimate] for a monitored result)",
            )
    est = _table(doc, "estimate", label)
    known_keys(est, {"start", "years", "annual", "timezone"}, "estimate", label)
    start = _date(_require(est, "start", "estimate", label), "estimate.start", label)
    if (start.month, start.day) != (1, 1):
        raise ProjectFileError(
            f"estimate.start {start} is not 1 January",
            file=label,
            variable="estimate.start",
            rule="an estimate is reported per calendar year: start it on 1 January",
        )
    years = _require(est, "years", "estimate", label)
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 100:
        raise ProjectFileError(
            f"{years!r} is not a number of years (1 to 100)", file=label, variable="estimate.years"
        )
    annual = _table(est, "annual", label)
    if not annual:
        raise ProjectFileError(
            "no expected annual values",
            file=label,
            variable="estimate.annual",
            rule="[estimate.annual] gives each monitoring variable's expected value per year",
        )
    ends = [start.replace(year=start.year + k) for k in range(years + 1)]
    frame: dict[str, Any] = {"time": pd.to_datetime(ends[:-1])}
    variables: dict[str, Any] = {}
    for symbol, spec in annual.items():
        where = f"estimate.annual.{symbol}"
        if not isinstance(spec, dict) or "value" not in spec or "unit" not in spec:
            raise ProjectFileError(
                "an expected value is {value=, unit=}", file=label, variable=where
            )
        value = spec["value"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProjectFileError(f"{value!r} is not a number", file=label, variable=where)
        frame[symbol] = [float(value)] * years
        variables[symbol] = {"column": symbol, "unit": str(spec["unit"])}
    tz = est.get("timezone", _table(doc, "project", label).get("timezone", "UTC"))
    derived = {k: v for k, v in doc.items() if k != "estimate"}
    derived["period"] = {
        "start": start,
        "end": ends[-1] - dt.timedelta(days=1),
        "timezone": tz,
        "reporting": "year",
    }
    derived["monitoring"] = {
        "estimate": {
            "time": "time",
            "label": "start",
            "interval": "year",
            "variables": variables,
        }
    }
    project = project_from_dict(derived, path, label, {"estimate": pd.DataFrame(frame)})
    return dataclasses.replace(project, estimate=True)


def project_from_dict(
    doc: Mapping[str, Any],
    path: Path | None,
    label: str,
    data: Mapping[str, Any] | None = None,
) -> Project:
    """A project from a parsed project file (or the same structure built in Python).

    ``data`` gives in-memory data per table name, in place of files.
    """
    known = {
        "project",
        "period",
        "parameters",
        "monitoring",
        "override",
        "uncertainty",
        "adjustment",
    }
    unknown = sorted(set(doc) - known)
    if unknown:
        raise ProjectFileError(
            f"unknown table [{unknown[0]}]{did_you_mean(unknown[0], sorted(known))}",
            file=label,
            rule=f"the project file has tables {sorted(known)}",
        )
    proj = _table(doc, "project", label)
    known_keys(
        proj, {"name", "methodology", "methodology_version", "gwp", "timezone"}, "project", label
    )
    name = str(_require(proj, "name", "project", label))
    meth = str(_require(proj, "methodology", "project", label)).strip()
    version = proj.get("methodology_version")
    gwp = proj.get("gwp")

    per = _table(doc, "period", label)
    known_keys(per, {"start", "end", "timezone", "reporting", "baseline"}, "period", label)
    start = _date(_require(per, "start", "period", label), "period.start", label)
    end = _date(_require(per, "end", "period", label), "period.end", label)
    if end < start:
        raise ProjectFileError(
            f"period ends ({end}) before it starts ({start})", file=label, variable="period"
        )
    if "timezone" in per:
        tz = parse_timezone(per["timezone"], file=label, key="period.timezone")
    else:
        tz = parse_timezone(proj.get("timezone", "UTC"), file=label, key="project.timezone")
    reporting = str(per.get("reporting", "total"))
    if reporting not in REPORTING:
        raise ProjectFileError(
            f"unknown reporting interval {reporting!r}{did_you_mean(reporting, REPORTING)}",
            file=label,
            variable="period.reporting",
            rule=f"one of {REPORTING}",
        )
    period = Period(start, end, tz, reporting)
    baseline = None
    if "baseline" in per:
        b = per["baseline"]
        if not isinstance(b, dict):
            raise ProjectFileError(
                "[period.baseline] is a table with start and end", file=label, variable="period"
            )
        known_keys(b, {"start", "end"}, "period.baseline", label)
        baseline = DateRange(
            _date(_require(b, "start", "period.baseline", label), "period.baseline.start", label),
            _date(_require(b, "end", "period.baseline", label), "period.baseline.end", label),
        )
        if baseline.end < baseline.start:
            raise ProjectFileError(
                "the baseline period ends before it starts",
                file=label,
                variable="period.baseline",
            )

    mon = _table(doc, "monitoring", label)
    tables = _tables(mon, label, tz, data or {})

    overrides = []
    for o in doc.get("override", []):
        if not isinstance(o, dict):
            raise ProjectFileError("each override is a table", file=label, variable="override")
        known_keys(o, {"finding", "reason"}, "override", label)
        overrides.append(
            Override(
                str(_require(o, "finding", "override", label)),
                str(_require(o, "reason", "override", label)),
            )
        )
    return Project(
        path,
        name,
        meth,
        None if version is None else str(version).strip(),
        None if gwp is None else str(gwp),
        period,
        MappingProxyType(tables),
        freeze(_table(doc, "parameters", label, required=False)),
        tuple(overrides),
        baseline,
        short_form=SHORT_FORM in tables and len(tables) == 1 and _is_short(mon),
        uncertainty=freeze(_table(doc, "uncertainty", label, required=False)),
        adjustments=_adjustments(doc.get("adjustment"), period, label),
    )


def _adjustments(raw: Any, period: Period, label: str) -> tuple[AdjustmentSpec, ...]:
    """``[[adjustment]]`` tables, each checked: keys, a unique name, a finite value with a
    unit pint knows, a period that ends after it starts and meets the reporting period, a
    known kind, and a reason and a source (an adjustment without the calculation it comes
    from cannot be audited)."""
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        raise ProjectFileError(
            "adjustments are an array of tables",
            file=label,
            variable="adjustment",
            rule="write each as [[adjustment]] (double brackets)",
        )
    out: list[AdjustmentSpec] = []
    names: dict[str, str] = {}
    for i, a in enumerate(raw):
        at = f"adjustment[{i}]"
        if not isinstance(a, Mapping):
            raise ProjectFileError(
                "each adjustment is a table", file=label, variable=at, rule="[[adjustment]]"
            )
        known_keys(a, ADJUSTMENT_KEYS, at, label)
        text: dict[str, str] = {}
        for key in ("name", "reason", "source"):
            val = _require(a, key, at, label)
            if not isinstance(val, str) or not val.strip():
                raise ProjectFileError(
                    f"{key} must be a non-empty string, not {val!r}",
                    file=label,
                    variable=f"{at}.{key}",
                    rule="an adjustment names itself, why it is made (reason) and the "
                    "engineering calculation or record it comes from (source)",
                )
            text[key] = val.strip()
        name = text["name"]
        if name in names:
            raise ProjectFileError(
                f"adjustment name {name!r} is also the name of {names[name]}",
                file=label,
                variable=f"{at}.name",
                rule="each adjustment has its own name",
            )
        names[name] = at
        value = _number(a, "value", at, label)
        if not math.isfinite(value):
            raise ProjectFileError(
                f"{value!r} is not a finite number", file=label, variable=f"{at}.value"
            )
        unit = _require(a, "unit", at, label)
        try:
            parse_unit(unit, variable=f"{at}.unit", where=label)
        except UnitError as exc:
            raise ProjectFileError(
                exc.message, file=label, variable=f"{at}.unit", rule=exc.rule
            ) from None
        start = _date(_require(a, "start", at, label), f"{at}.start", label)
        end = _date(_require(a, "end", at, label), f"{at}.end", label)
        if end < start:
            raise ProjectFileError(
                f"adjustment {name!r} ends ({end}) before it starts ({start})",
                file=label,
                variable=f"{at}.end",
            )
        if not DateRange(start, end).overlaps(period.dates()):
            raise ProjectFileError(
                f"adjustment {name!r} ({start} to {end}) is outside the reporting period "
                f"({period.start} to {period.end})",
                file=label,
                variable=f"{at}.start" if start > period.end else f"{at}.end",
                rule="an adjustment applies to days of the reporting period (one that runs "
                "past it is spread over all its days, and the days outside belong to other "
                "reports)",
            )
        kind = a.get("kind", ADJUSTMENT_KINDS[0])
        if kind not in ADJUSTMENT_KINDS:
            raise ProjectFileError(
                f"unknown kind {kind!r}{did_you_mean(str(kind), ADJUSTMENT_KINDS)}",
                file=label,
                variable=f"{at}.kind",
                rule=f"one of {ADJUSTMENT_KINDS}; routine adjustments come from the "
                "methodology's model",
            )
        out.append(
            AdjustmentSpec(
                name, value, str(unit).strip(), start, end, kind, text["reason"], text["source"], at
            )
        )
    return tuple(out)


def _is_short(mon: Mapping[str, Any]) -> bool:
    return any(k in TABLE_KEYS for k in mon)


def _tables(
    mon: Mapping[str, Any], label: str, tz: dt.tzinfo, data: Mapping[str, Any]
) -> dict[str, TableSpec]:
    if _is_short(mon):
        return {SHORT_FORM: _table_spec(SHORT_FORM, mon, label, tz, data.get(SHORT_FORM))}
    if not mon:
        raise ProjectFileError(
            "no monitoring table", file=label, variable="monitoring", rule="[monitoring.<table>]"
        )
    out = {}
    for name, spec in mon.items():
        if not isinstance(spec, dict):
            raise ProjectFileError(
                f"monitoring.{name} must be a table",
                file=label,
                variable=f"monitoring.{name}",
                rule="[monitoring.<table>] with file, time, variables...",
            )
        out[name] = _table_spec(name, spec, label, tz, data.get(name))
    seen: dict[str, str] = {}
    for name, t in out.items():
        for symbol in t.variables:
            if symbol in seen:
                raise ProjectFileError(
                    f"variable {symbol!r} is given by two tables, {seen[symbol]!r} and {name!r}",
                    file=label,
                    variable=f"monitoring.{name}.variables.{symbol}",
                    rule="each variable comes from one table",
                )
            seen[symbol] = name
    return out


def _table_spec(
    name: str, mon: Mapping[str, Any], label: str, default_tz: dt.tzinfo, data: Any
) -> TableSpec:
    where = "monitoring" if name == SHORT_FORM else f"monitoring.{name}"
    known_keys(mon, TABLE_KEYS, where, label)
    if "file" in mon and "files" in mon:
        raise ProjectFileError(f"give {where}.file or {where}.files, not both", file=label)
    files = mon.get("files", [mon["file"]] if "file" in mon else None)
    if data is None and (not files or not all(isinstance(f, str) for f in files)):
        raise ProjectFileError(f"missing {where}.file", file=label, variable=f"{where}.file")
    time = str(mon.get("time", "timestamp"))
    tz = (
        parse_timezone(mon["timezone"], file=label, key=f"{where}.timezone")
        if "timezone" in mon
        else default_tz
    )
    label_kind = str(mon.get("label", "end"))
    if label_kind not in ("start", "end"):
        raise ProjectFileError(
            f"{where}.label must be 'start' or 'end', not {label_kind!r}",
            file=label,
            variable=f"{where}.label",
        )
    interval = mon.get("interval")
    if interval is not None:
        interval_offset(str(interval), file=label)
    period = str(mon.get("period", "reporting"))
    if period not in PERIOD_KINDS:
        raise ProjectFileError(
            f"unknown period {period!r}{did_you_mean(period, PERIOD_KINDS)}",
            file=label,
            variable=f"{where}.period",
            rule=f"one of {PERIOD_KINDS}",
        )
    variables: dict[str, VariableSpec] = {}
    for symbol, spec in _table(mon, "variables", label).items():
        variables[symbol] = _variable_spec(symbol, spec, f"{where}.variables.{symbol}", label)
    table_kind = mon.get("kind")
    kinds = {v.kind for v in variables.values()}
    if table_kind is not None:
        if table_kind not in ("interval", "register"):
            raise ProjectFileError(
                f"kind must be 'interval' or 'register', not {table_kind!r}",
                file=label,
                variable=f"{where}.kind",
            )
        declared = {
            s: v.kind for s, v in variables.items() if "kind" in _table(mon, "variables", label)[s]
        }
        clash = [s for s, k in declared.items() if k != table_kind]
        if clash:
            raise ProjectFileError(
                f"variable {clash[0]!r} is a {declared[clash[0]]} in a {table_kind} table",
                file=label,
                variable=f"{where}.variables.{clash[0]}",
                rule="one kind per monitoring table",
            )
        variables = {
            s: VariableSpec(v.symbol, v.column, v.unit, table_kind, v.dims)
            for s, v in variables.items()
        }
        kinds = {table_kind}
    if len(kinds) > 1:
        raise ProjectFileError(
            "interval and register variables mixed in one monitoring table",
            file=label,
            variable=f"{where}.variables",
            rule="one kind per monitoring table",
        )
    kind = next(iter(kinds)) if kinds else "interval"
    for key in ("delimiter", "decimal", "sheet"):
        if key in mon and not isinstance(mon[key], str):
            raise ProjectFileError(
                f"{where}.{key} must be a string", file=label, variable=f"{where}.{key}"
            )
    if "decimal" in mon and mon["decimal"] not in (".", ","):
        raise ProjectFileError(
            f"decimal mark {mon['decimal']!r} is not '.' or ','",
            file=label,
            variable=f"{where}.decimal",
        )
    if "sort" in mon and not isinstance(mon["sort"], bool):
        raise ProjectFileError(
            f"{where}.sort must be true or false, not {mon['sort']!r}",
            file=label,
            variable=f"{where}.sort",
        )
    events = tuple(_event(e, label, where) for e in mon.get("events", []))
    calibrations = tuple(_calibration(c, label, where) for c in mon.get("calibrations", []))
    chunks = mon.get("chunks")
    if chunks is not None:
        _check_chunks(chunks, f"{where}.chunks", label)
    return TableSpec(
        name,
        tuple(files or ()),
        time,
        tz,
        label_kind,  # type: ignore[arg-type]
        None if interval is None else str(interval),
        kind,
        period,
        bool(mon.get("sort", False)),
        MappingProxyType(variables),
        events,
        calibrations,
        "label" in mon,
        mon.get("delimiter"),
        mon.get("decimal"),
        mon.get("sheet"),
        data,
        chunks,
    )


def _check_chunks(chunks: Any, where: str, label: str) -> None:
    """``chunks``: a length of time ("1D", "6h"), or false."""
    if chunks is False:
        return
    step = None
    if isinstance(chunks, str) and not re.fullmatch(r"[0-9.eE+-]+", chunks.strip()):
        try:
            step = pd.Timedelta(re.sub(r"(?<![a-zA-Z])d$", "D", chunks.strip()))
        except ValueError:
            step = None
    if step is None or step <= pd.Timedelta(0):
        raise ProjectFileError(
            f"{where} must be a length of time or false, not {chunks!r}",
            file=label,
            variable=where,
            rule='chunks = "1D" reads the table in chunks of one day of rows (or "6h", ...)',
        )


def _variable_spec(symbol: str, spec: Any, where: str, label: str) -> VariableSpec:
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise ProjectFileError("a variable maps to {column=, unit=}", file=label, variable=where)
    dim_keys = {k for k in spec if k not in ("column", "unit", "kind")}
    unknown = sorted(k for k in dim_keys if k not in DIMENSION_NAMES)
    if unknown:
        raise ProjectFileError(
            f"unknown key {unknown[0]!r}"
            f"{did_you_mean(unknown[0], ['column', 'unit', 'kind', *DIMENSION_NAMES])}",
            file=label,
            variable=f"{where}.{unknown[0]}",
            rule="a variable has column, unit, kind, and a dimension "
            f"({', '.join(DIMENSION_NAMES)}) as a key column or a table of label = column",
        )
    kind = str(spec.get("kind", "interval"))
    if kind not in ("interval", "register"):
        raise ProjectFileError(
            f"kind must be 'interval' or 'register', not {kind!r}", file=label, variable=where
        )
    dims = []
    for d in sorted(dim_keys):
        val = spec[d]
        if isinstance(val, str):
            dims.append(DimSpec(d, key=val))
        elif isinstance(val, dict) and val and all(isinstance(c, str) for c in val.values()):
            dims.append(DimSpec(d, columns=tuple((str(k), c) for k, c in val.items())))
        else:
            raise ProjectFileError(
                f"dimension {d!r} is a key column (a string) or a table of label = column",
                file=label,
                variable=f"{where}.{d}",
            )
    wide = [d for d in dims if d.columns]
    if len(wide) > 1 or (wide and len(dims) > 1):
        raise ProjectFileError(
            "a variable spread over columns has one dimension",
            file=label,
            variable=where,
            rule="use a long table with key columns for several dimensions",
        )
    if wide and "column" in spec:
        raise ProjectFileError(
            f"give column or a table of {wide[0].name} labels to columns, not both",
            file=label,
            variable=where,
        )
    unit = spec.get("unit")
    return VariableSpec(
        symbol,
        None if wide else str(spec.get("column", symbol)),
        None if unit is None else str(unit),
        "register" if kind == "register" else "interval",
        tuple(dims),
    )


def _event(e: Any, label: str, where: str) -> RegisterEvent:
    at = f"{where}.events"
    if not isinstance(e, dict):
        raise ProjectFileError(
            "each event is a table", file=label, variable=at, rule=f"[[{where}.events]]"
        )
    known_keys(
        e, {"kind", "time", "variable", "modulus", "final_reading", "initial_reading"}, at, label
    )
    kind = str(_require(e, "kind", at, label))
    t = _require(e, "time", at, label)
    if isinstance(t, dt.date) and not isinstance(t, dt.datetime):
        t = dt.datetime(t.year, t.month, t.day)
    if not isinstance(t, dt.datetime):
        raise ProjectFileError(
            "event time must be a TOML date-time", file=label, variable=f"{at}.time"
        )
    var = str(_require(e, "variable", at, label))
    if kind == "rollover":
        return RegisterEvent(var, t, "rollover", modulus=_number(e, "modulus", at, label))
    if kind == "replacement":
        return RegisterEvent(
            var,
            t,
            "replacement",
            final_reading=_number(e, "final_reading", at, label),
            initial_reading=_number(e, "initial_reading", at, label),
        )
    raise ProjectFileError(
        f"unknown event kind {kind!r}",
        file=label,
        variable=f"{at}.kind",
        rule="'rollover' or 'replacement'",
    )


def _calibration(c: Any, label: str, where: str) -> Calibration:
    at = f"{where}.calibrations"
    if not isinstance(c, dict):
        raise ProjectFileError(
            "each calibration is a table", file=label, variable=at, rule=f"[[{at}]]"
        )
    known_keys(c, {"variable", "date", "error", "mpe", "accuracy_class", "certificate"}, at, label)
    date = _require(c, "date", at, label)
    if not isinstance(date, dt.date):
        raise ProjectFileError(
            "calibration date must be a TOML date", file=label, variable=f"{at}.date"
        )
    if isinstance(date, dt.datetime):
        date = date.date()
    out = {}
    for key in ("error", "mpe"):
        val = _require(c, key, at, label)
        if isinstance(val, bool) or not isinstance(val, int | float):
            raise ProjectFileError(
                f"calibration {key} must be a number (fraction)",
                file=label,
                variable=f"{at}.{key}",
            )
        out[key] = float(val)
    if out["mpe"] < 0:
        raise ProjectFileError(
            "calibration mpe must not be negative", file=label, variable=f"{at}.mpe"
        )
    return Calibration(
        str(_require(c, "variable", at, label)),
        date,
        out["error"],
        out["mpe"],
        c.get("accuracy_class"),
        c.get("certificate"),
    )

"""Project file (TOML) -> validated project.

The project file is the auditor's single entry point (DESIGN.md, "Files"). It names the
methodology and its version, the period and time zone, the parameters with units and
sources, and the monitoring files with the column, unit and kind of each variable.
Paths inside it are relative to the project file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ParameterError, ProjectFileError
from .methodology import Methodology, Parameter
from .timeutil import REPORTING, interval_offset, parse_timezone
from .units import conversion_factor


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive, local date
    timezone: dt.tzinfo
    reporting: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class VariableSpec:
    symbol: str
    column: str
    unit: str | None
    kind: Literal["interval", "register"] = "interval"


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
class MonitoringSpec:
    files: tuple[str, ...]
    time: str
    timezone: dt.tzinfo
    label: Literal["start", "end"]
    interval: str | None
    sort: bool
    variables: Mapping[str, VariableSpec]
    events: tuple[RegisterEvent, ...] = ()
    calibrations: tuple[Calibration, ...] = ()
    label_given: bool = True


@dataclass(frozen=True)
class ParameterValue:
    symbol: str
    value: Any
    unit: str
    source: str
    given: bool  # False: the methodology's default
    given_unit: str | None = None
    given_value: Any = None


@dataclass(frozen=True)
class Override:
    finding: str
    reason: str


@dataclass
class Project:
    path: Path
    name: str
    methodology: str
    methodology_version: str
    gwp: str | None
    period: Period
    monitoring: MonitoringSpec
    raw_parameters: Mapping[str, Any]
    overrides: tuple[Override, ...] = ()
    parameters: dict[str, ParameterValue] = field(default_factory=dict)
    noncompliance: list[str] = field(default_factory=list)
    gwp_values: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def file_label(self) -> str:
        return self.path.name

    def value(self, symbol: str) -> Any:
        return self.parameters[symbol].value

    def gwp_of(self, gas: str) -> float:
        """The GWP of ``gas`` chosen for this project [t CO2e/t]."""
        return float(self.gwp_values[gas].value)


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


def _known_keys(table: Mapping[str, Any], allowed: set[str], where: str, file: str) -> None:
    """A misspelt key (``timezon``) would silently take a default: refuse it."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ProjectFileError(
            f"unknown key {unknown[0]!r}",
            file=file,
            variable=f"{where}.{unknown[0]}",
            rule=f"[{where}] has keys {', '.join(sorted(allowed))}",
        )


def _number(table: Mapping[str, Any], key: str, where: str, file: str) -> float:
    val = _require(table, key, where, file)
    if isinstance(val, bool) or not isinstance(val, int | float):
        raise ProjectFileError(f"{val!r} is not a number", file=file, variable=f"{where}.{key}")
    return float(val)


def load_project(path: str | Path) -> Project:
    """Read and check a project file; parameters are resolved later against the methodology."""
    p = Path(path)
    label = str(path)
    if not p.is_file():
        raise ProjectFileError("project file not found", file=label)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProjectFileError(f"not valid TOML: {exc}", file=label) from None
    except UnicodeDecodeError:
        raise ProjectFileError("not UTF-8 text", file=label) from None

    proj = _table(doc, "project", label)
    _known_keys(
        proj, {"name", "methodology", "methodology_version", "gwp", "timezone"}, "project", label
    )
    name = str(_require(proj, "name", "project", label))
    meth = str(_require(proj, "methodology", "project", label)).strip().lower()
    version = str(_require(proj, "methodology_version", "project", label)).strip()
    gwp = proj.get("gwp")

    per = _table(doc, "period", label)
    _known_keys(per, {"start", "end", "timezone", "reporting"}, "period", label)
    start, end = _require(per, "start", "period", label), _require(per, "end", "period", label)
    for key, val in (("start", start), ("end", end)):
        if not isinstance(val, dt.date) or isinstance(val, dt.datetime):
            raise ProjectFileError(
                f"period.{key} must be a TOML date such as 2024-01-01",
                file=label,
                variable=f"period.{key}",
            )
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
            f"unknown reporting interval {reporting!r}",
            file=label,
            variable="period.reporting",
            rule=f"one of {REPORTING}",
        )
    period = Period(start, end, tz, reporting)

    mon = _table(doc, "monitoring", label)
    monitoring = _monitoring_spec(mon, label, tz)

    overrides = tuple(
        Override(
            str(_require(o, "finding", "override", label)),
            str(_require(o, "reason", "override", label)),
        )
        for o in doc.get("override", [])
    )
    known = {"project", "period", "parameters", "monitoring", "override"}
    unknown = sorted(set(doc) - known)
    if unknown:
        raise ProjectFileError(
            f"unknown table(s) {unknown}",
            file=label,
            rule=f"the project file has tables {sorted(known)}",
        )
    return Project(
        p,
        name,
        meth,
        version,
        None if gwp is None else str(gwp),
        period,
        monitoring,
        _table(doc, "parameters", label, required=False),
        overrides,
    )


def _monitoring_spec(mon: Mapping[str, Any], label: str, default_tz: dt.tzinfo) -> MonitoringSpec:
    _known_keys(
        mon,
        {"file", "files", "time", "timezone", "label", "interval", "sort", "variables", "events"}
        | {"calibrations"},
        "monitoring",
        label,
    )
    if "file" in mon and "files" in mon:
        raise ProjectFileError("give monitoring.file or monitoring.files, not both", file=label)
    files = mon.get("files", [mon["file"]] if "file" in mon else None)
    if not files or not all(isinstance(f, str) for f in files):
        raise ProjectFileError("missing monitoring.file", file=label, variable="monitoring.file")
    time = str(mon.get("time", "timestamp"))
    tz = (
        parse_timezone(mon["timezone"], file=label, key="monitoring.timezone")
        if "timezone" in mon
        else default_tz
    )
    label_kind = str(mon.get("label", "end"))
    if label_kind not in ("start", "end"):
        raise ProjectFileError(
            f"monitoring.label must be 'start' or 'end', not {label_kind!r}",
            file=label,
            variable="monitoring.label",
        )
    interval = mon.get("interval")
    if interval is not None:
        interval_offset(str(interval), file=label)
    variables: dict[str, VariableSpec] = {}
    for symbol, spec in _table(mon, "variables", label).items():
        if isinstance(spec, str):
            spec = {"column": spec}
        if not isinstance(spec, dict):
            raise ProjectFileError(
                "a variable maps to {column=, unit=}",
                file=label,
                variable=f"monitoring.variables.{symbol}",
            )
        _known_keys(spec, {"column", "unit", "kind"}, f"monitoring.variables.{symbol}", label)
        kind = str(spec.get("kind", "interval"))
        if kind not in ("interval", "register"):
            raise ProjectFileError(
                f"kind must be 'interval' or 'register', not {kind!r}",
                file=label,
                variable=f"monitoring.variables.{symbol}",
            )
        unit = spec.get("unit")
        variables[symbol] = VariableSpec(
            symbol,
            str(spec.get("column", symbol)),
            None if unit is None else str(unit),
            "register" if kind == "register" else "interval",
        )
    kinds = {v.kind for v in variables.values()}
    if len(kinds) > 1:
        raise ProjectFileError(
            "interval and register variables mixed in one monitoring table",
            file=label,
            variable="monitoring.variables",
            rule="one kind per monitoring table",
        )
    events = tuple(_event(e, label) for e in mon.get("events", []))
    calibrations = tuple(_calibration(c, label) for c in mon.get("calibrations", []))
    return MonitoringSpec(
        tuple(files),
        time,
        tz,
        label_kind,  # type: ignore[arg-type]
        None if interval is None else str(interval),
        bool(mon.get("sort", False)),
        variables,
        events,
        calibrations,
        "label" in mon,
    )


def _event(e: Mapping[str, Any], label: str) -> RegisterEvent:
    if not isinstance(e, dict):
        raise ProjectFileError(
            "each event is a table",
            file=label,
            variable="monitoring.events",
            rule="[[monitoring.events]]",
        )
    _known_keys(
        e,
        {"kind", "time", "variable", "modulus", "final_reading", "initial_reading"},
        "monitoring.events",
        label,
    )
    kind = str(_require(e, "kind", "monitoring.events", label))
    t = _require(e, "time", "monitoring.events", label)
    if isinstance(t, dt.date) and not isinstance(t, dt.datetime):
        t = dt.datetime(t.year, t.month, t.day)
    if not isinstance(t, dt.datetime):
        raise ProjectFileError(
            "event time must be a TOML date-time", file=label, variable="monitoring.events.time"
        )
    var = str(_require(e, "variable", "monitoring.events", label))
    if kind == "rollover":
        return RegisterEvent(
            var, t, "rollover", modulus=_number(e, "modulus", "monitoring.events", label)
        )
    if kind == "replacement":
        return RegisterEvent(
            var,
            t,
            "replacement",
            final_reading=_number(e, "final_reading", "monitoring.events", label),
            initial_reading=_number(e, "initial_reading", "monitoring.events", label),
        )
    raise ProjectFileError(
        f"unknown event kind {kind!r}",
        file=label,
        variable="monitoring.events.kind",
        rule="'rollover' or 'replacement'",
    )


def _calibration(c: Mapping[str, Any], label: str) -> Calibration:
    if not isinstance(c, dict):
        raise ProjectFileError(
            "each calibration is a table",
            file=label,
            variable="monitoring.calibrations",
            rule="[[monitoring.calibrations]]",
        )
    _known_keys(
        c,
        {"variable", "date", "error", "mpe", "accuracy_class", "certificate"},
        "monitoring.calibrations",
        label,
    )
    date = _require(c, "date", "monitoring.calibrations", label)
    if not isinstance(date, dt.date):
        raise ProjectFileError(
            "calibration date must be a TOML date",
            file=label,
            variable="monitoring.calibrations.date",
        )
    if isinstance(date, dt.datetime):
        date = date.date()
    out = {}
    for key in ("error", "mpe"):
        val = _require(c, key, "monitoring.calibrations", label)
        if isinstance(val, bool) or not isinstance(val, int | float):
            raise ProjectFileError(
                f"calibration {key} must be a number (fraction)",
                file=label,
                variable=f"monitoring.calibrations.{key}",
            )
        out[key] = float(val)
    if out["mpe"] < 0:
        raise ProjectFileError(
            "calibration mpe must not be negative",
            file=label,
            variable="monitoring.calibrations.mpe",
        )
    return Calibration(
        str(_require(c, "variable", "monitoring.calibrations", label)),
        date,
        out["error"],
        out["mpe"],
        c.get("accuracy_class"),
        c.get("certificate"),
    )


def resolve_parameters(project: Project, methodology: type[Methodology]) -> None:
    """Check the project's parameters against the methodology's declarations.

    Unknown names, wrong types, wrong units and values outside the declared range are
    :class:`ParameterError`. Missing parameters take the methodology's default (and its
    source); a required parameter without default is an error. Overriding a value the
    methodology prescribes is recorded as non-compliance.
    """
    label = project.file_label
    declared = {p.symbol: p for p in methodology.parameters}
    for symbol in project.raw_parameters:
        if symbol not in declared:
            raise ParameterError(
                f"unknown parameter for {methodology.label()}",
                file=label,
                variable=f"parameters.{symbol}",
                rule=f"known parameters: {', '.join(sorted(declared))}",
            )
    for symbol, decl in declared.items():
        if symbol in project.raw_parameters:
            pv = _parameter_value(decl, project.raw_parameters[symbol], label)
            if decl.prescribed and decl.default is not None and pv.value != decl.default:
                project.noncompliance.append(
                    f"parameters.{symbol} = {pv.value!r} overrides the value {decl.default!r} "
                    f"prescribed by {decl.default_source}"
                )
        elif decl.default is not None:
            pv = ParameterValue(
                symbol,
                decl.default,
                decl.unit,
                decl.default_source or f"{methodology.id} default",
                given=False,
            )
        elif decl.required:
            raise ParameterError(
                f"required parameter missing ({decl.description})",
                file=label,
                variable=f"parameters.{symbol}",
                rule=f"{methodology.label()} declares it",
            )
        else:
            continue
        project.parameters[symbol] = pv


def _parameter_value(decl: Parameter, raw: Any, label: str) -> ParameterValue:
    var = f"parameters.{decl.symbol}"
    source = "project file"
    unit: str | None = None
    value = raw
    if isinstance(raw, dict):
        extra = set(raw) - {"value", "unit", "source"}
        if extra:
            raise ParameterError(
                f"unknown keys {sorted(extra)}",
                file=label,
                variable=var,
                rule="a parameter is {value=, unit=, source=}",
            )
        value = _require(raw, "value", "parameters", label)
        unit = raw.get("unit")
        source = str(raw.get("source", source))
    if decl.kind == "choice":
        if not isinstance(value, str) or (decl.choices and value not in decl.choices):
            raise ParameterError(
                f"{value!r} is not allowed",
                file=label,
                variable=var,
                rule=f"one of {list(decl.choices or ())}",
            )
        return ParameterValue(decl.symbol, value, "", source, True)
    if decl.kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"{value!r} is not true or false", file=label, variable=var)
        return ParameterValue(decl.symbol, value, "", source, True)
    if decl.kind == "date":
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ParameterError(f"{value!r} is not a TOML date", file=label, variable=var)
        return ParameterValue(decl.symbol, value, "", source, True)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{value!r} is not a number", file=label, variable=var)
    if decl.kind == "integer" and not isinstance(value, int):
        raise ParameterError(f"{value!r} is not a whole number", file=label, variable=var)
    given = float(value)
    if decl.unit and decl.unit not in ("1", "dimensionless"):
        if unit is None:
            # ``symbol = value`` (DESIGN.md): the value is in the unit the methodology
            # declares for the symbol (``reductions describe``); the report says so.
            unit = decl.unit
            source = f"{source} (no unit given: in the declared unit {decl.unit})"
        converted = given * conversion_factor(unit, decl.unit, variable=var, where=label)
    else:
        if unit is not None:
            converted = given * conversion_factor(unit, "dimensionless", variable=var, where=label)
        else:
            converted = given
    shown = f"{value!r}" if decl.kind == "integer" else f"{converted!r} {decl.unit}".strip()
    if decl.minimum is not None and converted < decl.minimum:
        raise ParameterError(
            f"{shown} is below the minimum {decl.minimum}",
            file=label,
            variable=var,
            rule="declared range of the parameter",
        )
    if decl.maximum is not None and converted > decl.maximum:
        raise ParameterError(
            f"{shown} is above the maximum {decl.maximum}",
            file=label,
            variable=var,
            rule="declared range of the parameter",
        )
    out: Any = int(value) if decl.kind == "integer" else converted
    return ParameterValue(decl.symbol, out, decl.unit, source, True, unit, value)

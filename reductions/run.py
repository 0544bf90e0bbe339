"""Run a project: project -> methodology -> applicability -> monitoring -> ledger -> result.

This is the one path every entry point takes (the library, ``reductions.quantify``,
``reductions run``, ``verify``, ``validate``), so a report, its verification and a
validation case cannot disagree on how a number was produced. A period that spans a
change of the programme's GWP rule is quantified in parts, one per side of the change,
and the parts are joined along time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from xarray.structure.alignment import AlignmentError

from . import registry
from .errors import ApplicabilityError, InputError, MonitoringDataError
from .inputs import GwpChoice, Inputs, resolve_adjustments, resolve_parameters, select_gwp
from .ledger import TOTALS, Ledger, LedgerError, Quantity, TimeAxis, ledger_inputs
from .methodology import Finding, Methodology, Status
from .monitoring import DataQuality, load, series_for
from .project import Period, Project, load_project, project_from_dict
from .reporting import ReportingGroups

Available = Mapping[tuple[str, str], type[Methodology]]


@dataclass(frozen=True)
class Result:
    """Everything a run produced: the ledger and how it came about."""

    project: Project
    methodology: type[Methodology]
    inputs: Inputs
    findings: tuple[Finding, ...]
    ledger: Ledger
    quality: DataQuality
    gwp: tuple[GwpChoice, ...]
    groups: ReportingGroups

    @property
    def totals(self) -> dict[str, float]:
        """BE, PE, LE and ER over the period [t CO2e]."""
        return self.ledger.totals()

    @property
    def compliant(self) -> bool:
        """No prescribed value, rule or failed condition was overridden."""
        return not any(f.status == Status.OVERRIDDEN for f in self.findings)

    @property
    def series(self) -> Mapping[str, xr.DataArray]:
        """The monitored variables as the methodology received them."""
        return MappingProxyType(
            {
                q.symbol: q.value
                for q in self.ledger
                if q.role == "monitored" and isinstance(q.value, xr.DataArray)
            }
        )

    def report(self) -> dict[str, Any]:
        from .report import build_report

        return build_report(self)

    def write(self, outdir: str | Path, *, series: bool = False) -> dict[str, Path]:
        """report.json, results.nc and report.html in ``outdir``.

        ``series`` also writes every monitored and computed series at its own resolution
        (compressed) into results.nc; by default it holds the reporting intervals.
        """
        from .report import write_outputs

        return write_outputs(self, Path(outdir), series=series)

    def to_project(self, folder: str | Path) -> Path:
        """Write the project file and its data, so that ``reductions run`` reproduces it."""
        from .export import write_project

        return write_project(self, Path(folder))


def check_findings(project: Project, findings: Sequence[Finding]) -> list[Finding]:
    """Stop on a disqualifying finding unless the project overrides it (failures only).

    Returns the findings with every overridden failure recorded as ``overridden``.
    """
    overridden = {o.finding: o for o in project.overrides}
    out = []
    for f in findings:
        if f.status == Status.NOT_SUPPORTED:
            raise ApplicabilityError(
                f"{f.message} [{f.name}]",
                file=project.file_label,
                rule=f"{f.clause}; not yet supported",
            )
        if f.status == Status.FAIL:
            if f.name not in overridden:
                raise ApplicabilityError(
                    f"{f.message} [{f.name}]", file=project.file_label, rule=f.clause
                )
            f = Finding(
                f.name,
                f.clause,
                Status.OVERRIDDEN,
                f"{f.message}; overridden: {overridden[f.name].reason}",
                {**f.values, "override_reason": overridden[f.name].reason},
            )
        out.append(f)
    return out


def _check_overrides(project: Project, findings: Sequence[Finding]) -> None:
    names = {f.name for f in findings}
    for o in project.overrides:
        if o.finding in names and not any(
            f.name == o.finding and f.status == Status.OVERRIDDEN for f in findings
        ):
            status = next(str(f.status) for f in findings if f.name == o.finding)
            raise ApplicabilityError(
                f"override of {o.finding!r}, which did not fail ({status})",
                file=project.file_label,
                variable="override",
                rule="an override sets aside a failed finding, on the record; remove it",
            )
        if o.finding not in names:
            from .errors import did_you_mean

            raise ApplicabilityError(
                f"override names no finding of this methodology: {o.finding!r}"
                f"{did_you_mean(o.finding, sorted(names))}",
                file=project.file_label,
                variable="override",
            )


def run_project(
    path: str | Path,
    available: Available | None = None,
    *,
    allow_outside: Sequence[str | Path] = (),
) -> Result:
    """Run the project file at ``path`` and return its :class:`Result`.

    Files are read only from the project file's folder and the folders in
    ``allow_outside`` (:mod:`reductions.safety`).
    """
    from .safety import allowed_folders

    project = load_project(path)
    if allow_outside:
        project = dataclasses.replace(project, allow_outside=allowed_folders(allow_outside))
    return run(project, available)


def run(project: Project, available: Available | None = None) -> Result:
    """Run a frozen project. An input error raised where the project file was not known
    (the registry, a plugin) is raised again naming the project file."""
    try:
        return _run(project, available)
    except InputError as exc:
        if exc.file is not None:
            raise
        raise type(exc)(
            exc.message,
            file=project.file_label,
            variable=exc.variable,
            where=exc.where,
            rule=exc.rule,
        ) from None


def resolve(
    project: Project, available: Available | None = None
) -> tuple[type[Methodology], Inputs, list[Finding], list[GwpChoice]]:
    """The methodology and the frozen inputs of a project, before any data are read.

    Returns the methodology, the inputs (without monitored series), the findings made
    resolving them (overridden prescribed values or GWP rule) and the GWP choice of each
    part of the period.
    """
    methodology = registry.get(project.methodology, project.methodology_version, available)
    parameters, findings = resolve_parameters(project, methodology)
    choices, gwp_findings = select_gwp(project, methodology)
    calibrations = tuple(c for t in project.tables.values() for c in t.calibrations)
    base = Inputs(
        methodology,
        project.name,
        parameters,
        choices[0].values,
        choices[0].rule,
        project.period,
        project.period,
        project.baseline,
        project.mapped(),
        calibrations,
        adjustments=resolve_adjustments(project, methodology),
    )
    return methodology, base, findings + gwp_findings, choices


def _run(project: Project, available: Available | None) -> Result:
    from .safety import check_project

    check_project(project)
    methodology, base, findings, choices = resolve(project, available)
    findings = check_findings(project, findings)
    parameters = base.parameters
    instance = methodology()
    applicability = list(instance.applicability(base))
    findings += check_findings(project, applicability)
    loaded = load(project, methodology)
    ledgers, qualities = [], []
    for choice in choices:
        period = Period(
            choice.dates.start, choice.dates.end, project.period.timezone, project.period.reporting
        )
        # Series stay at their own intervals; only if the methodology combines series on
        # different axes are they brought to a common one (where they nest), and the
        # report says so.
        for common in (False, True):
            series, axes, quality = series_for(
                loaded,
                methodology,
                period,
                project.period,
                project.baseline,
                parameters,
                common,
            )
            ledger = _quantify(
                instance, base, choice, period, series, axes, parameters, project, methodology
            )
            if ledger is not None:
                break
        else:
            raise _different_axes(series, axes, project)
        ledger.check()
        for s in TOTALS:
            if ledger[s].unit not in ("t", "tCO2e"):
                raise ApplicabilityError(
                    f"{s} is in {ledger[s].unit}, not t CO2e", rule="totals are in t CO2e"
                )
        ledgers.append(ledger)
        qualities.append(quality)
    # The tables read and the last part's series are not needed any more: the ledgers hold
    # what the methodology used, and the parts' quantities are released as they are joined.
    del loaded, series, axes
    ledger = merge_ledgers(ledgers, [c.dates for c in choices], release=True)
    del ledgers
    findings += check_findings(project, ledger.findings)
    _check_overrides(project, findings)
    quality = merge_quality(qualities)
    lo, hi = project.period.utc_bounds()
    groups = ReportingGroups.build(
        ledger.axes, lo, hi, project.period.timezone, project.period.reporting
    )
    return Result(
        project,
        methodology,
        dataclasses.replace(base, series=MappingProxyType({})),
        tuple(findings),
        ledger,
        quality,
        tuple(choices),
        groups,
    )


def _quantify(
    instance: Methodology,
    base: Inputs,
    choice: GwpChoice,
    period: Period,
    series: Mapping[str, xr.DataArray],
    axes: list[TimeAxis],
    parameters: Mapping[str, Any],
    project: Project,
    methodology: type[Methodology],
) -> Ledger | None:
    """The ledger of one part of the period; ``None`` if the methodology combined series
    on different time axes."""
    inputs = dataclasses.replace(
        base,
        gwp=choice.values,
        gwp_rule=choice.rule,
        period=period,
        series=MappingProxyType(dict(series)),
    )
    ledger = Ledger(
        methodology.label(),
        sources=[s.code for s in methodology.sources],
        axes=axes,
        timezone=project.period.timezone,
    )
    ledger_inputs(
        ledger,
        parameters,
        {p.symbol: p for p in methodology.parameters},
        series,
        {v.symbol: v for v in methodology.monitoring},
        choice.values,
        choice.rule,
    )
    try:
        with xr.set_options(arithmetic_join="exact", keep_attrs=False):
            instance.quantify(inputs, ledger)
    except AlignmentError:
        return None
    return ledger


def _different_axes(
    series: Mapping[str, xr.DataArray], axes: Sequence[TimeAxis], project: Project
) -> InputError:
    """The error for series on different time axes combined by a methodology."""
    parts = []
    for k, axis in enumerate(axes):
        names = [s for s, da in series.items() if axis.matches(da.indexes["time"])]
        tables = sorted({t.name for s in names if (t := project.table_of(s)) is not None})
        step = pd.Timedelta(axis.end[0] - axis.start[0]) if axis.start.size else None
        parts.append(f"{', '.join(names) or f'axis {k}'} every {step} (table {', '.join(tables)})")
    return MonitoringDataError(
        "the methodology combines series on different time axes (" + "; ".join(parts) + ")",
        variable=", ".join(series),
        rule="variables a methodology combines come at the same interval, or at the "
        "resolution it declares",
    )


# --- joining the parts of a period ----------------------------------------------------------


def merge_ledgers(
    ledgers: Sequence[Ledger], parts: Sequence[Any], *, release: bool = False
) -> Ledger:
    """One ledger from the ledgers of consecutive parts of a period.

    Series on the reporting time axes are joined along time; values equal in every part
    stay as they are; other values get a ``segment`` dimension (a GWP, say). Series are
    joined on the merged time axis (one index for all of them, built once). ``release``
    empties the parts' ledgers as their quantities are joined (so that a part's series
    and the joined series are not all held at once); the parts are then unusable.
    """
    if len(ledgers) == 1:
        return ledgers[0]
    first = ledgers[0]
    labels = [f"{p.start.isoformat()}/{p.end.isoformat()}" for p in parts]
    axes: list[TimeAxis] = []
    for k, ax in enumerate(first.axes):
        group = [lg.axes[k] for lg in ledgers]
        if all(a.matches(ax.start) for a in group):
            axes.append(ax)
        else:
            axes.append(
                TimeAxis(
                    np.concatenate([a.start for a in group]), np.concatenate([a.end for a in group])
                )
            )
    merged = Ledger(first.methodology, sources=first.sources, axes=axes, timezone=first.timezone)
    if any(lg.symbols() != first.symbols() for lg in ledgers):
        raise LedgerError(f"{first.methodology}: the parts of the period have different quantities")
    for symbol in first.symbols():
        qs = [lg[symbol] for lg in ledgers]
        merged._quantities[symbol] = _merge_quantity(
            qs, labels, axis=_joined_axis(ledgers, qs, axes)
        )
        if release:
            for lg in ledgers:
                del lg._quantities[symbol]
        del qs
    seen = set()
    for lg in ledgers:
        for f in lg.findings:
            key = (f.name, f.status, f.message)
            if key not in seen:
                seen.add(key)
                merged.findings.append(f)
    return merged


def _joined_axis(
    ledgers: Sequence[Ledger], qs: Sequence[Quantity], axes: Sequence[TimeAxis]
) -> TimeAxis | None:
    """The merged axis a series of every part joins onto: the part of each ledger's axis
    ``k`` is the series' own (the parts' axes ``k`` joined make ``axes[k]``)."""
    values = [q.value for q in qs]
    if not all(isinstance(v, xr.DataArray) and "time" in v.dims for v in values):
        return None
    first = ledgers[0]
    own = first.axis_of(values[0])  # type: ignore[arg-type]
    if own is None:
        return None
    k = next(i for i, a in enumerate(first.axes) if a is own)
    for lg, v in zip(ledgers, values, strict=True):
        if lg.axis_of(v) is not lg.axes[k]:  # type: ignore[arg-type]
            return None
    return axes[k]


def _joins(values: Sequence[Any], axis: TimeAxis) -> bool:
    """Whether the series' time steps, one part after the other, are ``axis``'s, with the
    same other dimensions and labels in every part."""
    a0 = values[0].transpose("time", ...)
    rest = a0.dims[1:]
    if sum(v.sizes["time"] for v in values) != axis.start.size:
        return False
    for v in values[1:]:
        b = v.transpose("time", ...)
        if b.dims[1:] != rest or any(
            not np.array_equal(b[d].values, a0[d].values) for d in rest if d in a0.coords
        ):
            return False
    return True


def _same(values: Sequence[Any]) -> bool:
    a = values[0]
    for b in values[1:]:
        if isinstance(a, xr.DataArray) != isinstance(b, xr.DataArray):
            return False
        if isinstance(a, xr.DataArray):
            if not a.identical(b):
                return False
        elif a != b:
            return False
    return True


def _merge_quantity(
    qs: Sequence[Quantity], labels: Sequence[str], *, axis: TimeAxis | None = None
) -> Quantity:
    """One quantity from those of the parts; series on the parts of ``axis`` (when given)
    are joined onto it: their values concatenated once, its time coordinates shared."""
    q = qs[0]
    values = [x.value for x in qs]
    equations = list(dict.fromkeys(x.equation for x in qs))
    value: Any
    series = all(isinstance(v, xr.DataArray) and "time" in v.dims for v in values)
    if _same(values) and (series or not q.extensive or q.role == "parameter"):
        # A parameter, an intensive value, or a series on a baseline or history axis
        # that every part shares: one value, not one per part.
        value = values[0]
    elif series and axis is not None and _joins(values, axis):
        parts = [v.transpose("time", ...) for v in values if isinstance(v, xr.DataArray)]
        other = {str(d): parts[0][d].values for d in parts[0].dims[1:] if d in parts[0].coords}
        value = axis.series(
            np.concatenate([p.values for p in parts]),
            tuple(str(d) for d in parts[0].dims[1:]),
            **other,
        )
        value.name = parts[0].name
        value.attrs = dict(parts[0].attrs)
    elif series:
        value = xr.concat([v for v in values if isinstance(v, xr.DataArray)], dim="time")
    else:
        # Amounts of each part (equal or not) and intensive values that differ: one per
        # part, so that totals add the parts.
        arrays: list[xr.DataArray] = [
            v if isinstance(v, xr.DataArray) else xr.DataArray(v) for v in values
        ]
        value = xr.concat(arrays, dim="segment").assign_coords(segment=list(labels))
    return dataclasses.replace(q, value=value, equation="; ".join(equations))


def merge_quality(qualities: Sequence[DataQuality]) -> DataQuality:
    if len(qualities) == 1:
        return qualities[0]
    first = qualities[0]
    for q in qualities[1:]:
        for name, t in q.tables.items():
            m = first.tables[name]
            if t.period == "reporting":
                m.intervals += t.intervals
                m.gaps.extend(t.gaps)
                for k, v in t.filled_intervals.items():
                    m.filled_intervals[k] = m.filled_intervals.get(k, 0) + v
            m.resampled = list(dict.fromkeys(m.resampled + t.resampled))
    return first


# --- the Python API --------------------------------------------------------------------------


def quantify(
    methodology: str,
    *,
    parameters: Mapping[str, Any] | None = None,
    monitoring: Any = None,
    period: tuple[dt.date, dt.date],
    version: str | None = None,
    timezone: str = "UTC",
    reporting: str = "total",
    gwp: str | None = None,
    baseline: tuple[dt.date, dt.date] | None = None,
    tables: Mapping[str, Mapping[str, Any]] | None = None,
    name: str = "in-memory project",
    overrides: Mapping[str, str] | None = None,
    adjustments: Sequence[Mapping[str, Any]] | None = None,
    available: Available | None = None,
) -> Result:
    """Quantify a project from Python objects, with no file: the same result as a project file.

    Parameters
    ----------
    methodology
        Installed methodology id (``"cdm.acm0002"``); ``version`` names the version when
        several are installed.
    parameters
        ``symbol: value`` (in the methodology's unit) or ``symbol: {"value":, "unit":,
        "source":}``, as in a project file's ``[parameters]``.
    monitoring
        An ``xarray.Dataset`` (variables named by symbol, ``attrs["units"]``, a ``time``
        coordinate), a ``pandas.DataFrame`` (columns named by symbol, a ``time`` column or
        a DatetimeIndex; give units in ``tables``), or ``{table: Dataset | DataFrame}``.
    period
        First and last local day of the period (inclusive).
    tables
        Per table, the settings of a ``[monitoring.<table>]`` block (``interval``,
        ``label``, ``time``, ``period``, ``kind``, ``variables``...). By default the
        variables are the data's columns that the methodology monitors, timestamps label
        the start of their interval, and the interval is inferred.
    adjustments
        Declared adjustments, each as a project file's ``[[adjustment]]`` table
        (``name``, ``value``, ``unit``, ``start``, ``end``, ``kind``, ``reason``,
        ``source``), for a methodology that accepts them.
    """
    single = isinstance(monitoring, xr.Dataset) or not isinstance(monitoring, Mapping)
    data = {"data": monitoring} if single else dict(monitoring)
    for table, obj in data.items():
        if not isinstance(obj, xr.Dataset | pd.DataFrame):
            raise InputError(
                f"monitoring data must be an xarray.Dataset or a pandas.DataFrame, not "
                f"{type(obj).__name__}",
                variable="monitoring" if single else f"monitoring[{table!r}]",
                rule="quantify(monitoring=Dataset | DataFrame | {table: Dataset | DataFrame})",
            )
    settings = dict(tables or {})
    mon: dict[str, Any] = {}
    for table, obj in data.items():
        spec = dict(settings.pop(table, {}))
        spec.setdefault("time", "time")
        spec.setdefault("label", "start")
        if "variables" not in spec:
            spec["variables"] = _default_variables(methodology, version, obj, available)
        mon[table] = spec
    if settings:
        raise InputError(
            f"settings for table(s) {sorted(settings)} without data", variable="tables"
        )
    doc: dict[str, Any] = {
        "project": {"name": name, "methodology": methodology},
        "period": {
            "start": period[0],
            "end": period[1],
            "timezone": timezone,
            "reporting": reporting,
        },
        "parameters": dict(parameters or {}),
        "monitoring": mon,
        "override": [{"finding": k, "reason": v} for k, v in (overrides or {}).items()],
    }
    if adjustments:
        doc["adjustment"] = [dict(a) for a in adjustments]
    if version is not None:
        doc["project"]["methodology_version"] = version
    if gwp is not None:
        doc["project"]["gwp"] = gwp
    if baseline is not None:
        doc["period"]["baseline"] = {"start": baseline[0], "end": baseline[1]}
    project = project_from_dict(doc, None, "<python>", data)
    return run(project, available)


def _default_variables(
    methodology: str, version: str | None, obj: Any, available: Available | None
) -> dict[str, Any]:
    cls = registry.get(methodology, version, available)
    symbols = {v.symbol for v in cls.monitoring}
    if isinstance(obj, xr.Dataset):
        return {
            str(k): {
                "column": str(k),
                **({"unit": obj[k].attrs["units"]} if "units" in obj[k].attrs else {}),
            }
            for k in obj.data_vars
            if k in symbols
        }
    columns = list(getattr(obj, "columns", []))
    return {str(c): {"column": str(c)} for c in columns if c in symbols}

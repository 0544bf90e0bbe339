"""Frozen inputs of a methodology: parameters, GWPs, periods and monitored series.

The engine resolves the project file against the methodology (parameters in canonical
units with their sources, defaults, the GWP set by the methodology's rule) and hands the
methodology an :class:`Inputs` it cannot change. Overriding a prescribed value or the
GWP rule is recorded as a finding, never as free text. Declared adjustments
(``[[adjustment]]``) are checked against the kinds the methodology accepts and converted
to the unit it reads them in (:func:`resolve_adjustments`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr

from .errors import ParameterError, PluginError, ProjectFileError, UnitError, did_you_mean
from .factors import CDM_GWP_RULE, GWP, GWP_SETS, cdm_gwp, gwp
from .methodology import Finding, Methodology, Parameter, Status
from .project import Calibration, DateRange, ParameterValue, Period, Project
from .units import conversion_factor

#: Dates where the CDM rule for GWPs changes (reductions achieved from that day on).
CDM_GWP_CHANGES = (dt.date(2013, 1, 1), dt.date(2021, 1, 1))


@dataclass(frozen=True)
class Adjustment:
    """A declared adjustment (``[[adjustment]]``), resolved against the methodology.

    ``value`` is in ``unit``, the unit the methodology reads adjustments in
    (``Methodology.adjustment_unit``), converted with pint from ``given_value`` in
    ``given_unit`` as the project file writes them. Signed: positive adds to the adjusted
    baseline. ``start`` and ``end`` are local dates, both inclusive; the adjustment
    covers all their days, inside the reporting period or not (a methodology uses the
    part inside).
    """

    name: str
    kind: str
    value: float
    unit: str
    start: dt.date
    end: dt.date
    reason: str
    source: str
    given_value: float
    given_unit: str

    @property
    def days(self) -> int:
        """Days the adjustment covers (both ends included)."""
        return (self.end - self.start).days + 1

    def value_in(self, unit: str) -> float:
        """The value in another unit of the same dimension (pint)."""
        return self.given_value * conversion_factor(
            self.given_unit, unit, variable=f"adjustment {self.name!r}"
        )

    def as_dict(self) -> dict[str, Any]:
        """For report.json: as written, and the value in the methodology's unit."""
        return {
            "name": self.name,
            "kind": self.kind,
            "value": self.given_value,
            "unit": self.given_unit,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "reason": self.reason,
            "source": self.source,
            "converted": {"value": self.value, "unit": self.unit},
        }


@dataclass(frozen=True)
class Inputs:
    """What a methodology computes from; read-only.

    ``period`` is the part of the reporting period being quantified (the whole period,
    or one side of a change of the GWP rule); ``series`` the monitored variables at the
    resolution each declares, as DataArrays over ``time`` (start of each interval, UTC,
    with ``time_end``) and their declared dimensions.
    """

    methodology: type[Methodology]
    project: str
    parameters: Mapping[str, ParameterValue]
    gwp: Mapping[str, GWP]
    gwp_rule: str
    period: Period
    full_period: Period
    baseline: DateRange | None
    mapped: frozenset[str]
    calibrations: tuple[Calibration, ...] = ()
    series: Mapping[str, xr.DataArray] = field(default_factory=lambda: MappingProxyType({}))
    #: Declared adjustments, in project-file order, values in the methodology's unit.
    adjustments: tuple[Adjustment, ...] = ()

    def value(self, symbol: str) -> Any:
        """The value of a parameter, in the methodology's unit."""
        try:
            return self.parameters[symbol].value
        except KeyError:
            raise ParameterError(
                f"parameter not given and without default{did_you_mean(symbol, self.parameters)}",
                variable=f"parameters.{symbol}",
                rule=f"{self.methodology.label()} reads it",
            ) from None

    def given(self, symbol: str) -> bool:
        """Whether the project gives the parameter (or it has a default)."""
        return symbol in self.parameters

    def has(self, symbol: str) -> bool:
        """Whether the project maps the monitoring variable."""
        return symbol in self.mapped

    def gwp_of(self, gas: str) -> float:
        """The GWP of ``gas`` chosen for this period [t CO2e/t]."""
        return float(self.gwp[gas].value)

    def calibrations_of(self, symbol: str) -> tuple[Calibration, ...]:
        return tuple(c for c in self.calibrations if c.variable == symbol)


# --- parameters ------------------------------------------------------------------------------


def resolve_parameters(
    project: Project, methodology: type[Methodology]
) -> tuple[Mapping[str, ParameterValue], list[Finding]]:
    """The project's parameters checked against the methodology's declarations.

    Unknown names, wrong types, wrong units and values outside the declared range are
    :class:`ParameterError`. Missing parameters take the methodology's default (and its
    source); a required parameter without default is an error. Another value than one the
    methodology prescribes is an ``overridden`` finding.
    """
    label = project.file_label
    declared = {p.symbol: p for p in methodology.parameters}
    for symbol in project.raw_parameters:
        if symbol not in declared:
            raise ParameterError(
                f"unknown parameter for {methodology.label()}{did_you_mean(symbol, declared)}",
                file=label,
                variable=f"parameters.{symbol}",
                rule=f"known parameters: {', '.join(sorted(declared))}",
            )
    out: dict[str, ParameterValue] = {}
    findings: list[Finding] = []
    year = project.period.end.year
    for symbol, decl in declared.items():
        raw = project.raw_parameters.get(symbol)
        if isinstance(raw, Mapping) and "published" in raw:
            pv, found = _published_value(decl, raw, label, year, methodology)
            findings.extend(found)
        elif symbol in project.raw_parameters:
            pv = _parameter_value(decl, project.raw_parameters[symbol], label)
            if decl.prescribed and decl.default is not None and pv.value != decl.default:
                findings.append(
                    Finding(
                        f"{methodology.id}.parameters.{symbol}",
                        decl.default_source or methodology.label(),
                        Status.OVERRIDDEN,
                        f"parameters.{symbol} = {pv.value!r} overrides the value "
                        f"{decl.default!r} prescribed by {decl.default_source}",
                        {"given": pv.value, "prescribed": decl.default, "source": pv.source},
                    )
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
        out[symbol] = pv
    return MappingProxyType(out), findings


def _published_value(
    decl: Parameter,
    raw: Mapping[str, Any],
    label: str,
    year: int,
    methodology: type[Methodology],
) -> tuple[ParameterValue, list[Finding]]:
    """A parameter taken from a packaged publication (``reductions.factors.grid``).

    The publication's row of an accepted kind for the grid is used, under the vintage rule
    (never a publication for a later year than the period's last). A consumption-side
    average where a margin is asked for is used only as an override on the record: a
    failed finding the project must override explicitly.
    """
    from .factors import grid as published

    var = f"parameters.{decl.symbol}"
    known_keys = {"published", "grid"}
    extra = set(raw) - known_keys
    if extra:
        raise ParameterError(
            f"unknown keys {sorted(extra)}",
            file=label,
            variable=var,
            rule="a published factor is {published = <table>, grid = <grid>}",
        )
    if not decl.published_kinds:
        raise ParameterError(
            f"{methodology.label()} does not take {decl.symbol} from a publication",
            file=label,
            variable=var,
            rule="give a value (with its unit and source)",
        )
    if "grid" not in raw:
        raise ParameterError("missing key 'grid'", file=label, variable=var)
    table, grid = str(raw["published"]), str(raw["grid"])
    gid = published.canonical_grid(grid)
    rows = [f for f in published.factors(table) if f.grid == gid]
    kinds = [f.kind for f in rows]
    kind = next((k for k in decl.published_kinds if k in kinds), None)
    findings: list[Finding] = []
    if kind is None and "consumption_average" in kinds:
        kind = "consumption_average"
    if kind is None:
        raise ParameterError(
            f"{table} gives {kinds or 'nothing'} for grid {gid!r}, not "
            f"{' or '.join(decl.published_kinds)}",
            file=label,
            variable=var,
            rule=f"{decl.symbol} is a {' or '.join(decl.published_kinds)}",
        )
    factor = published.published(gid, kind, year, table=table)
    value = factor.value * conversion_factor(factor.unit, decl.unit, variable=var, where=label)
    if kind == "consumption_average":
        findings.append(
            Finding(
                f"{methodology.id}.parameters.{decl.symbol}.consumption_average",
                f"{methodology.label()}: {decl.symbol} is a "
                f"{' or '.join(decl.published_kinds)}, not an average emission factor",
                Status.FAIL,
                f"{decl.symbol} is taken from {table}, a consumption-side average emission "
                f"factor ({factor.value} {factor.unit}, {gid}), not a "
                f"{' or '.join(decl.published_kinds)}",
                {"table": table, "grid": gid, "value": factor.value, "kind": kind},
            )
        )
    pv = ParameterValue(
        decl.symbol,
        value,
        decl.unit,
        f"{factor.reference} ({kind}, {gid}, vintage {factor.vintage})",
        True,
        factor.unit,
        f"{table}: {gid} {kind}",
        factor.vintage,
    )
    return pv, findings


def _parameter_value(decl: Parameter, raw: Any, label: str) -> ParameterValue:
    var = f"parameters.{decl.symbol}"
    source = "project file"
    unit: str | None = None
    if isinstance(raw, np.generic):
        raw = raw.item()  # a numpy scalar (from a DataFrame, say) is a plain number
    value = raw
    if isinstance(raw, Mapping):
        extra = set(raw) - {"value", "unit", "source"}
        if extra:
            raise ParameterError(
                f"unknown keys {sorted(extra)}",
                file=label,
                variable=var,
                rule="a parameter is {value=, unit=, source=}",
            )
        if "value" not in raw:
            raise ParameterError("missing key 'value'", file=label, variable=var)
        value = raw["value"]
        value = value.item() if isinstance(value, np.generic) else value
        unit = raw.get("unit")
        source = str(raw.get("source", source))
    if decl.kind == "choice":
        if not isinstance(value, str) or (decl.choices and value not in decl.choices):
            hint = did_you_mean(str(value), decl.choices or ())
            raise ParameterError(
                f"{value!r} is not allowed{hint}",
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
    if not math.isfinite(given):
        raise ParameterError(f"{value!r} is not a finite number", file=label, variable=var)
    if decl.unit and decl.unit not in ("1", "dimensionless"):
        if unit is None:
            # ``symbol = value`` (DESIGN.md): the value is in the unit the methodology
            # declares for the symbol (``reductions describe``); the report says so.
            unit = decl.unit
            source = f"{source} (no unit given: in the declared unit {decl.unit})"
        converted = given * conversion_factor(unit, decl.unit, variable=var, where=label)
    elif unit is not None:
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


# --- adjustments ----------------------------------------------------------------------------


def resolve_adjustments(project: Project, methodology: type[Methodology]) -> tuple[Adjustment, ...]:
    """The project's ``[[adjustment]]`` checked against the methodology and converted.

    A methodology that accepts no adjustments (or not this kind) refuses them, naming
    itself; a unit of another dimension than the methodology's adjustment unit is a
    :class:`ProjectFileError` naming ``adjustment[i].unit``.
    """
    if not project.adjustments:
        return ()
    label = project.file_label
    accepted = methodology.adjustments
    if not accepted:
        first = project.adjustments[0]
        raise ProjectFileError(
            f"{len(project.adjustments)} adjustment(s) declared ({first.name!r} first), but "
            f"{methodology.label()} accepts no adjustments",
            file=label,
            variable=first.where,
            rule="a setting the methodology does not use is an error; remove [[adjustment]]",
        )
    if not methodology.adjustment_unit:
        raise PluginError(
            f"{methodology.label()} accepts adjustments but declares no adjustment_unit"
        )
    out = []
    for a in project.adjustments:
        if a.kind not in accepted:
            raise ProjectFileError(
                f"{methodology.label()} does not accept {a.kind} adjustments",
                file=label,
                variable=f"{a.where}.kind",
                rule=f"it accepts {', '.join(accepted)}",
            )
        try:
            factor = conversion_factor(
                a.unit, methodology.adjustment_unit, variable=f"{a.where}.unit", where=label
            )
        except UnitError as exc:
            raise ProjectFileError(
                f"{exc.message} ({methodology.label()} reads adjustments in "
                f"{methodology.adjustment_unit})",
                file=label,
                variable=f"{a.where}.unit",
                rule=exc.rule,
            ) from None
        out.append(
            Adjustment(
                a.name,
                a.kind,
                a.value * factor,
                methodology.adjustment_unit,
                a.start,
                a.end,
                a.reason,
                a.source,
                a.value,
                a.unit,
            )
        )
    return tuple(out)


# --- GWP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GwpChoice:
    """The GWPs of one part of the period, and the rule that chose them."""

    dates: DateRange
    values: Mapping[str, GWP]
    rule: str


def select_gwp(
    project: Project, methodology: type[Methodology]
) -> tuple[list[GwpChoice], list[Finding]]:
    """The GWP values by the methodology's rule or the project's choice.

    Under the CDM rule a period across 1 January 2013 or 2021 is split at that date, each
    part with its own set. A project choosing another set than the rule's gets an
    ``overridden`` finding.
    """
    rule = methodology.gwp_rule
    label = project.file_label
    whole = project.period.dates()
    gases = methodology.gases
    chosen = project.gwp
    if chosen is not None and chosen.lower() != "cdm" and chosen not in GWP_SETS:
        raise ParameterError(
            f"unknown GWP set {chosen!r}{did_you_mean(chosen, GWP_SETS)}",
            file=label,
            variable="project.gwp",
            rule=f"one of {GWP_SETS}" + (" or 'cdm'" if rule == "cdm" else ""),
        )
    if rule == "none":
        if chosen is not None:
            raise ProjectFileError(
                f"project.gwp = {chosen!r} is set, but {methodology.label()} uses no GWP",
                file=label,
                variable="project.gwp",
                rule="a setting the methodology does not use is an error; remove it",
            )
        return [GwpChoice(whole, MappingProxyType({}), "the methodology uses no GWP")], []
    if rule == "project":
        if chosen is None or chosen.lower() == "cdm":
            raise ParameterError(
                "the methodology lets the project choose the GWP set; none given",
                file=label,
                variable="project.gwp",
                rule=f"one of {GWP_SETS}",
            )
        values = MappingProxyType({g: gwp(g, chosen) for g in gases})
        return [GwpChoice(whole, values, f"project file: {chosen}")], []
    cuts = [d for d in CDM_GWP_CHANGES if whole.start < d <= whole.end]
    bounds = [whole.start, *cuts, whole.end + dt.timedelta(days=1)]
    parts = [
        DateRange(a, b - dt.timedelta(days=1)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    out: list[GwpChoice] = []
    findings: list[Finding] = []
    for part in parts:
        by_rule = {g: cdm_gwp(g, part.start) for g in gases}
        if chosen is not None and chosen.lower() != "cdm":
            mine = {g: gwp(g, chosen) for g in gases}
            if any(mine[g].value != by_rule[g].value for g in gases):
                findings.append(
                    Finding(
                        f"{methodology.id}.gwp",
                        CDM_GWP_RULE,
                        Status.OVERRIDDEN,
                        f"project.gwp = {chosen!r} overrides the GWPs the CDM rule prescribes "
                        f"from {part.start}",
                        {
                            "given": chosen,
                            "prescribed": {g: by_rule[g].set for g in gases},
                            "from": part.start.isoformat(),
                        },
                    )
                )
            out.append(
                GwpChoice(
                    part, MappingProxyType(mine), f"project file: {chosen} (overrides the CDM rule)"
                )
            )
        else:
            out.append(GwpChoice(part, MappingProxyType(by_rule), CDM_GWP_RULE))
    return out, findings

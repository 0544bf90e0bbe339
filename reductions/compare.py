"""The same project under other methodologies or versions, side by side (issue 13).

``reductions compare PROJECT.toml --with ID[@VERSION] ...`` runs the project as written,
then reruns the same monitoring data and parameters under each other methodology or
version, and says which quantities differ and why, from the ledgers themselves:

- the totals BE, PE, LE and ER of each, and their difference from the project as written;
- every symbol present in both ledgers whose value differs: the value under each, the
  relative difference, the equation (reference and formula) under each, and the reason:
  a parameter's value and its source (the combined-margin weights 0.5/0.5 of
  CCER-01-002-V01 Tables 2-3 against 0.75/0.25 of TOOL07 for wind), a different formula,
  inputs that differ, or inputs only one methodology has (the meter-error correction of
  CCER-01-002-V01 para. 7.3.4); each difference is traced to the quantities it comes from;
- the symbols only one ledger holds, with their equations;
- the findings (applicability, compliance) whose status differs.

How the project is carried over to a target (a copy of the frozen project, never an edit):
parameters the target does not declare are dropped and listed as "not used by X"; so are
monitoring variables it does not declare, calibration records it does not read, a GWP set
it does not use, a baseline period it has no data for and overrides naming another
methodology's findings. ``--set NAME=VALUE[ UNIT]`` gives a target a parameter the project
lacks (or replaces the project's value for the targets). A target that still lacks a
required parameter, or cannot run for any other reason, is shown with its error and the
others are still compared.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr

from . import registry
from .errors import InputError, MethodologyNotFound, ReductionsError, did_you_mean
from .ledger import TOTALS, Ledger, Quantity
from .methodology import Finding, Methodology
from .project import SHORT_FORM, Project, TableSpec, freeze

Available = Mapping[tuple[str, str], type[Methodology]]

#: Two values agree if they are equal to this relative tolerance (rounding only).
RTOL = 1e-9
#: ... or to this absolute one (values that are zero up to rounding).
ATOL = 1e-12
#: Keys of ``reductions compare --json``.
COMPARE_KEYS = ("project", "file", "period", "unit", "methodologies", "comparisons")


# --- command-line values ---------------------------------------------------------------------


def parse_target(text: str) -> tuple[str, str | None]:
    """``"cdm.acm0002@22.0"`` -> ``("cdm.acm0002", "22.0")``; no ``@``: any version."""
    ident, sep, version = text.strip().partition("@")
    if not ident or (sep and not version.strip()):
        raise InputError(
            f"{text!r} is not ID or ID@VERSION", variable="--with", rule="e.g. cdm.acm0002@22.0"
        )
    return ident.strip(), version.strip() if sep else None


_WITH_UNIT = re.compile(r"^\s*(?P<value>[^\s\[]+)\s*(?:\[(?P<u1>[^\]]+)\]|(?P<u2>\S.*?))\s*$")


def _toml_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return None


def parse_setting(text: str) -> tuple[str, dict[str, Any]]:
    """``--set NAME=VALUE``, ``--set "NAME=VALUE UNIT"`` or ``--set NAME=VALUE[UNIT]``.

    The value is read as a TOML value (a number, ``true``, a date such as ``2024-01-01``, a
    quoted string); anything else is a string (``technology=wind``). It becomes a project
    file parameter ``{value=, unit=, source=}`` whose source says it came from the command
    line.
    """
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name.isidentifier() or not raw:
        raise InputError(
            f"{text!r} is not NAME=VALUE", variable="--set", rule="e.g. --set technology=wind"
        )
    out: dict[str, Any] = {"source": f"command line: --set {name}={raw}"}
    value = _toml_value(raw)
    if value is None and (m := _WITH_UNIT.match(raw)) is not None:
        number = _toml_value(m["value"])
        if isinstance(number, int | float) and not isinstance(number, bool):
            out.update(value=number, unit=(m["u1"] or m["u2"]).strip())
            return name, out
    out["value"] = raw if value is None else value
    return name, out


# --- carrying the project over to another methodology ---------------------------------------


@dataclass(frozen=True)
class Adaptation:
    """What changed when the project was carried over to a target methodology."""

    #: Parameters of the project file the target does not declare (dropped).
    not_used: tuple[str, ...] = ()
    #: Parameters given with ``--set``.
    set_here: tuple[str, ...] = ()
    #: Other settings dropped: monitoring variables, calibration records, GWP, overrides.
    dropped: tuple[str, ...] = ()
    #: Required parameters the target declares and nobody gave: (symbol, description).
    missing: tuple[tuple[str, str], ...] = ()


def adapt(
    project: Project,
    target: type[Methodology],
    settings: Mapping[str, Mapping[str, Any]] = MappingProxyType({}),
) -> tuple[Project, Adaptation]:
    """A copy of ``project`` under ``target``: the same data and parameters, less what the
    target does not use, plus ``settings`` (``--set``) for the parameters it declares."""
    label = target.label()
    declared = {p.symbol: p for p in target.parameters}
    params: dict[str, Any] = {}
    not_used = []
    for symbol, raw in project.raw_parameters.items():
        if symbol in declared:
            params[symbol] = raw
        else:
            not_used.append(symbol)
    set_here = []
    for symbol, raw in settings.items():
        if symbol in declared:
            params[symbol] = dict(raw)
            set_here.append(symbol)
    missing = tuple(
        (p.symbol, p.description)
        for p in target.parameters
        if p.required and p.default is None and p.symbol not in params
    )

    dropped: list[str] = []
    variables = {v.symbol for v in target.monitoring}
    tables: dict[str, TableSpec] = {}
    for name, t in project.tables.items():
        keep = {s: v for s, v in t.variables.items() if s in variables}
        gone = [s for s in t.variables if s not in keep]
        if gone:
            dropped.append(f"monitoring variable(s) {', '.join(gone)} (not used by {label})")
        if not keep:
            continue
        calibrations = tuple(c for c in t.calibrations if c.variable.split("[", 1)[0] in keep)
        if calibrations and not target.uses_calibrations:
            dropped.append(
                f"{len(calibrations)} calibration record(s) of table {name!r} "
                f"({label} does not read calibration records)"
            )
            calibrations = ()
        events = tuple(e for e in t.events if e.variable.split("[", 1)[0] in keep)
        tables[name] = dataclasses.replace(
            t, variables=MappingProxyType(keep), calibrations=calibrations, events=events
        )
    gwp = project.gwp
    if gwp is not None and target.gwp_rule == "none":
        dropped.append(f"project.gwp = {gwp!r} ({label} uses no GWP)")
        gwp = None
    baseline = project.baseline
    if baseline is not None and not any(
        v.period == "baseline" and v.symbol in variables for v in target.monitoring
    ):
        dropped.append(f"[period.baseline] ({label} has no baseline data)")
        baseline = None
    overrides = []
    for o in project.overrides:
        if o.finding.startswith(f"{target.id}."):
            overrides.append(o)
        else:
            dropped.append(f"override of {o.finding!r} (a finding of another methodology)")
    adjustments = tuple(a for a in project.adjustments if a.kind in target.adjustments)
    for a in project.adjustments:
        if a.kind not in target.adjustments:
            dropped.append(f"[[adjustment]] {a.name!r} ({label} accepts no {a.kind} adjustments)")
    adapted = dataclasses.replace(
        project,
        methodology=target.id,
        adjustments=adjustments,
        methodology_version=target.version,
        gwp=gwp,
        baseline=baseline,
        tables=MappingProxyType(tables),
        raw_parameters=freeze(params),
        overrides=tuple(overrides),
        short_form=project.short_form and set(tables) == {SHORT_FORM},
    )
    return adapted, Adaptation(tuple(not_used), tuple(set_here), tuple(dropped), missing)


# --- one methodology's run -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """The project under one methodology: its result, or why it could not run."""

    methodology: type[Methodology]
    result: Any = None  # reductions.run.Result
    error: str | None = None
    adaptation: Adaptation = field(default_factory=Adaptation)
    as_written: bool = False

    @property
    def label(self) -> str:
        return self.methodology.label()

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def totals(self) -> dict[str, float] | None:
        return None if self.result is None else dict(self.result.totals)


# --- comparing two ledgers -------------------------------------------------------------------


def summary(q: Quantity) -> tuple[float | None, str]:
    """One number for a quantity and what it is: the total of an amount, the value of a
    scalar, the mean of an intensive series."""
    v = q.value
    if not isinstance(v, xr.DataArray):
        return _finite(v), "value"
    if q.extensive:
        return _finite(q.total()), "total"
    if v.size == 1:
        return _finite(v.values.ravel()[0]), "value"
    return _finite(np.mean(v.values)), "mean"


def _finite(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)


def differs(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities of one symbol differ beyond rounding (unit, summary, or any
    value when both are arrays of the same shape)."""
    if a.unit != b.unit:
        return True
    if not _close(summary(a)[0], summary(b)[0]):
        return True
    va, vb = a.value, b.value
    if (
        isinstance(va, xr.DataArray)
        and isinstance(vb, xr.DataArray)
        and va.dims == vb.dims
        and va.shape == vb.shape
    ):
        return not bool(np.allclose(va.values, vb.values, rtol=RTOL, atol=ATOL, equal_nan=True))
    return False


def relative(a: float | None, b: float | None) -> float | None:
    """(b - a) / |a|; None if a is zero or either is unknown."""
    if a is None or b is None or a == 0:
        return None
    return (b - a) / abs(a)


def formulas(cls: type[Methodology]) -> dict[str, str]:
    """Equation reference -> formula, as the methodology declares them."""
    return {e.reference: e.text for e in cls.equation_list()}


def formula_of(q: Quantity, table: Mapping[str, str]) -> str | None:
    parts = [table.get(ref.strip()) for ref in q.equation.split("; ")]
    known = [p for p in parts if p]
    return "; ".join(dict.fromkeys(known)) if known and len(known) == len(parts) else None


def _norm(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def source_of(q: Quantity) -> str:
    """Where a parameter's value comes from, as the ledger records it."""
    prefix = "parameter; source: "
    return q.equation[len(prefix) :] if q.equation.startswith(prefix) else q.equation


def fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 1e-4):
        return f"{x:.6g}"
    if abs(x) >= 10000:
        return f"{x:,.3f}"
    return f"{x:.6g}"


def _shown_unit(unit: str) -> str:
    return "" if unit in ("", "1") else f" {unit}"


def pct(r: float | None) -> str:
    return "" if r is None else f"{r * 100:+.2f} %"


@dataclass(frozen=True)
class QuantityDiff:
    """One symbol both ledgers hold, whose value differs."""

    symbol: str
    units: tuple[str, str]
    kind: str  # total, value or mean
    values: tuple[float | None, float | None]
    equations: tuple[str, str]
    formulas: tuple[str | None, str | None]
    why: tuple[str, ...]
    traced_to: tuple[str, ...]

    @property
    def difference(self) -> float | None:
        a, b = self.values
        return None if a is None or b is None else b - a

    @property
    def relative(self) -> float | None:
        return relative(*self.values) if self.units[0] == self.units[1] else None

    @property
    def same_formula(self) -> bool:
        fa, fb = self.formulas
        return fa is not None and _norm(fa) == _norm(fb)


@dataclass(frozen=True)
class OnlyIn:
    """A symbol only one ledger holds."""

    symbol: str
    unit: str
    kind: str
    value: float | None
    equation: str
    formula: str | None
    description: str


@dataclass(frozen=True)
class FindingDiff:
    """A finding (by its name without the methodology id) whose status differs."""

    name: str
    statuses: tuple[str | None, str | None]
    messages: tuple[str | None, str | None]
    clauses: tuple[str | None, str | None]


@dataclass(frozen=True)
class Delta:
    """A target against the project as written."""

    base: Column
    other: Column
    quantities: tuple[QuantityDiff, ...]
    only_base: tuple[OnlyIn, ...]
    only_other: tuple[OnlyIn, ...]
    findings: tuple[FindingDiff, ...]

    @property
    def same(self) -> bool:
        return not (self.quantities or self.only_base or self.only_other or self.findings)


def _only(q: Quantity, table: Mapping[str, str]) -> OnlyIn:
    value, kind = summary(q)
    return OnlyIn(q.symbol, q.unit, kind, value, q.equation, formula_of(q, table), q.description)


def _local(f: Finding, cls: type[Methodology]) -> str:
    prefix = f"{cls.id}."
    return f.name[len(prefix) :] if f.name.startswith(prefix) else f.name


def _finding_diffs(base: Column, other: Column) -> tuple[FindingDiff, ...]:
    a = {_local(f, base.methodology): f for f in base.result.findings}
    b = {_local(f, other.methodology): f for f in other.result.findings}
    out = []
    for name in list(dict.fromkeys([*a, *b])):
        fa, fb = a.get(name), b.get(name)
        sa = None if fa is None else str(fa.status)
        sb = None if fb is None else str(fb.status)
        if sa == sb:
            continue
        out.append(
            FindingDiff(
                name,
                (sa, sb),
                (None if fa is None else fa.message, None if fb is None else fb.message),
                (None if fa is None else fa.clause, None if fb is None else fb.clause),
            )
        )
    return tuple(out)


def delta(base: Column, other: Column) -> Delta:
    """The quantities, symbols and findings in which ``other`` differs from ``base``."""
    la: Ledger = base.result.ledger
    lb: Ledger = other.result.ledger
    ta, tb = formulas(base.methodology), formulas(other.methodology)
    common = [s for s in la.symbols() if s in lb]
    differing = {s for s in common if differs(la[s], lb[s])}
    short = (base.methodology.id, other.methodology.id)
    if short[0] == short[1]:
        short = (base.label, other.label)

    def exclusive(sym: str, ledger: Ledger, other_ledger: Ledger, seen: set[str]) -> list[str]:
        """``sym`` (only in ``ledger``) and the inputs behind it that only it holds."""
        if sym in seen:
            return []
        seen.add(sym)
        out = [sym]
        for s in ledger[sym].inputs:
            if s not in other_ledger:
                out += exclusive(s, ledger, other_ledger, seen)
        return out

    memo: dict[str, list[str]] = {}

    def traced(sym: str) -> list[str]:
        if sym in memo:
            return memo[sym]
        memo[sym] = []
        qa, qb = la[sym], lb[sym]
        own = own_reason(qa, qb)
        out = [sym] if own else []
        seen: set[str] = set()
        for s in qa.inputs:
            if s not in lb:
                out += exclusive(s, la, lb, seen)
        for s in qb.inputs:
            if s not in la:
                out += exclusive(s, lb, la, seen)
        for s in dict.fromkeys([*qa.inputs, *qb.inputs]):
            if s in differing and s in la and s in lb:
                out += traced(s)
        memo[sym] = list(dict.fromkeys(out))
        return memo[sym]

    def own_reason(qa: Quantity, qb: Quantity) -> bool:
        """Whether the quantity differs on its own account (not only through its inputs)."""
        if qa.unit != qb.unit or "parameter" in (qa.role, qb.role):
            return True
        if qa.role == "monitored" or qb.role == "monitored":
            return True
        fa, fb = formula_of(qa, ta), formula_of(qb, tb)
        if fa is not None and fb is not None and _norm(fa) != _norm(fb):
            return True
        if set(qa.inputs) != set(qb.inputs):
            return True
        return not any(s in differing for s in qa.inputs)

    def value_text(s: str) -> str:
        va, vb = summary(la[s])[0], summary(lb[s])[0]
        ua, ub = la[s].unit, lb[s].unit
        unit = _shown_unit(ua) if ua == ub else f" {ua} / {ub}"
        r = relative(va, vb) if ua == ub else None
        extra = f", {pct(r)}" if r is not None else ""
        return f"{fmt(va)} -> {fmt(vb)}{unit}{extra}"

    def why(qa: Quantity, qb: Quantity) -> list[str]:
        reasons = []
        if qa.unit != qb.unit:
            reasons.append(f"unit {qa.unit} under {short[0]}, {qb.unit} under {short[1]}")
        if "parameter" in (qa.role, qb.role):
            va, vb = summary(qa)[0], summary(qb)[0]
            reasons.append(
                f"parameter value {fmt(va)} from {source_of(qa)} ({short[0]}) against "
                f"{fmt(vb)} from {source_of(qb)} ({short[1]})"
            )
            return reasons
        if qa.role == "monitored" and qb.role == "monitored":
            reasons.append(f"monitored data read as {qa.equation!r} and {qb.equation!r}")
            return reasons
        fa, fb = formula_of(qa, ta), formula_of(qb, tb)
        if fa is not None and fb is not None and _norm(fa) != _norm(fb):
            reasons.append(f"different formula: {fa} ({qa.equation}) against {fb} ({qb.equation})")
        for s in dict.fromkeys([*qa.inputs, *qb.inputs]):
            if s in differing and s in qa.inputs and s in qb.inputs:
                reasons.append(f"{s} differs ({value_text(s)})")
        only_a = [s for s in qa.inputs if s not in qb.inputs]
        only_b = [s for s in qb.inputs if s not in qa.inputs]
        if only_a:
            reasons.append(f"inputs only under {short[0]}: {', '.join(only_a)}")
        if only_b:
            reasons.append(f"inputs only under {short[1]}: {', '.join(only_b)}")
        if not reasons:
            reasons.append(
                f"computed as {qa.equation} and {qb.equation} from the same inputs, which "
                "agree; the values differ"
            )
        return reasons

    quantities = []
    for s in common:
        if s not in differing:
            continue
        qa, qb = la[s], lb[s]
        (va, kind), (vb, _) = summary(qa), summary(qb)
        quantities.append(
            QuantityDiff(
                s,
                (qa.unit, qb.unit),
                kind,
                (va, vb),
                (qa.equation, qb.equation),
                (formula_of(qa, ta), formula_of(qb, tb)),
                tuple(why(qa, qb)),
                tuple(traced(s)),
            )
        )
    return Delta(
        base,
        other,
        tuple(quantities),
        tuple(_only(q, ta) for q in la if q.symbol not in lb),
        tuple(_only(q, tb) for q in lb if q.symbol not in la),
        _finding_diffs(base, other),
    )


# --- the comparison --------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The project as written and under each ``--with`` target."""

    project: Project
    columns: tuple[Column, ...]
    deltas: tuple[Delta, ...]

    @property
    def base(self) -> Column:
        return self.columns[0]

    def difference(self, col: Column) -> dict[str, float] | None:
        a, b = self.base.totals, col.totals
        if a is None or b is None:
            return None
        return {s: b[s] - a[s] for s in TOTALS}

    # --- text ---------------------------------------------------------------------------

    def lines(self) -> list[str]:
        p = self.project
        cols = self.columns
        width = max(16, *(len(c.label) for c in cols)) + 2
        out = [
            f"{p.name}: {p.period.start} to {p.period.end}, under {len(cols)} methodologies "
            "[t CO2e]",
            f"  {'':<12}" + "".join(f"{c.label:>{width}}" for c in cols),
            f"  {'':<12}"
            + "".join(f"{'(as written)' if c.as_written else '':>{width}}" for c in cols),
        ]
        for s in TOTALS:
            cells = [fmt(c.totals[s]) if c.totals else "cannot run" for c in cols]
            out.append(f"  {s:<12}" + "".join(f"{x:>{width}}" for x in cells))
        out.append(f"  difference from {self.base.label}:")
        for s in TOTALS:
            cells = []
            for c in cols:
                d = None if c.as_written else self.difference(c)
                cells.append("" if d is None else f"{d[s]:+,.3f}")
            out.append(f"  {s:<12}" + "".join(f"{x:>{width}}" for x in cells))
        rel = []
        for c in cols:
            a, b = self.base.totals, c.totals
            r = None if c.as_written or a is None or b is None else relative(a["ER"], b["ER"])
            rel.append(pct(r))
        out.append(f"  {'ER relative':<12}" + "".join(f"{x:>{width}}" for x in rel))
        comp = [("yes" if c.result.compliant else "NO") if c.ok else "-" for c in cols]
        out.append(f"  {'compliant':<12}" + "".join(f"{x:>{width}}" for x in comp))
        for c in cols[1:]:
            out.append("")
            out += self._column_lines(c)
        return [line.rstrip() for line in out]

    def _column_lines(self, c: Column) -> list[str]:
        out = [f"{c.label} against {self.base.label} (the project as written):"]
        a = c.adaptation
        if a.not_used:
            out.append(f"  parameters not used by {c.label}: {', '.join(a.not_used)}")
        if a.set_here:
            out.append(f"  parameters given with --set: {', '.join(a.set_here)}")
        for what in a.dropped:
            out.append(f"  not carried over: {what}")
        if not c.ok:
            out.append(f"  CANNOT RUN: {c.error}")
            return out
        d = next(x for x in self.deltas if x.other is c)
        if d.same:
            out.append("  no differences: every quantity and finding agrees")
            return out
        if d.quantities:
            out.append("  quantities that differ:")
        for q in d.quantities:
            unit = q.units[0] if q.units[0] == q.units[1] else f"{q.units[0]} / {q.units[1]}"
            kind = "" if q.kind == "value" else f" ({q.kind})"
            rel = f"  ({pct(q.relative)})" if q.relative is not None else ""
            out.append(
                f"    {q.symbol} [{unit}]{kind}: {fmt(q.values[0])} -> {fmt(q.values[1])}{rel}"
            )
            if q.equations[0] != q.equations[1] or not q.same_formula:
                if q.same_formula:
                    out.append(
                        f"      same formula {q.formulas[0]}: {q.equations[0]} / {q.equations[1]}"
                    )
                elif "parameter" not in q.equations[0]:
                    out.append(f"      {self.base.methodology.id}: {q.equations[0]}")
                    out.append(f"      {c.methodology.id}: {q.equations[1]}")
            for w in q.why:
                out.append(f"      why: {w}")
            roots = [s for s in q.traced_to if s != q.symbol]
            if roots:
                out.append(f"      traced to: {', '.join(roots)}")
        for who, items in ((self.base, d.only_base), (c, d.only_other)):
            if not items:
                continue
            out.append(f"  only under {who.label}:")
            for o in items:
                kind = "" if o.kind == "value" else f" ({o.kind})"
                text = f" = {o.formula}" if o.formula else ""
                out.append(f"    {o.symbol} [{o.unit}]{kind} {fmt(o.value)}: {o.equation}{text}")
        if d.findings:
            out.append("  findings that differ:")
        for f in d.findings:
            clause = " / ".join(dict.fromkeys(x for x in f.clauses if x))
            states = ", ".join(
                f"{status or 'not a finding'} under {who.label}"
                for who, status in zip((self.base, c), f.statuses, strict=True)
            )
            out.append(f"    {f.name} ({clause}): {states}")
            for msg in dict.fromkeys(m for m in f.messages if m):
                out.append(f"      {msg}")
        return out

    # --- JSON ---------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        p = self.project
        methodologies = []
        for c in self.columns:
            d = None if c.as_written else self.difference(c)
            rel = None
            if d is not None and self.base.totals is not None and c.totals is not None:
                rel = {s: relative(self.base.totals[s], c.totals[s]) for s in TOTALS}
            methodologies.append(
                {
                    "id": c.methodology.id,
                    "version": c.methodology.version,
                    "label": c.label,
                    "title": c.methodology.title,
                    "as_written": c.as_written,
                    "ok": c.ok,
                    "error": c.error,
                    "totals": c.totals,
                    "difference": d,
                    "relative_difference": rel,
                    "compliant": c.result.compliant if c.ok else None,
                    "not_used": list(c.adaptation.not_used),
                    "set": list(c.adaptation.set_here),
                    "dropped": list(c.adaptation.dropped),
                    "missing": [{"symbol": s, "description": t} for s, t in c.adaptation.missing],
                }
            )
        comparisons = []
        for dl in self.deltas:
            comparisons.append(
                {
                    "base": dl.base.label,
                    "with": dl.other.label,
                    "same": dl.same,
                    "quantities": [
                        {
                            "symbol": q.symbol,
                            "units": list(q.units),
                            "kind": q.kind,
                            "values": list(q.values),
                            "difference": q.difference,
                            "relative_difference": q.relative,
                            "equations": list(q.equations),
                            "formulas": list(q.formulas),
                            "same_formula": q.same_formula,
                            "why": list(q.why),
                            "traced_to": list(q.traced_to),
                        }
                        for q in dl.quantities
                    ],
                    "only_in_base": [dataclasses.asdict(o) for o in dl.only_base],
                    "only_in_with": [dataclasses.asdict(o) for o in dl.only_other],
                    "findings": [
                        {
                            "name": f.name,
                            "statuses": list(f.statuses),
                            "clauses": list(f.clauses),
                            "messages": list(f.messages),
                        }
                        for f in dl.findings
                    ],
                }
            )
        return {
            "project": p.name,
            "file": p.file_label,
            "period": {"start": p.period.start.isoformat(), "end": p.period.end.isoformat()},
            "unit": "t CO2e",
            "methodologies": methodologies,
            "comparisons": comparisons,
        }


def _target(text: str, available: Available | None) -> type[Methodology]:
    ident, version = parse_target(text)
    try:
        return registry.get(ident, version, available)
    except MethodologyNotFound as exc:
        raise MethodologyNotFound(exc.message, variable=f"--with {text}", rule=exc.rule) from None


def _settings(
    texts: Sequence[str], targets: Sequence[type[Methodology]]
) -> dict[str, dict[str, Any]]:
    declared = sorted({p.symbol for t in targets for p in t.parameters})
    out: dict[str, dict[str, Any]] = {}
    for text in texts:
        name, value = parse_setting(text)
        if name not in declared:
            raise InputError(
                f"{name!r} is not a parameter of any --with methodology"
                f"{did_you_mean(name, declared)}",
                variable=f"--set {name}",
                rule="--set gives the --with methodologies a parameter they declare "
                "(reductions describe ID)",
            )
        out[name] = value
    return out


def compare(
    path: str | Path,
    targets: Sequence[str],
    settings: Sequence[str] = (),
    *,
    available: Available | None = None,
    allow_outside: Sequence[str | Path] = (),
) -> Comparison:
    """Run the project file at ``path`` as written and under each of ``targets``
    (``"ID"`` or ``"ID@VERSION"``), and compare.

    An unknown target, a malformed ``--set`` or a project that does not run as written is
    an :class:`~reductions.errors.InputError`; a target that cannot run is recorded with
    its error.
    """
    from .run import run, run_project

    if not targets:
        raise InputError("no methodology to compare with", variable="--with")
    classes = [_target(t, available) for t in targets]
    values = _settings(settings, classes)
    base = run_project(path, available, allow_outside=allow_outside)
    project = base.project
    columns = [Column(base.methodology, base, as_written=True)]
    for cls in classes:
        adapted, how = adapt(project, cls, values)
        if how.missing:
            names = ", ".join(f"{s} ({t})" for s, t in how.missing)
            columns.append(
                Column(
                    cls,
                    error=f"missing for {cls.label()}: {names}; give them with --set NAME=VALUE",
                    adaptation=how,
                )
            )
            continue
        try:
            columns.append(Column(cls, run(adapted, available), adaptation=how))
        except ReductionsError as exc:
            text = exc.one_line() if isinstance(exc, InputError) else str(exc)
            given = [s for s in how.set_here if f"parameters.{s}" in text]
            if given:
                text += f" (given with --set {', '.join(given)})"
            columns.append(Column(cls, error=text, adaptation=how))
    deltas = tuple(delta(columns[0], c) for c in columns[1:] if c.ok)
    return Comparison(project, tuple(columns), deltas)

"""A validator's or verifier's check of a claimed result: ``reductions check``.

A validation or verification body receives a design document or a monitoring report that
states results. It recomputes them from the project's own files and checks how they were
made. ``check(PROJECT.toml, CLAIM.toml)`` runs the project (the same path as ``reductions
run``), compares every figure the claim states with the recomputation, adds the checks
such a body makes (the grid factor's publication and vintage, applicability findings,
data completeness, meter calibration, independent records against the meters) and
classes each finding as a corrective action request (CAR), a clarification request (CL)
or a forward action request (FAR).

Claim file
----------
CLAIM.toml holds what the document states, nothing computed::

    [claim]
    document = "Monitoring report, 300 MW offshore wind farm, version 2.0"   # required
    url = "https://..."                    # where it was read
    date = 2025-03-31                      # date of the document
    stage = "verification"                 # or "validation" (a design document)

    [claim.crediting_period]               # as the document states it
    start = 2024-01-01
    end = 2033-12-31                       # or years = 10

    [claim.tolerance]                      # optional: replaces the default for totals
    atol = 10                              # in the unit of each claimed total
    rtol = 0.0
    why = "the report rounds each month down to the tonne: up to 1 t a month"
    [claim.tolerance.EG_PJ_y]              # per quantity or parameter
    rtol = 1e-4
    why = "..."

    [[claim.totals]]                       # BE, PE, LE, ER or any ledger quantity
    quantity = "ER"
    year = 2024                            # or period = {start = ..., end = ...}; neither:
    value = 535848                         #   the project's whole period
    unit = "t"                             # required: t, tCO2e, kg, MWh, t/MWh...

    [claim.parameters]                     # the key parameters as stated, with sources
    EF_grid_OM_y = {value = 0.9419, unit = "t/MWh", source = "...", vintage = 2019,
                    grid = "north"}        # grid: lets the packaged publications be checked
    EF_grid_BM_y = {value = "0.48190", unit = "t/MWh", source = "...", vintage = 2019}

    [[claim.records]]                      # independent records for cross-checks
    kind = "invoice"                       # electricity sales invoices
    variable = "EG_export"                 # the meter they check (default EG_export)
    period = {start = 2024-01-01, end = 2024-01-31}
    value = 44961.2
    unit = "MWh"
    document = "invoice 2024-01"           # optional
    # mpe = 0.002                          # optional: the meter's class; else MPE_<meter>
    #                                      # or the calibration records

A value may be a number or a string (``"0.48190"``): a string keeps trailing zeros, which
set the stated precision.

Tolerance
---------
By default a claimed figure agrees with the recomputation when they differ by at most
half a unit of the claim's last stated digit (a figure published to the tonne is exact to
0.5 t) plus a relative 1e-9 (floating-point arithmetic and unit conversion). A claim may
state another tolerance, always with its reason (``why``); ``[claim.tolerance]`` replaces
the default for the totals, ``[claim.tolerance.<name>]`` for one quantity or parameter.

Classification
--------------
The classes follow the CDM's definitions (VVM v01, EB 44 Annex 3: para. 35, CAR at
validation; para. 36, CL; para. 182, CAR at verification; FAR for issues to be reviewed at
the next (first) verification), read in the summaries of cdmrulebook.org
(http://cdmrulebook.org/3921.html, http://cdmrulebook.org/3920.html); the current CDM
Validation and Verification Standard for project activities could not be read in the
sources available, so its paragraph numbers are not cited. The rule applied
(:data:`CLASSIFICATION_RULE`):

CAR
    a claimed figure differs from the recomputation beyond the tolerance and is not a
    rounding of it; a claimed parameter differs from the project file's value (or
    vintage); a factor from a publication later than the period (or than the document),
    superseded under the methodology's vintage rule, or a consumption-side average used as
    a margin; the claimed crediting period does not contain the period, or differs from
    the project's; an applicability finding that failed (or was overridden on the record),
    or a project that cannot be computed under its methodology; a meter outside its
    accuracy class at calibration, or without valid calibration, when the claimed totals
    do not agree with the recomputation (which applies the methodology's correction); an
    invoice outside the meter's accuracy band.
CL
    a claimed figure beyond the tolerance that is a rounding of the recomputation (down or
    up instead of to the nearest, at the claim's own precision); a claimed parameter
    without source, or a factor without vintage; a finding that cannot be checked; gaps in
    the monitoring data filled by the methodology's missing-data rule; an invoice that
    cannot be judged because no accuracy class is stated; a factor vintage the packaged
    tables cannot confirm.
FAR
    an out-of-class or overdue meter whose prescribed correction the claim has applied
    (the totals agree): the next verification checks the recalibration; at validation, the
    ex-ante values the first verification replaces by monitored ones.

``check`` exits 1 while a CAR stands, 0 otherwise, and 2 for a bad project or claim file.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .errors import ApplicabilityError, ParameterError, ProjectFileError, UnitError, did_you_mean
from .ledger import TOTALS
from .methodology import Methodology, Status
from .project import Project, load_project
from .timeutil import local_midnight_utc
from .units import conversion_factor as _conversion_factor

SCHEMA = "reductions.check/1"
CHECK_FILE = "check.json"
CLASSES = ("CAR", "CL", "FAR")
STAGES = ("validation", "verification")
RECORD_KINDS = ("invoice",)

#: Default relative tolerance: floating-point arithmetic and unit conversion.
DEFAULT_RTOL = 1e-9
DEFAULT_WHY = (
    "default: half a unit of the claim's last stated digit (a published figure is exact to "
    "its rounding) plus a relative 1e-9 (floating-point arithmetic)"
)

CLASSIFICATION_SOURCE = (
    "CDM Validation and Verification Manual v01 (EB 44 Annex 3) paras. 35 (CAR at "
    "validation), 36 (CL) and 182 (CAR at verification), with FAR for issues the next "
    "verification reviews, as summarised at http://cdmrulebook.org/3921.html and "
    "http://cdmrulebook.org/3920.html; the current CDM Validation and Verification Standard "
    "for project activities was not readable in the sources available, so its paragraphs "
    "are not cited"
)
CLASSIFICATION_RULE = {
    "CAR": "a mistake in the data, assumptions or calculation that impairs the emission "
    "reductions, or a requirement of the methodology not met: a figure beyond tolerance "
    "that is not a rounding of the recomputation; a parameter or vintage differing from the "
    "project's; a factor published after the period or document, superseded under the "
    "vintage rule, or a consumption-side average used as a margin; a crediting period not "
    "containing the period; a failed or overridden applicability finding; a meter out of "
    "class or without valid calibration where the claimed totals disagree; an invoice "
    "outside the meter's accuracy band",
    "CL": "information insufficient or unclear to decide: a figure that is a rounding of the "
    "recomputation beyond the tolerance; a missing source or vintage; a finding that "
    "cannot be checked; filled data gaps; a cross-check without an accuracy class; a "
    "vintage the packaged tables cannot confirm",
    "FAR": "an issue for the next verification: a meter correction the claim applied "
    "(recalibration to be checked); at validation, ex-ante values to be replaced by "
    "monitored ones",
}


class ClaimFileError(ProjectFileError):
    """The claim file is missing, malformed, or names what the project does not have."""


# --- the claim file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stated:
    """A stated number with its precision (decimals as written)."""

    value: float
    decimals: int | None

    @property
    def half_unit(self) -> float:
        """Half a unit of the last stated digit (0 when the precision is unknown)."""
        return 0.0 if self.decimals is None else 0.5 * 10.0 ** (-self.decimals)


@dataclass(frozen=True)
class Tolerance:
    rtol: float | None
    atol: float | None
    why: str
    origin: str


@dataclass(frozen=True)
class ClaimedTotal:
    quantity: str
    value: Stated
    unit: str
    start: dt.date | None
    end: dt.date | None
    where: str

    @property
    def label(self) -> str:
        if self.start is None or self.end is None:
            return "period"
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == dt.date(self.start.year, 12, 31)
        ):
            return str(self.start.year)
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True)
class ClaimedParameter:
    name: str
    value: Any
    unit: str | None
    source: str | None
    vintage: int | None
    grid: str | None
    publication: str | None
    where: str


@dataclass(frozen=True)
class Record:
    kind: str
    variable: str | None
    start: dt.date
    end: dt.date
    value: float
    unit: str
    document: str
    mpe: float | None
    where: str


@dataclass(frozen=True)
class Claim:
    path: Path
    document: str
    url: str
    date: dt.date | None
    stage: str
    crediting_start: dt.date | None
    crediting_end: dt.date | None
    tolerance: Tolerance | None
    overrides: Mapping[str, Tolerance]
    totals: tuple[ClaimedTotal, ...]
    parameters: tuple[ClaimedParameter, ...]
    records: tuple[Record, ...]

    @property
    def label(self) -> str:
        return self.path.name


def _err(claim: str, field_: str, message: str, rule: str | None = None) -> ClaimFileError:
    return ClaimFileError(
        message, file=claim, variable=field_, rule=rule or "CLAIM.toml format (reductions.check)"
    )


def conversion_factor(
    from_unit: str, to_unit: str, *, variable: str, where: str | None = None
) -> float:
    """:func:`reductions.units.conversion_factor`, its errors naming the claim's field."""
    try:
        return _conversion_factor(from_unit, to_unit, variable=variable, where=where)
    except UnitError as exc:
        raise ClaimFileError(
            exc.message, file=where, variable=variable.split(" ")[0], rule=exc.rule
        ) from None


def _known(table: Mapping[str, Any], allowed: set[str], where: str, label: str) -> None:
    for key in table:
        if key not in allowed:
            raise _err(
                label,
                f"{where}.{key}",
                f"unknown key{did_you_mean(key, sorted(allowed))}",
                f"keys of {where}: {', '.join(sorted(allowed))}",
            )


def _stated(raw: Any, where: str, label: str) -> Stated:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _err(label, where, f"{raw!r} is not a number")
    try:
        d = Decimal(raw.strip().replace(",", "")) if isinstance(raw, str) else Decimal(repr(raw))
    except InvalidOperation:
        raise _err(label, where, f"{raw!r} is not a number") from None
    if not d.is_finite():
        raise _err(label, where, f"{raw!r} is not a finite number")
    exponent = d.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else None
    return Stated(float(d), decimals)


def _date(raw: Any, where: str, label: str) -> dt.date:
    if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date):
        raise _err(label, where, f"{raw!r} is not a TOML date (2024-01-31)")
    return raw


def _unit(raw: Mapping[str, Any], where: str, label: str) -> str:
    if "unit" not in raw:
        raise _err(label, f"{where}.unit", "missing unit", "every claimed number states its unit")
    unit = raw["unit"]
    if not isinstance(unit, str) or not unit.strip():
        raise _err(label, f"{where}.unit", f"{unit!r} is not a unit")
    return unit.strip()


def _period(
    raw: Mapping[str, Any], where: str, label: str
) -> tuple[dt.date | None, dt.date | None]:
    if "year" in raw and "period" in raw:
        raise _err(label, where, "give year or period, not both")
    if "year" in raw:
        y = raw["year"]
        if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2200:
            raise _err(label, f"{where}.year", f"{y!r} is not a year")
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if "period" in raw:
        p = raw["period"]
        if not isinstance(p, Mapping):
            raise _err(label, f"{where}.period", "period = {start = <date>, end = <date>}")
        _known(p, {"start", "end"}, f"{where}.period", label)
        for k in ("start", "end"):
            if k not in p:
                raise _err(label, f"{where}.period.{k}", "missing key")
        start = _date(p["start"], f"{where}.period.start", label)
        end = _date(p["end"], f"{where}.period.end", label)
        if end < start:
            raise _err(label, f"{where}.period", f"ends ({end}) before it starts ({start})")
        return start, end
    return None, None


def _tolerance(raw: Any, where: str, label: str) -> Tolerance:
    if not isinstance(raw, Mapping):
        raise _err(label, where, "a tolerance is a table {rtol, atol, why}")
    _known(raw, {"rtol", "atol", "why"}, where, label)
    if "rtol" not in raw and "atol" not in raw:
        raise _err(label, where, "give rtol, atol or both")
    if not isinstance(raw.get("why"), str) or not raw["why"].strip():
        raise _err(label, f"{where}.why", "missing reason", "every tolerance states its reason")
    vals: dict[str, float | None] = {}
    for k in ("rtol", "atol"):
        v = raw.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or v < 0):
            raise _err(label, f"{where}.{k}", f"{v!r} is not a number >= 0")
        vals[k] = None if v is None else float(v)
    return Tolerance(vals["rtol"], vals["atol"], raw["why"].strip(), where)


def load_claim(path: str | Path) -> Claim:
    """Read and check a claim file (its shape; what it names is checked against the
    project by :func:`check`).

    Raises
    ------
    ClaimFileError
        Naming the file, the field and the rule broken.
    """
    path = Path(path)
    label = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _err(label, "claim", f"file not found: {path}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _err(label, "claim", f"not valid TOML: {exc}") from None
    _known(doc, {"claim"}, "", label)
    c = doc.get("claim")
    if not isinstance(c, Mapping):
        raise _err(label, "claim", "missing [claim] table")
    _known(
        c,
        {
            "document",
            "url",
            "date",
            "stage",
            "crediting_period",
            "tolerance",
            "totals",
            "parameters",
            "records",
        },
        "claim",
        label,
    )
    document = c.get("document")
    if not isinstance(document, str) or not document.strip():
        raise _err(label, "claim.document", "missing: the document that states the claim")
    url = c.get("url", "")
    if not isinstance(url, str):
        raise _err(label, "claim.url", f"{url!r} is not a string")
    date = _date(c["date"], "claim.date", label) if "date" in c else None
    stage = c.get("stage", "verification")
    if stage not in STAGES:
        raise _err(
            label,
            "claim.stage",
            f"{stage!r}{did_you_mean(str(stage), STAGES)}",
            f"one of {list(STAGES)}",
        )
    cstart = cend = None
    if "crediting_period" in c:
        cp = c["crediting_period"]
        if not isinstance(cp, Mapping):
            raise _err(label, "claim.crediting_period", "a table {start, end} or {start, years}")
        _known(cp, {"start", "end", "years"}, "claim.crediting_period", label)
        if "start" not in cp:
            raise _err(label, "claim.crediting_period.start", "missing key")
        cstart = _date(cp["start"], "claim.crediting_period.start", label)
        if "end" in cp and "years" in cp:
            raise _err(label, "claim.crediting_period", "give end or years, not both")
        if "end" in cp:
            cend = _date(cp["end"], "claim.crediting_period.end", label)
            if cend < cstart:
                raise _err(label, "claim.crediting_period", "ends before it starts")
        elif "years" in cp:
            y = cp["years"]
            if isinstance(y, bool) or not isinstance(y, int) or y < 1:
                raise _err(label, "claim.crediting_period.years", f"{y!r} is not a whole number")
            try:
                cend = cstart.replace(year=cstart.year + y) - dt.timedelta(days=1)
            except ValueError:  # 29 February
                cend = dt.date(cstart.year + y, 3, 1) - dt.timedelta(days=1)
    tol: Tolerance | None = None
    overrides: dict[str, Tolerance] = {}
    if "tolerance" in c:
        t = c["tolerance"]
        if not isinstance(t, Mapping):
            raise _err(label, "claim.tolerance", "a table {rtol, atol, why}")
        flat = {k: v for k, v in t.items() if not isinstance(v, Mapping)}
        if flat:
            tol = _tolerance(flat, "claim.tolerance", label)
        for k, v in t.items():
            if isinstance(v, Mapping):
                overrides[k] = _tolerance(v, f"claim.tolerance.{k}", label)
    totals = []
    raw_totals = c.get("totals", [])
    if not isinstance(raw_totals, list):
        raise _err(label, "claim.totals", "write [[claim.totals]] tables")
    for i, t in enumerate(raw_totals):
        where = f"claim.totals[{i}]"
        if not isinstance(t, Mapping):
            raise _err(label, where, "a table {quantity, value, unit, year | period}")
        _known(t, {"quantity", "value", "unit", "year", "period"}, where, label)
        q = t.get("quantity")
        if not isinstance(q, str) or not q:
            raise _err(label, f"{where}.quantity", "missing key")
        if "value" not in t:
            raise _err(label, f"{where}.value", "missing key")
        value = _stated(t["value"], f"{where}.value", label)
        unit = _unit(t, where, label)
        start, end = _period(t, where, label)
        totals.append(ClaimedTotal(q, value, unit, start, end, where))
    params = []
    raw_params = c.get("parameters", {})
    if not isinstance(raw_params, Mapping):
        raise _err(label, "claim.parameters", "write [claim.parameters] name = {value, unit, ...}")
    for name, p in raw_params.items():
        where = f"claim.parameters.{name}"
        if not isinstance(p, Mapping):
            p = {"value": p}
        _known(p, {"value", "unit", "source", "vintage", "grid", "publication"}, where, label)
        if "value" not in p:
            raise _err(label, f"{where}.value", "missing key")
        v = p["value"]
        if not isinstance(v, bool | dt.date) and not (isinstance(v, str) and not _numeric(v)):
            v = _stated(v, f"{where}.value", label)
        vintage = p.get("vintage")
        if vintage is not None and (
            isinstance(vintage, bool) or not isinstance(vintage, int) or not 1900 <= vintage <= 2200
        ):
            raise _err(label, f"{where}.vintage", f"{vintage!r} is not a year")
        for k in ("source", "grid", "publication", "unit"):
            if k in p and not isinstance(p[k], str):
                raise _err(label, f"{where}.{k}", f"{p[k]!r} is not a string")
        params.append(
            ClaimedParameter(
                name,
                v,
                p.get("unit"),
                (p.get("source") or "").strip() or None,
                vintage,
                p.get("grid"),
                p.get("publication"),
                where,
            )
        )
    records = []
    raw_records = c.get("records", [])
    if not isinstance(raw_records, list):
        raise _err(label, "claim.records", "write [[claim.records]] tables")
    for i, r in enumerate(raw_records):
        where = f"claim.records[{i}]"
        if not isinstance(r, Mapping):
            raise _err(label, where, "a table {kind, period, value, unit}")
        _known(
            r,
            {"kind", "variable", "period", "year", "value", "unit", "document", "mpe"},
            where,
            label,
        )
        kind = r.get("kind")
        if kind not in RECORD_KINDS:
            raise _err(
                label,
                f"{where}.kind",
                f"{kind!r}{did_you_mean(str(kind), RECORD_KINDS)}",
                f"one of {list(RECORD_KINDS)}",
            )
        start, end = _period(r, where, label)
        if start is None or end is None:
            raise _err(label, f"{where}.period", "missing: a record covers a stated period")
        if "value" not in r:
            raise _err(label, f"{where}.value", "missing key")
        mpe = r.get("mpe")
        if mpe is not None and (
            isinstance(mpe, bool) or not isinstance(mpe, int | float) or not 0 <= mpe < 1
        ):
            raise _err(label, f"{where}.mpe", f"{mpe!r} is not a fraction (0.002 for 0.2 %)")
        var = r.get("variable")
        if var is not None and not isinstance(var, str):
            raise _err(label, f"{where}.variable", f"{var!r} is not a symbol")
        records.append(
            Record(
                kind,
                var,
                start,
                end,
                _stated(r["value"], f"{where}.value", label).value,
                _unit(r, where, label),
                str(r.get("document", "")),
                None if mpe is None else float(mpe),
                where,
            )
        )
    if not totals and not params and not records:
        raise _err(label, "claim.totals", "the claim states nothing to check")
    return Claim(
        path,
        document.strip(),
        url,
        date,
        str(stage),
        cstart,
        cend,
        tol,
        overrides,
        tuple(totals),
        tuple(params),
        tuple(records),
    )


def _numeric(text: str) -> bool:
    try:
        Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return False
    return True


# --- results of a check -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One claimed figure against the recomputation."""

    kind: str  # "total", "parameter", "record"
    quantity: str
    period: str
    claimed: float | None
    computed: float | None
    unit: str
    status: str  # agrees | differs | rounding | within band | outside band | not computed
    bound: float | None = None
    basis: str = ""

    @property
    def difference(self) -> float | None:
        if self.claimed is None or self.computed is None:
            return None
        return self.claimed - self.computed

    @property
    def rel_diff(self) -> float | None:
        d = self.difference
        if d is None or self.computed is None:
            return None
        if self.computed == 0:
            return 0.0 if d == 0 else math.inf
        return d / abs(self.computed)

    def as_dict(self) -> dict[str, Any]:
        rel = self.rel_diff
        return {
            "kind": self.kind,
            "quantity": self.quantity,
            "period": self.period,
            "claimed": self.claimed,
            "computed": self.computed,
            "unit": self.unit,
            "difference": self.difference,
            "rel_diff": None if rel is None or math.isinf(rel) else rel,
            "bound": self.bound,
            "status": self.status,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class CheckFinding:
    cls: str
    topic: str
    subject: str
    message: str
    basis: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self, number: int) -> dict[str, Any]:
        return {
            "id": f"{self.cls}-{number:02d}",
            "class": self.cls,
            "topic": self.topic,
            "subject": self.subject,
            "message": self.message,
            "basis": self.basis,
            "values": _plain(dict(self.values)),
        }


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


@dataclass
class CheckResult:
    """The comparisons and findings of one check."""

    claim: Claim
    project: Project
    result: Any  # reductions.run.Result, or None when the project could not be computed
    comparisons: list[Comparison] = field(default_factory=list)
    findings: list[CheckFinding] = field(default_factory=list)

    def count(self, cls: str) -> int:
        return sum(1 for f in self.findings if f.cls == cls)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("CAR") else 0

    def numbered(self) -> list[dict[str, Any]]:
        counters = dict.fromkeys(CLASSES, 0)
        out = []
        for f in sorted(self.findings, key=lambda f: CLASSES.index(f.cls)):
            counters[f.cls] += 1
            out.append(f.as_dict(counters[f.cls]))
        return out

    def as_dict(self, report_digest: str | None = None) -> dict[str, Any]:
        c = self.claim
        return _plain(
            {
                "schema": SCHEMA,
                "claim": {
                    "file": c.path.name,
                    "sha256": _sha256(c.path),
                    "document": c.document,
                    "url": c.url,
                    "date": c.date,
                    "stage": c.stage,
                    "crediting_period": None
                    if c.crediting_start is None
                    else {"start": c.crediting_start, "end": c.crediting_end},
                },
                "project": {
                    "name": self.project.name,
                    "file": self.project.file_label,
                    "methodology": self.project.methodology,
                    "period": {
                        "start": self.project.period.start,
                        "end": self.project.period.end,
                    },
                },
                "computed": self.result is not None,
                "report_digest": report_digest,
                "comparisons": [r.as_dict() for r in self.comparisons],
                "differences": [
                    r.as_dict() for r in self.comparisons if r.status not in _QUIET_STATUSES
                ],
                "findings": self.numbered(),
                "summary": {k: self.count(k) for k in CLASSES},
                "classification": {"rule": CLASSIFICATION_RULE, "source": CLASSIFICATION_SOURCE},
                "exit": self.exit_code,
            }
        )

    def lines(self) -> list[str]:
        """The console table and findings."""
        head = (
            f"{'quantity':<20} {'period':<23} {'claimed':>16} {'computed':>18} "
            f"{'unit':<7} {'rel diff':>10}  status"
        )
        out = [
            f"{self.project.name}: check of {self.claim.document}",
            f"  claim {self.claim.label} ({self.claim.stage}); project {self.project.file_label}, "
            f"{self.project.period.start} to {self.project.period.end}",
            "",
            head,
            "-" * len(head),
        ]
        for r in self.comparisons:
            rel = r.rel_diff
            out.append(
                f"{r.quantity[:20]:<20} {r.period[:23]:<23} {_fmt(r.claimed):>16} "
                f"{_fmt(r.computed):>18} {r.unit[:7]:<7} "
                f"{'' if rel is None else f'{rel:+.3%}':>10}  {r.status}"
            )
        out.append("")
        numbered = self.numbered()
        if not numbered:
            out.append("No findings.")
        for f in numbered:
            out.append(f"{f['id']} [{f['topic']}] {f['subject']}: {f['message']}")
            if f["basis"]:
                out.append(f"    basis: {f['basis']}")
        out.append("")
        out.append(
            f"{self.count('CAR')} CAR, {self.count('CL')} CL, {self.count('FAR')} FAR: "
            + ("corrective action requested (exit 1)" if self.count("CAR") else "no CAR stands")
        )
        return out


_QUIET_STATUSES = ("agrees", "within band")


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 1000 or x == int(x):
        return f"{x:,.3f}"
    return f"{x:.6g}"


def _sha256(path: Path) -> str:
    from .report import sha256

    return sha256(path)


# --- the check ---------------------------------------------------------------------------------


def check(project_path: str | Path, claim_path: str | Path) -> CheckResult:
    """Recompute the project and check the claim against it.

    Raises
    ------
    InputError
        A bad project or claim file (``ClaimFileError`` names the claim's field).
    """
    from .run import run

    claim = load_claim(claim_path)
    project = load_project(project_path)
    _check_periods(claim, project)
    out = CheckResult(claim, project, None)
    try:
        out.result = run(project)
    except ApplicabilityError as exc:
        out.findings.append(
            CheckFinding(
                "CAR",
                "applicability",
                project.methodology,
                f"the project cannot be computed under its methodology: {exc.message}",
                exc.rule or "",
            )
        )
    except ParameterError as exc:
        if not (exc.variable or "").endswith("_vintage"):
            raise
        out.findings.append(
            CheckFinding("CAR", "factor vintage", exc.variable or "", exc.message, exc.rule or "")
        )
    r = out.result
    _check_totals(out)
    _check_parameters(out)
    _check_crediting_period(out)
    if r is not None:
        _check_findings(out)
        _check_completeness(out)
        _check_records(out)
        _check_calibration(out)
    if claim.stage == "validation":
        out.findings.append(
            CheckFinding(
                "FAR",
                "ex-ante values",
                "monitoring",
                "the design document's values are ex-ante estimates: the first verification "
                "checks the monitored values that replace them",
                "VVM v01 (EB 44 Annex 3): FAR at validation, for the first verification",
            )
        )
    return out


def _check_periods(claim: Claim, project: Project) -> None:
    p = project.period
    items: list[tuple[str, dt.date | None, dt.date | None]] = [
        (t.where, t.start, t.end) for t in claim.totals
    ]
    items += [(r.where, r.start, r.end) for r in claim.records]
    for where, start, end in items:
        if start is None or end is None:
            continue
        if start < p.start or end > p.end:
            raise _err(
                claim.label,
                f"{where}.period"
                if not (start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31))
                else f"{where}.year",
                f"{start} to {end} lies outside the project's period {p.start} to {p.end}",
                "a claimed figure covers part of the period the project computes",
            )


def _tolerance_for(claim: Claim, name: str, total: bool) -> Tolerance:
    if name in claim.overrides:
        return claim.overrides[name]
    if total and claim.tolerance is not None:
        return claim.tolerance
    return Tolerance(None, None, DEFAULT_WHY, "default")


def _bound(tol: Tolerance, stated: Stated, computed: float) -> float:
    atol = stated.half_unit if tol.atol is None else tol.atol
    rtol = DEFAULT_RTOL if tol.rtol is None else tol.rtol
    return atol + rtol * abs(computed)


def _is_rounding(stated: Stated, computed: float) -> bool:
    """Whether the stated value is the computed one rounded down, up or to the nearest at
    the stated precision."""
    if stated.decimals is None or not math.isfinite(computed):
        return False
    q = Decimal(1).scaleb(-stated.decimals)
    c = Decimal(repr(computed))
    s = Decimal(repr(stated.value)).quantize(q, rounding=ROUND_HALF_UP)
    return any(c.quantize(q, rounding=m) == s for m in (ROUND_FLOOR, ROUND_CEILING, ROUND_HALF_UP))


def _compare(
    out: CheckResult,
    kind: str,
    name: str,
    period: str,
    stated: Stated,
    computed: float,
    unit: str,
    tol: Tolerance,
    topic: str,
    car_message: str,
) -> None:
    bound = _bound(tol, stated, computed)
    diff = stated.value - computed
    basis = f"tolerance {bound:.6g} {unit} ({tol.why}; {tol.origin})"
    if abs(diff) <= bound:
        out.comparisons.append(
            Comparison(kind, name, period, stated.value, computed, unit, "agrees", bound, basis)
        )
        return
    rel = diff / abs(computed) if computed else math.inf
    values = {
        "claimed": stated.value,
        "computed": computed,
        "unit": unit,
        "difference": diff,
        "rel_diff": rel,
        "tolerance": bound,
        "period": period,
    }
    if _is_rounding(stated, computed):
        out.comparisons.append(
            Comparison(kind, name, period, stated.value, computed, unit, "rounding", bound, basis)
        )
        out.findings.append(
            CheckFinding(
                "CL",
                topic,
                f"{name} ({period})",
                f"claimed {stated.value:,.{stated.decimals}f} {unit} is the recomputed "
                f"{computed:,.6g} {unit} rounded down or up, not to the nearest, beyond the "
                f"tolerance {bound:.6g} {unit}: clarify the rounding",
                basis,
                values,
            )
        )
        return
    out.comparisons.append(
        Comparison(kind, name, period, stated.value, computed, unit, "differs", bound, basis)
    )
    out.findings.append(
        CheckFinding(
            "CAR",
            topic,
            f"{name} ({period})",
            f"{car_message}: claimed {_fmt(stated.value)} {unit}, computed {_fmt(computed)} "
            f"{unit}, difference {diff:+,.6g} {unit} ({_pct(rel)}) beyond the tolerance "
            f"{bound:.6g} {unit}",
            basis,
            values,
        )
    )


def _pct(rel: float) -> str:
    return "n/a" if math.isinf(rel) else f"{rel:+.3%}"


def _known_quantities(out: CheckResult) -> list[str]:
    if out.result is not None:
        return list(out.result.ledger.symbols())
    cls = _methodology(out)
    names = list(TOTALS)
    if cls is not None:
        names += [p.symbol for p in cls.parameters] + [v.symbol for v in cls.monitoring]
    return names


def _methodology(out: CheckResult) -> type[Methodology] | None:
    if out.result is not None:
        cls: type[Methodology] = out.result.methodology
        return cls
    from . import registry

    try:
        return registry.get(out.project.methodology, out.project.methodology_version)
    except Exception:  # noqa: BLE001 - the run already reported why it failed
        return None


def _check_totals(out: CheckResult) -> None:
    claim, r = out.claim, out.result
    known = _known_quantities(out)
    for t in claim.totals:
        if t.quantity not in known:
            raise _err(
                claim.label,
                f"{t.where}.quantity",
                f"unknown quantity {t.quantity!r}{did_you_mean(t.quantity, known)}",
                "BE, PE, LE, ER or a quantity of the project's ledger",
            )
        if r is None:
            out.comparisons.append(
                Comparison(
                    "total", t.quantity, t.label, t.value.value, None, t.unit, "not computed"
                )
            )
            continue
        q = r.ledger[t.quantity]
        factor = conversion_factor(
            q.unit,
            t.unit,
            variable=f"{t.where}.unit ({t.quantity} is in {q.unit})",
            where=claim.label,
        )
        computed = _period_value(out, q, t) * factor
        _compare(
            out,
            "total",
            t.quantity,
            t.label,
            t.value,
            computed,
            t.unit,
            _tolerance_for(claim, t.quantity, True),
            "totals",
            f"the claimed {t.quantity} differs from the recomputation",
        )


def _period_value(out: CheckResult, q: Any, t: ClaimedTotal) -> float:
    """The quantity over the claimed period: summed if extensive, else its one value."""
    project, claim = out.project, out.claim
    whole = t.start is None or (t.start == project.period.start and t.end == project.period.end)
    value = q.value
    series = isinstance(value, xr.DataArray) and "time" in value.dims
    if not series:
        if not whole:
            raise _err(
                claim.label,
                f"{t.where}.period",
                f"{t.quantity} has no time steps: only the whole period "
                f"{project.period.start} to {project.period.end} can be claimed",
            )
        if q.extensive:
            return float(q.total())
        arr = np.asarray(value, dtype=float)
        if arr.size and not np.all(arr == arr.flat[0]):
            raise _err(
                claim.label,
                f"{t.where}.quantity",
                f"{t.quantity} varies (over {q.dims}): claim a total instead",
            )
        return float(arr.flat[0]) if arr.size else float("nan")
    tz = project.period.timezone
    assert t.start is not None or whole
    lo = local_midnight_utc(t.start or project.period.start, tz)
    hi = local_midnight_utc((t.end or project.period.end) + dt.timedelta(days=1), tz)
    start = value["time"].values
    end = value["time_end"].values if "time_end" in value.coords else None
    if end is None:
        raise _err(claim.label, f"{t.where}.quantity", f"{t.quantity} has no interval ends")
    inside = (start >= lo) & (end <= hi)
    straddle = (start < hi) & (end > lo) & ~inside
    if np.any(straddle):
        k = int(np.argmax(straddle))
        raise _err(
            claim.label,
            f"{t.where}.period",
            f"the period {t.label} cuts the {t.quantity} interval starting "
            f"{np.datetime_as_string(start[k], unit='m')} UTC",
            "a claimed period is a whole number of the monitoring intervals",
        )
    sel = value.isel(time=np.flatnonzero(inside))
    arr = np.asarray(sel.values, dtype=float)
    if q.extensive:
        return float(arr.sum())
    if arr.size and not np.all(arr == arr.flat[0]):
        raise _err(
            claim.label,
            f"{t.where}.quantity",
            f"{t.quantity} varies over {t.label}: claim a total instead",
        )
    return float(arr.flat[0]) if arr.size else float("nan")


def _check_parameters(out: CheckResult) -> None:
    claim, r = out.claim, out.result
    cls = _methodology(out)
    declared = {p.symbol: p for p in cls.parameters} if cls is not None else {}
    known = list(declared) + ([s for s in r.ledger.symbols() if s not in declared] if r else [])
    last_year = out.project.period.end.year
    for p in claim.parameters:
        if p.name not in known:
            raise _err(
                claim.label,
                p.where,
                f"unknown parameter {p.name!r}{did_you_mean(p.name, known)}",
                "a parameter of the methodology or a quantity of the project's ledger",
            )
        decl = declared.get(p.name)
        unit_needed = isinstance(p.value, Stated) and (
            (decl is not None and decl.unit not in ("", "1", "dimensionless")) or decl is None
        )
        if unit_needed and p.unit is None:
            raise _err(
                claim.label,
                f"{p.where}.unit",
                "missing unit",
                "every claimed number states its unit",
            )
        if p.source is None:
            out.findings.append(
                CheckFinding(
                    "CL",
                    "sources",
                    p.name,
                    "the claim states no source for this parameter",
                    "VVM v01 para. 36: information insufficient to decide",
                )
            )
        used = r is None or p.name in r.inputs.parameters
        is_factor = (
            used
            and decl is not None
            and decl.kind == "number"
            and (p.name.startswith("EF_") or bool(decl.published_kinds))
        )
        if is_factor and p.vintage is None:
            out.findings.append(
                CheckFinding(
                    "CL",
                    "factor vintage",
                    p.name,
                    "the claim states no vintage (publication year) for this factor",
                    "VVM v01 para. 36",
                )
            )
        _parameter_value(out, p, decl)
        if p.vintage is not None:
            _parameter_vintage(out, p, decl, last_year)


def _parameter_value(out: CheckResult, p: ClaimedParameter, decl: Any) -> None:
    r, claim = out.result, out.claim
    if r is None:
        return
    pv = r.inputs.parameters.get(p.name)
    if pv is None and p.name in r.ledger.symbols():
        q = r.ledger[p.name]
        if not isinstance(p.value, Stated):
            raise _err(claim.label, f"{p.where}.value", "a computed quantity is a number")
        t = ClaimedTotal(p.name, p.value, p.unit or q.unit, None, None, p.where)
        factor = conversion_factor(q.unit, t.unit, variable=f"{p.where}.unit", where=claim.label)
        _compare(
            out,
            "parameter",
            p.name,
            "period",
            p.value,
            _period_value(out, q, t) * factor,
            t.unit,
            _tolerance_for(claim, p.name, False),
            "parameters",
            "the claimed value differs from the recomputed one",
        )
        return
    if pv is None:
        out.findings.append(
            CheckFinding(
                "CAR",
                "parameters",
                p.name,
                "the claim states a parameter the project file does not use",
                "the claim and the project file must describe the same calculation",
                {"claimed": p.value if not isinstance(p.value, Stated) else p.value.value},
            )
        )
        return
    if not isinstance(p.value, Stated):
        same = p.value == pv.value
        out.comparisons.append(
            Comparison(
                "parameter",
                p.name,
                "-",
                None,
                None,
                "",
                "agrees" if same else "differs",
                basis=f"claimed {p.value!r}, project {pv.value!r}",
            )
        )
        if not same:
            out.findings.append(
                CheckFinding(
                    "CAR",
                    "parameters",
                    p.name,
                    f"claimed {p.value!r}, the project file gives {pv.value!r}",
                    "VVM v01 para. 182(b): data applied in the calculation",
                    {"claimed": p.value, "project": pv.value},
                )
            )
        return
    unit = p.unit or pv.unit or "1"
    project_unit = pv.unit or "1"
    factor = conversion_factor(project_unit, unit, variable=f"{p.where}.unit", where=claim.label)
    _compare(
        out,
        "parameter",
        p.name,
        "-",
        p.value,
        float(pv.value) * factor,
        unit,
        _tolerance_for(claim, p.name, False),
        "parameters",
        "the claimed parameter differs from the project file's value",
    )


def _parameter_vintage(out: CheckResult, p: ClaimedParameter, decl: Any, last_year: int) -> None:
    claim = out.claim
    assert p.vintage is not None
    values = {"vintage": p.vintage, "period_end_year": last_year}
    if p.vintage > last_year:
        out.findings.append(
            CheckFinding(
                "CAR",
                "factor vintage",
                p.name,
                f"the factor is from a publication for {p.vintage}, later than the period's "
                f"last year {last_year}",
                "the factor for year y, or the latest published before y (CCER-01-002-V01 "
                "Tables 6-7; TOOL07 ex-post vintage); never a later one",
                values,
            )
        )
    if claim.date is not None and p.vintage > claim.date.year:
        out.findings.append(
            CheckFinding(
                "CAR",
                "factor vintage",
                p.name,
                f"the factor's vintage {p.vintage} is later than the document's date {claim.date}",
                "a document cannot use a publication that did not exist",
                {**values, "document_date": claim.date},
            )
        )
    r = out.result
    if r is not None:
        pv = r.inputs.parameters.get(p.name)
        project_vintage = pv.vintage if pv is not None else None
        if project_vintage is None and p.name in ("EF_grid_OM_y", "EF_grid_BM_y"):
            stated = r.inputs.parameters.get("EF_grid_vintage")
            project_vintage = None if stated is None else int(stated.value)
        if project_vintage is not None and project_vintage != p.vintage:
            out.findings.append(
                CheckFinding(
                    "CAR",
                    "factor vintage",
                    p.name,
                    f"claimed vintage {p.vintage}, the project file's is {project_vintage}",
                    "the claim and the project file must use the same publication",
                    {**values, "project_vintage": project_vintage},
                )
            )
    _packaged_factor(out, p, decl, last_year)


def _packaged_factor(out: CheckResult, p: ClaimedParameter, decl: Any, last_year: int) -> None:
    """Checks against the packaged publications (reductions.factors.grid): a consumption
    average used as a margin; a superseded vintage under a vintage rule."""
    from .factors import grid

    if not isinstance(p.value, Stated):
        return
    kinds = tuple(decl.published_kinds) if decl is not None else ()
    if not kinds:
        return
    try:
        gid = grid.canonical_grid(p.grid) if p.grid else None
    except ParameterError as exc:
        raise _err(out.claim.label, f"{p.where}.grid", exc.message) from None
    try:
        unit_factor = conversion_factor(p.unit or grid.UNIT, grid.UNIT, variable=p.where)
    except Exception:  # noqa: BLE001 - a wrong unit is reported by the value comparison
        return
    value = p.value.value * unit_factor
    tol = max(p.value.half_unit * unit_factor, 1e-9)
    table = grid.factors(p.publication) if p.publication else grid.factors()
    rows = [f for f in table if gid is None or f.grid == gid]
    averages = [
        f
        for f in rows
        if f.kind == "consumption_average"
        and (p.publication or abs(f.value - value) <= tol)
        and (p.vintage is None or f.vintage == p.vintage or p.publication)
    ]
    if averages:
        f = averages[0]
        out.findings.append(
            CheckFinding(
                "CAR",
                "factor kind",
                p.name,
                f"the claimed value is a consumption-side average emission factor "
                f"({f.source}: {f.grid} {f.value} {f.unit}, vintage {f.vintage}), used as a "
                f"{' or '.join(kinds)}",
                f"{p.name} is a {' or '.join(kinds)}; an average emission factor is never a "
                "margin (reductions.factors.grid)",
                {"table": f.publication, "grid": f.grid, "value": f.value},
            )
        )
        return
    if gid is None or not out.project.methodology.startswith("ccer."):
        return
    kind = kinds[0]
    try:
        picked = grid.published(gid, kind, last_year)
    except ParameterError as exc:
        out.findings.append(
            CheckFinding(
                "CL",
                "factor vintage",
                p.name,
                f"the packaged publications cannot confirm the vintage {p.vintage}: {exc.message}",
                grid.VINTAGE_RULE,
            )
        )
        return
    if p.vintage is not None and p.vintage < picked.vintage:
        out.findings.append(
            CheckFinding(
                "CAR",
                "factor vintage",
                p.name,
                f"the factor's publication (vintage {p.vintage}) is superseded: the "
                f"{picked.publication} publication (vintage {picked.vintage}, {kind} "
                f"{picked.value} {picked.unit} for {gid}) applies to {last_year}",
                grid.VINTAGE_RULE,
                {
                    "vintage": p.vintage,
                    "applicable_vintage": picked.vintage,
                    "applicable_value": picked.value,
                },
            )
        )


def _check_crediting_period(out: CheckResult) -> None:
    claim, project = out.claim, out.project
    if claim.crediting_start is None:
        return
    start, end = claim.crediting_start, claim.crediting_end
    p = project.period
    values = {
        "claimed_start": start,
        "claimed_end": end,
        "period_start": p.start,
        "period_end": p.end,
    }
    if p.start < start or (end is not None and p.end > end):
        out.findings.append(
            CheckFinding(
                "CAR",
                "crediting period",
                "crediting period",
                f"the period {p.start} to {p.end} is not inside the claimed crediting period "
                f"{start} to {end or 'open'}",
                "reductions are credited within the crediting period only",
                values,
            )
        )
    stated = project.raw_parameters.get("crediting_period_start")
    if isinstance(stated, Mapping):
        stated = stated.get("value")
    if isinstance(stated, dt.date) and stated != start:
        out.findings.append(
            CheckFinding(
                "CAR",
                "crediting period",
                "crediting_period_start",
                f"the claim's crediting period starts {start}, the project file's on {stated}",
                "the claim and the project file must state the same crediting period",
                {**values, "project_start": stated},
            )
        )
    out.comparisons.append(
        Comparison(
            "parameter",
            "crediting period",
            f"{start}/{end or ''}",
            None,
            None,
            "",
            "agrees" if not any(f.topic == "crediting period" for f in out.findings) else "differs",
        )
    )


def _check_findings(out: CheckResult) -> None:
    r = out.result
    assert r is not None
    for f in r.findings:
        if f.status in (Status.FAIL, Status.OVERRIDDEN):
            out.findings.append(
                CheckFinding(
                    "CAR",
                    "applicability",
                    f.name,
                    f"{f.message} ({f.status})",
                    f.clause,
                    dict(f.values),
                )
            )
        elif f.status == Status.UNCHECKED:
            out.findings.append(
                CheckFinding("CL", "applicability", f.name, f.message, f.clause, dict(f.values))
            )


def _check_completeness(out: CheckResult) -> None:
    r = out.result
    assert r is not None
    for name, t in r.quality.tables.items():
        for var, n in t.filled_intervals.items():
            rules = sorted({f"{g.filled_by} ({g.rule})" for g in t.gaps if g.variable == var})
            out.findings.append(
                CheckFinding(
                    "CL",
                    "data completeness",
                    f"{var} (table {name})",
                    f"{n} interval(s) missing in the monitoring data, filled with "
                    f"{', '.join(rules)}: clarify the cause and how the document filled them",
                    "the methodology's missing-data rule",
                    {"intervals": n, "rules": rules},
                )
            )


def _meter_mpe(out: CheckResult, variable: str, record: Record) -> tuple[float | None, str]:
    if record.mpe is not None:
        return record.mpe, f"{record.where}.mpe"
    r = out.result
    assert r is not None
    if variable.startswith("EG_"):
        pv = r.inputs.parameters.get(f"MPE_{variable[3:]}")
        if pv is not None:
            return float(pv.value), f"parameters.MPE_{variable[3:]}"
    recorded = sorted({c.mpe for c in r.inputs.calibrations if c.variable == variable})
    if len(recorded) == 1:
        return recorded[0], f"calibration records of {variable}"
    return None, ""


def _check_records(out: CheckResult) -> None:
    r, claim = out.result, out.claim
    assert r is not None
    for rec in claim.records:
        variable = rec.variable or "EG_export"
        if variable not in r.ledger:
            raise _err(
                claim.label,
                f"{rec.where}.variable",
                f"{variable!r} is not in the project's ledger"
                f"{did_you_mean(variable, r.ledger.symbols())}",
                'an invoice checks a monitored meter (variable = "EG_export")',
            )
        q = r.ledger[variable]
        t = ClaimedTotal(variable, Stated(rec.value, None), rec.unit, rec.start, rec.end, rec.where)
        factor = conversion_factor(
            q.unit, rec.unit, variable=f"{rec.where}.unit", where=claim.label
        )
        metered = _period_value(out, q, t) * factor
        mpe, origin = _meter_mpe(out, variable, rec)
        rel = (rec.value - metered) / abs(metered) if metered else math.inf
        label = t.label + (f" ({rec.document})" if rec.document else "")
        values = {
            "invoice": rec.value,
            "metered": metered,
            "unit": rec.unit,
            "rel_diff": rel,
            "mpe": mpe,
        }
        if mpe is None:
            out.comparisons.append(
                Comparison(
                    "record",
                    f"{variable} invoice",
                    t.label,
                    rec.value,
                    metered,
                    rec.unit,
                    "no band",
                )
            )
            out.findings.append(
                CheckFinding(
                    "CL",
                    "cross-check",
                    f"{variable} invoice {label}",
                    f"invoice {rec.value:,.6g} {rec.unit} against the meter's "
                    f"{metered:,.6g} {rec.unit} ({_pct(rel)}): no accuracy class is stated "
                    "to judge the difference",
                    "state mpe in the record, MPE_<meter> in the project, or calibration records",
                    values,
                )
            )
            continue
        inside = abs(rel) <= mpe + 1e-12
        basis = f"accuracy band ±{mpe:.2%} ({origin})"
        out.comparisons.append(
            Comparison(
                "record",
                f"{variable} invoice",
                t.label,
                rec.value,
                metered,
                rec.unit,
                "within band" if inside else "outside band",
                abs(metered) * mpe,
                basis,
            )
        )
        if not inside:
            out.findings.append(
                CheckFinding(
                    "CAR",
                    "cross-check",
                    f"{variable} invoice {label}",
                    f"the invoiced {rec.value:,.6g} {rec.unit} differs from the meter's "
                    f"{metered:,.6g} {rec.unit} by {_pct(rel)}, outside the meter's accuracy "
                    f"band ±{mpe:.2%}",
                    basis,
                    values,
                )
            )


def _check_calibration(out: CheckResult) -> None:
    r = out.result
    assert r is not None
    totals_agree = not any(f.cls == "CAR" and f.topic == "totals" for f in out.findings)
    period = out.project.period
    cls, state = (
        (
            "FAR",
            "the claimed totals agree with the recomputation, which applies the "
            "methodology's correction; the next verification checks the meter's recalibration",
        )
        if totals_agree
        else (
            "CAR",
            "the claimed totals do not show the correction the methodology "
            "prescribes (the recomputation applies it)",
        )
    )
    for c in r.inputs.calibrations:
        if (
            abs(c.error) > c.mpe
            and c.date >= period.start - dt.timedelta(days=366)
            and c.date <= period.end + dt.timedelta(days=366)
        ):
            out.findings.append(
                CheckFinding(
                    cls,
                    "calibration",
                    f"{c.variable} {c.date.isoformat()}",
                    f"the meter was outside its accuracy class at calibration (error "
                    f"{c.error:+.2%}, class MPE {c.mpe:.2%}): {state}",
                    "meter calibration record; the methodology's meter-error rule",
                    {"error": c.error, "mpe": c.mpe, "date": c.date},
                )
            )
    for q in r.ledger:
        for note in q.notes:
            if "without a valid calibration" in note:
                out.findings.append(
                    CheckFinding(
                        cls,
                        "calibration",
                        q.symbol,
                        f"{note}: {state}",
                        q.equation,
                    )
                )


# --- output -------------------------------------------------------------------------------------


def write_check(out: CheckResult, outdir: str | Path) -> dict[str, Path]:
    """Write the report of the recomputation (report.json, results.nc, report.html, when the
    project could be computed), check.json beside it, and a section in report.html."""
    from .report import dumps

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    digest = None
    if out.result is not None:
        paths.update(out.result.write(outdir))
        digest = json.loads(paths["report"].read_text(encoding="utf-8"))["digest"]
    data = out.as_dict(digest)
    paths["check"] = outdir / CHECK_FILE
    paths["check"].write_text(dumps(data), encoding="utf-8")
    if "html" in paths:
        page = paths["html"].read_text(encoding="utf-8")
        section = html_section(data)
        anchor = "<h2>Ledger</h2>" if "<h2>Ledger</h2>" in page else "</body>"
        paths["html"].write_text(page.replace(anchor, section + anchor, 1), encoding="utf-8")
    return paths


def html_section(data: dict[str, Any]) -> str:
    """The check as an HTML section (for report.html)."""
    esc = html.escape

    def num(x: Any) -> str:
        return "-" if x is None else esc(_fmt(float(x)))

    def rel(x: Any) -> str:
        return "" if x is None else f"{x:+.3%}"

    rows = "".join(
        f"<tr><td>{esc(c['quantity'])}</td><td>{esc(c['period'])}</td><td>{num(c['claimed'])}"
        f"</td><td>{num(c['computed'])}</td><td>{esc(c['unit'])}</td><td>{rel(c['rel_diff'])}"
        f"</td><td>{esc(c['status'])}</td></tr>"
        for c in data["comparisons"]
    )
    finds = "".join(
        f"<tr><td>{esc(f['id'])}</td><td>{esc(f['topic'])}</td><td>{esc(f['subject'])}</td>"
        f"<td>{esc(f['message'])}</td><td>{esc(f['basis'])}</td></tr>"
        for f in data["findings"]
    )
    s = data["summary"]
    claim = data["claim"]
    return (
        f"<h2>Check of a claimed result</h2><p>{esc(claim['document'])}"
        + (f' (<a href="{esc(claim["url"])}">{esc(claim["url"])}</a>)' if claim["url"] else "")
        + f"; stage {esc(claim['stage'])}. {s['CAR']} CAR, {s['CL']} CL, {s['FAR']} FAR.</p>"
        "<table><tr><th>quantity</th><th>period</th><th>claimed</th><th>computed</th>"
        f"<th>unit</th><th>rel. diff.</th><th>status</th></tr>{rows}</table>"
        "<table><tr><th>finding</th><th>topic</th><th>subject</th><th>message</th>"
        f"<th>basis</th></tr>{finds}</table>"
        f"<p>Classification: {esc(data['classification']['source'])}.</p>\n"
    )

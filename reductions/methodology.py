"""The plugin protocol every methodology implements.

A methodology is a subclass of :class:`Methodology` whose class attributes carry its
metadata (id, version, title, sources, parameters, monitoring variables, equations) and
which implements :meth:`Methodology.applicability` and :meth:`Methodology.quantify`.
It is registered under the entry-point group ``reductions.methodologies`` with its id as
the entry-point name, exactly as a third party would register one (DESIGN.md).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    import xarray as xr

    from .ledger import Ledger
    from .project import Project


def version_label(version: str) -> str:
    """``"22.0"`` -> ``"v22.0"``; a version that carries its own letter stays (``"V01"``)."""
    return f"v{version}" if version[:1].isdigit() else version


@dataclass(frozen=True)
class Source:
    """A document a methodology implements or cites."""

    code: str
    title: str
    version: str
    url: str | None = None
    note: str | None = None

    def cite(self) -> str:
        v = version_label(self.version)
        return f"{self.code} {v}, {self.title}"


@dataclass(frozen=True)
class Equation:
    """A published equation as the methodology writes it, for ``describe`` and the report."""

    reference: str
    text: str


ParameterKind = Literal["number", "integer", "choice", "bool", "date"]


@dataclass(frozen=True)
class Parameter:
    """A fixed value known before monitoring.

    ``unit`` is the canonical unit the methodology computes in; a project may give the
    value in any unit of the same dimension. ``prescribed`` marks a value the
    methodology fixes: overriding it makes the result non-compliant, and the report
    says which value and why.
    """

    symbol: str
    description: str
    unit: str = ""
    kind: ParameterKind = "number"
    default: float | int | str | bool | None = None
    default_source: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    required: bool = True
    prescribed: bool = False


MissingFill = Literal["error", "zero", "substitute"]


@dataclass(frozen=True)
class MissingDataRule:
    """What the methodology prescribes for a missing monitored value.

    ``fill`` is one of ``"error"`` (no rule: missing data is an error), ``"zero"`` (the
    conservative value is zero) or ``"substitute"`` (take the value of the monitoring
    variable ``substitute`` for the same interval, e.g. a check meter).
    """

    fill: MissingFill
    clause: str
    substitute: str | None = None


NO_FILL = MissingDataRule("error", "no missing-data rule: a missing value is an error")


@dataclass(frozen=True)
class MonitoringVariable:
    """A monitored variable: symbol, canonical unit, and what to do when it is missing.

    ``aggregate`` is ``"sum"`` for an amount per interval (energy, mass) and ``"mean"``
    for a state (temperature, fraction). Amounts may be given as interval values or
    as cumulative registers; states only as interval values.
    """

    symbol: str
    description: str
    unit: str
    required: bool = True
    nonnegative: bool = True
    aggregate: Literal["sum", "mean"] = "sum"
    missing: MissingDataRule = NO_FILL
    meter: bool = False


class Status(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNCHECKED = "cannot be checked"
    NOT_SUPPORTED = "not yet supported"


@dataclass(frozen=True)
class Finding:
    """A structured applicability or data-sufficiency finding.

    ``name`` is qualified (``cdm.acm0002.applicability.technology``); ``clause`` names the
    paragraph it implements; ``values`` holds the values involved.
    """

    name: str
    clause: str
    status: Status
    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def disqualifying(self) -> bool:
        return self.status in (Status.FAIL, Status.NOT_SUPPORTED)


class Methodology:
    """Base class of methodology plugins; subclasses set the class attributes."""

    id: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    sources: ClassVar[tuple[Source, ...]] = ()
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    monitoring: ClassVar[tuple[MonitoringVariable, ...]] = ()
    equations: ClassVar[tuple[Equation, ...]] = ()
    #: How the GWP set is chosen: ``"project"`` (the project file must name it) or
    #: ``"cdm"`` (the CDM rule by date, :func:`reductions.factors.cdm_gwp`).
    gwp_rule: ClassVar[Literal["project", "cdm", "none"]] = "project"

    def applicability(self, project: Project) -> Sequence[Finding]:
        """The methodology's applicability conditions, each a finding."""
        raise NotImplementedError

    def quantify(self, project: Project, monitoring: xr.Dataset) -> Ledger:
        """Compute the ledger (BE, PE, LE, ER and every quantity behind them)."""
        raise NotImplementedError

    # --- helpers for plugins -------------------------------------------------------

    @classmethod
    def parameter(cls, symbol: str) -> Parameter:
        for p in cls.parameters:
            if p.symbol == symbol:
                return p
        raise KeyError(symbol)

    @classmethod
    def variable(cls, symbol: str) -> MonitoringVariable:
        for v in cls.monitoring:
            if v.symbol == symbol:
                return v
        raise KeyError(symbol)

    @classmethod
    def label(cls) -> str:
        """``"cdm.acm0002 v22.0"``, ``"ccer.01-002 V01"``."""
        return f"{cls.id} {version_label(cls.version)}"

    @classmethod
    def key(cls) -> tuple[str, str]:
        return (cls.id, cls.version)

    @classmethod
    def reference(cls, where: str) -> str:
        """``"ACM0002 v22.0 eq. (1)"`` style reference to a place in the main source."""
        code = cls.sources[0].code if cls.sources else cls.id
        v = version_label(cls.version)
        sep = " " if v[:1] == "v" else "-"
        return f"{code}{sep}{v} {where}"

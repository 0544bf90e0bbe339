"""The plugin protocol every methodology implements.

A methodology is a subclass of :class:`Methodology` whose class attributes carry its
metadata (id, version, title, sources, parameters, monitoring variables, equations) and
which implements :meth:`Methodology.applicability` and :meth:`Methodology.quantify`.
It is registered under the entry-point group ``reductions.methodologies`` with its id as
the entry-point name, exactly as a third party would register one (DESIGN.md). Plugins
import :mod:`reductions.plugin`, which re-exports what they need.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .rules import NO_FILL, MissingDataRule

if TYPE_CHECKING:
    from .inputs import Inputs
    from .ledger import Ledger


def version_label(version: str) -> str:
    """``"22.0"`` -> ``"v22.0"``; a version that carries its own letter stays (``"V01"``)."""
    return f"v{version}" if version[:1].isdigit() else version


def document_reference(code: str, version: str, where: str = "") -> str:
    """``"ACM0002 v22.0 eq. (11)"``; ``"CCER-01-002-V01 eq. (1)"`` (the MEE's own form)."""
    v = version_label(version)
    sep = " " if v[:1] == "v" else "-"
    return f"{code}{sep}{v}" + (f" {where}" if where else "")


@dataclass(frozen=True)
class Source:
    """A document a methodology implements or cites."""

    code: str
    title: str
    version: str
    url: str | None = None
    note: str | None = None

    def cite(self) -> str:
        return f"{self.code} {version_label(self.version)}, {self.title}"


@dataclass(frozen=True)
class Equation:
    """A published equation as the methodology writes it, for ``describe`` and the report.

    Tagged equation functions (:func:`reductions.equation.equation`) carry one of these;
    a methodology may also list a rule that is not a function (``LE_y = 0``).
    """

    reference: str
    text: str


ParameterKind = Literal["number", "integer", "choice", "bool", "date"]


@dataclass(frozen=True)
class Parameter:
    """A fixed value known before monitoring.

    ``unit`` is the canonical unit the methodology computes in; a project may give the
    value in any unit of the same dimension. ``prescribed`` marks a default the
    methodology fixes: another value is an override, recorded as a finding that makes the
    result non-compliant. ``published_kinds`` are the kinds of packaged published factor
    (``reductions.factors.grid``: ``"OM"``, ``"BM"``, ``"CM"``) the project may name
    instead of a number (``{published = "<table>", grid = "<grid>"}``).
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
    published_kinds: tuple[str, ...] = ()


PeriodKind = Literal["reporting", "baseline", "history"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("reporting", "baseline", "history")


@dataclass(frozen=True)
class MonitoringVariable:
    """A monitored variable: symbol, canonical unit, dimensions, resolution, missing-data rule.

    ``aggregate`` is ``"sum"`` for an amount per interval (energy, mass) and ``"mean"`` for
    a state (temperature, fraction); amounts may come as interval values or cumulative
    registers, states only as interval values. ``dims`` are dimensions beyond time
    (``"meter"``, ``"custody_point"``, ``"waste_type"``). ``resolution`` is the time step
    the methodology's rules need (``"1min"``, ``"1h"``, ``"month"``); the engine resamples
    finer data by the aggregate and holds a coarser state over the finer steps, and says
    so in the report. ``None`` keeps the data's own intervals. ``period`` names the period
    the data belong to.
    """

    symbol: str
    description: str
    unit: str
    required: bool = True
    nonnegative: bool = True
    aggregate: Literal["sum", "mean"] = "sum"
    missing: MissingDataRule = NO_FILL
    dims: tuple[str, ...] = ()
    resolution: str | None = None
    period: PeriodKind = "reporting"
    #: Read from a meter: calibration records may name it (``uses_calibrations``).
    meter: bool = False


#: The name plugins use (DESIGN.md's sketch).
Variable = MonitoringVariable


class Status(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNCHECKED = "cannot be checked"
    NOT_SUPPORTED = "not yet supported"
    OVERRIDDEN = "overridden"


@dataclass(frozen=True)
class Finding:
    """A structured finding: applicability, data sufficiency, a balance, an override.

    ``name`` is qualified (``cdm.acm0002.applicability.technology``); ``clause`` names the
    paragraph it implements; ``values`` holds the values involved. ``OVERRIDDEN`` marks a
    prescribed value or a failed condition set aside on the record: the result is then
    not compliant.
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
    #: Tagged equation functions the methodology applies (``describe`` lists their tags),
    #: and :class:`Equation` rules that are not functions.
    equations: ClassVar[tuple[Callable[..., Any] | Equation, ...]] = ()
    #: How the GWP set is chosen: ``"project"`` (the project file must name it), ``"cdm"``
    #: (the CDM rule by date; a period across a change of the rule is split) or ``"none"``.
    gwp_rule: ClassVar[Literal["project", "cdm", "none"]] = "project"
    #: Gases whose GWP the methodology uses.
    gases: ClassVar[tuple[str, ...]] = ("CH4", "N2O")
    #: Whether a baseline period may overlap the reporting period.
    baseline_may_overlap: ClassVar[bool] = False
    #: Whether the methodology reads meter calibration records (``inputs.calibrations``);
    #: records given to one that does not are an error, never ignored.
    uses_calibrations: ClassVar[bool] = False
    #: Kinds of project-file ``[[adjustment]]`` the methodology accepts
    #: (``("non-routine",)``; ``reductions.project.ADJUSTMENT_KINDS``) and reads from
    #: ``inputs.adjustments``; a project declaring one for a methodology that does not
    #: accept it is an error, never ignored.
    adjustments: ClassVar[tuple[str, ...]] = ()
    #: The unit the methodology reads adjustments in (``"MWh"``): each adjustment's value
    #: is converted to it with pint once, when the project is resolved.
    adjustment_unit: ClassVar[str] = ""

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        """The methodology's applicability conditions, each a finding."""
        raise NotImplementedError

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        """Apply the equations to the ledger (BE, PE, LE, ER and every quantity behind them).

        The engine hands in frozen inputs and a ledger that already holds the numeric
        parameters and the monitored series, and checks ER = BE - PE - LE afterwards.
        """
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
        return document_reference(code, cls.version, where)

    @classmethod
    def equation_list(cls) -> list[Equation]:
        """Every equation the methodology declares, from the tags on its functions."""
        from .equation import tags_of

        out: list[Equation] = []
        codes = [s.code for s in cls.sources]
        for item in cls.equations:
            if isinstance(item, Equation):
                out.append(item)
                continue
            tags = tags_of(item)
            mine = [t for t in tags if t.document in codes] or list(tags)
            out.extend(Equation(t.reference, t.text) for t in mine)
        return out

"""The one module a methodology plugin imports.

Everything a plugin needs from the engine, and nothing else::

    from reductions.plugin import (Methodology, Parameter, Variable, Source, Finding,
                                   Status, equation, Zero)

A plugin declares its parameters and monitored variables, checks its applicability
conditions on frozen :class:`Inputs`, and applies tagged equation functions to the
:class:`Ledger` the engine hands it (DESIGN.md, "A methodology").
"""

from __future__ import annotations

from .equation import EquationTag, equation, tags_of
from .errors import (
    ApplicabilityError,
    InputError,
    MonitoringDataError,
    ParameterError,
    did_you_mean,
)
from .factors import GWP
from .inputs import Adjustment, Inputs
from .ledger import Ledger, LedgerError, Quantity
from .methodology import (
    Equation,
    Finding,
    Methodology,
    MonitoringVariable,
    Parameter,
    Source,
    Status,
    Variable,
)
from .project import Calibration, ParameterValue, Period
from .rules import (
    NO_FILL,
    Constant,
    FillContext,
    MeanOfAdjacent,
    MissingDataRule,
    NoFill,
    Substitute,
    Zero,
)
from .rules import ParameterValue as ParameterFill

__all__ = [
    "GWP",
    "NO_FILL",
    "Adjustment",
    "ApplicabilityError",
    "Calibration",
    "Constant",
    "Equation",
    "EquationTag",
    "FillContext",
    "Finding",
    "InputError",
    "Inputs",
    "Ledger",
    "LedgerError",
    "MeanOfAdjacent",
    "Methodology",
    "MissingDataRule",
    "MonitoringDataError",
    "MonitoringVariable",
    "NoFill",
    "Parameter",
    "ParameterError",
    "ParameterFill",
    "ParameterValue",
    "Period",
    "Quantity",
    "Source",
    "Status",
    "Substitute",
    "Variable",
    "Zero",
    "did_you_mean",
    "equation",
    "tags_of",
]

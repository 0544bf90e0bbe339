"""Measurement uncertainty, conservative credits and sensitivity, for any methodology.

The project file declares the uncertainty of parameters and monitored variables
(``[uncertainty]``, :mod:`.declarations`); :func:`propagate` runs the unchanged
methodology with those inputs vectorised over draws (:mod:`.model`) for Monte Carlo
(JCGM 101:2008, adaptive) and the first-order law of propagation (JCGM 100:2008), compares
them, gives the conservative lower bound and the programmes' deductions
(:mod:`.deductions`), and ranks the inputs by their share of the variance of ER.
"""

from .declarations import (
    Correlation,
    Declarations,
    Distribution,
    InputUncertainty,
    UncertaintyError,
    parse_declarations,
)
from .model import Model
from .propagate import Uncertainty, propagate

__all__ = [
    "Correlation",
    "Declarations",
    "Distribution",
    "InputUncertainty",
    "Model",
    "Uncertainty",
    "UncertaintyError",
    "parse_declarations",
    "propagate",
]

"""Typed errors of the :mod:`ccus` package.

Every error raised for bad input is a subclass of :class:`ValueError`, so callers that
already catch ``ValueError`` keep working, while those that want to tell bad physics
input from programming errors can catch :class:`CCUSInputError` specifically.
"""

from __future__ import annotations

__all__ = ["CCUSInputError"]


class CCUSInputError(ValueError):
    """Bad input to a ccus function: the message names the variable, the index and the rule.

    Raised for states outside an equation of state's range (below the triple point, in the
    solid region, above the maximum pressure), NaN inputs, compositions that do not sum to
    one, unknown species, and any other input that would otherwise give a silent number.
    """

"""Equation functions, tagged once with their source.

An equation is a pure array function named after what it returns; the :func:`equation`
decorator tags it with the document, version and place it implements and the symbol and
unit it returns. :meth:`reductions.ledger.Ledger.apply` reads the tag, finds the inputs
in the ledger by the function's argument names (the methodology's own symbols) and
records the result with its unit and reference, so a reference is written once and
``reductions describe`` lists every equation from the code itself::

    @equation("ACM0002", "22.0", "eq. (11)", returns=("BE_y", "t"),
              text="BE_y = EG_PJ_y * EF_grid_CM_y")
    def baseline_emissions(EG_PJ_y, EF_grid_CM_y):
        return EG_PJ_y * EF_grid_CM_y

A function that several documents share (the same product in two methodologies) is
tagged once per document, each tag with the symbol that document uses.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .methodology import document_reference

F = TypeVar("F", bound=Callable[..., Any])

_TAGS = "__equations__"


@dataclass(frozen=True)
class EquationTag:
    """Where an equation function comes from and what it returns."""

    document: str
    version: str
    where: str
    symbol: str
    unit: str
    text: str
    description: str
    extensive: bool | None

    @property
    def reference(self) -> str:
        return document_reference(self.document, self.version, self.where)


def equation(
    document: str,
    version: str,
    where: str,
    *,
    returns: tuple[str, str],
    text: str = "",
    description: str | None = None,
    extensive: bool | None = None,
) -> Callable[[F], F]:
    """Tag an equation function with its source and the symbol and unit it returns.

    Parameters
    ----------
    document, version, where
        The document code (``"ACM0002"``, ``"CCER-01-002"``, ``"TOOL06"``), its version
        and the place (``"eq. (11)"``, ``"para. 7.3.4"``).
    returns
        ``(symbol, unit)`` of the result, in the document's own symbols.
    text
        The equation as the document writes it, for ``describe`` and the report.
    description
        What the result is; the first line of the docstring when not given.
    extensive
        Whether the result adds up over time (energy, mass, emissions); inferred from the
        unit when not given.
    """

    def tag(fn: F) -> F:
        doc = (inspect.getdoc(fn) or "").strip().splitlines()
        desc = description if description is not None else (doc[0] if doc else returns[0])
        t = EquationTag(
            document, version, where, returns[0], returns[1], text or desc, desc, extensive
        )
        tags = (*getattr(fn, _TAGS, ()), t)
        setattr(fn, _TAGS, tags)
        return fn

    return tag


def tags_of(fn: Callable[..., Any]) -> tuple[EquationTag, ...]:
    """The tags of an equation function (empty if it has none)."""
    return tuple(getattr(fn, _TAGS, ()))


def arguments(fn: Callable[..., Any]) -> list[str]:
    """Names of the function's positional-or-keyword arguments, in order."""
    return [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY, p.POSITIONAL_ONLY)
    ]

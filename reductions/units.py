"""Unit conversion at the boundary (pint); canonical units inside.

Data enter with a declared unit and are converted once, here, to the canonical unit of
the quantity (DESIGN.md, "Units"). Inside the engine arrays are plain floats. A missing
or unknown unit, or one of the wrong dimension, is a :class:`~reductions.errors.UnitError`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pint

from .errors import UnitError

#: Canonical units, by kind of quantity (DESIGN.md, "Units").
CANONICAL = {
    "mass": "t",
    "emissions": "t",
    "electricity": "MWh",
    "energy": "GJ",
    "volume": "m**3",
    "pressure": "Pa",
    "temperature": "K",
}


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The unit registry with the field's units (``units.txt``) loaded."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    text = resources.files("reductions").joinpath("units.txt").read_text(encoding="utf-8")
    ureg.load_definitions(text.splitlines())
    return ureg


def parse_unit(unit: object, *, variable: str, where: str | None = None) -> pint.Unit:
    """Parse a unit string, or raise a :class:`UnitError` naming the variable."""
    if unit is None or (isinstance(unit, str) and not unit.strip()):
        raise UnitError(
            "no unit given",
            variable=variable,
            where=where,
            rule="every monitored or parameter value declares its unit",
        )
    if not isinstance(unit, str):
        raise UnitError(f"unit must be a string, got {unit!r}", variable=variable, where=where)
    try:
        return registry().Unit(_normalise(unit))
    except Exception as exc:  # pint's parser raises many types (TokenError, ZeroDivisionError)
        raise UnitError(
            f"unknown unit {unit!r}",
            variable=variable,
            where=where,
            rule="units must be known to pint or defined in units.txt",
        ) from exc


def _normalise(unit: str) -> str:
    text = unit.strip().replace("³", "**3").replace("²", "**2").replace("·", "*")
    return text if text not in {"1", "-", "fraction"} else "dimensionless"


def conversion_factor(
    from_unit: str, to_unit: str, *, variable: str, where: str | None = None
) -> float:
    """Multiplicative factor from ``from_unit`` to ``to_unit``.

    Raises :class:`UnitError` if either unit is unknown, if the dimensions differ
    (kW given for an energy), or if the conversion is not a pure scale (temperatures
    in degrees Celsius need :func:`convert`).
    """
    src = parse_unit(from_unit, variable=variable, where=where)
    dst = parse_unit(to_unit, variable=variable, where=where)
    ureg = registry()
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            f"unit {from_unit!r} has dimension {src.dimensionality}, expected "
            f"{dst.dimensionality} (like {to_unit!r})",
            variable=variable,
            where=where,
            rule="unit must have the dimension of the quantity",
        )
    try:
        return float(ureg.Quantity(1.0, src).to(dst).magnitude)
    except pint.errors.OffsetUnitCalculusError:
        raise UnitError(
            f"unit {from_unit!r} is not a pure scale of {to_unit!r}", variable=variable, where=where
        ) from None


def convert(
    values: np.ndarray | float,
    from_unit: str,
    to_unit: str,
    *,
    variable: str,
    where: str | None = None,
) -> np.ndarray:
    """Convert values from ``from_unit`` to ``to_unit`` (offset units such as degC allowed)."""
    src = parse_unit(from_unit, variable=variable, where=where)
    dst = parse_unit(to_unit, variable=variable, where=where)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            f"unit {from_unit!r} has dimension {src.dimensionality}, expected "
            f"{dst.dimensionality} (like {to_unit!r})",
            variable=variable,
            where=where,
            rule="unit must have the dimension of the quantity",
        )
    arr = np.asarray(values, dtype=float)
    if src == dst:
        return arr
    return np.asarray(registry().Quantity(arr, src).to(dst).magnitude, dtype=float)

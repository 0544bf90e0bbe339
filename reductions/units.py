"""Unit conversion at the boundary (pint); canonical units inside.

Data enter with a declared unit and are converted once, here, to the canonical unit of
the quantity (DESIGN.md, "Units"). Inside the engine arrays are plain floats. A missing
or unknown unit, or one of the wrong dimension, is a :class:`~reductions.errors.UnitError`.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from importlib import resources
from typing import Any

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


#: Gas volumes at reference conditions: their base dimension (units.txt) -> the unit and
#: its conditions, for messages.
GAS_VOLUMES = {
    "[gas_volume_0degC_101kPa]": ("Nm3", "0 degC, 101.325 kPa"),
    "[gas_volume_15degC_101kPa]": ("sm3", "15 degC, 101.325 kPa"),
    "[gas_volume_60degF_14psia]": ("scf", "60 degF, 14.696 psia"),
}

#: Units of the field, offered when a unit is unknown ("did you mean").
COMMON_UNITS = (
    "Wh", "kWh", "MWh", "GWh", "TWh", "kW", "MW", "GW", "MVA",
    "J", "kJ", "MJ", "GJ", "TJ", "PJ", "tce", "toe", "Mtoe",
    "g", "kg", "t", "Mt", "Gg", "tCO2", "tCO2e", "kgCO2", "kgCO2e", "tC", "tCH4",
    "Nm3", "kNm3", "sm3", "scf", "Mscf", "MMscf", "m3", "L",
    "degC", "degF", "K", "Pa", "kPa", "MPa", "bar", "mbar", "psi", "atm",
    "percent", "ppm", "dimensionless",
    "t/MWh", "tCO2/MWh", "tCO2e/MWh", "kg/MWh", "kgCO2/kWh", "t/GJ", "kg/GJ", "t/TJ",
    "t/h", "kg/h", "kg/s", "m3/h", "Nm3/h", "sm3/h", "t/Nm3", "kg/Nm3", "kg/m3",
    "m", "km", "h", "min", "s", "day", "year",
)  # fmt: skip

#: Spellings pint reads as a unit surely not meant here, of the same dimension and orders
#: of magnitude off (a silent wrong unit is worse than an error): spelling -> (what pint
#: reads, the unit probably meant). The full names (``milliwatt_hour``) still work.
CONFUSABLE = {
    "mWh": ("milliwatt-hour", "'MWh'"),
    "mW": ("milliwatt", "'MW'"),
    "mJ": ("millijoule", "'MJ'"),
    "mVA": ("millivolt-ampere", "'MVA'"),
    "mt": ("millitonne", "'Mt' or 't'"),
    "mtoe": ("millitonne of oil equivalent", "'Mtoe'"),
    "ton": ("the US short ton, 907.18474 kg", "'t'"),
    "tons": ("the US short ton, 907.18474 kg", "'t'"),
    "mscf": ("milli-scf", "'Mscf'"),
    "mNm3": ("milli-Nm3", "'kNm3'"),
    "msm3": ("milli-sm3", "'sm3'"),
}

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
#: Volumes written with a digit exponent (m3, cm3, km2): pint would read "km3" as a
#: prefixed "m3", so the exponent is made explicit instead of defining m3 as a unit.
_DIGIT_POWER = re.compile(r"(?<![A-Za-z_0-9])([kcdm]?m)([23])(?![A-Za-z_0-9])")


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The unit registry with the field's units (``units.txt``) loaded."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    text = resources.files("reductions").joinpath("units.txt").read_text(encoding="utf-8")
    ureg.load_definitions(text.splitlines())
    return ureg


def parse_unit(unit: object, *, variable: str, where: str | None = None) -> pint.Unit:
    """Parse a unit string, or raise a :class:`UnitError` naming the variable.

    An unknown unit's message offers the likely one (``unknown unit 'kwh' (did you mean
    'kWh'?)``); a spelling that pint reads as a unit surely not meant (``mWh``, milliwatt-
    hour; ``ton``, the US short ton) is refused the same way.
    """
    if unit is None or (isinstance(unit, str) and not unit.strip()):
        raise UnitError(
            "no unit given",
            variable=variable,
            where=where,
            rule="every monitored or parameter value declares its unit",
        )
    if not isinstance(unit, str):
        raise UnitError(f"unit must be a string, got {unit!r}", variable=variable, where=where)
    text = _normalise(unit)
    try:
        parsed = registry().Unit(text)
    except Exception as exc:  # pint's parser raises many types (TokenError, ZeroDivisionError)
        hint = _did_you_mean(unit)
        raise UnitError(
            f"unknown unit {unit!r}" + (f" (did you mean {hint}?)" if hint else ""),
            variable=variable,
            where=where,
            rule="units must be known to pint or defined in units.txt",
        ) from exc
    for token in _TOKEN.findall(text):
        if token in CONFUSABLE:
            reads, meant = CONFUSABLE[token]
            raise UnitError(
                f"unit {unit!r}: {token!r} reads as {reads}, surely not meant "
                f"(did you mean {meant}?)",
                variable=variable,
                where=where,
                rule="write the full unit name (e.g. 'milliwatt_hour', 'short_ton') if it is",
            )
    return parsed


def _normalise(unit: str) -> str:
    text = unit.strip().replace("³", "**3").replace("²", "**2").replace("·", "*")
    text = _DIGIT_POWER.sub(r"\1**\2", text)
    return text if text not in {"1", "-", "fraction"} else "dimensionless"


def _known(text: str) -> bool:
    try:
        registry().Unit(_normalise(text))
    except Exception:  # pint's parser raises many types
        return False
    return True


def _did_you_mean(unit: str) -> str:
    """The likely unit: the same letters in another case (whole, or token by token), else
    the closest common field units."""
    text = unit.strip()
    lower = {u.lower(): u for u in COMMON_UNITS}
    if text.lower() in lower:
        return repr(lower[text.lower()])
    fixed, changed = text, False
    for token in set(_TOKEN.findall(text)):
        if not _known(token) and token.lower() in lower:
            fixed = re.sub(
                rf"(?<![A-Za-z_0-9]){token}(?![A-Za-z_0-9])", lower[token.lower()], fixed
            )
            changed = True
    if changed and _known(fixed):
        return repr(fixed)
    close = difflib.get_close_matches(text, COMMON_UNITS, n=3, cutoff=0.6)
    return " or ".join(repr(c) for c in close)


def _dimension_message(src: pint.Unit, dst: pint.Unit, from_unit: str, to_unit: str) -> str:
    """Why ``from_unit`` does not convert to ``to_unit``; gas volumes at reference
    conditions, and actual volumes given for them, say so in words."""
    gas_src, gas_dst = _gas_volumes(src), _gas_volumes(dst)
    if gas_src != gas_dst and _as_volumes(src) == _as_volumes(dst):
        need = "declare the unit the methodology needs"
        if gas_src and gas_dst:
            return (
                f"a gas volume in {_with_conditions(from_unit, gas_src)} does not convert to "
                f"{_with_conditions(to_unit, gas_dst)} without the gas and its conditions; "
                "convert it with the gas's density at both reference conditions (for CO2, "
                f"ccus.metering.co2_density_at_reference), or {need}"
            )
        if gas_dst:
            return (
                f"a volume in {from_unit!r} has no reference conditions: it does not convert "
                f"to {_with_conditions(to_unit, gas_dst)} without the gas's pressure and "
                f"temperature at the meter; convert it to reference conditions, or {need}"
            )
        return (
            f"a gas volume in {_with_conditions(from_unit, gas_src)} does not convert to "
            f"the actual volume {to_unit!r} without the gas's pressure and temperature; "
            f"{need}"
        )
    hint = ""
    candidates = [
        u
        for u in COMMON_UNITS
        if u.lower() == from_unit.strip().lower() and u != from_unit.strip() and _known(u)
    ]
    for u in candidates:
        if registry().Unit(_normalise(u)).dimensionality == dst.dimensionality:
            hint = f" (did you mean {u!r}?)"
            break
    return (
        f"unit {from_unit!r} has dimension {src.dimensionality}, expected "
        f"{dst.dimensionality} (like {to_unit!r}){hint}"
    )


def _gas_volumes(unit: pint.Unit) -> dict[str, float]:
    dims: dict[str, Any] = dict(unit.dimensionality)
    return {d: float(e) for d, e in dims.items() if d in GAS_VOLUMES}


def _as_volumes(unit: pint.Unit) -> dict[str, float]:
    """Dimensions with every gas volume at reference conditions taken as a volume."""
    out: dict[str, float] = {}
    dims: dict[str, Any] = dict(unit.dimensionality)
    for d, power in dims.items():
        e = float(power)
        if d in GAS_VOLUMES:
            d, e = "[length]", 3 * e
        out[d] = out.get(d, 0) + e
    return {d: e for d, e in out.items() if e != 0}


def _with_conditions(unit: str, gas: dict[str, float]) -> str:
    """``"Nm3 (0 degC, 101.325 kPa)"``, ``"Nm3/h (Nm3 at 0 degC, 101.325 kPa)"``."""
    unit = unit.strip()
    if len(gas) == 1 and GAS_VOLUMES[next(iter(gas))][0] == unit:
        return f"{unit} ({GAS_VOLUMES[next(iter(gas))][1]})"
    conditions = "; ".join(f"{GAS_VOLUMES[d][0]} at {GAS_VOLUMES[d][1]}" for d in gas)
    return f"{unit} ({conditions})"


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
            _dimension_message(src, dst, from_unit, to_unit),
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
            _dimension_message(src, dst, from_unit, to_unit),
            variable=variable,
            where=where,
            rule="unit must have the dimension of the quantity",
        )
    arr = np.asarray(values, dtype=float)
    if src == dst:
        return arr
    return np.asarray(registry().Quantity(arr, src).to(dst).magnitude, dtype=float)

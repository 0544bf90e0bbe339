"""Gas volumes, densities and methane mass, for CDM TOOL06 v04.0 and the methane tools.

Source: CDM methodological tool TOOL06, "Project emissions from flaring", version 04.0
(EB 113, Annex 10; in force 11 March 2022, para. 5), read from the UNFCCC PDF. Every
paragraph (para.), equation (eq.) and table number below is the tool's own; symbols
follow the tool (``V_RG_m`` is V\\ :sub:`RG,m`, ``MM_RG_m`` is MM\\ :sub:`RG,m`).

TOOL06 Step 1 (paras 14-16) delegates the methane mass flow of the residual gas to
"TOOL08: Tool to determine the mass flow of a greenhouse gas in a gaseous stream"
(para. 7). The TOOL08 text is not at hand here: nothing below is quoted from TOOL08.
What this module takes from TOOL06 itself:

- reference conditions, para. 10(h): 0 degC (273.15 K) and 1 atm (101.325 kPa);
  ``T_ref`` 273.15 K and ``P_ref`` 101 325 Pa in Table 1 (:data:`T_REF`, :data:`P_REF`);
- the density of methane at reference conditions, rho_CH4,n = 0.716 kg/m3 (Table 1,
  :data:`RHO_CH4_REF`), used by :func:`methane_mass`;
- eq. (5), mass of the residual gas from its volume and density (:func:`gas_mass`);
- eq. (6), density of the residual gas at reference conditions from its molecular mass
  (:func:`gas_density`, which also evaluates the same ideal-gas law at other conditions);
- eq. (7), molecular mass of the residual gas (:func:`molecular_mass`), with the
  simplification of para. 35(b) and Data/Parameter table 5 ("consider the remaining part
  as N2", :func:`residual_gas_composition`);
- eq. (14), mass fractions of the elements C, H, O, N (:func:`mass_fractions`);
- Table 1 constants (molecular and atomic masses, R_u, VM_ref, v_O2,air);
- Data/Parameter table 9: ppmv x 0.716 = mg/m3 of methane (:func:`concentration_from_ppmv`).

Plain physics, no citation claimed
----------------------------------
- :func:`normalise_volume`: a metered (actual) volume to reference conditions by the ideal
  gas law, V_ref = V x (P / P_ref) x (T_ref / T). TOOL06 defines the reference conditions
  (para. 10(h)) and names a thermodynamics textbook among its references (para. 8(a)),
  but prints no such equation; it is the ideal gas law (p V = n R_u T at constant n).
- :func:`dry_basis_volume` and :func:`dry_basis_fraction`: TOOL06 requires dry-basis
  values (para. 16: "F_CH4,m shall be determined on a dry basis"; Data/Parameter table 5:
  a wet measurement "shall be converted to dry basis") but gives no formula and refers to
  TOOL08 for moisture. The conversion here is the ideal-mixture one from a measured water
  vapour volume fraction x_H2O: V_dry = V_wet x (1 - x_H2O), v_i,dry = v_i,wet / (1 - x_H2O).
- :func:`methane_mass`: F_CH4 = V_ref x v_CH4 x rho_CH4,n, the volume of methane at
  reference conditions times its density there (Table 1). TOOL06 prints no such equation
  (it delegates to TOOL08); it is eq. (5) applied to the methane component alone.

Not implemented
---------------
- The components H2S and NH3 of para. 10(j) and eq. (7): Table 1 gives no molecular mass
  for them (nor an atomic mass of sulphur for eq. (14)); a composition naming them is
  refused. (Data/Parameter table 5 writes "NH4", para. 10(j) and eq. (7) "NH3".)
- Everything TOOL08 itself prescribes (its own equations, its options for flow meters
  measuring mass or volume, its missing-data provisions): not in this text.

Data guards
-----------
Each guard raises :class:`~reductions.errors.MonitoringDataError` (or
:class:`~reductions.errors.ParameterError` for a setting) naming the variable, the first
time (or row) concerned, the value and the rule. Thresholds are few, each a keyword:

- a fraction is in [0, 1]; a declared fraction with values in (1, 100] is reported as a
  likely percentage ("did you declare percent as fraction?");
- an absolute temperature is above 0 K; a temperature declared in K below
  :data:`T_GAS_MIN` (150 K, -123 degC) is reported as a likely degC value (see
  :func:`check_temperature` for why 150 K);
- volumes and flows are not negative; an absolute pressure is not negative, and one
  below :data:`P_ABS_MIN` (50 kPa) is reported as a likely gauge pressure (see
  :func:`check_pressure` for why 50 kPa);
- a missing value (NaN) is an error: TOOL06 has no missing-data rule for Step 1 (the
  efficiency rules of Step 2 have theirs, in :mod:`reductions.tools.flaring`).

Inputs are numpy arrays, scalars or :class:`xarray.DataArray` (results keep the type and
coordinates). A DataArray's ``attrs["units"]`` is converted to the function's unit
(pint, :mod:`reductions.units`); without it the documented unit is assumed.
Everything is vectorised: no Python loop runs over time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..equation import equation
from ..errors import MonitoringDataError, ParameterError, UnitError
from ..units import convert, parse_unit

__all__ = [
    "AM",
    "COMPONENTS",
    "MM",
    "MV_N",
    "NA",
    "PPMV_TO_MG_PER_M3",
    "P_ABS_MIN",
    "P_REF",
    "RHO_CH4_REF",
    "R_U",
    "T_GAS_MIN",
    "T_REF",
    "VM_REF",
    "V_O2_AIR",
    "check_flow",
    "check_fraction",
    "check_pressure",
    "check_temperature",
    "concentration_from_ppmv",
    "dry_basis_fraction",
    "dry_basis_volume",
    "gas_density",
    "gas_mass",
    "mass_fractions",
    "methane_mass",
    "methane_mass_from_mass_fraction",
    "molecular_mass",
    "normalise_volume",
    "residual_gas_composition",
]

DOC = "TOOL06"
VERSION = "04.0"
TOOL06 = "CDM TOOL06 v04.0"

#: Input accepted by the functions: a scalar, a numpy array or an xarray DataArray.
ArrayLike = float | Sequence[float] | np.ndarray | xr.DataArray
#: What they return: a numpy array (0-d for a scalar input) or a DataArray.
Array = np.ndarray | xr.DataArray

# --------------------------------------------------------------------------------------
# Constants of TOOL06 v04.0 (Table 1, "Constants used in equations", and para. 10(h))

#: Temperature at reference conditions [K]: para. 10(h) "0 degC (273.15 K, 32 F)";
#: Table 1, T_ref = 273.15 K.
T_REF = 273.15
#: Atmospheric pressure at reference conditions [Pa]: para. 10(h) "1 atm (101.325 kPa)";
#: Table 1, P_ref = 101 325 Pa.
P_REF = 101_325.0
#: Density of methane gas at reference conditions [kg/m3]: Table 1, rho_CH4,n = 0.716.
RHO_CH4_REF = 0.716
#: Universal ideal gas constant [Pa m3/(kmol K)]. Table 1 prints the numeral 0.008314472
#: with the unit "Pa.m3/kmol.K"; with P_ref in Pa and MM in kg/kmol that numeral makes
#: eq. (6) give densities a million times too large. The numeral is R_u in MPa m3/(kmol K)
#: (= 8314.472 Pa m3/(kmol K)), the only reading consistent with Table 1's own
#: MV_n = 22.414 m3/kmol (8314.472 x 273.15 / 101 325 = 22.414) and rho_CH4,n = 0.716
#: kg/m3 (101 325 x 16.04 / (8314.472 x 273.15) = 0.7156).
R_U = 0.008314472e6
#: Volume of one mole of any ideal gas at reference temperature and pressure [m3/kmol]:
#: Table 1, VM_ref = 22.4 (used by eqs. (9)-(11)).
VM_REF = 22.4
#: Volume of one mole of any ideal gas at reference conditions [m3/kmol]: Table 1,
#: MV_n = 22.414. Table 1 lists both; the equations use VM_ref (:data:`VM_REF`).
MV_N = 22.414
#: O2 volumetric fraction of air [-]: Table 1, v_O2,air = 0.21.
V_O2_AIR = 0.21
#: Molecular masses [kg/kmol]: Table 1 (MM_CH4 ... MM_N2), as printed.
MM: Mapping[str, float] = {
    "CH4": 16.04,
    "CO": 28.01,
    "CO2": 44.01,
    "O2": 32.00,
    "H2": 2.02,
    "N2": 28.02,
}
#: Atomic masses [kg/kmol]: Table 1 (AM_C, AM_H, AM_O, AM_N), as printed.
AM: Mapping[str, float] = {"C": 12.00, "H": 1.01, "O": 16.00, "N": 14.01}
#: Number of atoms of element j in component i (NA_j,i, Table 1 "depending on molecular
#: structure"), from the chemical formulae of the components of para. 10(j).
NA: Mapping[str, Mapping[str, int]] = {
    "CH4": {"C": 1, "H": 4},
    "CO": {"C": 1, "O": 1},
    "CO2": {"C": 1, "O": 2},
    "O2": {"O": 2},
    "H2": {"H": 2},
    "N2": {"N": 2},
}
#: Residual gas components this module can weigh (para. 10(j) less H2S and NH3, which
#: have no molecular mass in Table 1).
COMPONENTS = tuple(MM)
#: Methane, ppmv to mg/m3 at reference conditions [mg/m3 per ppmv]: Data/Parameter
#: table 9, "To convert from ppmv to mg/m3 simply multiply by 0.716".
PPMV_TO_MG_PER_M3 = 0.716

# --------------------------------------------------------------------------------------
# Plausibility thresholds of the data guards (not TOOL06 values; reasons in the docs)

#: Lowest plausible temperature of a residual gas stream [K] (:func:`check_temperature`).
T_GAS_MIN = 150.0
#: Lowest plausible absolute pressure of a residual gas line [Pa] (:func:`check_pressure`).
P_ABS_MIN = 50_000.0


def _rule(where: str) -> str:
    return f"{TOOL06} {where}"


# --------------------------------------------------------------------------------------
# Helpers shared with reductions.tools.flaring


def _fmt(value: Any) -> str:
    if isinstance(value, np.datetime64 | pd.Timestamp):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def _locate(x: Any, mask: Any) -> str:
    """Where the first True of ``mask`` is: ``time 2024-01-01T00:03:00`` for a DataArray,
    ``row 3`` (1-D) or ``index (2, 3)`` for a numpy array, ``value`` for a scalar."""
    m = np.asarray(mask.values if isinstance(mask, xr.DataArray) else mask, dtype=bool)
    if m.ndim == 0:
        return "value"
    if isinstance(x, xr.DataArray) and not isinstance(mask, xr.DataArray) and x.shape == m.shape:
        mask = x.copy(data=m)
    idx = np.argwhere(m)[0]
    if isinstance(mask, xr.DataArray):
        parts = []
        for dim, i in zip(mask.dims, idx, strict=True):
            if dim in mask.coords:
                parts.append(f"{dim} {_fmt(mask[dim].values[i])}")
            else:
                parts.append(f"{dim} index {int(i)}")
        return ", ".join(parts)
    if m.ndim == 1:
        return f"row {int(idx[0])}"
    return f"index {tuple(int(i) for i in idx)}"


def _first_value(x: Any, mask: Any) -> Any:
    values = np.asarray(x.values if isinstance(x, xr.DataArray) else x)
    m = np.asarray(mask.values if isinstance(mask, xr.DataArray) else mask, dtype=bool)
    if values.shape != m.shape:
        values = np.broadcast_to(values, m.shape)
    v = values[tuple(np.argwhere(m)[0])] if m.ndim else values[()]
    return v.item() if isinstance(v, np.generic) else v


def _refuse(
    x: Any,
    bad: Any,
    message: str,
    *,
    variable: str,
    rule: str,
    error: type[MonitoringDataError] | type[ParameterError] = MonitoringDataError,
) -> None:
    """Raise ``error`` at the first element where ``bad`` holds, ``{value}`` in
    ``message`` replaced by the value there; nothing if ``bad`` holds nowhere."""
    m = np.asarray(bad.values if isinstance(bad, xr.DataArray) else bad, dtype=bool)
    if m.any():
        value = _first_value(x, bad)
        raise error(
            message.format(value=value), variable=variable, where=_locate(x, bad), rule=rule
        )


def _declared(x: Any, unit: str | None) -> str | None:
    """The unit of ``x``: its ``attrs["units"]`` if a DataArray has one, else ``unit``."""
    if isinstance(x, xr.DataArray) and x.attrs.get("units") not in (None, ""):
        return str(x.attrs["units"])
    return unit


def _data(x: Any) -> np.ndarray:
    """The values of ``x`` as a numpy array, without a copy."""
    return np.asarray(x.values if isinstance(x, xr.DataArray) else x)


@lru_cache(maxsize=256)
def _affine(unit: str, to: str, variable: str) -> tuple[float, float] | None:
    """``(scale, offset)`` when pint converts ``unit`` to ``to`` as ``x * scale`` (offset
    0) or ``x + offset`` (scale 1: degC <-> K); ``None`` for any other conversion (degF),
    which pint then applies itself. Read from pint on the scalars 0 and 1, so that numpy
    applies the same arithmetic pint applies to an array (same result to the last bit)."""
    zero, one = (float(v) for v in convert(np.array([0.0, 1.0]), unit, to, variable=variable))
    if zero == 0.0:
        return one, 0.0
    if one - zero == 1.0:
        return 1.0, zero
    return None


def _convert(arr: np.ndarray, unit: str, to: str, *, variable: str) -> np.ndarray:
    """``arr`` (floats) from ``unit`` to ``to``: one pass over the values, no pint on the
    array (the input is never written to; with nothing to convert it is returned)."""
    if unit == to:
        return arr
    affine = _affine(unit, to, variable)
    if affine is None:
        return convert(arr, unit, to, variable=variable)
    scale, offset = affine
    if offset != 0.0:
        return np.asarray(arr + offset, dtype=float)
    return arr if scale == 1.0 else np.asarray(arr * scale, dtype=float)


def _floats(x: Any, variable: str) -> np.ndarray:
    try:
        return np.asarray(x.values if isinstance(x, xr.DataArray) else x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise MonitoringDataError(
            f"values are not numbers ({exc})", variable=variable, rule="numeric data"
        ) from None


def _values(x: ArrayLike, *, variable: str, unit: str | None, to: str | None) -> Array:
    """``x`` as floats in ``to`` (converted from its declared unit); same type as given.

    No copy is made when there is nothing to convert (a DataArray comes back as a new
    DataArray on the same values): callers never write into the result.
    """
    declared = _declared(x, unit)
    arr = _floats(x, variable)
    if to is not None and declared is not None:
        arr = _convert(arr, declared, to, variable=variable)
    return _like(x, arr, to)


def _like(x: Any, values: np.ndarray, unit: str | None) -> Array:
    """``values`` as ``x`` came: a DataArray on its coordinates (``attrs["units"]`` set to
    ``unit`` when given), else the numpy array."""
    if isinstance(x, xr.DataArray):
        da = x.copy(deep=False, data=values)
        da.attrs = {**x.attrs, **({"units": unit} if unit is not None else {})}
        return da
    return values


def _extremes(arr: np.ndarray, allow_missing: bool) -> tuple[float, float]:
    """Smallest and largest value (NaN if any value is NaN, unless ``allow_missing``:
    then of the values present); one pass each, no temporary array."""
    if arr.size == 0:
        return 0.0, 0.0
    if allow_missing:
        return float(np.fmin.reduce(arr, axis=None)), float(np.fmax.reduce(arr, axis=None))
    return float(np.min(arr)), float(np.max(arr))


def _refuse_missing(x: Any, *, variable: str, rule: str) -> None:
    _refuse(
        x,
        np.isnan(_floats(x, variable)),
        "value is missing (NaN)",
        variable=variable,
        rule=rule,
    )


def _where(cond: Any, a: Any, b: Any) -> Any:
    """``xr.where`` that keeps numpy in, numpy out (and DataArray in, DataArray out)."""
    return xr.where(cond, a, b, keep_attrs=False)


_NO_RULE = _rule("paras 14-16 (Step 1, via TOOL08): TOOL06 gives no missing-data rule")


# --------------------------------------------------------------------------------------
# Data guards


def check_fraction(
    x: ArrayLike,
    *,
    variable: str = "v_CH4_RG_m",
    unit: str | None = "fraction",
    allow_missing: bool = False,
) -> Array:
    """A volume (or mass) fraction, checked and returned as a fraction. [m3/m3]

    Parameters
    ----------
    x
        The fraction; a DataArray's ``attrs["units"]`` (``"percent"``, ``"ppm"``,
        ``"fraction"``, ``"1"``) is its declared unit, else ``unit``.
    variable
        Its name, for messages.
    unit
        Declared unit of a value without ``attrs["units"]``. [-]
    allow_missing
        Let NaN through (for a caller that applies a missing-data rule of its own).

    Returns
    -------
    The values as fractions in [0, 1]. [-]

    Raises
    ------
    MonitoringDataError
        A negative value; a value above 1 (above 100 %). When a value declared as a
        fraction lies in (1, 100] the message asks "did you declare percent as
        fraction?": a fraction cannot exceed 1, a percentage of a gas component is at
        most 100, so such a series is almost surely percent data with the wrong unit.
        A missing value, unless ``allow_missing``.
    UnitError
        The declared unit is not dimensionless.

    Notes
    -----
    TOOL06 v04.0 defines its fractions as volumetric fractions (Data/Parameter table 5,
    v_i,RG,m, unit "-"), which a sum over components (eq. (7)) bounds by 1.

    Examples
    --------
    >>> check_fraction([50.0, 55.0], unit="percent")
    array([0.5 , 0.55])
    """
    declared = _declared(x, unit) or "fraction"
    parsed = parse_unit(declared, variable=variable)
    if not parsed.dimensionless:
        raise UnitError(
            f"unit {declared!r} is not a fraction (dimensionless, percent or ppm)",
            variable=variable,
            rule="a volume or mass fraction is dimensionless",
        )
    raw = _floats(x, variable)
    values = _convert(raw, declared, "dimensionless", variable=variable)
    lo, hi = _extremes(values, allow_missing)
    if not (lo >= 0.0 and hi <= 1.0):  # a value out of [0, 1], or missing: find which
        _fraction_errors(x, values, declared, variable=variable, allow_missing=allow_missing)
    return _like(x, values, "1")


def _fraction_errors(
    x: Any, values: np.ndarray, declared: str, *, variable: str, allow_missing: bool
) -> None:
    """The errors of :func:`check_fraction`, in order, once a value is known to be bad."""
    if not allow_missing:
        _refuse_missing(x, variable=variable, rule=_rule("Data/Parameter table 5: v_i,RG,m"))
    _refuse(
        x,
        values < 0,
        "fraction is negative ({value})",
        variable=variable,
        rule="a fraction is in [0, 1]",
    )
    is_fraction = parse_unit(declared, variable=variable) == parse_unit(
        "dimensionless", variable=variable
    )
    if is_fraction:
        _refuse(
            x,
            (values > 1) & (values <= 100),
            "value {value} is above 1 for a variable declared as a fraction: "
            "did you declare percent as fraction?",
            variable=variable,
            rule="a fraction is in [0, 1]; a percentage is at most 100",
        )
    _refuse(
        x,
        values > 1,
        f"value {{value}} (declared {declared!r}) is above 1 (100 %)",
        variable=variable,
        rule="a fraction is in [0, 1]",
    )


def check_temperature(
    T: ArrayLike,
    *,
    variable: str = "T",
    unit: str | None = "K",
    minimum: float = T_GAS_MIN,
    allow_missing: bool = False,
) -> Array:
    """An absolute temperature of a gas stream, checked and returned in K. [K]

    Parameters
    ----------
    T
        Temperature; a DataArray's ``attrs["units"]`` (``"K"``, ``"degC"``, ``"degF"``) is
        its declared unit, else ``unit``.
    variable
        Its name, for messages.
    unit
        Declared unit of a value without ``attrs["units"]``.
    minimum
        Lowest plausible temperature of the stream. [K]
    allow_missing
        Let NaN through.

    Returns
    -------
    The temperature in kelvin. [K]

    Raises
    ------
    MonitoringDataError
        A value at or below absolute zero; a value below ``minimum``. Declared in K, the
        message asks "did you declare degC as K?".

    Notes
    -----
    Why 150 K (-123 degC): the residual gas of TOOL06 (landfill gas, biogas, coal mine
    methane; para. 3(b)) is carried in pipes at about ambient temperature. A gas stream
    at 150 K would be a cryogenic process (methane itself liquefies near 112 K at 1 atm),
    which no flaring project runs. Any gas-line temperature in degC (a few tens of
    degrees, at most a few hundred for an exhaust) read as kelvin falls below 150, while
    every real stream read in kelvin lies far above it: the threshold separates the two
    with margin on both sides.

    Examples
    --------
    >>> check_temperature([25.0, 30.0], unit="degC")
    array([298.15, 303.15])
    """
    declared = _declared(T, unit) or "K"
    values = _convert(_floats(T, variable), declared, "K", variable=variable)
    lo, _ = _extremes(values, allow_missing)
    if not (lo > 0 and lo >= minimum):  # too cold, or missing: find which, in order
        if not allow_missing:
            _refuse_missing(T, variable=variable, rule="a temperature is measured in every row")
        _refuse(
            T,
            values <= 0,
            f"temperature {{value}} {declared} is at or below absolute zero",
            variable=variable,
            rule="an absolute temperature is above 0 K",
        )
        hint = ": did you declare degC as K?" if declared == "K" else ""
        _refuse(
            T,
            values < minimum,
            f"temperature {{value}} {declared} is below {minimum:g} K, not a gas-stream "
            f"temperature{hint}",
            variable=variable,
            rule=f"a gas stream is above {minimum:g} K (-123 degC): colder is cryogenic",
        )
    return _like(T, values, "K")


def check_pressure(
    P: ArrayLike,
    *,
    variable: str = "P",
    unit: str | None = "Pa",
    minimum: float = P_ABS_MIN,
    allow_missing: bool = False,
) -> Array:
    """An absolute pressure of a gas stream, checked and returned in Pa. [Pa]

    Parameters
    ----------
    P
        Absolute pressure; a DataArray's ``attrs["units"]`` (``"Pa"``, ``"kPa"``,
        ``"bar"``, ``"mbar"``, ``"psi"``, ``"atm"``) is its declared unit, else ``unit``.
    variable
        Its name, for messages.
    unit
        Declared unit of a value without ``attrs["units"]``.
    minimum
        Lowest plausible absolute pressure. [Pa]
    allow_missing
        Let NaN through.

    Returns
    -------
    The absolute pressure in pascal. [Pa]

    Raises
    ------
    MonitoringDataError
        A negative value; a value below ``minimum``, with "did you give a gauge pressure
        as absolute?".

    Notes
    -----
    Why 50 kPa: the ideal-gas normalisation needs the absolute pressure. Half an
    atmosphere is below the air pressure of any inhabited site (about 54 kPa at 5 000 m
    in the standard atmosphere), and the blowers of a landfill or biogas system hold the
    gas line within a few kPa of ambient. Gauge pressures of such lines are a few kPa
    (tens at most), far below 50 kPa. A value below it is a gauge reading declared as
    absolute, or a wrong unit.

    Examples
    --------
    >>> check_pressure([101.325], unit="kPa")
    array([101325.])
    """
    declared = _declared(P, unit) or "Pa"
    values = _convert(_floats(P, variable), declared, "Pa", variable=variable)
    lo, _ = _extremes(values, allow_missing)
    if not (lo >= 0 and lo >= minimum):  # too low, or missing: find which, in order
        if not allow_missing:
            _refuse_missing(P, variable=variable, rule="a pressure is measured in every row")
        _refuse(
            P,
            values < 0,
            f"pressure {{value}} {declared} is negative",
            variable=variable,
            rule="an absolute pressure is not negative",
        )
        _refuse(
            P,
            values < minimum,
            f"absolute pressure {{value}} {declared} is below {minimum / 1000:g} kPa: "
            "did you give a gauge pressure as absolute?",
            variable=variable,
            rule=f"an absolute gas-line pressure is above {minimum / 1000:g} kPa "
            "(half an atmosphere)",
        )
    return _like(P, values, "Pa")


def check_flow(
    V: ArrayLike,
    *,
    variable: str = "V_RG_m",
    unit: str | None = None,
    to: str | None = None,
    allow_missing: bool = False,
) -> Array:
    """A volume, mass or flow, checked (not negative, not missing) and converted.

    Parameters
    ----------
    V
        The values; a DataArray's ``attrs["units"]`` is its declared unit, else ``unit``.
    variable
        Its name, for messages.
    unit, to
        Declared unit, and the unit to convert to (no conversion when either is None).
    allow_missing
        Let NaN through.

    Raises
    ------
    MonitoringDataError
        A negative value; a missing one unless ``allow_missing``.

    Examples
    --------
    >>> check_flow([1.0, 2.0], unit="m3/min", to="m3/h")
    array([ 60., 120.])
    """
    declared = _declared(V, unit)
    values = _floats(V, variable)
    if to is not None and declared is not None:
        values = _convert(values, declared, to, variable=variable)
    lo, _ = _extremes(values, allow_missing)
    if not lo >= 0:  # a negative or missing value: find which, in order
        if not allow_missing:
            _refuse_missing(V, variable=variable, rule=_NO_RULE)
        _refuse(
            _like(V, values, to),
            values < 0,
            "value {value} is negative",
            variable=variable,
            rule="a gas volume, mass or flow is not negative",
        )
    return _like(V, values, to)


# --------------------------------------------------------------------------------------
# Volumes at reference conditions, dry basis

_ACTUAL_M3 = re.compile(r"(?<![A-Za-z_0-9])m(\*\*3|3|³)(?![A-Za-z_0-9])")


def _reference_unit(unit: str | None, T_ref: float, P_ref: float) -> str | None:
    """``m3/min`` -> ``Nm3/min`` when the reference is TOOL06's (0 degC, 101.325 kPa)."""
    if unit is None or not (T_ref == T_REF and P_ref == P_REF):
        return None
    new = _ACTUAL_M3.sub("Nm3", unit)
    return new if new != unit else None


@equation(
    DOC,
    VERSION,
    "para. 10(h)",
    returns=("V_ref", "m3"),
    text="V_ref = V x (P / P_ref) x (T_ref / T)  (ideal gas law; reference conditions "
    "of para. 10(h))",
)
def normalise_volume(
    V: ArrayLike, T: ArrayLike, P: ArrayLike, *, T_ref: float = T_REF, P_ref: float = P_REF
) -> Array:
    """Metered volume (or volume flow) at reference conditions. [m3]

    Parameters
    ----------
    V
        Volume (or volume flow) at the measured temperature and pressure. [m3]
    T
        Gas temperature at the meter (DataArray ``attrs["units"]`` honoured). [K]
    P
        Absolute gas pressure at the meter (DataArray ``attrs["units"]`` honoured). [Pa]
    T_ref, P_ref
        Reference temperature and pressure: TOOL06 para. 10(h), 273.15 K and
        101 325 Pa. [K], [Pa]

    Returns
    -------
    The volume at reference conditions, in the volume unit of ``V`` (m3 of gas at 0 degC
    and 101.325 kPa when ``V`` is in m3: Nm3). A DataArray with ``attrs["units"]`` in
    actual m3 comes back in Nm3 (reference conditions of TOOL06 only). [m3]

    Notes
    -----
    .. math:: V_{ref} = V \\frac{P}{P_{ref}} \\frac{T_{ref}}{T}

    The ideal gas law at constant amount of gas; TOOL06 v04.0 para. 10(h) defines the
    reference conditions and para. 8(a) cites the thermodynamics it rests on, but the
    tool prints no equation for the normalisation.

    Raises
    ------
    MonitoringDataError
        From :func:`check_flow`, :func:`check_temperature`, :func:`check_pressure`.

    Examples
    --------
    >>> round(float(normalise_volume(1.0, 298.15, 101_325.0)), 6)  # 273.15 / 298.15
    0.91615
    """
    if not (T_ref > 0 and P_ref > 0):
        raise ParameterError(
            f"reference conditions must be positive (T_ref={T_ref} K, P_ref={P_ref} Pa)",
            variable="T_ref" if not T_ref > 0 else "P_ref",
            rule=_rule("para. 10(h)"),
        )
    vol = check_flow(V, variable="V")
    T_K = check_temperature(T, variable="T")
    P_Pa = check_pressure(P, variable="P")
    out: Any
    if any(isinstance(x, xr.DataArray) for x in (vol, T_K, P_Pa)) or np.shape(P_Pa) != (
        np.broadcast_shapes(np.shape(vol), np.shape(T_K), np.shape(P_Pa))
    ):
        out = vol * (P_Pa / P_ref) * (T_ref / T_K)
    else:
        # vol x (P / P_ref) x (T_ref / T), the same products in the same order, on two
        # new arrays (a product of two numbers does not depend on their order).
        out = np.divide(P_Pa, P_ref)
        out *= vol
        out *= np.divide(T_ref, T_K)
    if isinstance(out, xr.DataArray):
        unit = _reference_unit(_declared(V, None), T_ref, P_ref)
        out.attrs = {"reference_conditions": f"{T_ref:g} K, {P_ref:g} Pa"}
        if unit is not None:
            out.attrs["units"] = unit
    return out


def dry_basis_volume(V: ArrayLike, x_H2O: ArrayLike) -> Array:
    """Dry-basis volume of a wet gas from its water vapour volume fraction. [m3]

    Parameters
    ----------
    V
        Volume (or volume flow) of the wet gas. [m3]
    x_H2O
        Volume (mole) fraction of water vapour in the wet gas. [m3/m3]

    Returns
    -------
    ``V x (1 - x_H2O)``, the volume of the gas without its water vapour. [m3]

    Notes
    -----
    TOOL06 v04.0 asks for dry-basis values (para. 16; Data/Parameter tables 5-9) and
    refers to TOOL08 for moisture; TOOL08 is not quoted here. This is the ideal-mixture
    relation (Dalton/Amagat: each component's share of the volume is its mole fraction),
    plain physics, not a TOOL06 equation.

    Examples
    --------
    >>> float(dry_basis_volume(100.0, 0.05))
    95.0
    """
    vol = check_flow(V, variable="V")
    x = check_fraction(x_H2O, variable="x_H2O")
    _refuse(
        x,
        x >= 1,
        "water vapour fraction {value} leaves no dry gas",
        variable="x_H2O",
        rule="the dry basis needs x_H2O < 1",
    )
    return vol * (1 - x)


def dry_basis_fraction(v_wet: ArrayLike, x_H2O: ArrayLike, *, variable: str = "v_i") -> Array:
    """Dry-basis volume fraction of a component measured on a wet basis. [m3/m3]

    Parameters
    ----------
    v_wet
        Volume fraction of the component in the wet gas. [m3/m3]
    x_H2O
        Volume fraction of water vapour in the wet gas. [m3/m3]
    variable
        Name of the component fraction, for messages.

    Returns
    -------
    ``v_wet / (1 - x_H2O)``. [m3/m3]

    Notes
    -----
    Data/Parameter table 5 of TOOL06 v04.0: "If the value is made on a wet basis, then it
    shall be converted to dry basis for reporting"; the tool gives no formula. This is
    the ideal-mixture relation, plain physics, not a TOOL06 equation.

    Examples
    --------
    >>> float(dry_basis_fraction(0.475, 0.05))
    0.5
    """
    v = check_fraction(v_wet, variable=variable)
    x = check_fraction(x_H2O, variable="x_H2O")
    _refuse(
        x,
        x >= 1,
        "water vapour fraction {value} leaves no dry gas",
        variable="x_H2O",
        rule="the dry basis needs x_H2O < 1",
    )
    out = v / (1 - x)
    _refuse(
        v,
        out > 1 + 1e-12,
        "wet fraction {value} and the water vapour fraction sum above 1",
        variable=variable,
        rule="v_i,wet + x_H2O <= 1",
    )
    return out


# --------------------------------------------------------------------------------------
# Composition, molecular mass, density (TOOL06 Step 2.3 and eqs (6), (7), (14))


def _composition(v: Mapping[str, ArrayLike]) -> dict[str, Array]:
    if not isinstance(v, Mapping) or not v:
        raise ParameterError(
            "the composition must be a mapping of component -> volume fraction",
            variable="v_i_RG_m",
            rule=_rule("eq. (7): i = CH4, CO, CO2, O2, H2, H2S, NH3, N2"),
        )
    out = {}
    for name, frac in v.items():
        if name not in MM:
            why = (
                "Table 1 gives no molecular mass for it"
                if name in ("H2S", "NH3", "NH4")
                else f"known components: {', '.join(COMPONENTS)}"
            )
            raise ParameterError(
                f"component {name!r} cannot be weighed: {why}",
                variable=f"v_{name}_RG_m",
                rule=_rule("eq. (7), Table 1"),
            )
        out[name] = check_fraction(frac, variable=f"v_{name}_RG_m")
    return out


def residual_gas_composition(
    v: Mapping[str, ArrayLike], *, tolerance: float = 1e-6
) -> dict[str, Array]:
    """Dry composition of the residual gas, the unmeasured rest taken as N2. [m3/m3]

    Parameters
    ----------
    v
        Measured volume fractions on a dry basis, by component (``{"CH4": ...}``, or
        ``{"CH4": ..., "CO": ..., "CO2": ...}``). [m3/m3]
    tolerance
        How far above 1 the measured fractions may sum (analyser rounding); the rest is
        then taken as 0. [m3/m3]

    Returns
    -------
    The fractions with ``"N2"`` = 1 - sum of the others (when N2 is not measured). [m3/m3]

    Notes
    -----
    TOOL06 v04.0 para. 35(b) and para. 37(b): "measure the volumetric fraction of methane
    and consider the difference to 100% as being nitrogen (N2)"; Data/Parameter table 5:
    "project participants may only measure the content CH4, CO and CO2 of the residual
    gas and consider the remaining part as N2".

    Raises
    ------
    MonitoringDataError
        The measured fractions sum above 1 + ``tolerance`` in some minute.

    Examples
    --------
    >>> {k: float(x) for k, x in residual_gas_composition({"CH4": 0.5}).items()}
    {'CH4': 0.5, 'N2': 0.5}
    """
    comp = _composition(v)
    if "N2" in comp:
        return comp
    total: Any = sum(comp.values())
    _refuse(
        total,
        total > 1 + tolerance,
        "measured volume fractions sum to {value}, above 1",
        variable="v_i_RG_m",
        rule=_rule("para. 35(b), Data/Parameter table 5: the rest to 100 % is N2"),
    )
    rest = 1 - total
    comp["N2"] = _where(rest < 0, 0.0, rest)
    return comp


@equation(
    DOC,
    VERSION,
    "eq. (7)",
    returns=("MM_RG_m", "kg/kmol"),
    text="MM_RG,m = sum_i (v_i,RG,m x MM_i)",
)
def molecular_mass(v_i_RG_m: Mapping[str, ArrayLike]) -> Array:
    """Molecular mass of the residual gas in the minute m. [kg/kmol]

    Parameters
    ----------
    v_i_RG_m
        Volume fractions of the components on a dry basis (``{"CH4": ..., "N2": ...}``;
        see :func:`residual_gas_composition` for the simplification of para. 35(b)).
        [m3/m3]

    Returns
    -------
    MM_RG,m. [kg/kmol]

    Notes
    -----
    .. math:: MM_{RG,m} = \\sum_i v_{i,RG,m} \\, MM_i

    Eq. (7) of TOOL06 v04.0 (para. 35), MM_i from Table 1.

    Examples
    --------
    >>> float(molecular_mass({"CH4": 0.5, "N2": 0.5}))
    22.03
    """
    comp = _composition(v_i_RG_m)
    total: Any = sum(frac * MM[name] for name, frac in comp.items())
    return total


@equation(
    DOC,
    VERSION,
    "eq. (6)",
    returns=("rho_RG_ref_m", "kg/m3"),
    text="rho_RG,ref,m = P_ref / ((R_u / MM_RG,m) x T_ref)",
)
def gas_density(MM_RG_m: ArrayLike, T: ArrayLike = T_REF, P: ArrayLike = P_REF) -> Array:
    """Density of the residual gas (ideal gas), at reference conditions by default. [kg/m3]

    Parameters
    ----------
    MM_RG_m
        Molecular mass of the gas. [kg/kmol]
    T
        Temperature; T_ref = 273.15 K (Table 1) by default. [K]
    P
        Absolute pressure; P_ref = 101 325 Pa (Table 1) by default. [Pa]

    Returns
    -------
    rho_RG,ref,m at the default T, P; the density at (T, P) otherwise. [kg/m3]

    Notes
    -----
    .. math:: \\rho_{RG,ref,m} = \\frac{P_{ref}}{(R_u / MM_{RG,m}) \\, T_{ref}}

    Eq. (6) of TOOL06 v04.0 (para. 34), with R_u = 8314.472 Pa m3/(kmol K) (see
    :data:`R_U` on the unit printed in Table 1). At other conditions the same ideal gas
    law with (T, P) in place of (T_ref, P_ref).

    Examples
    --------
    >>> round(float(gas_density(16.04)), 4)  # Table 1 rounds it to 0.716
    0.7156
    """
    mm = check_flow(MM_RG_m, variable="MM_RG_m")
    T_K = check_temperature(T, variable="T")
    P_Pa = check_pressure(P, variable="P")
    return P_Pa * mm / (R_U * T_K)


@equation(
    DOC,
    VERSION,
    "eq. (5)",
    returns=("M_RG_m", "kg"),
    text="M_RG,m = rho_RG,ref,m x V_RG,m",
)
def gas_mass(rho_RG_ref_m: ArrayLike, V_RG_m: ArrayLike) -> Array:
    """Mass of the residual gas on a dry basis in the minute m. [kg]

    Parameters
    ----------
    rho_RG_ref_m
        Density of the residual gas at reference conditions (eq. (6)). [kg/m3]
    V_RG_m
        Volume of the residual gas on a dry basis at reference conditions in the
        minute m. [m3]

    Returns
    -------
    M_RG,m. [kg]

    Notes
    -----
    .. math:: M_{RG,m} = \\rho_{RG,ref,m} \\, V_{RG,m}

    Eq. (5) of TOOL06 v04.0 (para. 34).

    Examples
    --------
    >>> float(gas_mass(1.0, 2.0))
    2.0
    """
    rho = check_flow(rho_RG_ref_m, variable="rho_RG_ref_m")
    vol = check_flow(V_RG_m, variable="V_RG_m", unit=_declared(V_RG_m, None), to=None)
    return rho * vol


@equation(
    DOC,
    VERSION,
    "eq. (14)",
    returns=("MF_j_RG_m", "1"),
    text="MF_j,RG,m = sum_i (v_i,RG,m x AM_j x NA_j,i) / MM_RG,m",
)
def mass_fractions(v_i_RG_m: Mapping[str, ArrayLike]) -> dict[str, Array]:
    """Mass fractions of the elements C, H, O and N in the residual gas. [kg/kg]

    Parameters
    ----------
    v_i_RG_m
        Volume fractions of the components on a dry basis. [m3/m3]

    Returns
    -------
    ``{"C": MF_C,RG,m, "H": ..., "O": ..., "N": ...}``. [kg/kg]

    Notes
    -----
    .. math:: MF_{j,RG,m} = \\frac{\\sum_i v_{i,RG,m} \\, AM_j \\, NA_{j,i}}{MM_{RG,m}}

    Eq. (14) of TOOL06 v04.0 (para. 37), AM_j from Table 1, MM_RG,m from eq. (7). Table 1
    rounds MM_i and AM_j separately (MM_CO2 = 44.01, AM_C + 2 AM_O = 44.00), so the four
    fractions may sum to 1 within about 1e-3, not exactly.

    Examples
    --------
    >>> mf = mass_fractions({"CH4": 1.0})
    >>> round(float(mf["C"]), 4), round(float(mf["H"]), 4)
    (0.7481, 0.2519)
    """
    comp = _composition(v_i_RG_m)
    mm = molecular_mass(comp)
    _refuse(
        mm,
        mm <= 0,
        "molecular mass of the residual gas is {value} (no component)",
        variable="MM_RG_m",
        rule=_rule("eq. (14) divides by MM_RG,m"),
    )
    out: dict[str, Array] = {}
    for j, am in AM.items():
        total: Any = sum(frac * am * NA[name].get(j, 0) for name, frac in comp.items())
        out[j] = total / mm
    return out


# --------------------------------------------------------------------------------------
# Methane


def _reference_volume(V_ref: ArrayLike, variable: str) -> Array:
    declared = _declared(V_ref, None)
    if declared is not None:
        unit = parse_unit(declared, variable=variable)
        if unit.dimensionality == parse_unit("m3", variable=variable).dimensionality:
            raise UnitError(
                f"{declared!r} is an actual volume; give the volume at reference conditions "
                "(normalise_volume) in Nm3",
                variable=variable,
                rule=_rule("paras 10(h), 16: volumes on a dry basis at reference conditions"),
            )
        return check_flow(V_ref, variable=variable, unit=declared, to="Nm3")
    return check_flow(V_ref, variable=variable)


@equation(
    DOC,
    VERSION,
    "para. 16, Table 1",
    returns=("F_CH4_RG_m", "kg"),
    text="F_CH4,RG,m = V_RG,m x v_CH4,RG,m x rho_CH4,n  (rho_CH4,n = 0.716 kg/m3, Table 1)",
)
def methane_mass(V_ref: ArrayLike, w_CH4: ArrayLike, rho_CH4_ref: float = RHO_CH4_REF) -> Array:
    """Mass of methane in a volume of gas at reference conditions, per minute. [kg]

    Parameters
    ----------
    V_ref
        Volume of the gas on a dry basis at reference conditions (0 degC, 101.325 kPa)
        in the minute (V_RG,m). A DataArray with ``attrs["units"]`` must be in Nm3 (or
        kNm3...); an actual volume (m3) is refused. [m3]
    w_CH4
        Volume fraction of methane on a dry basis (v_CH4,RG,m; a DataArray with
        ``attrs["units"] = "percent"`` is converted). [m3/m3]
    rho_CH4_ref
        Density of methane at reference conditions: TOOL06 Table 1, rho_CH4,n =
        0.716. [kg/m3]

    Returns
    -------
    F_CH4,RG,m, methane in kilograms (divide by 1000 for tonnes). [kg]

    Notes
    -----
    .. math:: F_{CH4,RG,m} = V_{RG,m} \\, v_{CH4,RG,m} \\, \\rho_{CH4,n}

    TOOL06 v04.0 para. 16 asks for the mass of methane in kilograms fed to the flare in
    minute m, on a dry basis, and delegates its determination to TOOL08 (para. 14), which
    is not quoted here. The product is eq. (5) (mass = density x volume) applied to the
    methane in the gas, with rho_CH4,n of Table 1.

    Examples
    --------
    >>> float(methane_mass(100.0, 0.5))  # 100 m3 x 0.5 x 0.716 kg/m3
    35.8
    """
    if not rho_CH4_ref > 0:
        raise ParameterError(
            f"methane density {rho_CH4_ref} is not positive",
            variable="rho_CH4_ref",
            rule=_rule("Table 1: rho_CH4,n = 0.716 kg/m3"),
        )
    vol = _reference_volume(V_ref, "V_ref")
    frac = check_fraction(w_CH4, variable="w_CH4")
    out = vol * frac
    if isinstance(out, xr.DataArray):
        out = out * rho_CH4_ref
        out.attrs = {"units": "kg"}
        return out
    out *= rho_CH4_ref  # a new array: multiplied in place
    return out


@equation(
    DOC,
    VERSION,
    "para. 16",
    returns=("F_CH4_RG_m", "kg"),
    text="F_CH4,RG,m = M_RG,m x MF_CH4,RG,m",
)
def methane_mass_from_mass_fraction(M_RG_m: ArrayLike, MF_CH4: ArrayLike) -> Array:
    """Mass of methane from the mass of the gas and its methane mass fraction. [kg]

    Parameters
    ----------
    M_RG_m
        Mass of the residual gas on a dry basis in the minute m (measured, or eq. (5)). [kg]
    MF_CH4
        Mass fraction of methane in the dry gas. [kg/kg]

    Returns
    -------
    F_CH4,RG,m. [kg]

    Notes
    -----
    The definition of a mass fraction; TOOL06 v04.0 para. 16 (methane in kilograms fed to
    the flare in the minute m, dry basis) and Data/Parameter table 7 (M_RG,m measured
    directly). No TOOL06 equation is claimed.

    Examples
    --------
    >>> float(methane_mass_from_mass_fraction(100.0, 0.4))
    40.0
    """
    mass = check_flow(M_RG_m, variable="M_RG_m", unit=_declared(M_RG_m, None), to="kg")
    frac = check_fraction(MF_CH4, variable="MF_CH4")
    out = mass * frac
    if isinstance(out, xr.DataArray):
        out.attrs = {"units": "kg"}
    return out


def concentration_from_ppmv(ppmv: ArrayLike) -> Array:
    """Methane concentration in mg/m3 from a reading in ppmv. [mg/m3]

    Parameters
    ----------
    ppmv
        Methane in the exhaust gas, parts per million by volume. [ppmv]

    Returns
    -------
    fc_CH4,EG,m. [mg/m3]

    Notes
    -----
    TOOL06 v04.0 Data/Parameter table 9: "To convert from ppmv to mg/m3 simply multiply by
    0.716. 1% equals 10 000 ppmv".

    Examples
    --------
    >>> float(concentration_from_ppmv(10_000.0))  # 1 % methane
    7160.0
    """
    return check_flow(ppmv, variable="fc_CH4_EG_m") * PPMV_TO_MG_PER_M3

"""CDM TOOL03 v03.0: project or leakage CO2 emissions from fossil fuel combustion.

Source: CDM methodological tool TOOL03, "Tool to calculate project or leakage CO2
emissions from fossil fuel combustion", version 03.0 (EB 96, Annex 4; in force from
22 September 2017, para. 3), read from the UNFCCC PDF. Paragraph (para.), equation (eq.)
and Data/Parameter table numbers below are the tool's own; symbols follow the tool
(``FC_i_j_y`` is FC\\ :sub:`i,j,y`).

What is implemented
-------------------
- Para. 6, eq. (1): PE_FC,j,y = sum_i FC_i,j,y x COEF_i,y (:func:`pe_fc`).
- Para. 7(a), option A: COEF from the mass fraction of carbon, eq. (2) for fuel measured
  in a mass unit (:func:`coef_option_a_mass`), eq. (3) for fuel measured in a volume
  unit, with the density (:func:`coef_option_a_volume`).
- Para. 7(b), option B, eq. (4): COEF = NCV x EF_CO2 (:func:`coef_option_b`).
- Para. 8: option A is preferred if its data are available; without an option given,
  :func:`fossil_fuel_emissions` takes option A for every fuel that has the data of
  option A, else option B, else refuses the fuel.
- Data/Parameter table 1: FC is a mass or volume quantity; negative or missing values
  are refused (the missing-data options of its comment are not implemented, below).
- Data/Parameter tables 2-5, "Source of data": which sources (a)-(d) may be used
  (:func:`check_data_source`); the IPCC default "at the upper limit of the uncertainty at
  a 95% confidence interval" of tables 4(d) and 5(d) (:func:`ipcc_upper_limit`); the
  QA/QC check of tables 2 and 4 against the IPCC uncertainty range
  (:func:`qaqc_ipcc_range`).

Not implemented
---------------
- The IPCC 2006 values themselves (Vol. 2, Ch. 1, Tables 1.2 and 1.4): no verified
  transcription with the 95 % limits is packaged, so the caller gives default, lower and
  upper limit (with their source) to :func:`ipcc_upper_limit`.
- Data/Parameter table 1, "Any comment": the missing-data options for households,
  communities and SMEs (invoices, energy output / efficiency, the highest value of the
  same period of previous years, a sample of the first batch). They need data this tool
  does not receive; a gap is an error.
- Data/Parameter table 1 QA/QC (annual energy balance, invoices) and the measurement
  procedures of paras 9-10: they are procedures, not calculations.
- The weighted averaging of w_C, rho, NCV and EF_CO2 over fuel deliveries (tables 2-5,
  "Monitoring frequency"): the caller gives the weighted averages.

Data layout
-----------
Every quantity is an :class:`xarray.DataArray` with a dimension ``fuel`` (fuel type i)
and any other dimensions (a time dimension such as ``year`` or ``month``, a process...),
over which everything is vectorised; sums run over ``fuel`` only. Units come from
``attrs["units"]`` (one unit for every fuel) or from a coordinate ``unit`` along
``fuel`` (one unit per fuel, needed when some fuels are metered by mass and others by
volume); :func:`fuel_values` builds such an array. They are converted with pint to the
canonical units of each fuel: t for a fuel metered by mass, m3 for one metered by volume
(or Nm3, sm3, scf for gas volumes at reference conditions, which do not convert to m3).

============ ================= ======================================================
variable     unit              meaning (tool)
============ ================= ======================================================
FC           t or m3 (per      FC_i,j,y, fuel combusted (eq. (1), table 1)
             fuel)
w_C          tC/t (fraction)   weighted average mass fraction of carbon (eqs. (2)-(3))
rho          t/m3              weighted average density (eq. (3)); volume fuels only
NCV          GJ/t or GJ/m3     weighted average net calorific value (eq. (4))
EF_CO2       t/GJ              weighted average CO2 emission factor (eq. (4))
============ ================= ======================================================

Module notes: where the text leaves room, and what is done
-----------------------------------------------------------
- Eq. (2) and eq. (3) are chosen by the unit FC is metered in (para. 7(a)): a mass unit
  takes eq. (2), a volume unit eq. (3). The density is asked for only in eq. (3).
- A parameter given with a time dimension must be given for every time step of FC for
  the fuels whose option uses it; a NaN is "not available" for that fuel.
- w_C is a mass fraction: outside [0, 1] is refused. rho and NCV must be positive,
  EF_CO2 not negative (the text gives no range; these are the physical ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import xarray as xr

from ..equation import equation
from ..errors import MonitoringDataError, ParameterError, UnitError
from ..units import conversion_factor, parse_unit, registry

__all__ = [
    "DOC",
    "TOOL03",
    "VERSION",
    "DataSource",
    "RangeCheck",
    "Tool03Result",
    "check_data_source",
    "coef_option_a_mass",
    "coef_option_a_volume",
    "coef_option_b",
    "fossil_fuel_emissions",
    "fuel_values",
    "ipcc_upper_limit",
    "pe_fc",
    "qaqc_ipcc_range",
]

DOC = "TOOL03"
VERSION = "03.0"
TOOL03 = "CDM TOOL03 v03.0"

#: Ratio of the molecular masses of CO2 and C, as eqs. (2) and (3) write it.
CO2_PER_C = 44 / 12

Option = Literal["A", "B"]
DataSource = Literal["a", "b", "c", "d"]

#: Data/Parameter tables 2-5, "Source of data": the sources each parameter may come from.
#: (a) values from the fuel supplier in invoices (preferred); (b) measurements by the
#: project participants; (c) regional or national default values (liquid fuels only);
#: (d) IPCC default values at the upper limit of the 95 % confidence interval.
DATA_SOURCES: Mapping[str, tuple[tuple[DataSource, str], ...]] = {
    "w_C": (("a", "Data/Parameter table 2"), ("b", "Data/Parameter table 2")),
    "rho": (
        ("a", "Data/Parameter table 3"),
        ("b", "Data/Parameter table 3"),
        ("c", "Data/Parameter table 3"),
    ),
    "NCV": (
        ("a", "Data/Parameter table 4"),
        ("b", "Data/Parameter table 4"),
        ("c", "Data/Parameter table 4"),
        ("d", "Data/Parameter table 4, Table 1.2 of 2006 IPCC Vol. 2 Ch. 1"),
    ),
    "EF_CO2": (
        ("a", "Data/Parameter table 5"),
        ("b", "Data/Parameter table 5"),
        ("c", "Data/Parameter table 5"),
        ("d", "Data/Parameter table 5, Table 1.4 of 2006 IPCC Vol. 2 Ch. 1"),
    ),
}


def _rule(where: str) -> str:
    return f"{TOOL03} {where}"


# --------------------------------------------------------------------------------------
# Equations


@equation(
    DOC,
    VERSION,
    "eq. (1)",
    returns=("PE_FC_j_y", "t"),
    text="PE_FC,j,y = sum_i FC_i,j,y x COEF_i,y",
)
def pe_fc(FC_i_j_y: Any, COEF_i_y: Any) -> Any:
    """CO2 emissions from fossil fuel combustion in process j.

    Parameters
    ----------
    FC_i_j_y
        Quantity of fuel type i combusted in process j, over the dimension ``fuel``.
        [mass or volume unit]
    COEF_i_y
        CO2 emission coefficient of fuel type i. [t/mass or volume unit]

    Returns
    -------
    PE_FC_j_y, CO2 emissions from fossil fuel combustion in process j. [t]

    Notes
    -----
    .. math:: PE_{FC,j,y} = \\sum_i FC_{i,j,y} \\times COEF_{i,y}

    TOOL03 v03.0 para. 6, eq. (1). Sums over the ``fuel`` dimension of an xarray product;
    a product without it (one fuel, numpy or scalars) is returned as it is.

    Examples
    --------
    >>> fc = xr.DataArray([100.0, 50.0], dims="fuel", coords={"fuel": ["diesel", "coal"]})
    >>> coef = xr.DataArray([3.0, 2.0], dims="fuel", coords={"fuel": ["diesel", "coal"]})
    >>> float(pe_fc(fc, coef))
    400.0
    """
    product = FC_i_j_y * COEF_i_y
    if isinstance(product, xr.DataArray) and "fuel" in product.dims:
        return product.sum("fuel", skipna=False)
    return product


@equation(
    DOC,
    VERSION,
    "eq. (2)",
    returns=("COEF_i_y", "t/t"),
    text="COEF_i,y = w_C,i,y x 44/12",
)
def coef_option_a_mass(w_C_i_y: Any) -> Any:
    """CO2 emission coefficient of a fuel metered by mass, from its carbon content.

    Parameters
    ----------
    w_C_i_y
        Weighted average mass fraction of carbon in fuel type i. [t/t]

    Returns
    -------
    COEF_i_y, CO2 emission coefficient of fuel type i. [t/t]

    Notes
    -----
    .. math:: COEF_{i,y} = w_{C,i,y} \\times 44/12

    TOOL03 v03.0 para. 7(a) (option A), eq. (2).

    Examples
    --------
    >>> round(coef_option_a_mass(0.6), 6)
    2.2
    """
    return w_C_i_y * CO2_PER_C


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("COEF_i_y", "t/m3"),
    text="COEF_i,y = w_C,i,y x rho_i,y x 44/12",
)
def coef_option_a_volume(w_C_i_y: Any, rho_i_y: Any) -> Any:
    """CO2 emission coefficient of a fuel metered by volume, from its carbon content.

    Parameters
    ----------
    w_C_i_y
        Weighted average mass fraction of carbon in fuel type i. [t/t]
    rho_i_y
        Weighted average density of fuel type i. [t/m3]

    Returns
    -------
    COEF_i_y, CO2 emission coefficient of fuel type i. [t/m3]

    Notes
    -----
    .. math:: COEF_{i,y} = w_{C,i,y} \\times \\rho_{i,y} \\times 44/12

    TOOL03 v03.0 para. 7(a) (option A), eq. (3).

    Examples
    --------
    >>> round(coef_option_a_volume(0.6, 0.5), 6)
    1.1
    """
    return w_C_i_y * rho_i_y * CO2_PER_C


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("COEF_i_y", "t/unit"),
    text="COEF_i,y = NCV_i,y x EF_CO2,i,y",
)
def coef_option_b(NCV_i_y: Any, EF_CO2_i_y: Any) -> Any:
    """CO2 emission coefficient of a fuel from its net calorific value and emission factor.

    Parameters
    ----------
    NCV_i_y
        Weighted average net calorific value of fuel type i. [GJ/mass or volume unit]
    EF_CO2_i_y
        Weighted average CO2 emission factor of fuel type i. [t/GJ]

    Returns
    -------
    COEF_i_y, CO2 emission coefficient of fuel type i. [t/mass or volume unit]

    Notes
    -----
    .. math:: COEF_{i,y} = NCV_{i,y} \\times EF_{CO2,i,y}

    TOOL03 v03.0 para. 7(b) (option B), eq. (4).

    Examples
    --------
    >>> round(coef_option_b(40.0, 0.075), 6)
    3.0
    """
    return NCV_i_y * EF_CO2_i_y


# --------------------------------------------------------------------------------------
# Rules on the values to use


def ipcc_upper_limit(default: float, lower: float, upper: float, *, parameter: str) -> float:
    """The IPCC default value TOOL03 prescribes: the upper limit of the 95 % interval.

    Parameters
    ----------
    default, lower, upper
        The IPCC 2006 default value and the lower and upper limits of its 95 % confidence
        interval, as given in Table 1.2 (NCV) or Table 1.4 (EF_CO2) of Vol. 2, Ch. 1.
        [GJ/unit or t/GJ]
    parameter
        ``"NCV"`` or ``"EF_CO2"``, for messages. [-]

    Returns
    -------
    The upper limit. [unit of the inputs]

    Notes
    -----
    TOOL03 v03.0, Data/Parameter table 4, source (d) (NCV: "IPCC default values at the
    upper limit of the uncertainty at a 95% confidence interval as provided in Table
    1.2") and table 5, source (d) (EF_CO2: the same, Table 1.4). The three numbers are
    checked to be in order, which catches columns given in the wrong order.

    Examples
    --------
    >>> ipcc_upper_limit(10.0, 9.0, 11.0, parameter="NCV")
    11.0
    """
    where = "Data/Parameter table 4 (d)" if parameter == "NCV" else "Data/Parameter table 5 (d)"
    values = np.array([default, lower, upper], dtype=float)
    if not np.all(np.isfinite(values)) or not (0 <= lower <= default <= upper):
        raise ParameterError(
            f"IPCC default {default!r} with limits [{lower!r}, {upper!r}] is not "
            "lower <= default <= upper (all finite, not negative)",
            variable=parameter,
            rule=_rule(f"{where}: the upper limit of the 95% confidence interval"),
        )
    return float(upper)


def check_data_source(
    parameter: str,
    source: DataSource,
    *,
    supplier_values_available: bool,
    liquid_fuel: bool | None = None,
    fuel: str | None = None,
) -> str:
    """Check that ``parameter`` may come from ``source``; return the clause that allows it.

    Parameters
    ----------
    parameter
        ``"w_C"``, ``"rho"``, ``"NCV"`` or ``"EF_CO2"``. [-]
    source
        ``"a"`` (fuel supplier invoices), ``"b"`` (measurements by the project
        participants), ``"c"`` (regional or national default values) or ``"d"`` (IPCC
        default at the upper limit of the 95 % confidence interval). [-]
    supplier_values_available
        Whether the fuel supplier provides the value in invoices (source (a)). [-]
    liquid_fuel
        Whether the fuel is liquid; needed for source (c). [-]
    fuel
        The fuel, for messages. [-]

    Returns
    -------
    The clause, e.g. ``"Data/Parameter table 4 (d)"``. [-]

    Notes
    -----
    TOOL03 v03.0, Data/Parameter tables 2 (w_C: (a), (b)), 3 (rho: (a)-(c)), 4 (NCV:
    (a)-(d)) and 5 (EF_CO2: (a)-(d)): (a) is the preferred source; (b), (c) and (d) only
    "if (a) is not available"; (c) "can only be used for liquid fuels". Table 5, comment:
    a CO2 factor the supplier gives on the invoice, measured for the fuel, is to be used,
    which is the preference for (a).

    Examples
    --------
    >>> check_data_source("NCV", "d", supplier_values_available=False)
    'Data/Parameter table 4, Table 1.2 of 2006 IPCC Vol. 2 Ch. 1 (d)'
    """
    where = f"fuel {fuel!r}" if fuel else None
    allowed = dict(DATA_SOURCES.get(parameter, ()))
    if not allowed:
        raise ParameterError(
            f"unknown parameter {parameter!r}; TOOL03 gives sources for {list(DATA_SOURCES)}",
            variable=parameter,
            where=where,
            rule=_rule("Data/Parameter tables 2-5"),
        )
    if source not in allowed:
        raise ParameterError(
            f"source ({source}) is not a source of {parameter}; allowed: "
            f"{', '.join(f'({s})' for s in allowed)}",
            variable=parameter,
            where=where,
            rule=_rule(f"{next(iter(allowed.values()))}, source of data"),
        )
    clause = f"{allowed[source]} ({source})"
    if source != "a" and supplier_values_available:
        raise ParameterError(
            f"source ({source}) may be used only if the fuel supplier's value (a) is not available",
            variable=parameter,
            where=where,
            rule=_rule(f"{clause}: 'If (a) is not available'"),
        )
    if source == "c" and not liquid_fuel:
        raise ParameterError(
            "regional or national default values (c) can only be used for liquid fuels"
            + (" (liquid_fuel not stated)" if liquid_fuel is None else ""),
            variable=parameter,
            where=where,
            rule=_rule(f"{clause}: 'These sources can only be used for liquid fuels'"),
        )
    return clause


@dataclass(frozen=True)
class RangeCheck:
    """QA/QC of a value against the IPCC uncertainty range (tables 2 and 4).

    Attributes
    ----------
    parameter, value, lower, upper
        The parameter, its value and the IPCC 95 % limits it is compared with.
    position
        ``"below"``, ``"within"`` or ``"above"`` the range.
    action
        What the tool asks for, or ``""`` when nothing.
    clause
        The table and row of the QA/QC procedure.
    """

    parameter: str
    value: float
    lower: float
    upper: float
    position: str
    action: str
    clause: str

    @property
    def passes(self) -> bool:
        return self.position != "below"


def qaqc_ipcc_range(parameter: str, value: float, lower: float, upper: float) -> RangeCheck:
    """Compare a supplier, measured or national value with the IPCC uncertainty range.

    Parameters
    ----------
    parameter
        ``"NCV"`` or ``"w_C"``. [-]
    value
        The value under sources (a), (b) or (c). [unit of the limits]
    lower, upper
        The IPCC 95 % limits (NCV: Table 1.2; w_C: the range of the product of Tables 1.2
        and 1.3). [unit of the value]

    Returns
    -------
    RangeCheck
        Where the value falls and what the tool asks for.

    Notes
    -----
    TOOL03 v03.0, Data/Parameter table 4 (NCV), QA/QC: "Verify if the values under (a),
    (b) and (c) are within the uncertainty range of the IPCC default values ... If the
    values fall below this range collect additional information from the testing
    laboratory to justify the outcome or conduct additional measurements"; table 2 (w_C)
    the same for (a) and (b). A value above the range is reported, with no action (the
    text names none).

    Examples
    --------
    >>> qaqc_ipcc_range("NCV", 40.0, 41.0, 44.0).position
    'below'
    """
    clause = {
        "NCV": "Data/Parameter table 4, QA/QC",
        "w_C": "Data/Parameter table 2, QA/QC",
    }.get(parameter)
    if clause is None:
        raise ParameterError(
            f"TOOL03 has a QA/QC range check for NCV and w_C only, not {parameter!r}",
            variable=parameter,
            rule=_rule("Data/Parameter tables 2 and 4, QA/QC procedures"),
        )
    if not lower <= upper:
        raise ParameterError(
            f"IPCC range [{lower!r}, {upper!r}] is not lower <= upper",
            variable=parameter,
            rule=_rule(clause),
        )
    if value < lower:
        position = "below"
        action = (
            "collect additional information from the testing laboratory to justify the "
            "outcome or conduct additional measurements"
        )
    elif value > upper:
        position, action = "above", ""
    else:
        position, action = "within", ""
    return RangeCheck(parameter, float(value), float(lower), float(upper), position, action, clause)


# --------------------------------------------------------------------------------------
# Units per fuel


def fuel_values(values: Mapping[str, tuple[float, str]], name: str = "value") -> xr.DataArray:
    """A DataArray over ``fuel`` from ``{fuel: (value, unit)}``, with a ``unit`` coordinate.

    Parameters
    ----------
    values
        Value and unit of each fuel, e.g. ``{"diesel": (43.0, "GJ/t")}``. [unit]
    name
        Name of the array. [-]

    Returns
    -------
    DataArray over ``fuel`` with the unit of each fuel in the coordinate ``unit``.

    Examples
    --------
    >>> fuel_values({"diesel": (43.0, "GJ/t")}).coords["unit"].values.tolist()
    ['GJ/t']
    """
    fuels = list(values)
    return xr.DataArray(
        np.array([float(values[f][0]) for f in fuels]),
        dims="fuel",
        coords={"fuel": fuels, "unit": ("fuel", [str(values[f][1]) for f in fuels])},
        name=name,
    )


def _units_by_fuel(da: xr.DataArray, name: str) -> dict[str, str]:
    fuels = [str(f) for f in np.asarray(da["fuel"].values)]
    if "unit" in da.coords:
        unit = da.coords["unit"]
        if unit.dims != ("fuel",):
            raise UnitError(
                f"the 'unit' coordinate of {name!r} must lie along 'fuel', not {unit.dims}",
                variable=name,
                rule="one unit per fuel (coordinate 'unit') or one for all (attrs['units'])",
            )
        return dict(zip(fuels, (str(u) for u in np.asarray(unit.values)), strict=True))
    given = da.attrs.get("units")
    if given is None:
        raise UnitError(
            "no unit given",
            variable=name,
            rule="every value declares its unit: attrs['units'] or a 'unit' coordinate "
            "along 'fuel'",
        )
    return dict.fromkeys(fuels, str(given))


def _fc_canonical_unit(unit: str, fuel: str) -> tuple[str, bool]:
    """Canonical unit of a fuel metered in ``unit`` and whether it is a volume."""
    parsed = parse_unit(unit, variable="FC", where=f"fuel {fuel!r}")
    ureg = registry()
    dims = parsed.dimensionality
    if dims == ureg.Unit("t").dimensionality:
        return "t", False
    for volume in ("m**3", "Nm3", "sm3", "scf"):
        if dims == ureg.Unit(volume).dimensionality:
            return volume, True
    raise UnitError(
        f"unit {unit!r} of the fuel consumed is neither a mass nor a volume (dimension {dims})",
        variable="FC",
        where=f"fuel {fuel!r}",
        rule=_rule("Data/Parameter table 1: FC_i,j,y in a mass or volume unit"),
    )


def _check_fuel_dim(da: Any, name: str) -> xr.DataArray:
    if not isinstance(da, xr.DataArray):
        raise ParameterError(
            f"{name!r} must be an xarray.DataArray with a 'fuel' dimension, not "
            f"{type(da).__name__}",
            variable=name,
        )
    if "fuel" not in da.dims:
        raise ParameterError(
            f"{name!r} has no 'fuel' dimension (dimensions: {da.dims})",
            variable=name,
            rule=_rule("para. 6: i are the fuel types combusted in process j"),
        )
    fuels = [str(f) for f in np.asarray(da["fuel"].values)]
    if len(set(fuels)) != len(fuels):
        dup = next(f for f in fuels if fuels.count(f) > 1)
        raise ParameterError(
            f"fuel {dup!r} appears more than once", variable=name, where=f"fuel {dup!r}"
        )
    return da


def _where(mask: xr.DataArray) -> str:
    idx = np.argwhere(np.asarray(mask.values))[0]
    parts = []
    for dim, i in zip(mask.dims, idx, strict=True):
        label = mask[dim].values[i] if dim in mask.coords else int(i)
        if isinstance(label, np.generic):
            label = label.item()
        parts.append(f"fuel {str(label)!r}" if dim == "fuel" else f"{dim} {label}")
    return ", ".join(parts)


def _per_fuel_factor(
    da: xr.DataArray, name: str, target: Mapping[str, str], fuels: list[str]
) -> xr.DataArray:
    """``da`` reindexed to ``fuels``, each fuel converted to ``target[fuel]``."""
    da = _check_fuel_dim(da, name)
    units = _units_by_fuel(da, name)
    da = da.astype(float).reset_coords("unit", drop=True) if "unit" in da.coords else da
    da = da.astype(float).reindex(fuel=fuels)
    factors = np.array(
        [
            conversion_factor(units[f], target[f], variable=name, where=f"fuel {f!r}")
            if f in units and f in target
            else np.nan
            for f in fuels
        ]
    )
    out = da * xr.DataArray(factors, dims="fuel", coords={"fuel": fuels})
    out.attrs = {}
    return out


# --------------------------------------------------------------------------------------
# The tool


@dataclass(frozen=True)
class Tool03Result:
    """CO2 emissions from fossil fuel combustion in process j, and how they were found.

    Attributes
    ----------
    PE_FC_j_y
        CO2 emissions over every dimension of FC but ``fuel``. [t]
    COEF_i_y
        CO2 emission coefficient of each fuel, in t per the canonical unit of that fuel
        (coordinate ``unit``: ``t/t``, ``t/m**3``...). [t/unit]
    FC_i_j_y
        Fuel consumed, in the canonical unit of each fuel. [t or m3]
    option
        ``"A"`` or ``"B"`` for each fuel (para. 7).
    equation
        ``"eq. (2)"``, ``"eq. (3)"`` or ``"eq. (4)"`` for each fuel.
    reference
        The tool, version and equation of the total.
    """

    PE_FC_j_y: xr.DataArray
    COEF_i_y: xr.DataArray
    FC_i_j_y: xr.DataArray
    option: xr.DataArray
    equation: xr.DataArray
    reference: str


def _option_by_fuel(
    option: Option | Mapping[str, Option] | None, fuels: list[str]
) -> dict[str, Option | None]:
    if option is None:
        return dict.fromkeys(fuels)
    if isinstance(option, str):
        chosen: dict[str, Option | None] = dict.fromkeys(fuels, option)
    else:
        unknown = [f for f in option if f not in fuels]
        if unknown:
            raise ParameterError(
                f"option given for fuel {unknown[0]!r}, which FC does not have (fuels: {fuels})",
                variable="option",
                where=f"fuel {unknown[0]!r}",
            )
        chosen = {f: option.get(f) for f in fuels}
    for f, o in chosen.items():
        if o not in (None, "A", "B"):
            raise ParameterError(
                f"option {o!r} is not 'A' or 'B'",
                variable="option",
                where=f"fuel {f!r}",
                rule=_rule("para. 7: option A (eqs. (2)-(3)) or option B (eq. (4))"),
            )
    return chosen


def fossil_fuel_emissions(
    FC: xr.DataArray,
    *,
    w_C: xr.DataArray | None = None,
    rho: xr.DataArray | None = None,
    NCV: xr.DataArray | None = None,
    EF_CO2: xr.DataArray | None = None,
    option: Option | Mapping[str, Option] | None = None,
) -> Tool03Result:
    """CO2 emissions from the fossil fuels combusted in a process j (TOOL03).

    Parameters
    ----------
    FC
        FC_i,j,y, fuel combusted, over ``fuel`` and any other dimensions (time). Units
        in ``attrs["units"]`` or a ``unit`` coordinate along ``fuel``. [mass or volume]
    w_C
        Weighted average mass fraction of carbon (option A). [t/t]
    rho
        Weighted average density, for fuels metered by volume (option A). [t/m3]
    NCV
        Weighted average net calorific value (option B). [GJ/mass or volume unit]
    EF_CO2
        Weighted average CO2 emission factor (option B). [t/GJ]
    option
        ``"A"``, ``"B"``, a mapping fuel -> option, or None: option A where its data are
        given (para. 8, preferred), else option B. [-]

    Returns
    -------
    Tool03Result
        PE_FC,j,y [t] with the coefficient, option and equation of each fuel.

    Raises
    ------
    MonitoringDataError
        FC negative or missing (naming the fuel and time).
    ParameterError
        A fuel without the data of any option (or of the option asked for), or a
        parameter out of its range (naming the fuel).
    UnitError
        A unit missing, unknown, or of the wrong dimension (NCV per t for a fuel metered
        in m3; a gas volume at reference conditions against a density per actual m3).

    Notes
    -----
    TOOL03 v03.0 paras 6-8, eqs. (1)-(4). A loop runs over fuels only (their units);
    the arithmetic is vectorised over every other dimension.

    Examples
    --------
    >>> fc = xr.DataArray([[10.0, 20.0]], dims=("fuel", "year"),
    ...                   coords={"fuel": ["diesel"], "year": [2021, 2022]},
    ...                   attrs={"units": "t"})
    >>> ncv = fuel_values({"diesel": (40.0, "GJ/t")})
    >>> ef = fuel_values({"diesel": (0.075, "t/GJ")})
    >>> fossil_fuel_emissions(fc, NCV=ncv, EF_CO2=ef).PE_FC_j_y.values.round(6).tolist()
    [30.0, 60.0]
    """
    FC = _check_fuel_dim(FC, "FC")
    fuels = [str(f) for f in np.asarray(FC["fuel"].values)]
    fc_units = _units_by_fuel(FC, "FC")
    canon: dict[str, str] = {}
    volume: dict[str, bool] = {}
    for f in fuels:
        canon[f], volume[f] = _fc_canonical_unit(fc_units[f], f)
    fc = _per_fuel_factor(FC, "FC", canon, fuels)
    if bool(fc.isnull().any()):
        raise MonitoringDataError(
            "fuel consumption is missing",
            variable="FC",
            where=_where(fc.isnull()),
            rule=_rule(
                "Data/Parameter table 1: FC_i,j,y monitored continuously (the missing-data "
                "options of its comment are not implemented)"
            ),
        )
    if bool((fc < 0).any()):
        bad = fc < 0
        value = float(fc.where(bad).min())
        raise MonitoringDataError(
            f"fuel consumption is negative ({value:g} {canon[_first_fuel(bad)]})",
            variable="FC",
            where=_where(bad),
            rule=_rule("Data/Parameter table 1: FC_i,j,y is a quantity of fuel combusted"),
        )
    other_dims = [d for d in fc.dims if d != "fuel"]

    def param(da: xr.DataArray | None, name: str, target: Mapping[str, str]) -> xr.DataArray:
        if da is None:
            return xr.full_like(fc, np.nan)
        out = _per_fuel_factor(da, name, target, fuels)
        extra = [d for d in out.dims if d != "fuel" and d not in fc.dims]
        if extra:
            raise ParameterError(
                f"{name!r} has dimensions {extra} that FC does not have ({fc.dims})",
                variable=name,
            )
        shared = {d: fc[d] for d in out.dims if d != "fuel" and d in fc.coords}
        return out.reindex(shared).broadcast_like(fc)

    wc = param(w_C, "w_C", dict.fromkeys(fuels, "dimensionless"))
    dens = param(rho, "rho", {f: f"t/{canon[f]}" for f in fuels if volume[f]})
    ncv = param(NCV, "NCV", {f: f"GJ/{canon[f]}" for f in fuels})
    ef = param(EF_CO2, "EF_CO2", dict.fromkeys(fuels, "t/GJ"))
    for arr, name, bad, text in (
        (wc, "w_C", (wc < 0) | (wc > 1), "is not a mass fraction in [0, 1]"),
        (dens, "rho", dens <= 0, "is not positive"),
        (ncv, "NCV", ncv <= 0, "is not positive"),
        (ef, "EF_CO2", ef < 0, "is negative"),
    ):
        if bool(bad.any()):
            raise ParameterError(
                f"{name} {float(arr.where(bad).max()):g} {text}",
                variable=name,
                where=_where(bad),
                rule=_rule(f"para. 7: {name} of fuel type i"),
            )

    def complete(arr: xr.DataArray) -> xr.DataArray:
        ok = arr.notnull()
        return ok.all(other_dims) if other_dims else ok

    has_a = complete(wc) & (
        complete(dens)
        | ~xr.DataArray([volume[f] for f in fuels], dims="fuel", coords={"fuel": fuels})
    )
    has_b = complete(ncv) & complete(ef)
    chosen = _option_by_fuel(option, fuels)
    options: list[str] = []
    for f in fuels:
        a, b = bool(has_a.sel(fuel=f)), bool(has_b.sel(fuel=f))
        want = chosen[f]
        a_needs = "w_C and rho (eq. (3))" if volume[f] else "w_C (eq. (2))"
        if want == "A" and not a:
            raise ParameterError(
                f"option A needs {a_needs} for every time step of the fuel",
                variable="rho" if volume[f] and complete(wc).sel(fuel=f) else "w_C",
                where=f"fuel {f!r}",
                rule=_rule("para. 7(a): option A from the chemical composition of fuel i"),
            )
        if want == "B" and not b:
            raise ParameterError(
                "option B needs NCV and EF_CO2 for every time step of the fuel",
                variable="NCV" if not bool(complete(ncv).sel(fuel=f)) else "EF_CO2",
                where=f"fuel {f!r}",
                rule=_rule("para. 7(b): option B, eq. (4) COEF = NCV x EF_CO2"),
            )
        if want is None and not (a or b):
            raise ParameterError(
                f"fuel {f!r} has no CO2 emission coefficient: give {a_needs} (option A) or "
                "NCV and EF_CO2 (option B) for every time step",
                variable="COEF",
                where=f"fuel {f!r}",
                rule=_rule("paras 7-8: COEF_i,y by option A (preferred) or option B"),
            )
        options.append(want if want is not None else ("A" if a else "B"))

    opt = xr.DataArray(options, dims="fuel", coords={"fuel": fuels})
    is_volume = xr.DataArray([volume[f] for f in fuels], dims="fuel", coords={"fuel": fuels})
    coef_a = xr.where(is_volume, coef_option_a_volume(wc, dens), coef_option_a_mass(wc))
    coef = xr.where(opt == "A", coef_a, coef_option_b(ncv, ef))
    coef = coef.assign_coords(unit=("fuel", [f"t/{canon[f]}" for f in fuels]))
    coef.attrs = {"long_name": "COEF_i_y"}
    pe = pe_fc(fc, coef.drop_vars("unit"))
    pe.attrs = {"units": "t", "long_name": "PE_FC_j_y"}
    eq = xr.where(opt == "B", "eq. (4)", xr.where(is_volume, "eq. (3)", "eq. (2)"))
    return Tool03Result(
        PE_FC_j_y=pe,
        COEF_i_y=coef,
        FC_i_j_y=fc.assign_coords(unit=("fuel", [canon[f] for f in fuels])),
        option=opt,
        equation=eq,
        reference=f"{TOOL03} para. 6, eq. (1)",
    )


def _first_fuel(mask: xr.DataArray) -> str:
    any_other = mask.any([d for d in mask.dims if d != "fuel"]) if mask.ndim > 1 else mask
    return str(mask["fuel"].values[int(np.argmax(np.asarray(any_other.values)))])

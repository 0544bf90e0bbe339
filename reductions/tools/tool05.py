"""CDM TOOL05 v03.0: baseline, project and leakage emissions from electricity consumption.

Source: CDM methodological tool TOOL05, "Baseline, project and/or leakage emissions from
electricity consumption and monitoring of electricity generation", version 03.0 (EB 96,
Annex 5; in force from 22 September 2017, para. 8), read from the UNFCCC PDF. Paragraph
(para.), equation (eq.) and Data/Parameter table numbers are the tool's own; symbols
follow the tool (``EC_PJ_j_y`` is EC\\ :sub:`PJ,j,y`).

What is implemented
-------------------
- Para. 5: scenarios A (grid), B (off-grid fossil captive plant), C (grid and captive
  plant); para. 29: cases C.I, C.II, C.III of scenario C; para. 31: which guidance each
  case follows (:func:`ef_scenario_c`).
- Para. 16, eqs. (1)-(3): PE_EC,y, BE_EC,y, LE_EC,y (:func:`pe_ec`, :func:`be_ec`,
  :func:`le_ec`), with footnote 1 (a decrease of leakage consumption counts as zero);
  :func:`electricity_emissions` checks units and ranges and applies them.
- Scenario A: option A1, the combined margin of TOOL07 (para. 19, :func:`ef_option_a1`,
  which takes a number, an array, or a TOOL07 result such as
  :class:`~reductions.tools.tool07.CombinedMargin`); option A2, the defaults 1.3, 0.4 and
  0.25 t CO2/MWh and their conditions (para. 20, :func:`ef_option_a2`).
- Scenario B: option B1, eq. (4) (para. 23, :func:`ef_el_captive`) and eq. (5) with
  cogeneration (para. 24, :func:`ef_el_cogeneration`); when heat may be ignored (para.
  22(a), :func:`may_ignore_heat`); eta_boiler defaults (Data/Parameter table 7,
  :func:`eta_boiler_default`); the period t (para. 25, :func:`period_t`); the average
  CO2 factor of the fuels of a plant (para. 26(a), (b)(i)-(iii), :func:`ef_co2_plant`;
  (b)(iv), eq. (6), :func:`ef_co2_average`; (b)(v), :func:`more_conservative`); option
  B2, the defaults 1.3 and 0.4 t CO2/MWh and their conditions (para. 28,
  :func:`ef_option_b2`).
- Section 6.2.2, paras 32-35: the conditions of the alternative approaches
  (:func:`check_alternative_approach`); option B3 through TOOL03 (para. 34,
  :func:`pe_ec_option_b3`); option B4, eqs. (7)-(8) (para. 35, :func:`pe_ec_option_b4`,
  :func:`le_ec_option_b4`).
- Transmission and distribution losses, Data/Parameter table 3 (:func:`tdl`): zero for
  scenario B and case C.II; for scenario A and cases C.I, C.III the host-country value
  (option 1, not older than 5 years) or the defaults 20 % (option 2) and 3 % (option 3)
  with their conditions.

Not implemented
---------------
- Section 6.1 and Data/Parameter table 12 (monitoring of electricity generation,
  EG_PJ,grid,y and EG_PJ,facility,i,y): the baseline emissions of generation are
  calculated in the methodology (para. 12); no equation is given here.
- The missing-data options of Data/Parameter tables 10 and 12 and the metering
  requirements (accuracy class, calibration): procedures, not calculations.
- The combined margin itself: it comes from TOOL07 (:mod:`reductions.tools.tool07`,
  :func:`reductions.tools.grid_emission_factor.combined_margin`) or a published value.
- The hydro share of para. 20(b) (five-year average or long-term average of hydro
  generation) is an input: the tool gives no equation for it.

Roles
-----
``"project"`` (sources j), ``"baseline"`` (sources k) and ``"leakage"`` (sources l).
"More conservative" is footnote 5: "the value that results in the lower overall emission
reductions"; for one source that is the higher emission factor or loss of a project or
leakage source, the lower of a baseline source (:func:`more_conservative`).

Module notes: where the text leaves room, and what is done
-----------------------------------------------------------
- Para. 20 (option A2), para. 28 (option B2) and Data/Parameter table 3 (TDL defaults)
  each list values with conditions, and para. 28 and table 3 let more than one value fit
  a source (a project source may take 1.3 by para. 28(a)(i) and 0.4 by 28(b)(ii); a
  baseline source 3 % by table 3, 3(a) and 20 % by 2(b)). The functions list every value
  whose condition holds (``alternatives``) and return the one the caller names
  (``clause=``) or, by default, the more conservative one for the role (footnote 5);
  a clause whose condition does not hold is refused, naming the condition.
- Comparisons of consumption ("greater than", "smaller than", "less than") are strict,
  as written; with equal consumption neither 20(a)(ii) nor 20(b)(ii) holds, and when no
  other clause does either, the tool gives no default: an error.
- Para. 20(b): "hydro power plants constitute less than 50%" of total grid generation:
  a share of exactly 50 % takes 0.25 t CO2/MWh.
- Eq. (5): the bracket sums the fuel energy of plant n over fuels i and subtracts the
  heat divided by eta_boiler, then multiplies by EF_CO2,n,t, as printed.
- Eqs. (7)-(8) use 11,400 t CO2/MW as printed (para. 35 derives it from 1.3 t CO2/MWh
  and 8,760 h, which gives 11,388).
- Data/Parameter table 3 gives the TDL as a fraction; a value outside [0, 1) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
import xarray as xr

from ..equation import equation
from ..errors import ApplicabilityError, MonitoringDataError, ParameterError
from ..units import conversion_factor
from . import tool03

__all__ = [
    "DOC",
    "TOOL05",
    "VERSION",
    "Default",
    "Role",
    "Scenario",
    "check_alternative_approach",
    "electricity_emissions",
    "be_ec",
    "ef_co2_average",
    "ef_co2_plant",
    "ef_el_captive",
    "ef_el_cogeneration",
    "ef_option_a1",
    "ef_option_a2",
    "ef_option_b2",
    "ef_scenario_c",
    "eta_boiler_default",
    "le_ec",
    "le_ec_option_b4",
    "may_ignore_heat",
    "more_conservative",
    "pe_ec",
    "pe_ec_option_b3",
    "pe_ec_option_b4",
    "period_t",
    "tdl",
]

DOC = "TOOL05"
VERSION = "03.0"
TOOL05 = "CDM TOOL05 v03.0"

Role = Literal["project", "baseline", "leakage"]
Scenario = Literal["A", "B", "C"]
Case = Literal["C.I", "C.II", "C.III"]

ROLES: tuple[Role, ...] = ("project", "baseline", "leakage")
#: Symbols of eqs. (1)-(3) by role.
SYMBOLS = {"project": "PE_EC_y", "baseline": "BE_EC_y", "leakage": "LE_EC_y"}
#: t CO2 per MW of rated capacity, eqs. (7) and (8) as printed.
B4_T_PER_MW = 11_400.0


def _rule(where: str) -> str:
    return f"{TOOL05} {where}"


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise ParameterError(
            f"role {role!r} is not one of {list(ROLES)}",
            variable="role",
            rule=_rule("para. 16: project sources j, baseline sources k, leakage sources l"),
        )
    return cast(Role, role)


@dataclass(frozen=True)
class Default:
    """A value the tool prescribes, with the clause whose condition holds.

    Attributes
    ----------
    value
        The value. [unit]
    unit
        ``"t/MWh"`` or ``"1"``.
    clause
        The paragraph and sub-clause, e.g. ``"para. 20(a)(ii)"``.
    alternatives
        Every ``(value, clause)`` whose condition holds, the chosen one included.
    """

    value: float
    unit: str
    clause: str
    alternatives: tuple[tuple[float, str], ...] = field(default=())

    @property
    def reference(self) -> str:
        return f"{TOOL05} {self.clause}"


def more_conservative(values: Sequence[float], role: str) -> float:
    """The more conservative of ``values`` for a source of ``role`` (footnote 5).

    Parameters
    ----------
    values
        Candidate emission factors or losses. [t/MWh or -]
    role
        ``"project"``, ``"baseline"`` or ``"leakage"``. [-]

    Returns
    -------
    The highest value for a project or leakage source, the lowest for a baseline source.

    Notes
    -----
    TOOL05 v03.0 footnote 5: "The more conservative value is the value that results in
    the lower overall emission reductions of the project activity." More emissions of a
    project or leakage source, or less of a baseline source, lower the reductions.

    Examples
    --------
    >>> more_conservative([0.8, 1.3], "baseline")
    0.8
    """
    _check_role(role)
    if len(values) == 0:
        raise ParameterError("no values to choose from", variable="values")
    return float(max(values) if role != "baseline" else min(values))


def _choose(
    candidates: list[tuple[float, str]], role: Role, clause: str | None, unit: str, what: str
) -> Default:
    if clause is not None:
        for value, c in candidates:
            if c == clause or c.endswith(clause):
                return Default(value, unit, c, tuple(candidates))
        raise ParameterError(
            f"{clause!r} does not apply to this {role} source: its condition does not hold "
            f"(clauses that hold: {[c for _, c in candidates] or 'none'})",
            variable=what,
            rule=_rule(clause if clause.startswith(("para", "Data")) else f"para. {clause}"),
        )
    best = more_conservative([v for v, _ in candidates], role)
    chosen = next(c for v, c in candidates if v == best)
    return Default(best, unit, chosen, tuple(candidates))


# --------------------------------------------------------------------------------------
# Eqs. (1)-(3)


def _sum_sources(product: Any, dim: str) -> Any:
    if isinstance(product, xr.DataArray) and dim in product.dims:
        return product.sum(dim, skipna=False)
    return product


@equation(
    DOC,
    VERSION,
    "eq. (1)",
    returns=("PE_EC_y", "t"),
    text="PE_EC,y = sum_j EC_PJ,j,y x EF_EF,j,y x (1 + TDL_j,y)",
)
def pe_ec(EC_PJ_j_y: Any, EF_EF_j_y: Any, TDL_j_y: Any) -> Any:
    """Project emissions from electricity consumption.

    Parameters
    ----------
    EC_PJ_j_y
        Electricity consumed by project source j, over the dimension ``source``. [MWh]
    EF_EF_j_y
        Emission factor for electricity generation for source j. [t/MWh]
    TDL_j_y
        Average technical transmission and distribution losses for source j. [-]

    Returns
    -------
    PE_EC_y, project emissions from electricity consumption. [t]

    Notes
    -----
    .. math:: PE_{EC,y} = \\sum_j EC_{PJ,j,y} \\times EF_{EF,j,y} \\times (1 + TDL_{j,y})

    TOOL05 v03.0 para. 16, eq. (1). Sums over ``source`` when the product has it.

    Examples
    --------
    >>> round(pe_ec(1000.0, 1.3, 0.2), 6)
    1560.0
    """
    return _sum_sources(EC_PJ_j_y * EF_EF_j_y * (1 + TDL_j_y), "source")


@equation(
    DOC,
    VERSION,
    "eq. (2)",
    returns=("BE_EC_y", "t"),
    text="BE_EC,y = sum_k EC_BL,k,y x EF_EF,k,y x (1 + TDL_k,y)",
)
def be_ec(EC_BL_k_y: Any, EF_EF_k_y: Any, TDL_k_y: Any) -> Any:
    """Baseline emissions from electricity consumption.

    Parameters
    ----------
    EC_BL_k_y
        Electricity that baseline consumer k would consume, over ``source``. [MWh]
    EF_EF_k_y
        Emission factor for electricity generation for source k. [t/MWh]
    TDL_k_y
        Average technical transmission and distribution losses for source k. [-]

    Returns
    -------
    BE_EC_y, baseline emissions from electricity consumption. [t]

    Notes
    -----
    .. math:: BE_{EC,y} = \\sum_k EC_{BL,k,y} \\times EF_{EF,k,y} \\times (1 + TDL_{k,y})

    TOOL05 v03.0 para. 16, eq. (2).

    Examples
    --------
    >>> round(be_ec(1000.0, 0.4, 0.03), 6)
    412.0
    """
    return _sum_sources(EC_BL_k_y * EF_EF_k_y * (1 + TDL_k_y), "source")


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("LE_EC_y", "t"),
    text="LE_EC,y = sum_l EC_LE,l,y x EF_EF,l,y x (1 + TDL_l,y)",
)
def le_ec(EC_LE_l_y: Any, EF_EF_l_y: Any, TDL_l_y: Any) -> Any:
    """Leakage emissions from electricity consumption.

    Parameters
    ----------
    EC_LE_l_y
        Net increase in electricity consumption of source l as a result of leakage, over
        ``source``; a decrease counts as zero (footnote 1). [MWh]
    EF_EF_l_y
        Emission factor for electricity generation for source l. [t/MWh]
    TDL_l_y
        Average technical transmission and distribution losses for source l. [-]

    Returns
    -------
    LE_EC_y, leakage emissions from electricity consumption. [t]

    Notes
    -----
    .. math:: LE_{EC,y} = \\sum_l EC_{LE,l,y} \\times EF_{EF,l,y} \\times (1 + TDL_{l,y})

    TOOL05 v03.0 para. 16, eq. (3); footnote 1: "If electricity consumption decreases as
    a result of the CDM project activity, EC_LE,l,y should be assumed as zero."

    Examples
    --------
    >>> float(le_ec(-50.0, 1.3, 0.2))
    0.0
    """
    return _sum_sources(np.maximum(EC_LE_l_y, 0) * EF_EF_l_y * (1 + TDL_l_y), "source")


_EQUATIONS = {"project": pe_ec, "baseline": be_ec, "leakage": le_ec}


def _as_array(x: Any, name: str, unit: str) -> Any:
    """``x`` in ``unit``: a DataArray converted from ``attrs["units"]``, else as given."""
    if isinstance(x, xr.DataArray):
        given = x.attrs.get("units")
        out = x.astype(float)
        if given is not None and str(given) != unit:
            out = out * conversion_factor(str(given), unit, variable=name)
        out.attrs = {"units": unit}
        return out
    arr = np.asarray(x, dtype=float)
    return arr if arr.ndim else float(arr)


def _where(mask: Any) -> str | None:
    if isinstance(mask, xr.DataArray):
        idx = np.argwhere(np.asarray(mask.values))[0]
        parts = []
        for dim, i in zip(mask.dims, idx, strict=True):
            label = mask[dim].values[i] if dim in mask.coords else int(i)
            if isinstance(label, np.generic):
                label = label.item()
            parts.append(f"{dim} {label!r}" if dim == "source" else f"{dim} {label}")
        return ", ".join(parts)
    arr = np.asarray(mask)
    return f"index {tuple(int(i) for i in np.argwhere(arr)[0])}" if arr.ndim else None


def electricity_emissions(role: str, EC: Any, EF_EF: Any, TDL: Any) -> Any:
    """PE_EC,y, BE_EC,y or LE_EC,y (eqs. (1)-(3)) with units and ranges checked.

    Parameters
    ----------
    role
        ``"project"`` (eq. (1)), ``"baseline"`` (eq. (2)) or ``"leakage"`` (eq. (3)). [-]
    EC
        EC_PJ,j,y, EC_BL,k,y or EC_LE,l,y over ``source`` and any other dimensions; a
        DataArray's ``attrs["units"]`` is converted to MWh. [MWh]
    EF_EF
        Emission factor for electricity generation (option A1, A2, B1, B2 or scenario
        C); ``attrs["units"]`` converted to t/MWh. [t/MWh]
    TDL
        Transmission and distribution losses as a fraction (:func:`tdl`); ``attrs
        ["units"]`` (``"percent"``) converted to a fraction. [-]

    Returns
    -------
    Emissions over every dimension but ``source``. [t]

    Raises
    ------
    MonitoringDataError
        Negative or missing consumption of a project or baseline source (a negative
        leakage value is a decrease and counts as zero, footnote 1).
    ParameterError
        A negative or missing emission factor; a TDL outside [0, 1).

    Examples
    --------
    >>> ec = xr.DataArray([100.0, 200.0], dims="source", coords={"source": ["a", "b"]},
    ...                   attrs={"units": "MWh"})
    >>> float(electricity_emissions("project", ec, 1.3, 0.2))
    468.0
    """
    role = _check_role(role)
    symbol = {"project": "EC_PJ_j_y", "baseline": "EC_BL_k_y", "leakage": "EC_LE_l_y"}[role]
    ec = _as_array(EC, symbol, "MWh")
    ef = _as_array(EF_EF, "EF_EF", "t/MWh")
    loss = _as_array(TDL, "TDL", "dimensionless")
    if bool(np.any(np.isnan(ec))):
        raise MonitoringDataError(
            "electricity consumption is missing",
            variable=symbol,
            where=_where(np.isnan(ec)),
            rule=_rule("Data/Parameter tables 10-11: continuous measurement"),
        )
    if role != "leakage" and bool(np.any(ec < 0)):
        raise MonitoringDataError(
            "electricity consumption is negative",
            variable=symbol,
            where=_where(ec < 0),
            rule=_rule("para. 16: EC is a quantity of electricity consumed (MWh/yr)"),
        )
    if bool(np.any(np.isnan(ef) | (ef < 0))):
        raise ParameterError(
            "emission factor for electricity generation is missing or negative",
            variable="EF_EF",
            where=_where(np.isnan(ef) | (ef < 0)),
            rule=_rule("paras 17-31: EF_EL,j/k/l,y by option A1, A2, B1, B2 or scenario C"),
        )
    if bool(np.any(np.isnan(loss) | (loss < 0) | (loss >= 1))):
        raise ParameterError(
            "transmission and distribution losses are not a fraction in [0, 1)",
            variable="TDL",
            where=_where(np.isnan(loss) | (loss < 0) | (loss >= 1)),
            rule=_rule("Data/Parameter table 3: TDL_j/k/l,y, a fraction (20 % is 0.2)"),
        )
    out = _EQUATIONS[role](ec, ef, loss)
    if isinstance(out, xr.DataArray):
        out.attrs = {"units": "t", "long_name": SYMBOLS[role]}
    return out


# --------------------------------------------------------------------------------------
# Scenario A


def ef_option_a1(EF_grid_CM_y: Any) -> Any:
    """Option A1: the combined margin emission factor of TOOL07 (EF_EL = EF_grid,CM,y).

    Parameters
    ----------
    EF_grid_CM_y
        The combined margin: a number, an array (``attrs["units"]`` converted), or an
        object with an ``EF_grid_CM_y`` attribute (a TOOL07 result,
        :class:`~reductions.tools.tool07.CombinedMargin`). [t/MWh]

    Returns
    -------
    EF_EL,j/k/l,y. [t/MWh]

    Notes
    -----
    TOOL05 v03.0 para. 19 (option A1) and Data/Parameter table 2 ("only applicable to
    scenarios A and C (cases C.I and C.III)"). A published CM, or one from
    :func:`reductions.tools.grid_emission_factor.combined_margin`, is equally accepted.

    Examples
    --------
    >>> ef_option_a1(0.4329)
    0.4329
    """
    value = getattr(EF_grid_CM_y, "EF_grid_CM_y", EF_grid_CM_y)
    out = _as_array(value, "EF_grid_CM_y", "t/MWh")
    if bool(np.any(np.isnan(out) | (out < 0))):
        raise ParameterError(
            "combined margin emission factor is missing or negative",
            variable="EF_grid_CM_y",
            where=_where(np.isnan(out) | (out < 0)),
            rule=_rule("para. 19: EF_EL,j/k/l,y = EF_grid,CM,y from TOOL07"),
        )
    return out


def ef_option_a2(
    role: str,
    *,
    EC_PJ_LE_A: float | None,
    EC_BL_A: float | None,
    hydro_share: float | None = None,
    clause: str | None = None,
) -> Default:
    """Option A2: the conservative default grid emission factor (para. 20).

    Parameters
    ----------
    role
        The role of the source the factor is for. [-]
    EC_PJ_LE_A
        Electricity consumption of all project and leakage sources to which scenario A
        applies; None if scenario A applies to none. [MWh]
    EC_BL_A
        The same for baseline sources; None if scenario A applies to none. [MWh]
    hydro_share
        Share of hydro power in total grid generation (average of the five most recent
        years, or long-term averages); needed for para. 20(b). [-]
    clause
        A clause to use instead of the more conservative one, e.g. ``"20(b)(ii)"``. [-]

    Returns
    -------
    Default
        1.3, 0.4 or 0.25 t CO2/MWh and the clause.

    Notes
    -----
    TOOL05 v03.0 para. 20: (a) 1.3 t CO2/MWh if scenario A applies (i) only to project
    and/or leakage sources, or (ii) to both and the project and leakage consumption is
    greater than the baseline's; (b) 0.4 t CO2/MWh for grids where hydro is less than
    50 % of generation, 0.25 for others, if scenario A applies (i) only to baseline
    sources, or (ii) to both and the baseline consumption is greater.

    Examples
    --------
    >>> ef_option_a2("project", EC_PJ_LE_A=500.0, EC_BL_A=None).value
    1.3
    """
    role = _check_role(role)
    for name, v in (("EC_PJ_LE_A", EC_PJ_LE_A), ("EC_BL_A", EC_BL_A)):
        if v is not None and not (np.isfinite(v) and v >= 0):
            raise ParameterError(
                f"{name} = {v!r} is not a consumption >= 0", variable=name, rule=_rule("para. 20")
            )
    pj, bl = EC_PJ_LE_A is not None, EC_BL_A is not None
    if (role == "baseline" and not bl) or (role != "baseline" and not pj):
        raise ParameterError(
            f"scenario A is stated not to apply to {role} sources (consumption None), but "
            f"a factor is asked for a {role} source",
            variable="EC_BL_A" if role == "baseline" else "EC_PJ_LE_A",
            rule=_rule("para. 18: options A1/A2 for sources under scenario A"),
        )
    candidates: list[tuple[float, str]] = []
    if pj and not bl:
        candidates.append((1.3, "para. 20(a)(i)"))
    if EC_PJ_LE_A is not None and EC_BL_A is not None and EC_PJ_LE_A > EC_BL_A:
        candidates.append((1.3, "para. 20(a)(ii)"))
    b_clause = None
    if bl and not pj:
        b_clause = "para. 20(b)(i)"
    if EC_PJ_LE_A is not None and EC_BL_A is not None and EC_BL_A > EC_PJ_LE_A:
        b_clause = "para. 20(b)(ii)"
    if b_clause is not None:
        if hydro_share is None or not (0 <= hydro_share <= 1):
            raise ParameterError(
                f"para. 20(b) applies, and needs the hydro share of total grid generation "
                f"as a fraction in [0, 1] (got {hydro_share!r})",
                variable="hydro_share",
                rule=_rule(
                    "para. 20(b): 0.4 t CO2/MWh where hydro is less than 50% of total grid "
                    "generation, 0.25 t CO2/MWh for other grids"
                ),
            )
        candidates.append((0.4 if hydro_share < 0.5 else 0.25, b_clause))
    if not candidates:
        raise ParameterError(
            f"project and leakage consumption ({EC_PJ_LE_A}) equals baseline consumption "
            f"({EC_BL_A}): neither para. 20(a)(ii) nor 20(b)(ii) holds and the tool gives no "
            "default; use option A1",
            variable="EC_PJ_LE_A",
            rule=_rule("para. 20(a)(ii), (b)(ii): 'greater than'"),
        )
    return _choose(candidates, role, clause, "t/MWh", "EF_EF")


# --------------------------------------------------------------------------------------
# Scenario B


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("EF_EL_y", "t/MWh"),
    text="EF_EL,j/k/l,y = sum_n sum_i FC_n,i,t x NCV_i,t x EF_CO2,i,t / sum_n EG_n,t",
)
def ef_el_captive(FC_n_i_t: Any, NCV_i_t: Any, EF_CO2_i_t: Any, EG_n_t: Any) -> Any:
    """Emission factor of captive power plants without cogeneration (option B1).

    Parameters
    ----------
    FC_n_i_t
        Fossil fuel type i fired in captive plant n in period t, over ``plant`` and
        ``fuel``. [mass or volume unit]
    NCV_i_t
        Average net calorific value of fuel type i. [GJ/mass or volume unit]
    EF_CO2_i_t
        Average CO2 emission factor of fuel type i. [t/GJ]
    EG_n_t
        Electricity generated in captive plant n in period t, over ``plant``. [MWh]

    Returns
    -------
    EF_EL_y, emission factor for electricity generation. [t/MWh]

    Notes
    -----
    .. math:: EF_{EL,j/k/l,y} = \\frac{\\sum_n \\sum_i FC_{n,i,t} \\times NCV_{i,t} \\times
        EF_{CO2,i,t}}{\\sum_n EG_{n,t}}

    TOOL05 v03.0 para. 23, eq. (4).

    Examples
    --------
    >>> fc = xr.DataArray([[100.0]], dims=("plant", "fuel"))
    >>> eg = xr.DataArray([1000.0], dims="plant")
    >>> round(float(ef_el_captive(fc, 40.0, 0.075, eg)), 6)
    0.3
    """
    num = (FC_n_i_t * NCV_i_t * EF_CO2_i_t).sum(["plant", "fuel"])
    return num / EG_n_t.sum("plant")


@equation(
    DOC,
    VERSION,
    "eq. (5)",
    returns=("EF_EL_y", "t/MWh"),
    text="EF_EL,j/k/l,y = sum_n [sum_i (FC_n,i,t x NCV_i,t) - HG_n,t / eta_boiler] "
    "x EF_CO2,n,t / sum_n EG_n,t",
)
def ef_el_cogeneration(
    FC_n_i_t: Any, NCV_i_t: Any, HG_n_t: Any, eta_boiler: Any, EF_CO2_n_t: Any, EG_n_t: Any
) -> Any:
    """Emission factor of captive cogeneration plants, fuel allocated to heat (option B1).

    Parameters
    ----------
    FC_n_i_t
        Fossil fuel type i fired in plant n, over ``plant`` and ``fuel``. [mass or
        volume unit]
    NCV_i_t
        Average net calorific value of fuel type i. [GJ/mass or volume unit]
    HG_n_t
        Heat co-generated in plant n, over ``plant``. [GJ]
    eta_boiler
        Efficiency of the boiler that would generate the heat without cogeneration. [-]
    EF_CO2_n_t
        Average CO2 emission factor of the fuels fired in plant n, over ``plant``
        (para. 26). [t/GJ]
    EG_n_t
        Electricity generated in plant n, over ``plant``. [MWh]

    Returns
    -------
    EF_EL_y, emission factor for electricity generation. [t/MWh]

    Notes
    -----
    .. math:: EF_{EL,j/k/l,y} = \\frac{\\sum_n [\\sum_i (FC_{n,i,t} \\times NCV_{i,t}) -
        HG_{n,t}/\\eta_{boiler}] \\times EF_{CO2,n,t}}{\\sum_n EG_{n,t}}

    TOOL05 v03.0 para. 24, eq. (5).

    Examples
    --------
    >>> fc = xr.DataArray([[100.0]], dims=("plant", "fuel"))
    >>> one = xr.DataArray([1.0], dims="plant")
    >>> round(float(ef_el_cogeneration(fc, 40.0, 1000.0 * one, 1.0, 0.075 * one,
    ...                                1000.0 * one)), 6)
    0.225
    """
    energy = (FC_n_i_t * NCV_i_t).sum("fuel") - HG_n_t / eta_boiler
    return (energy * EF_CO2_n_t).sum("plant") / EG_n_t.sum("plant")


@equation(
    DOC,
    VERSION,
    "eq. (6)",
    returns=("EF_CO2_n_t", "t/GJ"),
    text="EF_CO2,n,t = sum_i FC_n,i,t x NCV_i,t x EF_CO2,i,t / sum_i FC_n,i,t x NCV_i,t",
)
def ef_co2_average(FC_n_i_t: Any, NCV_i_t: Any, EF_CO2_i_t: Any) -> Any:
    """Average CO2 emission factor of the fuels fired in captive plant n (para. 26(b)(iv)).

    Parameters
    ----------
    FC_n_i_t
        Fossil fuel type i fired in plant n in period t, over ``fuel``. [mass or volume]
    NCV_i_t
        Average net calorific value of fuel type i. [GJ/mass or volume unit]
    EF_CO2_i_t
        CO2 emission factor of fuel type i. [t/GJ]

    Returns
    -------
    EF_CO2_n_t, average CO2 emission factor of plant n. [t/GJ]

    Notes
    -----
    .. math:: EF_{CO2,n,t} = \\frac{\\sum_i FC_{n,i,t} NCV_{i,t} EF_{CO2,i,t}}
        {\\sum_i FC_{n,i,t} NCV_{i,t}}

    TOOL05 v03.0 para. 26(b)(iv), eq. (6).

    Examples
    --------
    >>> fc = xr.DataArray([1.0, 1.0], dims="fuel")
    >>> ef = xr.DataArray([0.05, 0.1], dims="fuel")
    >>> round(float(ef_co2_average(fc, 10.0, ef)), 6)
    0.075
    """
    energy = FC_n_i_t * NCV_i_t
    return (energy * EF_CO2_i_t).sum("fuel") / energy.sum("fuel")


def ef_co2_plant(
    role: str,
    EF_CO2_i: xr.DataArray,
    *,
    EC_BL_plant: float | None = None,
    EC_PJ_LE_plant: float | None = None,
) -> Default:
    """EF_CO2,n,t of a captive plant by para. 26(a) and (b)(i)-(iii).

    Parameters
    ----------
    role
        The role of the source. [-]
    EF_CO2_i
        CO2 emission factor of each fuel type the plant used in the period the rule
        looks at, over ``fuel``: for a baseline source the fuels used in the 1-3 years
        before the start of the project, for a project source those used since the start
        (para. 26(b)(i)-(ii)); one fuel for para. 26(a). [t/GJ]
    EC_BL_plant, EC_PJ_LE_plant
        Electricity consumption of the baseline and of the project and leakage sources
        supplied by this plant, when both are (para. 26(b)(iii)). [MWh]

    Returns
    -------
    Default
        The factor [t/GJ] and the clause.

    Notes
    -----
    TOOL05 v03.0 para. 26: (a) a plant with one fuel type (start-up fuel, at most 3 % on
    energy basis, footnote 3, aside) takes its factor; (b)(i) baseline: the lowest factor;
    (ii) project: the highest; (iii) a plant supplying both: (ii) for both when project
    and leakage consumption is greater, (i) for both when the baseline's is greater.
    Options (iv) and (v) are :func:`ef_co2_average` and :func:`more_conservative`.

    Examples
    --------
    >>> ef = xr.DataArray([0.0561, 0.0741], dims="fuel", coords={"fuel": ["gas", "oil"]})
    >>> ef_co2_plant("baseline", ef).value
    0.0561
    """
    role = _check_role(role)
    if "fuel" not in EF_CO2_i.dims or EF_CO2_i.ndim != 1:
        raise ParameterError(
            f"EF_CO2_i must have the one dimension 'fuel' (dimensions {EF_CO2_i.dims})",
            variable="EF_CO2_i",
        )
    ef = _as_array(EF_CO2_i, "EF_CO2_i", "t/GJ")
    values = np.asarray(ef.values, dtype=float)
    if values.size == 0 or bool(np.any(np.isnan(values) | (values < 0))):
        raise ParameterError(
            "CO2 emission factors of the plant's fuels are missing or negative",
            variable="EF_CO2_i",
            rule=_rule("para. 26: EF_CO2,i,t of the fuel types used"),
        )
    if values.size == 1:
        return Default(float(values[0]), "t/GJ", "para. 26(a)")
    if EC_BL_plant is not None and EC_PJ_LE_plant is not None:
        if EC_PJ_LE_plant > EC_BL_plant:
            return Default(float(values.max()), "t/GJ", "para. 26(b)(iii), (b)(ii)")
        if EC_BL_plant > EC_PJ_LE_plant:
            return Default(float(values.min()), "t/GJ", "para. 26(b)(iii), (b)(i)")
        raise ParameterError(
            f"baseline and project consumption from the same plant are equal "
            f"({EC_BL_plant}): para. 26(b)(iii) gives no factor; use (b)(iv) or (b)(v)",
            variable="EC_BL_plant",
            rule=_rule("para. 26(b)(iii): 'greater than'"),
        )
    if role == "baseline":
        return Default(float(values.min()), "t/GJ", "para. 26(b)(i)")
    return Default(float(values.max()), "t/GJ", "para. 26(b)(ii)")


def period_t(role: str, *, captive_plant_operated_in_period: bool) -> str:
    """The period t of eqs. (4)-(6) for a source (para. 25).

    Parameters
    ----------
    role
        The role of the source. [-]
    captive_plant_operated_in_period
        Whether a captive plant is operated at the site during the monitored period. [-]

    Returns
    -------
    ``"monitored period"`` or ``"three most recent historical years"``.

    Notes
    -----
    TOOL05 v03.0 para. 25: (a) the monitored period for (i) project and leakage sources
    and (ii) baseline sources where captive plants operate during the monitored period;
    (b) the most recent three historical years before the project for baseline sources
    where no captive plant is operated.

    Examples
    --------
    >>> period_t("baseline", captive_plant_operated_in_period=False)
    'three most recent historical years'
    """
    role = _check_role(role)
    if role == "baseline" and not captive_plant_operated_in_period:
        return "three most recent historical years"
    return "monitored period"


def may_ignore_heat(
    role: str, *, EC_PJ_plant: float | None = None, EC_BL_plant: float | None = None
) -> bool:
    """Whether the heat of a cogeneration plant may be ignored (para. 22(a)).

    Parameters
    ----------
    role
        The role of the source. [-]
    EC_PJ_plant, EC_BL_plant
        Consumption of the project and of the baseline sources connected to the plant,
        when it supplies both. [MWh]

    Returns
    -------
    True if para. 22(a)(i) or (ii) holds (eq. (4) may be used), else False (eq. (5)).

    Notes
    -----
    TOOL05 v03.0 para. 22(a): (i) a project or leakage source but not a baseline
    source; (ii) the plant supplies project and baseline sources and the project
    consumption is greater than the baseline's.

    Examples
    --------
    >>> may_ignore_heat("baseline")
    False
    """
    role = _check_role(role)
    if EC_PJ_plant is not None and EC_BL_plant is not None:
        return EC_PJ_plant > EC_BL_plant
    return role != "baseline"


def eta_boiler_default(role: str) -> Default:
    """Default boiler efficiency of eq. (5) (Data/Parameter table 7, option (b)).

    Parameters
    ----------
    role
        The role of the emission source. [-]

    Returns
    -------
    Default
        1.0 for a project or leakage source, 0.6 for a baseline source. [-]

    Examples
    --------
    >>> eta_boiler_default("baseline").value
    0.6
    """
    role = _check_role(role)
    value = 0.6 if role == "baseline" else 1.0
    return Default(value, "1", "Data/Parameter table 7 (b)")


def ef_option_b2(
    role: str,
    *,
    EC_BL_site: float | None = None,
    EC_PJ_site: float | None = None,
    clause: str | None = None,
) -> Default:
    """Option B2: the conservative default emission factor of a captive plant (para. 28).

    Parameters
    ----------
    role
        The role of the source. [-]
    EC_BL_site, EC_PJ_site
        Consumption of all baseline and of all project sources at the site of the
        captive plant(s); needed for the (ii) clauses. [MWh]
    clause
        A clause to use instead of the more conservative one, e.g. ``"28(b)(ii)"``. [-]

    Returns
    -------
    Default
        1.3 or 0.4 t CO2/MWh and the clause, with every clause that holds.

    Notes
    -----
    TOOL05 v03.0 para. 28: (a) 1.3 t CO2/MWh if (i) a project or leakage source, or (ii)
    a baseline source and baseline consumption at the site is less than project
    consumption; (b) 0.4 t CO2/MWh if (i) a baseline source, or (ii) a project source
    and baseline consumption is greater than project consumption.

    Examples
    --------
    >>> d = ef_option_b2("project", EC_BL_site=900.0, EC_PJ_site=100.0, clause="28(b)(ii)")
    >>> (d.value, d.clause)
    (0.4, 'para. 28(b)(ii)')
    """
    role = _check_role(role)
    bl_site = np.nan if EC_BL_site is None else float(EC_BL_site)
    pj_site = np.nan if EC_PJ_site is None else float(EC_PJ_site)
    both = EC_BL_site is not None and EC_PJ_site is not None
    candidates: list[tuple[float, str]] = []
    if role in ("project", "leakage"):
        candidates.append((1.3, "para. 28(a)(i)"))
    if role == "baseline" and both and bl_site < pj_site:
        candidates.append((1.3, "para. 28(a)(ii)"))
    if role == "baseline":
        candidates.append((0.4, "para. 28(b)(i)"))
    if role == "project" and both and bl_site > pj_site:
        candidates.append((0.4, "para. 28(b)(ii)"))
    return _choose(candidates, role, clause, "t/MWh", "EF_EF")


# --------------------------------------------------------------------------------------
# Scenario C


def ef_scenario_c(
    case: str, role: str, *, ef_a: float | None = None, ef_b: float | None = None
) -> Default:
    """Emission factor under scenario C by case (para. 31).

    Parameters
    ----------
    case
        ``"C.I"`` (grid), ``"C.II"`` (captive plant) or ``"C.III"`` (both). [-]
    role
        The role of the source. [-]
    ef_a
        The factor by option A1 or A2 (scenario A guidance). [t/MWh]
    ef_b
        The factor by option B1 or B2 (scenario B guidance). [t/MWh]

    Returns
    -------
    Default
        The factor and the clause.

    Notes
    -----
    TOOL05 v03.0 para. 31: C.I follows scenario A, C.II scenario B, C.III takes the
    more conservative (footnote 5) of the two. Para. 30: in case of doubt, C.III.

    Examples
    --------
    >>> ef_scenario_c("C.III", "project", ef_a=0.8, ef_b=1.3).value
    1.3
    """
    role = _check_role(role)
    need = {"C.I": ("ef_a",), "C.II": ("ef_b",), "C.III": ("ef_a", "ef_b")}.get(case)
    if need is None:
        raise ParameterError(
            f"case {case!r} is not C.I, C.II or C.III",
            variable="case",
            rule=_rule("para. 29: cases C.I, C.II, C.III"),
        )
    given = {"ef_a": ef_a, "ef_b": ef_b}
    for name in need:
        v = given[name]
        if v is None or not (np.isfinite(v) and v >= 0):
            raise ParameterError(
                f"case {case} needs {name} (got {v!r})",
                variable=name,
                rule=_rule("para. 31"),
            )
    a = float(ef_a) if ef_a is not None else np.nan
    b = float(ef_b) if ef_b is not None else np.nan
    if case == "C.I":
        return Default(a, "t/MWh", "para. 31, case C.I (scenario A)")
    if case == "C.II":
        return Default(b, "t/MWh", "para. 31, case C.II (scenario B)")
    return Default(
        more_conservative([a, b], role),
        "t/MWh",
        "para. 31, case C.III (more conservative, footnote 5)",
        ((a, "scenario A, options A1/A2"), (b, "scenario B, options B1/B2")),
    )


# --------------------------------------------------------------------------------------
# Transmission and distribution losses


def tdl(
    scenario: str,
    role: str,
    *,
    case: str | None = None,
    option: int | None = None,
    host_country_value: float | None = None,
    data_age_years: int | None = None,
    EC_PJ_LE_A: float | None = None,
    EC_BL_A: float | None = None,
) -> Default:
    """Transmission and distribution losses TDL_j/k/l,y (Data/Parameter table 3).

    Parameters
    ----------
    scenario
        ``"A"``, ``"B"`` or ``"C"``. [-]
    role
        The role of the source. [-]
    case
        For scenario C: ``"C.I"``, ``"C.II"`` or ``"C.III"``. [-]
    option
        1 (host-country annual average), 2 (default 20 %) or 3 (default 3 %); None: the
        more conservative default whose condition holds. [-]
    host_country_value
        For option 1, the annual average technical losses of the host country. [-]
    data_age_years
        For option 1, years between the data year and year y (at most 5). [-]
    EC_PJ_LE_A, EC_BL_A
        Consumption of all project and leakage sources, and of all baseline sources, to
        which scenario A or C (cases C.I, C.III) applies; needed for options 2(b), 3(b).
        [MWh]

    Returns
    -------
    Default
        The loss as a fraction and the clause.

    Notes
    -----
    TOOL05 v03.0 Data/Parameter table 3: scenario B and case C.II: TDL = 0. Scenario A,
    cases C.I and C.III: option 1, the most recent host-country annual average ("not
    older than 5 years"); option 2, 20 % for (a) project or leakage sources, (b) baseline
    sources if project and leakage consumption is larger than the baseline's; option 3,
    3 % for (a) baseline sources, (b) project and leakage sources if their consumption is
    smaller than the baseline's.

    Examples
    --------
    >>> tdl("A", "baseline").value
    0.03
    """
    role = _check_role(role)
    if scenario not in ("A", "B", "C"):
        raise ParameterError(
            f"scenario {scenario!r} is not A, B or C",
            variable="scenario",
            rule=_rule("para. 5: scenarios A, B, C"),
        )
    if scenario == "C" and case not in ("C.I", "C.II", "C.III"):
        raise ParameterError(
            f"scenario C needs its case C.I, C.II or C.III (got {case!r})",
            variable="case",
            rule=_rule("para. 29 and Data/Parameter table 3"),
        )
    if scenario == "B" or case == "C.II":
        if option is not None:
            raise ParameterError(
                f"TDL option {option} does not apply: scenario B and case C.II take TDL = 0",
                variable="TDL",
                rule=_rule("Data/Parameter table 3: 'assume TDL = 0 as a simplification'"),
            )
        return Default(0.0, "1", "Data/Parameter table 3 (scenario B, case C.II)")
    if option == 1:
        if host_country_value is None or not (0 <= host_country_value < 1):
            raise ParameterError(
                f"option 1 needs the host-country annual average as a fraction in [0, 1) "
                f"(got {host_country_value!r})",
                variable="TDL",
                rule=_rule("Data/Parameter table 3, option 1"),
            )
        if data_age_years is None or not (0 <= data_age_years <= 5):
            raise ParameterError(
                f"host-country losses must be the most recent figures, not older than 5 "
                f"years (age {data_age_years!r})",
                variable="TDL",
                rule=_rule("Data/Parameter table 3, monitoring frequency"),
            )
        return Default(float(host_country_value), "1", "Data/Parameter table 3, option 1")
    if option not in (None, 2, 3):
        raise ParameterError(
            f"TDL option {option!r} is not 1, 2 or 3",
            variable="TDL",
            rule=_rule("Data/Parameter table 3"),
        )
    pj_a = np.nan if EC_PJ_LE_A is None else float(EC_PJ_LE_A)
    bl_a = np.nan if EC_BL_A is None else float(EC_BL_A)
    both = EC_PJ_LE_A is not None and EC_BL_A is not None
    candidates: list[tuple[float, str]] = []
    if role != "baseline":
        candidates.append((0.20, "Data/Parameter table 3, option 2(a)"))
    if role == "baseline" and both and pj_a > bl_a:
        candidates.append((0.20, "Data/Parameter table 3, option 2(b)"))
    if role == "baseline":
        candidates.append((0.03, "Data/Parameter table 3, option 3(a)"))
    if role != "baseline" and both and pj_a < bl_a:
        candidates.append((0.03, "Data/Parameter table 3, option 3(b)"))
    if option is not None:
        allowed = [c for c in candidates if f"option {option}" in c[1]]
        if not allowed:
            raise ParameterError(
                f"TDL option {option} does not apply to this {role} source: its condition "
                f"does not hold (project and leakage consumption {EC_PJ_LE_A}, baseline "
                f"{EC_BL_A})",
                variable="TDL",
                rule=_rule(f"Data/Parameter table 3, option {option}"),
            )
        return Default(allowed[0][0], "1", allowed[0][1], tuple(candidates))
    return _choose(candidates, role, None, "1", "TDL")


# --------------------------------------------------------------------------------------
# Alternative approaches (section 6.2.2)


def check_alternative_approach(scenario: str, role: str) -> None:
    """Refuse options B3 and B4 where para. 32 does not allow them.

    Parameters
    ----------
    scenario
        The scenario of the electricity consumer. [-]
    role
        The role of the consumer. [-]

    Notes
    -----
    TOOL05 v03.0 para. 32: the alternative approaches may be used if (a) scenario B
    applies to the consumer and (b) it is a project or leakage source.

    Examples
    --------
    >>> check_alternative_approach("B", "leakage")
    """
    role = _check_role(role)
    if scenario != "B" or role == "baseline":
        raise ApplicabilityError(
            f"options B3/B4 need scenario B and a project or leakage source "
            f"(scenario {scenario!r}, {role} source)",
            variable="scenario" if scenario != "B" else "role",
            rule=_rule("para. 32(a)-(b)"),
        )


def pe_ec_option_b3(
    scenario: str, role: str, FC: xr.DataArray, **tool03_inputs: Any
) -> tool03.Tool03Result:
    """Option B3: project or leakage emissions as all fuel combustion of the captive plant.

    Parameters
    ----------
    scenario, role
        Checked against para. 32. [-]
    FC
        All fuel fired in the captive plant, over ``fuel`` (TOOL03's FC). [mass or volume]
    **tool03_inputs
        ``w_C``, ``rho``, ``NCV``, ``EF_CO2``, ``option`` of
        :func:`reductions.tools.tool03.fossil_fuel_emissions`.

    Returns
    -------
    The TOOL03 result; its ``PE_FC_j_y`` is PE_EC,y or LE_EC,y. [t]

    Notes
    -----
    TOOL05 v03.0 para. 34, by TOOL03 ("the latest approved version"; here v03.0).

    Examples
    --------
    >>> fc = tool03.fuel_values({"diesel": (10.0, "t")})
    >>> ncv = tool03.fuel_values({"diesel": (40.0, "GJ/t")})
    >>> ef = tool03.fuel_values({"diesel": (0.075, "t/GJ")})
    >>> round(float(pe_ec_option_b3("B", "project", fc, NCV=ncv, EF_CO2=ef).PE_FC_j_y), 6)
    30.0
    """
    check_alternative_approach(scenario, role)
    return tool03.fossil_fuel_emissions(FC, **tool03_inputs)


@equation(
    DOC,
    VERSION,
    "eq. (7)",
    returns=("PE_EC_j_y", "t"),
    text="PE_EC,j,y = 11,400 tCO2/MW x PP_CP,j",
)
def pe_ec_option_b4(PP_CP_j: Any) -> Any:
    """Option B4: project emissions from the rated capacity of the captive plant(s).

    Parameters
    ----------
    PP_CP_j
        Rated capacity of the captive plant(s) supplying project sources j. [MW]

    Returns
    -------
    PE_EC_j_y, project emissions from electricity consumption by sources j. [t]

    Notes
    -----
    .. math:: PE_{EC,j,y} = 11{,}400\\ t\\,CO_2/MW \\times PP_{CP,j}

    TOOL05 v03.0 para. 35, eq. (7). Conditions: para. 32 (:func:`check_alternative_approach`).

    Examples
    --------
    >>> pe_ec_option_b4(2.0)
    22800.0
    """
    return B4_T_PER_MW * PP_CP_j


@equation(
    DOC,
    VERSION,
    "eq. (8)",
    returns=("LE_EC_l_y", "t"),
    text="LE_EC,l,y = 11,400 tCO2/MW x PP_CP,l",
)
def le_ec_option_b4(PP_CP_l: Any) -> Any:
    """Option B4: leakage emissions from the rated capacity of the captive plant(s).

    Parameters
    ----------
    PP_CP_l
        Rated capacity of the captive plant(s) supplying leakage sources l. [MW]

    Returns
    -------
    LE_EC_l_y, leakage emissions from electricity consumption by sources l. [t]

    Notes
    -----
    .. math:: LE_{EC,l,y} = 11{,}400\\ t\\,CO_2/MW \\times PP_{CP,l}

    TOOL05 v03.0 para. 35, eq. (8).

    Examples
    --------
    >>> le_ec_option_b4(0.5)
    5700.0
    """
    return B4_T_PER_MW * PP_CP_l

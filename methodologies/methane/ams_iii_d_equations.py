"""Equations of CDM AMS-III.D v21.0 "Methane recovery in animal manure management systems".

One pure array function per published equation (or per term of one, where the text sums
over livestock types LT and systems j and the engine keeps one symbol per type). Each is
tagged with its equation number in AMS-III.D v21.0 (EB 96, Annex 9, 22 September 2017).
Every function works per monitoring interval: quantities "in year y" of the text are
the amounts in the interval, which add up to the year (see the module docstring of
:mod:`methodologies.methane.ams_iii_d` for how each annual quantity is spread).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from reductions.plugin import equation
from reductions.tools.gas import normalise_volume

DOC, VERSION = "AMS-III.D", "21.0"

#: Para. 21(a): physical leakage is 10 % of the maximum methane producing potential of the
#: manure fed into the project's systems (footnote 2: the IPCC 2006 default). A literal of
#: eqs. (7) and (8).
PL_FRACTION = 0.10
#: Para. 30, eq. (12): 1 MWh = 3600 MJ.
MJ_PER_MWH = 3600.0
#: D_CH4 is the density at 20 degC and 1 atm (para. 18): the volumes of eq. (11) are at
#: these conditions.
T_D_CH4 = 293.15  # K
P_D_CH4 = 101_325.0  # Pa
#: Eq. (4) and eq. (9) count a year as 365 days.
DAYS_PER_YEAR = 365.0


def interval_days(x: Any) -> Any:
    """Length of each monitoring interval in days, from a series' ``time`` and
    ``time_end`` coordinates. [d]"""
    if not (isinstance(x, xr.DataArray) and "time_end" in x.coords):
        raise ValueError("a series over monitoring intervals (time, time_end) is needed")
    seconds = (x["time_end"] - x["time"]) / np.timedelta64(1, "s")
    return seconds / 86_400.0


# --- volatile solids (para. 18(b)-(c)) ------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "eq. (2)",
    returns=("VS_LT_d", "kg/d"),
    text="VS_LT,d = [GE_LT x (1 - DE_LT/100) + UE x GE_LT] x [(1 - ASH) / ED_LT] "
    "(eq. (2) before the factor nd_y)",
    description="Daily volatile solid excretion per animal, from feed intake (IPCC Tier 2)",
)
def volatile_solids_feed(GE_LT: Any, DE_LT: Any, UE: Any, ASH: Any, ED_LT: Any) -> Any:
    """Volatile solids excreted per animal and day, from the feed intake (eq. (2)).

    Parameters
    ----------
    GE_LT
        Daily average gross energy intake. [MJ/d]
    DE_LT
        Digestible energy of the feed, in per cent. [percent]
    UE
        Urinary energy, as a fraction of GE_LT. [-]
    ASH
        Ash content of manure, fraction of the dry matter feed intake. [-]
    ED_LT
        Energy density of the feed. [MJ/kg]

    Returns
    -------
    VS per animal per day, dry matter. [kg/d]

    Notes
    -----
    .. math:: VS_{LT,y} = [GE_{LT} (1 - DE_{LT}/100) + UE \\cdot GE_{LT}]
              \\frac{1 - ASH}{ED_{LT}} \\, nd_y

    AMS-III.D v21.0 para. 18(b)(ii), eq. (2); this function is eq. (2) before the factor
    nd_y (:func:`volatile_solids_year` applies it). The extracted text prints the second
    bracket as "(1 - ASH ED_LT)", the fraction (1 - ASH) over ED_LT of the PDF: the energy
    density turns MJ into kg (IPCC 2006 Vol. 4 eq. 10.24 has (1 - ASH)/18.45).

    Examples
    --------
    >>> round(volatile_solids_feed(30.0, 80.0, 0.02, 0.04, 18.45), 9)
    0.343414634
    """
    return (GE_LT * (1.0 - DE_LT / 100.0) + UE * GE_LT) * ((1.0 - ASH) / ED_LT)


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("VS_LT_d", "kg/d"),
    text="VS_LT,d = (W_site / W_default) x VS_default (eq. (3) before the factor nd_y)",
    description="Daily volatile solid excretion per animal, default adjusted for weight",
)
def volatile_solids_weight(W_site: Any, W_default: Any, VS_default: Any) -> Any:
    """The default daily VS excretion adjusted for the site's average animal weight (eq. (3)).

    Parameters
    ----------
    W_site
        Average animal weight of the livestock population at the site. [kg]
    W_default
        IPCC 2006 default average animal weight of the population. [kg]
    VS_default
        Default VS excretion rate per animal per day, dry matter. [kg/d]

    Returns
    -------
    VS per animal per day. [kg/d]

    Notes
    -----
    AMS-III.D v21.0 para. 18(c), eq. (3) before the factor nd_y. With W_site = W_default
    it is the unadjusted default of para. 18(b)(iii).

    Examples
    --------
    >>> round(volatile_solids_weight(80.0, 50.0, 0.30), 9)
    0.48
    """
    return W_site / W_default * VS_default


@equation(
    DOC,
    VERSION,
    "eqs. (2)-(3)",
    returns=("VS_LT_y", "kg"),
    text="VS_LT,y = VS_LT,d x nd_y",
    description="Volatile solid excretion per animal in the interval",
    extensive=True,
)
def volatile_solids_year(VS_LT_d: Any, nd_y: Any) -> Any:
    """VS per animal over the days the treatment plant operated (the factor nd_y of
    eqs. (2) and (3)).

    Parameters
    ----------
    VS_LT_d
        VS excretion per animal per day. [kg/d]
    nd_y
        Days the treatment plant was operational in the interval. [d]

    Returns
    -------
    VS_LT,y per animal in the interval. [kg]

    Examples
    --------
    >>> volatile_solids_year(0.5, 30.0)
    15.0
    """
    return VS_LT_d * nd_y


# --- animals (para. 18(g)) ------------------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("N_LT_y", "1"),
    text="N_LT,y = N_da,y x (N_p,y / 365)",
    description="Average number of animals",
    extensive=False,
)
def average_animals(N_da_y: Any, N_p_y: Any) -> Any:
    """Average number of animals from the days alive and the animals produced (eq. (4)).

    Parameters
    ----------
    N_da_y
        Number of days an animal is alive in the farm. [d]
    N_p_y
        Number of animals produced in the interval (a series over monitoring
        intervals). [-]

    Returns
    -------
    N_LT,y, the average number of animals in the interval. [-]

    Notes
    -----
    .. math:: N_{LT,y} = N_{da,y} \\times N_{p,y} / 365

    AMS-III.D v21.0 para. 18(g), eq. (4). N_p,y of the text is the number produced in a
    year; the animals produced in an interval of D days are annualised to
    N_p x 365 / D, so that an interval of a year (365 days) is eq. (4) as written.

    Examples
    --------
    >>> import pandas as pd, xarray as xr
    >>> t = pd.to_datetime(["2024-01-01"])
    >>> n_p = xr.DataArray([310.0], dims="time", coords={"time": t,
    ...     "time_end": ("time", pd.to_datetime(["2024-02-01"]))})
    >>> float(average_animals(42.0, n_p)[0])
    420.0
    """
    return N_da_y * (N_p_y * DAYS_PER_YEAR / interval_days(N_p_y)) / DAYS_PER_YEAR


# --- baseline (para. 18) --------------------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "eq. (1)",
    returns=("MCF_MS_Bl", "1"),
    text="sum_j MCF_j x MS%_Bl,j (the factor of eq. (1) over the baseline systems j)",
    description="Methane conversion factors of the baseline systems, weighted by the "
    "fraction of manure each handles",
    extensive=False,
)
def weighted_mcf(MCF_j: Any, MS_Bl_j: Any) -> Any:
    """Sum over the baseline systems j of MCF_j x MS%_Bl,j (a factor of eq. (1)).

    Parameters
    ----------
    MCF_j
        Annual methane conversion factor of each baseline system j (sequence). [-]
    MS_Bl_j
        Fraction of manure handled in each baseline system j (sequence). [-]

    Returns
    -------
    sum_j MCF_j x MS%_Bl,j. [-]

    Notes
    -----
    In eq. (1) MCF_j and MS%_Bl,j carry the index j only, so the double sum over j and LT
    factors into this sum times the sum over LT.

    Examples
    --------
    >>> round(weighted_mcf([0.78, 0.32], [0.75, 0.25]), 9)
    0.665
    """
    return float(np.sum(np.asarray(MCF_j, dtype=float) * np.asarray(MS_Bl_j, dtype=float)))


@equation(
    DOC,
    VERSION,
    "eq. (1)",
    returns=("BE_LT_y", "t"),
    text="BE_LT,y = GWP_CH4 x D_CH4 x UF_b x sum_j(MCF_j x MS%_Bl,j) x B0_LT x N_LT,y "
    "x VS_LT,y (the term of livestock type LT)",
    description="Baseline emissions of one livestock type",
    extensive=True,
)
def baseline_emissions_lt(
    GWP_CH4: Any, D_CH4: Any, UF_b: Any, MCF_MS_Bl: Any, B0_LT: Any, N_LT_y: Any, VS_LT_y: Any
) -> Any:
    """The term of livestock type LT in eq. (1).

    Parameters
    ----------
    GWP_CH4
        Global warming potential of methane. [t/t]
    D_CH4
        Density of methane at 20 degC and 1 atm (0.00067, para. 18). [t/m3]
    UF_b
        Model correction factor (0.94, para. 18). [-]
    MCF_MS_Bl
        sum_j MCF_j x MS%_Bl,j. [-]
    B0_LT
        Maximum methane producing potential of the volatile solids. [m3/kg]
    N_LT_y
        Average number of animals. [-]
    VS_LT_y
        Volatile solids per animal in the interval. [kg]

    Returns
    -------
    Baseline emissions of type LT. [t]

    Notes
    -----
    .. math:: BE_y = GWP_{CH4} D_{CH4} UF_b \\sum_{j,LT} MCF_j B_{0,LT} N_{LT,y}
              VS_{LT,y} MS\\%_{Bl,j}

    AMS-III.D v21.0 para. 18, eq. (1).

    Examples
    --------
    >>> round(baseline_emissions_lt(21.0, 0.00067, 0.94, 0.78, 0.29, 1000.0, 100.0), 6)
    299.167596
    """
    return GWP_CH4 * D_CH4 * UF_b * MCF_MS_Bl * B0_LT * N_LT_y * VS_LT_y


# --- project emissions (paras. 20-25) -------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "eq. (7)",
    returns=("PE_PL_LT_y", "t"),
    text="PE_PL,LT,y = 0.10 x GWP_CH4 x D_CH4 x B0_LT x N_LT,y x VS_LT,y x sum_i MS%_i,y "
    "(the term of livestock type LT)",
    description="Physical leakage of biogas (10 % default), one livestock type",
    extensive=True,
)
def physical_leakage_lt(
    GWP_CH4: Any, D_CH4: Any, B0_LT: Any, N_LT_y: Any, VS_LT_y: Any, MS_i_y: Any
) -> Any:
    """The term of livestock type LT in eq. (7): 10 % of the maximum methane producing
    potential of the manure fed into the project's systems.

    Parameters
    ----------
    GWP_CH4
        Global warming potential of methane. [t/t]
    D_CH4
        Density of methane (0.00067). [t/m3]
    B0_LT
        Maximum methane producing potential. [m3/kg]
    N_LT_y
        Average number of animals. [-]
    VS_LT_y
        Volatile solids per animal in the interval. [kg]
    MS_i_y
        Fraction of manure handled in the project's systems i (their sum). [-]

    Returns
    -------
    PE_PL of type LT. [t]

    Notes
    -----
    AMS-III.D v21.0 para. 21(a)(i), eq. (7); 0.10 is the literal of the equation
    (footnote 2: the IPCC 2006 default).

    Examples
    --------
    >>> round(physical_leakage_lt(21.0, 0.00067, 0.29, 1000.0, 100.0, 1.0), 6)
    40.803
    """
    return PL_FRACTION * GWP_CH4 * D_CH4 * B0_LT * N_LT_y * VS_LT_y * MS_i_y


@equation(
    DOC,
    VERSION,
    "eq. (9)",
    returns=("PE_storage_LT_y", "t"),
    text="PE_storage = GWP_CH4 x D_CH4 x sum_LT,l [365/AI_l x sum_{d=1..AI_l} (N_LT x "
    "VS_LT,d x MS%_l x (1 - exp(-k (AI_l - d))) x MCF_l x B0_LT)] (the term of LT)",
    description="Project emissions from the storage of manure before the digester, one "
    "livestock type",
    extensive=True,
)
def storage_emissions_lt(
    GWP_CH4: Any,
    D_CH4: Any,
    N_LT_y: Any,
    VS_LT_d: Any,
    MS_l: Any,
    MCF_l: Any,
    B0_LT: Any,
    AI_l: Any,
    k: Any,
) -> Any:
    """The term of livestock type LT (one storage device l) in eq. (9).

    Parameters
    ----------
    GWP_CH4
        Global warming potential of methane. [t/t]
    D_CH4
        Density of methane (0.00067). [t/m3]
    N_LT_y
        Average number of animals (a series over monitoring intervals). [-]
    VS_LT_d
        VS production per animal per day. [kg/d]
    MS_l
        Fraction of volatile solids handled by the storage device l. [-]
    MCF_l
        Methane conversion factor of the storage device l (IPCC 2006 Table 10.17). [-]
    B0_LT
        Maximum methane producing potential. [m3/kg]
    AI_l
        Average interval between manure collection and delivery for treatment, whole
        days. [d]
    k
        Degradation rate constant (0.069, para. 25). [-]

    Returns
    -------
    PE_storage of type LT in the interval. [t]

    Notes
    -----
    AMS-III.D v21.0 para. 25, eq. (9). 365/AI_l is the number of storage batches a
    year; an interval of D days holds D/AI_l of them (D/365 of the year's), so that the
    intervals of a 365-day year add up to eq. (9) as written.

    Examples
    --------
    >>> import pandas as pd, xarray as xr
    >>> t = pd.to_datetime(["2023-01-01"])
    >>> n = xr.DataArray([1000.0], dims="time", coords={"time": t,
    ...     "time_end": ("time", pd.to_datetime(["2024-01-01"]))})
    >>> round(float(storage_emissions_lt(21, 0.00067, n, 0.3, 1.0, 0.1, 0.29, 2, 0.069)[0]), 6)
    1.489458
    """
    ai = int(AI_l)
    d = np.arange(1, ai + 1, dtype=float)
    decay = float(np.sum(1.0 - np.exp(-k * (ai - d))))
    batches = interval_days(N_LT_y) / ai
    return GWP_CH4 * D_CH4 * batches * N_LT_y * VS_LT_d * MS_l * decay * MCF_l * B0_LT


@equation(
    DOC,
    VERSION,
    "eq. (6)",
    returns=("PE", "t"),
    text="PE_y = PE_PL,y + PE_flare,y + PE_power,y + PE_transp,y + PE_storage,y",
    description="Project emissions",
    extensive=True,
)
def project_emissions(
    PE_PL_y: Any, PE_flare_y: Any, PE_power_y: Any, PE_transp_y: Any, PE_storage_y: Any
) -> Any:
    """Project emissions, eq. (6) (PE_y,ex post of eq. (10)).

    Parameters
    ----------
    PE_PL_y, PE_flare_y, PE_power_y, PE_transp_y, PE_storage_y
        Physical leakage, flaring, power, incremental transport and storage
        emissions. [t]

    Returns
    -------
    PE_y. [t]

    Examples
    --------
    >>> project_emissions(1.0, 2.0, 3.0, 0.5, 0.25)
    6.75
    """
    return PE_PL_y + PE_flare_y + PE_power_y + PE_transp_y + PE_storage_y


@equation(
    DOC,
    VERSION,
    "para. 23",
    returns=("PE_power_y", "t"),
    text="PE_power,y = PE_EC,y + PE_FC,y (TOOL14)",
    description="Project emissions from electricity and fossil fuel use",
    extensive=True,
)
def power_emissions(PE_EC_y: Any, PE_FC_y: Any) -> Any:
    """PE_power,y as the sum of TOOL14's PE_EC,y and PE_FC,y (para. 23).

    Parameters
    ----------
    PE_EC_y
        Emissions from electricity consumption. [t]
    PE_FC_y
        Emissions from fossil fuel consumption. [t]

    Returns
    -------
    PE_power,y. [t]

    Examples
    --------
    >>> power_emissions(1.5, 0.5)
    2.0
    """
    return PE_EC_y + PE_FC_y


# --- methane destroyed (paras. 28-33) -------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "tables 5, 7, 8",
    returns=("BG_ref", "m**3"),
    text="BG (20 degC, 1 atm) = BG x (P / 101325 Pa) x (293.15 K / T)",
    description="Biogas volume at the conditions of D_CH4 (20 degC, 1 atm)",
    extensive=True,
)
def volume_at_d_ch4_conditions(BG: Any, T_BG: Any, P_BG: Any) -> Any:
    """A biogas volume metered at temperature T and pressure P, at the conditions of
    D_CH4 (20 degC and 1 atm, para. 18), by the ideal gas law.

    Parameters
    ----------
    BG
        Biogas volume at the flow meter's conditions. [m3]
    T_BG
        Temperature of the biogas at the flow measurement site (table 7). [K]
    P_BG
        Absolute pressure of the biogas there (table 8). [Pa]

    Returns
    -------
    Volume at 20 degC and 101.325 kPa. [m3]

    Examples
    --------
    >>> round(float(volume_at_d_ch4_conditions(1000.0, 307.15, 90_000.0)), 6)
    847.745076
    """
    return normalise_volume(BG, T_BG, P_BG, T_ref=T_D_CH4, P_ref=P_D_CH4)


@equation(
    DOC,
    VERSION,
    "eq. (11)",
    returns=("MD_y", "t"),
    text="MD_y = BG_burnt,y x w_CH4,y x D_CH4 x FE x GWP_CH4",
    description="Methane captured and destroyed",
    extensive=True,
)
def methane_destroyed(BG_burnt_y: Any, w_CH4_y: Any, D_CH4: Any, FE: Any, GWP_CH4: Any) -> Any:
    """Methane flared or combusted, eq. (11).

    Parameters
    ----------
    BG_burnt_y
        Biogas flared or combusted, at 20 degC and 1 atm. [m3]
    w_CH4_y
        Methane content of the biogas, volume fraction. [-]
    D_CH4
        Density of methane (0.00067). [t/m3]
    FE
        Flare efficiency (1 for biogas combusted for energy, paras. 22 and 33). [-]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    MD_y. [t]

    Notes
    -----
    AMS-III.D v21.0 para. 28, eq. (11).

    Examples
    --------
    >>> round(methane_destroyed(100_000.0, 0.6, 0.00067, 0.9, 21.0), 6)
    759.78
    """
    return BG_burnt_y * w_CH4_y * D_CH4 * FE * GWP_CH4


@equation(
    DOC,
    VERSION,
    "eq. (12)",
    returns=("MD_y", "t"),
    text="MD_y = EG_y x 3600 / (NCV_CH4 x EE_y) x D_CH4 x GWP_CH4",
    description="Methane destroyed, from the electricity generated",
    extensive=True,
)
def methane_destroyed_power(EG_y: Any, NCV_CH4: Any, EE_y: Any, D_CH4: Any, GWP_CH4: Any) -> Any:
    """Methane destroyed in power generation, from the electricity generated (eq. (12)).

    Parameters
    ----------
    EG_y
        Electricity generated from the recovered biogas. [MWh]
    NCV_CH4
        Net calorific value of methane (35.9, para. 30). [MJ/m3]
    EE_y
        Energy conversion efficiency of the project equipment (default 40 %). [-]
    D_CH4
        Density of methane (0.00067). [t/m3]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    MD_y. [t]

    Notes
    -----
    AMS-III.D v21.0 para. 30, eq. (12). The extracted text prints "EG_y x 3600 NCV_CH4 x
    EE_y": the PDF's fraction 3600 / (NCV_CH4 x EE_y), which turns MWh of electricity
    into m3 of methane burnt.

    Examples
    --------
    >>> round(methane_destroyed_power(100.0, 35.9, 0.4, 0.00067, 21.0), 6)
    352.729805
    """
    return EG_y * MJ_PER_MWH / (NCV_CH4 * EE_y) * D_CH4 * GWP_CH4


@equation(
    "TOOL06",
    "04.0",
    "eq. (15)",
    returns=("PE_flare_y", "t"),
    text="PE_flare,y = GWP_CH4 x sum F_CH4,RG x (1 - eta_flare), F_CH4,RG = BG_flared x "
    "w_CH4,y x D_CH4",
    description="Project emissions from flaring",
    extensive=True,
)
def flaring_emissions(BG_flared_y: Any, w_CH4_y: Any, D_CH4: Any, FE: Any, GWP_CH4: Any) -> Any:
    """Project emissions from flaring, TOOL06 v04.0 eq. (15), over monitoring intervals.

    Parameters
    ----------
    BG_flared_y
        Biogas sent to the flare, at 20 degC and 1 atm. [m3]
    w_CH4_y
        Methane content of the biogas. [-]
    D_CH4
        Density of methane (0.00067, AMS-III.D para. 18). [t/m3]
    FE
        Flare efficiency over the interval. [-]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    PE_flare,y. [t]

    Notes
    -----
    TOOL06 sums minute by minute; with FE the methane-weighted mean efficiency of the
    interval the interval sum is the same number. (``reductions.tools.flaring`` requires
    a value for every minute, so it is not called on monitoring intervals here: a project
    with minute data computes eta_flare with it and maps the result.)

    Examples
    --------
    >>> round(flaring_emissions(100_000.0, 0.6, 0.00067, 0.9, 21.0), 6)
    84.42
    """
    return GWP_CH4 * BG_flared_y * w_CH4_y * D_CH4 * (1.0 - FE)


# --- the flare minute by minute (TOOL06 v04.0) ----------------------------------------------

#: TOOL06 v04.0 para. 10(h): reference conditions 0 degC (273.15 K) and 1 atm.
T_TOOL06_REF = 273.15  # K


def d_ch4_at_reference(D_CH4: float) -> float:
    """D_CH4 (t/m3 at 20 degC and 1 atm, para. 18) as kg per m3 at TOOL06's reference
    conditions (0 degC, 1 atm), by the ideal gas law: the density TOOL06's Step 1 is
    given, so that one methane mass per minute enters both eq. (11) and TOOL06 eq. (15).
    [kg/m3]

    Examples
    --------
    >>> round(d_ch4_at_reference(0.00067), 9)
    0.719057295
    """
    return D_CH4 * 1000.0 * T_D_CH4 / T_TOOL06_REF


@equation(
    "TOOL06",
    "04.0",
    "paras 21(a), Data/Parameter table 2",
    returns=("F_RG_m", "Nm3/h"),
    text="F_RG,m = V_RG,m (dry, at reference conditions) x 60 min/h",
    description="Flow rate of the residual gas to the flare in the minute, for SPEC_flare",
)
def flare_flow_rate(V_RG_ref_m: Any) -> Any:
    """Flow rate of the residual gas to the flare in each minute, from the volume metered
    in the minute at reference conditions (0 degC, 1 atm). [Nm3/h]

    Parameters
    ----------
    V_RG_ref_m
        Volume sent to the flare in the minute, at reference conditions. [Nm3]

    Returns
    -------
    F_RG,m, compared with the manufacturer's F_min and F_max (Data/Parameter table 2(a):
    "if necessary converted to flow rate at reference conditions"). [Nm3/h]

    Examples
    --------
    >>> flare_flow_rate(5.0)
    300.0
    """
    return V_RG_ref_m * 60.0


@equation(
    DOC,
    VERSION,
    "eq. (11), per minute",
    returns=("MD_flare_m", "t"),
    text="MD_flare,m = GWP_CH4 x F_CH4,RG,m x eta_flare,m x 10^-3 (eq. (11) with FE the "
    "flare efficiency of the minute, TOOL06 Step 2)",
    description="Methane destroyed in the flare in the minute",
    extensive=True,
)
def methane_destroyed_flare_m(F_CH4_RG_m: Any, eta_flare_m: Any, GWP_CH4: Any) -> Any:
    """Methane destroyed in the flare in each minute, eq. (11) minute by minute. [t CO2e]

    Parameters
    ----------
    F_CH4_RG_m
        Methane sent to the flare in the minute (BG x w_CH4 x D_CH4). [kg]
    eta_flare_m
        Flare efficiency of the minute (TOOL06 paras 18, 21-23). [-]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    MD_flare,m. [t CO2e]

    Notes
    -----
    Eq. (11) multiplies the biogas flared by "FE, the flare efficiency in the year y"
    (table 9: "as per the tool"); TOOL06 determines the efficiency for each minute
    (para. 11), so the product is taken minute by minute and summed. With
    :func:`flaring_emissions`' per-minute form (TOOL06 eq. (15)) the two add up to the
    methane sent to the flare: destroyed + uncombusted = F_CH4,RG,m.

    Examples
    --------
    >>> round(methane_destroyed_flare_m(100.0, 0.9, 21.0), 12)
    1.89
    """
    return GWP_CH4 * F_CH4_RG_m * eta_flare_m * 1e-3


# --- emission reductions (para. 27) ---------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "eq. (10)",
    returns=("ER_calc_y", "t"),
    text="BE_y,ex post - PE_y,ex post (first term of the min of eq. (10))",
    description="Emission reductions by the calculated baseline",
    extensive=True,
)
def reductions_calculated(BE_y_ex_post: Any, PE: Any) -> Any:
    """The first term of eq. (10): BE_y,ex post - PE_y,ex post.

    Parameters
    ----------
    BE_y_ex_post
        Baseline emissions of eq. (1) on monitored values. [t]
    PE
        Project emissions of eq. (6) on monitored values. [t]

    Returns
    -------
    BE_y,ex post - PE_y,ex post. [t]

    Examples
    --------
    >>> reductions_calculated(100.0, 10.0)
    90.0
    """
    return BE_y_ex_post - PE


@equation(
    DOC,
    VERSION,
    "eq. (10)",
    returns=("ER_MD_y", "t"),
    text="MD_y - PE_power,y,ex post (second term of the min of eq. (10))",
    description="Emission reductions by the methane destroyed",
    extensive=True,
)
def reductions_monitored(MD_y: Any, PE_power_y: Any) -> Any:
    """The second term of eq. (10): MD_y - PE_power,y,ex post.

    Parameters
    ----------
    MD_y
        Methane captured and destroyed or used. [t]
    PE_power_y
        Emissions from fuel and electricity use. [t]

    Returns
    -------
    MD_y - PE_power,y. [t]

    Examples
    --------
    >>> reductions_monitored(80.0, 2.0)
    78.0
    """
    return MD_y - PE_power_y


@equation(
    DOC,
    VERSION,
    "eq. (10)",
    returns=("min_MD_y", "1"),
    text="1 where, summed over the interval's year, MD_y - PE_power,y < BE_y,ex post - "
    "PE_y,ex post, else 0",
    description="Which term of the min of eq. (10) applies (1: the methane destroyed)",
    extensive=False,
)
def monitored_term_applies(ER_calc_y: Any, ER_MD_y: Any, year: Any) -> Any:
    """Which term of eq. (10) is the lower, year by year.

    Parameters
    ----------
    ER_calc_y
        BE_y,ex post - PE_y,ex post in each interval. [t]
    ER_MD_y
        MD_y - PE_power,y in each interval. [t]
    year
        The (local, calendar) year of each interval. [-]

    Returns
    -------
    1 in each interval of a year where the sum of ER_MD_y is lower than the sum of
    ER_calc_y, 0 elsewhere. [-]

    Notes
    -----
    Eq. (10) takes the lowest of the two terms "in any year", on the year's totals; the
    year's part inside the quantified period is compared.

    Examples
    --------
    >>> monitored_term_applies(10.0, 9.0, 2024.0)
    1.0
    """
    if not isinstance(ER_calc_y, xr.DataArray):
        return float(np.asarray(ER_MD_y) < np.asarray(ER_calc_y))
    calc = ER_calc_y.transpose("time", ...).values
    md = np.broadcast_to(
        np.asarray(ER_MD_y.values if isinstance(ER_MD_y, xr.DataArray) else ER_MD_y), calc.shape
    )
    years = np.broadcast_to(
        np.asarray(year.values if isinstance(year, xr.DataArray) else year), calc.shape
    )
    out = np.zeros(calc.shape)
    for y in np.unique(years):
        sel = years == y
        if math_fsum(md[sel]) < math_fsum(calc[sel]):
            out[sel] = 1.0
    return ER_calc_y.copy(data=out)


def math_fsum(values: Any) -> float:
    """Correctly rounded sum (so that the comparison of eq. (10) does not depend on the
    order of the intervals)."""
    import math

    return math.fsum(np.asarray(values, dtype=float).ravel().tolist())


@equation(
    DOC,
    VERSION,
    "eq. (10)",
    returns=("BE", "t"),
    text="BE_y = BE_y,ex post where the first term of eq. (10) is the lower, else "
    "MD_y - PE_power,y + PE_y,ex post (so that BE_y - PE_y = the min of eq. (10))",
    description="Baseline emissions credited under eq. (10)",
    extensive=True,
)
def baseline_emissions_credited(BE_y_ex_post: Any, ER_MD_y: Any, PE: Any, min_MD_y: Any) -> Any:
    """The baseline emissions the ex-post rule of eq. (10) credits.

    Parameters
    ----------
    BE_y_ex_post
        Baseline emissions of eq. (1). [t]
    ER_MD_y
        MD_y - PE_power,y. [t]
    PE
        Project emissions of eq. (6). [t]
    min_MD_y
        1 where the methane-destroyed term is the lower. [-]

    Returns
    -------
    BE_y, such that BE_y - PE_y = min[(BE_y,ex post - PE_y,ex post), (MD_y -
    PE_power,y)]. [t]

    Examples
    --------
    >>> baseline_emissions_credited(100.0, 70.0, 10.0, 1.0)
    80.0
    >>> baseline_emissions_credited(100.0, 95.0, 10.0, 0.0)
    100.0
    """
    return min_MD_y * (ER_MD_y + PE) + (1.0 - min_MD_y) * BE_y_ex_post


@equation(
    DOC,
    VERSION,
    "eq. (10), para. 26",
    returns=("ER", "t"),
    text="ER_y = min[(BE_y,ex post - PE_y,ex post), (MD_y - PE_power,y,ex post)] - LE_y "
    "= BE_y - PE_y - LE_y",
    description="Emission reductions",
    extensive=True,
)
def emission_reductions(BE: Any, PE: Any, LE: Any) -> Any:
    """Emission reductions: eq. (10), less the leakage of para. 26.

    Parameters
    ----------
    BE
        Baseline emissions credited under eq. (10). [t]
    PE
        Project emissions (eq. (6)). [t]
    LE
        Leakage (TOOL14, para. 26). [t]

    Returns
    -------
    ER_y. [t]

    Examples
    --------
    >>> emission_reductions(80.0, 10.0, 1.0)
    69.0
    """
    return BE - PE - LE

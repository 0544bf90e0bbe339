"""Equations of IPMVP Option C (whole facility), as array functions.

Each function is one step of the avoided-energy calculation, pure, on numbers, numpy
arrays or xarray DataArrays over the reporting intervals; each is tagged once with its
source. :mod:`methodologies.efficiency.ipmvp_option_c` applies them to the ledger.

The IPMVP basic equation (as quoted from the Core Concepts by EVO's own M&V Focus
article, "Stopping M&V adjustment abuse", T. Phillips; the 2022 text itself was not
readable here)::

    Avoided energy = (Baseline energy +- routine adjustments) - reporting-period energy
                     +- non-routine adjustments

Here the routine adjustment is the CalTRACK change-point model evaluated on the
reporting period's weather, and the non-routine adjustments are added to the baseline
side (a positive adjustment raises the adjusted baseline).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from reductions.plugin import equation

DOC = "IPMVP"
VERSION = "2022"
DAY = np.timedelta64(86400, "s")


def _interval_index(T: xr.DataArray, E: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    """For each day of ``T``: the interval of ``E`` it falls in, and whether it does."""
    t = T["time"].values
    starts = E["time"].values
    ends = E["time_end"].values
    k = np.searchsorted(starts, t, side="right") - 1
    kk = np.clip(k, 0, None)
    inside = (k >= 0) & (t < ends[kk]) if starts.size else np.zeros(t.size, dtype=bool)
    return kk, inside


def _per_interval(daily: np.ndarray, T: xr.DataArray, E: xr.DataArray) -> xr.DataArray:
    k, inside = _interval_index(T, E)
    sums = np.bincount(k[inside], weights=daily[inside], minlength=E.sizes["time"])
    return E.copy(data=sums.astype(float))


@equation(
    "CalTRACK",
    "2.0",
    "3.3.5.1.1, summed over the days of each reporting interval",
    returns=("HDD_rep", "delta_degF*d"),
    extensive=False,
    text="HDD_rep_i = sum over days d of interval i of max(T_bp_H - T_d, 0)",
)
def heating_degree_days_reporting(T: xr.DataArray, E_rep: xr.DataArray, T_bp_H: float) -> Any:
    """Heating degree days of each reporting interval.

    Parameters
    ----------
    T
        Daily mean outdoor temperature over the days of the weather table. [degF]
    E_rep
        Reporting-period energy use (its intervals are the result's). [MWh]
    T_bp_H
        Heating balance point of the baseline model. [degF]

    Returns
    -------
    HDD_rep, over the intervals of ``E_rep``. [delta_degF*d]

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2024-01-01", periods=4, freq="D")
    >>> T = xr.DataArray([50.0, 60.0, 70.0, 40.0], dims="time", coords={"time": days})
    >>> E = xr.DataArray([1.0, 1.0], dims="time", coords={"time": days[::2],
    ...                  "time_end": ("time", (days + pd.Timedelta("1D"))[1::2])})
    >>> heating_degree_days_reporting(T, E, 55.0).values
    array([ 5., 15.])
    """
    daily = np.fmax(T_bp_H - T.values, 0.0)
    return _per_interval(daily, T, E_rep)


@equation(
    "CalTRACK",
    "2.0",
    "3.3.4.1.1, summed over the days of each reporting interval",
    returns=("CDD_rep", "delta_degF*d"),
    extensive=False,
    text="CDD_rep_i = sum over days d of interval i of max(T_d - T_bp_C, 0)",
)
def cooling_degree_days_reporting(T: xr.DataArray, E_rep: xr.DataArray, T_bp_C: float) -> Any:
    """Cooling degree days of each reporting interval.

    Parameters
    ----------
    T
        Daily mean outdoor temperature. [degF]
    E_rep
        Reporting-period energy use (its intervals are the result's). [MWh]
    T_bp_C
        Cooling balance point of the baseline model. [degF]

    Returns
    -------
    CDD_rep, over the intervals of ``E_rep``. [delta_degF*d]
    """
    daily = np.fmax(T.values - T_bp_C, 0.0)
    return _per_interval(daily, T, E_rep)


@equation(
    "CalTRACK",
    "2.0",
    "3.3.2 x days of the interval",
    returns=("E_adj_routine", "MWh"),
    text="E_adj_routine_i = mu x n_i + beta_HDD x HDD_rep_i + beta_CDD x CDD_rep_i",
    description="Baseline energy with routine (weather) adjustments to reporting conditions",
)
def routinely_adjusted_baseline(
    mu: Any, n_days_rep: Any, beta_HDD: Any, HDD_rep: Any, beta_CDD: Any, CDD_rep: Any
) -> Any:
    """The baseline model's energy use under the reporting period's weather.

    Parameters
    ----------
    mu
        Intercept of the model: base load per day. [MWh/d]
    n_days_rep
        Days in each reporting interval. [d]
    beta_HDD, beta_CDD
        Heating and cooling slopes (0 where the model has no such term).
        [MWh/(d*delta_degF)]
    HDD_rep, CDD_rep
        Degree days of each reporting interval. [delta_degF*d]

    Returns
    -------
    E_adj_routine: baseline energy with routine adjustments. [MWh]

    Notes
    -----
    CalTRACK 2.0 3.3.2 models usage per day as mu + beta_H HDD + beta_C CDD; summed over
    the days of an interval this is the form above (for billing data, 3.3.4.1.4 averages
    the degree days over the period's days and multiplies back by them: the same number).

    Examples
    --------
    >>> routinely_adjusted_baseline(10.0, 31.0, 0.5, 400.0, 0.0, 0.0)
    510.0
    """
    return mu * n_days_rep + beta_HDD * HDD_rep + beta_CDD * CDD_rep


@equation(
    DOC,
    VERSION,
    "basic equation: baseline energy +- routine adjustments +- non-routine adjustments",
    returns=("E_adj", "MWh"),
    text="E_adj_i = E_adj_routine_i + NRA_i",
    description="Adjusted baseline energy (routine and non-routine adjustments)",
)
def adjusted_baseline_energy(E_adj_routine: Any, NRA: Any) -> Any:
    """Adjusted baseline energy: routine and non-routine adjustments applied.

    Parameters
    ----------
    E_adj_routine
        Baseline energy with routine adjustments. [MWh]
    NRA
        Non-routine adjustments in each interval, added to the baseline. [MWh]

    Returns
    -------
    E_adj. [MWh]

    Examples
    --------
    >>> adjusted_baseline_energy(510.0, -10.0)
    500.0
    """
    return E_adj_routine + NRA


@equation(
    DOC,
    VERSION,
    "basic equation: avoided energy",
    returns=("AE", "MWh"),
    text="AE_i = E_adj_i - E_rep_i",
    description="Avoided energy use",
)
def avoided_energy(E_adj: Any, E_rep: Any) -> Any:
    """Avoided energy use: adjusted baseline minus reporting-period use.

    Parameters
    ----------
    E_adj
        Adjusted baseline energy. [MWh]
    E_rep
        Measured reporting-period energy use. [MWh]

    Returns
    -------
    AE. [MWh]

    Examples
    --------
    >>> avoided_energy(500.0, 250.0)
    250.0
    """
    return E_adj - E_rep


@equation(
    "TOOL03",
    "03.0",
    "eqs. (1), (4) with FC_i,y x NCV_i,y the metered fuel energy",
    returns=("BE", "t"),
    text="BE_y = E_adj_y x 3.6 GJ/MWh x EF_CO2",
    description="Baseline emissions of the fuel the adjusted baseline would burn",
)
def baseline_emissions_fuel(E_adj: Any, EF_CO2: Any) -> Any:
    """Baseline emissions of a fuel metered as energy (net calorific basis).

    Parameters
    ----------
    E_adj
        Adjusted baseline fuel energy (NCV basis). [MWh]
    EF_CO2
        CO2 emission factor of the fuel. [t/GJ]

    Returns
    -------
    BE. [t]

    Notes
    -----
    TOOL03 v03.0 eq. (1) PE = FC x COEF with option B, eq. (4), COEF = NCV x EF_CO2: a
    meter that gives the fuel's energy on a net-calorific basis gives FC x NCV directly.

    Examples
    --------
    >>> round(baseline_emissions_fuel(100.0, 0.0561), 6)
    20.196
    """
    return E_adj * 3.6 * EF_CO2


@equation(
    "TOOL03",
    "03.0",
    "eqs. (1), (4) with FC_i,y x NCV_i,y the metered fuel energy",
    returns=("PE", "t"),
    text="PE_y = E_rep_y x 3.6 GJ/MWh x EF_CO2",
    description="Project emissions of the fuel burnt in the reporting period",
)
def project_emissions_fuel(E_rep: Any, EF_CO2: Any) -> Any:
    """Project emissions of a fuel metered as energy (net calorific basis).

    Parameters
    ----------
    E_rep
        Measured reporting-period fuel energy (NCV basis). [MWh]
    EF_CO2
        CO2 emission factor of the fuel. [t/GJ]

    Returns
    -------
    PE. [t]

    Examples
    --------
    >>> round(project_emissions_fuel(50.0, 0.0561), 6)
    10.098
    """
    return E_rep * 3.6 * EF_CO2


@equation(
    DOC,
    VERSION,
    "BE - PE (no leakage in the measurement boundary)",
    returns=("ER", "t"),
    text="ER_y = BE_y - PE_y - LE_y",
)
def emission_reductions(BE: Any, PE: Any, LE: Any) -> Any:
    """Emission reductions.

    Parameters
    ----------
    BE
        Baseline emissions. [t]
    PE
        Project emissions. [t]
    LE
        Leakage. [t]

    Returns
    -------
    ER. [t]

    Examples
    --------
    >>> emission_reductions(10.0, 4.0, 0.0)
    6.0
    """
    return BE - PE - LE

"""CDM TOOL07 v07.0 from plant-level data: operating, build and combined margins.

Source: CDM methodological tool TOOL07, "Tool to calculate the emission factor for an
electricity system", version 07.0 (EB 100, Annex 4; in force from 31 August 2018,
para. 7), read from the UNFCCC PDF. Every paragraph (para.), equation (eq.) and appendix
number below is the tool's own; symbols follow the tool (``EG_m_y`` is EG\\ :sub:`m,y`).

What is implemented
-------------------
- Definitions, para. 10: low-cost/must-run (LCMR) resources (10(j)), net generation
  (10(d)), lowest and highest annual system load (10(l), 10(m)).
- Step 1, paras 16, 23-27: electricity imports as one LCMR plant (10(j)) with the emission
  factor of para. 25 (options (a)-(d)) or zero for an Annex I exporting system (paras 16,
  26); exports are not subtracted from generation (para. 27, nothing to do).
- Step 3, para. 40: when the simple OM may be used (LCMR share < 50 % over the five most
  recent years, eq. (1) or eq. (2); or the LCMR load below the lowest annual system load
  over three years); para. 42: ex-ante and ex-post data vintages; para. 45: plants
  registered under the CDM stay in the OM.
- Step 4: simple OM option A (eq. (3)) with the plant emission factor of options A1
  (eq. (4)), A2 (eq. (5), para. 50) and A3 (para. 50(a)), and option B (eq. (9)); simple
  adjusted OM (eq. (10), eq. (11)) with lambda from appendix 2 (approach 1, para. 61) or
  appendix 3 (approach 2, para. 62); dispatch data analysis OM (eqs. (12)-(14), paras
  63-69); average OM (paras 70-71).
- Step 5: build margin sample group (para. 75 (a)-(f)), eq. (15), paras 77-79.
- Step 6: weighted average combined margin (eq. (16), paras 85-86), through
  :func:`~reductions.tools.grid_emission_factor.combined_margin` and
  :func:`~reductions.tools.grid_emission_factor.cm_weights`.

Not implemented (the caller decides, or another function is needed)
--------------------------------------------------------------------
- Step 1 delineation of the project electricity system and transmission constraints
  (paras 15-22): the plants given *are* the project electricity system.
- Step 2 Option II (off-grid plants, paras 30-37, eqs. (6)-(8), appendix 1): only Option I
  (para. 29, grid power plants only) is implemented.
- Para. 40(a) 2) (LCMR share from long-term averages of hydroelectricity, at least 15
  years): the text gives no equation for it.
- Para. 24: transmission capacity as a build margin source; imports are left out of the
  build margin.
- Simplified CM (section 6.6.2, paras 90-92) and isolated grids (section 6.6.3, appendix 4).
- TOOL09 Table 2 (default efficiencies, paras 52(b), 79, Data/Parameter table 6) is not
  in this text: where TOOL07 prescribes it, the values must be given (``eta_TOOL09``).

Data layout
-----------
Annual plant data are an :class:`xarray.Dataset` with dimensions ``plant`` (unit labels:
para. 10(a) lets identical units at one site count as one unit) and ``year`` (integer
calendar years), and ``fuel`` for the fuel table:

============== ===================== ========= =================================================
variable       dimensions            unit      meaning (tool paragraph)
============== ===================== ========= =================================================
EG             plant, year           MWh       net electricity generation delivered to the grid
                                               (para. 10(d); Data/Parameter table 4)
fuel_type      plant                 -         ``"coal"``, ``"natural_gas"``, ``"hydro"``,
                                               ``"wind"``, ``"import"``...: a fuel label of
                                               the ``fuel`` coordinate, a technology of
                                               :data:`LCMR_TECHNOLOGIES`, or ``"import"``
FC             plant, fuel[, year]   fuel unit fuel consumed (option A1, eq. (4)); NaN: not
                                               consumed, or no data when NaN for every fuel
NCV            fuel[, year]          GJ/unit   net calorific value (Data/Parameter table 2)
EF_CO2         fuel[, year]          t/GJ      CO2 emission factor of the fuel (table 3);
                                               zero for biofuels (para. 6)
eta            plant[, year]         -         net efficiency (option A2, eq. (5); table 6)
fuel_used      plant, fuel           bool      fuels a plant burns (para. 50; else fuel_type)
lcmr           plant                 bool      LCMR (para. 10(j)); optional, derived from
                                               fuel_type; True adds a fossil plant
                                               demonstrated to be must-run
cdm            plant                 bool      registered as a CDM project activity (para. 75)
commissioning  plant                 date      date it started to supply the grid (para. 75)
eta_TOOL09     plant                 -         TOOL09 default efficiency (para. 79)
EF_import      plant                 t/MWh     emission factor of an ``"import"`` row (para. 25)
============== ===================== ========= =================================================

A variable with ``attrs["units"]`` is converted to the unit above (pint); without it the
unit above is assumed. Hourly data use a dimension ``hour`` (datetime64 or integer
coordinate) instead of ``year``: see :func:`dispatch_data_om` and
:func:`lambda_from_load_duration`.

Everything is vectorised over plants and hours (numpy, xarray); loops run over years or
fuels only.

Module notes: where the text leaves room, and what is done
-----------------------------------------------------------
- Appendix 3, hours on the margin: step (iv) calls Z - L "the number of hours for which
  LCMR sources are on the margin", but Z - L is the hour of the intersection (Figure 4:
  "the intersection point is at hour 8759" for L = 1) and Figure 5 draws those hours (X)
  to the right of it: X = L. Z - L would make lambda near 1 when LCMR output barely
  exceeds the base load and 0 when it fills the curve, against para. 59 and appendix 2
  (lambda rises with the LCMR share). L is used.
- Appendix 3, eq. (2) prints (EL_Z-L - EL_Z) x (Z - L); its prose ("subtract the load
  from the previous level") and Figure 3 ("8759th hour load minus 8760th hour load")
  take the previous level, which makes EG_cumul the area under the horizontal line: the
  prose is followed.
- Eq. (11) divides by 8760; appendix 3 by Z, the hours of the year (8784 in a leap year,
  so that lambda stays in [0, 1]). Z is used. Para. 40(b) (footnote 5) divides by 8760,
  as written.
- Appendix 2 ranges share their bounds; a share on a bound takes the row it starts
  (50 % gives 0.05, as para. 40(a) already refuses the simple OM at 50 %).
- Para. 61 says LASL "not less than one-third" of HASL, Figure 2 "LASL > 1/3 HASL": the
  paragraph (>=) is followed.
- Para. 42(a) "3-year generation-weighted average": each year weighs by the generation
  in the denominator of the method's equation (simple OM: Sum_m EG_m,y; simple adjusted
  and average OM: all units, imports included).
- Para. 40 "five most recent years": the five years ending at the most recent year the
  OM uses (ex post with a lag: y - lag). Para. 40(a) 2) (long-term hydro) is refused.
- Para. 75, units with the same commissioning date are taken together (a SET_5-units of
  six units if the fifth and sixth started on the same day; likewise at 20 %), so the
  sample never depends on the order of the rows; equal AEG of SET_5-units and
  SET_>=20% (one contains the other, the difference generating nothing): the smaller.
- Para. 75, "more than 10 years ago" is counted from ``reference_date`` (the text names
  no date; para. 72 ties the vintage to the CDM-PDD submission or the renewal), strictly
  before the same calendar day ten years earlier.
- Para. 75(d) adds the CDM units not older than 10 years (it has just removed the older
  units), checked against 0.2 x AEG_total, AEG_total of (b) as its check writes; (e) adds
  all units older than 10 years, CDM or not, most recent first (the order is not stated
  in (e); (a), (b) and (d) all go most recent first).
- Para. 72 / 77: units that started after ``built_by`` (default: 31 December of the
  year y of the generation data) are left out: they have no EG_m,y.
- Para. 69: "total electricity dispatched in the hour" is all units in the dispatch data,
  imports included (para. 68(a)); a unit not generating in the hour is not dispatched.
  Paras 65-66: eq. (13) "if hourly fuel consumption data is available", else eq. (14):
  applied unit by unit (imports have no fuel), the two sharing their denominator.
- Para. 68(a) gives no direction for the "dispatch order": ``merit_order`` 1 is the first
  unit dispatched, the highest number the top of the dispatch.
- Para. 10(j) "low-cost biomass": ``"low_cost_biomass"`` is LCMR by definition, other
  ``"biomass"`` only if flagged; a flag cannot take a listed technology out of LCMR.
- Para. 49: A1, A2, A3 follow the data available, in that order. Option A3 is 0 t/MWh
  (para. 50(a)); the tool has no table of default factors. Eq. (4) with fuel burnt and
  no net generation is undefined: an error.
- Hourly data: the tool has no gap-filling rule. The dispatch data OM needs data for
  every hour in which the project displaces electricity (para. 68(b)), the load duration
  curve every hour of the year (appendix 3 step (i)): a gap is an error naming the hour.
- Labels of the schema (:data:`LCMR_TECHNOLOGIES`, :data:`NO_FUEL`, :data:`BIOFUELS`)
  spell the tool's categories; they are not in the text as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from ..equation import equation
from ..errors import ApplicabilityError, MonitoringDataError, ParameterError
from ..units import conversion_factor
from .grid_emission_factor import TOOL07, cm_weights, combined_margin

__all__ = [
    "BIOFUELS",
    "IMPORT",
    "LAMBDA_DEFAULTS",
    "LCMR_TECHNOLOGIES",
    "NO_FUEL",
    "BuildMargin",
    "BuildMarginSample",
    "BuildMarginSampleError",
    "CombinedMargin",
    "OperatingMargin",
    "SimpleOMCheck",
    "SimpleOMNotApplicable",
    "average_om",
    "build_margin",
    "build_margin_factor",
    "build_margin_sample",
    "dispatch_data_om",
    "dispatch_om_factor",
    "ef_el_dd_h",
    "ef_el_dd_h_fuel",
    "ef_el_option_a1",
    "ef_el_option_a2",
    "example_load",
    "example_plants",
    "ex_ante_average",
    "import_emission_factor",
    "lambda_default",
    "lambda_from_load_duration",
    "lcmr_flags",
    "lcmr_hours_on_margin",
    "lcmr_share_approach_1",
    "lcmr_share_approach_2",
    "load_extremes",
    "om_option_b",
    "plant_emission_factors",
    "simple_adjusted_om",
    "simple_adjusted_om_factor",
    "simple_om",
    "simple_om_applicability",
    "simple_om_factor",
    "simple_om_option_b_factor",
    "weighted_average_cm",
]

DOC = "TOOL07"
VERSION = "07.0"

#: Technologies that are low-cost/must-run by definition (para. 10(j): "hydro, geothermal,
#: wind, low-cost biomass, nuclear and solar"), with the spellings of
#: :data:`~reductions.tools.grid_emission_factor.WIND_SOLAR`.
LCMR_TECHNOLOGIES = frozenset(
    {
        "hydro",
        "geothermal",
        "wind",
        "offshore_wind",
        "solar",
        "solar_pv",
        "nuclear",
        "low_cost_biomass",
    }
)
#: ``fuel_type`` of a row that is an electricity import (para. 23); one LCMR plant
#: (para. 10(j)).
IMPORT = "import"
#: Technologies without a fuel in eqs. (4)-(5): their EF_CO2 is zero under option A2.
NO_FUEL = frozenset(
    {"hydro", "geothermal", "wind", "offshore_wind", "solar", "solar_pv", "nuclear"}
)
#: Fuel labels taken as biofuels, whose CO2 emission factor is zero (para. 6; Data /
#: Parameter table 3, comment).
BIOFUELS = frozenset(
    {"biomass", "low_cost_biomass", "biogas", "biofuel", "biodiesel", "bioethanol"}
)

#: Appendix 2, Table 1: default lambda for ranges of the LCMR share (lower bound of each
#: range as a fraction, lambda). A share on a shared bound takes the row it is the lower
#: bound of (module notes: "Appendix 2 bounds").
LAMBDA_DEFAULTS: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (0.50, 0.05),
    (0.5454, 0.1),
    (0.5920, 0.15),
    (0.6360, 0.2),
    (0.6776, 0.25),
    (0.7166, 0.3),
    (0.7532, 0.35),
    (0.7872, 0.4),
    (0.8186, 0.45),
    (0.8476, 0.5),
    (0.8741, 0.55),
    (0.8980, 0.6),
    (0.9194, 0.65),
    (0.9383, 0.7),
    (0.9547, 0.75),
    (0.9685, 0.8),
    (0.9798, 0.85),
    (0.9887, 0.9),
    (0.9950, 0.95),
    (0.9987, 1.0),
)

Vintage = Literal["ex_ante", "ex_post"]


def _rule(where: str) -> str:
    return f"{TOOL07} {where}"


# --------------------------------------------------------------------------------------
# Errors and results


class SimpleOMNotApplicable(ApplicabilityError):
    """The simple OM (or a lambda approach) may not be used: para. 40 or para. 61 fails."""


class BuildMarginSampleError(ParameterError):
    """The build margin sample group of para. 75 cannot be formed from the data given."""


@dataclass(frozen=True)
class SimpleOMCheck:
    """Whether the simple OM may be used (para. 40), with the figures that decide it.

    Attributes
    ----------
    passes
        True if para. 40(a) or para. 40(b) is met.
    criterion
        ``"40(a)"`` or ``"40(b)"``: the requirement that is met (``None`` if none).
    share_LCMR
        Share of LCMR generation over ``share_years`` (eq. (1) or (2)) [-], or ``None``
        when five years of data are not given.
    share_years
        The five most recent years (para. 40(a)).
    approach
        1 (eq. (1)) or 2 (eq. (2)).
    load_LCMR
        Average load supplied by LCMR resources over the three most recent years,
        mean of EG_LCMR,y / 8760 (para. 40(b), footnote 5) [MW], or ``None``.
    LASL
        Average lowest annual system load over the same three years [MW], or ``None``.
    message
        One line saying what was found.
    """

    passes: bool
    criterion: str | None
    share_LCMR: float | None
    share_years: tuple[int, ...]
    approach: int
    load_LCMR: float | None
    LASL: float | None
    message: str


@dataclass(frozen=True)
class OperatingMargin:
    """An operating margin emission factor and how it was obtained.

    Attributes
    ----------
    EF_grid_OM_y
        The operating margin CO2 emission factor [t/MWh].
    method
        ``"simple"``, ``"simple_option_B"``, ``"simple_adjusted"``, ``"average"``,
        ``"average_option_B"`` or ``"dispatch_data"`` (para. 38).
    vintage
        ``"ex_ante"`` or ``"ex_post"`` (para. 42; dispatch data OM: para. 43).
    years
        The data years used.
    EF_OM_by_year
        The emission factor of each year [t/MWh] (dimension ``year``).
    weight_by_year
        The generation weighting each year in the ex-ante average [MWh].
    reference
        The tool, version and equation.
    lambda_y
        Lambda of each year (simple adjusted OM only) [-].
    check
        The para. 40 check (simple OM only).
    hourly
        For the dispatch data OM: ``EF_EL_DD_h`` [t/MWh], ``x_h`` [-] and ``n_top`` [-]
        over the hours the project displaces grid electricity.
    """

    EF_grid_OM_y: float
    method: str
    vintage: str
    years: tuple[int, ...]
    EF_OM_by_year: xr.DataArray
    weight_by_year: xr.DataArray
    reference: str
    lambda_y: xr.DataArray | None = None
    check: SimpleOMCheck | None = None
    hourly: xr.Dataset | None = field(default=None, repr=False)


@dataclass(frozen=True)
class BuildMarginSample:
    """The sample group of power units m of the build margin (para. 75).

    Attributes
    ----------
    name
        ``"SET_5-units"``, ``"SET_>=20%"``, ``"SET_sample-CDM"`` or
        ``"SET_sample-CDM->10yrs"``.
    plants
        Labels of the units in the sample, most recent first.
    year
        The year y of the generation data (para. 77).
    AEG_total
        Annual generation of the system without CDM units (para. 75(b)) [MWh].
    AEG_SET_5_units, AEG_SET_20_percent, AEG_sample
        Annual generation of SET_5-units, SET_>=20% and of the sample [MWh].
    SET_5_units, SET_20_percent
        Labels of the two candidate sets (para. 75(a), (b)).
    older_than_10_years
        Labels of the units of SET_sample that started more than 10 years before
        ``reference_date`` (para. 75(c)): when not empty, steps (d)-(f) were applied.
    reference_date
        The date "10 years ago" is counted from.
    cutoff
        Ten years before ``reference_date``: a unit that started before it started "more
        than 10 years ago".
    excluded
        Labels left out: imports (para. 24) and units that started after ``built_by``
        (para. 72).
    """

    name: str
    plants: tuple[str, ...]
    year: int
    AEG_total: float
    AEG_SET_5_units: float
    AEG_SET_20_percent: float
    AEG_sample: float
    SET_5_units: tuple[str, ...]
    SET_20_percent: tuple[str, ...]
    older_than_10_years: tuple[str, ...]
    reference_date: dt.date
    cutoff: dt.date
    excluded: tuple[str, ...]


@dataclass(frozen=True)
class BuildMargin:
    """A build margin emission factor (eq. (15)) and its sample group.

    Attributes
    ----------
    EF_grid_BM_y
        Build margin CO2 emission factor [t/MWh].
    sample
        The sample group (para. 75).
    EF_EL
        Emission factor of each unit of the sample [t/MWh] (dimension ``plant``), with
        the option used (``option`` coordinate: A1, A2, A3).
    reference
        The tool, version and equation.
    """

    EF_grid_BM_y: float
    sample: BuildMarginSample
    EF_EL: xr.DataArray
    reference: str


@dataclass(frozen=True)
class CombinedMargin:
    """A weighted average combined margin (eq. (16)).

    Attributes
    ----------
    EF_grid_CM_y, EF_grid_OM_y, EF_grid_BM_y
        Combined, operating and build margins [t/MWh].
    w_OM, w_BM
        Weights [-] (para. 86).
    source
        Where the weights come from.
    reference
        The tool, version and equation.
    """

    EF_grid_CM_y: float
    EF_grid_OM_y: float
    EF_grid_BM_y: float
    w_OM: float
    w_BM: float
    source: str
    reference: str


# --------------------------------------------------------------------------------------
# Input checks


def _fmt(value: Any) -> str:
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def _loc(coords: Mapping[str, Any]) -> str:
    parts = []
    for dim, value in coords.items():
        if dim == "plant":
            parts.append(f"plant {str(value)!r}")
        elif dim == "fuel":
            parts.append(f"fuel {str(value)!r}")
        else:
            parts.append(f"{dim} {_fmt(value)}")
    return ", ".join(parts)


def _first(mask: xr.DataArray) -> dict[str, Any]:
    """Coordinates of the first True element of ``mask`` (for a message)."""
    idx = np.argwhere(np.asarray(mask.values))[0]
    out: dict[str, Any] = {}
    for dim, i in zip(mask.dims, idx, strict=True):
        out[str(dim)] = mask[dim].values[i] if dim in mask.coords else int(i)
    return out


def _first_value(da: xr.DataArray, mask: xr.DataArray) -> tuple[str, Any]:
    c = _first(mask)
    return _loc(c), da.sel(c).values.item() if all(d in da.coords for d in c) else None


def _refuse(
    da: xr.DataArray,
    bad: xr.DataArray,
    error: type[ParameterError] | type[MonitoringDataError],
    message: str,
    variable: str,
    rule: str,
) -> None:
    """Raise ``error`` naming the first element where ``bad`` holds (plant, year or hour)
    and its value (``{value}`` in ``message``); nothing if ``bad`` holds nowhere."""
    if bool(bad.any()):
        where, value = _first_value(da, bad)
        raise error(message.format(value=value), variable=variable, where=where, rule=rule)


def _convert(da: xr.DataArray, unit: str, name: str) -> xr.DataArray:
    """``da`` in ``unit`` (converted from ``attrs["units"]`` if given)."""
    given = da.attrs.get("units")
    if given is None or str(given) == unit:
        out = da.astype(float, copy=False)
    else:
        out = da.astype(float) * conversion_factor(str(given), unit, variable=name)
    out.attrs = {**da.attrs, "units": unit}
    return out


def _labels(ds: xr.Dataset | xr.DataArray) -> np.ndarray:
    """Plant labels as Python strings (object array: ``repr`` gives ``'P1'``)."""
    return np.asarray(ds["plant"].values).astype(str).astype(object)


def _check_plants(ds: xr.Dataset, what: str) -> None:
    if not isinstance(ds, xr.Dataset):
        raise ParameterError(
            f"{what} must be an xarray.Dataset, not {type(ds).__name__}", variable=what
        )
    if "plant" not in ds.dims:
        raise ParameterError(
            f"{what} has no 'plant' dimension (dimensions: {list(ds.dims)})",
            variable=what,
            rule=_rule("para. 104(a): data for each grid-connected power plant/unit"),
        )
    labels = pd.Index(_labels(ds))
    if labels.has_duplicates:
        dup = labels[labels.duplicated()][0]
        raise ParameterError(
            f"plant label {dup!r} appears more than once",
            variable="plant",
            where=f"plant {dup!r}",
            rule=_rule("para. 104(a)(i): information to clearly identify the plant"),
        )


def _fuel_types(ds: xr.Dataset) -> xr.DataArray:
    if "fuel_type" not in ds:
        raise ParameterError(
            "plant data have no 'fuel_type'",
            variable="fuel_type",
            rule=_rule("para. 104(a)(iv) and Table 2: the fuel type(s) of each plant"),
        )
    ft = ds["fuel_type"]
    if ft.dims != ("plant",):
        raise ParameterError(
            f"'fuel_type' must have the dimension ('plant',), not {ft.dims}",
            variable="fuel_type",
        )
    raw = np.asarray(ft.values, dtype=object)
    missing = pd.isna(raw) | (np.char.strip(raw.astype(str)) == "")
    if missing.any():
        label = _labels(ds)[np.flatnonzero(missing)[0]]
        raise ParameterError(
            "fuel type is missing",
            variable="fuel_type",
            where=f"plant {label!r}",
            rule=_rule("para. 104(a)(iv) and Table 2: the fuel type(s) of each plant"),
        )
    return xr.DataArray(
        np.char.strip(raw.astype(str)), dims=("plant",), coords={"plant": ds["plant"]}
    )


def _annual(plants: xr.Dataset, years: Sequence[int] | None = None) -> xr.Dataset:
    """Checked annual plant data (units converted), restricted to ``years``."""
    _check_plants(plants, "plants")
    if "year" not in plants.dims:
        raise ParameterError(
            "plant data have no 'year' dimension",
            variable="year",
            rule=_rule("para. 42: the emission factor of year y uses the data of year y"),
        )
    ds = plants
    available = [int(y) for y in np.asarray(ds["year"].values)]
    if years is not None:
        missing = [int(y) for y in years if int(y) not in available]
        if missing:
            raise MonitoringDataError(
                f"no plant data for year {missing[0]} (data cover {available})",
                variable="year",
                where=f"year {missing[0]}",
                rule=_rule("para. 42: data of the years of the vintage chosen"),
            )
        ds = ds.sel(year=[int(y) for y in years])
    if "EG" not in ds:
        raise ParameterError(
            "plant data have no net generation 'EG'",
            variable="EG",
            rule=_rule("Data/Parameter table 4: EG_m,y [MWh]"),
        )
    out = ds.copy()
    out["fuel_type"] = _fuel_types(ds)
    eg = _convert(ds["EG"], "MWh", "EG")
    if not set(eg.dims) <= {"plant", "year"}:
        raise ParameterError(f"'EG' has dimensions {eg.dims}, not (plant, year)", variable="EG")
    eg = eg.broadcast_like(ds["plant"]).broadcast_like(ds["year"]).transpose("plant", "year")
    bad = eg.isnull()
    if bad.any():
        raise MonitoringDataError(
            "net generation is missing (use 0 for a plant that did not generate)",
            variable="EG",
            where=_loc(_first(bad)),
            rule=_rule("Data/Parameter table 4: EG_m,y of every plant in the years used"),
        )
    _refuse(
        eg,
        eg < 0,
        MonitoringDataError,
        "net generation is negative ({value} MWh)",
        "EG",
        _rule(
            "para. 10(d), Data/Parameter table 4: EG is the net electricity delivered to the grid"
        ),
    )
    out["EG"] = eg
    for name, message, rule in (
        (
            "eta",
            "net efficiency {value!r} is not in (0, 1] (above 100 % or not positive)",
            "eq. (5), Data/Parameter table 6: eta_m,y is a ratio",
        ),
        (
            "eta_TOOL09",
            "TOOL09 default efficiency {value!r} is not in (0, 1]",
            "para. 79: eta_m,y from TOOL09 Table 2",
        ),
    ):
        if name in ds:
            eta = _convert(ds[name], "dimensionless", name)
            _refuse(eta, (eta <= 0) | (eta > 1), ParameterError, message, name, _rule(rule))
            out[name] = eta
    _fuel_table(out)
    if "EF_import" in ds:
        out["EF_import"] = _convert(ds["EF_import"], "t/MWh", "EF_import")
    is_import = out["fuel_type"] == IMPORT
    if bool(is_import.any()):
        if "EF_import" not in out:
            label = _labels(out)[np.flatnonzero(is_import.values)[0]]
            raise ParameterError(
                "an import row needs its emission factor 'EF_import'",
                variable="EF_import",
                where=f"plant {label!r}",
                rule=_rule("para. 25: CO2 emission factor of net electricity imports"),
            )
        ef = out["EF_import"]
        bad = is_import & (ef.isnull() | (ef < 0))
        if bad.any():
            raise ParameterError(
                "the emission factor of an import is missing or negative",
                variable="EF_import",
                where=_loc(_first(bad)),
                rule=_rule("paras 25-26: 0 t/MWh or the OM of the exporting grid"),
            )
    return out


def _fuel_table(out: xr.Dataset) -> None:
    """Check and convert FC, NCV, EF_CO2 in place."""
    for name in ("FC", "NCV", "EF_CO2", "fuel_used"):
        if name in out and "fuel" not in out[name].dims:
            raise ParameterError(
                f"{name!r} needs a 'fuel' dimension (dimensions: {out[name].dims})",
                variable=name,
            )
    if "EF_CO2" in out:
        ef = _convert(out["EF_CO2"], "t/GJ", "EF_CO2")
        if bool((ef < 0).any()):
            raise ParameterError(
                "CO2 emission factor is negative",
                variable="EF_CO2",
                where=_loc(_first(ef < 0)),
                rule=_rule("Data/Parameter table 3: EF_CO2,i,y [t CO2/GJ]"),
            )
        bio = out["fuel"].isin(list(BIOFUELS))
        bad = bio & (ef.fillna(0) != 0)
        if bool(bad.any()):
            raise ParameterError(
                "the CO2 emission factor of a biofuel is not zero",
                variable="EF_CO2",
                where=_loc(_first(bad)),
                rule=_rule("para. 6: the CO2 emission factor of biofuels is zero"),
            )
        out["EF_CO2"] = ef
    if "NCV" in out and bool((out["NCV"] < 0).any()):
        raise ParameterError(
            "net calorific value is negative",
            variable="NCV",
            where=_loc(_first(out["NCV"] < 0)),
            rule=_rule("Data/Parameter table 2: NCV_i,y"),
        )
    if "FC" in out:
        fc = out["FC"].astype(float)
        _refuse(
            fc,
            fc < 0,
            MonitoringDataError,
            "fuel consumption is negative ({value})",
            "FC",
            _rule("Data/Parameter table 1: FC_i,m,y"),
        )
        for name in ("NCV", "EF_CO2"):
            if name not in out:
                raise ParameterError(
                    f"fuel consumption 'FC' is given but not {name!r}",
                    variable=name,
                    rule=_rule("eq. (4): FC_i,m,y x NCV_i,y x EF_CO2,i,y"),
                )
        out["FC"] = fc


# --------------------------------------------------------------------------------------
# Definitions and plant emission factors


def lcmr_flags(plants: xr.Dataset) -> xr.DataArray:
    """Which plants are low-cost/must-run (LCMR) resources.

    Parameters
    ----------
    plants
        Plant data with ``fuel_type`` (plant) and, optionally, ``lcmr`` (plant, bool):
        True for a fossil fuel plant demonstrated, from publicly available data, to be
        dispatched independently of the daily or seasonal load. [-]

    Returns
    -------
    xarray.DataArray
        Boolean over ``plant``: True for an LCMR plant. [-]

    Notes
    -----
    Para. 10(j): LCMR resources "include hydro, geothermal, wind, low-cost biomass,
    nuclear and solar generation" (:data:`LCMR_TECHNOLOGIES`); a fossil fuel plant is LCMR
    if it is demonstrated to be dispatched independently of the load (the ``lcmr`` flag);
    "electricity imports shall be treated as one LCMR power plant" (``fuel_type`` =
    ``"import"``). A plant of an LCMR technology flagged ``lcmr = False`` is an error:
    the definition leaves no choice. Biomass that is not low-cost is ``"biomass"`` (not
    LCMR unless flagged).

    Raises
    ------
    ParameterError
        Missing fuel type, or an LCMR technology flagged as not LCMR (names the plant).

    Examples
    --------
    >>> ds = example_plants()
    >>> [str(p) for p in ds.plant.values[lcmr_flags(ds).values]]
    ['P5', 'P6', 'P7', 'P9', 'P10']
    """
    _check_plants(plants, "plants")
    ft = _fuel_types(plants)
    by_definition = ft.isin(list(LCMR_TECHNOLOGIES)) | (ft == IMPORT)
    if "lcmr" not in plants:
        return by_definition.rename("lcmr")
    flag = plants["lcmr"]
    if flag.dims != ("plant",):
        raise ParameterError(f"'lcmr' must have dimension ('plant',), not {flag.dims}")
    raw = np.asarray(flag.values)
    if raw.dtype != bool:
        if pd.isna(raw).any():
            label = _labels(plants)[np.flatnonzero(pd.isna(raw))[0]]
            raise ParameterError(
                "LCMR flag is missing",
                variable="lcmr",
                where=f"plant {label!r}",
                rule=_rule("para. 104(a)(vii): whether the plant/unit is LCMR"),
            )
        raw = raw.astype(bool)
    flag = xr.DataArray(raw, dims=("plant",), coords={"plant": plants["plant"]})
    conflict = by_definition & ~flag
    if conflict.any():
        c = _first(conflict)
        tech = str(ft.sel(c).values)
        raise ParameterError(
            f"a {tech} plant is low-cost/must-run by definition but is flagged lcmr=False",
            variable="lcmr",
            where=_loc(c),
            rule=_rule("para. 10(j)"),
        )
    return (by_definition | flag).rename("lcmr")


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("EF_EL_m_y", "t/MWh"),
    text="EF_EL,m,y = sum_i(FC_i,m,y x NCV_i,y x EF_CO2,i,y) / EG_m,y",
)
def ef_el_option_a1(FC_i_m_y: Any, NCV_i_y: Any, EF_CO2_i_y: Any, EG_m_y: Any) -> Any:
    """CO2 emission factor of a power unit from its fuel consumption (option A1).

    Parameters
    ----------
    FC_i_m_y
        Fuel of type i consumed by unit m in year y, over dimension ``fuel``. [mass or
        volume unit]
    NCV_i_y
        Net calorific value of fuel i. [GJ/mass or volume unit]
    EF_CO2_i_y
        CO2 emission factor of fuel i. [t/GJ]
    EG_m_y
        Net electricity generated and delivered to the grid by unit m. [MWh]

    Returns
    -------
    EF_EL_m_y, CO2 emission factor of unit m in year y. [t/MWh]

    Notes
    -----
    TOOL07 v07.0 para. 49(a), eq. (4). Sums over the ``fuel`` dimension (xarray) and is
    vectorised over every other dimension.

    Examples
    --------
    >>> fc = xr.DataArray([500_000.0], dims="fuel", coords={"fuel": ["coal"]})
    >>> ncv = xr.DataArray([20.0], dims="fuel", coords={"fuel": ["coal"]})
    >>> ef = xr.DataArray([0.09], dims="fuel", coords={"fuel": ["coal"]})
    >>> round(float(ef_el_option_a1(fc, ncv, ef, 1_000_000.0)), 6)
    0.9
    """
    return (FC_i_m_y * NCV_i_y * EF_CO2_i_y).sum("fuel") / EG_m_y


@equation(
    DOC,
    VERSION,
    "eq. (5)",
    returns=("EF_EL_m_y", "t/MWh"),
    text="EF_EL,m,y = EF_CO2,m,i,y x 3.6 / eta_m,y",
)
def ef_el_option_a2(EF_CO2_m_i_y: Any, eta_m_y: Any) -> Any:
    """CO2 emission factor of a power unit from its fuel type and efficiency (option A2).

    Parameters
    ----------
    EF_CO2_m_i_y
        CO2 emission factor of the fuel type i used in unit m; with several fuels, the
        lowest (para. 50). [t/GJ]
    eta_m_y
        Average net energy conversion efficiency of unit m. [-]

    Returns
    -------
    EF_EL_m_y, CO2 emission factor of unit m in year y. [t/MWh]

    Notes
    -----
    TOOL07 v07.0 para. 49(b), eq. (5); 3.6 GJ/MWh is the tool's conversion factor.

    Examples
    --------
    >>> round(ef_el_option_a2(0.075, 0.30), 6)
    0.9
    """
    return EF_CO2_m_i_y * 3.6 / eta_m_y


def _a2_fuel_factor(ds: xr.Dataset) -> xr.DataArray:
    """EF_CO2,m,i,y for option A2: the lowest factor of the fuels a unit uses (para. 50)."""
    ft = ds["fuel_type"]
    no_fuel = ft.isin(list(NO_FUEL))
    if "EF_CO2" in ds and "fuel" in ds.coords:
        if "fuel_used" in ds:
            used = ds["fuel_used"].astype(bool)
        else:
            used = ds["fuel"] == ft
        lowest = ds["EF_CO2"].where(used).min("fuel", skipna=True)
    else:
        lowest = xr.full_like(ft, np.nan, dtype=float)
    return xr.where(no_fuel, 0.0, lowest)


def _emission_factors(
    ds: xr.Dataset, *, force_a2: xr.DataArray | None = None, eta: xr.DataArray | None = None
) -> xr.Dataset:
    """EF_EL (plant, year) and the option used, from checked data (see the public one)."""
    eg = ds["EG"]
    zero = xr.zeros_like(eg)
    is_import = (ds["fuel_type"] == IMPORT).broadcast_like(eg)
    if "FC" in ds:
        fc = ds["FC"]
        has_fc = fc.notnull().any("fuel").broadcast_like(eg)
        used = fc > 0
        for name in ("NCV", "EF_CO2"):
            gap = used & ds[name].isnull()
            if bool(gap.any()):
                c = _first(gap)
                raise ParameterError(
                    f"fuel {str(c['fuel'])!r} is consumed but has no {name}",
                    variable=name,
                    where=_loc(c),
                    rule=_rule("eq. (4): FC_i,m,y x NCV_i,y x EF_CO2,i,y"),
                )
        emissions = xr.where(used, fc * ds["NCV"] * ds["EF_CO2"], 0.0).sum("fuel")
        emissions = emissions.broadcast_like(eg)
        dead = has_fc & (eg == 0) & (emissions > 0)
        if bool(dead.any()):
            raise ParameterError(
                "fuel is consumed but net generation is zero: eq. (4) is undefined",
                variable="FC",
                where=_loc(_first(dead)),
                rule=_rule("eq. (4): EF_EL,m,y = sum_i FC x NCV x EF_CO2 / EG_m,y"),
            )
        ef_a1 = xr.where(eg > 0, emissions / eg.where(eg > 0), 0.0)
    else:
        has_fc = xr.zeros_like(eg, dtype=bool)
        ef_a1 = zero
    eta = ds["eta"] if eta is None and "eta" in ds else eta
    if eta is not None:
        has_eta = eta.notnull().broadcast_like(eg)
        factor = _a2_fuel_factor(ds)
        gap = has_eta & factor.isnull()
        if force_a2 is not None:
            gap = gap | (force_a2 & factor.isnull())
        if bool(gap.any()):
            c = _first(gap)
            fuel = str(ds["fuel_type"].sel(plant=c["plant"]).values)
            raise ParameterError(
                f"fuel type {fuel!r} has no CO2 emission factor EF_CO2 in the fuel table",
                variable="EF_CO2",
                where=_loc(c),
                rule=_rule("eq. (5) and para. 50: EF_CO2,m,i,y of the fuel type used"),
            )
        ef_a2 = ef_el_option_a2(factor, eta).broadcast_like(eg)
    else:
        has_eta = xr.zeros_like(eg, dtype=bool)
        ef_a2 = zero
    if force_a2 is not None:
        force = force_a2.broadcast_like(eg)
        need = force & ~has_eta & ~ds["fuel_type"].isin(list(NO_FUEL))
        if bool(need.any()):
            raise BuildMarginSampleError(
                "the sample is SET_sample-CDM->10yrs: only option A2 may be used, and "
                "this unit has no net efficiency",
                variable="eta",
                where=_loc(_first(need)),
                rule=_rule("para. 79"),
            )
        has_fc = has_fc & ~force
        has_eta = has_eta | force
        ef_a2 = ef_a2.fillna(0.0)
    ef_import = ds["EF_import"].fillna(0.0) if "EF_import" in ds else zero
    ef = xr.where(is_import, ef_import, xr.where(has_fc, ef_a1, xr.where(has_eta, ef_a2, zero)))
    conditions = [c.transpose("plant", "year").values for c in (is_import, has_fc, has_eta)]
    option = np.select(conditions, ["para. 25", "A1", "A2"], "A3")
    out = xr.Dataset(
        {
            "EF_EL": ef.transpose("plant", "year").assign_attrs(units="t/MWh"),
            "option": (("plant", "year"), option.astype(str)),
        }
    )
    return out


def plant_emission_factors(plants: xr.Dataset, years: Sequence[int] | None = None) -> xr.Dataset:
    """CO2 emission factor EF_EL,m,y of every plant and year, with the option used.

    Parameters
    ----------
    plants
        Annual plant data (module docstring): ``EG``, ``fuel_type`` and, as available,
        ``FC`` with ``NCV`` and ``EF_CO2`` (A1), ``eta`` (A2), ``EF_import``.
    years
        Years to compute (default: all). [-]

    Returns
    -------
    xarray.Dataset
        ``EF_EL`` (plant, year) [t/MWh] and ``option`` (plant, year): ``"A1"``, ``"A2"``,
        ``"A3"`` or ``"para. 25"`` (imports).

    Notes
    -----
    The option follows the data available, as para. 49 says: A1 (eq. (4)) "if for a power
    unit m data on fuel consumption and electricity generation is available"; else A2
    (eq. (5)) if "only data on electricity generation and the fuel types used" (with the
    efficiency, Data/Parameter table 6) is available, with the lowest EF_CO2 of the fuels
    used (para. 50); else A3, "an emission factor of 0 t CO2/MWh" (para. 50(a); the tool
    gives no table of defaults for A3). Imports take ``EF_import`` (para. 25). A unit with
    no net generation in a year and no fuel burnt has EF_EL = 0 there (it weighs nothing
    in eqs. (3), (10), (15)).

    Raises
    ------
    ParameterError, MonitoringDataError
        Missing fuel type, negative or missing generation, efficiency outside (0, 1], a
        fuel without NCV or EF_CO2, fuel burnt with zero generation (names the plant).

    Examples
    --------
    >>> ef = plant_emission_factors(example_plants(), years=[2023])
    >>> ef.EF_EL.sel(year=2023).round(4).values.tolist()
    [0.9, 0.35, 0.9, 0.0, 0.0, 0.0, 0.0, 0.4032, 0.5, 0.99]
    >>> ef.option.sel(year=2023).values.tolist()[:4]
    ['A1', 'A1', 'A2', 'A3']
    """
    return _emission_factors(_annual(plants, years))


# --------------------------------------------------------------------------------------
# Step 3: which OM, data vintage


@equation(
    DOC,
    VERSION,
    "eq. (1)",
    returns=("Share_LCMR", "1"),
    text="Share_LCMR = average[EG_LCMR,y-4/total_y-4, ..., EG_LCMR,y/total_y]",
)
def lcmr_share_approach_1(EG_LCMR_y: Any, total_y: Any) -> Any:
    """Share of low-cost/must-run generation, approach 1: the mean of the yearly shares.

    Parameters
    ----------
    EG_LCMR_y
        LCMR generation supplied to the system in each of the five most recent years,
        over dimension ``year``. [MWh]
    total_y
        Total generation supplied to the system in the same years. [MWh]

    Returns
    -------
    Share_LCMR [-] (a fraction; the tool writes per cent).

    Notes
    -----
    TOOL07 v07.0 para. 40(a)(i), eq. (1).

    Examples
    --------
    >>> eg = xr.DataArray([1.0, 3.0], dims="year")
    >>> float(lcmr_share_approach_1(eg, xr.DataArray([4.0, 4.0], dims="year")))
    0.5
    """
    return (EG_LCMR_y / total_y).mean("year")


@equation(
    DOC,
    VERSION,
    "eq. (2)",
    returns=("Share_LCMR", "1"),
    text="Share_LCMR = average(EG_LCMR,y-4..y) / average(total_y-4..y)",
)
def lcmr_share_approach_2(EG_LCMR_y: Any, total_y: Any) -> Any:
    """Share of low-cost/must-run generation, approach 2: the ratio of the means.

    Parameters
    ----------
    EG_LCMR_y
        LCMR generation in each of the five most recent years, over ``year``. [MWh]
    total_y
        Total generation in the same years. [MWh]

    Returns
    -------
    Share_LCMR [-].

    Notes
    -----
    TOOL07 v07.0 para. 40(a)(ii), eq. (2).

    Examples
    --------
    >>> eg = xr.DataArray([1.0, 3.0], dims="year")
    >>> float(lcmr_share_approach_2(eg, xr.DataArray([2.0, 6.0], dims="year")))
    0.5
    """
    return EG_LCMR_y.mean("year") / total_y.mean("year")


def _as_by_year(values: Mapping[int, float] | xr.DataArray, name: str) -> xr.DataArray:
    if isinstance(values, xr.DataArray):
        if values.dims != ("year",):
            raise ParameterError(f"{name!r} must have the dimension ('year',)", variable=name)
        return values.astype(float)
    years = sorted(int(y) for y in values)
    return xr.DataArray(
        [float(values[y]) for y in years], dims="year", coords={"year": years}, name=name
    )


def _lcmr_check(
    EG_LCMR: xr.DataArray,
    total: xr.DataArray,
    latest: int,
    approach: int,
    LASL: Mapping[int, float] | xr.DataArray | None,
) -> SimpleOMCheck:
    """Para. 40 from LCMR and total generation by year."""
    if approach not in (1, 2):
        raise ParameterError(
            f"approach {approach!r} is not 1 or 2",
            variable="share_approach",
            rule=_rule("para. 40(a): approach 1 (eq. (1)) or approach 2 (eq. (2))"),
        )
    have = {int(y) for y in EG_LCMR["year"].values}
    five = tuple(range(latest - 4, latest + 1))
    share: float | None = None
    notes = []
    if set(five) <= have:
        fn = lcmr_share_approach_1 if approach == 1 else lcmr_share_approach_2
        share = float(fn(EG_LCMR.sel(year=list(five)), total.sel(year=list(five))))
        notes.append(
            f"LCMR share {share:.2%} over {five[0]}-{five[-1]} (approach {approach}, "
            f"eq. ({approach}))"
        )
    else:
        notes.append(f"no LCMR share: data for {five[0]}-{five[-1]} are not all given")
    load = lasl = None
    three = list(range(latest - 2, latest + 1))
    if LASL is not None:
        lasl_y = _as_by_year(LASL, "LASL")
        have_lasl = {int(y) for y in lasl_y["year"].values}
        if set(three) <= have and set(three) <= have_lasl:
            load = float((EG_LCMR.sel(year=three) / 8760.0).mean())
            lasl = float(lasl_y.sel(year=three).mean())
            notes.append(
                f"average LCMR load {load:.1f} MW against average LASL {lasl:.1f} MW over "
                f"{three[0]}-{three[-1]}"
            )
        else:
            notes.append(f"no LCMR load check: EG and LASL of {three} are not all given")
    passes_a = share is not None and share < 0.5
    passes_b = load is not None and lasl is not None and load < lasl
    criterion = "40(a)" if passes_a else ("40(b)" if passes_b else None)
    verdict = (
        f"simple OM allowed by para. {criterion}"
        if criterion
        else "simple OM not allowed: neither para. 40(a) (LCMR share < 50 %) nor para. "
        "40(b) (LCMR load < LASL) is met"
    )
    return SimpleOMCheck(
        passes=criterion is not None,
        criterion=criterion,
        share_LCMR=share,
        share_years=five,
        approach=approach,
        load_LCMR=load,
        LASL=lasl,
        message=f"{verdict}; " + "; ".join(notes),
    )


def simple_om_applicability(
    plants: xr.Dataset,
    *,
    year: int | None = None,
    approach: int = 1,
    LASL: Mapping[int, float] | xr.DataArray | None = None,
) -> SimpleOMCheck:
    """Whether the simple OM may be used for the system (para. 40).

    Parameters
    ----------
    plants
        Annual plant data (module docstring) covering the five most recent years.
    year
        The most recent year for which data are available, Y (default: the last year of
        the data). [-]
    approach
        1: eq. (1), mean of the yearly shares; 2: eq. (2), ratio of the five-year means
        (the project's choice, para. 40(a)). [-]
    LASL
        Lowest annual system load of the three most recent years, by year, for para.
        40(b) (see :func:`load_extremes`). [MW]

    Returns
    -------
    SimpleOMCheck
        ``passes`` and the figures that decide it.

    Notes
    -----
    Para. 40: the simple OM "can only be used if any one of the following requirements
    is satisfied": (a) LCMR resources are less than 50 % of total grid generation on
    average over the five most recent years (eq. (1) or eq. (2)); (b) the average load
    supplied by LCMR resources over the three most recent years, the mean of
    EG_LCMR,y / 8760 (footnote 5: 8760 as written, also in a leap year), is less than
    the average LASL of the same years. LCMR follows para. 10(j) (:func:`lcmr_flags`):
    imports count as LCMR generation and as part of the total. Para. 40(a) 2) (long-term
    hydro averages) is not implemented.

    Examples
    --------
    >>> check = simple_om_applicability(example_plants())
    >>> check.passes, round(check.share_LCMR, 6), check.share_years
    (True, 0.335938, (2019, 2020, 2021, 2022, 2023))
    """
    _check_plants(plants, "plants")
    years = [int(y) for y in np.asarray(plants["year"].values)] if "year" in plants.dims else []
    latest = int(year) if year is not None else (max(years) if years else 0)
    have = [y for y in years if latest - 4 <= y <= latest]
    ds = _annual(plants, have)
    lcmr = lcmr_flags(ds)
    EG_LCMR = ds["EG"].where(lcmr, 0.0).sum("plant")
    total = ds["EG"].sum("plant")
    return _lcmr_check(EG_LCMR, total, latest, approach, LASL)


def _om_years(
    available: Sequence[int], vintage: str, year: int | None, lag: int
) -> tuple[int, ...]:
    """The data years of an OM (para. 42)."""
    if vintage == "ex_ante":
        last = int(year) if year is not None else max(available)
        years: tuple[int, ...] = (last - 2, last - 1, last)
        rule = "para. 42(a): a 3-year generation-weighted average, most recent data"
    elif vintage == "ex_post":
        if lag not in (0, 1, 2):
            raise ParameterError(
                f"lag {lag!r} is not 0, 1 or 2",
                variable="lag",
                rule=_rule("para. 42(b): the data vintage y, y-1 or y-2"),
            )
        if year is None:
            raise ParameterError(
                "the ex-post vintage needs the year y in which the project displaces grid "
                "electricity",
                variable="year",
                rule=_rule("para. 42(b)"),
            )
        years = (int(year) - lag,)
        rule = "para. 42(b): the emission factor of year y (or y-1, y-2)"
    else:
        raise ParameterError(
            f"vintage {vintage!r} is not 'ex_ante' or 'ex_post'",
            variable="vintage",
            rule=_rule("para. 42"),
        )
    missing = [y for y in years if y not in set(int(a) for a in available)]
    if missing:
        raise MonitoringDataError(
            f"no plant data for year {missing[0]} (vintage {vintage}: years {list(years)})",
            variable="year",
            where=f"year {missing[0]}",
            rule=_rule(rule),
        )
    return years


@equation(
    DOC,
    VERSION,
    "para. 42(a)",
    returns=("EF_grid_OM_y", "t/MWh"),
    text="EF_grid,OM = sum_y(EF_grid,OM,y x EG_y) / sum_y(EG_y) over the 3 most recent years",
)
def ex_ante_average(EF_grid_OM_y: Any, EG_y: Any) -> Any:
    """Generation-weighted average of the yearly operating margins (ex-ante vintage).

    Parameters
    ----------
    EF_grid_OM_y
        Operating margin of each year, over dimension ``year``. [t/MWh]
    EG_y
        Generation weighting each year: the denominator of the OM's own equation. [MWh]

    Returns
    -------
    EF_grid_OM_y, the ex-ante operating margin. [t/MWh]

    Notes
    -----
    TOOL07 v07.0 para. 42(a): "use a 3-year generation-weighted average, based on the
    most recent data available". For the simple OM the weights are Sum_m EG_m,y, so the
    average equals total emissions over total generation of the three years.

    Examples
    --------
    >>> ef = xr.DataArray([0.6, 0.9], dims="year")
    >>> round(float(ex_ante_average(ef, xr.DataArray([3.0, 1.0], dims="year"))), 6)
    0.675
    """
    return (EF_grid_OM_y * EG_y).sum("year") / EG_y.sum("year")


def _finish(
    per_year: xr.DataArray,
    weights: xr.DataArray,
    years: tuple[int, ...],
    vintage: str,
    method: str,
    where: str,
    **extra: Any,
) -> OperatingMargin:
    zero = weights <= 0
    if bool(zero.any()):
        raise MonitoringDataError(
            f"the {method} OM has no generation to divide by",
            variable="EG",
            where=_loc(_first(zero)),
            rule=_rule(where),
        )
    value = (
        float(ex_ante_average(per_year, weights))
        if vintage == "ex_ante"
        else float(per_year.isel(year=0))
    )
    return OperatingMargin(
        EF_grid_OM_y=value,
        method=method,
        vintage=vintage,
        years=years,
        EF_OM_by_year=per_year.assign_attrs(units="t/MWh"),
        weight_by_year=weights.assign_attrs(units="MWh"),
        reference=f"{DOC} v{VERSION} {where}",
        **extra,
    )


# --------------------------------------------------------------------------------------
# Step 4: simple OM


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("EF_grid_OMsimple_y", "t/MWh"),
    text="EF_grid,OMsimple,y = sum_m(EG_m,y x EF_EL,m,y) / sum_m(EG_m,y)",
)
def simple_om_factor(EG_m_y: Any, EF_EL_m_y: Any) -> Any:
    """Generation-weighted average emission factor of the power units m (simple OM).

    Parameters
    ----------
    EG_m_y
        Net generation of each unit m, over dimension ``plant`` (zero for the units not
        in m). [MWh]
    EF_EL_m_y
        CO2 emission factor of each unit m, over ``plant``. [t/MWh]

    Returns
    -------
    EF_grid_OMsimple_y [t/MWh], over the remaining dimensions (``year``).

    Notes
    -----
    TOOL07 v07.0 para. 48, eq. (3); m is every unit serving the grid except LCMR units.
    The same sum over all units is the average OM (para. 70).

    Examples
    --------
    >>> eg = xr.DataArray([1.0e6, 8.0e5], dims="plant")
    >>> round(float(simple_om_factor(eg, xr.DataArray([0.9, 0.35], dims="plant"))), 6)
    0.655556
    """
    return (EG_m_y * EF_EL_m_y).sum("plant", skipna=False) / EG_m_y.sum("plant", skipna=False)


def simple_om(
    plants: xr.Dataset,
    *,
    vintage: Vintage = "ex_ante",
    year: int | None = None,
    lag: int = 0,
    share_approach: int = 1,
    LASL: Mapping[int, float] | xr.DataArray | None = None,
) -> OperatingMargin:
    """Simple operating margin, option A (plant data).

    Parameters
    ----------
    plants
        Annual plant data (module docstring); five most recent years for the para. 40
        check.
    vintage
        ``"ex_ante"``: 3-year generation-weighted average of the years ``year - 2`` to
        ``year``; ``"ex_post"``: year ``year - lag`` (para. 42). [-]
    year
        Ex ante: the most recent year of data (default: the last year of the data); ex
        post: the year y in which the project displaces grid electricity. [-]
    lag
        Ex post only: 0, 1 or 2 for the vintage y, y-1, y-2 (para. 42(b)). [-]
    share_approach
        1 or 2: eq. (1) or eq. (2) for the LCMR share (para. 40(a)). [-]
    LASL
        Lowest annual system load by year, for para. 40(b) (optional). [MW]

    Returns
    -------
    OperatingMargin
        ``EF_grid_OM_y`` [t/MWh], the value of each year, the weights and the para. 40
        check.

    Notes
    -----
    Paras 46-48, eq. (3): EF_grid,OMsimple,y = Sum_m EG_m,y EF_EL,m,y / Sum_m EG_m,y over
    every unit except LCMR units (:func:`lcmr_flags`; imports are LCMR, para. 10(j));
    EF_EL,m,y by option A1, A2 or A3 (:func:`plant_emission_factors`). Units registered
    under the CDM stay in (para. 45). Para. 40 is checked first with the five years
    ending at the most recent year used. Ex ante, the yearly values are weighted by
    Sum_m EG_m,y (para. 42(a)).

    Raises
    ------
    SimpleOMNotApplicable
        Neither para. 40(a) nor para. 40(b) is met.
    ParameterError, MonitoringDataError
        Bad plant data (names the plant, year and rule).

    Examples
    --------
    >>> om = simple_om(example_plants())
    >>> round(om.EF_grid_OM_y, 6), om.years
    (0.643081, (2021, 2022, 2023))
    >>> round(simple_om(example_plants(), vintage="ex_post", year=2023).EF_grid_OM_y, 6)
    0.628205
    """
    _check_plants(plants, "plants")
    available = [int(y) for y in np.asarray(plants["year"].values)] if "year" in plants.dims else []
    years = _om_years(available, vintage, year, lag)
    check = simple_om_applicability(plants, year=max(years), approach=share_approach, LASL=LASL)
    if not check.passes:
        raise SimpleOMNotApplicable(check.message, variable="share_LCMR", rule=_rule("para. 40"))
    ds = _annual(plants, years)
    ef = _emission_factors(ds)["EF_EL"]
    lcmr = lcmr_flags(ds)
    EG_m = ds["EG"].where(~lcmr, 0.0)
    per_year = simple_om_factor(EG_m, ef)
    weights = EG_m.sum("plant")
    return _finish(per_year, weights, years, vintage, "simple", "eq. (3)", check=check)


@equation(
    DOC,
    VERSION,
    "eq. (9)",
    returns=("EF_grid_OMsimple_y", "t/MWh"),
    text="EF_grid,OMsimple,y = sum_i(FC_i,y x NCV_i,y x EF_CO2,i,y) / EG_y",
)
def simple_om_option_b_factor(FC_i_y: Any, NCV_i_y: Any, EF_CO2_i_y: Any, EG_y: Any) -> Any:
    """Simple OM from the system's total fuel consumption and generation (option B).

    Parameters
    ----------
    FC_i_y
        Fuel of type i consumed in the project electricity system, over ``fuel``. [mass
        or volume unit]
    NCV_i_y
        Net calorific value of fuel i. [GJ/mass or volume unit]
    EF_CO2_i_y
        CO2 emission factor of fuel i. [t/GJ]
    EG_y
        Net generation delivered to the grid by all sources except LCMR. [MWh]

    Returns
    -------
    EF_grid_OMsimple_y [t/MWh].

    Notes
    -----
    TOOL07 v07.0 para. 54, eq. (9).

    Examples
    --------
    >>> fc = xr.DataArray([1.0e5], dims="fuel")
    >>> float(simple_om_option_b_factor(fc, 20.0, 0.09, 2.0e5))
    0.9
    """
    return (FC_i_y * NCV_i_y * EF_CO2_i_y).sum("fuel") / EG_y


def om_option_b(
    system: xr.Dataset,
    *,
    method: Literal["simple", "average"] = "simple",
    vintage: Vintage = "ex_ante",
    year: int | None = None,
    lag: int = 0,
    share_approach: int = 1,
    LASL: Mapping[int, float] | xr.DataArray | None = None,
) -> OperatingMargin:
    """Simple or average OM from system totals (option B).

    Parameters
    ----------
    system
        Dataset over ``fuel`` and ``year``: ``FC`` (fuel, year) total fuel consumed in the
        system [unit], ``NCV`` (fuel[, year]) [GJ/unit], ``EF_CO2`` (fuel[, year]) [t/GJ],
        ``EG`` (year) net generation of all non-LCMR sources [MWh] and ``EG_LCMR`` (year)
        generation of the LCMR sources (nuclear and renewables only) [MWh].
    method
        ``"simple"`` (eq. (9)) or ``"average"`` (para. 70: LCMR generation included in
        the denominator). [-]
    vintage, year, lag
        Data vintage (para. 42), as in :func:`simple_om`. [-]
    share_approach, LASL
        Para. 40 check of the simple OM, as in :func:`simple_om`.

    Returns
    -------
    OperatingMargin
        Method ``"simple_option_B"`` or ``"average_option_B"``.

    Notes
    -----
    Para. 47(b): option B "can only be used if (i) the necessary data for option A is not
    available; and (ii) only nuclear and renewable power generation are considered as
    LCMR power sources and the quantity of electricity supplied to the grid by these
    sources is known; and (iii) off-grid power plants are not included". (ii) is why
    ``EG_LCMR`` is required; (i) and (ii) are the caller's to establish; (iii) holds here
    (Option I only). Para. 71: for the average OM, option B only if option A data are
    not available. Fuels of LCMR sources (biomass) have EF_CO2 = 0 (para. 6).

    Examples
    --------
    >>> sys = xr.Dataset(
    ...     {"FC": (("fuel", "year"), [[5.0e5] * 5, [1.0e5] * 5]),
    ...      "NCV": ("fuel", [20.0, 50.0]), "EF_CO2": ("fuel", [0.09, 0.056]),
    ...      "EG": ("year", [1.8e6] * 5), "EG_LCMR": ("year", [6.0e5] * 5)},
    ...     coords={"fuel": ["coal", "natural_gas"], "year": range(2019, 2024)})
    >>> round(om_option_b(sys).EF_grid_OM_y, 6)
    0.655556
    >>> round(om_option_b(sys, method="average").EF_grid_OM_y, 6)
    0.491667
    """
    if not isinstance(system, xr.Dataset):
        raise ParameterError("system totals must be an xarray.Dataset", variable="system")
    for name in ("FC", "NCV", "EF_CO2", "EG", "EG_LCMR"):
        if name not in system:
            raise ParameterError(
                f"option B needs {name!r}",
                variable=name,
                rule=_rule("para. 47(b) and eq. (9)"),
            )
    if method not in ("simple", "average"):
        raise ParameterError(f"method {method!r} is not 'simple' or 'average'", variable="method")
    available = [int(y) for y in np.asarray(system["year"].values)]
    years = _om_years(available, vintage, year, lag)
    out = system.copy()
    _fuel_table(out)
    eg = _convert(system["EG"], "MWh", "EG")
    eg_lcmr = _convert(system["EG_LCMR"], "MWh", "EG_LCMR")
    for name, da in (("EG", eg), ("EG_LCMR", eg_lcmr)):
        bad = da.isnull() | (da < 0)
        if bool(bad.any()):
            raise MonitoringDataError(
                "generation is missing or negative",
                variable=name,
                where=_loc(_first(bad)),
                rule=_rule("Data/Parameter table 4"),
            )
    check = None
    if method == "simple":
        check = _lcmr_check(eg_lcmr, eg + eg_lcmr, max(years), share_approach, LASL)
        if not check.passes:
            raise SimpleOMNotApplicable(
                check.message, variable="share_LCMR", rule=_rule("para. 40")
            )
    sel = out.sel(year=list(years))
    denominator = eg.sel(year=list(years))
    if method == "average":
        denominator = denominator + eg_lcmr.sel(year=list(years))
    fc = sel["FC"].fillna(0.0)
    per_year = simple_om_option_b_factor(fc, sel["NCV"], sel["EF_CO2"], denominator)
    return _finish(
        per_year,
        denominator,
        years,
        vintage,
        f"{method}_option_B",
        "eq. (9)" if method == "simple" else "eq. (9), para. 70",
        check=check,
    )


def average_om(
    plants: xr.Dataset,
    *,
    vintage: Vintage = "ex_ante",
    year: int | None = None,
    lag: int = 0,
) -> OperatingMargin:
    """Average operating margin, option A: every plant, LCMR included.

    Parameters
    ----------
    plants
        Annual plant data (module docstring).
    vintage, year, lag
        Data vintage (para. 42), as in :func:`simple_om`. [-]

    Returns
    -------
    OperatingMargin
        Method ``"average"`` [t/MWh].

    Notes
    -----
    Para. 70: "the average emission rate of all power plants serving the grid, using the
    methodological guidance ... for the simple OM, but also including the low-cost/
    must-run power plants in all equations": eq. (3) over every unit, imports included
    with their para. 25 factor. Ex ante, years are weighted by total generation. Option B
    of the average OM is :func:`om_option_b` with ``method="average"`` (para. 71).

    Examples
    --------
    >>> round(average_om(example_plants(), vintage="ex_post", year=2023).EF_grid_OM_y, 6)
    0.468637
    """
    _check_plants(plants, "plants")
    available = [int(y) for y in np.asarray(plants["year"].values)] if "year" in plants.dims else []
    years = _om_years(available, vintage, year, lag)
    ds = _annual(plants, years)
    ef = _emission_factors(ds)["EF_EL"]
    per_year = simple_om_factor(ds["EG"], ef)
    return _finish(per_year, ds["EG"].sum("plant"), years, vintage, "average", "para. 70")


# --------------------------------------------------------------------------------------
# Step 4: simple adjusted OM and lambda


@equation(
    DOC,
    VERSION,
    "eq. (10)",
    returns=("EF_grid_OM_adj_y", "t/MWh"),
    text="EF_grid,OM-adj,y = (1 - lambda_y) x sum_m(EG_m,y EF_EL,m,y)/sum_m(EG_m,y)"
    " + lambda_y x sum_k(EG_k,y EF_EL,k,y)/sum_k(EG_k,y)",
)
def simple_adjusted_om_factor(
    lambda_y: Any, EG_m_y: Any, EF_EL_m_y: Any, EG_k_y: Any, EF_EL_k_y: Any
) -> Any:
    """Simple adjusted operating margin from the non-LCMR (m) and LCMR (k) units.

    Parameters
    ----------
    lambda_y
        Share of the hours of year y in which LCMR units are on the margin. [-]
    EG_m_y, EF_EL_m_y
        Generation [MWh] and emission factor [t/MWh] of the units m, over ``plant``
        (zero generation for units not in m).
    EG_k_y, EF_EL_k_y
        The same for the LCMR units k, imports included.

    Returns
    -------
    EF_grid_OM_adj_y [t/MWh].

    Notes
    -----
    TOOL07 v07.0 para. 56, eq. (10). With no LCMR generation the k term is 0/0; lambda is
    then 0 (appendix 3) and the term is taken as 0.

    Examples
    --------
    >>> eg = xr.DataArray([100.0, 0.0], dims="plant")
    >>> egk = xr.DataArray([0.0, 100.0], dims="plant")
    >>> ef = xr.DataArray([0.8, 0.0], dims="plant")
    >>> round(float(simple_adjusted_om_factor(0.25, eg, ef, egk, ef)), 6)
    0.6
    """
    om_m = (EG_m_y * EF_EL_m_y).sum("plant", skipna=False) / EG_m_y.sum("plant", skipna=False)
    sum_k = EG_k_y.sum("plant", skipna=False)
    om_k = xr.where(
        sum_k > 0, (EG_k_y * EF_EL_k_y).sum("plant", skipna=False) / sum_k.where(sum_k > 0), 0.0
    )
    return (1 - lambda_y) * om_m + lambda_y * om_k


def _hourly_load(load: xr.DataArray, name: str = "load") -> np.ndarray:
    """Hourly load of one calendar year [MW], checked for gaps (appendix 3, step (i))."""
    rule = _rule("appendix 3 step (i) and para. 10(l)-(m): load data for each hour of year y")
    if not isinstance(load, xr.DataArray) or load.dims != ("hour",):
        raise ParameterError(
            f"{name} must be an xarray.DataArray over the dimension 'hour'",
            variable=name,
            rule=rule,
        )
    values = np.asarray(_convert(load, "MW", name).values, dtype=float)
    coord = np.asarray(load["hour"].values) if "hour" in load.coords else None
    if coord is not None and np.issubdtype(coord.dtype, np.datetime64):
        t = coord.astype("datetime64[s]")
        step = np.diff(t)
        hour = np.timedelta64(1, "h")
        if (step <= np.timedelta64(0, "s")).any():
            i = int(np.flatnonzero(step <= np.timedelta64(0, "s"))[0]) + 1
            raise MonitoringDataError(
                "hours are duplicated or out of order",
                variable=name,
                where=f"hour {_fmt(coord[i])}",
                rule=rule,
            )
        if (step > hour).any():
            i = int(np.flatnonzero(step > hour)[0])
            raise MonitoringDataError(
                f"hourly load is missing from {_fmt(t[i] + hour)} to {_fmt(t[i + 1] - hour)}",
                variable=name,
                where=f"hour {_fmt(t[i] + hour)}",
                rule=rule,
            )
        if (step != hour).any():
            i = int(np.flatnonzero(step != hour)[0]) + 1
            raise MonitoringDataError(
                "load data are not hourly", variable=name, where=f"hour {_fmt(coord[i])}", rule=rule
            )
        first = pd.Timestamp(t[0])
        expected = 8784 if first.is_leap_year else 8760
        if values.size != expected or (first.month, first.day) != (1, 1) or first.hour > 1:
            raise MonitoringDataError(
                f"{values.size} hours from {first.isoformat()}: not the {expected} hours of "
                f"the calendar year {first.year}",
                variable=name,
                where=f"hour {first.isoformat()}",
                rule=rule,
            )
    elif values.size not in (8760, 8784):
        raise MonitoringDataError(
            f"{values.size} hourly loads: a calendar year has 8760 (8784) hours",
            variable=name,
            rule=rule,
        )
    bad = np.isnan(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        label = _fmt(coord[i]) if coord is not None else str(i)
        raise MonitoringDataError(
            f"hourly load is missing or negative ({values[i]})",
            variable=name,
            where=f"hour {label}",
            rule=rule,
        )
    return values


def load_extremes(load: xr.DataArray) -> tuple[float, float]:
    """Lowest and highest annual system load (LASL, HASL) of a year of hourly loads.

    Parameters
    ----------
    load
        Hourly system load of one calendar year, over dimension ``hour`` (datetime64 or
        integer coordinate; 8760 or 8784 values, no gaps). [MW]

    Returns
    -------
    (LASL, HASL) [MW].

    Notes
    -----
    Para. 10(l): LASL "is the minimum recorded value of hourly load in MW in a grid over a
    calendar year"; para. 10(m): HASL, the maximum.

    Raises
    ------
    MonitoringDataError
        A missing, duplicated or negative hour (named).

    Examples
    --------
    >>> load_extremes(example_load(2023))
    (100.0, 450.0)
    """
    values = _hourly_load(load)
    return float(values.min()), float(values.max())


def lcmr_hours_on_margin(load: xr.DataArray, EG_k_total: float) -> int:
    """Number of hours in the year in which LCMR sources are on the margin (appendix 3).

    Parameters
    ----------
    load
        Hourly system load of year y, over ``hour`` (no gaps). [MW]
    EG_k_total
        Total generation of the LCMR units k in year y, imports included. [MWh]

    Returns
    -------
    int
        The hours to the right of the intersection of the load duration curve with the
        horizontal line that fills the area under it with Sum_k EG_k,y. [h]

    Notes
    -----
    Appendix 3: sort the loads from highest to lowest (step (i)); fill the area under the
    curve from the bottom (step (iii)): EG_Z = EL_Z x Z (eq. (1)), then each next level
    adds (load of that level - load of the previous level) x (hours at or above that
    level) (eq. (2), as its prose and Figure 3 describe: "subtract the load from the
    previous level"), cumulated (eq. (3)) until EG_cumul >= Sum_k EG_k,y (step (iii)(d)).
    With L that step's rank from the lowest load, the intersection is at hour Z - L
    (Figure 4: "the intersection point is at hour 8759" for L = 1) and the hours LCMR
    sources are on the margin are the X hours to its right (Figure 5), X = L. (Step (iv)
    calls Z - L "the number of hours"; that is the intersection's hour, and taking it as
    the count would give lambda near 1 when LCMR output barely exceeds the base load and
    0 when it fills the curve, against eq. (11) and appendix 2: module notes.) Ties in
    load and rounding never make the cumulative area decrease (non-negative increments).

    Raises
    ------
    MonitoringDataError
        Gaps in the hourly load.
    ParameterError
        Sum_k EG_k,y exceeds the whole area under the curve (no intersection).

    Examples
    --------
    >>> lcmr_hours_on_margin(example_load(2023), 1_050_000.0)
    2000
    """
    a = np.sort(_hourly_load(load))  # ascending: a[0] is EL_Z, the lowest load
    Z = a.size
    steps = np.empty(Z)
    steps[0] = a[0] * Z  # eq. (1): EG_Z = EL_Z x Z
    steps[1:] = np.diff(a) * (Z - np.arange(1, Z))  # eq. (2): (EL_Z-L - EL_previous) x (Z-L)
    cumulative = np.cumsum(steps)  # eq. (3)
    target = float(EG_k_total)
    if not np.isfinite(target) or target < 0:
        raise ParameterError(
            f"LCMR generation {EG_k_total!r} is not a non-negative number",
            variable="EG_k_y",
            rule=_rule("appendix 3 step (ii)"),
        )
    if target > cumulative[-1]:
        raise ParameterError(
            f"LCMR generation {target:.6g} MWh exceeds the {cumulative[-1]:.6g} MWh under the "
            "load duration curve: appendix 3 finds no intersection",
            variable="EG_k_y",
            rule=_rule("appendix 3 step (iii)(d)"),
        )
    return int(np.searchsorted(cumulative, target, side="left"))


@equation(
    DOC,
    VERSION,
    "eq. (11), appendix 3",
    returns=("lambda_y", "1"),
    text="lambda_y = hours LCMR on the margin in year y / hours in year y",
)
def lambda_from_load_duration(EL_h: Any, EG_k_y: Any) -> float:
    """Lambda of year y from the load duration curve (approach 2).

    Parameters
    ----------
    EL_h
        Hourly system load of year y, a DataArray over ``hour`` (no gaps). [MW]
    EG_k_y
        Total generation of the LCMR units k in year y (Sum_k EG_k,y). [MWh]

    Returns
    -------
    lambda_y [-].

    Notes
    -----
    Para. 59, eq. (11): lambda_y = (hours LCMR on the margin in year y) / 8760; para. 62:
    approach 2 determines it by appendix 3 (:func:`lcmr_hours_on_margin`). The
    denominator is the number of hours of the year, Z of appendix 3 eq. (1) (8760, or
    8784 in a leap year, so that lambda stays within [0, 1]).

    Examples
    --------
    >>> round(lambda_from_load_duration(example_load(2023), 1_050_000.0), 6)
    0.228311
    """
    hours = lcmr_hours_on_margin(EL_h, float(EG_k_y))
    return hours / int(EL_h.sizes["hour"])


def lambda_default(share: Any) -> Any:
    """Default lambda from the share of LCMR generation (approach 1, appendix 2).

    Parameters
    ----------
    share
        Share of LCMR in total generation, a fraction in [0, 1] (scalar or array). [-]

    Returns
    -------
    lambda [-], of the same shape.

    Notes
    -----
    Para. 61 and appendix 2, Table 1 (:data:`LAMBDA_DEFAULTS`). The table's ranges share
    their bounds ("50 per cent to 54.54 per cent", "0 per cent to 50 per cent"); a share
    equal to a bound takes the row whose lower bound it is: 50 % gives 0.05, consistent
    with para. 40(a), under which a 50 % share already rules out the simple OM.

    Raises
    ------
    ParameterError
        A share outside [0, 1].

    Examples
    --------
    >>> float(lambda_default(0.336)), float(lambda_default(0.5)), float(lambda_default(0.9))
    (0.0, 0.05, 0.6)
    """
    s = np.asarray(share, dtype=float)
    if np.isnan(s).any() or (s < 0).any() or (s > 1).any():
        raise ParameterError(
            f"LCMR share {share!r} is not a fraction in [0, 1]",
            variable="share_LCMR",
            rule=_rule("appendix 2, Table 1"),
        )
    bounds = np.array([b for b, _ in LAMBDA_DEFAULTS])
    lambdas = np.array([v for _, v in LAMBDA_DEFAULTS])
    out = lambdas[np.searchsorted(bounds, s, side="right") - 1]
    return out if out.ndim else float(out)


def simple_adjusted_om(
    plants: xr.Dataset,
    *,
    load: Mapping[int, xr.DataArray],
    vintage: Vintage = "ex_ante",
    year: int | None = None,
    lag: int = 0,
    lambda_approach: int = 2,
    share_approach: int = 1,
) -> OperatingMargin:
    """Simple adjusted operating margin (eq. (10)), lambda by approach 1 or 2.

    Parameters
    ----------
    plants
        Annual plant data (module docstring).
    load
        Hourly system load of each year used, ``{year: DataArray over hour}`` [MW]
        (approach 2: lambda; approach 1: the LASL >= HASL/3 condition).
    vintage, year, lag
        Data vintage (para. 42), as in :func:`simple_om`. [-]
    lambda_approach
        2: appendix 3 (:func:`lambda_from_load_duration`, para. 62); 1: appendix 2
        defaults from the LCMR share (:func:`lambda_default`, para. 61). [-]
    share_approach
        Approach 1: eq. (1) or eq. (2) for the five-year LCMR share. [-]

    Returns
    -------
    OperatingMargin
        Method ``"simple_adjusted"``, with ``lambda_y``.

    Notes
    -----
    Para. 56, eq. (10), with units m (not LCMR) and k (LCMR, imports included, para. 56
    and 10(j)) and EF_EL of option A1/A2/A3 (para. 57). Approach 1 (para. 61) uses one
    lambda from the LCMR share of the five most recent years (ending at the most recent
    year used), and "can only be applied if the LASL is not less than one-third of the
    HASL" in each year used (para. 61 says "not less than"; Figure 2 draws "LASL > 1/3
    HASL"; the paragraph is followed). Ex ante, the years are weighted by their total
    generation, Sum_m EG_m,y + Sum_k EG_k,y (the generation both terms of eq. (10)
    cover: module notes).

    Raises
    ------
    SimpleOMNotApplicable
        Approach 1 with LASL < HASL/3 in a year used.
    MonitoringDataError
        A year without load data, or gaps in it (names the hour).

    Examples
    --------
    >>> ds = example_plants()
    >>> load = {y: example_load(y) for y in (2021, 2022, 2023)}
    >>> om = simple_adjusted_om(ds, load=load, vintage="ex_post", year=2023)
    >>> round(om.EF_grid_OM_y, 6), round(float(om.lambda_y[0]), 6)
    (0.517177, 0.228311)
    """
    _check_plants(plants, "plants")
    available = [int(y) for y in np.asarray(plants["year"].values)] if "year" in plants.dims else []
    years = _om_years(available, vintage, year, lag)
    if lambda_approach not in (1, 2):
        raise ParameterError(
            f"lambda approach {lambda_approach!r} is not 1 or 2",
            variable="lambda_approach",
            rule=_rule("paras 60-62"),
        )
    missing = [y for y in years if y not in load]
    if missing:
        raise MonitoringDataError(
            f"no hourly load data for year {missing[0]}",
            variable="load",
            where=f"year {missing[0]}",
            rule=_rule("para. 104(f): load data for each hour of the year y"),
        )
    ds = _annual(plants, years)
    ef = _emission_factors(ds)["EF_EL"]
    lcmr = lcmr_flags(ds)
    EG_m = ds["EG"].where(~lcmr, 0.0)
    EG_k = ds["EG"].where(lcmr, 0.0)
    EG_k_total = EG_k.sum("plant")
    lambdas = []
    if lambda_approach == 2:
        for y in years:
            lambdas.append(lambda_from_load_duration(load[y], float(EG_k_total.sel(year=y))))
    else:
        for y in years:
            lasl, hasl = load_extremes(load[y])
            if lasl < hasl / 3.0:
                raise SimpleOMNotApplicable(
                    f"LASL {lasl:.6g} MW is less than one-third of HASL {hasl:.6g} MW: the "
                    "default lambda (approach 1) may not be used; use approach 2",
                    variable="load",
                    where=f"year {y}",
                    rule=_rule("para. 61"),
                )
        check = simple_om_applicability(plants, year=max(years), approach=share_approach)
        if check.share_LCMR is None:
            raise MonitoringDataError(
                f"approach 1 needs the LCMR share of {check.share_years[0]}-"
                f"{check.share_years[-1]}: data are not all given",
                variable="year",
                rule=_rule("para. 61: average of the five most recent years"),
            )
        lambdas = [float(lambda_default(check.share_LCMR))] * len(years)
    lam = xr.DataArray(lambdas, dims="year", coords={"year": list(years)}, name="lambda_y")
    per_year = simple_adjusted_om_factor(lam, EG_m, ef, EG_k, ef)
    return _finish(
        per_year,
        ds["EG"].sum("plant"),
        years,
        vintage,
        "simple_adjusted",
        "eq. (10)",
        lambda_y=lam,
    )


# --------------------------------------------------------------------------------------
# Step 4: dispatch data analysis OM


@equation(
    DOC,
    VERSION,
    "eq. (14)",
    returns=("EF_EL_DD_h", "t/MWh"),
    text="EF_EL,DD,h = sum_n(EG_n,h x EF_EL,n,y) / sum_n(EG_n,h)",
)
def ef_el_dd_h(EG_n_h: Any, EF_EL_n_y: Any) -> Any:
    """Hourly emission factor of the units in the top of the dispatch, from annual factors.

    Parameters
    ----------
    EG_n_h
        Net generation of each unit in hour h, over ``plant`` (and ``hour``), zero for
        units not in the top of the dispatch. [MWh]
    EF_EL_n_y
        Emission factor of each unit (options A1/A2/A3, para. 67). [t/MWh]

    Returns
    -------
    EF_EL_DD_h [t/MWh], over ``hour``.

    Notes
    -----
    TOOL07 v07.0 para. 66, eq. (14).

    Examples
    --------
    >>> eg = xr.DataArray([20.0, 80.0], dims="plant")
    >>> round(float(ef_el_dd_h(eg, xr.DataArray([0.5, 0.8], dims="plant"))), 6)
    0.74
    """
    return (EG_n_h * EF_EL_n_y).sum("plant") / EG_n_h.sum("plant")


@equation(
    DOC,
    VERSION,
    "eq. (13)",
    returns=("EF_EL_DD_h", "t/MWh"),
    text="EF_EL,DD,h = sum_i,n(FC_i,n,h x NCV_i,y x EF_CO2,i,y) / sum_n(EG_n,h)",
)
def ef_el_dd_h_fuel(FC_i_n_h: Any, NCV_i_y: Any, EF_CO2_i_y: Any, EG_n_h: Any) -> Any:
    """Hourly emission factor of the units in the top of the dispatch, from hourly fuel.

    Parameters
    ----------
    FC_i_n_h
        Fuel of type i burnt by unit n in hour h, over ``fuel`` and ``plant`` (zero for
        units not in the top). [mass or volume unit]
    NCV_i_y
        Net calorific value of fuel i. [GJ/unit]
    EF_CO2_i_y
        CO2 emission factor of fuel i. [t/GJ]
    EG_n_h
        Net generation of each unit in the top in hour h, over ``plant``. [MWh]

    Returns
    -------
    EF_EL_DD_h [t/MWh].

    Notes
    -----
    TOOL07 v07.0 para. 65, eq. (13).

    Examples
    --------
    >>> fc = xr.DataArray([[40.0]], dims=("fuel", "plant"))
    >>> eg = xr.DataArray([250.0], dims="plant")
    >>> round(float(ef_el_dd_h_fuel(fc, 50.0, 0.056, eg)), 6)
    0.448
    """
    return (FC_i_n_h * NCV_i_y * EF_CO2_i_y).sum(("fuel", "plant")) / EG_n_h.sum("plant")


@equation(
    DOC,
    VERSION,
    "eq. (12)",
    returns=("EF_grid_OM_DD_y", "t/MWh"),
    text="EF_grid,OM-DD,y = sum_h(EG_PJ,h x EF_EL,DD,h) / EG_PJ,y",
)
def dispatch_om_factor(EG_PJ_h: Any, EF_EL_DD_h: Any) -> Any:
    """Dispatch data analysis OM: the project's displaced electricity weights the hours.

    Parameters
    ----------
    EG_PJ_h
        Electricity displaced by the project in hour h, over ``hour``. [MWh]
    EF_EL_DD_h
        Emission factor of the units in the top of the dispatch in hour h. [t/MWh]

    Returns
    -------
    EF_grid_OM_DD_y [t/MWh].

    Notes
    -----
    TOOL07 v07.0 para. 64, eq. (12), with EG_PJ,y = Sum_h EG_PJ,h over the hours given.

    Examples
    --------
    >>> pj = xr.DataArray([50.0, 150.0], dims="hour")
    >>> float(dispatch_om_factor(pj, xr.DataArray([0.74, 0.42], dims="hour")))
    0.5
    """
    return (EG_PJ_h * EF_EL_DD_h).sum("hour") / EG_PJ_h.sum("hour")


def dispatch_data_om(
    dispatch: xr.Dataset, EG_PJ: xr.DataArray, *, year: int | None = None
) -> OperatingMargin:
    """Dispatch data analysis operating margin from hourly dispatch (eqs. (12)-(14)).

    Parameters
    ----------
    dispatch
        Dataset over ``plant`` and ``hour``: ``EG`` (plant, hour) net generation delivered
        to the grid [MWh]; ``merit_order`` (plant, or plant and hour) the grid system
        dispatch order, 1 for the first unit dispatched, the highest number at the top
        [-]; ``EF_EL`` (plant) the emission factor of each unit (options A1/A2/A3 of the
        year, :func:`plant_emission_factors`; imports, para. 25) [t/MWh]; optionally
        ``FC`` (plant, hour) hourly fuel burnt in the unit's ``fuel_type`` (plant), with
        ``NCV`` and ``EF_CO2`` over ``fuel`` (eq. (13)).
    EG_PJ
        Electricity displaced by the project in each hour, over ``hour`` (the same hour
        labels as ``dispatch``). [MWh]
    year
        The year y (default: the year of a datetime ``hour`` coordinate). [-]

    Returns
    -------
    OperatingMargin
        Method ``"dispatch_data"``, vintage ``"ex_post"`` (para. 43), with ``hourly``:
        ``EF_EL_DD_h`` [t/MWh], ``x_h`` [-], ``n_top`` [-] over the displacing hours.

    Notes
    -----
    The hours h are those in which the project displaces grid electricity (EG_PJ,h > 0,
    para. 64). In each, the units are stacked by merit order (para. 69) and the top x %
    of the electricity dispatched in the hour is taken, x the greater of 10 % and
    EG_PJ,h / (total generation in h) (para. 69(a), (b)); a unit on which the boundary
    falls is fully included (69(a)), so a unit is in the top when the generation
    stacked above it is less than x % of the total; units not generating in h are not
    dispatched and are left out. The total is all units in the data, imports included
    (para. 68(a) lists "power units from which electricity is imported"). EF_EL,DD,h is
    eq. (13) for a unit with hourly fuel data in that hour and eq. (14) for the others
    (paras 65-66 share the denominator; a unit's hourly emissions are its measured fuel
    where given, else EG_n,h x EF_EL,n,y); eq. (12) weights the hours by EG_PJ,h. The
    dispatch data OM may not be used with off-grid plants (para. 41; Option I only here).

    Raises
    ------
    MonitoringDataError
        Missing or negative generation of a unit in a displacing hour, a displacing hour
        without dispatch data, no generation in a displacing hour (named).
    ParameterError
        Duplicate merit order in an hour, a unit in the top without an emission factor,
        hours of more than one calendar year (para. 43).

    Examples
    --------
    >>> hours = pd.date_range("2024-03-01", periods=4, freq="h")
    >>> eg = [[300, 300, 300, 500], [400, 400, 400, 300], [200, 250, 200, 150],
    ...       [80, 50, 80, 0], [20, 0, 20, 50]]
    >>> ds = xr.Dataset(
    ...     {"EG": (("plant", "hour"), np.array(eg, float)),
    ...      "merit_order": ("plant", [1, 2, 3, 4, 5]),
    ...      "EF_EL": ("plant", [0.0, 0.9, 0.35, 0.8, 0.5])},
    ...     coords={"plant": ["U1", "U2", "U3", "U4", "U5"], "hour": hours})
    >>> pj = xr.DataArray([50.0, 150.0, 0.0, 80.0], dims="hour", coords={"hour": hours})
    >>> om = dispatch_data_om(ds, pj)
    >>> round(om.EF_grid_OM_y, 6), om.hourly.EF_EL_DD_h.values.round(4).tolist()
    (0.470536, [0.74, 0.425, 0.3875])
    """
    _check_plants(dispatch, "dispatch")
    for name in ("EG", "merit_order"):
        if name not in dispatch:
            raise ParameterError(
                f"dispatch data have no {name!r}",
                variable=name,
                rule=_rule("para. 68: dispatch order and hourly dispatch of every unit"),
            )
    if "hour" not in dispatch.dims:
        raise ParameterError("dispatch data have no 'hour' dimension", variable="hour")
    if not isinstance(EG_PJ, xr.DataArray) or EG_PJ.dims != ("hour",):
        raise ParameterError("EG_PJ must be a DataArray over 'hour'", variable="EG_PJ")
    pj_all = _convert(EG_PJ, "MWh", "EG_PJ")
    hour_rule = _rule("Data/Parameter table 5: EG_PJ,h for each hour")
    _refuse(
        pj_all,
        pj_all.isnull() | (pj_all < 0),
        MonitoringDataError,
        "displaced electricity is missing or negative ({value})",
        "EG_PJ",
        hour_rule,
    )
    pj_hours = np.asarray(pj_all["hour"].values)
    d_hours = np.asarray(dispatch["hour"].values)
    for label, coord in (("EG_PJ", pj_hours), ("dispatch", d_hours)):
        index = pd.Index(coord)
        if index.has_duplicates:
            raise ParameterError(
                f"hour {_fmt(index[index.duplicated()][0])} appears twice in {label}",
                variable="hour",
                where=f"hour {_fmt(index[index.duplicated()][0])}",
            )
    displacing = np.asarray(pj_all.values) > 0
    pj_h = pj_all.isel(hour=np.flatnonzero(displacing))
    wanted = np.asarray(pj_h["hour"].values)
    position = pd.Index(d_hours).get_indexer(wanted)
    if (position < 0).any():
        h = wanted[int(np.flatnonzero(position < 0)[0])]
        raise MonitoringDataError(
            "no dispatch data for an hour in which the project displaces grid electricity",
            variable="EG",
            where=f"hour {_fmt(h)}",
            rule=_rule("para. 68(b): the power dispatched from all units in each hour h"),
        )
    if np.issubdtype(wanted.dtype, np.datetime64) and wanted.size:
        years_seen = np.unique(wanted.astype("datetime64[Y]").astype(int) + 1970)
        if years_seen.size > 1:
            raise ParameterError(
                f"hours span the years {years_seen.tolist()}: compute each year apart",
                variable="hour",
                rule=_rule("paras 43, 64: the year in which the project displaces electricity"),
            )
        year = int(years_seen[0]) if year is None else year
    labels = _labels(dispatch)
    eg = _convert(dispatch["EG"], "MWh", "EG").transpose("plant", "hour")
    EG = np.asarray(eg.values, dtype=float)
    if position.size != EG.shape[1] or (position != np.arange(position.size)).any():
        EG = EG[:, position]  # the displacing hours only (a copy only when some are not)
    gen_rule = _rule("paras 68(b), 104(g): generation of each unit in each hour h")
    if not (EG >= 0).all():  # NaN fails the comparison too
        n, h = np.argwhere(np.isnan(EG) | (EG < 0))[0]
        raise MonitoringDataError(
            f"net generation is missing or negative ({EG[n, h]})",
            variable="EG",
            where=f"plant {labels[n]!r}, hour {_fmt(wanted[h])}",
            rule=gen_rule,
        )
    total = EG.sum(axis=0)
    if (total <= 0).any():
        h = int(np.flatnonzero(total <= 0)[0])
        raise MonitoringDataError(
            "nothing is dispatched in an hour in which the project displaces grid electricity",
            variable="EG",
            where=f"hour {_fmt(wanted[h])}",
            rule=gen_rule,
        )
    PJ = np.asarray(pj_h.values, dtype=float)
    threshold = np.maximum(0.1 * total, PJ)  # x % of the total, para. 69(a)-(b)
    merit_da = dispatch["merit_order"]
    merit = np.asarray(merit_da.transpose("plant", ...).values, dtype=float)
    if merit_da.dims not in (("plant",), ("plant", "hour"), ("hour", "plant")):
        raise ParameterError(
            f"'merit_order' has dimensions {merit_da.dims}", variable="merit_order"
        )
    order_rule = _rule("para. 68(a): the dispatch order of operation of each unit")
    if np.isnan(merit).any():
        n = int(np.argwhere(np.isnan(merit))[0][0])
        raise ParameterError(
            "merit order is missing",
            variable="merit_order",
            where=f"plant {labels[n]!r}",
            rule=order_rule,
        )
    n_plants = EG.shape[0]
    if merit.ndim == 1:
        order = np.argsort(-merit, kind="stable")  # top of the dispatch first
        ranks = merit[order]
        same = ranks[1:] == ranks[:-1]
        if same.any():
            i = int(np.flatnonzero(same)[0])
            raise ParameterError(
                f"plants {labels[order[i]]!r} and {labels[order[i + 1]]!r} have the same "
                f"merit order {ranks[i]:g}",
                variable="merit_order",
                where=f"plant {labels[order[i]]!r}",
                rule=order_rule,
            )
        stacked = EG[order]
    else:
        merit = merit[:, position]
        order = np.argsort(-merit, axis=0, kind="stable")
        ranks = np.take_along_axis(merit, order, axis=0)
        same = ranks[1:] == ranks[:-1]
        if same.any():
            i, h = np.argwhere(same)[0]
            raise ParameterError(
                f"plants {labels[order[i, h]]!r} and {labels[order[i + 1, h]]!r} have the same "
                f"merit order {ranks[i, h]:g}",
                variable="merit_order",
                where=f"hour {_fmt(wanted[h])}",
                rule=order_rule,
            )
        stacked = np.take_along_axis(EG, order, axis=0)
    # generation stacked above each unit (exact prefix sums, no subtraction)
    above = np.empty_like(stacked)
    above[0] = 0.0
    if n_plants > 1:
        np.cumsum(stacked[:-1], axis=0, out=above[1:])
    top = above < threshold
    del above
    top &= stacked > 0  # a unit not generating in h is not dispatched in h
    EG_top = stacked * top  # EG_n,h of the units n in the top, zero elsewhere
    denominator = EG_top.sum(axis=0)
    numerator = _top_emissions(dispatch, labels, position, order, EG_top, top, wanted)
    EF_h = numerator / denominator
    hour_coord = {"hour": wanted}
    EF_h_da = xr.DataArray(EF_h, dims="hour", coords=hour_coord, name="EF_EL_DD_h")
    value = float(dispatch_om_factor(pj_h, EF_h_da))
    by_year = {"year": [int(year)]} if year is not None else {}
    hourly = xr.Dataset(
        {
            "EF_EL_DD_h": EF_h_da.assign_attrs(units="t/MWh"),
            "x_h": ("hour", threshold / total, {"units": "1"}),
            "n_top": ("hour", top.sum(axis=0), {"units": "1"}),
            "EG_PJ_h": ("hour", PJ, {"units": "MWh"}),
        },
        coords=hour_coord,
    )
    return OperatingMargin(
        EF_grid_OM_y=value,
        method="dispatch_data",
        vintage="ex_post",
        years=(int(year),) if year is not None else (),
        EF_OM_by_year=xr.DataArray([value], dims="year", coords=by_year),
        weight_by_year=xr.DataArray([float(PJ.sum())], dims="year", coords=by_year),
        reference=f"{DOC} v{VERSION} eq. (12)",
        hourly=hourly,
    )


def _top_emissions(
    dispatch: xr.Dataset,
    labels: np.ndarray,
    position: np.ndarray,
    order: np.ndarray,
    EG_top: np.ndarray,
    top: np.ndarray,
    wanted: np.ndarray,
) -> np.ndarray:
    """Emissions of the units in the top of the dispatch in each hour [t]: eq. (13) for a
    unit-hour with hourly fuel data, eq. (14) (EG_n,h x EF_EL,n,y) for the others.

    ``order`` stacks the units (top first): ``(plant,)`` for a fixed merit order, else
    ``(plant, hour)``; ``EG_top`` and ``top`` are stacked the same way.
    """
    n_plants = EG_top.shape[0]
    if "EF_EL" in dispatch:
        ef = _convert(dispatch["EF_EL"], "t/MWh", "EF_EL")
        if ef.dims != ("plant",):
            raise ParameterError("'EF_EL' must have the dimension ('plant',)", variable="EF_EL")
        EF = np.asarray(ef.values, dtype=float)
    else:
        EF = np.full(n_plants, np.nan)
    fixed = order.ndim == 1
    fuel_em = None
    if "FC" in dispatch:
        fuel_em = _hourly_fuel_emissions(dispatch, labels, position, wanted)
        fuel_em = fuel_em[order] if fixed else np.take_along_axis(fuel_em, order, axis=0)
    EF_stacked = EF[order]  # (plant,) for a fixed merit order, else (plant, hour)
    no_ef = np.isnan(EF_stacked)
    if fuel_em is None and not no_ef.any():
        if fixed:
            return EF_stacked @ EG_top  # eq. (14) numerator, one matrix-vector product
        return np.einsum("nh,nh->h", EF_stacked, EG_top)
    annual = EG_top * (EF_stacked[:, None] if fixed else EF_stacked)
    emissions = annual if fuel_em is None else np.where(np.isnan(fuel_em), annual, fuel_em)
    missing = top & np.isnan(emissions)
    if missing.any():
        i, h = np.argwhere(missing)[0]
        n = int(order[i]) if fixed else int(order[i, h])
        raise ParameterError(
            "a unit in the top of the dispatch has neither an emission factor EF_EL nor "
            "hourly fuel data",
            variable="EF_EL",
            where=f"plant {labels[n]!r}, hour {_fmt(wanted[h])}",
            rule=_rule("paras 65-67: EF_EL,n,y by options A1, A2 or A3"),
        )
    return emissions.sum(axis=0, where=top)


def _hourly_fuel_emissions(
    ds: xr.Dataset, labels: np.ndarray, position: np.ndarray, wanted: np.ndarray
) -> np.ndarray:
    """FC_n,h x NCV x EF_CO2 of each unit's fuel type (plant, hour) [t]; NaN: no data."""
    if set(ds["FC"].dims) != {"plant", "hour"}:
        raise ParameterError(
            f"hourly 'FC' must have the dimensions (plant, hour), not {ds['FC'].dims}: "
            "one fuel per unit, its fuel_type",
            variable="FC",
            rule=_rule("eq. (13)"),
        )
    for name in ("NCV", "EF_CO2"):
        if name not in ds or ds[name].dims != ("fuel",):
            raise ParameterError(
                f"hourly fuel data need {name!r} over the dimension 'fuel'",
                variable=name,
                rule=_rule("eq. (13): NCV_i,y and EF_CO2,i,y of the year y"),
            )
    ef_co2 = _convert(ds["EF_CO2"], "t/GJ", "EF_CO2")
    ft = _fuel_types(ds)
    fuels = np.asarray(ds["fuel"].values).astype(str)
    known = np.isin(ft.values, fuels)
    fc = np.asarray(ds["FC"].transpose("plant", "hour").values, dtype=float)[:, position]
    if (fc < 0).any():
        n, h = np.argwhere(fc < 0)[0]
        raise MonitoringDataError(
            f"hourly fuel consumption is negative ({fc[n, h]})",
            variable="FC",
            where=f"plant {labels[n]!r}, hour {_fmt(wanted[h])}",
            rule=_rule("Data/Parameter table 1: FC_i,n,h"),
        )
    has = ~np.isnan(fc).all(axis=1)
    unknown = has & ~known
    if unknown.any():
        n = int(np.flatnonzero(unknown)[0])
        raise ParameterError(
            f"hourly fuel is given for fuel type {ft.values[n]!r}, which has no NCV and "
            "EF_CO2 in the fuel table",
            variable="FC",
            where=f"plant {labels[n]!r}",
            rule=_rule("eq. (13)"),
        )
    per_unit = np.zeros(fc.shape[0])
    if known.any():
        sel = ft.values[known]
        per_unit[known] = (ds["NCV"].sel(fuel=sel).values * ef_co2.sel(fuel=sel).values).astype(
            float
        )
    return fc * per_unit[:, None]  # eq. (13) numerator, by unit and hour


# --------------------------------------------------------------------------------------
# Step 5: build margin


def _as_date(value: Any, name: str) -> dt.date:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} {value!r} is not a date", variable=name) from None
    if pd.isna(ts):
        raise ParameterError(f"{name} is missing", variable=name)
    return ts.date()


def _take_groups(
    dates: np.ndarray, weights: np.ndarray, candidates: np.ndarray, *, below: float, count: bool
) -> np.ndarray:
    """Candidates taken most recent first, units of one date together, while the total
    (of generation, or of units if ``count``) of those taken before stays below ``below``.

    Returns a boolean mask over all plants.
    """
    idx = np.flatnonzero(candidates)
    out = np.zeros(dates.size, dtype=bool)
    if idx.size == 0:
        return out
    days = dates[idx].astype("datetime64[D]").astype(np.int64)
    order = np.argsort(-days, kind="stable")
    d = days[order]
    w = np.ones(idx.size) if count else weights[idx][order]
    new = np.r_[True, d[1:] != d[:-1]]
    group = np.cumsum(new) - 1
    group_total = np.bincount(group, weights=w)
    before = np.cumsum(group_total) - group_total
    out[idx[order]] = (before < below)[group]
    return out


def _ordered(labels: np.ndarray, dates: np.ndarray, mask: np.ndarray) -> tuple[str, ...]:
    idx = np.flatnonzero(mask)
    keys = (labels[idx].astype(str), -dates[idx].astype("datetime64[D]").astype(np.int64))
    order = np.lexsort(keys)
    return tuple(str(s) for s in labels[idx][order])


def build_margin_sample(
    plants: xr.Dataset,
    *,
    reference_date: Any,
    year: int | None = None,
    built_by: Any = None,
) -> BuildMarginSample:
    """The sample group of power units m of the build margin (para. 75).

    Parameters
    ----------
    plants
        Annual plant data with ``EG``, ``commissioning`` (date each unit started to
        supply electricity to the grid) and ``cdm`` (registered as a CDM project activity).
    reference_date
        The date from which "more than 10 years ago" is counted (the date of CDM-PDD
        submission to the DOE for the ex-ante option 1, of the update for option 2,
        para. 72): a date, ``datetime64`` or ISO string. [-]
    year
        The most recent year for which generation data are available, y (default: the last
        year of the data, para. 77). [-]
    built_by
        Units that started to supply electricity after this date are left out (para.
        72(b): units "built up to the year of registration"); default: 31 December of
        ``year`` (a unit with no generation data in y cannot enter eq. (15)). [-]

    Returns
    -------
    BuildMarginSample
        The set chosen and the figures that chose it.

    Notes
    -----
    Para. 75: (a) SET_5-units, the five units that started to supply electricity most
    recently, CDM units excluded; (b) SET_>=20%, the most recent units, CDM units
    excluded, that comprise 20 % of AEG_total (the system's generation without CDM units),
    the unit on which 20 % falls fully included; (c) SET_sample, the one of the two with
    the larger generation; if none of its units started more than 10 years before
    ``reference_date``, it is the sample. Otherwise (d) drop those older units and add
    units registered as CDM project activities, most recent first, until the set
    comprises 20 % of AEG_total "to the extent possible" (SET_sample-CDM); if it reaches
    0.2 x AEG_total it is the sample; otherwise (e)-(f) add the units older than 10
    years, most recent first, until it does (SET_sample-CDM->10yrs). Imports are not
    units of the project electricity system (para. 24) and are left out. Retrofit
    capacity is not a new unit (para. 74): ``commissioning`` must be the unit's own date.

    Where the text leaves it open (module notes): units with the same commissioning date
    are taken together (a set may then hold more than five units, or go on past 20 %); if
    SET_5-units and SET_>=20% have the same generation (one contains the other, the
    difference generating nothing) the smaller is taken; "more than 10 years ago" is
    strictly before the same calendar day ten years before ``reference_date``; in (d)
    the CDM units added are those not older than 10 years, and in (e) all units older
    than 10 years (CDM or not) are added, most recent first.

    Raises
    ------
    BuildMarginSampleError
        Fewer than five units not registered under the CDM (SET_5-units cannot be
        formed), no generation without CDM units, a missing commissioning date or CDM
        flag (names the plant and the rule; para. 84 then allows the simplified CM).

    Examples
    --------
    >>> s = build_margin_sample(example_plants(), reference_date="2024-06-30")
    >>> s.name, s.plants, s.AEG_sample
    ('SET_5-units', ('P8', 'P7', 'P4', 'P3', 'P2'), 1250000.0)
    """
    _check_plants(plants, "plants")
    available = [int(y) for y in np.asarray(plants["year"].values)] if "year" in plants.dims else []
    if not available:
        raise ParameterError("plant data have no 'year' dimension", variable="year")
    y = int(year) if year is not None else max(available)
    ds = _annual(plants, [y])
    labels = _labels(ds)
    ref = _as_date(reference_date, "reference_date")
    cutoff_ts = pd.Timestamp(ref) - pd.DateOffset(years=10)
    cutoff = np.datetime64(cutoff_ts.date(), "D")
    last = np.datetime64(
        _as_date(built_by, "built_by") if built_by is not None else dt.date(y, 12, 31), "D"
    )
    for name, rule in (
        ("commissioning", "para. 75 and Table 2: date of commissioning of power units"),
        ("cdm", "para. 75(a)-(b): units registered as CDM project activities are excluded"),
    ):
        if name not in ds:
            raise BuildMarginSampleError(
                f"the build margin needs {name!r} for every unit",
                variable=name,
                rule=_rule(rule),
            )
    is_import = np.asarray((ds["fuel_type"] == IMPORT).values)
    raw_dates = pd.to_datetime(np.asarray(ds["commissioning"].values), errors="coerce")
    no_date = np.asarray(raw_dates.isna()) & ~is_import
    if no_date.any():
        raise BuildMarginSampleError(
            "commissioning date is missing",
            variable="commissioning",
            where=f"plant {labels[np.flatnonzero(no_date)[0]]!r}",
            rule=_rule("para. 75: the date each unit started to supply electricity to the grid"),
        )
    dates = np.asarray(raw_dates.values).astype("datetime64[D]")
    cdm_raw = np.asarray(ds["cdm"].values)
    if cdm_raw.dtype != bool:
        if pd.isna(cdm_raw).any():
            raise BuildMarginSampleError(
                "CDM registration flag is missing",
                variable="cdm",
                where=f"plant {labels[np.flatnonzero(pd.isna(cdm_raw))[0]]!r}",
                rule=_rule("para. 75(a)"),
            )
        cdm_raw = cdm_raw.astype(bool)
    cdm = cdm_raw
    later = ~is_import & (dates > last)
    eligible = ~is_import & ~later
    gen = np.asarray(ds["EG"].sel(year=y).values, dtype=float)
    non_cdm = eligible & ~cdm
    n_non_cdm = int(non_cdm.sum())
    why = "para. 84 allows the simplified CM when the data of Step 5 cannot be met"
    if n_non_cdm < 5:
        raise BuildMarginSampleError(
            f"SET_5-units cannot be formed: {n_non_cdm} unit(s) not registered as CDM project "
            f"activities supplied the grid by {last} ({why})",
            variable="commissioning",
            where=f"year {y}",
            rule=_rule("para. 75(a): the set of five power units, excluding CDM units"),
        )
    AEG_total = float(gen[non_cdm].sum())
    if AEG_total <= 0:
        raise BuildMarginSampleError(
            f"units not registered under the CDM generated nothing in {y}: 20 % of AEG_total "
            f"is undefined ({why})",
            variable="EG",
            where=f"year {y}",
            rule=_rule("para. 75(b)"),
        )
    target = 0.2 * AEG_total
    set5 = _take_groups(dates, gen, non_cdm, below=5, count=True)
    set20 = _take_groups(dates, gen, non_cdm, below=target, count=False)
    aeg5, aeg20 = float(gen[set5].sum()), float(gen[set20].sum())
    if aeg5 > aeg20 or (aeg5 == aeg20 and set5.sum() <= set20.sum()):
        sample, name = set5, "SET_5-units"
    else:
        sample, name = set20, "SET_>=20%"
    old = dates < cutoff
    old_in_sample = sample & old
    if old_in_sample.any():
        base = sample & ~old  # (d): exclude units older than 10 years
        room = target - float(gen[base].sum())
        cdm_new = eligible & cdm & ~old
        added = _take_groups(dates, gen, cdm_new, below=room, count=False)
        sample = base | added
        aeg = float(gen[sample].sum())
        name = "SET_sample-CDM"
        if aeg < target:  # (e): add units older than 10 years
            more = _take_groups(
                dates, gen, eligible & old & ~sample, below=target - aeg, count=False
            )
            sample = sample | more
            name = "SET_sample-CDM->10yrs"
    return BuildMarginSample(
        name=name,
        plants=_ordered(labels, dates, sample),
        year=y,
        AEG_total=AEG_total,
        AEG_SET_5_units=aeg5,
        AEG_SET_20_percent=aeg20,
        AEG_sample=float(gen[sample].sum()),
        SET_5_units=_ordered(labels, dates, set5),
        SET_20_percent=_ordered(labels, dates, set20),
        older_than_10_years=_ordered(labels, dates, old_in_sample),
        reference_date=ref,
        cutoff=cutoff_ts.date(),
        excluded=tuple(str(s) for s in labels[is_import | later]),
    )


@equation(
    DOC,
    VERSION,
    "eq. (15)",
    returns=("EF_grid_BM_y", "t/MWh"),
    text="EF_grid,BM,y = sum_m(EG_m,y x EF_EL,m,y) / sum_m(EG_m,y)",
)
def build_margin_factor(EG_m_y: Any, EF_EL_m_y: Any) -> Any:
    """Generation-weighted average emission factor of the build margin units m.

    Parameters
    ----------
    EG_m_y
        Net generation of each unit of the sample group in year y, over ``plant``. [MWh]
    EF_EL_m_y
        Emission factor of each unit (options A1/A2/A3, para. 78). [t/MWh]

    Returns
    -------
    EF_grid_BM_y [t/MWh].

    Notes
    -----
    TOOL07 v07.0 para. 77, eq. (15).

    Examples
    --------
    >>> eg = xr.DataArray([200.0, 800.0], dims="plant")
    >>> round(float(build_margin_factor(eg, xr.DataArray([0.4032, 0.35], dims="plant"))), 6)
    0.36064
    """
    return (EG_m_y * EF_EL_m_y).sum("plant", skipna=False) / EG_m_y.sum("plant", skipna=False)


def build_margin(
    plants: xr.Dataset,
    *,
    reference_date: Any,
    year: int | None = None,
    built_by: Any = None,
) -> BuildMargin:
    """Build margin emission factor from plant data (Step 5, eq. (15)).

    Parameters
    ----------
    plants
        Annual plant data (module docstring) with ``commissioning`` and ``cdm``.
    reference_date, year, built_by
        As in :func:`build_margin_sample`. [-]

    Returns
    -------
    BuildMargin
        ``EF_grid_BM_y`` [t/MWh], the sample and each unit's EF_EL.

    Notes
    -----
    Para. 77, eq. (15) over the sample group of para. 75 (:func:`build_margin_sample`),
    with EF_EL,m,y of options A1, A2 or A3 for the year y (para. 78). If the sample is
    SET_sample-CDM->10yrs, "only Option A2 ... can be used" and the TOOL09 Table 2 default
    efficiencies are used for the units older than 10 years (para. 79): ``eta_TOOL09``
    must be given for them, ``eta`` for the others (units without fuel: EF_EL = 0). The
    vintage (ex ante, option 1; ex post, option 2; para. 72) is the choice of ``year``,
    ``built_by`` and ``reference_date``.

    Raises
    ------
    BuildMarginSampleError
        The sample cannot be formed, or para. 79 needs an efficiency that is not given.

    Examples
    --------
    >>> bm = build_margin(example_plants(), reference_date="2024-06-30")
    >>> round(bm.EF_grid_BM_y, 6), bm.sample.name
    (0.360512, 'SET_5-units')
    """
    sample = build_margin_sample(
        plants, reference_date=reference_date, year=year, built_by=built_by
    )
    ds = _annual(plants, [sample.year]).sel(plant=list(sample.plants))
    if sample.name == "SET_sample-CDM->10yrs":
        started = pd.to_datetime(np.asarray(ds["commissioning"].values))
        old = xr.DataArray(
            np.asarray(started < pd.Timestamp(sample.cutoff)),
            dims="plant",
            coords={"plant": ds["plant"]},
        )
        eta_new = ds["eta"] if "eta" in ds else xr.full_like(old, np.nan, dtype=float)
        eta_new = eta_new.broadcast_like(ds["EG"])
        if "eta_TOOL09" in ds:
            eta_old = ds["eta_TOOL09"].broadcast_like(ds["EG"])
        else:
            eta_old = xr.full_like(eta_new, np.nan)
        no_fuel = ds["fuel_type"].isin(list(NO_FUEL))
        need = old & eta_old.isnull().any("year") & ~no_fuel
        if bool(need.any()):
            raise BuildMarginSampleError(
                "the sample is SET_sample-CDM->10yrs and this unit started more than 10 years "
                "ago: its TOOL09 default efficiency 'eta_TOOL09' is needed",
                variable="eta_TOOL09",
                where=_loc(_first(need)),
                rule=_rule("para. 79: option A2 with TOOL09 Table 2 default efficiencies"),
            )
        eta = xr.where(old, eta_old, eta_new)
        force = xr.ones_like(old, dtype=bool)
        ef = _emission_factors(ds, force_a2=force, eta=eta)
    else:
        ef = _emission_factors(ds)
    EF = ef["EF_EL"].sel(year=sample.year)
    EF = EF.assign_coords(option=("plant", ef["option"].sel(year=sample.year).values))
    EG = ds["EG"].sel(year=sample.year)
    value = float(build_margin_factor(EG, EF))
    return BuildMargin(
        EF_grid_BM_y=value,
        sample=sample,
        EF_EL=EF.drop_vars("year").assign_attrs(units="t/MWh"),
        reference=f"{DOC} v{VERSION} eq. (15)",
    )


# --------------------------------------------------------------------------------------
# Step 1 imports and Step 6 combined margin


def import_emission_factor(
    option: Literal["zero", "simple_om", "simple_adjusted_om", "average_om"],
    *,
    EF_OM_exporting: OperatingMargin | float | None = None,
    annex_I: bool = False,
) -> float:
    """CO2 emission factor of net electricity imports from a connected system.

    Parameters
    ----------
    option
        Para. 25: ``"zero"`` (a), ``"simple_om"`` (b), ``"simple_adjusted_om"`` (c) or
        ``"average_om"`` (d) of the exporting grid. [-]
    EF_OM_exporting
        The exporting grid's operating margin by that method: an
        :class:`OperatingMargin` of this module (its method is checked) or a number.
        [t/MWh]
    annex_I
        The connected (exporting) system lies partially or totally in an Annex I country.
        [-]

    Returns
    -------
    float
        The emission factor of the imports for the OM. [t/MWh]

    Notes
    -----
    Paras 16 and 26: imports from a system in an Annex I country have 0 t CO2/MWh. Para.
    25 (a)-(d); option (b) only "if the conditions for this method, as described in Step
    3, apply to the exporting grid": :func:`simple_om` on the exporting grid's data
    checks them (a bare number cannot be checked). Put the value in ``EF_import`` of the
    import row (para. 10(j): imports are one LCMR plant).

    Examples
    --------
    >>> import_emission_factor("zero")
    0.0
    >>> import_emission_factor("average_om", EF_OM_exporting=0.62)
    0.62
    >>> import_emission_factor("average_om", EF_OM_exporting=0.62, annex_I=True)
    0.0
    """
    methods = {
        "simple_om": ("simple", "simple_option_B"),
        "simple_adjusted_om": ("simple_adjusted",),
        "average_om": ("average", "average_option_B"),
    }
    if option != "zero" and option not in methods:
        raise ParameterError(
            f"option {option!r} is not one of 'zero', {', '.join(map(repr, methods))}",
            variable="option",
            rule=_rule("para. 25"),
        )
    if annex_I or option == "zero":
        return 0.0
    if EF_OM_exporting is None:
        raise ParameterError(
            f"option {option!r} needs the exporting grid's operating margin",
            variable="EF_OM_exporting",
            rule=_rule("para. 25(b)-(d)"),
        )
    if isinstance(EF_OM_exporting, OperatingMargin):
        if EF_OM_exporting.method not in methods[option]:
            raise ParameterError(
                f"the exporting grid's OM is a {EF_OM_exporting.method} OM, not {option}",
                variable="EF_OM_exporting",
                rule=_rule("para. 25(b)-(d)"),
            )
        value = EF_OM_exporting.EF_grid_OM_y
    else:
        value = float(EF_OM_exporting)
    if not np.isfinite(value) or value < 0:
        raise ParameterError(
            f"the exporting grid's OM {value!r} is not a non-negative number",
            variable="EF_OM_exporting",
            rule=_rule("para. 25"),
        )
    return value


def weighted_average_cm(
    om: OperatingMargin | float,
    bm: BuildMargin | float,
    *,
    technology: str,
    crediting_period: int,
) -> CombinedMargin:
    """Weighted average combined margin with the default weights (eq. (16), para. 86).

    Parameters
    ----------
    om
        Operating margin (an :class:`OperatingMargin` or a number). [t/MWh]
    bm
        Build margin (a :class:`BuildMargin` or a number). [t/MWh]
    technology
        Project technology (``"wind"``, ``"solar"``, ``"hydro"``...). [-]
    crediting_period
        1, 2 or 3. [-]

    Returns
    -------
    CombinedMargin
        ``EF_grid_CM_y`` [t/MWh] with the weights used.

    Notes
    -----
    Para. 85, eq. (16), through
    :func:`~reductions.tools.grid_emission_factor.combined_margin`; weights of para. 86
    through :func:`~reductions.tools.grid_emission_factor.cm_weights` (wind and solar
    0.75/0.25 in every crediting period; all other projects 0.5/0.5 in the first,
    0.25/0.75 in the second and third). The result lies between OM and BM. Alternative
    weights (para. 87) go to ``combined_margin`` directly.

    Examples
    --------
    >>> cm = weighted_average_cm(0.4620, 0.3456, technology="wind", crediting_period=1)
    >>> round(cm.EF_grid_CM_y, 4), cm.w_OM, cm.w_BM
    (0.4329, 0.75, 0.25)
    """
    om_value = om.EF_grid_OM_y if isinstance(om, OperatingMargin) else float(om)
    bm_value = bm.EF_grid_BM_y if isinstance(bm, BuildMargin) else float(bm)
    w = cm_weights(technology, crediting_period)
    return CombinedMargin(
        EF_grid_CM_y=float(combined_margin(om_value, bm_value, w.w_OM, w.w_BM)),
        EF_grid_OM_y=om_value,
        EF_grid_BM_y=bm_value,
        w_OM=w.w_OM,
        w_BM=w.w_BM,
        source=w.source,
        reference=f"{DOC} v{VERSION} eq. (16), para. 86",
    )


# --------------------------------------------------------------------------------------
# Illustrative data (docstring examples, tests)


def example_plants() -> xr.Dataset:
    """An illustrative system of ten units over 2019-2023 (the docstring examples' data).

    Returns
    -------
    xarray.Dataset
        Plant data in the layout of the module docstring: EG [MWh], fuel_type, FC [t],
        NCV [GJ/t], EF_CO2 [t/GJ], eta [-], lcmr, cdm, commissioning, EF_import [t/MWh].

    Notes
    -----
    Synthetic, round numbers (not a real grid): P1 coal (A1, 0.9 t/MWh), P2 gas CCGT (A1,
    0.35), P3 oil (A2, eta 0.30: 0.9), P4 diesel (A3: 0), P5 hydro, P6 wind (CDM), P7
    solar, P8 gas (A2, eta 0.50: 0.4032), P9 import (0.5, para. 25), P10 coal CHP
    demonstrated must-run (A1, 0.99). The hand calculations are in
    ``tests/test_tool07_plants.py``.

    Examples
    --------
    >>> example_plants().sizes["plant"]
    10
    """
    years = list(range(2019, 2024))
    gwh = {  # net generation [GWh] 2019..2023
        "P1": [1000, 1000, 1000, 1000, 1000],
        "P2": [800, 800, 800, 800, 800],
        "P3": [100, 100, 100, 100, 100],
        "P4": [0, 0, 50, 50, 50],
        "P5": [900, 700, 600, 500, 600],
        "P6": [0, 75, 150, 150, 150],
        "P7": [0, 0, 0, 60, 100],
        "P8": [0, 0, 0, 0, 200],
        "P9": [100, 100, 100, 100, 100],
        "P10": [100, 100, 100, 100, 100],
    }
    plants = list(gwh)
    nan = np.nan
    fc = np.full((10, 3, 5), nan)  # plant, fuel (coal, natural_gas, oil), year [t]
    fc[0, 0, :] = 500_000.0
    fc[1, 1, :] = 100_000.0
    fc[9, 0, :] = 55_000.0
    return xr.Dataset(
        {
            "EG": (("plant", "year"), np.array(list(gwh.values()), float) * 1000.0,
                   {"units": "MWh"}),
            "fuel_type": ("plant", ["coal", "natural_gas", "oil", "oil", "hydro", "wind",
                                    "solar", "natural_gas", "import", "coal"]),
            "FC": (("plant", "fuel", "year"), fc, {"units": "t"}),
            "NCV": ("fuel", [20.0, 50.0, 40.0], {"units": "GJ/t"}),
            "EF_CO2": ("fuel", [0.09, 0.056, 0.075], {"units": "t/GJ"}),
            "eta": ("plant", [nan, nan, 0.30, nan, nan, nan, nan, 0.50, nan, nan]),
            "lcmr": ("plant", [False] * 4 + [True] * 3 + [False, True, True]),
            "cdm": ("plant", [False] * 5 + [True] + [False] * 4),
            "commissioning": ("plant", pd.to_datetime(
                ["1995-01-01", "2016-06-01", "2019-03-01", "2021-01-01", "1980-01-01",
                 "2020-07-01", "2022-05-01", "2023-02-01", "NaT", "2010-01-01"])),
            "EF_import": ("plant", [nan] * 8 + [0.5, nan], {"units": "t/MWh"}),
        },
        coords={"plant": plants, "year": years, "fuel": ["coal", "natural_gas", "oil"]},
    )  # fmt: skip


def example_load(year: int) -> xr.DataArray:
    """An illustrative hourly system load: 2000 hours at 100 MW, the others at 450 MW.

    Parameters
    ----------
    year
        Calendar year (8760 or 8784 hours). [-]

    Returns
    -------
    xarray.DataArray
        Load over ``hour`` (datetime64, hour-start labels), low hours spread over the
        year. [MW]

    Examples
    --------
    >>> load = example_load(2023)
    >>> load.sizes["hour"], float(load.sum())
    (8760, 3242000.0)
    """
    hours = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", inclusive="left")
    values = np.full(hours.size, 450.0)
    values[np.linspace(0, hours.size - 1, 2000).round().astype(int)] = 100.0
    return xr.DataArray(
        values, dims="hour", coords={"hour": hours}, name="load", attrs={"units": "MW"}
    )

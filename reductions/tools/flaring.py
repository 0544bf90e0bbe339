"""CDM TOOL06 v04.0: project emissions from flaring, minute by minute.

Source: CDM methodological tool TOOL06, "Project emissions from flaring", version 04.0
(EB 113, Annex 10; in force 11 March 2022, para. 5), read from the UNFCCC PDF. Every
paragraph (para.), equation (eq.), footnote and table number below is the tool's own;
symbols follow the tool (``F_CH4_RG_m`` is F\\ :sub:`CH4,RG,m`, ``eta_flare_m`` is
eta\\ :sub:`flare,m`, ``T_EG`` is T\\ :sub:`EG,m`).

What is implemented
-------------------
- Step 1 (paras 14-16): the methane fed to the flare in each minute, F_CH4,RG,m [kg],
  on a dry basis at reference conditions (para. 10(h)), from metered volume, methane
  fraction and (optionally) temperature, pressure and moisture: :func:`methane_to_flare`,
  built on :mod:`reductions.tools.gas` (see there what is TOOL06 and what is physics:
  the tool delegates Step 1 to TOOL08, which is not quoted).
- Step 2 (paras 17-38), the flare efficiency of each minute, eta_flare,m [-]:

  - open flare, para. 18: 50 % when the flame is detected, else 0 %
    (:func:`flare_efficiency_open`);
  - enclosed flare, Option A, paras 21-23 and footnote 2: 90 % when the flame is detected
    and T_EG,m and F_RG,m are within the manufacturer's specification (SPEC_flare,
    Data/Parameter table 2; :class:`FlareSpec`), else 0 %; 10 percentage points less for
    a low height flare (para. 10(f)) (:func:`flare_efficiency_enclosed`);
  - enclosed flare, Option B.1, paras 24-28, eq. (1), footnote 3, Data/Parameter table 3:
    the mean of at least two measured efficiencies less 5 percentage points, in the
    minutes meeting para. 24, else 0 (:func:`flare_efficiency_calc_y`,
    :func:`flare_efficiency_measured_b1`);
  - enclosed flare, Option B.2, paras 29-37, eqs. (2)-(14): the efficiency measured in
    each minute from the methane in the exhaust gas (:func:`flare_efficiency_calc_m`,
    :func:`flare_efficiency_measured_b2`), with F_CH4,EG,m from eq. (3)
    (:func:`methane_in_exhaust`) and V_EG,m either given or from the stoichiometry of
    eqs. (4)-(14) (:func:`exhaust_volume` ... :func:`o2_stoichiometric`, composed in
    :func:`methane_in_exhaust_from_composition`); Option A as the backup of para. 20 for
    minutes with missing B.2 data, when chosen;
  - low height enclosed flares under Option B, para. 38: 10 percentage points less.
- Step 3 (para. 39, eq. (15)): PE_flare,y [t CO2e], and the same per minute
  (:func:`project_emissions_flaring`, :func:`project_emissions_flaring_m`).

Not implemented
---------------
- TOOL08 (Step 1, para. 14): the methane mass flow comes from :mod:`reductions.tools.gas`
  (ideal gas law and TOOL06's own constants), not from TOOL08's equations.
- The maintenance schedule of Option B (Data/Parameter tables 2(c) and 11): the tool asks
  for the dates to be compared with the manufacturer's maximum interval but states no
  consequence for eta_flare,m; :class:`FlareSpec` records the interval, nothing checks it.
- The applicability conditions (paras 3-4: methane the main component, no auxiliary fuel)
  and the choice of option documented in the CDM-PDD (paras 19-20): the caller's.
- The measurement standard of F_CH4,EG,t (para. 28, Data/Parameter table 3): the values
  are taken as measured.
- Residual gas components H2S and NH3 (eq. (7)): Table 1 gives no molecular mass for
  them (see :mod:`reductions.tools.gas`).

Module notes: where the text leaves room, and what is done
-----------------------------------------------------------
- Missing data in Step 2 (flame, T_EG,m, F_RG,m). Paras 21-22 and 24-25 grant the
  efficiency only "when the following two conditions are met to demonstrate that the
  flare is operating", "otherwise eta_flare,m is 0%": a minute whose flame, temperature or
  flow reading is missing (NaN) does not demonstrate the conditions and gets 0. Table 10
  likewise records a minute without detected flame as "flame off".
- Missing data in Option B.2 (F_CH4,EG,m or F_CH4,RG,m) in a minute that meets para. 24:
  para. 20 allows Option A as the backup when the CDM-PDD says so
  (``backup_option_a=True``); otherwise the tool gives no rule and it is an error naming
  the minute.
- Missing data in Step 1 and Step 3 (F_CH4,RG,m): TOOL06 gives no rule (Step 1 is
  TOOL08's): an error naming the minute. A missing minute in a series on a datetime axis
  (a step above one minute, para. 41: "one minute or a smaller discrete time interval")
  is an error naming the first missing minute. Fill gaps under the methodology's rule
  before Step 3.
- "Within the manufacturer's operating specification" (paras 21(a), 24(a)) is read with
  the bounds included: T_min <= T_EG,m <= T_max and F_min <= F_RG,m <= F_max.
- Eq. (1) and the low height adjustment (paras 23, 38) subtract percentage points; the
  text does not say what happens below zero. A negative efficiency would have the flare
  emit more methane than it is fed; 0 is used (the tool's own value for a flare that is
  not operating, paras 22, 25).
- Para. 38 stands after Step 2.4 (Option B.2) but speaks of "the measured value" of any
  low height enclosed flare under Option B: it is applied to B.1 and B.2 alike.
- Eq. (2) in a minute with F_CH4,RG,m = 0 is 0/0; no methane is fed, so the minute adds
  nothing to eq. (15) whatever its efficiency: 0 is used. A minute meeting para. 24 in
  which F_CH4,EG,m > F_CH4,RG,m (an efficiency below 0) is a measurement error.
- Para. 27 "two-time periods ... separated by at least six months": the first and last
  measurement start at least six calendar months apart; with footnote 3 (a monitoring
  period shorter than one year), consecutive measurements start at most six calendar
  months apart. Each lasts at least one hour (para. 27; Data/Parameter table 3).
- Table 1 lists both VM_ref = 22.4 and MV_n = 22.414 m3/kmol: eqs. (9)-(11) name VM_ref,
  22.4 is used. Table 1 prints R_u = 0.008314472 with the unit Pa.m3/kmol.K, a
  millionfold off; see :data:`reductions.tools.gas.R_U`.
- Eq. (7) defines v_i,RG,m "in the hour h"; everything else in Step 2 is per minute: the
  fractions of the minute are used.
- Data guards: the exhaust temperature outside SPEC_flare sets the efficiency to 0 (the
  tool's rule); above :data:`T_EG_MAX` (2000 degC) or at or below absolute zero it is an
  error naming the minute (see :data:`T_EG_MAX`). Series of one calculation must share
  their coordinates: a time present in one and not another is an error naming the first
  such time (para. 41: "All monitored data must be linked in time").

Units: T_EG,m and SPEC_flare temperatures in degC (Data/Parameter tables 2 and 4), flows in
the unit the manufacturer's specification states (``FlareSpec.F_unit``, m3/h by default;
Data/Parameter tables 2 and 6), masses in kg per minute, PE in t CO2e. A DataArray's
``attrs["units"]`` is converted (pint, :mod:`reductions.units`); otherwise the documented
unit is assumed. Inputs are numpy arrays or :class:`xarray.DataArray` over minutes (and any
other dimension, e.g. ``flare``); everything is vectorised, no Python loop runs over time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..equation import equation
from ..errors import MonitoringDataError, ParameterError, UnitError
from ..units import convert, parse_unit
from . import gas
from .gas import (
    AM,
    RHO_CH4_REF,
    TOOL06,
    V_O2_AIR,
    VM_REF,
    Array,
    ArrayLike,
    _convert,
    _data,
    _declared,
    _extremes,
    _floats,
    _fmt,
    _like,
    _locate,
    _refuse,
    _values,
    _where,
)

__all__ = [
    "B1_UNCERTAINTY",
    "ETA_ENCLOSED_DEFAULT",
    "ETA_OPEN_DEFAULT",
    "GWP_CH4_TOOL06",
    "LOW_HEIGHT_ADJUSTMENT",
    "T_EG_MAX",
    "FlareMeasurement",
    "FlareSpec",
    "co2_volume_per_kg",
    "exhaust_volume",
    "exhaust_volume_per_kg",
    "flare_efficiency_calc_m",
    "flare_efficiency_calc_y",
    "flare_efficiency_enclosed",
    "flare_efficiency_measured_b1",
    "flare_efficiency_measured_b2",
    "flare_efficiency_open",
    "flare_operating",
    "methane_in_exhaust",
    "methane_in_exhaust_from_composition",
    "methane_to_flare",
    "n2_volume_per_kg",
    "o2_moles_in_exhaust",
    "o2_stoichiometric",
    "o2_volume_per_kg",
    "project_emissions_flaring",
    "project_emissions_flaring_m",
]

DOC = "TOOL06"
VERSION = "04.0"

#: Open flare efficiency when the flame is detected [-]: para. 18, "50% when the flame is
#: detected in the minute m (Flame_m), otherwise eta_flare,m is 0%".
ETA_OPEN_DEFAULT = 0.50
#: Enclosed flare default efficiency, Option A [-]: para. 21, "90% when the following two
#: conditions are met"; para. 22, "Otherwise eta_flare,m is 0%".
ETA_ENCLOSED_DEFAULT = 0.90
#: Low height enclosed flares [-]: para. 23, "subtracting 10 percentile points"
#: (footnote 2: "the default value applied shall be 80%, rather than 90%"); para. 38 for
#: Option B ("if the measured value was 99%, then the value to be used shall correspond
#: to 89%").
LOW_HEIGHT_ADJUSTMENT = 0.10
#: Option B.1 uncertainty adjustment [-]: para. 27, eq. (1), "adjusted by an uncertainty
#: factor of 5 percentile points" (the "- 0.05" of eq. (1)).
B1_UNCERTAINTY = 0.05
#: GWP of methane in Data/Parameter table 1 [t CO2e/t CH4]: "Default value of 25 from
#: IPCC. Shall be updated according to any future COP/MOP decisions" (Table 1: "21 (for
#: the first commitment period)"). Not a default of any function: the caller passes the
#: GWP its methodology and project prescribe.
GWP_CH4_TOOL06 = 25.0
#: Highest physically possible flare exhaust temperature [degC]. Not a TOOL06 value: the
#: adiabatic flame temperature of a stoichiometric methane-air mixture from ambient
#: conditions is about 1950 degC, the hottest any combustion of methane in air can be;
#: a residual gas diluted with CO2 and N2, burnt with excess air, is cooler, and no
#: enclosed flare is specified anywhere near it. A reading above 2000 degC is therefore
#: an instrument or unit error (degF or K declared as degC), not a flare outside its
#: specification.
T_EG_MAX = 2000.0

_MONTHS_6 = pd.DateOffset(months=6)


def _rule(where: str) -> str:
    return f"{TOOL06} {where}"


# --------------------------------------------------------------------------------------
# Manufacturer's specification and monitored series


@dataclass(frozen=True)
class FlareSpec:
    """Manufacturer's flare operating specification, SPEC_flare (Data/Parameter table 2).

    Parameters
    ----------
    T_min, T_max
        Minimum and maximum operating temperature (table 2(b)). [``T_unit``, degC]
    F_min, F_max
        Minimum and maximum inlet flow rate (table 2(a): "if necessary converted to flow
        rate at reference conditions or heat flux"). [``F_unit``, m3/h]
    T_unit
        Unit of the temperatures (table 2: degC).
    F_unit
        Unit of the flow rates (table 2: kg/h or m3/h; ``"Nm3/h"`` for a flow at
        reference conditions).
    maintenance_interval_days
        Maximum duration between maintenance events (table 2(c)), recorded only. [day]
    source
        Where the specification comes from (the manufacturer's document).
    """

    T_min: float
    T_max: float
    F_min: float
    F_max: float
    T_unit: str = "degC"
    F_unit: str = "m3/h"
    maintenance_interval_days: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        rule = _rule("Data/Parameter table 2: SPEC_flare, minimum and maximum")
        for name in ("T_min", "T_max", "F_min", "F_max"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ParameterError(
                    f"{name} must be a finite number, not {value!r}",
                    variable=f"SPEC_flare.{name}",
                    rule=rule,
                )
        t = parse_unit(self.T_unit, variable="SPEC_flare.T_unit")
        if t.dimensionality != parse_unit("K", variable="T_unit").dimensionality:
            raise UnitError(
                f"{self.T_unit!r} is not a temperature unit",
                variable="SPEC_flare.T_unit",
                rule=rule,
            )
        parse_unit(self.F_unit, variable="SPEC_flare.F_unit")
        if self.T_min >= self.T_max:
            raise ParameterError(
                f"T_min {self.T_min} is not below T_max {self.T_max}",
                variable="SPEC_flare.T_min",
                rule=rule,
            )
        if not 0 <= self.F_min <= self.F_max:
            raise ParameterError(
                f"flow range [{self.F_min}, {self.F_max}] is not 0 <= F_min <= F_max",
                variable="SPEC_flare.F_min",
                rule=rule,
            )
        lo, hi = convert(
            np.array([self.T_min, self.T_max]), self.T_unit, "degC", variable="SPEC_flare"
        )
        if lo <= -273.15 or hi > T_EG_MAX:
            raise ParameterError(
                f"temperature range [{self.T_min}, {self.T_max}] {self.T_unit} is not "
                f"within (-273.15, {T_EG_MAX:g}] degC",
                variable="SPEC_flare.T_max" if hi > T_EG_MAX else "SPEC_flare.T_min",
                rule=f"{rule}; T_EG_MAX: no methane flame is hotter than about 1950 degC",
            )


def _mismatch(ref: pd.Index, other: pd.Index, ref_name: str, name: str, dim: str) -> str:
    a, b = set(ref), set(other)
    first = sorted(a ^ b)[0]
    has, lacks = (ref_name, name) if first in a else (name, ref_name)
    return f"{dim} {_fmt(first)} is in {has!r} but not in {lacks!r}"


def _align(**series: Any) -> dict[str, Any]:
    """The series on one set of coordinates, in the order of the first DataArray.

    Raises a :class:`MonitoringDataError` naming the first time (or row) that one series
    has and another lacks, or a duplicated time (TOOL06 para. 41: "All monitored data
    must be linked in time"). Scalars broadcast; numpy arrays of the DataArray's shape
    take its coordinates.
    """
    rule = _rule("para. 41: all monitored data must be linked in time")
    out = dict(series)
    das = {k: v for k, v in series.items() if isinstance(v, xr.DataArray) and v.ndim}
    arrays = {
        k: np.asarray(v)
        for k, v in series.items()
        if not isinstance(v, xr.DataArray) and np.ndim(v) > 0
    }
    if das:
        ref_name, ref = next(iter(das.items()))
        for name, da in das.items():
            if set(da.dims) != set(ref.dims):
                raise MonitoringDataError(
                    f"dimensions {da.dims} differ from those of {ref_name!r} {ref.dims}",
                    variable=name,
                    rule=rule,
                )
            for dim in ref.dims:
                if dim not in da.coords or dim not in ref.coords:
                    if da.sizes[dim] != ref.sizes[dim]:
                        raise MonitoringDataError(
                            f"{da.sizes[dim]} rows along {dim!r}, {ref_name!r} has "
                            f"{ref.sizes[dim]}",
                            variable=name,
                            where=f"{dim} index {min(da.sizes[dim], ref.sizes[dim])}",
                            rule=rule,
                        )
                    continue
                idx = da.indexes[dim]
                if idx.has_duplicates:
                    dup = idx[idx.duplicated()][0]
                    raise MonitoringDataError(
                        "time appears more than once",
                        variable=name,
                        where=f"{dim} {_fmt(dup)}",
                        rule=rule,
                    )
                if not idx.equals(ref.indexes[dim]) and set(idx) != set(ref.indexes[dim]):
                    raise MonitoringDataError(
                        "series are not linked in time: "
                        + _mismatch(ref.indexes[dim], idx, ref_name, name, str(dim)),
                        variable=name,
                        where=f"{dim} " + _fmt(sorted(set(idx) ^ set(ref.indexes[dim]))[0]),
                        rule=rule,
                    )
            if name != ref_name:
                da = da.transpose(*ref.dims)
                coords = {d: ref.indexes[d] for d in ref.dims if d in ref.coords and d in da.coords}
                out[name] = da.reindex(coords) if coords else da
        coords = {d: ref[d] for d in ref.dims if d in ref.coords}
        for name, arr in arrays.items():
            if arr.shape != ref.shape:
                raise MonitoringDataError(
                    f"shape {arr.shape} differs from that of {ref_name!r} {ref.shape}",
                    variable=name,
                    rule=rule,
                )
            out[name] = xr.DataArray(arr, dims=ref.dims, coords=coords)
    elif arrays:
        ref_name, ref_arr = next(iter(arrays.items()))
        for name, arr in arrays.items():
            if arr.shape != ref_arr.shape:
                n = min(len(arr), len(ref_arr))
                raise MonitoringDataError(
                    f"{len(arr)} rows, {ref_name!r} has {len(ref_arr)}",
                    variable=name,
                    where=f"row {n}",
                    rule=rule,
                )
    return out


def _check_minutes(x: Any, *, variable: str) -> None:
    """A series on a datetime axis has a value for every minute it spans (para. 41)."""
    if not isinstance(x, xr.DataArray):
        return
    for dim in x.dims:
        if dim not in x.coords or not np.issubdtype(x[dim].dtype, np.datetime64):
            continue
        t = np.sort(np.asarray(x[dim].values))
        if t.size < 2:
            continue
        step = np.diff(t)
        big = step > np.timedelta64(60, "s")
        if big.any():
            i = int(np.argmax(big))
            missing = t[i] + np.timedelta64(60, "s")
            raise MonitoringDataError(
                f"no data from {_fmt(missing)} until {_fmt(t[i + 1])}: TOOL06 gives no "
                "rule to fill a missing minute; apply the methodology's missing-data rule "
                "first",
                variable=variable,
                where=f"{dim} {_fmt(missing)}",
                rule=_rule("paras 11, 39, 41: a value for each minute m"),
            )


def _flame(flame: Any) -> Array:
    """Flame_m as booleans: True (detected), False (off, or missing: paras 21-22)."""
    rule = _rule("Data/Parameter table 10: Flame_m is 'flame on' or 'flame off'")
    da = flame if isinstance(flame, xr.DataArray) else None
    raw = np.asarray(da.values if da is not None else flame)
    if raw.dtype == bool:
        val = raw
    elif raw.dtype.kind in "OUS":
        text = np.char.lower(np.char.strip(raw.astype(str)))
        on = np.isin(text, ["on", "flame on", "true", "1", "1.0"])
        off = np.isin(text, ["off", "flame off", "false", "0", "0.0", "nan", "none", ""])
        bad = ~(on | off)
        if bad.any():
            raise MonitoringDataError(
                f"flame reading {str(raw[tuple(np.argwhere(bad)[0])])!r} is not on/off",
                variable="Flame_m",
                where=_locate(flame, bad),
                rule=rule,
            )
        val = on
    else:
        num = raw.astype(float)
        bad = ~(np.isnan(num) | (num == 0) | (num == 1))
        if bad.any():
            raise MonitoringDataError(
                f"flame reading {num[tuple(np.argwhere(bad)[0])]} is not 0 or 1",
                variable="Flame_m",
                where=_locate(flame, bad),
                rule=rule,
            )
        val = num == 1
    if da is not None:
        return da.copy(data=val)
    return val


def _exhaust_temperature(T_EG: Any, spec: FlareSpec) -> Array:
    """T_EG,m in the unit of the specification, checked against physics (NaN kept)."""
    declared = _declared(T_EG, spec.T_unit) or spec.T_unit
    raw = _floats(T_EG, "T_EG_m")
    out = _convert(raw, declared, spec.T_unit, variable="T_EG_m")
    celsius = (
        out
        if parse_unit(spec.T_unit, variable="T_unit") == parse_unit("degC", variable="T_unit")
        else _convert(raw, declared, "degC", variable="T_EG_m")
    )
    lo, hi = _extremes(celsius, True)
    if hi > T_EG_MAX or lo <= -273.15:  # find the first such minute
        _refuse(
            T_EG,
            celsius > T_EG_MAX,
            f"exhaust temperature {{value}} {declared} is above {T_EG_MAX:g} degC, hotter "
            "than any methane flame: an instrument or unit error",
            variable="T_EG_m",
            rule="T_EG_MAX: the adiabatic flame temperature of methane in air is about 1950 degC",
        )
        _refuse(
            T_EG,
            celsius <= -273.15,
            f"exhaust temperature {{value}} {declared} is at or below absolute zero",
            variable="T_EG_m",
            rule="a temperature is above 0 K",
        )
    return _like(T_EG, out, spec.T_unit)


def _flow_rate(F_RG: Any, spec: FlareSpec) -> Array:
    return gas.check_flow(
        F_RG,
        variable="F_RG_m",
        unit=_declared(F_RG, spec.F_unit),
        to=spec.F_unit,
        allow_missing=True,
    )


def flare_operating(flame: Any, T_EG: Any, F_RG: Any, *, spec: FlareSpec) -> Array:
    """Whether an enclosed flare demonstrably operates in each minute (paras 21, 24). [-]

    Parameters
    ----------
    flame
        Flame_m: flame detected in the minute (bool, 0/1, or "on"/"off"; missing = off).
    T_EG
        T_EG,m, exhaust gas temperature of the enclosed flare. [degC, or ``spec.T_unit``]
    F_RG
        F_RG,m, flow rate of the residual gas to the flare. [m3/h, or ``spec.F_unit``]
    spec
        SPEC_flare.

    Returns
    -------
    True where the flame is detected and T_EG,m and F_RG,m are within the specification
    (bounds included), False elsewhere (a missing reading: False). [-]

    Notes
    -----
    TOOL06 v04.0 para. 21 (Option A) and para. 24 (Option B): "(a) The temperature of the
    flare (T_EG,m) and the flow rate of the residual gas to the flare (F_RG,m) is within
    the manufacturer's operating specification for the flare (SPEC_flare) in the minute
    m; and (b) The flame is detected in the minute m (Flame_m)".

    Raises
    ------
    MonitoringDataError
        Misaligned series; T_EG,m above :data:`T_EG_MAX` or at absolute zero; a negative
        flow; a flame reading that is not on/off.

    Examples
    --------
    >>> spec = FlareSpec(T_min=500.0, T_max=1200.0, F_min=100.0, F_max=1000.0)
    >>> flare_operating([1, 1, 0], [800.0, 1370.0, 800.0], [500.0, 500.0, 500.0], spec=spec)
    array([ True, False, False])
    """
    s = _align(flame=flame, T_EG=T_EG, F_RG=F_RG)
    on = _flame(s["flame"])
    T = _data(_exhaust_temperature(s["T_EG"], spec))
    F = _data(_flow_rate(s["F_RG"], spec))
    ok = np.greater_equal(T, spec.T_min)  # one boolean array, combined in place
    ok &= T <= spec.T_max
    ok &= F >= spec.F_min
    ok &= F <= spec.F_max
    ok &= _data(on)
    if isinstance(on, xr.DataArray):
        out = on.copy(deep=False, data=ok)
        out.attrs = {}
        return out
    return ok


def _fraction_parameter(value: float, name: str, rule: str) -> None:
    if not (isinstance(value, int | float) and 0 <= value <= 1):
        raise ParameterError(f"{name} {value!r} is not in [0, 1]", variable=name, rule=rule)


def _as_efficiency(x: Any) -> Array:
    out = x.astype(float, copy=False)
    if isinstance(out, xr.DataArray):
        out.attrs = {"units": "1"}
    return out


def _either(on: Any, value: float) -> Array:
    """``value`` where ``on`` holds, else 0 (a DataArray stays one)."""
    if isinstance(on, xr.DataArray):
        return _where(on, value, 0.0)
    return np.where(on, value, 0.0)


def _low_height(eta: Any, low_height: bool) -> Any:
    """eta less 10 percentage points for a low height flare (paras 23, 38), floor 0."""
    if not low_height:
        return eta
    cut = eta - LOW_HEIGHT_ADJUSTMENT
    return _where(cut < 0, 0.0, cut)


# --------------------------------------------------------------------------------------
# Step 2: flare efficiency


@equation(
    DOC,
    VERSION,
    "para. 18",
    returns=("eta_flare_m", "1"),
    text="eta_flare,m = 50 % if Flame_m, else 0 %",
)
def flare_efficiency_open(flame: Any, *, default: float = ETA_OPEN_DEFAULT) -> Array:
    """Flare efficiency of an open flare in each minute. [-]

    Parameters
    ----------
    flame
        Flame_m: flame detected in the minute (bool, 0/1, or "on"/"off"; missing = off).
    default
        Efficiency when the flame is detected: para. 18, 50 %. [-]

    Returns
    -------
    eta_flare,m. [-]

    Notes
    -----
    TOOL06 v04.0 para. 18: "In the case of open flares, the flare efficiency in the
    minute m (eta_flare,m) is 50% when the flame is detected in the minute m (Flame_m),
    otherwise eta_flare,m is 0%". Para. 17: "For open flares a default value must be
    applied".

    Examples
    --------
    >>> flare_efficiency_open([True, False])
    array([0.5, 0. ])
    """
    _fraction_parameter(default, "default", _rule("para. 18: 50 %"))
    on = _flame(flame)
    return _as_efficiency(_either(on, default))


@equation(
    DOC,
    VERSION,
    "paras 21-23",
    returns=("eta_flare_m", "1"),
    text="eta_flare,m = 90 % (80 % low height) if T_EG,m and F_RG,m within SPEC_flare "
    "and Flame_m, else 0 %",
)
def flare_efficiency_enclosed(
    flame: Any,
    T_EG: Any,
    F_RG: Any,
    *,
    spec: FlareSpec,
    low_height: bool = False,
    default: float = ETA_ENCLOSED_DEFAULT,
) -> Array:
    """Flare efficiency of an enclosed flare in each minute, Option A (default value). [-]

    Parameters
    ----------
    flame
        Flame_m: flame detected in the minute (bool, 0/1, or "on"/"off"; missing = off).
    T_EG
        T_EG,m, exhaust gas temperature. [degC, or ``spec.T_unit``]
    F_RG
        F_RG,m, flow rate of the residual gas to the flare. [m3/h, or ``spec.F_unit``]
    spec
        SPEC_flare, the manufacturer's operating specification (Data/Parameter table 2).
    low_height
        A low height flare (para. 10(f): enclosure height two to ten times its diameter).
    default
        Efficiency when para. 21 is met: 90 %. [-]

    Returns
    -------
    eta_flare,m. [-]

    Notes
    -----
    TOOL06 v04.0 para. 21: eta_flare,m "is 90% when the following two conditions are met":
    T_EG,m and F_RG,m within SPEC_flare, and the flame detected (see
    :func:`flare_operating`); para. 22: "Otherwise eta_flare,m is 0%"; para. 23 and
    footnote 2: low height flares "by subtracting 10 percentile points", 80 % rather than
    90 %. A value outside the specification (e.g. an exhaust temperature of 1370 degC for
    a flare specified up to 1200 degC) gives 0 in that minute, not an error.

    Examples
    --------
    >>> spec = FlareSpec(T_min=500.0, T_max=1200.0, F_min=100.0, F_max=1000.0)
    >>> flare_efficiency_enclosed([1, 1], [800.0, 1370.0], [500.0, 500.0], spec=spec)
    array([0.9, 0. ])
    >>> flare_efficiency_enclosed([1], [800.0], [500.0], spec=spec, low_height=True)
    array([0.8])
    """
    _fraction_parameter(default, "default", _rule("para. 21: 90 %"))
    op = flare_operating(flame, T_EG, F_RG, spec=spec)
    return _as_efficiency(_low_height(_either(op, default), low_height))


@dataclass(frozen=True)
class FlareMeasurement:
    """One measurement of flare efficiency by an accredited entity (Option B.1).

    Parameters
    ----------
    start, end
        The time period t of the measurement (para. 27: at least one hour).
    F_CH4_EG_t
        Methane in the exhaust gas in the period, dry basis, reference conditions
        (Data/Parameter table 3). [kg]
    F_CH4_RG_t
        Methane in the residual gas in the period, the sum of F_CH4,RG,m over its minutes
        (para. 28). [kg]
    F_RG_mean_t, F_RG_mean_previous_6_months
        Optional: mean flow to the flare in the period and over the six months before it,
        in one unit. When both are given, Data/Parameter table 3 is checked: "The average
        flow rate to the flare during the time period t must be greater than the average
        flow rate observed for the previous six months".
    """

    start: Any
    end: Any
    F_CH4_EG_t: float
    F_CH4_RG_t: float
    F_RG_mean_t: float | None = None
    F_RG_mean_previous_6_months: float | None = None


@equation(
    DOC,
    VERSION,
    "eq. (1)",
    returns=("eta_flare_calc_y", "1"),
    text="eta_flare,calc,y = 1 - (1/n) sum_t (F_CH4,EG,t / F_CH4,RG,t) - 0.05",
)
def flare_efficiency_calc_y(F_CH4_EG_t: ArrayLike, F_CH4_RG_t: ArrayLike) -> float:
    """Flare efficiency of year y from the biannual measurements, Option B.1. [-]

    Parameters
    ----------
    F_CH4_EG_t
        Methane in the exhaust gas in each measurement period t. [kg]
    F_CH4_RG_t
        Methane in the residual gas in each measurement period t. [kg]

    Returns
    -------
    eta_flare,calc,y, at least 0 (module notes). [-]

    Notes
    -----
    .. math:: \\eta_{flare,calc,y} = 1 - \\frac{1}{n} \\sum_{t=1}^{n}
              \\frac{F_{CH4,EG,t}}{F_{CH4,RG,t}} - 0.05

    Eq. (1) of TOOL06 v04.0, para. 27: "the average of at least two measurements ...
    adjusted by an uncertainty factor of 5 percentile points".

    Raises
    ------
    ParameterError
        Fewer than two measurements (para. 27); F_CH4,RG,t not positive; F_CH4,EG,t
        negative or above F_CH4,RG,t.

    Examples
    --------
    >>> round(flare_efficiency_calc_y([1.0, 3.0], [100.0, 100.0]), 12)  # 1 - 0.02 - 0.05
    0.93
    """
    eg = np.atleast_1d(np.asarray(F_CH4_EG_t, dtype=float))
    rg = np.atleast_1d(np.asarray(F_CH4_RG_t, dtype=float))
    rule = _rule("para. 27, eq. (1)")
    if eg.shape != rg.shape or eg.ndim != 1:
        raise ParameterError(
            f"F_CH4_EG_t {eg.shape} and F_CH4_RG_t {rg.shape} must be 1-D of one length",
            variable="F_CH4_EG_t",
            rule=rule,
        )
    if eg.size < 2:
        raise ParameterError(
            f"{eg.size} measurement(s): eq. (1) needs at least two in year y",
            variable="F_CH4_EG_t",
            rule=_rule("para. 27: the average of at least two measurements"),
        )
    _refuse(
        rg,
        ~(rg > 0),
        "methane in the residual gas {value} kg is not positive",
        variable="F_CH4_RG_t",
        rule=rule,
        error=ParameterError,
    )
    _refuse(
        eg,
        ~(eg >= 0) | (eg > rg),
        "methane in the exhaust gas {value} kg is negative, missing or above that fed",
        variable="F_CH4_EG_t",
        rule=rule,
        error=ParameterError,
    )
    eta = 1.0 - float(np.mean(eg / rg)) - B1_UNCERTAINTY
    return max(eta, 0.0)


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{value!r} is not a time ({exc})", variable=name) from None
    if ts is pd.NaT:
        raise ParameterError("time is missing", variable=name)
    return ts


def _check_measurements(measurements: Sequence[FlareMeasurement], shorter_period: bool) -> None:
    if not measurements or not all(isinstance(m, FlareMeasurement) for m in measurements):
        raise ParameterError(
            "measurements must be a sequence of FlareMeasurement",
            variable="measurements",
            rule=_rule("para. 27"),
        )
    spans = []
    for i, m in enumerate(measurements):
        start = _timestamp(m.start, f"measurements[{i}].start")
        end = _timestamp(m.end, f"measurements[{i}].end")
        if end - start < pd.Timedelta(hours=1):
            raise ParameterError(
                f"measurement period {start} to {end} is shorter than one hour",
                variable="measurements",
                where=f"measurement {i} ({start})",
                rule=_rule("para. 27 and Data/Parameter table 3: t at least one hour"),
            )
        if m.F_RG_mean_t is not None and m.F_RG_mean_previous_6_months is not None:
            if not m.F_RG_mean_t > m.F_RG_mean_previous_6_months:
                raise ParameterError(
                    f"mean flow in the period {m.F_RG_mean_t} is not greater than the mean "
                    f"of the previous six months {m.F_RG_mean_previous_6_months}",
                    variable="F_RG_mean_t",
                    where=f"measurement {i} ({start})",
                    rule=_rule("Data/Parameter table 3"),
                )
        spans.append(start)
    starts = sorted(spans)
    if shorter_period:
        for a, b in zip(starts, starts[1:], strict=False):
            if b > a + _MONTHS_6:
                raise ParameterError(
                    f"measurements starting {a} and {b} are more than six months apart",
                    variable="measurements",
                    where=f"measurement at {b}",
                    rule=_rule("footnote 3: at most six months between measurements"),
                )
    elif len(starts) >= 2 and starts[-1] < starts[0] + _MONTHS_6:
        raise ParameterError(
            f"first and last measurements ({starts[0]}, {starts[-1]}) are less than six "
            "months apart",
            variable="measurements",
            where=f"measurement at {starts[-1]}",
            rule=_rule("para. 27: the time periods are separated by at least six months"),
        )


@equation(
    DOC,
    VERSION,
    "paras 24-28, eq. (1)",
    returns=("eta_flare_m", "1"),
    text="eta_flare,m = eta_flare,calc,y (eq. (1)) if para. 24 is met, else 0 %",
)
def flare_efficiency_measured_b1(
    measurements: Sequence[FlareMeasurement],
    flame: Any,
    T_EG: Any,
    F_RG: Any,
    *,
    spec: FlareSpec,
    low_height: bool = False,
    shorter_period: bool = False,
) -> Array:
    """Flare efficiency of an enclosed flare in each minute, Option B.1. [-]

    Parameters
    ----------
    measurements
        The measurements of year y (at least two, para. 27).
    flame, T_EG, F_RG
        Flame_m, T_EG,m [degC], F_RG,m [m3/h] (as :func:`flare_operating`).
    spec
        SPEC_flare.
    low_height
        A low height flare (para. 10(f)): 10 percentage points less (para. 38).
    shorter_period
        The monitoring period is shorter than one year (footnote 3): the measurements
        are at most six months apart instead of at least six months.

    Returns
    -------
    eta_flare,m: eta_flare,calc,y of eq. (1) in the minutes meeting para. 24, else 0. [-]

    Notes
    -----
    TOOL06 v04.0 para. 24: "The flare efficiency in the minute m is a measured value
    (eta_flare,m = eta_flare,calc,m) when the following conditions are met" (those of
    :func:`flare_operating`); para. 25: "Otherwise eta_flare,m is 0%"; para. 27, eq. (1)
    (:func:`flare_efficiency_calc_y`).

    Examples
    --------
    >>> spec = FlareSpec(T_min=500.0, T_max=1200.0, F_min=100.0, F_max=1000.0)
    >>> ms = [FlareMeasurement("2024-01-10 09:00", "2024-01-10 10:00", 1.0, 100.0),
    ...       FlareMeasurement("2024-07-15 09:00", "2024-07-15 10:30", 3.0, 100.0)]
    >>> flare_efficiency_measured_b1(ms, [1, 0], [800.0, 800.0], [500.0, 500.0], spec=spec)
    array([0.93, 0.  ])
    """
    _check_measurements(measurements, shorter_period)
    eta_y = flare_efficiency_calc_y(
        [m.F_CH4_EG_t for m in measurements], [m.F_CH4_RG_t for m in measurements]
    )
    op = flare_operating(flame, T_EG, F_RG, spec=spec)
    return _as_efficiency(_low_height(_where(op, eta_y, 0.0), low_height))


@equation(
    DOC,
    VERSION,
    "eq. (2)",
    returns=("eta_flare_calc_m", "1"),
    text="eta_flare,calc,m = 1 - F_CH4,EG,m / F_CH4,RG,m",
)
def flare_efficiency_calc_m(F_CH4_EG_m: ArrayLike, F_CH4_RG_m: ArrayLike) -> Array:
    """Flare efficiency measured in the minute m, Option B.2. [-]

    Parameters
    ----------
    F_CH4_EG_m
        Methane in the exhaust gas in the minute, dry basis, reference conditions. [kg]
    F_CH4_RG_m
        Methane in the residual gas in the minute (Step 1). [kg]

    Returns
    -------
    eta_flare,calc,m; 0 where F_CH4,RG,m = 0 (module notes); NaN where an input is
    missing. [-]

    Notes
    -----
    .. math:: \\eta_{flare,calc,m} = 1 - \\frac{F_{CH4,EG,m}}{F_{CH4,RG,m}}

    Eq. (2) of TOOL06 v04.0, para. 29.

    Examples
    --------
    >>> flare_efficiency_calc_m([0.01, 0.0], [1.0, 0.0])
    array([0.99, 0.  ])
    """
    s = _align(F_CH4_EG_m=F_CH4_EG_m, F_CH4_RG_m=F_CH4_RG_m)
    eg = gas.check_flow(s["F_CH4_EG_m"], variable="F_CH4_EG_m", allow_missing=True)
    rg = gas.check_flow(s["F_CH4_RG_m"], variable="F_CH4_RG_m", allow_missing=True)
    safe = _where(rg > 0, rg, 1.0)
    eta = _where(rg == 0, 0.0, 1.0 - eg / safe)
    return _as_efficiency(_where(np.isnan(eg) | np.isnan(rg), np.nan, eta))


@equation(
    DOC,
    VERSION,
    "paras 24-25, 29, 38, eq. (2)",
    returns=("eta_flare_m", "1"),
    text="eta_flare,m = eta_flare,calc,m (eq. (2)) if para. 24 is met, else 0 %",
)
def flare_efficiency_measured_b2(
    F_CH4_EG_m: Any,
    F_CH4_RG_m: Any,
    flame: Any,
    T_EG: Any,
    F_RG: Any,
    *,
    spec: FlareSpec,
    low_height: bool = False,
    backup_option_a: bool = False,
) -> Array:
    """Flare efficiency of an enclosed flare in each minute, Option B.2. [-]

    Parameters
    ----------
    F_CH4_EG_m
        Methane in the exhaust gas in the minute (eq. (3), :func:`methane_in_exhaust` or
        :func:`methane_in_exhaust_from_composition`). [kg]
    F_CH4_RG_m
        Methane in the residual gas in the minute (Step 1, :func:`methane_to_flare`). [kg]
    flame, T_EG, F_RG
        Flame_m, T_EG,m [degC], F_RG,m [m3/h] (as :func:`flare_operating`).
    spec
        SPEC_flare.
    low_height
        A low height flare (para. 10(f)): 10 percentage points less (para. 38).
    backup_option_a
        The CDM-PDD chose Option A as the backup for missing Option B data (para. 20):
        a minute meeting para. 24 with F_CH4,EG,m or F_CH4,RG,m missing takes 90 %
        (para. 21; 80 % for a low height flare).

    Returns
    -------
    eta_flare,m. [-]

    Notes
    -----
    TOOL06 v04.0 para. 24 (measured value when the flare operates), para. 25 ("Otherwise
    eta_flare,m is 0%"), para. 29, eq. (2), para. 38 (low height), para. 20 (backup).

    Raises
    ------
    MonitoringDataError
        In a minute meeting para. 24: F_CH4,EG,m above F_CH4,RG,m (efficiency below 0);
        missing B.2 data without ``backup_option_a``. Misaligned series.

    Examples
    --------
    >>> spec = FlareSpec(T_min=500.0, T_max=1200.0, F_min=100.0, F_max=1000.0)
    >>> flare_efficiency_measured_b2([0.01, 0.01], [1.0, 1.0], [1, 0], [800.0, 800.0],
    ...                              [500.0, 500.0], spec=spec)
    array([0.99, 0.  ])
    """
    s = _align(F_CH4_EG_m=F_CH4_EG_m, F_CH4_RG_m=F_CH4_RG_m, flame=flame, T_EG=T_EG, F_RG=F_RG)
    op = flare_operating(s["flame"], s["T_EG"], s["F_RG"], spec=spec)
    calc = flare_efficiency_calc_m(s["F_CH4_EG_m"], s["F_CH4_RG_m"])
    missing = op & np.isnan(calc)
    if not backup_option_a:
        _refuse(
            calc,
            missing,
            "F_CH4,EG,m or F_CH4,RG,m is missing in a minute the flare operates: "
            "choose Option A as the backup (backup_option_a=True) or fill the data",
            variable="F_CH4_EG_m",
            rule=_rule("para. 20: Option A as a backup for missing Option B data"),
        )
    _refuse(
        s["F_CH4_EG_m"],
        op & (calc < 0),
        "methane in the exhaust gas {value} kg exceeds the methane fed to the flare "
        "(efficiency below 0): a measurement error",
        variable="F_CH4_EG_m",
        rule=_rule("eq. (2): 0 <= F_CH4,EG,m <= F_CH4,RG,m"),
    )
    measured = _where(missing, ETA_ENCLOSED_DEFAULT, calc)
    return _as_efficiency(_low_height(_where(op, measured, 0.0), low_height))


# --------------------------------------------------------------------------------------
# Option B.2, Steps 2.1-2.4: methane in the exhaust gas


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("F_CH4_EG_m", "kg"),
    text="F_CH4,EG,m = V_EG,m x fc_CH4,EG,m x 10^-6",
)
def methane_in_exhaust(V_EG_m: ArrayLike, fc_CH4_EG_m: ArrayLike) -> Array:
    """Methane in the exhaust gas of the flare in the minute m, dry basis. [kg]

    Parameters
    ----------
    V_EG_m
        Volume of the exhaust gas on a dry basis at reference conditions in the
        minute. [m3]
    fc_CH4_EG_m
        Concentration of methane in the exhaust gas, dry basis, reference conditions
        (Data/Parameter table 9; from ppmv with
        :func:`reductions.tools.gas.concentration_from_ppmv`). [mg/m3]

    Returns
    -------
    F_CH4,EG,m. [kg]

    Notes
    -----
    .. math:: F_{CH4,EG,m} = V_{EG,m} \\, fc_{CH4,EG,m} \\times 10^{-6}

    Eq. (3) of TOOL06 v04.0, para. 32 (10^-6 takes mg to kg).

    Examples
    --------
    >>> float(methane_in_exhaust(1000.0, 716.0))  # 1000 m3 at 1000 ppmv
    0.716
    """
    s = _align(V_EG_m=V_EG_m, fc_CH4_EG_m=fc_CH4_EG_m)
    v = gas.check_flow(s["V_EG_m"], variable="V_EG_m", allow_missing=True)
    fc = gas.check_flow(s["fc_CH4_EG_m"], variable="fc_CH4_EG_m", allow_missing=True)
    return v * fc * 1e-6


@equation(DOC, VERSION, "eq. (4)", returns=("V_EG_m", "m3"), text="V_EG,m = Q_EG,m x M_RG,m")
def exhaust_volume(Q_EG_m: ArrayLike, M_RG_m: ArrayLike) -> Array:
    """Volume of the exhaust gas on a dry basis at reference conditions in the minute. [m3]

    Parameters
    ----------
    Q_EG_m
        Exhaust gas volume per kg of residual gas (eq. (8)). [m3/kg]
    M_RG_m
        Mass of the residual gas in the minute (eq. (5), or measured: Data/Parameter
        table 7). [kg]

    Returns
    -------
    V_EG,m. [m3]

    Notes
    -----
    .. math:: V_{EG,m} = Q_{EG,m} \\, M_{RG,m}

    Eq. (4) of TOOL06 v04.0, para. 33.

    Examples
    --------
    >>> float(exhaust_volume(15.0, 2.0))
    30.0
    """
    out: Any = np.multiply(Q_EG_m, gas.check_flow(M_RG_m, variable="M_RG_m", allow_missing=True))
    return out


@equation(
    DOC,
    VERSION,
    "eq. (8)",
    returns=("Q_EG_m", "m3/kg"),
    text="Q_EG,m = Q_CO2,EG,m + Q_O2,EG,m + Q_N2,EG,m",
)
def exhaust_volume_per_kg(
    Q_CO2_EG_m: ArrayLike, Q_O2_EG_m: ArrayLike, Q_N2_EG_m: ArrayLike
) -> Array:
    """Dry exhaust gas volume per kg of residual gas, reference conditions. [m3/kg]

    Notes
    -----
    .. math:: Q_{EG,m} = Q_{CO2,EG,m} + Q_{O2,EG,m} + Q_{N2,EG,m}

    Eq. (8) of TOOL06 v04.0, para. 36.

    Examples
    --------
    >>> float(exhaust_volume_per_kg(1.0, 2.0, 3.0))
    6.0
    """
    out: Any = np.add(np.add(Q_CO2_EG_m, Q_O2_EG_m), Q_N2_EG_m)
    return out


@equation(
    DOC, VERSION, "eq. (9)", returns=("Q_O2_EG_m", "m3/kg"), text="Q_O2,EG,m = n_O2,EG,m x VM_ref"
)
def o2_volume_per_kg(n_O2_EG_m: ArrayLike) -> Array:
    """O2 volume in the exhaust gas per kg of residual gas. [m3/kg]

    Parameters
    ----------
    n_O2_EG_m
        O2 in the exhaust gas per kg of residual gas (eq. (12)). [kmol/kg]

    Notes
    -----
    .. math:: Q_{O2,EG,m} = n_{O2,EG,m} \\, VM_{ref}

    Eq. (9) of TOOL06 v04.0, VM_ref = 22.4 m3/kmol (Table 1).

    Examples
    --------
    >>> float(o2_volume_per_kg(0.5))
    11.2
    """
    out: Any = np.multiply(n_O2_EG_m, VM_REF)
    return out


@equation(
    DOC,
    VERSION,
    "eq. (10)",
    returns=("Q_N2_EG_m", "m3/kg"),
    text="Q_N2,EG,m = VM_ref x {MF_N,RG,m / (2 AM_N) + ((1 - v_O2,air) / v_O2,air) x "
    "[F_O2,RG,m + n_O2,EG,m]}",
)
def n2_volume_per_kg(MF_N_RG_m: ArrayLike, F_O2_RG_m: ArrayLike, n_O2_EG_m: ArrayLike) -> Array:
    """N2 volume in the exhaust gas per kg of residual gas. [m3/kg]

    Parameters
    ----------
    MF_N_RG_m
        Mass fraction of nitrogen in the residual gas (eq. (14)). [kg/kg]
    F_O2_RG_m
        Stoichiometric O2 for one kg of residual gas (eq. (13)). [kmol/kg]
    n_O2_EG_m
        O2 in the exhaust gas per kg of residual gas (eq. (12)). [kmol/kg]

    Notes
    -----
    .. math:: Q_{N2,EG,m} = VM_{ref} \\left\\{ \\frac{MF_{N,RG,m}}{2 AM_N} +
              \\frac{1 - v_{O2,air}}{v_{O2,air}} [F_{O2,RG,m} + n_{O2,EG,m}] \\right\\}

    Eq. (10) of TOOL06 v04.0; AM_N = 14.01, v_O2,air = 0.21, VM_ref = 22.4 (Table 1).

    Examples
    --------
    >>> round(float(n2_volume_per_kg(0.0, 0.1, 0.0)), 6)  # 22.4 x 0.79/0.21 x 0.1
    8.426667
    """
    air = (1 - V_O2_AIR) / V_O2_AIR
    out: Any = VM_REF * (np.divide(MF_N_RG_m, 2 * AM["N"]) + air * np.add(F_O2_RG_m, n_O2_EG_m))
    return out


@equation(
    DOC,
    VERSION,
    "eq. (11)",
    returns=("Q_CO2_EG_m", "m3/kg"),
    text="Q_CO2,EG,m = MF_C,RG,m / AM_C x VM_ref",
)
def co2_volume_per_kg(MF_C_RG_m: ArrayLike) -> Array:
    """CO2 volume in the exhaust gas per kg of residual gas. [m3/kg]

    Parameters
    ----------
    MF_C_RG_m
        Mass fraction of carbon in the residual gas (eq. (14)). [kg/kg]

    Notes
    -----
    .. math:: Q_{CO2,EG,m} = \\frac{MF_{C,RG,m}}{AM_C} VM_{ref}

    Eq. (11) of TOOL06 v04.0; AM_C = 12.00, VM_ref = 22.4 (Table 1).

    Examples
    --------
    >>> round(float(co2_volume_per_kg(0.75)), 6)
    1.4
    """
    out: Any = np.divide(MF_C_RG_m, AM["C"]) * VM_REF
    return out


@equation(
    DOC,
    VERSION,
    "eq. (12)",
    returns=("n_O2_EG_m", "kmol/kg"),
    text="n_O2,EG,m = v_O2,EG,m / (1 - v_O2,EG,m / v_O2,air) x [MF_C,RG,m / AM_C + "
    "MF_N,RG,m / (2 AM_N) + ((1 - v_O2,air) / v_O2,air) x F_O2,RG,m]",
)
def o2_moles_in_exhaust(
    v_O2_EG_m: ArrayLike, MF_C_RG_m: ArrayLike, MF_N_RG_m: ArrayLike, F_O2_RG_m: ArrayLike
) -> Array:
    """O2 in the exhaust gas per kg of residual gas flared. [kmol/kg]

    Parameters
    ----------
    v_O2_EG_m
        Volume fraction of O2 in the exhaust gas, dry basis (Data/Parameter table 8). [-]
    MF_C_RG_m, MF_N_RG_m
        Mass fractions of carbon and nitrogen in the residual gas (eq. (14)). [kg/kg]
    F_O2_RG_m
        Stoichiometric O2 for one kg of residual gas (eq. (13)). [kmol/kg]

    Notes
    -----
    .. math:: n_{O2,EG,m} = \\frac{v_{O2,EG,m}}{1 - v_{O2,EG,m}/v_{O2,air}}
              \\left[\\frac{MF_{C,RG,m}}{AM_C} + \\frac{MF_{N,RG,m}}{2 AM_N} +
              \\frac{1 - v_{O2,air}}{v_{O2,air}} F_{O2,RG,m}\\right]

    Eq. (12) of TOOL06 v04.0; v_O2,air = 0.21, AM_C, AM_N (Table 1).

    Raises
    ------
    MonitoringDataError
        v_O2,EG,m at or above v_O2,air (0.21): the exhaust cannot hold more O2 than air,
        and eq. (12) would divide by zero or turn negative.

    Examples
    --------
    >>> float(o2_moles_in_exhaust(0.0, 0.75, 0.0, 0.1))
    0.0
    """
    v = gas.check_fraction(v_O2_EG_m, variable="v_O2_EG_m", allow_missing=True)
    _refuse(
        v,
        v >= V_O2_AIR,
        "O2 fraction in the exhaust {value} is not below that of air (0.21)",
        variable="v_O2_EG_m",
        rule=_rule("eq. (12), Table 1: v_O2,EG,m < v_O2,air"),
    )
    air = (1 - V_O2_AIR) / V_O2_AIR
    bracket = (
        np.divide(MF_C_RG_m, AM["C"])
        + np.divide(MF_N_RG_m, 2 * AM["N"])
        + np.multiply(F_O2_RG_m, air)
    )
    out: Any = v / (1 - v / V_O2_AIR) * bracket
    return out


@equation(
    DOC,
    VERSION,
    "eq. (13)",
    returns=("F_O2_RG_m", "kmol/kg"),
    text="F_O2,RG,m = MF_C,RG,m / AM_C + MF_H,RG,m / (4 AM_H) - MF_O,RG,m / (2 AM_O)",
)
def o2_stoichiometric(MF_C_RG_m: ArrayLike, MF_H_RG_m: ArrayLike, MF_O_RG_m: ArrayLike) -> Array:
    """Stoichiometric O2 for the complete oxidation of one kg of residual gas. [kmol/kg]

    Parameters
    ----------
    MF_C_RG_m, MF_H_RG_m, MF_O_RG_m
        Mass fractions of carbon, hydrogen and oxygen in the residual gas (eq. (14)).
        [kg/kg]

    Notes
    -----
    .. math:: F_{O2,RG,m} = \\frac{MF_{C,RG,m}}{AM_C} + \\frac{MF_{H,RG,m}}{4 AM_H} -
              \\frac{MF_{O,RG,m}}{2 AM_O}

    Eq. (13) of TOOL06 v04.0; AM_C = 12.00, AM_H = 1.01, AM_O = 16.00 (Table 1).

    Examples
    --------
    >>> round(float(o2_stoichiometric(12.0 / 16.04, 4.04 / 16.04, 0.0)), 6)  # 2 O2 / CH4
    0.124688
    """
    out: Any = (
        np.divide(MF_C_RG_m, AM["C"])
        + np.divide(MF_H_RG_m, 4 * AM["H"])
        - np.divide(MF_O_RG_m, 2 * AM["O"])
    )
    return out


def methane_in_exhaust_from_composition(
    fc_CH4_EG_m: Any,
    v_O2_EG_m: Any,
    v_i_RG_m: Mapping[str, Any],
    *,
    V_RG_m: Any = None,
    M_RG_m: Any = None,
) -> Array:
    """Methane in the exhaust gas in the minute from the stoichiometry, Steps 2.1-2.4. [kg]

    Parameters
    ----------
    fc_CH4_EG_m
        Methane concentration in the exhaust gas, dry basis, reference conditions. [mg/m3]
    v_O2_EG_m
        O2 volume fraction in the exhaust gas, dry basis. [-]
    v_i_RG_m
        Dry volume fractions of the residual gas components (with N2, or completed by
        :func:`reductions.tools.gas.residual_gas_composition`, paras 35(b), 37(b)). [-]
    V_RG_m
        Volume of the residual gas, dry basis, reference conditions, in the minute
        (Data/Parameter table 6); used with eqs. (5)-(7) when ``M_RG_m`` is not given. [m3]
    M_RG_m
        Mass of the residual gas, dry basis, in the minute, monitored directly
        (Data/Parameter table 7; para. 34). [kg]

    Returns
    -------
    F_CH4,EG,m. [kg]

    Notes
    -----
    TOOL06 v04.0 paras 31-37: eq. (14) gives the mass fractions MF_j,RG,m, eq. (13)
    F_O2,RG,m, eq. (12) n_O2,EG,m, eqs. (9)-(11) the volumes per kg, eq. (8) Q_EG,m;
    M_RG,m is monitored or eq. (5) with eqs. (6) and (7); eq. (4) V_EG,m; eq. (3)
    F_CH4,EG,m. Each step is its own tagged function.

    Examples
    --------
    >>> round(float(methane_in_exhaust_from_composition(
    ...     716.0, 0.0, {"CH4": 1.0}, M_RG_m=1.0)), 6)  # stoichiometric CH4: 11.90 m3/kg
    0.008523
    """
    if (V_RG_m is None) == (M_RG_m is None):
        raise ParameterError(
            "give either V_RG_m (volume, eqs. (5)-(7)) or M_RG_m (mass, monitored)",
            variable="M_RG_m",
            rule=_rule("para. 34: monitor M_RG,m directly or calculate it"),
        )
    mf = gas.mass_fractions(v_i_RG_m)
    F_O2 = o2_stoichiometric(mf["C"], mf["H"], mf["O"])
    n_O2 = o2_moles_in_exhaust(v_O2_EG_m, mf["C"], mf["N"], F_O2)
    Q_EG = exhaust_volume_per_kg(
        co2_volume_per_kg(mf["C"]),
        o2_volume_per_kg(n_O2),
        n2_volume_per_kg(mf["N"], F_O2, n_O2),
    )
    if M_RG_m is None:
        rho = gas.gas_density(gas.molecular_mass(v_i_RG_m))
        M_RG_m = gas.gas_mass(rho, V_RG_m)
    return methane_in_exhaust(exhaust_volume(Q_EG, M_RG_m), fc_CH4_EG_m)


# --------------------------------------------------------------------------------------
# Step 1


@equation(
    DOC,
    VERSION,
    "paras 14-16",
    returns=("F_CH4_RG_m", "kg"),
    text="F_CH4,RG,m = V_RG,m x v_CH4,RG,m x rho_CH4,n (V_RG,m dry, at reference conditions)",
)
def methane_to_flare(
    V: Any,
    v_CH4: Any,
    *,
    T: Any = None,
    P: Any = None,
    x_H2O: Any = None,
    rho_CH4_ref: float = RHO_CH4_REF,
) -> Array:
    """Methane fed to the flare in each minute, dry basis (Step 1). [kg]

    Parameters
    ----------
    V
        Residual gas volume metered in the minute: at reference conditions (0 degC,
        101.325 kPa) when ``T`` and ``P`` are not given, else at ``T`` and ``P``. [m3]
    v_CH4
        Methane volume fraction on a dry basis (Data/Parameter table 5; convert a wet
        reading with :func:`reductions.tools.gas.dry_basis_fraction`). [m3/m3]
    T, P
        Gas temperature and absolute pressure at the meter, both or neither. [K], [Pa]
    x_H2O
        Water vapour volume fraction of the metered (wet) gas, when ``V`` is wet. [-]
    rho_CH4_ref
        Density of methane at reference conditions: Table 1, 0.716. [kg/m3]

    Returns
    -------
    F_CH4,RG,m. [kg]

    Notes
    -----
    TOOL06 v04.0 paras 14-16 (Step 1), composed from
    :func:`reductions.tools.gas.normalise_volume` (ideal gas, reference conditions of
    para. 10(h)), :func:`~reductions.tools.gas.dry_basis_volume` (physics, para. 16 asks
    for the dry basis) and :func:`~reductions.tools.gas.methane_mass` (rho_CH4,n of
    Table 1). TOOL08, to which para. 14 delegates, is not quoted.

    Examples
    --------
    >>> float(methane_to_flare(100.0, 0.5))
    35.8
    """
    if (T is None) != (P is None):
        raise ParameterError(
            "give both the temperature T and the pressure P of the metered volume, or "
            "neither (volume at reference conditions)",
            variable="T" if T is None else "P",
            rule=_rule("para. 10(h): volumes at reference conditions"),
        )
    s = _align(V=V, v_CH4=v_CH4, T=T if T is not None else 0.0, P=P if P is not None else 0.0)
    vol = s["V"]
    if T is not None:
        vol = gas.normalise_volume(vol, s["T"], s["P"])
        if isinstance(vol, xr.DataArray):
            vol.attrs = {}
    if x_H2O is not None:
        vol = gas.dry_basis_volume(vol, _align(V=vol, x_H2O=x_H2O)["x_H2O"])
    return gas.methane_mass(vol, s["v_CH4"], rho_CH4_ref)


# --------------------------------------------------------------------------------------
# Step 3


def _pe_inputs(F_CH4_RG_m: Any, eta_flare_m: Any, GWP_CH4: float) -> tuple[Any, Any]:
    if not (isinstance(GWP_CH4, int | float) and math.isfinite(GWP_CH4) and GWP_CH4 > 0):
        raise ParameterError(
            f"GWP_CH4 {GWP_CH4!r} is not a positive number",
            variable="GWP_CH4",
            rule=_rule("Data/Parameter table 1: GWP_CH4 [t CO2e/t CH4]"),
        )
    s = _align(F_CH4_RG_m=F_CH4_RG_m, eta_flare_m=eta_flare_m)
    F = gas.check_flow(
        s["F_CH4_RG_m"], variable="F_CH4_RG_m", unit=_declared(s["F_CH4_RG_m"], "kg"), to="kg"
    )
    _check_minutes(F, variable="F_CH4_RG_m")
    eta = _values(s["eta_flare_m"], variable="eta_flare_m", unit=None, to=None)
    values = _data(eta)
    lo, hi = _extremes(values, False)
    if not (lo >= 0 and hi <= 1):  # missing or out of [0, 1]: find the first minute
        _refuse(
            eta,
            np.isnan(values),
            "flare efficiency is missing: apply paras 22/25 (0 % when the flare is not "
            "demonstrably operating) with the flare_efficiency_* functions",
            variable="eta_flare_m",
            rule=_rule("paras 18, 22, 25: eta_flare,m is determined for each minute"),
        )
        _refuse(
            eta,
            (values < 0) | (values > 1),
            "flare efficiency {value} is not in [0, 1]",
            variable="eta_flare_m",
            rule=_rule("para. 11: eta_flare,m, a fraction"),
        )
    return F, eta


@equation(
    DOC,
    VERSION,
    "eq. (15)",
    returns=("PE_flare_m", "t"),
    text="PE_flare,m = GWP_CH4 x F_CH4,RG,m x (1 - eta_flare,m) x 10^-3",
)
def project_emissions_flaring_m(F_CH4_RG_m: Any, eta_flare_m: Any, GWP_CH4: float) -> Array:
    """Project emissions from flaring in each minute, the terms of eq. (15). [t CO2e]

    Parameters
    ----------
    F_CH4_RG_m
        Methane fed to the flare in the minute (Step 1). [kg]
    eta_flare_m
        Flare efficiency in the minute (Step 2). [-]
    GWP_CH4
        Global warming potential of methane (Data/Parameter table 1: 25, "Shall be updated
        according to any future COP/MOP decisions"; the project's GWP set). [t CO2e/t CH4]

    Returns
    -------
    GWP_CH4 x F_CH4,RG,m x (1 - eta_flare,m) x 10^-3 for each minute; summed over the
    minutes of year y they give PE_flare,y. [t CO2e]

    Notes
    -----
    The summand of eq. (15) of TOOL06 v04.0, para. 39, for reporting intervals shorter
    than the year (DESIGN: intervals sum exactly to the period).

    Examples
    --------
    >>> project_emissions_flaring_m([100.0, 100.0], [0.9, 0.0], 25.0)
    array([0.25, 2.5 ])
    """
    F, eta = _pe_inputs(F_CH4_RG_m, eta_flare_m, GWP_CH4)
    if isinstance(F, xr.DataArray) or isinstance(eta, xr.DataArray):
        out = GWP_CH4 * F * (1 - eta) * 1e-3
        out.attrs = {"units": "t"}
        return out
    if np.shape(F) != np.shape(eta):
        return GWP_CH4 * F * (1 - eta) * 1e-3
    # The same products in the same order, two arrays allocated instead of four.
    pe = np.multiply(GWP_CH4, F)
    pe *= np.subtract(1, eta)
    pe *= 1e-3
    return pe


@equation(
    DOC,
    VERSION,
    "eq. (15)",
    returns=("PE_flare_y", "t"),
    text="PE_flare,y = GWP_CH4 x sum_m F_CH4,RG,m x (1 - eta_flare,m) x 10^-3",
)
def project_emissions_flaring(F_CH4_RG_m: Any, eta_flare_m: Any, GWP_CH4: float) -> float:
    """Project emissions from flaring of the residual gas in the period. [t CO2e]

    Parameters
    ----------
    F_CH4_RG_m
        Methane fed to the flare in each minute m (Step 1). [kg]
    eta_flare_m
        Flare efficiency in each minute m (Step 2). [-]
    GWP_CH4
        Global warming potential of methane (Data/Parameter table 1). [t CO2e/t CH4]

    Returns
    -------
    PE_flare,y, summed over every minute (and every other dimension, e.g. flares). [t CO2e]

    Notes
    -----
    .. math:: PE_{flare,y} = GWP_{CH4} \\sum_{m=1}^{525600} F_{CH4,RG,m}
              (1 - \\eta_{flare,m}) \\times 10^{-3}

    Eq. (15) of TOOL06 v04.0, para. 39 (10^-3 takes kg to t). The sum runs over the
    minutes given: a year of 365 days has the 525 600 of the formula, a monitoring period
    its own.

    Raises
    ------
    MonitoringDataError
        F_CH4,RG,m missing or negative in a minute; a minute missing from a datetime axis;
        eta_flare,m missing or outside [0, 1]; series not linked in time.

    Examples
    --------
    >>> round(project_emissions_flaring([100.0, 100.0], [0.9, 0.0], 25.0), 12)
    2.75
    """
    per_minute = project_emissions_flaring_m(F_CH4_RG_m, eta_flare_m, GWP_CH4)
    return float(np.sum(np.asarray(per_minute, dtype=float)))

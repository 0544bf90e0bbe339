"""CDM TOOL07 v07.0 from plant data: OM (simple, simple adjusted, dispatch data, average),
BM sample group and CM, against figures derived by hand (``reductions/tools/tool07.py``).

Reference system (``_system()``; the same as ``tool07.example_plants()``), net generation
in GWh, 2019..2023, fuels coal (NCV 20 GJ/t, EF_CO2 0.09 t/GJ: 1.8 t CO2/t), natural gas
(50 GJ/t, 0.056 t/GJ: 2.8 t CO2/t), oil (40 GJ/t, 0.075 t/GJ):

====  ==========  ==========================  =============================  ==========
unit  type        EG 2019..2023 [GWh]         EF_EL [t/MWh] (option, para.)  started
====  ==========  ==========================  =============================  ==========
P1    coal        1000 each year              500 kt coal: 900 kt / 1000 GWh  1995-01-01
                                              = 0.9 (A1, eq. (4))
P2    gas CCGT    800 each year               100 kt gas: 280 kt / 800 GWh    2016-06-01
                                              = 0.35 (A1)
P3    oil         100 each year               0.075 x 3.6 / 0.30 = 0.9 (A2,   2019-03-01
                                              eq. (5))
P4    diesel      0, 0, 50, 50, 50            0 (A3, para. 50(a))             2021-01-01
P5    hydro       900, 700, 600, 500, 600     LCMR (para. 10(j)), 0           1980-01-01
P6    wind, CDM   0, 75, 150, 150, 150        LCMR, 0                         2020-07-01
P7    solar       0, 0, 0, 60, 100            LCMR, 0                         2022-05-01
P8    gas         0, 0, 0, 0, 200             0.056 x 3.6 / 0.50 = 0.4032     2023-02-01
                                              (A2)
P9    import      100 each year               0.5 (para. 25), LCMR            -
P10   coal CHP    100 each year               55 kt coal: 99 kt / 100 GWh     2010-01-01
      must-run                                = 0.99 (A1), LCMR by flag
====  ==========  ==========================  =============================  ==========

Units m (not LCMR): P1, P2, P3, P4, P8. LCMR k: P5, P6, P7, P9, P10.

Simple OM, eq. (3), in GWh and kt:

- 2021 and 2022: Sum_m EG = 1000 + 800 + 100 + 50 = 1950; emissions 900 + 280 + 90 + 0 =
  1270; OM = 1270 / 1950 = 0.651282051.
- 2023: Sum_m EG = 1950 + 200 = 2150; emissions 1270 + 200 x 0.4032 = 1350.64; OM =
  1350.64 / 2150 = 0.628204651.
- Ex ante (para. 42(a)), weights Sum_m EG: (1270 + 1270 + 1350.64) / (1950 + 1950 +
  2150) = 3890.64 / 6050 = 0.643080992.

LCMR share (para. 40(a)): LCMR and total generation by year, 2019..2023: 1100/3000,
975/2875, 950/2900, 910/2860, 1050/3200 (LCMR = P5 + P6 + P7 + P9 + P10; total adds
1900, 1900, 1950, 1950, 2150 of m) = 0.366667, 0.339130, 0.327586, 0.318182, 0.328125.
Approach 1 (eq. (1)): their mean, 1.679690 / 5 = 0.335938. Approach 2 (eq. (2)): 4985 /
14835 = 0.336030. Both below 0.5: the simple OM is allowed.

Average OM 2023 (para. 70): all units, 3200 GWh; emissions 1350.64 + 0.5 x 100 (import) +
99 (CHP) = 1499.64 kt; OM = 1499.64 / 3200 = 0.4686375.

Simple adjusted OM 2023 (eq. (10)) with the load of ``_load()``: 2000 hours at 100 MW and
6760 at 450 MW. Appendix 3: EG_Z = 100 MW x 8760 h = 876,000 MWh < Sum_k EG_k = 1,050,000
MWh; the next 1999 levels add nothing (same load); the level of rank L = 2000 (450 MW)
adds (450 - 100) x 6760 = 2,366,000: cumulative 3,242,000 >= 1,050,000, so L = 2000
hours on the margin, lambda = 2000 / 8760 = 0.228310502. OM_m = 0.628204651, OM_k =
(0.5 x 100 + 0.99 x 100) / 1050 = 149 / 1050 = 0.141904762; EF_OM-adj = 0.628204651 -
0.228310502 x (0.628204651 - 0.141904762) = 0.628204651 - 0.111027372 = 0.517177279.

Build margin (para. 75), year 2023, reference date 2024-06-30 (10 years: 2014-06-30):
non-CDM units without the import, most recent first: P8 200, P7 100, P4 50, P3 100, P2 800,
P10 100, P1 1000, P5 600; AEG_total = 2950, 20 % = 590. SET_5-units = P8, P7, P4, P3, P2
(1250 GWh); SET_>=20%: stacked generation before each unit 0, 200, 300, 350, 450 < 590,
then 1250: the same five units. No unit older than 10 years (P2 2016): eq. (15) =
(200 x 0.4032 + 0 + 0 + 100 x 0.9 + 800 x 0.35) / 1250 = 450.64 / 1250 = 0.360512. P6
(CDM, 2020) is left out though more recent than P3.
"""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reductions.equation import tags_of
from reductions.errors import InputError, MonitoringDataError, ParameterError
from reductions.factors import read_table
from reductions.tools import tool07
from reductions.tools.grid_emission_factor import WEIGHTS_TABLE, cm_weights
from reductions.tools.tool07 import (
    BuildMarginSampleError,
    SimpleOMNotApplicable,
    average_om,
    build_margin,
    build_margin_sample,
    dispatch_data_om,
    ef_el_dd_h,
    import_emission_factor,
    lambda_default,
    lambda_from_load_duration,
    lcmr_flags,
    lcmr_hours_on_margin,
    load_extremes,
    om_option_b,
    plant_emission_factors,
    simple_adjusted_om,
    simple_om,
    simple_om_applicability,
    weighted_average_cm,
)

REL = 1e-12
REF_DATE = "2024-06-30"
NAN = np.nan


# ---------------------------------------------------------------------------------------
# Data


def _system() -> xr.Dataset:
    """The reference system of the module docstring (EG in GWh, converted by its unit)."""
    gwh = np.array(
        [
            [1000, 1000, 1000, 1000, 1000],
            [800, 800, 800, 800, 800],
            [100, 100, 100, 100, 100],
            [0, 0, 50, 50, 50],
            [900, 700, 600, 500, 600],
            [0, 75, 150, 150, 150],
            [0, 0, 0, 60, 100],
            [0, 0, 0, 0, 200],
            [100, 100, 100, 100, 100],
            [100, 100, 100, 100, 100],
        ],
        float,
    )
    fc = np.full((10, 3, 5), NAN)
    fc[0, 0], fc[1, 1], fc[9, 0] = 500_000.0, 100_000.0, 55_000.0
    plants = [f"P{i}" for i in range(1, 11)]
    return xr.Dataset(
        {
            "EG": (("plant", "year"), gwh, {"units": "GWh"}),
            "fuel_type": ("plant", ["coal", "natural_gas", "oil", "oil", "hydro", "wind",
                                    "solar", "natural_gas", "import", "coal"]),
            "FC": (("plant", "fuel", "year"), fc, {"units": "t"}),
            "NCV": ("fuel", [20.0, 50.0, 40.0]),
            "EF_CO2": ("fuel", [90.0, 56.0, 75.0], {"units": "t/TJ"}),
            "eta": ("plant", [NAN, NAN, 30.0, NAN, NAN, NAN, NAN, 50.0, NAN, NAN],
                    {"units": "percent"}),
            "lcmr": ("plant", [False] * 4 + [True] * 3 + [False, True, True]),
            "cdm": ("plant", [False] * 5 + [True] + [False] * 4),
            "commissioning": ("plant", pd.to_datetime(
                ["1995-01-01", "2016-06-01", "2019-03-01", "2021-01-01", "1980-01-01",
                 "2020-07-01", "2022-05-01", "2023-02-01", "NaT", "2010-01-01"])),
            "EF_import": ("plant", [NAN] * 8 + [0.5, NAN]),
        },
        coords={"plant": plants, "year": list(range(2019, 2024)),
                "fuel": ["coal", "natural_gas", "oil"]},
    )  # fmt: skip


def _load(year: int = 2023, seed: int = 0) -> xr.DataArray:
    """2000 hours at 100 MW and the rest at 450 MW, in a shuffled order [MW]."""
    hours = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", inclusive="left")
    values = np.full(hours.size, 450.0)
    values[:2000] = 100.0
    np.random.default_rng(seed).shuffle(values)
    return xr.DataArray(values, dims="hour", coords={"hour": hours}, attrs={"units": "MW"})


def _with(ds: xr.Dataset, **changes: object) -> xr.Dataset:
    out = ds.copy(deep=True)
    for key, value in changes.items():
        var, plant = key.split("__")
        out[var].loc[{"plant": plant}] = value
    return out


# ---------------------------------------------------------------------------------------
# Plant emission factors and LCMR


def test_plant_emission_factors_options() -> None:
    """A1 (eq. (4)), A2 (eq. (5)), A3 (para. 50(a)), import (para. 25); units converted."""
    ef = plant_emission_factors(_system(), years=[2023])
    got = ef.EF_EL.sel(year=2023).values
    assert got == pytest.approx([0.9, 0.35, 0.9, 0.0, 0.0, 0.0, 0.0, 0.4032, 0.5, 0.99], rel=REL)
    assert ef.option.sel(year=2023).values.tolist() == [
        "A1", "A1", "A2", "A3", "A3", "A3", "A3", "A2", "para. 25", "A1",
    ]  # fmt: skip


def test_a2_lowest_fuel_factor() -> None:
    """Para. 50: several fuels in an A2 unit: the lowest CO2 emission factor (gas, 0.056)."""
    ds = _system()
    ds["fuel_used"] = (("plant", "fuel"), np.zeros((10, 3), bool))
    ds["fuel_used"].loc[{"plant": "P3"}] = [False, True, True]  # gas and oil
    ds["fuel_used"].loc[{"plant": "P8"}] = [False, True, False]
    ef = plant_emission_factors(ds, years=[2023]).EF_EL.sel(year=2023)
    assert float(ef.sel(plant="P3")) == pytest.approx(0.056 * 3.6 / 0.30, rel=REL)


def test_lcmr_flags_by_definition_and_flag() -> None:
    """Para. 10(j): hydro, wind, solar and imports by definition; the CHP by its flag."""
    ds = _system()
    assert list(ds.plant.values[lcmr_flags(ds).values]) == ["P5", "P6", "P7", "P9", "P10"]
    derived = lcmr_flags(ds.drop_vars("lcmr"))
    assert list(ds.plant.values[derived.values]) == ["P5", "P6", "P7", "P9"]


def test_lcmr_flag_contradicting_definition() -> None:
    ds = _system()
    ds["lcmr"] = ("plant", [False, False, False, False, True, False, True, False, True, True])
    with pytest.raises(ParameterError, match=r"plant 'P6'.*wind plant is low-cost/must-run"):
        lcmr_flags(ds)


# ---------------------------------------------------------------------------------------
# Simple OM, para. 40, vintages


def test_simple_om_ex_post() -> None:
    """2023: 1350.64 / 2150 = 0.628204651 (module docstring)."""
    om = simple_om(_system(), vintage="ex_post", year=2023)
    assert om.EF_grid_OM_y == pytest.approx(1350.64 / 2150, rel=REL)
    assert om.years == (2023,) and om.method == "simple" and om.check is not None
    assert om.check.criterion == "40(a)"


def test_simple_om_ex_post_lag() -> None:
    """Para. 42(b): the vintage y-1 for year 2024 is the 2023 value; y-2 the 2022 value."""
    assert simple_om(_system(), vintage="ex_post", year=2024, lag=1).EF_grid_OM_y == (
        pytest.approx(1350.64 / 2150, rel=REL)
    )
    # y-2 = 2022: the simple OM's para. 40 check then needs 2018-2022 (not given); the
    # average OM has no such check: 2022 is (1270 + 50 + 99) / 2860
    with pytest.raises(SimpleOMNotApplicable, match="2018-2022"):
        simple_om(_system(), vintage="ex_post", year=2024, lag=2)
    assert average_om(_system(), vintage="ex_post", year=2024, lag=2).EF_grid_OM_y == (
        pytest.approx(1419 / 2860, rel=REL)
    )
    with pytest.raises(ParameterError, match="lag 3"):
        simple_om(_system(), vintage="ex_post", year=2024, lag=3)


def test_simple_om_ex_ante_generation_weighted() -> None:
    """Para. 42(a): (1270 + 1270 + 1350.64) / (1950 + 1950 + 2150) = 0.643080992."""
    om = simple_om(_system())
    assert om.years == (2021, 2022, 2023)
    assert om.EF_grid_OM_y == pytest.approx(3890.64 / 6050, rel=REL)
    assert om.EF_OM_by_year.values == pytest.approx([1270 / 1950, 1270 / 1950, 1350.64 / 2150])
    assert om.weight_by_year.values == pytest.approx([1.95e6, 1.95e6, 2.15e6])
    # not the plain mean of the three years
    assert om.EF_grid_OM_y != pytest.approx(float(om.EF_OM_by_year.mean()), rel=1e-6)


def test_simple_om_needs_three_years_ex_ante() -> None:
    with pytest.raises(MonitoringDataError, match="year 2018"):
        simple_om(_system().sel(year=[2019, 2020, 2021, 2022, 2023]), year=2020)


def test_cdm_units_stay_in_the_om() -> None:
    """Para. 45: a unit registered under the CDM is in the OM as any other (P2 flagged)."""
    ds = _with(_system(), cdm__P2=True)
    assert simple_om(ds, vintage="ex_post", year=2023).EF_grid_OM_y == pytest.approx(
        1350.64 / 2150, rel=REL
    )


def test_lcmr_share_approaches() -> None:
    """Eq. (1): mean of the shares 0.335938; eq. (2): 4985 / 14835 = 0.336030."""
    shares = [1100 / 3000, 975 / 2875, 950 / 2900, 910 / 2860, 1050 / 3200]
    one = simple_om_applicability(_system(), approach=1)
    two = simple_om_applicability(_system(), approach=2)
    assert one.share_LCMR == pytest.approx(sum(shares) / 5, rel=REL)
    assert two.share_LCMR == pytest.approx(4985 / 14835, rel=REL)
    assert one.share_years == (2019, 2020, 2021, 2022, 2023)


def _hydro_heavy(hydro_gwh: float) -> xr.Dataset:
    ds = _system()
    ds["EG"].loc[{"plant": "P5"}] = hydro_gwh
    return ds


def test_simple_om_refused_at_50_percent_lcmr() -> None:
    """Para. 40(a): LCMR must be *less than* 50 %. With hydro at 3000 GWh a year the share
    is above one half every year: SimpleOMNotApplicable. Hydro set so that LCMR equals the
    non-LCMR generation in every year (share exactly 0.5): refused too."""
    with pytest.raises(SimpleOMNotApplicable, match=r"para\. 40"):
        simple_om(_hydro_heavy(3000.0))
    # LCMR without hydro: 200, 275, 350, 410, 450; m: 1900, 1900, 1950, 1950, 2150
    ds = _system()
    hydro = np.array([1900 - 200, 1900 - 275, 1950 - 350, 1950 - 410, 2150 - 450], float)
    ds["EG"].loc[{"plant": "P5"}] = hydro
    check = simple_om_applicability(ds)
    assert check.share_LCMR == pytest.approx(0.5, rel=REL) and not check.passes
    with pytest.raises(SimpleOMNotApplicable):
        simple_om(ds)


def test_simple_om_allowed_by_lasl() -> None:
    """Para. 40(b), hydro at 2500 GWh a year: LCMR generation 2021-2023 = 2500 + (150 +
    0 + 100 + 100), 2500 + (150 + 60 + 200), 2500 + (150 + 100 + 200) = 2850, 2910, 2950
    GWh; average load 2903.33 GWh / 8760 h = 331.43 MW (footnote 5). The share exceeds
    50 %, but against an average LASL of 400 MW the simple OM is allowed (and its value
    does not change: m is unchanged); against 300 MW it is not."""
    ds = _hydro_heavy(2500.0)
    lcmr = [2500 + 150 + 0 + 100 + 100, 2500 + 150 + 60 + 200, 2500 + 150 + 100 + 200]
    load = sum(x * 1000 / 8760 for x in lcmr) / 3  # MW
    assert 300 < load < 400
    check = simple_om_applicability(ds, LASL={2021: 400.0, 2022: 400.0, 2023: 400.0})
    assert check.criterion == "40(b)" and check.share_LCMR is not None
    assert check.share_LCMR > 0.5 and check.load_LCMR == pytest.approx(load, rel=REL)
    om = simple_om(ds, LASL={2021: 400.0, 2022: 400.0, 2023: 400.0})
    assert om.EF_grid_OM_y == pytest.approx(3890.64 / 6050, rel=REL)  # m unchanged
    with pytest.raises(SimpleOMNotApplicable):
        simple_om(ds, LASL={2021: 300.0, 2022: 300.0, 2023: 300.0})


def test_simple_om_without_five_years() -> None:
    """Para. 40(a) needs five years; with three and no LASL the simple OM is refused."""
    with pytest.raises(SimpleOMNotApplicable, match="no LCMR share"):
        simple_om(_system().sel(year=[2021, 2022, 2023]))


def test_option_b_and_average_option_b() -> None:
    """Eq. (9) from totals: coal 555 kt (P1 + P10), gas 100 kt, EG of m 2150 GWh would give
    (555 x 1.8 + 100 x 2.8) / ... ; here the CHP is counted as non-LCMR (option B allows only
    nuclear and renewables as LCMR, para. 47(b)(ii)): EG = 2250, EG_LCMR = 950 (hydro,
    wind, solar, import), emissions 999 + 280 + 90 (oil 30 kt x 3.0) = 1369 kt:
    simple 1369 / 2250 = 0.608444; average 1369 / 3200 = 0.4278125."""
    sys = xr.Dataset(
        {
            "FC": (("fuel", "year"), [[555_000.0] * 5, [100_000.0] * 5, [30_000.0] * 5]),
            "NCV": ("fuel", [20.0, 50.0, 40.0]),
            "EF_CO2": ("fuel", [0.09, 0.056, 0.075]),
            "EG": ("year", [2.25e6] * 5),
            "EG_LCMR": ("year", [9.5e5] * 5),
        },
        coords={"fuel": ["coal", "natural_gas", "oil"], "year": list(range(2019, 2024))},
    )
    simple = om_option_b(sys, vintage="ex_post", year=2023)
    assert simple.EF_grid_OM_y == pytest.approx(1369 / 2250, rel=REL)
    assert simple.method == "simple_option_B"
    avg = om_option_b(sys, method="average", vintage="ex_post", year=2023)
    assert avg.EF_grid_OM_y == pytest.approx(1369 / 3200, rel=REL)
    sys["EG_LCMR"] = ("year", [3.0e6] * 5)
    with pytest.raises(SimpleOMNotApplicable):
        om_option_b(sys)


# ---------------------------------------------------------------------------------------
# Average OM


def test_average_om() -> None:
    """Para. 70: 1499.64 / 3200 = 0.4686375; ex ante weights total generation
    (2021: 1270 + 50 + 99 = 1419 kt / 2900; 2022: 1419 / 2860; 2023: 1499.64 / 3200)."""
    ds = _system()
    assert average_om(ds, vintage="ex_post", year=2023).EF_grid_OM_y == pytest.approx(
        1499.64 / 3200, rel=REL
    )
    ex_ante = average_om(ds)
    assert ex_ante.EF_grid_OM_y == pytest.approx((1419 + 1419 + 1499.64) / 8960, rel=REL)


# ---------------------------------------------------------------------------------------
# Simple adjusted OM and lambda


def test_lambda_two_level_load() -> None:
    """Appendix 3 on _load(): L = 2000 hours, lambda = 2000 / 8760 (module docstring)."""
    assert lcmr_hours_on_margin(_load(), 1_050_000.0) == 2000
    assert lambda_from_load_duration(_load(), 1_050_000.0) == pytest.approx(2000 / 8760)
    # LCMR output below the base load area (876,000 MWh): never on the margin
    assert lcmr_hours_on_margin(_load(), 876_000.0) == 0
    assert lcmr_hours_on_margin(_load(), 876_000.1) == 2000


def test_lambda_ramp_load() -> None:
    """Loads 1, 2, ..., 8760 MW. EG_cumul at rank L = L(L+1)/2 + (L+1)(8760 - L):
    L = 999: 499,500 + 7,761,000 = 8,260,500; L = 1000: 500,500 + 7,767,760 = 8,268,260.
    Sum_k EG_k = 8,265,000 is reached at L = 1000: lambda = 1000 / 8760; exactly 8,260,500
    at L = 999."""
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    load = xr.DataArray(np.arange(8760, 0, -1.0), dims="hour", coords={"hour": hours})
    assert lcmr_hours_on_margin(load, 8_265_000.0) == 1000
    assert lcmr_hours_on_margin(load, 8_260_500.0) == 999
    assert lambda_from_load_duration(load, 8_268_260.0) == pytest.approx(1000 / 8760)
    with pytest.raises(ParameterError, match="no intersection"):
        lcmr_hours_on_margin(load, 8760 * 8761 / 2 + 1.0)


def test_lambda_default_table() -> None:
    """Appendix 2, Table 1; a share on a shared bound takes the row it starts."""
    assert lambda_default(0.0) == 0.0 and lambda_default(0.4999) == 0.0
    assert lambda_default(0.5) == 0.05 and lambda_default(0.5453) == 0.05
    assert lambda_default(0.5454) == 0.1 and lambda_default(0.9986) == 0.95
    assert lambda_default(0.9987) == 1.0 and lambda_default(1.0) == 1.0
    assert lambda_default(np.array([0.8, 0.9])).tolist() == [0.4, 0.6]
    with pytest.raises(ParameterError):
        lambda_default(1.2)


def test_simple_adjusted_om_ex_post() -> None:
    """Eq. (10): 0.628204651 - 0.228310502 x (0.628204651 - 0.141904762) = 0.517177279."""
    lam = 2000 / 8760
    expected = (1 - lam) * 1350.64 / 2150 + lam * 149 / 1050
    om = simple_adjusted_om(_system(), load={2023: _load()}, vintage="ex_post", year=2023)
    assert om.EF_grid_OM_y == pytest.approx(expected, rel=REL)
    assert om.lambda_y is not None
    assert float(om.lambda_y.sel(year=2023)) == pytest.approx(lam, rel=REL)
    assert expected == pytest.approx(0.517177279, abs=1e-9)


def test_simple_adjusted_om_ex_ante() -> None:
    """Lambda 2000/8760 each year (LCMR 950, 910, 1050 GWh all exceed 876 GWh and stay below
    3242 GWh); OM_k: 149/950, 149/910, 149/1050; OM_m: 1270/1950, 1270/1950, 1350.64/2150;
    weights: total generation 2900, 2860, 3200 GWh."""
    lam = 2000 / 8760
    om_m = [1270 / 1950, 1270 / 1950, 1350.64 / 2150]
    om_k = [149 / 950, 149 / 910, 149 / 1050]
    w = [2900, 2860, 3200]
    per = [(1 - lam) * m + lam * k for m, k in zip(om_m, om_k, strict=True)]
    expected = sum(p * x for p, x in zip(per, w, strict=True)) / sum(w)
    load = {y: _load(y, seed=y) for y in (2021, 2022, 2023)}
    om = simple_adjusted_om(_system(), load=load)
    assert om.EF_OM_by_year.values == pytest.approx(per, rel=REL)
    assert om.EF_grid_OM_y == pytest.approx(expected, rel=REL)


def test_simple_adjusted_om_approach_1() -> None:
    """Para. 61: share 0.335938 -> lambda 0 (appendix 2): the simple OM of the units m.
    LASL 100 MW < HASL 450 / 3 = 150 MW: approach 1 refused."""
    flat = xr.full_like(_load(), 300.0)
    om = simple_adjusted_om(
        _system(), load={2023: flat}, vintage="ex_post", year=2023, lambda_approach=1
    )
    assert om.EF_grid_OM_y == pytest.approx(1350.64 / 2150, rel=REL)
    assert om.lambda_y is not None and float(om.lambda_y[0]) == 0.0
    with pytest.raises(SimpleOMNotApplicable, match="one-third of HASL"):
        simple_adjusted_om(
            _system(), load={2023: _load()}, vintage="ex_post", year=2023, lambda_approach=1
        )


def test_adding_lcmr_can_raise_simple_adjusted_om() -> None:
    """Unlike the simple OM (unchanged) and the average OM (never higher), the simple
    adjusted OM can rise when a zero-emission LCMR unit is added: the LCMR units k include
    a must-run coal CHP (EF 1.0). Before: Sum_k EG_k = 870 GWh < 876 GWh (base load area of
    _load()), lambda = 0, OM = OM_m = gas 0.056 x 3.6 / 0.5 = 0.4032. With 10 GWh of hydro:
    880 GWh, lambda = 2000 / 8760 = 0.228311, OM_k = 870 / 880 = 0.988636, OM = 0.771689 x
    0.4032 + 0.228311 x 0.988636 = 0.311145 + 0.225717 = 0.536862."""

    def system(hydro_gwh: float | None) -> xr.Dataset:
        rows = [("G", "natural_gas", 1000.0, NAN, 0.5, False), ("CHP", "coal", 870.0,
                 870_000.0 / 1.8, NAN, True)]  # fmt: skip
        if hydro_gwh is not None:
            rows.append(("H", "hydro", hydro_gwh, NAN, NAN, True))
        fc = np.full((len(rows), 2, 1), NAN)
        fc[1, 0, 0] = rows[1][3]
        return xr.Dataset(
            {
                "EG": (("plant", "year"), [[r[2] * 1000.0] for r in rows]),
                "fuel_type": ("plant", [r[1] for r in rows]),
                "FC": (("plant", "fuel", "year"), fc),
                "NCV": ("fuel", [20.0, 50.0]),
                "EF_CO2": ("fuel", [0.09, 0.056]),
                "eta": ("plant", [r[4] for r in rows]),
                "lcmr": ("plant", [r[5] for r in rows]),
            },
            coords={"plant": [r[0] for r in rows], "year": [2023], "fuel": ["coal", "natural_gas"]},
        )

    def adjusted(ds: xr.Dataset) -> float:
        return simple_adjusted_om(
            ds, load={2023: _load()}, vintage="ex_post", year=2023
        ).EF_grid_OM_y

    lam = 2000 / 8760
    assert adjusted(system(None)) == pytest.approx(0.4032, rel=REL)
    after = adjusted(system(10.0))
    assert after == pytest.approx((1 - lam) * 0.4032 + lam * 870 / 880, rel=REL)
    assert after > 0.5


def test_hourly_load_gaps() -> None:
    """Appendix 3 step (i): a load for each hour of the year; gaps are named, not filled."""
    load = _load()
    with pytest.raises(MonitoringDataError, match=r"hour 2023-03-05T08:00:00.*missing"):
        load_extremes(load.drop_sel(hour=[np.datetime64("2023-03-05T08:00")]))
    with pytest.raises(MonitoringDataError, match="duplicated or out of order"):
        load_extremes(xr.concat([load, load.isel(hour=[-1])], dim="hour"))
    nan = load.copy()
    nan[100] = np.nan
    with pytest.raises(MonitoringDataError, match=r"hour 2023-01-05T04:00:00"):
        load_extremes(nan)
    with pytest.raises(MonitoringDataError, match="8760"):
        load_extremes(load.isel(hour=slice(0, 8000)))
    with pytest.raises(MonitoringDataError, match="no hourly load data for year 2023"):
        simple_adjusted_om(_system(), load={}, vintage="ex_post", year=2023)
    assert load_extremes(_load()) == (100.0, 450.0)


# ---------------------------------------------------------------------------------------
# Dispatch data OM


def _dispatch() -> tuple[xr.Dataset, xr.DataArray]:
    """Five units, merit order 1 (base) .. 5 (top); four hours, 1000 MWh each but h3.

    h1: U5 20, U4 80, U3 200 ... EG_PJ 50 -> x = 10 % = 100 MWh: U5 (0 above), U4 (20
    above); U3 has 100 above, not < 100: out. EF = (20 x 0.5 + 80 x 0.8) / 100 = 0.74.
    h2: U5 0 (not dispatched), U4 50, U3 250; EG_PJ 150 -> x = 15 % = 150: U4 (0), U3 (50
    above, 150 falls on it: fully in), U2 (300 above): out. EF = (40 + 87.5) / 300 = 0.425.
    h3: EG_PJ 0: not an hour h (U2's missing value there does not matter).
    h4: U5 50, U4 0, U3 150; EG_PJ 80 -> 100 MWh: U5 (0), U3 (50 above).
    EF = (25 + 52.5) / 200 = 0.3875.
    Eq. (12): (50 x 0.74 + 150 x 0.425 + 80 x 0.3875) / 280 = 131.75 / 280 = 0.470535714.
    """
    hours = pd.date_range("2024-03-01", periods=4, freq="h")
    eg = np.array(
        [[300, 300, 300, 500], [400, 400, NAN, 300], [200, 250, 200, 150],
         [80, 50, 80, 0], [20, 0, 20, 50]],
        float,
    )  # fmt: skip
    ds = xr.Dataset(
        {
            "EG": (("plant", "hour"), eg),
            "merit_order": ("plant", [1, 2, 3, 4, 5]),
            "EF_EL": ("plant", [0.0, 0.9, 0.35, 0.8, 0.5]),
            "fuel_type": ("plant", ["hydro", "coal", "natural_gas", "oil", "import"]),
        },
        coords={"plant": ["U1", "U2", "U3", "U4", "U5"], "hour": hours},
    )
    pj = xr.DataArray([50.0, 150.0, 0.0, 80.0], dims="hour", coords={"hour": hours})
    return ds, pj


def test_dispatch_data_om_eq14() -> None:
    ds, pj = _dispatch()
    om = dispatch_data_om(ds, pj)
    assert om.EF_grid_OM_y == pytest.approx(131.75 / 280, rel=REL)
    assert om.hourly is not None
    assert om.hourly.EF_EL_DD_h.values == pytest.approx([0.74, 0.425, 0.3875], rel=REL)
    assert om.hourly.n_top.values.tolist() == [2, 2, 2]
    assert om.hourly.x_h.values == pytest.approx([0.1, 0.15, 0.1])
    assert om.years == (2024,) and om.vintage == "ex_post"
    # the tagged eq. (14) on the top units of h2 agrees
    top = xr.DataArray([0.0, 0.0, 250.0, 50.0, 0.0], dims="plant")
    assert float(ef_el_dd_h(top, ds.EF_EL.drop_vars("plant"))) == pytest.approx(0.425)


def test_dispatch_data_om_eq13_hourly_fuel() -> None:
    """U3 with hourly gas (50 GJ/t x 0.056 t/GJ = 2.8 t CO2/t): h2 40 t -> 112 t instead of
    87.5; h4 24 t -> 67.2 t. EF_h2 = (40 + 112) / 300 = 0.506667; EF_h4 = (25 + 67.2) / 200
    = 0.461; eq. (12): (37 + 76 + 36.88) / 280 = 0.535285714."""
    ds, pj = _dispatch()
    fc = np.full((5, 4), NAN)
    fc[2] = [32.0, 40.0, 32.0, 24.0]
    ds["FC"] = (("plant", "hour"), fc)
    ds["NCV"] = ("fuel", [50.0])
    ds["EF_CO2"] = ("fuel", [0.056])
    ds = ds.assign_coords(fuel=["natural_gas"])
    om = dispatch_data_om(ds, pj)
    assert om.hourly is not None
    assert om.hourly.EF_EL_DD_h.values == pytest.approx([0.74, 152 / 300, 0.461], rel=REL)
    assert om.EF_grid_OM_y == pytest.approx(149.88 / 280, rel=REL)


def test_dispatch_data_om_hourly_merit_order_and_plant_order() -> None:
    """A merit order given per hour (the same each hour) and the plants in reverse order
    give the same result."""
    ds, pj = _dispatch()
    ds["merit_order"] = (("plant", "hour"), np.repeat(np.arange(1, 6)[:, None], 4, axis=1))
    rev = ds.isel(plant=slice(None, None, -1))
    assert dispatch_data_om(rev, pj).EF_grid_OM_y == pytest.approx(131.75 / 280, rel=REL)
    # top unit changes in h1 when U4 and U5 swap merit there: U4 (80) then U5 (20) -> same set
    swapped = ds.copy(deep=True)
    swapped["merit_order"][3:5, 0] = [5, 4]
    assert dispatch_data_om(swapped, pj).EF_grid_OM_y == pytest.approx(131.75 / 280, rel=REL)


def test_dispatch_data_om_bad_input() -> None:
    ds, pj = _dispatch()
    gap = ds.copy(deep=True)
    gap["EG"][1, 1] = NAN
    with pytest.raises(MonitoringDataError, match=r"plant 'U2', hour 2024-03-01T01:00:00"):
        dispatch_data_om(gap, pj)
    neg = ds.copy(deep=True)
    neg["EG"][4, 0] = -1.0
    with pytest.raises(MonitoringDataError, match=r"plant 'U5'.*negative"):
        dispatch_data_om(neg, pj)
    missing = ds.isel(hour=[0, 1, 2])
    with pytest.raises(MonitoringDataError, match=r"hour 2024-03-01T03:00:00"):
        dispatch_data_om(missing, pj)
    dup = ds.copy(deep=True)
    dup["merit_order"][:] = [1, 2, 3, 3, 5]
    with pytest.raises(ParameterError, match="same merit order"):
        dispatch_data_om(dup, pj)
    no_ef = ds.copy(deep=True)
    no_ef["EF_EL"][3] = NAN
    with pytest.raises(ParameterError, match=r"plant 'U4'"):
        dispatch_data_om(no_ef, pj)


# ---------------------------------------------------------------------------------------
# Build margin


UNIT = {  # fuel_type, FC per MWh [t], eta: coal A1 0.9, gas A2 0.4032, oil A2 0.9, wind 0
    "coal": ("coal", 0.5, NAN),
    "gas": ("natural_gas", NAN, 0.5),
    "oil": ("oil", NAN, 0.3),
    "wind": ("wind", NAN, NAN),
}


def _bm(units: list[tuple], **extra: list) -> xr.Dataset:
    """Units ``(label, date, GWh in 2023, kind, cdm)``; coal burns 0.5 t/MWh (A1, 0.9)."""
    labels = [u[0] for u in units]
    gen = np.array([u[2] for u in units], float) * 1000.0
    kinds = [UNIT[u[3]] for u in units]
    fc = np.full((len(units), 3, 1), NAN)
    for i, (fuel, per_mwh, _) in enumerate(kinds):
        if fuel == "coal":
            fc[i, 0, 0] = per_mwh * gen[i]
    ds = xr.Dataset(
        {
            "EG": (("plant", "year"), gen[:, None]),
            "fuel_type": ("plant", [k[0] for k in kinds]),
            "FC": (("plant", "fuel", "year"), fc),
            "NCV": ("fuel", [20.0, 50.0, 40.0]),
            "EF_CO2": ("fuel", [0.09, 0.056, 0.075]),
            "eta": ("plant", [k[2] for k in kinds]),
            "cdm": ("plant", [bool(u[4]) for u in units]),
            "commissioning": ("plant", pd.to_datetime([u[1] for u in units])),
        },
        coords={"plant": labels, "year": [2023], "fuel": ["coal", "natural_gas", "oil"]},
    )
    for name, values in extra.items():
        ds[name] = ("plant", values)
    return ds


def test_bm_reference_system() -> None:
    """Module docstring: SET_5-units = SET_>=20% = P8, P7, P4, P3, P2; 450.64 / 1250."""
    bm = build_margin(_system(), reference_date=REF_DATE)
    assert bm.EF_grid_BM_y == pytest.approx(450.64 / 1250, rel=REL)
    s = bm.sample
    assert s.name == "SET_5-units" and s.plants == ("P8", "P7", "P4", "P3", "P2")
    assert s.AEG_total == pytest.approx(2.95e6) and s.AEG_sample == pytest.approx(1.25e6)
    assert "P6" not in s.plants and set(s.excluded) == {"P9"}
    assert bm.EF_EL.option.values.tolist() == ["A2", "A3", "A3", "A2", "A1"]


def test_bm_set5_larger_and_cdm_excluded() -> None:
    """AEG_total = 1000 + 4 x 100 + 2000 = 3400 (X, CDM, out), 20 % = 680: SET_>=20% = {A}
    (1000); SET_5-units = A..E (1400) is larger. X (CDM, 2023-06-01, 500) is the newest
    unit but stays out. EF: A gas 0.4032, B C wind 0, D oil 0.9, E coal 0.9:
    (403.2 + 90 + 90) / 1400 = 0.416571429."""
    ds = _bm(
        [
            ("A", "2023-03-01", 1000, "gas", 0),
            ("B", "2022-03-01", 100, "wind", 0),
            ("C", "2021-03-01", 100, "wind", 0),
            ("D", "2020-03-01", 100, "oil", 0),
            ("E", "2019-03-01", 100, "coal", 0),
            ("G", "2000-01-01", 2000, "coal", 0),
            ("X", "2023-06-01", 500, "wind", 1),
        ]
    )
    bm = build_margin(ds, reference_date=REF_DATE)
    assert bm.sample.SET_20_percent == ("A",)
    assert bm.sample.name == "SET_5-units" and bm.sample.plants == ("A", "B", "C", "D", "E")
    assert bm.sample.AEG_total == pytest.approx(3.4e6)
    assert bm.EF_grid_BM_y == pytest.approx(583.2 / 1400, rel=REL)


def test_bm_set20_larger() -> None:
    """A..E 100 each, F (2018) 1000, G (2000) 3000: AEG_total 4500, 20 % = 900. Stacked
    before F: 400 < 900, so F is fully in: SET_>=20% = A..F (1500) > SET_5-units (500).
    (5 x 100 x 0.4032 + 1000 x 0.9) / 1500 = 1101.6 / 1500 = 0.7344."""
    units = [(c, f"{2023 - i}-03-01", 100, "gas", 0) for i, c in enumerate("ABCDE")]
    ds = _bm([*units, ("F", "2018-03-01", 1000, "coal", 0), ("G", "2000-01-01", 3000, "coal", 0)])
    bm = build_margin(ds, reference_date=REF_DATE)
    assert bm.sample.name == "SET_>=20%" and bm.sample.plants == tuple("ABCDEF")
    assert bm.EF_grid_BM_y == pytest.approx(1101.6 / 1500, rel=REL)


def _ten_year_units(x_gwh: float) -> list[tuple]:
    return [
        ("A", "2023-03-01", 100, "gas", 0),
        ("B", "2022-03-01", 100, "gas", 0),
        ("C", "2021-03-01", 100, "gas", 0),
        ("D", "2012-03-01", 100, "coal", 0),
        ("E", "2010-03-01", 100, "coal", 0),
        ("F", "2005-03-01", 2000, "coal", 0),
        ("X", "2020-03-01", x_gwh, "wind", 1),
    ]


def test_bm_ten_year_rule_cdm_units() -> None:
    """AEG_total 2500 (CDM out), 20 % = 500. SET_5-units = SET_>=20% = A..E (500): D, E
    started before 2014-06-30. (d): A, B, C (300, 200 short of 500) plus the CDM units,
    most recent first: X (2020, 300): 0 added before it < 200 -> in; Y (2019, 500): 300
    added before it, not < 200 -> out. SET_sample-CDM = A, B, C, X = 600 >= 500.
    BM = 300 x 0.4032 / 600 = 0.2016."""
    ds = _bm([*_ten_year_units(300), ("Y", "2019-03-01", 500, "wind", 1)])
    bm = build_margin(ds, reference_date=REF_DATE)
    assert bm.sample.older_than_10_years == ("D", "E")
    assert bm.sample.name == "SET_sample-CDM" and set(bm.sample.plants) == set("ABCX")
    assert bm.EF_grid_BM_y == pytest.approx(0.2016, rel=REL)


def test_bm_ten_year_rule_older_units_and_para79() -> None:
    """X only 100: A, B, C, X = 400 < 500, so (e): units older than 10 years, most recent
    first: D (2012, 100): 0 before < 100 -> in (500); E: 100 before -> out.
    SET_sample-CDM->10yrs = A, B, C, X, D. Para. 79: option A2 only, D with its TOOL09
    efficiency 0.40 -> 0.09 x 3.6 / 0.40 = 0.81 (its fuel data would give 0.9).
    BM = (300 x 0.4032 + 100 x 0.81) / 500 = 201.96 / 500 = 0.40392."""
    eta9 = [NAN, NAN, NAN, 0.40, 0.40, 0.40, NAN]
    ds = _bm(_ten_year_units(100), eta_TOOL09=eta9)
    bm = build_margin(ds, reference_date=REF_DATE)
    assert bm.sample.name == "SET_sample-CDM->10yrs"
    assert bm.sample.plants == ("A", "B", "C", "X", "D")
    assert bm.EF_grid_BM_y == pytest.approx(201.96 / 500, rel=REL)
    assert set(bm.EF_EL.option.values.tolist()) == {"A2"}
    with pytest.raises(BuildMarginSampleError, match=r"plant 'D'.*eta_TOOL09"):
        build_margin(_bm(_ten_year_units(100)), reference_date=REF_DATE)
    no_eta = _bm(_ten_year_units(100), eta_TOOL09=eta9)
    no_eta["eta"].loc[{"plant": "A"}] = NAN
    no_eta["FC"].loc[{"plant": "A", "fuel": "natural_gas"}] = 14_400.0
    with pytest.raises(BuildMarginSampleError, match=r"plant 'A'.*para\. 79"):
        build_margin(no_eta, reference_date=REF_DATE)


def test_bm_old_cdm_unit_enters_at_step_e() -> None:
    """A CDM unit Z older than 10 years (2013, 1000, TOOL09 eta 0.36: 0.9) is not added in
    (d) (only CDM units within 10 years), but in (e) it is the most recent old unit:
    A, B, C, X (400) + Z (0 before < 100) = 1400; D (1000 before) out.
    BM = (120.96 + 900) / 1400 = 0.729257143."""
    units = [*_ten_year_units(100), ("Z", "2013-01-01", 1000, "coal", 1)]
    ds = _bm(units, eta_TOOL09=[NAN, NAN, NAN, 0.4, 0.4, 0.4, NAN, 0.36])
    bm = build_margin(ds, reference_date=REF_DATE)
    assert bm.sample.plants == ("A", "B", "C", "X", "Z")
    assert bm.EF_grid_BM_y == pytest.approx(1020.96 / 1400, rel=REL)


def test_bm_ten_years_boundary() -> None:
    """'More than 10 years ago': a unit started on 2014-06-30 (exactly 10 years before the
    reference date) is not older than 10 years; one started on 2014-06-29 is."""
    units = [(c, f"{2023 - i}-03-01", 100, "gas", 0) for i, c in enumerate("ABCD")]
    for date, old in (("2014-06-30", ()), ("2014-06-29", ("E",))):
        ds = _bm([*units, ("E", date, 100, "gas", 0), ("F", "2000-01-01", 2000, "coal", 0)])
        s = build_margin_sample(ds, reference_date=dt.date(2024, 6, 30))
        assert s.older_than_10_years == old


def test_bm_same_date_units_taken_together() -> None:
    """E1 and E2 started on the same day, fifth and sixth most recent: both in SET_5-units."""
    units = [(c, f"{2023 - i}-03-01", 100, "gas", 0) for i, c in enumerate("ABCD")]
    units += [("E2", "2019-03-01", 50, "gas", 0), ("E1", "2019-03-01", 60, "gas", 0)]
    ds = _bm([*units, ("F", "2018-01-01", 100, "gas", 0), ("G", "2000-01-01", 100, "gas", 0)])
    s = build_margin_sample(ds, reference_date=REF_DATE)
    assert s.SET_5_units == ("A", "B", "C", "D", "E1", "E2")


def test_bm_sample_cannot_be_formed() -> None:
    units = [(c, f"{2023 - i}-03-01", 100, "gas", 0) for i, c in enumerate("ABCD")]
    ds = _bm([*units, ("X", "2020-01-01", 100, "wind", 1)])
    with pytest.raises(BuildMarginSampleError, match="SET_5-units cannot be formed: 4 unit"):
        build_margin(ds, reference_date=REF_DATE)
    ds = _bm([*units, ("E", "2019-01-01", 100, "gas", 0)])
    ds["commissioning"] = ds["commissioning"].where(ds.plant != "C")  # NaT
    with pytest.raises(BuildMarginSampleError, match=r"plant 'C'.*commissioning"):
        build_margin(ds, reference_date=REF_DATE)
    with pytest.raises(BuildMarginSampleError, match="needs 'cdm'"):
        build_margin(ds.drop_vars("cdm"), reference_date=REF_DATE)
    zero = _bm([*units, ("E", "2019-01-01", 100, "gas", 0)])
    zero["EG"][:] = 0.0
    with pytest.raises(BuildMarginSampleError, match="generated nothing"):
        build_margin(zero, reference_date=REF_DATE)
    assert issubclass(BuildMarginSampleError, ParameterError)


def test_bm_built_by() -> None:
    """Para. 72(b): units built after the cut-off date are left out (P8, 2023-02-01):
    SET_5-units = P7, P4, P3, P2, P10, of which P10 (2010) is older than 10 years."""
    s = build_margin_sample(_system(), reference_date=REF_DATE, built_by="2022-12-31")
    assert "P8" in s.excluded and s.SET_5_units == ("P7", "P4", "P3", "P2", "P10")
    assert s.older_than_10_years == ("P10",)


# ---------------------------------------------------------------------------------------
# Combined margin, imports


def test_combined_margin_and_weights_table() -> None:
    """Para. 86: wind and solar 0.75 / 0.25 in every crediting period; all other projects
    0.5 / 0.5 in the first, 0.25 / 0.75 in the second and third. The packaged table agrees."""
    om = simple_om(_system())
    bm = build_margin(_system(), reference_date=REF_DATE)
    cm = weighted_average_cm(om, bm, technology="hydro", crediting_period=2)
    assert cm.EF_grid_CM_y == pytest.approx(0.25 * om.EF_grid_OM_y + 0.75 * bm.EF_grid_BM_y)
    para86 = {("wind_solar", p): (0.75, 0.25) for p in (1, 2, 3)}
    para86 |= {("other", 1): (0.5, 0.5), ("other", 2): (0.25, 0.75), ("other", 3): (0.25, 0.75)}
    table = {
        (r["technology_class"], int(r["crediting_period"])): (float(r["w_OM"]), float(r["w_BM"]))
        for r in read_table(WEIGHTS_TABLE)
    }
    assert table == para86
    assert (cm_weights("solar", 3).w_OM, cm_weights("geothermal", 1).w_BM) == (0.75, 0.5)


def test_import_emission_factor() -> None:
    """Paras 16, 25-26: zero, or the exporting grid's OM of the chosen method; Annex I: 0."""
    om = simple_om(_system())
    assert import_emission_factor("simple_om", EF_OM_exporting=om) == om.EF_grid_OM_y
    assert import_emission_factor("simple_om", EF_OM_exporting=om, annex_I=True) == 0.0
    with pytest.raises(ParameterError, match="not average_om"):
        import_emission_factor("average_om", EF_OM_exporting=om)
    with pytest.raises(ParameterError, match="needs the exporting grid"):
        import_emission_factor("simple_adjusted_om")


# ---------------------------------------------------------------------------------------
# Bad input


def test_missing_fuel_type() -> None:
    ds = _system()
    ds["fuel_type"] = ds["fuel_type"].astype(object)
    ds["fuel_type"].loc[{"plant": "P4"}] = None
    with pytest.raises(ParameterError, match=r"plant 'P4'.*fuel type is missing"):
        simple_om(ds)


def test_negative_generation() -> None:
    ds = _system()
    ds["EG"].loc[{"plant": "P3", "year": 2022}] = -5.0
    with pytest.raises(MonitoringDataError, match=r"plant 'P3', year 2022.*negative"):
        simple_om(ds)


def test_efficiency_above_100_percent() -> None:
    ds = _with(_system(), eta__P8=104.0)  # percent
    with pytest.raises(ParameterError, match=r"plant 'P8'.*above 100 %"):
        average_om(ds)


def test_import_without_factor_and_biofuel_factor() -> None:
    with pytest.raises(ParameterError, match=r"plant 'P9'.*EF_import"):
        average_om(_system().drop_vars("EF_import"))
    ds = _system().assign_coords(fuel=["coal", "natural_gas", "biomass"])
    with pytest.raises(ParameterError, match=r"para\. 6"):
        average_om(ds)
    for err in (ParameterError, MonitoringDataError, SimpleOMNotApplicable):
        assert issubclass(err, InputError)


def test_fuel_burnt_without_generation() -> None:
    ds = _system()
    ds["EG"].loc[{"plant": "P1", "year": 2023}] = 0.0
    with pytest.raises(ParameterError, match=r"plant 'P1', year 2023.*eq\. \(4\)"):
        simple_om(ds, vintage="ex_post", year=2023)


# ---------------------------------------------------------------------------------------
# Tags and doctests


def test_equation_tags() -> None:
    tagged: dict[Callable[..., Any], str] = {
        tool07.lcmr_share_approach_1: "eq. (1)",
        tool07.lcmr_share_approach_2: "eq. (2)",
        tool07.simple_om_factor: "eq. (3)",
        tool07.ef_el_option_a1: "eq. (4)",
        tool07.ef_el_option_a2: "eq. (5)",
        tool07.simple_om_option_b_factor: "eq. (9)",
        tool07.simple_adjusted_om_factor: "eq. (10)",
        tool07.lambda_from_load_duration: "eq. (11), appendix 3",
        tool07.dispatch_om_factor: "eq. (12)",
        tool07.ef_el_dd_h_fuel: "eq. (13)",
        tool07.ef_el_dd_h: "eq. (14)",
        tool07.build_margin_factor: "eq. (15)",
        tool07.ex_ante_average: "para. 42(a)",
    }
    for fn, where in tagged.items():
        (tag,) = tags_of(fn)
        assert (tag.document, tag.version, tag.where) == ("TOOL07", "07.0", where)


def test_module_doctests() -> None:
    result = doctest.testmod(tool07, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 30


# ---------------------------------------------------------------------------------------
# Properties

FOSSIL = ("coal", "natural_gas", "oil")
RENEWABLE = ("hydro", "wind", "solar")


@st.composite
def systems(draw: st.DrawFn) -> xr.Dataset:
    """Random systems, 2019-2023: at least five fossil units (0.1-1 TWh a year each) and no
    more renewable units (1-90 GWh each) than fossil ones, so the LCMR share is below 50 %
    and the BM sample can be formed (the first five are not CDM units); coal by A1, gas and
    oil by A2; TOOL09 efficiencies for para. 79."""
    n_fossil = draw(st.integers(5, 8))
    n_ren = draw(st.integers(0, n_fossil))
    n = n_fossil + n_ren
    fuel = [draw(st.sampled_from(FOSSIL)) for _ in range(n_fossil)]
    fuel += [draw(st.sampled_from(RENEWABLE)) for _ in range(n_ren)]
    big = st.floats(1e5, 1e6)
    small = st.floats(1e3, 9e4)
    eg = np.array([[draw(big if i < n_fossil else small) for _ in range(5)] for i in range(n)])
    ef = [draw(st.floats(0.7, 1.2)) for _ in range(n)]
    fc = np.full((n, 3, 5), NAN)
    eta = np.full(n, NAN)  # coal: A1 (FC first); gas, oil: A2; all fossil for para. 79
    for i, f in enumerate(fuel):
        if f == "coal":
            fc[i, 0] = eg[i] * ef[i] / 1.8
        if i < n_fossil:
            eta[i] = draw(st.floats(0.25, 0.6))
    eta9 = np.where(np.arange(n) < n_fossil, 0.35, NAN)
    recent = st.integers(12_800, 15_700)  # days after 1980-01-01: 2015-01 to 2022-12
    days = [draw(st.one_of(st.integers(0, 15_700), recent)) for _ in range(n)]
    cdm = [i >= 5 and draw(st.booleans()) for i in range(n)]
    return xr.Dataset(
        {
            "EG": (("plant", "year"), eg),
            "fuel_type": ("plant", fuel),
            "FC": (("plant", "fuel", "year"), fc),
            "NCV": ("fuel", [20.0, 50.0, 40.0]),
            "EF_CO2": ("fuel", [0.09, 0.056, 0.075]),
            "eta": ("plant", eta),
            "eta_TOOL09": ("plant", eta9),
            "cdm": ("plant", cdm),
            "commissioning": (
                "plant",
                np.datetime64("1980-01-01") + np.array(days, "timedelta64[D]"),
            ),
        },
        coords={
            "plant": [f"G{i}" for i in range(n)],
            "year": list(range(2019, 2024)),
            "fuel": list(FOSSIL),
        },
    )


PROPS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(
    systems(),
    st.sampled_from(["wind", "solar", "hydro", "biomass"]),
    st.integers(1, 3),
    st.sampled_from(["simple", "average", "adjusted"]),
)
def test_cm_lies_between_om_and_bm(
    ds: xr.Dataset, technology: str, period: int, method: str
) -> None:
    """Eq. (16) with weights >= 0 summing to 1 (para. 86): min(OM, BM) <= CM <= max."""
    if method == "simple":
        om = simple_om(ds, vintage="ex_post", year=2023)
    elif method == "average":
        om = average_om(ds)
    else:
        om = simple_adjusted_om(ds, load={2023: _load()}, vintage="ex_post", year=2023)
    bm = build_margin(ds, reference_date=REF_DATE)
    cm = weighted_average_cm(om, bm, technology=technology, crediting_period=period).EF_grid_CM_y
    lo, hi = sorted((om.EF_grid_OM_y, bm.EF_grid_BM_y))
    assert lo * (1 - REL) - 1e-15 <= cm <= hi * (1 + REL) + 1e-15


@PROPS
@given(systems(), st.sampled_from(RENEWABLE), st.floats(0.0, 2e7))
def test_adding_zero_emission_lcmr_plant(ds: xr.Dataset, technology: str, gen: float) -> None:
    """What is true per the tool's definitions: the simple OM leaves LCMR units out (para.
    46, eq. (3)), so adding a zero-emission LCMR unit leaves it *unchanged*, or, if the unit
    pushes the LCMR share to 50 % or more, makes it inapplicable (para. 40: an error, not a
    number). The average OM (para. 70) includes it with EF 0 and so never rises."""
    before = simple_om(ds, vintage="ex_post", year=2023).EF_grid_OM_y
    avg_before = average_om(ds).EF_grid_OM_y
    new = xr.Dataset(
        {
            "EG": (("plant", "year"), np.full((1, 5), gen)),
            "fuel_type": ("plant", [technology]),
            "FC": (("plant", "fuel", "year"), np.full((1, 3, 5), NAN)),
            "eta": ("plant", [NAN]),
            "cdm": ("plant", [False]),
            "commissioning": ("plant", [np.datetime64("2023-01-01")]),
            "eta_TOOL09": ("plant", [NAN]),
            "NCV": ds["NCV"],
            "EF_CO2": ds["EF_CO2"],
        },
        coords={"plant": ["NEW"], "year": ds.year, "fuel": ds.fuel},
    )
    bigger = xr.concat([ds, new], dim="plant", data_vars="minimal", coords="minimal")
    share = simple_om_applicability(bigger).share_LCMR
    assert share is not None
    if share >= 0.5:
        with pytest.raises(SimpleOMNotApplicable):
            simple_om(bigger, vintage="ex_post", year=2023)
    else:
        after = simple_om(bigger, vintage="ex_post", year=2023).EF_grid_OM_y
        assert after == pytest.approx(before, rel=REL)
    assert average_om(bigger).EF_grid_OM_y <= avg_before * (1 + REL)


@PROPS
@given(systems(), st.randoms(use_true_random=False))
def test_margins_invariant_to_plant_order(ds: xr.Dataset, rnd: object) -> None:
    """Simple, average and simple adjusted OM and the BM do not depend on plant order."""
    order = list(range(ds.sizes["plant"]))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = ds.isel(plant=order)
    load = {2023: _load()}
    for fn in (
        lambda d: simple_om(d).EF_grid_OM_y,
        lambda d: average_om(d, vintage="ex_post", year=2023).EF_grid_OM_y,
        lambda d: simple_adjusted_om(d, load=load, vintage="ex_post", year=2023).EF_grid_OM_y,
        lambda d: build_margin(d, reference_date=REF_DATE).EF_grid_BM_y,
    ):
        assert fn(shuffled) == pytest.approx(fn(ds), rel=REL)
    a = build_margin_sample(ds, reference_date=REF_DATE)
    b = build_margin_sample(shuffled, reference_date=REF_DATE)
    assert (a.name, a.plants) == (b.name, b.plants)

"""CDM AMS-III.D v21.0, methane recovery in animal manure management systems.

Reference values are derived by hand from the equations of the text (UNFCCC PDF of
v21.0) with illustrative inputs (no published worked example is at hand): each pinned
number has its derivation beside it. GWP_CH4 is the engine's CDM rule (21 for a period
in 2024: the lowest of AR2, AR4 and AR5, ``tests/test_gwp.py``).

The plugin is registered here through the registry's ``available`` argument, so the tests
do not depend on the entry point in pyproject.toml.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from methodologies.methane import tool14
from methodologies.methane.ams_iii_d import AMSIIID
from methodologies.methane.ams_iii_d_equations import (
    average_animals,
    baseline_emissions_lt,
    methane_destroyed,
    methane_destroyed_power,
    physical_leakage_lt,
    storage_emissions_lt,
    volatile_solids_feed,
    volatile_solids_weight,
)
from reductions import quantify
from reductions.errors import ApplicabilityError, MonitoringDataError, ParameterError
from reductions.plugin import Status
from reductions.run import Result, run_project
from reductions.testing import check_invariance, check_methodology, check_result, example_dataset

AVAILABLE = {AMSIIID.key(): AMSIIID}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ams-iii-d-manure" / "project.toml"
GWP = 21.0  # CDM rule for 2024 (engine)
D = 0.00067  # t/m3, para. 18
UF = 0.94  # para. 18
QUARTER = (dt.date(2024, 1, 1), dt.date(2024, 3, 30))  # 90 days
DAYS = 90

BASE: dict[str, Any] = {
    "vs_method": "default",
    "PE_EC_method": "tool14_default",
    "flare_type": "enclosed",
    "residual_waste_handling": "aerobic",
    "F_EC_default": 0.0,
    "B0_market_swine": 0.29,
    "VS_default_market_swine": 0.3,
    "MCF_uncovered_anaerobic_lagoon": 0.78,
    "MS_Bl_uncovered_anaerobic_lagoon": 1.0,
    "livestock_confined": True,
    "T_site_annual": {"value": 26.0, "unit": "degC"},
}


def daily(
    n: int = DAYS, *, flared: float = 50.0, used: float = 300.0, head: float = 1000.0, **extra: Any
) -> xr.Dataset:
    variables: dict[str, tuple[np.ndarray, str]] = {
        "nd_y": (np.ones(n), "d"),
        "N_market_swine": (np.full(n, head), "1"),
        "MS_i_y": (np.ones(n), "1"),
        "BG_flared": (np.full(n, flared), "m**3"),
        "BG_used": (np.full(n, used), "m**3"),
        "w_CH4": (np.full(n, 0.6), "1"),
    }
    variables.update(extra)
    return example_dataset(variables, "2024-01-01", "D")


def run(ds: xr.Dataset, period: tuple[dt.date, dt.date] = QUARTER, **params: Any) -> Result:
    merged = {k: v for k, v in {**BASE, **params}.items() if v is not None}
    return quantify(
        "cdm.ams-iii.d", parameters=merged, monitoring=ds, period=period, available=AVAILABLE
    )


# --- conformance and equations ----------------------------------------------------------------


def test_conforms() -> None:
    check_methodology(AMSIIID)
    listed = {e.reference for e in AMSIIID.equation_list()}
    for n in (1, 2, 3, 4, 6, 7, 9, 10, 11, 12):
        assert any(f"AMS-III.D v21.0 eq. ({n})" in r or f"eqs. ({n})" in r for r in listed), n


def test_prescribed_defaults_are_the_texts() -> None:
    """D_CH4 0.00067 t/m3 and UF_b 0.94 (para. 18), k 0.069 (para. 25), NCV_CH4 35.9
    (para. 30), w_CH4 60 % (table 6), EE 40 % (para. 30), EF_El 1.3 (TOOL14 table 6)."""
    expected = {
        "D_CH4": 0.00067,
        "UF_b": 0.94,
        "k": 0.069,
        "NCV_CH4": 35.9,
        "w_CH4_default": 0.60,
        "EE_y": 0.40,
        "EF_EL_default": 1.3,
    }
    for symbol, value in expected.items():
        assert AMSIIID.parameter(symbol).default == value, symbol


def test_volatile_solids_eq2_eq3() -> None:
    """Eq. (2): [30 x (1 - 80/100) + 0.02 x 30] x (1 - 0.04)/18.45 = 6.6 x 0.052032520
    = 0.343414634 kg/d. Eq. (3): 80/50 x 0.30 = 0.48 kg/d."""
    assert volatile_solids_feed(30.0, 80.0, 0.02, 0.04, 18.45) == pytest.approx(
        6.6 * 0.96 / 18.45, rel=1e-14
    )
    assert volatile_solids_weight(80.0, 50.0, 0.30) == pytest.approx(0.48, rel=1e-14)


def test_animals_eq4() -> None:
    """Eq. (4) over one 365-day interval: N_da 150 d x N_p 7300 / 365 = 3000 animals; over
    a 31-day month with 620 produced: 150 x (620 x 365/31)/365 = 3000 (the same rate)."""
    t = pd.to_datetime(["2023-01-01"])
    year = xr.DataArray(
        [7300.0],
        dims="time",
        coords={"time": t, "time_end": ("time", pd.to_datetime(["2024-01-01"]))},
    )
    assert float(average_animals(150.0, year)[0]) == pytest.approx(3000.0, rel=1e-14)
    month = xr.DataArray(
        [620.0],
        dims="time",
        coords={"time": t, "time_end": ("time", pd.to_datetime(["2023-02-01"]))},
    )
    assert float(average_animals(150.0, month)[0]) == pytest.approx(3000.0, rel=1e-14)


def test_baseline_and_leakage_eq1_eq7() -> None:
    """Eq. (1), one type, one system: 21 x 0.00067 x 0.94 x 0.78 x 0.29 x 1000 x 100
    = 299.167596 t; eq. (7): 0.10 x 21 x 0.00067 x 0.29 x 1000 x 100 x 1 = 40.803 t."""
    assert baseline_emissions_lt(GWP, D, UF, 0.78, 0.29, 1000.0, 100.0) == pytest.approx(
        299.167596, rel=1e-12
    )
    assert physical_leakage_lt(GWP, D, 0.29, 1000.0, 100.0, 1.0) == pytest.approx(40.803, rel=1e-12)


def test_storage_eq9() -> None:
    """Eq. (9) over a 365-day interval, AI_l = 3 d: sum_{d=1..3}(1 - e^{-0.069(3-d)}) =
    (1 - e^{-0.138}) + (1 - e^{-0.069}) + 0 = 0.128903 + 0.066673 = 0.195577; 365/3
    batches; x N 1000 x VS_d 0.3 x MS_l 1 x MCF_l 0.1 x B0 0.29 x 21 x 0.00067."""
    decay = (1 - math.exp(-0.138)) + (1 - math.exp(-0.069))
    expected = GWP * D * 365 / 3 * 1000 * 0.3 * 1.0 * decay * 0.1 * 0.29
    t = pd.to_datetime(["2023-01-01"])
    n = xr.DataArray(
        [1000.0],
        dims="time",
        coords={"time": t, "time_end": ("time", pd.to_datetime(["2024-01-01"]))},
    )
    got = float(storage_emissions_lt(GWP, D, n, 0.3, 1.0, 0.1, 0.29, 3, 0.069)[0])
    assert got == pytest.approx(expected, rel=1e-12)


def test_methane_destroyed_eq11_eq12() -> None:
    """Eq. (11): 100,000 m3 x 0.6 x 0.00067 x 0.9 x 21 = 759.78 t. Eq. (12): 100 MWh x
    3600 / (35.9 x 0.4) = 25,069.64 m3 CH4 x 0.00067 x 21 = 352.729805 t."""
    assert methane_destroyed(1e5, 0.6, D, 0.9, GWP) == pytest.approx(759.78, rel=1e-12)
    assert methane_destroyed_power(100.0, 35.9, 0.4, D, GWP) == pytest.approx(
        100 * 3600 / (35.9 * 0.4) * D * GWP, rel=1e-14
    )


def test_tool14_equations() -> None:
    """TOOL14 eq. (2) 1000 m3 x 0.6 x 0.00067 = 0.402 t; eq. (4) 10 t x 0.10 x 21 = 21 t;
    eq. (3) 10 t x 1.02 MWh/t x 1.3 = 13.26 t; eq. (7) 0.2 x 10 x 21 = 42 t."""
    assert tool14.methane_produced(1000.0, 0.6, D) == pytest.approx(0.402, rel=1e-14)
    assert tool14.digester_methane_emissions(10.0, 0.10, GWP) == pytest.approx(21.0, rel=1e-14)
    assert tool14.electricity_emissions_default(10.0, 1.02, 1.3) == pytest.approx(13.26, rel=1e-14)
    assert tool14.liquid_digestate_storage(0.2, 10.0, GWP) == pytest.approx(42.0, rel=1e-14)


# --- through the engine -------------------------------------------------------------------------

#: 90 days x 1 operational day: VS = 0.3 x 90 = 27 kg per animal.
#: BE_y,ex post = 21 x 0.00067 x 0.94 x 0.78 x 0.29 x 1000 x 27 = 80.77525092 t.
BE_QUARTER = GWP * D * UF * 0.78 * 0.29 * 1000 * 27
#: PE_PL = 0.10 x 21 x 0.00067 x 0.29 x 1000 x 27 x 1 = 11.01681 t.
PE_PL_QUARTER = 0.10 * GWP * D * 0.29 * 1000 * 27
#: Flared 90 x 50 = 4,500 m3: PE_flare = 21 x 4500 x 0.6 x 0.00067 x (1 - 0.9) = 3.7989 t.
PE_FLARE_QUARTER = GWP * 4500 * 0.6 * D * 0.1
#: MD = (4500 x 0.9 + 27,000 x 1.0) x 0.6 x 0.00067 x 21 = 262.1241 t.
MD_QUARTER = (4500 * 0.9 + 27000) * 0.6 * D * GWP


def test_quarter_calculated_term_binds() -> None:
    """Plenty of biogas: MD_y (262.12) - PE_power (0) > BE - PE (80.78 - 14.82), so eq. (10)
    keeps the first term: ER = 80.77525092 - (11.01681 + 3.7989) = 65.95954092 t."""
    result = run(daily())
    check_result(result)
    t = result.totals
    assert result.ledger["BE_y_ex_post"].total() == pytest.approx(BE_QUARTER, rel=1e-12)
    assert result.ledger["PE_PL_y"].total() == pytest.approx(PE_PL_QUARTER, rel=1e-12)
    assert result.ledger["PE_flare_y"].total() == pytest.approx(PE_FLARE_QUARTER, rel=1e-12)
    assert result.ledger["MD_y"].total() == pytest.approx(MD_QUARTER, rel=1e-12)
    assert t["PE"] == pytest.approx(PE_PL_QUARTER + PE_FLARE_QUARTER, rel=1e-12)
    assert t["ER"] == pytest.approx(65.95954092, rel=1e-9)
    assert t["BE"] == pytest.approx(BE_QUARTER, rel=1e-12)


def test_quarter_monitored_term_binds() -> None:
    """Little biogas (no flare, 20 m3/day used): MD = 1800 x 0.6 x 0.00067 x 21 = 15.1956 t
    < BE - PE = 80.77525 - 11.01681 = 69.75844 t, so ER = MD - PE_power = 15.1956 t, and
    the credited BE = MD - PE_power + PE = 15.1956 + 11.01681 = 26.21241 t."""
    ds = daily(flared=0.0, used=20.0)
    result = run(ds)
    md = 1800 * 0.6 * D * GWP
    assert result.totals["ER"] == pytest.approx(md, rel=1e-12)
    assert result.totals["BE"] == pytest.approx(md + PE_PL_QUARTER, rel=1e-12)
    assert float(result.ledger["min_MD_y"].value.min()) == 1.0


def test_min_is_taken_per_year() -> None:
    """A period over two calendar years: each year's part compares the two terms of eq.
    (10) on its own totals. 2023-12-22 to 2024-01-10, with biogas only in 2023: the 2023
    days keep BE - PE, the 2024 days get MD - PE_power = 0."""
    n = 20
    ds = example_dataset(
        {
            "nd_y": (np.ones(n), "d"),
            "N_market_swine": (np.full(n, 1000.0), "1"),
            "MS_i_y": (np.ones(n), "1"),
            "BG_used": (np.r_[np.full(10, 1000.0), np.zeros(10)], "m**3"),
            "w_CH4": (np.full(n, 0.6), "1"),
        },
        "2023-12-22",
        "D",
    )
    result = run(ds, period=(dt.date(2023, 12, 22), dt.date(2024, 1, 10)))
    per_day_calc = GWP * D * UF * 0.78 * 0.29 * 1000 * 0.3 - 0.10 * GWP * D * 0.29 * 1000 * 0.3
    # The CDM rule gives GWP_CH4 = 21 for both years (lowest of AR2, AR4, AR5 from 2021).
    assert result.totals["ER"] == pytest.approx(10 * per_day_calc, rel=1e-12)
    flags = result.ledger["min_MD_y"].value.values
    assert list(flags) == [0.0] * 10 + [1.0] * 10


def test_example_project_runs(tmp_path: Path) -> None:
    """The example (illustrative data) runs, its monitored term binds in 2024, and the report
    is written."""
    result = run_project(EXAMPLE, available=AVAILABLE)
    check_result(result)
    t = result.totals
    assert t["ER"] == pytest.approx(result.ledger["ER_MD_y"].total(), rel=1e-12)
    assert t["ER"] <= result.ledger["ER_calc_y"].total()
    result.write(tmp_path)
    assert (tmp_path / "report.json").exists()


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.floats(10.0, 1e4),
    used=st.floats(0.0, 2000.0),
    flared=st.floats(0.0, 500.0),
    w=st.floats(0.3, 0.8),
    mcf=st.floats(0.0, 1.0),
    leak=st.sampled_from(["aerobic", "anaerobic_liquid"]),
)
def test_identity_and_min_bound(
    head: float, used: float, flared: float, w: float, mcf: float, leak: str
) -> None:
    """For every input: ER = BE - PE - LE (total and per interval), and ER never exceeds
    either term of eq. (10) less the leakage."""
    ds = daily(30, flared=flared, used=used, head=head)
    ds["w_CH4"][:] = w
    extra = {"F_ww_CH4_default": 0.10} if leak == "anaerobic_liquid" else {}
    result = run(
        ds,
        period=(dt.date(2024, 1, 1), dt.date(2024, 1, 30)),
        MCF_uncovered_anaerobic_lagoon=mcf,
        residual_waste_handling=leak,
        **extra,
    )
    check_result(result)
    t = result.totals
    scale = abs(t["BE"]) + abs(t["PE"]) + abs(t["LE"]) + 1.0
    assert abs(t["ER"] - (t["BE"] - t["PE"] - t["LE"])) <= 1e-12 * scale
    calc = result.ledger["ER_calc_y"].total()
    md = result.ledger["ER_MD_y"].total()
    assert t["ER"] <= min(calc, md) - t["LE"] + 1e-9 * scale
    assert t["ER"] == pytest.approx(min(calc, md) - t["LE"], rel=1e-9, abs=1e-9)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra_leak=st.floats(0.0, 5.0))
def test_more_leakage_never_more_credits(extra_leak: float) -> None:
    """Composting leakage (TOOL13, given as LE_comp) only lowers ER, one for one."""
    base = run(daily(30), period=(dt.date(2024, 1, 1), dt.date(2024, 1, 30)))
    more = run(
        daily(30, LE_comp=(np.full(30, extra_leak), "t")),
        period=(dt.date(2024, 1, 1), dt.date(2024, 1, 30)),
    )
    assert more.totals["ER"] == pytest.approx(base.totals["ER"] - 30 * extra_leak, abs=1e-9)


@pytest.mark.parametrize(("flared", "used"), [(50.0, 300.0), (0.0, 20.0)])
def test_invariance(flared: float, used: float) -> None:
    """Other units (m3 -> L), reversed rows, and the period split in two halves give the
    same totals, with either term of eq. (10) binding."""
    check_invariance(
        "cdm.ams-iii.d",
        parameters=BASE,
        monitoring=daily(flared=flared, used=used),
        period=QUARTER,
        available=AVAILABLE,
    )


def test_resolution_daily_vs_monthly() -> None:
    """The same quarter as daily rows or as monthly sums (states as means) gives the same
    totals when one term of eq. (10) binds throughout."""
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    n = days.size
    fine = daily(n)
    result_fine = run(fine, period=(dt.date(2024, 1, 1), dt.date(2024, 3, 31)))
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    counts = np.array([31.0, 29.0, 31.0])
    coarse = xr.Dataset(
        {
            "nd_y": ("time", counts, {"units": "d"}),
            "N_market_swine": ("time", np.full(3, 1000.0), {"units": "1"}),
            "MS_i_y": ("time", np.ones(3), {"units": "1"}),
            "BG_flared": ("time", counts * 50.0, {"units": "m**3"}),
            "BG_used": ("time", counts * 300.0, {"units": "m**3"}),
            "w_CH4": ("time", np.full(3, 0.6), {"units": "1"}),
        },
        coords={"time": months},
    )
    result_coarse = quantify(
        "cdm.ams-iii.d",
        parameters=BASE,
        monitoring=coarse,
        period=(dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        tables={"data": {"interval": "month"}},
        available=AVAILABLE,
    )
    for s in ("BE", "PE", "LE", "ER"):
        assert result_coarse.totals[s] == pytest.approx(result_fine.totals[s], rel=1e-12), s


# --- bad input ----------------------------------------------------------------------------------


def test_methane_fraction_above_one_is_refused() -> None:
    ds = daily()
    ds["w_CH4"][5] = 60.0
    with pytest.raises(MonitoringDataError, match="percent") as err:
        run(ds)
    assert err.value.variable == "w_CH4" and "table 6" in (err.value.rule or "")


def test_baseline_fractions_above_one_are_refused() -> None:
    with pytest.raises(ParameterError, match="more than 1") as err:
        run(daily(), MS_Bl_liquid_slurry=0.5, MCF_liquid_slurry=0.3)
    assert "MS_Bl" in (err.value.variable or "") and "eq. (1)" in (err.value.rule or "")


def test_missing_b0_is_refused() -> None:
    with pytest.raises(ParameterError) as err:
        run(daily(), B0_market_swine=None)
    assert err.value.variable == "parameters.B0_market_swine"
    assert "para. 18(a)" in (err.value.rule or "")


def test_flared_biogas_without_flare_is_refused() -> None:
    with pytest.raises(ApplicabilityError, match="flare"):
        run(daily(), flare_type="none")


def test_no_livestock_is_refused() -> None:
    ds = daily().drop_vars("N_market_swine")
    with pytest.raises(MonitoringDataError, match="livestock") as err:
        run(ds)
    assert "eq. (1)" in (err.value.rule or "")


def test_option_17b_is_not_supported() -> None:
    with pytest.raises(ApplicabilityError, match="17"):
        run(daily(), baseline_option="17b")


def test_cold_site_fails_para_3c() -> None:
    with pytest.raises(ApplicabilityError, match="5 degC") as err:
        run(daily(), T_site_annual={"value": 4.0, "unit": "degC"})
    assert "para. 3(c)" in (err.value.rule or "")


def test_tool14_factor_not_in_the_table_fails() -> None:
    with pytest.raises(ApplicabilityError, match="F_EC_default") as err:
        run(daily(), F_EC_default=0.5)
    assert "TOOL14 v03.0 table 5" in (err.value.rule or "")


def test_prescribed_density_override_is_recorded() -> None:
    result = run(daily(), D_CH4=0.000716)
    assert not result.compliant
    (f,) = [f for f in result.findings if f.name.endswith("D_CH4")]
    assert f.status == Status.OVERRIDDEN


def test_weight_method_needs_w_site() -> None:
    with pytest.raises(MonitoringDataError) as err:
        run(daily(), vs_method="weight", W_default_market_swine=50.0)
    assert err.value.variable == "W_site_market_swine"

"""CDM AMS-III.D v21.0 with the flare monitored minute by minute (TOOL06 v04.0).

The flare's data come per minute (flow, methane fraction, flame, exhaust temperature,
possibly in a table of their own); the plugin computes F_CH4,RG,m, eta_flare,m,
PE_flare,m (TOOL06 eq. (15)) and the methane destroyed in each minute (eq. (11) with the
minute's efficiency), and sums them to the intervals of the other series. Reference
values are derived by hand below. GWP_CH4 is the engine's CDM rule: 21 in 2021 and later
(lowest of AR2, AR4, AR5), 25 (AR4) from 2013 to 2020.

Methane per Nm3 (0 degC, 1 atm): AMS-III.D's D_CH4 = 0.00067 t/m3 at 20 degC, i.e.
0.00067 x 1000 x 293.15 / 273.15 = 0.719057295 kg/Nm3 (the same methane mass enters
eq. (11) and TOOL06 eq. (15)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from methodologies.methane.ams_iii_d import AMSIIID
from reductions import quantify
from reductions.errors import InputError, MonitoringDataError, ParameterError
from reductions.run import Result
from reductions.testing import example_dataset

AVAILABLE = {AMSIIID.key(): AMSIIID}
GWP = 21.0
RHO = 0.00067 * 1000.0 * 293.15 / 273.15  # kg/Nm3
DAY = (dt.date(2024, 1, 1), dt.date(2024, 1, 1))
N = 1440

SPEC = {
    "T_flare_min": {"value": 500.0, "unit": "degC", "source": "manufacturer's datasheet"},
    "T_flare_max": {"value": 1200.0, "unit": "degC", "source": "manufacturer's datasheet"},
    "F_flare_min": {"value": 0.0, "unit": "Nm3/h", "source": "manufacturer's datasheet"},
    "F_flare_max": {"value": 1200.0, "unit": "Nm3/h", "source": "manufacturer's datasheet"},
}
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
    **SPEC,
}


def daily(days: int = 1, start: str = "2024-01-01", head: float = 1000.0) -> xr.Dataset:
    return example_dataset(
        {
            "nd_y": (np.ones(days), "d"),
            "N_market_swine": (np.full(days, head), "1"),
            "MS_i_y": (np.ones(days), "1"),
        },
        start,
        "D",
    )


def flare_table(
    n: int = N,
    *,
    start: str = "2024-01-01",
    V: Any = 5.0,
    w: Any = 0.6,
    flame: Any = 1.0,
    T_EG: Any = 900.0,
    units: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    extra: dict[str, tuple[Any, str]] | None = None,
) -> xr.Dataset:
    u = {"V_RG_n_m": "Nm3", "w_CH4_m": "1", "T_EG_m": "degC", "Flame_m": "1", **(units or {})}
    values = {"V_RG_n_m": V, "w_CH4_m": w, "T_EG_m": T_EG, "Flame_m": flame}
    variables = {
        k: (np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy(), u[k])
        for k, v in values.items()
        if k not in drop
    }
    for k, (v, unit) in (extra or {}).items():
        variables[k] = (np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy(), unit)
    return example_dataset(variables, start, "min")


def run(
    flare: xr.Dataset | dict[str, xr.Dataset],
    *,
    period: tuple[dt.date, dt.date] = DAY,
    days: int = 1,
    reporting: str = "total",
    head: float = 1000.0,
    **params: Any,
) -> Result:
    merged = {k: v for k, v in {**BASE, **params}.items() if v is not None}
    tables = {"daily": daily(days, period[0].isoformat(), head)}
    settings_ = {"daily": {"interval": "1D"}}
    for name, ds in flare.items() if isinstance(flare, dict) else [("flare", flare)]:
        tables[name] = ds
        settings_[name] = {"interval": "1min"}
    return quantify(
        "cdm.ams-iii.d",
        parameters=merged,
        monitoring=tables,
        tables=settings_,
        period=period,
        reporting=reporting,
        available=AVAILABLE,
    )


def total(r: Result, symbol: str) -> float:
    return r.ledger[symbol].total()


def finding(r: Result, name: str) -> Any:
    return next(f for f in r.findings if f.name == f"cdm.ams-iii.d.{name}")


# --- hand-derived cases ---------------------------------------------------------------------


def ten_minutes(flare_type: str = "enclosed", **params: Any) -> Result:
    """Biogas flared in the first 10 minutes of the day only: 10 Nm3 a minute (600 Nm3/h,
    within SPEC_flare 0-1200 Nm3/h), 50 % methane; flame off in minutes 2 and 3; T_EG
    1370 degC (above T_max 1200 degC) in minute 6, 900 degC otherwise."""
    V = np.zeros(N)
    V[:10] = 10.0
    flame = np.ones(N)
    flame[[2, 3]] = 0.0
    t_eg = np.full(N, 900.0)
    t_eg[6] = 1370.0
    if flare_type == "open":
        ds = flare_table(V=V, w=0.5, flame=flame, drop=("T_EG_m",))
        params = {**{k: None for k in SPEC}, **params}
    else:
        ds = flare_table(V=V, w=0.5, flame=flame, T_EG=t_eg)
    return run(ds, flare_type=flare_type, **params)


def test_ten_minutes_enclosed_by_hand() -> None:
    """F_CH4,RG,m = 10 Nm3 x 0.5 x 0.719057295 kg/Nm3 = 3.595286 kg in each of the 10
    minutes. Option A (paras 21-22): eta = 0.9 in 7 minutes, 0 in minutes 2, 3 (flame off)
    and 6 (T_EG out of spec). Eq. (15): PE = 21 x 3.595286 x (7 x 0.1 + 3 x 1.0) x 1e-3
    = 21 x 3.595286 x 3.7 x 1e-3 = 0.2793538 t CO2e. Methane destroyed (eq. (11) per
    minute): 21 x 3.595286 x 7 x 0.9 x 1e-3 = 0.4756564 t CO2e."""
    r = ten_minutes()
    f = 10.0 * 0.5 * RHO
    assert f == pytest.approx(3.595286, rel=1e-6)
    eta = r.ledger.value("eta_flare_m").values
    expected = np.full(N, 0.9)
    expected[[2, 3, 6]] = 0.0
    np.testing.assert_array_equal(eta, expected)
    assert total(r, "F_CH4_RG") == pytest.approx(10 * f, rel=1e-12)
    assert total(r, "PE_flare_y") == pytest.approx(GWP * f * 3.7e-3, rel=1e-12)
    assert total(r, "PE_flare_y") == pytest.approx(0.2793538, rel=1e-6)
    assert total(r, "MD_flare") == pytest.approx(GWP * f * 7 * 0.9e-3, rel=1e-12)
    assert total(r, "MD_flare") == pytest.approx(0.4756564, rel=1e-6)
    fd = finding(r, "flare_minutes")
    assert fd.values["flame_off"] == 2
    assert fd.values["T_EG_outside_spec"] == 1
    assert fd.values["minutes_efficiency_zero"] == 3
    assert finding(r, "balance.flare_methane").status == "pass"


def test_ten_minutes_open_and_low_height() -> None:
    """Open flare (para. 18): 50 % when the flame is detected, T_EG not used: PE = 21 x
    3.595286 x (8 x 0.5 + 2 x 1) x 1e-3 = 0.4530061 t. Low-height enclosed (para. 23):
    80 %: PE = 21 x 3.595286 x (7 x 0.2 + 3) x 1e-3 = 0.3322045 t."""
    f = 10.0 * 0.5 * RHO
    r = ten_minutes("open")
    assert total(r, "PE_flare_y") == pytest.approx(GWP * f * 6.0e-3, rel=1e-12)
    r = ten_minutes("enclosed_low_height")
    assert total(r, "PE_flare_y") == pytest.approx(GWP * f * 4.4e-3, rel=1e-12)


def test_minute_path_equals_interval_path_at_constant_efficiency() -> None:
    """Flame on and within SPEC_flare all day: eta 0.9 in every minute, which is the
    interval path with eta_flare = 0.9 on BG_flared = 1440 x 5 Nm3 at 20 degC."""
    r = run(flare_table())
    bg20 = N * 5.0 * 293.15 / 273.15
    ds = daily().assign(
        BG_flared=("time", [bg20], {"units": "m**3"}),
        w_CH4=("time", [0.6], {"units": "1"}),
        eta_flare=("time", [0.9], {"units": "1"}),
    )
    merged = {k: v for k, v in BASE.items() if k not in SPEC}
    ref = quantify(
        "cdm.ams-iii.d",
        parameters=merged,
        monitoring=ds,
        period=DAY,
        tables={"data": {"interval": "1D"}},
        available=AVAILABLE,
    )
    for s in ("PE_flare_y", "MD_y", "PE", "LE", "ER"):
        assert total(r, s) == pytest.approx(ref.ledger[s].total(), rel=1e-12), s


def test_normal_and_actual_volume_give_the_same_result() -> None:
    """V at 35 degC and 95 kPa: V_n = V x (95000 / 101325) x (273.15 / 308.15)."""
    rng = np.random.default_rng(1)
    vn = rng.uniform(0.0, 15.0, N)
    T = rng.uniform(290.0, 320.0, N)
    P = rng.uniform(90_000.0, 105_000.0, N)
    V = vn * (101_325.0 / P) * (T / 273.15)
    a = run(flare_table(V=vn))
    ds = flare_table(
        drop=("V_RG_n_m",),
        extra={
            "V_RG_m": (V, "m**3"),
            "T_RG_m": (T - 273.15, "degC"),
            "P_RG_m": (P / 1000.0, "kPa"),
        },
    )
    b = run(ds)
    for s in ("F_CH4_RG", "PE_flare_y", "MD_flare", "ER"):
        assert total(b, s) == pytest.approx(total(a, s), rel=1e-12), s


def test_separate_flare_controller_table_and_lab_fraction() -> None:
    """Flow meter and flare controller in two tables; a daily laboratory CH4 fraction (a
    state) is held over the minutes; the controller logs every 10 seconds (states averaged
    to the minute; a minute with flame lost for 10 s counts as flame off)."""
    flow = flare_table(drop=("T_EG_m", "Flame_m", "w_CH4_m"))
    lab = example_dataset({"w_CH4_m": (np.array([55.0]), "percent")}, "2024-01-01", "D")
    n10 = N * 6
    flame = np.ones(n10)
    flame[6 * 100 + 3] = 0.0  # 10 s without flame in minute 100
    ctrl = example_dataset(
        {"T_EG_m": (np.full(n10, 900.0), "degC"), "Flame_m": (flame, "1")}, "2024-01-01", "10s"
    )
    merged = {**BASE}
    r = quantify(
        "cdm.ams-iii.d",
        parameters=merged,
        monitoring={"daily": daily(), "flow": flow, "lab": lab, "controller": ctrl},
        tables={
            "daily": {"interval": "1D"},
            "flow": {"interval": "1min"},
            "lab": {"interval": "1D"},
            "controller": {"interval": "10s"},
        },
        period=DAY,
        available=AVAILABLE,
    )
    f = 5.0 * 0.55 * RHO
    assert total(r, "PE_flare_y") == pytest.approx(GWP * f * (1439 * 0.1 + 1.0) * 1e-3, rel=1e-12)
    assert finding(r, "flare_minutes").values["flame_off"] == 1
    resampled = " ".join(r.quality.tables["controller"].resampled)
    assert "T_EG_m" in resampled and "Flame_m" in resampled


def test_missing_exhaust_temperature_and_flame_rows() -> None:
    """A minute without a T_EG reading (empty cell) and a minute without a flame record
    (no row in the controller's log) get efficiency 0 (TOOL06 paras 21-22; table 10), and
    both are counted: in the finding and in the tables' data quality."""
    t_eg = np.full(N, 900.0)
    t_eg[10] = np.nan
    ctrl_t = pd.date_range("2024-01-01", periods=N, freq="min")
    keep = np.ones(N, dtype=bool)
    keep[20] = False
    ctrl = xr.Dataset(
        {
            "T_EG_m": ("time", t_eg[keep], {"units": "degC"}),
            "Flame_m": ("time", np.ones(N)[keep], {"units": "1"}),
        },
        coords={"time": ctrl_t[keep]},
    )
    flow = flare_table(drop=("T_EG_m", "Flame_m"))
    r = run({"flow": flow, "controller": ctrl})
    eta = r.ledger.value("eta_flare_m").values
    assert eta[10] == 0.0 and eta[20] == 0.0 and (np.delete(eta, [10, 20]) == 0.9).all()
    fd = finding(r, "flare_minutes").values
    assert fd["T_EG_missing"] == 1 and fd["flame_off"] == 1
    q = r.quality.tables["controller"]
    assert q.filled_intervals == {"Flame_m": 1, "T_EG_m": 2}


# --- properties --------------------------------------------------------------------------------

minutes_data = st.integers(min_value=0, max_value=2**31 - 1)


def random_flare(seed: int, n: int = 2 * N, start: str = "2024-01-01") -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "V": rng.uniform(0.0, 20.0, n) * (rng.random(n) > 0.1),
        "w": rng.uniform(0.3, 0.8, n),
        "flame": (rng.random(n) > 0.2).astype(float),
        "T_EG": rng.uniform(400.0, 1400.0, n),
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(minutes_data)
def test_balance_and_sums(seed: int) -> None:
    """Methane to the flare = destroyed + not combusted, minute by minute and in total;
    destroyed <= sent to the flare; minutes summed = the intervals = the period (two days
    reported per day)."""
    d = random_flare(seed)
    period = (dt.date(2024, 1, 1), dt.date(2024, 1, 2))
    r = run(
        flare_table(2 * N, V=d["V"], w=d["w"], flame=d["flame"], T_EG=d["T_EG"]),
        period=period,
        days=2,
        reporting="day",
    )
    f = r.ledger.value("F_CH4_RG_m").values
    md = r.ledger.value("MD_flare_m").values
    pe = r.ledger.value("PE_flare_m").values
    np.testing.assert_allclose(f * GWP * 1e-3, md + pe, rtol=1e-12, atol=1e-15)
    assert (md <= f * GWP * 1e-3 + 1e-15).all()
    assert total(r, "MD_flare_CH4") <= total(r, "F_CH4_flared") * (1 + 1e-12)
    assert finding(r, "balance.flare_methane").status == "pass"
    per_day = r.ledger.value("PE_flare_y").values
    np.testing.assert_allclose(per_day, [pe[:N].sum(), pe[N:].sum()], rtol=1e-12)
    assert total(r, "PE_flare_y") == pytest.approx(float(pe.sum()), rel=1e-12)
    report = r.report()
    entry = next(q for q in report["quantities"] if q["symbol"] == "PE_flare_m")
    assert list(entry["by_interval"].values()) == pytest.approx(list(per_day), rel=1e-12)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(minutes_data, st.integers(min_value=1, max_value=200))
def test_er_never_rises_when_the_efficiency_falls(seed: int, k: int) -> None:
    """Turning the flame off (or T_EG out of spec) in more minutes lowers eta_flare,m
    there: PE rises, MD falls, ER does not rise."""
    d = random_flare(seed, N)
    a = run(flare_table(V=d["V"], w=d["w"], flame=d["flame"], T_EG=d["T_EG"]), head=5000.0)
    rng = np.random.default_rng(seed + 1)
    flame = d["flame"].copy()
    flame[rng.choice(N, size=k, replace=False)] = 0.0
    b = run(flare_table(V=d["V"], w=d["w"], flame=flame, T_EG=d["T_EG"]), head=5000.0)
    assert (b.ledger.value("eta_flare_m").values <= a.ledger.value("eta_flare_m").values).all()
    assert total(b, "ER") <= total(a, "ER") + 1e-12
    assert total(b, "PE_flare_y") >= total(a, "PE_flare_y") - 1e-12


def test_gwp_change_on_1_january_2021() -> None:
    """A period from 31 December 2020 to 1 January 2021: the engine splits it; the minutes
    of 2020 take AR4's 25, those of 2021 the lowest of AR2/AR4/AR5, 21 (CDM rule)."""
    period = (dt.date(2020, 12, 31), dt.date(2021, 1, 1))
    r = run(flare_table(2 * N, start="2020-12-31"), period=period, days=2, reporting="day")
    f = N * 5.0 * 0.6 * RHO  # kg CH4 a day
    pe = r.ledger.value("PE_flare_y").values
    np.testing.assert_allclose(pe, [25.0 * f * 0.1e-3, 21.0 * f * 0.1e-3], rtol=1e-12)
    md = r.ledger.value("MD_flare").values
    np.testing.assert_allclose(md, [25.0 * f * 0.9e-3, 21.0 * f * 0.9e-3], rtol=1e-12)


# --- bad input ----------------------------------------------------------------------------


def test_exhaust_temperature_above_the_physical_ceiling_names_the_minute() -> None:
    t_eg = np.full(N, 900.0)
    t_eg[42] = 2500.0
    with pytest.raises(MonitoringDataError) as e:
        run(flare_table(T_EG=t_eg))
    assert e.value.variable == "T_EG_m"
    assert "2024-01-01T00:42:00" in str(e.value) and "2000" in str(e.value)


def test_methane_fraction_percent_declared_as_fraction_names_the_minute() -> None:
    w = np.full(N, 0.6)
    w[7:] = 60.0
    with pytest.raises(MonitoringDataError) as e:
        run(flare_table(w=w))
    assert e.value.variable == "w_CH4_m"
    assert "percent as fraction" in str(e.value) and "2024-01-01T00:07:00" in str(e.value)


def test_methane_fraction_above_one_in_percent_names_the_minute() -> None:
    w = np.full(N, 60.0)
    w[3] = 120.0
    with pytest.raises(MonitoringDataError) as e:
        run(flare_table(w=w, units={"w_CH4_m": "percent"}))
    assert e.value.variable == "w_CH4_m" and "2024-01-01T00:03:00" in str(e.value)


def test_gas_temperature_degc_declared_as_kelvin() -> None:
    ds = flare_table(
        drop=("V_RG_n_m",),
        extra={"V_RG_m": (5.0, "m**3"), "T_RG_m": (30.0, "K"), "P_RG_m": (101.0, "kPa")},
    )
    with pytest.raises(MonitoringDataError) as e:
        run(ds)
    assert e.value.variable == "T_RG_m" and "degC as K" in str(e.value)
    assert "2024-01-01T00:00:00" in str(e.value)


def test_gauge_pressure_declared_as_absolute() -> None:
    ds = flare_table(
        drop=("V_RG_n_m",),
        extra={"V_RG_m": (5.0, "m**3"), "T_RG_m": (30.0, "degC"), "P_RG_m": (3.0, "kPa")},
    )
    with pytest.raises(MonitoringDataError, match="gauge"):
        run(ds)


def test_flare_table_not_covering_the_flow_table_names_the_first_uncovered_minute() -> None:
    flow = flare_table(drop=("T_EG_m", "Flame_m"))
    ctrl = example_dataset(
        {"T_EG_m": (np.full(N - 30, 900.0), "degC"), "Flame_m": (np.ones(N - 30), "1")},
        "2024-01-01",
        "min",
    )
    with pytest.raises(MonitoringDataError) as e:
        run({"flow": flow, "controller": ctrl})
    assert "controller" in str(e.value) and "23:30" in str(e.value)


def test_flow_gap_is_an_error_naming_the_first_missing_minute() -> None:
    """Neither AMS-III.D (table 5) nor TOOL06 (Step 1, via TOOL08) gives a rule for a
    missing flow reading."""
    V = np.full(N, 5.0)
    V[100:103] = np.nan
    with pytest.raises(MonitoringDataError) as e:
        run(flare_table(V=V))
    assert e.value.variable == "V_RG_n_m"
    assert "3 interval(s) missing" in str(e.value) and "01:40" in str(e.value)


def test_flame_reading_not_on_or_off() -> None:
    flame = np.ones(N)
    flame[5] = 2.0
    with pytest.raises(MonitoringDataError) as e:
        run(flare_table(flame=flame))
    assert e.value.variable == "Flame_m" and "2024-01-01T00:05:00" in str(e.value)


@pytest.mark.parametrize(
    ("change", "error", "text"),
    [
        ({"drop": ("Flame_m",)}, MonitoringDataError, "Flame_m"),
        ({"drop": ("T_EG_m",)}, MonitoringDataError, "T_EG_m"),
        ({"extra": {"BG_flared": (1.0, "m**3")}}, MonitoringDataError, "meter the flare once"),
        ({"extra": {"eta_flare": (0.9, "1")}}, MonitoringDataError, "minute by minute"),
        ({"extra": {"V_RG_m": (1.0, "m**3")}}, MonitoringDataError, "once"),
        ({"params": {"T_flare_max": None}}, ParameterError, "T_flare_max"),
        ({"params": {"flare_type": "open"}}, MonitoringDataError, "open"),
    ],
)
def test_mapping_errors(change: dict[str, Any], error: type[Exception], text: str) -> None:
    ds = flare_table(drop=change.get("drop", ()), extra=change.get("extra"))
    with pytest.raises(error, match=text):
        run(ds, **change.get("params", {}))


def test_spec_without_minute_data_is_an_error() -> None:
    ds = daily().assign(
        BG_flared=("time", [1000.0], {"units": "m**3"}), w_CH4=("time", [0.6], {"units": "1"})
    )
    with pytest.raises(ParameterError, match="SPEC_flare"):
        quantify(
            "cdm.ams-iii.d",
            parameters=BASE,
            monitoring=ds,
            period=DAY,
            tables={"data": {"interval": "1D"}},
            available=AVAILABLE,
        )


def test_errors_are_input_errors() -> None:
    assert issubclass(MonitoringDataError, InputError)

"""CDM TOOL06 v04.0, project emissions from flaring (reductions.tools.flaring).

Reference values are derived by hand from the text of TOOL06 v04.0 (UNFCCC PDF); each
says which paragraph or equation gives it. Properties (hypothesis): the efficiency never
exceeds the default or the measurement it comes from, PE never falls when the efficiency
falls, the minutes sum to the period, the result is the same for normal and actual
volumes and for any order of the rows, and eqs. (8)-(13) reproduce the measured O2
fraction of the exhaust. Tolerances: 1e-12 relative for the same arithmetic by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reductions.equation import tags_of
from reductions.errors import MonitoringDataError, ParameterError
from reductions.tools import flaring as fl
from reductions.tools import gas

REL = 1e-12
SPEC = fl.FlareSpec(T_min=500.0, T_max=1200.0, F_min=100.0, F_max=1000.0, source="test")
T0 = pd.Timestamp("2024-05-01 00:00")


def minutes(n: int) -> pd.DatetimeIndex:
    return pd.date_range(T0, periods=n, freq="1min")


def series(values, unit: str | None = None, times=None) -> xr.DataArray:
    values = np.asarray(values)
    return xr.DataArray(
        values,
        dims="time",
        coords={"time": minutes(values.size) if times is None else times},
        attrs={"units": unit} if unit else {},
    )


def refused(fn, *args, error=MonitoringDataError, **kwargs):
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    return info.value


def at(i: int) -> str:
    return f"time {(T0 + pd.Timedelta(minutes=i)).isoformat()}"


# --- Step 2: efficiency, reference values ------------------------------------------------


def test_defaults_quoted_from_the_text() -> None:
    assert fl.ETA_OPEN_DEFAULT == 0.50  # para. 18
    assert fl.ETA_ENCLOSED_DEFAULT == 0.90  # para. 21
    assert fl.LOW_HEIGHT_ADJUSTMENT == 0.10  # para. 23, footnote 2; para. 38
    assert fl.B1_UNCERTAINTY == 0.05  # para. 27, eq. (1)
    assert fl.GWP_CH4_TOOL06 == 25.0  # Data/Parameter table 1


def test_open_flare_para_18() -> None:
    # para. 18: 50 % when the flame is detected, otherwise 0 %; a missing reading is off.
    np.testing.assert_array_equal(fl.flare_efficiency_open([True, False, True]), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(fl.flare_efficiency_open([1.0, np.nan, 0.0]), [0.5, 0, 0])
    out = fl.flare_efficiency_open(series(["flame on", "Flame off", "on"]))
    assert isinstance(out, xr.DataArray)
    np.testing.assert_array_equal(out.values, [0.5, 0.0, 0.5])


def test_enclosed_flare_option_a_paras_21_to_23() -> None:
    flame = [1, 1, 0, 1, 1, 1, 1, 1]
    T_EG = [800.0, 1370.0, 800.0, np.nan, 800.0, 500.0, 1200.0, 450.0]
    F_RG = [500.0, 500.0, 500.0, 500.0, 1200.0, 100.0, 1000.0, 500.0]
    # para. 21: 90 % when flame and T_EG, F_RG within SPEC (bounds included, minutes 5-6);
    # para. 22: 0 % otherwise: T 1370 > 1200 (1), no flame (2), T missing (3),
    # F 1200 > 1000 (4), T 450 < 500 (7).
    expected = np.array([0.9, 0, 0, 0, 0, 0.9, 0.9, 0])
    np.testing.assert_allclose(fl.flare_efficiency_enclosed(flame, T_EG, F_RG, spec=SPEC), expected)
    # para. 23, footnote 2: a low height flare takes 80 % rather than 90 %.
    np.testing.assert_allclose(
        fl.flare_efficiency_enclosed(flame, T_EG, F_RG, spec=SPEC, low_height=True),
        np.where(expected > 0, 0.8, 0.0),
        rtol=REL,
    )


def test_enclosed_flare_units_from_attrs() -> None:
    """T_EG in K and a flow in m3/min are compared with a spec in degC and m3/h."""
    T = series([1073.15, 1073.15], "K")  # 800 degC
    F = series([5.0, 20.0], "m3/min")  # 300 m3/h (in spec), 1200 m3/h (above 1000)
    out = fl.flare_efficiency_enclosed(series([1, 1]), T, F, spec=SPEC)
    np.testing.assert_allclose(np.asarray(out), [0.9, 0.0])


def test_option_b1_eq_1() -> None:
    ms = [
        fl.FlareMeasurement("2024-01-10 09:00", "2024-01-10 10:00", 1.0, 100.0),
        fl.FlareMeasurement("2024-07-15 09:00", "2024-07-15 10:30", 3.0, 100.0),
    ]
    # eq. (1): 1 - (0.01 + 0.03) / 2 - 0.05 = 0.93
    assert fl.flare_efficiency_calc_y([1.0, 3.0], [100.0, 100.0]) == pytest.approx(0.93, rel=REL)
    flame, T, F = [1, 1, 0], [800.0, 1300.0, 800.0], [500.0, 500.0, 500.0]
    # para. 24: the measured value in operating minutes; para. 25: 0 % otherwise
    np.testing.assert_allclose(
        fl.flare_efficiency_measured_b1(ms, flame, T, F, spec=SPEC), [0.93, 0, 0], rtol=REL
    )
    # para. 38: low height, 10 percentage points less: 0.83
    np.testing.assert_allclose(
        fl.flare_efficiency_measured_b1(ms, flame, T, F, spec=SPEC, low_height=True),
        [0.83, 0, 0],
        rtol=REL,
    )


def test_option_b1_rules_on_measurements() -> None:
    one = fl.FlareMeasurement("2024-01-10 09:00", "2024-01-10 10:00", 1.0, 100.0)
    args = ([1], [800.0], [500.0])
    exc = refused(fl.flare_efficiency_measured_b1, [one], *args, spec=SPEC, error=ParameterError)
    assert "at least two" in exc.message and "para. 27" in exc.rule
    short = fl.FlareMeasurement("2024-07-15 09:00", "2024-07-15 09:45", 1.0, 100.0)
    exc = refused(
        fl.flare_efficiency_measured_b1, [one, short], *args, spec=SPEC, error=ParameterError
    )
    assert "one hour" in exc.message and "measurement 1" in exc.where
    close = fl.FlareMeasurement("2024-05-15 09:00", "2024-05-15 10:00", 1.0, 100.0)
    exc = refused(
        fl.flare_efficiency_measured_b1, [one, close], *args, spec=SPEC, error=ParameterError
    )
    assert "six months" in exc.message
    # footnote 3: in a period shorter than a year, at most six months apart
    far = fl.FlareMeasurement("2024-08-15 09:00", "2024-08-15 10:00", 1.0, 100.0)
    exc = refused(
        fl.flare_efficiency_measured_b1,
        [one, far],
        *args,
        spec=SPEC,
        shorter_period=True,
        error=ParameterError,
    )
    assert "footnote 3" in exc.rule
    # Data/Parameter table 3: mean flow in t above the previous six months' mean
    low = fl.FlareMeasurement("2024-07-15 09:00", "2024-07-15 10:00", 1.0, 100.0, 400.0, 450.0)
    exc = refused(
        fl.flare_efficiency_measured_b1, [one, low], *args, spec=SPEC, error=ParameterError
    )
    assert "Data/Parameter table 3" in exc.rule and "measurement 1" in exc.where
    exc = refused(fl.flare_efficiency_calc_y, [1.0, 150.0], [100.0, 100.0], error=ParameterError)
    assert exc.variable == "F_CH4_EG_t" and exc.where == "row 1"


def test_option_b2_eqs_2_and_3() -> None:
    # Data/Parameter table 9: 1000 ppmv x 0.716 = 716 mg/m3; eq. (3): 1000 m3 x 716 mg/m3
    # x 1e-6 = 0.716 kg of methane in the exhaust.
    fc = gas.concentration_from_ppmv(1000.0)
    assert float(fl.methane_in_exhaust(1000.0, fc)) == pytest.approx(0.716, rel=REL)
    # eq. (2): 1 - 0.716 / 71.6 = 0.99
    F_EG = np.array([0.716, 0.716, 0.716])
    F_RG_CH4 = np.array([71.6, 71.6, 71.6])
    flame, T, F = [1, 1, 0], [800.0, 800.0, 800.0], [500.0, 50.0, 500.0]
    out = fl.flare_efficiency_measured_b2(F_EG, F_RG_CH4, flame, T, F, spec=SPEC)
    # minute 1: flow below F_min; minute 2: no flame -> 0 % (para. 25)
    np.testing.assert_allclose(out, [0.99, 0.0, 0.0], rtol=REL)
    # para. 38: "if the measured value was 99%, then the value to be used shall
    # correspond to 89%"
    out = fl.flare_efficiency_measured_b2(F_EG, F_RG_CH4, flame, T, F, spec=SPEC, low_height=True)
    np.testing.assert_allclose(out, [0.89, 0.0, 0.0], rtol=REL)


def test_option_b2_missing_data_and_backup() -> None:
    F_EG = series([0.01, np.nan, 0.01])
    F_CH4 = series([1.0, 1.0, 1.0])
    flame, T, F = series([1, 1, 1]), series([800.0] * 3), series([500.0] * 3)
    exc = refused(fl.flare_efficiency_measured_b2, F_EG, F_CH4, flame, T, F, spec=SPEC)
    assert exc.where == at(1) and "para. 20" in exc.rule
    # para. 20: Option A as backup: 90 % in that operating minute
    out = fl.flare_efficiency_measured_b2(F_EG, F_CH4, flame, T, F, spec=SPEC, backup_option_a=True)
    np.testing.assert_allclose(np.asarray(out), [0.99, 0.9, 0.99], rtol=REL)
    # missing B.2 data in a minute the flare does not operate: 0 %, no error (para. 25)
    out = fl.flare_efficiency_measured_b2(F_EG, F_CH4, series([1, 0, 1]), T, F, spec=SPEC)
    np.testing.assert_allclose(np.asarray(out), [0.99, 0.0, 0.99], rtol=REL)
    # exhaust methane above the methane fed: a measurement error, naming the minute
    exc = refused(
        fl.flare_efficiency_measured_b2, series([0.01, 0.01, 2.0]), F_CH4, flame, T, F, spec=SPEC
    )
    assert exc.variable == "F_CH4_EG_m" and exc.where == at(2)


def test_stoichiometry_pure_methane_by_hand() -> None:
    """Eqs. (8)-(14) for pure CH4, exhaust with 10.5 % O2 (half that of air).

    eq. (14): MF_C = 12/16.04, MF_H = 4.04/16.04; eq. (13): F_O2 = MF_C/12 + MF_H/4.04 =
    2/16.04 (two O2 per CH4); eq. (12): n_O2 = 0.105/(1 - 0.5) x [1/16.04 + (0.79/0.21)
    x 2/16.04]; eq. (11): Q_CO2 = 22.4/16.04; eq. (9): Q_O2 = 22.4 n_O2; eq. (10): Q_N2 =
    22.4 x (0.79/0.21) x (2/16.04 + n_O2); eq. (4): V_EG = Q_EG x 1 kg; eq. (3) with
    fc = 716 mg/m3.
    """
    air = 0.79 / 0.21
    n_O2 = 0.105 / 0.5 * (1 / 16.04 + air * 2 / 16.04)
    Q_EG = 22.4 / 16.04 + 22.4 * n_O2 + 22.4 * air * (2 / 16.04 + n_O2)
    out = fl.methane_in_exhaust_from_composition(716.0, 0.105, {"CH4": 1.0}, M_RG_m=1.0)
    assert float(out) == pytest.approx(Q_EG * 716.0e-6, rel=1e-12)
    # the same from the volume: 1 kg of CH4 is 1/rho m3 at reference conditions (eqs. 5-7)
    rho = float(gas.gas_density(gas.molecular_mass({"CH4": 1.0})))
    by_volume = fl.methane_in_exhaust_from_composition(716.0, 0.105, {"CH4": 1.0}, V_RG_m=1 / rho)
    assert float(by_volume) == pytest.approx(float(out), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    v_CH4=st.floats(0.3, 1.0),
    co2_share=st.floats(0.0, 1.0),
    v_O2_EG=st.floats(0.0, 0.2),
)
def test_stoichiometry_reproduces_the_measured_o2_fraction(
    v_CH4: float, co2_share: float, v_O2_EG: float
) -> None:
    """Cross-check of eqs. (8)-(14): the O2 share of the dry exhaust they compute,
    Q_O2,EG,m / Q_EG,m, is the measured v_O2,EG,m that went into eq. (12)."""
    comp = gas.residual_gas_composition({"CH4": v_CH4, "CO2": (1 - v_CH4) * co2_share})
    mf = gas.mass_fractions(comp)
    F_O2 = fl.o2_stoichiometric(mf["C"], mf["H"], mf["O"])
    n_O2 = fl.o2_moles_in_exhaust(v_O2_EG, mf["C"], mf["N"], F_O2)
    Q_O2 = fl.o2_volume_per_kg(n_O2)
    Q_EG = fl.exhaust_volume_per_kg(
        fl.co2_volume_per_kg(mf["C"]), Q_O2, fl.n2_volume_per_kg(mf["N"], F_O2, n_O2)
    )
    assert float(Q_O2 / Q_EG) == pytest.approx(v_O2_EG, rel=1e-9, abs=1e-12)


# --- Step 1 and Step 3 ------------------------------------------------------------------


def test_step_1_methane_to_flare() -> None:
    # 100 m3 at 25 degC and 1 atm -> 100 x 273.15/298.15 Nm3; 50 % CH4; x 0.716 kg/m3.
    V = series([100.0, 100.0], "m3")
    out = fl.methane_to_flare(
        V,
        series([50.0, 50.0], "percent"),
        T=series([25.0, 25.0], "degC"),
        P=series([1.0, 1.0], "atm"),
    )
    np.testing.assert_allclose(np.asarray(out), 100 * 273.15 / 298.15 * 0.5 * 0.716, rtol=REL)
    # wet volume with 5 % water vapour: 95 % of it is dry gas
    out = fl.methane_to_flare([100.0], [0.5], x_H2O=[0.05])
    np.testing.assert_allclose(out, [95.0 * 0.5 * 0.716], rtol=REL)
    exc = refused(fl.methane_to_flare, [1.0], [0.5], T=[300.0], error=ParameterError)
    assert exc.variable == "P"


def test_step_3_eq_15() -> None:
    # eq. (15): 25 x [100 x (1 - 0.9) + 100 x (1 - 0)] x 1e-3 = 25 x 110 / 1000 = 2.75 t
    assert fl.project_emissions_flaring([100.0, 100.0], [0.9, 0.0], 25.0) == pytest.approx(
        2.75, rel=REL
    )
    # open flare, one hour with flame, 1 kg CH4 a minute, GWP 25: 25 x 60 x 0.5 / 1000
    F = series(np.ones(60), "kg")
    eta = fl.flare_efficiency_open(series(np.ones(60, dtype=bool)))
    assert fl.project_emissions_flaring(F, eta, 25.0) == pytest.approx(0.75, rel=REL)
    # masses in t are converted to kg
    assert fl.project_emissions_flaring(series([0.1], "t"), [0.0], 25.0) == pytest.approx(2.5)
    per_minute = fl.project_emissions_flaring_m(F, eta, 25.0)
    assert isinstance(per_minute, xr.DataArray)
    assert per_minute.attrs["units"] == "t" and per_minute.sizes["time"] == 60


def test_equation_tags() -> None:
    for fn, where, symbol, unit in (
        (fl.flare_efficiency_open, "para. 18", "eta_flare_m", "1"),
        (fl.flare_efficiency_enclosed, "paras 21-23", "eta_flare_m", "1"),
        (fl.flare_efficiency_calc_y, "eq. (1)", "eta_flare_calc_y", "1"),
        (fl.flare_efficiency_calc_m, "eq. (2)", "eta_flare_calc_m", "1"),
        (fl.methane_in_exhaust, "eq. (3)", "F_CH4_EG_m", "kg"),
        (fl.exhaust_volume, "eq. (4)", "V_EG_m", "m3"),
        (fl.exhaust_volume_per_kg, "eq. (8)", "Q_EG_m", "m3/kg"),
        (fl.o2_stoichiometric, "eq. (13)", "F_O2_RG_m", "kmol/kg"),
        (fl.project_emissions_flaring, "eq. (15)", "PE_flare_y", "t"),
    ):
        (tag,) = tags_of(fn)
        assert (tag.document, tag.version, tag.where) == ("TOOL06", "04.0", where)
        assert (tag.symbol, tag.unit) == (symbol, unit)


# --- data guards ------------------------------------------------------------------------


def test_exhaust_temperature_above_physics_is_an_error() -> None:
    T = series([800.0, 800.0, 2500.0], "degC")
    exc = refused(
        fl.flare_efficiency_enclosed, series([1, 1, 1]), T, series([500.0] * 3), spec=SPEC
    )
    assert exc.variable == "T_EG_m" and exc.where == at(2) and "2500.0 degC" in exc.message
    # but 1370 degC, outside this flare's SPEC (1200), is 0 % and no error (para. 22)
    out = fl.flare_efficiency_enclosed([1], [1370.0], [500.0], spec=SPEC)
    np.testing.assert_array_equal(out, [0.0])
    exc = refused(fl.FlareSpec, 500.0, 2500.0, 100.0, 1000.0, error=ParameterError)
    assert exc.variable == "SPEC_flare.T_max"
    exc = refused(fl.FlareSpec, 900.0, 500.0, 100.0, 1000.0, error=ParameterError)
    assert exc.variable == "SPEC_flare.T_min"


def test_misaligned_series_name_the_first_mismatched_time() -> None:
    flame, F = series([1, 1, 1, 1]), series([500.0] * 4)
    T = series([800.0] * 4, times=minutes(4) + pd.Timedelta(minutes=2))  # 00:02 .. 00:05
    exc = refused(fl.flare_efficiency_enclosed, flame, T, F, spec=SPEC)
    assert exc.variable == "T_EG" and exc.where == "time 2024-05-01T00:00:00"
    assert "is in 'flame' but not in 'T_EG'" in exc.message
    exc = refused(fl.flare_efficiency_enclosed, flame, series([800.0] * 3), F, spec=SPEC)
    assert exc.where == at(3)
    # numpy arrays of different lengths: the first row one of them lacks
    exc = refused(fl.flare_efficiency_enclosed, [1, 1, 1], [800.0, 800.0], [500.0] * 3, spec=SPEC)
    assert exc.variable == "T_EG" and exc.where == "row 2"
    exc = refused(fl.project_emissions_flaring, series([1.0, 1.0]), series([0.5]), 25.0)
    assert exc.where == at(1)
    dup = series([1.0, 1.0], times=[T0, T0])
    exc = refused(fl.project_emissions_flaring, dup, dup * 0, 25.0)
    assert "more than once" in exc.message and exc.where == at(0)


def test_gaps_have_no_rule_in_tool06() -> None:
    times = minutes(5).delete(2)
    F = series([1.0] * 4, "kg", times=times)
    exc = refused(fl.project_emissions_flaring, F, series([0.5] * 4, times=times), 25.0)
    assert exc.variable == "F_CH4_RG_m" and exc.where == at(2) and "no rule" in exc.message
    exc = refused(fl.project_emissions_flaring, series([1.0, np.nan]), [0.5, 0.5], 25.0)
    assert exc.variable == "F_CH4_RG_m" and exc.where == at(1)


def test_step_3_guards() -> None:
    exc = refused(fl.project_emissions_flaring, [1.0, 1.0], [0.5, np.nan], 25.0)
    assert exc.variable == "eta_flare_m" and exc.where == "row 1"
    exc = refused(fl.project_emissions_flaring, [1.0, 1.0], [0.5, 1.5], 25.0)
    assert exc.variable == "eta_flare_m" and exc.where == "row 1"
    exc = refused(fl.project_emissions_flaring, [1.0, -1.0], [0.5, 0.5], 25.0)
    assert exc.variable == "F_CH4_RG_m" and exc.where == "row 1" and "negative" in exc.message
    exc = refused(fl.project_emissions_flaring, [1.0], [0.5], 0.0, error=ParameterError)
    assert exc.variable == "GWP_CH4"


def test_flame_and_flow_guards() -> None:
    exc = refused(fl.flare_efficiency_open, series(["on", "off", "smoke"]))
    assert exc.variable == "Flame_m" and exc.where == at(2) and "'smoke'" in exc.message
    exc = refused(fl.flare_efficiency_open, [1, 2])
    assert exc.where == "row 1"
    exc = refused(fl.flare_efficiency_enclosed, [1, 1], [800.0, 800.0], [500.0, -5.0], spec=SPEC)
    assert exc.variable == "F_RG_m" and exc.where == "row 1"


# --- properties -------------------------------------------------------------------------

N = 30
flows = hnp.arrays(float, N, elements=st.floats(0.0, 50.0))
fractions = hnp.arrays(float, N, elements=st.floats(0.0, 1.0))
flames = hnp.arrays(bool, N)
temperatures = hnp.arrays(float, N, elements=st.floats(300.0, 1400.0))
rates = hnp.arrays(float, N, elements=st.floats(0.0, 1500.0))


@settings(max_examples=40, deadline=None)
@given(flame=flames, T=temperatures, F=rates, EG=fractions, low=st.booleans())
def test_efficiency_never_above_default_or_measurement(flame, T, F, EG, low) -> None:
    F_CH4 = np.full(N, 10.0)
    F_EG = EG * F_CH4
    open_ = fl.flare_efficiency_open(flame)
    assert np.all((open_ >= 0) & (open_ <= fl.ETA_OPEN_DEFAULT))
    a = fl.flare_efficiency_enclosed(flame, T, F, spec=SPEC, low_height=low)
    assert np.all((a >= 0) & (a <= fl.ETA_ENCLOSED_DEFAULT))
    b2 = fl.flare_efficiency_measured_b2(F_EG, F_CH4, flame, T, F, spec=SPEC, low_height=low)
    calc = fl.flare_efficiency_calc_m(F_EG, F_CH4)
    assert np.all((b2 >= 0) & (b2 <= calc + 1e-15))
    # A and B grant an efficiency in the same minutes, those of paras 21 and 24
    operating = fl.flare_operating(flame, T, F, spec=SPEC)
    np.testing.assert_array_equal(a > 0, operating)
    assert np.all(b2[~operating] == 0)
    ms = [
        fl.FlareMeasurement("2024-01-10 09:00", "2024-01-10 10:00", float(EG[0]), 1.0),
        fl.FlareMeasurement("2024-07-15 09:00", "2024-07-15 10:00", float(EG[1]), 1.0),
    ]
    eta_y = fl.flare_efficiency_calc_y([m.F_CH4_EG_t for m in ms], [1.0, 1.0])
    b1 = fl.flare_efficiency_measured_b1(ms, flame, T, F, spec=SPEC, low_height=low)
    assert np.all((b1 >= 0) & (b1 <= eta_y)) and np.all(b1[~operating] == 0)


@settings(max_examples=40, deadline=None)
@given(F=flows, eta=fractions, cut=fractions, gwp=st.sampled_from([21.0, 25.0, 28.0, 29.8]))
def test_pe_never_decreases_when_efficiency_falls(F, eta, cut, gwp) -> None:
    lower = eta * (1 - cut)  # an efficiency at most eta in every minute
    assert fl.project_emissions_flaring(F, lower, gwp) >= fl.project_emissions_flaring(
        F, eta, gwp
    ) * (1 - 1e-12)


@settings(max_examples=40, deadline=None)
@given(F=flows, eta=fractions)
def test_minutes_sum_to_the_period(F, eta) -> None:
    per_minute = fl.project_emissions_flaring_m(series(F, "kg"), series(eta), 25.0)
    assert isinstance(per_minute, xr.DataArray)
    total = fl.project_emissions_flaring(series(F, "kg"), series(eta), 25.0)
    assert math.fsum(per_minute.values) == pytest.approx(total, rel=1e-12, abs=1e-15)
    # the hourly (here: 10-minute) reporting intervals sum to the period as well
    intervals = per_minute.resample(time="10min").sum()
    assert math.fsum(intervals.values) == pytest.approx(total, rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(
    V_ref=flows,
    v_CH4=fractions,
    T=hnp.arrays(float, N, elements=st.floats(250.0, 330.0)),
    P=hnp.arrays(float, N, elements=st.floats(80_000.0, 130_000.0)),
)
def test_normal_or_actual_volume_give_the_same_result(V_ref, v_CH4, T, P) -> None:
    """Given at reference conditions, or as the actual volume at its T and P (ideal gas:
    V = V_ref x (P_ref/P) x (T/T_ref)), the methane and PE are the same."""
    V_actual = V_ref * (gas.P_REF / P) * (T / gas.T_REF)
    normal = fl.methane_to_flare(series(V_ref, "Nm3"), series(v_CH4))
    actual = fl.methane_to_flare(
        series(V_actual, "m3"), series(v_CH4), T=series(T, "K"), P=series(P / 1e3, "kPa")
    )
    np.testing.assert_allclose(np.asarray(actual), np.asarray(normal), rtol=1e-12, atol=1e-12)
    eta = fl.flare_efficiency_open(series(v_CH4 > 0.5))
    assert fl.project_emissions_flaring(actual, eta, 25.0) == pytest.approx(
        fl.project_emissions_flaring(normal, eta, 25.0), rel=1e-12, abs=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    flame=flames,
    T=temperatures,
    F=rates,
    F_CH4=flows,
    seed=st.integers(0, 2**32 - 1),
)
def test_invariant_to_time_order(flame, T, F, F_CH4, seed) -> None:
    """Each series shuffled on its own: the alignment by time gives the same PE."""
    rng = np.random.default_rng(seed)
    times = minutes(N)

    def shuffled(values) -> xr.DataArray:
        order = rng.permutation(N)
        return xr.DataArray(np.asarray(values)[order], dims="time", coords={"time": times[order]})

    eta = fl.flare_efficiency_enclosed(series(flame), series(T), series(F), spec=SPEC)
    expected = fl.project_emissions_flaring(series(F_CH4), eta, 25.0)
    eta_s = fl.flare_efficiency_enclosed(shuffled(flame), shuffled(T), shuffled(F), spec=SPEC)
    got = fl.project_emissions_flaring(shuffled(F_CH4), eta_s, 25.0)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # and numpy arrays give what DataArrays give
    eta_np = fl.flare_efficiency_enclosed(flame, T, F, spec=SPEC)
    assert fl.project_emissions_flaring(F_CH4, eta_np, 25.0) == pytest.approx(
        expected, rel=1e-12, abs=1e-12
    )

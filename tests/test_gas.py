"""Gas volumes, densities and methane mass (reductions.tools.gas), against CDM TOOL06 v04.0.

Reference values are derived by hand from the text of TOOL06 v04.0 (UNFCCC PDF): the
constants of para. 10(h) and Table 1, eqs. (5)-(7) and (14), Data/Parameter table 9; and
from the ideal gas law where the tool gives no equation (normalisation, dry basis). Each
number says where it comes from. Tolerances: 1e-12 relative where the expected value is
the same floating-point arithmetic done by hand; looser ones say why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reductions.equation import tags_of
from reductions.errors import MonitoringDataError, ParameterError, UnitError
from reductions.tools import gas

REL = 1e-12  # same arithmetic by hand: only rounding of the last bits
TIMES = pd.date_range("2024-03-01 00:00", periods=4, freq="1min")


def series(values, unit: str | None = None) -> xr.DataArray:
    """A per-minute DataArray on TIMES[: len(values)] with ``attrs["units"]``."""
    values = np.asarray(values, dtype=float)
    return xr.DataArray(
        values,
        dims="time",
        coords={"time": TIMES[: values.size]},
        attrs={"units": unit} if unit else {},
    )


def refused(fn, *args, error=MonitoringDataError, **kwargs):
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    return info.value


# --- constants quoted from the text ------------------------------------------------------


def test_constants_are_the_tools() -> None:
    # para. 10(h): 0 degC (273.15 K) and 1 atm (101.325 kPa); Table 1: T_ref, P_ref.
    assert (gas.T_REF, gas.P_REF) == (273.15, 101_325.0)
    # Table 1: rho_CH4,n = 0.716 kg/m3; VM_ref = 22.4; MV_n = 22.414; v_O2,air = 0.21.
    assert (gas.RHO_CH4_REF, gas.VM_REF, gas.MV_N, gas.V_O2_AIR) == (0.716, 22.4, 22.414, 0.21)
    # Table 1 molecular and atomic masses, as printed.
    assert dict(gas.MM) == {
        "CH4": 16.04,
        "CO": 28.01,
        "CO2": 44.01,
        "O2": 32.00,
        "H2": 2.02,
        "N2": 28.02,
    }
    assert dict(gas.AM) == {"C": 12.00, "H": 1.01, "O": 16.00, "N": 14.01}
    # Data/Parameter table 9: ppmv x 0.716 = mg/m3.
    assert gas.PPMV_TO_MG_PER_M3 == 0.716


def test_r_u_is_read_consistently_with_table_1() -> None:
    """Table 1 prints R_u = 0.008314472 "Pa.m3/kmol.K": as MPa it agrees with Table 1's
    MV_n = 22.414 m3/kmol (R_u T_ref / P_ref) and rho_CH4,n = 0.716 kg/m3 (eq. (6) with
    MM_CH4 = 16.04), both to the digits Table 1 prints."""
    assert gas.R_U == pytest.approx(8314.472, rel=REL)
    assert gas.R_U * gas.T_REF / gas.P_REF == pytest.approx(22.414, abs=5e-4)  # 3 decimals
    assert float(gas.gas_density(gas.MM["CH4"])) == pytest.approx(0.716, abs=5e-4)


# --- normalisation (ideal gas law; reference conditions of para. 10(h)) ---------------


def test_normalise_volume_hand_values() -> None:
    # At the reference conditions nothing changes.
    assert float(gas.normalise_volume(100.0, 273.15, 101_325.0)) == pytest.approx(100.0, rel=REL)
    # 100 m3 at 25 degC, 1 atm: 100 x 273.15 / 298.15 = 91.614958913...
    assert float(gas.normalise_volume(100.0, 298.15, 101_325.0)) == pytest.approx(
        100.0 * 273.15 / 298.15, rel=REL
    )
    # 100 m3 at 0 degC, 200 kPa: 100 x 200 / 101.325 = 197.384653...
    assert float(gas.normalise_volume(100.0, 273.15, 200_000.0)) == pytest.approx(
        197.38465334320257, rel=REL
    )


def test_normalise_volume_units_from_attrs() -> None:
    """degC and kPa in attrs are converted; an actual m3 comes back as Nm3."""
    V = series([100.0, 50.0], "m3")
    T = series([25.0, 0.0], "degC")
    P = series([101.325, 202.65], "kPa")
    out = gas.normalise_volume(V, T, P)
    assert isinstance(out, xr.DataArray) and out.attrs["units"] == "Nm3"
    np.testing.assert_allclose(out.values, [100.0 * 273.15 / 298.15, 100.0], rtol=REL)
    # numpy in, numpy out, same numbers
    np.testing.assert_allclose(
        gas.normalise_volume(V.values, T.values + 273.15, P.values * 1e3), out.values, rtol=REL
    )


@settings(max_examples=60, deadline=None)
@given(
    V=hnp.arrays(float, 5, elements=st.floats(0.0, 1e4)),
    T=st.floats(230.0, 350.0),
    P=st.floats(60_000.0, 300_000.0),
)
def test_normalise_round_trip(V: np.ndarray, T: float, P: float) -> None:
    """Normalising to (T_ref, P_ref) and back to (T, P) returns the metered volume."""
    ref = gas.normalise_volume(V, T, P)
    back = gas.normalise_volume(ref, gas.T_REF, gas.P_REF, T_ref=T, P_ref=P)
    np.testing.assert_allclose(back, V, rtol=1e-12, atol=1e-9)


# --- methane mass, densities, composition ---------------------------------------------


def test_methane_mass_hand_value() -> None:
    # 100 m3 at reference conditions, 50 % CH4, rho_CH4,n = 0.716 kg/m3 (Table 1): 35.8 kg.
    assert float(gas.methane_mass(100.0, 0.5)) == pytest.approx(35.8, rel=REL)
    out = gas.methane_mass(series([100.0, 10.0], "Nm3"), series([50.0, 60.0], "percent"))
    assert isinstance(out, xr.DataArray) and out.attrs["units"] == "kg"
    np.testing.assert_allclose(out.values, [35.8, 4.296], rtol=REL)
    # kNm3 is converted: 0.1 kNm3 = 100 Nm3
    assert float(gas.methane_mass(series([0.1], "kNm3"), 0.5)[0]) == pytest.approx(35.8, rel=REL)


def test_methane_mass_refuses_an_actual_volume() -> None:
    exc = refused(gas.methane_mass, series([100.0], "m3"), 0.5, error=UnitError)
    assert exc.variable == "V_ref" and "actual volume" in exc.message


def test_methane_mass_from_mass_fraction() -> None:
    # definition of a mass fraction: 100 kg x 0.4 = 40 kg
    assert float(gas.methane_mass_from_mass_fraction(100.0, 0.4)) == pytest.approx(40.0)


def test_density_and_mass_eqs_5_to_7() -> None:
    # Option (b) of para. 35: 60 % CH4, the rest N2.
    comp = gas.residual_gas_composition({"CH4": 0.6})
    assert float(comp["N2"]) == pytest.approx(0.4, rel=REL)
    # eq. (7): 0.6 x 16.04 + 0.4 x 28.02 = 9.624 + 11.208 = 20.832 kg/kmol
    mm = float(gas.molecular_mass(comp))
    assert mm == pytest.approx(20.832, rel=REL)
    # eq. (6): 101325 x 20.832 / (8314.472 x 273.15)
    rho = float(gas.gas_density(mm))
    assert rho == pytest.approx(101_325 * 20.832 / (8314.472 * 273.15), rel=REL)
    # eq. (5): M = rho x V
    assert float(gas.gas_mass(rho, 10.0)) == pytest.approx(10 * rho, rel=REL)
    # other conditions: same gas at 2 atm, 0 degC is twice as dense
    assert float(gas.gas_density(mm, 273.15, 2 * 101_325.0)) == pytest.approx(2 * rho, rel=REL)


def test_mass_fractions_eq_14() -> None:
    # Pure methane: C = 12.00 / 16.04, H = 4 x 1.01 / 16.04 (Table 1 masses).
    mf = gas.mass_fractions({"CH4": 1.0})
    assert float(mf["C"]) == pytest.approx(12.0 / 16.04, rel=REL)
    assert float(mf["H"]) == pytest.approx(4.04 / 16.04, rel=REL)
    assert float(mf["O"]) == 0.0 and float(mf["N"]) == 0.0
    # 50 % CH4, 30 % CO2, rest N2: MM = 8.02 + 13.203 + 5.604 = 26.827;
    # C = (0.5 + 0.3) x 12 / 26.827; O = 0.3 x 2 x 16 / 26.827; N = 0.2 x 2 x 14.01 / 26.827.
    mf = gas.mass_fractions(gas.residual_gas_composition({"CH4": 0.5, "CO2": 0.3}))
    assert float(mf["C"]) == pytest.approx(9.6 / 26.827, rel=1e-12)
    assert float(mf["O"]) == pytest.approx(9.6 / 26.827, rel=1e-12)
    assert float(mf["N"]) == pytest.approx(5.604 / 26.827, rel=1e-12)
    # Table 1 rounds MM_CO2 (44.01) and AM_C + 2 AM_O (44.00) apart: the sum is 1 to 1e-3.
    assert sum(float(x) for x in mf.values()) == pytest.approx(1.0, abs=1e-3)


def test_dry_basis_and_ppmv() -> None:
    # ideal mixture: 100 m3 wet with 5 % water vapour holds 95 m3 of dry gas
    assert float(gas.dry_basis_volume(100.0, 0.05)) == pytest.approx(95.0, rel=REL)
    # 47.5 % CH4 wet with 5 % water: 0.475 / 0.95 = 50 % dry
    assert float(gas.dry_basis_fraction(0.475, 0.05)) == pytest.approx(0.5, rel=REL)
    # Data/Parameter table 9: 1 % = 10 000 ppmv; x 0.716 = 7160 mg/m3
    assert float(gas.concentration_from_ppmv(10_000.0)) == pytest.approx(7160.0, rel=REL)


def test_equation_tags() -> None:
    for fn, where, symbol, unit in (
        (gas.gas_mass, "eq. (5)", "M_RG_m", "kg"),
        (gas.gas_density, "eq. (6)", "rho_RG_ref_m", "kg/m3"),
        (gas.molecular_mass, "eq. (7)", "MM_RG_m", "kg/kmol"),
        (gas.mass_fractions, "eq. (14)", "MF_j_RG_m", "1"),
        (gas.methane_mass, "para. 16, Table 1", "F_CH4_RG_m", "kg"),
    ):
        (tag,) = tags_of(fn)
        assert (tag.document, tag.version, tag.where) == ("TOOL06", "04.0", where)
        assert (tag.symbol, tag.unit) == (symbol, unit)


# --- data guards ------------------------------------------------------------------------


def test_percent_declared_as_fraction() -> None:
    exc = refused(gas.check_fraction, series([0.55, 55.0]), variable="w_CH4")
    assert exc.variable == "w_CH4" and exc.where == "time 2024-03-01T00:01:00"
    assert "did you declare percent as fraction?" in exc.message and "55.0" in exc.message
    exc = refused(gas.check_fraction, np.array([0.5, 0.5, 55.0]), variable="w_CH4")
    assert exc.where == "row 2"


def test_fraction_above_one_hundred_percent_and_negative() -> None:
    exc = refused(gas.check_fraction, series([50.0, 101.0], "percent"), variable="w_CH4")
    assert exc.where == "time 2024-03-01T00:01:00" and "above 1 (100 %)" in exc.message
    exc = refused(gas.check_fraction, [0.5, 250.0], variable="w_CH4")
    assert exc.where == "row 1" and "percent" not in exc.message
    exc = refused(gas.check_fraction, [0.5, -0.1], variable="w_CH4")
    assert exc.where == "row 1" and "negative" in exc.message
    exc = refused(gas.check_fraction, [0.5, np.nan], variable="w_CH4")
    assert exc.where == "row 1" and "missing" in exc.message
    exc = refused(gas.check_fraction, series([0.5], "kg"), variable="w_CH4", error=UnitError)
    assert exc.variable == "w_CH4"


def test_methane_fraction_above_one_through_methane_mass() -> None:
    exc = refused(gas.methane_mass, series([10.0, 10.0], "Nm3"), series([0.5, 1.2]))
    assert exc.variable == "w_CH4" and exc.where == "time 2024-03-01T00:01:00"


def test_temperature_in_k_that_looks_like_degc() -> None:
    exc = refused(gas.check_temperature, series([300.0, 301.0, 25.0], "K"), variable="T_RG")
    assert exc.variable == "T_RG" and exc.where == "time 2024-03-01T00:02:00"
    assert "did you declare degC as K?" in exc.message and "150 K" in exc.message
    exc = refused(gas.check_temperature, [300.0, -5.0], variable="T_RG")
    assert exc.where == "row 1" and "absolute zero" in exc.message
    # declared degC and far too cold: refused, without the K hint
    exc = refused(gas.check_temperature, series([-200.0], "degC"), variable="T_RG")
    assert "did you declare" not in exc.message
    np.testing.assert_allclose(gas.check_temperature(series([25.0], "degC")), [298.15])


def test_gauge_pressure_given_as_absolute() -> None:
    exc = refused(gas.check_pressure, series([101.3, 3.5], "kPa"), variable="P_RG")
    assert exc.variable == "P_RG" and exc.where == "time 2024-03-01T00:01:00"
    assert "gauge pressure" in exc.message
    exc = refused(gas.check_pressure, [101_325.0, -1.0], variable="P_RG")
    assert exc.where == "row 1" and "negative" in exc.message


def test_negative_and_missing_flow() -> None:
    exc = refused(gas.normalise_volume, series([10.0, -1.0]), 300.0, 101_325.0)
    assert exc.variable == "V" and exc.where == "time 2024-03-01T00:01:00"
    exc = refused(gas.check_flow, [1.0, np.nan, 2.0], variable="V_RG_m")
    assert exc.where == "row 1" and "missing" in exc.message and exc.rule


def test_composition_guards() -> None:
    exc = refused(gas.molecular_mass, {"CH4": 0.5, "H2S": 0.01}, error=ParameterError)
    assert exc.variable == "v_H2S_RG_m" and "Table 1" in exc.message
    exc = refused(gas.residual_gas_composition, {"CH4": [0.6, 0.7], "CO2": [0.3, 0.4]})
    assert exc.where == "row 1" and "sum" in exc.message
    exc = refused(gas.dry_basis_volume, [1.0], [1.0])
    assert exc.variable == "x_H2O"

"""Tests of ccus.compression: second-law bound, stage count, correlations, bad input."""

from __future__ import annotations

import CoolProp.CoolProp as CP
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from ccus import compression as c
from ccus.errors import CCUSInputError


@settings(max_examples=40, deadline=None)
@given(
    p_in=st.floats(1.0e5, 3.0e5),
    p_out=st.floats(2.0e6, 20.0e6),
    T_in=st.floats(305.0, 330.0),
    dT_cool=st.floats(0.0, 20.0),
    n_stages=st.integers(1, 8),
    eta=st.floats(0.5, 1.0),
    pump=st.booleans(),
)
def test_work_never_below_isothermal_bound(p_in, p_out, T_in, dT_cool, n_stages, eta, pump):
    # Second law: coolers rejecting heat at >= T_in to a sink at T_in cannot beat the
    # reversible isothermal work at T_in (docstring of isothermal_work).
    cutoff = 7.38e6 if (pump and p_out > 7.38e6) else None
    r = c.multistage_compression(
        p_in,
        T_in,
        p_out,
        n_stages=n_stages,
        eta_is=eta,
        T_intercooler=T_in + dT_cool,
        p_cutoff=cutoff,
        method="exact",
    )
    assert r.specific_work >= r.isothermal_work * (1 - 1e-12)
    assert r.cooling_duty >= 0


def test_more_stages_closer_to_isothermal():
    works = [
        float(
            c.multistage_compression(1.1e5, 313.15, 7.0e6, n_stages=n, method="exact").specific_work
        )
        for n in range(1, 9)
    ]
    assert all(b < a for a, b in zip(works, works[1:], strict=False))


def test_reversible_many_stage_limit_approaches_bound():
    # eta = 1 and N stages with perfect intercooling: the excess over the isothermal work
    # shrinks like 1/N (each stage's temperature rise ~ 1/N); N = 200 gets within 0.5 %.
    gaps = []
    for n in (25, 50, 200):
        r = c.multistage_compression(
            1.1e5, 313.15, 7.0e6, n_stages=n, eta_is=1.0, p_cutoff=None, method="exact"
        )
        gaps.append(float(r.specific_work / r.isothermal_work - 1))
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert gaps[1] == pytest.approx(gaps[0] / 2, rel=0.15)
    assert gaps[2] < 0.005


def test_isothermal_work_equals_integral_v_dp():
    # Gibbs-energy form against a direct Gauss-Legendre integral of 1/rho at constant T with
    # CoolProp HEOS densities (CoolProp 8.0.0); 40 nodes on a smooth gas isotherm -> 1e-8.
    p1, p2, T = 1.0e5, 6.0e6, 313.15
    x, w = np.polynomial.legendre.leggauss(40)
    p = 0.5 * (p2 + p1) + 0.5 * (p2 - p1) * x
    rho = CP.PropsSI("D", "P", p, "T", np.full_like(p, T), "CO2")
    integral = float(np.sum(w * 0.5 * (p2 - p1) / rho))
    assert float(c.isothermal_work(p1, p2, T, method="exact")) == pytest.approx(integral, rel=1e-8)


def test_pump_quadrature_matches_isentropic_enthalpy_rise():
    # integral v dp along the isentrope == h(p2, s1) - h1 (Gibbs relation); 8 nodes on a
    # liquid isentrope reach 1e-7 relative.
    a = c.pump_work(8.0e6, 295.0, 15.0e6, 0.75, method="exact", integration="quadrature")[0]
    b = c.pump_work(8.0e6, 295.0, 15.0e6, 0.75, method="exact", integration="enthalpy")[0]
    assert float(a) == pytest.approx(float(b), rel=1e-7)
    # and close to the constant-density form (p2 - p1)/(rho eta) of McCollum & Ogden with
    # rho at mid-pressure on the isentrope (CoolProp HEOS): the curvature of v(p) over
    # 8 -> 15 MPa is a few tenths of a percent, so 0.5 %.
    s1 = CP.PropsSI("S", "P", 8.0e6, "T", 295.0, "CO2")
    rho = CP.PropsSI("D", "P", 11.5e6, "S", s1, "CO2")
    assert float(a) == pytest.approx(7.0e6 / (rho * 0.75), rel=0.005)


def test_fast_path_matches_exact_path():
    # fast tables against CoolProp HEOS; compression work is a difference of enthalpies,
    # so 1e-5 relative (the tables are specified at 1e-4 on density, far better on h).
    T_ac = np.array([298.0, 303.15, 308.0])
    kw = dict(T_intercooler=313.15, T_aftercooler=T_ac, p_cutoff=8.5e6)
    a = c.multistage_compression(1.5e5, 313.15, 15e6, method="exact", **kw)
    b = c.multistage_compression(1.5e5, 313.15, 15e6, method="fast", **kw)
    np.testing.assert_allclose(b.specific_work, a.specific_work, rtol=1e-5)
    np.testing.assert_allclose(b.outlet_temperature, a.outlet_temperature, atol=1e-3)


def test_stage_pressure_ratio_with_cooler_losses():
    r = float(c.stage_pressure_ratio(1e5, 8e6, 4, cooler_pressure_drop=0.02))
    assert 1e5 * (r * 0.98) ** 4 == pytest.approx(8e6, rel=1e-12)


def test_cross_check_with_mccollum_ogden_correlation():
    # Ideal gas with per-stage average Z (from CoolProp HEOS at stage inlet/outlet pressure,
    # T_in) and k = cp0/cv0 of CO2 at 313 K (1.29): agrees with the real-gas train within
    # 3 % below 3 MPa, where the ideal-gas form with average Z is a good approximation.
    p_in, p_out, T, n, eta = 1.1e5, 3.0e6, 313.15, 4, 0.8
    real = float(
        c.multistage_compression(
            p_in, T, p_out, n_stages=n, eta_is=eta, method="exact"
        ).specific_work
    )
    cr = (p_out / p_in) ** (1 / n)
    Z = []
    for k in range(n):
        pa, pb = p_in * cr**k, p_in * cr ** (k + 1)
        za = CP.PropsSI("Z", "P", pa, "T", T, "CO2")
        zb = CP.PropsSI("Z", "P", pb, "T", T, "CO2")
        Z.append(0.5 * (za + zb))
    corr = float(
        c.specific_work_mccollum_ogden(
            p_in, p_out, T, n_stages=n, Z=np.array(Z), k=1.29, eta_is=eta
        )
    )
    assert corr == pytest.approx(real, rel=0.03)


def test_cross_check_with_oeuvray_form():
    # Oeuvray et al. (2024) as in AdOpT-NET0: 1.1 bar -> 15 MPa at 303.15 K, fixed PR 2.04,
    # pump from p_in*PR^N. Our EOS train with the same temperatures and efficiencies
    # (eta_is 0.8, eta_mech 0.99, eta_pump 0.75, cut-off at the same pressure) is 5.8 % lower
    # (measured): the correlation uses z = 0.9948 for every stage, while the real Z falls to
    # ~0.8 in the last stages. 8 % tolerance; the sign is asserted too.
    ours_p1 = 1.1e5 * 2.04 ** np.floor(np.log(15e6 / 1.1e5) / np.log(2.04))
    n = int(np.floor(np.log(15e6 / 1.1e5) / np.log(2.04)))
    ours = c.multistage_compression(
        1.1e5,
        303.15,
        15e6,
        n_stages=n,
        eta_is=0.8,
        eta_mechanical=0.99,
        p_cutoff=ours_p1 * 0.999999,
        T_intercooler=303.15,
        method="exact",
    )
    corr = float(
        c.specific_work_oeuvray(
            1.1e5, 15e6, rho_pump=float(CP.PropsSI("D", "P", 11e6, "T", 303.15, "CO2"))
        )
    )
    assert float(ours.specific_work) == pytest.approx(corr, rel=0.08)
    assert float(ours.specific_work) < corr


def test_plausibility_el_suleiman_2016():
    # El-Suleiman et al. (2016): ~23 MW prime-mover power for 1.5 Mt/yr ~ 134 kWh/t (derived
    # at 8760 h/yr). Loose band only: their figure is prime-mover power (drive losses
    # included) with PR-EOS and a different stage arrangement; we check our fluid work for
    # 1 atm -> 15 MPa, 5 stages, eta 0.75 lies within 0.5x - 1.2x of it.
    r = c.multistage_compression(101325.0, 313.15, 15e6, n_stages=5, eta_is=0.75, method="exact")
    kwh_t = float(r.specific_work) / 3600.0
    assert 0.5 * 134 < kwh_t < 1.2 * 134


def test_energy_units_invariance_hourly_vs_daily():
    rng = np.random.default_rng(3)
    hourly = rng.uniform(100, 200, 48)
    w = 3.2e5
    daily = hourly.reshape(2, 24).sum(axis=1)
    assert float(c.compression_energy_mwh(hourly, w).sum()) == pytest.approx(
        float(c.compression_energy_mwh(daily, w).sum()), rel=1e-13
    )
    assert float(c.compression_power(1000 / 3.6, w)) == pytest.approx(w * 1000 / 3.6 / 1e3)


def test_dataarray_inputs_match_numpy():
    T = np.array([300.0, 305.0])
    a = c.multistage_compression(
        1.5e5, 313.15, 15e6, T_aftercooler=T, p_cutoff=8.5e6, method="exact"
    )
    b = c.multistage_compression(
        1.5e5,
        313.15,
        15e6,
        T_aftercooler=xr.DataArray(T, dims="time"),
        p_cutoff=8.5e6,
        method="exact",
    )
    np.testing.assert_array_equal(a.specific_work, b.specific_work)


def test_bad_input():
    with pytest.raises(CCUSInputError, match="sum to one"):
        c.multistage_compression(1e5, 313.15, 8e6, composition={"CO2": 0.9, "N2": 0.05})
    with pytest.raises(CCUSInputError, match="p_in"):
        c.multistage_compression(-1e5, 313.15, 8e6)
    with pytest.raises(CCUSInputError, match="NaN"):
        c.multistage_compression(np.array([1e5, np.nan]), 313.15, 8e6)
    with pytest.raises(CCUSInputError, match="exceed"):
        c.multistage_compression(9e6, 313.15, 8e6, p_cutoff=None)
    with pytest.raises(CCUSInputError, match="eta_is"):
        c.multistage_compression(1e5, 313.15, 8e6, eta_is=1.2)


def test_liquid_at_stage_suction_is_an_error():
    # 1 bar -> 20 MPa in 5 stages: stage 5 suction at 6.9 MPa; intercooled to 288 K that is
    # above p_sat(288 K) = 5.09 MPa (CoolProp HEOS), i.e. liquid
    with pytest.raises(c.CompressionPhaseError, match="stage 5"):
        c.multistage_compression(
            1.0e5, 313.15, 20e6, n_stages=5, T_intercooler=288.0, p_cutoff=None, method="exact"
        )


@settings(max_examples=40, deadline=None)
@given(
    p_in=st.floats(1.0e5, 3.0e5),
    p_out=st.floats(2.0e6, 20.0e6),
    T_in=st.floats(300.0, 330.0),
    T_ic=st.floats(290.0, 340.0),
    T_ac=st.floats(285.0, 340.0),
    n_stages=st.integers(1, 10),
    eta=st.floats(0.5, 1.0),
    pump=st.booleans(),
)
def test_work_never_below_the_minimum_work(p_in, p_out, T_in, T_ic, T_ac, n_stages, eta, pump):
    """Second law for any cooler temperatures, colder than the suction included (where the
    isothermal work at the suction temperature is no bound: regression, 10 reversible stages
    with intercoolers at 300 K from 320 K gave 235.8 kJ/kg below its 238.6 kJ/kg):
    W >= (h_out - h_in) - T0 (s_out - s_in) with T0 the coldest cooler outlet."""
    cutoff = 8.0e6 if (pump and p_out > 8.0e6) else None
    try:
        r = c.multistage_compression(
            p_in,
            T_in,
            p_out,
            n_stages=n_stages,
            eta_is=eta,
            T_intercooler=T_ic,
            T_aftercooler=T_ac,
            p_cutoff=cutoff,
            method="fast",
        )
    except c.CompressionPhaseError:
        reject()  # a cooler that condenses the stream: no compressor train to bound
    assert r.specific_work >= r.minimum_work * (1 - 1e-9)
    if T_ic >= T_in and T_ac >= T_in:
        assert r.minimum_work >= r.isothermal_work * (1 - 1e-9)

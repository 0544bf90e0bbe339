"""Metering: volume to mass at reference conditions, EPA D, wet/dry, reconciliation."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from ccus import metering as M
from ccus.errors import CCUSInputError


def test_us_standard_conditions() -> None:
    # 40 CFR 98.6: 60 degF and 14.696 psia
    p, T = M.reference_conditions("us_standard")
    assert p == pytest.approx(101325.35, abs=0.01)
    assert T == pytest.approx(288.70556, abs=1e-5)


def test_real_density_reproduces_epa_d() -> None:
    # ccus-anchors.md section 1 [C]: CoolProp gives 1.86819 kg/m3 -> EPA D to 5 s.f.
    d = M.co2_density_at_reference("us_standard")
    assert d == pytest.approx(1.86818, abs=2e-5)
    assert M.co2_density_at_reference("us_standard", density="epa_default") == 1.8682
    # [C] values of ccus-anchors.md section 1 at 0 degC and 15 degC, 1 atm
    assert M.co2_density_at_reference("normal") == pytest.approx(1.97681, abs=2e-5)
    assert M.co2_density_at_reference("iso") == pytest.approx(1.87185, abs=2e-5)


def test_rr2_arithmetic() -> None:
    # RR-2: 1e6 sm3 at 98 vol% with D = 0.0018682 t/sm3 -> 1830.836 t (hand arithmetic)
    m = M.co2_mass_from_volume(1e6, 0.98, density="epa_default")
    assert m == pytest.approx(1e6 * 0.0018682 * 0.98, rel=1e-12)


def test_wet_dry() -> None:
    m_dry = M.co2_mass_from_volume(1000.0, 0.95, dry_basis=True, water_fraction=0.02)
    m = M.co2_mass_from_volume(1000.0, 0.95 * 0.98)
    assert m_dry == pytest.approx(m, rel=1e-12)


def test_bad_input() -> None:
    with pytest.raises(CCUSInputError, match="NaN"):
        M.co2_mass_from_volume(np.array([1.0, np.nan]), 0.9)
    with pytest.raises(CCUSInputError):
        M.co2_mass_from_volume(1.0, 1.2)
    with pytest.raises(CCUSInputError, match="epa_default"):
        M.co2_density_at_reference("normal", density="epa_default")
    with pytest.raises(CCUSInputError):
        M.reference_conditions("imperial")


def test_dataarray_series() -> None:
    v = xr.DataArray(np.full(24, 1000.0), dims="time")
    m = M.co2_mass_from_volume(v, 0.99, reference="normal")
    assert m.attrs["units"] == "t"
    assert float(m.sum()) == pytest.approx(24 * 1000 * 0.99 * m.attrs["density_kg_m3"] / 1000)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(1.0, 1e4), min_size=1, max_size=50),
    st.floats(0.0, 0.05),
)
def test_reconciliation_balance(flows: list[float], loss_frac: float) -> None:
    up = np.array(flows)
    down = up * (1 - loss_frac)
    loss = up - down
    r = M.reconcile_meters(up, down, 0.01, 0.01, expected_loss=loss)
    np.testing.assert_allclose(r["imbalance"], 0.0, atol=1e-9 * up.max())
    assert r["total_within"]
    # an imbalance larger than 2 combined standard uncertainties is reported
    r2 = M.reconcile_meters(up, up * 0.9, 0.01, 0.01)
    assert not r2["total_within"] and not np.any(r2["within"])


def test_mass_basis_uses_stream_density() -> None:
    comp = {"CO2": 0.95, "N2": 0.05}
    w = M.mole_to_mass_fractions(comp)
    m = M.co2_mass_from_volume(1000.0, w["CO2"], fraction_basis="mass", composition=comp)
    rho = M.co2_density_at_reference("us_standard", comp)
    assert m == pytest.approx(1000 * rho / 1000 * w["CO2"], rel=1e-12)


def test_metering_checks_ranges_and_takes_lists() -> None:
    """Regression: a CO2 fraction above one or a negative metered amount gave a number;
    plain lists raised TypeError. RR-1 / RR-2 forms on lists equal the array results."""
    from ccus import metering as m
    from ccus.errors import CCUSInputError

    with pytest.raises(CCUSInputError, match="co2_mass_fraction"):
        m.co2_mass_from_mass_flow(1.0, 1.5)
    with pytest.raises(CCUSInputError, match="mass"):
        m.co2_mass_from_mass_flow(-1.0, 0.5)
    with pytest.raises(CCUSInputError, match="volume"):
        m.co2_mass_from_volume(-5.0, 0.9)
    np.testing.assert_array_equal(m.co2_mass_from_mass_flow([1.0, 2.0], 0.9), [0.9, 1.8])
    np.testing.assert_array_equal(
        m.co2_mass_from_volume([1000.0, 2000.0], 0.99),
        m.co2_mass_from_volume(np.array([1000.0, 2000.0]), 0.99),
    )

"""CDM TOOL05 v03.0: emissions from electricity consumption (eqs. (1)-(8), defaults).

Reference values are derived by hand from the tool's equations and defaults (source:
/tmp/texts tool05.txt, the UNFCCC PDF of v03.0, EB 96 Annex 5); the comment next to each
number gives the derivation. The combined margin of option A1 is the published one of
CDM standardized baseline ASB0038-2018 (Armenia; OM 0.4620, BM 0.3456 t/MWh, wind and
solar weights 0.75/0.25 -> CM 0.4329, see tests/test_tool07.py), recomputed with
:func:`combined_margin` (to 5e-5, the rounding of the published CM). Other tolerances:
1e-9 relative, binary floating point only.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reductions.equation import tags_of
from reductions.errors import (
    ApplicabilityError,
    MonitoringDataError,
    ParameterError,
    UnitError,
)
from reductions.tools import tool03, tool05
from reductions.tools.grid_emission_factor import combined_margin
from reductions.tools.tool05 import (
    be_ec,
    check_alternative_approach,
    ef_co2_average,
    ef_co2_plant,
    ef_el_captive,
    ef_el_cogeneration,
    ef_option_a1,
    ef_option_a2,
    ef_option_b2,
    ef_scenario_c,
    electricity_emissions,
    eta_boiler_default,
    le_ec,
    le_ec_option_b4,
    may_ignore_heat,
    pe_ec,
    pe_ec_option_b3,
    pe_ec_option_b4,
    period_t,
    tdl,
)
from reductions.tools.tool07 import CombinedMargin

REL = 1e-9


def ec_array(values: list[list[float]], unit: str = "MWh") -> xr.DataArray:
    """Consumption over (source, month)."""
    return xr.DataArray(
        np.array(values, dtype=float),
        dims=("source", "month"),
        coords={"source": [f"s{i}" for i in range(len(values))],
                "month": list(range(1, len(values[0]) + 1))},
        attrs={"units": unit},
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Eqs. (1)-(3)


def test_eqs_1_to_3_reference() -> None:
    # eq. (1): 1000 MWh x 1.3 t/MWh x (1 + 0.20) = 1560 t.
    assert pe_ec(1000.0, 1.3, 0.20) == pytest.approx(1560.0, rel=REL)
    # eq. (2): 1000 MWh x 0.4 t/MWh x (1 + 0.03) = 412 t.
    assert be_ec(1000.0, 0.4, 0.03) == pytest.approx(412.0, rel=REL)
    # eq. (3): 250 MWh x 1.3 x 1.2 = 390 t; footnote 1: a decrease (-250) counts as 0.
    assert le_ec(250.0, 1.3, 0.2) == pytest.approx(390.0, rel=REL)
    assert float(le_ec(-250.0, 1.3, 0.2)) == 0.0


def test_sum_over_sources_reference() -> None:
    # Two project sources, two months: (100 + 300) x 1.3 x 1.2 = 624 t in month 1,
    # (200 + 0) x 1.3 x 1.2 = 312 t in month 2.
    pe = electricity_emissions("project", ec_array([[100.0, 200.0], [300.0, 0.0]]), 1.3, 0.2)
    np.testing.assert_allclose(pe.values, [624.0, 312.0], rtol=REL)
    assert pe.attrs["units"] == "t" and pe.dims == ("month",)


def test_option_a1_from_tool07_combined_margin() -> None:
    # ASB0038-2018: 0.75 x 0.4620 + 0.25 x 0.3456 = 0.4329 t/MWh (published 0.4329).
    cm = combined_margin(0.4620, 0.3456, 0.75, 0.25)
    assert cm == pytest.approx(0.4329, abs=5e-5)
    result = CombinedMargin(cm, 0.4620, 0.3456, 0.75, 0.25, "test", "TOOL07 eq. (16)")
    ef = ef_option_a1(result)
    # eq. (2) with TDL 3 % (table 3, option 3(a)): 1000 x 0.4329 x 1.03 = 445.887 t.
    be = electricity_emissions("baseline", ec_array([[1000.0]]), ef, tdl("A", "baseline").value)
    assert float(be.sum()) == pytest.approx(1000 * cm * 1.03, rel=REL)
    assert float(be.sum()) == pytest.approx(445.887, abs=1000 * 1.03 * 5e-5)
    kg = xr.DataArray(433.0, attrs={"units": "kg/MWh"})
    assert float(ef_option_a1(kg)) == pytest.approx(0.433)


# ---------------------------------------------------------------------------------------
# Option A2 (para. 20)


def test_option_a2_conditions() -> None:
    # (a)(i): scenario A only for project/leakage sources.
    d = ef_option_a2("project", EC_PJ_LE_A=500.0, EC_BL_A=None)
    assert (d.value, d.clause) == (1.3, "para. 20(a)(i)")
    # (a)(ii): both, project + leakage consumption greater: 1.3 for the baseline too.
    d = ef_option_a2("baseline", EC_PJ_LE_A=600.0, EC_BL_A=500.0)
    assert (d.value, d.clause) == (1.3, "para. 20(a)(ii)")
    # (b)(i): baseline only; hydro 30 % (< 50 %) -> 0.4; hydro 50 % (not < 50 %) -> 0.25.
    d = ef_option_a2("baseline", EC_PJ_LE_A=None, EC_BL_A=500.0, hydro_share=0.3)
    assert (d.value, d.clause) == (0.4, "para. 20(b)(i)")
    assert ef_option_a2("baseline", EC_PJ_LE_A=None, EC_BL_A=5.0, hydro_share=0.5).value == 0.25
    # (b)(ii): both, baseline greater: 0.25 (hydro 80 %) for the project source too.
    d = ef_option_a2("project", EC_PJ_LE_A=100.0, EC_BL_A=500.0, hydro_share=0.8)
    assert (d.value, d.clause) == (0.25, "para. 20(b)(ii)")


def test_option_a2_refusals() -> None:
    with pytest.raises(ParameterError, match="no default") as err:
        ef_option_a2("project", EC_PJ_LE_A=500.0, EC_BL_A=500.0)
    assert "para. 20(a)(ii), (b)(ii)" in str(err.value)
    with pytest.raises(ParameterError, match="hydro share") as err:
        ef_option_a2("baseline", EC_PJ_LE_A=None, EC_BL_A=500.0)
    assert err.value.variable == "hydro_share" and "para. 20(b)" in str(err.value)
    with pytest.raises(ParameterError, match="not to apply to project sources"):
        ef_option_a2("project", EC_PJ_LE_A=None, EC_BL_A=500.0, hydro_share=0.2)


# ---------------------------------------------------------------------------------------
# Scenario B: option B1 (eqs. (4)-(6), para. 26), B2 (para. 28), B3, B4


def _plants() -> tuple[xr.DataArray, xr.DataArray]:
    fc = xr.DataArray(
        [[100.0, 0.0], [50.0, 20.0]],
        dims=("plant", "fuel"),
        coords={"plant": ["P1", "P2"], "fuel": ["oil", "gas"]},
    )
    eg = xr.DataArray([500.0, 400.0], dims="plant", coords={"plant": ["P1", "P2"]})
    return fc, eg


def test_eq_4_reference() -> None:
    # NCV oil 40 GJ/t, gas 50 GJ/t; EF oil 0.075, gas 0.056 t/GJ.
    # P1: 100 x 40 x 0.075 = 300 t; P2: 50 x 40 x 0.075 + 20 x 50 x 0.056 = 150 + 56 = 206 t.
    # eq. (4): (300 + 206) / (500 + 400) = 506 / 900 t/MWh.
    fc, eg = _plants()
    ncv = xr.DataArray([40.0, 50.0], dims="fuel", coords={"fuel": ["oil", "gas"]})
    ef = xr.DataArray([0.075, 0.056], dims="fuel", coords={"fuel": ["oil", "gas"]})
    assert float(ef_el_captive(fc, ncv, ef, eg)) == pytest.approx(506 / 900, rel=REL)


def test_eq_5_reference() -> None:
    # Fuel energy P1: 4000 GJ; P2: 2000 + 1000 = 3000 GJ. Heat 1200 GJ (P1), 0 (P2),
    # eta_boiler 0.6 (table 7 (b), baseline) -> 2000 GJ of fuel allocated to heat in P1.
    # EF_CO2,n: 0.075 (P1), 0.07 (P2). eq. (5): ((4000 - 2000) x 0.075 + 3000 x 0.07) / 900
    # = (150 + 210) / 900 = 0.4 t/MWh.
    fc, eg = _plants()
    ncv = xr.DataArray([40.0, 50.0], dims="fuel", coords={"fuel": ["oil", "gas"]})
    hg = xr.DataArray([1200.0, 0.0], dims="plant", coords={"plant": ["P1", "P2"]})
    ef_n = xr.DataArray([0.075, 0.07], dims="plant", coords={"plant": ["P1", "P2"]})
    eta = eta_boiler_default("baseline").value
    assert float(ef_el_cogeneration(fc, ncv, hg, eta, ef_n, eg)) == pytest.approx(0.4, rel=REL)
    assert eta_boiler_default("project").value == 1.0


def test_eq_6_and_para_26() -> None:
    # eq. (6), P2: (2000 x 0.075 + 1000 x 0.056) / 3000 = 206 / 3000 t/GJ.
    fc = xr.DataArray([50.0, 20.0], dims="fuel", coords={"fuel": ["oil", "gas"]})
    ncv = xr.DataArray([40.0, 50.0], dims="fuel", coords={"fuel": ["oil", "gas"]})
    ef = xr.DataArray([0.075, 0.056], dims="fuel", coords={"fuel": ["oil", "gas"]})
    assert float(ef_co2_average(fc, ncv, ef)) == pytest.approx(206 / 3000, rel=REL)
    # para. 26(b)(i) lowest for baseline, (ii) highest for project, (a) single fuel.
    assert ef_co2_plant("baseline", ef).value == 0.056
    assert ef_co2_plant("project", ef).clause == "para. 26(b)(ii)"
    assert ef_co2_plant("baseline", ef.sel(fuel=["oil"])).clause == "para. 26(a)"
    # (iii): same plant, project greater -> (ii) for both.
    d = ef_co2_plant("baseline", ef, EC_BL_plant=100.0, EC_PJ_LE_plant=200.0)
    assert d.value == 0.075 and "(b)(iii)" in d.clause


def test_option_b1_helpers() -> None:
    assert may_ignore_heat("project") and not may_ignore_heat("baseline")
    assert may_ignore_heat("baseline", EC_PJ_plant=10.0, EC_BL_plant=5.0)
    assert period_t("project", captive_plant_operated_in_period=False) == "monitored period"


def test_option_b2_conditions() -> None:
    # (a)(i): project source -> 1.3.
    assert ef_option_b2("project").value == 1.3
    # Project source with baseline consumption greater: (a)(i) 1.3 and (b)(ii) 0.4 both
    # hold; the default is the more conservative for a project source (1.3).
    d = ef_option_b2("project", EC_BL_site=900.0, EC_PJ_site=100.0)
    assert d.value == 1.3 and (0.4, "para. 28(b)(ii)") in d.alternatives
    assert (
        ef_option_b2("project", EC_BL_site=900.0, EC_PJ_site=100.0, clause="28(b)(ii)").value == 0.4
    )
    # Baseline source: (b)(i) 0.4; with project consumption greater (a)(ii) 1.3 may be named.
    assert ef_option_b2("baseline").value == 0.4
    d = ef_option_b2("baseline", EC_BL_site=100.0, EC_PJ_site=900.0, clause="28(a)(ii)")
    assert d.value == 1.3
    with pytest.raises(ParameterError, match="condition does not hold") as err:
        ef_option_b2("baseline", EC_BL_site=900.0, EC_PJ_site=100.0, clause="28(a)(ii)")
    assert "28(a)(ii)" in str(err.value)


def test_option_b4_reference_and_conditions() -> None:
    # eq. (7): 11,400 t/MW x 2.5 MW = 28,500 t; eq. (8): 11,400 x 0.1 = 1,140 t.
    assert pe_ec_option_b4(2.5) == pytest.approx(28_500.0, rel=REL)
    assert le_ec_option_b4(0.1) == pytest.approx(1_140.0, rel=REL)
    with pytest.raises(ApplicabilityError, match="scenario B") as err:
        check_alternative_approach("A", "project")
    assert "para. 32" in str(err.value)
    with pytest.raises(ApplicabilityError):
        check_alternative_approach("B", "baseline")


def test_option_b3_through_tool03() -> None:
    # TOOL03 eq. (4): 10 t x 40 GJ/t x 0.075 t/GJ = 30 t.
    fc = tool03.fuel_values({"diesel": (10.0, "t")})
    r = pe_ec_option_b3(
        "B",
        "leakage",
        fc,
        NCV=tool03.fuel_values({"diesel": (40.0, "GJ/t")}),
        EF_CO2=tool03.fuel_values({"diesel": (0.075, "t/GJ")}),
    )
    assert float(r.PE_FC_j_y) == pytest.approx(30.0, rel=REL)
    with pytest.raises(ApplicabilityError):
        pe_ec_option_b3("C", "project", fc)


# ---------------------------------------------------------------------------------------
# Scenario C (para. 31) and TDL (Data/Parameter table 3)


def test_scenario_c() -> None:
    assert ef_scenario_c("C.I", "project", ef_a=0.8).value == 0.8
    assert ef_scenario_c("C.II", "project", ef_b=1.3).value == 1.3
    # C.III: the more conservative (footnote 5): higher for project, lower for baseline.
    assert ef_scenario_c("C.III", "project", ef_a=0.8, ef_b=1.3).value == 1.3
    assert ef_scenario_c("C.III", "baseline", ef_a=0.8, ef_b=1.3).value == 0.8
    with pytest.raises(ParameterError, match="needs ef_b"):
        ef_scenario_c("C.III", "project", ef_a=0.8)


def test_tdl_defaults_and_conditions() -> None:
    assert tdl("B", "project").value == 0.0
    assert tdl("C", "baseline", case="C.II").value == 0.0
    assert (tdl("A", "project").value, tdl("A", "project").clause[-9:]) == (0.2, "option 2(a)"[-9:])
    assert tdl("C", "leakage", case="C.III").value == 0.2
    assert tdl("A", "baseline").value == 0.03
    # 2(b): baseline source may take 20 % if project + leakage consumption is larger.
    assert tdl("A", "baseline", option=2, EC_PJ_LE_A=900.0, EC_BL_A=100.0).value == 0.2
    with pytest.raises(ParameterError, match="condition does not hold") as err:
        tdl("A", "baseline", option=2, EC_PJ_LE_A=100.0, EC_BL_A=900.0)
    assert "option 2" in str(err.value)
    # 3(b): project source may take 3 % if project + leakage consumption is smaller.
    assert tdl("A", "project", option=3, EC_PJ_LE_A=100.0, EC_BL_A=900.0).value == 0.03
    # Option 1: host-country value, not older than 5 years.
    assert tdl("A", "project", option=1, host_country_value=0.08, data_age_years=2).value == 0.08
    with pytest.raises(ParameterError, match="not older than 5 years"):
        tdl("A", "project", option=1, host_country_value=0.08, data_age_years=6)
    with pytest.raises(ParameterError, match="TDL = 0"):
        tdl("B", "project", option=2)
    with pytest.raises(ParameterError, match="needs its case"):
        tdl("C", "project")


# ---------------------------------------------------------------------------------------
# Bad input


def test_negative_project_consumption_names_source() -> None:
    with pytest.raises(MonitoringDataError) as err:
        electricity_emissions("project", ec_array([[10.0, -1.0]]), 1.3, 0.2)
    text = str(err.value)
    assert err.value.variable == "EC_PJ_j_y" and "source 's0'" in text and "month 2" in text
    assert "para. 16" in text


def test_negative_leakage_is_a_decrease() -> None:
    le = electricity_emissions("leakage", ec_array([[-10.0, 10.0]]), 1.3, 0.2)
    np.testing.assert_allclose(le.values, [0.0, 15.6], rtol=REL)


def test_tdl_out_of_range_and_units() -> None:
    with pytest.raises(ParameterError, match=r"\[0, 1\)") as err:
        electricity_emissions("project", ec_array([[10.0]]), 1.3, 20.0)
    assert err.value.variable == "TDL" and "Data/Parameter table 3" in str(err.value)
    with pytest.raises(UnitError) as uerr:
        electricity_emissions(
            "project", ec_array([[10.0]]), xr.DataArray(1.3, attrs={"units": "t/m3"}), 0.2
        )
    assert uerr.value.variable == "EF_EF"
    with pytest.raises(UnitError) as uerr:
        electricity_emissions("baseline", ec_array([[10.0]], unit="t"), 1.3, 0.2)
    assert uerr.value.variable == "EC_BL_k_y"
    with pytest.raises(ParameterError, match="role"):
        electricity_emissions("other", ec_array([[10.0]]), 1.3, 0.2)


# ---------------------------------------------------------------------------------------
# Properties

PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
months = st.lists(st.floats(0.0, 1e5, allow_nan=False), min_size=1, max_size=12)


@PROPS
@given(months, st.floats(0.0, 2.0), st.floats(0.0, 0.5), st.floats(1e-3, 1e3))
def test_linear_in_consumption(ec: list[float], ef: float, loss: float, k: float) -> None:
    base = electricity_emissions("project", ec_array([ec]), ef, loss)
    scaled = electricity_emissions("project", ec_array([[v * k for v in ec]]), ef, loss)
    np.testing.assert_allclose(scaled.values, k * base.values, rtol=1e-9, atol=1e-9)


@PROPS
@given(months, st.floats(0.0, 2.0), st.floats(0.0, 0.5))
def test_unit_invariance(ec: list[float], ef: float, loss: float) -> None:
    # MWh vs kWh (and GJ), t/MWh vs kg/kWh, fraction vs percent.
    mwh = electricity_emissions("baseline", ec_array([ec]), ef, loss)
    kwh = electricity_emissions(
        "baseline",
        ec_array([[v * 1000 for v in ec]], unit="kWh"),
        xr.DataArray(ef, attrs={"units": "kg/kWh"}),
        xr.DataArray(loss * 100, attrs={"units": "percent"}),
    )
    gj = electricity_emissions("baseline", ec_array([[v * 3.6 for v in ec]], unit="GJ"), ef, loss)
    np.testing.assert_allclose(kwh.values, mwh.values, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(gj.values, mwh.values, rtol=1e-9, atol=1e-9)


@PROPS
@given(months, st.floats(0.0, 2.0), st.floats(0.0, 0.5))
def test_periods_sum_to_the_whole(ec: list[float], ef: float, loss: float) -> None:
    monthly = electricity_emissions("project", ec_array([ec]), ef, loss)
    whole = electricity_emissions("project", ec_array([[sum(ec)]]), ef, loss)
    assert float(monthly.sum()) == pytest.approx(float(whole.sum()), rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------------------------------
# Tags and doctests


def test_equation_tags() -> None:
    for fn, where in {
        pe_ec: "eq. (1)",
        be_ec: "eq. (2)",
        le_ec: "eq. (3)",
        ef_el_captive: "eq. (4)",
        ef_el_cogeneration: "eq. (5)",
        ef_co2_average: "eq. (6)",
        pe_ec_option_b4: "eq. (7)",
        le_ec_option_b4: "eq. (8)",
    }.items():
        (tag,) = tags_of(fn)
        assert (tag.document, tag.version, tag.where) == ("TOOL05", "03.0", where)


def test_module_doctests() -> None:
    result = doctest.testmod(tool05, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 20

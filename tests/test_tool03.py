"""CDM TOOL03 v03.0: CO2 emissions from fossil fuel combustion (eqs. (1)-(4)).

Reference values are derived by hand from the tool's equations (source: /tmp/texts
tool03.txt, the UNFCCC PDF of v03.0, EB 96 Annex 4) with round synthetic inputs, so each
product is exact in decimal; the comment next to each number says how it was derived.
The fuel properties are made-up round numbers, not IPCC defaults. Tolerances: 1e-9
relative, for binary floating point only (the hand values are exact).
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reductions.equation import tags_of
from reductions.errors import MonitoringDataError, ParameterError, UnitError
from reductions.tools import tool03
from reductions.tools.tool03 import (
    check_data_source,
    coef_option_a_mass,
    coef_option_a_volume,
    coef_option_b,
    fossil_fuel_emissions,
    fuel_values,
    ipcc_upper_limit,
    pe_fc,
    qaqc_ipcc_range,
)

REL = 1e-9


def fc_array(
    values: dict[str, list[float]], units: dict[str, str], years: list[int] | None = None
) -> xr.DataArray:
    """FC over (fuel, year) with one unit per fuel (coordinate ``unit``)."""
    fuels = list(values)
    n = len(next(iter(values.values())))
    years = years or list(range(2021, 2021 + n))
    return xr.DataArray(
        np.array([values[f] for f in fuels], dtype=float),
        dims=("fuel", "year"),
        coords={"fuel": fuels, "year": years, "unit": ("fuel", [units[f] for f in fuels])},
    )


# ---------------------------------------------------------------------------------------
# Reference values (hand derivations)


def test_option_b_reference() -> None:
    # eq. (4): COEF = NCV x EF_CO2 = 40 GJ/t x 0.075 t/GJ = 3.0 t/t.
    # eq. (1): PE = 100 t x 3.0 + 200 t x 3.0 = 300 and 600 t in the two years.
    fc = fc_array({"oil": [100.0, 200.0]}, {"oil": "t"})
    r = fossil_fuel_emissions(
        fc,
        NCV=fuel_values({"oil": (40.0, "GJ/t")}),
        EF_CO2=fuel_values({"oil": (0.075, "t/GJ")}),
    )
    np.testing.assert_allclose(r.PE_FC_j_y.values, [300.0, 600.0], rtol=REL)
    assert r.option.values.tolist() == ["B"]
    assert r.equation.values.tolist() == ["eq. (4)"]
    assert r.PE_FC_j_y.attrs["units"] == "t"


def test_option_a_mass_reference() -> None:
    # eq. (2): COEF = w_C x 44/12 = 0.6 x 44/12 = 2.2 t CO2/t; 50 t -> 110 t CO2.
    fc = fc_array({"coal": [50.0]}, {"coal": "t"})
    r = fossil_fuel_emissions(fc, w_C=fuel_values({"coal": (0.6, "tC/t")}))
    assert float(r.PE_FC_j_y.item()) == pytest.approx(110.0, rel=REL)
    assert r.equation.values.tolist() == ["eq. (2)"]


def test_option_a_volume_reference() -> None:
    # eq. (3): COEF = w_C x rho x 44/12 = 0.75 x 0.8 t/m3 x 44/12 = 2.2 t CO2/m3;
    # 1000 m3 -> 2200 t CO2.
    fc = fc_array({"oil": [1000.0]}, {"oil": "m3"})
    r = fossil_fuel_emissions(
        fc, w_C=fuel_values({"oil": (0.75, "1")}), rho=fuel_values({"oil": (0.8, "t/m3")})
    )
    assert float(r.PE_FC_j_y.item()) == pytest.approx(2200.0, rel=REL)
    assert r.equation.values.tolist() == ["eq. (3)"]
    assert r.COEF_i_y.coords["unit"].values.tolist() == ["t/m**3"]


def test_mixed_fuels_and_units_reference() -> None:
    # coal metered in kg, option A (eq. (2)): 2000 kg = 2 t; w_C 60 % -> 2.2 t/t -> 4.4 t.
    # gas metered in Nm3, option B (eq. (4)): NCV 36 MJ/Nm3 = 0.036 GJ/Nm3,
    #   EF 55 kg/GJ = 0.055 t/GJ -> COEF 0.00198 t/Nm3; 10 000 Nm3 -> 19.8 t.
    # eq. (1): 4.4 + 19.8 = 24.2 t.
    fc = fc_array({"coal": [2000.0], "gas": [10_000.0]}, {"coal": "kg", "gas": "Nm3"})
    r = fossil_fuel_emissions(
        fc,
        w_C=fuel_values({"coal": (60.0, "percent")}),
        NCV=fuel_values({"gas": (36.0, "MJ/Nm3")}),
        EF_CO2=fuel_values({"gas": (55.0, "kg/GJ")}),
    )
    assert float(r.PE_FC_j_y.item()) == pytest.approx(24.2, rel=REL)
    assert r.option.values.tolist() == ["A", "B"]


def test_para_8_option_a_preferred_and_override() -> None:
    # Both options' data given: para. 8 prefers A (w_C 0.5 -> 11/6 t/t); option="B"
    # forces eq. (4) (40 x 0.075 = 3.0 t/t). 6 t -> 11 t (A) or 18 t (B).
    fc = fc_array({"oil": [6.0]}, {"oil": "t"})
    kw = {
        "w_C": fuel_values({"oil": (0.5, "1")}),
        "NCV": fuel_values({"oil": (40.0, "GJ/t")}),
        "EF_CO2": fuel_values({"oil": (0.075, "t/GJ")}),
    }
    assert float(fossil_fuel_emissions(fc, **kw).PE_FC_j_y.item()) == pytest.approx(11.0)
    forced = fossil_fuel_emissions(fc, option={"oil": "B"}, **kw)
    assert float(forced.PE_FC_j_y.item()) == pytest.approx(18.0)


def test_parameters_by_year() -> None:
    # NCV changing by year (weighted annual averages): 40 and 42 GJ/t with EF 0.075:
    # 10 t x 3.0 = 30 t; 10 t x 3.15 = 31.5 t.
    fc = fc_array({"oil": [10.0, 10.0]}, {"oil": "t"})
    ncv = xr.DataArray(
        [[40.0, 42.0]],
        dims=("fuel", "year"),
        coords={"fuel": ["oil"], "year": [2021, 2022]},
        attrs={"units": "GJ/t"},
    )
    r = fossil_fuel_emissions(fc, NCV=ncv, EF_CO2=fuel_values({"oil": (0.075, "t/GJ")}))
    np.testing.assert_allclose(r.PE_FC_j_y.values, [30.0, 31.5], rtol=REL)


def test_equation_functions_on_arrays() -> None:
    # Scalars, numpy and xarray alike.
    assert coef_option_a_mass(0.6) == pytest.approx(2.2)
    np.testing.assert_allclose(coef_option_a_volume(np.array([0.75]), 0.8), [2.2])
    assert coef_option_b(40.0, 0.075) == pytest.approx(3.0)
    fc = xr.DataArray([1.0, 2.0], dims="fuel", coords={"fuel": ["a", "b"]})
    assert float(pe_fc(fc, 3.0)) == pytest.approx(9.0)


def test_ipcc_upper_limit_and_sources() -> None:
    # Data/Parameter tables 4(d), 5(d): the upper limit of the 95 % interval.
    assert ipcc_upper_limit(10.0, 9.0, 11.0, parameter="NCV") == 11.0
    with pytest.raises(ParameterError, match="lower <= default <= upper") as err:
        ipcc_upper_limit(10.0, 11.0, 9.0, parameter="EF_CO2")
    assert err.value.variable == "EF_CO2" and "table 5 (d)" in str(err.value.rule)
    assert check_data_source("w_C", "a", supplier_values_available=True).endswith("(a)")
    with pytest.raises(ParameterError, match="only if the fuel supplier") as err:
        check_data_source("NCV", "b", supplier_values_available=True, fuel="oil")
    assert "fuel 'oil'" in str(err.value) and "If (a) is not available" in str(err.value)
    with pytest.raises(ParameterError, match="liquid fuels"):
        check_data_source("rho", "c", supplier_values_available=False, liquid_fuel=False)
    with pytest.raises(ParameterError, match=r"not a source of w_C"):
        check_data_source("w_C", "d", supplier_values_available=False)
    check = qaqc_ipcc_range("NCV", 40.0, 41.0, 44.0)
    assert not check.passes and "additional measurements" in check.action
    assert qaqc_ipcc_range("w_C", 0.8, 0.7, 0.9).position == "within"


# ---------------------------------------------------------------------------------------
# Bad input: the message names the variable / fuel and the rule


def _b(fc: xr.DataArray) -> dict[str, xr.DataArray]:
    fuels = [str(f) for f in fc["fuel"].values]
    return {
        "NCV": fuel_values({f: (40.0, "GJ/t") for f in fuels}),
        "EF_CO2": fuel_values({f: (0.075, "t/GJ") for f in fuels}),
    }


def test_negative_consumption_names_fuel_and_rule() -> None:
    fc = fc_array({"oil": [1.0, -2.0]}, {"oil": "t"})
    with pytest.raises(MonitoringDataError) as err:
        fossil_fuel_emissions(fc, **_b(fc))
    text = str(err.value)
    assert err.value.variable == "FC" and "fuel 'oil'" in text and "year 2022" in text
    assert "negative" in text and "Data/Parameter table 1" in text


def test_missing_consumption_is_an_error() -> None:
    fc = fc_array({"oil": [1.0, np.nan]}, {"oil": "t"})
    with pytest.raises(MonitoringDataError, match="missing") as err:
        fossil_fuel_emissions(fc, **_b(fc))
    assert "fuel 'oil'" in str(err.value)


def test_fuel_without_coefficient() -> None:
    fc = fc_array({"oil": [1.0], "coal": [1.0]}, {"oil": "t", "coal": "t"})
    with pytest.raises(ParameterError) as err:
        fossil_fuel_emissions(
            fc,
            NCV=fuel_values({"oil": (40.0, "GJ/t")}),
            EF_CO2=fuel_values({"oil": (0.075, "t/GJ")}),
        )
    text = str(err.value)
    assert "fuel 'coal'" in text and "no CO2 emission coefficient" in text
    assert "paras 7-8" in text


def test_option_a_volume_without_density() -> None:
    fc = fc_array({"oil": [1.0]}, {"oil": "m3"})
    with pytest.raises(ParameterError) as err:
        fossil_fuel_emissions(fc, w_C=fuel_values({"oil": (0.8, "1")}), option="A")
    assert err.value.variable == "rho" and "fuel 'oil'" in str(err.value)
    assert "para. 7(a)" in str(err.value)


def test_unit_mismatch_ncv_per_mass_for_volume_fuel() -> None:
    fc = fc_array({"gas": [100.0]}, {"gas": "m3"})
    with pytest.raises(UnitError) as err:
        fossil_fuel_emissions(
            fc,
            NCV=fuel_values({"gas": (40.0, "GJ/t")}),
            EF_CO2=fuel_values({"gas": (0.056, "t/GJ")}),
        )
    assert err.value.variable == "NCV" and "fuel 'gas'" in str(err.value)
    assert "dimension" in str(err.value)


def test_fc_in_energy_unit_refused() -> None:
    fc = fc_array({"oil": [1.0]}, {"oil": "MWh"})
    with pytest.raises(UnitError, match="neither a mass nor a volume") as err:
        fossil_fuel_emissions(fc, **_b(fc))
    assert "Data/Parameter table 1" in str(err.value)


def test_gas_volume_at_reference_conditions_against_actual_density() -> None:
    fc = fc_array({"gas": [100.0]}, {"gas": "Nm3"})
    with pytest.raises(UnitError) as err:
        fossil_fuel_emissions(
            fc, w_C=fuel_values({"gas": (0.7, "1")}), rho=fuel_values({"gas": (0.7, "kg/m3")})
        )
    assert err.value.variable == "rho"


def test_carbon_fraction_out_of_range() -> None:
    fc = fc_array({"coal": [1.0]}, {"coal": "t"})
    with pytest.raises(ParameterError, match="mass fraction") as err:
        fossil_fuel_emissions(fc, w_C=fuel_values({"coal": (1.5, "1")}))
    assert err.value.variable == "w_C" and "fuel 'coal'" in str(err.value)


def test_no_unit() -> None:
    fc = xr.DataArray([1.0], dims="fuel", coords={"fuel": ["oil"]})
    with pytest.raises(UnitError, match="no unit"):
        fossil_fuel_emissions(fc)


# ---------------------------------------------------------------------------------------
# Properties

PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
positive = st.floats(1e-3, 1e6, allow_nan=False)
years_fc = st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=6)


@PROPS
@given(years_fc, st.floats(0.0, 1e6, allow_nan=False), positive)
def test_linear_in_consumption(oil: list[float], coal: float, k: float) -> None:
    fc = fc_array({"oil": oil, "coal": [coal] * len(oil)}, {"oil": "t", "coal": "t"})
    kw = {
        "w_C": fuel_values({"coal": (0.6, "1")}),
        "NCV": fuel_values({"oil": (40.0, "GJ/t")}),
        "EF_CO2": fuel_values({"oil": (0.075, "t/GJ")}),
    }
    base = fossil_fuel_emissions(fc, **kw).PE_FC_j_y
    scaled = fossil_fuel_emissions(fc * k, **kw).PE_FC_j_y
    np.testing.assert_allclose(scaled.values, k * base.values, rtol=1e-9, atol=1e-9)


@PROPS
@given(years_fc, st.floats(30.0, 50.0), st.floats(0.05, 0.1))
def test_unit_invariance(oil: list[float], ncv: float, ef: float) -> None:
    # t vs kg, GJ/t vs MJ/kg, t/GJ vs kg/GJ, m3 vs L with rho in t/m3 vs kg/L.
    in_t = fossil_fuel_emissions(
        fc_array({"oil": oil}, {"oil": "t"}),
        NCV=fuel_values({"oil": (ncv, "GJ/t")}),
        EF_CO2=fuel_values({"oil": (ef, "t/GJ")}),
    ).PE_FC_j_y
    in_kg = fossil_fuel_emissions(
        fc_array({"oil": [v * 1000 for v in oil]}, {"oil": "kg"}),
        NCV=fuel_values({"oil": (ncv, "MJ/kg")}),
        EF_CO2=fuel_values({"oil": (ef * 1000, "kg/GJ")}),
    ).PE_FC_j_y
    np.testing.assert_allclose(in_kg.values, in_t.values, rtol=1e-9, atol=1e-9)
    in_m3 = fossil_fuel_emissions(
        fc_array({"oil": oil}, {"oil": "m3"}),
        w_C=fuel_values({"oil": (0.85, "1")}),
        rho=fuel_values({"oil": (0.84, "t/m3")}),
    ).PE_FC_j_y
    in_l = fossil_fuel_emissions(
        fc_array({"oil": [v * 1000 for v in oil]}, {"oil": "L"}),
        w_C=fuel_values({"oil": (85.0, "percent")}),
        rho=fuel_values({"oil": (0.84, "kg/L")}),
    ).PE_FC_j_y
    np.testing.assert_allclose(in_l.values, in_m3.values, rtol=1e-9, atol=1e-9)


@PROPS
@given(years_fc)
def test_periods_sum_to_the_whole(oil: list[float]) -> None:
    kw = {
        "NCV": fuel_values({"oil": (40.0, "GJ/t")}),
        "EF_CO2": fuel_values({"oil": (0.075, "t/GJ")}),
    }
    by_period = fossil_fuel_emissions(fc_array({"oil": oil}, {"oil": "t"}), **kw).PE_FC_j_y
    whole = fossil_fuel_emissions(fc_array({"oil": [sum(oil)]}, {"oil": "t"}), **kw).PE_FC_j_y
    assert float(by_period.sum()) == pytest.approx(float(whole.sum()), rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------------------------------
# Tags and doctests


def test_equation_tags() -> None:
    for fn, where in {
        pe_fc: "eq. (1)",
        coef_option_a_mass: "eq. (2)",
        coef_option_a_volume: "eq. (3)",
        coef_option_b: "eq. (4)",
    }.items():
        (tag,) = tags_of(fn)
        assert (tag.document, tag.version, tag.where) == ("TOOL03", "03.0", where)


def test_module_doctests() -> None:
    result = doctest.testmod(tool03, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 10

"""CCER-01-001-V01, grid-connected solar thermal power (并网光热发电), MEE October 2023.

Text as transcribed in knifesoft/isostds ``docs/carbon/CCER-01-001.md``; tables read in
the images of knifesoft/imgcloud (``2013/202311072244625.png`` Table 2 and
``2013/202311072246355.png`` Table 3: omega_OM = omega_BM = 0.5, default values;
``2013/202311072246939.png``, ``...2247576.png``, ``...2248004.png`` Tables 4-6: NCV, CC,
OF, the MEE guideline's defaults, no number given; ``...2249231.png``, ``...2250252.png``
Tables 7-8: meters of class 0.5 or better; ``...2311934.png``, ``...2311982.png`` Tables
9-10: the factors' vintage; ``...2312276.png`` Table 11: FC in t or 10^4 Nm3, gas flow
meters of class 2.0 or better).

- Eq. (1) BE_y = EG_PJ,y x EF_grid,CM,y; eq. (2) EG_PJ,y = EG_export,y - EG_import,y;
  eq. (3) EF_grid,CM,y = EF_OM x omega_OM + EF_BM x omega_BM (the transcription's "x"
  between the terms is a "+"); eq. (4) PE_y = sum_i FC_i,y x COEF_i,y; eq. (5) COEF_i,y =
  NCV_i,y x CC_i,y x OF_i,y x 44/12; eq. (6) ER_y = BE_y - PE_y (leakage ignored, para.
  6.5); para. 7.3.4 a)-c): export down, import and fuel up by the meter error.

Inputs of the hand calculations (all illustrative, none a published figure):

- OM 0.8922 and BM 0.4407 t/MWh: the MEE 2019 Northwest grid factors as a third party
  transcribed them (the same values as examples/acm0002-wind), so CM = 0.66645 t/MWh;
- NCV 38.931 GJ/kNm3 (389.31 GJ/10^4 Nm3), CC 15.32 tC/TJ, OF 99 % for natural gas and
  NCV 42.652 GJ/t, CC 20.20 tC/TJ, OF 98 % for diesel: of the size of the MEE guideline's
  defaults, used by the example; not quoted from the guideline;
- the quarter's meters: 100 MWh export and 1 MWh import every day, 1,000 Nm3 of natural gas
  and 1 t of diesel every day, 2024-01-01 to 2024-03-31 (91 days, UTC+8).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from methodologies.renewable.ccer_01_001 import (
    CCER01001,
    combined_margin_regional,
    fuel_co2_coefficient,
    fuel_project_emissions,
    gas_fuel_co2_coefficient,
    project_emissions,
)
from methodologies.renewable.equations import (
    baseline_emissions_grid,
    emission_reductions,
    net_electricity_supplied,
)
from methodologies.renewable.meter_error import (
    corrected_export,
    corrected_fuel,
    corrected_fuel_gas,
    corrected_import,
)
from reductions import quantify
from reductions.cli import main
from reductions.errors import ApplicabilityError, MonitoringDataError, ParameterError, UnitError
from reductions.plugin import Finding, Status, tags_of
from reductions.project import load_project
from reductions.run import resolve
from reductions.testing import check_invariance, check_methodology, check_result
from tests.strategies import write_project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ccer-01-001-solar-thermal"
QUARTER = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
DAYS = 91  # 31 + 29 + 31
OM, BM = 0.8922, 0.4407  # t/MWh, illustrative (see the module docstring)
CM = 0.66645  # 0.5 x 0.8922 + 0.5 x 0.4407
#: Eq. (5) by hand: 0.038931 GJ/Nm3 x 0.01532 tC/GJ x 0.99 x 44/12.
COEF_GAS = 0.038931 * 0.01532 * 0.99 * 44 / 12  # = 0.0021650151996 t/Nm3
#: Eq. (5) by hand: 42.652 GJ/t x 0.0202 tC/GJ x 0.98 x 44/12.
COEF_DIESEL = 42.652 * 0.0202 * 0.98 * 44 / 12  # = 3.0959096373 t/t


# --- equations --------------------------------------------------------------------------------


def test_shared_equations_carry_the_ccer_01_001_tags() -> None:
    """The equations CCER-01-001 shares with CCER-01-002 and ACM0002 are tagged with
    CCER-01-001's own numbers."""
    expected = {
        net_electricity_supplied: "CCER-01-001-V01 eq. (2)",
        baseline_emissions_grid: "CCER-01-001-V01 eq. (1)",
        emission_reductions: "CCER-01-001-V01 eq. (6)",
        corrected_export: "CCER-01-001-V01 para. 7.3.4 a)",
        corrected_import: "CCER-01-001-V01 para. 7.3.4 b)",
        corrected_fuel: "CCER-01-001-V01 para. 7.3.4 c)",
        corrected_fuel_gas: "CCER-01-001-V01 para. 7.3.4 c)",
        combined_margin_regional: "CCER-01-001-V01 eq. (3)",
        project_emissions: "CCER-01-001-V01 eq. (4)",
        fuel_co2_coefficient: "CCER-01-001-V01 eq. (5)",
        gas_fuel_co2_coefficient: "CCER-01-001-V01 eq. (5)",
    }
    for fn, reference in expected.items():
        mine = [t.reference for t in tags_of(fn) if t.document == "CCER-01-001"]
        assert mine == [reference], fn.__name__
    listed = {e.reference for e in CCER01001.equation_list()}
    assert {f"CCER-01-001-V01 eq. ({n})" for n in range(1, 7)} <= listed


def test_baseline_equations_1_to_3() -> None:
    """Eq. (2): 100 - 1 = 99 MWh a day; eq. (3): 0.5 x 0.8922 + 0.5 x 0.4407 = 0.66645
    t/MWh (a sum: the transcription's "x" would give 0.8922 x 0.5 x 0.4407 x 0.5 =
    0.0983 t^2/MWh^2); eq. (1): 9,009 MWh x 0.66645 = 6,004.04805 t."""
    assert net_electricity_supplied(100.0, 1.0) == 99.0
    assert combined_margin_regional(OM, BM, 0.5, 0.5) == pytest.approx(CM, rel=1e-15)
    assert baseline_emissions_grid(DAYS * 99.0, CM) == pytest.approx(6_004.04805, rel=1e-12)


def test_coefficient_eq5() -> None:
    """Eq. (5) by hand (inputs in the module docstring): natural gas 0.038931 x 0.01532 x
    0.99 x 44/12 = 0.0021650151996 t/Nm3 (2.165 t per 1,000 Nm3); diesel 42.652 x 0.0202
    x 0.98 x 44/12 = 3.0959096373 t/t."""
    assert gas_fuel_co2_coefficient(0.038931, 0.01532, 0.99) == pytest.approx(
        0.0021650151996, rel=1e-12
    )
    assert fuel_co2_coefficient(42.652, 0.0202, 0.98) == pytest.approx(3.0959096373, rel=1e-10)
    # 44/12 is the ratio of the molecular masses: 1 tC/GJ x 1 GJ/t fully oxidised.
    assert fuel_co2_coefficient(1.0, 1.0, 1.0) == pytest.approx(44 / 12, rel=1e-15)


def test_project_emissions_eq4() -> None:
    """Eq. (4): sum over the fuels of FC_i,y x COEF_i,y, over the ``fuel`` dimension:
    2 t diesel x 3.0959 + 1,000 Nm3 x 0.0021650 = 6.1918 + 2.1650 t, per time step."""
    fc = xr.DataArray([[2.0], [0.0]], dims=("time", "fuel"), coords={"fuel": ["diesel"]})
    gas = xr.DataArray([[1000.0], [500.0]], dims=("time", "fuel"), coords={"fuel": ["natural_gas"]})
    by_mass = fuel_project_emissions(
        fc, xr.DataArray([COEF_DIESEL], dims="fuel", coords={"fuel": ["diesel"]})
    )
    by_volume = fuel_project_emissions(
        gas, xr.DataArray([COEF_GAS], dims="fuel", coords={"fuel": ["natural_gas"]})
    )
    pe = project_emissions(by_mass, by_volume)
    assert pe.dims == ("time",)
    np.testing.assert_allclose(
        pe.values, [2 * COEF_DIESEL + 1000 * COEF_GAS, 500 * COEF_GAS], rtol=1e-15
    )
    # A family that is not burnt is a zero.
    np.testing.assert_allclose(project_emissions(by_mass, 0.0).values, [2 * COEF_DIESEL, 0.0])


def test_emission_reductions_eq6() -> None:
    """Eq. (6): ER_y = BE_y - PE_y, leakage zero (para. 6.5)."""
    assert emission_reductions(6_004.04805, 481.856, 0.0) == pytest.approx(5_522.19205)


def test_fuel_correction_is_upwards() -> None:
    """Para. 7.3.4 c): the fuel reading is increased by |error| whatever its sign, like
    the import reading (b)), unlike the export reading (a))."""
    assert corrected_fuel(1.0, 0.005) == pytest.approx(1.005, rel=1e-15)
    assert corrected_fuel_gas(1000.0, -0.018) == pytest.approx(1018.0, rel=1e-15)
    assert corrected_export(100.0, -0.0026) == pytest.approx(99.74, rel=1e-15)
    assert corrected_import(1.0, 0.002) == pytest.approx(1.002, rel=1e-15)


# --- a quarter of daily data, run through the engine ---------------------------------------


def base_parameters(**changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "project_type": "standalone",
        "fossil_fuel_used": True,
        "EF_grid_OM_y": {"value": OM, "unit": "t/MWh", "source": "illustrative (docstring)"},
        "EF_grid_BM_y": {"value": BM, "unit": "t/MWh", "source": "illustrative (docstring)"},
        "EF_grid_vintage": 2019,
        "MPE_export": 0.002,
        "MPE_import": 0.002,
        "NCV_natural_gas": {"value": 38.931, "unit": "GJ/kNm3"},
        "CC_natural_gas": {"value": 15.32, "unit": "tC/TJ"},
        "OF_natural_gas": {"value": 99, "unit": "%"},
        "MPE_natural_gas": 0.015,
        "NCV_diesel": {"value": 42.652, "unit": "GJ/t"},
        "CC_diesel": {"value": 20.20, "unit": "tC/TJ"},
        "OF_diesel": {"value": 98, "unit": "%"},
        "MPE_diesel": 0.005,
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


#: Electricity meters calibrated 2023-12-01, in class: no correction in the quarter.
METER_CALIBRATIONS = [
    {"variable": "EG_export", "date": dt.date(2023, 12, 1), "error": 0.0005, "mpe": 0.002},
    {"variable": "EG_import", "date": dt.date(2023, 12, 1), "error": 0.0005, "mpe": 0.002},
]
#: The gas meter is found 1.8 % off (class 1.5) on 2024-03-01: +1.8 % on the 60 days from
#: 1 January to 29 February. The diesel meter is first calibrated on 2024-02-20: its class
#: MPE, +0.5 %, on the 50 days from 1 January to 19 February.
FUEL_CALIBRATIONS = [
    {"variable": "FC_gas[natural_gas]", "date": dt.date(2023, 10, 12), "error": 0.004,
     "mpe": 0.015},
    {"variable": "FC_gas[natural_gas]", "date": dt.date(2024, 3, 1), "error": -0.018,
     "mpe": 0.015},
    {"variable": "FC[diesel]", "date": dt.date(2024, 2, 20), "error": 0.002, "mpe": 0.005},
]  # fmt: skip
#: By hand: 60 x 1,018 + 31 x 1,000 Nm3 and 50 x 1.005 + 41 x 1 t.
FC_GAS_Y, FC_Y = 92_080.0, 91.25
PE_QUARTER = FC_GAS_Y * COEF_GAS + FC_Y * COEF_DIESEL  # 199.3546 + 282.5018 = 481.8564 t
BE_QUARTER = DAYS * 99.0 * CM  # 6,004.04805 t


def days(n: int = DAYS) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", periods=n, freq="D")


def meter_frame() -> pd.DataFrame:
    return pd.DataFrame({"time": days(), "export": 100.0, "import": 1.0})


def fuel_frame(gas_unit_factor: float = 1.0, mass_unit_factor: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": days(),
            "gas": 1000.0 * gas_unit_factor,
            "diesel": 1.0 * mass_unit_factor,
        }
    )


def run_quarter(
    parameters: dict[str, Any] | None = None,
    *,
    fuel: pd.DataFrame | None = None,
    fuel_variables: dict[str, Any] | None = None,
    fuel_calibrations: list[dict[str, Any]] | None = None,
    with_fuel: bool = True,
    overrides: dict[str, str] | None = None,
) -> Any:
    """The quarter through ``quantify``: meters and fuel in two daily tables."""
    monitoring: dict[str, Any] = {"meters": meter_frame()}
    tables: dict[str, Any] = {
        "meters": {
            "interval": "1D",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
            "calibrations": METER_CALIBRATIONS,
        }
    }
    if with_fuel:
        monitoring["fuel"] = fuel_frame() if fuel is None else fuel
        tables["fuel"] = {
            "interval": "1D",
            "variables": fuel_variables
            or {
                "FC_gas": {"unit": "Nm3", "fuel": {"natural_gas": "gas"}},
                "FC": {"unit": "t", "fuel": {"diesel": "diesel"}},
            },
            "calibrations": FUEL_CALIBRATIONS if fuel_calibrations is None else fuel_calibrations,
        }
    return quantify(
        "ccer.01-001",
        parameters=base_parameters() if parameters is None else parameters,
        monitoring=monitoring,
        period=QUARTER,
        timezone="UTC+8",
        reporting="month",
        tables=tables,
        overrides=overrides,
    )


def test_quarter_by_hand() -> None:
    """BE = 91 x 99 MWh x 0.66645 = 6,004.04805 t; PE = 92,080 Nm3 x 0.0021650152 +
    91.25 t x 3.0959096 = 199.35460 + 282.50175 = 481.85635 t; ER = 5,522.19170 t."""
    result = run_quarter()
    led = result.ledger
    assert led["EG_PJ_y"].total() == pytest.approx(9_009.0, rel=1e-12)
    assert led["EF_grid_CM_y"].total() == pytest.approx(CM, rel=1e-15)
    assert result.totals["BE"] == pytest.approx(6_004.04805, rel=1e-12)
    assert led["FC_gas_y"].total() == pytest.approx(FC_GAS_Y, rel=1e-12)
    assert led["FC_y"].total() == pytest.approx(FC_Y, rel=1e-12)
    assert led["COEF_natural_gas"].total() == pytest.approx(0.0021650151996, rel=1e-12)
    assert led["COEF_diesel"].total() == pytest.approx(3.0959096373, rel=1e-10)
    assert result.totals["PE"] == pytest.approx(481.85635398583, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(5_522.19169601417, rel=1e-12)
    assert result.totals["LE"] == 0.0 and "para. 6.5" in led["LE"].equation
    assert result.compliant
    # Every quantity is traceable; the identity holds per month.
    check_result(result)
    # Per fuel: the report's totals by label of the fuel emissions.
    report = result.report()
    entry = {q["symbol"]: q for q in report["quantities"]}["PE_gas_i_y"]
    by_label = entry["by_label"]["fuel"]
    assert by_label["natural_gas"] == pytest.approx(FC_GAS_Y * COEF_GAS, rel=1e-12)


def test_the_fuel_correction_says_why() -> None:
    """The ledger notes the out-of-class gas calibration and the diesel meter's
    uncalibrated days, and that MPE_diesel was used."""
    led = run_quarter().ledger
    notes = led["e_FC_gas"].notes
    assert any("FC_gas[natural_gas] calibration 2024-03-01" in n and "out of class" in n
               for n in notes)  # fmt: skip
    assert any("FC[diesel]: 50 interval(s) without a valid calibration" in n
               for n in led["e_FC"].notes)  # fmt: skip
    assert led["e_FC"].inputs == ("MPE_diesel",)
    assert "para. 7.3.4 c)" in led["FC_y"].equation


def test_fuel_class_mpe_from_the_calibration_records() -> None:
    """Without MPE_diesel the class MPE is the one the diesel meter's record gives
    (0.005): the same result, noted."""
    base = run_quarter()
    again = run_quarter(base_parameters(MPE_diesel=None))
    assert again.totals["PE"] == base.totals["PE"]
    assert any("taken from the calibration records" in n for n in again.ledger["e_FC"].notes)


def test_fuel_meter_without_class_or_record_needs_the_mpe() -> None:
    cals = [c for c in FUEL_CALIBRATIONS if c["variable"] != "FC[diesel]"]
    with pytest.raises(ParameterError, match=r"MPE_diesel.*CCER-01-001-V01 para\. 7\.3\.4"):
        run_quarter(base_parameters(MPE_diesel=None), fuel_calibrations=cals)


def test_calibration_of_a_fuel_not_in_the_data() -> None:
    cals = [*FUEL_CALIBRATIONS, {"variable": "FC[disel]", "date": dt.date(2024, 1, 5),
                                 "error": 0.0, "mpe": 0.005}]  # fmt: skip
    with pytest.raises(ParameterError, match=r"FC has no fuel 'disel' \(did you mean 'diesel'"):
        run_quarter(fuel_calibrations=cals)


def test_weights_default_and_override() -> None:
    """Tables 2-3: 0.5 and 0.5 by default, with the table as source; 0.75/0.25 is an
    override on the record, which makes the result non-compliant: BE x 0.779325 /
    0.66645 (0.75 x 0.8922 + 0.25 x 0.4407 = 0.779325)."""
    base = run_quarter()
    assert base.ledger["w_OM"].total() == 0.5 and base.ledger["w_BM"].total() == 0.5
    assert "Table 2" in base.ledger["w_OM"].equation
    assert "Table 3" in base.ledger["w_BM"].equation
    other = run_quarter(base_parameters(w_OM=0.75, w_BM=0.25))
    assert other.totals["BE"] == pytest.approx(DAYS * 99.0 * 0.779325, rel=1e-12)
    assert not other.compliant
    overridden = {f.name for f in other.findings if f.status is Status.OVERRIDDEN}
    assert overridden == {"ccer.01-001.parameters.w_OM", "ccer.01-001.parameters.w_BM"}


# --- units of FC ----------------------------------------------------------------------------


def test_er_does_not_depend_on_the_unit_of_fc() -> None:
    """The diesel in kg (x 1,000) and the gas in kNm3 (/ 1,000) give the same ER as t
    and Nm3. Table 11's 10^4 Nm3 (万Nm3) has no unit in the engine: 1 x 10^4 Nm3 is
    written 10 kNm3 (or 10,000 Nm3), and the same holds for an NCV per 10^4 Nm3 (389.31
    GJ/10^4 Nm3 = 38.931 GJ/kNm3 = 0.038931 GJ/Nm3)."""
    base = run_quarter()
    other = run_quarter(
        fuel=fuel_frame(gas_unit_factor=1e-3, mass_unit_factor=1e3),
        fuel_variables={
            "FC_gas": {"unit": "kNm3", "fuel": {"natural_gas": "gas"}},
            "FC": {"unit": "kg", "fuel": {"diesel": "diesel"}},
        },
    )
    for s in ("BE", "PE", "ER"):
        assert other.totals[s] == pytest.approx(base.totals[s], rel=1e-12)
    # The gas volume as 10^4 Nm3 readings (0.1 a day) written as kNm3 (x 10).
    wan = fuel_frame(gas_unit_factor=1e-4)
    wan["gas"] = wan["gas"] * 10.0
    again = run_quarter(
        fuel=wan,
        fuel_variables={
            "FC_gas": {"unit": "kNm3", "fuel": {"natural_gas": "gas"}},
            "FC": {"unit": "t", "fuel": {"diesel": "diesel"}},
        },
        parameters=base_parameters(NCV_natural_gas={"value": 0.038931, "unit": "GJ/Nm3"}),
    )
    assert again.totals["ER"] == pytest.approx(base.totals["ER"], rel=1e-12)


def test_a_gas_volume_without_reference_conditions_is_refused() -> None:
    """Nm3 (0 degC, 101.325 kPa) is not m3: an actual volume does not convert without the
    gas's pressure and temperature at the meter."""
    with pytest.raises(UnitError, match="no reference conditions"):
        run_quarter(
            fuel_variables={
                "FC_gas": {"unit": "m3", "fuel": {"natural_gas": "gas"}},
                "FC": {"unit": "t", "fuel": {"diesel": "diesel"}},
            }
        )


def test_an_ncv_per_10k_nm3_given_per_nm3_is_refused() -> None:
    """389.31 (the guideline's value per 10^4 Nm3) taken as GJ/Nm3 is beyond any gaseous
    fuel (maximum 0.2 GJ/Nm3): refused, not a PE 10,000 times too large."""
    with pytest.raises(ParameterError, match="above the maximum 0.2"):
        run_quarter(base_parameters(NCV_natural_gas=389.31))


def test_long_table_with_a_fuel_key_column() -> None:
    """One row per day and fuel with a key column gives the result of the wide table."""
    long = pd.DataFrame(
        {
            "time": np.repeat(days(), 2),
            "fuel": ["diesel", "lpg"] * DAYS,
            "mass_t": np.tile([1.0, 0.5], DAYS),
        }
    )
    params = base_parameters(
        NCV_natural_gas=None,
        CC_natural_gas=None,
        OF_natural_gas=None,
        MPE_natural_gas=None,
        NCV_lpg={"value": 50.0, "unit": "GJ/t"},
        CC_lpg={"value": 17.2, "unit": "tC/TJ"},
        OF_lpg=0.98,
        MPE_lpg=0.01,
    )
    cals = [c for c in FUEL_CALIBRATIONS if c["variable"] == "FC[diesel]"]
    result = run_quarter(
        params,
        fuel=long,
        fuel_variables={"FC": {"column": "mass_t", "unit": "t", "fuel": "fuel"}},
        fuel_calibrations=cals,
    )
    # lpg, never calibrated: its class MPE (1 %) on every day; 50 x 0.0172 x 0.98 x 44/12.
    lpg = DAYS * 0.5 * 1.01 * 50.0 * 0.0172 * 0.98 * 44 / 12
    assert result.totals["PE"] == pytest.approx(FC_Y * COEF_DIESEL + lpg, rel=1e-12)
    assert result.ledger["PE_gas_i_y"].total() == 0.0


def test_a_fuel_in_the_wrong_variable_is_named() -> None:
    with pytest.raises(MonitoringDataError, match="map it to FC_gas in Nm3"):
        run_quarter(
            fuel_variables={
                "FC": {"unit": "t", "fuel": {"natural_gas": "gas", "diesel": "diesel"}}
            },
            fuel_calibrations=[],
        )
    with pytest.raises(MonitoringDataError, match=r"'disel' is not a fuel of FC \(did you"):
        run_quarter(
            fuel_variables={"FC": {"unit": "t", "fuel": {"disel": "diesel"}}},
            fuel_calibrations=[],
        )


def test_fuel_parameters_must_match_the_fuels_burnt() -> None:
    """Each fuel burnt needs NCV, CC and OF (Tables 4-6 give no number); a coefficient
    for a fuel not burnt is a setting nobody uses."""
    with pytest.raises(ParameterError, match=r"'parameters.CC_diesel'.*required for diesel"):
        run_quarter(base_parameters(CC_diesel=None))
    with pytest.raises(ParameterError, match="NCV_lpg is given, but no lpg consumption"):
        run_quarter(base_parameters(NCV_lpg=50.0))


def test_no_fossil_fuel() -> None:
    """No fuel mapped: PE_y = 0, declared (a pass) or not (cannot be checked)."""
    fuel_free = {
        k: None
        for k in base_parameters()
        if k.split("_")[0] in ("NCV", "CC", "OF") or k in ("MPE_diesel", "MPE_natural_gas")
    }
    declared = run_quarter(base_parameters(**fuel_free, fossil_fuel_used=False), with_fuel=False)
    assert declared.totals["PE"] == 0.0
    assert declared.totals["ER"] == pytest.approx(BE_QUARTER, rel=1e-12)
    assert findings_of(declared)["fossil_fuel"].status is Status.PASS
    silent = run_quarter(base_parameters(**fuel_free, fossil_fuel_used=None), with_fuel=False)
    assert findings_of(silent)["fossil_fuel"].status is Status.UNCHECKED
    with pytest.raises(ParameterError, match="fossil_fuel_used = true, but no fuel"):
        run_quarter(base_parameters(**fuel_free), with_fuel=False)
    with pytest.raises(ParameterError, match="fossil_fuel_used = false, but FC and FC_gas"):
        run_quarter(base_parameters(fossil_fuel_used=False))


def findings_of(result: Any) -> dict[str, Finding]:
    return {f.name.rsplit(".", 1)[1]: f for f in result.findings}


def test_invariance_checks_of_reductions_testing() -> None:
    """Other units (t -> kg), rows reversed, the quarter split in two halves."""
    time = pd.date_range("2024-01-01", periods=DAYS, freq="D")
    rng = np.random.default_rng(11)
    ds = xr.Dataset(
        {
            "export": ("time", np.round(rng.uniform(0, 900, DAYS), 3), {"units": "MWh"}),
            "import": ("time", np.round(rng.uniform(0, 20, DAYS), 3), {"units": "MWh"}),
            "gas": ("time", np.round(rng.uniform(0, 2000, DAYS), 1), {"units": "Nm3"}),
            "diesel": ("time", np.round(rng.uniform(0, 2, DAYS), 3), {"units": "t"}),
        },
        coords={"time": time},
    )
    base = check_invariance(
        "ccer.01-001",
        parameters=base_parameters(),
        monitoring=ds,
        period=QUARTER,
        timezone="UTC+8",
        tables={
            "data": {
                "interval": "1D",
                "variables": {
                    "EG_export": {"column": "export"},
                    "EG_import": {"column": "import"},
                    "FC_gas": {"fuel": {"natural_gas": "gas"}},
                    "FC": {"fuel": {"diesel": "diesel"}},
                },
                "calibrations": METER_CALIBRATIONS + FUEL_CALIBRATIONS,
            }
        },
    )
    assert base.totals["PE"] > 0 and base.totals["ER"] > 0


def test_check_methodology() -> None:
    check_methodology(CCER01001)


# --- applicability ----------------------------------------------------------------------


def applicability(
    tmp_path: Path, parameters: dict[str, Any], *, fuel: bool = True, calibrations: Any = ()
) -> dict[str, Finding]:
    """Applicability findings for a project with ``parameters`` (data are not read)."""
    monitoring: dict[str, Any] = {
        "meters": {
            "file": "meters.csv",
            "interval": "1h",
            "variables": {
                "EG_export": {"column": "e", "unit": "MWh"},
                "EG_import": {"column": "i", "unit": "MWh"},
            },
        }
    }
    if fuel:
        monitoring["fuel"] = {
            "file": "fuel.csv",
            "interval": "1D",
            "variables": {
                "FC_gas": {"unit": "Nm3", "fuel": {"natural_gas": "gas"}},
                "FC": {"unit": "t", "fuel": {"diesel": "diesel"}},
            },
            "calibrations": list(calibrations),
        }
    path = write_project(
        tmp_path,
        {},
        methodology="ccer.01-001",
        version="V01",
        parameters=parameters,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        monitoring=monitoring,
    )
    _, inputs, _, _ = resolve(load_project(path))
    return {f.name.rsplit(".", 1)[1]: f for f in CCER01001().applicability(inputs)}


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, Status.PASS),
        ({"project_type": "integrated", "csp_metered_separately": True}, Status.PASS),
        ({"project_type": "integrated", "csp_metered_separately": False}, Status.FAIL),
        ({"project_type": "integrated"}, Status.FAIL),  # not shown
    ],
)
def test_scope_para_2(tmp_path: Path, changes: dict[str, Any], status: Status) -> None:
    """Para. 2: a stand-alone CSP plant, or the CSP part of a 光热+ integrated project
    whose grid export is metered separately (上网电量应可单独计量)."""
    assert applicability(tmp_path, base_parameters(**changes))["scope"].status is status


def test_scope_setting_unused_by_a_standalone_plant(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="stand-alone CSP plant"):
        applicability(tmp_path, base_parameters(csp_metered_separately=True))


def test_an_integrated_project_not_metered_separately_stops_the_run() -> None:
    """A failed applicability finding stops the run (unless overridden on the record)."""
    params = base_parameters(project_type="integrated", csp_metered_separately=False)
    with pytest.raises(ApplicabilityError, match="not metered separately"):
        run_quarter(params)
    overridden = run_quarter(
        params, overrides={"ccer.01-001.applicability.scope": "test: set aside on the record"}
    )
    assert not overridden.compliant


def test_additionality_and_weights(tmp_path: Path) -> None:
    """Para. 6.2: additionality exempt; eq. (3): the weights sum to 1."""
    found = applicability(tmp_path, base_parameters())
    assert found["additionality"].status is Status.PASS
    assert "para. 6.2" in found["additionality"].clause
    assert found["weights"].status is Status.PASS
    bad = applicability(tmp_path, base_parameters(w_OM=0.75))
    assert bad["weights"].status is Status.FAIL


def test_factor_vintage_tables_9_10(tmp_path: Path) -> None:
    assert applicability(tmp_path, base_parameters())["factor_vintage"].status is Status.PASS
    unchecked = applicability(tmp_path, base_parameters(EF_grid_vintage=None))
    assert unchecked["factor_vintage"].status is Status.UNCHECKED
    with pytest.raises(ParameterError, match="2025 publication, later than the period's"):
        applicability(tmp_path, base_parameters(EF_grid_vintage=2025))


def test_meter_class_tables_7_8_and_11(tmp_path: Path) -> None:
    """Electricity meters class 0.5 or better (MPE <= 0.5 %); gas flow meters class 2.0 or
    better (MPE <= 2 %); the diesel meter has no class in Table 11."""
    found = applicability(tmp_path, base_parameters(MPE_import=0.005, MPE_natural_gas=0.02))
    assert found["meter_class_import"].status is Status.PASS
    assert found["meter_class_FC_gas"].status is Status.PASS
    assert "meter_class_FC" not in found
    worse = applicability(tmp_path, base_parameters(MPE_export=0.01, MPE_natural_gas=0.025))
    assert worse["meter_class_export"].status is Status.FAIL
    assert worse["meter_class_FC_gas"].status is Status.FAIL
    assert "2.50% (MPE_natural_gas) is above 2.0%" in worse["meter_class_FC_gas"].message
    # A calibration record states the class too.
    cal = {"variable": "FC_gas[natural_gas]", "date": dt.date(2024, 1, 9), "error": 0.0,
           "mpe": 0.025}  # fmt: skip
    by_record = applicability(tmp_path, base_parameters(MPE_natural_gas=None), calibrations=[cal])
    assert by_record["meter_class_FC_gas"].status is Status.FAIL
    nothing = applicability(tmp_path, base_parameters(MPE_natural_gas=None))
    assert nothing["meter_class_FC_gas"].status is Status.UNCHECKED
    no_gas = applicability(tmp_path, base_parameters(fossil_fuel_used=False), fuel=False)
    assert "meter_class_FC_gas" not in no_gas


@pytest.mark.parametrize(
    ("start", "connected", "status"),
    [
        (dt.date(2024, 1, 1), None, Status.PASS),
        (dt.date(2015, 1, 2), None, Status.PASS),  # ten years end 2025-01-01
        (dt.date(2014, 12, 31), None, Status.FAIL),  # ten years end 2024-12-30
        (dt.date(2024, 6, 1), None, Status.FAIL),  # the period starts before it
        (dt.date(2024, 1, 1), dt.date(2023, 9, 28), Status.PASS),
        (dt.date(2024, 1, 1), dt.date(2024, 2, 1), Status.FAIL),  # before grid connection
        (None, dt.date(2024, 2, 1), Status.FAIL),  # the period starts before it
        (None, None, Status.UNCHECKED),
    ],
)
def test_crediting_period_paras_5_2_1_and_5_2_2(
    tmp_path: Path, start: dt.date | None, connected: dt.date | None, status: Status
) -> None:
    """Para. 5.2.2: at most 10 years, inside the lifetime, which starts at grid connection
    (para. 5.2.1)."""
    params = base_parameters(crediting_period_start=start, grid_connection_date=connected)
    assert applicability(tmp_path, params)["crediting_period"].status is status


# --- the example, by the command line ----------------------------------------------------------


def test_example_runs_and_verifies(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """``reductions run`` then ``reductions verify`` on examples/ccer-01-001-solar-thermal."""
    shutil.copytree(EXAMPLE, tmp_path / "ex")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "ex" / "project.toml"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "ccer.01-001 V01" in printed and "ER = " in printed
    assert main(["verify", str(out / "report.json")]) == 0
    assert "verified" in capsys.readouterr().out


def test_example_totals_by_hand() -> None:
    """The example's ER recomputed here from its CSV files and the correction windows its
    calibration records give (para. 7.3.4; a calibration covers 12 months, para. 7.3.2):

    - export: -0.26 % found on 2024-05-15 (class 0.2 %): days 1 Jan-14 May x 0.9974;
    - import: valid to 2024-08-25, next on 2024-09-30: days 25 Aug-29 Sep x 1.002;
    - natural gas: +1.7 % found on 2024-10-08 (class 1.5 %): days 1 Jan-7 Oct x 1.017;
    - diesel: first calibrated 2024-02-20: days 1 Jan-19 Feb x 1.005 (MPE_diesel).
    """
    from reductions.run import run_project

    meters = pd.read_csv(EXAMPLE / "meters.csv")
    day = (pd.to_datetime(meters["time_end"]) - pd.Timedelta(hours=1)).dt.normalize()
    export = meters.groupby(day)["export_MWh"].sum()
    imports = meters.groupby(day)["import_MWh"].sum()
    d = export.index
    export = export * np.where(d < "2024-05-15", 0.9974, 1.0)
    imports = imports * np.where((d >= "2024-08-25") & (d < "2024-09-30"), 1.002, 1.0)
    be = (export.sum() - imports.sum()) * CM
    fuel = pd.read_csv(EXAMPLE / "fuel.csv", parse_dates=["date"])
    gas = (fuel["natural_gas_Nm3"] * np.where(fuel["date"] < "2024-10-08", 1.017, 1.0)).sum()
    diesel = (fuel["diesel_t"] * np.where(fuel["date"] < "2024-02-20", 1.005, 1.0)).sum()
    pe = gas * COEF_GAS + diesel * COEF_DIESEL
    result = run_project(EXAMPLE / "project.toml")
    assert result.totals["BE"] == pytest.approx(be, rel=1e-9)
    assert result.totals["PE"] == pytest.approx(pe, rel=1e-9)
    assert result.totals["ER"] == pytest.approx(be - pe, rel=1e-9)
    assert result.compliant

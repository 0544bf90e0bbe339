"""CDM TOOL07 v07.0, Step 6: the combined margin and its weights, against published grids.

Two published, independent test vectors (both give OM, BM and the combined margins):

- CDM standardized baseline ASB0038-2018 v01.0, "Grid emission factor for the electricity
  system of the Republic of Armenia for 2016", Table 1 (approved by the CDM EB, in force
  19 Feb 2018 to 18 Feb 2021): OM 0.4620, BM 0.3456 t CO2/MWh; CM 0.4329 for wind and
  solar (crediting periods 1-3), 0.4038 for all other projects in the first crediting
  period, 0.3748 in the second and third. Values as published at
  http://www.nature-ic.am/en/publication/Standardized-baseline--Grid-emission-factor-for-the-electricity-system-of-the-Republic-of-Armenia-for-2016/10540.
- Philippines Department of Energy, "2015-2017 National Grid Emission Factor (NGEF)",
  Table 2, Mindanao grid: OM 0.7797, BM 0.8045 t CO2/MWh; CM 0.7859 (wind and solar),
  0.7921 (other projects). https://doe.gov.ph/electric-power/2015-2017-national-grid-emission-factor-ngef.
  Here BM > OM, so the wind/solar CM is the
  lower one: a sign check of the weights.

Tolerances: published CMs have four decimals, so a CM computed from the published
(rounded) OM and BM agrees to half a unit of the last digit, 5e-5, except the Armenian
CP2-3 row: 0.25 x 0.4620 + 0.75 x 0.3456 = 0.37470 against the published 0.3748. The SB
computed the CM from its unrounded margins, and the rounding of OM and BM (up to 5e-5
each, 5e-5 in any weighted mean of them) adds to the 5e-5 of the published CM's own
rounding, so that row is compared at 1e-4.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from reductions.errors import ParameterError
from reductions.run import run_project
from reductions.tools.grid_emission_factor import WIND_SOLAR, cm_weights, combined_margin
from tests.strategies import ACM0002_BASE, hourly_frame, write_project

ARMENIA = (0.4620, 0.3456)  # ASB0038-2018 v01.0 Table 1: OM, BM [t/MWh]
MINDANAO = (0.7797, 0.8045)  # Philippines DOE NGEF 2015-2017 Table 2: OM, BM [t/MWh]
HALF_DIGIT = 5e-5
#: 1e-4 (module doc); the decimal difference 0.3748 - 0.3747 is exactly 1e-4, which in
#: binary floating point comes out 1e-4 + 3e-17, hence the 1e-12 of float slack.
CP23_TOL = 1e-4 + 1e-12


@pytest.mark.parametrize("technology", sorted(WIND_SOLAR))
@pytest.mark.parametrize("period", [1, 2, 3])
def test_weights_wind_and_solar(technology: str, period: int) -> None:
    """Wind and solar: w_OM = 0.75, w_BM = 0.25 in every crediting period."""
    w = cm_weights(technology, period)
    assert (w.w_OM, w.w_BM) == (0.75, 0.25)
    assert "TOOL07" in w.source


@pytest.mark.parametrize(
    ("period", "expected"), [(1, (0.5, 0.5)), (2, (0.25, 0.75)), (3, (0.25, 0.75))]
)
@pytest.mark.parametrize("technology", ["hydro", "geothermal", "biomass"])
def test_weights_other_projects(technology: str, period: int, expected: tuple) -> None:
    """All other projects: 0.5/0.5 in the first crediting period, 0.25/0.75 after."""
    w = cm_weights(technology, period)
    assert (w.w_OM, w.w_BM) == expected
    assert w.w_OM + w.w_BM == 1.0


@pytest.mark.parametrize("period", [0, 4, -1])
def test_weights_unknown_crediting_period(period: int) -> None:
    with pytest.raises(ParameterError, match="crediting period"):
        cm_weights("wind", period)


@pytest.mark.parametrize(
    ("technology", "period", "published", "tol"),
    [
        ("wind", 1, 0.4329, HALF_DIGIT),
        ("solar", 3, 0.4329, HALF_DIGIT),
        ("hydro", 1, 0.4038, HALF_DIGIT),
        ("hydro", 2, 0.3748, CP23_TOL),  # SB computed from unrounded margins: see module doc
        ("hydro", 3, 0.3748, CP23_TOL),
    ],
)
def test_armenia_asb0038(technology: str, period: int, published: float, tol: float) -> None:
    """ASB0038-2018 v01.0 Table 1."""
    w = cm_weights(technology, period)
    cm = combined_margin(*ARMENIA, w.w_OM, w.w_BM)
    assert float(cm) == pytest.approx(published, abs=tol)


@pytest.mark.parametrize(
    ("technology", "published"), [("wind", 0.7859), ("solar", 0.7859), ("hydro", 0.7921)]
)
def test_philippines_mindanao(technology: str, published: float) -> None:
    """Philippines DOE NGEF 2015-2017, Table 2 (Mindanao), first crediting period."""
    w = cm_weights(technology, 1)
    assert float(combined_margin(*MINDANAO, w.w_OM, w.w_BM)) == pytest.approx(
        published, abs=HALF_DIGIT
    )


def test_combined_margin_broadcasts() -> None:
    """Arrays of years and of weight sets broadcast; DataArrays are accepted."""
    om = np.array([ARMENIA[0], MINDANAO[0]])
    bm = np.array([ARMENIA[1], MINDANAO[1]])
    cm = combined_margin(om[:, None], bm[:, None], np.array([0.75, 0.5]), np.array([0.25, 0.5]))
    np.testing.assert_allclose(cm, [[0.4329, 0.4038], [0.7859, 0.7921]], atol=HALF_DIGIT)
    da = combined_margin(xr.DataArray(om, dims="grid"), xr.DataArray(bm, dims="grid"), 0.75, 0.25)
    np.testing.assert_allclose(da, [0.4329, 0.7859], atol=HALF_DIGIT)


def test_acm0002_records_tool07_weights_and_cm(tmp_path: Path) -> None:
    """Through ACM0002: the ledger takes the weights from the TOOL07 table, records where
    they came from, and EF_grid_CM_y is Armenia's published 0.4329 for wind."""
    params = {
        **ACM0002_BASE,
        "EF_grid_OM_y": {"value": ARMENIA[0], "unit": "t/MWh", "source": "ASB0038-2018 Table 1"},
        "EF_grid_BM_y": {"value": ARMENIA[1], "unit": "kg/kWh", "source": "ASB0038-2018 Table 1"},
    }
    path = write_project(
        tmp_path,
        {"monitoring.csv": hourly_frame(np.full(24, 2.0))},
        parameters=params,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 1, 1),
        monitoring={
            "time": "timestamp",
            "interval": "1h",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
        },
    )
    result = run_project(path)
    led = result.ledger
    assert led["w_OM"].total() == 0.75 and led["w_BM"].total() == 0.25
    assert "TOOL07 v07.0 Step 6, wind, crediting period 1" in led["w_OM"].equation
    assert led["EF_grid_CM_y"].total() == pytest.approx(0.4329, abs=HALF_DIGIT)
    assert led["EF_grid_CM_y"].inputs == ("EF_grid_OM_y", "EF_grid_BM_y", "w_OM", "w_BM")
    assert result.report()["compliance"] == {"compliant": True, "overridden": []}


def test_acm0002_weight_override_is_non_compliant(tmp_path: Path) -> None:
    """Giving w_OM/w_BM other than TOOL07's makes the result non-compliant, and says so."""
    params = {
        **ACM0002_BASE,
        "EF_grid_OM_y": {"value": ARMENIA[0], "unit": "t/MWh"},
        "EF_grid_BM_y": {"value": ARMENIA[1], "unit": "t/MWh"},
        "w_OM": 0.5,
        "w_BM": 0.5,
    }
    path = write_project(
        tmp_path,
        {"monitoring.csv": hourly_frame(np.full(24, 2.0))},
        parameters=params,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 1, 1),
        monitoring={
            "time": "timestamp",
            "interval": "1h",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
        },
    )
    result = run_project(path)
    assert result.ledger["EF_grid_CM_y"].total() == pytest.approx(0.4038, abs=HALF_DIGIT)
    report = result.report()
    assert report["compliance"] == {
        "compliant": False,
        "overridden": ["cdm.acm0002.parameters.w_OM", "cdm.acm0002.parameters.w_BM"],
    }
    (w_om,) = [f for f in report["findings"] if f["name"] == "cdm.acm0002.parameters.w_OM"]
    assert w_om["status"] == "overridden" and w_om["values"] == {"given": 0.5, "prescribed": 0.75}
    assert result.totals["ER"] == pytest.approx(48 * 0.4038, abs=48 * HALF_DIGIT)

"""Reference values of the renewable-electricity equations, each with its source.

- Eq. (2) of CCER-01-002-V01 (MEE, 2023), para. 6.3: EG_PJ,y = EG_export,y - EG_import,y;
  ACM0002 v22.0's EG_facility,y is the same net supply.
- Eq. (1) of CCER-01-002-V01 and ACM0002 v22.0 eq. (11): BE_y = EG_PJ,y x EF_grid,CM,y.
- Eq. (4) of CCER-01-002-V01 and ACM0002 v22.0 para. 5.7: ER_y = BE_y - PE_y (- LE_y).

(Equation texts: CCER-01-002-V01 as transcribed in knifesoft/isostds
docs/carbon/CCER-01-002.md. The ACM0002 v22.0 numbering is as cited by public
implementations of v22.0.)

The meter figures are those a CDM issuance check quotes for a project's monitoring
period (https://cdm.unfccc.int/IRCheck/iss_forms/1C7MJILH4KFX0A5/viewPublic): export
48,804.720 MWh and import 415.440 MWh as determined by the DOE (invoice basis),
48,797.160 MWh and 424.320 MWh metered. The expected values are hand arithmetic on those
figures; a float result is compared at 1e-12 relative (a few ulps of the subtraction and
product), not exactly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from methodologies.renewable.acm0002 import ACM0002
from methodologies.renewable.ccer_01_002 import CCER01002
from methodologies.renewable.equations import (
    baseline_emissions_grid,
    emission_reductions,
    net_electricity_supplied,
)
from reductions.methodology import Finding, Methodology, Status
from reductions.project import load_project
from reductions.run import resolve
from tests.strategies import ACM0002_BASE, BM_ARMENIA, CCER_BASE, OM_ARMENIA, write_project

EXPORT, IMPORT = 48_804.720, 415.440  # DOE-determined, invoice basis [MWh]
EXPORT_M, IMPORT_M = 48_797.160, 424.320  # metered [MWh]


def test_net_electricity_eq2() -> None:
    """48,804.720 - 415.440 = 48,389.280 MWh; metered 48,797.160 - 424.320 = 48,372.840."""
    assert float(net_electricity_supplied(EXPORT, IMPORT)) == pytest.approx(48_389.280, rel=1e-12)
    assert float(net_electricity_supplied(EXPORT_M, IMPORT_M)) == pytest.approx(
        48_372.840, rel=1e-12
    )


def test_net_electricity_arrays_and_dataarrays() -> None:
    """Scalars, arrays and DataArrays alike; a net import is negative, not clipped."""
    exp = np.array([EXPORT, EXPORT_M, 0.0])
    imp = np.array([IMPORT, IMPORT_M, 1.5])
    np.testing.assert_allclose(
        net_electricity_supplied(exp, imp), [48_389.280, 48_372.840, -1.5], rtol=1e-12
    )
    da = net_electricity_supplied(xr.DataArray(exp, dims="time"), xr.DataArray(imp, dims="time"))
    np.testing.assert_allclose(da, [48_389.280, 48_372.840, -1.5], rtol=1e-12)
    # An import scalar broadcasts over an export series.
    np.testing.assert_allclose(net_electricity_supplied(exp, 0.5), exp - 0.5, rtol=0)


def test_baseline_emissions_eq1() -> None:
    """48,389.280 MWh x 0.4329 t/MWh (ASB0038-2018 wind CM, see test_tool07.py)
    = 20,947.719312 t; x 0.7859 (Mindanao wind CM) = 38,029.135152 t."""
    assert float(baseline_emissions_grid(48_389.280, 0.4329)) == pytest.approx(
        20_947.719312, rel=1e-12
    )
    cm = np.array([0.4329, 0.7859])
    np.testing.assert_allclose(
        baseline_emissions_grid(48_389.280, cm), [20_947.719312, 38_029.135152], rtol=1e-12
    )
    # Hourly series times one factor.
    eg = xr.DataArray([1.0, 2.5, 0.0, -0.25], dims="time")
    np.testing.assert_allclose(
        baseline_emissions_grid(eg, 0.4329), [0.4329, 1.08225, 0.0, -0.108225], rtol=1e-12
    )


def test_emission_reductions_eq4() -> None:
    """ER = BE - PE - LE, element by element."""
    assert float(emission_reductions(20_947.719312, 0.0, 0.0)) == 20_947.719312
    np.testing.assert_allclose(
        emission_reductions(np.array([10.0, 5.0]), np.array([1.0, 0.5]), np.array([0.25, 0.0])),
        [8.75, 4.5],
        rtol=1e-15,
    )


# --- applicability findings of the two methodologies ----------------------------------------


def findings(
    tmp_path: Path, methodology: type[Methodology], parameters: dict
) -> dict[str, Finding]:
    """Applicability findings of ``methodology`` for a project with ``parameters``."""
    path = write_project(
        tmp_path,
        {},
        methodology=methodology.id,
        parameters=parameters,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        monitoring={
            "file": "monitoring.csv",
            "interval": "1h",
            "variables": {"EG_export": {"column": "e", "unit": "MWh"}},
        },
    )
    _, inputs, _, _ = resolve(load_project(path), {methodology.key(): methodology})
    return {f.name.rsplit(".", 1)[1]: f for f in methodology().applicability(inputs)}


ACM = {
    **ACM0002_BASE,
    "EF_grid_OM_y": {"value": OM_ARMENIA, "unit": "t/MWh"},
    "EF_grid_BM_y": {"value": BM_ARMENIA, "unit": "t/MWh"},
}


@pytest.mark.parametrize(
    ("change", "finding", "status"),
    [
        ({}, "project_activity", Status.PASS),
        ({"project_activity": "capacity_addition"}, "project_activity", Status.NOT_SUPPORTED),
        ({"project_activity": "retrofit"}, "project_activity", Status.NOT_SUPPORTED),
        ({"technology": "hydro"}, "technology", Status.NOT_SUPPORTED),
        ({"technology": "geothermal"}, "technology", Status.NOT_SUPPORTED),
        ({"technology": "solar"}, "technology", Status.PASS),
        ({"fossil_fuel_on_site": True}, "fossil_fuel", Status.NOT_SUPPORTED),
        ({"storage": True}, "storage", Status.NOT_SUPPORTED),
        ({"fuel_switch_on_site": True}, "fuel_switch", Status.FAIL),
    ],
)
def test_acm0002_scope(tmp_path: Path, change: dict, finding: str, status: Status) -> None:
    """Cases ACM0002 covers but this plugin does not compute are refused as "not yet
    supported", never computed wrongly (issue 2, item 4)."""
    found = findings(tmp_path, ACM0002, {**ACM, **change})
    assert found[finding].status is status
    assert found[finding].disqualifying is (status is not Status.PASS)


CCER = {
    **CCER_BASE,
    "EF_grid_OM_y": {"value": OM_ARMENIA, "unit": "t/MWh"},
    "EF_grid_BM_y": {"value": BM_ARMENIA, "unit": "t/MWh"},
    "w_OM": 0.75,
    "w_BM": 0.25,
}


@pytest.mark.parametrize(
    ("distance_km", "depth_m", "status"),
    [
        (38.0, 26.0, Status.PASS),
        (30.0, 30.0, Status.FAIL),  # "离岸30公里以外，或者水深大于30米": both strict
        (30.001, 10.0, Status.PASS),
        (12.0, 30.5, Status.PASS),
        (None, 31.0, Status.PASS),
        (29.0, None, Status.FAIL),
        (None, None, Status.FAIL),
    ],
)
def test_ccer_site_condition(
    tmp_path: Path, distance_km: float | None, depth_m: float | None, status: Status
) -> None:
    """CCER-01-002-V01 para. 2: beyond 30 km from shore, or water deeper than 30 m."""
    params = {k: v for k, v in CCER.items() if k not in ("distance_from_shore", "water_depth")}
    if distance_km is not None:
        params["distance_from_shore"] = {"value": distance_km, "unit": "km"}
    if depth_m is not None:
        params["water_depth"] = {"value": depth_m, "unit": "m"}
    assert findings(tmp_path, CCER01002, params)["site"].status is status


def test_ccer_site_distance_in_other_units(tmp_path: Path) -> None:
    """32,000 m from shore is 32 km: units are converted before the comparison."""
    params = {**CCER, "distance_from_shore": {"value": 32_000.0, "unit": "m"}, "water_depth": 5.0}
    params["water_depth"] = {"value": 5.0, "unit": "m"}
    assert findings(tmp_path, CCER01002, params)["site"].status is Status.PASS


@pytest.mark.parametrize(
    ("start", "status"),
    [
        (dt.date(2024, 1, 1), Status.PASS),
        (dt.date(2015, 1, 2), Status.PASS),  # ten years end 2025-01-01: 2024 is inside
        (dt.date(2014, 12, 31), Status.FAIL),  # ten years end 2024-12-30: 2024-12-31 is not
        (dt.date(2024, 6, 1), Status.FAIL),  # the period starts before the crediting period
    ],
)
def test_ccer_crediting_period(tmp_path: Path, start: dt.date, status: Status) -> None:
    """CCER-01-002-V01 para. 5.2.2: the crediting period lasts at most 10 years."""
    found = findings(tmp_path, CCER01002, {**CCER, "crediting_period_start": start})
    assert found["crediting_period"].status is status


def test_ccer_weights_must_sum_to_one(tmp_path: Path) -> None:
    """Eq. (3): omega_OM + omega_BM = 1."""
    assert findings(tmp_path, CCER01002, CCER)["weights"].status is Status.PASS
    bad = {**CCER, "w_BM": 0.5}
    assert findings(tmp_path, CCER01002, bad)["weights"].status is Status.FAIL

"""Corrections of issue 7 to the renewable methodologies.

- CCER-01-002-V01 Tables 2-3: omega_OM = omega_BM = 0.5, default values (默认值), read in
  the table images accompanying the knifesoft/isostds transcription (knifesoft/imgcloud
  2013/202311091127846.png, 2013/202311091128054.png). Another weight is an override.
- Tables 6-7: the MEE's factors for year y, or the latest published before y: a factor
  published after the period is refused.
- Tables 4-5: export and import meters of accuracy class 0.5 or better (不低于0.5级).
- ACM0002 v22.0 with a published combined margin (a CDM standardized baseline publishes
  only EF_grid,CM,y): ASB0038-2018 v01.0, Table 1, Armenia: CM 0.4329 t/MWh for wind and
  solar, 0.4038 for other projects in their first crediting period.
- Declarations nobody made are "cannot be checked", not passes.

The meter data are 48 hours of 10 MWh export and 0.1 MWh import (illustrative), so the net
supply is 48 x 9.9 = 475.2 MWh.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reductions import quantify
from reductions.errors import ApplicabilityError, ParameterError
from reductions.plugin import Status

DAYS = (dt.date(2024, 3, 1), dt.date(2024, 3, 2))
NET = 48 * 9.9  # MWh
OM, BM = 0.9419, 0.4819  # t/MWh, the example's North grid factors (illustrative here)


def meters() -> xr.Dataset:
    time = pd.date_range("2024-03-01", periods=48, freq="h")
    return xr.Dataset(
        {
            "EG_export": ("time", np.full(48, 10.0), {"units": "MWh"}),
            "EG_import": ("time", np.full(48, 0.1), {"units": "MWh"}),
        },
        coords={"time": time},
    )


def ccer(**changes: Any) -> Any:
    params: dict[str, Any] = {
        "distance_from_shore": {"value": 38.0, "unit": "km"},
        "EF_grid_OM_y": OM,
        "EF_grid_BM_y": BM,
        "EF_grid_vintage": 2023,
        "MPE_export": 0.002,
        "MPE_import": 0.002,
    }
    params.update(changes)
    params = {k: v for k, v in params.items() if v is not None}
    return quantify("ccer.01-002", parameters=params, monitoring=meters(), period=DAYS)


def findings(result: Any) -> dict[str, Any]:
    return {f.name.rsplit(".", 1)[1]: f for f in result.findings}


def test_ccer_weights_default_to_one_half_each() -> None:
    """With meters of class 0.2S and no calibration record the class MPE applies (para.
    7.3.4): EG_PJ = 48 x (10 x 0.998 - 0.1 x 1.002) = 474.2448 MWh; CM = 0.5 x 0.9419 +
    0.5 x 0.4819 = 0.7119 t/MWh."""
    result = ccer()
    eg_pj = 48 * (10 * 0.998 - 0.1 * 1.002)
    assert result.ledger["w_OM"].total() == 0.5 and result.ledger["w_BM"].total() == 0.5
    assert "Table 2" in result.ledger["w_OM"].equation
    assert result.ledger["EF_grid_CM_y"].total() == pytest.approx(0.7119, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(eg_pj * 0.7119, rel=1e-12)
    assert result.compliant


def test_other_ccer_weights_are_an_override_on_the_record() -> None:
    """0.75/0.25 (the TOOL07 wind weights) overstate ER by (0.75 OM + 0.25 BM) / 0.7119
    = 1.1615 here, about 16 %: allowed only as an override, which makes the result
    non-compliant."""
    base, other = ccer(), ccer(w_OM=0.75, w_BM=0.25)
    assert other.totals["ER"] / base.totals["ER"] == pytest.approx(
        (0.75 * OM + 0.25 * BM) / 0.7119, rel=1e-12
    )
    assert not other.compliant
    overridden = {f.name for f in other.findings if f.status is Status.OVERRIDDEN}
    assert overridden == {"ccer.01-002.parameters.w_OM", "ccer.01-002.parameters.w_BM"}


def test_factor_vintage() -> None:
    assert findings(ccer())["factor_vintage"].status is Status.PASS
    assert findings(ccer(EF_grid_vintage=None))["factor_vintage"].status is Status.UNCHECKED
    with pytest.raises(ParameterError, match="2025 publication, later than the period's"):
        ccer(EF_grid_vintage=2025)


def test_meter_class() -> None:
    """Class 0.5 (MPE 0.5 %) passes; class 1 (MPE 1 %) fails and stops the run unless it
    is overridden on the record."""
    assert findings(ccer(MPE_import=0.005))["meter_class_import"].status is Status.PASS
    with pytest.raises(ParameterError, match="maximum permissible error is needed"):
        ccer(MPE_export=None)  # no class and no calibration: para. 7.3.4 cannot apply
    with pytest.raises(ApplicabilityError, match=r"1\.00% \(MPE_export\) is above 0\.5%"):
        ccer(MPE_export=0.01)


def acm(**changes: Any) -> Any:
    params: dict[str, Any] = {
        "project_activity": "greenfield",
        "technology": "wind",
        "crediting_period": 1,
        "fossil_fuel_on_site": False,
        "fuel_switch_on_site": False,
        "storage": False,
    }
    params.update(changes)
    params = {k: v for k, v in params.items() if v is not None}
    return quantify("cdm.acm0002", parameters=params, monitoring=meters(), period=DAYS)


def test_acm0002_with_a_published_combined_margin() -> None:
    """ASB0038-2018 Table 1: CM 0.4329 t/MWh for wind: ER = 475.2 x 0.4329 t. The report
    says which factor was used and where it comes from."""
    cm = {"value": 0.4329, "unit": "t/MWh", "source": "ASB0038-2018 v01.0 Table 1"}
    result = acm(EF_grid_CM_y=cm, EF_grid_CM_kind="wind_solar")
    assert result.totals["ER"] == pytest.approx(NET * 0.4329, rel=1e-12)
    f = findings(result)["grid_factor"]
    assert f.status is Status.PASS and "ASB0038-2018" in f.message
    assert "w_OM" not in result.ledger and result.ledger["EF_grid_CM_y"].role == "parameter"
    # The same grid's OM and BM give the same CM to its published four decimals.
    both = acm(EF_grid_OM_y=0.4620, EF_grid_BM_y=0.3456)
    assert both.totals["ER"] == pytest.approx(NET * 0.4329, abs=NET * 5e-5)
    assert findings(both)["grid_factor"].values["used"] == "EF_grid_OM_y and EF_grid_BM_y"


def test_a_published_combined_margin_must_apply_this_projects_weights() -> None:
    """The "other projects" CM (0.4038) for a wind plant is the wrong one: a failed
    finding; without the kind, the weights are not checked."""
    cm = {"value": 0.4038, "unit": "t/MWh", "source": "ASB0038-2018 v01.0 Table 1"}
    with pytest.raises(ApplicabilityError, match="the wind_solar weights"):
        acm(EF_grid_CM_y=cm, EF_grid_CM_kind="other_first")
    unchecked = acm(EF_grid_CM_y=cm)
    assert findings(unchecked)["grid_factor"].status is Status.UNCHECKED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "give EF_grid_OM_y and EF_grid_BM_y, or a published EF_grid_CM_y"),
        ({"EF_grid_OM_y": 0.46, "EF_grid_BM_y": 0.35, "EF_grid_CM_y": 0.43}, "given: EF_grid_BM"),
        ({"EF_grid_OM_y": 0.46}, "required parameter missing"),
        ({"EF_grid_CM_y": 0.43, "w_OM": 0.75}, "w_OM is set, but a published combined margin"),
        ({"EF_grid_OM_y": 0.46, "EF_grid_BM_y": 0.35, "EF_grid_CM_kind": "wind_solar"}, "no "),
    ],
)
def test_grid_factor_settings_that_do_not_fit(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        acm(**changes)


def test_declarations_nobody_made_cannot_be_checked() -> None:
    declared = findings(acm(EF_grid_OM_y=0.46, EF_grid_BM_y=0.35))
    silent = findings(
        acm(
            EF_grid_OM_y=0.46,
            EF_grid_BM_y=0.35,
            fossil_fuel_on_site=None,
            fuel_switch_on_site=None,
            storage=None,
        )
    )
    for name in ("fossil_fuel", "fuel_switch", "storage"):
        assert declared[name].status is Status.PASS
        assert silent[name].status is Status.UNCHECKED
        assert "not declared" in silent[name].message


def test_a_margin_taken_from_a_packaged_publication() -> None:
    """The 2016 regional OM of the North grid, 1.0000 t/MWh (2016年度中国区域电网二氧化碳
    基准线排放因子OM编制说明, 附件2, as packaged in cn-regional-grid-om-2016.csv): the value,
    its source and vintage come from the table; the vintage check uses it."""
    om = {"published": "cn-regional-grid-om-2016", "grid": "north"}
    result = ccer(EF_grid_OM_y=om, EF_grid_vintage=None)
    assert result.ledger["EF_grid_OM_y"].total() == 1.0
    assert "vintage 2016" in result.ledger["EF_grid_OM_y"].equation
    f = findings(result)["factor_vintage"]
    assert f.status is Status.PASS and f.values["vintage"] == 2016
    (entry,) = [p for p in result.report()["parameters"] if p["symbol"] == "EF_grid_OM_y"]
    assert entry["vintage"] == 2016 and entry["given_value"].endswith("north OM")


def test_a_consumption_average_is_no_margin_unless_overridden() -> None:
    """The MEE/NBS 2022 electricity average of the North grid (0.6776 t/MWh) is an
    average, not an operating margin: the run stops unless the project overrides it, and
    then the report is not compliant and shows the override."""
    avg = {"published": "cn-mee-nbs-electricity-average-ef-2022", "grid": "north"}
    name = "ccer.01-002.parameters.EF_grid_OM_y.consumption_average"
    with pytest.raises(ApplicabilityError, match="consumption-side average"):
        ccer(EF_grid_OM_y=avg)
    result = quantify(
        "ccer.01-002",
        parameters={
            "distance_from_shore": {"value": 38.0, "unit": "km"},
            "EF_grid_OM_y": avg,
            "EF_grid_BM_y": BM,
            "MPE_export": 0.002,
            "MPE_import": 0.002,
        },
        monitoring=meters(),
        period=DAYS,
        overrides={name: "no margin published for 2024; the average stands in, on the record"},
    )
    assert result.ledger["EF_grid_OM_y"].total() == 0.6776
    assert not result.compliant
    assert result.report()["compliance"]["overridden"] == [name]

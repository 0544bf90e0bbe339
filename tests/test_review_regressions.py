"""Regressions found in the review of the engine rewrite (issue 6); each stays.

Numbers are hand arithmetic on the data written in each test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reductions import quantify
from reductions.errors import InputError, ParameterError, ProjectFileError
from reductions.ledger import Quantity
from reductions.run import _merge_quantity

ACM = {
    "project_activity": "greenfield",
    "technology": "wind",
    "crediting_period": 1,
    "EF_grid_OM_y": 0.5,
    "EF_grid_BM_y": 0.5,
}


def hourly(start: str, hours: int, tz: str | None = None, value: float = 1.0) -> Any:
    time = pd.date_range(start, periods=hours, freq="h", tz=tz)
    if tz is not None:  # aware times: a DataFrame keeps their offsets
        frame = pd.DataFrame({"time": time, "EG_export": np.full(hours, value)})
        frame.attrs["units"] = {"EG_export": "MWh"}
        return frame
    return xr.Dataset(
        {"EG_export": ("time", np.full(hours, value), {"units": "MWh"})}, coords={"time": time}
    )


def test_amounts_of_each_part_of_a_split_period_add_up() -> None:
    """Two parts of a period (split at a GWP change) with the same scalar amount (12 t
    each) give 24 t, not 12: equal amounts are not one value."""
    q = Quantity("X", 12.0, "t", "eq. (1)", (), "", "calculated", True)
    merged = _merge_quantity([q, q], ["2020-12-31/2020-12-31", "2021-01-01/2021-01-01"])
    assert merged.total() == 24.0
    p = Quantity("EF", 0.5, "t/MWh", "parameter", (), "", "parameter", False)
    assert _merge_quantity([p, p], ["a", "b"]).value == 0.5


def test_daily_reporting_where_clocks_jump_over_midnight() -> None:
    """America/Santiago, 11 September 2022: clocks jump from 00:00 to 01:00, so that day
    has 23 hours: 10 Sep 24 h, 11 Sep 23 h, 12 Sep 24 h of 1 MWh at 0.5 t/MWh."""
    result = quantify(
        "cdm.acm0002",
        parameters=ACM,
        monitoring=hourly("2022-09-10 00:00", 71, tz="America/Santiago"),
        period=(dt.date(2022, 9, 10), dt.date(2022, 9, 12)),
        timezone="America/Santiago",
        reporting="day",
        tables={"data": {"interval": "1h"}},
    )
    rows = [(i["label"], i["ER"]) for i in result.report()["intervals"]]
    assert rows == [("2022-09-10", 12.0), ("2022-09-11", 11.5), ("2022-09-12", 12.0)]


def test_ccer_meters_in_two_tables_at_different_intervals() -> None:
    """Export every 15 minutes (0.25 MWh), import hourly (0.01 MWh): each meter's error is
    computed on its own intervals, and the result equals the same data in one hourly
    table (the engine sums the export to hours where the methodology combines them)."""
    params = {
        "distance_from_shore": {"value": 38.0, "unit": "km"},
        "EF_grid_OM_y": 0.9,
        "EF_grid_BM_y": 0.5,
        "MPE_export": 0.002,
        "MPE_import": 0.002,
    }
    day = (dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    quarter = pd.date_range("2024-03-01", periods=96, freq="15min")
    hour = pd.date_range("2024-03-01", periods=24, freq="h")
    export = xr.Dataset(
        {"EG_export": ("time", np.full(96, 0.25), {"units": "MWh"})}, coords={"time": quarter}
    )
    imports = xr.Dataset(
        {"EG_import": ("time", np.full(24, 0.01), {"units": "MWh"})}, coords={"time": hour}
    )
    both = xr.Dataset(
        {
            "EG_export": ("time", np.full(24, 1.0), {"units": "MWh"}),
            "EG_import": ("time", np.full(24, 0.01), {"units": "MWh"}),
        },
        coords={"time": hour},
    )
    two = quantify(
        "ccer.01-002", parameters=params, monitoring={"e": export, "i": imports}, period=day
    )
    one = quantify("ccer.01-002", parameters=params, monitoring=both, period=day)
    assert two.totals["ER"] == pytest.approx(one.totals["ER"], rel=1e-12)
    assert one.totals["ER"] == pytest.approx((24 * 0.998 - 0.24 * 1.002) * 0.7, rel=1e-12)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_parameter_must_be_finite(bad: float) -> None:
    with pytest.raises(ParameterError, match="not a finite number"):
        quantify(
            "cdm.acm0002",
            parameters={**ACM, "EF_grid_OM_y": bad},
            monitoring=hourly("2024-03-01", 24),
            period=(dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
        )


def run_with(table: dict[str, Any], parameters: dict[str, Any] | None = None) -> Any:
    return quantify(
        "cdm.acm0002",
        parameters=parameters or ACM,
        monitoring=hourly("2024-03-01", 24),
        period=(dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
        tables={"data": table},
    )


def test_settings_nobody_uses_are_errors() -> None:
    cal = {"variable": "EG_export", "date": dt.date(2024, 1, 5), "error": -0.04, "mpe": 0.002}
    with pytest.raises(ProjectFileError, match="does not use them"):
        run_with({"interval": "1h", "calibrations": [cal]})
    with pytest.raises(ProjectFileError, match="must be true or false"):
        run_with({"interval": "1h", "sort": "false"})
    with pytest.raises(ProjectFileError, match="interval and label do not apply"):
        run_with({"interval": "1h", "kind": "register"})


def test_an_estimate_starts_on_the_first_of_january(tmp_path: Any) -> None:
    path = tmp_path / "estimate.toml"
    path.write_text(
        '[project]\nname = "e"\nmethodology = "cdm.acm0002"\n'
        "[estimate]\nstart = 2025-07-01\nyears = 2\n"
        '[estimate.annual]\nEG_export = { value = 100, unit = "MWh" }\n',
        encoding="utf-8",
    )
    from reductions.project import load_project

    with pytest.raises(ProjectFileError, match="not 1 January"):
        load_project(path)


def test_mixed_utc_offsets_in_a_dataframe_are_exact_instants() -> None:
    """Two hours either side of the Berlin clock change written with their offsets."""
    frame = pd.DataFrame(
        {
            "time": [
                "2024-03-31T00:00:00+01:00",
                "2024-03-31T01:00:00+01:00",
                "2024-03-31T03:00:00+02:00",
            ],
            "EG_export": [1.0, 1.0, 1.0],
        }
    )
    frame.attrs["units"] = {"EG_export": "MWh"}
    with pytest.raises(InputError) as info:
        quantify(
            "cdm.acm0002",
            parameters=ACM,
            monitoring=frame,
            period=(dt.date(2024, 3, 31), dt.date(2024, 3, 31)),
            timezone="Europe/Berlin",
            tables={"data": {"interval": "1h"}},
        )
    # Three hours of a 23-hour day: the period is not covered (not a pandas traceback).
    assert "not covered" in str(info.value)

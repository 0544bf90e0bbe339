"""results.nc as CF data (issue 13, item 2; reductions.cf).

The file states its conventions, gives the reporting intervals as time with bounds and
cell methods, and holds every scalar of the ledger, so that BE can be recomputed from the
file alone: ACM0002 v22.0 eq. (11), BE_y = EG_PJ,y x EF_grid,CM,y, per interval.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reductions.run import run_project
from tests._cli_project import EF_BM, EF_OM, W_BM, W_OM, make_project


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("cf")
    result = run_project(make_project(root / "p"))
    paths = result.write(root / "out")
    return paths["results"], json.loads(paths["report"].read_text(encoding="utf-8"))


def test_conventions_and_time_bounds(written: tuple[Path, dict]) -> None:
    path, report = written
    with xr.open_dataset(path, engine="h5netcdf", decode_times=False) as ds:
        assert ds.attrs["Conventions"] == "CF-1.8"
        assert ds.attrs["source"].startswith("reductions ")
        assert "ACM0002" in ds.attrs["references"]
        t = ds["interval_time"]
        assert t.attrs["standard_name"] == "time"
        assert t.attrs["bounds"] == "time_bnds"
        assert t.attrs["units"] == "seconds since 1970-01-01 00:00:00 UTC"
        bnds = ds["time_bnds"].values
        assert bnds.shape == (3, 2)
        # Days in UTC+8: 2024-01-01 00:00 local is 2023-12-31 16:00 UTC; each 86400 s.
        first = pd.Timestamp("2023-12-31 16:00", tz="UTC").timestamp()
        assert bnds[:, 0] == pytest.approx(first + 86400.0 * np.arange(3))
        assert np.all(bnds[:, 1] - bnds[:, 0] == 86400.0)
        assert np.all(bnds[1:, 0] == bnds[:-1, 1])  # contiguous
        assert t.values == pytest.approx(bnds[:, 0])
        assert [i["label"] for i in report["intervals"]] == list(ds["interval"].values)
    # Decoded, the bounds are instants.
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds["interval_time"].values[0] == np.datetime64("2023-12-31T16:00")


def test_cell_methods_and_units(written: tuple[Path, dict]) -> None:
    path, _ = written
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        for s in ("BE", "PE", "LE", "ER", "EG_PJ_y"):
            assert ds[s].attrs["cell_methods"] == "time: sum", s
            assert ds[s].attrs["units"] in ("t", "MWh"), s
        assert "interval_time" in ds[s].encoding.get("coordinates", "interval_time")


def test_be_recomputed_from_the_file_alone(written: tuple[Path, dict]) -> None:
    """ACM0002 v22.0 eq. (11) and TOOL07 Step 6, from results.nc's variables only."""
    path, report = written
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        for name, value in (
            ("EF_grid_OM_y", EF_OM),
            ("EF_grid_BM_y", EF_BM),
            ("w_OM", W_OM),
            ("w_BM", W_BM),
        ):
            assert ds[name].dims == () and float(ds[name]) == pytest.approx(value), name
            assert ds[name].attrs["units"] in ("t/MWh", "1")
        assert ds["EF_grid_OM_y"].attrs["source"] == "fixture"
        cm = ds["EF_grid_CM_y"]
        assert cm.dims == () and "TOOL07" in cm.attrs["equation"]
        assert set(cm.attrs["inputs"].split()) >= {"EF_grid_OM_y", "EF_grid_BM_y", "w_OM"}
        assert float(cm) == pytest.approx(
            float(ds["w_OM"] * ds["EF_grid_OM_y"] + ds["w_BM"] * ds["EF_grid_BM_y"]), rel=1e-12
        )
        be = ds["EG_PJ_y"] * cm
        assert be.values == pytest.approx(ds["BE"].values, rel=1e-12)
        assert set(ds["BE"].attrs["inputs"].split()) == {"EG_PJ_y", "EF_grid_CM_y"}
        assert float(ds["BE"].sum()) == pytest.approx(report["totals"]["BE"], rel=1e-12)


def test_cf_checker(written: tuple[Path, dict]) -> None:
    """The CF checker (cfchecker, which needs the UDUNITS-2 C library) finds no error."""
    try:
        from cfchecker.cfchecks import CFChecker
    except ImportError as exc:
        pytest.skip(f"cfchecker not installed or UDUNITS-2 missing ({exc})")
    except FileNotFoundError as exc:  # cfunits raises this without libudunits2
        pytest.skip(f"cfchecker cannot run: {exc}")
    path, _ = written
    checker = CFChecker(silent=True, version="1.8")
    try:
        checker.checker(str(path))
    except Exception as exc:  # cf-checker needs its standard-name table (network)
        pytest.skip(f"cfchecker cannot run offline: {type(exc).__name__}: {exc}")
    totals = checker.get_total_counts()
    assert totals["FATAL"] == 0 and totals["ERROR"] == 0, checker.results

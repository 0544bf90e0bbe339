"""TOOL07 operating margins from a year of hourly dispatch of 1,000 plants.

A synthetic, seeded system (``--plants``, default 1,000; 8,760 hours of 2023): capacities,
a merit order (LCMR units first), hourly availability of the LCMR units, a load that the
units meet in merit order, and a 50 MW solar-shaped project displacing grid electricity.
Timed (best of ``--repeat``, default 3, wall clock, after one warm-up call):

- ``dispatch_data_om`` with a fixed merit order and with a merit order given per hour
  (TOOL07 v07.0 eqs. (12), (14), para. 69), the project displacing electricity in every
  hour;
- ``simple_adjusted_om`` ex post, lambda by appendix 3 on the hourly load (eq. (10));
- ``plant_emission_factors`` of the annual data (eqs. (4), (5)), for reference.

Reported as ratios against baselines run in the same process on the same
(plant x hour) array: ``np.sort`` along the plant axis (what stacking by merit order
cannot do with less) and one matrix product EF @ EG (the hourly emissions of every unit
summed: the arithmetic of eq. (14) without the top-of-dispatch selection). Not a test:
nothing here asserts a time. Run ``python benchmarks/bench_tool07.py``.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import xarray as xr

from reductions.tools.tool07 import dispatch_data_om, plant_emission_factors, simple_adjusted_om

FUELS = ["coal", "natural_gas", "oil"]
NCV = [20.0, 50.0, 40.0]  # GJ/t
EF_CO2 = [0.0946, 0.0561, 0.0774]  # t/GJ


def best_of(n: int, fn: Callable[[], object]) -> float:
    fn()  # warm-up
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def synthetic(n: int, seed: int = 7) -> tuple[xr.Dataset, xr.Dataset, xr.DataArray, xr.DataArray]:
    """Annual plant data, hourly dispatch, the project's displaced electricity [MWh] and
    the hourly system load [MW]."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    H = hours.size
    n_lcmr = int(0.3 * n)
    cap = rng.lognormal(mean=4.0, sigma=1.0, size=n).clip(5.0, 1500.0)  # MW
    cap[:n_lcmr] *= 5.0  # LCMR large enough to be on the margin in some hours
    lcmr_kind = rng.choice(["hydro", "wind", "solar"], size=n_lcmr)
    fossil_kind = rng.choice(FUELS, size=n - n_lcmr, p=[0.4, 0.45, 0.15])
    kinds = np.concatenate([lcmr_kind, fossil_kind])
    # merit order: LCMR units first (in random order), then fossil units in random order
    merit = np.concatenate(
        [rng.permutation(n_lcmr) + 1, rng.permutation(n - n_lcmr) + n_lcmr + 1]
    ).astype(float)
    avail = np.ones((n, H))
    t = np.arange(H)
    daylight = np.clip(np.sin(2 * np.pi * (t % 24 - 6) / 24), 0, None)
    for i, kind in enumerate(lcmr_kind):  # loop over the LCMR kinds' rows: data only
        if kind == "solar":
            avail[i] = daylight * rng.uniform(0.6, 1.0)
        elif kind == "wind":
            avail[i] = rng.beta(2.0, 4.0, size=H)
        else:
            avail[i] = 0.5 + 0.3 * np.sin(2 * np.pi * t / H + rng.uniform(0, 6.28))
    available = cap[:, None] * avail
    total_cap = cap.sum()
    load = total_cap * (
        0.42 + 0.12 * np.sin(2 * np.pi * (t % 24 - 9) / 24) + 0.06 * np.cos(2 * np.pi * t / H)
    ) + rng.normal(0.0, 0.01 * total_cap, size=H)
    order = np.argsort(merit)
    stacked_before = np.zeros_like(available)
    stacked_before[order[1:]] = np.cumsum(available[order], axis=0)[:-1]
    eg = np.clip(load[None, :] - stacked_before, 0.0, available)  # MWh in each hour
    system_load = eg.sum(axis=0)
    eta = np.where(np.arange(n) < n_lcmr, np.nan, rng.uniform(0.28, 0.58, size=n))
    plants = [f"U{i:04d}" for i in range(n)]
    annual = xr.Dataset(
        {
            "EG": (("plant", "year"), eg.sum(axis=1)[:, None], {"units": "MWh"}),
            "fuel_type": ("plant", kinds),
            "NCV": ("fuel", NCV),
            "EF_CO2": ("fuel", EF_CO2, {"units": "t/GJ"}),
            "eta": ("plant", eta),
        },
        coords={"plant": plants, "year": [2023], "fuel": FUELS},
    )
    ef = plant_emission_factors(annual).EF_EL.sel(year=2023)
    dispatch = xr.Dataset(
        {
            "EG": (("plant", "hour"), eg, {"units": "MWh"}),
            "merit_order": ("plant", merit),
            "EF_EL": ("plant", ef.values, {"units": "t/MWh"}),
        },
        coords={"plant": plants, "hour": hours},
    )
    # a 50 MW wind farm: it displaces grid electricity in every hour of the year
    project = xr.DataArray(
        50.0 * rng.beta(2.0, 3.0, size=H).clip(0.01), dims="hour", coords={"hour": hours}
    )
    load = xr.DataArray(system_load, dims="hour", coords={"hour": hours}, attrs={"units": "MW"})
    return annual, dispatch, project, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    annual, dispatch, project, load = synthetic(args.plants)
    build = time.perf_counter() - t0
    eg = np.asarray(dispatch["EG"].values)
    ef = np.asarray(dispatch["EF_EL"].values)
    n, H = eg.shape
    hourly_merit = dispatch.copy()
    hourly_merit["merit_order"] = (
        ("plant", "hour"),
        np.repeat(dispatch["merit_order"].values[:, None], H, axis=1),
    )

    # baselines: best of more runs (the matrix product's time depends on BLAS threads)
    sort = best_of(max(args.repeat, 10), lambda: np.sort(eg, axis=0))
    matmul = best_of(max(args.repeat, 10), lambda: ef @ eg)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("plant_emission_factors (annual)", lambda: plant_emission_factors(annual)),
        ("dispatch_data_om, fixed merit order", lambda: dispatch_data_om(dispatch, project)),
        (
            "dispatch_data_om, merit order per hour",
            lambda: dispatch_data_om(hourly_merit, project),
        ),
        (
            "simple_adjusted_om, ex post, appendix 3",
            lambda: simple_adjusted_om(annual, load={2023: load}, vintage="ex_post", year=2023),
        ),
    ]
    rows = [("baseline np.sort(EG, axis=0)", sort), ("baseline EF @ EG (matrix product)", matmul)]
    rows += [(name, best_of(args.repeat, fn)) for name, fn in steps]
    dd = dispatch_data_om(dispatch, project)
    adj = simple_adjusted_om(annual, load={2023: load}, vintage="ex_post", year=2023)
    print(
        f"{n} plants x {H} hours ({eg.size:,} values); data built in {build:.2f} s; "
        f"numpy {np.__version__}, xarray {xr.__version__}, {platform.python_version()}"
    )
    print(f"{'step':<44} {'ms':>9} {'x np.sort':>10} {'x matmul':>10}")
    for name, seconds in rows:
        print(f"{name:<44} {seconds * 1e3:>9.1f} {seconds / sort:>10.2f} {seconds / matmul:>10.1f}")
    assert dd.hourly is not None and adj.lambda_y is not None
    print(
        f"EF_grid,OM-DD = {dd.EF_grid_OM_y:.4f} t/MWh over {dd.hourly.sizes['hour']} hours "
        f"(mean {float(dd.hourly.n_top.mean()):.1f} units in the top); "
        f"EF_grid,OM-adj = {adj.EF_grid_OM_y:.4f} t/MWh, lambda = {float(adj.lambda_y[0]):.4f}"
    )


if __name__ == "__main__":
    main()

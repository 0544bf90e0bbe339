"""Monte Carlo of a closed-form annual ER through the engine against bare numpy.

`python benchmarks/bench_uncertainty.py [--draws N] [--repeat R]`

The project is CCER-01-002-V01 on an ex-ante estimate of one year (one value per meter,
the example's expected annual export and import), with uncertain OM and BM grid factors
(normal) and class-0.2S export and import meters (rectangular, correlated r = 0.5):

    ER = (E (1 + d_E)(1 - mpe) - I (1 + d_I)(1 + mpe)) x (0.5 OM + 0.5 BM)

The engine side is `reductions.uncertainty.model` evaluating the unchanged plugin on
N draws (in the engine's chunks); the baseline evaluates the formula above in numpy on
the very same draws. Both are timed alternately, best of R; the draws are generated once,
outside the timing, and the two results are checked to agree to 1e-9. The ratio is
reported; nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from reductions.project import load_project
from reductions.uncertainty.model import Model
from reductions.uncertainty.propagate import (
    components,
    correlation_factor,
    declarations_for,
    draw_inputs,
    evaluate,
)

E, I_, MPE, OM, BM = 1_051_200.0, 2_000.0, 0.002, 0.9419, 0.4819

PROJECT = f"""
[project]
name = "benchmark"
methodology = "ccer.01-002"
methodology_version = "V01"
timezone = "UTC+8"
[estimate]
start = 2025-01-01
years = 1
[estimate.annual]
EG_export = {{ value = {E}, unit = "MWh" }}
EG_import = {{ value = {I_}, unit = "MWh" }}
[parameters]
distance_from_shore = {{ value = 38, unit = "km" }}
crediting_period_start = 2025-01-01
EF_grid_OM_y = {{ value = {OM}, unit = "t/MWh" }}
EF_grid_BM_y = {{ value = {BM}, unit = "t/MWh" }}
EF_grid_vintage = 2019
MPE_export = {{ value = {MPE}, unit = "1" }}
MPE_import = {{ value = {MPE}, unit = "1" }}
[uncertainty]
seed = 1
[uncertainty.inputs]
EF_grid_OM_y = {{ std = 0.02 }}
EF_grid_BM_y = {{ std = 0.03 }}
EG_export = {{ accuracy_class = "0.2S" }}
EG_import = {{ accuracy_class = "0.2S" }}
[[uncertainty.correlation]]
inputs = ["EG_export", "EG_import"]
r = 0.5
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "project.toml"
        path.write_text(PROJECT, encoding="utf-8")
        model = Model(load_project(path))
    decls = declarations_for(model)
    comps = components(model, decls)
    factor = correlation_factor(comps, decls, "benchmark")
    rng = np.random.Generator(np.random.PCG64(1))
    x = draw_inputs(rng, comps, factor, args.draws)
    col = {c.label: i for i, c in enumerate(comps)}

    def engine() -> np.ndarray:
        return evaluate(model, comps, x, decls, None)

    def bare() -> np.ndarray:
        om, bm = x[:, col["EF_grid_OM_y"]], x[:, col["EF_grid_BM_y"]]
        de, di = x[:, col["EG_export"]], x[:, col["EG_import"]]
        eg = E * (1 + de) * (1 - MPE) - I_ * (1 + di) * (1 + MPE)
        return eg * (0.5 * om + 0.5 * bm)

    a, b = engine(), bare()
    worst = float(np.max(np.abs(a - b) / np.abs(b)))
    assert worst < 1e-9, worst
    t_engine, t_bare = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        engine()
        t_engine.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        bare()
        t_bare.append(time.perf_counter() - t0)
    te, tb = min(t_engine), min(t_bare)
    print(f"draws: {args.draws:,}; inputs: {len(comps)}; max relative difference {worst:.1e}")
    print(f"engine (plugin over a draw dimension): {te:.3f} s")
    print(f"bare numpy, same formula, same draws:  {tb:.3f} s")
    print(f"ratio engine / bare: {te / tb:.1f}")


if __name__ == "__main__":
    main()

"""Engine throughput: a year of 1-minute meter data through ``run_project``.

Reported as a ratio against a baseline measured in the same process: reading the same
CSV with ``pandas.read_csv`` (the least any ingest must do). Not a test: nothing here
asserts a time. Run ``python benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reductions import run_project

PROJECT = """[project]
name = "benchmark"
methodology = "ccer.01-002"
methodology_version = "V01"
[period]
start = 2024-01-01
end = 2024-12-31
timezone = "UTC+8"
reporting = "day"
[parameters]
distance_from_shore = {{ value = 38, unit = "km" }}
EF_grid_OM_y = {{ value = 0.9, unit = "t/MWh" }}
EF_grid_BM_y = {{ value = 0.4, unit = "t/MWh" }}
MPE_export = 0.002
MPE_import = 0.002
[monitoring]
file = "{file}"
time = "t"
timezone = "UTC+8"
interval = "1min"
[monitoring.variables]
EG_export = {{ column = "e", unit = "kWh" }}
EG_import = {{ column = "i", unit = "kWh" }}
"""


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = pd.date_range("2024-01-01 00:01", "2025-01-01 00:00", freq="1min")
        rng = np.random.default_rng(1)
        pd.DataFrame(
            {
                "t": t.strftime("%Y-%m-%d %H:%M"),
                "e": np.round(rng.uniform(0, 800, t.size), 3),
                "i": np.round(rng.uniform(0, 5, t.size), 3),
            }
        ).to_csv(folder / "m.csv", index=False)
        (folder / "p.toml").write_text(PROJECT.format(file="m.csv"), encoding="utf-8")
        rows = t.size
        baseline = best_of(3, lambda: pd.read_csv(folder / "m.csv"))
        run = best_of(3, lambda: run_project(folder / "p.toml"))
        full = best_of(1, lambda: run_project(folder / "p.toml").write(folder / "out"))
    print(f"rows: {rows} (two variables, 1-minute, one year)")
    print(f"baseline pandas.read_csv: {baseline:.3f} s")
    print(f"run_project:              {run:.3f} s  ratio {run / baseline:.1f} x baseline")
    print(f"run + write outputs:      {full:.3f} s  ratio {full / baseline:.1f} x baseline")
    print(f"throughput: {2 * rows / run / 1e6:.2f} million monitored values per second")


if __name__ == "__main__":
    main()

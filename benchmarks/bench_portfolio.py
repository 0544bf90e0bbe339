"""Portfolio throughput: N generated projects on a dask LocalCluster of 1 and of 2 workers.

The projects are copies of two examples (``acm0002-wind``: a year of hourly meter registers;
``ccer-01-002-offshore-wind``: a year of 15-minute energy), each with its data scaled by
its own factor, so that every project has its own inputs and its own report. Each cluster
runs the portfolio with ``force``: once cold (workers import the engine and the plugins),
then ``--repeat`` times warm (best of), and once more without ``force`` (every project
skipped as unchanged: the cost of hashing the inputs and checking the reports). Both
clusters are up at once and their runs alternate. Reported: projects per second and the
ratio 1 worker time / 2 workers time, measured in the same process; beside it the
machine's own ratio for plain CPU-bound work (what 2 processes can gain on this machine
now: a shared machine may have less than two free cores), the load average, and the share
of the workers' time spent inside projects (``busy``; 1.0 means no dispatch cost). Not a
test: nothing here asserts a time.

Run ``python benchmarks/bench_portfolio.py`` (``--projects N``, default 24; ``--repeat``,
default 3; ``--local`` also times the default local process pool of 2 workers).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from reductions.portfolio import run_portfolio

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def generate(root: Path, n: int) -> Path:
    """``n`` projects under ``root/sites`` and ``root/portfolio.toml`` listing them."""
    rng = np.random.default_rng(12)
    wind = pd.read_csv(EXAMPLES / "acm0002-wind" / "monitoring.csv")
    offshore = pd.read_csv(EXAMPLES / "ccer-01-002-offshore-wind" / "monitoring.csv")
    for k in range(n):
        scale = float(rng.uniform(0.5, 1.5))
        site = root / "sites" / f"site-{k:04d}"
        if k % 2 == 0:
            shutil.copytree(EXAMPLES / "acm0002-wind", site, ignore=shutil.ignore_patterns("out"))
            df = wind.copy()
            for col in ("export_register_kWh", "import_register_kWh"):
                first = df[col].iloc[0]
                df[col] = np.round(first + (df[col] - first) * scale, 1)
        else:
            shutil.copytree(
                EXAMPLES / "ccer-01-002-offshore-wind",
                site,
                ignore=shutil.ignore_patterns("out", "estimate.toml", "uncertainty.toml"),
            )
            df = offshore.copy()
            df["export_MWh"] = np.round(df["export_MWh"] * scale, 4)
        df.to_csv(site / "monitoring.csv", index=False)
    path = root / "portfolio.toml"
    path.write_text(
        '[portfolio]\nname = "benchmark"\noutput = "out"\n\n'
        '[[projects]]\npath = "sites/*/project.toml"\n',
        encoding="utf-8",
    )
    return path


def burn(n: int) -> int:
    """Pure-Python CPU work: the machine's own 1-to-2-process ratio, as a baseline."""
    s = 0
    for i in range(n):
        s += i * i
    return s


def machine_ratio() -> float:
    """Time of 4 equal CPU-bound tasks on 1 process over that on 2 (2.0 on 2 free cores)."""
    best = {}
    for w in (1, 2, 1, 2):
        t0 = time.perf_counter()
        with ProcessPoolExecutor(w) as ex:
            list(ex.map(burn, [5_000_000] * 4))
        best[w] = min(best.get(w, math.inf), time.perf_counter() - t0)
    return best[1] / best[2]


def timed(path: Path, **kwargs) -> tuple[float, dict]:
    t0 = time.perf_counter()
    result = run_portfolio(path, **kwargs)
    return time.perf_counter() - t0, result.summary


def main() -> None:
    from distributed import LocalCluster

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3, help="warm runs per cluster (best of)")
    ap.add_argument("--local", action="store_true", help="also the local process pool")
    args = ap.parse_args()
    n = args.projects
    load = [os.getloadavg()[0]]
    times: dict[tuple[int, str], list[float]] = {}
    busy: dict[tuple[int, str], list[float]] = {}
    er: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        path = generate(Path(tmp), n)
        clusters = {
            w: stack.enter_context(
                LocalCluster(
                    n_workers=w, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
            )
            for w in (1, 2)
        }
        # Both clusters stay up; their runs alternate, so that a change of the machine's
        # load hits both sides.
        plan = [("cold", True)] + [("warm", True)] * args.repeat + [("skip", False)]
        for name, force in plan:
            for w, cluster in clusters.items():
                seconds, summary = timed(path, scheduler=cluster.scheduler_address, force=force)
                c = summary["counts"]
                assert c["failed"] == 0, summary["failed"]
                assert c["skipped"] == (n if name == "skip" else 0)
                times.setdefault((w, name), []).append(seconds)
                # Share of the workers' time spent inside projects (1.0: no dispatch cost).
                inside = sum(p["seconds"] for p in summary["projects"])
                busy.setdefault((w, name), []).append(inside / (w * seconds))
                er[w] = summary["totals"]["ER"]
        stack.close()
        local = None
        if args.local:
            local = min(timed(path, workers=2, force=True)[0] for _ in range(2))
    baseline = machine_ratio()
    load.append(os.getloadavg()[0])
    assert abs(er[1] - er[2]) <= 1e-9 * abs(er[1])
    print(
        f"{n} projects (half cdm.acm0002 with a year of hourly registers, half ccer.01-002 "
        f"with a year of 15-minute data); {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average {load[0]:.1f} before, {load[1]:.1f} after"
    )
    print(f"portfolio ER {er[1]:,.3f} t CO2e (the same on both clusters)")
    print(
        f"machine baseline: 4 CPU-bound pure-Python tasks on 2 processes are {baseline:.2f} x "
        "as fast as on 1 (2.0 with two free cores)"
    )
    print(f"{'run':<6}{'1 worker':>22}{'2 workers':>22}{'ratio':>8}{'busy 1w / 2w':>16}")
    for name in ("cold", "warm", "skip"):
        k = min(range(len(times[(1, name)])), key=times[(1, name)].__getitem__)
        j = min(range(len(times[(2, name)])), key=times[(2, name)].__getitem__)
        a, b = times[(1, name)][k], times[(2, name)][j]
        print(
            f"{name:<6}{a:>8.2f} s {n / a:>7.2f} proj/s{b:>8.2f} s {n / b:>7.2f} proj/s"
            f"{a / b:>8.2f}{busy[(1, name)][k]:>9.2f} /{busy[(2, name)][j]:>5.2f}"
        )
    if local is not None:
        print(
            f"local process pool, 2 workers (a new pool, started in the run; best of 2): "
            f"{local:.2f} s, {n / local:.2f} proj/s"
        )


if __name__ == "__main__":
    main()

"""Benchmark: thirty years of hourly operation through capture, compression, a 100-segment
pipeline and injection, on the fast property path, against the same chain on CoolProp's
exact HEOS path measured over a slice in the same process (extrapolated per step).

Run: ``python benchmarks/bench_chain.py [--years 30] [--slice 240]``. Prints wall times,
the ratio and the largest mass-balance residual. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from ccus import chain as ch
from ccus import pipeline as pl
from ccus import properties


def build_chain(n: int, method: str, seed: int = 1) -> tuple[ch.Chain, np.ndarray]:
    """A 1.5 Mt/yr chain over n hourly steps with seasonal ambient and flow variation."""
    rng = np.random.default_rng(seed)
    hours = np.arange(n)
    season = np.sin(2 * np.pi * hours / 8766.0)
    captured = 171.0 * (1.0 + 0.1 * season) * (0.95 + 0.1 * rng.random(n))  # t/h, ~1.5 Mt/yr
    T_cool = 303.15 + 8.0 * season + 2.0 * rng.standard_normal(n) * 0.1  # cooling water
    T_cool = np.maximum(T_cool, 295.0)
    edges = np.datetime64("2025-01-01T00", "s") + np.arange(n + 1) * np.timedelta64(3600, "s")
    pipe = pl.Pipeline.uniform(
        200e3,
        100,
        0.40,
        roughness=4.57e-5,
        elevation_change=150.0,
        U=2.0,
        ground_temperature=283.15,
    )
    chain = ch.Chain(
        [
            ch.Capture("capture", captured, fugitive_fraction=1e-4, specific_energy=0.9),
            ch.Compression(
                "compression",
                1.5e5,
                313.15,
                15.0e6,
                options={
                    "n_stages": 5,
                    "eta_is": 0.80,
                    "T_intercooler": 313.15,
                    "T_aftercooler": T_cool,
                    "p_cutoff": 8.0e6,
                    "eta_pump": 0.75,
                    "method": method,
                },
                fugitive_fraction=5e-5,
            ),
            ch.PipelineTransport(
                "pipeline",
                pipe,
                15.0e6,
                305.0,
                options={"method": method, "phase_check": "raise", "pressure_margin": 0.5e6},
                leak_fraction=1e-5,
            ),
            ch.StorageSite("injection", surface_leakage=0.0, equipment_injection=1e-3),
        ]
    )
    return chain, edges


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--slice", type=int, default=240, help="steps for the exact baseline")
    args = ap.parse_args()
    n = int(round(args.years * 8766))
    print(
        f"python {platform.python_version()}, cores {os.cpu_count()}, "
        f"CoolProp {properties.backend_info()['coolprop_version']}"
    )

    # warm-up: build the fast tables once (cached per process), timed separately
    t0 = time.perf_counter()
    warm, e = build_chain(48, "fast")
    warm.run(e)
    t_warm = time.perf_counter() - t0

    chain, edges = build_chain(n, "fast")
    t0 = time.perf_counter()
    ds = chain.run(edges)
    t_fast = time.perf_counter() - t0
    bal = ch.check_balance(ds)

    k = args.slice
    chain_x, edges_x = build_chain(k, "exact")
    t0 = time.perf_counter()
    ds_x = chain_x.run(edges_x)
    t_exact_slice = time.perf_counter() - t0
    t_exact_est = t_exact_slice / k * n

    # agreement of the fast run with the exact one on the common slice
    fast_slice, e2 = build_chain(k, "fast")
    ds_f = fast_slice.run(e2)
    p_rel = float(
        np.max(
            np.abs(fast_slice.nodes[2].result.p_out - chain_x.nodes[2].result.p_out)
            / chain_x.nodes[2].result.p_out
        )
    )
    e_rel = float(
        np.max(np.abs(ds_f["energy"] - ds_x["energy"]) / np.maximum(ds_x["energy"], 1e-12))
    )

    stored = float(ds["inventory_change"].sel(node="injection").sum())
    energy = ds["energy"].sum("time")
    print(f"steps: {n} hourly ({args.years:g} years), pipeline 100 segments")
    print(f"fast-table warm-up (once per process): {t_warm:.2f} s")
    print(f"chain, fast path, {n} steps: {t_fast:.2f} s wall")
    print(
        f"chain, exact HEOS path, {k} steps: {t_exact_slice:.2f} s -> "
        f"extrapolated {t_exact_est:.0f} s for {n} steps"
    )
    print(f"ratio exact/fast (per step): {t_exact_est / t_fast:.1f}")
    print(f"max |mass imbalance| over nodes and steps: {bal:.3e} t")
    print(
        f"stored: {stored / 1e6:.3f} Mt; energy by node [GWh]: "
        + ", ".join(
            f"{nd}={float(v) / 1e3:.1f}"
            for nd, v in zip(ds.node.values, energy.values, strict=True)
        )
    )
    print(
        f"fast vs exact on the slice: max rel. outlet-pressure diff {p_rel:.2e}, "
        f"max rel. energy diff {e_rel:.2e}"
    )


if __name__ == "__main__":
    main()

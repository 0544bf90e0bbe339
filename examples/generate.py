"""Write the synthetic monitoring data of the examples (seeded, reproducible).

The data are synthetic: a plausible wind farm's meter readings, not a real plant's.
Run ``python examples/generate.py`` to regenerate them; the committed files are its output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def wind_power(n: int, capacity_mw: float, rng: np.random.Generator) -> np.ndarray:
    """Hourly-correlated wind speed (AR(1)) through a simple power curve [MW]."""
    eps = rng.normal(size=n)
    x = np.empty(n)
    x[0] = 0.0
    phi = 0.98
    # An AR(1) recursion is inherently sequential; this runs once, offline.
    for i in range(1, n):
        x[i] = phi * x[i - 1] + np.sqrt(1 - phi**2) * eps[i]
    speed = np.clip(8.0 + 3.5 * x, 0.0, None)
    frac = np.clip((speed - 3.0) / (12.0 - 3.0), 0.0, 1.0) ** 3
    frac[speed > 25.0] = 0.0
    return capacity_mw * frac


def acm0002(rng: np.random.Generator) -> None:
    """Onshore wind, 49.5 MW, hourly meter registers in kWh, UTC+8, 2024."""
    times = pd.date_range("2024-01-01 00:00", "2025-01-01 00:00", freq="1h")
    p = wind_power(len(times) - 1, 49.5, rng)
    export_kwh = np.round(p * 1000.0 * 0.97, 1)
    import_kwh = np.round(np.where(p < 0.2, 0.12 * 1000.0, 0.0), 1)
    reg_exp = np.concatenate([[1_234_567.0], 1_234_567.0 + np.cumsum(export_kwh)])
    reg_imp = np.concatenate([[98_765.0], 98_765.0 + np.cumsum(import_kwh)])
    pd.DataFrame(
        {
            "timestamp": times.strftime("%Y-%m-%dT%H:%M"),
            "export_register_kWh": np.round(reg_exp, 1),
            "import_register_kWh": np.round(reg_imp, 1),
        }
    ).to_csv(HERE / "acm0002-wind" / "monitoring.csv", index=False)


def ccer(rng: np.random.Generator) -> None:
    """Offshore wind, 300 MW, 15-minute interval energy in MWh, end-labelled, UTC+8, 2024."""
    times = pd.date_range("2024-01-01 00:15", "2025-01-01 00:00", freq="15min")
    hourly = wind_power(len(times) // 4 + 1, 300.0, rng)
    p = np.repeat(hourly, 4)[: len(times)] * rng.uniform(0.97, 1.0, size=len(times))
    export = np.round(p * 0.25 * 0.975, 4)
    imp = np.round(np.where(p < 1.0, 0.8 * 0.25, 0.0), 4)
    pd.DataFrame(
        {
            "time_end": times.strftime("%Y-%m-%d %H:%M"),
            "export_MWh": export,
            "import_MWh": imp,
        }
    ).to_csv(HERE / "ccer-01-002-offshore-wind" / "monitoring.csv", index=False)


if __name__ == "__main__":
    acm0002(np.random.default_rng(20240101))
    ccer(np.random.default_rng(20241203))

"""Write the synthetic monitoring data of the CCER-01-001 example (seeded, reproducible).

A plausible 100 MW molten-salt tower plant with storage, not a real plant's data:

- ``meters.csv``: hourly export and import energy [MWh], each row labelled by the END of
  its hour, local time UTC+8, 2024. The collector field charges the storage by day; the
  turbine runs from 10:00 for as many hours as the day's solar heat allows (up to 14 h,
  until midnight), so part of the output comes after sunset; the plant draws 1.2 MW from
  the grid while the turbine is off (pumps, heat tracing).
- ``fuel.csv``: daily fuel meter readings, labelled by the START of the day: natural gas
  [Nm3] burnt in the auxiliary heater that keeps the molten salt liquid (防凝) in the
  cold months, more after dull days, and diesel [t] of an emergency heater on a few very
  cold days.

Run ``python examples/ccer-01-001-solar-thermal/generate.py``; the committed files are its
output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
CAPACITY_MW = 100.0
PARASITIC_MW = 1.2


def daily_clearness(n: int, rng: np.random.Generator) -> np.ndarray:
    """Day-to-day correlated clearness in [0.15, 1] (AR(1) around a seasonal mean)."""
    eps = rng.normal(size=n)
    x = np.empty(n)
    x[0] = 0.0
    # An AR(1) recursion is inherently sequential; this runs once, offline.
    for i in range(1, n):
        x[i] = 0.7 * x[i - 1] + np.sqrt(1 - 0.7**2) * eps[i]
    day = np.arange(n)
    season = 0.72 + 0.08 * np.sin(2 * np.pi * (day - 80) / 366)
    return np.clip(season + 0.2 * x, 0.15, 1.0)


def main(rng: np.random.Generator) -> None:
    days = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    clear = daily_clearness(len(days), rng)
    # Hours of full-load operation the day's heat allows (storage carries the evening).
    hours = np.clip(np.round(14.0 * clear**1.2, 1), 0.0, 14.0)
    hour = np.arange(24)
    # Hour h runs h:00-(h+1):00; the turbine runs from 10:00 for `hours` hours (a part of
    # an hour at the end), and the grid supplies the parasitic load for the rest.
    on = np.clip(hours[:, None] - (hour[None, :] - 10), 0.0, 1.0)
    on[:, :10] = 0.0
    load = rng.uniform(0.93, 1.0, size=on.shape)
    export = np.round(CAPACITY_MW * on * load * 0.905, 3)  # net of auxiliaries
    imports = np.round(PARASITIC_MW * (1.0 - on), 3)
    ends = pd.date_range("2024-01-01 01:00", periods=export.size, freq="h")
    pd.DataFrame(
        {
            "time_end": ends.strftime("%Y-%m-%d %H:%M"),
            "export_MWh": export.ravel(),
            "import_MWh": imports.ravel(),
        }
    ).to_csv(HERE / "meters.csv", index=False)

    cold = np.cos(2 * np.pi * (np.arange(len(days)) - 15) / 366)  # 1 mid-January
    heating = np.clip(cold - 0.3, 0.0, None) / 0.7  # Nov-Feb, most in January
    gas = np.round(1800.0 * heating * (1.6 - clear) * rng.uniform(0.9, 1.1, len(days)), 1)
    diesel = np.where(
        (heating > 0.9) & (clear < 0.45), np.round(rng.uniform(0.4, 1.2, len(days)), 3), 0.0
    )
    pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "natural_gas_Nm3": gas,
            "diesel_t": diesel,
        }
    ).to_csv(HERE / "fuel.csv", index=False)


if __name__ == "__main__":
    main(np.random.default_rng(20231107))

"""Write the synthetic data of the IPMVP Option C example (seeded, reproducible).

ILLUSTRATIVE, SYNTHETIC DATA: an invented office building, not a real one. Daily mean
temperatures follow a seasonal sine with noise; the building's electricity use per day is
1,200 kWh of base load, 45 kWh per heating degree day below 60 degF and 30 kWh per
cooling degree day above 70 degF, with 3 % noise. From 2023-01-01 the retrofit saves 25 %
of that, and from 2023-07-01 a new server room (not in the baseline) adds 150 kWh a day,
which the project file declares as a non-routine adjustment. Temperatures are written in
degC, consumption in kWh (the engine converts both).

Run ``python examples/ipmvp-option-c-building/generate.py``; the committed CSV files are
its output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
SEED = 20240917


def daily_kwh(t_degf: np.ndarray) -> np.ndarray:
    """The building's true daily use before the retrofit [kWh]."""
    return 1200.0 + 45.0 * np.fmax(60.0 - t_degf, 0.0) + 30.0 * np.fmax(t_degf - 70.0, 0.0)


def main() -> None:
    rng = np.random.default_rng(SEED)
    days = pd.date_range("2022-01-01", "2023-12-31", freq="D")
    doy = days.day_of_year.to_numpy()
    t_degc = 11.0 - 11.0 * np.cos(2 * np.pi * (doy - 15) / 365.25) + rng.normal(0, 2.5, days.size)
    t_degf = t_degc * 9.0 / 5.0 + 32.0
    use = daily_kwh(t_degf) * (1.0 + rng.normal(0.0, 0.03, days.size))
    rep = days >= "2023-01-01"
    use[rep] *= 0.75
    use[days >= "2023-07-01"] += 150.0
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "t_mean_degC": t_degc.round(2)}).to_csv(
        HERE / "weather.csv", index=False
    )
    pd.DataFrame({"date": days[~rep].strftime("%Y-%m-%d"), "kWh": use[~rep].round(1)}).to_csv(
        HERE / "baseline.csv", index=False
    )
    pd.DataFrame({"date": days[rep].strftime("%Y-%m-%d"), "kWh": use[rep].round(1)}).to_csv(
        HERE / "reporting.csv", index=False
    )


if __name__ == "__main__":
    main()

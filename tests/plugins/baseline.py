"""``test.baseline-toy``: energy savings against a weather-adjusted baseline model.

Test-only, written against :mod:`reductions.plugin` alone; the shape of an energy-
efficiency methodology (IPMVP Option C, ASHRAE Guideline 14 style). Three tables:

- ``E_base``: daily energy use in the baseline period (``period = "baseline"``);
- ``E_rep``: daily energy use in the reporting period;
- ``HDD``: daily heating degree days from a weather station, a ``history`` table (it
  covers the baseline period, the reporting period and the days between).

In ``quantify`` a straight line E = a + b x HDD is fitted to the baseline days by least
squares (numpy, vectorised), the reporting days' energy is predicted from their degree
days, and savings x EF = BE - PE: BE = E_adj x EF, PE = E_rep x EF, LE = 0. The fit's
R^2 is a finding made while quantifying; a fit below 0.75 fails (an override may set it
aside, on the record). The baseline period must precede the reporting period.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from reductions.plugin import (
    Equation,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MonitoringDataError,
    Parameter,
    Source,
    Status,
    Variable,
    equation,
)

DOC, VER = "TOY-BASELINE", "2.0"
#: Minimum R^2 of the baseline model.
R2_MIN = 0.75
#: Minimum length of the baseline period [days].
MIN_BASELINE_DAYS = 14


@equation(
    DOC,
    VER,
    "eq. (1)",
    returns=("HDD_base", "K*day"),
    extensive=True,
    text="HDD_base_d = HDD_d for the days d of the baseline period",
)
def degree_days_baseline(HDD, E_base):
    """Heating degree days of the baseline days."""
    return HDD.sel(time=E_base.indexes["time"])


@equation(
    DOC,
    VER,
    "eq. (2)",
    returns=("HDD_rep", "K*day"),
    extensive=True,
    text="HDD_rep_d = HDD_d for the days d of the reporting period",
)
def degree_days_reporting(HDD, E_rep):
    """Heating degree days of the reporting days."""
    return HDD.sel(time=E_rep.indexes["time"])


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    design = np.column_stack([np.ones_like(x), x])
    (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(a), float(b)


@equation(
    DOC,
    VER,
    "eq. (3)",
    returns=("b", "MWh/(K*day)"),
    text="b = sum((HDD - mean HDD)(E - mean E)) / sum((HDD - mean HDD)^2) (least squares)",
    extensive=False,
)
def baseline_slope(HDD_base, E_base):
    """Slope of the baseline model: energy per degree day."""
    return _fit(HDD_base.values, E_base.values)[1]


@equation(
    DOC,
    VER,
    "eq. (4)",
    returns=("a", "MWh"),
    text="a = mean E - b x mean HDD (least squares)",
    extensive=False,
)
def baseline_intercept(HDD_base, E_base):
    """Intercept of the baseline model: energy of a day without heating."""
    return _fit(HDD_base.values, E_base.values)[0]


@equation(
    DOC,
    VER,
    "eq. (5)",
    returns=("R2", "1"),
    text="R2 = 1 - sum((E - a - b HDD)^2) / sum((E - mean E)^2)",
)
def coefficient_of_determination(HDD_base, E_base, a, b):
    """R^2 of the baseline model on the baseline days."""
    residual = E_base - (a + b * HDD_base)
    spread = E_base - E_base.mean()
    return 1.0 - float((residual**2).sum()) / float((spread**2).sum())


@equation(DOC, VER, "eq. (6)", returns=("E_adj", "MWh"), text="E_adj_d = a + b x HDD_rep_d")
def adjusted_baseline_energy(a, b, HDD_rep):
    """Energy the baseline model predicts for each reporting day."""
    return a + b * HDD_rep


@equation(DOC, VER, "eq. (7)", returns=("S", "MWh"), text="S_d = E_adj_d - E_rep_d")
def savings(E_adj, E_rep):
    """Energy saved each reporting day."""
    return E_adj - E_rep


@equation(DOC, VER, "eq. (8)", returns=("BE", "t"), text="BE_d = E_adj_d x EF")
def baseline_emissions(E_adj, EF):
    """Baseline emissions: the predicted energy use."""
    return E_adj * EF


@equation(DOC, VER, "eq. (9)", returns=("PE", "t"), text="PE_d = E_rep_d x EF")
def project_emissions(E_rep, EF):
    """Project emissions: the measured energy use."""
    return E_rep * EF


@equation(DOC, VER, "eq. (11)", returns=("ER", "t"), text="ER_d = BE_d - PE_d - LE_d = S_d x EF")
def emission_reductions(BE, PE, LE):
    """Emission reductions."""
    return BE - PE - LE


LEAKAGE = Equation(f"{DOC} v{VER} eq. (10)", "LE_d = 0")


def _check_weather_covers(hdd: xr.DataArray, days: xr.DataArray, what: str, inputs: Inputs) -> None:
    """The history table of degree days must hold every day of ``days``."""
    missing = ~np.isin(days["time"].values, hdd["time"].values)
    if missing.any():
        first = pd.Timestamp(days["time"].values[int(np.argmax(missing))])
        local = first.tz_localize("UTC").tz_convert(inputs.period.timezone)
        raise MonitoringDataError(
            f"no heating degree days for {int(missing.sum())} day(s) of the {what}, "
            f"first {local.isoformat()}",
            variable="HDD",
            rule=f"{DOC} para. 4: the weather data cover the baseline and reporting periods",
        )


class BaselineToy(Methodology):
    """Weather-adjusted energy savings."""

    id = "test.baseline-toy"
    version = VER
    title = "Toy methodology: energy savings against a degree-day baseline model"
    sources = (Source(DOC, "Toy energy-efficiency methodology for the engine tests", VER),)
    gwp_rule = "none"
    gases = ()
    baseline_may_overlap = False
    parameters = (Parameter("EF", "emission factor of the energy saved", unit="t/MWh"),)
    monitoring = (
        Variable("E_base", "daily energy use, baseline period", "MWh", period="baseline"),
        Variable("E_rep", "daily energy use, reporting period", "MWh"),
        Variable(
            "HDD",
            "heating degree days",
            "K*day",
            aggregate="sum",
            period="history",
        ),
    )
    equations = (
        degree_days_baseline,
        degree_days_reporting,
        baseline_slope,
        baseline_intercept,
        coefficient_of_determination,
        adjusted_baseline_energy,
        savings,
        baseline_emissions,
        project_emissions,
        LEAKAGE,
        emission_reductions,
    )

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        base = inputs.baseline
        name = "test.baseline-toy.applicability.baseline_period"
        clause = f"{DOC} para. 3"
        if base is None:
            # The engine refuses a baseline table without [period.baseline] itself.
            return [Finding(name, clause, Status.UNCHECKED, "no baseline period given")]
        days = (base.end - base.start).days + 1
        ok = days >= MIN_BASELINE_DAYS
        return [
            Finding(
                name,
                clause,
                Status.PASS if ok else Status.FAIL,
                f"the baseline period has {days} days"
                + ("" if ok else f", fewer than {MIN_BASELINE_DAYS}"),
                {"days": days, "minimum": MIN_BASELINE_DAYS},
            )
        ]

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        hdd = inputs.series["HDD"]
        for symbol, what in (("E_base", "baseline period"), ("E_rep", "reporting period")):
            _check_weather_covers(hdd, inputs.series[symbol], what, inputs)
        ledger.apply(degree_days_baseline)
        ledger.apply(degree_days_reporting)
        ledger.apply(baseline_slope)
        ledger.apply(baseline_intercept)
        r2 = ledger.apply(coefficient_of_determination)
        ok = r2 >= R2_MIN
        ledger.finding(
            Finding(
                "test.baseline-toy.model.fit",
                f"{DOC} para. 7",
                Status.PASS if ok else Status.FAIL,
                f"R2 of the baseline model is {r2:.4f}" + ("" if ok else f", below {R2_MIN}"),
                {"R2": r2, "minimum": R2_MIN},
            )
        )
        ledger.apply(adjusted_baseline_energy)
        ledger.apply(savings)
        ledger.apply(baseline_emissions)
        ledger.apply(project_emissions)
        ledger.add("LE", 0.0, "t", LEAKAGE.reference, (), "leakage")
        ledger.apply(emission_reductions)

"""Metered baselines: change-point models, Guideline 14 statistics, sufficiency.

- :mod:`~reductions.baselines.changepoint`: CalTRACK 2.0 daily and billing models
  (intercept-only, HDD, CDD, HDD+CDD; balance-point grid search; qualification;
  selection by adjusted R squared); frozen :class:`ChangePointModel` with
  :func:`predict` and a dict round trip.
- :mod:`~reductions.baselines.production`: SEC and regression on production (and
  degree days) for industry.
- :mod:`~reductions.baselines.statistics`: CV(RMSE), NMBE, R squared, fractional savings
  uncertainty with the autocorrelation correction; acceptance limits as data.
- :mod:`~reductions.baselines.sufficiency`: CalTRACK 2.2 data-sufficiency findings.

The CalTRACK hourly method (time-of-week and temperature) is not implemented.
"""

from __future__ import annotations

from .changepoint import (
    CALTRACK_1_0_DAILY,
    CALTRACK_2_0,
    CalTrackSettings,
    Candidate,
    ChangePointFit,
    ChangePointModel,
    balance_point_grid,
    cooling_degree_days,
    fit_billing,
    fit_daily,
    heating_degree_days,
    predict,
    predict_billing,
    usage_per_day,
    usage_per_day_model,
)
from .production import (
    LinearBaselineModel,
    ProductionFit,
    baseline_energy_sec,
    fit_production,
    fit_sec,
    predict_linear,
    specific_energy_consumption,
)
from .statistics import (
    FSU_CORRECTION,
    THRESHOLDS,
    FitStatistics,
    Threshold,
    acceptance_findings,
    adjusted_r_squared,
    cv_rmse,
    effective_sample_size,
    fit_statistics,
    fractional_savings_uncertainty,
    lag1_autocorrelation,
    nmbe,
    r_squared,
)
from .sufficiency import billing_sufficiency, daily_sufficiency

__all__ = [
    "CALTRACK_1_0_DAILY",
    "CALTRACK_2_0",
    "FSU_CORRECTION",
    "THRESHOLDS",
    "CalTrackSettings",
    "Candidate",
    "ChangePointFit",
    "ChangePointModel",
    "FitStatistics",
    "LinearBaselineModel",
    "ProductionFit",
    "Threshold",
    "acceptance_findings",
    "adjusted_r_squared",
    "balance_point_grid",
    "baseline_energy_sec",
    "billing_sufficiency",
    "cooling_degree_days",
    "cv_rmse",
    "daily_sufficiency",
    "effective_sample_size",
    "fit_billing",
    "fit_daily",
    "fit_production",
    "fit_sec",
    "fit_statistics",
    "fractional_savings_uncertainty",
    "heating_degree_days",
    "lag1_autocorrelation",
    "nmbe",
    "predict",
    "predict_billing",
    "predict_linear",
    "r_squared",
    "specific_energy_consumption",
    "usage_per_day",
    "usage_per_day_model",
]

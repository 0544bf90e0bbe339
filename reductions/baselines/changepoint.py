"""CalTRACK daily and billing change-point baselines: usage per day on degree days.

Source: CalTRACK Methods, Version 2.0 (``docs/methods.rst`` and
``docs/technical-appendix.rst`` of github.com/openeemeter/caltrack, commit
6b630eeefd6d3a7b1249f3d26548aced65b98b17), read in full for sections 2-3.6. Section
numbers below are that text's. The qualification rule of CalTRACK 1.0 (daily) is from
``analysis/daily/v1.0/README.md`` of the same repository (commit
82b37995117fd5b369f7305f2b7ebb10ea75fc83, 2017-06-13). The OpenEEmeter implementation
``eemeter`` 2.10.11 (tag eemeter-2.10.11, commit 8c14f8749d82d6ddf647f831ae77115cd1e5327e,
``eemeter/caltrack/usage_per_day.py``, ``design_matrices.py``) was read for how it
applies the text; no code is taken from it.

What is implemented
-------------------
- Degree days per day (3.3.4, 3.3.5) and their average over a billing period; usage per
  day (3.3.3).
- The four candidate models of 3.4.3.1: intercept-only, HDD-only, CDD-only and HDD+CDD
  (eq. of 3.3.2), by OLS for daily data (3.4.1) and WLS with the period's days as weights
  for billing data (3.4.2); CDD models are not considered for gas (3.2.1.1).
- The balance-point grid search: 30-90 degF for heating and cooling (3.2.1.1, 3.2.1.2) in
  3 degF steps (3.2.3 and its appendix: "will use a 3 F search increment"), cooling
  balance point >= heating balance point (3.2.2.1), at least 10 days with non-zero degree
  days (daily only, 3.2.2.2.1) and at least 20 degree days (3.2.2.2.2) per candidate.
- Qualification (3.4.3.2): a candidate qualifies if no parameter estimate is negative.
  CalTRACK 2.0 *removed* the p-value screen (technical appendix 3.4.3.2, issue #76:
  "the required P-value screen for candidate models will be removed"); CalTRACK 1.0
  required p < 0.1 for beta_HDD and beta_CDD. Both are presets (:data:`CALTRACK_2_0`,
  :data:`CALTRACK_1_0_DAILY`); ``max_p_value`` on a custom :class:`CalTrackSettings`
  applies the screen to the slopes, and the model records which settings it used.
- Selection by the highest adjusted R squared of 3.4.3.3 (intercept-only: 0 by
  definition, 3.4.3.1.4).
- Data sufficiency (section 2.2) through :mod:`reductions.baselines.sufficiency`:
  a failed check is a finding on the result, not an exception.
- A fitted model is a frozen :class:`ChangePointModel` that predicts without refitting
  (:func:`predict`, :func:`predict_billing`) and round-trips through a plain dict.

Not implemented
---------------
- The hourly method (3.7-3.12: time-of-week and temperature, occupancy, month-by-month
  models): left out for time.
- Weather-station matching (2.4), hourly-to-daily roll-up rules (2.2.2.1, 2.2.2.3),
  estimated-read merging for billing data (2.2.3.1) and net-metering flags (2.2.6): the
  caller gives daily temperatures and final billing periods.
- Avoided energy use and aggregation (3.6, section 4): the model predicts; differencing
  belongs to the methodology.

Module notes: where the text leaves room, and what is done
----------------------------------------------------------
- 3.4.3.2 says "if each parameter estimate is not negative" and then lists
  beta_H > 0, beta_C > 0, mu > 0; the prose (and eemeter, which rejects < 0) is followed.
- 3.2.2.2 counts degree days "per year": the baseline is 365 days (2.2.1.1, 3.1.3), so
  the counts are over the baseline, as eemeter does. Total degree days of a billing
  period are its average per day times its days. Thresholds are in degF-days and scaled
  by 5/9 for degC data.
- 3.3.4.1.4 divides a period's degree days by the days elapsed; a day without
  temperature would then count as zero degree days. Periods whose temperature covers
  less than 90 % of their days are excluded (2.2.3.2) and the others average over the
  days with temperature (equal to 3.3.4 when complete).
- Balance points on a degC scale are the degF grid converted exactly ((F - 32) 5/9), so
  the search is the same in either unit.
- Ties of adjusted R squared (to 12 decimals) go to the first candidate in the order
  intercept-only, HDD-only, CDD-only, HDD+CDD, balance points ascending, so the choice
  does not depend on the order of the rows.
- Values of 0 are missing for electricity, not for gas (2.2.1.4): zero electricity days
  are excluded from the fit and counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..equation import equation
from ..errors import ParameterError
from ..methodology import Finding, Status
from ._ols import wls
from .statistics import FitStatistics, fit_statistics
from .sufficiency import billing_sufficiency, daily_sufficiency

__all__ = [
    "CALTRACK_1_0_DAILY",
    "CALTRACK_2_0",
    "CalTrackSettings",
    "Candidate",
    "ChangePointFit",
    "ChangePointModel",
    "balance_point_grid",
    "cooling_degree_days",
    "fit_billing",
    "fit_daily",
    "heating_degree_days",
    "predict",
    "predict_billing",
    "usage_per_day",
    "usage_per_day_model",
]

DOC = "CalTRACK"
VERSION = "2.0"
MODEL_TYPES = ("intercept_only", "hdd_only", "cdd_only", "hdd_cdd")
ModelType = Literal["intercept_only", "hdd_only", "cdd_only", "hdd_cdd"]
Fuel = Literal["electricity", "gas"]
TemperatureUnit = Literal["degF", "degC"]


def balance_point_grid(
    low: float = 30.0, high: float = 90.0, step: float = 3.0
) -> tuple[float, ...]:
    """Candidate balance points low, low + step, ..., up to high inclusive. [degF]

    Examples
    --------
    >>> balance_point_grid()[:3], balance_point_grid()[-1], len(balance_point_grid())
    ((30.0, 33.0, 36.0), 90.0, 21)
    """
    n = int(np.floor((high - low) / step + 1e-9)) + 1
    return tuple(float(low + i * step) for i in range(n))


@dataclass(frozen=True)
class CalTrackSettings:
    """A version's grid, degree-day minimums and qualification rule (frozen).

    Attributes
    ----------
    name
        Recorded in the model (``"CalTRACK 2.0"``).
    heating_balance_points, cooling_balance_points
        Candidate balance points. [degF]
    min_nonzero_degree_day_days
        Minimum days with non-zero degree days for daily data (None: no minimum). [d]
    min_total_degree_days
        Minimum total degree days of the baseline. [delta_degF d]
    max_p_value
        Slopes with a p-value above this disqualify (None: no p-value screen). [1]
    clauses
        Rule -> clause of the document, recorded in findings.
    """

    name: str
    heating_balance_points: tuple[float, ...]
    cooling_balance_points: tuple[float, ...]
    min_nonzero_degree_day_days: int | None
    min_total_degree_days: float
    max_p_value: float | None
    clauses: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("heating_balance_points", "cooling_balance_points"):
            grid = np.sort(np.asarray(getattr(self, name), dtype=float))
            if grid.size == 0:
                raise ParameterError("an empty balance-point grid", variable=name)


#: CalTRACK 2.0, daily and billing methods (3.2.1, 3.2.2, 3.2.3, 3.4.3.2).
CALTRACK_2_0 = CalTrackSettings(
    name="CalTRACK 2.0",
    heating_balance_points=balance_point_grid(30.0, 90.0, 3.0),
    cooling_balance_points=balance_point_grid(30.0, 90.0, 3.0),
    min_nonzero_degree_day_days=10,
    min_total_degree_days=20.0,
    max_p_value=None,
    clauses={
        "grid": "CalTRACK v2.0 3.2.1.1, 3.2.1.2, 3.2.3",
        "degree_days": "CalTRACK v2.0 3.2.2.2",
        "qualification": "CalTRACK v2.0 3.4.3.2 (p-value screen removed: appendix 3.4.3.2)",
        "selection": "CalTRACK v2.0 3.4.3.3",
    },
)

#: CalTRACK 1.0 daily methods (analysis/daily/v1.0/README.md): HDD 55-65 degF, CDD
#: 65-75 degF in 1 degF steps, slopes >= 0 and p < 0.1, maximum adjusted R squared.
CALTRACK_1_0_DAILY = CalTrackSettings(
    name="CalTRACK 1.0 daily",
    heating_balance_points=balance_point_grid(55.0, 65.0, 1.0),
    cooling_balance_points=balance_point_grid(65.0, 75.0, 1.0),
    min_nonzero_degree_day_days=10,
    min_total_degree_days=20.0,
    max_p_value=0.1,
    clauses={
        "grid": "CalTRACK v1.0 daily, Variable Degree Day Base Temperature Search",
        "degree_days": "CalTRACK v1.0 daily, Grid Search Data Sufficiency",
        "qualification": "CalTRACK v1.0 daily, Model Qualification (p < 0.1)",
        "selection": "CalTRACK v1.0 daily, Model Selection",
    },
)


# --------------------------------------------------------------------------------------
# Equations


@equation(
    DOC,
    VERSION,
    "3.3.5.1.1",
    returns=("HDD", "delta_degF"),
    text="HDD_d = max(HDD_b - avg(T_d), 0)",
)
def heating_degree_days(temperature: Any, balance_point: Any) -> Any:
    """Heating degree days of a day: max(balance point - mean temperature, 0).

    Parameters
    ----------
    temperature
        Daily mean temperature avg(T_d). [degF]
    balance_point
        Heating balance point HDD_b, same scale. [degF]

    Returns
    -------
    Heating degree days of the day (NaN where the temperature is). [delta_degF]

    Examples
    --------
    >>> heating_degree_days(np.array([50.0, 70.0, np.nan]), 60.0)
    array([10.,  0., nan])
    """
    return np.fmax(balance_point - temperature, 0.0) * np.where(np.isnan(temperature), np.nan, 1.0)


@equation(
    DOC,
    VERSION,
    "3.3.4.1.1",
    returns=("CDD", "delta_degF"),
    text="CDD_d = max(avg(T_d) - CDD_b, 0)",
)
def cooling_degree_days(temperature: Any, balance_point: Any) -> Any:
    """Cooling degree days of a day: max(mean temperature - balance point, 0).

    Parameters
    ----------
    temperature
        Daily mean temperature avg(T_d). [degF]
    balance_point
        Cooling balance point CDD_b, same scale. [degF]

    Returns
    -------
    Cooling degree days of the day (NaN where the temperature is). [delta_degF]

    Examples
    --------
    >>> cooling_degree_days(np.array([50.0, 70.0]), 65.0)
    array([0., 5.])
    """
    return np.fmax(temperature - balance_point, 0.0) * np.where(np.isnan(temperature), np.nan, 1.0)


@equation(DOC, VERSION, "3.3.3.1", returns=("UPD_p", "kWh/d"), text="UPD_p = sum(U_d) / n_p")
def usage_per_day(U_p: Any, n_p: Any) -> Any:
    """Average usage per day of a period: its total usage over its days with usage.

    Parameters
    ----------
    U_p
        Usage of the period, sum of U_d. [kWh]
    n_p
        Days with usage in the period. [d]

    Returns
    -------
    UPD_p. [kWh/d]

    Examples
    --------
    >>> usage_per_day(310.0, 31)
    10.0
    """
    return U_p / n_p


@equation(
    DOC,
    VERSION,
    "3.3.2",
    returns=("UPD", "kWh/d"),
    text="UPD_p = mu + beta_H * HDD_p + beta_C * CDD_p",
)
def usage_per_day_model(mu: Any, beta_H: Any, HDD_p: Any, beta_C: Any, CDD_p: Any) -> Any:
    """Modelled usage per day from the intercept and the degree-day terms.

    Parameters
    ----------
    mu
        Intercept (daily base load). [kWh/d]
    beta_H
        Heating coefficient (0 if the model has none). [kWh/(d delta_degF)]
    HDD_p
        Average heating degree days per day. [delta_degF]
    beta_C
        Cooling coefficient (0 if the model has none). [kWh/(d delta_degF)]
    CDD_p
        Average cooling degree days per day. [delta_degF]

    Returns
    -------
    Usage per day. [kWh/d]

    Examples
    --------
    >>> usage_per_day_model(10.0, 0.5, 4.0, 0.0, 0.0)
    12.0
    """
    return mu + beta_H * HDD_p + beta_C * CDD_p


# --------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Candidate:
    """One candidate of the grid search and what became of it.

    ``status`` is ``"qualified"``, ``"disqualified"`` or ``"not attempted"``; ``reasons``
    name the rules that failed (``"beta_hdd_negative"``, ``"too_few_nonzero_hdd"``...).
    """

    model_type: str
    heating_balance_point: float | None
    cooling_balance_point: float | None
    status: str
    r_squared_adj: float
    coefficients: Mapping[str, float]
    p_values: Mapping[str, float]
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_type": self.model_type,
            "heating_balance_point": self.heating_balance_point,
            "cooling_balance_point": self.cooling_balance_point,
            "status": self.status,
            "r_squared_adj": _num(self.r_squared_adj),
            "coefficients": {k: _num(v) for k, v in self.coefficients.items()},
            "p_values": {k: _num(v) for k, v in self.p_values.items()},
            "reasons": list(self.reasons),
        }


def _num(v: float | None) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def _flt(v: Any) -> float:
    return float("nan") if v is None else float(v)


@dataclass(frozen=True)
class ChangePointModel:
    """A fitted CalTRACK usage-per-day model: everything needed to predict and compare.

    Attributes
    ----------
    model_type
        ``"intercept_only"``, ``"hdd_only"``, ``"cdd_only"`` or ``"hdd_cdd"``.
    interval
        ``"daily"`` or ``"billing"`` (data it was fitted on).
    temperature_unit
        ``"degF"`` or ``"degC"``: the scale of the balance points and degree days.
    intercept
        mu, usage per day. [kWh/d]
    beta_hdd, beta_cdd
        Slopes (None if the model has no such term). [kWh/(d delta_degF)]
    heating_balance_point, cooling_balance_point
        Balance points (None if no such term). [degF]
    p_values, std_errors
        Of each coefficient (``intercept``, ``beta_hdd``, ``beta_cdd``). [1]
    statistics
        Fit statistics on the baseline (usage per day, weighted R squared for billing).
    settings
        Name of the :class:`CalTrackSettings` used.
    n_periods, n_excluded
        Periods in the data and periods left out of the fit (missing values, zero
        electricity, billing periods out of range); the fit used n_periods - n_excluded.
    """

    FORMAT: ClassVar[str] = "reductions.baselines.changepoint/1"

    model_type: str
    interval: str
    temperature_unit: str
    intercept: float
    beta_hdd: float | None
    beta_cdd: float | None
    heating_balance_point: float | None
    cooling_balance_point: float | None
    p_values: Mapping[str, float]
    std_errors: Mapping[str, float]
    statistics: FitStatistics
    settings: str
    n_periods: int
    n_excluded: int
    reference: str = "CalTRACK v2.0 3.3.2, 3.4"

    @property
    def n_params(self) -> int:
        """Regression coefficients, intercept included."""
        return 1 + (self.beta_hdd is not None) + (self.beta_cdd is not None)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict (NaN becomes None)."""
        return {
            "format": self.FORMAT,
            "model_type": self.model_type,
            "interval": self.interval,
            "temperature_unit": self.temperature_unit,
            "intercept": self.intercept,
            "beta_hdd": self.beta_hdd,
            "beta_cdd": self.beta_cdd,
            "heating_balance_point": self.heating_balance_point,
            "cooling_balance_point": self.cooling_balance_point,
            "p_values": {k: _num(v) for k, v in self.p_values.items()},
            "std_errors": {k: _num(v) for k, v in self.std_errors.items()},
            "statistics": self.statistics.to_dict(),
            "settings": self.settings,
            "n_periods": self.n_periods,
            "n_excluded": self.n_excluded,
            "reference": self.reference,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChangePointModel:
        """Rebuild a model from :meth:`to_dict` output (e.g. a report's JSON)."""
        if data.get("format") != cls.FORMAT:
            raise ParameterError(
                f"not a change-point model of format {cls.FORMAT!r}: {data.get('format')!r}",
                variable="format",
            )
        if data["model_type"] not in MODEL_TYPES:
            raise ParameterError(
                f"unknown model type {data['model_type']!r}", variable="model_type"
            )

        def opt(key: str) -> float | None:
            v = data.get(key)
            return None if v is None else float(v)

        return cls(
            model_type=str(data["model_type"]),
            interval=str(data["interval"]),
            temperature_unit=str(data["temperature_unit"]),
            intercept=float(data["intercept"]),
            beta_hdd=opt("beta_hdd"),
            beta_cdd=opt("beta_cdd"),
            heating_balance_point=opt("heating_balance_point"),
            cooling_balance_point=opt("cooling_balance_point"),
            p_values={k: _flt(v) for k, v in data["p_values"].items()},
            std_errors={k: _flt(v) for k, v in data["std_errors"].items()},
            statistics=FitStatistics.from_dict(data["statistics"]),
            settings=str(data["settings"]),
            n_periods=int(data["n_periods"]),
            n_excluded=int(data["n_excluded"]),
            reference=str(data.get("reference", "")),
        )


@dataclass(frozen=True)
class ChangePointFit:
    """The selected model (None if none could be fitted), all candidates and the findings.

    ``disqualified`` is True when any finding is disqualifying (a sufficiency check failed,
    or no candidate qualified): the model may still be inspected, but a credit-issuing
    run must not use it without an override on the record.
    """

    model: ChangePointModel | None
    candidates: tuple[Candidate, ...]
    findings: tuple[Finding, ...]

    @property
    def disqualified(self) -> bool:
        return self.model is None or any(f.disqualifying for f in self.findings)


# --------------------------------------------------------------------------------------
# Prediction


def _terms(model: ChangePointModel, temperature: Any) -> tuple[Any, Any, Any, Any]:
    bh = model.beta_hdd or 0.0
    bc = model.beta_cdd or 0.0
    T = temperature
    hdd = (
        heating_degree_days(T, model.heating_balance_point)
        if model.heating_balance_point is not None
        else 0.0 * T
    )
    cdd = (
        cooling_degree_days(T, model.cooling_balance_point)
        if model.cooling_balance_point is not None
        else 0.0 * T
    )
    return bh, hdd, bc, cdd


def predict(model: ChangePointModel, temperature: Any) -> Any:
    """Usage per day from daily mean temperatures, without refitting.

    Parameters
    ----------
    model
        A fitted (or loaded) model.
    temperature
        Daily mean temperatures on the model's scale (numpy array or xarray DataArray,
        any shape). [degF]

    Returns
    -------
    Usage per day, same shape and type; NaN where the temperature is missing (CalTRACK
    3.5.3.1: no counterfactual without temperature). [kWh/d]
    """
    T = temperature if hasattr(temperature, "dims") else np.asarray(temperature, dtype=float)
    bh, hdd, bc, cdd = _terms(model, T)
    return usage_per_day_model(model.intercept, bh, hdd, bc, cdd)


def predict_billing(
    model: ChangePointModel, temperature: Any, period: Any, n_days: Any | None = None
) -> np.ndarray:
    """Usage of each billing period: n_p x (mu + beta_H HDD_p + beta_C CDD_p).

    Parameters
    ----------
    model
        A fitted (or loaded) model.
    temperature
        Daily mean temperatures. [degF]
    period
        Integer period label 0..P-1 of each day (-1: in no period). [1]
    n_days
        Days of each period (default: days labelled with it). [d]

    Returns
    -------
    numpy.ndarray
        Usage of each period (NaN if the period has no temperature). [kWh]
    """
    T = np.asarray(temperature, dtype=float)
    lab = np.asarray(period, dtype=int)
    P = int(lab.max()) + 1 if lab.size else 0
    bh, hdd, bc, cdd = _terms(model, T)
    hdd_p = _period_mean(np.broadcast_to(np.asarray(hdd, dtype=float), T.shape), lab, P)
    cdd_p = _period_mean(np.broadcast_to(np.asarray(cdd, dtype=float), T.shape), lab, P)
    days = (
        np.bincount(lab[lab >= 0], minlength=P).astype(float)
        if n_days is None
        else np.asarray(n_days, dtype=float)
    )
    return days * usage_per_day_model(model.intercept, bh, hdd_p, bc, cdd_p)


def _period_mean(values: np.ndarray, label: np.ndarray, P: int) -> np.ndarray:
    """Mean of ``values`` (last axis: days) over the days of each period, skipping NaN."""
    ok = (label >= 0) & ~np.isnan(values)
    lab = np.where(ok, label, P)  # NaN days go to a discard bin
    flat = np.where(ok, values, 0.0)
    if values.ndim == 1:
        s = np.bincount(lab, weights=flat, minlength=P + 1)[:P]
        c = np.bincount(lab, minlength=P + 1)[:P]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(s / c, dtype=float)
    ind = (lab[..., None] == np.arange(P)).astype(float)  # (..., days, P)
    s = np.einsum("...d,...dp->...p", flat, ind)
    c = ind.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(s / c, dtype=float)


# --------------------------------------------------------------------------------------
# Fitting


def _grid(
    settings: CalTrackSettings, unit: TemperatureUnit
) -> tuple[np.ndarray, np.ndarray, float]:
    h = np.asarray(sorted(set(settings.heating_balance_points)), dtype=float)
    c = np.asarray(sorted(set(settings.cooling_balance_points)), dtype=float)
    if unit == "degC":
        return (h - 32.0) * 5.0 / 9.0, (c - 32.0) * 5.0 / 9.0, 5.0 / 9.0
    if unit != "degF":
        raise ParameterError(
            f"temperature unit {unit!r} is not 'degF' or 'degC'", variable="temperature_unit"
        )
    return h, c, 1.0


def _select(
    y: np.ndarray,
    w: np.ndarray,
    hdd: np.ndarray,
    cdd: np.ndarray,
    nonzero_h: np.ndarray,
    nonzero_c: np.ndarray,
    total_h: np.ndarray,
    total_c: np.ndarray,
    hgrid: np.ndarray,
    cgrid: np.ndarray,
    fuel: Fuel,
    settings: CalTrackSettings,
    dd_scale: float,
    interval: str,
) -> list[tuple[Candidate, np.ndarray, np.ndarray, np.ndarray]]:
    """Fit all candidates; return (candidate, beta, se, p) in the canonical order."""
    n = y.size
    min_days = settings.min_nonzero_degree_day_days if interval == "daily" else None
    min_total = settings.min_total_degree_days * dd_scale
    ones = np.ones(n)

    def dd_reasons(kind: str, j: int) -> list[str]:
        nz, tot = (nonzero_h, total_h) if kind == "hdd" else (nonzero_c, total_c)
        r = []
        if min_days is not None and nz[j] < min_days:
            r.append(f"too_few_nonzero_{kind}")
        if tot[j] < min_total:
            r.append(f"total_{kind}_too_low")
        return r

    out: list[tuple[Candidate, np.ndarray, np.ndarray, np.ndarray]] = []

    def record(
        model_type: str,
        hb: float | None,
        cb: float | None,
        names: Sequence[str],
        beta: np.ndarray,
        se: np.ndarray,
        p: np.ndarray,
        r2: float,
        ok: bool,
        pre: list[str],
    ) -> None:
        c = len(names) - 1
        if pre:
            status, r2a, reasons = "not attempted", float("nan"), list(pre)
        elif not ok or n - c - 1 <= 0:
            status, r2a, reasons = "not attempted", float("nan"), ["singular_or_too_few_periods"]
        else:
            r2a = 0.0 if c == 0 else 1.0 - (1.0 - r2) * (n - 1) / (n - c - 1)
            reasons = [f"{nm}_negative" for nm, b in zip(names, beta, strict=True) if b < 0]
            if settings.max_p_value is not None:
                reasons += [
                    f"{nm}_p_value_too_high"
                    for nm, pv in zip(names, p, strict=True)
                    if nm != "intercept" and not pv < settings.max_p_value
                ]
            status = "disqualified" if reasons else "qualified"
        cand = Candidate(
            model_type,
            None if hb is None else float(hb),
            None if cb is None else float(cb),
            status,
            r2a,
            {nm: float(b) for nm, b in zip(names, beta, strict=True)},
            {nm: float(v) for nm, v in zip(names, p, strict=True)},
            tuple(reasons),
        )
        out.append((cand, beta, se, p))

    # intercept only
    res = wls(y, w, ones[None, :, None])
    record("intercept_only", None, None, ["intercept"], res.beta[0], res.se[0], res.p_value[0],
           0.0, bool(res.rank_ok[0]), [])  # fmt: skip
    # hdd only
    X = np.stack([np.ones_like(hdd.T), hdd.T], axis=-1)
    res = wls(y, w, X)
    for j, hb in enumerate(hgrid):
        record("hdd_only", hb, None, ["intercept", "beta_hdd"], res.beta[j], res.se[j],
               res.p_value[j], float(res.r_squared[j]), bool(res.rank_ok[j]),
               dd_reasons("hdd", j))  # fmt: skip
    use_cdd = fuel == "electricity"
    if use_cdd:
        X = np.stack([np.ones_like(cdd.T), cdd.T], axis=-1)
        res = wls(y, w, X)
        for j, cb in enumerate(cgrid):
            record("cdd_only", None, cb, ["intercept", "beta_cdd"], res.beta[j], res.se[j],
                   res.p_value[j], float(res.r_squared[j]), bool(res.rank_ok[j]),
                   dd_reasons("cdd", j))  # fmt: skip
        pairs = [
            (i, j) for i in range(hgrid.size) for j in range(cgrid.size) if cgrid[j] >= hgrid[i]
        ]
        if pairs:
            ii = np.array([p[0] for p in pairs])
            jj = np.array([p[1] for p in pairs])
            X = np.stack(
                [np.broadcast_to(ones, (len(pairs), n)), hdd[:, ii].T, cdd[:, jj].T], axis=-1
            )
            res = wls(y, w, X)
            for b, (i, j) in enumerate(pairs):
                reasons = dd_reasons("hdd", i) + dd_reasons("cdd", j)
                record("hdd_cdd", hgrid[i], cgrid[j], ["intercept", "beta_hdd", "beta_cdd"],
                       res.beta[b], res.se[b], res.p_value[b], float(res.r_squared[b]),
                       bool(res.rank_ok[b]), reasons)  # fmt: skip
    return out


def _fit(
    y: np.ndarray,
    w: np.ndarray,
    hdd: np.ndarray,
    cdd: np.ndarray,
    nonzero_h: np.ndarray,
    nonzero_c: np.ndarray,
    total_h: np.ndarray,
    total_c: np.ndarray,
    *,
    hgrid: np.ndarray,
    cgrid: np.ndarray,
    fuel: Fuel,
    settings: CalTrackSettings,
    dd_scale: float,
    interval: str,
    temperature_unit: str,
    n_periods: int,
    findings: list[Finding],
) -> ChangePointFit:
    prefix = f"baselines.caltrack.{interval}"
    if y.size < 2:
        findings.append(
            Finding(f"{prefix}.no_model", "CalTRACK v2.0 3.4", Status.FAIL,
                    f"{y.size} usable period(s): no model can be fitted",
                    {"n_used": int(y.size), "n_periods": n_periods})
        )  # fmt: skip
        return ChangePointFit(None, (), tuple(findings))
    cands = _select(y, w, hdd, cdd, nonzero_h, nonzero_c, total_h, total_c, hgrid, cgrid,
                    fuel, settings, dd_scale, interval)  # fmt: skip
    best = None
    best_score = -np.inf
    for k, (cand, *_rest) in enumerate(cands):
        if cand.status != "qualified":
            continue
        score = round(cand.r_squared_adj, 12)
        if score > best_score:
            best, best_score = k, score
    candidates = tuple(c for c, *_ in cands)
    if best is None:
        counts: dict[str, int] = {}
        for c in candidates:
            counts[c.status] = counts.get(c.status, 0) + 1
        findings.append(
            Finding(f"{prefix}.no_qualified_candidate", settings.clauses.get("qualification", ""),
                    Status.FAIL, "no candidate model qualifies", counts)
        )  # fmt: skip
        return ChangePointFit(None, candidates, tuple(findings))
    cand, beta, se, pv = cands[best]
    names = list(cand.coefficients)
    hb, cb = cand.heating_balance_point, cand.cooling_balance_point
    X = [np.ones_like(y)]
    if hb is not None:
        X.append(hdd[:, int(np.searchsorted(hgrid, hb))])
    if cb is not None:
        X.append(cdd[:, int(np.searchsorted(cgrid, cb))])
    fitted = np.column_stack(X) @ beta
    stats_ = fit_statistics(y, fitted, p=len(names), weights=None if interval == "daily" else w)
    model = ChangePointModel(
        model_type=cand.model_type,
        interval=interval,
        temperature_unit=temperature_unit,
        intercept=float(beta[0]),
        beta_hdd=cand.coefficients.get("beta_hdd"),
        beta_cdd=cand.coefficients.get("beta_cdd"),
        heating_balance_point=hb,
        cooling_balance_point=cb,
        p_values=dict(zip(names, map(float, pv), strict=True)),
        std_errors=dict(zip(names, map(float, se), strict=True)),
        statistics=stats_,
        settings=settings.name,
        n_periods=n_periods,
        n_excluded=n_periods - int(y.size),
    )
    findings.append(
        Finding(f"{prefix}.selection", settings.clauses.get("selection", ""), Status.PASS,
                f"selected {cand.model_type} (adjusted R2 {cand.r_squared_adj:.4f}) of "
                f"{sum(c.status == 'qualified' for c in candidates)} qualified candidates",
                {"model_type": cand.model_type, "heating_balance_point": hb,
                 "cooling_balance_point": cb, "r_squared_adj": cand.r_squared_adj})
    )  # fmt: skip
    return ChangePointFit(model, candidates, tuple(findings))


def _dates(values: Any, name: str) -> pd.DatetimeIndex:
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(values)))
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"cannot read dates: {exc}", variable=name) from exc
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return idx.normalize()


def fit_daily(
    dates: Any,
    usage: Any,
    temperature: Any,
    *,
    fuel: Fuel = "electricity",
    temperature_unit: TemperatureUnit = "degF",
    settings: CalTrackSettings = CALTRACK_2_0,
    requested_start: Any = None,
    requested_end: Any = None,
    check_sufficiency: bool = True,
) -> ChangePointFit:
    """Fit the CalTRACK daily model to a daily baseline.

    Parameters
    ----------
    dates
        Day of each row (any order; the fit sorts by date). [-]
    usage
        Usage of each day U_d; NaN is missing (counted), 0 is missing for electricity
        (2.2.1.4). [kWh]
    temperature
        Daily mean temperature; NaN is missing (counted). [degF]
    fuel
        ``"electricity"`` or ``"gas"`` (gas: no CDD models, 3.2.1.1; zeros are data). [-]
    temperature_unit
        ``"degF"`` or ``"degC"``. [-]
    settings
        :data:`CALTRACK_2_0` (default) or another :class:`CalTrackSettings`. [-]
    requested_start, requested_end
        The baseline period (inclusive days) for the sufficiency checks; default the
        data's first and last day. [-]
    check_sufficiency
        Run the CalTRACK 2.2 checks
        (:func:`~reductions.baselines.sufficiency.daily_sufficiency`). [-]

    Returns
    -------
    ChangePointFit
        The model, every candidate, and the findings (sufficiency, selection).

    Raises
    ------
    ParameterError
        Arrays of different lengths, unreadable dates or an unknown unit or fuel.
    """
    idx = _dates(dates, "dates")
    u = np.asarray(usage, dtype=float)
    T = np.asarray(temperature, dtype=float)
    if not (idx.size == u.size == T.size):
        raise ParameterError(
            f"dates, usage and temperature have {idx.size}, {u.size} and {T.size} rows",
            variable="usage",
        )
    if fuel not in ("electricity", "gas"):
        raise ParameterError(f"fuel {fuel!r} is not 'electricity' or 'gas'", variable="fuel")
    hgrid, cgrid, scale = _grid(settings, temperature_unit)
    order = np.argsort(idx.values, kind="stable")
    idx, u, T = idx[order], u[order], T[order]
    findings: list[Finding] = []
    if check_sufficiency:
        findings += daily_sufficiency(
            idx, u, T, fuel=fuel, requested_start=requested_start, requested_end=requested_end
        )
    missing_u = np.isnan(u) | ((u == 0.0) if fuel == "electricity" else False)
    ok = ~missing_u & ~np.isnan(T)
    y = u[ok]
    Tk = T[ok]
    hdd = heating_degree_days(Tk[:, None], hgrid[None, :])
    cdd = cooling_degree_days(Tk[:, None], cgrid[None, :])
    findings.append(
        Finding("baselines.caltrack.daily.rows_used", "CalTRACK v2.0 2.2.1.3, 2.2.1.4",
                Status.PASS,
                f"{int(ok.sum())} of {u.size} days used; {int(missing_u.sum())} without usage, "
                f"{int(np.isnan(T).sum())} without temperature",
                {"n_rows": int(u.size), "n_used": int(ok.sum()),
                 "n_missing_usage": int(np.isnan(u).sum()),
                 "n_zero_usage_missing": int(((u == 0.0) & (fuel == "electricity")).sum()),
                 "n_missing_temperature": int(np.isnan(T).sum())})
    )  # fmt: skip
    return _fit(
        y, np.ones_like(y), hdd, cdd,
        (hdd > 0).sum(axis=0), (cdd > 0).sum(axis=0), hdd.sum(axis=0), cdd.sum(axis=0),
        hgrid=hgrid, cgrid=cgrid, fuel=fuel, settings=settings, dd_scale=scale,
        interval="daily", temperature_unit=temperature_unit, n_periods=int(u.size),
        findings=findings,
    )  # fmt: skip


def fit_billing(
    start: Any,
    end: Any,
    usage: Any,
    temperature_dates: Any,
    temperature: Any,
    *,
    fuel: Fuel = "electricity",
    temperature_unit: TemperatureUnit = "degF",
    settings: CalTrackSettings = CALTRACK_2_0,
    max_period_days: int = 35,
    requested_start: Any = None,
    requested_end: Any = None,
    check_sufficiency: bool = True,
) -> ChangePointFit:
    """Fit the CalTRACK billing model: usage per day of each period, weighted by its days.

    Parameters
    ----------
    start, end
        First day and the day after the last day of each billing period (end exclusive). [-]
    usage
        Usage of each period (total); NaN is missing. [kWh]
    temperature_dates, temperature
        Daily mean temperatures and their days. [degF]
    fuel, temperature_unit, settings
        As in :func:`fit_daily`. [-]
    max_period_days
        35 for monthly, 70 for bimonthly billing cycles (2.2.3.5). [d]
    requested_start, requested_end
        The baseline period for the sufficiency checks (inclusive days). [-]
    check_sufficiency
        Run :func:`~reductions.baselines.sufficiency.billing_sufficiency`. [-]

    Returns
    -------
    ChangePointFit
        Periods shorter than 25 days or longer than ``max_period_days`` (2.2.3.4,
        2.2.3.5), or with temperature for less than 90 % of their days (2.2.3.2), are left
        out and counted in the findings.
    """
    s = _dates(start, "start")
    e = _dates(end, "end")
    u = np.asarray(usage, dtype=float)
    td = _dates(temperature_dates, "temperature_dates")
    T = np.asarray(temperature, dtype=float)
    if not (s.size == e.size == u.size) or td.size != T.size:
        raise ParameterError("start, end and usage (and temperature_dates and temperature) "
                             "must have the same lengths", variable="usage")  # fmt: skip
    hgrid, cgrid, scale = _grid(settings, temperature_unit)
    order = np.argsort(s.values, kind="stable")
    s, e, u = s[order], e[order], u[order]
    n_days = np.asarray((e - s).days, dtype=float)
    # period label of each temperature day (vectorised: the period starting at or before)
    k = np.searchsorted(s.values, td.values, side="right") - 1
    inside = (k >= 0) & (td.values < e.values[np.clip(k, 0, None)])
    label = np.where(inside, k, -1)
    P = u.size
    covered = np.bincount(label[(label >= 0) & ~np.isnan(T)], minlength=P).astype(float)
    coverage = np.divide(covered, n_days, out=np.zeros(P), where=n_days > 0)
    findings: list[Finding] = []
    if check_sufficiency:
        findings += billing_sufficiency(
            s, e, u, coverage, fuel=fuel, max_period_days=max_period_days,
            requested_start=requested_start, requested_end=requested_end,
        )  # fmt: skip
    length_ok = (n_days >= 25) & (n_days <= max_period_days)
    missing_u = np.isnan(u) | ((u == 0.0) if fuel == "electricity" else False)
    temp_ok = coverage >= 0.9
    ok = length_ok & ~missing_u & temp_ok
    hdd_d = heating_degree_days(T[None, :], hgrid[:, None])  # (bp, days)
    cdd_d = cooling_degree_days(T[None, :], cgrid[:, None])
    hdd = _period_mean(hdd_d, np.broadcast_to(label, hdd_d.shape), P).T[ok]  # (P_ok, bp)
    cdd = _period_mean(cdd_d, np.broadcast_to(label, cdd_d.shape), P).T[ok]
    w = n_days[ok]
    y = usage_per_day(u[ok], w)
    findings.append(
        Finding("baselines.caltrack.billing.rows_used", "CalTRACK v2.0 2.2.3.2, 2.2.3.4, 2.2.3.5",
                Status.PASS, f"{int(ok.sum())} of {P} billing periods used",
                {"n_periods": P, "n_used": int(ok.sum()),
                 "n_off_cycle": int((~length_ok).sum()),
                 "n_missing_usage": int(missing_u.sum()),
                 "n_temperature_below_90pct": int((~temp_ok).sum())})
    )  # fmt: skip
    return _fit(
        y, w, hdd, cdd,
        (hdd > 0).sum(axis=0), (cdd > 0).sum(axis=0),
        (hdd * w[:, None]).sum(axis=0), (cdd * w[:, None]).sum(axis=0),
        hgrid=hgrid, cgrid=cgrid, fuel=fuel, settings=settings, dd_scale=scale,
        interval="billing", temperature_unit=temperature_unit, n_periods=P, findings=findings,
    )  # fmt: skip

"""Goodness-of-fit and savings-uncertainty statistics of a metered baseline.

ASHRAE Guideline 14-2014, "Measurement of Energy, Demand, and Water Savings", defines
the statistics a regression baseline is judged by: the coefficient of variation of the
root-mean-square error CV(RMSE), the normalised mean bias error NMBE (both over the
n - p residual degrees of freedom), R squared, and, in Annex B, the fractional savings
uncertainty (FSU) of savings computed from a baseline whose residuals are
autocorrelated (Reddy and Claridge 2000).

Sources, and how far they were read
-----------------------------------
The text of Guideline 14-2014 is sold by ASHRAE and was **not** readable here (only its
cover pages are reachable in public copies). The formulas below are therefore taken from
open implementations that cite it, read at a fixed commit, and cross-checked against
each other; where those disagree, the disagreement is stated and the choice made:

- OpenEEmeter ``eemeter`` 2.10.11 (github.com/openeemeter/eemeter, tag eemeter-2.10.11,
  commit 8c14f8749d82d6ddf647f831ae77115cd1e5327e): ``eemeter/metrics.py``
  (``ModelMetrics``: CV(RMSE) "adj" over n - p, NMBE, lag-1 autocorrelation of the
  residuals, n' = n (1 - rho)/(1 + rho), the factor (1 + 2/n') it calls "part of
  approximation factor used in ashrae 14 guideline") and ``eemeter/derivatives.py``
  (``_compute_fsu_error``: the FSU with the quadratic correction a M^2 + b M + c for
  daily and billing data and its coefficients).
- kW Engineering ``nmecr`` (github.com/kW-Labs/nmecr, commit
  e789ebccc73695cc5a9c50fd32e4c411559d0bfa): ``R/calculate_summary_statistics.R``
  (CV(RMSE) = sqrt(SSE/(n - p))/ybar, NMBE = sum(y - yhat)/((n - p) ybar), p counting
  the intercept) and ``R/calculate_savings_and_uncertainty.R`` (the same FSU; 1.26 for
  hourly data, citing "ASHRAE Guideline14-2014, pg 91").

Implemented
-----------
- :func:`cv_rmse`, :func:`nmbe`, :func:`r_squared`, :func:`adjusted_r_squared`
  (CalTRACK 2.0 3.4.3.3 defines the same adjusted R squared), :func:`lag1_autocorrelation`,
  :func:`effective_sample_size` (n'), :func:`fractional_savings_uncertainty`;
- :func:`fit_statistics`: all of them at once into a frozen :class:`FitStatistics`;
- :data:`THRESHOLDS` and :func:`acceptance_findings`: calibration limits as data with
  their source (``guideline14-thresholds.csv`` beside this module).

Not implemented, or not coded for want of a readable source
-----------------------------------------------------------
- Guideline 14's own baseline-model acceptance limits (as distinct from the calibrated-
  simulation limits below) and its clause numbers: the text was not readable, so no
  number is coded for them.
- The exact OLS prediction-interval approach (Koran et al.) and the bootstrap.

Module notes: where the sources leave room, and what is done
------------------------------------------------------------
- Sign: residuals are measured minus predicted (y - yhat), as ``nmecr`` writes NMBE;
  ``eemeter`` uses predicted minus observed, which flips the sign of NMBE only.
- p counts every regression coefficient, intercept included (``nmecr``; CalTRACK 2.0
  3.4.3.3.3 df_e = P - c - 1 is the same). Balance points found by grid search are not
  counted. ``eemeter``'s ``cvrmse_adj`` divides by n minus the slopes only.
- FSU: ``eemeter`` multiplies CV(RMSE) over n - p by sqrt(n/n') and takes t at n - p
  (``derivatives.py``); ``nmecr`` recomputes the MSE over n' - p and takes t at n' - p
  when rho >= 0.5 (daily or hourly). The first is used (it is the n/n' form the brief
  names), with t at n - p degrees of freedom.
- The quadratic correction takes M, the reporting months (daily: reporting days / 30),
  as ``eemeter`` does; ``nmecr`` evaluates it at the *baseline* length. Hourly and other
  intervals take 1.26 (``nmecr``), or a value the caller gives.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np
from scipy import stats as _st

from ..equation import equation
from ..errors import ParameterError
from ..methodology import Finding, Status

__all__ = [
    "FSU_CORRECTION",
    "THRESHOLDS",
    "FitStatistics",
    "Threshold",
    "acceptance_findings",
    "adjusted_r_squared",
    "cv_rmse",
    "effective_sample_size",
    "fit_statistics",
    "fractional_savings_uncertainty",
    "lag1_autocorrelation",
    "nmbe",
    "r_squared",
]

G14 = "ASHRAE-G14"
G14_VERSION = "2014"

#: Correction of the FSU for the data interval: quadratic coefficients (a, b, c) of
#: a M^2 + b M + c in the reporting months M, or a constant. Daily and monthly values:
#: ``eemeter`` 2.10.11 ``derivatives._compute_fsu_error`` (identical in ``nmecr``
#: ``calculate_savings_and_uncertainty.R``), attributed there to Guideline 14-2014
#: Annex B; hourly 1.26: ``nmecr``. Not checked against the Guideline's own text.
FSU_CORRECTION: Mapping[str, tuple[float, float, float]] = {
    "daily": (-0.00024, 0.03535, 1.00286),
    "monthly": (-0.00022, 0.03306, 0.94054),
    "hourly": (0.0, 0.0, 1.26),
}


def _arrays(observed: Any, predicted: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(observed, dtype=float)
    yhat = np.asarray(predicted, dtype=float)
    y, yhat = np.broadcast_arrays(y, yhat)
    return y, yhat


@equation(
    G14,
    G14_VERSION,
    "CV(RMSE) (as implemented by eemeter 2.10.11 and nmecr)",
    returns=("CV_RMSE", "1"),
    text="CV(RMSE) = sqrt(sum((y_i - yhat_i)^2) / (n - p)) / ybar",
)
def cv_rmse(observed: Any, predicted: Any, p: int, axis: int = -1) -> Any:
    """Coefficient of variation of the root-mean-square error over n - p.

    Parameters
    ----------
    observed
        Measured values y_i; NaN is not allowed (drop or fill first, and count). [any]
    predicted
        Model values yhat_i, same unit. [any]
    p
        Number of model parameters, intercept included. [1]
    axis
        Axis of the observations. [1]

    Returns
    -------
    CV(RMSE) as a fraction (not per cent). [1]

    Notes
    -----
    .. math:: CV(RMSE) = \\sqrt{\\sum (y_i - \\hat y_i)^2 / (n - p)} / \\bar y

    Examples
    --------
    >>> round(float(cv_rmse([10.0, 12.0, 14.0], [11.0, 12.0, 13.0], p=1)), 6)
    0.083333
    """
    y, yhat = _arrays(observed, predicted)
    n = y.shape[axis]
    sse = np.sum((y - yhat) ** 2, axis=axis)
    return np.sqrt(sse / (n - p)) / np.mean(y, axis=axis)


@equation(
    G14,
    G14_VERSION,
    "NMBE (as implemented by nmecr)",
    returns=("NMBE", "1"),
    text="NMBE = sum(y_i - yhat_i) / ((n - p) * ybar)",
)
def nmbe(observed: Any, predicted: Any, p: int, axis: int = -1) -> Any:
    """Normalised mean bias error over n - p (measured minus predicted).

    Parameters
    ----------
    observed
        Measured values y_i. [any]
    predicted
        Model values yhat_i. [any]
    p
        Number of model parameters, intercept included. [1]
    axis
        Axis of the observations. [1]

    Returns
    -------
    NMBE as a fraction; positive when the model under-predicts. [1]

    Examples
    --------
    >>> round(float(nmbe([10.0, 12.0, 14.0], [9.0, 11.0, 13.0], p=1)), 6)
    0.125
    """
    y, yhat = _arrays(observed, predicted)
    n = y.shape[axis]
    return np.sum(y - yhat, axis=axis) / ((n - p) * np.mean(y, axis=axis))


def r_squared(observed: Any, predicted: Any, weights: Any = None) -> float:
    """Coefficient of determination 1 - SS_res/SS_tot (weighted if weights are given).

    Parameters
    ----------
    observed, predicted
        Values y_i and yhat_i. [any]
    weights
        Weights w_i (days of a billing period, CalTRACK 3.4.2), or None. [1]

    Returns
    -------
    float
        R squared; 0 for a constant model, by CalTRACK 3.4.3.1.4. [1]

    Examples
    --------
    >>> r_squared([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    1.0
    """
    y, yhat = _arrays(observed, predicted)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    ybar = np.sum(w * y) / np.sum(w)
    ss_tot = float(np.sum(w * (y - ybar) ** 2))
    ss_res = float(np.sum(w * (y - yhat) ** 2))
    if ss_tot == 0.0:
        return 0.0
    return 1.0 - ss_res / ss_tot


@equation(
    "CalTRACK",
    "2.0",
    "3.4.3.3.1",
    returns=("R2_adj", "1"),
    text="R2_adj = 1 - (SS_res / df_e) / (SS_tot / df_t); df_e = P - c - 1, df_t = P - 1",
)
def adjusted_r_squared(r2: Any, n: int, c: int) -> Any:
    """Adjusted R squared with df_e = n - c - 1 and df_t = n - 1 (CalTRACK 3.4.3.3).

    Parameters
    ----------
    r2
        R squared. [1]
    n
        Number of periods P (days or billing periods). [1]
    c
        Explanatory variables, intercept not included. [1]

    Returns
    -------
    Adjusted R squared; 0 for the intercept-only model (c = 0, r2 = 0). [1]

    Examples
    --------
    >>> round(adjusted_r_squared(0.9, 12, 2), 6)
    0.877778
    """
    return 1.0 - (1.0 - r2) * (n - 1) / (n - c - 1)


def lag1_autocorrelation(residuals: Any) -> float:
    """Lag-1 autocorrelation rho of residuals in time order (Pearson, as pandas ``autocorr``).

    Parameters
    ----------
    residuals
        Residuals in time order; NaN not allowed. [any]

    Returns
    -------
    float
        rho, or NaN when fewer than three residuals or a constant series. [1]

    Examples
    --------
    >>> lag1_autocorrelation([1.0, 2.0, 3.0, 4.0])
    1.0
    """
    e = np.asarray(residuals, dtype=float)
    if e.size < 3:
        return float("nan")
    a, b = e[:-1], e[1:]
    sa, sb = a.std(), b.std()
    if sa == 0.0 or sb == 0.0:
        return float("nan")
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))


@equation(
    G14,
    G14_VERSION,
    "Annex B (n', as implemented by eemeter 2.10.11 and nmecr)",
    returns=("n_prime", "1"),
    text="n' = n (1 - rho) / (1 + rho)",
)
def effective_sample_size(n: Any, rho: Any) -> Any:
    """Number of independent observations n' of autocorrelated residuals.

    Parameters
    ----------
    n
        Number of baseline observations. [1]
    rho
        Lag-1 autocorrelation of the residuals. [1]

    Returns
    -------
    n' = n (1 - rho)/(1 + rho). [1]

    Examples
    --------
    >>> effective_sample_size(365, 0.5)
    121.66666666666667
    """
    rho = np.asarray(rho, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = n * (1.0 - rho) / (1.0 + rho)
    return out if out.ndim else float(out)


@equation(
    G14,
    G14_VERSION,
    "Annex B (FSU, as implemented by eemeter 2.10.11 derivatives.py)",
    returns=("FSU", "1"),
    text="dE_save/E_save = t * a(M) * CV * sqrt((n/n') * (1 + 2/n') / m) / F",
)
def fractional_savings_uncertainty(
    cv: Any,
    F: Any,
    n: int,
    m: int,
    rho: float,
    p: int,
    *,
    interval: Literal["daily", "monthly", "hourly"] | None = "monthly",
    confidence: float = 0.9,
    correction: float | None = None,
) -> Any:
    """Fractional savings uncertainty of savings from a regression baseline.

    Parameters
    ----------
    cv
        CV(RMSE) of the baseline model over n - p, as a fraction. [1]
    F
        Savings as a fraction of the adjusted baseline use. [1]
    n
        Baseline observations. [1]
    m
        Reporting-period observations. [1]
    rho
        Lag-1 autocorrelation of the baseline residuals. [1]
    p
        Model parameters, intercept included. [1]
    interval
        ``"daily"``, ``"monthly"`` or ``"hourly"``: the correction of
        :data:`FSU_CORRECTION`; None to give ``correction``. [1]
    confidence
        Two-sided confidence level. [1]
    correction
        The correction factor itself, replacing ``interval``'s. [1]

    Returns
    -------
    Relative uncertainty of the savings at ``confidence``. [1]

    Notes
    -----
    .. math:: \\frac{\\Delta E}{E} = t_{(1+c)/2,\\,n-p}\\, a(M)\\, CV
       \\sqrt{\\frac{n}{n'}\\left(1 + \\frac{2}{n'}\\right)\\frac{1}{m}} \\Big/ F

    with :math:`n' = n(1-\\rho)/(1+\\rho)` and M the reporting months (daily: m/30;
    monthly: m). Module notes give the sources and their disagreements.

    Examples
    --------
    >>> round(float(fractional_savings_uncertainty(0.1, 0.2, 12, 12, 0.0, 2)), 4)
    0.3689
    """
    if not 0.0 < confidence < 1.0:
        raise ParameterError(f"confidence {confidence!r} is not in (0, 1)", variable="confidence")
    if correction is None:
        if interval is None or interval not in FSU_CORRECTION:
            raise ParameterError(
                f"no FSU correction is coded for interval {interval!r}: give 'correction'",
                variable="interval",
                rule=f"{G14} {G14_VERSION} Annex B",
            )
        a, b, c = FSU_CORRECTION[interval]
        months = m / 30.0 if interval == "daily" else float(m)
        corr = a * months**2 + b * months + c
    else:
        corr = float(correction)
    t = _st.t.ppf(1.0 - (1.0 - confidence) / 2.0, n - p)
    n_prime = effective_sample_size(n, rho)
    return t * corr * cv * np.sqrt((n / n_prime) * (1.0 + 2.0 / n_prime) / m) / F


@dataclass(frozen=True)
class FitStatistics:
    """Statistics of a fitted baseline on its own baseline data.

    Attributes
    ----------
    n
        Observations used. [1]
    p
        Parameters, intercept included. [1]
    df_resid
        n - p. [1]
    r_squared, r_squared_adj
        R squared (weighted for billing data) and CalTRACK 3.4.3.3 adjusted R squared. [1]
    rmse
        sqrt(SSE/(n - p)) in the unit of the dependent variable. [any]
    cv_rmse, nmbe
        Guideline 14 CV(RMSE) and NMBE as fractions. [1]
    mean_observed
        ybar. [any]
    rho
        Lag-1 autocorrelation of the residuals (NaN if undefined). [1]
    n_prime
        n (1 - rho)/(1 + rho) (NaN if rho is). [1]
    """

    n: int
    p: int
    df_resid: int
    r_squared: float
    r_squared_adj: float
    rmse: float
    cv_rmse: float
    nmbe: float
    mean_observed: float
    rho: float
    n_prime: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict; NaN and infinities become None (JSON has no NaN)."""
        return {k: _json_float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FitStatistics:
        def f(key: str) -> float:
            v = data[key]
            return float("nan") if v is None else float(v)

        return cls(
            n=int(data["n"]),
            p=int(data["p"]),
            df_resid=int(data["df_resid"]),
            r_squared=f("r_squared"),
            r_squared_adj=f("r_squared_adj"),
            rmse=f("rmse"),
            cv_rmse=f("cv_rmse"),
            nmbe=f("nmbe"),
            mean_observed=f("mean_observed"),
            rho=f("rho"),
            n_prime=f("n_prime"),
        )


def _json_float(v: Any) -> Any:
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def fit_statistics(
    observed: Any, predicted: Any, p: int, *, weights: Any = None, c: int | None = None
) -> FitStatistics:
    """All statistics of a fit at once (observations in time order).

    Parameters
    ----------
    observed, predicted
        y_i and yhat_i in time order, without NaN. [any]
    p
        Parameters, intercept included. [1]
    weights
        Regression weights (billing: days per period), for R squared only. [1]
    c
        Explanatory variables for the adjusted R squared (default p - 1). [1]

    Returns
    -------
    FitStatistics

    Examples
    --------
    >>> s = fit_statistics([10.0, 12.0, 14.0, 16.0], [10.0, 12.0, 14.0, 16.0], p=2)
    >>> s.cv_rmse, s.r_squared
    (0.0, 1.0)
    """
    y, yhat = _arrays(observed, predicted)
    n = int(y.size)
    c = p - 1 if c is None else c
    r2 = r_squared(y, yhat, weights)
    r2_adj = 0.0 if c == 0 else float(adjusted_r_squared(r2, n, c))
    rho = lag1_autocorrelation(y - yhat)
    return FitStatistics(
        n=n,
        p=p,
        df_resid=n - p,
        r_squared=r2,
        r_squared_adj=r2_adj,
        rmse=float(np.sqrt(np.sum((y - yhat) ** 2) / (n - p))),
        cv_rmse=float(cv_rmse(y, yhat, p)),
        nmbe=float(nmbe(y, yhat, p)),
        mean_observed=float(np.mean(y)),
        rho=rho,
        n_prime=float(effective_sample_size(n, rho)),
    )


# --------------------------------------------------------------------------------------
# Acceptance thresholds as data


@dataclass(frozen=True)
class Threshold:
    """One acceptance limit: |statistic| <= limit for data at ``interval``."""

    statistic: str
    interval: str
    limit: float
    purpose: str
    document: str
    clause: str
    read_from: str


def _load_thresholds() -> tuple[Threshold, ...]:
    text = (
        resources.files("reductions.baselines")
        .joinpath("guideline14-thresholds.csv")
        .read_text(encoding="utf-8")
    )
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        Threshold(
            statistic=r["statistic"],
            interval=r["interval"],
            limit=float(r["limit"]),
            purpose=r["purpose"],
            document=r["document"],
            clause=r["clause"],
            read_from=r["read_from"],
        )
        for r in rows
    )


#: Acceptance limits, from ``guideline14-thresholds.csv`` (one row per statistic and
#: interval, with the document and where the value was read).
THRESHOLDS: tuple[Threshold, ...] = _load_thresholds()


def acceptance_findings(
    statistics: FitStatistics,
    interval: Literal["monthly", "hourly"],
    *,
    thresholds: Sequence[Threshold] = THRESHOLDS,
    prefix: str = "baselines.guideline14",
) -> list[Finding]:
    """Compare CV(RMSE) and NMBE with the limits for ``interval``: one finding each.

    Parameters
    ----------
    statistics
        Statistics of the fit. [1]
    interval
        ``"monthly"`` or ``"hourly"``: the rows of ``thresholds`` to apply. [1]
    thresholds
        The limits (default :data:`THRESHOLDS`). [1]
    prefix
        Qualified-name prefix of the findings. [1]

    Returns
    -------
    list of Finding
        ``<prefix>.<statistic>.<interval>``: pass if |value| <= limit.

    Examples
    --------
    >>> s = fit_statistics([10.0, 12.0, 14.0, 16.0], [10.5, 11.5, 14.5, 15.5], p=2)
    >>> [f.status.value for f in acceptance_findings(s, "monthly")]
    ['pass', 'pass']
    """
    rows = [t for t in thresholds if t.interval == interval]
    if not rows:
        raise ParameterError(f"no thresholds for interval {interval!r}", variable="interval")
    out = []
    for t in rows:
        value = float(getattr(statistics, t.statistic))
        ok = bool(np.isfinite(value) and abs(value) <= t.limit)
        out.append(
            Finding(
                f"{prefix}.{t.statistic}.{interval}",
                f"{t.document} {t.clause}".strip(),
                Status.PASS if ok else Status.FAIL,
                f"|{t.statistic}| = {abs(value):.4g} {'<=' if ok else '>'} {t.limit:g} "
                f"({t.purpose}, {interval} data)",
                {"value": value, "limit": t.limit, "read_from": t.read_from},
            )
        )
    return out

"""Production-normalised baselines for industry: SEC and regression on production.

What is implemented
-------------------
- Specific energy consumption SEC = sum(E)/sum(P) over the baseline, and the baseline
  energy it gives for a reporting production, E = SEC x P (:func:`fit_sec`).
- Ordinary (or weighted) least-squares regression of energy on production and, when
  given, on heating and cooling degree days at fixed balance points:
  E = b0 + b_P P [+ b_H HDD + b_C CDD] (:func:`fit_production`), with coefficient
  p-values and the statistics of :mod:`reductions.baselines.statistics` (Guideline 14
  CV(RMSE) and NMBE over n - p, R squared, adjusted R squared, residual autocorrelation).
- Qualification in the manner of CalTRACK 3.4.3.2: a negative slope, or (when
  ``max_p_value`` is given) a slope whose p-value is not below it, is a failed finding.
- Frozen :class:`LinearBaselineModel` that predicts without refitting
  (:func:`predict_linear`) and round-trips through a plain dict.

Sources, and what is not
------------------------
No industrial M&V standard was read for this module (ISO 50006 and IPMVP are not openly
readable here): SEC is the plain ratio of energy to production, and the regression is
classical least squares; the equation tags name this library, not a standard. The
statistics are those of the statistics module, with its sources. Balance points are not
searched here: degree days enter at balance points the caller has chosen (for a search,
use :mod:`reductions.baselines.changepoint`). No acceptance limit specific to industry
is coded.

Missing data: rows with NaN in any used column are left out of the fit and counted in
the model (``n_excluded``) and in a finding; nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..equation import equation
from ..errors import ParameterError
from ..methodology import Finding, Status
from ._ols import wls
from .statistics import FitStatistics, fit_statistics

__all__ = [
    "LinearBaselineModel",
    "ProductionFit",
    "baseline_energy_sec",
    "fit_production",
    "fit_sec",
    "predict_linear",
    "specific_energy_consumption",
]

DOC = "reductions.baselines"
VERSION = "0.1.0"


@equation(
    DOC,
    VERSION,
    "production.SEC (definition)",
    returns=("SEC", "kWh/t"),
    text="SEC = sum(E_i) / sum(P_i)",
)
def specific_energy_consumption(E: Any, P: Any) -> Any:
    """Specific energy consumption: baseline energy over baseline production.

    Parameters
    ----------
    E
        Energy of each baseline period. [kWh]
    P
        Production of each baseline period. [t]

    Returns
    -------
    SEC. [kWh/t]

    Examples
    --------
    >>> float(specific_energy_consumption(np.array([100.0, 300.0]), np.array([10.0, 30.0])))
    10.0
    """
    return np.sum(E) / np.sum(P)


@equation(
    DOC,
    VERSION,
    "production.SEC baseline (definition)",
    returns=("E_BL", "kWh"),
    text="E_BL = SEC * P",
)
def baseline_energy_sec(SEC: Any, P: Any) -> Any:
    """Baseline energy of a production P at the baseline SEC.

    Parameters
    ----------
    SEC
        Specific energy consumption of the baseline. [kWh/t]
    P
        Production of the period. [t]

    Returns
    -------
    Baseline energy. [kWh]

    Examples
    --------
    >>> baseline_energy_sec(10.0, 25.0)
    250.0
    """
    return SEC * P


TERMS = ("production", "hdd", "cdd")


@dataclass(frozen=True)
class LinearBaselineModel:
    """A fitted production baseline: ``kind`` ``"sec"`` or ``"regression"``.

    Attributes
    ----------
    kind
        ``"sec"`` (E = SEC x P, ``coefficients = {"production": SEC}``, no intercept) or
        ``"regression"`` (E = intercept + sum of coefficient x regressor).
    intercept
        b0 (0 for SEC). [kWh]
    coefficients
        Slope of each regressor (``production``, ``hdd``, ``cdd``). [kWh per unit]
    p_values, std_errors
        Of the intercept and slopes (empty for SEC). [1]
    statistics
        Fit statistics on the baseline rows used.
    n_rows, n_excluded
        Rows given, and rows left out for missing values.
    """

    FORMAT: ClassVar[str] = "reductions.baselines.production/1"

    kind: str
    intercept: float
    coefficients: Mapping[str, float]
    p_values: Mapping[str, float]
    std_errors: Mapping[str, float]
    statistics: FitStatistics
    n_rows: int
    n_excluded: int

    def to_dict(self) -> dict[str, Any]:
        def num(v: float) -> float | None:
            return float(v) if np.isfinite(v) else None

        return {
            "format": self.FORMAT,
            "kind": self.kind,
            "intercept": self.intercept,
            "coefficients": dict(self.coefficients),
            "p_values": {k: num(v) for k, v in self.p_values.items()},
            "std_errors": {k: num(v) for k, v in self.std_errors.items()},
            "statistics": self.statistics.to_dict(),
            "n_rows": self.n_rows,
            "n_excluded": self.n_excluded,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearBaselineModel:
        if data.get("format") != cls.FORMAT:
            raise ParameterError(
                f"not a production model of format {cls.FORMAT!r}: {data.get('format')!r}",
                variable="format",
            )

        def flt(v: Any) -> float:
            return float("nan") if v is None else float(v)

        return cls(
            kind=str(data["kind"]),
            intercept=float(data["intercept"]),
            coefficients={k: float(v) for k, v in data["coefficients"].items()},
            p_values={k: flt(v) for k, v in data["p_values"].items()},
            std_errors={k: flt(v) for k, v in data["std_errors"].items()},
            statistics=FitStatistics.from_dict(data["statistics"]),
            n_rows=int(data["n_rows"]),
            n_excluded=int(data["n_excluded"]),
        )


@dataclass(frozen=True)
class ProductionFit:
    """A fitted production model (None if none could be fitted) and its findings."""

    model: LinearBaselineModel | None
    findings: tuple[Finding, ...]

    @property
    def disqualified(self) -> bool:
        return self.model is None or any(f.disqualifying for f in self.findings)


def predict_linear(model: LinearBaselineModel, **regressors: Any) -> Any:
    """Baseline energy from the regressors the model was fitted on, without refitting.

    Parameters
    ----------
    model
        A fitted or loaded model.
    **regressors
        ``production=`` [t], and ``hdd=``, ``cdd=`` [delta_degF d] if the model has them:
        arrays or DataArrays that broadcast. NaN propagates.

    Returns
    -------
    Baseline energy. [kWh]
    """
    missing = [k for k in model.coefficients if k not in regressors]
    extra = [k for k in regressors if k not in model.coefficients]
    if missing or extra:
        raise ParameterError(
            f"the model needs {sorted(model.coefficients)}; missing {missing}, unknown {extra}",
            variable=(missing or extra)[0],
        )

    def arr(v: Any) -> Any:
        return v if hasattr(v, "dims") else np.asarray(v, dtype=float)

    if model.kind == "sec":
        return baseline_energy_sec(model.coefficients["production"], arr(regressors["production"]))
    out: Any = model.intercept
    for k, b in model.coefficients.items():
        out = out + b * arr(regressors[k])
    return out


def _clean(columns: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], np.ndarray, int]:
    arrays = {k: np.asarray(v, dtype=float).ravel() for k, v in columns.items()}
    sizes = {k: a.size for k, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ParameterError(f"columns of different lengths: {sizes}", variable="energy")
    ok = np.logical_and.reduce([np.isfinite(a) for a in arrays.values()])
    n = next(iter(sizes.values()))
    return {k: a[ok] for k, a in arrays.items()}, ok, n


def _rows_finding(name: str, n: int, ok: np.ndarray) -> Finding:
    return Finding(
        f"baselines.production.{name}.rows_used",
        "reductions.baselines.production (missing data counted)",
        Status.PASS,
        f"{int(ok.sum())} of {n} rows used; {n - int(ok.sum())} with a missing value left out",
        {"n_rows": n, "n_used": int(ok.sum()), "n_excluded": n - int(ok.sum())},
    )


def fit_sec(energy: Any, production: Any) -> ProductionFit:
    """Specific-energy-consumption baseline from baseline periods.

    Parameters
    ----------
    energy
        Energy of each baseline period; NaN missing (counted). [kWh]
    production
        Production of each period; NaN missing (counted). [t]

    Returns
    -------
    ProductionFit
        ``kind="sec"``; statistics with p = 1 (the SEC), R squared of E against SEC x P.
        Negative energy or production, or zero total production, is a failed finding.

    Examples
    --------
    >>> f = fit_sec([100.0, 210.0, 290.0], [10.0, 20.0, 30.0])
    >>> f.model.coefficients["production"]
    10.0
    """
    cols, ok, n = _clean({"energy": energy, "production": production})
    E, P = cols["energy"], cols["production"]
    findings = [_rows_finding("sec", n, ok)]
    n_neg = int(np.sum(E < 0) + np.sum(P < 0))
    findings.append(
        Finding("baselines.production.sec.non_negative", "SEC = sum(E)/sum(P), E, P >= 0",
                Status.PASS if n_neg == 0 else Status.FAIL,
                f"{n_neg} negative energy or production value(s)", {"n_negative": n_neg})
    )  # fmt: skip
    if E.size < 2 or np.sum(P) <= 0:
        findings.append(
            Finding("baselines.production.sec.no_model", "SEC = sum(E)/sum(P)", Status.FAIL,
                    "fewer than two usable rows, or no production", {"n_used": int(E.size)})
        )  # fmt: skip
        return ProductionFit(None, tuple(findings))
    sec = float(specific_energy_consumption(E, P))
    stats_ = fit_statistics(E, sec * P, p=1, c=0)
    model = LinearBaselineModel(
        kind="sec", intercept=0.0, coefficients={"production": sec}, p_values={},
        std_errors={}, statistics=stats_, n_rows=n, n_excluded=n - int(ok.sum()),
    )  # fmt: skip
    return ProductionFit(model, tuple(findings))


def fit_production(
    energy: Any,
    production: Any,
    *,
    hdd: Any = None,
    cdd: Any = None,
    weights: Any = None,
    max_p_value: float | None = None,
) -> ProductionFit:
    """Regression baseline of energy on production (and degree days at fixed balance points).

    Parameters
    ----------
    energy
        Energy of each baseline period, in time order; NaN missing (counted). [kWh]
    production
        Production of each period. [t]
    hdd, cdd
        Heating and cooling degree days of each period, or None. [delta_degF d]
    weights
        Regression weights (e.g. days per period), or None for OLS. [1]
    max_p_value
        If given, a slope with p-value not below it is a failed finding (CalTRACK 1.0
        used 0.1 for its degree-day slopes). [1]

    Returns
    -------
    ProductionFit
        Findings ``<term>_negative`` and ``<term>_p_value`` (when ``max_p_value``) for
        each slope, and the rows used.

    Examples
    --------
    >>> f = fit_production([120.0, 220.0, 320.0, 420.0], [10.0, 20.0, 30.0, 40.0])
    >>> round(f.model.intercept, 9), round(f.model.coefficients["production"], 9)
    (20.0, 10.0)
    """
    cols_in: dict[str, Any] = {"energy": energy, "production": production}
    if hdd is not None:
        cols_in["hdd"] = hdd
    if cdd is not None:
        cols_in["cdd"] = cdd
    if weights is not None:
        cols_in["weights"] = weights
    cols, ok, n = _clean(cols_in)
    terms = [t for t in TERMS if t in cols]
    y = cols["energy"]
    w = cols.get("weights", np.ones_like(y))
    findings = [_rows_finding("regression", n, ok)]
    k = 1 + len(terms)
    if y.size <= k:
        findings.append(
            Finding("baselines.production.regression.no_model", "least squares", Status.FAIL,
                    f"{y.size} usable rows for {k} coefficients", {"n_used": int(y.size)})
        )  # fmt: skip
        return ProductionFit(None, tuple(findings))
    X = np.column_stack([np.ones_like(y)] + [cols[t] for t in terms])[None, :, :]
    res = wls(y, w, X)
    if not res.rank_ok[0]:
        findings.append(
            Finding("baselines.production.regression.no_model", "least squares", Status.FAIL,
                    "the regressors are collinear or constant", {"terms": terms})
        )  # fmt: skip
        return ProductionFit(None, tuple(findings))
    names = ["intercept", *terms]
    beta, se, pv = res.beta[0], res.se[0], res.p_value[0]
    for t, b, p in zip(terms, beta[1:], pv[1:], strict=True):
        findings.append(
            Finding(f"baselines.production.regression.{t}_negative",
                    "slope >= 0 (as CalTRACK v2.0 3.4.3.2)", Status.PASS if b >= 0 else Status.FAIL,
                    f"slope on {t} = {b:.6g}", {"coefficient": float(b)})
        )  # fmt: skip
        if max_p_value is not None:
            findings.append(
                Finding(f"baselines.production.regression.{t}_p_value",
                        f"p < {max_p_value:g} (as CalTRACK v1.0 daily)",
                        Status.PASS if p < max_p_value else Status.FAIL,
                        f"p-value of the slope on {t} = {p:.4g}",
                        {"p_value": float(p), "max_p_value": max_p_value})
            )  # fmt: skip
    stats_ = fit_statistics(y, res.fitted[0], p=k, weights=None if weights is None else w)
    model = LinearBaselineModel(
        kind="regression",
        intercept=float(beta[0]),
        coefficients={t: float(b) for t, b in zip(terms, beta[1:], strict=True)},
        p_values=dict(zip(names, map(float, pv), strict=True)),
        std_errors=dict(zip(names, map(float, se), strict=True)),
        statistics=stats_,
        n_rows=n,
        n_excluded=n - int(ok.sum()),
    )
    return ProductionFit(model, tuple(findings))

"""Peer check: our CalTRACK daily change-point model against OpenEEmeter's (OpenDSM).

On the same daily meter data and temperatures, :func:`reductions.baselines.fit_daily`
and ``opendsm.eemeter.DailyModel(model="legacy")`` (OpenDSM 1.2.7, the successor of
``eemeter``; its "legacy" settings are the CalTRACK-style daily model without seasonal or
weekday splits and without smoothing) must agree on

- the model type (intercept-only, HDD, CDD, HDD+CDD; OpenDSM's ``tidd``, ``c_hdd_tidd``,
  ``hdd_tidd_cdd``);
- the balance points, within :data:`BALANCE_POINT_TOL` = 3 degF: ours are searched on
  CalTRACK 2.0's 3 degF grid (3.2.3), OpenDSM's are continuous, so the two can differ by
  up to one grid step;
- the predicted baseline over the reporting period's weather, within
  :data:`PREDICTION_RTOL` = 1 %: both are least-squares fits of the same data, and a
  balance point off by under one grid step moves the prediction by a fraction of the
  model's CV(RMSE) (about 3 % a day on the example, far less over a year).

Statistics, and which convention each follows
---------------------------------------------
=============== =========================================== ==============================
statistic       ours (:mod:`reductions.baselines.statistics`) OpenDSM 1.2.7 daily metrics
=============== =========================================== ==============================
CV(RMSE)        sqrt(SSE / (n - p)) / ybar, p = coefficients ``cvrmse``: sqrt(SSE / n) /
                incl. intercept, balance points not counted ybar; ``cvrmse_adj``: over
                (ASHRAE Guideline 14 form)                  n - num_model_params, which
                                                            counts the balance points too
NMBE            sum(y - yhat) / ((n - p) ybar)              ``nmbe``: mean(y - yhat) /
                                                            ybar (over n)
R squared       1 - SSE / SST                               ``r_squared``: the same
=============== =========================================== ==============================

:func:`compare` reports both sides' numbers so that the conventions can be checked
against each other (``cvrmse_adj`` equals ours only when the model has no balance point).

Run it with ``python -m validation.peer_opendsm`` (the example project's data), or
through ``tests/test_peer_opendsm.py``, which skips when OpenDSM is not installed. The
peer is not a dependency of reductions: install ``opendsm==1.2.7 multimethod==1.12`` (a
newer multimethod fails to import with a metaclass conflict) in an environment whose
pandas is < 3 (OpenDSM 1.2.7 pins it).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reductions.baselines import ChangePointModel, fit_daily, predict

#: One step of CalTRACK 2.0's balance-point grid (3.2.3). [delta_degF]
BALANCE_POINT_TOL = 3.0
#: Relative agreement of the predicted reporting-period baseline. [1]
PREDICTION_RTOL = 0.01
PEER = "opendsm"
PEER_VERSION = "1.2.7"


def peer_available() -> tuple[bool, str]:
    """Whether OpenDSM can be imported, and why not."""
    try:
        from opendsm import eemeter  # noqa: F401
    except Exception as exc:  # ImportError, or multimethod's metaclass TypeError
        return False, f"{PEER} is not importable ({type(exc).__name__}: {exc})"
    return True, ""


@dataclass(frozen=True)
class PeerComparison:
    """Both models and whether they agree within the stated tolerances."""

    ours: ChangePointModel
    peer_type: str
    peer_as_ours: str
    peer_coefficients: dict[str, Any]
    peer_metrics: dict[str, float]
    predicted_ours: float
    predicted_peer: float
    differences: tuple[str, ...]

    @property
    def agree(self) -> bool:
        return not self.differences


def _peer_type(coef: dict[str, Any]) -> str:
    """OpenDSM's model type in our names."""
    kind = str(getattr(coef["model_type"], "value", coef["model_type"])).lower()
    if kind.startswith("tidd"):
        return "intercept_only"
    if kind.startswith("hdd_tidd_cdd"):
        return "hdd_cdd"
    # c_hdd_tidd: one slope; OpenDSM stores its sign in the coefficients
    hb = coef.get("hdd_beta") or 0.0
    cb = coef.get("cdd_beta") or 0.0
    return "hdd_only" if abs(hb) >= abs(cb) else "cdd_only"


def compare(
    dates: Any,
    usage: Any,
    temperature: Any,
    reporting_temperature: Any,
) -> PeerComparison:
    """Fit both models to a daily baseline and compare them.

    Parameters
    ----------
    dates
        Local days of the baseline. [-]
    usage
        Daily electricity use. [kWh]
    temperature
        Daily mean temperature of each baseline day. [degF]
    reporting_temperature
        Daily mean temperatures of the reporting period the baselines are projected on.
        [degF]

    Raises
    ------
    ImportError
        OpenDSM is not installed (callers skip with the reason).
    """
    from opendsm import eemeter

    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates)))
    u = np.asarray(usage, dtype=float)
    T = np.asarray(temperature, dtype=float)
    Tr = np.asarray(reporting_temperature, dtype=float)
    fit = fit_daily(idx, u, T, temperature_unit="degF")
    if fit.model is None:
        raise ValueError("our fit produced no model")
    ours = fit.model
    frame = pd.DataFrame(
        {"observed": u, "temperature": T}, index=idx.tz_localize("UTC").rename("datetime")
    )
    rep_days = pd.date_range(idx.max() + pd.Timedelta(days=1), periods=Tr.size, freq="D")
    rep = pd.DataFrame(
        {"observed": np.nan, "temperature": Tr},
        index=rep_days.tz_localize("UTC").rename("datetime"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = eemeter.DailyBaselineData(frame, is_electricity_data=True)
        model = eemeter.DailyModel(model="legacy").fit(data, ignore_disqualification=True)
        reporting = eemeter.DailyReportingData(rep, is_electricity_data=True)
        predicted_peer = float(
            model.predict(reporting, ignore_disqualification=True)["predicted"].sum()
        )
    d = model.to_dict()
    coef = dict(next(iter(d["submodels"].values()))["coefficients"])
    coef["model_type"] = str(getattr(coef["model_type"], "value", coef["model_type"]))
    metrics = {
        k: float(v)
        for k, v in d["info"]["metrics"].items()
        if isinstance(v, int | float | np.number)
    }
    predicted_ours = float(np.sum(predict(ours, Tr)))
    peer_as_ours = _peer_type(coef)
    diffs = []
    if peer_as_ours != ours.model_type:
        diffs.append(f"model type: ours {ours.model_type}, {PEER} {coef['model_type']}")
    else:
        for ours_bp, key in (
            (ours.heating_balance_point, "hdd_bp"),
            (ours.cooling_balance_point, "cdd_bp"),
        ):
            if ours_bp is None:
                continue
            theirs = float(coef[key])
            if not abs(ours_bp - theirs) <= BALANCE_POINT_TOL:
                diffs.append(
                    f"{key}: ours {ours_bp:g} degF, {PEER} {theirs:.4g} degF "
                    f"(tolerance {BALANCE_POINT_TOL:g} degF)"
                )
    if not math.isclose(predicted_ours, predicted_peer, rel_tol=PREDICTION_RTOL):
        diffs.append(
            f"predicted baseline: ours {predicted_ours:.6g}, {PEER} {predicted_peer:.6g} "
            f"(tolerance {PREDICTION_RTOL:.0%})"
        )
    return PeerComparison(
        ours,
        str(coef["model_type"]),
        peer_as_ours,
        coef,
        metrics,
        predicted_ours,
        predicted_peer,
        tuple(diffs),
    )


def example_data() -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    """The synthetic data of ``examples/ipmvp-option-c-building`` (degF, kWh)."""
    root = Path(__file__).resolve().parents[1] / "examples" / "ipmvp-option-c-building"
    base = pd.read_csv(root / "baseline.csv")
    rep = pd.read_csv(root / "reporting.csv")
    w = pd.read_csv(root / "weather.csv")
    t = pd.Series(w["t_mean_degC"].to_numpy() * 9.0 / 5.0 + 32.0, index=pd.to_datetime(w["date"]))
    days = pd.DatetimeIndex(pd.to_datetime(base["date"]))
    rdays = pd.DatetimeIndex(pd.to_datetime(rep["date"]))
    return (
        days,
        base["kWh"].to_numpy(float),
        t.reindex(days).to_numpy(),
        t.reindex(rdays).to_numpy(),
    )


def main() -> int:
    ok, why = peer_available()
    if not ok:
        print(f"skipped: {why}")
        return 0
    c = compare(*example_data())
    s = c.ours.statistics
    print(
        f"ours: {c.ours.model_type}, HDD bp {c.ours.heating_balance_point}, CDD bp "
        f"{c.ours.cooling_balance_point}; predicted {c.predicted_ours:.6g}"
    )
    print(
        f"{PEER}: {c.peer_type}, HDD bp {c.peer_coefficients.get('hdd_bp')}, CDD bp "
        f"{c.peer_coefficients.get('cdd_bp')}; predicted {c.predicted_peer:.6g}"
    )
    print(
        f"CV(RMSE): ours (n - p) {s.cv_rmse:.5f}; {PEER} cvrmse (n) "
        f"{c.peer_metrics['cvrmse']:.5f}, cvrmse_adj {c.peer_metrics['cvrmse_adj']:.5f}"
    )
    print(f"NMBE: ours (n - p) {s.nmbe:.3e}; {PEER} nmbe (n) {c.peer_metrics['nmbe']:.3e}")
    print("agree" if c.agree else "DIFFER: " + "; ".join(c.differences))
    return 0 if c.agree else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Metered baselines: CalTRACK change-point fits, Guideline 14 statistics, sufficiency.

Reference values are hand-derived from synthetic data built from known coefficients
(CalTRACK 2.0 3.3.2: UPD = mu + beta_H HDD + beta_C CDD, with balance points on the
3 degF grid of 3.2.1/3.2.3). Noiseless data must be recovered to round-off: the design
matrices have condition numbers below 1e4 and values of order 1e2, so float64 least
squares leaves errors near 1e-12; 1e-8 relative is used, far above that and far below
any real mistake (a balance point one grid step off moves a coefficient by percent).
Noisy fits are cross-checked against independent numpy/scipy computations at 1e-9.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from reductions.baselines import (
    CALTRACK_1_0_DAILY,
    CALTRACK_2_0,
    THRESHOLDS,
    ChangePointModel,
    LinearBaselineModel,
    acceptance_findings,
    balance_point_grid,
    cv_rmse,
    effective_sample_size,
    fit_billing,
    fit_daily,
    fit_production,
    fit_sec,
    fit_statistics,
    fractional_savings_uncertainty,
    nmbe,
    predict,
    predict_billing,
    predict_linear,
)
from reductions.methodology import Status

DATES = pd.date_range("2023-01-01", periods=365, freq="D")
# A year of daily mean temperatures 25-95 degF: a seasonal cycle plus a fixed wobble.
_DOY = np.arange(365)
TEMPS = 60.0 - 30.0 * np.cos(2 * np.pi * _DOY / 365) + 5.0 * np.sin(_DOY * 1.7)


def piecewise(T, mu, bh=0.0, hb=None, bc=0.0, cb=None):
    """The CalTRACK model written out by hand (3.3.2, 3.3.4, 3.3.5)."""
    h = np.maximum(hb - T, 0.0) if hb is not None else 0.0
    c = np.maximum(T - cb, 0.0) if cb is not None else 0.0
    return mu + bh * h + bc * c


def finding(fit, check):
    found = [f for f in fit.findings if f.name.endswith(check)]
    assert found, f"no finding {check}: {[f.name for f in fit.findings]}"
    return found[0]


# --------------------------------------------------------------------------------------
# Reference fits


def test_grid_is_caltrack_2_0():
    """3.2.1.1/3.2.1.2: 30-90 degF; 3.2.3 appendix: 3 degF steps."""
    assert CALTRACK_2_0.heating_balance_points == balance_point_grid(30, 90, 3)
    assert CALTRACK_2_0.heating_balance_points[0] == 30.0
    assert CALTRACK_2_0.heating_balance_points[-1] == 90.0
    assert np.all(np.diff(CALTRACK_2_0.cooling_balance_points) == 3.0)
    assert CALTRACK_2_0.max_p_value is None  # removed in 2.0 (appendix 3.4.3.2)
    assert CALTRACK_1_0_DAILY.max_p_value == 0.1


def test_daily_hdd_cdd_recovered_exactly():
    """mu 10, beta_H 0.5 below 54 degF, beta_C 0.8 above 72 degF: recovered to 1e-8."""
    usage = piecewise(TEMPS, 10.0, 0.5, 54.0, 0.8, 72.0)
    fit = fit_daily(DATES, usage, TEMPS)
    m = fit.model
    assert not fit.disqualified, [f for f in fit.findings if f.disqualifying]
    assert m.model_type == "hdd_cdd"
    assert (m.heating_balance_point, m.cooling_balance_point) == (54.0, 72.0)
    assert m.intercept == pytest.approx(10.0, rel=1e-8)
    assert m.beta_hdd == pytest.approx(0.5, rel=1e-8)
    assert m.beta_cdd == pytest.approx(0.8, rel=1e-8)
    assert m.statistics.cv_rmse == pytest.approx(0.0, abs=1e-10)
    assert m.statistics.r_squared_adj == pytest.approx(1.0, abs=1e-12)
    assert m.n_params == 3 and m.statistics.df_resid == 365 - 3


def test_daily_gas_hdd_only_and_degc():
    """Gas: no CDD models (3.2.1.1). The same data in degC give the same fit, slope x 1.8."""
    usage = piecewise(TEMPS, 2.0, 0.3, 63.0)
    fit_f = fit_daily(DATES, usage, TEMPS, fuel="gas")
    assert fit_f.model.model_type == "hdd_only"
    assert fit_f.model.heating_balance_point == 63.0
    assert {c.model_type for c in fit_f.candidates} == {"intercept_only", "hdd_only"}
    fit_c = fit_daily(DATES, usage, (TEMPS - 32) * 5 / 9, fuel="gas", temperature_unit="degC")
    assert fit_c.model.heating_balance_point == pytest.approx((63.0 - 32) * 5 / 9, rel=1e-12)
    assert fit_c.model.beta_hdd == pytest.approx(0.3 * 1.8, rel=1e-8)


def test_noisy_fit_matches_independent_regression_and_grid_search():
    """Noisy gas data: the selected candidate is the best of an independent brute-force
    search, and its coefficients, p-value and statistics equal scipy's linregress."""
    rng = np.random.default_rng(7)
    usage = piecewise(TEMPS, 5.0, 0.4, 60.0) + rng.normal(0.0, 1.5, 365)
    m = fit_daily(DATES, usage, TEMPS, fuel="gas").model
    best, best_r2 = None, -np.inf
    for hb in CALTRACK_2_0.heating_balance_points:
        hdd = np.maximum(hb - TEMPS, 0.0)
        if (hdd > 0).sum() < 10 or hdd.sum() < 20:
            continue
        lr = stats.linregress(hdd, usage)
        r2a = 1 - (1 - lr.rvalue**2) * (365 - 1) / (365 - 2)
        if lr.slope >= 0 and lr.intercept >= 0 and r2a > best_r2:
            best, best_r2 = (hb, lr), r2a
    hb, lr = best
    assert m.model_type == "hdd_only" and m.heating_balance_point == hb
    assert m.beta_hdd == pytest.approx(lr.slope, rel=1e-9)
    assert m.intercept == pytest.approx(lr.intercept, rel=1e-9)
    assert m.p_values["beta_hdd"] == pytest.approx(lr.pvalue, rel=1e-6, abs=1e-300)
    assert m.statistics.r_squared_adj == pytest.approx(best_r2, rel=1e-9)
    # Guideline 14 statistics, computed independently
    resid = usage - (lr.intercept + lr.slope * np.maximum(hb - TEMPS, 0.0))
    assert m.statistics.cv_rmse == pytest.approx(
        np.sqrt(np.sum(resid**2) / (365 - 2)) / usage.mean(), rel=1e-9
    )
    assert m.statistics.nmbe == pytest.approx(np.sum(resid) / ((365 - 2) * usage.mean()), abs=1e-12)
    rho = np.corrcoef(resid[:-1], resid[1:])[0, 1]
    assert m.statistics.rho == pytest.approx(rho, rel=1e-9)
    assert m.statistics.n_prime == pytest.approx(365 * (1 - rho) / (1 + rho), rel=1e-9)


def test_billing_recovered_and_weighted():
    """Calendar-month bills of the daily model: UPD_p = mu + beta_H mean(HDD_d) exactly."""
    usage_d = piecewise(TEMPS, 8.0, 0.6, 57.0, 0.9, 75.0)
    start = pd.date_range("2023-01-01", periods=12, freq="MS")
    end = start + pd.offsets.MonthBegin(1)
    totals = pd.Series(usage_d, index=DATES).resample("MS").sum().to_numpy()
    fit = fit_billing(start, end, totals, DATES, TEMPS)
    m = fit.model
    assert m.interval == "billing" and m.model_type == "hdd_cdd"
    assert (m.heating_balance_point, m.cooling_balance_point) == (57.0, 75.0)
    assert [m.intercept, m.beta_hdd, m.beta_cdd] == pytest.approx([8.0, 0.6, 0.9], rel=1e-8)
    label = np.asarray(DATES.month - 1)
    np.testing.assert_allclose(predict_billing(m, TEMPS, label), totals, rtol=1e-9)
    assert not fit.disqualified, [f for f in fit.findings if f.disqualifying]


def test_billing_off_cycle_period_dropped_and_counted():
    start = pd.DatetimeIndex(["2023-01-01", "2023-01-20", "2023-02-01"])
    end = pd.DatetimeIndex(["2023-01-20", "2023-02-01", "2023-03-01"])
    fit = fit_billing(start, end, [100.0, 50.0, 280.0], DATES[:59], TEMPS[:59])
    assert finding(fit, "billing.rows_used").values["n_off_cycle"] == 2
    assert finding(fit, "baseline_length").status is Status.FAIL


def test_p_value_screen_caltrack_1_0():
    """CalTRACK 1.0 daily: every qualified weather-sensitive candidate has p < 0.1."""
    rng = np.random.default_rng(3)
    usage = 20.0 + rng.normal(0.0, 3.0, 365)  # no weather signal
    fit = fit_daily(DATES, usage, TEMPS, settings=CALTRACK_1_0_DAILY)
    for c in fit.candidates:
        if c.status == "qualified":
            assert all(p < 0.1 for k, p in c.p_values.items() if k != "intercept")
        if "beta_hdd_p_value_too_high" in c.reasons:
            assert c.p_values["beta_hdd"] >= 0.1
    assert any("p_value_too_high" in r for c in fit.candidates for r in c.reasons)


# --------------------------------------------------------------------------------------
# A model stands alone: predict, round trip


def test_model_round_trips_through_json_and_predicts_dataarrays():
    usage = piecewise(TEMPS, 10.0, 0.5, 54.0, 0.8, 72.0)
    m = fit_daily(DATES, usage, TEMPS).model
    back = ChangePointModel.from_dict(json.loads(json.dumps(m.to_dict())))
    assert back.to_dict() == m.to_dict()
    np.testing.assert_array_equal(predict(back, TEMPS), predict(m, TEMPS))
    da = xr.DataArray(TEMPS, dims="time", coords={"time": DATES})
    out = predict(back, da)
    assert isinstance(out, xr.DataArray) and out.dims == ("time",)
    np.testing.assert_allclose(out.values, usage, rtol=1e-9)
    assert np.isnan(predict(m, np.array([np.nan]))[0])  # 3.5.3.1


def test_production_models():
    """E = 50 + 3 P + 2 HDD recovered; SEC = sum E / sum P; both round-trip."""
    rng = np.random.default_rng(1)
    P = rng.uniform(100, 200, 24)
    H = rng.uniform(0, 300, 24)
    E = 50 + 3 * P + 2 * H
    fit = fit_production(E, P, hdd=H)
    m = fit.model
    assert [m.intercept, m.coefficients["production"], m.coefficients["hdd"]] == pytest.approx(
        [50, 3, 2], rel=1e-8
    )
    np.testing.assert_allclose(predict_linear(m, production=P, hdd=H), E, rtol=1e-10)
    back = LinearBaselineModel.from_dict(json.loads(json.dumps(m.to_dict())))
    assert back.to_dict() == m.to_dict()
    noisy = E + rng.normal(0, 20, 24)
    m2 = fit_production(noisy, P, hdd=H).model
    X = np.column_stack([np.ones(24), P, H])
    beta, *_ = np.linalg.lstsq(X, noisy, rcond=None)
    assert [m2.intercept, m2.coefficients["production"], m2.coefficients["hdd"]] == pytest.approx(
        list(beta), rel=1e-9
    )
    sec = fit_sec(E, P).model
    assert sec.coefficients["production"] == pytest.approx(E.sum() / P.sum(), rel=1e-12)
    assert predict_linear(sec, production=10.0) == pytest.approx(10 * E.sum() / P.sum())
    bad = fit_production(-E, P)
    assert bad.disqualified and finding(bad, "production_negative").status is Status.FAIL


# --------------------------------------------------------------------------------------
# Guideline 14 statistics


def test_statistics_by_hand():
    """y = 10, 12, 14, 16; yhat = 10.5, 11.5, 14.5, 15.5; p = 2 -> n - p = 2.
    SSE = 4 x 0.25 = 1; CV = sqrt(1/2)/13; NMBE = 0; R2 = 1 - 1/20."""
    y = [10.0, 12.0, 14.0, 16.0]
    yhat = [10.5, 11.5, 14.5, 15.5]
    s = fit_statistics(y, yhat, p=2)
    assert s.cv_rmse == pytest.approx(np.sqrt(0.5) / 13, rel=1e-12)
    assert s.nmbe == 0.0
    assert s.r_squared == pytest.approx(0.95, rel=1e-12)
    assert s.r_squared_adj == pytest.approx(1 - 0.05 * 3 / 2, rel=1e-12)
    assert float(nmbe([10.0, 20.0], [9.0, 19.0], p=1)) == pytest.approx(2 / (1 * 15))
    assert effective_sample_size(100, 0.0) == 100.0


def test_fsu_by_hand():
    """Monthly, n = m = 12, p = 2, rho = 0.2, CV 10 %, F 20 %, 90 %:
    n' = 8, a(12) = 1.30558, t(0.95, 10) = 1.8124611."""
    fsu = fractional_savings_uncertainty(0.1, 0.2, 12, 12, 0.2, 2)
    n_prime = 12 * 0.8 / 1.2
    a = -0.00022 * 144 + 0.03306 * 12 + 0.94054
    t = stats.t.ppf(0.95, 10)
    assert t == pytest.approx(1.8124611, rel=1e-7)
    expected = t * a * 0.1 * np.sqrt((12 / n_prime) * (1 + 2 / n_prime) / 12) / 0.2
    assert fsu == pytest.approx(expected, rel=1e-12)
    assert fractional_savings_uncertainty(0.1, 0.2, 12, 12, 0.2, 2, correction=1.26) == (
        pytest.approx(expected / a * 1.26, rel=1e-12)
    )


def test_thresholds_are_data_with_sources():
    got = {(t.statistic, t.interval): t.limit for t in THRESHOLDS}
    assert got == {
        ("cv_rmse", "monthly"): 0.15,
        ("nmbe", "monthly"): 0.05,
        ("cv_rmse", "hourly"): 0.30,
        ("nmbe", "hourly"): 0.10,
    }
    assert all(t.read_from for t in THRESHOLDS)
    s = fit_statistics([10.0, 20.0, 10.0, 20.0], [15.0, 15.0, 15.0, 15.0], p=1)
    worst = {f.name: f.status for f in acceptance_findings(s, "monthly")}
    assert worst["baselines.guideline14.cv_rmse.monthly"] is Status.FAIL


# --------------------------------------------------------------------------------------
# Bad input: findings, not exceptions


def test_missing_temperature_everywhere_is_a_finding():
    fit = fit_daily(DATES, np.full(365, 5.0), np.full(365, np.nan))
    assert fit.model is None and fit.disqualified
    assert finding(fit, "no_data").status is Status.FAIL


def test_negative_usage_disqualifies():
    usage = piecewise(TEMPS, 10.0, 0.5, 54.0)
    usage[100] = -3.0
    fit = fit_daily(DATES, usage, TEMPS)
    f = finding(fit, "negative_usage")
    assert f.status is Status.FAIL and f.values["n_negative"] == 1 and fit.disqualified


def test_too_few_days_disqualifies():
    fit = fit_daily(DATES[:100], piecewise(TEMPS[:100], 10.0, 0.5, 54.0), TEMPS[:100])
    f = finding(fit, "baseline_length")
    assert f.status is Status.FAIL and f.values["n_days"] == 100
    assert fit.disqualified


def test_nan_in_the_middle_is_counted_not_dropped_silently():
    usage = piecewise(TEMPS, 10.0, 0.5, 54.0, 0.8, 72.0)
    usage[150:160] = np.nan
    temps = TEMPS.copy()
    temps[200:205] = np.nan
    fit = fit_daily(DATES, usage, temps)
    rows = finding(fit, "daily.rows_used").values
    assert rows["n_missing_usage"] == 10 and rows["n_missing_temperature"] == 5
    assert fit.model.n_excluded == 15 and fit.model.statistics.n == 350
    missing = finding(fit, "sufficiency.missing_days")
    assert missing.values["n_missing"] == 15 and missing.status is Status.PASS
    # 40 missing days exceed the 37 of 2.2.1.2
    usage[10:40] = np.nan
    assert finding(fit_daily(DATES, usage, temps), "sufficiency.missing_days").status is Status.FAIL


def test_month_without_temperature_fails_monthly_coverage():
    temps = TEMPS.copy()
    temps[31:35] = np.nan  # 4 of 28 February days: 86 % < 90 %
    fit = fit_daily(DATES, piecewise(temps, 10.0, 0.5, 54.0), temps)
    f = finding(fit, "monthly_temperature_coverage")
    assert f.status is Status.FAIL and f.values["months_below"] == ["2023-02"]


def test_zero_electricity_is_missing_but_zero_gas_is_data():
    usage = piecewise(TEMPS, 10.0, 0.5, 54.0)
    usage[5] = 0.0
    assert finding(fit_daily(DATES, usage, TEMPS), "daily.rows_used").values["n_used"] == 364
    gas = fit_daily(DATES, usage, TEMPS, fuel="gas")
    assert finding(gas, "daily.rows_used").values["n_used"] == 365


# --------------------------------------------------------------------------------------
# Properties

HB = st.sampled_from(CALTRACK_2_0.heating_balance_points[6:14])  # 48-69 degF
CB = st.sampled_from(CALTRACK_2_0.cooling_balance_points[14:19])  # 72-84 degF
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    mu=st.floats(1.0, 50.0),
    bh=st.floats(0.05, 2.0),
    bc=st.floats(0.05, 2.0),
    hb=HB,
    cb=CB,
)
def test_predict_fit_reproduces_noiseless_piecewise_data(mu, bh, bc, hb, cb):
    usage = piecewise(TEMPS, mu, bh, hb, bc, cb)
    m = fit_daily(DATES, usage, TEMPS).model
    np.testing.assert_allclose(predict(m, TEMPS), usage, rtol=1e-8)
    assert (m.heating_balance_point, m.cooling_balance_point) == (hb, cb)


@FAST
@given(k=st.floats(1e-3, 1e3), seed=st.integers(0, 2**16))
def test_cv_rmse_and_selection_invariant_to_scaling_usage(k, seed):
    rng = np.random.default_rng(seed)
    usage = piecewise(TEMPS, 10.0, 0.4, 57.0, 0.6, 75.0) + rng.normal(0.0, 2.0, 365)
    a = fit_daily(DATES, usage, TEMPS).model
    b = fit_daily(DATES, usage * k, TEMPS).model
    assert (a.model_type, a.heating_balance_point, a.cooling_balance_point) == (
        b.model_type,
        b.heating_balance_point,
        b.cooling_balance_point,
    )
    assert b.statistics.cv_rmse == pytest.approx(a.statistics.cv_rmse, rel=1e-9)
    assert b.statistics.nmbe == pytest.approx(a.statistics.nmbe, rel=1e-6, abs=1e-12)
    assert float(cv_rmse(usage * k, predict(b, TEMPS), 3)) == pytest.approx(
        float(cv_rmse(usage, predict(a, TEMPS), 3)), rel=1e-9
    )


@FAST
@given(seed=st.integers(0, 2**16))
def test_selection_invariant_to_row_order(seed):
    rng = np.random.default_rng(seed)
    usage = piecewise(TEMPS, 10.0, 0.4, 57.0, 0.6, 75.0) + rng.normal(0.0, 2.0, 365)
    perm = rng.permutation(365)
    a = fit_daily(DATES, usage, TEMPS).model
    b = fit_daily(DATES[perm], usage[perm], TEMPS[perm]).model
    assert (a.model_type, a.heating_balance_point, a.cooling_balance_point) == (
        b.model_type,
        b.heating_balance_point,
        b.cooling_balance_point,
    )
    assert b.intercept == pytest.approx(a.intercept, rel=1e-9)
    assert b.statistics.rho == pytest.approx(a.statistics.rho, rel=1e-9)  # time order kept

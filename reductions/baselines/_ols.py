"""Batched weighted least squares with coefficient standard errors and p-values.

Shared by the change-point grid search (many candidate design matrices at once) and the
production regression. Classical WLS: beta = (X'WX)^-1 X'Wy, sigma^2 = sum w e^2/(n - k),
Var(beta) = sigma^2 (X'WX)^-1, two-sided t-test of beta_j = 0 on n - k degrees of
freedom (what statsmodels' WLS reports, which eemeter 2.x used).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as _st


@dataclass(frozen=True)
class WLSResult:
    """Per-candidate arrays: leading dimension B (candidates), k coefficients."""

    beta: np.ndarray  # (B, k)
    se: np.ndarray  # (B, k)
    p_value: np.ndarray  # (B, k)
    sse: np.ndarray  # (B,) weighted
    r_squared: np.ndarray  # (B,) weighted, centred
    fitted: np.ndarray  # (B, n)
    rank_ok: np.ndarray  # (B,) bool


def wls(y: np.ndarray, w: np.ndarray, X: np.ndarray) -> WLSResult:
    """Fit y ~ X with weights w for a stack of design matrices ``X`` of shape (B, n, k)."""
    B, n, k = X.shape
    Xw = X * w[None, :, None]
    xtx = np.einsum("bni,bnj->bij", Xw, X)
    xty = np.einsum("bni,n->bi", Xw, y)
    # A candidate whose design is singular (a degree-day column of zeros) is marked and
    # given NaN rather than a least-norm solution.
    cond = np.linalg.cond(xtx)
    rank_ok = np.isfinite(cond) & (cond < 1e12)
    safe = np.where(rank_ok[:, None, None], xtx, np.eye(k)[None, :, :])
    inv = np.linalg.inv(safe)
    beta = np.einsum("bij,bj->bi", inv, xty)
    fitted = np.einsum("bnk,bk->bn", X, beta)
    resid = y[None, :] - fitted
    sse = np.sum(w[None, :] * resid**2, axis=1)
    dof = n - k
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma2 = sse / dof if dof > 0 else np.full(B, np.nan)
        se = np.sqrt(sigma2[:, None] * np.diagonal(inv, axis1=1, axis2=2))
        tval = beta / se
        p = 2.0 * _st.t.sf(np.abs(tval), dof) if dof > 0 else np.full((B, k), np.nan)
    ybar = np.sum(w * y) / np.sum(w)
    sst = float(np.sum(w * (y - ybar) ** 2))
    r2 = 1.0 - sse / sst if sst > 0 else np.zeros(B)
    nan = ~rank_ok
    beta[nan] = np.nan
    se[nan] = np.nan
    p[nan] = np.nan
    return WLSResult(beta, se, p, sse, r2, fitted, rank_ok)

"""The fast path's power-basis cell coefficients reproduce the bicubic Hermite interpolant.

ccus._tables evaluates the pure-CO2 tables as sum a_mn tx^m ty^n per cell; the coefficients
are converted from the Hermite node data (values and scaled derivatives). This checks the
conversion and the Horner evaluation (values and first derivatives) against the Hermite
tensor-product form (Table.weights, still used by the mixture tables) on random node data.
Tolerance 1e-12: the two forms are the same polynomial and differ only by rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from ccus._tables import Hermite1D, Table, _bicubic, cell_power_coefficients


@pytest.mark.parametrize(("nx", "ny", "seed"), [(5, 4, 0), (7, 9, 1), (2, 2, 2)])
def test_power_basis_matches_hermite(nx: int, ny: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    node = rng.normal(size=(nx * ny, 4))
    t = Table("synthetic", 0.0, 1.0, nx, 0.0, 1.0, ny)
    t.data["f"] = node
    coef = cell_power_coefficients(node, nx, ny)
    n = 500
    x = rng.uniform(0.0, nx - 1.0, n)
    y = rng.uniform(0.0, ny - 1.0, n)
    idx, tx, ty = t.cells(x, y)
    cell = (idx[:, 0] // ny) * (ny - 1) + idx[:, 0] % ny
    a = np.take(coef, cell, axis=0)
    for dx, dy in ((False, False), (True, False), (False, True)):
        ref = t.interp("f", idx, Table.weights(tx, ty, dxderiv=dx, dyderiv=dy))
        got = _bicubic(a, tx, ty, nx=int(dx), ny=int(dy))
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


def test_hermite1d_power_form_interpolates_nodes() -> None:
    # at the nodes the Hermite cubic returns the node values exactly (up to rounding)
    x = np.linspace(200.0, 300.0, 101)
    y = np.log1p(x) * np.sin(x / 17.0)
    h = Hermite1D(x, y)
    np.testing.assert_allclose(h(x), y, rtol=1e-13, atol=1e-13)
    # between nodes: the cubic Hermite built on spline slopes agrees with the spline
    from scipy.interpolate import CubicSpline

    xm = 0.5 * (x[1:] + x[:-1])
    np.testing.assert_allclose(h(xm), CubicSpline(x, y)(xm), rtol=1e-12, atol=1e-12)

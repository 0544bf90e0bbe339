"""Fast tabulated path for :mod:`ccus.properties`.

Pure CO2
--------
The (p, T) box is cut into five single-phase tables, none of which contains the saturation
line, and one excluded *critical band* where the exact path (CoolProp HEOS) is used:

======  =====================================  =============================================
table   domain                                 coordinates (x, y)
======  =====================================  =============================================
vapour  T_t <= T <= Tc - dT, p_min <= p <= psat  x = asinh((T-Tc)/wT), y = ln p scaled to [0,1]
                                               between ln p_min and ln psat(T)
liquid  T_t <= T <= Tc - dT, psat <= p <= p_max  x as above, y = ln p scaled between ln psat(T)
                                               and ln p_max
low     Tc - dT <= T <= T_max, p <= pc - dp      x, y = ln p
high    Tc - dT <= T <= T_max, p >= pc + dp      x, y = asinh((p-pc)/wp)
mid     Tc + dT <= T <= T_max, |p-pc| <= dp     x, y = p
band    |T-Tc| < dT and |p-pc| < dp             exact CoolProp HEOS
======  =====================================  =============================================

``dT`` and ``dp`` are chosen so that psat(Tc - dT) > pc - dp: the saturation line leaves the
box only through the band, so each table is smooth. The saturation pressure psat(T) that
splits vapour from liquid is a cubic spline through CoolProp's saturation pressures on a
fine temperature grid. Node values come from CoolProp HEOS (PT flash, phase imposed on the
vapour and liquid tables so that nodes on the saturation line and metastable nodes beyond
the melting line, used only for smoothness, are well defined). Node derivatives come from
an interpolating bicubic spline through the node values, and evaluation is a bicubic
Hermite interpolation written in numpy. For speed, each cell's Hermite data (values and
derivatives at its four corners) are converted once, on first use of a property, into the
16 coefficients of the same bicubic polynomial in the power basis, sum a_mn tx^m ty^n with
(tx, ty) in [0, 1]^2 the position in the cell; a state then needs one gather of 16
contiguous numbers and a Horner evaluation (the same polynomial: results agree with the
Hermite form to ~1e-13). Density, cp, speed of sound, viscosity and thermal conductivity
are interpolated as logarithms, enthalpy and entropy as values.

Impure CO2
----------
One table per composition, built lazily on first use over the same box on a coarser
(x = asinh((T-Tc)/wT), y = ln p) grid from CoolProp's mixture model, and cached in memory
(LRU). A state is interpolated only if the 16 nodes around it are all single-phase of the
same CoolProp phase and converged; otherwise it goes to the exact path (which returns NaN
and a flag if CoolProp fails there too).

The tables are built deterministically from CoolProp at first use (a few seconds for pure
CO2) and kept in memory; there is no network or disk access.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import CoolProp.CoolProp as CP
import numpy as np
from scipy.interpolate import CubicSpline, RectBivariateSpline

# ------------------------------------------------------------------------------- settings

_AS = CP.AbstractState("HEOS", "CarbonDioxide")
TC = float(_AS.T_critical())
PC = float(_AS.p_critical())
T_TRIPLE = float(_AS.Ttriple())
LNPC = float(np.log(PC))

#: Fast-path settings: critical band, box, grid sizes and coordinate widths.
SETTINGS: dict[str, Any] = {
    "band_dT": 3.5,  # K: exact inside |T - Tc| < band_dT and |p - pc| < band_dp
    "band_dp": 0.6e6,  # Pa (psat(Tc - band_dT) = 6.81 MPa > pc - band_dp = 6.78 MPa)
    "T_min": T_TRIPLE,  # K
    "T_max": 550.0,  # K
    "p_min": 1.0e4,  # Pa
    "p_max": 40.0e6,  # Pa
    "wT": 3.0,  # K, width of the asinh temperature coordinate
    "wp": 0.3e6,  # Pa, width of the asinh pressure coordinate (high table)
    "wz": 0.03,  # -, width of the asinh ln-pressure coordinate (vapour, liquid, low tables)
    "grids": {  # (nx, ny) nodes per table
        "vapour": (200, 60),
        "liquid": (200, 80),
        "low": (150, 120),
        "high": (200, 200),
        "mid": (160, 80),
    },
    "n_psat": 3000,
    "mixture_grid": (100, 100),
    "mixture_cache": 16,
}

_NAMES = ("vapour", "liquid", "low", "high", "mid")
#: States per pass of the pure-CO2 (p, T) evaluation: keeps numpy's temporaries in the
#: L2 cache while amortising numpy's per-call overhead (measured: 2k 94, 4k 74, 8k 68,
#: 16k 65, 32k 67 ns per state).
CHUNK = 16384

PROPS = (
    "density",
    "enthalpy",
    "entropy",
    "cp",
    "speed_of_sound",
    "viscosity",
    "thermal_conductivity",
)
LOG_PROPS = frozenset({"density", "cp", "speed_of_sound", "viscosity", "thermal_conductivity"})

_GETTERS: dict[str, Callable[[Any], float]] = {
    "density": lambda s: s.rhomass(),
    "enthalpy": lambda s: s.hmass(),
    "entropy": lambda s: s.smass(),
    "cp": lambda s: s.cpmass(),
    "speed_of_sound": lambda s: s.speed_sound(),
    "viscosity": lambda s: s.viscosity(),
    "thermal_conductivity": lambda s: s.conductivity(),
}

#: Maximum relative errors of the pure-CO2 fast path against CoolProp 8.0.0 HEOS, measured by
#: benchmarks/bench_properties.py on 99 971 random states (0.05-30 MPa, 220-500 K) and
#: 40 000 states next to the critical band and within 1e-6..1e-2 of psat (benchmarks/README.md).
MEASURED: dict[str, Any] = {
    "pure_max_rel_error": {
        "density": 3.9e-5,
        "enthalpy": 2.9e-5,
        "entropy": 1.0e-5,
        "cp": 2.7e-3,
        "speed_of_sound": 8.2e-5,
        "viscosity": 4.1e-5,
        "thermal_conductivity": 3.3e-3,
    },
    "mixture_rel_error_vs_coolprop": "median ~1e-8, p90 ~2e-5, max 1.8e-2 (96% CO2 + N2/O2/Ar)",
}


# ----------------------------------------------------------------------- coordinate maps


def x_of_T(T: Any) -> Any:
    return np.arcsinh((T - TC) / SETTINGS["wT"])


def T_of_x(x: np.ndarray) -> np.ndarray:
    return TC + SETTINGS["wT"] * np.sinh(x)


# ----------------------------------------------------------------------------- the tables


def _basis(t: np.ndarray, deriv: bool) -> tuple[np.ndarray, ...]:
    """Cubic Hermite basis h00, h10, h01, h11 at t in [0, 1] (or their derivatives)."""
    if deriv:
        a0 = 6 * t * t - 6 * t
        return a0, (3 * t - 4) * t + 1, -a0, (3 * t - 2) * t
    u = 1 - t
    return (1 + 2 * t) * u * u, t * u * u, t * t * (3 - 2 * t), t * t * (t - 1)


#: Power-basis coefficients of the cubic Hermite basis: row k holds the coefficients of
#: t^0..t^3 of h00, h10, h01, h11 (h00 = 1 - 3t^2 + 2t^3, h10 = t - 2t^2 + t^3,
#: h01 = 3t^2 - 2t^3, h11 = t^3 - t^2).
HERMITE_POWER = np.array(
    [[1.0, 0.0, -3.0, 2.0], [0.0, 1.0, -2.0, 1.0], [0.0, 0.0, 3.0, -2.0], [0.0, 0.0, -1.0, 1.0]]
)


class Hermite1D:
    """Cubic Hermite interpolation on a uniform grid (values and derivatives taken from an
    interpolating cubic spline); cheaper to evaluate than a spline's binary search.

    Each interval's cubic is stored in the power basis (c0 + c1 t + c2 t^2 + c3 t^3, t in
    [0, 1]), so that an evaluation is one gather and a Horner scheme."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        spl = CubicSpline(x, y)
        self.x0 = float(x[0])
        self.h = float(x[1] - x[0])
        self.n = x.size
        self.c = np.stack([y, spl(x, 1) * self.h], axis=1)  # (n, 2): value, slope * h
        # interval k: (f_k, f'_k h, f_k+1, f'_k+1 h) @ HERMITE_POWER -> (n - 1, 4)
        herm = np.concatenate([self.c[:-1], self.c[1:]], axis=1)
        self.power = np.ascontiguousarray(herm @ HERMITE_POWER)

    def __call__(self, x: np.ndarray | float) -> np.ndarray:
        xa = np.asarray(x, dtype=float)
        u = (xa.ravel() - self.x0) * (1.0 / self.h)
        i = np.floor(u)
        np.clip(i, 0, self.n - 2, out=i)
        u -= i  # position in the interval (outside [0, 1] only when extrapolating)
        c = np.take(self.power, i.astype(np.intp), axis=0)
        r = c[:, 3] * u
        r += c[:, 2]
        r *= u
        r += c[:, 1]
        r *= u
        r += c[:, 0]
        return r.reshape(xa.shape)


@dataclass
class Table:
    """Bicubic Hermite table on a regular (x, y) grid; values stored per node as
    (f, f_x dx, f_y dy, f_xy dx dy) so that weights need no scaling."""

    name: str
    x0: float
    dx: float
    nx: int
    y0: float
    dy: float
    ny: int
    data: dict[str, np.ndarray] = field(default_factory=dict)  # prop -> (nx*ny, 4)

    def cells(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fx = (x - self.x0) / self.dx
        fy = (y - self.y0) / self.dy
        i = np.clip(np.floor(fx), 0, self.nx - 2).astype(np.intp)
        j = np.clip(np.floor(fy), 0, self.ny - 2).astype(np.intp)
        tx = fx - i
        ty = fy - j
        k = i * self.ny + j
        idx = np.stack([k, k + self.ny, k + 1, k + self.ny + 1], axis=1)
        return idx, tx, ty

    @staticmethod
    def weights(
        tx: np.ndarray, ty: np.ndarray, dxderiv: bool = False, dyderiv: bool = False
    ) -> np.ndarray:
        """(N, 4 corners, 4 node values) Hermite weights; corners (0,0),(1,0),(0,1),(1,1).

        With ``dxderiv`` (``dyderiv``) the weights give the derivative along x (y) in cell
        units (divide by dx, dy for the derivative in x, y)."""
        ax0, bx0, ax1, bx1 = _basis(tx, dxderiv)
        ay0, by0, ay1, by1 = _basis(ty, dyderiv)
        w = np.empty(tx.shape + (4, 4))
        for c, (ax, bx, ay, by) in enumerate(
            ((ax0, bx0, ay0, by0), (ax1, bx1, ay0, by0), (ax0, bx0, ay1, by1), (ax1, bx1, ay1, by1))
        ):
            w[:, c, 0] = ax * ay
            w[:, c, 1] = bx * ay
            w[:, c, 2] = ax * by
            w[:, c, 3] = bx * by
        return w

    def interp(self, prop: str, idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        g = np.take(self.data[prop], idx, axis=0)  # (N, 4, 4)
        return np.einsum("ijk,ijk->i", g, w)


def _fit(table: Table, prop: str, values: np.ndarray) -> None:
    """Node derivatives from an interpolating bicubic spline through the node values."""
    xs = table.x0 + table.dx * np.arange(table.nx)
    ys = table.y0 + table.dy * np.arange(table.ny)
    v = np.log(values) if prop in LOG_PROPS else values
    spl = RectBivariateSpline(xs, ys, v, kx=3, ky=3, s=0)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    X = X.ravel()
    Y = Y.ravel()
    out = np.empty((table.nx * table.ny, 4))
    out[:, 0] = v.ravel()
    out[:, 1] = spl.ev(X, Y, dx=1) * table.dx
    out[:, 2] = spl.ev(X, Y, dy=1) * table.dy
    out[:, 3] = spl.ev(X, Y, dx=1, dy=1) * table.dx * table.dy
    table.data[prop] = out


def _nodes(P: np.ndarray, T: np.ndarray, imposed: Any, state: Any = None) -> dict[str, np.ndarray]:
    """CoolProp HEOS values at nodes (a loop: this is the one-off table build)."""
    st = state if state is not None else CP.AbstractState("HEOS", "CarbonDioxide")
    if imposed is not None:
        st.specify_phase(imposed)
    out = {k: np.empty(P.shape) for k in PROPS}
    pf, tf = P.ravel(), T.ravel()
    flat = {k: v.reshape(-1) for k, v in out.items()}
    try:
        for n in range(pf.size):
            st.update(CP.PT_INPUTS, float(pf[n]), float(tf[n]))
            for k in PROPS:
                flat[k][n] = _GETTERS[k](st)
    finally:
        st.unspecify_phase()
    return out


def cell_power_coefficients(node: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """Power-basis coefficients of a bicubic Hermite table, per cell.

    ``node`` is the (nx*ny, 4) node data (f, f_x dx, f_y dy, f_xy dx dy), node (i, j) at
    row i*ny + j. Returns ((nx-1)*(ny-1), 16) coefficients a_mn (row m*4 + n), cell (i, j)
    at row i*(ny-1) + j, such that the Hermite interpolant in the cell is
    sum_mn a_mn tx^m ty^n. With V[a, b] the Hermite data of the cell (a: value at i,
    x-slope at i, value at i+1, x-slope at i+1; b likewise along y), A = H^T V H with H
    :data:`HERMITE_POWER` (the tensor product of the 1-D Hermite bases)."""
    d = node.reshape(nx, ny, 4)
    v = np.empty((nx - 1, ny - 1, 4, 4))
    for ci in (0, 1):  # corner along x
        for di in (0, 1):  # value or x-slope
            for cj in (0, 1):  # corner along y
                for dj in (0, 1):  # value or y-slope
                    v[:, :, 2 * ci + di, 2 * cj + dj] = d[
                        ci : nx - 1 + ci, cj : ny - 1 + cj, di + 2 * dj
                    ]
    a = np.einsum("am,bn,xyab->xymn", HERMITE_POWER, HERMITE_POWER, v)
    return np.ascontiguousarray(a.reshape(-1, 16))


@dataclass
class PureTables:
    """The five pure-CO2 tables, concatenated for a single gather, and the saturation
    splines. ``geometry`` holds per-table (index = region code) grid parameters as float
    arrays: origin and inverse spacing along x and y, the largest cell index along x and
    y, the cell-row stride (ny - 1) and the offset of the table's first cell."""

    tables: dict[str, Table]
    psat: Hermite1D  # ln psat(T)
    T_sat_max: float
    sat: dict[str, Hermite1D]  # f(ln p) along saturation: T, hL, hV, sL, sV, ...
    lnp_sat: tuple[float, float]
    geometry: dict[str, np.ndarray] = field(default_factory=dict)
    flat: dict[str, np.ndarray] = field(default_factory=dict)  # prop -> node data, until used
    power: dict[str, np.ndarray] = field(default_factory=dict)  # prop -> (cells, 16)

    def __post_init__(self) -> None:
        ts = [self.tables[n] for n in _NAMES]
        cells = [(t.nx - 1) * (t.ny - 1) for t in ts]
        self.geometry = {
            "x0": np.array([t.x0 for t in ts]),
            "idx": np.array([1.0 / t.dx for t in ts]),
            "dx": np.array([t.dx for t in ts]),
            "imax": np.array([t.nx - 2.0 for t in ts]),
            "y0": np.array([t.y0 for t in ts]),
            "idy": np.array([1.0 / t.dy for t in ts]),
            "dy": np.array([t.dy for t in ts]),
            "jmax": np.array([t.ny - 2.0 for t in ts]),
            "stride": np.array([t.ny - 1.0 for t in ts]),
            "offset": np.concatenate([[0], np.cumsum(cells)[:-1]]).astype(float),
            "lnp_lim": np.log([SETTINGS["p_min"], SETTINGS["p_max"]]),  # vapour, liquid
        }
        self.flat = {k: np.concatenate([t.data[k] for t in ts]) for k in PROPS}
        for t in ts:
            t.data = {}  # the concatenated copy is the one used
        self._lock = threading.Lock()

    def coefficients(self, prop: str) -> np.ndarray:
        """(cells, 16) power-basis coefficients of ``prop``, converted on first use (the
        node data of that property are then released: 12.5 MB instead of 3.2 MB per
        property, so only the properties in use are converted)."""
        c = self.power.get(prop)
        if c is None:
            with self._lock:
                c = self.power.get(prop)
                if c is None:
                    node = self.flat[prop]
                    parts = []
                    start = 0
                    for n in _NAMES:
                        t = self.tables[n]
                        parts.append(
                            cell_power_coefficients(node[start : start + t.nx * t.ny], t.nx, t.ny)
                        )
                        start += t.nx * t.ny
                    c = np.concatenate(parts)
                    self.power[prop] = c
                    del self.flat[prop]
        return c


def _lin(a: float, b: float, n: int) -> tuple[float, float]:
    return a, (b - a) / (n - 1)


def _build_pure() -> PureTables:
    s = SETTINGS
    dT, dp = s["band_dT"], s["band_dp"]
    Tlo, Thi = s["T_min"], s["T_max"]
    pmin, pmax = s["p_min"], s["p_max"]
    lnpmin, lnpmax = np.log(pmin), np.log(pmax)
    Tsub = TC - dT
    # saturation pressure spline
    Ts = np.linspace(Tlo, Tsub + 0.5, s["n_psat"])
    ps = np.asarray(CP.PropsSI("P", "T", Ts, "Q", np.zeros_like(Ts), "HEOS::CarbonDioxide"))
    psat = Hermite1D(Ts, np.log(ps))
    if not float(np.exp(psat(Tsub))) > PC - dp:
        raise RuntimeError("critical band too narrow: psat(Tc-dT) <= pc-dp")
    tables: dict[str, Table] = {}
    st = CP.AbstractState("HEOS", "CarbonDioxide")

    def make(name: str, xr_: tuple[float, float], yr: tuple[float, float]) -> Table:
        nx, ny = s["grids"][name]
        x0, ddx = _lin(*xr_, nx)
        y0, ddy = _lin(*yr, ny)
        return Table(name, x0, ddx, nx, y0, ddy, ny)

    xsub = (float(x_of_T(np.float64(Tlo))), float(x_of_T(np.float64(Tsub))))
    xsup = (float(x_of_T(np.float64(Tsub))), float(x_of_T(np.float64(Thi))))
    xmid = (float(x_of_T(np.float64(TC + dT))), float(x_of_T(np.float64(Thi))))
    # vapour and liquid in (x, y in [0,1])
    for name, imposed in (("vapour", CP.iphase_gas), ("liquid", CP.iphase_liquid)):
        t = make(name, xsub, (0.0, 1.0))
        X, Y = _grid(t)
        T = T_of_x(X)
        lps = psat(T)
        zlim = (lnpmin if name == "vapour" else lnpmax) - lps
        wz = s["wz"]
        lnp = lps + wz * np.sinh(Y * np.arcsinh(zlim / wz))
        vals = _nodes(np.exp(lnp), T, imposed, st)
        for k in PROPS:
            _fit(t, k, vals[k])
        tables[name] = t
    wz = s["wz"]
    t = make(
        "low",
        xsup,
        (float(np.arcsinh((lnpmin - LNPC) / wz)), float(np.arcsinh((np.log(PC - dp) - LNPC) / wz))),
    )
    X, Y = _grid(t)
    vals = _nodes(np.exp(LNPC + wz * np.sinh(Y)), T_of_x(X), None, st)
    for k in PROPS:
        _fit(t, k, vals[k])
    tables["low"] = t
    t = make(
        "high",
        xsup,
        (float(np.arcsinh(dp / s["wp"])), float(np.arcsinh((pmax - PC) / s["wp"]))),
    )
    X, Y = _grid(t)
    vals = _nodes(PC + s["wp"] * np.sinh(Y), T_of_x(X), None, st)
    for k in PROPS:
        _fit(t, k, vals[k])
    tables["high"] = t
    t = make("mid", xmid, (PC - dp, PC + dp))
    X, Y = _grid(t)
    vals = _nodes(Y, T_of_x(X), None, st)
    for k in PROPS:
        _fit(t, k, vals[k])
    tables["mid"] = t
    # saturation properties as functions of ln p (for the (p, h) and (p, s) inputs)
    psub = float(np.exp(psat(Tsub)))
    lp = np.linspace(np.log(CP.PropsSI("ptriple", "CO2")), np.log(psub), 1500)
    pp = np.exp(lp)
    sat: dict[str, Hermite1D] = {}
    for key, q, out in (
        ("T", 0, "T"),
        ("hL", 0, "Hmass"),
        ("hV", 1, "Hmass"),
        ("sL", 0, "Smass"),
        ("sV", 1, "Smass"),
        ("dL", 0, "Dmass"),
        ("dV", 1, "Dmass"),
    ):
        vals_ = np.asarray(
            CP.PropsSI(out, "P", pp, "Q", np.full_like(pp, q), "HEOS::CarbonDioxide")
        )
        sat[key] = Hermite1D(lp, vals_)
    return PureTables(tables, psat, Tsub, sat, (float(lp[0]), float(lp[-1])))


def _grid(t: Table) -> tuple[np.ndarray, np.ndarray]:
    xs = t.x0 + t.dx * np.arange(t.nx)
    ys = t.y0 + t.dy * np.arange(t.ny)
    return np.meshgrid(xs, ys, indexing="ij")


_lock = threading.Lock()
_pure: PureTables | None = None


def pure_tables() -> PureTables:
    """The pure-CO2 tables, built on first use (thread-safe) and kept in memory."""
    global _pure
    if _pure is None:
        with _lock:
            if _pure is None:
                _pure = _build_pure()
    return _pure


# ----------------------------------------------------------------------------- evaluation


def _y_of(
    name: str, p: np.ndarray, T: np.ndarray, pt: PureTables, lps: np.ndarray | None = None
) -> np.ndarray:
    s = SETTINGS
    if name == "vapour" or name == "liquid":
        if lps is None:
            lps = pt.psat(T)
        zlim = np.log(s["p_min"] if name == "vapour" else s["p_max"]) - lps
        wz = s["wz"]
        return np.arcsinh((np.log(p) - lps) / wz) / np.arcsinh(zlim / wz)
    if name == "low":
        return np.arcsinh((np.log(p) - LNPC) / s["wz"])
    if name == "high":
        return np.arcsinh((p - PC) / s["wp"])
    return p


def _regions(
    p: np.ndarray, T: np.ndarray, lnp: np.ndarray, lps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(region, sub, liq) from p, T, ln p and ln psat(T) (the latter used only where
    T <= Tc - dT). Region codes as in :func:`classify_pure`; NaN inputs give -1."""
    s = SETTINGS
    dT, dp = s["band_dT"], s["band_dp"]
    sub = T <= TC - dT
    liq = lnp >= lps
    # above Tc - dT: low (2) below pc - dp, high (3) above pc + dp, else mid (4) or band
    # (int8 arithmetic on the boolean masks, cheaper than a chain of np.where)
    sup = np.int8(4) - np.int8(2) * (p <= PC - dp).view(np.int8)
    sup -= (p >= PC + dp).view(np.int8)
    region = liq.view(np.int8) - sup  # region = liq where sub, else sup
    region *= sub.view(np.int8)
    region += sup
    inbox = (T >= s["T_min"]) & (T <= s["T_max"]) & (p >= s["p_min"]) & (p <= s["p_max"])
    exact = ~inbox
    exact |= (region == 4) & (T < TC + dT)  # the critical band
    np.copyto(region, np.int8(-1), where=exact)
    return region, sub, liq


def classify_pure(
    p: np.ndarray, T: np.ndarray, pt: PureTables, lps_out: np.ndarray | None = None
) -> np.ndarray:
    """Table index per state: 0 vapour, 1 liquid, 2 low, 3 high, 4 mid, -1 exact.

    If ``lps_out`` is given, ln psat(T) is written into it for subcritical states."""
    lps = pt.psat(np.minimum(T, TC - SETTINGS["band_dT"]))
    region, sub, _ = _regions(p, T, np.log(p), lps)
    if lps_out is not None:
        np.copyto(lps_out, lps, where=sub & (region >= 0))
    return region


def _locate(
    p: np.ndarray, T: np.ndarray, pt: PureTables
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Region, flat cell index and position (tx, ty) in the cell of each state.

    Branch-free over the five tables: every state gets its table's coordinate y by
    selection (np.where / copyto) and its table's grid parameters by a gather on the
    region code, so that there is no boolean indexing. States of region -1 get cell 0 and
    tx = ty = 0 (a finite, unused value)."""
    s = SETTINGS
    wz = s["wz"]
    lnp = np.log(p)
    lps = pt.psat(np.minimum(T, TC - s["band_dT"]))  # ln psat, used only where T <= Tc - dT
    region, sub, liq = _regions(p, T, lnp, lps)
    # y: vapour/liquid asinh((ln p - ln psat)/wz) / asinh((ln p_lim - ln psat)/wz);
    # low asinh((ln p - ln pc)/wz); high asinh((p - pc)/wp); mid p
    # (np.where on whole arrays is cheaper here than masked ufuncs or boolean indexing)
    arg = np.where(sub, lnp - lps, lnp - LNPC)
    arg *= 1.0 / wz
    arg = np.where(region == 3, (p - PC) * (1.0 / s["wp"]), arg)
    y = np.arcsinh(arg)
    lim = np.take(pt.geometry["lnp_lim"], liq.view(np.int8))  # ln p_min or ln p_max
    lim -= lps
    lim *= 1.0 / wz
    y = np.where(sub, y / np.arcsinh(lim), y)
    y = np.where(region == 4, p, y)
    x = np.arcsinh((T - TC) * (1.0 / s["wT"]))
    # cell indices and positions, in float arithmetic (exact for these integers)
    g = pt.geometry
    rr = np.maximum(region, 0).astype(np.intp)
    x -= np.take(g["x0"], rr)
    x *= np.take(g["idx"], rr)
    i = np.floor(x)
    np.clip(i, 0.0, np.take(g["imax"], rr), out=i)
    x -= i  # tx
    y -= np.take(g["y0"], rr)
    y *= np.take(g["idy"], rr)
    j = np.floor(y)
    np.clip(j, 0.0, np.take(g["jmax"], rr), out=j)
    y -= j  # ty
    i *= np.take(g["stride"], rr)
    i += j
    i += np.take(g["offset"], rr)
    exact = region < 0
    if exact.any():
        np.copyto(x, 0.0, where=exact)
        np.copyto(y, 0.0, where=exact)
        np.copyto(i, 0.0, where=exact)
    return region, i.astype(np.intp), x, y


def _bicubic(a: np.ndarray, tx: np.ndarray, ty: np.ndarray, nx: int = 0, ny: int = 0) -> np.ndarray:
    """sum_mn a[:, 4m + n] d^nx/dtx^nx d^ny/dty^ny (tx^m ty^n), by Horner in ty then tx.

    ``a`` is the (N, 16) gathered power-basis coefficients; ``nx``, ``ny`` in {0, 1} ask
    for a first derivative (in cell units) along x or y."""
    n = tx.size
    b = np.empty((4, n))
    fy = (1.0, 2.0, 3.0) if ny else (1.0, 1.0, 1.0)
    for m in range(4):
        r = b[m]
        if ny:  # d/dty: a1 + 2 a2 ty + 3 a3 ty^2
            np.multiply(a[:, 4 * m + 3], ty, out=r)
            r *= fy[2]
            r += fy[1] * a[:, 4 * m + 2]
            r *= ty
            r += a[:, 4 * m + 1]
        else:
            np.multiply(a[:, 4 * m + 3], ty, out=r)
            r += a[:, 4 * m + 2]
            r *= ty
            r += a[:, 4 * m + 1]
            r *= ty
            r += a[:, 4 * m]
    if nx:  # d/dtx: b1 + 2 b2 tx + 3 b3 tx^2
        v = b[3] * tx
        v *= 3.0
        v += 2.0 * b[2]
        v *= tx
        v += b[1]
        return v
    v = b[3] * tx
    v += b[2]
    v *= tx
    v += b[1]
    v *= tx
    v += b[0]
    return v


def _eval_pure_chunk(
    props: tuple[str, ...],
    p: np.ndarray,
    T: np.ndarray,
    pt: PureTables,
    out: dict[str, np.ndarray],
    der: dict[str, np.ndarray],
) -> np.ndarray:
    """Values (and d/dT at constant p if ``der`` has keys) of ``props`` written into
    ``out`` (and ``der``); returns the region codes. The cell location is shared by all
    properties."""
    region, cell, tx, ty = _locate(p, T, pt)
    exact = region < 0
    if der:
        g = pt.geometry
        rr = np.maximum(region, 0)
        dxdT = 1.0 / np.sqrt(SETTINGS["wT"] ** 2 + (T - TC) ** 2) / g["dx"][rr]
        dydT = np.zeros(p.shape)
        for r, name in enumerate(_NAMES[:2]):
            m = region == r
            if m.any():
                # y depends on T through psat(T): d y / d T at constant p, central difference
                h = 1e-4
                ps, Ts = p[m], T[m]
                dydT[m] = (_y_of(name, ps, Ts + h, pt) - _y_of(name, ps, Ts - h, pt)) / (2 * h)
        dydT /= g["dy"][rr]
    for key in props:
        a = np.take(pt.coefficients(key), cell, axis=0)
        v = out[key]
        v[...] = _bicubic(a, tx, ty)
        if key in LOG_PROPS:
            np.exp(v, out=v)
        if key in der:
            dv = der[key]
            dv[...] = _bicubic(a, tx, ty, nx=1) * dxdT
            dv += _bicubic(a, tx, ty, ny=1) * dydT
            if key in LOG_PROPS:
                dv *= v
            np.copyto(dv, np.nan, where=exact)
        np.copyto(v, np.nan, where=exact)
    return region


def _eval_pure_pT(
    props: tuple[str, ...], p: np.ndarray, T: np.ndarray, want_dT: bool = False
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Values (and d/dT at constant p if asked) of ``props`` at (p, T); region -1 -> NaN.

    Processed in chunks of :data:`CHUNK` states; within a chunk, each state's cell is
    located in its own table (the five tables are concatenated, so a single gather per
    property serves every state) and the location is shared by all ``props``."""
    pt = pure_tables()
    p = np.asarray(p, dtype=float)
    T = np.asarray(T, dtype=float)
    n = p.size
    out = {k: np.empty(n) for k in props}
    der = {k: np.empty(n) for k in props} if want_dT else {}
    region = np.empty(n, dtype=np.int8)
    for s in range(0, n, CHUNK):
        e = min(s + CHUNK, n)
        region[s:e] = _eval_pure_chunk(
            props,
            p[s:e],
            T[s:e],
            pt,
            {k: v[s:e] for k, v in out.items()},
            {k: v[s:e] for k, v in der.items()},
        )
    return out, der, region


def pure_phase(p: np.ndarray, T: np.ndarray, region: np.ndarray) -> np.ndarray:
    """CoolProp ``iphase`` codes for single-phase states from the (p, T) position."""
    ph = np.where(
        T > TC,
        np.where(p > PC, 1, 2),
        np.where(p > PC, 3, np.where(region == 0, 5, np.where(region == 2, 5, 0))),
    )
    return ph.astype(float)


# --------------------------------------------------------------------- (p, h) and (p, s)


def _solve_T(
    key: str, p: np.ndarray, target: np.ndarray, T0: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bracketed Newton for T with f(p, T) = target along an isobar; (T, converged)."""
    T = np.clip(T0, lo, hi)
    conv = np.zeros(p.shape, dtype=bool)
    act = np.arange(p.size)
    for _ in range(30):
        if act.size == 0:
            break
        vals, ders, region = _eval_pure_pT((key,), p[act], T[act], want_dT=True)
        f = vals[key] - target[act]
        d = ders[key]
        bad = (region < 0) | ~np.isfinite(f)
        # keep the bracket
        pos = f > 0
        hi[act] = np.where(pos & ~bad, T[act], hi[act])
        lo[act] = np.where(~pos & ~bad, T[act], lo[act])
        step = f / d
        Tn = T[act] - step
        out = ~np.isfinite(Tn) | (Tn <= lo[act]) | (Tn >= hi[act])
        Tn = np.where(out, 0.5 * (lo[act] + hi[act]), Tn)
        scale = np.abs(target[act]) + 1.0
        small = np.abs(f) <= 1e-11 * scale
        done = small | (np.abs(Tn - T[act]) < 1e-9)
        T[act] = np.where(small, T[act], Tn)
        conv[act[done & ~bad]] = True
        act = act[~done & ~bad]
    return T, conv


def _eval_pure_px(
    prop: str, pair: str, p: np.ndarray, val: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pure CO2 at (p, h) or (p, s); returns (values, done)."""
    pt = pure_tables()
    s = SETTINGS
    key = "enthalpy" if pair == "PH" else "entropy"
    kL, kV = ("hL", "hV") if pair == "PH" else ("sL", "sV")
    n = p.size
    out = np.full(n, np.nan)
    done = np.zeros(n, dtype=bool)
    lnp = np.log(np.maximum(p, 1e-300))
    insat = (lnp >= pt.lnp_sat[0]) & (lnp <= pt.lnp_sat[1])
    Tsat = np.where(insat, pt.sat["T"](np.where(insat, lnp, pt.lnp_sat[0])), np.nan)
    xL = np.where(insat, pt.sat[kL](lnp), np.nan)
    xV = np.where(insat, pt.sat[kV](lnp), np.nan)
    two = insat & (val > xL) & (val < xV)
    # two-phase: lever rule on the saturation splines
    if np.any(two):
        q = (val[two] - xL[two]) / (xV[two] - xL[two])
        lt = lnp[two]
        if prop == "temperature":
            r = Tsat[two]
        elif prop == "density":
            r = 1.0 / (q / pt.sat["dV"](lt) + (1 - q) / pt.sat["dL"](lt))
        elif prop == "enthalpy":
            r = pt.sat["hL"](lt) + q * (pt.sat["hV"](lt) - pt.sat["hL"](lt))
        elif prop == "entropy":
            r = pt.sat["sL"](lt) + q * (pt.sat["sV"](lt) - pt.sat["sL"](lt))
        else:
            r = np.full(lt.shape, np.nan)
        ok2 = np.isfinite(r)
        idx = np.flatnonzero(two)[ok2]
        out[idx] = r[ok2]
        done[idx] = True
    # single phase: bracketed Newton in T on the table
    one = ~two & (p >= s["p_min"]) & (p <= s["p_max"])
    sel = np.flatnonzero(one)
    if sel.size:
        ps = p[sel]
        lo = np.full(sel.size, s["T_min"])
        hi = np.full(sel.size, s["T_max"])
        liq = insat[sel] & (val[sel] <= xL[sel])
        vap = insat[sel] & (val[sel] >= xV[sel])
        hi = np.where(liq, Tsat[sel], hi)
        lo = np.where(vap, Tsat[sel], lo)
        # initial guess: ideal-ish linear guess inside the bracket
        T0 = np.where(liq, hi - 5.0, np.where(vap, lo + 5.0, 0.5 * (lo + hi)))
        # bracket check: the target must lie between f(lo) and f(hi)
        Tfin, conv = _solve_T(key, ps, val[sel].copy(), T0, lo.copy(), hi.copy())
        if prop == "temperature":
            r = Tfin
        else:
            r = _eval_pure_pT((prop,), ps, Tfin)[0][prop]
        # the state found must be in a table region (not in the critical band) and consistent
        region = classify_pure(ps, Tfin, pt)
        good = conv & (region >= 0) & np.isfinite(r)
        if liq.any() or vap.any():
            good &= ~((liq & (region == 0)) | (vap & (region == 1)))
        idx = sel[good]
        out[idx] = r[good]
        done[idx] = True
    return out, done


# ------------------------------------------------------------------------------ mixtures


@dataclass
class MixTable:
    table: Table
    phase: np.ndarray  # (nx*ny,) int phase code per node, -1 failed


def _build_mixture(species: tuple[str, ...], x: tuple[float, ...]) -> MixTable:
    from ccus.properties import SPECIES

    s = SETTINGS
    nx, ny = s["mixture_grid"]
    x0, ddx = _lin(float(x_of_T(np.float64(s["T_min"]))), float(x_of_T(np.float64(s["T_max"]))), nx)
    y0, ddy = _lin(float(np.log(s["p_min"])), float(np.log(s["p_max"])), ny)
    t = Table("mixture", x0, ddx, nx, y0, ddy, ny)
    X, Y = _grid(t)
    P, T = np.exp(Y).ravel(), T_of_x(X).ravel()
    st = CP.AbstractState("HEOS", "&".join(SPECIES[k] for k in species))
    st.set_mole_fractions(list(x))
    vals = {k: np.full(P.size, np.nan) for k in PROPS}
    phase = np.full(P.size, -1, dtype=np.int8)
    inside = _inside_envelope(st, T, P)
    if inside is None:  # no phase envelope: no table, every state goes to the exact path
        return MixTable(t, phase.reshape(-1))
    try:
        for n in range(P.size):
            if inside[n] == 2:
                phase[n] = CP.iphase_twophase
                continue
            # single-phase density solve on the known side, without CoolProp's (slow)
            # stability analysis
            st.specify_phase(CP.iphase_gas if inside[n] == 0 else CP.iphase_liquid)
            try:
                st.update(CP.PT_INPUTS, float(P[n]), float(T[n]))
                row = {k: _GETTERS[k](st) for k in PROPS}
            except ValueError:
                continue
            if all(np.isfinite(v) and (k not in LOG_PROPS or v > 0) for k, v in row.items()):
                for k, v in row.items():
                    vals[k][n] = v
                phase[n] = 1  # single phase
    finally:
        st.unspecify_phase()
    # fill failed nodes for the spline fit only (cells touching them are never used)
    good = phase.reshape(nx, ny) >= 0
    good &= phase.reshape(nx, ny) != CP.iphase_twophase
    for k in PROPS:
        node = vals[k].reshape(nx, ny)
        if not good.all():
            node = _fill(node, good)
        _fit(t, k, node)
    return MixTable(t, phase)


@functools.lru_cache(maxsize=int(SETTINGS["mixture_cache"]))
def _envelope_state(species: tuple[str, ...], x: tuple[float, ...]) -> Any:
    from ccus.properties import SPECIES

    st = CP.AbstractState("HEOS", "&".join(SPECIES[k] for k in species))
    st.set_mole_fractions(list(x))
    st.build_phase_envelope("")
    return st


def envelope_side(comp: Any, T: np.ndarray, P: np.ndarray) -> np.ndarray | None:
    """Side of the phase envelope per state (0 vapour, 1 liquid/dense, 2 inside), or None."""
    try:
        st = _envelope_state(*comp)
    except ValueError:
        return None
    return _inside_envelope(st, np.asarray(T, dtype=float), np.asarray(P, dtype=float), True)


def _inside_envelope(
    st: Any, T: np.ndarray, P: np.ndarray, built: bool = False
) -> np.ndarray | None:
    """Side of the mixture's phase envelope of each (T, p): 0 vapour side, 1 liquid or
    dense side, 2 inside (two-phase). The envelope is CoolProp's traced dew and bubble
    lines, cut where the bubble branch leaves the box below T_min; inside is decided by the
    even-odd rule in (T, ln p). None if CoolProp cannot trace the envelope."""
    try:
        if not built:
            st.build_phase_envelope("")
        pe = st.get_phase_envelope_data()
    except ValueError:
        return None
    Te = np.asarray(pe.T, dtype=float)
    pe_ = np.asarray(pe.p, dtype=float)
    if Te.size < 4:
        return None
    # cricondentherm within the box's pressures (CoolProp's trace may continue into a
    # liquid-liquid branch at GPa pressures, which is outside the box and ignored)
    k = int(np.argmax(np.where(pe_ <= SETTINGS["p_max"], Te, -np.inf)))
    after = np.flatnonzero(Te[k:] < SETTINGS["T_min"] - 1.0)
    end = k + int(after[0]) + 1 if after.size else Te.size
    Te, le = Te[:end], np.log(pe_[:end])
    Tc_ = np.r_[Te, Te[0]]
    lc = np.r_[le, le[0]]
    lp = np.log(P)
    inside = np.zeros(T.shape, dtype=bool)
    lowest = np.full(T.shape, np.inf)  # lowest envelope pressure at T (the dew line)
    for i in range(Tc_.size - 1):
        T1, T2, l1, l2 = Tc_[i], Tc_[i + 1], lc[i], lc[i + 1]
        if T1 == T2:
            continue
        cross = (T >= min(T1, T2)) & (T < max(T1, T2))
        lcross = l1 + (T - T1) * (l2 - l1) / (T2 - T1)
        inside ^= cross & (lp < lcross)
        lowest = np.where(cross, np.minimum(lowest, lcross), lowest)
    # vapour side: below the dew line, or beyond the cricondentherm below its pressure
    vapour = np.where(np.isfinite(lowest), lp < lowest, lp < le[k])
    return np.where(inside, 2, np.where(vapour, 0, 1)).astype(np.int8)


def _fill(v: np.ndarray, good: np.ndarray) -> np.ndarray:
    """Fill bad nodes with the nearest good node along y (then x), only to keep the spline
    finite; interpolation never uses a cell with a bad corner."""
    out = v.copy()
    for i in range(v.shape[0]):
        g = np.flatnonzero(good[i])
        if g.size:
            j = np.arange(v.shape[1])
            nearest = g[np.clip(np.searchsorted(g, j), 0, g.size - 1)]
            out[i, ~good[i]] = v[i, nearest[~good[i]]]
    rows = np.flatnonzero(good.any(axis=1))
    if rows.size == 0:
        return np.ones_like(v)
    for i in range(v.shape[0]):
        if not good[i].any():
            out[i] = out[rows[np.argmin(np.abs(rows - i))]]
    return out


@functools.lru_cache(maxsize=int(SETTINGS["mixture_cache"]))
def mixture_table(species: tuple[str, ...], x: tuple[float, ...]) -> MixTable:
    """Per-composition table, built lazily and cached (LRU)."""
    return _build_mixture(species, x)


def _eval_mixture_pT(
    prop: str, p: np.ndarray, T: np.ndarray, comp: tuple[tuple[str, ...], tuple[float, ...]]
) -> tuple[np.ndarray, np.ndarray]:
    s = SETTINGS
    mt = mixture_table(*comp)
    t = mt.table
    n = p.size
    out = np.full(n, np.nan)
    inbox = (T >= s["T_min"]) & (T <= s["T_max"]) & (p >= s["p_min"]) & (p <= s["p_max"])
    sel = np.flatnonzero(inbox)
    if sel.size == 0:
        return out, np.zeros(n, dtype=bool)
    x = x_of_T(T[sel])
    y = np.log(p[sel])
    idx, tx, ty = t.cells(x, y)
    ph = mt.phase[idx]  # (N, 4)
    # 16-node neighbourhood: the Hermite derivatives at the corners come from the spline,
    # which is only trustworthy if the neighbouring nodes are of the same phase too
    i0 = idx[:, 0] // t.ny
    j0 = idx[:, 0] % t.ny
    ok = (ph[:, 0] >= 0) & (ph[:, 0] != CP.iphase_twophase)
    ph2 = mt.phase.reshape(t.nx, t.ny)
    for di in (-1, 0, 1, 2):
        for dj in (-1, 0, 1, 2):
            ii = np.clip(i0 + di, 0, t.nx - 1)
            jj = np.clip(j0 + dj, 0, t.ny - 1)
            ok &= ph2[ii, jj] == ph[:, 0]
    if prop == "phase":  # phase labels of mixtures come from the exact path
        return out, np.zeros(n, dtype=bool)
    if not ok.any() or prop not in t.data:
        # No usable cell (e.g. CoolProp traced no phase envelope, so no table was built):
        # every state goes to the exact path.
        return out, np.zeros(n, dtype=bool)
    w = t.weights(tx[ok], ty[ok])
    v = t.interp(prop, idx[ok], w)
    out[sel[ok]] = np.exp(v) if prop in LOG_PROPS else v
    done = np.zeros(n, dtype=bool)
    done[sel[ok]] = True
    return out, done


# --------------------------------------------------------------------------- entry point


def evaluate(
    prop: str, pair: str, a: np.ndarray, b: np.ndarray, comp: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fast path: (values, done mask, flags); states not done go to the exact path."""
    n = a.shape[0]
    flags = np.zeros(n, dtype=np.int32)
    if n == 0:
        return np.empty(0), np.zeros(0, dtype=bool), flags
    if comp is not None:
        if pair != "PT":
            return np.full(n, np.nan), np.zeros(n, dtype=bool), flags
        v, done = _eval_mixture_pT(prop, a, b, comp)
        return v, done, flags
    if pair == "PT":
        if prop == "phase":
            region = classify_pure(a, b, pure_tables())
            v = pure_phase(a, b, region)
            return v, region >= 0, flags
        vals, _, region = _eval_pure_pT((prop,), a, b)
        return vals[prop], region >= 0, flags
    if prop == "phase":
        return np.full(n, np.nan), np.zeros(n, dtype=bool), flags
    v, done = _eval_pure_px(prop, pair, a, b)
    return v, done, flags


def settings() -> dict[str, Any]:
    """Fast-path table settings and measured error bounds, for provenance."""
    s = dict(SETTINGS)
    s["grids"] = {k: list(v) for k, v in SETTINGS["grids"].items()}
    s["mixture_grid"] = list(SETTINGS["mixture_grid"])
    s["critical_band"] = (
        f"|T - {TC:.4f} K| < {SETTINGS['band_dT']} K and "
        f"|p - {PC:.0f} Pa| < {SETTINGS['band_dp']:.0f} Pa: exact CoolProp HEOS"
    )
    s["interpolation"] = "bicubic Hermite, node derivatives from an interpolating spline"
    s["measured_max_errors"] = dict(MEASURED)
    return s

"""Steady CO2 pipeline hydraulics by segments: friction, elevation, ground heat exchange,
booster stations, phase checks, line-pack inventory and minimum-diameter sizing.

The line is marched segment by segment (a loop over the ~100 segments) with numpy arrays
over time inside, so decades of hourly data go through in one pass. Fluid properties come
from :mod:`ccus.properties` at every segment (``method="fast"`` for long series).

References
----------
.. [1] Clamond, D. (2009). Efficient resolution of the Colebrook equation. Ind. Eng. Chem.
   Res. 48(7), 3665-3671. doi:10.1021/ie801626g. Also implemented in the `fluids` library
   (Bell, C. et al., fluids.friction.Clamond), used here as the cross-check.
.. [2] Haaland, S. E. (1983). Simple and explicit formulas for the friction factor in
   turbulent pipe flow. J. Fluids Eng. 105(1), 89-90, eq. (8).
.. [3] McCoy, S. T. and Rubin, E. S. (2008). An engineering-economic model of pipeline
   transport of CO2 with application to carbon capture and storage. IJGGC 2(2), 219-229;
   and NETL (2014), FE/NETL CO2 Transport Cost Model: Description and User's Manual,
   DOE/NETL-2014/1660 (diameter equation, ccus-anchors.md section 12.1 [V, code]).
.. [4] Span, R. and Wagner, W. (1996). J. Phys. Chem. Ref. Data 25(6), 1509-1596:
   critical and triple point (Table 3) and the vapour-pressure ancillary eq. (3.13).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ccus.compression import _check_composition, _props, pump_work
from ccus.errors import CCUSInputError

__all__ = [
    "T_CRITICAL",
    "P_CRITICAL",
    "T_TRIPLE",
    "P_TRIPLE",
    "G_STANDARD",
    "FRICTION_VALIDITY",
    "DensePhaseWarning",
    "DensePhaseError",
    "PipelinePressureError",
    "saturation_pressure",
    "friction_factor_clamond",
    "friction_factor_haaland",
    "darcy_friction_factor",
    "frictional_pressure_drop",
    "hydrostatic_pressure_change",
    "ground_heat_exchange_temperature",
    "dense_phase_limit_pressure",
    "Booster",
    "Pipeline",
    "PipelineResult",
    "march",
    "minimum_inner_diameter",
]

FloatArray = NDArray[np.float64]

#: Critical temperature of CO2, Span & Wagner (1996) Table 3. [K]
T_CRITICAL = 304.1282
#: Critical pressure of CO2, Span & Wagner (1996) Table 3. [Pa]
P_CRITICAL = 7.3773e6
#: Triple-point temperature of CO2, Span & Wagner (1996) Table 3. [K]
T_TRIPLE = 216.592
#: Triple-point pressure of CO2, Span & Wagner (1996) Table 3. [Pa]
P_TRIPLE = 0.51795e6
#: Standard acceleration of gravity (CGPM 1901). [m/s2]
G_STANDARD = 9.80665

#: Validity ranges of the friction-factor correlations (data next to the functions):
#: Reynolds number and relative roughness eps/D. Below Re = 2300 the flow is laminar and
#: f = 64/Re is used whatever the correlation; the turbulent correlation is applied from
#: Re = 2300 (the transitional band 2300-4000 is an extrapolation of Colebrook, stated).
FRICTION_VALIDITY: dict[str, dict[str, tuple[float, float]]] = {
    # Clamond (2009): solves Colebrook to ~1e-9 relative for 10 < Re < 1e12 and 0 <= eD <= 0.01
    # (and beyond), as stated in [1] and in fluids.friction.Clamond.
    "clamond": {"Re": (10.0, 1e12), "eD": (0.0, 0.05)},
    # Haaland (1983): stated accuracy +-1.5 % for 4e3 <= Re <= 1e8, 1e-6 <= eD <= 0.05.
    "haaland": {"Re": (2300.0, 1e8), "eD": (0.0, 0.05)},
}

_RE_LAMINAR = 2300.0


class DensePhaseWarning(UserWarning):
    """The pipeline state leaves the single-phase dense region (warn mode)."""


class DensePhaseError(CCUSInputError):
    """The pipeline state leaves the single-phase dense region (raise mode)."""


class PipelinePressureError(CCUSInputError):
    """The pressure along the line would fall to or below the triple-point pressure."""


def _first_index(mask: NDArray[np.bool_]) -> int:
    return int(np.argmax(mask.ravel()))


def saturation_pressure(T: ArrayLike) -> FloatArray:
    """Vapour pressure of pure CO2 from the Span-Wagner ancillary equation.

    Parameters
    ----------
    T : array_like
        Temperature, T_TRIPLE <= T <= T_CRITICAL. [K]

    Returns
    -------
    numpy.ndarray
        Saturation pressure. [Pa]

    Notes
    -----
    .. math:: \\ln\\frac{p_s}{p_c} = \\frac{T_c}{T} \\sum_{i=1}^4 a_i (1 - T/T_c)^{t_i}

    with a = (-7.0602087, 1.9391218, -1.6463597, -3.2995634) and t = (1, 1.5, 2, 4),
    eq. (3.13) of Span & Wagner (1996) [4]_; its stated uncertainty is below the
    equation of state's own; checked against CoolProp HEOS in the tests.
    """
    Ta = np.asarray(T, dtype=float)
    bad = (Ta < T_TRIPLE - 1e-9) | (Ta > T_CRITICAL + 1e-9) | np.isnan(Ta)
    if np.any(bad):
        i = _first_index(bad)
        raise CCUSInputError(
            f"saturation_pressure: T must be within [{T_TRIPLE}, {T_CRITICAL}] K; "
            f"got {Ta.ravel()[i]} at flat index {i}"
        )
    tau = 1.0 - Ta / T_CRITICAL
    s = -7.0602087 * tau + 1.9391218 * tau**1.5 - 1.6463597 * tau**2 - 3.2995634 * tau**4
    return np.asarray(P_CRITICAL * np.exp(T_CRITICAL / Ta * s))


def _check_range(x: FloatArray, name: str, lo: float, hi: float, corr: str) -> None:
    bad = (x < lo) | (x > hi)
    if np.any(bad):
        i = _first_index(bad)
        raise CCUSInputError(
            f"{name} = {x.ravel()[i]:.6g} at flat index {i} is outside the validity range "
            f"[{lo:g}, {hi:g}] of the {corr} friction factor"
        )


def friction_factor_clamond(Re: ArrayLike, eD: ArrayLike) -> FloatArray:
    """Darcy friction factor from the Colebrook equation, solved by Clamond's algorithm.

    Parameters
    ----------
    Re : array_like
        Reynolds number, > 10. [-]
    eD : array_like
        Relative roughness eps/D. [-]

    Returns
    -------
    numpy.ndarray
        Darcy friction factor. [-]

    Notes
    -----
    Colebrook: :math:`1/\\sqrt{f} = -2\\log_{10}(\\varepsilon/(3.7D) + 2.51/(Re\\sqrt f))`,
    solved with the two-step quartic iteration of Clamond (2009) [1]_ (accurate to
    ~1e-9 relative), written here on numpy arrays; cross-checked against
    ``fluids.friction.Clamond`` in the tests.
    """
    R = np.asarray(Re, dtype=float)
    K = np.asarray(eD, dtype=float)
    _check_range(R, "Re", *FRICTION_VALIDITY["clamond"]["Re"], "Clamond/Colebrook")
    _check_range(K, "eD", *FRICTION_VALIDITY["clamond"]["eD"], "Clamond/Colebrook")
    x1 = K * R * 0.12396818633541755  # ln(10)/18.574
    x2 = np.log(R) - 0.7793974884556819  # ln(ln(10)/5.02)
    F = x2 - 0.2
    x1f = x1 + F
    x1f1 = 1.0 + x1f
    E = (np.log(x1f) - 0.2) / x1f1
    F = F - (x1f1 + 0.5 * E) * E * x1f / (x1f1 + E * (1.0 + E / 3.0))
    x1f = x1 + F
    x1f1 = 1.0 + x1f
    E = (np.log(x1f) + F - x2) / x1f1
    F = F - (x1f1 + 0.5 * E) * E * x1f / (x1f1 + E * (1.0 + E / 3.0))
    F = 1.1512925464970229 / F  # ln(10)/2
    return np.asarray(F * F)


def friction_factor_haaland(Re: ArrayLike, eD: ArrayLike) -> FloatArray:
    """Darcy friction factor from Haaland's explicit formula.

    Parameters
    ----------
    Re : array_like
        Reynolds number. [-]
    eD : array_like
        Relative roughness eps/D. [-]

    Returns
    -------
    numpy.ndarray
        Darcy friction factor. [-]

    Notes
    -----
    .. math:: \\frac{1}{\\sqrt{f}} = -1.8 \\log_{10}\\left[\\frac{6.9}{Re}
              + \\left(\\frac{\\varepsilon/D}{3.7}\\right)^{1.11}\\right]

    Eq. (8) of Haaland (1983) [2]_; the form used by McCollum & Ogden (2006) and the
    NETL CO2 transport model (with 6.91).
    """
    R = np.asarray(Re, dtype=float)
    K = np.asarray(eD, dtype=float)
    _check_range(R, "Re", *FRICTION_VALIDITY["haaland"]["Re"], "Haaland")
    _check_range(K, "eD", *FRICTION_VALIDITY["haaland"]["eD"], "Haaland")
    return np.asarray((-1.8 * np.log10(6.9 / R + (K / 3.7) ** 1.11)) ** -2.0)


def darcy_friction_factor(Re: ArrayLike, eD: ArrayLike, method: str = "clamond") -> FloatArray:
    """Darcy friction factor for laminar and turbulent flow.

    Parameters
    ----------
    Re : array_like
        Reynolds number, >= 0 (0 for no flow, where the factor is returned as 0). [-]
    eD : array_like
        Relative roughness eps/D. [-]
    method : {"clamond", "haaland"}
        Turbulent correlation.

    Returns
    -------
    numpy.ndarray
        Darcy friction factor (0 where Re = 0). [-]

    Notes
    -----
    :math:`f = 64/Re` for Re < 2300 (Hagen-Poiseuille), otherwise the turbulent
    correlation (:func:`friction_factor_clamond` or :func:`friction_factor_haaland`).
    """
    R, K = np.broadcast_arrays(np.asarray(Re, dtype=float), np.asarray(eD, dtype=float))
    if np.any(R < 0) or np.any(np.isnan(R)):
        i = _first_index((R < 0) | np.isnan(R))
        raise CCUSInputError(f"Re must be >= 0; got {R.ravel()[i]} at flat index {i}")
    turb = R >= _RE_LAMINAR
    f = np.zeros(R.shape)
    lam = (~turb) & (R > 0)
    f[lam] = 64.0 / R[lam]
    if np.any(turb):
        if method == "clamond":
            f[turb] = friction_factor_clamond(R[turb], K[turb])
        elif method == "haaland":
            f[turb] = friction_factor_haaland(R[turb], K[turb])
        else:
            raise CCUSInputError(f"friction method must be 'clamond' or 'haaland'; got {method!r}")
    return f


def frictional_pressure_drop(
    f: ArrayLike, length: ArrayLike, diameter: ArrayLike, mass_flux: ArrayLike, rho: ArrayLike
) -> FloatArray:
    """Darcy-Weisbach frictional pressure drop.

    Parameters
    ----------
    f : array_like
        Darcy friction factor. [-]
    length : array_like
        Pipe length. [m]
    diameter : array_like
        Inner diameter. [m]
    mass_flux : array_like
        Mass flux G = mdot / A. [kg/(m2 s)]
    rho : array_like
        Density. [kg/m3]

    Returns
    -------
    numpy.ndarray
        Pressure drop, positive in the flow direction. [Pa]

    Notes
    -----
    .. math:: \\Delta p_f = f \\frac{L}{D} \\frac{G^2}{2\\rho} = f\\frac{L}{D}\\frac{\\rho v^2}{2}
    """
    G = np.asarray(mass_flux, dtype=float)
    return np.asarray(
        np.asarray(f) * np.asarray(length) / np.asarray(diameter) * G * G / (2.0 * np.asarray(rho))
    )


def hydrostatic_pressure_change(rho: ArrayLike, dz: ArrayLike, g: float = G_STANDARD) -> FloatArray:
    """Pressure loss from an elevation gain.

    Parameters
    ----------
    rho : array_like
        Density. [kg/m3]
    dz : array_like
        Elevation gain, outlet minus inlet. [m]
    g : float
        Acceleration of gravity. [m/s2]

    Returns
    -------
    numpy.ndarray
        Pressure drop (positive for an uphill segment). [Pa]

    Notes
    -----
    :math:`\\Delta p_g = \\rho g \\Delta z`.
    """
    return np.asarray(np.asarray(rho, dtype=float) * g * np.asarray(dz, dtype=float))


def ground_heat_exchange_temperature(
    T_in: ArrayLike,
    T_ground: ArrayLike,
    U: ArrayLike,
    diameter: ArrayLike,
    length: ArrayLike,
    mass_flow: ArrayLike,
    cp: ArrayLike,
) -> FloatArray:
    """Outlet temperature of a buried segment exchanging heat with the ground.

    Parameters
    ----------
    T_in : array_like
        Inlet temperature. [K]
    T_ground : array_like
        Undisturbed ground (or sea) temperature. [K]
    U : array_like
        Overall heat transfer coefficient referred to the inner surface. [W/(m2 K)]
    diameter : array_like
        Inner diameter. [m]
    length : array_like
        Segment length. [m]
    mass_flow : array_like
        Mass flow, >= 0; at zero flow the outlet is at ground temperature. [kg/s]
    cp : array_like
        Isobaric heat capacity of the fluid. [J/(kg K)]

    Returns
    -------
    numpy.ndarray
        Outlet temperature. [K]

    Notes
    -----
    Steady energy balance with constant cp, ignoring Joule-Thomson and friction heating:

    .. math:: T_{out} = T_g + (T_{in} - T_g)\\exp\\left(-\\frac{U \\pi D L}{\\dot m c_p}\\right)

    the classical exponential approach of a fluid to the wall temperature (e.g. Incropera
    et al., Fundamentals of Heat and Mass Transfer, 6th ed., eq. 8.46b, with UA for hA).
    """
    m = np.asarray(mass_flow, dtype=float)
    ua = np.asarray(U, dtype=float) * np.pi * np.asarray(diameter) * np.asarray(length)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ntu = np.where(m > 0, ua / (m * np.asarray(cp, dtype=float)), np.inf)
        decay = np.where(ua > 0, np.exp(-ntu), 1.0)
    Tg = np.asarray(T_ground, dtype=float)
    return np.asarray(Tg + (np.asarray(T_in, dtype=float) - Tg) * decay)


def dense_phase_limit_pressure(
    T: ArrayLike,
    *,
    critical_band: float = 2.0,
    min_pressure: float | None = None,
) -> FloatArray:
    """Lowest pressure at which the stream is single-phase dense (liquid or supercritical).

    Parameters
    ----------
    T : array_like
        Temperature. [K]
    critical_band : float
        Below the critical temperature by less than this, the critical pressure applies
        (the near-critical region where density is very sensitive). [K]
    min_pressure : float, optional
        Stream-specific floor, e.g. the cricondenbar of an impure stream. [Pa]

    Returns
    -------
    numpy.ndarray
        Limit pressure. [Pa]

    Notes
    -----
    :math:`p_{lim} = p_s(T)` for :math:`T < T_c - \\Delta T_{band}`, :math:`p_c` otherwise,
    and :math:`\\max(p_{lim}, p_{min})` when a floor is given. A design criterion, not a
    published equation: pipelines are operated above the critical pressure or the
    saturation (bubble) line with a margin the caller states.
    """
    Ta = np.asarray(T, dtype=float)
    near = Ta >= T_CRITICAL - critical_band
    psat = saturation_pressure(np.clip(Ta, T_TRIPLE, T_CRITICAL))
    lim = np.where(near, P_CRITICAL, psat)
    if min_pressure is not None:
        lim = np.maximum(lim, min_pressure)
    return np.asarray(lim)


@dataclass(frozen=True)
class Booster:
    """A booster (pump) station at a node of the line.

    Attributes
    ----------
    chainage : float
        Distance from the inlet; must coincide with a segment boundary. [m]
    outlet_pressure : float, optional
        Discharge set-point: the station boosts up to it (no work when already above). [Pa]
    pressure_rise : float, optional
        Fixed pressure rise instead of a set-point. [Pa]
    eta : float
        Pump efficiency. [-]
    """

    chainage: float
    outlet_pressure: float | None = None
    pressure_rise: float | None = None
    eta: float = 0.75

    def __post_init__(self) -> None:
        if (self.outlet_pressure is None) == (self.pressure_rise is None):
            raise CCUSInputError(
                f"Booster at {self.chainage} m: give exactly one of outlet_pressure or "
                "pressure_rise"
            )
        if not 0.0 < self.eta <= 1.0:
            raise CCUSInputError(f"Booster at {self.chainage} m: eta must be in (0, 1]")


@dataclass(frozen=True)
class Pipeline:
    """Geometry and surroundings of a pipeline divided into segments.

    Attributes
    ----------
    lengths : numpy.ndarray
        Length of each segment, shape (n,). [m]
    elevations : numpy.ndarray
        Elevation of each node (segment boundary), shape (n + 1,). [m]
    diameter : numpy.ndarray
        Inner diameter of each segment, shape (n,). [m]
    roughness : float
        Absolute wall roughness. [m]
    U : numpy.ndarray
        Overall heat transfer coefficient of each segment (inner surface). [W/(m2 K)]
    ground_temperature : numpy.ndarray
        Ground temperature along each segment. [K]
    boosters : tuple of Booster
        Booster stations.
    """

    lengths: FloatArray
    elevations: FloatArray
    diameter: FloatArray
    roughness: float = 4.57e-5
    U: FloatArray = field(default_factory=lambda: np.zeros(1))
    ground_temperature: FloatArray = field(default_factory=lambda: np.full(1, 288.15))
    boosters: tuple[Booster, ...] = ()

    def __post_init__(self) -> None:
        L = np.atleast_1d(np.asarray(self.lengths, dtype=float))
        n = L.size
        object.__setattr__(self, "lengths", L)
        z = np.asarray(self.elevations, dtype=float)
        if z.shape != (n + 1,):
            raise CCUSInputError(f"elevations must have n_segments + 1 = {n + 1} values")
        object.__setattr__(self, "elevations", z)
        for name in ("diameter", "U", "ground_temperature"):
            a = np.broadcast_to(np.asarray(getattr(self, name), dtype=float), (n,)).copy()
            object.__setattr__(self, name, a)
        for name, arr in (
            ("lengths", L),
            ("elevations", z),
            ("diameter", self.diameter),
            ("U", self.U),
            ("ground_temperature", self.ground_temperature),
        ):
            bad = ~np.isfinite(arr)
            if np.any(bad):
                raise CCUSInputError(
                    f"{name} is not finite (NaN or inf) at index {_first_index(bad)}"
                )
        if np.any(~(L > 0)):
            raise CCUSInputError(f"segment lengths must be > 0 m; segment {_first_index(~(L > 0))}")
        if np.any(~(self.diameter > 0)):
            raise CCUSInputError("inner diameter must be > 0 m")
        if np.any(self.U < 0) or np.any(~(self.ground_temperature > 0)):
            raise CCUSInputError("U must be >= 0 W/(m2 K) and ground temperature > 0 K")
        if not self.roughness >= 0:
            raise CCUSInputError("roughness must be >= 0 m")
        ch = self.chainage
        for b in self.boosters:
            j = int(np.argmin(np.abs(ch - b.chainage)))
            if abs(ch[j] - b.chainage) > 1e-6 * max(1.0, ch[-1]) or j == 0 or j == ch.size - 1:
                raise CCUSInputError(
                    f"Booster chainage {b.chainage} m is not an interior segment boundary; "
                    f"nearest node is at {ch[j]} m"
                )

    @property
    def n_segments(self) -> int:
        """Number of segments. [-]"""
        return int(self.lengths.size)

    @property
    def chainage(self) -> FloatArray:
        """Distance of each node from the inlet, shape (n + 1,). [m]"""
        return np.concatenate([[0.0], np.cumsum(self.lengths)])

    @property
    def area(self) -> FloatArray:
        """Flow area of each segment. [m2]"""
        return np.asarray(np.pi * self.diameter**2 / 4.0)

    @classmethod
    def uniform(
        cls,
        length: float,
        n_segments: int,
        inner_diameter: float,
        *,
        roughness: float = 4.57e-5,
        elevation_change: float = 0.0,
        elevations: ArrayLike | None = None,
        U: float = 0.0,
        ground_temperature: float = 288.15,
        boosters: Sequence[Booster] = (),
    ) -> Pipeline:
        """Pipeline of equal segments with a linear elevation profile (or given node elevations).

        Parameters
        ----------
        length : float
            Total length. [m]
        n_segments : int
            Number of segments. [-]
        inner_diameter : float
            Inner diameter. [m]
        roughness : float
            Wall roughness; default 4.57e-5 m (commercial steel). [m]
        elevation_change : float
            Outlet minus inlet elevation, linear profile. [m]
        elevations : array_like, optional
            Node elevations, shape (n_segments + 1,), instead of a linear profile. [m]
        U : float
            Overall heat transfer coefficient. [W/(m2 K)]
        ground_temperature : float
            Ground temperature. [K]
        boosters : sequence of Booster
            Booster stations.

        Returns
        -------
        Pipeline
            The segmented line.
        """
        n = int(n_segments)
        if n < 1:
            raise CCUSInputError(f"n_segments must be >= 1; got {n_segments}")
        z = (
            np.linspace(0.0, elevation_change, n + 1)
            if elevations is None
            else np.asarray(elevations, dtype=float)
        )
        return cls(
            lengths=np.full(n, length / n),
            elevations=z,
            diameter=np.full(n, inner_diameter),
            roughness=roughness,
            U=np.full(n, U),
            ground_temperature=np.full(n, ground_temperature),
            boosters=tuple(boosters),
        )


@dataclass
class PipelineResult:
    """Result of :func:`march` (arrays over the time shape of the inputs).

    Attributes
    ----------
    p_out : numpy.ndarray
        Outlet pressure. [Pa]
    T_out : numpy.ndarray
        Outlet temperature. [K]
    rho_out : numpy.ndarray
        Outlet density. [kg/m3]
    inventory : numpy.ndarray
        Line-pack: mass of CO2 stream in the line. [t]
    booster_power : numpy.ndarray
        Total shaft power of the booster stations. [W]
    min_margin : numpy.ndarray
        Smallest margin p - p_limit(T) over all nodes. [Pa]
    pressure : numpy.ndarray or None
        Node pressures, shape (n + 1, *time) (after boosters), if profiles were kept. [Pa]
    temperature : numpy.ndarray or None
        Node temperatures, shape (n + 1, *time), if profiles were kept. [K]
    density : numpy.ndarray or None
        Node densities, shape (n + 1, *time), if profiles were kept. [kg/m3]
    chainage : numpy.ndarray
        Node chainage. [m]
    """

    p_out: FloatArray
    T_out: FloatArray
    rho_out: FloatArray
    inventory: FloatArray
    booster_power: FloatArray
    min_margin: FloatArray
    chainage: FloatArray
    pressure: FloatArray | None = None
    temperature: FloatArray | None = None
    density: FloatArray | None = None

    def to_dataset(self, time: ArrayLike | None = None) -> xr.Dataset:
        """The result as an xarray Dataset with dims (time[, node]).

        Parameters
        ----------
        time : array_like, optional
            Time coordinate for a 1-D time axis.

        Returns
        -------
        xarray.Dataset
            Variables with CF-style ``units`` attributes.
        """
        dims: tuple[str, ...] = (
            ("time",) if self.p_out.ndim == 1 else tuple(f"dim_{i}" for i in range(self.p_out.ndim))
        )
        coords: dict[str, Any] = {}
        if time is not None and self.p_out.ndim == 1:
            coords["time"] = np.asarray(time)
        ds = xr.Dataset(coords=coords)
        for name, unit in (
            ("p_out", "Pa"),
            ("T_out", "K"),
            ("rho_out", "kg m-3"),
            ("inventory", "t"),
            ("booster_power", "W"),
            ("min_margin", "Pa"),
        ):
            ds[name] = xr.DataArray(getattr(self, name), dims=dims, attrs={"units": unit})
        ds = ds.assign_coords(chainage=("node", self.chainage))
        for name, unit in (("pressure", "Pa"), ("temperature", "K"), ("density", "kg m-3")):
            val = getattr(self, name)
            if val is not None:
                ds[name] = xr.DataArray(val, dims=("node", *dims), attrs={"units": unit})
        return ds


def _phase_violation(
    p: FloatArray,
    T: FloatArray,
    node: int,
    chainage: float,
    mode: str,
    margin: float,
    critical_band: float,
    min_pressure: float | None,
) -> FloatArray:
    lim = dense_phase_limit_pressure(T, critical_band=critical_band, min_pressure=min_pressure)
    m = p - lim - margin
    if mode != "ignore":
        bad = m < 0
        if np.any(bad):
            i = _first_index(bad)
            msg = (
                f"pipeline node {node} (chainage {chainage:.1f} m) leaves the single-phase dense "
                f"region at time index {i}: p = {p.ravel()[i]:.6g} Pa, T = {T.ravel()[i]:.6g} K, "
                f"limit {lim.ravel()[i] + margin:.6g} Pa (including margin {margin:g} Pa); "
                f"{int(bad.sum())} time steps affected at this node"
            )
            if mode == "raise":
                raise DensePhaseError(msg)
            warnings.warn(msg, DensePhaseWarning, stacklevel=3)
    return np.asarray(m)


def march(
    pipeline: Pipeline,
    mass_flow: ArrayLike,
    p_in: ArrayLike,
    T_in: ArrayLike,
    *,
    composition: Mapping[str, float] | None = None,
    method: str = "fast",
    friction: str = "clamond",
    acceleration: bool = False,
    n_corrector: int = 1,
    phase_check: str = "warn",
    pressure_margin: float = 0.0,
    critical_band: float = 2.0,
    min_pressure: float | None = None,
    keep_profiles: bool = True,
    g: float = G_STANDARD,
) -> PipelineResult:
    """March the steady state through the pipeline, segment by segment, vectorised over time.

    Parameters
    ----------
    pipeline : Pipeline
        Segmented line.
    mass_flow : array_like
        Mass flow entering the line (numpy or xarray, any shape, e.g. time). [kg/s]
    p_in : array_like
        Inlet pressure. [Pa]
    T_in : array_like
        Inlet temperature. [K]
    composition : mapping, optional
        Mole fractions of the stream; an impure stream needs ``min_pressure``
        (its cricondenbar) for the phase check. [mol/mol]
    method : {"fast", "exact"}
        Property path of :mod:`ccus.properties`.
    friction : {"clamond", "haaland"}
        Turbulent friction correlation, see :func:`darcy_friction_factor`.
    acceleration : bool
        Include the acceleration term :math:`G^2 (1/\\rho_2 - 1/\\rho_1)`.
    n_corrector : int
        Number of corrector passes with outlet properties (>= 1). [-]
    phase_check : {"warn", "raise", "ignore"}
        What to do when a node leaves the dense region
        (:class:`DensePhaseWarning` or :class:`DensePhaseError`).
    pressure_margin : float
        Required margin above :func:`dense_phase_limit_pressure`. [Pa]
    critical_band : float
        See :func:`dense_phase_limit_pressure`. [K]
    min_pressure : float, optional
        Stream-specific floor (cricondenbar) for the phase check. [Pa]
    keep_profiles : bool
        Keep node pressure, temperature and density for every time step (memory
        ~ 3 x 8 x (n + 1) x n_time bytes).
    g : float
        Acceleration of gravity. [m/s2]

    Returns
    -------
    PipelineResult
        Outlet state, line-pack, booster power and (optionally) profiles.

    Raises
    ------
    PipelinePressureError
        The pressure would fall to or below the triple-point pressure (including negative
        pressures); the message names the segment and the first time index.
    DensePhaseError
        With ``phase_check="raise"``, when a node leaves the dense region.
    CCUSInputError
        NaN or negative flows, non-positive pressures or temperatures.

    Notes
    -----
    For each segment of length L, diameter D, area A and elevation gain dz, with
    :math:`G = \\dot m / A`:

    .. math::
        p_2 = p_1 - f\\frac{L}{D}\\frac{G^2}{2}\\,\\frac{1}{2}\\left(\\frac{1}{\\rho_1}
        + \\frac{1}{\\rho_2}\\right) - g\\,dz\\,\\frac{\\rho_1 + \\rho_2}{2}
        \\;[-\\;G^2(1/\\rho_2 - 1/\\rho_1)]

    (Darcy-Weisbach with trapezoidal averages, the steady momentum balance), with the
    Darcy factor at inlet viscosity (:func:`darcy_friction_factor`), outlet temperature
    from :func:`ground_heat_exchange_temperature` with inlet cp, and :math:`\\rho_2` from
    the EOS at the predicted outlet state (predictor-corrector). Line-pack is
    :math:`\\sum_i A_i L_i (\\rho_{i} + \\rho_{i+1})/2`.
    """
    _check_composition(composition)
    if composition is not None and min_pressure is None and phase_check != "ignore":
        raise CCUSInputError(
            "an impure stream (composition given) needs min_pressure (its cricondenbar, Pa) "
            "for the dense-phase check, or phase_check='ignore'"
        )
    if phase_check not in ("warn", "raise", "ignore"):
        raise CCUSInputError(
            f"phase_check must be 'warn', 'raise' or 'ignore'; got {phase_check!r}"
        )
    if n_corrector < 1:
        raise CCUSInputError("n_corrector must be >= 1")
    m = np.asarray(mass_flow, dtype=float)
    p0 = np.asarray(p_in, dtype=float)
    T0 = np.asarray(T_in, dtype=float)
    shape = np.broadcast(m, p0, T0).shape
    for name, a in (("mass_flow", m), ("p_in", p0), ("T_in", T0)):
        if np.any(np.isnan(a)):
            raise CCUSInputError(f"{name} is NaN at flat index {_first_index(np.isnan(a))}")
    if np.any(m < 0):
        raise CCUSInputError(
            f"mass_flow must be >= 0 kg/s (no reverse flow); got {m.ravel()[_first_index(m < 0)]} "
            f"at flat index {_first_index(m < 0)}"
        )
    if np.any(~(p0 > P_TRIPLE)):
        i = _first_index(~(p0 > P_TRIPLE))
        raise PipelinePressureError(
            f"inlet pressure {p0.ravel()[i]} Pa at flat index {i} is not above the triple-point "
            f"pressure {P_TRIPLE} Pa"
        )
    if np.any(~(T0 > 0)):
        raise CCUSInputError(f"T_in must be > 0 K; flat index {_first_index(~(T0 > 0))}")

    pr = _props()
    n = pipeline.n_segments
    ch = pipeline.chainage
    booster_at = {int(np.argmin(np.abs(ch - b.chainage))): b for b in pipeline.boosters}
    p = np.broadcast_to(p0, shape).astype(float)
    T = np.broadcast_to(T0, shape).astype(float)
    mm = np.broadcast_to(m, shape)
    rho = np.asarray(pr.density(p, T, composition, method=method), dtype=float)
    margin = _phase_violation(
        p, T, 0, 0.0, phase_check, pressure_margin, critical_band, min_pressure
    )
    min_margin = margin
    inventory = np.zeros(shape)
    booster_power = np.zeros(shape)
    if keep_profiles:
        P_prof = np.empty((n + 1, *shape))
        T_prof = np.empty((n + 1, *shape))
        R_prof = np.empty((n + 1, *shape))
        P_prof[0], T_prof[0], R_prof[0] = p, T, rho
    eD = pipeline.roughness / pipeline.diameter
    for i in range(n):
        L = pipeline.lengths[i]
        D = pipeline.diameter[i]
        A = np.pi * D * D / 4.0
        dz = pipeline.elevations[i + 1] - pipeline.elevations[i]
        G = mm / A
        mu = np.asarray(pr.viscosity(p, T, composition, method=method), dtype=float)
        f = darcy_friction_factor(G * D / mu, eD[i], friction)
        if pipeline.U[i] > 0:
            cp = np.asarray(
                pr.isobaric_heat_capacity(p, T, composition, method=method), dtype=float
            )
            T2 = ground_heat_exchange_temperature(
                T, pipeline.ground_temperature[i], pipeline.U[i], D, L, mm, cp
            )
        else:
            T2 = T
        fric = f * (L / D) * G * G * 0.5
        # predictor with inlet density
        p2 = p - fric / rho - g * dz * rho
        rho2 = rho
        for _ in range(n_corrector):
            low = ~(p2 > P_TRIPLE)
            if np.any(low):
                j = _first_index(low)
                raise PipelinePressureError(
                    f"pipeline segment {i} (chainage {ch[i]:.1f}-{ch[i + 1]:.1f} m): outlet "
                    f"pressure would be {p2.ravel()[j]:.6g} Pa, at or below the triple-point "
                    f"pressure {P_TRIPLE:g} Pa (negative or solid/vapour region) at time index "
                    f"{j}; flow {mm.ravel()[j]:.6g} kg/s is too high for this line"
                )
            rho2 = np.asarray(pr.density(p2, T2, composition, method=method), dtype=float)
            dp = fric * 0.5 * (1.0 / rho + 1.0 / rho2) + g * dz * 0.5 * (rho + rho2)
            if acceleration:
                dp = dp + G * G * (1.0 / rho2 - 1.0 / rho)
            p2 = p - dp
        low = ~(p2 > P_TRIPLE)
        if np.any(low):
            j = _first_index(low)
            raise PipelinePressureError(
                f"pipeline segment {i} (chainage {ch[i]:.1f}-{ch[i + 1]:.1f} m): outlet pressure "
                f"would be {p2.ravel()[j]:.6g} Pa, at or below the triple-point pressure "
                f"{P_TRIPLE:g} Pa at time index {j}"
            )
        if n_corrector > 0:
            rho2 = np.asarray(pr.density(p2, T2, composition, method=method), dtype=float)
        inventory = inventory + A * L * 0.5 * (rho + rho2) / 1000.0
        p, T, rho = p2, T2, rho2
        b = booster_at.get(i + 1)
        if b is not None:
            target = (
                p + b.pressure_rise
                if b.outlet_pressure is None
                else np.maximum(p, b.outlet_pressure)
            )
            w, _, T_b = pump_work(p, T, target, b.eta, composition, method=method)
            booster_power = booster_power + mm * w
            p, T = np.asarray(target, dtype=float), np.asarray(T_b, dtype=float)
            rho = np.asarray(pr.density(p, T, composition, method=method), dtype=float)
        margin = _phase_violation(
            p, T, i + 1, ch[i + 1], phase_check, pressure_margin, critical_band, min_pressure
        )
        min_margin = np.minimum(min_margin, margin)
        if keep_profiles:
            P_prof[i + 1], T_prof[i + 1], R_prof[i + 1] = p, T, rho
    return PipelineResult(
        p_out=np.asarray(p),
        T_out=np.asarray(T),
        rho_out=np.asarray(rho),
        inventory=inventory,
        booster_power=booster_power,
        min_margin=np.asarray(min_margin),
        chainage=ch,
        pressure=P_prof if keep_profiles else None,
        temperature=T_prof if keep_profiles else None,
        density=R_prof if keep_profiles else None,
    )


def minimum_inner_diameter(
    mass_flow: float,
    p_in: float,
    p_out: float,
    length: float,
    T: float,
    *,
    elevation_change: float = 0.0,
    roughness: float = 4.57e-5,
    composition: Mapping[str, float] | None = None,
    method: str = "fast",
    friction: str = "clamond",
    tol: float = 1e-10,
    max_iter: int = 100,
    g: float = G_STANDARD,
) -> float:
    """Minimum inner diameter for a flow and an allowed pressure drop (McCoy & Rubin / NETL).

    Parameters
    ----------
    mass_flow : float
        Design mass flow. [kg/s]
    p_in : float
        Inlet pressure. [Pa]
    p_out : float
        Minimum outlet pressure. [Pa]
    length : float
        Segment length. [m]
    T : float
        Fluid temperature (isothermal). [K]
    elevation_change : float
        Outlet minus inlet elevation. [m]
    roughness : float
        Wall roughness. [m]
    composition : mapping, optional
        Mole fractions of the stream. [mol/mol]
    method : {"fast", "exact"}
        Property path.
    friction : {"clamond", "haaland"}
        Friction correlation (Darcy; converted to Fanning for the equation).
    tol : float
        Relative convergence tolerance on D. [-]
    max_iter : int
        Maximum fixed-point iterations. [-]
    g : float
        Acceleration of gravity. [m/s2]

    Returns
    -------
    float
        Minimum inner diameter. [m]

    Notes
    -----
    .. math:: D = \\left[\\frac{32 f_F \\dot m^2 L}{\\pi^2 \\rho\\,[(p_{in} - p_{out})
              - g \\rho \\Delta h]}\\right]^{1/5}

    with the Fanning factor :math:`f_F = f_D/4`, density and viscosity at the mean pressure
    :math:`(p_{in}+p_{out})/2` and T (incompressible flow), solved by fixed-point iteration
    on :math:`Re = 4\\dot m/(\\pi\\mu D)`. McCoy & Rubin (2008) and NETL (2014) [3]_, as
    recorded in ccus-anchors.md section 12.1 [V, code].
    """
    _check_composition(composition)
    for name, v in (("mass_flow", mass_flow), ("length", length), ("T", T)):
        if not v > 0:
            raise CCUSInputError(f"{name} must be > 0; got {v}")
    if not p_in > p_out > 0:
        raise CCUSInputError(f"need p_in > p_out > 0 Pa; got p_in={p_in}, p_out={p_out}")
    pr = _props()
    pm = 0.5 * (p_in + p_out)
    rho = float(pr.density(pm, T, composition, method=method))
    mu = float(pr.viscosity(pm, T, composition, method=method))
    dp_f = (p_in - p_out) - g * rho * elevation_change
    if not dp_f > 0:
        raise CCUSInputError(
            f"the elevation gain uses all the pressure: (p_in - p_out) - g rho dh = {dp_f:.6g} Pa"
        )
    D = 0.3
    for _ in range(max_iter):
        Re = 4.0 * mass_flow / (np.pi * mu * D)
        fF = float(darcy_friction_factor(Re, roughness / D, friction)) / 4.0
        D_new = (32.0 * fF * mass_flow**2 * length / (np.pi**2 * rho * dp_f)) ** 0.2
        if abs(D_new - D) <= tol * D_new:
            return float(D_new)
        D = D_new
    raise CCUSInputError(f"minimum_inner_diameter did not converge in {max_iter} iterations")

"""Multistage CO2 compression with intercooling, dense-phase pumping and their energy use.

Every stage is computed with the real-fluid equation of state of :mod:`ccus.properties`
(enthalpy and entropy, not an ideal gas): the outlet enthalpy of a compressor stage with
isentropic efficiency :math:`\\eta_{is}` is

.. math:: h_{out} = h_{in} + \\frac{h(p_{out}, s_{in}) - h_{in}}{\\eta_{is}}

The reversible isothermal work, :func:`isothermal_work`, is the lower bound any train of
compressors and coolers that reject heat at or above the inlet temperature must respect.
:func:`specific_work_mccollum_ogden` and :func:`specific_work_oeuvray` are the published
ideal-gas-with-compressibility correlations, kept separate for cross-checking.

All functions work on numpy arrays that broadcast (a time axis, typically); loops run only
over the small fixed number of stages or quadrature nodes, never over time.

References
----------
.. [1] Span, R. and Wagner, W. (1996). A new equation of state for carbon dioxide covering
   the fluid region from the triple-point temperature to 1100 K at pressures up to
   800 MPa. J. Phys. Chem. Ref. Data 25(6), 1509-1596 (through CoolProp's HEOS backend).
.. [2] McCollum, D. L. and Ogden, J. M. (2006). Techno-economic models for carbon dioxide
   compression, transport, and storage. UCD-ITS-RR-06-14, Institute of Transportation
   Studies, UC Davis, Section I.
.. [3] Oeuvray, P., Burger, J., Roussanaly, S., Mazzotti, M. and Becattini, V. (2024).
   Multi-criteria assessment of inland and offshore carbon dioxide transport options.
   Journal of Cleaner Production; as implemented in AdOpT-NET0 (UU-ER/AdOpT-NET0,
   adopt_net0/database/components/networks/utilities/co2_pipelines_oeuvray.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccus.errors import CCUSInputError

__all__ = [
    "CompressionPhaseError",
    "CompressionResult",
    "R_UNIVERSAL",
    "M_CO2",
    "stage_pressure_ratio",
    "compressor_stage",
    "pump_work",
    "isothermal_work",
    "multistage_compression",
    "compression_power",
    "compression_energy_mwh",
    "specific_work_mccollum_ogden",
    "specific_work_oeuvray",
    "OEUVRAY_PARAMETERS",
]

FloatArray = NDArray[np.float64]

#: Molar gas constant, CODATA 2018 exact value. [J/(mol K)]
R_UNIVERSAL = 8.314462618
#: Molar mass of CO2 (Span & Wagner 1996, Table 1). [kg/mol]
M_CO2 = 0.0440098

#: Parameters of the Oeuvray et al. (2024) compression correlation as tabulated in
#: AdOpT-NET0 (adopt_net0/database/data/networks/co2_transport_oeuvray/OtherData.xlsx and
#: co2_pipelines_oeuvray.py, commit c41b89697e83878085ce73ee94ae3f49c5ffb1b7): gas constant
#: as used there, molar mass, isentropic exponent, stage pressure ratio, efficiencies and the
#: compressibility at 303.15 K used for initial compression.
OEUVRAY_PARAMETERS: dict[str, float] = {
    "R": 8.31,
    "M": 0.04401,
    "kappa": 1.294,
    "pressure_ratio": 2.04,
    "eta_iso": 0.8,
    "eta_mech": 0.99,
    "eta_pump": 0.75,
    "z_initial": 0.994799474,
    "T_initial": 303.15,
}


class CompressionPhaseError(CCUSInputError):
    """A compressor stage would take in liquid or dense CO2 (the message names stage and index)."""


def _props() -> Any:
    # Imported lazily so that the module imports even while properties is being built.
    from ccus import properties

    return properties


def _as_float(x: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(x, dtype=float)
    if np.any(np.isnan(a)):
        idx = np.argwhere(np.isnan(a))[0]
        raise CCUSInputError(f"{name} is NaN at index {tuple(int(i) for i in idx)}")
    return a


def _check_positive(a: FloatArray, name: str, unit: str) -> None:
    bad = ~(a > 0)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CCUSInputError(
            f"{name} must be > 0 {unit}; got {a[idx] if a.ndim else float(a)} at index {idx}"
        )


def _check_composition(composition: Mapping[str, float] | None) -> None:
    if composition is None or not isinstance(composition, Mapping):
        return
    total = float(sum(float(v) for v in composition.values()))
    if not abs(total - 1.0) <= 1e-6:
        raise CCUSInputError(
            f"composition must sum to one (mole fractions); the fractions {dict(composition)} "
            f"sum to {total:.9g}"
        )
    for k, v in composition.items():
        if not 0.0 <= float(v) <= 1.0:
            raise CCUSInputError(f"composition[{k!r}] = {v} is outside [0, 1]")


def _isentropic_state(
    p: ArrayLike,
    s: ArrayLike,
    T_guess: ArrayLike,
    composition: Mapping[str, float] | None,
    method: str,
    *,
    max_iter: int = 8,
    tol: float = 1e-7,
) -> tuple[FloatArray, FloatArray]:
    """Enthalpy and temperature at (p, s): Newton on T with the (p, T) property functions.

    ``ds/dT|_p = c_p/T`` gives :math:`T_{k+1} = T_k - (s(p,T_k) - s) T_k / c_p(p,T_k)`.
    With ``method="exact"`` the (p, s) flash of CoolProp HEOS is used directly. The fast
    path uses this Newton iteration on the fast (p, T) functions rather than their (p, s)
    inverse; entries that do not converge to ``tol`` (relative in s) are recomputed with the
    exact flash, so no unconverged value is returned.
    """
    pr = _props()
    pa, sa, Tg = np.broadcast_arrays(
        np.asarray(p, dtype=float), np.asarray(s, dtype=float), np.asarray(T_guess, dtype=float)
    )
    if method == "exact":
        h = np.asarray(pr.enthalpy_ps(pa, sa, composition, method="exact"), dtype=float)
        T = np.asarray(pr.temperature_ps(pa, sa, composition, method="exact"), dtype=float)
        return h, T
    T = np.clip(Tg.astype(float), 217.0, 1900.0)
    scale = np.maximum(np.abs(sa), 1.0)
    for _ in range(max_iter):
        sk = np.asarray(pr.entropy(pa, T, composition, method=method), dtype=float)
        r = sk - sa
        if np.all(np.abs(r) <= tol * scale):
            break
        cp = np.asarray(pr.isobaric_heat_capacity(pa, T, composition, method=method), dtype=float)
        step = r * T / cp
        # iteration variable kept inside the fluid range of the EOS (not an input clip)
        T = np.clip(T - np.clip(step, -100.0, 100.0), 217.0, 1900.0)
    sk = np.asarray(pr.entropy(pa, T, composition, method=method), dtype=float)
    bad = ~(np.abs(sk - sa) <= 10 * tol * scale)
    h = np.asarray(pr.enthalpy(pa, T, composition, method=method), dtype=float)
    if np.any(bad):
        h = h.copy()
        T = T.copy()
        h[bad] = pr.enthalpy_ps(pa[bad], sa[bad], composition, method="exact")
        T[bad] = pr.temperature_ps(pa[bad], sa[bad], composition, method="exact")
    return h, T


def stage_pressure_ratio(
    p_in: ArrayLike, p_out: ArrayLike, n_stages: int, cooler_pressure_drop: float = 0.0
) -> FloatArray:
    """Equal pressure ratio per stage that reaches ``p_out`` after every cooler.

    Parameters
    ----------
    p_in : array_like
        Suction pressure of the first stage. [Pa]
    p_out : array_like
        Pressure after the last cooler (aftercooler). [Pa]
    n_stages : int
        Number of compressor stages, each followed by a cooler. [-]
    cooler_pressure_drop : float
        Pressure drop of each cooler as a fraction of its inlet pressure. [Pa/Pa]

    Returns
    -------
    numpy.ndarray
        Pressure ratio of each stage, outlet over suction. [Pa/Pa]

    Notes
    -----
    With equal stage ratio :math:`r` and cooler loss fraction :math:`\\delta`,
    :math:`p_{out} = p_{in} [r (1 - \\delta)]^N`, so
    :math:`r = (p_{out}/p_{in})^{1/N} / (1 - \\delta)`.
    """
    if int(n_stages) != n_stages or n_stages < 1:
        raise CCUSInputError(f"n_stages must be a positive integer; got {n_stages}")
    if not 0.0 <= cooler_pressure_drop < 1.0:
        raise CCUSInputError(
            f"cooler_pressure_drop must be a fraction in [0, 1); got {cooler_pressure_drop}"
        )
    pi = _as_float(p_in, "p_in")
    po = _as_float(p_out, "p_out")
    return np.asarray((po / pi) ** (1.0 / n_stages) / (1.0 - cooler_pressure_drop))


def compressor_stage(
    p_in: ArrayLike,
    T_in: ArrayLike,
    p_out: ArrayLike,
    eta_is: float,
    composition: Mapping[str, float] | None = None,
    *,
    method: str = "fast",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Real-gas adiabatic compressor stage with isentropic efficiency.

    Parameters
    ----------
    p_in : array_like
        Suction pressure. [Pa]
    T_in : array_like
        Suction temperature. [K]
    p_out : array_like
        Discharge pressure. [Pa]
    eta_is : float
        Isentropic efficiency, 0 < eta_is <= 1. [-]
    composition : mapping, optional
        Mole fractions of the stream, passed to :mod:`ccus.properties`. [mol/mol]
    method : {"fast", "exact"}
        Property path of :mod:`ccus.properties`.

    Returns
    -------
    work : numpy.ndarray
        Specific shaft work on the fluid. [J/kg]
    h_out : numpy.ndarray
        Discharge specific enthalpy. [J/kg]
    T_out : numpy.ndarray
        Discharge temperature. [K]

    Notes
    -----
    .. math:: w = \\frac{h(p_{out}, s(p_{in}, T_{in})) - h(p_{in}, T_{in})}{\\eta_{is}}

    the definition of isentropic efficiency for an adiabatic compressor, evaluated with the
    Span-Wagner equation of state [1]_ (module references).
    """
    if not 0.0 < eta_is <= 1.0:
        raise CCUSInputError(f"eta_is must be in (0, 1]; got {eta_is}")
    pr = _props()
    h_in = np.asarray(pr.enthalpy(p_in, T_in, composition, method=method), dtype=float)
    s_in = np.asarray(pr.entropy(p_in, T_in, composition, method=method), dtype=float)
    T_guess = (
        np.asarray(T_in, dtype=float)
        * np.maximum(np.asarray(p_out, dtype=float) / np.asarray(p_in, dtype=float), 1.0) ** 0.225
    )
    h_s, _ = _isentropic_state(p_out, s_in, T_guess, composition, method)
    work = (h_s - h_in) / eta_is
    h_out = h_in + work
    T_out = np.asarray(pr.temperature_ph(p_out, h_out, composition, method=method), dtype=float)
    return work, h_out, T_out


def pump_work(
    p_in: ArrayLike,
    T_in: ArrayLike,
    p_out: ArrayLike,
    eta_pump: float = 0.75,
    composition: Mapping[str, float] | None = None,
    *,
    method: str = "fast",
    integration: str = "quadrature",
    n_nodes: int = 8,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Specific work of a dense-phase pump: the integral of v dp along the isentrope.

    Parameters
    ----------
    p_in : array_like
        Pump suction pressure. [Pa]
    T_in : array_like
        Pump suction temperature. [K]
    p_out : array_like
        Pump discharge pressure, >= p_in. [Pa]
    eta_pump : float
        Pump isentropic (hydraulic) efficiency. [-]
    composition : mapping, optional
        Mole fractions of the stream. [mol/mol]
    method : {"fast", "exact"}
        Property path of :mod:`ccus.properties`.
    integration : {"quadrature", "enthalpy"}
        "quadrature": Gauss-Legendre quadrature of :math:`1/\\rho` over pressure, with the
        density from the EOS at the isentropic temperature at each node; "enthalpy": the
        closed form :math:`h(p_{out}, s_{in}) - h_{in}`, which equals the same integral.
    n_nodes : int
        Number of Gauss-Legendre nodes for "quadrature". [-]

    Returns
    -------
    work : numpy.ndarray
        Specific shaft work on the fluid. [J/kg]
    h_out : numpy.ndarray
        Discharge specific enthalpy. [J/kg]
    T_out : numpy.ndarray
        Discharge temperature. [K]

    Notes
    -----
    .. math:: w = \\frac{1}{\\eta_{pump}} \\int_{p_{in}}^{p_{out}} \\frac{dp}{\\rho(p, s_{in})}

    From the Gibbs relation :math:`dh = T ds + v dp` the integral equals the isentropic
    enthalpy rise, which is what "enthalpy" returns; the two paths are an internal
    consistency check of the property functions. The McCollum & Ogden (2006) [2]_ pump
    equation :math:`(p_{out} - p_{in})/(\\rho \\eta_{pump})` is this integral at constant
    density.
    """
    if not 0.0 < eta_pump <= 1.0:
        raise CCUSInputError(f"eta_pump must be in (0, 1]; got {eta_pump}")
    pr = _props()
    pa = _as_float(p_in, "p_in")
    pb = _as_float(p_out, "p_out")
    if np.any(pb < pa):
        idx = tuple(
            int(i) for i in np.argwhere(np.broadcast_to(pb < pa, np.broadcast(pa, pb).shape))[0]
        )
        raise CCUSInputError(f"pump p_out must be >= p_in; violated at index {idx}")
    h_in = np.asarray(pr.enthalpy(pa, T_in, composition, method=method), dtype=float)
    s_in = np.asarray(pr.entropy(pa, T_in, composition, method=method), dtype=float)
    if integration == "enthalpy":
        dh_s = _isentropic_state(pb, s_in, T_in, composition, method)[0] - h_in
    elif integration == "quadrature":
        x, wts = np.polynomial.legendre.leggauss(int(n_nodes))
        half = 0.5 * (pb - pa)
        mid = 0.5 * (pb + pa)
        dh_s = np.zeros(np.broadcast(pa, pb, h_in).shape)
        for xk, wk in zip(x, wts, strict=True):
            pk = mid + half * xk
            Tk = _isentropic_state(pk, s_in, T_in, composition, method)[1]
            rho = np.asarray(pr.density(pk, Tk, composition, method=method), dtype=float)
            dh_s = dh_s + wk * half / rho
    else:
        raise CCUSInputError(f"integration must be 'quadrature' or 'enthalpy'; got {integration!r}")
    work = np.asarray(dh_s / eta_pump, dtype=float)
    h_out = h_in + work
    T_out = np.asarray(pr.temperature_ph(pb, h_out, composition, method=method), dtype=float)
    return work, h_out, T_out


def isothermal_work(
    p_in: ArrayLike,
    p_out: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: str = "fast",
) -> FloatArray:
    """Reversible isothermal work: the lower bound of compression work.

    Parameters
    ----------
    p_in : array_like
        Inlet pressure. [Pa]
    p_out : array_like
        Outlet pressure. [Pa]
    T : array_like
        Temperature of the isotherm (the compressor suction temperature). [K]
    composition : mapping, optional
        Mole fractions of the stream. [mol/mol]
    method : {"fast", "exact"}
        Property path of :mod:`ccus.properties`.

    Returns
    -------
    numpy.ndarray
        Specific work of reversible isothermal compression. [J/kg]

    Notes
    -----
    .. math:: w_{iso} = \\int_{p_{in}}^{p_{out}} v\\,dp \\big|_T
              = [h(p_{out},T) - h(p_{in},T)] - T [s(p_{out},T) - s(p_{in},T)]

    i.e. the change of the specific Gibbs energy along the isotherm, with real-fluid
    properties. Any steady-flow train whose coolers reject heat at temperatures not below
    ``T`` (to a sink at ``T``) needs at least this work when it delivers the stream at
    ``p_out`` and a temperature >= ``T`` (second law; the flow exergy
    :math:`h - T_0 s` is minimal at :math:`T = T_0` for fixed p).
    """
    pr = _props()
    h1 = np.asarray(pr.enthalpy(p_in, T, composition, method=method), dtype=float)
    h2 = np.asarray(pr.enthalpy(p_out, T, composition, method=method), dtype=float)
    s1 = np.asarray(pr.entropy(p_in, T, composition, method=method), dtype=float)
    s2 = np.asarray(pr.entropy(p_out, T, composition, method=method), dtype=float)
    return np.asarray((h2 - h1) - np.asarray(T, dtype=float) * (s2 - s1))


@dataclass
class CompressionResult:
    """Result of :func:`multistage_compression`, per kg of stream (arrays broadcast over time).

    Attributes
    ----------
    specific_work : numpy.ndarray
        Total shaft work, compressors plus pump, divided by ``eta_mechanical``. [J/kg]
    compressor_work : numpy.ndarray
        Work of the compressor stages on the fluid. [J/kg]
    pump_work : numpy.ndarray
        Work of the dense-phase pump on the fluid. [J/kg]
    cooling_duty : numpy.ndarray
        Heat removed by intercoolers and the aftercooler. [J/kg]
    isothermal_work : numpy.ndarray
        Reversible isothermal work from suction to delivery pressure at suction temperature:
        the classic lower bound when the coolers do not go below the suction temperature.
        [J/kg]
    minimum_work : numpy.ndarray
        Reversible minimum work from the actual suction state to the actual delivered state,
        with heat rejected at temperatures not below the coldest cooler outlet
        :math:`T_0`: :math:`(h_{out} - h_{in}) - T_0 (s_{out} - s_{in})`. A lower bound in
        every case; equal to ``isothermal_work`` when the stream leaves at the suction
        temperature and no cooler goes below it. [J/kg]
    stage_pressure_ratio : numpy.ndarray
        Pressure ratio of each compressor stage. [Pa/Pa]
    stage_outlet_temperature : list of numpy.ndarray
        Discharge temperature of each compressor stage. [K]
    stage_work : list of numpy.ndarray
        Work of each compressor stage. [J/kg]
    outlet_pressure : numpy.ndarray
        Delivery pressure. [Pa]
    outlet_temperature : numpy.ndarray
        Delivery temperature (after the aftercooler, or after the pump). [K]
    n_stages : int
        Number of compressor stages. [-]
    pumped : bool
        Whether a pump section follows the cut-off pressure. [-]
    """

    specific_work: FloatArray
    compressor_work: FloatArray
    pump_work: FloatArray
    cooling_duty: FloatArray
    isothermal_work: FloatArray
    minimum_work: FloatArray
    stage_pressure_ratio: FloatArray
    stage_outlet_temperature: list[FloatArray] = field(default_factory=list)
    stage_work: list[FloatArray] = field(default_factory=list)
    outlet_pressure: FloatArray = field(default_factory=lambda: np.zeros(()))
    outlet_temperature: FloatArray = field(default_factory=lambda: np.zeros(()))
    n_stages: int = 0
    pumped: bool = False


def multistage_compression(
    p_in: ArrayLike,
    T_in: ArrayLike,
    p_out: ArrayLike,
    *,
    n_stages: int = 5,
    eta_is: float = 0.80,
    T_intercooler: ArrayLike | None = None,
    T_aftercooler: ArrayLike | None = None,
    cooler_pressure_drop: float = 0.0,
    p_cutoff: float | None = 7.38e6,
    eta_pump: float = 0.75,
    eta_mechanical: float = 1.0,
    composition: Mapping[str, float] | None = None,
    method: str = "fast",
    pump_integration: str = "quadrature",
) -> CompressionResult:
    """Multistage intercooled compression, optionally followed by dense-phase pumping.

    Parameters
    ----------
    p_in : array_like
        Suction pressure of the first stage. [Pa]
    T_in : array_like
        Suction temperature of the first stage. [K]
    p_out : array_like
        Delivery pressure. [Pa]
    n_stages : int
        Number of compressor stages, equal pressure ratio each (5 in McCollum & Ogden 2006
        [2]_). [-]
    eta_is : float
        Isentropic efficiency of each compressor stage. [-]
    T_intercooler : array_like, optional
        Intercooler outlet temperature; default ``T_in``. A cooler never heats: if a stage
        discharges below it, the stream passes unchanged. [K]
    T_aftercooler : array_like, optional
        Temperature after the last stage's cooler (pump suction when pumping); default
        ``T_intercooler``. [K]
    cooler_pressure_drop : float
        Pressure drop of each cooler as a fraction of its inlet pressure. [Pa/Pa]
    p_cutoff : float or None
        Pressure at which compression ends and pumping begins when ``p_out`` exceeds it;
        ``None`` compresses all the way. Default 7.38 MPa, the critical pressure used by
        McCollum & Ogden (2006) [2]_. [Pa]
    eta_pump : float
        Pump efficiency. [-]
    eta_mechanical : float
        Mechanical (drive) efficiency dividing the fluid work. [-]
    composition : mapping, optional
        Mole fractions of the stream. [mol/mol]
    method : {"fast", "exact"}
        Property path of :mod:`ccus.properties`.
    pump_integration : {"quadrature", "enthalpy"}
        See :func:`pump_work`.

    Returns
    -------
    CompressionResult
        Specific works, cooling duty, the isothermal bound and stage details.

    Raises
    ------
    CompressionPhaseError
        A compressor stage would take in liquid (T below critical and p above the
        saturation pressure of pure CO2).
    CCUSInputError
        Non-positive or NaN pressures or temperatures, p_out <= p_in, bad efficiencies or a
        composition that does not sum to one.

    Notes
    -----
    Stage k compresses adiabatically (:func:`compressor_stage`), then a cooler takes the
    stream to ``T_intercooler`` at pressure :math:`p (1 - \\delta)`. The cooling duty is
    the enthalpy removed. Pump work follows :func:`pump_work`. The total specific work is
    :math:`(\\sum_k w_k + w_{pump}) / \\eta_{mech}`.
    """
    _check_composition(composition)
    for name, val in (
        ("eta_is", eta_is),
        ("eta_pump", eta_pump),
        ("eta_mechanical", eta_mechanical),
    ):
        if not 0.0 < val <= 1.0:
            raise CCUSInputError(f"{name} must be in (0, 1]; got {val}")
    pi = _as_float(p_in, "p_in")
    Ti = _as_float(T_in, "T_in")
    po = _as_float(p_out, "p_out")
    _check_positive(pi, "p_in", "[Pa]")
    _check_positive(Ti, "T_in", "[K]")
    _check_positive(po, "p_out", "[Pa]")
    T_ic = Ti if T_intercooler is None else _as_float(T_intercooler, "T_intercooler")
    T_ac = T_ic if T_aftercooler is None else _as_float(T_aftercooler, "T_aftercooler")
    shape = np.broadcast(pi, Ti, po, T_ic, T_ac).shape
    if np.any(np.broadcast_to(po <= pi, shape)):
        idx = tuple(int(i) for i in np.argwhere(np.broadcast_to(po <= pi, shape))[0])
        raise CCUSInputError(f"p_out must exceed p_in; violated at index {idx}")
    _check_positive(np.asarray(T_ic), "T_intercooler", "[K]")
    _check_positive(np.asarray(T_ac), "T_aftercooler", "[K]")

    if p_cutoff is not None:
        pumped_mask = np.broadcast_to(po > p_cutoff, shape)
        if np.any(pumped_mask) and not np.all(pumped_mask):
            raise CCUSInputError(
                "p_out is above p_cutoff at some indices and below at others; call the "
                "function separately for the two regimes or set p_cutoff=None"
            )
        pumped = bool(np.all(pumped_mask)) and pumped_mask.size > 0
        if pumped and np.any(np.broadcast_to(pi >= p_cutoff, shape)):
            raise CCUSInputError("p_in must be below p_cutoff when pumping follows compression")
    else:
        pumped = False
    p_comp_end = np.broadcast_to(np.full(shape, p_cutoff) if pumped else po, shape)

    pr = _props()
    from ccus.pipeline import saturation_pressure  # local import: pipeline imports this module

    r = stage_pressure_ratio(pi, p_comp_end, n_stages, cooler_pressure_drop)
    p_k = np.broadcast_to(pi, shape).astype(float)
    T_k = np.broadcast_to(Ti, shape).astype(float)
    comp_work = np.zeros(shape)
    duty = np.zeros(shape)
    stage_T: list[FloatArray] = []
    stage_w: list[FloatArray] = []
    for k in range(n_stages):
        sub = T_k < 304.1282
        if np.any(sub):
            psat = saturation_pressure(np.where(sub, T_k, 250.0))
            liquid = sub & (p_k >= psat)
            if np.any(liquid):
                idx = tuple(int(i) for i in np.argwhere(liquid)[0])
                raise CompressionPhaseError(
                    f"compressor stage {k + 1} suction at p={p_k[idx]:.6g} Pa, "
                    f"T={T_k[idx]:.6g} K is liquid (above the saturation pressure) at index "
                    f"{idx}; raise the intercooler temperature or lower the cut-off pressure"
                )
        p_dis = p_k * r
        w, h_dis, T_dis = compressor_stage(p_k, T_k, p_dis, eta_is, composition, method=method)
        comp_work = comp_work + w
        stage_T.append(np.asarray(T_dis))
        stage_w.append(np.asarray(w))
        T_target = T_ac if k == n_stages - 1 else T_ic
        T_next = np.minimum(T_dis, np.broadcast_to(T_target, shape))
        p_next = p_dis * (1.0 - cooler_pressure_drop)
        h_next = np.asarray(pr.enthalpy(p_next, T_next, composition, method=method), dtype=float)
        duty = duty + (h_dis - h_next)
        p_k, T_k = p_next, T_next

    w_pump = np.zeros(shape)
    T_final = T_k
    if pumped:
        w_pump, _, T_final = pump_work(
            p_k, T_k, po, eta_pump, composition, method=method, integration=pump_integration
        )
    w_iso = isothermal_work(pi, po, Ti, composition, method=method)
    # Second law with heat rejected by the stream at temperatures >= T0, the coldest
    # cooler outlet (or the suction temperature): W >= (h_out - h_in) - T0 (s_out - s_in).
    T0 = np.minimum(
        np.minimum(np.broadcast_to(Ti, shape), np.broadcast_to(T_ic, shape)),
        np.broadcast_to(T_ac, shape),
    )
    h_in = np.asarray(pr.enthalpy(pi, Ti, composition, method=method), dtype=float)
    s_in = np.asarray(pr.entropy(pi, Ti, composition, method=method), dtype=float)
    h_out = np.asarray(pr.enthalpy(po, T_final, composition, method=method), dtype=float)
    s_out = np.asarray(pr.entropy(po, T_final, composition, method=method), dtype=float)
    w_min = (h_out - h_in) - T0 * (s_out - s_in)
    total = (comp_work + w_pump) / eta_mechanical
    return CompressionResult(
        specific_work=np.asarray(total),
        compressor_work=np.asarray(comp_work),
        pump_work=np.asarray(w_pump),
        cooling_duty=np.asarray(duty),
        isothermal_work=np.asarray(np.broadcast_to(w_iso, shape)),
        minimum_work=np.asarray(np.broadcast_to(w_min, shape)),
        stage_pressure_ratio=np.asarray(r),
        stage_outlet_temperature=stage_T,
        stage_work=stage_w,
        outlet_pressure=np.asarray(np.broadcast_to(po, shape)),
        outlet_temperature=np.asarray(T_final),
        n_stages=int(n_stages),
        pumped=pumped,
    )


def compression_power(mass_flow: ArrayLike, specific_work: ArrayLike) -> FloatArray:
    """Shaft power of a compression train.

    Parameters
    ----------
    mass_flow : array_like
        Mass flow of the stream. [kg/s]
    specific_work : array_like
        Specific work. [J/kg]

    Returns
    -------
    numpy.ndarray
        Power. [kW]

    Notes
    -----
    :math:`P = \\dot m \\, w / 1000`.
    """
    m = _as_float(mass_flow, "mass_flow")
    return np.asarray(m * np.asarray(specific_work, dtype=float) / 1e3)


def compression_energy_mwh(mass: ArrayLike, specific_work: ArrayLike) -> FloatArray:
    """Energy used to compress a mass of stream, per time step.

    Parameters
    ----------
    mass : array_like
        Mass compressed in each time step. [t]
    specific_work : array_like
        Specific work. [J/kg]

    Returns
    -------
    numpy.ndarray
        Energy in each time step. [MWh]

    Notes
    -----
    :math:`E = m \\cdot 1000 \\cdot w / 3.6\\times10^9`; independent of the step length,
    so hourly and daily series with the same masses give the same energy.
    """
    m = _as_float(mass, "mass")
    return np.asarray(m * 1e3 * np.asarray(specific_work, dtype=float) / 3.6e9)


def specific_work_mccollum_ogden(
    p_in: ArrayLike,
    p_out: ArrayLike,
    T_in: ArrayLike,
    *,
    n_stages: int = 5,
    Z: ArrayLike = 1.0,
    k: ArrayLike = 1.294,
    eta_is: float = 0.75,
    p_cutoff: float = 7.38e6,
    rho_pump: float = 630.0,
    eta_pump: float = 0.75,
    molar_mass: float = M_CO2,
    R: float = R_UNIVERSAL,
) -> FloatArray:
    """Ideal-gas-with-compressibility compression work plus constant-density pumping.

    Parameters
    ----------
    p_in : array_like
        Suction pressure. [Pa]
    p_out : array_like
        Delivery pressure. [Pa]
    T_in : array_like
        Suction temperature of every stage (perfect intercooling). [K]
    n_stages : int
        Number of compressor stages up to ``p_cutoff``. [-]
    Z : array_like
        Average compressibility factor of each stage; scalar or shape (n_stages,). [-]
    k : array_like
        Average ratio of specific heats cp/cv of each stage; scalar or (n_stages,). [-]
    eta_is : float
        Isentropic efficiency. [-]
    p_cutoff : float
        Pressure where compression ends and pumping starts; 7.38 MPa in [2]_. [Pa]
    rho_pump : float
        Density used for pumping; 630 kg/m3 in [2]_. [kg/m3]
    eta_pump : float
        Pump efficiency. [-]
    molar_mass : float
        Molar mass. [kg/mol]
    R : float
        Molar gas constant. [J/(mol K)]

    Returns
    -------
    numpy.ndarray
        Specific work. [J/kg]

    Notes
    -----
    .. math:: w = \\sum_{s=1}^{N} \\frac{Z_s R T_{in}}{M \\eta_{is}}
              \\frac{k_s}{k_s - 1}\\left[CR^{(k_s-1)/k_s} - 1\\right]
              + \\frac{p_{out} - p_{cut}}{\\rho \\eta_{pump}},\\qquad
              CR = (p_{cut}/p_{in})^{1/N}

    Form of McCollum & Ogden (2006) [2]_, Section I (compression), per kg instead of per
    day. The form is as recalled in ccus-anchors.md section 12.2 [M]: the primary text could
    not be opened here. It agrees with the Oeuvray et al. (2024) form, which was checked in
    AdOpT-NET0's code. If ``p_out <= p_cutoff`` the train compresses to ``p_out`` and
    there is no pump term.
    """
    pi = _as_float(p_in, "p_in")
    po = _as_float(p_out, "p_out")
    Ti = _as_float(T_in, "T_in")
    p_end = np.minimum(po, p_cutoff)
    cr = (p_end / pi) ** (1.0 / n_stages)
    Zs = np.broadcast_to(np.asarray(Z, dtype=float), (n_stages,))
    ks = np.broadcast_to(np.asarray(k, dtype=float), (n_stages,))
    w = np.zeros(np.broadcast(pi, po, Ti).shape)
    for s in range(n_stages):
        w = w + Zs[s] * R * Ti / (molar_mass * eta_is) * ks[s] / (ks[s] - 1.0) * (
            cr ** ((ks[s] - 1.0) / ks[s]) - 1.0
        )
    w = w + np.maximum(po - p_cutoff, 0.0) / (rho_pump * eta_pump)
    return np.asarray(w)


def specific_work_oeuvray(
    p_in: ArrayLike,
    p_out: ArrayLike,
    *,
    z: float = OEUVRAY_PARAMETERS["z_initial"],
    T: float = OEUVRAY_PARAMETERS["T_initial"],
    kappa: float = OEUVRAY_PARAMETERS["kappa"],
    pressure_ratio: float = OEUVRAY_PARAMETERS["pressure_ratio"],
    eta_iso: float = OEUVRAY_PARAMETERS["eta_iso"],
    eta_mech: float = OEUVRAY_PARAMETERS["eta_mech"],
    eta_pump: float = OEUVRAY_PARAMETERS["eta_pump"],
    rho_pump: float = 630.0,
    R: float = OEUVRAY_PARAMETERS["R"],
    molar_mass: float = OEUVRAY_PARAMETERS["M"],
) -> FloatArray:
    """Compression work of Oeuvray et al. (2024): N fixed-ratio stages, then pumping.

    Parameters
    ----------
    p_in : array_like
        Suction pressure. [Pa]
    p_out : array_like
        Delivery pressure (liquid/dense phase). [Pa]
    z : float
        Compressibility factor at suction. [-]
    T : float
        Suction temperature of every stage. [K]
    kappa : float
        Isentropic exponent. [-]
    pressure_ratio : float
        Fixed pressure ratio per stage. [Pa/Pa]
    eta_iso : float
        Isentropic efficiency. [-]
    eta_mech : float
        Mechanical efficiency. [-]
    eta_pump : float
        Pump efficiency. [-]
    rho_pump : float
        Density used for pumping. [kg/m3]
    R : float
        Molar gas constant as used by the source. [J/(mol K)]
    molar_mass : float
        Molar mass. [kg/mol]

    Returns
    -------
    numpy.ndarray
        Specific work. [J/kg]

    Notes
    -----
    .. math:: w = \\frac{z R T N \\kappa (PR^{(\\kappa-1)/\\kappa} - 1)}
              {M \\eta_{iso} \\eta_{mech} (\\kappa - 1)} + \\frac{p_{out} - p_{in} PR^N}
              {\\eta_{pump} \\rho},\\qquad N = \\lfloor \\ln(p_{out}/p_{in})/\\ln PR \\rfloor

    As implemented in AdOpT-NET0 after Oeuvray et al. (2024) [3]_ (liquid branch of
    ``_calculate_compressor_energy_gas``), checked there [V, code]; the parameters default to
    :data:`OEUVRAY_PARAMETERS`. ``rho_pump`` is an input here (the source reads it from its
    property table).
    """
    pi = _as_float(p_in, "p_in")
    po = _as_float(p_out, "p_out")
    n = np.floor(np.log(po / pi) / np.log(pressure_ratio))
    p1 = pi * pressure_ratio**n
    w_c = (
        z
        * R
        * T
        * n
        * kappa
        * (pressure_ratio ** ((kappa - 1.0) / kappa) - 1.0)
        / (molar_mass * eta_iso * eta_mech * (kappa - 1.0))
    )
    return np.asarray(w_c + (po - p1) / (eta_pump * rho_pump))

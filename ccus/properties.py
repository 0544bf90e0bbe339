"""Thermophysical properties of CO2 and impure CO2, vectorised, on CoolProp.

Two paths behind one API:

* ``method="exact"``: CoolProp's Helmholtz-energy backend (HEOS): the Span & Wagner (1996)
  reference equation of state for pure CO2, the Kunz & Wagner (GERG-2008) mixture model for
  impure CO2, Laesecke & Muzny (2017) viscosity and Huber et al. (2016) thermal conductivity
  of pure CO2 (as implemented in CoolProp).
* ``method="fast"``: interpolation in tables built from the exact path (see
  :mod:`ccus._tables`); it falls back to the exact path wherever it is not valid (inside the
  critical band, outside the tabulated box), so it never returns an untested number.

Inputs are floats, numpy arrays or xarray DataArrays that broadcast; the output has the
same kind (DataArray in -> DataArray out with ``attrs["units"]``). SI units throughout:
pressure in Pa, temperature in K, enthalpy in J/kg, entropy in J/kg/K.

Enthalpy and entropy use CoolProp's default reference state for CO2 (IIR: h = 200 kJ/kg
and s = 1 kJ/kg/K for saturated liquid at 0 degC).

Phase codes (:data:`PHASES`) follow CoolProp's ``iphase`` numbering.

Bad input (NaN, T below the triple point, a state in the solid region, p or T outside the
equation of state's range, a composition not summing to one) raises
:class:`ccus.errors.CCUSInputError` with ``errors="raise"`` (default), or gives NaN with a
flag with ``errors="nan"``. A state where CoolProp does not converge (most often a mixture
near its critical point or in its two-phase region) always gives NaN with a flag, never a
wrong number. Pass ``return_flags=True`` to get ``(value, flags)``; ``flags`` is an integer
array of :class:`Flag` bits, zero where the value is valid.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Mapping
from typing import Any, Literal

import CoolProp
import CoolProp.CoolProp as CP
import numpy as np
import xarray as xr
from scipy.optimize import brentq

from ccus.errors import CCUSInputError

__all__ = [
    "PHASES",
    "SPECIES",
    "CO2_LIMITS",
    "Flag",
    "backend_info",
    "density",
    "enthalpy",
    "entropy",
    "isobaric_heat_capacity",
    "cp",
    "speed_of_sound",
    "viscosity",
    "thermal_conductivity",
    "phase",
    "temperature_ph",
    "density_ph",
    "entropy_ph",
    "enthalpy_ps",
    "temperature_ps",
    "melting_pressure",
    "saturation_pressure",
    "normalize_composition",
    "mass_to_mole_fractions",
    "mole_to_mass_fractions",
    "molar_mass",
]

ArrayLike = Any
Method = Literal["fast", "exact"]
Errors = Literal["raise", "nan"]
Basis = Literal["mole", "mass"]

#: Phase codes returned by :func:`phase`; CoolProp's ``iphase`` numbering.
PHASES: dict[int, str] = {
    0: "liquid",
    1: "supercritical",  # T > Tc and p > pc
    2: "supercritical_gas",  # T > Tc, p < pc
    3: "supercritical_liquid",  # T < Tc, p > pc
    4: "critical_point",
    5: "gas",
    6: "two_phase",
    7: "unknown",
}

#: Species accepted in a composition -> CoolProp fluid name.
SPECIES: dict[str, str] = {
    "CO2": "CarbonDioxide",
    "N2": "Nitrogen",
    "O2": "Oxygen",
    "Ar": "Argon",
    "H2": "Hydrogen",
    "CH4": "Methane",
    "CO": "CarbonMonoxide",
    "H2S": "HydrogenSulfide",
    "H2O": "Water",
}

_PURE = "HEOS::CarbonDioxide"
_AS_PURE = CP.AbstractState("HEOS", "CarbonDioxide")

#: Validity range of the exact path for pure CO2 (Span & Wagner 1996, as in CoolProp 8):
#: triple point and the equation of state's upper limits. [K], [Pa]
CO2_LIMITS: dict[str, float] = {
    "T_triple": float(_AS_PURE.Ttriple()),  # 216.592 K
    "p_triple": float(_AS_PURE.p_triple()),  # 517.95 kPa
    "T_max": float(_AS_PURE.Tmax()),  # 2000 K
    "p_max": float(_AS_PURE.pmax()),  # 800 MPa
    "T_critical": float(_AS_PURE.T_critical()),  # 304.1282 K
    "p_critical": float(_AS_PURE.p_critical()),  # 7.3773 MPa
    "rho_critical": float(_AS_PURE.rhomass_critical()),  # 467.6 kg/m3
}

#: Sum-to-one tolerance for compositions. [-]
COMPOSITION_TOLERANCE = 1e-9


class Flag(enum.IntFlag):
    """Why a value is NaN; bits of the ``flags`` array (0 = valid)."""

    OK = 0
    NAN_INPUT = 1  #: an input was NaN or infinite
    BELOW_TRIPLE = 2  #: T below the triple point of CO2
    SOLID = 4  #: p above the melting pressure at T (solid CO2)
    OUT_OF_RANGE = 8  #: p <= 0, p > p_max or T > T_max of the equation of state
    NOT_CONVERGED = 16  #: CoolProp did not converge or raised
    TWO_PHASE = 32  #: mixture state in the two-phase region (property not given)


_INPUT_FLAGS = Flag.NAN_INPUT | Flag.BELOW_TRIPLE | Flag.SOLID | Flag.OUT_OF_RANGE

# property key -> (CoolProp output name, unit)
_OUTPUTS: dict[str, tuple[str, str]] = {
    "density": ("Dmass", "kg/m3"),
    "enthalpy": ("Hmass", "J/kg"),
    "entropy": ("Smass", "J/kg/K"),
    "cp": ("Cpmass", "J/kg/K"),
    "speed_of_sound": ("speed_of_sound", "m/s"),
    "viscosity": ("viscosity", "Pa s"),
    "thermal_conductivity": ("conductivity", "W/m/K"),
    "phase": ("Phase", "1"),
    "temperature": ("T", "K"),
}


# ----------------------------------------------------------------------------- composition


def molar_mass(species: str) -> float:
    """Molar mass of a species, from CoolProp's fluid data.

    Parameters
    ----------
    species : str
        One of :data:`SPECIES`. [-]

    Returns
    -------
    float
        Molar mass. [kg/mol]
    """
    if species not in SPECIES:
        raise CCUSInputError(f"species {species!r} is not one of {sorted(SPECIES)}")
    return float(CP.PropsSI("molarmass", SPECIES[species]))


def _check_fractions(fractions: Mapping[str, float], name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in fractions.items():
        if k not in SPECIES:
            raise CCUSInputError(f"{name}: species {k!r} is not one of {sorted(SPECIES)}")
        fv = float(v)
        if not np.isfinite(fv) or fv < 0.0 or fv > 1.0:
            raise CCUSInputError(f"{name}[{k!r}] = {fv!r} must be a finite number in [0, 1]")
        out[k] = fv
    total = float(np.sum(list(out.values()), dtype=float))
    if not abs(total - 1.0) <= COMPOSITION_TOLERANCE:
        raise CCUSInputError(
            f"{name} sums to {total!r}, not 1 within {COMPOSITION_TOLERANCE:g} "
            f"(difference {total - 1.0:+.3e})"
        )
    return out


def mass_to_mole_fractions(mass_fractions: Mapping[str, float]) -> dict[str, float]:
    """Convert mass fractions to mole fractions.

    Parameters
    ----------
    mass_fractions : mapping of str to float
        Mass fraction of each species, summing to one. [kg/kg]

    Returns
    -------
    dict of str to float
        Mole fraction of each species. [mol/mol]

    Notes
    -----
    .. math:: x_i = \\frac{w_i / M_i}{\\sum_j w_j / M_j}

    with molar masses :math:`M_i` from CoolProp's fluid files (definition of mole fraction,
    e.g. IUPAC Green Book, 3rd ed., section 2.10).
    """
    w = _check_fractions(mass_fractions, "mass_fractions")
    n = {k: v / molar_mass(k) for k, v in w.items()}
    s = sum(n.values())
    return {k: v / s for k, v in n.items()}


def mole_to_mass_fractions(mole_fractions: Mapping[str, float]) -> dict[str, float]:
    """Convert mole fractions to mass fractions.

    Parameters
    ----------
    mole_fractions : mapping of str to float
        Mole fraction of each species, summing to one. [mol/mol]

    Returns
    -------
    dict of str to float
        Mass fraction of each species. [kg/kg]

    Notes
    -----
    .. math:: w_i = \\frac{x_i M_i}{\\sum_j x_j M_j}
    """
    x = _check_fractions(mole_fractions, "mole_fractions")
    m = {k: v * molar_mass(k) for k, v in x.items()}
    s = sum(m.values())
    return {k: v / s for k, v in m.items()}


def normalize_composition(
    composition: Mapping[str, float] | None, basis: Basis = "mole"
) -> tuple[tuple[str, ...], tuple[float, ...]] | None:
    """Check a composition and return it as sorted (species, mole fractions), or None if pure.

    Parameters
    ----------
    composition : mapping of str to float or None
        Species (keys of :data:`SPECIES`) to fraction; None or ``{"CO2": 1}`` for pure CO2. [-]
    basis : {"mole", "mass"}
        Whether the fractions are mole or mass fractions. [-]

    Returns
    -------
    tuple or None
        ``(species, mole_fractions)`` with zero entries dropped, CO2 first; None for pure
        CO2. [-]

    Raises
    ------
    CCUSInputError
        Unknown species, a fraction outside [0, 1], a sum that differs from one by more
        than 1e-9 (the message gives the sum), or no CO2 at all.
    """
    if composition is None:
        return None
    if basis == "mole":
        x = _check_fractions(composition, "composition")
    elif basis == "mass":
        x = mass_to_mole_fractions(composition)
    else:
        raise CCUSInputError(f"basis must be 'mole' or 'mass', got {basis!r}")
    x = {k: v for k, v in x.items() if v > 0.0}
    if "CO2" not in x:
        raise CCUSInputError(
            "composition has no CO2: ccus models CO2 streams (CO2 with impurities)"
        )
    if set(x) == {"CO2"}:
        return None
    keys = sorted(x, key=lambda k: (k != "CO2", k))
    return tuple(keys), tuple(x[k] for k in keys)


# ------------------------------------------------------------------------- validity checks


def melting_pressure(T: ArrayLike) -> np.ndarray:
    """Melting pressure of CO2 (Span & Wagner 1996, eq. 3.10).

    Parameters
    ----------
    T : array_like
        Temperature, at or above the triple point. [K]

    Returns
    -------
    numpy.ndarray
        Melting pressure; NaN below the triple point. [Pa]

    Notes
    -----
    .. math:: p_m / p_t = 1 + 1955.5390 (T/T_t - 1) + 2055.4593 (T/T_t - 1)^2

    with :math:`T_t` = 216.592 K and :math:`p_t` = 0.51795 MPa, valid from the triple point
    to 327 K (eq. 3.10 of [1]_; the same correlation is used by CoolProp).

    References
    ----------
    .. [1] R. Span, W. Wagner, "A New Equation of State for Carbon Dioxide Covering the Fluid
       Region from the Triple-Point Temperature to 1100 K at Pressures up to 800 MPa",
       J. Phys. Chem. Ref. Data 25(6), 1509-1596 (1996), eq. (3.10).
    """
    T = np.asarray(T, dtype=float)
    Tt, pt = 216.592, 0.51795e6
    x = T / Tt - 1.0
    with np.errstate(invalid="ignore"):
        pm = pt * (1.0 + 1955.5390 * x + 2055.4593 * x * x)
    return np.where(T >= Tt, pm, np.nan)


def _validate_pT(p: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Flags for (p, T) states of CO2 (pure-fluid limits; also applied to mixtures)."""
    flags = np.zeros(p.shape, dtype=np.int32)
    with np.errstate(invalid="ignore"):
        # one cheap screen; the individual rules only for states that fail it
        Tt = CO2_LIMITS["T_triple"]
        x = T / Tt - 1.0
        pm = 0.51795e6 * (1.0 + 1955.5390 * x + 2055.4593 * x * x)  # SW eq. 3.10
        good = (T >= Tt) & (T <= CO2_LIMITS["T_max"]) & (p > 0.0) & (p <= CO2_LIMITS["p_max"])
        good &= (p <= pm) | (T >= 327.0)
        if good.all():
            return flags
        bad = ~(np.isfinite(p) & np.isfinite(T))
        flags[bad] |= Flag.NAN_INPUT
        below = T < Tt
        flags[below] |= Flag.BELOW_TRIPLE
        oor = (p <= 0.0) | (p > CO2_LIMITS["p_max"]) | (T > CO2_LIMITS["T_max"])
        flags[oor] |= Flag.OUT_OF_RANGE
        solid = (T >= Tt) & (T < 327.0) & (p > melting_pressure(T))
        flags[solid] |= Flag.SOLID
    return flags


def _validate_p(p: np.ndarray, x: np.ndarray) -> np.ndarray:
    flags = np.zeros(p.shape, dtype=np.int32)
    flags[~(np.isfinite(p) & np.isfinite(x))] |= Flag.NAN_INPUT
    with np.errstate(invalid="ignore"):
        flags[(p <= 0.0) | (p > CO2_LIMITS["p_max"])] |= Flag.OUT_OF_RANGE
    return flags


_RULES = {
    Flag.NAN_INPUT: "inputs must be finite (not NaN or inf)",
    Flag.BELOW_TRIPLE: f"T must be >= the triple point {CO2_LIMITS['T_triple']} K",
    Flag.SOLID: "p must be below the melting pressure at T (Span & Wagner 1996 eq. 3.10)",
    Flag.OUT_OF_RANGE: (
        f"need 0 < p <= {CO2_LIMITS['p_max']:g} Pa and T <= {CO2_LIMITS['T_max']:g} K"
    ),
}


def _raise_for(flags: np.ndarray, names: tuple[str, str], a: np.ndarray, b: np.ndarray) -> None:
    bad = (flags & int(_INPUT_FLAGS)) != 0
    if not np.any(bad):
        return
    idx = int(np.flatnonzero(bad.ravel())[0])
    f = int(flags.ravel()[idx])
    nidx = np.unravel_index(idx, flags.shape) if flags.ndim else ()
    rule = "; ".join(r for k, r in _RULES.items() if f & k)
    raise CCUSInputError(
        f"{int(bad.sum())} invalid state(s); first at index {tuple(int(i) for i in nidx)}: "
        f"{names[0]}={float(a.ravel()[idx])!r}, {names[1]}={float(b.ravel()[idx])!r}: {rule}"
    )


# --------------------------------------------------------------------------- exact backend


@functools.lru_cache(maxsize=64)
def _mixture_state(species: tuple[str, ...], x: tuple[float, ...]) -> Any:
    st = CP.AbstractState("HEOS", "&".join(SPECIES[s] for s in species))
    st.set_mole_fractions(list(x))
    return st


_AS_KEYS: dict[str, Callable[[Any], float]] = {
    "density": lambda s: s.rhomass(),
    "enthalpy": lambda s: s.hmass(),
    "entropy": lambda s: s.smass(),
    "cp": lambda s: s.cpmass(),
    "speed_of_sound": lambda s: s.speed_sound(),
    "viscosity": lambda s: s.viscosity(),
    "thermal_conductivity": lambda s: s.conductivity(),
    "phase": lambda s: float(s.phase()),
    "temperature": lambda s: s.T(),
}

_PAIRS_PURE = {"PT": ("P", "T"), "PH": ("P", "Hmass"), "PS": ("P", "Smass")}


def _exact_pure(prop: str, pair: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """CoolProp HEOS for pure CO2 through PropsSI's array interface; inf/errors -> NaN."""
    out = np.full(a.shape, np.nan)
    if a.size == 0:
        return out
    k1, k2 = _PAIRS_PURE[pair]
    try:
        v = np.asarray(CP.PropsSI(_OUTPUTS[prop][0], k1, a, k2, b, _PURE), dtype=float)
    except ValueError:
        v = np.array([_exact_pure_scalar(prop, pair, x, y) for x, y in zip(a, b, strict=True)])
    v = np.where(np.isfinite(v), v, np.nan)
    out[:] = v
    return out


def _exact_pure_scalar(prop: str, pair: str, a: float, b: float) -> float:
    k1, k2 = _PAIRS_PURE[pair]
    try:
        return float(CP.PropsSI(_OUTPUTS[prop][0], k1, float(a), k2, float(b), _PURE))
    except ValueError:
        return float("nan")


def _is_stable_root(st: Any) -> bool:
    """Check a single-phase mixture result of CoolProp against its own stable root.

    CoolProp 8's mixture PT flash sometimes returns a wrong density root (for example a
    near-critical "liquid" of 480 kg/m3 for a CO2-rich gas at 0.27 MPa and 276 K). The
    result must be mechanically stable, (dp/drho)_T > 0; and at the flash's (p, T) the
    gas-like and liquid-like roots are solved with the phase imposed: of the mechanically
    stable roots found, the stable one has the lowest molar Gibbs energy, and the flash
    result is accepted only if its density equals that root's within 1e-6 (relative).
    """
    p, T, rho = st.p(), st.T(), st.rhomolar()
    if not st.first_partial_deriv(CP.iP, CP.iDmolar, CP.iT) > 0.0:
        return False  # mechanically unstable root, (dp/drho)_T <= 0
    best_g, best_rho = np.inf, np.nan
    for imposed in (CP.iphase_gas, CP.iphase_liquid):
        probe = _probe_state(tuple(st.fluid_names()), tuple(st.get_mole_fractions()))
        try:
            probe.specify_phase(imposed)
            probe.update(CP.PT_INPUTS, p, T)
            g, r = probe.gibbsmolar(), probe.rhomolar()
            if not probe.first_partial_deriv(CP.iP, CP.iDmolar, CP.iT) > 0.0:
                continue
        except ValueError:
            continue
        finally:
            probe.unspecify_phase()
        if np.isfinite(g) and g < best_g - 1e-9 * abs(g):
            best_g, best_rho = g, r
    if not np.isfinite(best_rho):
        return True  # no root to compare with: keep CoolProp's answer
    return bool(abs(rho / best_rho - 1.0) <= 1e-6)


def _agrees_with_side(st: Any, side: int) -> bool:
    """The flash density must equal the single-phase root on the envelope's side.

    Side 0 (below the dew line) is solved as gas, side 1 as liquid, with the phase imposed.
    CoolProp 8's GERG mixture flash sometimes lands on a dense root at low pressure where
    the traced phase envelope says vapour (e.g. 480 kg/m3 at 0.27 MPa, 276 K for 96 % CO2
    with N2, O2, Ar); such a state is returned as NaN with NOT_CONVERGED, never as a number.
    """
    probe = _probe_state(tuple(st.fluid_names()), tuple(st.get_mole_fractions()))
    # Beyond the cricondentherm the envelope's "side" has no root of that kind (imposing
    # liquid at 15 MPa, 400 K raises): then the supercritical root is the comparison, and
    # if CoolProp has none either, the flash result stands on the Gibbs check alone.
    for imposed in (CP.iphase_gas if side == 0 else CP.iphase_liquid, CP.iphase_supercritical):
        try:
            probe.specify_phase(imposed)
            probe.update(CP.PT_INPUTS, st.p(), st.T())
            r = probe.rhomolar()
        except ValueError:
            continue
        finally:
            probe.unspecify_phase()
        return bool(abs(st.rhomolar() / r - 1.0) <= 1e-6)
    return True


@functools.lru_cache(maxsize=64)
def _probe_state(names: tuple[str, ...], x: tuple[float, ...]) -> Any:
    st = CP.AbstractState("HEOS", "&".join(names))
    st.set_mole_fractions(list(x))
    return st


_AS_PAIRS = {"PT": CP.PT_INPUTS, "PH": CP.HmassP_INPUTS, "PS": CP.PSmass_INPUTS}


def _exact_mixture(
    prop: str, pair: str, a: np.ndarray, b: np.ndarray, comp: tuple[tuple[str, ...], tuple]
) -> tuple[np.ndarray, np.ndarray]:
    """CoolProp HEOS mixture (GERG-2008 / Kunz-Wagner parameters), one state at a time.

    CoolProp has no array interface for AbstractState; this loop *is* the cost of the
    reference path. Returns (values, flags): NOT_CONVERGED where CoolProp raised or gave a
    non-finite number, TWO_PHASE where the flash returned a two-phase state.
    """
    from ccus import _tables

    st = _mixture_state(*comp)
    getter = _AS_KEYS[prop]
    code = _AS_PAIRS[pair]
    out = np.full(a.shape, np.nan)
    flags = np.zeros(a.shape, dtype=np.int32)
    side = _tables.envelope_side(comp, b, a) if pair == "PT" else None
    for i in range(a.size):
        try:
            if pair == "PT":
                st.update(code, float(a[i]), float(b[i]))
            else:
                _update_by_temperature(st, pair, float(a[i]), float(b[i]))
            ph = st.phase()
            if ph == CP.iphase_twophase and prop != "phase":
                flags[i] = Flag.TWO_PHASE
                continue
            v = float(getter(st))
            if ph != CP.iphase_twophase and not _is_stable_root(st):
                flags[i] = Flag.NOT_CONVERGED
                continue
            if side is not None and ph != CP.iphase_twophase:
                if side[i] == 2:  # inside CoolProp's own traced envelope
                    flags[i] = Flag.TWO_PHASE
                    continue
                if not _agrees_with_side(st, int(side[i])):
                    flags[i] = Flag.NOT_CONVERGED
                    continue
        except ValueError:
            flags[i] = Flag.NOT_CONVERGED
            continue
        if np.isfinite(v):
            out[i] = v
        else:
            flags[i] = Flag.NOT_CONVERGED
    return out, flags


#: Temperatures scanned to bracket the (p, h) and (p, s) solve for mixtures. [K]
_MIX_T_SCAN = (216.6, 230.0, 250.0, 270.0, 290.0, 310.0, 340.0, 380.0, 450.0, 550.0, 700.0, 1000.0)


def _update_by_temperature(st: Any, pair: str, p: float, target: float) -> None:
    """Set a mixture state from (p, h) or (p, s) by solving for T on CoolProp's PT flash.

    CoolProp 8's own HmassP / PSmass flashes do not converge for CO2-rich mixtures, even at
    1 bar; h and s rise monotonically with T at constant p (two-phase included), so a
    bracketed root (Brent) on the PT flash finds the state. Raises ValueError when the
    target is outside the bracket or a PT flash fails, which the caller flags.
    """
    getter = st.hmass if pair == "PH" else st.smass

    def residual(T: float) -> float:
        st.update(CP.PT_INPUTS, p, T)
        if st.phase() != CP.iphase_twophase and not _is_stable_root(st):
            raise ValueError("the PT flash landed on an unstable or wrong root")
        return float(getter()) - target

    # Coarse scan downward from the hottest temperature for the first sign change among the
    # temperatures where the PT flash succeeds (it can fail, or land on a spurious root, at
    # low T and high p for mixtures), then Brent inside that bracket.
    upper: tuple[float, float] | None = None
    for T in reversed(_MIX_T_SCAN):
        try:
            f = residual(T)
        except ValueError:
            continue
        if not np.isfinite(f):
            continue
        if upper is not None and f <= 0.0 < upper[1]:
            lo, hi = T, upper[0]
            break
        upper = (T, f)
    else:
        raise ValueError("target outside the temperatures where the PT flash succeeds")
    T = brentq(residual, lo, hi, xtol=1e-9, rtol=1e-13, maxiter=200)
    st.update(CP.PT_INPUTS, p, float(T))


# ------------------------------------------------------------------------------ core engine


def _compute(
    prop: str,
    pair: str,
    a: np.ndarray,
    b: np.ndarray,
    comp: tuple[tuple[str, ...], tuple] | None,
    method: Method,
    errors: Errors,
) -> tuple[np.ndarray, np.ndarray]:
    """Evaluate ``prop`` at states (a, b) of input ``pair`` on broadcast float arrays."""
    if method not in ("fast", "exact"):
        raise CCUSInputError(f"method must be 'fast' or 'exact', got {method!r}")
    if errors not in ("raise", "nan"):
        raise CCUSInputError(f"errors must be 'raise' or 'nan', got {errors!r}")
    shape = a.shape
    a = a.ravel()
    b = b.ravel()
    names = {"PT": ("p", "T"), "PH": ("p", "h"), "PS": ("p", "s")}[pair]
    flags = _validate_pT(a, b) if pair == "PT" else _validate_p(a, b)
    if errors == "raise":
        _raise_for(flags.reshape(shape), names, a.reshape(shape), b.reshape(shape))
    ok = flags == 0
    all_ok = bool(ok.all())
    out = np.full(a.shape, np.nan)
    if method == "fast":
        from ccus import _tables

        if all_ok:  # common case: no subsetting copies
            out, done, fflags = _tables.evaluate(prop, pair, a, b, comp)
            flags |= fflags
            ok = ~done
            if fflags.any():
                ok &= flags == 0
        else:
            v, done, fflags = _tables.evaluate(prop, pair, a[ok], b[ok], comp)
            sub = np.flatnonzero(ok)
            out[sub[done]] = v[done]
            flags[sub] |= fflags
            ok[sub[done]] = False  # the rest goes to the exact path
            ok &= flags == 0
    if np.any(ok):
        if comp is None:
            v = _exact_pure(prop, pair, a[ok], b[ok])
            f = np.where(np.isnan(v), int(Flag.NOT_CONVERGED), 0).astype(np.int32)
            if pair != "PT" and prop != "temperature":
                # the flash must land on a fluid state above the triple point
                Tx = _exact_pure("temperature", pair, a[ok], b[ok])
                tf = _validate_pT(a[ok], Tx) & ~int(Flag.NAN_INPUT)
                v = np.where(tf == 0, v, np.nan)
                f |= tf.astype(np.int32)
        else:
            v, f = _exact_mixture(prop, pair, a[ok], b[ok], comp)
        out[ok] = v
        flags[ok] |= f
    if pair != "PT" and errors == "raise":
        _raise_for(flags.reshape(shape), names, a.reshape(shape), b.reshape(shape))
    bad = flags != 0
    if bad.any():
        out[bad] = np.nan
    return out.reshape(shape), flags.reshape(shape)


def _public(
    prop: str,
    pair: str,
    a: ArrayLike,
    b: ArrayLike,
    composition: Mapping[str, float] | None,
    method: Method,
    errors: Errors,
    basis: Basis,
    return_flags: bool,
) -> Any:
    comp = normalize_composition(composition, basis)
    unit = _OUTPUTS[prop][1]

    def kernel(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xa, ya = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return _compute(prop, pair, xa, ya, comp, method, errors)

    if isinstance(a, xr.DataArray) or isinstance(b, xr.DataArray):
        v, f = xr.apply_ufunc(
            kernel,
            a,
            b,
            output_core_dims=[[], []],
            dask="parallelized",
            output_dtypes=[float, np.int32],
        )
        v.attrs["units"] = unit
        v.name = prop
        f.attrs["units"] = "1"
        f.attrs["flag_meanings"] = " ".join(m.name or "" for m in Flag if m)
        f.attrs["flag_masks"] = [int(m) for m in Flag if m]
        f.name = f"{prop}_flags"
        return (v, f) if return_flags else v
    v, f = kernel(a, b)
    if np.ndim(a) == 0 and np.ndim(b) == 0:
        v, f = v[()], f[()]
    return (v, f) if return_flags else v


def _doc(quantity: str, unit: str, pair: str = "PT") -> Callable[[Callable], Callable]:
    first = {
        "PT": "T : float, array or DataArray\n        Temperature. [K]",
        "PH": "h : float, array or DataArray\n        Specific enthalpy (IIR reference). [J/kg]",
        "PS": "s : float, array or DataArray\n        Specific entropy (IIR reference). [J/kg/K]",
    }[pair]
    text = f"""{quantity} of CO2 or impure CO2 at ({"p, " + pair[1]}).

    Parameters
    ----------
    p : float, array or DataArray
        Absolute pressure. [Pa]
    {first}
    composition : mapping of str to float, optional
        Species to fraction (see :data:`SPECIES`); None for pure CO2. [-]
    method : {{"fast", "exact"}}
        "exact": CoolProp HEOS; "fast": tables with exact fallback (see
        :func:`backend_info` for the table settings and measured error bounds). [-]
    errors : {{"raise", "nan"}}
        What to do with invalid states: raise CCUSInputError, or return NaN and set a
        flag. Non-converged CoolProp states give NaN and a flag in both modes. [-]
    basis : {{"mole", "mass"}}
        Basis of ``composition``. [-]
    return_flags : bool
        Also return the integer :class:`Flag` array (0 = valid). [-]

    Returns
    -------
    float, array or DataArray
        {quantity}. [{unit}]
    flags : same shape, int, only if ``return_flags``
        Bits of :class:`Flag`. [-]

    Notes
    -----
    Exact path: Span & Wagner (1996) equation of state for pure CO2, GERG-2008 (Kunz &
    Wagner 2012) for mixtures, both as implemented in CoolProp's HEOS backend [1]_.

    References
    ----------
    .. [1] I. H. Bell, J. Wronski, S. Quoilin, V. Lemort, "Pure and Pseudo-pure Fluid
       Thermophysical Property Evaluation and the Open-Source Thermophysical Property
       Library CoolProp", Ind. Eng. Chem. Res. 53(6), 2498-2508 (2014).
    """

    def deco(f: Callable) -> Callable:
        f.__doc__ = text
        return f

    return deco


@_doc("Mass density", "kg/m3")
def density(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("density", "PT", p, T, composition, method, errors, basis, return_flags)


@_doc("Specific enthalpy", "J/kg")
def enthalpy(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("enthalpy", "PT", p, T, composition, method, errors, basis, return_flags)


@_doc("Specific entropy", "J/kg/K")
def entropy(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("entropy", "PT", p, T, composition, method, errors, basis, return_flags)


@_doc("Isobaric specific heat capacity", "J/kg/K")
def isobaric_heat_capacity(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("cp", "PT", p, T, composition, method, errors, basis, return_flags)


cp = isobaric_heat_capacity


@_doc("Speed of sound", "m/s")
def speed_of_sound(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("speed_of_sound", "PT", p, T, composition, method, errors, basis, return_flags)


@_doc("Dynamic viscosity", "Pa s")
def viscosity(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("viscosity", "PT", p, T, composition, method, errors, basis, return_flags)


@_doc("Thermal conductivity", "W/m/K")
def thermal_conductivity(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public(
        "thermal_conductivity", "PT", p, T, composition, method, errors, basis, return_flags
    )


def phase(
    p: ArrayLike,
    T: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    """Phase of CO2 or impure CO2 at (p, T), as an integer code of :data:`PHASES`.

    Parameters
    ----------
    p : float, array or DataArray
        Absolute pressure. [Pa]
    T : float, array or DataArray
        Temperature. [K]
    composition, method, errors, basis, return_flags
        As in :func:`density`. [-]

    Returns
    -------
    int array or DataArray
        Phase code (CoolProp ``iphase``): 0 liquid, 1 supercritical, 2 supercritical_gas,
        3 supercritical_liquid, 4 critical_point, 5 gas, 6 two_phase; -1 where the state
        is invalid (its flag is set). [-]
    """
    res = _public("phase", "PT", p, T, composition, method, errors, basis, True)
    v, f = res

    def to_int(x: Any) -> Any:
        arr = np.asarray(x)
        return np.where(np.isfinite(arr), arr, -1).astype(np.int8)

    if isinstance(v, xr.DataArray):
        out = xr.apply_ufunc(to_int, v, dask="parallelized", output_dtypes=[np.int8])
        out.attrs["units"] = "1"
        out.attrs["flag_values"] = list(PHASES)
        out.attrs["flag_meanings"] = " ".join(PHASES.values())
    else:
        out = to_int(v)
        if np.ndim(out) == 0:
            out = int(out)
    return (out, f) if return_flags else out


@_doc("Temperature", "K", "PH")
def temperature_ph(
    p: ArrayLike,
    h: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("temperature", "PH", p, h, composition, method, errors, basis, return_flags)


@_doc("Mass density", "kg/m3", "PH")
def density_ph(
    p: ArrayLike,
    h: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("density", "PH", p, h, composition, method, errors, basis, return_flags)


@_doc("Specific entropy", "J/kg/K", "PH")
def entropy_ph(
    p: ArrayLike,
    h: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("entropy", "PH", p, h, composition, method, errors, basis, return_flags)


@_doc("Specific enthalpy", "J/kg", "PS")
def enthalpy_ps(
    p: ArrayLike,
    s: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("enthalpy", "PS", p, s, composition, method, errors, basis, return_flags)


@_doc("Temperature", "K", "PS")
def temperature_ps(
    p: ArrayLike,
    s: ArrayLike,
    composition: Mapping[str, float] | None = None,
    *,
    method: Method = "fast",
    errors: Errors = "raise",
    basis: Basis = "mole",
    return_flags: bool = False,
) -> Any:
    return _public("temperature", "PS", p, s, composition, method, errors, basis, return_flags)


def saturation_pressure(T: ArrayLike) -> np.ndarray:
    """Saturation (vapour) pressure of pure CO2 from the Span & Wagner EOS via CoolProp.

    Parameters
    ----------
    T : array_like
        Temperature, between the triple point and the critical temperature. [K]

    Returns
    -------
    numpy.ndarray
        Saturation pressure; NaN outside [T_triple, T_critical]. [Pa]

    Notes
    -----
    Phase equilibrium (equal p, T and Gibbs energy) of the Span & Wagner (1996) equation of
    state, solved by CoolProp's HEOS ``QT`` flash.
    """
    T = np.asarray(T, dtype=float)
    ok = (T >= CO2_LIMITS["T_triple"]) & (T <= CO2_LIMITS["T_critical"])
    out = np.full(T.shape, np.nan)
    if np.any(ok):
        out[ok] = CP.PropsSI("P", "T", T[ok], "Q", np.zeros(int(ok.sum())), _PURE)
    return out


def backend_info() -> dict[str, Any]:
    """Provenance of property results: CoolProp version, backend, fluids, fast-path settings.

    Returns
    -------
    dict
        ``coolprop_version``, ``coolprop_gitrevision``, ``backend`` ("HEOS"), ``fluids``
        (species -> CoolProp name), ``reference_state``, ``fast_path`` (table grids, the
        critical band and the measured error bounds). [-]
    """
    from ccus import _tables

    return {
        "coolprop_version": CoolProp.__version__,
        "coolprop_gitrevision": CoolProp.__gitrevision__,
        "backend": "HEOS",
        "fluids": dict(SPECIES),
        "pure_fluid": "CarbonDioxide (Span & Wagner 1996)",
        "mixture_model": "GERG-2008 / Kunz & Wagner departure functions as in CoolProp",
        "reference_state": "IIR (h=200 kJ/kg, s=1 kJ/kg/K, saturated liquid at 0 degC)",
        "fast_path": _tables.settings(),
    }

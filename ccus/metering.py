"""CO2 metering: volume at reference conditions to mass, composition, meter reconciliation.

All functions are vectorised over numpy arrays and xarray DataArrays (time series).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import xarray as xr

from ccus import properties
from ccus.errors import CCUSInputError
from ccus.properties import mass_to_mole_fractions, mole_to_mass_fractions

__all__ = [
    "REFERENCE_CONDITIONS",
    "EPA_CO2_DENSITY",
    "reference_conditions",
    "co2_density_at_reference",
    "co2_mass_from_volume",
    "co2_mass_from_mass_flow",
    "reconcile_meters",
    "mass_to_mole_fractions",
    "mole_to_mass_fractions",
]

_PSI = 6894.757293168361  # Pa per psi (NIST SP 811, 2008, B.9)

#: Named reference conditions: (pressure [Pa], temperature [K], source).
REFERENCE_CONDITIONS: dict[str, tuple[float, float, str]] = {
    "us_standard": (
        14.696 * _PSI,
        (60.0 - 32.0) / 1.8 + 273.15,
        "40 CFR 98.6 'standard conditions': 60 degF and 14.696 psia",
    ),
    "normal": (101325.0, 273.15, "0 degC and 1 atm (EU MRR Nm3 basis)"),
    "iso": (101325.0, 288.15, "ISO 13443:1996 standard reference conditions, 15 degC, 1 atm"),
}

#: EPA's fixed CO2 density at standard conditions, 40 CFR 98.443 eq. RR-2. [t/m3]
EPA_CO2_DENSITY = 0.0018682

ArrayLike = Any


def reference_conditions(reference: str | tuple[float, float]) -> tuple[float, float]:
    """Pressure and temperature of named or stated reference conditions.

    Parameters
    ----------
    reference : str or (float, float)
        A key of :data:`REFERENCE_CONDITIONS`, or ``(p, T)``. [-], ([Pa], [K])

    Returns
    -------
    (float, float)
        Reference pressure [Pa] and temperature [K].
    """
    if isinstance(reference, str):
        if reference not in REFERENCE_CONDITIONS:
            raise CCUSInputError(
                f"reference {reference!r} is not one of {sorted(REFERENCE_CONDITIONS)} "
                "or a (p [Pa], T [K]) tuple"
            )
        p, T, _ = REFERENCE_CONDITIONS[reference]
        return p, T
    p, T = (float(v) for v in reference)
    if not (np.isfinite(p) and np.isfinite(T) and p > 0 and T > 0):
        raise CCUSInputError(f"reference conditions (p={p!r} Pa, T={T!r} K) must be positive")
    return p, T


def co2_density_at_reference(
    reference: str | tuple[float, float] = "us_standard",
    composition: Mapping[str, float] | None = None,
    *,
    density: Literal["real", "epa_default"] = "real",
) -> float:
    """Density at reference conditions, real-gas (CoolProp HEOS) or EPA's fixed default.

    Parameters
    ----------
    reference : str or (float, float)
        Reference conditions (see :func:`reference_conditions`). [-]
    composition : mapping, optional
        Mole fractions of the stream; None for pure CO2. [mol/mol]
    density : {"real", "epa_default"}
        "real": Span & Wagner (pure) or GERG-2008 (mixture) density via CoolProp HEOS;
        "epa_default": D = 0.0018682 t/sm3 of 40 CFR 98.443 (pure CO2 at US standard
        conditions only). [-]

    Returns
    -------
    float
        Density. [kg/m3]

    Notes
    -----
    CoolProp HEOS gives 1.86818 kg/m3 for pure CO2 at 60 degF and 14.696 psia, which is
    EPA's D to five significant figures (reference notes ccus-anchors.md section 1).
    """
    if density == "epa_default":
        if composition is not None or reference != "us_standard":
            raise CCUSInputError(
                "density='epa_default' is EPA's pure-CO2 D at US standard conditions "
                "(40 CFR 98.443); it cannot be used with another reference or a composition"
            )
        return EPA_CO2_DENSITY * 1000.0
    if density != "real":
        raise CCUSInputError(f"density must be 'real' or 'epa_default', got {density!r}")
    p, T = reference_conditions(reference)
    return float(properties.density(p, T, composition, method="exact"))


def _check_series(name: str, x: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """``x`` as a float array (a DataArray stays one), checked finite and within [lo, hi]."""
    if not isinstance(x, xr.DataArray):
        x = np.asarray(x, dtype=float)
    arr = np.asarray(x.values if isinstance(x, xr.DataArray) else x, dtype=float)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        i = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), arr.shape)
        raise CCUSInputError(f"{name} has {int(bad.sum())} NaN/inf value(s); first at {i}")
    for limit, out in (
        (lo, arr < (lo if lo is not None else 0.0)),
        (hi, arr > (hi if hi is not None else 0.0)),
    ):
        if limit is not None and np.any(out):
            i = np.unravel_index(int(np.flatnonzero(out.ravel())[0]), arr.shape)
            raise CCUSInputError(f"{name} = {arr[i]!r} at {i} is outside [{lo}, {hi}]")
    return x


def co2_mass_from_volume(
    volume: ArrayLike,
    co2_fraction: ArrayLike = 1.0,
    *,
    reference: str | tuple[float, float] = "us_standard",
    density: Literal["real", "epa_default"] = "real",
    fraction_basis: Literal["volume", "mass"] = "volume",
    composition: Mapping[str, float] | None = None,
    water_fraction: ArrayLike = 0.0,
    dry_basis: bool = False,
) -> Any:
    """CO2 mass from a volume at reference conditions (40 CFR 98.443 eq. RR-2 form).

    Parameters
    ----------
    volume : array_like or DataArray
        Metered gas volume at the reference conditions, net of redelivered volume. [m3]
    co2_fraction : array_like or DataArray
        CO2 concentration of the metered gas, by volume (mole) or by mass. [m3/m3] or [kg/kg]
    reference : str or (float, float)
        Reference conditions of ``volume``. [-]
    density : {"real", "epa_default"}
        See :func:`co2_density_at_reference`. [-]
    fraction_basis : {"volume", "mass"}
        "volume": mass = V * D_CO2 * C (RR-2, Amagat partial volumes); "mass": mass =
        V * rho_stream * C with the whole-stream density of ``composition`` (Subpart PP
        eq. PP-2 with a measured stream density). [-]
    composition : mapping, optional
        Stream composition (mole fractions) for ``fraction_basis="mass"``. [mol/mol]
    water_fraction : array_like
        Mole fraction of water vapour in the metered (wet) gas. [mol/mol]
    dry_basis : bool
        True if ``co2_fraction`` is on a dry basis while ``volume`` is wet gas: the fraction
        is converted to the wet basis as C_wet = C_dry (1 - y_H2O). [-]

    Returns
    -------
    array_like or DataArray
        CO2 mass. [t]

    Notes
    -----
    .. math:: m_{CO2} = V \\cdot D \\cdot C

    Eq. RR-2 of 40 CFR 98.443 (D = 0.0018682 t/sm3) or, with a real-gas density, the same
    form with D from the equation of state; eq. PP-2 of 40 CFR 98.423 for the mass basis.

    References
    ----------
    .. [1] 40 CFR Part 98, Subpart RR, 98.443, eq. RR-2; Subpart PP, 98.423, eq. PP-2.
    """
    volume = _check_series("volume", volume, lo=0.0)
    co2_fraction = _check_series("co2_fraction", co2_fraction, lo=0.0, hi=1.0)
    water_fraction = _check_series("water_fraction", water_fraction, lo=0.0)
    c = co2_fraction
    yw = np.asarray(water_fraction, dtype=float)
    if np.any(yw < 0) or np.any(yw >= 1):
        raise CCUSInputError("water_fraction must lie in [0, 1)")
    if dry_basis:
        c = c * (1.0 - water_fraction)
    if fraction_basis == "volume":
        if composition is not None:
            raise CCUSInputError("fraction_basis='volume' uses the pure-CO2 density D")
        rho = co2_density_at_reference(reference, None, density=density)
    elif fraction_basis == "mass":
        if density == "epa_default":
            raise CCUSInputError("the mass basis needs the whole-stream density (PP-2)")
        rho = co2_density_at_reference(reference, composition, density="real")
    else:
        raise CCUSInputError(f"fraction_basis must be 'volume' or 'mass', got {fraction_basis!r}")
    out = volume * (rho / 1000.0) * c
    if isinstance(out, xr.DataArray):
        out.attrs["units"] = "t"
        out.attrs["density_kg_m3"] = rho
    return out


def co2_mass_from_mass_flow(mass: ArrayLike, co2_mass_fraction: ArrayLike = 1.0) -> Any:
    """CO2 mass from a mass meter (40 CFR 98.443 eq. RR-1 form).

    Parameters
    ----------
    mass : array_like or DataArray
        Metered stream mass, net of redelivered mass. [t]
    co2_mass_fraction : array_like or DataArray
        CO2 concentration by weight. [kg/kg]

    Returns
    -------
    array_like or DataArray
        CO2 mass. [t]

    Notes
    -----
    .. math:: m_{CO2} = Q \\cdot C_{CO2}

    References
    ----------
    .. [1] 40 CFR Part 98, Subpart RR, 98.443, eq. RR-1.
    """
    mass = _check_series("mass", mass, lo=0.0)
    co2_mass_fraction = _check_series("co2_mass_fraction", co2_mass_fraction, lo=0.0, hi=1.0)
    return mass * co2_mass_fraction


def reconcile_meters(
    upstream: ArrayLike,
    downstream: ArrayLike,
    u_upstream: float,
    u_downstream: float,
    *,
    coverage: float = 2.0,
    expected_loss: ArrayLike = 0.0,
) -> dict[str, Any]:
    """Compare two meters along a chain: imbalance and whether it is within uncertainty.

    Parameters
    ----------
    upstream, downstream : array_like or DataArray
        CO2 mass through the upstream and downstream meter per interval. [t]
    u_upstream, u_downstream : float
        Relative standard uncertainty of each meter. [-]
    coverage : float
        Coverage factor k of the acceptance band. [-]
    expected_loss : array_like
        Known losses between the meters (vented, leaked, inventory change). [t]

    Returns
    -------
    dict
        ``imbalance`` (upstream - downstream - expected_loss) [t], ``relative_imbalance``
        (imbalance / upstream) [-], ``u_combined`` (standard uncertainty of the imbalance)
        [t], ``within`` (|imbalance| <= k u_combined) [-], and the same for the totals over
        all intervals: ``total_imbalance`` [t], ``total_u_combined`` [t], ``total_within``.

    Notes
    -----
    .. math:: u_c = \\sqrt{(u_1 m_1)^2 + (u_2 m_2)^2}

    Law of propagation of uncertainty for uncorrelated inputs, JCGM 100:2008 (GUM) eq. (10).
    Over the totals each meter's relative uncertainty is treated as fully correlated in time
    (a calibration bias), so u_total = u_1 * sum(m_1) combined with u_2 * sum(m_2).
    """
    _check_series("upstream", upstream)
    _check_series("downstream", downstream)
    for name, u in (("u_upstream", u_upstream), ("u_downstream", u_downstream)):
        if not (np.isfinite(u) and u >= 0):
            raise CCUSInputError(f"{name}={u!r} must be a finite non-negative number")
    imb = upstream - downstream - expected_loss
    uc = np.sqrt((u_upstream * upstream) ** 2 + (u_downstream * downstream) ** 2)
    tot_up = float(np.sum(upstream))
    tot_dn = float(np.sum(downstream))
    tot_imb = float(np.sum(imb))
    tot_u = float(np.hypot(u_upstream * tot_up, u_downstream * tot_dn))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = imb / upstream
    return {
        "imbalance": imb,
        "relative_imbalance": rel,
        "u_combined": uc,
        "within": abs(imb) <= coverage * uc,
        "total_imbalance": tot_imb,
        "total_u_combined": tot_u,
        "total_within": bool(abs(tot_imb) <= coverage * tot_u),
    }

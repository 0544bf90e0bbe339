"""Ship and truck transport of liquid CO2: boil-off, fuel and its CO2, loading and unloading
losses, the mass balance of a voyage, and a time-series transport with transit delay.

Liquid CO2 travels semi-refrigerated (e.g. about -50 degC and 0.6-0.7 MPa on large carriers,
or -30 to -10 degC and 1.5-3 MPa on medium-pressure ships). Heat leaking into the tanks boils
cargo; the boil-off is vented (often with the engine exhaust) or reliquefied and returned to
the tanks. At unloading the liquid is replaced by CO2 vapour ("vapour return"), which stays
on board and returns with the ship; what is not returned is vented.

References
----------
.. [1] IEAGHG (2004). Ship transport of CO2. Report PH4/30, prepared by Mitsubishi Heavy
   Industries, July 2004 (chain, boil-off vented with exhaust or reliquefied; vapour
   replacing the unloaded liquid), as summarised in IPCC (2005) SRCCS ch. 4.
.. [2] IMO MEPC.364(79) (2022), 2022 Guidelines on the method of calculation of the attained
   EEDI, Table of carbon factors Cf; the same factors as EU MRV Regulation (EU) 2015/757
   Annex I (HFO 3.114, LFO 3.151 t CO2/t fuel) [V-2nd].
.. [3] Span, R. and Wagner, W. (1996). J. Phys. Chem. Ref. Data 25(6), 1509-1596 (latent heat
   through CoolProp HEOS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccus.errors import CCUSInputError

__all__ = [
    "MARINE_FUEL_CO2_FACTORS",
    "TRUCK_FUEL_CO2_FACTORS",
    "latent_heat_of_vaporisation",
    "heat_ingress",
    "boil_off_rate_from_heat_ingress",
    "boil_off_mass_from_rate",
    "boil_off_fraction_from_heat_ingress",
    "fuel_mass_per_tonne_km",
    "fuel_mass_at_sea",
    "combustion_co2",
    "VoyageBalance",
    "voyage_balance",
    "loss_per_1000_km",
    "TransportSeries",
    "liquid_transport_series",
]

FloatArray = NDArray[np.float64]

#: Carbon factors Cf of marine fuels, t CO2 per t fuel, with source and how sure it is.
#: Pass the factor explicitly to :func:`combustion_co2`; this table is for lookup only.
MARINE_FUEL_CO2_FACTORS: dict[str, tuple[float, str]] = {
    "HFO": (3.114, "IMO MEPC.364(79) Cf; EU MRV 2015/757 Annex I, ISO 8217 RME-RMK [V-2nd]"),
    "LFO": (3.151, "IMO MEPC.364(79) Cf; EU MRV 2015/757 Annex I, ISO 8217 RMA-RMD [V-2nd]"),
    "MDO/MGO": (3.206, "IMO MEPC.364(79) Cf, ISO 8217 DMX-DMB [M]"),
    "LNG": (2.750, "IMO MEPC.364(79) Cf [M]"),
}

#: Diesel for trucks, t CO2 per t fuel: IPCC 2006 Vol. 2 ch. 3 Table 3.2.1 default
#: 74,100 kg CO2/TJ times NCV 43.0 TJ/Gg (Vol. 2 ch. 1 Table 1.2) = 3.186 t/t [M].
TRUCK_FUEL_CO2_FACTORS: dict[str, tuple[float, str]] = {
    "diesel": (3.186, "IPCC 2006 Vol.2 ch.3 Table 3.2.1 (74 100 kg/TJ) x NCV 43.0 TJ/Gg [M]"),
}


def _arr(x: ArrayLike, name: str, *, nonneg: bool = True) -> FloatArray:
    a = np.asarray(x, dtype=float)
    bad = np.isnan(a) | ((a < 0) if nonneg else np.zeros(a.shape, bool))
    if np.any(bad):
        i = int(np.argmax(bad.ravel()))
        raise CCUSInputError(f"{name} must be a number >= 0; got {a.ravel()[i]} at flat index {i}")
    return a


def _fraction(x: ArrayLike, name: str) -> FloatArray:
    a = _arr(x, name)
    if np.any(a > 1):
        i = int(np.argmax((a > 1).ravel()))
        raise CCUSInputError(f"{name} is a fraction and must be <= 1; got {a.ravel()[i]}")
    return a


def latent_heat_of_vaporisation(p: ArrayLike) -> FloatArray:
    """Latent heat of vaporisation of pure CO2 at the tank pressure.

    Parameters
    ----------
    p : array_like
        Saturation (tank) pressure, between the triple-point and critical pressures. [Pa]

    Returns
    -------
    numpy.ndarray
        :math:`h_{vap} - h_{liq}` at saturation. [J/kg]

    Notes
    -----
    Saturated-vapour minus saturated-liquid enthalpy of the Span-Wagner EOS [3]_, through
    CoolProp HEOS directly (``PropsSI`` with quality 1 and 0): :mod:`ccus.properties` has no
    saturation enthalpies. About 3.4e5 J/kg at 0.7 MPa.
    """
    import CoolProp.CoolProp as CP

    pa = _arr(p, "p")
    if np.any((pa < 0.51795e6) | (pa > 7.3773e6)):
        raise CCUSInputError("latent heat: p must lie between 0.51795 and 7.3773 MPa")
    flat = np.atleast_1d(pa).ravel()
    hv = CP.PropsSI("H", "P", flat, "Q", np.ones(flat.size), "CO2")
    hl = CP.PropsSI("H", "P", flat, "Q", np.zeros(flat.size), "CO2")
    out = (np.asarray(hv) - np.asarray(hl)).reshape(np.shape(pa))
    return np.asarray(out)


def heat_ingress(
    U: ArrayLike, area: ArrayLike, T_ambient: ArrayLike, T_cargo: ArrayLike
) -> FloatArray:
    """Heat flow through the insulation of a cargo tank.

    Parameters
    ----------
    U : array_like
        Overall heat transfer coefficient of the tank wall and insulation. [W/(m2 K)]
    area : array_like
        Tank surface area. [m2]
    T_ambient : array_like
        Ambient (sea/air) temperature. [K]
    T_cargo : array_like
        Cargo temperature. [K]

    Returns
    -------
    numpy.ndarray
        Heat flow into the cargo. [W]

    Notes
    -----
    :math:`Q = U A (T_{amb} - T_{cargo})`, Newton's law for a wall of overall coefficient U.
    """
    return np.asarray(
        _arr(U, "U")
        * _arr(area, "area")
        * (np.asarray(T_ambient, float) - np.asarray(T_cargo, float))
    )


def boil_off_rate_from_heat_ingress(Q: ArrayLike, latent_heat: ArrayLike) -> FloatArray:
    """Boil-off mass flow from the heat entering the cargo.

    Parameters
    ----------
    Q : array_like
        Heat flow into the cargo. [W]
    latent_heat : array_like
        Latent heat of vaporisation at tank pressure. [J/kg]

    Returns
    -------
    numpy.ndarray
        Boil-off mass flow. [kg/s]

    Notes
    -----
    :math:`\\dot m_{bo} = Q / h_{fg}`: all heat entering a tank held at constant pressure
    evaporates cargo (the mechanism of IEAGHG PH4/30 [1]_).
    """
    return np.asarray(_arr(Q, "Q") / _arr(latent_heat, "latent_heat"))


def boil_off_mass_from_rate(
    cargo: ArrayLike, boil_off_rate_per_day: ArrayLike, days: ArrayLike
) -> FloatArray:
    """Boil-off during a voyage from a boil-off rate given as fraction of cargo per day.

    Parameters
    ----------
    cargo : array_like
        Cargo loaded. [t]
    boil_off_rate_per_day : array_like
        Boil-off rate, fraction of the loaded cargo per day. [1/d]
    days : array_like
        Voyage duration. [d]

    Returns
    -------
    numpy.ndarray
        Boil-off mass. [t]

    Notes
    -----
    :math:`m_{bo} = m_{cargo}\\,BOR\\,t`, the usual definition of a boil-off rate for
    liquefied-gas carriers (fraction of cargo evaporated per day); raises if the product
    exceeds the cargo.
    """
    c = _arr(cargo, "cargo")
    bor = _fraction(boil_off_rate_per_day, "boil_off_rate_per_day")
    d = _arr(days, "days")
    frac = bor * d
    if np.any(frac > 1):
        raise CCUSInputError("boil_off_rate_per_day x days exceeds 1: the whole cargo boils off")
    return np.asarray(c * frac)


def boil_off_fraction_from_heat_ingress(
    Q: ArrayLike, latent_heat: ArrayLike, cargo: ArrayLike, days: ArrayLike
) -> FloatArray:
    """Fraction of the cargo boiled off in a voyage, from heat ingress.

    Parameters
    ----------
    Q : array_like
        Heat flow into the cargo. [W]
    latent_heat : array_like
        Latent heat of vaporisation. [J/kg]
    cargo : array_like
        Cargo loaded. [t]
    days : array_like
        Voyage duration. [d]

    Returns
    -------
    numpy.ndarray
        Boil-off as a fraction of the loaded cargo. [t/t]

    Notes
    -----
    :math:`b = Q t / (h_{fg} m_{cargo})`, from :func:`boil_off_rate_from_heat_ingress`.
    """
    m_bo = boil_off_rate_from_heat_ingress(Q, latent_heat) * _arr(days, "days") * 86400.0 / 1e3
    b = m_bo / _arr(cargo, "cargo")
    if np.any(b > 1):
        raise CCUSInputError("heat ingress boils off more than the whole cargo")
    return np.asarray(b)


def fuel_mass_per_tonne_km(
    cargo: ArrayLike, distance_km: ArrayLike, fuel_per_tonne_km: ArrayLike
) -> FloatArray:
    """Fuel burned to move a cargo a distance, from a specific consumption per tonne-km.

    Parameters
    ----------
    cargo : array_like
        Cargo moved. [t]
    distance_km : array_like
        Distance. [km]
    fuel_per_tonne_km : array_like
        Fuel per tonne of cargo and km (including the return leg if the factor does). [t/(t km)]

    Returns
    -------
    numpy.ndarray
        Fuel mass. [t]

    Notes
    -----
    :math:`F = m \\, d \\, sfc`.
    """
    return np.asarray(
        _arr(cargo, "cargo")
        * _arr(distance_km, "distance_km")
        * _arr(fuel_per_tonne_km, "fuel_per_tonne_km")
    )


def fuel_mass_at_sea(days_at_sea: ArrayLike, fuel_per_day: ArrayLike) -> FloatArray:
    """Fuel burned at sea from a daily consumption.

    Parameters
    ----------
    days_at_sea : array_like
        Days at sea. [d]
    fuel_per_day : array_like
        Daily fuel consumption at the service speed. [t/d]

    Returns
    -------
    numpy.ndarray
        Fuel mass. [t]

    Notes
    -----
    :math:`F = t \\, \\dot F_{day}`.
    """
    return np.asarray(_arr(days_at_sea, "days_at_sea") * _arr(fuel_per_day, "fuel_per_day"))


def combustion_co2(fuel_mass: ArrayLike, emission_factor: ArrayLike) -> FloatArray:
    """CO2 from burning fuel.

    Parameters
    ----------
    fuel_mass : array_like
        Fuel burned. [t]
    emission_factor : array_like
        Carbon factor of the fuel, e.g. from :data:`MARINE_FUEL_CO2_FACTORS` (state its
        source). [t/t]

    Returns
    -------
    numpy.ndarray
        CO2 emitted. [t]

    Notes
    -----
    :math:`E = F \\, C_f` (MEPC.364(79) [2]_; EU MRV Annex I).
    """
    return np.asarray(_arr(fuel_mass, "fuel_mass") * _arr(emission_factor, "emission_factor"))


@dataclass
class VoyageBalance:
    """Mass balance of one voyage (all in t; arrays broadcast).

    Attributes
    ----------
    transferred : numpy.ndarray
        Mass sent from the loading terminal. [t]
    loading_vented : numpy.ndarray
        Vented at loading (displaced vapour not returned to shore). [t]
    loaded : numpy.ndarray
        Cargo on board at departure. [t]
    boil_off : numpy.ndarray
        Boil-off generated during the voyage. [t]
    boil_off_vented : numpy.ndarray
        Boil-off vented. [t]
    reliquefied : numpy.ndarray
        Boil-off reliquefied and returned to the tanks. [t]
    retained : numpy.ndarray
        Heel and return vapour kept on board and carried back. [t]
    unloading_vented : numpy.ndarray
        Vented at unloading. [t]
    delivered : numpy.ndarray
        Delivered to the receiving terminal. [t]
    fuel_co2 : numpy.ndarray
        CO2 from the ship's fuel (not part of the cargo balance). [t]
    """

    transferred: FloatArray
    loading_vented: FloatArray
    loaded: FloatArray
    boil_off: FloatArray
    boil_off_vented: FloatArray
    reliquefied: FloatArray
    retained: FloatArray
    unloading_vented: FloatArray
    delivered: FloatArray
    fuel_co2: FloatArray

    def imbalance(self) -> FloatArray:
        """loaded - (delivered + boil-off vented + retained + unloading vented). [t]"""
        return np.asarray(
            self.loaded
            - (self.delivered + self.boil_off_vented + self.retained + self.unloading_vented)
        )


def voyage_balance(
    transferred: ArrayLike,
    *,
    boil_off_fraction: ArrayLike,
    reliquefied_fraction: ArrayLike = 0.0,
    loading_vent_fraction: ArrayLike = 0.0,
    unloading_vent_fraction: ArrayLike = 0.0,
    retained_fraction: ArrayLike = 0.0,
    fuel_mass: ArrayLike = 0.0,
    emission_factor: ArrayLike = 0.0,
) -> VoyageBalance:
    """Mass balance of a voyage from loading terminal to receiving terminal.

    Parameters
    ----------
    transferred : array_like
        Mass sent from the loading terminal. [t]
    boil_off_fraction : array_like
        Boil-off over the voyage as a fraction of the loaded cargo, from
        :func:`boil_off_mass_from_rate` or :func:`boil_off_fraction_from_heat_ingress`. [t/t]
    reliquefied_fraction : array_like
        Fraction of the boil-off reliquefied on board and returned to the tanks. [t/t]
    loading_vent_fraction : array_like
        Fraction of the transferred mass vented at loading. [t/t]
    unloading_vent_fraction : array_like
        Fraction of the arriving cargo (less the retained part) vented at unloading. [t/t]
    retained_fraction : array_like
        Fraction of the arriving cargo kept on board (heel and return vapour). [t/t]
    fuel_mass : array_like
        Fuel burned on the voyage. [t]
    emission_factor : array_like
        Carbon factor of the fuel. [t/t]

    Returns
    -------
    VoyageBalance
        Every term of the balance; ``imbalance()`` is zero to rounding.

    Notes
    -----
    .. math::
        m_{loaded} = m_{delivered} + m_{bo,vented} + m_{retained} + m_{unload,vented},\\quad
        m_{bo,vented} = (1 - r)\\, b\\, m_{loaded}

    Reliquefied boil-off stays in the cargo (IEAGHG PH4/30 [1]_). Fuel CO2 is reported
    separately: it is not cargo. The "3-4 % per 1000 km" total loss (boil-off plus engine
    exhaust) quoted from the IPCC SRCCS is [V-2nd] and is a plausibility check only
    (:func:`loss_per_1000_km`), never a default.
    """
    m0 = _arr(transferred, "transferred")
    f_load = _fraction(loading_vent_fraction, "loading_vent_fraction")
    b = _fraction(boil_off_fraction, "boil_off_fraction")
    r = _fraction(reliquefied_fraction, "reliquefied_fraction")
    f_unl = _fraction(unloading_vent_fraction, "unloading_vent_fraction")
    f_ret = _fraction(retained_fraction, "retained_fraction")
    loading_vented = m0 * f_load
    loaded = m0 - loading_vented
    boil = loaded * b
    vented_bo = boil * (1.0 - r)
    relq = boil * r
    arriving = loaded - vented_bo
    retained = arriving * f_ret
    unl = (arriving - retained) * f_unl
    delivered = arriving - retained - unl
    fuel = combustion_co2(fuel_mass, emission_factor)
    return VoyageBalance(
        transferred=np.asarray(m0),
        loading_vented=np.asarray(loading_vented),
        loaded=np.asarray(loaded),
        boil_off=np.asarray(boil),
        boil_off_vented=np.asarray(vented_bo),
        reliquefied=np.asarray(relq),
        retained=np.asarray(retained),
        unloading_vented=np.asarray(unl),
        delivered=np.asarray(delivered),
        fuel_co2=np.asarray(np.broadcast_to(fuel, np.shape(delivered))),
    )


def loss_per_1000_km(balance: VoyageBalance, distance_km: ArrayLike) -> FloatArray:
    """Vented CO2 plus fuel CO2 per tonne loaded, per 1000 km (plausibility metric).

    Parameters
    ----------
    balance : VoyageBalance
        A voyage.
    distance_km : array_like
        One-way distance. [km]

    Returns
    -------
    numpy.ndarray
        (loading + boil-off + unloading vented + fuel CO2) / loaded / (distance / 1000). [t/t]

    Notes
    -----
    Comparable to the "3-4 % per 1000 km" of IPCC SRCCS ch. 4 / IEAGHG PH4/30 [V-2nd].
    """
    total = (
        balance.loading_vented
        + balance.boil_off_vented
        + balance.unloading_vented
        + balance.fuel_co2
    )
    return np.asarray(total / balance.loaded / (_arr(distance_km, "distance_km") / 1000.0))


@dataclass
class TransportSeries:
    """Time series of a liquid-CO2 transport node (t per time step).

    Attributes
    ----------
    out : numpy.ndarray
        Delivered in each step. [t]
    loading_vented, boil_off_vented, unloading_vented : numpy.ndarray
        Vented in each step, by cause. [t]
    inventory : numpy.ndarray
        Cargo in transit at the end of each step. [t]
    inventory_change : numpy.ndarray
        Change of the cargo in transit over each step. [t]
    fuel_co2 : numpy.ndarray
        CO2 from fuel in each step (not cargo). [t]
    """

    out: FloatArray
    loading_vented: FloatArray
    boil_off_vented: FloatArray
    unloading_vented: FloatArray
    inventory: FloatArray
    inventory_change: FloatArray
    fuel_co2: FloatArray


def liquid_transport_series(
    time_edges: ArrayLike,
    mass_in: ArrayLike,
    *,
    transit_time: float,
    boil_off_fraction: float,
    reliquefied_fraction: float = 0.0,
    loading_vent_fraction: float = 0.0,
    unloading_vent_fraction: float = 0.0,
    distance_km: float = 0.0,
    fuel_per_tonne_km: float = 0.0,
    emission_factor: float = 0.0,
) -> TransportSeries:
    """Ship or truck transport over a time series, with the transit delay, vectorised.

    Parameters
    ----------
    time_edges : array_like
        Edges of the time steps, strictly increasing, n + 1 values. [s]
    mass_in : array_like
        Mass handed to the transport in each step, n values. [t]
    transit_time : float
        Time from loading to delivery. [s]
    boil_off_fraction : float
        Boil-off per voyage as a fraction of the loaded cargo. [t/t]
    reliquefied_fraction : float
        Fraction of the boil-off reliquefied. [t/t]
    loading_vent_fraction : float
        Fraction vented at loading. [t/t]
    unloading_vent_fraction : float
        Fraction of the arriving cargo vented at unloading. [t/t]
    distance_km : float
        One-way distance. [km]
    fuel_per_tonne_km : float
        Fuel per tonne loaded and km. [t/(t km)]
    emission_factor : float
        Carbon factor of the fuel. [t/t]

    Returns
    -------
    TransportSeries
        Delivered mass, vented masses, inventory in transit and fuel CO2 per step.

    Notes
    -----
    The cumulative loaded mass :math:`C_L(t)` (linear within a step) is shifted by the
    transit time: what arrives in :math:`[t_k, t_{k+1}]` is
    :math:`C_L(t_{k+1} - \\tau) - C_L(t_k - \\tau)`, computed with ``numpy.interp`` on the
    irregular edges. Each arriving parcel is reduced by its vented boil-off and unloading
    vent as in :func:`voyage_balance`; boil-off is booked at arrival. The inventory is
    what has entered and neither left nor been vented; the balance
    in = out + vented + inventory change holds at every step by construction of the
    cumulative sums. Fuel CO2 is booked at loading.
    """
    te = np.asarray(time_edges, dtype=float)
    m = _arr(mass_in, "mass_in")
    if te.ndim != 1 or m.shape != (te.size - 1,):
        raise CCUSInputError("time_edges must have one more value than mass_in (1-D)")
    if np.any(np.diff(te) <= 0):
        raise CCUSInputError("time_edges must be strictly increasing")
    if not transit_time >= 0:
        raise CCUSInputError(f"transit_time must be >= 0 s; got {transit_time}")
    for name, v in (
        ("boil_off_fraction", boil_off_fraction),
        ("reliquefied_fraction", reliquefied_fraction),
        ("loading_vent_fraction", loading_vent_fraction),
        ("unloading_vent_fraction", unloading_vent_fraction),
    ):
        _fraction(v, name)
    load_vent = m * loading_vent_fraction
    loaded = m - load_vent
    c_loaded = np.concatenate([[0.0], np.cumsum(loaded)])
    arrived_cum = np.interp(te - transit_time, te, c_loaded, left=0.0, right=c_loaded[-1])
    arrived_loaded = np.diff(arrived_cum)
    bo_vent = arrived_loaded * boil_off_fraction * (1.0 - reliquefied_fraction)
    arriving = arrived_loaded - bo_vent
    unl = arriving * unloading_vent_fraction
    out = arriving - unl
    inv_change = m - out - load_vent - bo_vent - unl
    inventory = np.cumsum(inv_change)
    fuel = combustion_co2(loaded * distance_km * fuel_per_tonne_km, emission_factor)
    return TransportSeries(
        out=out,
        loading_vented=load_vent,
        boil_off_vented=bo_vent,
        unloading_vented=unl,
        inventory=inventory,
        inventory_change=inv_change,
        fuel_co2=np.asarray(fuel),
    )

"""Injection and storage: the physical CO2 balance of a storage site, with EOR recycle.

Physical balance only; the regulatory accounting (which meters, which deductions, which
rule set) belongs to the methodologies. The forms follow 40 CFR 98 subpart RR and ISO 27916
so that a methodology can call them, but nothing here decides compliance.

At a site that produces fluids (EOR), CO2 separated from the produced fluids is recycled
and re-injected: the injection meter sees received plus recycled CO2, and the recycled part
must not be counted as stored a second time (ISO 27916:2019 as quoted in 40 CFR 98.483(b)).
The balance of the reservoir below the wellheads is

.. math:: \\Delta M = (I - FI) - (P + FP) - E

with I the injected mass at the injection meter, FI the equipment leaks and venting between
injection meter and wellhead, P the produced CO2 at the production meter, FP the leaks and
venting between production wellhead and production meter, E the surface leakage from the
reservoir: eq. RR-11 of 40 CFR 98.443 (RR-12 without production). Surface facilities keep
the rest: received R = entrained-with-oil + FI + FP + E + V_recycle + Delta M.

References
----------
.. [1] 40 CFR Part 98 Subpart RR, sections 98.442-98.443, eqs. RR-9, RR-11, RR-12 (variable
   definitions [V]; algebraic forms [M], ccus-anchors.md section 1).
.. [2] ISO 27916:2019 clause 8, as quoted in 40 CFR 98.483 (recycled CO2 not counted twice;
   losses from recycling facilities quantified) [V].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccus.errors import CCUSInputError

__all__ = [
    "produced_co2",
    "sequestered_with_production",
    "sequestered_without_production",
    "StorageBalance",
    "storage_balance",
]

FloatArray = NDArray[np.float64]


def _arr(x: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(x, dtype=float)
    bad = np.isnan(a) | (a < 0)
    if np.any(bad):
        i = int(np.argmax(bad.ravel()))
        raise CCUSInputError(f"{name} must be a mass >= 0 t; got {a.ravel()[i]} at flat index {i}")
    return a


def produced_co2(separated: ArrayLike, entrained_ratio: ArrayLike = 0.0) -> FloatArray:
    """Total produced CO2 from the CO2 separated at the separators.

    Parameters
    ----------
    separated : array_like
        CO2 separated (sum over separators). [t]
    entrained_ratio : array_like
        X: CO2 entrained in produced oil or other fluids divided by CO2 separated. [t/t]

    Returns
    -------
    numpy.ndarray
        Produced CO2. [t]

    Notes
    -----
    :math:`CO2_P = (1 + X) \\sum_w CO2_w`, eq. RR-9 of 40 CFR 98.443 [1]_ (form [M]).
    """
    return np.asarray(
        _arr(separated, "separated") * (1.0 + _arr(entrained_ratio, "entrained_ratio"))
    )


def sequestered_with_production(
    injected: ArrayLike,
    produced: ArrayLike,
    surface_leakage: ArrayLike,
    equipment_injection: ArrayLike,
    equipment_production: ArrayLike,
) -> FloatArray:
    """CO2 sequestered at a site that produces fluids (EOR), physical form.

    Parameters
    ----------
    injected : array_like
        CO2 through the injection meter(s), received plus recycled. [t]
    produced : array_like
        CO2 produced (:func:`produced_co2`). [t]
    surface_leakage : array_like
        CO2 emitted by surface leakage from the reservoir. [t]
    equipment_injection : array_like
        Equipment leaks and vented CO2 between injection meter and wellhead (FI). [t]
    equipment_production : array_like
        Equipment leaks and vented CO2 between production wellhead and meter (FP). [t]

    Returns
    -------
    numpy.ndarray
        CO2 sequestered (reservoir mass change). [t]

    Notes
    -----
    :math:`CO2 = CO2_I - CO2_P - CO2_E - CO2_{FI} - CO2_{FP}`, eq. RR-11 [1]_ (form [M]).
    """
    return np.asarray(
        _arr(injected, "injected")
        - _arr(produced, "produced")
        - _arr(surface_leakage, "surface_leakage")
        - _arr(equipment_injection, "equipment_injection")
        - _arr(equipment_production, "equipment_production")
    )


def sequestered_without_production(
    injected: ArrayLike, surface_leakage: ArrayLike, equipment_injection: ArrayLike
) -> FloatArray:
    """CO2 sequestered at a site that produces no fluids (saline storage).

    Parameters
    ----------
    injected : array_like
        CO2 through the injection meter(s). [t]
    surface_leakage : array_like
        CO2 emitted by surface leakage. [t]
    equipment_injection : array_like
        Equipment leaks and vented CO2 between injection meter and wellhead (FI). [t]

    Returns
    -------
    numpy.ndarray
        CO2 sequestered. [t]

    Notes
    -----
    :math:`CO2 = CO2_I - CO2_E - CO2_{FI}`, eq. RR-12 [1]_ (form [M]).
    """
    return np.asarray(
        _arr(injected, "injected")
        - _arr(surface_leakage, "surface_leakage")
        - _arr(equipment_injection, "equipment_injection")
    )


@dataclass
class StorageBalance:
    """Physical CO2 balance of a storage site per time step (t).

    Attributes
    ----------
    received : numpy.ndarray
        Received at the site boundary. [t]
    recycled : numpy.ndarray
        Separated CO2 returned to injection. [t]
    injected : numpy.ndarray
        Through the injection meter: received + recycled. [t]
    produced : numpy.ndarray
        Produced CO2 (RR-9 form). [t]
    entrained : numpy.ndarray
        CO2 leaving with the produced oil or water (transferred out of the boundary). [t]
    equipment_injection : numpy.ndarray
        FI: leaks and venting between injection meter and wellhead. [t]
    equipment_production : numpy.ndarray
        FP: leaks and venting between production wellhead and meter. [t]
    recycle_vented : numpy.ndarray
        Vented or leaked at the recycling facilities. [t]
    surface_leakage : numpy.ndarray
        Leakage from the reservoir to the surface. [t]
    stored : numpy.ndarray
        Change of the reservoir mass (RR-11 or RR-12 form). [t]
    """

    received: FloatArray
    recycled: FloatArray
    injected: FloatArray
    produced: FloatArray
    entrained: FloatArray
    equipment_injection: FloatArray
    equipment_production: FloatArray
    recycle_vented: FloatArray
    surface_leakage: FloatArray
    stored: FloatArray

    def imbalance(self) -> FloatArray:
        """received - (entrained + FI + FP + recycle vented + leakage + stored). [t]"""
        return np.asarray(
            self.received
            - (
                self.entrained
                + self.equipment_injection
                + self.equipment_production
                + self.recycle_vented
                + self.surface_leakage
                + self.stored
            )
        )


def storage_balance(
    received: ArrayLike,
    *,
    separated: ArrayLike = 0.0,
    entrained_ratio: ArrayLike = 0.0,
    recycle_vent_fraction: ArrayLike = 0.0,
    equipment_injection: ArrayLike = 0.0,
    equipment_production: ArrayLike = 0.0,
    surface_leakage: ArrayLike = 0.0,
) -> StorageBalance:
    """Physical balance of a storage site, with or without EOR production and recycle.

    Parameters
    ----------
    received : array_like
        CO2 received at the site in each step. [t]
    separated : array_like
        CO2 separated from produced fluids in each step (0 for saline storage). [t]
    entrained_ratio : array_like
        X of RR-9: entrained / separated. [t/t]
    recycle_vent_fraction : array_like
        Fraction of the separated CO2 vented or leaked at the recycling facilities. [t/t]
    equipment_injection : array_like
        FI in each step. [t]
    equipment_production : array_like
        FP in each step. [t]
    surface_leakage : array_like
        Surface leakage from the reservoir in each step (RR-10 sum over pathways). [t]

    Returns
    -------
    StorageBalance
        All terms; ``imbalance()`` is zero to rounding.

    Raises
    ------
    CCUSInputError
        Negative or NaN masses, fractions above one, or FI larger than the injected mass.

    Notes
    -----
    recycled = separated (1 - v); injected = received + recycled;
    produced = (1 + X) separated; stored from RR-11 (or RR-12 when nothing is separated):

    .. math:: S = I - P - E - FI - FP = R - X\\,sep - v\\,sep - E - FI - FP

    so the recycled CO2 enters the injected mass but cancels against the produced mass,
    as ISO 27916 requires [2]_. A negative ``stored`` (more leaves the reservoir than
    enters in a step) is physical and kept: the reservoir is then a source.
    """
    R = _arr(received, "received")
    sep = _arr(separated, "separated")
    X = _arr(entrained_ratio, "entrained_ratio")
    v = _arr(recycle_vent_fraction, "recycle_vent_fraction")
    if np.any(v > 1):
        raise CCUSInputError("recycle_vent_fraction must be <= 1")
    FI = _arr(equipment_injection, "equipment_injection")
    FP = _arr(equipment_production, "equipment_production")
    E = _arr(surface_leakage, "surface_leakage")
    recycled = sep * (1.0 - v)
    injected = R + recycled
    if np.any(FI > injected):
        i = int(np.argmax(np.broadcast_to(FI > injected, np.broadcast(FI, injected).shape)))
        raise CCUSInputError(f"equipment_injection exceeds the injected mass at flat index {i}")
    produced = produced_co2(sep, X)
    stored = sequestered_with_production(injected, produced, E, FI, FP)
    shape = np.broadcast(R, sep, X, v, FI, FP, E).shape

    def b(a: ArrayLike) -> FloatArray:
        return np.asarray(np.broadcast_to(np.asarray(a, dtype=float), shape))

    return StorageBalance(
        received=b(R),
        recycled=b(recycled),
        injected=b(injected),
        produced=b(produced),
        entrained=b(sep * X),
        equipment_injection=b(FI),
        equipment_production=b(FP),
        recycle_vented=b(sep * v),
        surface_leakage=b(E),
        stored=b(stored),
    )

"""Equations of grid-connected renewable electricity methodologies, as array functions.

Each function is one published equation, pure, on numpy arrays that broadcast over
time. The methodologies (``acm0002``, ``ccer_01_002``) compose them and record every
step in the ledger.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def net_electricity_supplied(EG_export: ArrayLike, EG_import: ArrayLike) -> np.ndarray:
    """Net electricity the project supplies to the grid.

    Parameters
    ----------
    EG_export
        Electricity delivered by the project to the grid. [MWh]
    EG_import
        Electricity delivered by the grid to the project. [MWh]

    Returns
    -------
    numpy.ndarray
        EG_PJ (CCER-01-002-V01) or EG_facility (CDM ACM0002). [MWh]

    Notes
    -----
    .. math:: EG_{PJ,y} = EG_{export,y} - EG_{import,y}

    Eq. (2) of [1]_; ACM0002 defines EG_facility,y as the net electricity supplied to
    the grid [2]_.

    References
    ----------
    .. [1] CCER-01-002-V01 (MEE, 2023), para. 6.3, eq. (2).
    .. [2] CDM ACM0002 v22.0, definition of EG_facility,y.
    """
    return np.asarray(EG_export, dtype=float) - np.asarray(EG_import, dtype=float)


def baseline_emissions_grid(EG_PJ_y: ArrayLike, EF_grid_CM_y: ArrayLike) -> np.ndarray:
    """Baseline emissions of the grid electricity the project displaces.

    Parameters
    ----------
    EG_PJ_y
        Net electricity supplied to the grid by the project. [MWh]
    EF_grid_CM_y
        Combined margin CO2 emission factor of the grid. [t/MWh]

    Returns
    -------
    numpy.ndarray
        BE_y. [t]

    Notes
    -----
    .. math:: BE_y = EG_{PJ,y} \\times EF_{grid,CM,y}

    CDM ACM0002 v22.0 eq. (11); CCER-01-002-V01 eq. (1).
    """
    return np.asarray(EG_PJ_y, dtype=float) * np.asarray(EF_grid_CM_y, dtype=float)


def emission_reductions(BE_y: ArrayLike, PE_y: ArrayLike, LE_y: ArrayLike) -> np.ndarray:
    """Emission reductions.

    Parameters
    ----------
    BE_y, PE_y, LE_y
        Baseline, project and leakage emissions. [t]

    Returns
    -------
    numpy.ndarray
        ER_y = BE_y - PE_y - LE_y. [t]

    Notes
    -----
    CDM ACM0002 v22.0 para. 5.7 (ER_y = BE_y - PE_y, LE_y = 0); CCER-01-002-V01 eq. (4).
    """
    return (
        np.asarray(BE_y, dtype=float)
        - np.asarray(PE_y, dtype=float)
        - np.asarray(LE_y, dtype=float)
    )

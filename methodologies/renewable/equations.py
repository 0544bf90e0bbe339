"""Equations of grid-connected renewable electricity methodologies, as array functions.

Each function is one published equation, pure, on numbers, numpy arrays or xarray
DataArrays that broadcast over time; each is tagged once per document that uses it, with
the symbol that document gives the result. The methodologies (``acm0002``,
``ccer_01_001``, ``ccer_01_002``) apply them to the ledger.
"""

from __future__ import annotations

from typing import TypeVar

from reductions.plugin import equation

A = TypeVar("A")


@equation(
    "ACM0002",
    "22.0",
    "definition of EG_facility,y",
    returns=("EG_facility_y", "MWh"),
    text="EG_facility_y = EG_export - EG_import",
)
@equation(
    "CCER-01-002",
    "V01",
    "eq. (2)",
    returns=("EG_PJ_y", "MWh"),
    text="EG_PJ_y = EG_export_y - EG_import_y",
)
@equation(
    "CCER-01-001",
    "V01",
    "eq. (2)",
    returns=("EG_PJ_y", "MWh"),
    text="EG_PJ_y = EG_export_y - EG_import_y",
)
def net_electricity_supplied(EG_export: A, EG_import: A) -> A:
    """Net electricity supplied to the grid.

    Parameters
    ----------
    EG_export
        Electricity delivered by the project to the grid. [MWh]
    EG_import
        Electricity delivered by the grid to the project. [MWh]

    Returns
    -------
    EG_PJ (CCER-01-002-V01, CCER-01-001-V01) or EG_facility (CDM ACM0002). [MWh]

    Notes
    -----
    .. math:: EG_{PJ,y} = EG_{export,y} - EG_{import,y}

    Eq. (2) of [1]_ and of [3]_; ACM0002 defines EG_facility,y as the net electricity
    supplied to the grid [2]_.

    References
    ----------
    .. [1] CCER-01-002-V01 (MEE, 2023), para. 6.3, eq. (2).
    .. [2] CDM ACM0002 v22.0, definition of EG_facility,y.
    .. [3] CCER-01-001-V01 (MEE, 2023), para. 6.3, eq. (2).

    Examples
    --------
    >>> net_electricity_supplied(120.0, 1.5)
    118.5
    """
    return EG_export - EG_import  # type: ignore[operator]


@equation(
    "ACM0002",
    "22.0",
    "eq. (11)",
    returns=("BE", "t"),
    text="BE_y = EG_PJ_y * EF_grid_CM_y",
    description="Baseline emissions",
)
@equation(
    "CCER-01-002",
    "V01",
    "eq. (1)",
    returns=("BE", "t"),
    text="BE_y = EG_PJ_y * EF_grid_CM_y",
    description="Baseline emissions",
)
@equation(
    "CCER-01-001",
    "V01",
    "eq. (1)",
    returns=("BE", "t"),
    text="BE_y = EG_PJ_y * EF_grid_CM_y",
    description="Baseline emissions",
)
def baseline_emissions_grid(EG_PJ_y: A, EF_grid_CM_y: A) -> A:
    """Baseline emissions of the grid electricity the project displaces.

    Parameters
    ----------
    EG_PJ_y
        Net electricity supplied to the grid by the project. [MWh]
    EF_grid_CM_y
        Combined margin CO2 emission factor of the grid. [t/MWh]

    Returns
    -------
    BE_y. [t]

    Notes
    -----
    .. math:: BE_y = EG_{PJ,y} \\times EF_{grid,CM,y}

    CDM ACM0002 v22.0 eq. (11); CCER-01-002-V01 eq. (1); CCER-01-001-V01 eq. (1).

    Examples
    --------
    >>> baseline_emissions_grid(1000.0, 0.5)
    500.0
    """
    return EG_PJ_y * EF_grid_CM_y  # type: ignore[operator]


@equation(
    "ACM0002",
    "22.0",
    "para. 5.7",
    returns=("ER", "t"),
    text="ER_y = BE_y - PE_y - LE_y",
    description="Emission reductions",
)
@equation(
    "CCER-01-002",
    "V01",
    "eq. (4)",
    returns=("ER", "t"),
    text="ER_y = BE_y - PE_y",
    description="Emission reductions",
)
@equation(
    "CCER-01-001",
    "V01",
    "eq. (6)",
    returns=("ER", "t"),
    text="ER_y = BE_y - PE_y",
    description="Emission reductions",
)
def emission_reductions(BE: A, PE: A, LE: A) -> A:
    """Emission reductions.

    Parameters
    ----------
    BE, PE, LE
        Baseline, project and leakage emissions. [t]

    Returns
    -------
    ER_y = BE_y - PE_y - LE_y. [t]

    Notes
    -----
    CDM ACM0002 v22.0 para. 5.7 (ER_y = BE_y - PE_y, LE_y = 0); CCER-01-002-V01 eq. (4);
    CCER-01-001-V01 eq. (6) (leakage ignored, para. 6.5).

    Examples
    --------
    >>> emission_reductions(500.0, 20.0, 0.0)
    480.0
    """
    return BE - PE - LE  # type: ignore[operator]

"""CDM TOOL14 v03.0 "Project and leakage emissions from anaerobic digesters", the equations
AMS-III.D v21.0 uses (paras. 21(b), 23 and 26), as array functions.

Text: TOOL14 v03.0 (EB 123, Annex 2, 7 November 2024). AMS-III.D para. 13 refers to the
latest approved version of the tools, so v03.0 applies. Default values are in
:data:`EF_CH4_DEFAULTS`, :data:`F_EC_DEFAULTS`, :data:`F_WW_DEFAULTS` and
:data:`F_SD_DEFAULTS`, each with the table it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reductions.plugin import equation

DOC, VERSION = "TOOL14", "03.0"

#: TOOL14 v03.0 Data / Parameter table 3, EF_CH4,default [t CH4 leaked / t CH4 produced].
EF_CH4_DEFAULTS: Mapping[float, str] = {
    0.028: "digesters with steel or lined concrete or fiberglass digesters and a gas holding "
    "system (egg shaped digesters) and monolithic construction",
    0.05: "UASB type digesters, floating gas holders with no external water seal",
    0.10: "digesters with unlined concrete/ferrocement/brick masonry arched type gas holding "
    "section; monolithic fixed dome digesters, covered anaerobic lagoon; or a digester whose "
    "type cannot be identified by manufacturer information",
}
#: TOOL14 v03.0 Data / Parameter table 5, F_EC,default [MWh / t CH4 produced].
F_EC_DEFAULTS: Mapping[float, str] = {
    0.0: "covered anaerobic lagoons (gravity fed) / conventional digesters, or other digesters "
    "fed by gravity with no recirculation",
    0.01: "upflow anaerobic sludge blanket reactor (UASB) / filter bed reactor for wastewater / "
    "fluidized bed reactor",
    1.02: "conventional digesters with continuously stirred tank reactor type for wastewater",
    1.54: "any anaerobic digester for solid waste with pre-processing of wastes",
}
#: TOOL14 v03.0 Data / Parameter table 8, F_ww,CH4,default [fraction].
F_WW_DEFAULTS: Mapping[float, str] = {
    0.10: "covered anaerobic lagoons",
    0.15: "UASB type digesters / anaerobic filter bed digesters / anaerobic fluidized bed "
    "digesters",
    0.20: "conventional digesters",
    0.05: "two stage digesters",
}
#: TOOL14 v03.0 Data / Parameter table 9, F_SD,CH4,default [fraction].
F_SD_DEFAULTS: Mapping[float, str] = {
    0.15: "two phase digesters",
    0.35: "all other technologies",
}
#: TOOL14 v03.0 Data / Parameter table 6: EF_El,default = 1.3 t CO2/MWh.
EF_EL_DEFAULT = 1.3


@equation(
    DOC,
    VERSION,
    "eq. (2)",
    returns=("Q_CH4_y", "t"),
    text="Q_CH4,y = Q_biogas,y x f_CH4 x rho_CH4",
    description="Quantity of methane produced in the digester",
)
def methane_produced(Q_biogas_y: Any, f_CH4: Any, rho_CH4: Any) -> Any:
    """Quantity of methane produced in the digester, TOOL14 eq. (2).

    Parameters
    ----------
    Q_biogas_y
        Volume of biogas collected at the digester outlet. [m3]
    f_CH4
        Volume fraction of methane in the biogas (monitored, or the default). [m3/m3]
    rho_CH4
        Density of methane (0.00067, TOOL14 Data / Parameter table 2). [t/m3]

    Returns
    -------
    Q_CH4,y. [t]

    Notes
    -----
    TOOL14 v03.0 para. 17, eq. (2) (Option 2, a default fraction), or para. 16 (Option 1,
    a measured fraction) in the same form.

    Examples
    --------
    >>> round(methane_produced(1000.0, 0.6, 0.00067), 9)
    0.402
    """
    return Q_biogas_y * f_CH4 * rho_CH4


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("PE_EC_y", "t"),
    text="PE_EC,y = Q_CH4,y x F_EC,default x EF_EL,default",
    description="Project emissions from electricity consumption of the digester (default)",
)
def electricity_emissions_default(Q_CH4_y: Any, F_EC_default: Any, EF_EL_default: Any) -> Any:
    """Project emissions from the digester's electricity consumption, TOOL14 eq. (3).

    Parameters
    ----------
    Q_CH4_y
        Methane produced in the digester. [t]
    F_EC_default
        Electricity consumption per t of methane (TOOL14 table 5). [MWh/t]
    EF_EL_default
        Emission factor of that electricity (1.3, TOOL14 table 6). [t/MWh]

    Returns
    -------
    PE_EC,y. [t]

    Examples
    --------
    >>> round(electricity_emissions_default(10.0, 1.02, 1.3), 9)
    13.26
    """
    return Q_CH4_y * F_EC_default * EF_EL_default


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("PE_CH4_y", "t"),
    text="PE_CH4,y = Q_CH4,y x EF_CH4,default x GWP_CH4",
    description="Project emissions of methane from the anaerobic digester",
)
def digester_methane_emissions(Q_CH4_y: Any, EF_CH4_default: Any, GWP_CH4: Any) -> Any:
    """Methane leaking from the digester, TOOL14 eq. (4).

    Parameters
    ----------
    Q_CH4_y
        Methane produced in the digester. [t]
    EF_CH4_default
        Fraction of the methane produced that leaks (TOOL14 table 3). [t/t]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    PE_CH4,y. [t]

    Examples
    --------
    >>> round(digester_methane_emissions(10.0, 0.028, 21.0), 9)
    5.88
    """
    return Q_CH4_y * EF_CH4_default * GWP_CH4


@equation(
    DOC,
    VERSION,
    "eq. (7)",
    returns=("LE_storage_y", "t"),
    text="LE_storage,y = F_ww,CH4,default x Q_CH4,y x GWP_CH4",
    description="Leakage from anaerobic storage of liquid digestate (default)",
)
def liquid_digestate_storage(F_ww_CH4_default: Any, Q_CH4_y: Any, GWP_CH4: Any) -> Any:
    """Leakage emissions from the storage of liquid digestate, TOOL14 eq. (7) (Option 2).

    Parameters
    ----------
    F_ww_CH4_default
        Remaining methane production capacity of liquid digestate (TOOL14 table 8). [-]
    Q_CH4_y
        Methane produced in the digester. [t]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    LE_storage,y. [t]

    Examples
    --------
    >>> round(liquid_digestate_storage(0.10, 10.0, 21.0), 9)
    21.0
    """
    return F_ww_CH4_default * Q_CH4_y * GWP_CH4


@equation(
    DOC,
    VERSION,
    "eq. (8)",
    returns=("LE_storage_y", "t"),
    text="LE_storage,y = F_SD,CH4,default x Q_CH4,y x GWP_CH4",
    description="Leakage from solid digestate disposed in a SWDS (default)",
)
def solid_digestate_storage(F_SD_CH4_default: Any, Q_CH4_y: Any, GWP_CH4: Any) -> Any:
    """Leakage emissions from solid digestate in a SWDS, TOOL14 eq. (8) (Option 2).

    Parameters
    ----------
    F_SD_CH4_default
        Methane generation capacity of solid digestate (TOOL14 table 9). [-]
    Q_CH4_y
        Methane produced in the digester. [t]
    GWP_CH4
        Global warming potential of methane. [t/t]

    Returns
    -------
    LE_storage,y. [t]

    Examples
    --------
    >>> round(solid_digestate_storage(0.35, 10.0, 21.0), 9)
    73.5
    """
    return F_SD_CH4_default * Q_CH4_y * GWP_CH4


@equation(
    DOC,
    VERSION,
    "eq. (5)",
    returns=("LE_AD_y", "t"),
    text="LE_AD,y = LE_storage,y + LE_comp,y",
    description="Leakage emissions associated with the anaerobic digester",
)
def digester_leakage(LE_storage_y: Any, LE_comp_y: Any) -> Any:
    """Leakage emissions associated with the anaerobic digester, TOOL14 eq. (5).

    Parameters
    ----------
    LE_storage_y
        Leakage from the storage of digestate. [t]
    LE_comp_y
        Leakage from composting of digestate (TOOL13). [t]

    Returns
    -------
    LE_AD,y. [t]

    Examples
    --------
    >>> digester_leakage(2.0, 0.5)
    2.5
    """
    return LE_storage_y + LE_comp_y

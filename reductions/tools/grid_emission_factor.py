"""CDM TOOL07, "Tool to calculate the emission factor for an electricity system", v07.0.

The combined margin (Step 6: eq. (16), para. 85) and its weights (para. 86) live here;
the operating and build margins from plant data are in :mod:`reductions.tools.tool07`.

The weights table ``factors/cdm-tool07-v07.0-cm-weights.csv`` was checked against para.
86 of the UNFCCC's v07.0 text (wind and solar 0.75/0.25 in every crediting period; other
projects 0.5/0.5 in the first, 0.25/0.75 in the second and third), and is reproduced by
CDM standardized baselines that publish OM, BM and the three combined margins
(ASB0038-2018, Armenia: OM 0.4620, BM 0.3456 -> 0.4329, 0.4038, 0.3748 tCO2/MWh). Not
here: para. 86(b)'s "unless otherwise specified in the approved methodology", para. 87's
alternative weights, and the simplified CM of para. 90 (w_OM = 1, w_BM = 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..equation import equation
from ..errors import ParameterError
from ..factors import read_table

TOOL07 = "CDM TOOL07 v07.0"
WEIGHTS_TABLE = "cdm-tool07-v07.0-cm-weights.csv"
#: Technologies TOOL07 weights as "wind and solar" (intermittent, non-dispatchable).
WIND_SOLAR = frozenset({"wind", "solar", "solar_pv", "offshore_wind"})


@dataclass(frozen=True)
class Weights:
    w_OM: float
    w_BM: float
    source: str


def cm_weights(technology: str, crediting_period: int) -> Weights:
    """Weights of the operating and build margins in the combined margin.

    Parameters
    ----------
    technology
        Project technology (``"wind"``, ``"solar"``, ``"hydro"``...). [-]
    crediting_period
        1, 2 or 3. [-]

    Returns
    -------
    Weights
        ``w_OM`` and ``w_BM`` [-] and the table row's source.

    References
    ----------
    CDM TOOL07 v07.0, Step 6: wind and solar 0.75/0.25 in every crediting period; other
    projects 0.5/0.5 in the first and 0.25/0.75 in the second and third.
    """
    if crediting_period not in (1, 2, 3):
        raise ParameterError(
            f"crediting period {crediting_period!r} is not 1, 2 or 3",
            variable="crediting_period",
            rule=TOOL07,
        )
    cls = "wind_solar" if technology in WIND_SOLAR else "other"
    for row in read_table(WEIGHTS_TABLE):
        if row["technology_class"] == cls and int(row["crediting_period"]) == crediting_period:
            return Weights(float(row["w_OM"]), float(row["w_BM"]), row["source"])
    raise ParameterError(
        f"no weights for {cls}, crediting period {crediting_period}",
        variable="crediting_period",
        rule=TOOL07,
    )


@equation(
    "TOOL07",
    "07.0",
    "Step 6",
    returns=("EF_grid_CM_y", "t/MWh"),
    text="EF_grid_CM_y = EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM",
    description="Combined margin CO2 emission factor of the grid",
)
@equation(
    "CCER-01-002",
    "V01",
    "eq. (3)",
    returns=("EF_grid_CM_y", "t/MWh"),
    text="EF_grid_CM_y = EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM",
    description="Combined margin emission factor of the regional grid",
)
def combined_margin(EF_grid_OM_y: Any, EF_grid_BM_y: Any, w_OM: Any, w_BM: Any) -> Any:
    """Combined margin CO2 emission factor of the grid.

    Parameters
    ----------
    EF_grid_OM_y
        Operating margin CO2 emission factor in year y. [t/MWh]
    EF_grid_BM_y
        Build margin CO2 emission factor in year y. [t/MWh]
    w_OM, w_BM
        Weights of the operating and build margins. [-]

    Returns
    -------
    EF_grid_CM_y, combined margin CO2 emission factor in year y. [t/MWh]

    Notes
    -----
    .. math:: EF_{grid,CM,y} = EF_{grid,OM,y} \\times w_{OM} + EF_{grid,BM,y} \\times w_{BM}

    TOOL07 v07.0, Step 6 (the same form is eq. (3) of CCER-01-002-V01).

    Examples
    --------
    >>> round(combined_margin(0.4620, 0.3456, 0.75, 0.25), 4)  # ASB0038-2018, Armenia
    0.4329
    """
    return EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM

"""CCER-01-001-V01: Grid-connected solar thermal power generation (并网光热发电).

Ministry of Ecology and Environment of China, October 2023; text as transcribed in
knifesoft/isostds ``docs/carbon/CCER-01-001.md``, tables read in the images that accompany
it (knifesoft/imgcloud ``2013/2023110716*.png`` and ``2013/2023110722*.png``,
``2013/2023110723*.png``). Implemented:

- applicability (para. 2): a stand-alone grid-connected solar thermal (CSP) plant, or the
  CSP part of a "光热+" integrated project (CSP with wind, PV..., para. 4.2) whose grid
  export is metered separately (``project_type``, ``csp_metered_separately``); the
  project's compliance with laws and sector policy (also para. 2) is for the validator;
- additionality exempt (para. 6.2), recorded as a finding;
- baseline: net electricity (eq. (2)) with the conservative meter-error correction of
  para. 7.3.4 a)-b), combined margin (eq. (3)), baseline emissions (eq. (1));
- project emissions of the fossil fuel burnt for auxiliary heating (防凝, keeping the heat
  transfer and storage media liquid; Table 1): PE_y = sum_i FC_i,y x COEF_i,y (eq. (4)),
  COEF_i,y = NCV_i,y x CC_i,y x OF_i,y x 44/12 (eq. (5)), the fuel meters' readings
  corrected up by para. 7.3.4 c); CO2 only (Table 1: CH4 and N2O not counted, so no GWP);
  the O&M vehicles' fuel is counted as zero (Table 1) and the O&M electricity is in
  EG_import (eq. (2));
- leakage ignored (para. 6.5), ER_y = BE_y - PE_y (eq. (6));
- the 10-year limit of the crediting period and its start not before grid connection
  (paras. 5.2.1-5.2.2).

The transcription prints eq. (3) as ``EF_OM x omega_OM x EF_BM x omega_BM``; the terms
are added (the weights of Tables 2-3 sum to 1 and a product would be in t^2/MWh^2, and the
sibling CCER-01-002-V01 eq. (3) has "+").

Tables read in the images: Table 1 (emission sources and gases), Tables 2-3 (omega_OM =
omega_BM = 0.5, 默认值 default values: another weight is an override that makes the
result non-compliant), Tables 4-6 (NCV_i,y in GJ/t or GJ/10^4 Nm3, CC_i,y in tC/GJ, OF_i,y
in %: "the defaults of the latest MEE enterprise GHG emission accounting and reporting
guideline" (企业温室气体排放核算与报告指南), with no number in the table (数值 "/"), so
each is a required input with its source for every fuel the project burns), Tables 7-8
(export and import meters of accuracy class 0.5 or better; a maximum permissible error
above 0.5 % is a failed finding), Tables 9-10 (EF_grid_OM_y, EF_grid_BM_y: the MEE's
factors for year y, or the latest published before y; ``EF_grid_vintage`` later than the
period is refused), Table 11 (FC_i,y metered in t or 10^4 Nm3 where the fuel enters the
plant; for gaseous fuels a flow meter of class 2.0 or better, so an MPE above 2 % is a
failed finding), Table 12 (validation and verification points, which confirm the
above). Tables 7-8 and 11 also ask for records at least monthly; that is not enforced (the
data's own intervals are used, as by CCER-01-002, and an ex-ante estimate has years).

Fuels and their coefficients. The engine's parameters are scalars, so the coefficients
of eq. (5) cannot be given as one parameter over a fuel dimension; they are scalar
parameters named by fuel (``NCV_diesel``, ``CC_diesel``, ``OF_diesel``, ``MPE_diesel``)
for the fuels of :data:`MASS_FUELS` and :data:`GAS_FUELS`, each with its unit and source
as Table 12 asks the validator to check them. The consumption is monitored over the
fuel dimension (its labels are these fuel names), in two variables because one variable
has one unit: ``FC`` for fuels metered by mass [t] and ``FC_gas`` for gaseous fuels
metered by volume at 0 degC and 101.325 kPa [Nm3], over the dimension ``fuel``
(:data:`FUEL_DIM`). Table 11's 10^4 Nm3 (万Nm3) has no unit in the engine:
give gas volumes in Nm3 or kNm3, and the guideline's NCV per 10^4 Nm3 divided by 10 in
GJ/kNm3. The calibration records of a fuel meter name ``FC[diesel]`` or
``FC_gas[natural_gas]`` (records naming ``FC`` or ``FC_gas`` alone apply to each of its
fuels); its class MPE is ``MPE_<fuel>``, or the one value its records agree on.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from reductions.plugin import (
    Equation,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MonitoringDataError,
    MonitoringVariable,
    Parameter,
    ParameterError,
    Source,
    Status,
    equation,
)
from reductions.tools.grid_emission_factor import combined_margin

from .ccer_rules import (
    class_finding,
    crediting_period_finding,
    grid_and_meter_parameters,
    meter_class_findings,
    vintage_finding,
)
from .equations import baseline_emissions_grid, emission_reductions, net_electricity_supplied
from .meter_error import (
    applied_meter_error,
    calibration_notes,
    class_mpe,
    corrected_export,
    corrected_fuel,
    corrected_fuel_gas,
    corrected_import,
)

#: The fuel dimension of FC and FC_gas.
FUEL_DIM = "fuel"
#: Fuels metered by mass [t] (Table 11: "t"), and their names in the MEE guidelines.
MASS_FUELS: Mapping[str, str] = {
    "diesel": "柴油",
    "fuel_oil": "燃料油",
    "lpg": "液化石油气",
    "lng": "液化天然气",
}
#: Gaseous fuels metered by volume at 0 degC, 101.325 kPa [Nm3] (Table 11: "万Nm3").
GAS_FUELS: Mapping[str, str] = {"natural_gas": "天然气"}
#: Ratio of the molecular masses of CO2 and C (eq. (5)).
CO2_PER_C = 44.0 / 12.0
#: Table 11: flow meters of gaseous fuels of accuracy class 2.0 or better (不低于2.0级).
MAX_GAS_METER_MPE = 0.02
PROJECT_TYPES = ("standalone", "integrated")

DOC, VERSION = "CCER-01-001", "V01"
CLAUSE_7_3_4 = "CCER-01-001-V01 para. 7.3.4"


# --- equations of CCER-01-001 alone ----------------------------------------------------------


@equation(
    DOC,
    VERSION,
    "eq. (3)",
    returns=("EF_grid_CM_y", "t/MWh"),
    text="EF_grid_CM_y = EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM",
    description="Combined margin emission factor of the regional grid",
)
def combined_margin_regional(EF_grid_OM_y: Any, EF_grid_BM_y: Any, w_OM: Any, w_BM: Any) -> Any:
    """Combined margin of the regional grid, eq. (3) of CCER-01-001-V01.

    :func:`reductions.tools.grid_emission_factor.combined_margin`, tagged for this
    document (that function carries the TOOL07 and CCER-01-002 tags).

    Parameters
    ----------
    EF_grid_OM_y, EF_grid_BM_y
        Operating and build margin emission factors of the regional grid. [t/MWh]
    w_OM, w_BM
        Their weights (Tables 2-3: 0.5 each). [-]

    Returns
    -------
    EF_grid_CM_y. [t/MWh]

    Notes
    -----
    The transcription prints "x" between the two weighted margins; they are added.

    Examples
    --------
    >>> combined_margin_regional(0.8922, 0.4407, 0.5, 0.5)
    0.66645
    """
    return combined_margin(EF_grid_OM_y, EF_grid_BM_y, w_OM, w_BM)


def _coefficient(NCV: Any, CC: Any, OF: Any) -> Any:
    return NCV * CC * OF * CO2_PER_C


@equation(
    DOC,
    VERSION,
    "eq. (5)",
    returns=("COEF_i_y", "t/t"),
    text="COEF_i,y = NCV_i,y x CC_i,y x OF_i,y x 44/12 (fuel i metered in t)",
    description="CO2 emission coefficient of a fuel metered by mass",
)
def fuel_co2_coefficient(NCV_i_y: Any, CC_i_y: Any, OF_i_y: Any) -> Any:
    """CO2 emission coefficient of a fuel metered by mass.

    Parameters
    ----------
    NCV_i_y
        Average net calorific value of fuel i (Table 4). [GJ/t]
    CC_i_y
        Carbon content per unit of heat of fuel i (Table 5). [tC/GJ]
    OF_i_y
        Carbon oxidation rate of fuel i (Table 6), as a fraction. [-]

    Returns
    -------
    COEF_i,y. [t CO2 / t fuel]

    Notes
    -----
    .. math:: COEF_{i,y} = NCV_{i,y} \\times CC_{i,y} \\times OF_{i,y} \\times 44/12

    CCER-01-001-V01 eq. (5), para. 6.4.

    Examples
    --------
    >>> round(fuel_co2_coefficient(42.652, 0.0202, 0.98), 9)
    3.095909637
    """
    return _coefficient(NCV_i_y, CC_i_y, OF_i_y)


@equation(
    DOC,
    VERSION,
    "eq. (5)",
    returns=("COEF_i_y", "t/Nm3"),
    text="COEF_i,y = NCV_i,y x CC_i,y x OF_i,y x 44/12 (gaseous fuel i metered in Nm3)",
    description="CO2 emission coefficient of a gaseous fuel metered by volume",
)
def gas_fuel_co2_coefficient(NCV_i_y: Any, CC_i_y: Any, OF_i_y: Any) -> Any:
    """CO2 emission coefficient of a gaseous fuel metered by volume.

    The equation of :func:`fuel_co2_coefficient` for a fuel whose NCV is per volume at
    reference conditions (its own function because a tag carries the unit of its result).

    Parameters
    ----------
    NCV_i_y
        Average net calorific value of fuel i (Table 4). [GJ/Nm3]
    CC_i_y
        Carbon content per unit of heat of fuel i (Table 5). [tC/GJ]
    OF_i_y
        Carbon oxidation rate of fuel i (Table 6), as a fraction. [-]

    Returns
    -------
    COEF_i,y. [t CO2 / Nm3]

    Notes
    -----
    CCER-01-001-V01 eq. (5), para. 6.4.

    Examples
    --------
    >>> round(gas_fuel_co2_coefficient(0.038931, 0.01532, 0.99), 9)
    0.002165015
    """
    return _coefficient(NCV_i_y, CC_i_y, OF_i_y)


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("PE_i_y", "t"),
    text="PE_i,y = FC_i,y x COEF_i,y (the terms of eq. (4), each fuel i)",
    description="Project emissions of each fossil fuel",
)
def fuel_project_emissions(FC_i_y: Any, COEF_i_y: Any) -> Any:
    """The project emissions of each fuel: one term of eq. (4).

    Parameters
    ----------
    FC_i_y
        Consumption of fuel i, after the meter-error correction. [t or Nm3]
    COEF_i_y
        CO2 emission coefficient of fuel i (eq. (5)). [t/t or t/Nm3]

    Returns
    -------
    FC_i,y x COEF_i,y. [t]

    Examples
    --------
    >>> fuel_project_emissions(10.0, 3.1)
    31.0
    """
    return FC_i_y * COEF_i_y


def _over_fuels(x: Any) -> Any:
    """Sum over the fuel dimension; a number or an array without it is a total already."""
    if isinstance(x, xr.DataArray) and FUEL_DIM in x.dims:
        return x.sum(FUEL_DIM)
    return x


@equation(
    DOC,
    VERSION,
    "eq. (4)",
    returns=("PE", "t"),
    text="PE_y = sum_i FC_i,y x COEF_i,y",
    description="Project emissions of the fossil fuel used for auxiliary heating",
)
def project_emissions(PE_i_y: Any, PE_gas_i_y: Any) -> Any:
    """Project emissions, eq. (4): the sum over every fuel, by mass and by volume.

    Parameters
    ----------
    PE_i_y
        Emissions of each fuel metered by mass, over the ``fuel`` dimension. [t]
    PE_gas_i_y
        Emissions of each gaseous fuel, over the ``fuel`` dimension. [t]

    Returns
    -------
    PE_y. [t]

    Notes
    -----
    CCER-01-001-V01 eq. (4), para. 6.4. A DataArray is summed over its ``fuel``
    dimension; a number (or an array without that dimension) is taken as a sum already.

    Examples
    --------
    >>> import xarray as xr
    >>> float(project_emissions(xr.DataArray([1.5, 2.0], dims="fuel"), 0.25))
    3.75
    """
    return _over_fuels(PE_i_y) + _over_fuels(PE_gas_i_y)


# --- declarations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FuelFamily:
    """The fuels monitored in one unit: by mass (``FC``) or by volume (``FC_gas``)."""

    symbol: str
    unit: str
    fuels: Mapping[str, str]
    fix: Callable[..., Any]
    coefficient: Callable[..., Any]
    coef_symbol: str
    pe_symbol: str
    kind: str


FAMILIES = (
    FuelFamily(
        "FC",
        "t",
        MASS_FUELS,
        corrected_fuel,
        fuel_co2_coefficient,
        "COEF_i_y",
        "PE_i_y",
        "fuels metered by mass",
    ),
    FuelFamily(
        "FC_gas",
        "Nm3",
        GAS_FUELS,
        corrected_fuel_gas,
        gas_fuel_co2_coefficient,
        "COEF_gas_i_y",
        "PE_gas_i_y",
        "gaseous fuels metered by volume",
    ),
)


def _fuel_parameters(fuel: str, name: str, gas: bool) -> tuple[Parameter, ...]:
    per, top = ("Nm3", 0.2) if gas else ("t", 60.0)
    return (
        Parameter(
            f"NCV_{fuel}",
            f"NCV_i,y of {fuel} ({name}): net calorific value, the MEE guideline's default "
            "(Table 4)" + ("; per 10^4 Nm3 / 10 = per kNm3" if gas else ""),
            unit=f"GJ/{per}",
            minimum=0.0,
            maximum=top,
            required=False,
        ),
        Parameter(
            f"CC_{fuel}",
            f"CC_i,y of {fuel}: carbon content per unit of heat (Table 5)",
            unit="tC/GJ",
            minimum=0.0,
            maximum=0.05,
            required=False,
        ),
        Parameter(
            f"OF_{fuel}",
            f'OF_i,y of {fuel}: carbon oxidation rate, a fraction or unit = "%" (Table 6)',
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            f"MPE_{fuel}",
            f"Maximum permissible error of the {fuel} meter's accuracy class",
            unit="1",
            minimum=0.0,
            maximum=0.1,
            required=False,
        ),
    )


class CCER01001(Methodology):
    """CCER-01-001-V01, grid-connected solar thermal power."""

    id = "ccer.01-001"
    version = "V01"
    title = "Grid-connected solar thermal power generation (并网光热发电)"
    sources = (
        Source(
            DOC,
            "温室气体自愿减排项目方法学 并网光热发电",
            VERSION,
            "https://www.mee.gov.cn/",
            "MEE, October 2023; text as transcribed in knifesoft/isostds "
            "docs/carbon/CCER-01-001.md, tables in the images of knifesoft/imgcloud",
        ),
    )
    uses_calibrations = True
    gwp_rule = "none"
    parameters = (
        Parameter(
            "project_type",
            "Stand-alone grid-connected solar thermal plant, or the CSP part of a 光热+ "
            "integrated project (para. 2)",
            kind="choice",
            choices=PROJECT_TYPES,
        ),
        Parameter(
            "csp_metered_separately",
            "Integrated projects: the CSP part's grid export is metered separately (para. 2)",
            kind="bool",
            required=False,
        ),
        Parameter(
            "fossil_fuel_used",
            "Fossil fuel is burnt for auxiliary heating (防凝) (Table 1, eq. (4))",
            kind="bool",
            required=False,
        ),
        *grid_and_meter_parameters("CCER-01-001-V01", " (Table 9)", " (Table 10)", "Tables 9-10"),
        Parameter(
            "grid_connection_date",
            "Date of grid connection, the start of the project's lifetime (para. 5.2.1)",
            kind="date",
            required=False,
        ),
        *(p for f, n in MASS_FUELS.items() for p in _fuel_parameters(f, n, gas=False)),
        *(p for f, n in GAS_FUELS.items() for p in _fuel_parameters(f, n, gas=True)),
    )
    monitoring = (
        MonitoringVariable(
            "EG_export",
            "上网电量: electricity from the CSP plant (part) to the grid (Table 7)",
            "MWh",
            meter=True,
        ),
        MonitoringVariable(
            "EG_import",
            "下网电量: electricity from the grid to the CSP plant (part) (Table 8)",
            "MWh",
            meter=True,
        ),
        MonitoringVariable(
            "FC",
            "化石燃料消耗量: fossil fuel metered by mass, by fuel "
            f"({', '.join(MASS_FUELS)}) (Table 11)",
            "t",
            required=False,
            dims=(FUEL_DIM,),
            meter=True,
        ),
        MonitoringVariable(
            "FC_gas",
            "化石燃料消耗量: gaseous fossil fuel metered by volume at 0 degC and 101.325 kPa, "
            f"by fuel ({', '.join(GAS_FUELS)}) (Table 11)",
            "Nm3",
            required=False,
            dims=(FUEL_DIM,),
            meter=True,
        ),
    )
    equations = (
        baseline_emissions_grid,
        net_electricity_supplied,
        combined_margin_regional,
        project_emissions,
        fuel_project_emissions,
        fuel_co2_coefficient,
        gas_fuel_co2_coefficient,
        Equation(
            "CCER-01-001-V01 Table 1",
            "CH4 and N2O not counted; fossil fuel of O&M vehicles counted as 0; O&M "
            "electricity in EG_import_y",
        ),
        Equation("CCER-01-001-V01 para. 6.5", "leakage ignored: LE_y = 0"),
        emission_reductions,
        corrected_export,
        corrected_import,
        corrected_fuel,
        corrected_fuel_gas,
        Equation(
            CLAUSE_7_3_4,
            "error = actual basic error if calibrated on time but out of class, MPE of the "
            "class if not calibrated or late; export down, import and fuel up",
        ),
    )

    # --- applicability ---------------------------------------------------------------

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        p = self.id + ".applicability."
        w_sum = inputs.value("w_OM") + inputs.value("w_BM")
        weights = Finding(
            p + "weights",
            "CCER-01-001-V01 eq. (3)",
            Status.PASS if abs(w_sum - 1.0) <= 1e-9 else Status.FAIL,
            f"omega_OM + omega_BM = {w_sum!r}" + ("" if abs(w_sum - 1.0) <= 1e-9 else ", not 1"),
            {"w_OM": inputs.value("w_OM"), "w_BM": inputs.value("w_BM")},
        )
        additionality = Finding(
            p + "additionality",
            "CCER-01-001-V01 para. 6.2",
            Status.PASS,
            "a project meeting the applicability conditions is exempt from demonstrating "
            "additionality (额外性免予论证)",
        )
        return [
            _scope(p, inputs),
            additionality,
            weights,
            vintage_finding(p, inputs, "CCER-01-001-V01 Tables 9-10"),
            *meter_class_findings(
                p, inputs, "CCER-01-001-V01 Tables 7-8 (accuracy class 0.5 or better, 不低于0.5级)"
            ),
            *_gas_meter_class(p, inputs),
            _fossil_fuel(p, inputs),
            crediting_period_finding(p, inputs, "CCER-01-001-V01 paras. 5.2.1-5.2.2"),
        ]

    # --- quantification --------------------------------------------------------------

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        for symbol, fix in (("EG_export", corrected_export), ("EG_import", corrected_import)):
            self._correct_meter(inputs, ledger, symbol)
            ledger.apply(fix)
        ledger.apply(net_electricity_supplied, EG_export="EG_export_y", EG_import="EG_import_y")
        ledger.apply(combined_margin_regional)
        ledger.apply(baseline_emissions_grid)
        mapped = [f for f in FAMILIES if f.symbol in inputs.series]
        _check_fuel_parameters(inputs, mapped)
        if not mapped:
            ledger.add(
                "PE",
                0.0,
                "t",
                self.reference("eq. (4): no fossil fuel consumption (FC, FC_gas) mapped"),
                (),
                "Project emissions: no fossil fuel for auxiliary heating",
            )
        else:
            for fam in FAMILIES:
                if fam in mapped:
                    self._fuel_emissions(inputs, ledger, fam)
                else:
                    ledger.add(
                        fam.pe_symbol,
                        0.0,
                        "t",
                        self.reference(f"eq. (4): no {fam.kind} ({fam.symbol}) mapped"),
                        (),
                        f"Project emissions of {fam.kind}: none mapped",
                        role="parameter",
                    )
            ledger.apply(project_emissions)
        ledger.add(
            "LE", 0.0, "t", self.reference("para. 6.5"), (), "Leakage, ignored by the methodology"
        )
        ledger.apply(emission_reductions)

    def _correct_meter(self, inputs: Inputs, ledger: Ledger, symbol: str) -> None:
        """The relative error applied to an electricity meter's readings (para. 7.3.4)."""
        da = inputs.series[symbol]
        start, end = _local_bounds(da, inputs)
        cals = inputs.calibrations_of(symbol)
        mpe_symbol = f"MPE_{symbol.split('_')[1]}"
        given = inputs.parameters.get(mpe_symbol)
        mpe, mpe_note = class_mpe(
            symbol, mpe_symbol, None if given is None else given.value, cals, CLAUSE_7_3_4
        )
        error, uncalibrated = applied_meter_error(
            start, end, cals, mpe, symbol, mpe_parameter=mpe_symbol, rule=CLAUSE_7_3_4
        )
        used = (mpe_symbol,) if given is not None and np.any(uncalibrated) else ()
        notes = calibration_notes(symbol, cals, uncalibrated, start)
        if mpe_note and np.any(uncalibrated):
            notes = (*notes, mpe_note)
        ledger.add(
            f"e_{symbol}",
            float(error[0]) if np.all(error == error[0]) else error,
            "1",
            self.reference("para. 7.3.4"),
            used,
            f"Relative error applied to the {symbol} readings",
            extensive=False,
            notes=notes,
            like=da,
        )

    def _fuel_emissions(self, inputs: Inputs, ledger: Ledger, fam: FuelFamily) -> None:
        """Para. 7.3.4 c), eq. (5) for each fuel, the terms of eq. (4)."""
        da = inputs.series[fam.symbol].transpose("time", FUEL_DIM)
        fuels = [str(x) for x in da[FUEL_DIM].values]
        start, end = _local_bounds(da, inputs)
        errors = np.zeros(da.shape)
        used: list[str] = []
        notes: list[str] = []
        for k, fuel in enumerate(fuels):
            meter = f"{fam.symbol}[{fuel}]"
            cals = inputs.calibrations_of(meter) + inputs.calibrations_of(fam.symbol)
            mpe_symbol = f"MPE_{fuel}"
            given = inputs.parameters.get(mpe_symbol)
            mpe, mpe_note = class_mpe(
                meter, mpe_symbol, None if given is None else given.value, cals, CLAUSE_7_3_4
            )
            error, uncalibrated = applied_meter_error(
                start, end, cals, mpe, meter, mpe_parameter=mpe_symbol, rule=CLAUSE_7_3_4
            )
            errors[:, k] = error
            if given is not None and np.any(uncalibrated):
                used.append(mpe_symbol)
            notes.extend(calibration_notes(meter, cals, uncalibrated, start))
            if mpe_note and np.any(uncalibrated):
                notes.append(f"{meter}: {mpe_note}")
        ledger.add(
            f"e_{fam.symbol}",
            float(errors.flat[0]) if np.all(errors == errors.flat[0]) else errors,
            "1",
            self.reference("para. 7.3.4 c)"),
            tuple(used),
            f"Relative error applied to the {fam.symbol} readings of each fuel",
            extensive=False,
            notes=notes,
            like=da,
        )
        ledger.apply(fam.fix)
        for fuel in fuels:
            ledger.apply(
                fam.coefficient,
                returns=f"COEF_{fuel}",
                description=f"CO2 emission coefficient of {fuel}",
                NCV_i_y=f"NCV_{fuel}",
                CC_i_y=f"CC_{fuel}",
                OF_i_y=f"OF_{fuel}",
            )
        coef = xr.DataArray(
            [float(ledger[f"COEF_{fuel}"].total()) for fuel in fuels],
            dims=(FUEL_DIM,),
            coords={FUEL_DIM: da[FUEL_DIM].values},
        )
        ledger.add(
            fam.coef_symbol,
            coef,
            ledger[f"COEF_{fuels[0]}"].unit,
            self.reference("eq. (5), each fuel i"),
            tuple(f"COEF_{fuel}" for fuel in fuels),
            f"CO2 emission coefficients of the {fam.kind}",
            extensive=False,
        )
        ledger.apply(
            fuel_project_emissions,
            returns=fam.pe_symbol,
            description=f"Project emissions of each of the {fam.kind}",
            FC_i_y=f"{fam.symbol}_y",
            COEF_i_y=fam.coef_symbol,
        )


# --- helpers ------------------------------------------------------------------------------------


def _local_bounds(da: xr.DataArray, inputs: Inputs) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    tz = inputs.period.timezone
    start = pd.DatetimeIndex(da["time"].values).tz_localize("UTC").tz_convert(tz)
    end = pd.DatetimeIndex(da["time_end"].values).tz_localize("UTC").tz_convert(tz)
    return start, end


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_fuel_parameters(inputs: Inputs, mapped: Sequence[FuelFamily]) -> None:
    """Every fuel in the data has NCV, CC and OF; every fuel label, parameter and
    calibration record names a fuel of the right kind; nothing is given for a fuel that
    is not burnt."""
    burnt: set[str] = set()
    for fam in mapped:
        other = next(f for f in FAMILIES if f is not fam)
        for fuel in (str(x) for x in inputs.series[fam.symbol][FUEL_DIM].values):
            if fuel not in fam.fuels:
                message = (
                    f"{fuel} is one of the {other.kind}: map it to {other.symbol} in {other.unit}"
                    if fuel in other.fuels
                    else f"{fuel!r} is not a fuel of {fam.symbol}{_hint(fuel, list(fam.fuels))}"
                )
                raise MonitoringDataError(
                    message,
                    variable=fam.symbol,
                    where=f"{FUEL_DIM} {fuel!r}",
                    rule=f"CCER-01-001-V01 Table 11: {fam.symbol} holds the {fam.kind}, "
                    f"{', '.join(fam.fuels)}",
                )
            burnt.add(fuel)
            for symbol, table in (("NCV", "Table 4"), ("CC", "Table 5"), ("OF", "Table 6")):
                if not inputs.given(f"{symbol}_{fuel}"):
                    raise ParameterError(
                        f"required for {fuel}, which the project burns "
                        f"({CCER01001.parameter(f'{symbol}_{fuel}').description})",
                        variable=f"parameters.{symbol}_{fuel}",
                        rule=f"CCER-01-001-V01 {table}: the default of the latest MEE "
                        "guideline, with its source",
                    )
        labels = [str(x) for x in inputs.series[fam.symbol][FUEL_DIM].values]
        for c in inputs.calibrations:
            if c.variable.startswith(fam.symbol + "["):
                label = c.variable[len(fam.symbol) + 1 :].rstrip("]")
                if label not in labels:
                    raise ParameterError(
                        f"a calibration record names {c.variable!r}, but {fam.symbol} has no "
                        f"fuel {label!r}{_hint(label, labels)}",
                        variable=f"calibrations.{c.variable}",
                        rule=f"the fuels of {fam.symbol} in the data: {', '.join(labels)}",
                    )
    for fuel in (*MASS_FUELS, *GAS_FUELS):
        if fuel in burnt:
            continue
        for symbol in ("NCV", "CC", "OF", "MPE"):
            if inputs.given(f"{symbol}_{fuel}"):
                raise ParameterError(
                    f"{symbol}_{fuel} is given, but no {fuel} consumption is mapped",
                    variable=f"parameters.{symbol}_{fuel}",
                    rule="a setting the methodology does not use is an error; remove it",
                )


def _scope(prefix: str, inputs: Inputs) -> Finding:
    """Para. 2: a stand-alone CSP plant, or the separately metered CSP part of a 光热+
    integrated project."""
    clause = "CCER-01-001-V01 para. 2"
    kind = inputs.value("project_type")
    separate = inputs.parameters.get("csp_metered_separately")
    values: dict[str, object] = {"project_type": kind}
    if kind == "standalone":
        if separate is not None:
            raise ParameterError(
                "csp_metered_separately is set, but the project is a stand-alone CSP plant",
                variable="parameters.csp_metered_separately",
                rule="a setting the methodology does not use is an error; remove it "
                "(it applies to 光热+ integrated projects)",
            )
        return Finding(
            prefix + "scope",
            clause,
            Status.PASS,
            "stand-alone grid-connected solar thermal (CSP) plant",
            values,
        )
    values["csp_metered_separately"] = None if separate is None else separate.value
    if separate is None:
        return Finding(
            prefix + "scope",
            clause,
            Status.FAIL,
            "csp_metered_separately is not declared: for the CSP part of a 光热+ "
            "integrated project the methodology requires its grid export to be metered "
            "separately",
            values,
        )
    return Finding(
        prefix + "scope",
        clause,
        Status.PASS if separate.value else Status.FAIL,
        "the CSP part of a 光热+ integrated project, its grid export metered separately"
        if separate.value
        else "the grid export of the CSP part is not metered separately from the other "
        "sources of the integrated project: the methodology does not apply",
        values,
    )


def _fossil_fuel(prefix: str, inputs: Inputs) -> Finding:
    """Table 1: the fossil fuel of auxiliary heating is the main project emission source;
    PE_y = 0 without it must be a declaration, not a forgotten table."""
    clause = "CCER-01-001-V01 Table 1, eq. (4)"
    mapped = [f.symbol for f in FAMILIES if inputs.has(f.symbol)]
    declared = inputs.parameters.get("fossil_fuel_used")
    if mapped:
        if declared is not None and not declared.value:
            raise ParameterError(
                f"fossil_fuel_used = false, but {' and '.join(mapped)} is mapped",
                variable="parameters.fossil_fuel_used",
                rule=f"{clause}: the declaration and the data must agree",
            )
        return Finding(
            prefix + "fossil_fuel",
            clause,
            Status.PASS,
            f"fossil fuel for auxiliary heating metered ({', '.join(mapped)}): PE_y by eq. (4)",
            {"mapped": mapped},
        )
    if declared is None:
        return Finding(
            prefix + "fossil_fuel",
            clause,
            Status.UNCHECKED,
            "no fuel consumption (FC, FC_gas) is mapped and fossil_fuel_used is not "
            "declared: PE_y = 0; the validator checks that no fossil fuel is burnt for "
            "auxiliary heating",
            {"fossil_fuel_used": None},
        )
    if declared.value:
        raise ParameterError(
            "fossil_fuel_used = true, but no fuel consumption is mapped (FC in t, FC_gas in Nm3)",
            variable="parameters.fossil_fuel_used",
            rule=f"{clause}: the fuel burnt is metered (Table 11)",
        )
    return Finding(
        prefix + "fossil_fuel",
        clause,
        Status.PASS,
        "no fossil fuel burnt for auxiliary heating (declared): PE_y = 0",
        {"fossil_fuel_used": False},
    )


def _gas_meter_class(prefix: str, inputs: Inputs) -> list[Finding]:
    """Table 11: flow meters of gaseous fuels of accuracy class 2.0 or better."""
    if not inputs.has("FC_gas"):
        return []
    clause = "CCER-01-001-V01 Table 11 (gaseous fuels: flow meter class 2.0 or better)"
    stated = {f"MPE_{f}": inputs.value(f"MPE_{f}") for f in GAS_FUELS if inputs.given(f"MPE_{f}")}
    stated.update(
        {
            f"{c.variable} calibration {c.date.isoformat()}": c.mpe
            for c in inputs.calibrations
            if c.variable == "FC_gas" or c.variable.startswith("FC_gas[")
        }
    )
    return [
        class_finding(
            f"{prefix}meter_class_FC_gas", clause, "gas flow meter", stated, MAX_GAS_METER_MPE
        )
    ]

"""CDM AMS-III.D v21.0: Methane recovery in animal manure management systems.

Text: the UNFCCC PDF of version 21.0 (EB 96, Annex 9, 22 September 2017), as held by
github Fredilly/article6-methodologies ``source-assets/UNFCCC/Agriculture/AMS-III.D/v21-0/
source.pdf``; TOOL14 v03.0 for the digester's leakage, electricity and leakage emissions
(paras. 21(b), 23, 26) and TOOL06 v04.0 for the flare efficiency defaults (para. 22).

Implemented
-----------
- Applicability, paras. 3-5, 9, 17, 18(d)-(e), 24, 31: findings from what the project
  file declares (pass / fail / cannot be checked when not declared).
- Baseline, option of para. 17(a): eq. (1) over the livestock types LT of
  :data:`LIVESTOCK` and the baseline systems j of :data:`BASELINE_SYSTEMS`; VS_LT,y from
  an IPCC or national default (para. 18(b)(i), (iii)), adjusted for the animals' weight
  (para. 18(c), eq. (3)) or from the feed intake (para. 18(b)(ii), eq. (2)); N_LT,y
  monitored, or by eq. (4) from N_da,y and N_p,y. D_CH4 = 0.00067 t/m3 and UF_b = 0.94
  (para. 18) are prescribed.
- Project emissions, eq. (6): PE_PL,y by eq. (7) (para. 21(a)(i), 10 %) or by TOOL14
  (para. 21(b): PE_CH4,y = Q_CH4,y x EF_CH4,default x GWP_CH4, TOOL14 eq. (4));
  PE_flare,y by TOOL06 eq. (15) with the flare efficiency monitored (eta_flare), or the
  TOOL06 default (open 50 % para. 18; enclosed 90 % para. 21; low-height enclosed 80 %
  para. 23) times the monitored fraction of time the flare operated (f_flare_op), or the
  default alone (a finding says so); PE_power,y = PE_EC,y + PE_FC,y (para. 23) with
  PE_EC,y by TOOL14 eq. (3) (default factors) or TOOL05 applied outside (monitored
  series) and PE_FC,y from TOOL03 applied outside (monitored series); PE_transp,y from
  AMS-III.AO applied outside (monitored series); PE_storage,y by eq. (9) when para. 24
  (a) and (b) both hold.
- Leakage, para. 26: TOOL14 eq. (5), LE_storage,y by TOOL14 eq. (7) (liquid digestate)
  or eq. (8) (solid digestate in a SWDS), LE_comp,y from TOOL13 applied outside.
- Methane destroyed: eq. (11) for the biogas flared (FE) and combusted for energy
  (FE = 100 %, paras. 22 and 33), or for all biogas with FE where the two are not
  metered apart (para. 33); eq. (12) from the electricity generated (paras. 30, 33);
  volumes at 20 degC and 1 atm (the conditions of D_CH4), normalised from the meter's
  T and P when those are monitored (tables 7-8); w_CH4 monitored or the 60 % default of
  table 6.
- Emission reductions, eq. (10): ER_y = min[(BE_y,ex post - PE_y,ex post), (MD_y -
  PE_power,y,ex post)], the terms compared on each calendar year's intervals within the
  quantified period, less the leakage of para. 26. The ledger's BE is the baseline the
  rule credits (BE_y,ex post, or MD_y - PE_power,y + PE_y where the second term is the
  lower), so that ER = BE - PE - LE at every interval; BE_y_ex_post, MD_y, ER_calc_y,
  ER_MD_y and min_MD_y are in the ledger beside it.
- Para. 9: the emission reductions of each calendar year's part of the period are at
  most 60 kt CO2e (a finding after quantification).
- The flare minute by minute (TOOL06 v04.0 para. 11): with V_RG_m (actual m3, with T_RG_m
  and P_RG_m) or V_RG_n_m (Nm3), w_CH4_m (or the 60 % default), Flame_m and, for an
  enclosed flare, T_EG_m and SPEC_flare (parameters T_flare_min/max, F_flare_min/max, with
  their source), all declared at ``resolution = "1min"`` (the engine sums finer amounts,
  averages finer states and holds a coarser state such as a laboratory CH4 fraction over
  the minutes; the tables may differ, e.g. the flow meter's and the flare controller's),
  each minute gets F_CH4,RG,m (:func:`reductions.tools.flaring.methane_to_flare`),
  eta_flare,m (open: para. 18; enclosed, Option A: paras 21-23 with F_RG,m in Nm3/h),
  PE_flare,m (eq. (15)) and MD_flare,m (eq. (11) with the minute's efficiency); the minute
  series are summed to the intervals of nd_y (``Ledger.resample``) and a ledger balance
  checks that the methane sent to the flare is destroyed or emitted. One methane mass per
  minute enters both equations: D_CH4 of para. 18 (0.00067 t/m3 at 20 degC) expressed at
  TOOL06's reference conditions (0.719057 kg/Nm3), the density the interval path's eq. (15)
  already uses; TOOL06's own rho_CH4,n = 0.716 kg/Nm3 (Table 1) would give 0.4 % less
  methane to both MD_y and PE_flare,y. Missing data: a flow reading has no rule in
  AMS-III.D (table 5) or TOOL06 (Step 1 via TOOL08): an error naming the first missing
  minute; a missing flame record is "flame off" and a missing exhaust temperature does not
  demonstrate operation (paras 18, 21-22, table 10): efficiency 0 in that minute, counted
  in the table's data quality and in the ``flare_minutes`` finding (which also counts the
  minutes with flame off, T_EG,m or F_RG,m outside SPEC_flare). A finer flame record is
  the fraction of the minute with flame: the flame counts as detected only if detected
  throughout the minute (conservative).

How annual quantities are spread over monitoring intervals
----------------------------------------------------------
The text's quantities are per year y. Each interval gets its part: nd_y is the number of
days the plant operated in the interval (so VS_LT,y = VS_LT,d x nd_y is the excretion in
the interval), N_LT,y the average population in the interval; eq. (4) annualises the
animals produced in an interval (N_p x 365 / days); eq. (9) counts days / AI_l storage
batches in an interval (365 / AI_l in a 365-day year). With one interval of a year every
equation is the text's own.

Not implemented
---------------
- Option 17(b) (eq. (5), eq. (8)): Q_manure,j,LT,y and SVS_j,LT,y are indexed by two
  dimensions the engine's tables do not carry together; a project choosing it gets a
  "not yet supported" finding.
- Sequential treatment stages (para. 18(e), R_VS): "not yet supported".
- TOOL05, TOOL03, TOOL13 and AMS-III.AO's transport paragraph: their results are inputs
  (monitored series PE_EC, PE_FC, LE_comp, PE_transp in t CO2e), with findings saying the
  tool is not applied by this plugin.
- TOOL06 Option B (measured flare efficiency, B.1 and B.2) on the minute path: Option A
  only. Without minute data, FE comes from eta_flare or f_flare_op computed outside, or
  the default (the interval path).
- The exhaust temperature of an enclosed flare declared in K but recorded in degC is
  caught only below 150 K (a reading of 900 "K" is a plausible 627 degC); the gas
  temperature at the meter (T_RG_m) is checked the same way (gas.check_temperature).
- Several storage devices l: one device (MS_l, AI_l, MCF_l).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from reductions.plugin import (
    Constant,
    Equation,
    FillContext,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MissingDataRule,
    MonitoringDataError,
    MonitoringVariable,
    NoFill,
    Parameter,
    ParameterError,
    Source,
    Status,
    Zero,
    tags_of,
)
from reductions.tools import flaring, gas

from . import tool14

if TYPE_CHECKING:
    from reductions.ledger import TimeAxis

from .ams_iii_d_equations import (
    average_animals,
    baseline_emissions_credited,
    baseline_emissions_lt,
    d_ch4_at_reference,
    emission_reductions,
    flare_flow_rate,
    flaring_emissions,
    methane_destroyed,
    methane_destroyed_flare_m,
    methane_destroyed_power,
    monitored_term_applies,
    physical_leakage_lt,
    power_emissions,
    project_emissions,
    reductions_calculated,
    reductions_monitored,
    storage_emissions_lt,
    volatile_solids_feed,
    volatile_solids_weight,
    volatile_solids_year,
    volume_at_d_ch4_conditions,
    weighted_mcf,
)

DOC, VERSION = "AMS-III.D", "21.0"


def ref(where: str) -> str:
    """``"AMS-III.D v21.0 para. 18"``."""
    return f"{DOC} v{VERSION} {where}"


#: Livestock types LT (the categories of IPCC 2006 Vol. 4 Ch. 10, tables 10A-4 to 10A-9).
LIVESTOCK = (
    "dairy_cattle",
    "other_cattle",
    "buffalo",
    "market_swine",
    "breeding_swine",
    "sheep",
    "goats",
    "poultry",
)
#: Baseline animal manure management systems j (IPCC 2006 Vol. 4 table 10.17 names).
BASELINE_SYSTEMS = (
    "uncovered_anaerobic_lagoon",
    "liquid_slurry",
    "pit_storage",
    "solid_storage",
    "dry_lot",
    "other",
)
VS_METHODS = ("default", "weight", "feed")
#: TOOL06 v04.0 default flare efficiencies while the flare operates.
FLARE_DEFAULTS: Mapping[str, tuple[float, str]] = {
    "open": (0.50, "TOOL06 v04.0 para. 18 (open flare, flame detected: 50 %)"),
    "enclosed": (0.90, "TOOL06 v04.0 para. 21 (enclosed flare, Option A: 90 %)"),
    "enclosed_low_height": (
        0.80,
        "TOOL06 v04.0 paras. 21 and 23 (low-height enclosed flare: 90 % less 10 points)",
    ),
}
FLARE_TYPES = (*FLARE_DEFAULTS, "none")
RESIDUAL_WASTE = ("aerobic", "anaerobic_liquid", "anaerobic_solid_swds")
#: Para. 9: at most 60 kt CO2e a year from all Type III components.
ER_LIMIT = 60_000.0
#: The flare's monitoring variables minute by minute (TOOL06 para. 11: "for each minute m").
MINUTE = "1min"
FLARE_MINUTE_VARIABLES = ("V_RG_m", "V_RG_n_m", "w_CH4_m", "T_RG_m", "P_RG_m", "T_EG_m", "Flame_m")
FLARE_SPEC = ("T_flare_min", "T_flare_max", "F_flare_min", "F_flare_max")


class NotDemonstrated(MissingDataRule):
    """TOOL06 paras 21-22 (and 24-25): a minute without an exhaust temperature reading
    does not demonstrate that the flare operated within SPEC_flare, so eta_flare,m is 0 in
    that minute. The reading stays missing (NaN); the plugin gives the minute efficiency 0
    and counts it in a finding; the engine counts it in the table's data quality."""

    kind = "efficiency 0 in that minute"

    def fill(self, ctx: FillContext) -> np.ndarray:
        return ctx.values

    def filled_by(self) -> str:
        return "nothing: eta_flare,m = 0 in that minute (operation not demonstrated)"


def _lt_parameters(lt: str) -> tuple[Parameter, ...]:
    name = lt.replace("_", " ")
    return (
        Parameter(
            f"B0_{lt}",
            f"B0,LT of {name}: maximum methane producing potential of the volatile solids "
            "(para. 18(a): country-specific, or IPCC 2006 Vol. 4 tables 10A-4 to 10A-9)",
            unit="m**3/kg",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            f"VS_default_{lt}",
            f"VS_default of {name}: volatile solid excretion per animal and day, dry matter "
            "(para. 18(b)(i)/(iii), 18(c); national or IPCC 2006 tables 10A-4 to 10A-9)",
            unit="kg/d",
            minimum=0.0,
            maximum=20.0,
            required=False,
        ),
        Parameter(
            f"W_default_{lt}",
            f"W_default of {name}: IPCC 2006 default average animal weight (eq. (3))",
            unit="kg",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            f"GE_{lt}",
            f"GE_LT of {name}: daily average gross energy intake (eq. (2), table 20)",
            unit="MJ/d",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            f"DE_{lt}",
            f"DE_LT of {name}: digestible energy of the feed, per cent (eq. (2), table 21)",
            unit="percent",
            minimum=0.0,
            maximum=100.0,
            required=False,
        ),
        Parameter(
            f"ED_{lt}",
            f"ED_LT of {name}: energy density of the feed (eq. (2), table 24: 'typically "
            "18.45 MJ/kg-dm' for grain-based feeds; the feed composition is recorded)",
            unit="MJ/kg",
            minimum=0.0,
            required=False,
        ),
    )


def _lt_variables(lt: str) -> tuple[MonitoringVariable, ...]:
    name = lt.replace("_", " ")
    return (
        MonitoringVariable(
            f"N_{lt}",
            f"N_LT,y of {name}: average number of animals in the interval (table 2-3, para. 36(a))",
            "1",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            f"N_p_{lt}",
            f"N_p,y of {name}: animals produced in the interval (eq. (4), table 3)",
            "1",
            required=False,
            aggregate="sum",
        ),
        MonitoringVariable(
            f"N_da_{lt}",
            f"N_da,y of {name}: days an animal is alive in the farm (eq. (4), table 2)",
            "d",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            f"W_site_{lt}",
            f"W_site of {name}: average animal weight at the site (eq. (3), table 4)",
            "kg",
            required=False,
            aggregate="mean",
        ),
    )


def _system_parameters(j: str) -> tuple[Parameter, ...]:
    name = j.replace("_", " ")
    return (
        Parameter(
            f"MCF_{j}",
            f"MCF_j of the baseline system {name}: annual methane conversion factor "
            "(para. 18(f): country-specific, or IPCC 2006 Vol. 4 table 10.17 at the site's "
            "annual average temperature)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            f"MS_Bl_{j}",
            f"MS%_Bl,j: fraction of manure handled in the baseline system {name} (eq. (1))",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
    )


def _factor_parameter(symbol: str, what: str, table: Mapping[float, str], where: str) -> Parameter:
    values = "; ".join(f"{v:g}: {k}" for v, k in table.items())
    return Parameter(
        symbol,
        f"{what} ({where}: {values})",
        unit="1" if "F_EC" not in symbol else "MWh/t",
        minimum=0.0,
        required=False,
    )


class AMSIIID(Methodology):
    """CDM AMS-III.D v21.0, methane recovery in animal manure management systems."""

    id = "cdm.ams-iii.d"
    version = VERSION
    title = "Methane recovery in animal manure management systems"
    sources = (
        Source(
            DOC,
            "Small-scale Methodology: Methane recovery in animal manure management systems",
            VERSION,
            "https://cdm.unfccc.int/methodologies/DB/",
            "EB 96, Annex 9, 22 September 2017; PDF held by github "
            "Fredilly/article6-methodologies source-assets/UNFCCC/Agriculture/AMS-III.D/v21-0",
        ),
        Source(
            "TOOL14",
            "Project and leakage emissions from anaerobic digesters",
            "03.0",
            None,
            "EB 123, Annex 2, 7 November 2024 (AMS-III.D para. 13: latest version)",
        ),
        Source(
            "TOOL06",
            "Project emissions from flaring",
            "04.0",
            None,
            "default flare efficiencies, paras. 18, 21, 23; eq. (15)",
        ),
    )
    gwp_rule = "cdm"
    gases = ("CH4",)
    #: The ledger symbol of TOOL14's Q_CH4,y chosen while quantifying.
    _q: str = "Q_CH4_y"
    parameters = (
        # --- options --------------------------------------------------------------------
        Parameter(
            "baseline_option",
            "Para. 17: (a) IPCC Tier 2 from livestock numbers and VS; (b) measured manure "
            "and its specific volatile solids",
            kind="choice",
            choices=("17a", "17b"),
            default="17a",
            default_source=ref("para. 17"),
        ),
        Parameter(
            "vs_method",
            "VS_LT,y from: 'default' (para. 18(b)(i)/(iii)), 'weight' (para. 18(c), eq. (3)) "
            "or 'feed' (para. 18(b)(ii), eq. (2))",
            kind="choice",
            choices=VS_METHODS,
            default="default",
            default_source=ref("para. 18(b)"),
        ),
        Parameter(
            "PE_PL_method",
            "Physical leakage: 'default' (para. 21(a), 10 %, eq. (7)) or 'tool14' "
            "(para. 21(b), PE_CH4,y of TOOL14)",
            kind="choice",
            choices=("default", "tool14"),
            default="default",
            default_source=ref("para. 21(a)"),
        ),
        Parameter(
            "PE_EC_method",
            "PE_EC,y (para. 23): 'tool14_default' (TOOL14 eq. (3)), 'monitored' (TOOL05 "
            "applied outside: series PE_EC) or 'zero' (TOOL14 para. 19: no electricity, or "
            "generated on-site from biomass residues, wind, hydro or geothermal)",
            kind="choice",
            choices=("tool14_default", "monitored", "zero"),
        ),
        Parameter(
            "flare_type",
            "Flare of the project (para. 4(b), TOOL06): open, enclosed, enclosed_low_height "
            "or none",
            kind="choice",
            choices=FLARE_TYPES,
        ),
        Parameter(
            "residual_waste_handling",
            "Para. 4(a) and TOOL14 para. 26: residual waste (digestate) handled aerobically, "
            "stored anaerobically as liquid, or disposed as solid in a SWDS",
            kind="choice",
            choices=RESIDUAL_WASTE,
        ),
        # --- prescribed values ------------------------------------------------------------
        Parameter(
            "D_CH4",
            "CH4 density at room temperature (20 degC) and 1 atm",
            unit="t/m**3",
            default=0.00067,
            default_source=ref("para. 18, eq. (1): 0.00067 t/m3 at 20 degC and 1 atm"),
            prescribed=True,
        ),
        Parameter(
            "UF_b",
            "Model correction factor to account for model uncertainties",
            unit="1",
            default=0.94,
            default_source=ref("para. 18, eq. (1): 0.94 (footnote 1: FCCC/SBSTA/2003/10/Add.2)"),
            prescribed=True,
        ),
        Parameter(
            "k",
            "Degradation rate constant of eq. (9)",
            unit="1",
            default=0.069,
            default_source=ref("para. 25, eq. (9): 0.069"),
            prescribed=True,
        ),
        Parameter(
            "NCV_CH4",
            "NCV of methane (eq. (12))",
            unit="MJ/m**3",
            default=35.9,
            default_source=ref("para. 30: default value 35.9 MJ/Nm3"),
            prescribed=True,
        ),
        Parameter(
            "EE_y",
            "Energy conversion efficiency of the project equipment (eq. (12)): the "
            "manufacturer's specification for biogas (highest of a range) or the default",
            unit="1",
            default=0.40,
            default_source=ref("para. 30: default efficiency of 40 %"),
            minimum=0.0,
            maximum=1.0,
        ),
        Parameter(
            "w_CH4_default",
            "Methane content of biogas when it is not measured",
            unit="1",
            default=0.60,
            default_source=ref("Data / Parameter table 6: default value of 60 %"),
            prescribed=True,
        ),
        Parameter(
            "EF_EL_default",
            "Default emission factor of the electricity consumed (TOOL14 eq. (3))",
            unit="t/MWh",
            default=tool14.EF_EL_DEFAULT,
            default_source="TOOL14 v03.0 Data / Parameter table 6: 1.3 t CO2/MWh",
            prescribed=True,
        ),
        # --- SPEC_flare (TOOL06 Data/Parameter table 2), for the minute path -------------
        Parameter(
            "T_flare_min",
            "SPEC_flare: minimum operating temperature of the enclosed flare (TOOL06 "
            "Data/Parameter table 2(b); the manufacturer's specification, cited as source)",
            unit="degC",
            required=False,
        ),
        Parameter(
            "T_flare_max",
            "SPEC_flare: maximum operating temperature of the enclosed flare (TOOL06 "
            "Data/Parameter table 2(b))",
            unit="degC",
            required=False,
        ),
        Parameter(
            "F_flare_min",
            "SPEC_flare: minimum inlet flow rate of the enclosed flare at reference "
            "conditions (TOOL06 Data/Parameter table 2(a))",
            unit="Nm3/h",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            "F_flare_max",
            "SPEC_flare: maximum inlet flow rate of the enclosed flare at reference "
            "conditions (TOOL06 Data/Parameter table 2(a))",
            unit="Nm3/h",
            minimum=0.0,
            required=False,
        ),
        # --- TOOL14 factors (one of the tool's tabulated values) --------------------------
        _factor_parameter(
            "EF_CH4_default",
            "Fraction of the CH4 produced that leaks from the digester",
            tool14.EF_CH4_DEFAULTS,
            "TOOL14 v03.0 table 3",
        ),
        _factor_parameter(
            "F_EC_default",
            "Electricity consumption of the digester per t CH4 produced",
            tool14.F_EC_DEFAULTS,
            "TOOL14 v03.0 table 5",
        ),
        _factor_parameter(
            "F_ww_CH4_default",
            "Remaining CH4 production capacity of liquid digestate",
            tool14.F_WW_DEFAULTS,
            "TOOL14 v03.0 table 8",
        ),
        _factor_parameter(
            "F_SD_CH4_default",
            "Methane generation capacity of solid digestate",
            tool14.F_SD_DEFAULTS,
            "TOOL14 v03.0 table 9",
        ),
        # --- VS from feed (eq. (2)) ------------------------------------------------------
        Parameter(
            "UE",
            "Urinary energy as a fraction of GE (eq. (2), table 22: typically 0.04 for "
            "ruminants, 0.02 for ruminants fed 85 % or more grain and for swine; "
            "country-specific values where available)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            "ASH",
            "Ash content of manure, fraction of the dry matter feed intake (eq. (2), table 23)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        # --- storage before the digester (paras. 24-25) ----------------------------------
        Parameter(
            "storage_time",
            "Storage time of the manure after removal from the barns, including "
            "transport, before the digester (paras. 4(c), 24(a))",
            unit="d",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            "manure_dry_matter",
            "Dry matter content of the manure when removed from the barns (paras. 4(c), 24(b))",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            "AI_l",
            "Annual average interval between manure collection and delivery for treatment "
            "at the storage device l, whole days (eq. (9), table 16)",
            unit="d",
            kind="integer",
            minimum=1.0,
            maximum=45.0,
            required=False,
        ),
        Parameter(
            "MCF_l",
            "MCF of the project's manure storage device l (eq. (9): IPCC 2006 table 10.17)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        # --- applicability declarations ----------------------------------------------------
        Parameter(
            "livestock_confined",
            "The livestock population is managed under confined conditions (para. 3(a))",
            kind="bool",
            required=False,
        ),
        Parameter(
            "discharged_to_natural_water",
            "Manure or treated streams are discharged into natural water resources (para. 3(b))",
            kind="bool",
            required=False,
        ),
        Parameter(
            "T_site_annual",
            "Annual average temperature at the baseline site of the anaerobic treatment "
            "(para. 3(c), para. 18(f))",
            unit="degC",
            required=False,
        ),
        Parameter(
            "baseline_retention_time",
            "Retention time of manure in the baseline anaerobic treatment system (para. 3(d))",
            unit="d",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            "baseline_lagoon_depth",
            "Depth of the baseline anaerobic lagoons (para. 3(d))",
            unit="m",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            "baseline_methane_recovery",
            "Methane is recovered and destroyed in the baseline (para. 3(e))",
            kind="bool",
            required=False,
        ),
        Parameter(
            "co_digestion",
            "Manure is co-digested with other organic matter (para. 5)",
            kind="bool",
            required=False,
        ),
        Parameter(
            "sequential_treatment",
            "The manure passes sequential treatment stages (para. 18(e))",
            kind="bool",
            required=False,
        ),
        Parameter(
            "developed_country_values",
            "B0 or VS values of developed countries are used (para. 18(d))",
            kind="bool",
            required=False,
        ),
        Parameter(
            "fossil_fuel_used",
            "The installed facilities use fossil fuel (PE_FC,y, para. 23, TOOL03)",
            kind="bool",
            required=False,
        ),
        Parameter(
            "incremental_transport",
            "The project increases transport distances (PE_transp,y, para. 20(d))",
            kind="bool",
            required=False,
        ),
        Parameter(
            "power_only_from_project_biogas",
            "Only the biogas recovered by the project (and start-up fuel) is used for power "
            "generation (para. 31, for eq. (12))",
            kind="bool",
            required=False,
        ),
        *(p for lt in LIVESTOCK for p in _lt_parameters(lt)),
        *(p for j in BASELINE_SYSTEMS for p in _system_parameters(j)),
    )
    monitoring = (
        MonitoringVariable(
            "nd_y",
            "nd_y: days the animal manure management system (treatment plant) was "
            "operational in the interval (table 17)",
            "d",
            aggregate="sum",
            missing=Zero(
                ref(
                    "Data / Parameter table 17: a day without a record of operation "
                    "is a day without operation (conservative for BE_y)"
                )
            ),
        ),
        MonitoringVariable(
            "MS_i_y",
            "MS%_i,y: fraction of manure handled in the project's systems i (table 15)",
            "1",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            "BG_flared",
            "Biogas sent to the flare (table 5), m3 at 20 degC and 1 atm, or at the meter's "
            "T_BG and P_BG when those are monitored",
            "m**3",
            required=False,
        ),
        MonitoringVariable(
            "BG_used",
            "Biogas combusted for energy or other gainful use (table 5; paras. 22, 33), m3 "
            "as BG_flared",
            "m**3",
            required=False,
        ),
        MonitoringVariable(
            "BG_burnt",
            "Biogas flared or combusted, flows to flare and to use not metered apart "
            "(table 5, para. 33), m3 as BG_flared",
            "m**3",
            required=False,
        ),
        MonitoringVariable(
            "w_CH4",
            "Methane content of the biogas, volume fraction (table 6)",
            "1",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            "T_BG",
            "Temperature of the biogas at the flow measurement (table 7)",
            "K",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            "P_BG",
            "Absolute pressure of the biogas at the flow measurement (table 8)",
            "Pa",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            "eta_flare",
            "Flare efficiency over the interval by TOOL06 (table 9), methane-weighted",
            "1",
            required=False,
            aggregate="mean",
        ),
        MonitoringVariable(
            "f_flare_op",
            "Fraction of the interval the flare operated under TOOL06's conditions (flame "
            "detected; enclosed: within SPEC_flare)",
            "1",
            required=False,
            aggregate="mean",
        ),
        # --- the flare minute by minute (TOOL06 v04.0) ----------------------------------
        MonitoringVariable(
            "V_RG_m",
            "Biogas sent to the flare in the minute m, actual volume at the meter's T_RG_m and "
            "P_RG_m (table 5; TOOL06 para. 15(b), (e): continuous flow, per minute)",
            "m**3",
            required=False,
            resolution=MINUTE,
            missing=NoFill(
                "AMS-III.D v21.0 table 5 and TOOL06 v04.0 paras 14-16 give no rule for a "
                "missing flow reading (TOOL06 delegates Step 1 to TOOL08): fill the gap "
                "under the monitoring plan before the run"
            ),
            meter=True,
        ),
        MonitoringVariable(
            "V_RG_n_m",
            "Biogas sent to the flare in the minute m, at TOOL06's reference conditions "
            "(0 degC, 101.325 kPa: Nm3; TOOL06 para. 10(h))",
            "Nm3",
            required=False,
            resolution=MINUTE,
            missing=NoFill(
                "AMS-III.D v21.0 table 5 and TOOL06 v04.0 paras 14-16 give no rule for a "
                "missing flow reading (TOOL06 delegates Step 1 to TOOL08): fill the gap "
                "under the monitoring plan before the run"
            ),
            meter=True,
        ),
        MonitoringVariable(
            "w_CH4_m",
            "Methane content of the biogas sent to the flare in the minute m, volume fraction "
            "(table 6: continuous analyser, or periodic measurements held over the minutes)",
            "1",
            required=False,
            aggregate="mean",
            resolution=MINUTE,
        ),
        MonitoringVariable(
            "T_RG_m",
            "Temperature of the biogas at the flare's flow meter (table 7), for V_RG_m",
            "K",
            required=False,
            aggregate="mean",
            resolution=MINUTE,
        ),
        MonitoringVariable(
            "P_RG_m",
            "Absolute pressure of the biogas at the flare's flow meter (table 8), for V_RG_m",
            "Pa",
            required=False,
            aggregate="mean",
            resolution=MINUTE,
        ),
        MonitoringVariable(
            "T_EG_m",
            "Exhaust gas temperature of the enclosed flare in the minute m (TOOL06 "
            "Data/Parameter table 4)",
            "K",
            required=False,
            aggregate="mean",
            resolution=MINUTE,
            missing=NotDemonstrated(
                "TOOL06 v04.0 paras 21-22: a minute without a temperature reading does not "
                "demonstrate operation within SPEC_flare: eta_flare,m = 0"
            ),
        ),
        MonitoringVariable(
            "Flame_m",
            "Flame detected in the minute m: 1 (flame on) or 0 (flame off); a finer record "
            "is the fraction of the minute with flame (TOOL06 Data/Parameter table 10)",
            "1",
            required=False,
            aggregate="mean",
            resolution=MINUTE,
            missing=Constant(
                0.0,
                "TOOL06 v04.0 paras 18, 21-22 and table 10: a minute without a flame record "
                "is a minute without detected flame (flame off): eta_flare,m = 0",
            ),
        ),
        MonitoringVariable(
            "EG_y",
            "Electricity generated from the recovered biogas (table 25, eq. (12))",
            "MWh",
            required=False,
        ),
        MonitoringVariable(
            "PE_EC",
            "PE_EC,y by TOOL05, computed outside this plugin (para. 23, table 14)",
            "t",
            required=False,
        ),
        MonitoringVariable(
            "PE_FC",
            "PE_FC,y by TOOL03, computed outside this plugin (para. 23, table 14)",
            "t",
            required=False,
        ),
        MonitoringVariable(
            "PE_transp",
            "PE_transp,y by AMS-III.AO, computed outside this plugin (para. 20(d), table 12)",
            "t",
            required=False,
        ),
        MonitoringVariable(
            "LE_comp",
            "LE_comp,y by TOOL13, computed outside this plugin (TOOL14 para. 32)",
            "t",
            required=False,
        ),
        MonitoringVariable(
            "MS_l",
            "MS%_l: fraction of volatile solids handled by the storage device l (table 18)",
            "1",
            required=False,
            aggregate="mean",
        ),
        *(v for lt in LIVESTOCK for v in _lt_variables(lt)),
    )
    equations = (
        volatile_solids_feed,
        volatile_solids_weight,
        volatile_solids_year,
        average_animals,
        weighted_mcf,
        baseline_emissions_lt,
        Equation(ref("eq. (1)"), "BE_y,ex post = sum over LT of BE_LT,y"),
        physical_leakage_lt,
        tool14.methane_produced,
        tool14.digester_methane_emissions,
        tool14.electricity_emissions_default,
        storage_emissions_lt,
        volume_at_d_ch4_conditions,
        flaring_emissions,
        flaring.methane_to_flare,
        flaring.flare_efficiency_open,
        flaring.flare_efficiency_enclosed,
        flare_flow_rate,
        flaring.project_emissions_flaring_m,
        methane_destroyed_flare_m,
        power_emissions,
        project_emissions,
        methane_destroyed,
        methane_destroyed_power,
        tool14.liquid_digestate_storage,
        tool14.solid_digestate_storage,
        tool14.digester_leakage,
        reductions_calculated,
        reductions_monitored,
        monitored_term_applies,
        baseline_emissions_credited,
        emission_reductions,
    )

    # --- applicability ---------------------------------------------------------------

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        p = self.id + ".applicability."
        out: list[Finding] = []

        def declared(symbol: str) -> Any:
            pv = inputs.parameters.get(symbol)
            return None if pv is None else pv.value

        def flag(name: str, clause: str, symbol: str, bad: bool, ok: str, ko: str) -> None:
            v = declared(symbol)
            if v is None:
                out.append(
                    Finding(
                        p + name,
                        ref(clause),
                        Status.UNCHECKED,
                        f"{symbol} is not declared: {ok}? (for the validator)",
                        {symbol: None},
                    )
                )
            else:
                fails = bool(v) == bad
                out.append(
                    Finding(
                        p + name,
                        ref(clause),
                        Status.FAIL if fails else Status.PASS,
                        ko if fails else ok,
                        {symbol: v},
                    )
                )

        option = inputs.value("baseline_option")
        out.append(
            Finding(
                p + "baseline_option",
                ref("para. 17"),
                Status.PASS if option == "17a" else Status.NOT_SUPPORTED,
                "baseline by the IPCC Tier 2 approach of para. 17(a), eq. (1)"
                if option == "17a"
                else "option 17(b) (eq. (5), measured manure and SVS per system j and type "
                "LT) is not yet supported by this plugin",
                {"baseline_option": option},
            )
        )
        flag(
            "confined",
            "para. 3(a)",
            "livestock_confined",
            False,
            "the livestock is managed under confined conditions",
            "the livestock is not managed under confined conditions",
        )
        flag(
            "no_discharge",
            "para. 3(b)",
            "discharged_to_natural_water",
            True,
            "manure and treated streams are not discharged into natural water resources",
            "manure or treated streams are discharged into natural water resources: "
            "AMS-III.H applies",
        )
        t = declared("T_site_annual")
        out.append(
            Finding(
                p + "temperature",
                ref("para. 3(c)"),
                Status.UNCHECKED if t is None else (Status.PASS if t > 5.0 else Status.FAIL),
                "T_site_annual is not declared (annual average temperature above 5 degC?)"
                if t is None
                else f"annual average temperature {t} degC "
                + ("> 5 degC" if t > 5.0 else "is not higher than 5 degC"),
                {"T_site_annual": t},
            )
        )
        rt = declared("baseline_retention_time")
        if rt is None:
            st, msg = Status.UNCHECKED, "baseline_retention_time is not declared"
        elif rt > 31.0:
            st, msg = Status.PASS, f"baseline retention time {rt} d, more than one month"
        elif rt <= 28.0:
            st, msg = Status.FAIL, f"baseline retention time {rt} d, not more than one month"
        else:
            st, msg = (
                Status.UNCHECKED,
                (
                    f"baseline retention time {rt} d: 'greater than one month' depends on the "
                    "month (28 to 31 days); for the validator"
                ),
            )
        out.append(
            Finding(
                p + "retention_time", ref("para. 3(d)"), st, msg, {"baseline_retention_time": rt}
            )
        )
        lagoon = declared("MS_Bl_uncovered_anaerobic_lagoon") or 0.0
        if lagoon > 0.0:
            depth = declared("baseline_lagoon_depth")
            out.append(
                Finding(
                    p + "lagoon_depth",
                    ref("para. 3(d)"),
                    Status.UNCHECKED
                    if depth is None
                    else (Status.PASS if depth >= 1.0 else Status.FAIL),
                    "baseline_lagoon_depth is not declared (at least 1 m?)"
                    if depth is None
                    else f"baseline lagoons {depth} m deep"
                    + (" (at least 1 m)" if depth >= 1.0 else ", less than 1 m"),
                    {"baseline_lagoon_depth": depth},
                )
            )
        flag(
            "no_baseline_recovery",
            "para. 3(e)",
            "baseline_methane_recovery",
            True,
            "no methane recovery and destruction in the baseline",
            "methane is recovered and destroyed in the baseline",
        )
        out.append(self._residual_waste(p, inputs))
        flare = inputs.value("flare_type")
        out.append(
            Finding(
                p + "flare",
                ref("para. 4(b)"),
                Status.FAIL if flare == "none" else Status.PASS,
                "no flare: para. 4(b) asks for technical measures, including a flare for "
                "exigencies, so that all biogas is used or flared"
                if flare == "none"
                else f"{flare} flare installed",
                {"flare_type": flare},
            )
        )
        out.append(self._storage_time(p, inputs))
        flag(
            "no_co_digestion",
            "para. 5",
            "co_digestion",
            True,
            "no co-digestion of manure with other organic matter",
            "co-digestion with other organic matter: AMS-III.AO applies",
        )
        seq = declared("sequential_treatment")
        if seq:
            out.append(
                Finding(
                    p + "sequential",
                    ref("para. 18(e)"),
                    Status.NOT_SUPPORTED,
                    "sequential treatment stages (R_VS) are not yet supported",
                    {"sequential_treatment": True},
                )
            )
        if declared("developed_country_values"):
            out.append(
                Finding(
                    p + "developed_country_values",
                    ref("para. 18(d), para. 36(b)"),
                    Status.UNCHECKED,
                    "developed-country B0 or VS values: the validator checks the four conditions "
                    "(Annex I genetics, formulated feed rations, their validation, animal weights)",
                    {"developed_country_values": True},
                )
            )
        if inputs.has("EG_y"):
            flag(
                "power_from_project_biogas",
                "para. 31",
                "power_only_from_project_biogas",
                False,
                "only the project's biogas (and start-up fuel) generates the power",
                "other gas or fuel is used for power generation: eq. (12) does not apply",
            )
        out.extend(self._tool_findings(p, inputs))
        return out

    def _residual_waste(self, p: str, inputs: Inputs) -> Finding:
        how = inputs.value("residual_waste_handling")
        if how == "aerobic":
            return Finding(
                p + "residual_waste",
                ref("para. 4(a)"),
                Status.PASS,
                "residual waste handled aerobically (soil application without "
                "methane emissions is for the validator to confirm)",
                {"residual_waste_handling": how},
            )
        return Finding(
            p + "residual_waste",
            ref("para. 4(a), para. 26"),
            Status.UNCHECKED,
            f"residual waste {how.replace('_', ' ')}: its emissions are counted as leakage by "
            "TOOL14 v03.0 option 2 (para. 26); para. 4(a) names the procedures of AMS-III.AO, "
            "which this plugin does not apply: the validator checks they agree",
            {"residual_waste_handling": how},
        )

    def _storage_time(self, p: str, inputs: Inputs) -> Finding:
        days = inputs.parameters.get("storage_time")
        dm = inputs.parameters.get("manure_dry_matter")
        values = {
            "storage_time": None if days is None else days.value,
            "manure_dry_matter": None if dm is None else dm.value,
        }
        if dm is not None and dm.value > 0.20:
            return Finding(
                p + "storage_time",
                ref("para. 4(c)"),
                Status.PASS,
                "dry matter content above 20 %: the 45-day limit does not apply",
                values,
            )
        if days is None:
            return Finding(
                p + "storage_time",
                ref("para. 4(c)"),
                Status.UNCHECKED,
                "storage_time is not declared (at most 45 days before the digester?)",
                values,
            )
        ok = days.value <= 45.0
        return Finding(
            p + "storage_time",
            ref("para. 4(c)"),
            Status.PASS if ok else Status.FAIL,
            f"manure stored {days.value} d before the digester"
            + (" (at most 45 days)" if ok else ", more than 45 days"),
            values,
        )

    def _tool_findings(self, p: str, inputs: Inputs) -> list[Finding]:
        out: list[Finding] = []
        method = inputs.value("PE_EC_method")
        if method == "monitored":
            out.append(
                Finding(
                    p + "tool05",
                    ref("para. 23"),
                    Status.UNCHECKED,
                    "PE_EC,y is taken from the monitored series PE_EC: TOOL05 is not "
                    "applied by this plugin",
                    {"PE_EC_method": method},
                )
            )
        elif method == "zero":
            out.append(
                Finding(
                    p + "tool05",
                    "TOOL14 v03.0 para. 19",
                    Status.UNCHECKED,
                    "PE_EC,y = 0 declared: no electricity consumed, or generated "
                    "on-site from biomass residues, wind, hydro or geothermal "
                    "(for the validator)",
                    {"PE_EC_method": method},
                )
            )
        fossil = inputs.parameters.get("fossil_fuel_used")
        if inputs.has("PE_FC"):
            out.append(
                Finding(
                    p + "tool03",
                    ref("para. 23"),
                    Status.UNCHECKED,
                    "PE_FC,y is taken from the monitored series PE_FC: TOOL03 is not "
                    "applied by this plugin",
                    {"fossil_fuel_used": True},
                )
            )
        elif fossil is None:
            out.append(
                Finding(
                    p + "tool03",
                    ref("para. 23"),
                    Status.UNCHECKED,
                    "no PE_FC series and fossil_fuel_used not declared: PE_FC,y = 0",
                    {"fossil_fuel_used": None},
                )
            )
        elif fossil.value:
            raise ParameterError(
                "fossil_fuel_used = true, but no PE_FC series (TOOL03 result, t CO2) is mapped",
                variable="parameters.fossil_fuel_used",
                rule=ref("para. 23: PE_power,y includes PE_FC,y of TOOL14 (TOOL03)"),
            )
        transp = inputs.parameters.get("incremental_transport")
        if inputs.has("PE_transp"):
            out.append(
                Finding(
                    p + "transport",
                    ref("para. 20(d)"),
                    Status.UNCHECKED,
                    "PE_transp,y is taken from the monitored series PE_transp: the "
                    "AMS-III.AO procedure is not applied by this plugin",
                    {"incremental_transport": True},
                )
            )
        elif transp is None:
            out.append(
                Finding(
                    p + "transport",
                    ref("para. 20(d)"),
                    Status.UNCHECKED,
                    "no PE_transp series and incremental_transport not declared: PE_transp,y = 0",
                    {"incremental_transport": None},
                )
            )
        elif transp.value:
            raise ParameterError(
                "incremental_transport = true, but no PE_transp series (t CO2) is mapped",
                variable="parameters.incremental_transport",
                rule=ref("para. 20(d): PE_transp,y as per AMS-III.AO"),
            )
        for symbol, table, clause in (
            ("EF_CH4_default", tool14.EF_CH4_DEFAULTS, "TOOL14 v03.0 table 3"),
            ("F_EC_default", tool14.F_EC_DEFAULTS, "TOOL14 v03.0 table 5"),
            ("F_ww_CH4_default", tool14.F_WW_DEFAULTS, "TOOL14 v03.0 table 8"),
            ("F_SD_CH4_default", tool14.F_SD_DEFAULTS, "TOOL14 v03.0 table 9"),
        ):
            pv = inputs.parameters.get(symbol)
            if pv is None:
                continue
            known = any(math.isclose(pv.value, v, rel_tol=1e-12, abs_tol=1e-15) for v in table)
            out.append(
                Finding(
                    p + symbol,
                    clause,
                    Status.PASS if known else Status.FAIL,
                    f"{symbol} = {pv.value!r}"
                    + (
                        f": {table[min(table, key=lambda v: abs(v - pv.value))]}"
                        if known
                        else f" is not one of the tool's values {sorted(table)}"
                    ),
                    {symbol: pv.value},
                )
            )
        return out

    # --- quantification --------------------------------------------------------------

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        if inputs.value("baseline_option") != "17a":  # refused by applicability
            raise ParameterError(
                "option 17(b) is not supported",
                variable="parameters.baseline_option",
                rule=ref("para. 17"),
            )
        types = self._livestock(inputs)
        self._weighted_mcf(inputs, ledger)
        self._volatile_solids(inputs, ledger, types)
        n_symbol = self._animals(inputs, ledger, types)
        self._per_livestock(
            ledger,
            baseline_emissions_lt,
            types,
            n_symbol,
            part=("BE", "Baseline emissions of {lt} (eq. (1))"),
            total=(
                "BE_y_ex_post",
                "Baseline emissions, eq. (1), on monitored values (BE_y,ex post)",
            ),
            reference=ref("eq. (1)"),
        )
        self._methane(inputs, ledger)
        self._physical_leakage(inputs, ledger, types, n_symbol)
        self._power(inputs, ledger)
        self._series_or_zero(
            inputs,
            ledger,
            "PE_transp",
            "PE_transp_y",
            ref("para. 20(d): no incremental transport (PE_transp)"),
        )
        self._storage(inputs, ledger, types, n_symbol)
        ledger.apply(project_emissions)
        self._leakage(inputs, ledger)
        ledger.apply(reductions_calculated)
        ledger.apply(reductions_monitored)
        self._years(inputs, ledger)
        ledger.apply(monitored_term_applies)
        ledger.apply(baseline_emissions_credited)
        ledger.apply(emission_reductions)
        self._limit(ledger)

    # --- steps -------------------------------------------------------------------------

    def _livestock(self, inputs: Inputs) -> list[str]:
        types = [
            lt
            for lt in LIVESTOCK
            if inputs.has(f"N_{lt}") or inputs.has(f"N_p_{lt}") or inputs.has(f"N_da_{lt}")
        ]
        if not types:
            raise MonitoringDataError(
                "no livestock population is mapped: N_<type> (average number of animals), or "
                "N_p_<type> and N_da_<type> (eq. (4)), for a type of " + ", ".join(LIVESTOCK),
                variable="N_LT",
                rule=ref("para. 18(g), eq. (1): N_LT,y is monitored (tables 2-3)"),
            )
        for lt in LIVESTOCK:
            if lt in types:
                _need(inputs, f"B0_{lt}", ref("para. 18(a): B0,LT of each livestock type"))
        return types

    def _weighted_mcf(self, inputs: Inputs, ledger: Ledger) -> None:
        systems = [j for j in BASELINE_SYSTEMS if inputs.given(f"MS_Bl_{j}")]
        if not systems:
            raise ParameterError(
                "no baseline system is given: MS_Bl_<system> (fraction of manure) and "
                "MCF_<system> for one or more of " + ", ".join(BASELINE_SYSTEMS),
                variable="parameters.MS_Bl_<system>",
                rule=ref("para. 18, eq. (1): MS%_Bl,j and MCF_j of the baseline systems j"),
            )
        for j in BASELINE_SYSTEMS:
            if j in systems:
                _need(inputs, f"MCF_{j}", ref("para. 18(f): MCF_j of each baseline system"))
            elif inputs.given(f"MCF_{j}"):
                raise ParameterError(
                    f"MCF_{j} is given, but no MS_Bl_{j}",
                    variable=f"parameters.MCF_{j}",
                    rule="a setting the methodology does not use is an error; remove it",
                )
        total = math.fsum(inputs.value(f"MS_Bl_{j}") for j in systems)
        if total > 1.0 + 1e-9:
            raise ParameterError(
                f"the fractions of manure in the baseline systems add up to {total!r}, more than 1",
                variable="parameters.MS_Bl_<system>",
                rule=ref("para. 18, eq. (1): MS%_Bl,j are fractions of the manure"),
            )
        ledger.add(
            "MCF_MS_Bl",
            weighted_mcf(
                [inputs.value(f"MCF_{j}") for j in systems],
                [inputs.value(f"MS_Bl_{j}") for j in systems],
            ),
            "1",
            ref("eq. (1)") + ": sum_j MCF_j x MS%_Bl,j",
            tuple(s for j in systems for s in (f"MCF_{j}", f"MS_Bl_{j}")),
            "Methane conversion factors of the baseline systems, weighted by their manure",
            extensive=False,
        )

    def _volatile_solids(self, inputs: Inputs, ledger: Ledger, types: list[str]) -> None:
        method = inputs.value("vs_method")
        for lt in types:
            if method == "feed":
                for s in (f"GE_{lt}", f"DE_{lt}", f"ED_{lt}", "UE", "ASH"):
                    _need(inputs, s, ref("para. 18(b)(ii), eq. (2)"))
                ledger.apply(
                    volatile_solids_feed,
                    returns=f"VS_{lt}_d",
                    GE_LT=f"GE_{lt}",
                    DE_LT=f"DE_{lt}",
                    ED_LT=f"ED_{lt}",
                )
            else:
                _need(inputs, f"VS_default_{lt}", ref("para. 18(b)(i)/(iii), 18(c)"))
                if method == "weight":
                    _need(inputs, f"W_default_{lt}", ref("para. 18(c), eq. (3)"))
                    if not inputs.has(f"W_site_{lt}"):
                        raise MonitoringDataError(
                            f"vs_method = 'weight', but W_site_{lt} is not mapped",
                            variable=f"W_site_{lt}",
                            rule=ref("para. 18(c), eq. (3); table 4: W_site is monitored"),
                        )
                    ledger.apply(
                        volatile_solids_weight,
                        returns=f"VS_{lt}_d",
                        W_site=f"W_site_{lt}",
                        W_default=f"W_default_{lt}",
                        VS_default=f"VS_default_{lt}",
                    )
                else:
                    ledger.add(
                        f"VS_{lt}_d",
                        inputs.value(f"VS_default_{lt}"),
                        "kg/d",
                        ref("para. 18(b)(i)/(iii): national or IPCC default"),
                        (f"VS_default_{lt}",),
                        f"Volatile solids per animal and day of {lt}",
                        extensive=False,
                    )
            ledger.apply(
                volatile_solids_year,
                returns=f"VS_{lt}_y",
                description=f"Volatile solids per animal of {lt} in the interval",
                VS_LT_d=f"VS_{lt}_d",
            )

    def _animals(self, inputs: Inputs, ledger: Ledger, types: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for lt in types:
            direct = inputs.has(f"N_{lt}")
            eq4 = inputs.has(f"N_p_{lt}") and inputs.has(f"N_da_{lt}")
            if direct and (inputs.has(f"N_p_{lt}") or inputs.has(f"N_da_{lt}")):
                raise MonitoringDataError(
                    f"both N_{lt} and N_p_{lt}/N_da_{lt} are mapped",
                    variable=f"N_{lt}",
                    rule=ref("para. 18(g): N_LT,y is monitored, or eq. (4); give one"),
                )
            if direct:
                out[lt] = f"N_{lt}"
            elif eq4:
                ledger.apply(
                    average_animals,
                    returns=f"N_{lt}_y",
                    description=f"Average number of {lt} (eq. (4))",
                    N_da_y=f"N_da_{lt}",
                    N_p_y=f"N_p_{lt}",
                )
                out[lt] = f"N_{lt}_y"
            else:
                missing = f"N_da_{lt}" if inputs.has(f"N_p_{lt}") else f"N_p_{lt}"
                raise MonitoringDataError(
                    f"eq. (4) needs both N_p_{lt} and N_da_{lt}; {missing} is not mapped",
                    variable=missing,
                    rule=ref("para. 18(g), eq. (4)"),
                )
        return out

    def _methane(self, inputs: Inputs, ledger: Ledger) -> None:
        """w_CH4, FE, the biogas volumes, MD_y (eqs. (11)-(12)), PE_flare,y and Q_CH4,y."""
        if inputs.has("w_CH4"):
            _check_fraction(inputs, "w_CH4", ref("Data / Parameter table 6"))
            ledger.add(
                "w_CH4_y",
                ledger.value("w_CH4"),
                "1",
                ref("Data / Parameter table 6: measured"),
                ("w_CH4",),
                "Methane content of the biogas",
                extensive=False,
            )
        else:
            ledger.add(
                "w_CH4_y",
                inputs.value("w_CH4_default"),
                "1",
                ref("Data / Parameter table 6: default value of 60 %"),
                ("w_CH4_default",),
                "Methane content of the biogas",
                extensive=False,
            )
        burnt = inputs.has("BG_burnt")
        flared, used, power = inputs.has("BG_flared"), inputs.has("BG_used"), inputs.has("EG_y")
        if burnt and (flared or used):
            raise MonitoringDataError(
                "BG_burnt (flare and use not metered apart) is mapped with BG_flared/BG_used",
                variable="BG_burnt",
                rule=ref("para. 33: the flows are metered apart, or together, not both"),
            )
        if used and power:
            raise MonitoringDataError(
                "both BG_used and EG_y are mapped: the biogas used for energy is metered, or "
                "calculated from the electricity generated (eq. (12)), not both",
                variable="EG_y",
                rule=ref("paras. 30, 33"),
            )
        minutes = self._minute_path(inputs)
        if minutes and (flared or burnt):
            raise MonitoringDataError(
                "the biogas sent to the flare is mapped per minute (V_RG_m or V_RG_n_m) and as "
                + ("BG_flared" if flared else "BG_burnt")
                + ": meter the flare once",
                variable="BG_flared" if flared else "BG_burnt",
                rule=ref("table 5; para. 33: the flows are metered apart, or together, not both"),
            )
        if not (burnt or flared or used or power or minutes):
            raise MonitoringDataError(
                "no methane destroyed is monitored: map BG_flared and/or BG_used (or BG_burnt), "
                "V_RG_m or V_RG_n_m (the flare minute by minute), or EG_y (eq. (12))",
                variable="BG_flared",
                rule=ref(
                    "para. 27: the emission reductions are determined ex post through "
                    "direct measurement of the methane fuelled, flared or gainfully used"
                ),
            )
        flare = inputs.value("flare_type")
        if (flared or burnt or minutes) and flare == "none":
            raise ParameterError(
                "biogas is sent to a flare (BG_flared, BG_burnt, V_RG_m or V_RG_n_m), but "
                "flare_type = 'none'",
                variable="parameters.flare_type",
                rule=ref("para. 22: flaring by TOOL06"),
            )
        if flared or burnt:
            self._flare_efficiency(inputs, ledger, flare)
        ledger.parameter(
            "FE_use",
            1.0,
            "1",
            ref("paras. 22, 33: destruction efficiency 100 % for biogas combusted for energy"),
            "Destruction efficiency of the biogas used",
        )
        if minutes:
            self._flare_minutes(inputs, ledger, flare)
        normalise = inputs.has("T_BG") or inputs.has("P_BG")
        if normalise and not (inputs.has("T_BG") and inputs.has("P_BG")):
            missing = "P_BG" if inputs.has("T_BG") else "T_BG"
            raise MonitoringDataError(
                f"{missing} is not mapped: a volume at the meter's conditions needs both T and P",
                variable=missing,
                rule=ref("Data / Parameter tables 7-8"),
            )
        if normalise:
            for s in ("T_BG", "P_BG"):
                _check_positive(inputs, s, ref("Data / Parameter tables 7-8"))
        parts: list[str] = []
        volumes: list[str] = []
        for name, fe in (("BG_flared", "FE"), ("BG_used", "FE_use"), ("BG_burnt", "FE")):
            if not inputs.has(name):
                continue
            vol = name
            if normalise:
                vol = f"{name}_ref"
                ledger.apply(
                    volume_at_d_ch4_conditions,
                    returns=vol,
                    BG=name,
                    description=f"{name} at 20 degC and 1 atm",
                )
            volumes.append(vol)
            ledger.apply(
                methane_destroyed,
                returns=f"MD_{name}",
                description=f"Methane destroyed of {name} (eq. (11))",
                BG_burnt_y=vol,
                FE=fe,
            )
            parts.append(f"MD_{name}")
        if power:
            ledger.apply(
                methane_destroyed_power,
                returns="MD_EG",
                description="Methane destroyed in power generation (eq. (12))",
            )
            parts.append("MD_EG")
        if minutes:
            parts.append("MD_flare")
        self._sum(
            ledger,
            "MD_y",
            parts,
            ref("eqs. (11)-(12), para. 33"),
            "Methane captured and destroyed or used gainfully",
        )
        flare_volume = next((v for v in volumes if v.startswith(("BG_flared", "BG_burnt"))), None)
        if minutes:
            pass  # PE_flare_y summed from the minutes by _flare_minutes
        elif flare_volume is None:
            ledger.parameter(
                "PE_flare_y",
                0.0,
                "t",
                ref("para. 22: no biogas flared"),
                "Project emissions from flaring",
            )
        else:
            ledger.apply(flaring_emissions, BG_flared_y=flare_volume)
        # Q_CH4,y of TOOL14: the methane recovered (biogas flared and used, or the methane
        # burnt for power by eq. (12) before its GWP).
        methane: list[str] = []
        if volumes:
            self._sum(
                ledger,
                "Q_biogas_y",
                volumes,
                "TOOL14 v03.0 para. 17",
                "Biogas collected at the digester outlet (flared and used)",
            )
            ledger.apply(tool14.methane_produced, f_CH4="w_CH4_y", rho_CH4="D_CH4")
            methane.append("Q_CH4_y")
        if minutes:
            methane.append("F_CH4_flared")
        if power:
            ledger.add(
                "Q_CH4_EG",
                ledger.value("MD_EG") / ledger.value("GWP_CH4"),
                "t",
                ref("eq. (12) without GWP_CH4"),
                ("MD_EG", "GWP_CH4"),
                "Methane burnt for power generation",
            )
            methane.append("Q_CH4_EG")
        if len(methane) == 1:
            self._q = methane[0]
        else:
            self._sum(
                ledger,
                "Q_CH4_total",
                methane,
                "TOOL14 v03.0 para. 16",
                "Methane produced in the digester",
            )
            self._q = "Q_CH4_total"

    # --- the flare minute by minute (TOOL06 v04.0) --------------------------------------

    def _minute_path(self, inputs: Inputs) -> bool:
        """Whether the flare is monitored minute by minute, with the mapping checked."""
        mapped = [v for v in FLARE_MINUTE_VARIABLES if inputs.has(v)]
        volumes = [v for v in ("V_RG_m", "V_RG_n_m") if inputs.has(v)]
        rule = "TOOL06 v04.0 paras 11, 15, 41: the flare's data minute by minute"
        if not mapped:
            spec = [p for p in FLARE_SPEC if inputs.given(p)]
            if spec:
                raise ParameterError(
                    f"{spec[0]} (SPEC_flare) is given, but the flare is not monitored minute "
                    "by minute (V_RG_m or V_RG_n_m)",
                    variable=f"parameters.{spec[0]}",
                    rule="a setting the methodology does not use is an error; remove it",
                )
            return False
        if not volumes:
            raise MonitoringDataError(
                f"{mapped[0]} is mapped, but not the biogas sent to the flare per minute "
                "(V_RG_m at the meter's T and P, or V_RG_n_m at reference conditions)",
                variable="V_RG_m",
                rule=rule,
            )
        if len(volumes) == 2:
            raise MonitoringDataError(
                "both V_RG_m (actual volume) and V_RG_n_m (volume at reference conditions) "
                "are mapped: map the flare's flow once",
                variable="V_RG_n_m",
                rule=rule,
            )
        if volumes == ["V_RG_m"]:
            for s in ("T_RG_m", "P_RG_m"):
                if not inputs.has(s):
                    raise MonitoringDataError(
                        f"V_RG_m is an actual volume: {s} is needed to bring it to reference "
                        "conditions (or map the flow as V_RG_n_m, in Nm3)",
                        variable=s,
                        rule="TOOL06 v04.0 para. 10(h); AMS-III.D v21.0 tables 7-8",
                    )
        else:
            for s in ("T_RG_m", "P_RG_m"):
                if inputs.has(s):
                    raise MonitoringDataError(
                        f"{s} is mapped, but the flow V_RG_n_m is already at reference conditions",
                        variable=s,
                        rule="a variable the methodology does not use is an error; remove it",
                    )
        for s in ("eta_flare", "f_flare_op"):
            if inputs.has(s):
                raise MonitoringDataError(
                    f"{s} is mapped, but the flare efficiency is determined minute by minute "
                    "from Flame_m (and T_EG_m)",
                    variable=s,
                    rule="TOOL06 v04.0 paras 18, 21-23: eta_flare,m for each minute",
                )
        if not inputs.has("Flame_m"):
            raise MonitoringDataError(
                "the flare is monitored minute by minute, but Flame_m (flame detection) is "
                "not mapped",
                variable="Flame_m",
                rule="TOOL06 v04.0 paras 17-18, 21(b): the time the flare operates is "
                "determined with a flame detector",
            )
        flare = inputs.value("flare_type")
        if flare == "open":
            if inputs.has("T_EG_m"):
                raise MonitoringDataError(
                    "T_EG_m is mapped, but flare_type = 'open': an open flare's efficiency "
                    "depends on the flame alone",
                    variable="T_EG_m",
                    rule="TOOL06 v04.0 para. 18",
                )
            for p in FLARE_SPEC:
                if inputs.given(p):
                    raise ParameterError(
                        f"{p} (SPEC_flare) is given, but flare_type = 'open'",
                        variable=f"parameters.{p}",
                        rule="TOOL06 v04.0 para. 18: SPEC_flare applies to enclosed flares",
                    )
        elif flare != "none":
            if not inputs.has("T_EG_m"):
                raise MonitoringDataError(
                    f"flare_type = {flare!r}, but T_EG_m (exhaust gas temperature) is not mapped",
                    variable="T_EG_m",
                    rule="TOOL06 v04.0 para. 21(a): T_EG,m within SPEC_flare in the minute",
                )
            for p in FLARE_SPEC:
                _need(inputs, p, "TOOL06 v04.0 para. 21(a), Data/Parameter table 2: SPEC_flare")
        if inputs.has("BG_used") and inputs.has("w_CH4_m") and not inputs.has("w_CH4"):
            raise MonitoringDataError(
                "w_CH4_m is mapped for the flare, but not w_CH4 for the biogas used (BG_used): "
                "map the analyser's column as w_CH4 too, at the intervals of BG_used",
                variable="w_CH4",
                rule=ref("Data / Parameter table 6"),
            )
        if inputs.has("w_CH4") and not inputs.has("w_CH4_m") and not inputs.has("BG_used"):
            raise MonitoringDataError(
                "w_CH4 is mapped, but the flare's methane fraction per minute is read from "
                "w_CH4_m (a periodic measurement is held over the minutes): map it as w_CH4_m",
                variable="w_CH4",
                rule=ref("Data / Parameter table 6"),
            )
        return True

    def _flare_minutes(self, inputs: Inputs, ledger: Ledger, flare: str) -> None:
        """F_CH4,RG,m, eta_flare,m, PE_flare,m and MD_flare,m for each minute (TOOL06 Steps
        1-3), summed to the monitoring intervals of the other series (``nd_y``).

        The minute series share one time axis (the engine brings every variable declared
        at ``resolution = "1min"`` to the same grid of the period): that is checked once,
        and the arithmetic runs on their plain arrays (the TOOL06 functions on numpy
        arrays: each input checked once, converted at most once, no coordinate compared
        again per operation). Errors name the minute from its row on that axis."""
        tz = inputs.period.timezone
        gwp = float(ledger.value("GWP_CH4"))
        axis = _minute_axis(ledger, [s for s in FLARE_MINUTE_VARIABLES if inputs.has(s)])

        def raw(symbol: str) -> np.ndarray:
            return np.asarray(_da(ledger, symbol).values, dtype=float)

        def unit(symbol: str) -> str:
            return ledger[symbol].unit

        with _minutes(tz, axis):
            # Step 1: the methane sent to the flare in each minute (dry basis assumed, as
            # the analyser measures on the flow meter's basis: table 5).
            if inputs.has("w_CH4_m"):
                w: Any = gas.check_fraction(
                    raw("w_CH4_m"), variable="w_CH4_m", unit=unit("w_CH4_m")
                )
                w_symbol = "w_CH4_m"
            else:
                w = float(inputs.value("w_CH4_default"))
                w_symbol = "w_CH4_default"
            if inputs.has("V_RG_m"):
                T = gas.check_temperature(raw("T_RG_m"), variable="T_RG_m", unit=unit("T_RG_m"))
                P = gas.check_pressure(raw("P_RG_m"), variable="P_RG_m", unit=unit("P_RG_m"))
                vol = gas.check_flow(
                    raw("V_RG_m"), variable="V_RG_m", unit=unit("V_RG_m"), to="m**3"
                )
                v_ref: Any = gas.normalise_volume(vol, T, P)
                del T, P, vol
                volume_inputs: tuple[str, ...] = ("V_RG_m", "T_RG_m", "P_RG_m")
            else:
                v_ref = gas.check_flow(
                    raw("V_RG_n_m"), variable="V_RG_n_m", unit=unit("V_RG_n_m"), to="Nm3"
                )
                volume_inputs = ("V_RG_n_m",)
            rho = d_ch4_at_reference(float(inputs.value("D_CH4")))
            f_ch4 = np.asarray(flaring.methane_to_flare(v_ref, w, rho_CH4_ref=rho))
            del w
            ledger.add(
                "F_CH4_RG_m",
                axis.series(f_ch4),
                "kg",
                "TOOL06 v04.0 paras 14-16 (Step 1), with AMS-III.D v21.0 D_CH4 (para. 18) "
                f"at 0 degC and 1 atm ({rho:.9g} kg/m3) and the volume normalised by the "
                "ideal gas law (TOOL06 para. 10(h))",
                (*volume_inputs, w_symbol, "D_CH4"),
                "Methane sent to the flare in the minute",
            )
            # Step 2: the flare efficiency of each minute.
            flame = _flame_on(raw("Flame_m"), axis)
            counts: dict[str, int] = {}
            if flare == "open":
                eta: Any = flaring.flare_efficiency_open(flame)
                reference = "TOOL06 v04.0 para. 18: 50 % when the flame is detected, else 0 %"
                eta_inputs: tuple[str, ...] = ("Flame_m",)
            else:
                t_k = np.asarray(
                    gas.check_temperature(
                        raw("T_EG_m"), variable="T_EG_m", unit=unit("T_EG_m"), allow_missing=True
                    )
                )
                spec = flaring.FlareSpec(
                    T_min=float(inputs.value("T_flare_min")),
                    T_max=float(inputs.value("T_flare_max")),
                    F_min=float(inputs.value("F_flare_min")),
                    F_max=float(inputs.value("F_flare_max")),
                    T_unit="degC",
                    F_unit="Nm3/h",
                    source="; ".join(
                        dict.fromkeys(inputs.parameters[p].source for p in FLARE_SPEC)
                    ),
                )
                f_rg = np.asarray(flare_flow_rate(v_ref))
                low = flare == "enclosed_low_height"
                # T_EG,m goes in with its unit (K) on the minutes' dimension, without
                # coordinates: flaring converts it to the specification's degC and names
                # a value out of physics in the unit declared.
                eta = flaring.flare_efficiency_enclosed(
                    flame,
                    xr.DataArray(t_k, dims=("time",), attrs={"units": "K"}),
                    f_rg,
                    spec=spec,
                    low_height=low,
                )
                counts = _outside_spec(flame, t_k, f_rg, spec)
                del t_k, f_rg
                reference = (
                    "TOOL06 v04.0 paras 21-23 (Option A): "
                    + ("80 %" if low else "90 %")
                    + " when the flame is detected and T_EG,m and F_RG,m are within "
                    "SPEC_flare, else 0 %"
                )
                eta_inputs = ("Flame_m", "T_EG_m", *volume_inputs, *FLARE_SPEC)
            del v_ref
            eta = np.asarray(getattr(eta, "values", eta), dtype=float)
            ledger.add(
                "eta_flare_m",
                axis.series(eta),
                "1",
                reference,
                eta_inputs,
                "Flare efficiency in the minute",
                extensive=False,
            )
            # Step 3 and eq. (11), minute by minute.
            pe = flaring.project_emissions_flaring_m(f_ch4, eta, gwp)
            ledger.add(
                "PE_flare_m",
                axis.series(np.asarray(pe)),
                "t",
                "TOOL06 v04.0 eq. (15), the term of the minute m",
                ("F_CH4_RG_m", "eta_flare_m", "GWP_CH4"),
                "Project emissions from flaring in the minute",
            )
            del pe
        tag = tags_of(methane_destroyed_flare_m)[0]
        ledger.add(
            tag.symbol,
            axis.series(np.asarray(methane_destroyed_flare_m(f_ch4, eta, gwp))),
            tag.unit,
            tag.reference,
            ("F_CH4_RG_m", "eta_flare_m", "GWP_CH4"),
            tag.description,
            extensive=tag.extensive,
        )
        like = "nd_y"
        for symbol, returns, reference, description in (
            (
                "PE_flare_m",
                "PE_flare_y",
                "TOOL06 v04.0 eq. (15): the sum over the minutes m",
                "Project emissions from flaring",
            ),
            (
                "MD_flare_m",
                "MD_flare",
                ref("eq. (11)") + " for the biogas flared, FE applied minute by minute",
                "Methane destroyed in the flare",
            ),
            (
                "F_CH4_RG_m",
                "F_CH4_RG",
                "TOOL06 v04.0 paras 14-16: the sum over the minutes m",
                "Methane sent to the flare",
            ),
        ):
            ledger.resample(
                symbol,
                like,
                returns=returns,
                reference=reference,
                how="sum",
                description=description,
            )
        ledger.add(
            "F_CH4_flared",
            ledger.value("F_CH4_RG") * 1e-3,
            "t",
            "TOOL14 v03.0 para. 16: the methane sent to the flare, in t",
            ("F_CH4_RG",),
            "Methane sent to the flare (part of Q_CH4,y)",
        )
        for symbol, source, description in (
            ("MD_flare", "eq. (11) without GWP_CH4", "Methane destroyed in the flare"),
            ("PE_flare_y", "TOOL06 eq. (15) without GWP_CH4", "Methane not combusted"),
        ):
            ledger.add(
                f"{symbol}_CH4",
                ledger.value(symbol) / ledger.value("GWP_CH4"),
                "t",
                source,
                (symbol, "GWP_CH4"),
                f"{description}, t CH4",
            )
        ledger.balance(
            f"{self.id}.balance.flare_methane",
            inflow=["F_CH4_flared"],
            outflow=["MD_flare_CH4"],
            emitted=["PE_flare_y_CH4"],
            clause="TOOL06 v04.0 eq. (15) and AMS-III.D v21.0 eq. (11): the methane sent "
            "to the flare is destroyed or emitted",
        )
        self._minute_finding(ledger, flare, counts, f_ch4, eta, flame)

    def _minute_finding(
        self,
        ledger: Ledger,
        flare: str,
        counts: Mapping[str, int],
        f: np.ndarray,
        eta: np.ndarray,
        flame: np.ndarray,
    ) -> None:
        """The ``flare_minutes`` finding from the minute arrays (F_CH4,RG,m, eta_flare,m,
        the flame as booleans)."""
        total = float(f.sum())
        mean = float((f * eta).sum() / total) if total > 0 else None
        values: dict[str, object] = {
            "minutes": int(eta.size),
            "minutes_efficiency_zero": int((eta == 0).sum()),
            "flame_off": int((~flame).sum()),
            **counts,
            "methane_weighted_efficiency": mean,
            "flare_type": flare,
        }
        parts = [f"flame off in {values['flame_off']}"]
        names = {
            "T_EG_outside_spec": "T_EG,m outside SPEC_flare in {}",
            "T_EG_missing": "no T_EG,m reading in {}",
            "F_RG_outside_spec": "F_RG,m outside SPEC_flare in {}",
        }
        parts += [names[k].format(v) for k, v in counts.items()]
        ledger.finding(
            Finding(
                f"{self.id}.flare_minutes",
                "TOOL06 v04.0 paras 11, 18, 21-23, eq. (15)",
                Status.PASS,
                f"flare efficiency determined for each of {values['minutes']} minutes; 0 % in "
                f"{values['minutes_efficiency_zero']} ({', '.join(parts)})"
                + ("" if mean is None else f"; methane-weighted efficiency {mean:.4f}"),
                values,
            )
        )

    def _flare_efficiency(self, inputs: Inputs, ledger: Ledger, flare: str) -> None:
        if inputs.has("eta_flare"):
            _check_fraction(inputs, "eta_flare", ref("Data / Parameter table 9"))
            ledger.add(
                "FE",
                ledger.value("eta_flare"),
                "1",
                ref("Data / Parameter table 9: as per TOOL06 (monitored)"),
                ("eta_flare",),
                "Flare efficiency",
                extensive=False,
            )
            return
        eta, clause = FLARE_DEFAULTS[flare]
        ledger.parameter(
            "eta_flare_default",
            eta,
            "1",
            clause,
            "TOOL06 default flare efficiency while the flare operates",
        )
        if inputs.has("f_flare_op"):
            _check_fraction(inputs, "f_flare_op", clause)
            ledger.add(
                "FE",
                ledger.value("eta_flare_default") * ledger.value("f_flare_op"),
                "1",
                f"{clause}; 0 % in the minutes the flare does not operate",
                ("eta_flare_default", "f_flare_op"),
                "Flare efficiency",
                extensive=False,
            )
            return
        ledger.add(
            "FE", eta, "1", clause, ("eta_flare_default",), "Flare efficiency", extensive=False
        )
        ledger.finding(
            Finding(
                f"{self.id}.flare_operation",
                "TOOL06 v04.0 paras. 17-22",
                Status.UNCHECKED,
                f"neither eta_flare nor f_flare_op is mapped: the default {eta:.0%} is applied to "
                "all biogas flared, as if the flare operated (flame detected, within its "
                "specification) in every minute; the validator checks the flare's records",
                {"flare_type": flare, "FE": eta},
            )
        )

    def _physical_leakage(
        self, inputs: Inputs, ledger: Ledger, types: list[str], n_symbol: Mapping[str, str]
    ) -> None:
        if inputs.value("PE_PL_method") == "tool14":
            _need(inputs, "EF_CH4_default", "TOOL14 v03.0 table 3")
            ledger.apply(tool14.digester_methane_emissions, Q_CH4_y=self._q)
            ledger.add(
                "PE_PL_y",
                ledger.value("PE_CH4_y"),
                "t",
                ref("para. 21(b): PE_PL,y is PE_CH4,y of TOOL14"),
                ("PE_CH4_y",),
                "Physical leakage of biogas",
            )
            return
        if not inputs.has("MS_i_y"):
            raise MonitoringDataError(
                "MS_i_y (fraction of manure handled in the project's systems) is not mapped",
                variable="MS_i_y",
                rule=ref("para. 21(a)(i), eq. (7); Data / Parameter table 15"),
            )
        _check_fraction(inputs, "MS_i_y", ref("Data / Parameter table 15"))
        self._per_livestock(
            ledger,
            physical_leakage_lt,
            types,
            n_symbol,
            part=("PE_PL", "Physical leakage of biogas, {lt} (eq. (7))"),
            total=("PE_PL_y", "Physical leakage of biogas"),
            reference=ref("eq. (7)"),
        )

    def _power(self, inputs: Inputs, ledger: Ledger) -> None:
        method = inputs.value("PE_EC_method")
        if method == "tool14_default":
            _need(inputs, "F_EC_default", "TOOL14 v03.0 table 5")
            ledger.apply(tool14.electricity_emissions_default, Q_CH4_y=self._q)
        elif method == "monitored":
            if not inputs.has("PE_EC"):
                raise MonitoringDataError(
                    "PE_EC_method = 'monitored', but no PE_EC series (TOOL05 result) is mapped",
                    variable="PE_EC",
                    rule="TOOL14 v03.0 para. 20: PE_EC,y by TOOL05",
                )
            ledger.add(
                "PE_EC_y",
                ledger.value("PE_EC"),
                "t",
                "TOOL14 v03.0 para. 20 (TOOL05)",
                ("PE_EC",),
                "Project emissions from electricity consumption",
            )
        else:
            ledger.parameter(
                "PE_EC_y",
                0.0,
                "t",
                "TOOL14 v03.0 para. 19: PE_EC,y = 0",
                "Project emissions from electricity consumption",
            )
        if method != "monitored" and inputs.has("PE_EC"):
            raise MonitoringDataError(
                f"a PE_EC series is mapped, but PE_EC_method = {method!r}",
                variable="PE_EC",
                rule="a series the methodology does not use is an error; set PE_EC_method",
            )
        self._series_or_zero(
            inputs, ledger, "PE_FC", "PE_FC_y", "TOOL14 v03.0 para. 22: no fossil fuel (PE_FC)"
        )
        ledger.apply(power_emissions)

    def _storage(
        self, inputs: Inputs, ledger: Ledger, types: list[str], n_symbol: Mapping[str, str]
    ) -> None:
        days = inputs.parameters.get("storage_time")
        dm = inputs.parameters.get("manure_dry_matter")
        applies = days is not None and days.value > 1.0 and dm is not None and dm.value < 0.20
        if not applies:
            why = (
                "storage_time or manure_dry_matter not declared: PE_storage,y = 0 (the "
                "validator checks para. 24)"
                if days is None or dm is None
                else "para. 24 (a) and (b) do not both hold"
            )
            ledger.parameter(
                "PE_storage_y",
                0.0,
                "t",
                ref(f"para. 24: {why}"),
                "Project emissions from manure storage",
            )
            if days is None or dm is None:
                ledger.finding(
                    Finding(
                        f"{self.id}.storage",
                        ref("para. 24"),
                        Status.UNCHECKED,
                        why,
                        {
                            "storage_time": None if days is None else days.value,
                            "manure_dry_matter": None if dm is None else dm.value,
                        },
                    )
                )
            return
        for s in ("AI_l", "MCF_l"):
            _need(inputs, s, ref("paras. 24-25, eq. (9)"))
        if not inputs.has("MS_l"):
            raise MonitoringDataError(
                "para. 24 (a) and (b) hold, but MS_l (fraction of VS in the storage) is not mapped",
                variable="MS_l",
                rule=ref("para. 25, eq. (9); table 18"),
            )
        _check_fraction(inputs, "MS_l", ref("Data / Parameter table 18"))
        self._per_livestock(
            ledger,
            storage_emissions_lt,
            types,
            n_symbol,
            part=("PE_storage", "Project emissions from manure storage, {lt} (eq. (9))"),
            total=("PE_storage_y", "Project emissions from manure storage"),
            reference=ref("eq. (9)"),
            vs="d",
        )

    def _leakage(self, inputs: Inputs, ledger: Ledger) -> None:
        how = inputs.value("residual_waste_handling")
        if how == "aerobic":
            ledger.parameter(
                "LE_storage_y",
                0.0,
                "t",
                "TOOL14 v03.0 para. 26: digestate not stored anaerobically",
                "Leakage from storage of digestate",
            )
        elif how == "anaerobic_liquid":
            _need(inputs, "F_ww_CH4_default", "TOOL14 v03.0 table 8")
            ledger.apply(tool14.liquid_digestate_storage, Q_CH4_y=self._q)
        else:
            _need(inputs, "F_SD_CH4_default", "TOOL14 v03.0 table 9")
            ledger.apply(tool14.solid_digestate_storage, Q_CH4_y=self._q)
        self._series_or_zero(
            inputs,
            ledger,
            "LE_comp",
            "LE_comp_y",
            "TOOL14 v03.0 para. 32: no composting of digestate (LE_comp)",
        )
        ledger.apply(tool14.digester_leakage)
        ledger.add(
            "LE",
            ledger.value("LE_AD_y"),
            "t",
            ref("para. 26: LE_y = LE_AD,y of TOOL14"),
            ("LE_AD_y",),
            "Leakage emissions",
        )

    def _years(self, inputs: Inputs, ledger: Ledger) -> None:
        """The local calendar year of each interval, for the yearly comparison of eq. (10)."""
        calc = ledger.value("ER_calc_y")
        if not isinstance(calc, xr.DataArray) or "time" not in calc.dims:
            ledger.parameter(
                "year",
                float(inputs.period.start.year),
                "1",
                ref("eq. (10): 'in any year'"),
                "Year of the period",
            )
            return
        tz = inputs.period.timezone
        start = pd.DatetimeIndex(calc["time"].values).tz_localize("UTC").tz_convert(tz)
        years = np.asarray(start.year, dtype=float)
        like = calc.transpose("time", ...)
        values = np.broadcast_to(years.reshape((-1,) + (1,) * (like.ndim - 1)), like.shape)
        ledger.add(
            "year",
            np.array(values),
            "1",
            ref(
                "eq. (10): the emission reductions 'in any year'; local calendar year "
                "of the start of each interval"
            ),
            (),
            "Calendar year of each interval",
            role="parameter",
            extensive=False,
            like=like,
        )

    def _limit(self, ledger: Ledger) -> None:
        er = ledger.value("ER")
        year = ledger.value("year")
        if isinstance(er, xr.DataArray) and isinstance(year, xr.DataArray):
            totals = {
                int(y): math.fsum(er.values[year.values == y].ravel().tolist())
                for y in np.unique(year.values)
            }
        else:
            totals = {int(np.asarray(year)): float(np.sum(np.asarray(er)))}
        worst = max(totals, key=lambda y: totals[y])
        over = totals[worst] > ER_LIMIT
        ledger.finding(
            Finding(
                f"{self.id}.applicability.size",
                ref("para. 9"),
                Status.FAIL if over else Status.PASS,
                f"emission reductions of {worst} in the period: {totals[worst]:.1f} t CO2e"
                + (
                    ", more than 60 kt CO2e"
                    if over
                    else " (at most 60 kt CO2e a year; other "
                    "Type III components of the project are for the validator)"
                ),
                {"ER_by_year": {str(y): v for y, v in totals.items()}, "limit": ER_LIMIT},
            )
        )

    # --- helpers -----------------------------------------------------------------------

    def _per_livestock(
        self,
        ledger: Ledger,
        fn: Any,
        types: Sequence[str],
        n_symbol: Mapping[str, str],
        *,
        part: tuple[str, str],
        total: tuple[str, str],
        reference: str,
        vs: str = "y",
    ) -> None:
        """Apply a per-livestock-type equation (``{part}_{lt}_y``, inputs ``B0_{lt}``, the
        animals and ``VS_{lt}_{vs}``) and record the sum over types as ``total``."""
        for lt in types:
            ledger.apply(
                fn,
                returns=f"{part[0]}_{lt}_y",
                description=part[1].format(lt=lt),
                B0_LT=f"B0_{lt}",
                N_LT_y=n_symbol[lt],
                **{f"VS_LT_{vs}": f"VS_{lt}_{vs}"},
            )
        self._sum(ledger, total[0], [f"{part[0]}_{lt}_y" for lt in types], reference, total[1])

    def _sum(
        self, ledger: Ledger, symbol: str, parts: Sequence[str], reference: str, description: str
    ) -> None:
        total: Any = 0.0
        for s in parts:
            total = total + ledger.value(s)
        ledger.add(symbol, total, ledger[parts[0]].unit, reference, tuple(parts), description)

    def _series_or_zero(
        self, inputs: Inputs, ledger: Ledger, series: str, symbol: str, zero: str
    ) -> None:
        if inputs.has(series):
            ledger.add(
                symbol,
                ledger.value(series),
                "t",
                f"{self.variable(series).description}",
                (series,),
                self.variable(series).description,
            )
        else:
            ledger.parameter(symbol, 0.0, "t", zero, self.variable(series).description)


class _minutes:
    """Errors of the TOOL06 functions name the minute in local time as well as UTC: from
    the time they name, or from the row (``row 42``, ``time index 42``) of the minute
    arrays on ``axis``."""

    def __init__(self, tz: Any, axis: TimeAxis | None = None) -> None:
        self.tz = tz
        self.axis = axis

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if not isinstance(exc, MonitoringDataError):
            return
        where = exc.where or ""
        t: pd.Timestamp | None = None
        if where.startswith("time ") and not where.startswith("time index "):
            t = pd.Timestamp(where[5:].split(",")[0])
        elif self.axis is not None:
            for prefix in ("row ", "time index "):
                row = where[len(prefix) :] if where.startswith(prefix) else ""
                if row.isdigit() and int(row) < self.axis.start.size:
                    t = pd.Timestamp(self.axis.start[int(row)])
        if t is not None:
            local = t.tz_localize("UTC").tz_convert(self.tz).isoformat()
            raise MonitoringDataError(
                exc.message,
                variable=exc.variable,
                where=f"minute starting {local} ({t.isoformat()} UTC)",
                rule=exc.rule,
            ) from None


def _da(ledger: Ledger, symbol: str) -> xr.DataArray:
    """A series of the ledger (the minute variables always are)."""
    value = ledger.value(symbol)
    assert isinstance(value, xr.DataArray), symbol
    return value


def _minute_axis(ledger: Ledger, symbols: Sequence[str]) -> TimeAxis:
    """The one time axis of the minute series (TOOL06 para. 41: all monitored data linked
    in time); an error naming the first series on another axis."""
    axes: list[TimeAxis] = []
    for s in symbols:
        da = _da(ledger, s)
        axis = ledger.axis_of(da) if da.dims == ("time",) else None
        if axis is None or (axes and axis is not axes[0] and not axes[0].matches(axis.start)):
            raise MonitoringDataError(
                f"{s} is not on the minutes of {symbols[0]}"
                + ("" if da.dims == ("time",) else f" (dimensions {da.dims})"),
                variable=s,
                rule="TOOL06 v04.0 para. 41: all monitored data must be linked in time; the "
                'flare\'s variables come at resolution = "1min"',
            )
        axes.append(axis)
    return axes[0]


def _flame_on(v: np.ndarray, axis: TimeAxis) -> np.ndarray:
    """Flame_m as booleans. A minute's value is 1 (on) or 0 (off); a finer record arrives
    as the fraction of the minute with flame, and the flame counts as detected in the
    minute only if it was detected throughout (conservative: TOOL06 para. 21(b) asks that
    the flame be detected in the minute; a flame lost within it is not "the flare is
    operating"). Values outside [0, 1] are an error naming the minute."""
    lo, hi = (float(np.min(v)), float(np.max(v))) if v.size else (0.0, 0.0)
    if not (lo >= 0.0 and hi <= 1.0):  # out of [0, 1] or missing: name the first minute
        bad = ~((v >= 0.0) & (v <= 1.0))
        i = int(np.argmax(bad))
        raise MonitoringDataError(
            f"flame reading {v[i]!r} is not 0 (flame off) or 1 (flame on)",
            variable="Flame_m",
            where=f"time {pd.Timestamp(axis.start[i]).isoformat()}",
            rule="TOOL06 v04.0 Data/Parameter table 10: Flame_m is 'flame on' or 'flame off'",
        )
    return v >= 1.0


def _outside_spec(
    on: np.ndarray, t_k: np.ndarray, f: np.ndarray, spec: flaring.FlareSpec
) -> dict[str, int]:
    """Minutes with the flame on but no T_EG,m reading, T_EG,m outside SPEC_flare, or (with
    T_EG,m within it) F_RG,m outside it: the causes of eta_flare,m = 0 besides the flame."""
    t_c = t_k - 273.15
    missing_t = on & np.isnan(t_c)
    out_t = (t_c < spec.T_min) | (t_c > spec.T_max)
    out_t &= on
    out_t &= ~missing_t
    out_f = (f < spec.F_min) | (f > spec.F_max)
    out_f &= on
    out_f &= ~missing_t
    out_f &= ~out_t
    return {
        "T_EG_missing": int(np.count_nonzero(missing_t)),
        "T_EG_outside_spec": int(np.count_nonzero(out_t)),
        "F_RG_outside_spec": int(np.count_nonzero(out_f)),
    }


def _need(inputs: Inputs, symbol: str, rule: str) -> None:
    if not inputs.given(symbol):
        decl = AMSIIID.parameter(symbol)
        raise ParameterError(
            f"required here ({decl.description})", variable=f"parameters.{symbol}", rule=rule
        )


def _first_bad(da: xr.DataArray, bad: np.ndarray) -> str:
    idx = int(np.argmax(bad.ravel()))
    t = da["time"].values.ravel()[idx % da["time"].size] if "time" in da.dims else None
    return "" if t is None else f"interval starting {pd.Timestamp(t).isoformat()} UTC"


def _check_fraction(inputs: Inputs, symbol: str, rule: str) -> None:
    da = inputs.series[symbol]
    values = np.asarray(da.values, dtype=float)
    bad = (values < 0.0) | (values > 1.0)
    if bad.any():
        v = float(values.ravel()[int(np.argmax(bad.ravel()))])
        hint = ' (a percentage given as a fraction? declare unit = "percent")' if v <= 100 else ""
        raise MonitoringDataError(
            f"{v!r} is not a fraction between 0 and 1{hint}",
            variable=symbol,
            where=_first_bad(da, bad),
            rule=rule,
        )


def _check_positive(inputs: Inputs, symbol: str, rule: str) -> None:
    da = inputs.series[symbol]
    values = np.asarray(da.values, dtype=float)
    bad = ~(values > 0.0)
    if bad.any():
        v = float(values.ravel()[int(np.argmax(bad.ravel()))])
        raise MonitoringDataError(
            f"{v!r} is not a positive absolute value",
            variable=symbol,
            where=_first_bad(da, bad),
            rule=rule,
        )


__all__ = ["AMSIIID", "BASELINE_SYSTEMS", "LIVESTOCK"]

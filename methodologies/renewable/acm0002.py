"""CDM ACM0002 v22.0: Grid-connected electricity generation from renewable sources.

Implemented here: greenfield wind and solar plants (PE_y = 0, LE_y = 0), with the grid
emission factor as the TOOL07 combined margin of a published operating and build margin.
Refused with a "not yet supported" finding: capacity additions, retrofits,
rehabilitations, replacements, hydro (power density and reservoir emissions), geothermal
(non-condensable gases), wave and tidal, on-site fossil fuel use (PE_FF,y, TOOL03), and
battery or pumped storage.

Equation numbers of v22.0 are those cited by public implementations of v22.0; the CDM PDF
of v22.0 was not retrieved while this was written (see the README's coverage table).
"""

from __future__ import annotations

from collections.abc import Sequence

from reductions.plugin import (
    Equation,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MonitoringVariable,
    Parameter,
    ParameterError,
    Source,
    Status,
)
from reductions.tools.grid_emission_factor import TOOL07, WIND_SOLAR, cm_weights, combined_margin

from .equations import baseline_emissions_grid, emission_reductions, net_electricity_supplied

ACTIVITIES = ("greenfield", "capacity_addition", "retrofit", "rehabilitation", "replacement")
TECHNOLOGIES = ("wind", "solar", "hydro", "geothermal", "wave", "tidal")
SUPPORTED_TECHNOLOGIES = ("wind", "solar")
#: A published combined margin names the TOOL07 weights it applies: wind and solar
#: (0.75/0.25), other projects in their first crediting period (0.5/0.5), or in their
#: second and third (0.25/0.75) (TOOL07 v07.0 para. 86).
CM_KINDS = ("wind_solar", "other_first", "other_second_third")


class ACM0002(Methodology):
    """CDM ACM0002 v22.0 for greenfield wind and solar plants."""

    id = "cdm.acm0002"
    version = "22.0"
    title = (
        "Grid-connected electricity generation from renewable sources (greenfield wind and solar)"
    )
    sources = (
        Source(
            "ACM0002",
            "Grid-connected electricity generation from renewable sources",
            "22.0",
            "https://cdm.unfccc.int/methodologies/PAmethodologies/approved",
            "equation numbers as cited by public implementations of v22.0",
        ),
        Source(
            "TOOL07",
            "Tool to calculate the emission factor for an electricity system",
            "07.0",
            None,
            "combined margin weights, Step 6",
        ),
    )
    gwp_rule = "none"
    parameters = (
        Parameter(
            "project_activity",
            "Type of project activity (ACM0002 para. 2)",
            kind="choice",
            choices=ACTIVITIES,
        ),
        Parameter(
            "technology", "Renewable technology of the plant", kind="choice", choices=TECHNOLOGIES
        ),
        Parameter(
            "crediting_period",
            "Crediting period number (TOOL07 weights)",
            kind="integer",
            minimum=1,
            maximum=3,
        ),
        Parameter(
            "EF_grid_OM_y",
            "Operating margin CO2 emission factor of the grid (or give EF_grid_CM_y)",
            unit="t/MWh",
            minimum=0.0,
            maximum=2.0,
            required=False,
            published_kinds=("OM",),
        ),
        Parameter(
            "EF_grid_BM_y",
            "Build margin CO2 emission factor of the grid (or give EF_grid_CM_y)",
            unit="t/MWh",
            minimum=0.0,
            maximum=2.0,
            required=False,
            published_kinds=("BM",),
        ),
        Parameter(
            "EF_grid_CM_y",
            "Published combined margin (a standardized baseline's or a national "
            "authority's), in place of OM and BM",
            unit="t/MWh",
            minimum=0.0,
            maximum=2.0,
            required=False,
            published_kinds=("CM",),
        ),
        Parameter(
            "EF_grid_CM_kind",
            "Which TOOL07 weights the published combined margin applies",
            kind="choice",
            choices=CM_KINDS,
            required=False,
        ),
        Parameter(
            "w_OM",
            "Weight of the operating margin (default: TOOL07 table)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            "w_BM",
            "Weight of the build margin (default: TOOL07 table)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            "fossil_fuel_on_site",
            "Fossil fuel burnt at the plant (PE_FF,y, TOOL03)",
            kind="bool",
            default=False,
            default_source="project declaration",
        ),
        Parameter(
            "fuel_switch_on_site",
            "The project switches the site from fossil fuel to renewables",
            kind="bool",
            default=False,
            default_source="project declaration",
        ),
        Parameter(
            "storage",
            "Battery or pumped storage is part of the project",
            kind="bool",
            default=False,
            default_source="project declaration",
        ),
    )
    monitoring = (
        MonitoringVariable(
            "EG_export", "Electricity delivered by the plant to the grid", "MWh", meter=True
        ),
        MonitoringVariable(
            "EG_import",
            "Electricity delivered by the grid to the plant (if no import meter is mapped, "
            "the report records EG_import = 0 and a finding says so)",
            "MWh",
            required=False,
            meter=True,
        ),
    )
    equations = (
        net_electricity_supplied,
        Equation("ACM0002 v22.0 eq. (12)", "greenfield: EG_PJ_y = EG_facility_y"),
        combined_margin,
        baseline_emissions_grid,
        Equation(
            "ACM0002 v22.0 eq. (1)",
            "PE_y = PE_FF_y + PE_GP_y + PE_HP_y = 0 (greenfield wind and solar without fossil "
            "fuel)",
        ),
        Equation("ACM0002 v22.0 para. 5.6", "LE_y = 0"),
        emission_reductions,
    )

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        p = self.id + ".applicability."
        activity = inputs.value("project_activity")
        tech = inputs.value("technology")
        findings = [
            Finding(
                p + "project_activity",
                "ACM0002 v22.0 para. 2 (scope)",
                Status.PASS if activity == "greenfield" else Status.NOT_SUPPORTED,
                "greenfield plant"
                if activity == "greenfield"
                else f"{activity} projects are in ACM0002 but not yet supported by this plugin",
                {"project_activity": activity},
            ),
            Finding(
                p + "technology",
                "ACM0002 v22.0 para. 2 (scope)",
                Status.PASS if tech in SUPPORTED_TECHNOLOGIES else Status.NOT_SUPPORTED,
                f"{tech} plant"
                if tech in SUPPORTED_TECHNOLOGIES
                else f"{tech} plants (power density, reservoir or steam emissions) are not yet "
                "supported by this plugin",
                {"technology": tech},
            ),
            _declared(
                inputs,
                p,
                "fuel_switch_on_site",
                Status.FAIL,
                "ACM0002 v22.0, applicability (no switch from fossil fuels to "
                "renewables at the site)",
                "the methodology does not apply to a fuel switch at the site",
                "no fuel switch at the site",
            ),
            _declared(
                inputs,
                p,
                "fossil_fuel_on_site",
                Status.NOT_SUPPORTED,
                "ACM0002 v22.0 eq. (1), PE_FF,y (TOOL03)",
                "on-site fossil fuel (PE_FF,y through TOOL03) is not yet supported",
                "no fossil fuel at the plant: PE_FF,y = 0",
            ),
            _declared(
                inputs,
                p,
                "storage",
                Status.NOT_SUPPORTED,
                "ACM0002 v22.0 scope (BESS, pumped storage)",
                "battery or pumped storage (PE_BESS, PE_PSP) is not yet supported",
                "no storage",
            ),
        ]
        findings.append(_grid_factor(inputs, p))
        if not inputs.has("EG_import"):
            findings.append(
                Finding(
                    p + "import_meter",
                    "ACM0002 v22.0, EG_facility,y (net of electricity taken from the grid)",
                    Status.UNCHECKED,
                    "no import meter is mapped: EG_import is taken as zero; the validator "
                    "checks that the plant draws no electricity from the grid",
                )
            )
        return findings

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        if inputs.given("EF_grid_CM_y"):
            self._net_supply_and_totals(ledger)
            return
        tech, cp = inputs.value("technology"), inputs.value("crediting_period")
        table = cm_weights(tech, cp)
        for w in ("w_OM", "w_BM"):
            prescribed = getattr(table, w)
            if not inputs.given(w):
                ledger.parameter(
                    w,
                    prescribed,
                    "1",
                    f"{TOOL07} Step 6, {tech}, crediting period {cp}",
                    f"Weight of the {w[2:]} (TOOL07 table)",
                )
            elif inputs.value(w) != prescribed:
                ledger.finding(
                    Finding(
                        f"{self.id}.parameters.{w}",
                        f"{TOOL07} Step 6",
                        Status.OVERRIDDEN,
                        f"parameters.{w} = {inputs.value(w)} differs from TOOL07's {prescribed} "
                        f"for {tech} in crediting period {cp}",
                        {"given": inputs.value(w), "prescribed": prescribed},
                    )
                )
        ledger.apply(combined_margin)
        self._net_supply_and_totals(ledger)

    def _net_supply_and_totals(self, ledger: Ledger) -> None:
        """EG_PJ,y from the meters, then BE, PE, LE and ER (both kinds of grid factor)."""
        ref = self.reference
        if "EG_import" not in ledger:
            ledger.add(
                "EG_import",
                0.0,
                "MWh",
                "not monitored: no import meter mapped in the project file",
                (),
                "Electricity delivered by the grid to the plant, taken as zero",
                role="parameter",
            )
        ledger.apply(net_electricity_supplied)
        ledger.add(
            "EG_PJ_y",
            ledger.value("EG_facility_y"),
            "MWh",
            ref("eq. (12)"),
            ("EG_facility_y",),
            "Net electricity supplied to the grid by the project (greenfield)",
        )
        ledger.apply(baseline_emissions_grid)
        ledger.add(
            "PE",
            0.0,
            "t",
            ref("eq. (1): PE_FF,y = PE_GP,y = PE_HP,y = 0"),
            (),
            "Project emissions: greenfield wind or solar without fossil fuel",
        )
        ledger.add("LE", 0.0, "t", ref("para. 5.6"), (), "Leakage emissions")
        ledger.apply(emission_reductions)


def _declared(
    inputs: Inputs,
    prefix: str,
    flag: str,
    status_if_true: Status,
    clause: str,
    if_true: str,
    if_false: str,
) -> Finding:
    """Finding on a yes/no declaration of the project: ``status_if_true`` when declared."""
    value = inputs.value(flag)
    if not value and not inputs.parameters[flag].given:
        return Finding(
            prefix + _FINDING_NAMES[flag],
            clause,
            Status.UNCHECKED,
            f"{flag} is not declared in the project file: the validator checks that "
            f"{if_false[0].lower() + if_false[1:]}",
            {flag: None},
        )
    return Finding(
        prefix + _FINDING_NAMES[flag],
        clause,
        status_if_true if value else Status.PASS,
        if_true if value else if_false,
        {flag: value},
    )


def _grid_factor(inputs: Inputs, prefix: str) -> Finding:
    """Which grid factor is used: a published combined margin, or OM and BM with the
    TOOL07 weights. A published one must name the weights it applies, and they must be the
    ones TOOL07 gives this project."""
    given = {s for s in ("EF_grid_OM_y", "EF_grid_BM_y", "EF_grid_CM_y") if inputs.given(s)}
    clause = "ACM0002 v22.0 eq. (11); TOOL07 v07.0 Step 6 and para. 86"
    if given == {"EF_grid_OM_y", "EF_grid_BM_y"}:
        if inputs.given("EF_grid_CM_kind"):
            raise ParameterError(
                "EF_grid_CM_kind is set, but no published combined margin is given",
                variable="parameters.EF_grid_CM_kind",
                rule="a setting the methodology does not use is an error; remove it",
            )
        return Finding(
            prefix + "grid_factor",
            clause,
            Status.PASS,
            "combined margin computed from the operating and build margins with the TOOL07 weights",
            {"used": "EF_grid_OM_y and EF_grid_BM_y"},
        )
    margins = given & {"EF_grid_OM_y", "EF_grid_BM_y"}
    if len(margins) == 1 and "EF_grid_CM_y" not in given:
        (missing,) = {"EF_grid_OM_y", "EF_grid_BM_y"} - margins
        raise ParameterError(
            f"required parameter missing ({ACM0002.parameter(missing).description})",
            variable=f"parameters.{missing}",
            rule=f"{clause}: the combined margin needs both margins",
        )
    if given != {"EF_grid_CM_y"}:
        raise ParameterError(
            f"give EF_grid_OM_y and EF_grid_BM_y, or a published EF_grid_CM_y (given: "
            f"{', '.join(sorted(given)) or 'none'})",
            variable="parameters.EF_grid_CM_y",
            rule=clause,
        )
    for w in ("w_OM", "w_BM"):
        if inputs.given(w):
            raise ParameterError(
                f"{w} is set, but a published combined margin already applies its weights",
                variable=f"parameters.{w}",
                rule="a setting the methodology does not use is an error; remove it",
            )
    tech, cp = inputs.value("technology"), inputs.value("crediting_period")
    expected = (
        "wind_solar" if tech in WIND_SOLAR else ("other_first" if cp == 1 else "other_second_third")
    )
    source = inputs.parameters["EF_grid_CM_y"].source
    if not inputs.given("EF_grid_CM_kind"):
        return Finding(
            prefix + "grid_factor",
            clause,
            Status.UNCHECKED,
            f"published combined margin ({source}); EF_grid_CM_kind not given, so whether it "
            f"applies the weights TOOL07 gives a {tech} plant in crediting period {cp} "
            f"({expected}) is not checked",
            {"used": "EF_grid_CM_y", "source": source, "expected_kind": expected},
        )
    kind = inputs.value("EF_grid_CM_kind")
    return Finding(
        prefix + "grid_factor",
        clause,
        Status.PASS if kind == expected else Status.FAIL,
        f"published combined margin ({source}), {kind} weights"
        if kind == expected
        else f"the published combined margin applies the {kind} weights, but TOOL07 gives a "
        f"{tech} plant in crediting period {cp} the {expected} weights",
        {"used": "EF_grid_CM_y", "source": source, "kind": kind, "expected_kind": expected},
    )


#: Names of the findings on each declaration (kept as released: overrides refer to them).
_FINDING_NAMES = {
    "fuel_switch_on_site": "fuel_switch",
    "fossil_fuel_on_site": "fossil_fuel",
    "storage": "storage",
}

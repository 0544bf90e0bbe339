"""``test.meters-toy``: CO2 received, injected and vented at three meters of a storage site.

Test-only, written against :mod:`reductions.plugin` alone; the shape of a CO2 storage
methodology. Every variable has the dimension ``meter``: the CO2 received at each meter
node (custody transfer in), the CO2 injected from it into the well, and the CO2 vented
there. The mass balance received = injected + vented is checked at every node and hour
within the meters' stated uncertainty; totals reduce over the meters.

BE = sum over meters of the CO2 received (it would have been emitted), PE = sum of the
CO2 vented, LE = 0; so ER = the CO2 injected.
"""

from __future__ import annotations

from collections.abc import Sequence

from reductions.plugin import (
    Equation,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    Parameter,
    Source,
    Status,
    Variable,
    equation,
)

DOC, VER = "TOY-STORAGE", "1"


@equation(DOC, VER, "eq. (1)", returns=("BE", "t"), text="BE_h = sum_m M_recv_m,h")
def baseline_emissions(M_recv):
    """Baseline emissions: the CO2 received at every meter node."""
    return M_recv.sum("meter")


@equation(DOC, VER, "eq. (2)", returns=("PE", "t"), text="PE_h = sum_m M_vent_m,h")
def project_emissions(M_vent):
    """Project emissions: the CO2 vented at every meter node."""
    return M_vent.sum("meter")


@equation(DOC, VER, "eq. (4)", returns=("ER", "t"), text="ER_h = BE_h - PE_h - LE_h")
def emission_reductions(BE, PE, LE):
    """Emission reductions."""
    return BE - PE - LE


LEAKAGE = Equation(f"{DOC} V{VER} eq. (3)", "LE_h = 0")


class MetersToy(Methodology):
    """CO2 storage with a mass balance at each meter node."""

    id = "test.meters-toy"
    version = VER
    title = "Toy methodology: CO2 injected at several meters, balance per meter node"
    sources = (Source(DOC, "Toy storage methodology for the engine tests", VER),)
    gwp_rule = "none"
    gases = ()
    parameters = (
        Parameter(
            "U_meter",
            "relative residual within which a meter node's balance must close",
            unit="1",
            default=0.005,
            default_source=f"{DOC} para. 5",
            minimum=0.0,
            maximum=0.05,
        ),
        Parameter(
            "n_wells",
            "number of injection wells",
            kind="integer",
            minimum=1,
            default=3,
            default_source=f"{DOC} para. 2",
        ),
    )
    monitoring = (
        Variable("M_recv", "CO2 received at the meter node", "t", dims=("meter",), resolution="1h"),
        Variable("M_inj", "CO2 injected at the meter", "t", dims=("meter",), resolution="1h"),
        Variable("M_vent", "CO2 vented at the meter node", "t", dims=("meter",), resolution="1h"),
    )
    equations = (baseline_emissions, project_emissions, LEAKAGE, emission_reductions)

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        n = inputs.value("n_wells")
        return [
            Finding(
                "test.meters-toy.applicability.wells",
                f"{DOC} para. 2",
                Status.PASS,
                f"{n} injection well(s), each metered",
                {"n_wells": n},
            )
        ]

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        # Measured data that do not balance give a failed finding (the engine stops on it
        # unless the project overrides it), not a broken methodology.
        ledger.balance(
            "test.meters-toy.balance.meter_node",
            inflow=["M_recv"],
            outflow=["M_inj"],
            emitted=["M_vent"],
            clause=f"{DOC} para. 5: CO2 received = injected + vented at each meter node",
            rtol=float(inputs.value("U_meter")),
        )
        ledger.apply(baseline_emissions)
        ledger.apply(project_emissions)
        ledger.add("LE", 0.0, "t", LEAKAGE.reference, (), "leakage")
        ledger.apply(emission_reductions)

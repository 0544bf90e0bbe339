"""``test.flare-toy``: a methane-flaring methodology in the rough shape of CDM TOOL06.

Test-only, written against :mod:`reductions.plugin` alone. Three monitoring tables feed it:

- ``T_flare``: the flare's exhaust temperature every minute (a state, resolution
  ``1min``). A minute without a reading counts as a minute without flame: the missing-data
  rule :class:`NoFlame` fills it with 0 K, below the threshold, so the flare efficiency
  is 0 in that minute (the form of TOOL06's rule for enclosed flares);
- ``V_gas``: the gas sent to the flare every hour [Nm3] (an amount, resolution ``1h``;
  finer data are summed by the engine);
- ``w_CH4``: the volume fraction of methane, from a monthly laboratory analysis (a state,
  resolution ``1h``: the engine holds the monthly value over the hours).

The efficiency is decided minute by minute (the temperature threshold is not linear, so
an hourly mean temperature would not do) and then averaged over each hour, inside
``quantify``. Methane sent = V x w x rho; destroyed = sent x eta; emitted (uncombusted)
= sent x (1 - eta); BE = destroyed x GWP_CH4, PE = emitted x GWP_CH4, LE = 0. The
methane balance sent = destroyed + emitted is checked at every hour. The numbers
(0.9, 500 degC, 0.716 kg/Nm3) are the toy's own and cite no real paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reductions.plugin import (
    NO_FILL,
    Equation,
    FillContext,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MissingDataRule,
    Parameter,
    Source,
    Status,
    Variable,
    equation,
)

DOC, VER = "TOY-FLARE", "1.0"


class NoFlame(MissingDataRule):
    """A minute without a temperature reading is a minute without flame: 0 K, so that
    the efficiency in that minute is 0."""

    kind = "no flame"

    def fill(self, ctx: FillContext) -> np.ndarray:
        return np.where(ctx.missing, 0.0, ctx.values)

    def filled_by(self) -> str:
        return "0 K (no flame: flare efficiency 0 in that minute)"


@equation(
    DOC,
    VER,
    "eq. (1)",
    returns=("eta_flare_m", "1"),
    text="eta_flare_m = eta_default if T_flare_m > T_min else 0",
)
def flare_efficiency_minute(T_flare, T_min, eta_default):
    """Flare efficiency in each minute."""
    return (T_flare > T_min) * eta_default


@equation(
    DOC,
    VER,
    "eq. (2)",
    returns=("eta_flare_h", "1"),
    text="eta_flare_h = sum_m(eta_flare_m x dt_m) / 60 min over the minutes m of hour h",
)
def flare_efficiency_hour(eta_flare_m, V_gas):
    """Flare efficiency in each hour: the duration-weighted mean of its minutes."""
    hours = V_gas["time"].values
    minutes = eta_flare_m["time"].values
    width = (eta_flare_m["time_end"].values - minutes) / np.timedelta64(1, "s")
    k = np.searchsorted(hours, minutes, side="right") - 1
    n = hours.size
    mean = np.bincount(k, weights=eta_flare_m.values * width, minlength=n) / np.bincount(
        k, weights=width, minlength=n
    )
    return V_gas.copy(data=mean)


@equation(
    DOC,
    VER,
    "eq. (3)",
    returns=("M_CH4_sent", "t"),
    text="M_CH4_sent_h = V_gas_h x w_CH4_h x rho_CH4",
)
def methane_sent(V_gas, w_CH4, rho_CH4):
    """Methane sent to the flare in each hour."""
    return V_gas * w_CH4 * rho_CH4


@equation(
    DOC,
    VER,
    "eq. (4)",
    returns=("M_CH4_destroyed", "t"),
    text="M_CH4_destroyed_h = M_CH4_sent_h x eta_flare_h",
)
def methane_destroyed(M_CH4_sent, eta_flare_h):
    """Methane destroyed by the flare in each hour."""
    return M_CH4_sent * eta_flare_h


@equation(
    DOC,
    VER,
    "eq. (5)",
    returns=("M_CH4_emitted", "t"),
    text="M_CH4_emitted_h = M_CH4_sent_h x (1 - eta_flare_h)",
)
def methane_uncombusted(M_CH4_sent, eta_flare_h):
    """Methane that leaves the flare uncombusted in each hour."""
    return M_CH4_sent * (1.0 - eta_flare_h)


@equation(DOC, VER, "eq. (6)", returns=("BE", "t"), text="BE_h = M_CH4_destroyed_h x GWP_CH4")
def baseline_emissions(M_CH4_destroyed, GWP_CH4):
    """Baseline emissions: the methane destroyed, which would have been released."""
    return M_CH4_destroyed * GWP_CH4


@equation(DOC, VER, "eq. (7)", returns=("PE", "t"), text="PE_h = M_CH4_emitted_h x GWP_CH4")
def project_emissions(M_CH4_emitted, GWP_CH4):
    """Project emissions: the uncombusted methane."""
    return M_CH4_emitted * GWP_CH4


@equation(DOC, VER, "eq. (9)", returns=("ER", "t"), text="ER_h = BE_h - PE_h - LE_h")
def emission_reductions(BE, PE, LE):
    """Emission reductions."""
    return BE - PE - LE


LEAKAGE = Equation(f"{DOC} v{VER} eq. (8)", "LE_h = 0")


class FlareToy(Methodology):
    """Methane sent to an enclosed flare, destroyed minute by minute."""

    id = "test.flare-toy"
    version = VER
    title = "Toy methodology: flaring of methane-rich gas (three monitoring tables)"
    sources = (Source(DOC, "Toy flaring methodology for the engine tests", VER),)
    gwp_rule = "cdm"
    gases = ("CH4",)
    parameters = (
        Parameter(
            "flare_type",
            "type of flare",
            kind="choice",
            choices=("enclosed", "open"),
            default="enclosed",
            default_source=f"{DOC} para. 2",
        ),
        Parameter(
            "rho_CH4",
            "density of methane at 0 degC and 101.325 kPa",
            unit="t/Nm3",
            default=0.000716,
            default_source=f"{DOC} para. 5 (0.716 kg/Nm3)",
            prescribed=True,
        ),
        Parameter(
            "eta_default",
            "default efficiency of an enclosed flare with flame",
            unit="1",
            default=0.9,
            default_source=f"{DOC} para. 4",
            minimum=0.0,
            maximum=1.0,
            prescribed=True,
        ),
        Parameter(
            "T_min",
            "exhaust temperature above which the flare burns",
            unit="K",
            default=773.15,
            default_source=f"{DOC} para. 4 (500 degC)",
            prescribed=True,
        ),
    )
    monitoring = (
        Variable(
            "T_flare",
            "exhaust temperature of the flare",
            "K",
            aggregate="mean",
            resolution="1min",
            missing=NoFlame(f"{DOC} para. 4: no reading in a minute, no flame in that minute"),
        ),
        Variable(
            "V_gas",
            "gas sent to the flare (0 degC, 101.325 kPa)",
            "Nm3",
            aggregate="sum",
            resolution="1h",
            missing=NO_FILL,
        ),
        Variable(
            "w_CH4",
            "volume fraction of methane in the gas (laboratory analysis)",
            "1",
            aggregate="mean",
            resolution="1h",
        ),
    )
    equations = (
        flare_efficiency_minute,
        flare_efficiency_hour,
        methane_sent,
        methane_destroyed,
        methane_uncombusted,
        baseline_emissions,
        project_emissions,
        LEAKAGE,
        emission_reductions,
    )

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        kind = inputs.value("flare_type")
        if kind == "open":
            return [
                Finding(
                    "test.flare-toy.applicability.flare_type",
                    f"{DOC} para. 2",
                    Status.NOT_SUPPORTED,
                    "open flares are not supported",
                    {"flare_type": kind},
                )
            ]
        return [
            Finding(
                "test.flare-toy.applicability.flare_type",
                f"{DOC} para. 2",
                Status.PASS,
                "an enclosed flare",
                {"flare_type": kind},
            )
        ]

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        ledger.apply(flare_efficiency_minute)
        ledger.apply(flare_efficiency_hour)
        ledger.apply(methane_sent)
        ledger.apply(methane_destroyed)
        ledger.apply(methane_uncombusted)
        ledger.balance(
            "test.flare-toy.balance.methane",
            inflow=["M_CH4_sent"],
            outflow=["M_CH4_destroyed"],
            emitted=["M_CH4_emitted"],
            clause=f"{DOC} para. 6: methane sent = destroyed + uncombusted",
        )
        ledger.apply(baseline_emissions)
        ledger.apply(project_emissions)
        ledger.add("LE", 0.0, "t", LEAKAGE.reference, (), "leakage")
        ledger.apply(emission_reductions)

"""IPMVP Option C (whole facility) with a CalTRACK change-point baseline.

Sources, and how far they were read
-----------------------------------
- EVO, International Performance Measurement and Verification Protocol, Core Concepts
  (2022, EVO 10000-1:2022). The text is sold by EVO and was **not** readable here. What
  was read: the 2016 edition's front matter (scribd copy of "EVO 10000-1:2016"), and
  EVO's own M&V Focus article "Stopping M&V adjustment abuse" (T. Phillips, evo-world.org),
  which quotes the general equation of the Core Concepts (2016, Section 5, eq. 1),
  "Savings = (Baseline Period Use - Reporting Period Use) +/- Adjustments", and defines
  routine adjustments (weather, restating the baseline to reporting conditions) and
  non-routine adjustments (facility size, equipment, occupancy, load changes: factors not
  expected to change). No clause number of the 2022 text is coded for want of it.
- CalTRACK 2.0 (daily and billing methods), through :mod:`reductions.baselines`, whose
  module docstrings say what was read.
- CDM TOOL05 v03.0 (electricity: eqs. (1)-(2), options A1/A2, TDL table 3) and TOOL03
  v03.0 (fuel: eqs. (1), (4)), through :mod:`reductions.tools`.

What is implemented
-------------------
- The baseline period's whole-facility meter data (``E_base``, daily or billing periods)
  and daily mean temperature (``T``, a weather table that covers the baseline and the
  reporting period) fit a CalTRACK 2.0 change-point model
  (:func:`reductions.baselines.fit_daily` or :func:`~reductions.baselines.fit_billing`),
  with the CalTRACK 2.2 data-sufficiency checks. Each sufficiency finding is recorded; a
  failed one (``baselines.caltrack.sufficiency.baseline_length``...) **refuses the run**
  unless the project overrides it on the record (``[[override]]``), which makes the
  report non-compliant. Rationale: the conventions of this project (a disqualifying
  finding stops a credit-issuing run unless explicitly overridden); CalTRACK calls the
  criteria "sufficiency requirements"; a non-compliant report that still issues a number
  would invite exactly the adjustment abuse the EVO article warns about.
- The fitted model is stored in the report as the finding ``ipmvp.option-c.baseline_model``
  (its ``values.model`` is :meth:`ChangePointModel.to_dict`: type, balance points,
  coefficients, p-values, Guideline 14 statistics), and its coefficients are ledger
  quantities (``mu``, ``beta_HDD``, ``beta_CDD``, ``T_bp_H``, ``T_bp_C``). ``verify``
  compares the stored model with the refit (:mod:`reductions.verify`).
- Routine adjustment: the model on the reporting period's weather, per reporting interval
  (``E_adj_routine``). Non-routine adjustments are declared in the project file
  (``[[adjustment]]``, kind ``non-routine``; :mod:`reductions.project`): each a named
  energy (signed; added to the baseline side) with its unit, its days (``start``,
  ``end``), its reason and its source, spread evenly over its days (the part outside the
  reporting period belongs to other reports). The ledger quantity ``NRA_k`` holds each
  adjustment per interval (dimension ``adjustment``, labelled by name), ``NRA`` their sum,
  with each adjustment in its notes; report.json lists them under ``project.adjustments``.
- Avoided energy AE = E_adj - E_rep, E_adj = E_adj_routine + NRA.
- Emissions: the IPMVP avoided energy maps to BE and PE as BE = emissions of the adjusted
  baseline energy, PE = emissions of the measured reporting-period energy, LE = 0, so that
  ER = BE - PE = (emissions factor) x AE when both sides take the same factor.
  Electricity (scenario A, grid): TOOL05 eqs. (2) and (1) with EF_EL by option A1 (the
  combined margin ``EF_grid_CM_y``) or A2 (the para. 20 default, chosen by the tool from
  the consumption of both sides and the hydro share) and TDL by Data/Parameter table 3
  option 1 (host-country value, both sides), 2 or 3 (the tool's defaults per role, which
  may differ between BE and PE: then ER is not AE times one factor, and the report shows
  both). Fuel: TOOL03 eqs. (1) and (4) with the metered fuel energy (NCV basis) as
  FC x NCV and ``EF_CO2`` [t/GJ].

Not implemented
---------------
- Production-normalised baselines (:mod:`reductions.baselines.production`), the CalTRACK
  hourly method, several meters or fuels at once, demand (kW) savings, and the fractional
  savings uncertainty in the report.
- Guideline 14 acceptance limits for a baseline model: the packaged thresholds are for
  calibrated simulation (``guideline14-thresholds.csv``), so no CV(RMSE) limit is
  applied; the statistics are reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from reductions.baselines import ChangePointFit, ChangePointModel, fit_billing, fit_daily
from reductions.plugin import (
    Adjustment,
    ApplicabilityError,
    Equation,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MonitoringDataError,
    NoFill,
    Parameter,
    ParameterError,
    Source,
    Status,
    Variable,
)
from reductions.tools import tool05

from .equations import (
    adjusted_baseline_energy,
    avoided_energy,
    baseline_emissions_fuel,
    cooling_degree_days_reporting,
    emission_reductions,
    heating_degree_days_reporting,
    project_emissions_fuel,
    routinely_adjusted_baseline,
)

ID = "ipmvp.option-c"
MODEL_FINDING = f"{ID}.baseline_model"
NRA_REFERENCE = (
    "IPMVP 2022 non-routine adjustments (project file [[adjustment]], each spread evenly "
    "over the days of its period)"
)
FIT_CLAUSE = "CalTRACK v2.0 3.4.1-3.4.3 (OLS, balance-point grid search, selection)"
NO_FILL = NoFill(
    "CalTRACK v2.0 2.2.1.3 and 3.5.3.1: no counterfactual without data; a gap is an error"
)
ELECTRICITY_ONLY = (
    "EF_EL_option",
    "EF_grid_CM_y",
    "hydro_share",
    "TDL_option",
    "TDL_host",
    "TDL_host_age",
)
FUEL_ONLY = ("EF_CO2",)


class IPMVPOptionC(Methodology):
    """IPMVP Option C, whole facility, with a CalTRACK 2.0 daily or billing baseline."""

    id = ID
    version = "2022"
    title = "IPMVP Option C (whole facility) with a CalTRACK change-point baseline"
    sources = (
        Source(
            "IPMVP",
            "International Performance Measurement and Verification Protocol: Core Concepts",
            "2022",
            "https://evo-world.org/en/products-services-mainmenu-en/protocols/ipmvp",
            "EVO 10000-1:2022; not read here (sold by EVO): the basic equation and the "
            "definitions of routine and non-routine adjustments as quoted by EVO's M&V "
            "Focus article 'Stopping M&V adjustment abuse' (T. Phillips)",
        ),
        Source(
            "CalTRACK",
            "CalTRACK Methods (daily and billing)",
            "2.0",
            "https://github.com/openeemeter/caltrack",
            "docs/methods.rst at 6b630eeefd6d3a7b1249f3d26548aced65b98b17",
        ),
        Source(
            "TOOL05",
            "Baseline, project and/or leakage emissions from electricity consumption",
            "03.0",
            "https://cdm.unfccc.int/methodologies/PAmethodologies/tools/",
        ),
        Source(
            "TOOL03",
            "Tool to calculate project or leakage CO2 emissions from fossil fuel combustion",
            "03.0",
            "https://cdm.unfccc.int/methodologies/PAmethodologies/tools/",
        ),
    )
    gwp_rule = "none"
    gases = ()
    baseline_may_overlap = False
    adjustments = ("non-routine",)
    adjustment_unit = "MWh"
    parameters = (
        Parameter(
            "carrier",
            "Energy carrier metered: grid electricity (TOOL05) or a fuel (TOOL03)",
            kind="choice",
            choices=("electricity", "fuel"),
            default="electricity",
            default_source="IPMVP Option C: the whole-facility utility meter",
        ),
        Parameter(
            "EF_EL_option",
            "TOOL05 option for the grid emission factor: A1 (combined margin) or A2 "
            "(para. 20 default)",
            kind="choice",
            choices=("A1", "A2"),
            required=False,
        ),
        Parameter(
            "EF_grid_CM_y",
            "Combined margin emission factor of the grid (TOOL05 option A1, from TOOL07)",
            unit="t/MWh",
            minimum=0.0,
            required=False,
            published_kinds=("CM",),
        ),
        Parameter(
            "hydro_share",
            "Share of hydro in total grid generation (TOOL05 option A2, para. 20(b))",
            unit="1",
            minimum=0.0,
            maximum=1.0,
            required=False,
        ),
        Parameter(
            "TDL_option",
            "TOOL05 Data/Parameter table 3 option for transmission and distribution losses: "
            "1 (host-country value), 2 (20 % default), 3 (3 % default)",
            kind="choice",
            choices=("1", "2", "3"),
            required=False,
        ),
        Parameter(
            "TDL_host",
            "Host-country average technical T&D losses (TDL option 1), not older than 5 years",
            unit="1",
            minimum=0.0,
            maximum=0.999,
            required=False,
        ),
        Parameter(
            "TDL_host_age",
            "Years between the host-country TDL data and the reporting year (TDL option 1, "
            "at most 5)",
            kind="integer",
            minimum=0,
            maximum=5,
            required=False,
        ),
        Parameter(
            "EF_CO2",
            "CO2 emission factor of the fuel (TOOL03 option B), NCV basis",
            unit="t/GJ",
            minimum=0.0,
            required=False,
        ),
    )
    monitoring = (
        Variable(
            "E_base",
            "Whole-facility energy use in the baseline period (daily or billing periods)",
            "MWh",
            period="baseline",
            missing=NO_FILL,
            meter=True,
        ),
        Variable(
            "E_rep",
            "Whole-facility energy use in the reporting period",
            "MWh",
            missing=NO_FILL,
            meter=True,
        ),
        Variable(
            "T",
            "Outdoor dry-bulb temperature (daily mean), covering both periods",
            "degF",
            aggregate="mean",
            resolution="1D",
            period="history",
            missing=NO_FILL,
            nonnegative=False,
        ),
    )
    equations = (
        Equation(FIT_CLAUSE, "UPD = mu + beta_HDD HDD + beta_CDD CDD, fitted on the baseline"),
        heating_degree_days_reporting,
        cooling_degree_days_reporting,
        routinely_adjusted_baseline,
        Equation(NRA_REFERENCE, "NRA_i = sum_k NRA_k,i"),
        Equation(
            NRA_REFERENCE,
            "NRA_k,i = V_k x (days of adjustment k in interval i) / (days of adjustment k), "
            "V_k its declared value",
        ),
        adjusted_baseline_energy,
        avoided_energy,
        tool05.be_ec,
        tool05.pe_ec,
        baseline_emissions_fuel,
        project_emissions_fuel,
        Equation("IPMVP 2022 measurement boundary (whole facility)", "LE_y = 0"),
        emission_reductions,
    )

    # --- applicability -------------------------------------------------------------------

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        p = f"{ID}.applicability."
        out: list[Finding] = []
        base = inputs.baseline
        if base is None:
            out.append(
                Finding(
                    p + "baseline_period",
                    "IPMVP 2022 Option C",
                    Status.FAIL,
                    "no [period.baseline] given",
                )
            )
        else:
            ok = base.end < inputs.full_period.start
            out.append(
                Finding(
                    p + "baseline_period",
                    "IPMVP 2022 Option C: the baseline precedes the measures",
                    Status.PASS if ok else Status.FAIL,
                    f"baseline {base.start} to {base.end}, reporting from "
                    f"{inputs.full_period.start}"
                    + ("" if ok else ": the baseline does not end before the reporting period"),
                    {"baseline_start": base.start, "baseline_end": base.end},
                )
            )
        self._check_parameters(inputs)
        return out

    @staticmethod
    def _check_parameters(inputs: Inputs) -> None:
        carrier = inputs.value("carrier")
        given = {s for s, v in inputs.parameters.items() if v.given}
        wrong = [
            s for s in (FUEL_ONLY if carrier == "electricity" else ELECTRICITY_ONLY) if s in given
        ]
        if wrong:
            raise ParameterError(
                f"{wrong[0]} is given, but carrier = {carrier!r} does not use it",
                variable=f"parameters.{wrong[0]}",
                rule="a setting the methodology does not use is an error; remove it",
            )
        need = (
            ("EF_EL_option", "TDL_option")
            + (
                ("EF_grid_CM_y",)
                if inputs.parameters.get("EF_EL_option") is not None
                and inputs.value("EF_EL_option") == "A1"
                else ()
            )
            + (
                ("TDL_host", "TDL_host_age")
                if inputs.parameters.get("TDL_option") is not None
                and inputs.value("TDL_option") == "1"
                else ()
            )
            if carrier == "electricity"
            else ("EF_CO2",)
        )
        for s in need:
            if s not in inputs.parameters:
                raise ParameterError(
                    f"required for carrier = {carrier!r}",
                    variable=f"parameters.{s}",
                    rule=f"{ID}: TOOL05 (electricity) or TOOL03 (fuel) needs it",
                )

    # --- quantification ------------------------------------------------------------------

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        tz = inputs.period.timezone
        E_base, E_rep, T = (inputs.series[s] for s in ("E_base", "E_rep", "T"))
        carrier = inputs.value("carrier")
        for E, what in ((E_base, "baseline period"), (E_rep, "reporting period")):
            _check_weather_covers(T, E, what, tz)
        fit = _fit(E_base, T, inputs, carrier)
        for f in fit.findings:
            ledger.finding(f)
        model = fit.model
        if model is None:
            failed = next((f for f in fit.findings if f.disqualifying), None)
            name = failed.name if failed is not None else "baselines.caltrack.no_model"
            raise ApplicabilityError(
                f"no baseline model could be fitted [{name}]",
                variable="E_base",
                rule=failed.clause if failed is not None else FIT_CLAUSE,
            )
        ledger.finding(_model_finding(model))
        self._record_model(model, ledger)
        self._adjusted_baseline(model, inputs, ledger)
        ledger.apply(avoided_energy)
        if carrier == "electricity":
            self._electricity(inputs, ledger)
        else:
            ledger.apply(baseline_emissions_fuel)
            ledger.apply(project_emissions_fuel)
        ledger.add(
            "LE",
            0.0,
            "t",
            self.reference("measurement boundary (whole facility)"),
            (),
            "Leakage: none outside the whole-facility boundary",
        )
        ledger.apply(emission_reductions)

    @staticmethod
    def _record_model(model: ChangePointModel, ledger: Ledger) -> None:
        src = ("E_base", "T")
        ref = f"{FIT_CLAUSE}; model {model.model_type} ({model.interval})"
        ledger.add(
            "mu",
            model.intercept,
            "MWh/d",
            ref,
            src,
            "Intercept of the baseline model: base load per day",
            extensive=False,
        )
        for sym, beta, bp, what in (
            ("HDD", model.beta_hdd, model.heating_balance_point, "heating"),
            ("CDD", model.beta_cdd, model.cooling_balance_point, "cooling"),
        ):
            if beta is None or bp is None:
                ledger.add(
                    f"beta_{sym}",
                    0.0,
                    "MWh/(d*delta_degF)",
                    f"{ref}: the selected model has no {sym} term",
                    (),
                    f"No {what} slope in the selected model",
                    extensive=False,
                )
                continue
            ledger.add(
                f"beta_{sym}",
                beta,
                "MWh/(d*delta_degF)",
                ref,
                src,
                f"Baseline model: energy per {what} degree day",
                extensive=False,
            )
            ledger.add(
                f"T_bp_{sym[0]}",
                bp,
                "degF",
                ref,
                src,
                f"Baseline model: {what} balance point",
                extensive=False,
            )

    def _adjusted_baseline(self, model: ChangePointModel, inputs: Inputs, ledger: Ledger) -> None:
        E_rep = inputs.series["E_rep"]
        days = ((E_rep["time_end"].values - E_rep["time"].values) / np.timedelta64(1, "D")).round()
        ledger.add(
            "n_days_rep",
            E_rep.copy(data=days),
            "d",
            "days of each reporting interval",
            ("E_rep",),
            "Days in each reporting interval",
            extensive=False,
        )
        for sym, fn in (
            ("HDD", heating_degree_days_reporting),
            ("CDD", cooling_degree_days_reporting),
        ):
            if f"T_bp_{sym[0]}" in ledger:
                ledger.apply(fn)
            else:
                ledger.add(
                    f"{sym}_rep",
                    E_rep.copy(data=np.zeros(E_rep.sizes["time"])),
                    "delta_degF*d",
                    f"{FIT_CLAUSE}: the selected model has no {sym} term",
                    (),
                    f"{sym} of each reporting interval (not in the model)",
                    extensive=False,
                )
        ledger.apply(routinely_adjusted_baseline)
        parts, notes = _non_routine(inputs.adjustments, E_rep, inputs.period.timezone)
        if parts.shape[1]:
            ledger.add(
                "NRA_k",
                xr.DataArray(
                    parts,
                    dims=("time", "adjustment"),
                    coords={**E_rep.coords, "adjustment": [a.name for a in inputs.adjustments]},
                ),
                "MWh",
                NRA_REFERENCE,
                (),
                "Each non-routine adjustment in each reporting interval",
            )
            nra = E_rep.copy(data=parts.sum(axis=1))
            used: tuple[str, ...] = ("NRA_k",)
        else:
            nra = E_rep.copy(data=np.zeros(E_rep.sizes["time"]))
            used = ()
        ledger.add(
            "NRA",
            nra,
            "MWh",
            NRA_REFERENCE if used else f"{NRA_REFERENCE}: none declared",
            used,
            "Non-routine adjustments added to the baseline",
            notes=notes,
        )
        ledger.apply(adjusted_baseline_energy)

    @staticmethod
    def _electricity(inputs: Inputs, ledger: Ledger) -> None:
        e_adj = float(ledger["E_adj"].total())
        e_rep = float(ledger["E_rep"].total())
        option = inputs.value("EF_EL_option")
        for role, sym in (("baseline", "BL"), ("project", "PJ")):
            if option == "A1":
                ef = float(tool05.ef_option_a1(inputs.value("EF_grid_CM_y")))
                ledger.add(
                    f"EF_EL_{sym}",
                    ef,
                    "t/MWh",
                    f"{tool05.TOOL05} para. 19 (option A1)",
                    ("EF_grid_CM_y",),
                    f"Grid emission factor, {role} (option A1)",
                    extensive=False,
                )
            else:
                hs = inputs.parameters.get("hydro_share")
                d = tool05.ef_option_a2(
                    role,
                    EC_PJ_LE_A=e_rep,
                    EC_BL_A=e_adj,
                    hydro_share=None if hs is None else float(hs.value),
                )
                ledger.add(
                    f"EF_EL_{sym}",
                    d.value,
                    "t/MWh",
                    f"{d.reference} (option A2)",
                    ("E_adj", "E_rep", *(("hydro_share",) if hs is not None else ())),
                    f"Grid emission factor, {role} (option A2 default)",
                    extensive=False,
                )
            topt = int(inputs.value("TDL_option"))
            host = inputs.parameters.get("TDL_host")
            age = inputs.parameters.get("TDL_host_age")
            t = tool05.tdl(
                "A",
                role,
                option=topt,
                host_country_value=None if host is None else float(host.value),
                data_age_years=None if age is None else int(age.value),
                EC_PJ_LE_A=e_rep,
                EC_BL_A=e_adj,
            )
            ledger.add(
                f"TDL_{sym}",
                t.value,
                "1",
                t.reference,
                ("TDL_host", "TDL_host_age") if topt == 1 else ("E_adj", "E_rep"),
                f"Transmission and distribution losses, {role}",
                extensive=False,
            )
        ledger.apply(
            tool05.be_ec,
            EC_BL_k_y="E_adj",
            EF_EF_k_y="EF_EL_BL",
            TDL_k_y="TDL_BL",
            returns="BE",
            description="Baseline emissions of the adjusted baseline electricity (TOOL05 eq. (2))",
        )
        ledger.apply(
            tool05.pe_ec,
            EC_PJ_j_y="E_rep",
            EF_EF_j_y="EF_EL_PJ",
            TDL_j_y="TDL_PJ",
            returns="PE",
            description="Project emissions of the reporting-period electricity (TOOL05 eq. (1))",
        )


# --- helpers ---------------------------------------------------------------------------------


def _local_days(values: np.ndarray, tz: dt.tzinfo) -> pd.DatetimeIndex:
    """Local calendar days (naive midnight) of UTC instants."""
    idx = pd.DatetimeIndex(values).tz_localize("UTC").tz_convert(tz)
    return pd.DatetimeIndex(idx.tz_localize(None).normalize())


def _check_weather_covers(T: xr.DataArray, E: xr.DataArray, what: str, tz: dt.tzinfo) -> None:
    """Every local day of the meter's intervals has a daily mean temperature."""
    starts = _local_days(E["time"].values, tz)
    ends = _local_days(E["time_end"].values, tz)
    if starts.size == 0:
        return
    need = pd.date_range(starts.min(), ends.max() - pd.Timedelta(days=1), freq="D")
    t_days = _local_days(T["time"].values, tz)
    have = t_days[np.isfinite(T.values)]
    missing = need[~need.isin(have)]
    if missing.size:
        raise MonitoringDataError(
            f"no temperature for {missing.size} day(s) of the {what}, first {missing[0].date()}",
            variable="T",
            rule="IPMVP Option C with CalTRACK v2.0 3.5.3.1: the weather data cover every day "
            "of the baseline and reporting periods",
        )


def _is_daily(E: xr.DataArray, tz: dt.tzinfo) -> bool:
    s = _local_days(E["time"].values, tz)
    e = _local_days(E["time_end"].values, tz)
    return bool(np.all((e - s) == pd.Timedelta(days=1)))


def _fit(E_base: xr.DataArray, T: xr.DataArray, inputs: Inputs, carrier: str) -> ChangePointFit:
    tz = inputs.period.timezone
    base = inputs.baseline
    assert base is not None  # the engine refuses a baseline table without [period.baseline]
    fuel: Literal["electricity", "gas"] = "electricity" if carrier == "electricity" else "gas"
    t_days = _local_days(T["time"].values, tz)
    temps = pd.Series(T.values, index=t_days)
    starts = _local_days(E_base["time"].values, tz)
    if _is_daily(E_base, tz):
        return fit_daily(
            starts,
            E_base.values,
            temps.reindex(starts).values,
            fuel=fuel,
            temperature_unit="degF",
            requested_start=base.start,
            requested_end=base.end,
        )
    ends = _local_days(E_base["time_end"].values, tz)
    inside = (t_days >= pd.Timestamp(base.start)) & (t_days <= pd.Timestamp(base.end))
    return fit_billing(
        starts,
        ends,
        E_base.values,
        t_days[inside],
        temps.values[inside],
        fuel=fuel,
        temperature_unit="degF",
        requested_start=base.start,
        requested_end=base.end,
    )


def _model_finding(model: ChangePointModel) -> Finding:
    s = model.statistics
    terms = [f"mu = {model.intercept:.6g} MWh/d"]
    if model.beta_hdd is not None:
        terms.append(
            f"beta_HDD = {model.beta_hdd:.6g} above HDD balance point "
            f"{model.heating_balance_point:g} degF"
        )
    if model.beta_cdd is not None:
        terms.append(
            f"beta_CDD = {model.beta_cdd:.6g} above CDD balance point "
            f"{model.cooling_balance_point:g} degF"
        )
    return Finding(
        MODEL_FINDING,
        FIT_CLAUSE,
        Status.PASS,
        f"baseline model {model.model_type} ({model.interval}, {model.settings}): "
        + "; ".join(terms)
        + f"; R2 {s.r_squared:.4f}, CV(RMSE) {s.cv_rmse:.4f}, NMBE {s.nmbe:.2e} "
        f"(Guideline 14 form, n - p = {s.df_resid})",
        {"model": model.to_dict()},
    )


def _non_routine(
    adjustments: Sequence[Adjustment], E_rep: xr.DataArray, tz: dt.tzinfo
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each declared non-routine adjustment per reporting interval (time x adjustment,
    MWh), spread evenly over its days, and a note on each."""
    starts = _local_days(E_rep["time"].values, tz)
    ends = _local_days(E_rep["time_end"].values, tz)
    out = np.zeros((starts.size, len(adjustments)))
    notes: list[str] = []
    for k, adj in enumerate(adjustments):
        a = pd.Timestamp(adj.start)
        b = pd.Timestamp(adj.end) + pd.Timedelta(days=1)
        per_day = adj.value / adj.days
        lo = np.maximum(starts.values, a.to_datetime64())
        hi = np.minimum(ends.values, b.to_datetime64())
        overlap = np.clip((hi - lo) / np.timedelta64(1, "D"), 0.0, None)
        out[:, k] = per_day * overlap
        notes.append(
            f"{adj.name}: {adj.given_value:g} {adj.given_unit} ({adj.value:.6g} {adj.unit}) "
            f"over {adj.start} to {adj.end} ({adj.days} d); "
            f"{float(out[:, k].sum()):.6g} {adj.unit} in this period; "
            f"reason: {adj.reason}; source: {adj.source}"
        )
    if not adjustments:
        notes.append("no non-routine adjustment declared")
    return out, tuple(notes)


def model_of(findings: Sequence[Any]) -> ChangePointModel | None:
    """The baseline model stored in a result's findings (or a report's), if any."""
    for f in findings:
        name = f["name"] if isinstance(f, dict) else f.name
        values = f["values"] if isinstance(f, dict) else f.values
        if name == MODEL_FINDING:
            return ChangePointModel.from_dict(values["model"])
    return None

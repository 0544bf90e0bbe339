"""CCER-01-002-V01: Grid-connected offshore wind power generation (并网海上风力发电).

Ministry of Ecology and Environment of China, October 2023. Implemented: applicability
(para. 2), net electricity (eq. (2)) with the conservative meter-error correction of
para. 7.3.4, combined margin (eq. (3)), baseline emissions (eq. (1)), PE_y = 0 (para. 6.4),
leakage ignored (para. 6.5), ER (eq. (4)), and the 10-year limit of the crediting period
(para. 5.2.2).

Tables 2 and 3 fix omega_OM = omega_BM = 0.5 as default values (默认值), read in the
table images that accompany the transcription (knifesoft/imgcloud 2013/202311091127846.png
and 2013/202311091128054.png): another weight is an override that makes the result
non-compliant. Tables 6 and 7: EF_grid_OM_y and EF_grid_BM_y are the regional factors the
MEE publishes for year y, or the latest published year before y when y is not yet
published; the project states the publication year (``EF_grid_vintage``), and a factor
published after the period is refused. Tables 4 and 5: export and import meters of
accuracy class 0.5 or better (不低于0.5级); a maximum permissible error above 0.5 % is a
failed finding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reductions.plugin import (
    Equation,
    Finding,
    Inputs,
    Ledger,
    Methodology,
    MonitoringVariable,
    Parameter,
    Source,
    Status,
)
from reductions.tools.grid_emission_factor import combined_margin

from .ccer_rules import (
    crediting_period_finding,
    grid_and_meter_parameters,
    meter_class_findings,
    vintage_finding,
)
from .equations import baseline_emissions_grid, emission_reductions, net_electricity_supplied
from .meter_error import applied_meter_error, calibration_notes, corrected_export, corrected_import
from .meter_error import class_mpe as meter_class_mpe

#: Para. 2: "离岸30公里以外，或者水深大于30米" (beyond 30 km from shore, or deeper than 30 m).
MIN_DISTANCE_KM = 30.0
MIN_DEPTH_M = 30.0


class CCER01002(Methodology):
    """CCER-01-002-V01, grid-connected offshore wind."""

    id = "ccer.01-002"
    version = "V01"
    title = "Grid-connected offshore wind power generation (并网海上风力发电)"
    sources = (
        Source(
            "CCER-01-002",
            "温室气体自愿减排项目方法学 并网海上风力发电",
            "V01",
            "https://www.mee.gov.cn/",
            "MEE, October 2023; text as transcribed in knifesoft/isostds "
            "docs/carbon/CCER-01-002.md",
        ),
    )
    uses_calibrations = True
    gwp_rule = "none"
    parameters = (
        Parameter(
            "distance_from_shore",
            "Distance of the wind farm from the shore",
            unit="km",
            minimum=0.0,
            required=False,
        ),
        Parameter(
            "water_depth", "Water depth at the wind farm", unit="m", minimum=0.0, required=False
        ),
        *grid_and_meter_parameters("CCER-01-002-V01", "", "", "Tables 6-7"),
    )
    monitoring = (
        MonitoringVariable(
            "EG_export", "上网电量: electricity from the project to the grid", "MWh", meter=True
        ),
        MonitoringVariable(
            "EG_import", "下网电量: electricity from the grid to the project", "MWh", meter=True
        ),
    )
    equations = (
        baseline_emissions_grid,
        net_electricity_supplied,
        combined_margin,
        Equation("CCER-01-002-V01 para. 6.4", "PE_y = 0"),
        Equation("CCER-01-002-V01 para. 6.5", "leakage ignored: LE_y = 0"),
        emission_reductions,
        corrected_export,
        corrected_import,
        Equation(
            "CCER-01-002-V01 para. 7.3.4",
            "error = actual basic error if calibrated on time but out of class, MPE of the "
            "class if not calibrated or late",
        ),
    )

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        p = self.id + ".applicability."
        d = inputs.parameters.get("distance_from_shore")
        h = inputs.parameters.get("water_depth")
        values: dict[str, object] = {}
        if d is not None:
            values["distance_from_shore_km"] = d.value
        if h is not None:
            values["water_depth_m"] = h.value
        if d is None and h is None:
            site = Finding(
                p + "site",
                "CCER-01-002-V01 para. 2",
                Status.FAIL,
                "neither distance_from_shore nor water_depth is given, so the site "
                "condition (beyond 30 km from shore or deeper than 30 m) cannot be "
                "shown",
                values,
            )
        else:
            far = d is not None and d.value > MIN_DISTANCE_KM
            deep = h is not None and h.value > MIN_DEPTH_M
            site = Finding(
                p + "site",
                "CCER-01-002-V01 para. 2",
                Status.PASS if far or deep else Status.FAIL,
                "offshore wind beyond 30 km from shore or in water deeper than 30 m"
                if far or deep
                else "the site is neither beyond 30 km from shore nor in water deeper than 30 m",
                values,
            )
        w_sum = inputs.value("w_OM") + inputs.value("w_BM")
        weights = Finding(
            p + "weights",
            "CCER-01-002-V01 eq. (3)",
            Status.PASS if abs(w_sum - 1.0) <= 1e-9 else Status.FAIL,
            f"omega_OM + omega_BM = {w_sum!r}" + ("" if abs(w_sum - 1.0) <= 1e-9 else ", not 1"),
            {"w_OM": inputs.value("w_OM"), "w_BM": inputs.value("w_BM")},
        )
        findings = [
            site,
            weights,
            vintage_finding(p, inputs, "CCER-01-002-V01 Tables 6-7"),
            *meter_class_findings(
                p, inputs, "CCER-01-002-V01 Tables 4-5 (accuracy class 0.5 or better, 不低于0.5级)"
            ),
            crediting_period_finding(p, inputs, "CCER-01-002-V01 para. 5.2.2"),
        ]
        return findings

    def quantify(self, inputs: Inputs, ledger: Ledger) -> None:
        tz = inputs.period.timezone
        for symbol, fix in (("EG_export", corrected_export), ("EG_import", corrected_import)):
            # Each meter on its own intervals (the two may come from different tables).
            meter = inputs.series[symbol]
            start = pd.DatetimeIndex(meter["time"].values).tz_localize("UTC").tz_convert(tz)
            end = pd.DatetimeIndex(meter["time_end"].values).tz_localize("UTC").tz_convert(tz)
            cals = inputs.calibrations_of(symbol)
            mpe_symbol = f"MPE_{symbol.split('_')[1]}"
            mpe = inputs.parameters.get(mpe_symbol)
            class_mpe, mpe_note = meter_class_mpe(
                symbol,
                mpe_symbol,
                None if mpe is None else float(mpe.value),
                cals,
                self.reference("para. 7.3.4"),
            )
            error, uncalibrated = applied_meter_error(start, end, cals, class_mpe, symbol)
            used: tuple[str, ...] = (
                (mpe_symbol,) if mpe is not None and np.any(uncalibrated) else ()
            )
            notes = calibration_notes(symbol, cals, uncalibrated, start)
            if mpe_note and np.any(uncalibrated):
                notes = (*notes, mpe_note)
            constant = bool(np.all(error == error[0]))
            ledger.add(
                f"e_{symbol}",
                float(error[0]) if constant else error,
                "1",
                self.reference("para. 7.3.4"),
                used,
                f"Relative error applied to the {symbol} readings",
                extensive=False,
                notes=notes,
                like=inputs.series[symbol],
            )
            ledger.apply(fix)
        ledger.apply(net_electricity_supplied, EG_export="EG_export_y", EG_import="EG_import_y")
        ledger.apply(combined_margin)
        ledger.apply(baseline_emissions_grid)
        ledger.add(
            "PE",
            0.0,
            "t",
            self.reference("para. 6.4"),
            (),
            "Project emissions, counted as zero by the methodology",
        )
        ledger.add(
            "LE", 0.0, "t", self.reference("para. 6.5"), (), "Leakage, ignored by the methodology"
        )
        ledger.apply(emission_reductions)

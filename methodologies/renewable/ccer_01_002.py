"""CCER-01-002-V01: Grid-connected offshore wind power generation (并网海上风力发电).

Ministry of Ecology and Environment of China, October 2023. Implemented: applicability
(para. 2), net electricity (eq. (2)) with the conservative meter-error correction of
para. 7.3.4, combined margin (eq. (3)), baseline emissions (eq. (1)), PE_y = 0 (para. 6.4),
leakage ignored (para. 6.5), ER (eq. (4)), and the 10-year limit of the crediting period
(para. 5.2.2).

The weights omega_OM and omega_BM and the MEE factor publication stand in the
methodology's Tables 2-3, which were not available as text when this was written: the
project file gives them, with their source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from reductions.errors import ParameterError
from reductions.ledger import Ledger, start_ledger
from reductions.methodology import (
    Equation,
    Finding,
    Methodology,
    MonitoringVariable,
    Parameter,
    Source,
    Status,
)
from reductions.project import Calibration, ParameterValue, Project
from reductions.timeutil import to_local
from reductions.tools.grid_emission_factor import combined_margin

from .equations import baseline_emissions_grid, emission_reductions, net_electricity_supplied
from .meter_error import applied_meter_error, corrected_export, corrected_import

#: Para. 2: "离岸30公里以外，或者水深大于30米" (beyond 30 km from shore, or deeper than 30 m).
MIN_DISTANCE_KM = 30.0
MIN_DEPTH_M = 30.0
#: Para. 5.2.2: the crediting period lasts at most 10 years.
MAX_CREDITING_YEARS = 10


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
        Parameter(
            "EF_grid_OM_y",
            "Operating margin (电量边际) emission factor of the regional grid",
            unit="t/MWh",
            minimum=0.0,
            maximum=2.0,
        ),
        Parameter(
            "EF_grid_BM_y",
            "Build margin (容量边际) emission factor of the regional grid",
            unit="t/MWh",
            minimum=0.0,
            maximum=2.0,
        ),
        Parameter(
            "w_OM",
            "Weight omega_OM of the operating margin (Table 2 of the methodology)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
        ),
        Parameter(
            "w_BM",
            "Weight omega_BM of the build margin (Table 2 of the methodology)",
            unit="1",
            minimum=0.0,
            maximum=1.0,
        ),
        Parameter(
            "MPE_export",
            "Maximum permissible error of the export meter's accuracy class",
            unit="1",
            minimum=0.0,
            maximum=0.05,
            required=False,
        ),
        Parameter(
            "MPE_import",
            "Maximum permissible error of the import meter's accuracy class",
            unit="1",
            minimum=0.0,
            maximum=0.05,
            required=False,
        ),
        Parameter(
            "crediting_period_start",
            "First day of the crediting period",
            kind="date",
            required=False,
        ),
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
        Equation("CCER-01-002-V01 eq. (1)", "BE_y = EG_PJ_y * EF_grid_CM_y"),
        Equation("CCER-01-002-V01 eq. (2)", "EG_PJ_y = EG_export_y - EG_import_y"),
        Equation(
            "CCER-01-002-V01 eq. (3)", "EF_grid_CM_y = EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM"
        ),
        Equation("CCER-01-002-V01 para. 6.4", "PE_y = 0"),
        Equation("CCER-01-002-V01 para. 6.5", "leakage ignored: LE_y = 0"),
        Equation("CCER-01-002-V01 eq. (4)", "ER_y = BE_y - PE_y"),
        Equation(
            "CCER-01-002-V01 para. 7.3.4",
            "export x (1 - |error|), import x (1 + |error|); error = actual basic error if "
            "calibrated on time but out of class, MPE of the class if not calibrated or late",
        ),
    )

    def applicability(self, project: Project) -> Sequence[Finding]:
        p = self.id + ".applicability."
        d = project.parameters.get("distance_from_shore")
        h = project.parameters.get("water_depth")
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
        w_sum = project.value("w_OM") + project.value("w_BM")
        weights = Finding(
            p + "weights",
            "CCER-01-002-V01 eq. (3)",
            Status.PASS if abs(w_sum - 1.0) <= 1e-9 else Status.FAIL,
            f"omega_OM + omega_BM = {w_sum!r}" + ("" if abs(w_sum - 1.0) <= 1e-9 else ", not 1"),
            {"w_OM": project.value("w_OM"), "w_BM": project.value("w_BM")},
        )
        findings = [site, weights]
        start = project.parameters.get("crediting_period_start")
        if start is None:
            findings.append(
                Finding(
                    p + "crediting_period",
                    "CCER-01-002-V01 para. 5.2.2",
                    Status.UNCHECKED,
                    "crediting_period_start not given: the 10-year limit is not checked",
                )
            )
        else:
            limit = _add_years(start.value, MAX_CREDITING_YEARS)
            inside = start.value <= project.period.start and project.period.end < limit
            findings.append(
                Finding(
                    p + "crediting_period",
                    "CCER-01-002-V01 para. 5.2.2",
                    Status.PASS if inside else Status.FAIL,
                    f"the period lies inside the crediting period {start.value} to "
                    f"{limit - dt.timedelta(days=1)}"
                    if inside
                    else f"the period {project.period.start} to {project.period.end} is outside "
                    f"the crediting period {start.value} to {limit - dt.timedelta(days=1)} "
                    "(at most 10 years)",
                    {"crediting_period_start": start.value.isoformat()},
                )
            )
        return findings

    def quantify(self, project: Project, monitoring: xr.Dataset) -> Ledger:
        ledger = start_ledger(type(self), project, monitoring)
        tz = project.period.timezone
        start = to_local(monitoring["time"].values, tz)
        end = to_local(monitoring["time_end"].values, tz)
        corrected = {}
        for symbol, fix in (("EG_export", corrected_export), ("EG_import", corrected_import)):
            cals = [c for c in project.monitoring.calibrations if c.variable == symbol]
            mpe_symbol = f"MPE_{symbol.split('_')[1]}"
            mpe = project.parameters.get(mpe_symbol)
            class_mpe, mpe_note = _class_mpe(symbol, mpe_symbol, mpe, cals)
            error, uncalibrated = applied_meter_error(start, end, cals, class_mpe, symbol)
            inputs: tuple[str, ...] = (
                (mpe_symbol,) if mpe is not None and np.any(uncalibrated) else ()
            )
            notes = _calibration_notes(symbol, cals, uncalibrated, start, end)
            if mpe_note and np.any(uncalibrated):
                notes = (*notes, mpe_note)
            ledger.add(
                f"e_{symbol}",
                error,
                "1",
                self.reference("para. 7.3.4"),
                inputs,
                f"Relative error applied to the {symbol} readings",
                extensive=False,
                notes=notes,
            )
            corrected[symbol] = ledger.add(
                f"{symbol}_y",
                fix(ledger.value(symbol), error),
                "MWh",
                self.reference("para. 7.3.4 " + ("a)" if symbol == "EG_export" else "b)")),
                (symbol, f"e_{symbol}"),
                f"{symbol} after the conservative meter-error correction",
            )
        EG_PJ_y = ledger.add(
            "EG_PJ_y",
            net_electricity_supplied(corrected["EG_export"], corrected["EG_import"]),
            "MWh",
            self.reference("eq. (2)"),
            ("EG_export_y", "EG_import_y"),
            "Net electricity supplied to the grid (项目净上网电量)",
        )
        EF = combined_margin(
            ledger.value("EF_grid_OM_y"),
            ledger.value("EF_grid_BM_y"),
            ledger.value("w_OM"),
            ledger.value("w_BM"),
        )
        EF_grid_CM_y = ledger.add(
            "EF_grid_CM_y",
            EF,
            "t/MWh",
            self.reference("eq. (3)"),
            ("EF_grid_OM_y", "w_OM", "EF_grid_BM_y", "w_BM"),
            "Combined margin emission factor of the regional grid",
            extensive=False,
        )
        BE = ledger.add(
            "BE",
            baseline_emissions_grid(EG_PJ_y, EF_grid_CM_y),
            "t",
            self.reference("eq. (1)"),
            ("EG_PJ_y", "EF_grid_CM_y"),
            "Baseline emissions",
        )
        PE = ledger.add(
            "PE",
            0.0,
            "t",
            self.reference("para. 6.4"),
            (),
            "Project emissions, counted as zero by the methodology",
        )
        LE = ledger.add(
            "LE", 0.0, "t", self.reference("para. 6.5"), (), "Leakage, ignored by the methodology"
        )
        ledger.add(
            "ER",
            emission_reductions(BE, PE, LE),
            "t",
            self.reference("eq. (4)"),
            ("BE", "PE", "LE"),
            "Emission reductions",
        )
        return ledger


def _class_mpe(
    symbol: str, mpe_symbol: str, given: ParameterValue | None, cals: Sequence[Calibration]
) -> tuple[float | None, str]:
    """The maximum permissible error of the meter's class for uncalibrated time: the
    parameter, or else the one value the meter's calibration records agree on (records that
    disagree, e.g. after a change of meter class, need the parameter)."""
    recorded = sorted({c.mpe for c in cals})
    if given is not None:
        return float(given.value), ""
    if len(recorded) == 1:
        return recorded[0], f"class MPE {recorded[0]!r} taken from the calibration records"
    if len(recorded) > 1:
        raise ParameterError(
            f"the {symbol} calibration records give different mpe {recorded}; state the "
            "class's maximum permissible error",
            variable=f"parameters.{mpe_symbol}",
            rule="CCER-01-002-V01 para. 7.3.4",
        )
    return None, ""


def _add_years(day: dt.date, years: int) -> dt.date:
    return (pd.Timestamp(day) + pd.DateOffset(years=years)).date()


def _calibration_notes(
    symbol: str,
    cals: Sequence,
    uncalibrated: np.ndarray,
    start: pd.DatetimeIndex,
    end: pd.DatetimeIndex,
) -> tuple[str, ...]:
    notes = [
        f"calibration {c.date.isoformat()}: error {c.error!r}, class MPE {c.mpe!r}"
        + (" (out of class)" if abs(c.error) > c.mpe else "")
        for c in cals
    ]
    if np.any(uncalibrated):
        notes.append(
            f"{int(uncalibrated.sum())} interval(s) without a valid calibration, "
            f"first from {start[int(np.argmax(uncalibrated))].isoformat()}: MPE applied"
        )
    return tuple(notes)

"""Projects for the test plugins: a project file and its data files, built as Python
objects so that a test can break one thing before they are written.

``flare()``, ``baseline()`` and ``meters()`` return a :class:`Project` (the project file
as a dict, and the data files as DataFrames); :meth:`Project.write` puts both into a
folder. The numbers are chosen for hand arithmetic; the tests that use them derive the
expected results in their docstrings. Nothing here imports ``reductions``.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w


@dataclass
class Project:
    """A project file (``doc``) and its data files (name -> DataFrame)."""

    doc: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> dict[str, Any]:
        return self.doc["monitoring"][name]

    def copy(self) -> Project:
        return Project(copy.deepcopy(self.doc), {k: v.copy() for k, v in self.frames.items()})

    def write(self, root: Path, name: str = "project.toml") -> Path:
        root.mkdir(parents=True, exist_ok=True)
        for fname, frame in self.frames.items():
            path = root / fname
            if path.suffix == ".xlsx":
                frame.to_excel(path, index=False, sheet_name=frame.attrs.get("sheet", "data"))
            else:
                sep = frame.attrs.get("sep", ",")
                frame.to_csv(path, index=False, sep=sep, float_format="%.17g")
        path = root / name
        path.write_text(tomli_w.dumps(self.doc), encoding="utf-8")
        return path


def _iso(stamps: pd.DatetimeIndex) -> list[str]:
    return [t.isoformat() for t in stamps]


# --- test.flare-toy --------------------------------------------------------------------------

#: February 2023 in UTC+8: 28 days, 672 hours, 40,320 minutes.
FLARE_START, FLARE_END = dt.date(2023, 2, 1), dt.date(2023, 2, 28)


def flare_frames(flow_step: str = "1h") -> dict[str, pd.DataFrame]:
    """The three tables of the flare project (local time UTC+8).

    ``temperature.csv``: one row per minute, labelled by its start, in degC; 900 degC
    except 06:00-06:30 on 1 February (450 degC, no flame); the rows 05:10-05:19 are
    missing (10 minutes) and the cells 07:00-07:05 are empty (6 minutes).
    ``flow.csv``: Nm3 per hour, labelled by the end of the hour: 1000 Nm3, except 2000 Nm3
    in 06:00-07:00 on 1 February; with ``flow_step = "10min"`` the same flow in six
    10-minute rows per hour.
    ``lab.csv``: monthly CH4 fraction in percent, labelled by the first of the month:
    January 40, February 50, March 60 (only February is in the period).
    """
    minutes = pd.date_range("2023-02-01", "2023-03-01", freq="min", inclusive="left")
    temp = np.full(minutes.size, 900.0)
    temp[6 * 60 : 6 * 60 + 30] = 450.0
    cells = temp.astype(object)
    cells[7 * 60 : 7 * 60 + 6] = ""
    temperature = pd.DataFrame({"time": _iso(minutes), "T": cells}).drop(
        index=range(5 * 60 + 10, 5 * 60 + 20)
    )
    hours = pd.date_range("2023-02-01 01:00", "2023-03-01 00:00", freq="h")
    flow_h = np.full(hours.size, 1000.0)
    flow_h[6] = 2000.0  # the hour ending 07:00 on 1 February
    if flow_step == "1h":
        flow = pd.DataFrame({"time_end": _iso(hours), "flow": flow_h})
    else:
        ends = pd.date_range("2023-02-01 00:10", "2023-03-01 00:00", freq="10min")
        flow = pd.DataFrame({"time_end": _iso(ends), "flow": np.repeat(flow_h / 6.0, 6)})
    lab = pd.DataFrame(
        {"month": ["2023-01-01", "2023-02-01", "2023-03-01"], "ch4": [40.0, 50.0, 60.0]}
    )
    return {"temperature.csv": temperature, "flow.csv": flow, "lab.csv": lab}


def flare(flow_step: str = "1h", reporting: str = "day") -> Project:
    doc = {
        "project": {
            "name": "toy flare, February 2023",
            "methodology": "test.flare-toy",
            "methodology_version": "1.0",
        },
        "period": {
            "start": FLARE_START,
            "end": FLARE_END,
            "timezone": "UTC+8",
            "reporting": reporting,
        },
        "parameters": {"flare_type": "enclosed"},
        "monitoring": {
            "temperature": {
                "file": "temperature.csv",
                "time": "time",
                "label": "start",
                "interval": "1min",
                "variables": {"T_flare": {"column": "T", "unit": "degC"}},
            },
            "flow": {
                "file": "flow.csv",
                "time": "time_end",
                "label": "end",
                "interval": flow_step,
                "variables": {"V_gas": {"column": "flow", "unit": "Nm3"}},
            },
            "lab": {
                "file": "lab.csv",
                "time": "month",
                "label": "start",
                "interval": "month",
                "variables": {"w_CH4": {"column": "ch4", "unit": "percent"}},
            },
        },
    }
    return Project(doc, flare_frames(flow_step))


# --- test.baseline-toy -----------------------------------------------------------------------

WEATHER_DAYS = pd.date_range("2023-12-01", "2024-01-20", freq="D")
#: Heating degree days: 10 + (i mod 7) on day i counted from 2023-12-01 [K day].
HDD = 10.0 + (np.arange(WEATHER_DAYS.size) % 7)
#: Energy use of the baseline model: 20 MWh + 1.5 MWh per degree day.
E_MODEL = 20.0 + 1.5 * HDD


def _days(mask: np.ndarray) -> list[str]:
    return [d.date().isoformat() for d in WEATHER_DAYS[mask]]


def baseline() -> Project:
    """Weather 2023-12-01 to 2024-01-20 (a history table; 6 days after the period);
    baseline energy 2023-12-01 to 2023-12-31 exactly on the model (3 days before the
    baseline period 2023-12-04 to 2023-12-31); reporting energy 2023-12-31 to 2024-01-15
    at 80 % of the model, in kWh (one day before and one after the period 2024-01-01 to
    2024-01-14). Days labelled by their start, UTC+1."""
    base = WEATHER_DAYS <= "2023-12-31"
    rep = (WEATHER_DAYS >= "2023-12-31") & (WEATHER_DAYS <= "2024-01-15")
    frames = {
        "weather.csv": pd.DataFrame({"date": _days(WEATHER_DAYS == WEATHER_DAYS), "hdd": HDD}),
        "baseline.csv": pd.DataFrame({"date": _days(base), "energy": E_MODEL[base]}),
        "reporting.csv": pd.DataFrame({"date": _days(rep), "energy": 800.0 * E_MODEL[rep]}),
    }
    daily = {"time": "date", "label": "start", "interval": "1D"}
    doc = {
        "project": {"name": "toy savings, January 2024", "methodology": "test.baseline-toy"},
        "period": {
            "start": dt.date(2024, 1, 1),
            "end": dt.date(2024, 1, 14),
            "timezone": "UTC+1",
            "reporting": "day",
            "baseline": {"start": dt.date(2023, 12, 4), "end": dt.date(2023, 12, 31)},
        },
        "parameters": {"EF": {"value": 0.5, "unit": "t/MWh", "source": "toy grid factor"}},
        "monitoring": {
            "baseline": {
                "file": "baseline.csv",
                **daily,
                "period": "baseline",
                "variables": {"E_base": {"column": "energy", "unit": "MWh"}},
            },
            "reporting": {
                "file": "reporting.csv",
                **daily,
                "variables": {"E_rep": {"column": "energy", "unit": "kWh"}},
            },
            "weather": {
                "file": "weather.csv",
                **daily,
                "period": "history",
                "variables": {"HDD": {"column": "hdd", "unit": "K*day"}},
            },
        },
    }
    return Project(doc, frames)


# --- test.meters-toy -------------------------------------------------------------------------

METERS = ("A", "B", "C")
#: Per meter: CO2 received in hour h = BASE + 0.5 (h mod 4) t; vented = VENT (h mod 2) t.
RECV_BASE = {"A": 10.0, "B": 20.0, "C": 5.0}
VENT_STEP = {"A": 0.25, "B": 0.5, "C": 0.0}
METER_HOURS = 48


def meter_values() -> dict[str, dict[str, np.ndarray]]:
    """received, injected and vented [t] of each meter in each of the 48 hours."""
    h = np.arange(METER_HOURS)
    out = {}
    for m in METERS:
        recv = RECV_BASE[m] + 0.5 * (h % 4)
        vent = VENT_STEP[m] * (h % 2)
        out[m] = {"recv": recv, "inj": recv - vent, "vent": vent}
    return out


def meters(layout: str = "long") -> Project:
    """Two days (2024-05-01 and 02, UTC+8) of hourly data of meters A, B and C.

    ``long``: one file, a row per hour and meter, key column ``meter_id``; vented CO2 in
    kg. ``split``: the same long table in two files, one per day. ``wide``: one row per
    hour, a column per meter and variable (``recv_A``...), vented CO2 in kg.
    """
    ends = pd.date_range("2024-05-01 01:00", periods=METER_HOURS, freq="h")
    values = meter_values()
    hourly = {"time": "time", "label": "end", "interval": "1h"}
    if layout in ("long", "split"):
        long = pd.concat(
            [
                pd.DataFrame(
                    {
                        "time": _iso(ends),
                        "meter_id": m,
                        "recv": values[m]["recv"],
                        "inj": values[m]["inj"],
                        "vent_kg": 1000.0 * values[m]["vent"],
                    }
                )
                for m in METERS
            ]
        )
        long = long.sort_values(["time", "meter_id"], kind="stable").reset_index(drop=True)
        if layout == "long":
            frames = {"meters.csv": long}
            files: dict[str, Any] = {"file": "meters.csv"}
        else:
            day1 = long["time"] <= "2024-05-02T00:00:00"
            frames = {"meters-1.csv": long[day1], "meters-2.csv": long[~day1]}
            files = {"files": ["meters-1.csv", "meters-2.csv"]}
        variables = {
            "M_recv": {"column": "recv", "unit": "t", "meter": "meter_id"},
            "M_inj": {"column": "inj", "unit": "t", "meter": "meter_id"},
            "M_vent": {"column": "vent_kg", "unit": "kg", "meter": "meter_id"},
        }
    else:
        wide = pd.DataFrame({"time": _iso(ends)})
        for m in METERS:
            wide[f"recv_{m}"] = values[m]["recv"]
            wide[f"inj_{m}"] = values[m]["inj"]
            wide[f"vent_{m}_kg"] = 1000.0 * values[m]["vent"]
        frames = {"meters-wide.csv": wide}
        files = {"file": "meters-wide.csv"}
        variables = {
            "M_recv": {"unit": "t", "meter": {m: f"recv_{m}" for m in METERS}},
            "M_inj": {"unit": "t", "meter": {m: f"inj_{m}" for m in METERS}},
            "M_vent": {"unit": "kg", "meter": {m: f"vent_{m}_kg" for m in METERS}},
        }
    doc = {
        "project": {"name": f"toy storage site ({layout} table)", "methodology": "test.meters-toy"},
        "period": {
            "start": dt.date(2024, 5, 1),
            "end": dt.date(2024, 5, 2),
            "timezone": "UTC+8",
            "reporting": "day",
        },
        "monitoring": {"meters": {**files, **hourly, "variables": variables}},
    }
    return Project(doc, frames)
